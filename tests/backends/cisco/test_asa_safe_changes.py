"""cisco-asa: compile --running (allocation, reuse, refusals), the header's collision and "outside these
tunnels" blocks, BGP that cannot leak, the NAT compile and the one-SA limit of crypto maps."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.errors import UnsupportedFeature
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

NETS = [ipaddress.IPv4Network("10.10.0.0/16")]
VPC = [ipaddress.IPv4Network("10.0.0.0/16")]
PROFILE = Profile(local_networks=NETS, remote_networks=VPC, crypto="file")  # the IKEv1 example suite
#: the ASA before any AWS connection: its outside and inside interfaces
BASE = """hostname asa1
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 192.0.2.10 255.255.255.0
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.10.0.1 255.255.0.0
!
"""


def base_for(conn) -> str:
    """BASE with the outside address the sample's customer gateway has."""
    return BASE.replace("192.0.2.10 ", f"{conn.tunnels[0].outside.customer} ")


def first(sample: str = "bgp-vgw-ikev1-2022.txt"):
    return load_one(str(SAMPLES / sample))


def second(conn):
    """Another VPN connection from the same customer gateway: other AWS endpoints, inside /30s and id."""
    ts = []
    for t, (aws, cidr) in zip(conn.tunnels, (("203.0.113.91", "169.254.90.0/30"), ("203.0.113.92", "169.254.91.0/30")),
                              strict=True):
        net = ipaddress.IPv4Network(cidr)
        cust, awsi = ipaddress.IPv4Interface(f"{net[2]}/30"), ipaddress.IPv4Interface(f"{net[1]}/30")
        bgp = replace(t.bgp, neighbor=awsi.ip) if t.bgp else None
        ts.append(replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address(aws)),
                          inside=replace(t.inside, customer=cust, aws=awsi), bgp=bgp))
    return replace(conn, vpn_connection_id="vpn-0ffff1111aaaa2222", tunnels=tuple(ts))


def body(text: str) -> str:
    """What the ASA's running config holds after the paste (no comments)."""
    return "\n".join(l for l in text.splitlines() if not l.startswith("!")) + "\n"


def problems(conn, text: str, profile: Profile = PROFILE):
    dev = base.get("cisco-asa").read(text, "asa.cfg")
    return [f for f in compare(conn, dev, profile)
            if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]


def _unique(after: str, pattern: str) -> list[str]:
    found = re.findall(pattern, after, re.M)
    assert len(found) == len(set(found)), (pattern, found)
    return found


@pytest.mark.parametrize("sample", ["bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt"])
def test_second_connection_against_the_first_does_not_collide(sample):
    c1, c2 = first(sample), second(first(sample))
    running = base_for(c1) + body(compile_(c1, "cisco-asa", PROFILE))
    out2 = compile_(c2, "cisco-asa", PROFILE, running=running)
    after = running + body(out2)
    dev = base.get("cisco-asa").read(after, "asa.cfg")
    assert len(dev.tunnels) == 4 and len({t.name for t in dev.tunnels}) == 4
    assert len(_unique(after, r"^interface (Tunnel\d+)$")) == 4
    assert len(_unique(after, r"^ nameif (\S+)$")) == 6
    _unique(after, r"^crypto ikev[12] policy (\d+)$")
    for kind in ("crypto ipsec profile", "crypto ipsec ikev1 transform-set", "crypto ipsec ikev2 ipsec-proposal"):
        _unique(after, rf"^{kind} (\S+)")
    assert len(re.findall(r"(?m)^group-policy \S+ internal$", after)) == 2
    if c1.tunnels[0].bgp:
        # one BGP process, the first connection's router-id kept
        assert set(re.findall(r"(?m)^router bgp (\d+)$", after)) == {"65000"}
        assert "bgp router-id" not in body(out2)
    assert problems(c1, after) == []
    assert problems(c2, after) == []


