"""juniper: compile --running (allocation, reuse of zones, AS and router-id, refusals), the header's collision
and "outside these tunnels" blocks, BGP that cannot leak, local-as only when needed, and the NAT compile."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

from tests.backends.cisco.test_asa_safe_changes import second
from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

NETS = [ipaddress.IPv4Network("10.10.0.0/16")]
PROFILE = Profile(local_networks=NETS, remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
#: the SRX before any AWS connection: WAN and LAN ports in the factory zones
BASE = """set system host-name srx1
set interfaces ge-0/0/0 unit 0 family inet address {wan}/24
set interfaces ge-0/0/1 unit 0 family inet address 10.10.0.1/16
set security zones security-zone untrust interfaces ge-0/0/0.0
set security zones security-zone trust interfaces ge-0/0/1.0
"""


def first(sample: str = "bgp-vgw-ikev1-2022.txt"):
    return load_one(str(SAMPLES / sample))


def base_for(conn, wan: str | None = None) -> str:
    return BASE.format(wan=wan or conn.tunnels[0].outside.customer)


def body(text: str) -> str:
    return "\n".join(l for l in text.splitlines() if not l.startswith("#")) + "\n"


def read(text: str):
    return base.get("juniper").read(text, "srx.set")


def problems(conn, text: str, profile: Profile = PROFILE):
    return [f for f in compare(conn, read(text), profile)
            if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]


def _defined(after: str, kind: str) -> set[str]:
    return set(re.findall(rf"(?m)^set {kind} (\S+) ", after))


@pytest.mark.parametrize("sample", ["bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt"])
def test_second_connection_against_the_first_does_not_collide(sample):
    c1, c2 = first(sample), second(first(sample))
    out1 = compile_(c1, "juniper", PROFILE)
    running = base_for(c1) + body(out1)
    out2 = compile_(c2, "juniper", PROFILE, running=running)
    after = running + body(out2)
    dev = read(after)
    assert len(dev.tunnels) == 4 and len({t.name for t in dev.tunnels}) == 4
    assert sorted(dev.units) == [1, 2, 3, 4]
    for kind in ("security ike gateway", "security ike policy", "security ipsec vpn", "security ipsec policy"):
        # no object of the second paste lands in an object of the first
        assert not _defined(body(out1), kind) & _defined(body(out2), kind), kind
    if c1.tunnels[0].bgp:
        assert "routing-options" not in body(out2)  # AS and router-id stay the first paste's
        assert "local-as" not in after  # the customer gateway's ASN is the router's AS
    assert problems(c1, after) == []
    assert problems(c2, after) == []


def test_allocation_reuses_the_device_zones():
    c = first()
    running = ("set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.10/24\n"
               "set interfaces ge-0/0/4 unit 0 family inet address 10.10.0.1/16\n"
               "set interfaces st0 unit 7 family inet address 169.254.200.2/30\n"
               "set security zones security-zone internet interfaces ge-0/0/3.0\n"
               "set security zones security-zone inside interfaces ge-0/0/4.0\n"
               "set security zones security-zone tunnels interfaces st0.7\n")
    prof = replace(PROFILE, outside_interface="ge-0/0/3.0")
    out = compile_(c, "juniper", prof, running=running)
    assert "#   tunnel zone tunnels (the zone of the device's st0 units)" in out
    assert "set security zones security-zone tunnels interfaces st0.1" in out
    assert "set security zones security-zone internet host-inbound-traffic system-services ike" in out
    assert "from-zone inside to-zone tunnels" in out
    assert not re.search(r"security-zone (vpn|untrust|trust) ", out)
    assert problems(c, running + body(out), prof) == []


def test_other_router_as_gets_local_as_and_keeps_routing_options():
    c = first()
    running = base_for(c) + "set routing-options autonomous-system 65100\nset routing-options router-id 10.10.0.1\n"
    out = compile_(c, "juniper", PROFILE, running=running)
    assert "local-as 65000" in out and "local-as no-prepend-global-as" in out
    assert not re.search(r"(?m)^set routing-options (router-id|autonomous-system)", out)
    assert "AS 65100 and router-id 10.10.0.1 are kept" in out
    assert problems(c, running + body(out)) == []


def test_local_as_only_when_it_differs_from_the_system_as():
    out = compile_(first(), "juniper", PROFILE)
    assert "set routing-options autonomous-system 65000" in out
    assert "local-as" not in body(out)
    curly = compile_(first(), "juniper", PROFILE, format="curly")
    assert "local-as" not in curly


def test_same_peer_and_missing_outside_interface_are_refused():
    c = first()
    running = base_for(c) + body(compile_(c, "juniper", PROFILE))
    with pytest.raises(RunningConflict) as e:
        compile_(c, "juniper", PROFILE, running=running)
    assert str(e.value).count("already configured") == 2 and e.value.exit_code == 2
    with pytest.raises(RunningConflict, match="ge-0/0/9.0 has no IPv4 address"):
        compile_(c, "juniper", replace(PROFILE, outside_interface="ge-0/0/9.0"), running=base_for(c))


def test_without_running_the_header_names_collisions_and_global_statements():
    out = compile_(first(), "juniper", PROFILE)
    head = out.split("\nset ")[0]
    assert "objects that may already exist on the device" in head and "interfaces st0 unit 1-2" in head
    assert "security flow tcp-mss ipsec-vpn mss 1379: clamps TCP MSS for every IPsec VPN" in head
    assert "routing-options router-id / autonomous-system" in head


def test_running_leaves_the_global_mss_alone():
    c = first()
    out = compile_(c, "juniper", PROFILE, running=base_for(c) + "set security flow tcp-mss ipsec-vpn mss 1400\n")
    assert "security flow tcp-mss" not in body(out)
    assert "set interfaces st0 unit 1 family inet tcp-mss 1379" in out
    kept = compile_(c, "juniper", PROFILE, running=base_for(c) + "set security flow tcp-mss ipsec-vpn mss 1350\n")
    assert "security flow tcp-mss" not in body(kept) and "tcp-mss" not in body(kept)


def test_bgp_filters_what_it_announces_and_limits_what_it_accepts():
    out = compile_(first(), "juniper", PROFILE)
    assert "policy-statement vpn-0a1b2c3d4e5f60718-export term local from route-filter 10.10.0.0/16 exact" in out
    assert "policy-statement vpn-0a1b2c3d4e5f60718-export then reject" in out
    assert "family inet unicast prefix-limit maximum 1000" in out
    # `display set` prints the teardown threshold and its idle-timeout on two lines
    assert "prefix-limit teardown 90\n" in out and "prefix-limit teardown idle-timeout 5\n" in out
    ecmp = compile_(first(), "juniper", replace(PROFILE, bgp_mode="ecmp"))
    assert "group vpn-0a1b2c3d4e5f60718 multipath" in ecmp
    assert "as-path-prepend" not in ecmp and "local-preference" not in ecmp


def test_nat_compile_sends_from_the_device_address_with_the_public_identity():
    c = first()
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.10"))
    running = base_for(c, "10.0.0.10")
    out = compile_(c, "juniper", prof, running=running)
    assert "local-address 10.0.0.10" in out and f"local-identity inet {c.tunnels[0].outside.customer}" in out
    found = [f for f in compare(c, read(running + body(out)), prof) if getattr(f, "category", None) != "security"]
    assert [f.rule for f in found if f.severity.value in ("error", "warning")] == []
    assert "VPN112" in {f.rule for f in found}
    with pytest.raises(RunningConflict, match="not an address of ge-0/0/0.0"):
        compile_(c, "juniper", prof, running=base_for(c))


def test_the_reader_sees_the_inbound_limit():
    dev = read(base_for(first()) + body(compile_(first(), "juniper", PROFILE)))
    assert [nb["inbound_limit"].value for nb in dev.bgp_neighbors] == [True, True]
    bare = read(base_for(first()) + "\n".join(l for l in body(compile_(first(), "juniper", PROFILE)).splitlines()
                                              if "prefix-limit" not in l) + "\n")
    assert [nb["inbound_limit"].value for nb in bare.bgp_neighbors] == [False, False]
