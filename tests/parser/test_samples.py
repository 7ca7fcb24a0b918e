"""Every sample in samples/ parses, passes the checks, matches its golden IR JSON
(tests/golden/ir/<sample>.json) and validates against the shipped JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from vpncc import checks
from vpncc.readers.aws_generic import read
from vpncc.readers.ir_schema import schema

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

#: What each sample is meant to exercise (written by hand): layout, routing, gateway kind, IKE version,
#: phase-1 (encryption, integrity, DH), line ending, final newline.
VARIANTS = {
    "bgp-vgw-ikev1-2022.txt": ("2022", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\n", True),
    "static-vgw-ikev1-2020.txt": ("2020", "static", "vgw", "ikev1", ("AES128", "SHA1", 2), "\n", True),
    "bgp-tgw-ikev1-2022.txt": ("2022", "bgp", "tgw", "ikev1", ("AES128", "SHA1", 2), "\n", True),
    "bgp-vgw-ikev2-strong-2022.txt": ("2022", "bgp", "vgw", "ikev2", ("AES256-GCM-16", "SHA2-256", 20), "\n", True),
    "static-vgw-ikev2-2022.txt": ("2022", "static", "vgw", "ikev2", ("AES256", "SHA2-256", 14), "\n", True),
    "bgp-vgw-2009-xsl.txt": ("2009", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\r\n", True),
    "bgp-vgw-2011-old.txt": ("2011", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\n", True),
    "bgp-vgw-docs-copy.txt": ("docs", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\n", True),
    "bgp-vgw-crlf-2022.txt": ("2022", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\r\n", True),
    "bgp-vgw-comment-header-2022.txt": ("2022", "bgp", "vgw", "ikev1", ("AES128", "SHA1", 2), "\n", False),
}


def _text(name: str) -> str:
    return (SAMPLES / name).read_bytes().decode("utf-8")


def test_sample_set_is_complete():
    assert sorted(p.name for p in SAMPLES.glob("*.txt")) == sorted(VARIANTS)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_sample_golden_ir(name, golden):
    text = _text(name)
    conn = read(text, path=f"samples/{name}")
    checks.check(conn, text=text)
    golden(f"ir/{Path(name).stem}.json", json.dumps(conn.to_dict(), indent=2) + "\n")


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_sample_variant(name):
    layout, routing, kind, version, (enc, integ, dh), eol, final_newline = VARIANTS[name]
    text = _text(name)
    conn = read(text, path=name)
    assert conn.source.layout == layout
    assert conn.routing.value == routing
    assert conn.gateway.kind.value == kind
    assert (conn.gateway.id is None) == (kind == "tgw")
    for t in conn.tunnels:
        assert t.ike.version.value == version
        assert [e.value for e in t.ike.encryption] == [enc] == [e.value for e in t.ipsec.encryption]
        assert [i.value for i in t.ike.integrity] == [integ] == [i.value for i in t.ipsec.integrity]
        assert list(t.ike.dh_groups) == [dh] == list(t.ipsec.pfs_groups)
        assert t.ike.psk is not None and t.outside.customer is not None
    assert ("\r\n" in text) == (eol == "\r\n")
    assert text.endswith("\n") == final_newline
    # samples use documentation address ranges only
    for t in conn.tunnels:
        assert str(t.outside.customer).startswith("192.0.2.")
        assert str(t.outside.aws).startswith(("198.51.100.", "203.0.113."))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_sample_ir_matches_schema(name):
    conn = read(_text(name), path=name)
    jsonschema.Draft202012Validator(schema()).validate(conn.to_dict())
    jsonschema.Draft202012Validator(schema()).validate(conn.redacted().to_dict())
