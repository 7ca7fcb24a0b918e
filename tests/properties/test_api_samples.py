"""Every tunnel option AWS documents reaches compile: accelerated, private-IP (VPN over Direct Connect),
IPv6-outside and certificate-authenticated connections (samples/api-*.json, sanitized API JSON) either
compile for a backend, or are refused with one clear UnsupportedFeature error, never anything else; and a
compiled one validates clean. The NAT case (--local-address, a private device address in front of the
public customer gateway address) compiles and validates clean on every backend."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from vpncc.backends import base
from vpncc.errors import UnsupportedFeature
from vpncc.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
API = sorted(p.name for p in (ROOT / "samples").glob("api-*.json"))
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
PSKS = {1: "Api.Sample_Key1.aB3dE5fG7hJ9kL2mQ", 2: "Api.Sample_Key2.nP4qR6sT8vW1xY3zA"}


def _text(vendor: str, conn, profile: Profile) -> str:
    from vpncc.compiler import compile_files

    files = compile_files(conn, vendor, profile, psks={t.number: PSKS[t.number] for t in conn.tunnels
                                                        if t.ike.psk is None and t.ike.auth != "certificate"})
    return "".join(files.values()) if base.get(vendor).validates_bundle else next(iter(files.values()))


def _serious(report) -> list[str]:
    return [f"{f.severity.value} {f.rule} t{f.tunnel}: {f.message}" for f in report.findings
            if f.category == "compliance" and f.severity.value != "info"]


@pytest.mark.parametrize("vendor", base.names())
@pytest.mark.parametrize("sample", API)
def test_api_sample_compiles_or_is_refused_clearly(vendor: str, sample: str) -> None:
    conn = vpncc.parse(ROOT / "samples" / sample)
    try:
        text = _text(vendor, conn, PROFILE)
    except UnsupportedFeature as e:
        assert e.backend == vendor and str(e), e  # one error naming the backend and what it cannot express
        return
    report = vpncc.validate(conn, vendor, text, profile=PROFILE, path="device.cfg")
    assert _serious(report) == []


@pytest.mark.parametrize("vendor", base.names())
def test_nat_case_compiles_and_validates_clean(vendor: str) -> None:
    conn = vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev2-strong-2022.txt")
    nat = replace(PROFILE, local_address=ipaddress.IPv4Address("10.20.0.5"))
    try:
        text = _text(vendor, conn, nat)
    except UnsupportedFeature as e:
        pytest.fail(f"{vendor} cannot compile the NAT case: {e}")
    report = vpncc.validate(conn, vendor, text, profile=nat, path="device.cfg")
    assert _serious(report) == []
    cgw = str(conn.tunnels[0].outside.customer)
    # the device's own address is the private one; the customer gateway's public address appears only as
    # the identity (where the platform sends one) — never as an address the device would bind to
    assert "10.20.0.5" in text or any(f.rule == "VPN112" for f in report.findings), text[:2000]
    assert cgw not in {line.split()[-1] for line in text.splitlines()
                       if "local-address" in line or "local_addrs" in line or line.strip().startswith("left=")}
