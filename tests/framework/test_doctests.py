"""The examples in docstrings are tests: every module listed here has doctests, and they pass.

A module that gains a ``>>>`` example must be added to MODULES (the second test finds it); a listed module
that loses all its examples fails the first test, so the list cannot go stale in either direction.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: modules whose docstrings carry examples (pure functions only: no files, no network, no clock)
MODULES = [
    "vpncc.validate.negotiation",
    "tests.framework.minimal_backend.names",  # docs/new-backend.md's example platform
]
#: the folders searched for modules with examples
SCANNED = ("vpncc", "tests/framework/minimal_backend")


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no doctest left: remove it from MODULES"
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples in {name} failed"


def test_every_module_with_examples_is_listed() -> None:
    found = set()
    for path in sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*.py")):
        if any(line.lstrip().startswith(">>> ") for line in path.read_text(encoding="utf-8").splitlines()):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            found.add(".".join(parts))
    assert found == set(MODULES), f"modules with >>> examples: {sorted(found)}; listed: {sorted(MODULES)}"
