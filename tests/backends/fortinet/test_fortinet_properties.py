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
from vpncc.ir import AcceptedSource, Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import validate

from ...strategies import connections, sample_connection

A = ipaddress.IPv4Address
# --crypto file: the mutations change what AWS accepts against the IR's own suite, which the config offers
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
BACKEND = base.get("fortinet")


def _compile(conn, version=None, profile=PROFILE) -> str:
    return vpncc.compile(conn, "fortinet", profile, extra={"fortios_version": version} if version else {})


def _problems(findings) -> list:
    """Errors and warnings of the compliance category (security findings and info are advice)."""
    return [f for f in findings if f.severity.value in ("error", "warning") and f.category != "security"]


@pytest.mark.parametrize("version", names.VERSIONS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_generated_per_version(version: str, data: st.DataObject) -> None:
    conn = data.draw(connections())
    prof, _ = resolve_profile(conn, BACKEND, PROFILE)
    if BACKEND.unsupported(conn, prof, base.RenderOptions(extra={"fortios_version": version})):
        return
    assert _problems(validate(conn, "fortinet", _compile(conn, version), profile=PROFILE).findings) == []


def _tun(conn, n, **changes):
    return replace(conn, tunnels=tuple(replace(t, **changes) if t.number == n else t for t in conn.tunnels))


def _restricted(t, **accepted):
    """AWS's side changed: the tunnel options now accept only these values (the IR shows them too)."""
    return replace(t.accepted, source=AcceptedSource.TUNNEL_OPTIONS, **accepted)


def _mutations(conn):
    """AWS-side changes the compiled device config no longer meets."""
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
        "psk": {"ike": replace(t.ike, psk="Mutated.Key_zzzzzzzzzzzzzzzz")},
        "ike-version": {"ike": replace(t.ike, version=other_version),
                        "accepted": _restricted(t, ike_versions=(other_version,))},
        "ike-proposal": {"ike": replace(t.ike, encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_384,),
                                        dh_groups=(19,)),
                         "accepted": _restricted(t, ike_encryption=(Encryption.AES256,),
                                                 ike_integrity=(Integrity.SHA2_384,), ike_dh_groups=(19,))},
        "esp-proposal": {"ipsec": replace(t.ipsec, encryption=(Encryption.AES128_GCM_16,)),
                         "accepted": _restricted(t, esp_encryption=(Encryption.AES128_GCM_16,))},
        "pfs": {"ipsec": replace(t.ipsec, pfs_groups=(21,)), "accepted": _restricted(t, pfs_groups=(21,))},
        "inside": inside,
    }
    if bgp:
        out.update({"bgp-aws-asn": {"bgp": bgp(aws_asn=65123)}, "bgp-customer-asn": {"bgp": bgp(customer_asn=65321)}})
    return out


#: the device drifted: (text in the compiled config for tunnel 2, replacement)
DRIFT = {
    "ike-lifetime": ("set keylife 28800", "set keylife 86400"),
    "esp-lifetime": ("set keylifeseconds 3600", "set keylifeseconds 43200"),
    "dpd": ("set dpd on-idle", "set dpd disable"),
    "mtu": ("set mtu 1436", "set mtu 1500"),
    "mss": ("set tcp-mss 1379", "set tcp-mss 1460"),
}

BASES = {
    "bgp-v1": sample_connection(),
    "static-v2": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                   encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}
CASES = [(b, m) for b in sorted(BASES) for m in sorted(_mutations(BASES[b]))]


def _apply_and_revalidate(new, running: str, profile=PROFILE) -> tuple[list, str]:
    report = validate(new, "fortinet", running, profile=profile)
    assert _problems(report.findings), "the mutation should be found"
    device = BACKEND.read(running)
    fix = BACKEND.remediation(report.findings, new, profile, device)
    after = validate(new, "fortinet", running + fix, profile=profile)
    return _problems(after.findings), fix


