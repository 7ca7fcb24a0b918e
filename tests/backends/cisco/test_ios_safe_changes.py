"""cisco-ios: compile --running (allocation, reuse, refusals), the header's collision and "outside these
tunnels" blocks, BGP that cannot leak, and the NAT compile (docs/safe-changes.md)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.errors import UsageError
from vpncc.ir import Routing
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

NETS = [ipaddress.IPv4Network("10.10.0.0/16")]
PROFILE = Profile(local_networks=NETS, remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")],
                  crypto="file")  # the IKEv1 example suite: ISAKMP policies to allocate
#: the router before any AWS connection: its WAN and LAN interfaces
BASE = """hostname edge1
!
interface GigabitEthernet1
 ip address 192.0.2.10 255.255.255.0
!
interface GigabitEthernet2
 ip address 10.10.0.1 255.255.0.0
!
"""


def first() -> object:
    return load_one(str(SAMPLES / "bgp-vgw-ikev1-2022.txt"))


def second(conn) -> object:
    """Another VPN connection from the same customer gateway: other AWS endpoints, inside /30s and id."""
    ts = []
    for t, (aws, cidr) in zip(conn.tunnels, (("203.0.113.91", "169.254.90.0/30"), ("203.0.113.92", "169.254.91.0/30")), strict=False):
        net = ipaddress.IPv4Network(cidr)
        cust, awsi = (ipaddress.IPv4Interface(f"{net[2]}/30"), ipaddress.IPv4Interface(f"{net[1]}/30"))
        ts.append(replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address(aws)),
                          inside=replace(t.inside, customer=cust, aws=awsi),
                          bgp=replace(t.bgp, neighbor=awsi.ip)))
    return replace(conn, vpn_connection_id="vpn-0ffff1111aaaa2222", tunnels=tuple(ts))


def body(text: str) -> str:
    """The pasteable part: what a router's running config holds afterwards (no comments, no `end`)."""
    return "\n".join(l for l in text.splitlines() if not l.startswith("!") and l != "end") + "\n"


def problems(conn, text: str, profile: Profile = PROFILE):
    dev = base.get("cisco-ios").read(text, "router.cfg")
    return [f for f in compare(conn, dev, profile)
            if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]


def test_second_connection_against_the_first_does_not_collide():
    c1, c2 = first(), second(first())
    out1 = compile_(c1, "cisco-ios", PROFILE)
    running = BASE + body(out1)
    out2 = compile_(c2, "cisco-ios", PROFILE, running=running)
    after = running + body(out2)
    dev = base.get("cisco-ios").read(after, "router.cfg")
    # the reader sees four tunnels on four distinct interfaces, and no ISAKMP policy number twice
    assert len(dev.tunnels) == 4
    assert len({t.name for t in dev.tunnels}) == 4
    policies = re.findall(r"(?m)^crypto isakmp policy (\d+)$", after)
    assert len(policies) == len(set(policies)) == 2
    # no object name defined twice
    for kind in ("crypto keyring", "crypto isakmp profile", "crypto ipsec profile", "crypto ipsec transform-set"):
        names = re.findall(rf"(?m)^{kind} (\S+)", after)
        assert len(names) == len(set(names)), kind
    # the BGP process is shared: the paste enters the same `router bgp 65000`, the router-id stays the first's
    assert set(re.findall(r"(?m)^router bgp (\d+)$", after)) == {"65000"}
    assert "bgp router-id" not in body(out2)
    # and both connections validate clean against the combined config
    assert problems(c1, after) == []
    assert problems(c2, after) == []


def test_allocation_is_named_in_the_header():
    out1 = compile_(first(), "cisco-ios", PROFILE)
    out2 = compile_(second(first()), "cisco-ios", PROFILE, running=BASE + body(out1))
    assert "! allocated against the running config:" in out2
    assert "!   tunnel interfaces Tunnel3-Tunnel4" in out2
    assert "!   ISAKMP policies 201" in out2
    assert re.search(r"(?m)^interface Tunnel3$", out2) and re.search(r"(?m)^crypto isakmp policy 201$", out2)


def test_without_running_the_header_names_what_may_collide():
    out = compile_(first(), "cisco-ios", PROFILE)
    head = out.split("! AWS Site-to-Site VPN")[0]
    assert "objects that may already exist on the device" in head
    assert "interface Tunnel1-Tunnel2" in head and "crypto isakmp policy 200" in head
    assert "changes outside these tunnels:" in head
    assert "router-id" in head  # a new router-id resets every BGP session of a router that runs BGP