def test_allocation_is_named_in_the_header():
    out2 = compile_(second(first()), "cisco-asa", PROFILE, running=BASE + body(compile_(first(), "cisco-asa", PROFILE)))
    assert "! allocated against the running config:" in out2
    assert "!   tunnel interfaces Tunnel3-Tunnel4" in out2
    assert "!   IKE policies 201" in out2
    assert re.search(r"(?m)^interface Tunnel3$", out2) and re.search(r"(?m)^crypto ikev1 policy 201$", out2)
    # the existing sysopt value fits: it is not written again
    assert "sysopt connection tcpmss 1379 kept" in out2 and not re.search(r"(?m)^sysopt", out2)


def test_without_running_the_header_names_what_may_collide_and_what_acts_device_wide():
    out = compile_(first(), "cisco-asa", PROFILE)
    head = out.split("! AWS Site-to-Site VPN")[0]
    assert "objects that may already exist on the device" in head
    assert "interface Tunnel1-Tunnel2" in head and "crypto ikev1/ikev2 policy 200" in head
    assert "changes outside these tunnels:" in head
    assert "sysopt connection tcpmss 1379" in head and "router-id" in head
    off = compile_(first(), "cisco-asa", replace(PROFILE, nat_traversal=False)).split("! AWS Site-to-Site VPN")[0]
    assert "no crypto isakmp nat-traversal: NAT-T off for every IKEv1 peer" in off
    assert "nat-traversal" not in head


def test_same_peer_already_configured_is_one_clear_error():
    running = BASE + body(compile_(first(), "cisco-asa", PROFILE))
    with pytest.raises(RunningConflict) as e:
        compile_(first(), "cisco-asa", PROFILE, running=running)
    msg = str(e.value)
    assert msg.count("already configured") == 2 and "tunnel-group 198.51.100.7" in msg
    assert e.value.exit_code == 2


def test_other_bgp_as_and_missing_nameif_are_refused():
    with pytest.raises(RunningConflict, match="AS 65123"):
        compile_(first(), "cisco-asa", PROFILE, running=BASE + "router bgp 65123\n bgp router-id 10.10.0.1\n")
    with pytest.raises(RunningConflict, match="'wan' is not a nameif"):
        compile_(first(), "cisco-asa", replace(PROFILE, outside_interface="wan"), running=BASE)


def test_policy_based_joins_the_crypto_map_bound_to_outside():
    static = first("static-vgw-ikev2-2022.txt")
    running = base_for(static) + ("access-list other extended permit ip 10.10.0.0 255.255.0.0 172.16.0.0 255.255.0.0\n"
                      "crypto map corp 10 match address other\ncrypto map corp 10 set peer 198.51.100.200\n"
                      "crypto map corp 10 set ikev2 ipsec-proposal x\ncrypto map corp interface outside\n")
    out = compile_(static, "cisco-asa", PROFILE, format="policy", running=running)
    assert "crypto map corp (bound to outside) entry 11; the binding is kept" in out
    peers = " ".join(str(t.outside.aws) for t in static.tunnels)
    assert re.search(rf"(?m)^crypto map corp 11 set peer {re.escape(peers)}$", out)
    assert not re.search(r"(?m)^crypto map \S+ interface", out)
    # the ASA reads the AWS entry of the joined map as the two tunnels, clean
    assert problems(static, running + body(out)) == []
    head = compile_(static, "cisco-asa", PROFILE, format="policy").split("! AWS Site-to-Site VPN")[0]
    assert "interface outside: replaces a crypto map already bound to outside" in head


def test_policy_based_is_one_security_association_per_tunnel():
    # AWS: a policy-based customer gateway gets one SA pair per tunnel
    two = replace(PROFILE, local_networks=NETS + [ipaddress.IPv4Network("172.16.0.0/16")])
    with pytest.raises(UnsupportedFeature, match="one security association|AWS accepts one"):
        compile_(first("static-vgw-ikev2-2022.txt"), "cisco-asa", two, format="policy")