@pytest.mark.parametrize("base_name,mutation", CASES)
def test_remediation_fixes_single_mutation(base_name: str, mutation: str) -> None:
    old = BASES[base_name]
    new = _tun(old, 2, **_mutations(old)[mutation])
    left, fix = _apply_and_revalidate(new, _compile(old))
    assert left == [], fix
    assert fix.startswith("# vpncc remediation") and "config " in fix and fix.rstrip().endswith("end")


def _tunnel2_drift(text: str, old: str, new: str) -> str:
    """Replace ``old`` in tunnel 2's part of each section (the second occurrence)."""
    first = text.index(old)
    second = text.index(old, first + len(old))
    return text[:second] + new + text[second + len(old):]


@pytest.mark.parametrize("base_name,drift", [(b, d) for b in sorted(BASES) for d in sorted(DRIFT)])
def test_remediation_fixes_device_drift(base_name: str, drift: str) -> None:
    conn = BASES[base_name]
    running = _tunnel2_drift(_compile(conn), *DRIFT[drift])
    left, fix = _apply_and_revalidate(conn, running)
    assert left == [], fix
    assert DRIFT[drift][0] in fix


def test_remediation_never_sets_local_gw_the_device_does_not_own() -> None:
    conn = sample_connection()
    new = _tun(conn, 2, outside=replace(conn.tunnel(2).outside, customer=A("198.18.0.2")))
    running = _compile(conn)
    report = validate(new, "fortinet", running, profile=PROFILE)
    assert [(f.rule, f.tunnel) for f in _problems(report.findings)] == [("VPN111", 2)]
    fix = BACKEND.remediation(report.findings, new, PROFILE, BACKEND.read(running))
    assert not any(line.strip().startswith("set local-gw") for line in fix.splitlines())
    assert "198.18.0.2" in fix and "NAT" in fix
    # an address the FortiGate does own is fine to name
    owned = running + (
        'config system interface\n    edit "wan2"\n        set ip 198.18.0.2 255.255.255.0\n    next\nend\n')
    fix = BACKEND.remediation(report.findings, new, PROFILE, BACKEND.read(owned))
    assert "set local-gw 198.18.0.2" in fix


def test_remediation_turns_nat_t_on_behind_nat() -> None:
    conn = sample_connection()
    running = _compile(conn).replace("set local-gw 192.0.2.10", "set local-gw 10.0.0.2")
    running = running.replace("set nattraversal enable", "set nattraversal disable")
    left, fix = _apply_and_revalidate(conn, running)
    assert left == [] and "set nattraversal enable" in fix and "set local-gw" not in fix


def test_remediation_adds_missing_firewall_policies() -> None:
    conn = sample_connection()
    text = _compile(conn)
    running = text[:text.index("config firewall policy")] + "config firewall policy\nend\n"
    left, fix = _apply_and_revalidate(conn, running)
    assert left == [] and fix.count("set action accept") == 4 and "config firewall address" in fix


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
    assert _problems(report.findings) == []
    assert [(f.rule, f.tunnel) for f in report.findings if f.rule == "VPN204"] == [("VPN204", 1)]
    fix = BACKEND.remediation(report.findings, conn, PROFILE, BACKEND.read(running))
    assert "config " not in fix and "encrypted" in fix and "Sample.Key" not in fix


def test_remediation_writes_the_suite_of_the_profiles_crypto_mode() -> None:
    conn = sample_connection()
    running = _compile(conn).replace("set proposal aes128-sha1\n        set dhgrp 2", "set proposal 3des-md5\n"
                                     "        set dhgrp 2", 1)
    strong = replace(PROFILE, crypto="recommended")
    report = validate(conn, "fortinet", running, profile=strong)
    assert [(f.rule, f.tunnel) for f in _problems(report.findings)] == [("VPN201", 1)]
    fix = BACKEND.remediation(report.findings, conn, strong, BACKEND.read(running))
    assert "set proposal aes256gcm-prfsha384" in fix and "set dhgrp 20 19 14" in fix
    assert "set ike-version 2" in fix  # FortiOS offers GCM in phase 1 with IKEv2 only
    assert _problems(validate(conn, "fortinet", running + fix, profile=strong).findings) == []