def test_nat_t_off_is_listed_as_outside_change():
    out = compile_(first(), "cisco-ios", replace(PROFILE, nat_traversal=False))
    head = out.split("! AWS Site-to-Site VPN")[0]
    assert "no crypto ipsec nat-transparency udp-encapsulation: NAT-T off for every peer" in head
    assert "no crypto ipsec nat-transparency" not in compile_(first(), "cisco-ios", PROFILE).split("AWS Site")[1]


def test_same_peer_already_configured_is_one_clear_error():
    c1 = first()
    running = BASE + body(compile_(c1, "cisco-ios", PROFILE))
    with pytest.raises(RunningConflict) as e:
        compile_(c1, "cisco-ios", PROFILE, running=running)
    msg = str(e.value)
    assert msg.count("already configured") == 2 and "198.51.100.7" in msg
    assert e.value.exit_code == 2


def test_other_bgp_as_is_refused_and_missing_outside_interface_too():
    running = BASE + "router bgp 65123\n bgp router-id 10.10.0.1\n!\n"
    with pytest.raises(RunningConflict, match="AS 65123"):
        compile_(first(), "cisco-ios", PROFILE, running=running)
    with pytest.raises(RunningConflict, match="GigabitEthernet9"):
        compile_(first(), "cisco-ios", replace(PROFILE, outside_interface="GigabitEthernet9"), running=BASE)


def test_existing_bgp_keeps_its_router_id():
    running = BASE + "router bgp 65000\n bgp router-id 10.10.0.1\n neighbor 10.10.0.9 remote-as 65001\n!\n"
    out = compile_(first(), "cisco-ios", PROFILE, running=running)
    assert "bgp router-id" not in body(out)
    assert "router-id 10.10.0.1 are kept" in out


def test_backend_without_allocation_refuses_running():
    """The Backend default (a backend that has not adopted compile --running yet): one clear usage error."""
    from vpncc.compiler import _running

    class Plain(base.Backend):
        name = "plain"

        def render(self, conn, profile, options):
            return {"x": ""}

        def read(self, text, path=None):
            from vpncc.running import Inventory
            from vpncc.validate.model import DeviceConfig

            d = DeviceConfig(vendor="plain", path=path)
            d.inventory = Inventory()
            return d

    with pytest.raises(UsageError, match="--running is not supported for plain yet") as e:
        _running(first(), Plain(), PROFILE, base.RenderOptions(), "anything")
    assert e.value.exit_code == 2
    # a reader that collects no inventory is refused the same way
    Plain.read = lambda self, text, path=None: __import__("vpncc.validate.model", fromlist=["x"]).DeviceConfig("plain", None)
    with pytest.raises(UsageError, match="collects no inventory"):
        _running(first(), Plain(), PROFILE, base.RenderOptions(), "anything")


def test_bgp_announces_only_local_networks_and_limits_what_it_accepts():
    out = compile_(first(), "cisco-ios", PROFILE)
    name = "vpn-0a1b2c3d4e5f60718-out"
    assert f"ip prefix-list {name} seq 5 permit 10.10.0.0/16" in out
    neighbors = re.findall(r"(?m)^  neighbor (\S+) activate$", out)
    assert len(neighbors) == 2
    for n in neighbors:
        assert f"  neighbor {n} prefix-list {name} out" in out
        assert re.search(rf"(?m)^  neighbor {re.escape(n)} maximum-prefix \d+", out)
    dev = base.get("cisco-ios").read(out)
    assert all(nb["outbound_filter"].value and nb["inbound_limit"].value for nb in dev.bgp_neighbors)
    sec = [f.rule for f in compare(first(), dev, PROFILE) if getattr(f, "category", None) == "security"]
    assert "VPN506" not in sec and "VPN507" not in sec


def test_reader_flags_a_neighbor_without_outbound_filter():
    text = BASE + "router bgp 65000\n neighbor 169.254.44.41 remote-as 64512\n!\n"
    (nb,) = base.get("cisco-ios").read(text).bgp_neighbors
    assert nb["outbound_filter"].value is False and nb["inbound_limit"].value is False


