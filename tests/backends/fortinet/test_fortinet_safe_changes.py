"""fortinet: compile --running (allocation, reuse, refusals), the header's collision and "outside these
tunnels" blocks, BGP that cannot leak, and the NAT compile (docs/safe-changes.md)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
#: the FortiGate before any AWS connection: its WAN and LAN interfaces
BASE = """config system interface
    edit "wan1"
        set vdom "root"
        set ip 192.0.2.10 255.255.255.0
    next
    edit "internal"
        set vdom "root"
        set ip 10.10.0.1 255.255.0.0
    next
end
"""
FGT = base.get("fortinet")


def first():
    return load_one(str(SAMPLES / "bgp-vgw-ikev1-2022.txt"))


def second(conn):
    """Another VPN connection from the same customer gateway: other AWS endpoints, inside /30s and a
    connection id whose FortiOS short name would be the same as the first one's (same last 8 digits)."""
    ts = []
    for t, (aws, cidr) in zip(conn.tunnels, (("203.0.113.91", "169.254.90.0/30"), ("203.0.113.92", "169.254.91.0/30")), strict=False):
        net = ipaddress.IPv4Network(cidr)
        cust, awsi = ipaddress.IPv4Interface(f"{net[2]}/30"), ipaddress.IPv4Interface(f"{net[1]}/30")
        ts.append(replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address(aws)),
                          inside=replace(t.inside, customer=cust, aws=awsi), bgp=replace(t.bgp, neighbor=awsi.ip)))
    return replace(conn, vpn_connection_id="vpn-0ffff1111e5f60718", tunnels=tuple(ts))


def body(text: str) -> str:
    return "\n".join(l for l in text.splitlines() if not l.startswith("#")) + "\n"


def problems(conn, text: str, profile: Profile = PROFILE):
    dev = FGT.read(text, "fgt.conf")
    return [f for f in compare(conn, dev, profile)
            if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]


def test_second_connection_against_the_first_does_not_collide():
    c1, c2 = first(), second(first())
    out1 = compile_(c1, "fortinet", PROFILE)
    running = BASE + body(out1)
    # without --running the two connections' names collide (same last 8 hex digits of the id)
    plain = compile_(c2, "fortinet", PROFILE)
    assert re.findall(r'(?m)^    edit "(vpn-[^"]+)"$', plain)[:2] == re.findall(r'(?m)^    edit "(vpn-[^"]+)"$', out1)[:2]
    out2 = compile_(c2, "fortinet", PROFILE, running=running)
    after = running + body(out2)
    dev = FGT.read(after, "fgt.conf")
    assert len(dev.tunnels) == 4 and len({t.name for t in dev.tunnels}) == 4
    assert "set as " not in body(out2) and "set router-id" not in body(out2)
    assert problems(c1, after) == []
    assert problems(c2, after) == []
    inv = dev.inventory
    assert len(inv.taken("phase1")) == 4 and {"wan1", "internal"} <= inv.interfaces


def test_header_names_allocation_collisions_and_outside_changes():
    out1 = compile_(first(), "fortinet", PROFILE)
    head = out1.split("# FortiOS")[0]
    assert "objects that may already exist on the device" in head and "vpn-e5f60718-0" in head
    assert "changes outside these tunnels:" in head and "set as / set router-id" in head
    out2 = compile_(second(first()), "fortinet", PROFILE, running=BASE + body(out1))
    assert "# allocated against the running config:" in out2 and "the default names exist" in out2


def test_same_peer_is_one_clear_error_and_other_as_is_refused():
    running = BASE + body(compile_(first(), "fortinet", PROFILE))
    with pytest.raises(RunningConflict) as e:
        compile_(first(), "fortinet", PROFILE, running=running)
    assert str(e.value).count("already configured") == 2
    other = BASE + "config router bgp\n    set as 65123\n    set router-id 10.10.0.1\nend\n"
    with pytest.raises(RunningConflict, match="AS 65123"):
        compile_(first(), "fortinet", PROFILE, running=other)
    with pytest.raises(RunningConflict, match="'wan9'"):
        compile_(first(), "fortinet", replace(PROFILE, outside_interface="wan9"), running=BASE)


def test_bgp_announces_only_local_networks_and_limits_what_it_accepts():
    out = compile_(first(), "fortinet", PROFILE)
    assert 'config router prefix-list\n    edit "vpn-e5f60718-out"' in out
    assert out.count('set prefix-list-out "vpn-e5f60718-out"') == 2 and out.count("set maximum-prefix 1000") == 2
    dev = FGT.read(out)
    assert all(nb["outbound_filter"].value and nb["inbound_limit"].value for nb in dev.bgp_neighbors)
    sec = {f.rule for f in compare(first(), dev, PROFILE) if getattr(f, "category", None) == "security"}
    assert not sec & {"VPN506", "VPN507"}
    # active/standby: tunnel 2 only carries the backup route-maps
    assert out.count("set route-map-out") == 1 and 'set set-aspath "65000 65000 65000"' in out


def test_ecmp_and_no_local_networks():
    out = compile_(first(), "fortinet", replace(PROFILE, bgp_mode="ecmp"))
    assert "set ebgp-multipath enable" in out and "route-map" not in body(out)
    assert "set ebgp-multipath enable (asked: --bgp-mode ecmp)" in out.split("# FortiOS")[0]
    assert problems(first(), out, replace(PROFILE, bgp_mode="ecmp")) == []
    seen = []
    out = compile_(first(), "fortinet", Profile(), warn=lambda code, msg: seen.append(code))
    assert seen == ["bgp-no-local-networks"] and "set action deny" in out


def test_nat_compile_local_gw_is_the_own_address_and_the_identity_stays_public():
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.5"))
    out = compile_(first(), "fortinet", prof)
    assert out.count("set local-gw 10.0.0.5") == 2 and out.count('set localid "192.0.2.10"') == 2
    dev = FGT.read(out)
    found = [f for f in compare(first(), dev, prof) if getattr(f, "category", None) != "security"]
    assert [f for f in found if f.severity.value in ("error", "warning")] == []
    assert {f.rule for f in found if f.rule.startswith("VPN11")} == {"VPN112"}


def test_static_ecmp_routes_have_equal_distances():
    c = load_one(str(SAMPLES / "static-vgw-ikev2-2022.txt"))
    out = compile_(c, "fortinet", replace(PROFILE, bgp_mode="ecmp"))
    assert re.findall(r"set distance (\d+)", out) == ["10", "10"]
    assert re.findall(r"set distance (\d+)", compile_(c, "fortinet", PROFILE)) == ["10", "20"]