def test_bgp_announces_only_local_networks_and_limits_what_it_accepts():
    out = compile_(first(), "cisco-asa", PROFILE)
    name = "vpn-0a1b2c3d4e5f60718-out"
    assert f"prefix-list {name} seq 5 permit 10.10.0.0/16" in out
    for n in ("169.254.44.41", "169.254.45.61"):
        assert f"  neighbor {n} prefix-list {name} out" in out
        assert f"  neighbor {n} maximum-prefix 1000 90 restart 5" in out
    dev = base.get("cisco-asa").read(BASE + body(out), "asa.cfg")
    assert all(nb["outbound_filter"].value for nb in dev.bgp_neighbors)
    # nothing to announce: the list denies everything rather than announcing the table
    empty = compile_(first(), "cisco-asa", Profile())
    assert "prefix-list vpn-0a1b2c3d4e5f60718-out seq 5 deny 0.0.0.0/0 le 32" in empty


def test_ecmp_mode_drops_the_backup_preferences():
    out = compile_(first(), "cisco-asa", replace(PROFILE, bgp_mode="ecmp"))
    assert "  maximum-paths 2" in out
    assert "as-path prepend" not in out and "local-preference" not in out


def test_nat_compile_keeps_the_device_address_and_validates_clean():
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.10"))
    running = BASE.replace("192.0.2.10 255.255.255.0", "10.0.0.10 255.255.255.0")
    out = compile_(first(), "cisco-asa", prof, running=running)
    dev = base.get("cisco-asa").read(running + body(out), "asa.cfg")
    found = [f for f in compare(first(), dev, prof) if getattr(f, "category", None) != "security"]
    assert [f.rule for f in found if f.severity.value in ("error", "warning")] == []
    assert "VPN112" in {f.rule for f in found}
    with pytest.raises(RunningConflict, match="not an address of outside"):
        compile_(first(), "cisco-asa", prof, running=BASE)


def test_remediation_of_a_missing_tunnel_keeps_the_devices_group_policy_and_bgp():
    """The rebuilt tunnel 2 uses the group-policy tunnel 1 has (its vpn-filter stays in force), writes no
    group-policy of its own and no bgp router-id into the running BGP process."""
    from pathlib import Path

    from tests.backends.cisco.cisco_test_helpers import apply
    from vpncc.validate.compare import validate

    suite = Path(__file__).resolve().parents[2] / "conformance" / "cisco-asa" / "wrong" / "single-tunnel.cfg"
    running = suite.read_text().replace(
        "tunnel-group 198.51.100.7 type ipsec-l2l\n",
        "access-list AWS-FILTER extended permit ip 10.0.0.0 255.255.0.0 10.10.0.0 255.255.0.0\n"
        "group-policy AWS-GP internal\ngroup-policy AWS-GP attributes\n vpn-filter value AWS-FILTER\n"
        " vpn-tunnel-protocol ikev1\n"
        "tunnel-group 198.51.100.7 type ipsec-l2l\ntunnel-group 198.51.100.7 general-attributes\n"
        " default-group-policy AWS-GP\n")
    conn = first()
    report = validate(conn, "cisco-asa", running, profile=PROFILE)
    assert "VPN101" in {f.rule for f in report.findings}
    backend = base.get("cisco-asa")
    fix = backend.remediation(report.findings, conn, PROFILE, backend.read(running))
    assert "default-group-policy AWS-GP" in fix
    assert not re.search(r"(?m)^group-policy ", fix) and "bgp router-id" not in fix
    fixed = apply(running, fix)
    assert problems(conn, fixed) == []


def test_the_reader_sees_the_inbound_limit():
    out = body(compile_(first(), "cisco-asa", PROFILE))
    dev = base.get("cisco-asa").read(BASE + out, "asa.cfg")
    assert [nb["inbound_limit"].value for nb in dev.bgp_neighbors] == [True, True]
    bare = "\n".join(x for x in out.splitlines() if "maximum-prefix" not in x) + "\n"
    assert [nb["inbound_limit"].value for nb in base.get("cisco-asa").read(BASE + bare, "asa.cfg").bgp_neighbors] \
        == [False, False]
