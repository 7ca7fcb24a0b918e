"""docs/library.md's code blocks run, in order, in one namespace, from the repository root: the example
is what the library really does (its assertions were written from AWS's rules, see the page)."""

from __future__ import annotations

import re

from tests.clirunner import ROOT

DOC = ROOT / "docs" / "library.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_the_page_has_the_ticket_example():
    blocks = _blocks()
    assert len(blocks) >= 4 and any("def handle(" in b for b in blocks)


def test_library_doc_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "library_doc"}
    for i, block in enumerate(_blocks()):
        exec(compile(block, f"{DOC}:block{i + 1}", "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["review"]["rules"] == ["VPN211"]


def test_public_functions_take_typed_keywords_and_document_themselves():
    import inspect

    import vpncc

    for name in ("parse", "load", "compile", "compile_files", "profile_from_dict", "load_profile", "list_backends"):
        fn = getattr(vpncc, name)
        sig = inspect.signature(fn)
        assert not [p for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD], f"vpncc.{name} takes **kwargs"
        assert all(p.annotation is not p.empty for p in sig.parameters.values()), f"vpncc.{name}: untyped argument"
        assert sig.return_annotation is not sig.empty and fn.__doc__, f"vpncc.{name}: no return type or docstring"
    for name in ("parse", "compile_files", "profile_from_dict", "load_profile"):
        assert "Raises:" in getattr(vpncc, name).__doc__
    assert vpncc.Profile().local_networks == []
