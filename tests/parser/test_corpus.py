"""Every real generic file in ../shared/corpus/generic parses to the values written by hand in
corpus_expected.py (the damaged copies fail with a clear message)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_dir
from vpncc import checks
from vpncc.errors import InputError
from vpncc.readers.aws_generic import read

from .corpus_expected import EXPECTED, MARKDOWN_TWINS

pytestmark = pytest.mark.corpus   # the public corpus set: runs with VPNCC_CORPUS=PATH

SHARED = shared_dir()
GENERIC = SHARED / "corpus" / "generic"


def _corpus_files() -> list[str]:
    if not GENERIC.is_dir():
        return []
    names = sorted(p.name for p in GENERIC.iterdir() if p.is_file())
    # a markdown wrapper is parsed through its byte-exact extracted twin
    return [n for n in names if n not in MARKDOWN_TWINS]


FILES = _corpus_files()


def _read(name: str):
    text = (GENERIC / name).read_bytes().decode("utf-8")
    return read(text, path=name)


@pytest.fixture(autouse=True)
def _corpus_present():
    if not GENERIC.is_dir():
        pytest.fail(f"the public corpus is not at {GENERIC} (VPNCC_CORPUS must name its folder)")


def test_every_corpus_file_has_expectations():
    assert FILES, "no corpus files found"
    assert set(FILES) == set(EXPECTED), "corpus_expected.py must cover exactly the corpus files"
    for md, twin in MARKDOWN_TWINS.items():
        assert (GENERIC / md).exists() and (GENERIC / twin).exists()


@pytest.mark.parametrize("name", [n for n in FILES if "error" not in EXPECTED.get(n, {})])
def test_corpus_file_values(name):
    exp = EXPECTED[name]
    conn = _read(name)
    checks.check(conn)
    got = conn.to_dict()
    assert got["vpn_connection_id"] == exp["vpn_connection_id"]
    assert got["customer_gateway_id"] == exp["customer_gateway_id"]
    assert got["gateway"] == exp["gateway"]
    assert got["routing"] == exp["routing"]
    assert got["source"] == {"format": "aws-generic", "path": name, "layout": exp["layout"]}
    assert sorted(w["code"] for w in got["warnings"]) == exp["warnings"]
    assert len(got["tunnels"]) == len(exp["tunnels"]) == 2
    for t_got, t_exp in zip(got["tunnels"], exp["tunnels"], strict=False):
        n = t_exp["number"]
        psk_expected = t_exp["ike"]["psk"]
        psk = t_got["ike"]["psk"]
        if psk_expected is None:
            assert psk is None, f"tunnel {n}: PSK should be None (redacted/placeholder)"
        else:
            assert isinstance(psk, str) and len(psk) == 32, f"tunnel {n}: a real 32-character PSK"
        for field in t_exp:
            if field == "ike":
                for k in t_exp["ike"]:
                    if k != "psk":
                        assert t_got["ike"][k] == t_exp["ike"][k], f"tunnel {n}: ike.{k}"
            else:
                assert t_got[field] == t_exp[field], f"tunnel {n}: {field}"


@pytest.mark.parametrize("name", [n for n in FILES if "error" in EXPECTED.get(n, {})])
def test_damaged_copies_fail_clearly(name):
    exp = EXPECTED[name]
    with pytest.raises(InputError) as info:
        _read(name)
    err = info.value
    assert err.file == name
    assert err.line is not None
    if "line" in exp:
        assert err.line == exp["line"]
    for fragment in exp["error"]:
        assert fragment in err.message, f"{fragment!r} not in {err.message!r}"
    assert err.hint


def test_positions_point_at_values():
    name = "chimezdev-tgw-bgp-CONNECTION1CONFIG.txt"
    conn = _read(name)
    lines = (GENERIC / name).read_text().split("\n")
    for path, value in (("tunnels[0].outside.aws", "75.2.40.238"), ("tunnels[1].inside.customer", "169.254.19.102/30"),
                        ("tunnels[1].bgp.neighbor", "169.254.19.101"), ("vpn_connection_id", "vpn-0c6b44b27cb67a89a"),
                        ("tunnels[0].ike.dh_groups", "Group 2")):
        pos = conn.origin[path]
        line = lines[pos.line - 1]
        assert line[pos.column - 1:].startswith(value), (path, line)
    assert conn.origin["tunnels[1]"].line == 123      # "IPSec Tunnel #2"
    assert conn.origin["routing"].line == 105          # first "#4: Border Gateway Protocol ..." heading


def test_redacted_values_warn_with_lines_and_never_show_the_psk():
    name = "ahmad-soud-tgw-bgp-CONNECTION1CONFIG.redactedpsk.txt"
    conn = _read(name)
    by_line = {w.line: w for w in conn.warnings}
    assert by_line[36].code == "psk-redacted" and "tunnel 1" in by_line[36].message
    assert by_line[93].code == "redacted" and "customer gateway outside" in by_line[93].message
    psks = [t.ike.psk for t in _read("chimezdev-tgw-bgp-CONNECTION1CONFIG.original.txt").tunnels]
    for w in conn.warnings:
        assert all(p not in w.message for p in psks)
