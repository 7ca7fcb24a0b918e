"""Aliases come from the backend classes (``Backend.aliases``); ``base.ALIASES`` is the static copy the
registry reads so that ``--vendor junos`` resolves without importing every backend at start-up.

These tests keep the two in step in both directions: an alias a class declares is in the table, and every
row of the table is declared by the class it points to. On a mismatch the message prints the table to paste
into vpncc/backends/base.py.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from tests.clirunner import ROOT
from vpncc.backends import base

# The Cisco classes do not declare their aliases yet (their folders were frozen while this test was
# written): the registry rows "cisco", "ios" and "asa" exist only in base.ALIASES. strict: the xfail turns
# into a failure as soon as the classes declare them, so this marker must then be removed.
PENDING: set[str] = set()  # backends whose class does not declare its aliases yet


def _declared() -> dict[str, str]:
    """alias -> backend name, read from the built-in classes (imports every built-in backend)."""
    table: dict[str, str] = {}
    for name, spec in base.BUILTIN.items():
        module, _, attr = spec.partition(":")
        cls = getattr(importlib.import_module(module), attr)
        assert cls.name == name, f"{spec} says name {cls.name!r}, registered as {name!r}"
        for alias in cls.aliases:
            assert alias not in table, f"alias {alias!r} declared by {table[alias]} and {name}"
            table[alias] = name
    return table


def _paste(table: dict[str, str]) -> str:
    return "ALIASES: dict[str, str] = {" + ", ".join(f"{a!r}: {n!r}" for a, n in sorted(table.items())) + "}"


def test_every_declared_alias_is_in_the_static_table() -> None:
    declared = _declared()
    missing = {a: n for a, n in declared.items() if base.ALIASES.get(a) != n}
    assert not missing, f"base.ALIASES lacks {missing}; expected {_paste({**base.ALIASES, **declared})}"


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="class does not declare its aliases yet"))
    if n in PENDING else n
    for n in base.BUILTIN
])
def test_every_static_alias_is_declared_by_its_class(name: str) -> None:
    declared = _declared()
    rows = sorted(a for a, n in base.ALIASES.items() if n == name)
    undeclared = [a for a in rows if declared.get(a) != name]
    assert not undeclared, f"base.ALIASES maps {undeclared} to {name}, whose class does not declare them"


def test_aliases_are_not_backend_names() -> None:
    assert not set(base.ALIASES) & set(base.BUILTIN)
    assert set(base.ALIASES.values()) <= set(base.BUILTIN)


def test_a_builtin_alias_resolves_without_importing_any_backend() -> None:
    # a fresh interpreter: this process has imported the backends already
    code = ("import sys; from vpncc.backends import base; "
            "print(base.canonical('pfsense-plus'), base.canonical('Junos')); "
            "print(sorted(m for m in sys.modules if m.startswith('vpncc.backends.') and m != 'vpncc.backends.base'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["pfsense juniper", "[]"], out


def test_pfsense_plus_selects_the_pfsense_backend() -> None:
    assert base.get("pfsense-plus") is base.get("pfsense")
    assert "pfsense-plus" in type(base.get("pfsense")).aliases
