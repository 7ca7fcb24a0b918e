"""vpncc._lark: one parser factory for every grammar; Lark's standalone parser kept in the private cache
must parse exactly as Lark itself does, and start-up must not import Lark once the entry exists."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from vpncc import _lark
from vpncc._resources import resource_dir
from vpncc.readers import aws_generic
from vpncc.readers import aws_generic_syntax as syntax

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
from tests.conftest import shared_dir

SHARED = shared_dir()
GENERIC = sorted((SHARED / "corpus" / "generic").glob("*.txt"))
OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False, "propagate_positions": True}


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A private cache under tmp_path and no parser built yet; the process's parsers come back after."""
    monkeypatch.delenv("VPNCC_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _lark.load.cache_clear()
    yield tmp_path / "vpncc"
    _lark.load.cache_clear()


def entries(folder: Path, name: str = "aws_generic.lark") -> list[Path]:
    return sorted(folder.glob(f"{name}.*.standalone"))


def test_one_cached_parser():
    assert aws_generic.parser() is aws_generic.parser()
    opts = aws_generic.parser().parser.options
    assert (opts.parser, opts.lexer, opts.propagate_positions) == ("lalr", "contextual", True)


def test_entry_is_private_and_later_processes_skip_lark(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("VPNCC_NO_CACHE", None)
    code = ("import hashlib, json, sys, vpncc; c = vpncc.parse(sys.argv[1]); "  # a digest: no key in output
            "d = hashlib.sha256(json.dumps(c.to_dict(), sort_keys=True).encode()).hexdigest(); "
            "print(json.dumps(['lark' in sys.modules, d]))")
    sample = str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code, sample], env=env, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(2)]
    assert runs[0][0] is True, "the first run generates the entry with Lark"
    assert runs[1][0] is False, "the second run must not import lark"
    assert runs[0][1] == runs[1][1]
    folder = tmp_path / "vpncc"
    (entry,) = entries(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def _outcome(text: str, name: str):
    from vpncc.errors import InputError

    try:
        return aws_generic.read(text, name).to_dict()
    except InputError as e:  # the damaged corpus copies: the same error either way
        return e.render()


@pytest.mark.parametrize("path", SAMPLES + [pytest.param(p, marks=pytest.mark.corpus) for p in GENERIC],
                         ids=lambda p: p.name)
def test_standalone_and_lark_read_the_same(path, fresh, monkeypatch):
    text = path.read_text(encoding="utf-8", errors="replace")
    standalone = _outcome(text, path.name)
    assert entries(fresh), "the cached standalone parser served this read"
    _lark.load.cache_clear()
    monkeypatch.setenv("VPNCC_NO_CACHE", "1")
    import lark

    assert isinstance(aws_generic.parser().parser, lark.Lark)
    assert _outcome(text, path.name) == standalone


def test_parse_errors_are_the_same(fresh, monkeypatch):
    bad = "IPSec Tunnel #1"  # no final newline: the only text the raw grammar refuses
    g1 = aws_generic.parser()
    with pytest.raises(g1.UnexpectedInput) as e1:
        g1.parser.parse(bad)
    _lark.load.cache_clear()
    monkeypatch.setenv("VPNCC_NO_CACHE", "1")
    g2 = aws_generic.parser()
    assert g1.UnexpectedInput is not g2.UnexpectedInput
    with pytest.raises(g2.UnexpectedInput) as e2:
        g2.parser.parse(bad)
    for attr in ("line", "column"):
        assert getattr(e1.value, attr) == getattr(e2.value, attr)
    r1 = syntax.lark_error(e1.value, "x.txt", [bad]).render()
    r2 = syntax.lark_error(e2.value, "x.txt", [bad]).render()
    assert r1 == r2 and "x.txt:1:1" in r1


def _device_text(vendor: str) -> str:
    import ipaddress

    import vpncc
    from vpncc.compiler import compile_files
    from vpncc.profile import Profile

    conn = vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")
    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
    files = compile_files(conn, vendor, prof, format="legacy" if vendor == "strongswan" else None)
    return next(iter(files.values()))


@pytest.mark.parametrize("name,vendor", [("fortios.lark", "fortinet"), ("ipsec_conf.lark", "strongswan")])
def test_tree_grammars_parse_the_same(name, vendor, fresh, monkeypatch):
    text = _device_text(vendor)
    opts = {"start": "start"} if name == "fortios.lark" else {}
    t1 = _lark.load(name, **opts).parser.parse(text)
    assert entries(fresh, name)
    _lark.load.cache_clear()
    monkeypatch.setenv("VPNCC_NO_CACHE", "1")
    t2 = _lark.load(name, **opts).parser.parse(text)
    assert type(t1) is not type(t2)  # two implementations ...
    assert t1.pretty() == t2.pretty() and len(t1.children) > 5  # ... one parse


def test_corrupt_entry_is_rebuilt(fresh):
    grammar = (resource_dir("grammars") / "aws_generic.lark").read_text()
    fresh.mkdir(mode=0o700, exist_ok=True)
    module = _lark._standalone(str(fresh), "aws_generic.lark", grammar, OPTIONS)
    (entry,) = entries(fresh)
    entry.write_bytes(b"not a code object")
    again = _lark._standalone(str(fresh), "aws_generic.lark", grammar, OPTIONS)
    assert module is not None and again is not None
    assert entry.read_bytes() != b"not a code object"
    text = (ROOT / "samples" / "bgp-vgw-ikev1-2022.txt").read_text()
    assert again.Lark_StandAlone(transformer=syntax.Blocks()).parse(text)


def test_edited_grammar_gets_a_new_entry_and_drops_the_old(fresh):
    fresh.mkdir(mode=0o700, exist_ok=True)
    grammar = (resource_dir("grammars") / "aws_generic.lark").read_text()
    _lark._standalone(str(fresh), "aws_generic.lark", grammar, OPTIONS)
    (old,) = entries(fresh)
    legacy = fresh / "aws_generic.lark.cache"  # the Lark pickle earlier versions kept
    legacy.write_bytes(b"old")
    _lark._standalone(str(fresh), "aws_generic.lark", grammar + "\n// edited\n", OPTIONS)
    (new,) = entries(fresh)
    assert new != old and not old.exists() and not legacy.exists()


def test_unsafe_cache_folder_falls_back_to_lark(fresh):
    fresh.mkdir(mode=0o700)
    fresh.chmod(0o777)  # writable by others: never run code from it
    import lark

    g = _lark.load("aws_generic.lark", syntax.Blocks, propagate_positions=True)
    assert isinstance(g.parser, lark.Lark) and g.Token is lark.Token
    assert not entries(fresh)