def test_no_local_networks_announces_nothing_and_warns():
    seen = []
    out = compile_(first(), "cisco-ios", Profile(), warn=lambda code, msg: seen.append(code))
    assert "bgp-no-local-networks" in seen
    assert "seq 5 deny 0.0.0.0/0 le 32" in out


def test_ecmp_mode_has_no_backup_preference():
    out = compile_(first(), "cisco-ios", replace(PROFILE, bgp_mode="ecmp"))
    assert "maximum-paths 2" in out
    assert "as-path prepend" not in out and "route-map" not in body(out)
    assert problems(first(), out, replace(PROFILE, bgp_mode="ecmp")) == []


def test_nat_compile_uses_the_own_address_and_keeps_the_public_identity():
    own = ipaddress.IPv4Address("10.0.0.5")
    prof = replace(PROFILE, local_address=own)
    c = first()
    out = compile_(c, "cisco-ios", prof)
    assert " local-address 10.0.0.5" in out and " local-address 192.0.2.10" not in out
    dev = base.get("cisco-ios").read(out)
    found = [f for f in compare(c, dev, prof) if getattr(f, "category", None) != "security"]
    assert [f for f in found if f.severity.value in ("error", "warning")] == []
    assert {f.rule for f in found if f.rule.startswith("VPN11")} == {"VPN112"}


def test_nat_compile_ikev2_sends_the_public_identity():
    own = ipaddress.IPv4Address("10.0.0.5")
    prof = replace(PROFILE, local_address=own, crypto="recommended")
    c = first()
    out = compile_(c, "cisco-ios", prof)
    assert "match address local 10.0.0.5" in out
    assert " identity local address 192.0.2.10" in out
    dev = base.get("cisco-ios").read(out)
    bad = [f for f in compare(c, dev, prof)
           if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]
    assert bad == []


def test_static_ecmp_routes_are_equal():
    c = load_one(str(SAMPLES / "static-vgw-ikev2-2022.txt"))
    assert c.routing is Routing.STATIC
    out = compile_(c, "cisco-ios", replace(PROFILE, bgp_mode="ecmp"))
    routes = re.findall(r"(?m)^ip route 10\.0\.0\.0 255\.255\.0\.0 (\S+)(.*)$", out)
    assert len(routes) == 2 and all(extra == "" for _, extra in routes)


def test_cli_running_option(tmp_path, capsys):
    from vpncc.cli import main

    running = tmp_path / "router.cfg"
    running.write_text(BASE + body(compile_(first(), "cisco-ios", PROFILE)))
    out = tmp_path / "second.cfg"
    rc = main(["compile", str(SAMPLES / "bgp-vgw-ikev1-2022.txt"), "--vendor", "cisco-ios", "--running", str(running),
               "--local-networks", "10.10.0.0/16", "-o", str(out), "-q"])
    assert rc == 2 and "already configured" in capsys.readouterr().err   # the same connection again
    rc = main(["compile", str(SAMPLES / "bgp-vgw-ikev1-2022.txt"), "--vendor", "juniper", "--running", str(running)])
    assert rc == 2 and "not Juniper" in capsys.readouterr().err   # the running config is another vendor's


def test_ikev2_second_connection_joins_the_policy_of_its_local_address():
    """IOS takes ONE IKEv2 policy per local address: a second `crypto ikev2 policy ... match address local`
    for the same address would leave one connection's proposals unused. With --running the device's
    policy gets the new proposals (named in the header as a change outside these tunnels)."""
    from vpncc.ir import Encryption

    prof = replace(PROFILE, crypto="recommended")
    c1 = first()
    c2 = second(first())
    c2 = replace(c2, tunnels=tuple(replace(t, accepted=replace(t.accepted, ike_encryption=(Encryption.AES128,)))
                                   for t in c2.tunnels))
    running = BASE + body(compile_(c1, "cisco-ios", prof))
    out2 = compile_(c2, "cisco-ios", prof, running=running)
    after = running + body(out2)
    assert re.findall(r"(?m)^crypto ikev2 policy (\S+)$", after) == ["vpn-0a1b2c3d4e5f60718"] * 2
    assert "crypto ikev2 policy vpn-0a1b2c3d4e5f60718: the device's policy for 192.0.2.10 gets" in out2
    assert problems(c1, after, prof) == [] and problems(c2, after, prof) == []
