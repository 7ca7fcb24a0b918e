import importlib.metadata

import pytest

from vpncc.backends import base
from vpncc.errors import UsageError


@pytest.fixture
def fresh_registry(monkeypatch):
    monkeypatch.setattr(base, "_table", None)
    monkeypatch.setattr(base, "_cache", {})
    yield
    base._table = None


def _eps(*pairs):
    return [importlib.metadata.EntryPoint(name=n, value=v, group="vpncc.backends") for n, v in pairs]


def test_builtin_names_and_aliases(fresh_registry):
    assert base.names()[:6] == ["cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan"]
    assert base.canonical("cisco") == "cisco-ios" and base.canonical(" Junos ") == "juniper"
    assert base.get("cisco").name == "cisco-ios"
    with pytest.raises(UsageError) as e:
        base.canonical("nokia")
    assert "cisco-ios" in str(e.value)


def test_third_party_backend_through_entry_point(fresh_registry, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None: _eps(("vyos", "tests.framework.fake_backend:VyosBackend")))
    assert "vyos" in base.names()
    b = base.get("vyos")
    assert b.name == "vyos" and b.render(None, None, base.RenderOptions())["vyos.conf"].startswith("set ")


def test_duplicate_name_is_a_warning_naming_both(fresh_registry, monkeypatch):
    monkeypatch.setattr(base, "PROBLEMS", [])
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None: _eps(("cisco-ios", "somewhere:Other")))
    assert base.names().count("cisco-ios") == 1 and base.get("cisco-ios").name == "cisco-ios"  # the built-in wins
    assert len(base.PROBLEMS) == 1
    assert "'cisco-ios' is claimed by vpncc (built-in" in base.PROBLEMS[0] and "somewhere:Other" in base.PROBLEMS[0]


def test_backend_that_fails_to_import_is_reported(fresh_registry, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None: _eps(("broken", "tests.framework.fake_backend:Missing")))
    with pytest.raises(ImportError):
        base.get("broken")
