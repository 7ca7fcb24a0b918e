"""docs/new-backend.md's worked example is real: the ToyOS backend in tests/framework/minimal_backend/ is
registered the way a plugin is (an entry point in the ``vpncc.backends`` group, here without an installed
distribution, as tests/framework/test_registry.py does for fake_backend.py), then it must pass the shared
backend properties (tests/properties) and its two-case conformance table, run by the conformance runner.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
import yaml

import tests.conformance.test_conformance as conformance
import tests.properties.test_backend_properties as properties
from tests.conftest import sample_paths
from vpncc.backends import base

HERE = Path(__file__).parent / "minimal_backend"
ENTRY = importlib.metadata.EntryPoint(name="minimal", value="tests.framework.minimal_backend:MinimalBackend",
                                      group="vpncc.backends")


@pytest.fixture(autouse=True)
def minimal_registered(monkeypatch: pytest.MonkeyPatch):
    """The registry sees one third-party backend, "minimal" (the entry-point hook of test_registry.py)."""
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None: [ENTRY] if group in (None, "vpncc.backends") else [])
    monkeypatch.setattr(base, "_table", None)
    monkeypatch.setattr(base, "_cache", {})
    yield
    base._table = None


def test_it_is_registered_with_its_alias() -> None:
    assert "minimal" in base.names()
    assert base.canonical("toyos") == "minimal"
    assert base.get("minimal").name == "minimal"


@pytest.mark.parametrize("case", sorted(properties.HAND_MADE))
def test_round_trip_hand_made(case: str) -> None:
    properties.test_round_trip_hand_made("minimal", case)


@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
@pytest.mark.parametrize("crypto", properties.CRYPTO_MODES)
def test_round_trip_samples(sample: str, crypto: str) -> None:
    properties.test_round_trip_samples("minimal", sample, crypto)


def test_round_trip_generated() -> None:
    properties.test_round_trip_generated("minimal")


@pytest.mark.parametrize("base_name", sorted(properties.MUTATION_BASES))
@pytest.mark.parametrize("mutation", sorted(properties.MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_single_mutation_is_found(base_name: str, mutation: str, tunnel: int) -> None:
    properties.test_single_mutation_is_found("minimal", base_name, mutation, tunnel)


def _cases():
    doc = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
    return [pytest.param(doc, case, id=case["config"]) for case in doc["cases"]]


@pytest.mark.parametrize("doc,case", _cases())
def test_conformance_table(doc: dict, case: dict) -> None:
    conformance.test_case(HERE / "cases.yaml", doc, case)


def test_conformance_table_has_both_kinds() -> None:
    configs = [c["config"] for c in yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))["cases"]]
    assert any(c.startswith("same/") for c in configs) and any(c.startswith("wrong/") for c in configs)
