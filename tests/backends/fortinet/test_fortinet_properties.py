"""Round trip per FortiOS family, and remediation: running + remediation == intended (re-validated)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpncc
from vpncc.backends import base
from vpncc.backends.fortinet import names
from vpncc.compiler import resolve_profile
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import validate

from ...strategies import connections, sample_connection

A = ipaddress.IPv4Address
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
BACKEND = base.get("fortinet")


def _compile(conn, version=None, profile=PROFILE) -> str:
    return vpncc.compile(conn, "fortinet", profile, extra={"fortios_version": version} if version else {})


@pytest.mark.parametrize("version", names.VERSIONS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_generated_per_version(version: str, data: st.DataObject) -> None:
    conn = data.draw(connections())
    prof, _ = resolve_profile(conn, BACKEND, PROFILE)
    if BACKEND.unsupported(conn, prof, base.RenderOptions(extra={"fortios_version": version})):
        return
    assert validate(conn, "fortinet", _compile(conn, version), profile=PROFILE).findings == []


def _tun(conn, n, **changes):
    return replace(conn, tunnels=tuple(replace(t, **changes) if t.number == n else t for t in conn.tunnels))


def _mutations(conn):
    t = conn.tunnel(2)
    net = ipaddress.IPv4Network("169.254.251.4/30")
    aws_in, cgw_in = ipaddress.IPv4Interface("169.254.251.5/30"), ipaddress.IPv4Interface("169.254.251.6/30")
    bgp = (lambda **kw: replace(t.bgp, **kw)) if t.bgp else None
    inside = {"inside": replace(t.inside, customer=cgw_in, aws=aws_in)}
    inside.update({"bgp": bgp(neighbor=aws_in.ip)} if bgp else {"static_next_hop": aws_in.ip})
    assert net.overlaps(cgw_in.network)
    other_version = IkeVersion.IKEV2 if t.ike.version is IkeVersion.IKEV1 else IkeVersion.IKEV1
    out = {
        "peer": {"outside": replace(t.outside, aws=A("198.18.0.1"))},
        "local": {"outside": replace(t.outside, customer=A("198.18.0.2"))},
        "psk": {"ike": replace(t.ike, psk="Mutated.Key_zzzzzzzzzzzzzzzz")},
        "ike-version": {"ike": replace(t.ike, version=other_version)},
        "ike-proposal": {"ike": replace(t.ike, encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_384,),
                                        dh_groups=(19,))},
        "ike-lifetime": {"ike": replace(t.ike, lifetime_s=3600)},
        "esp-proposal": {"ipsec": replace(t.ipsec, encryption=(Encryption.AES128_GCM_16,))},
        "pfs": {"ipsec": replace(t.ipsec, pfs_groups=(21,))},
        "esp-lifetime": {"ipsec": replace(t.ipsec, lifetime_s=1800)},
        "inside": inside,
        "dpd": {"dpd": replace(t.dpd, interval_s=30, retries=5)},
        "mtu": {"mtu": 1400}, "mss": {"tcp_mss": 1300},
    }
    if bgp:
        out.update({"bgp-aws-asn": {"bgp": bgp(aws_asn=65123)}, "bgp-customer-asn": {"bgp": bgp(customer_asn=65321)},
                    "bgp-hold": {"bgp": bgp(hold_time_s=90)}})
    return out


BASES = {
    "bgp-v1": sample_connection(),
    "static-v2": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                   encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}
CASES = [(b, m) for b in sorted(BASES) for m in sorted(_mutations(BASES[b]))]


def _apply_and_revalidate(new, running: str, profile=PROFILE) -> tuple[list, str]:
    report = validate(new, "fortinet", running, profile=profile)
    assert report.findings, "the mutation should be found"
    device = BACKEND.read(running)
    fix = BACKEND.remediation(report.findings, new, profile, device)
    after = validate(new, "fortinet", running + fix, profile=profile)
    return after.findings, fix


@pytest.mark.parametrize("base_name,mutation", CASES)
def test_remediation_fixes_single_mutation(base_name: str, mutation: str) -> None:
    old = BASES[base_name]
    new = _tun(old, 2, **_mutations(old)[mutation])
    left, fix = _apply_and_revalidate(new, _compile(old))
    assert left == [], fix
    assert fix.startswith("# vpncc remediation") and "config " in fix and fix.rstrip().endswith("end")


def test_remediation_adds_a_missing_tunnel_with_policies() -> None:
    full = sample_connection()
    running = _compile(replace(full, tunnels=full.tunnels[:1]))
    left, fix = _apply_and_revalidate(full, running)
    assert left == []
    assert 'edit "vpn-e5f60718-1"' in fix and "config firewall policy" in fix and 'edit "169.254.45.61"' in fix


def test_remediation_enables_shut_tunnel_and_neighbor() -> None:
    conn = sample_connection()
    running = _compile(conn).replace("set type tunnel\n", "set type tunnel\n        set status down\n", 1)
    running = running.replace("set keep-alive-timer 10\n", "set keep-alive-timer 10\n    set shutdown enable\n", 1)
    left, fix = _apply_and_revalidate(conn, running)
    assert left == [] and "set status up" in fix and "set shutdown disable" in fix


def test_remediation_adds_missing_static_routes() -> None:
    conn = BASES["static-v2"]
    more = replace(PROFILE, remote_networks=PROFILE.remote_networks + [ipaddress.IPv4Network("10.1.0.0/16")])
    left, fix = _apply_and_revalidate(conn, _compile(conn), profile=more)
    assert left == [] and fix.count("set dst 10.1.0.0 255.255.0.0") == 2


def test_remediation_for_an_encrypted_key_is_a_comment_only() -> None:
    conn = sample_connection()
    running = _compile(conn).replace('set psksecret "Sample.Key_Tunnel1.a1b2c3d4e5f6g7h"',
                                     "set psksecret ENC c2VjcmV0c2VjcmV0c2VjcmV0", 1)
    report = validate(conn, "fortinet", running, profile=PROFILE)
    assert [(f.rule, f.tunnel) for f in report.findings] == [("VPN204", 1)]
    fix = BACKEND.remediation(report.findings, conn, PROFILE, BACKEND.read(running))
    assert "config " not in fix and "encrypted" in fix and "Sample.Key" not in fix
