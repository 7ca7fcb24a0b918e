"""Limits: oversized inputs are refused, deeply nested device configs do not blow the stack, and a
failure while rendering never leaves a partial output file."""

from __future__ import annotations

import time

import pytest

from tests.clirunner import ROOT, cli
from tests.strategies import sample_connection
from vpncc.errors import InputError, VpnccError

SAMPLE = str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")


def test_input_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    r = cli("parse", str(big), env={"VPNCC_MAX_INPUT_BYTES": "1024"})
    assert r.rc == 2 and "over the 1024-byte limit" in r.err and "VPNCC_MAX_INPUT_BYTES" in r.err
    r = cli("validate", SAMPLE, "--vendor", "cisco-ios", "--config", str(big), env={"VPNCC_MAX_INPUT_BYTES": "1024"})
    assert r.rc == 2 and "limit" in r.err


def _validate(vendor: str, text: str):
    from vpncc.validate.compare import validate_one

    return validate_one(sample_connection(), vendor, text, path="deep.cfg")


DEEP = {
    "junos-curly": ("juniper", "security {\n" * 50_000 + "}\n" * 50_000),
    "junos-one-line": ("juniper", "security { " * 50_000),
    "fortios": ("fortinet", "config vpn ipsec phase1-interface\n" + "    config x\n" * 20_000 + "    end\n" * 20_000
                + "end\n"),
    "swanctl": ("strongswan", "connections {\n" + "a {\n" * 30_000 + "}\n" * 30_001),
    "pfsense-xml": ("pfsense", "<?xml version='1.0'?>\n<pfsense>" + "<a>" * 50_000 + "</a>" * 50_000 + "</pfsense>\n"),
    "ios-indent": ("cisco-ios", "crypto isakmp policy 10\n" + "".join(" " * i + "x\n" for i in range(1, 20_000))),
    "asa-indent": ("cisco-asa", "crypto ikev1 policy 10\n" + "".join(" " * i + "x\n" for i in range(1, 20_000))),
}


@pytest.mark.parametrize("vendor, text", list(DEEP.values()), ids=list(DEEP))
def test_deeply_nested_configs_do_not_blow_the_stack(vendor, text):
    t0 = time.perf_counter()
    try:
        _validate(vendor, text)
    except VpnccError:
        pass  # refusing is fine; RecursionError/MemoryError is not
    assert time.perf_counter() - t0 < 20


def test_exception_while_rendering_leaves_old_file(tmp_path, monkeypatch):
    from vpncc import cli as vcli
    from vpncc.backends import base

    out = tmp_path / "r1.cfg"
    out.write_text("previous config\n")
    backend = base.get("cisco-ios")

    def boom(*a, **k):
        raise RuntimeError("mid-render failure")

    monkeypatch.setattr(type(backend), "render", boom)
    rc = vcli.main(["compile", SAMPLE, "--vendor", "cisco-ios", "--local-networks", "10.10.0.0/16", "-o", str(out)])
    assert rc == 2
    assert out.read_text() == "previous config\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r1.cfg"]


def test_ctrl_c_while_writing_leaves_old_file(tmp_path, monkeypatch):
    import os

    from vpncc import cli as vcli

    out = tmp_path / "r1.cfg"
    out.write_text("previous config\n")

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    rc = vcli.main(["compile", SAMPLE, "--vendor", "cisco-ios", "--local-networks", "10.10.0.0/16", "-o", str(out)])
    assert rc == 2
    assert out.read_text() == "previous config\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r1.cfg"]


def test_library_raises_only_vpncc_errors_for_bad_types():
    import vpncc

    with pytest.raises(InputError):
        vpncc.parse(12345)
    with pytest.raises(VpnccError):
        vpncc.compile(sample_connection(), "no-such-vendor")
