"""Reading Junos configs: both forms, other object names, groups, inactive statements, $9$ keys,
defaults, line numbers, wrong vendors, AWS's own SRX/J-series examples."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vpncc
from vpncc.backends import base
from vpncc.backends.juniper.syntax import to_set_lines
from vpncc.errors import InputError
from vpncc.ir import (
    Bgp,
    Connection,
    Dpd,
    Encryption,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    Integrity,
    Ipsec,
    NegotiationMode,
    Outside,
    Routing,
    Tunnel,
)
from vpncc.profile import Profile

from ...strategies import sample_connection

READ = base.get("juniper").read
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])

# A device config as `show configuration` prints it, with its own names and unrelated stanzas.
DEVICE = """\
## Last commit: 2024-05-01 10:00:00 UTC by admin
version 21.4R3.15;
groups {
    aws-dpd {
        security {
            ike {
                gateway <aws-*> {
                    dead-peer-detection {
                        interval 10;
                        threshold 3;
                    }
                }
            }
        }
    }
    aws-bgp {
        protocols {
            bgp {
                group <*> {
                    hold-time 30;
                }
            }
        }
    }
}
system {
    host-name srx-edge-1;
    root-authentication {
        encrypted-password "$6$abc$def"; ## SECRET-DATA
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 192.0.2.10/24;
            }
        }
    }
    st0 {
        unit 7 {
            family inet {
                mtu 1436;
                address 169.254.44.42/30;
            }
        }
        /* backup tunnel to AWS,
           second endpoint */
        unit 8 {
            family inet {
                mtu 1436;
                address 169.254.45.62/30;
            }
        }
    }
}
security {
    apply-groups aws-dpd;
    ike {
        proposal P-AES128 {
            authentication-method pre-shared-keys;
            dh-group group2;
            authentication-algorithm sha1;
            encryption-algorithm aes-128-cbc;
        }
        policy aws-pol-a {
            mode main;
            proposals P-AES128;
            pre-shared-key ascii-text "$9$Hk5FCtO1IcSyKn6"; ## SECRET-DATA
        }
        policy aws-pol-b {
            proposals P-AES128;
            pre-shared-key ascii-text "Sample.Key_Tunnel2.h7g6f5e4d3c2b1a";
        }
        gateway aws-a {
            ike-policy aws-pol-a;
            address 198.51.100.7;
            external-interface ge-0/0/0.0;
        }
        gateway aws-b {
            ike-policy aws-pol-b;
            address 203.0.113.129;
            dead-peer-detection;
            external-interface ge-0/0/0.0;
        }
    }
    ipsec {
        proposal esp-aes128 {
            protocol esp;
            authentication-algorithm hmac-sha1-96;
            encryption-algorithm aes-128-cbc;
            lifetime-seconds 3600;
        }
        policy ipsec-pfs2 {
            perfect-forward-secrecy {
                keys group2;
            }
            proposals esp-aes128;
        }
        vpn to-aws-a {
            bind-interface st0.7;
            ike {
                gateway aws-a;
                ipsec-policy ipsec-pfs2;
            }
            establish-tunnels immediately;
        }
        vpn to-aws-b {
            bind-interface st0.8;
            ike {
                gateway aws-b;
                ipsec-policy ipsec-pfs2;
            }
        }
    }
    flow {
        tcp-mss {
            ipsec-vpn {
                mss 1379;
            }
        }
    }
    zones {
        security-zone trust {
            host-inbound-traffic {
                protocols {
                    bgp;
                }
            }
            interfaces {
                ge-0/0/1.0;
                st0.7;
                st0.8;
            }
        }
        security-zone untrust {
            interfaces {
                ge-0/0/0.0 {
                    host-inbound-traffic {
                        system-services {
                            ike;
                            ping;
                        }
                    }
                }
            }
        }
    }
}
protocols {
    apply-groups aws-bgp;
    bgp {
        group aws {
            type external;
            peer-as 64512;
            local-as 65000;
            neighbor 169.254.44.41;
            neighbor 169.254.45.61;
        }
    }
    ospf {
        area 0.0.0.0 {
            interface ge-0/0/1.0;
        }
    }
}
routing-options {
    autonomous-system 65000;
}
"""

CONN = sample_connection()


def device_set() -> str:
    """The same config as `show configuration | display set` prints it."""
    return "".join(cmd + "\n" for _, cmd in to_set_lines(DEVICE))


def rules(conn: Connection, text: str, profile: Profile = PROFILE) -> set[tuple[str, int | None]]:
    """Compliance findings (the security category — weak DH 2/SHA1 of the sample suite — is tested apart)."""
    return {(f.rule, f.tunnel) for f in vpncc.validate(conn, "juniper", text, profile=profile).findings
            if f.category != "security"}


@pytest.mark.parametrize("form", ["curly", "set"])
def test_other_names_groups_and_defaults(form: str) -> None:
    text = DEVICE if form == "curly" else device_set()
    dev = READ(text)
    assert dev.form == form
    t1, t2 = dev.tunnels
    assert (t1.name, t2.name) == ("to-aws-a", "to-aws-b")
    assert t1.get("ike.lifetime_s").value == 28800           # proposal without lifetime-seconds
    assert t2.get("ike.mode").value is NegotiationMode.MAIN    # policy without mode
    assert t1.get("ike.version").value is IkeVersion.IKEV1     # gateway without version
    assert (t1.get("dpd.interval_s").value, t1.get("dpd.retries").value) == (10, 3)   # from the group
    assert not t1.get("ike.psk").verifiable and t2.get("ike.psk").verifiable
    assert t1.get("tcp_mss").value == 1379 and t1.get("inside.customer").value == CONN.tunnels[0].inside.customer
    nb = {n["neighbor"].value: n for n in dev.bgp_neighbors}
    n1 = nb[ipaddress.IPv4Address("169.254.44.41")]
    assert (n1["aws_asn"].value, n1["customer_asn"].value, n1["hold_time_s"].value) == (64512, 65000, 30)
    assert dev.notes == []
    assert rules(CONN, text) == {("VPN204", 1)}


def test_line_numbers_point_at_the_statement() -> None:
    lines = DEVICE.splitlines()
    t1, t2 = READ(DEVICE).tunnels
    assert "address 198.51.100.7" in lines[t1.get("outside.aws").line - 1]
    assert "interval 10" in lines[t1.get("dpd.interval_s").line - 1]            # inherited from the group
    assert "address 169.254.45.62/30" in lines[t2.get("inside.customer").line - 1]
    assert "pre-shared-key" in lines[t2.get("ike.psk").line - 1]
    set_text = device_set()
    s1 = READ(set_text).tunnels[0]
    assert set_text.splitlines()[s1.get("mtu").line - 1].endswith("unit 7 family inet mtu 1436")


def test_inactive_objects_disable_the_tunnel_and_inactive_attributes_are_ignored() -> None:
    text = DEVICE.replace("        vpn to-aws-b {", "        inactive: vpn to-aws-b {")
    text = text.replace("            mss 1379;", "            inactive: mss 1379;")
    dev = READ(text)
    t2 = dev.tunnels[1]
    assert t2.get("enabled").value is False
    assert "inactive: vpn to-aws-b" in text.splitlines()[t2.get("enabled").line - 1]
    assert t2.get("outside.aws") is not None                      # still read
    assert dev.tunnels[0].get("tcp_mss") is None                 # deactivated value = not configured
    assert rules(CONN, text) == {("VPN204", 1), ("VPN103", 2), ("VPN222", 1), ("VPN222", 2)}


@pytest.mark.parametrize("extra, expected", [
    ("deactivate security ike gateway aws-a\n", {("VPN103", 1)}),
    ("deactivate interfaces st0 unit 8\n", {("VPN103", 2)}),
    ("set interfaces st0 unit 8 disable\n", {("VPN103", 2)}),
    ("deactivate protocols bgp group aws neighbor 169.254.45.61\n", {("VPN103", 2)}),
    ("deactivate security ipsec\n", {("VPN103", 1), ("VPN103", 2)}),
    ("deactivate security ike gateway aws-a\nactivate security ike gateway aws-a\n", set()),
    ("delete security ike gateway aws-b address\nset security ike gateway aws-b address 203.0.113.99\n",
     {("VPN110", 2)}),
    # without the group's hold-time 30 the Junos default 90 applies: BGP uses the smaller (AWS's 30), fine
    ("deactivate groups aws-bgp\n", set()),
])
def test_set_form_commands_apply_in_order(extra: str, expected: set) -> None:
    assert rules(CONN, device_set() + extra) == {("VPN204", 1)} | expected


def test_apply_groups_main_config_wins_and_except() -> None:
    text = device_set() + "set protocols bgp group aws neighbor 169.254.44.41 hold-time 60\n"
    dev = READ(text)
    hold = {n["neighbor"].value: n["hold_time_s"].value for n in dev.bgp_neighbors}
    assert hold == {ipaddress.IPv4Address("169.254.44.41"): 60, ipaddress.IPv4Address("169.254.45.61"): 30}
    text = device_set() + "set protocols bgp group aws apply-groups-except aws-bgp\n"
    assert {n["hold_time_s"].value for n in READ(text).bgp_neighbors} == {90}


def test_top_level_apply_groups_and_plain_group_paths() -> None:
    text = """\
set groups vpn security ike gateway g1 address 198.51.100.7
set groups vpn security ike gateway g1 ike-policy p1
set groups vpn security ike policy p1 pre-shared-key ascii-text "$9$xyz"
set apply-groups vpn
set system host-name x
"""
    t = READ(text).tunnels[0]
    assert t.name == "g1" and t.get("outside.aws").value == ipaddress.IPv4Address("198.51.100.7")
    assert t.get("ike.psk").verifiable is False


def test_hexadecimal_key_and_st0_shorthand_and_static_next_hop_ip() -> None:
    hexkey = "Sample.Key".encode().hex()
    text = f"""\
set interfaces st0.3 family inet address 169.254.44.42/30
set security ike policy p pre-shared-key hexadecimal {hexkey}
set security ike gateway g ike-policy p
set security ike gateway g address 198.51.100.7
set security ipsec vpn v ike gateway g
set security ipsec vpn v bind-interface st0.3
set routing-options static route 10.0.0.0/16 next-hop 169.254.44.41
set routing-options static route 10.9.0.0/16 next-hop 192.0.2.1
"""
    t = READ(text).tunnels[0]
    assert t.get("ike.psk").value == "Sample.Key" and t.get("ike.psk").verifiable
    assert t.get("inside.customer").value == ipaddress.IPv4Interface("169.254.44.42/30")
    assert t.get("static_routes").value == (ipaddress.IPv4Network("10.0.0.0/16"),)


def test_routing_instance_bgp_and_static() -> None:
    text = """\
set routing-instances vr protocols bgp group g neighbor 169.254.44.41 peer-as 64512
set routing-instances vr routing-options autonomous-system 65010
set routing-instances vr routing-options static route 10.1.0.0/16 qualified-next-hop st0.1 preference 7
set interfaces st0 unit 1 family inet address 169.254.44.42/30
set security ipsec vpn v bind-interface st0.1
"""
    dev = READ(text)
    nb = dev.bgp_neighbors[0]
    assert (nb["aws_asn"].value, nb["customer_asn"].value, nb["hold_time_s"].value) == (64512, 65010, 90)
    assert dev.tunnels[0].get("static_routes").value == (ipaddress.IPv4Network("10.1.0.0/16"),)


def test_unknown_algorithms_and_broken_references_are_notes() -> None:
    text = """\
set security ike proposal old encryption-algorithm 3des-cbc
set security ike proposal old authentication-algorithm md5
set security ike proposal new encryption-algorithm chacha20-poly1305
set security ike proposal new authentication-algorithm sha-256
set security ike proposal new dh-group group19
set security ike policy p proposals old
set security ike policy p proposals new
set security ike policy p proposals missing-one
set security ike gateway g ike-policy p
set security ike gateway g address 198.51.100.7
set security ipsec vpn v ike gateway g
set security ipsec vpn v ike ipsec-policy nowhere
this is not junos
"""
    dev = READ(text)
    msgs = " | ".join(n.message for n in dev.notes)
    for needle in ("missing-one is referenced", "nowhere, which is not configured", "not a Junos configuration command"):
        assert needle in msgs
    # 3DES and MD5 are IR values (device-only): the proposal is read, AWS then refuses it
    old, new = dev.tunnels[0].get("ike.proposals").value
    assert (old.label, old.encryption, old.integrity, old.dh_groups) == ("old", (Encryption.TDES,), (Integrity.MD5,), ())
    assert (new.encryption, new.integrity, new.dh_groups, new.unknown) == ((), (Integrity.SHA2_256,), (19,),
                                                                         ("chacha20-poly1305",))


def test_curly_syntax_errors_are_notes_not_crashes() -> None:
    text = "security {\n    ike {\n        gateway g {\n            address 198.51.100.7;\n    }\n"
    dev = READ(text)
    assert dev.tunnels[0].get("outside.aws") is not None
    assert any("unclosed" in n.message for n in dev.notes)
    dev = READ("security {\n  ike { gateway g { address \"198.51.100.7; } }\n}\n}\n")
    assert any("unterminated" in n.message or "unbalanced" in n.message for n in dev.notes)


@pytest.mark.parametrize("text, vendor", [
    ("crypto isakmp policy 10\n encr aes\ninterface Tunnel1\n ip address 169.254.44.42 255.255.255.252\n!\n",
     "Cisco"),
    ("config vpn ipsec phase1-interface\n    edit \"t1\"\n        set remote-gw 198.51.100.7\n    next\nend\n"
     "config system interface\nend\n", "FortiGate"),
    ("connections {\n  aws1 {\n    remote_addrs = 198.51.100.7\n    version = 2\n  }\n}\n", "strongSwan"),
    ("set vpn ipsec site-to-site peer 198.51.100.7 authentication mode pre-shared-secret\n"
     "set interfaces vti vti1 address 169.254.44.42/30\n", "VyOS"),
])
def test_wrong_vendor_is_refused(text: str, vendor: str) -> None:
    with pytest.raises(InputError, match=f"looks like a {vendor}"):
        READ(text, "device.cfg")


@pytest.mark.parametrize("text, needle", [
    ("", "empty"), ("   \n\n", "empty"),
    ("<rpc-reply><configuration><security/></configuration></rpc-reply>", "Junos XML"),
    ("hello world\nnothing here\n", "no Junos configuration statements"),
])
def test_empty_or_unknown_text_is_refused(text: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        READ(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('set security ike{};[]"#/*\n abc123.:') + ["inactive: ", "deactivate ",
                                                                                "interfaces st0 unit 1 "]),
                max_size=120).map("".join))
def test_garbage_never_crashes(text: str) -> None:
    try:
        READ(text)
    except InputError:
        pass


def test_psk_never_in_notes() -> None:
    text = 'set security ike policy p pre-shared-key ascii-text "TopSecret.Key1" extra junk tokens\n' \
           'set security ike gateway g ike-policy p\nset security ike gateway g address not-an-ip\n'
    dev = READ(text)
    assert all("TopSecret" not in n.message for n in dev.notes)
    assert "TopSecret" not in repr(dev)


# -- AWS's own examples ----------------------------------------------------------------------------

def aws_example_ir() -> Connection:
    """The connection AWS's SRX/J-series examples were written for, by hand from their text (the generic
    file of the same connection is awsdocs-nag-GenericConfig): vpn-44a8938f, VGW ASN 7224, AES128/SHA1/
    group 2, DPD 10 s x 3, MTU 1436, MSS 1387. The placeholders (YOUR_UPLINK_ADDRESS, YOUR_BGP_ASN) are
    None; the examples' keys plain-text-password1/2 are taken as the keys."""
    tunnels = []
    for n, (peer, net) in enumerate((("72.21.209.225", "169.254.255.0/30"), ("72.21.209.193", "169.254.255.4/30")), 1):
        net = ipaddress.IPv4Network(net)
        aws = ipaddress.IPv4Interface((net.network_address + 1, 30))
        tunnels.append(Tunnel(
            number=n, outside=Outside(customer=None, aws=ipaddress.IPv4Address(peer)),
            inside=Inside(customer=ipaddress.IPv4Interface((net.network_address + 2, 30)), aws=aws),
            ike=Ike(version=IkeVersion.IKEV1, psk=f"plain-text-password{n}", encryption=(Encryption.AES128,),
                    integrity=(Integrity.SHA1,), dh_groups=(2,), lifetime_s=28800, mode=NegotiationMode.MAIN),
            ipsec=Ipsec(encryption=(Encryption.AES128,), integrity=(Integrity.SHA1,), pfs_groups=(2,),
                        lifetime_s=3600),
            dpd=Dpd(interval_s=10, retries=3), mtu=1436, tcp_mss=1387,
            bgp=Bgp(customer_asn=None, aws_asn=7224, neighbor=aws.ip, hold_time_s=30)))
    return Connection(vpn_connection_id="vpn-44a8938f", customer_gateway_id="cgw-b4dc3961",
                      gateway=Gateway(GatewayKind.VGW, "vgw-8db04f81"), routing=Routing.BGP, tunnels=tuple(tunnels))


def test_aws_srx_example_validates_with_no_errors(shared) -> None:
    path = shared / "corpus/vendor/juniper/awsdocs-nag-Juniper-SRX-bgp.extracted.txt"
    report = vpncc.validate(aws_example_ir(), "juniper", path.read_text(encoding="utf-8"), path=str(path))
    got = sorted((f.rule, f.tunnel) for f in report.findings if f.category == "compliance")
    # Expected: only VPN901 notes, for the 8 markdown image lines the docs page left inside the config block
    # and the two `local-as YOUR_BGP_ASN` placeholder lines. The bare `dead-peer-detection` runs Junos's
    # defaults (interval 10 s, threshold 5: a dead endpoint is found in about 50 s), which is fine; its
    # AES128/SHA1/DH 2 suite is reported in the security category.
    assert got == [("VPN901", None)] * 10
    assert {f.rule for f in report.findings if f.category == "security"} >= {"VPN501"}
    assert not [f for f in report.findings if f.severity.value == "error"]


def test_aws_j_series_example_has_broken_references(shared) -> None:
    """The J-series page is a copy of the SRX one with object names off by one: tunnel 1's vpn uses
    gw-vpn-44a8938f-0 and ipsec-pol-vpn-44a8938f-0, its gateway uses ike-pol-vpn-44a8938f-0, and both IKE
    policies list ike-prop-vpn-44a8938f-0 - none of which exist; tunnel 2's gateway uses tunnel 1's
    policy (plain-text-password1). Those are real errors of the example, found as such: tunnel 1 is
    the gateway with AWS's peer address, which no vpn uses (no key, proposals, mode, IPsec or st0
    unit); tunnel 2 has the wrong key and no IKE proposal."""
    path = shared / "corpus/vendor/juniper/awsdocs-nag-JunOS-J-series-bgp.extracted.txt"
    report = vpncc.validate(aws_example_ir(), "juniper", path.read_text(encoding="utf-8"), path=str(path))
    errors = {(f.rule, f.tunnel) for f in report.findings if f.severity.value == "error"}
    # tunnel 1's gateway has no proposals, no IPsec and no st0 unit: VPN201/VPN210/VPN220 (one ESP finding,
    # not a separate PFS one; no mode configured is not aggressive mode)
    assert errors == {("VPN203", 1), ("VPN201", 1), ("VPN210", 1), ("VPN220", 1), ("VPN203", 2), ("VPN201", 2)}
    notes = " | ".join(f.message for f in report.findings if f.rule == "VPN901")
    for name in ("gw-vpn-44a8938f-0", "ipsec-pol-vpn-44a8938f-0", "ike-pol-vpn-44a8938f-0",
                 "ike-prop-vpn-44a8938f-0"):
        assert name in notes


def test_compiled_config_of_the_aws_example_ir_is_clean() -> None:
    conn = aws_example_ir()
    t1, t2 = conn.tunnels
    conn = replace(conn, tunnels=tuple(replace(t, outside=replace(t.outside, customer=ipaddress.IPv4Address(
        "192.0.2.10")), bgp=replace(t.bgp, customer_asn=65000)) for t in (t1, t2)))
    for fmt in ("set", "curly"):
        text = vpncc.compile(conn, "juniper", PROFILE, format=fmt)
        assert rules(conn, text) == set()


# -- the negotiation keys (ike.proposals, dpd, local.*, facts) -------------------------------------

def _t(text: str, name: str):
    return next(t for t in READ(text).tunnels if t.name == name)


def test_each_ike_proposal_is_its_own_proposal_and_pfs_goes_to_every_esp_proposal() -> None:
    t = _t(DEVICE.replace("proposals P-AES128;\n            pre-shared-key ascii-text \"$9$",
                          "proposals [ P-3DES P-AES128 ];\n            pre-shared-key ascii-text \"$9$")
           .replace("        proposal P-AES128 {", "        proposal P-3DES {\n            encryption-algorithm 3des-cbc;\n"
                    "            authentication-algorithm md5;\n            dh-group group2;\n        }\n"
                    "        proposal P-AES128 {"), "to-aws-a")
    ike = t.get("ike.proposals").value
    assert [(p.label, p.encryption, p.integrity, p.dh_groups) for p in ike] == [
        ("P-3DES", (Encryption.TDES,), (Integrity.MD5,), (2,)),
        ("P-AES128", (Encryption.AES128,), (Integrity.SHA1,), (2,))]
    (esp,) = t.get("ipsec.proposals").value
    assert (esp.encryption, esp.integrity, esp.dh_groups) == ((Encryption.AES128,), (Integrity.SHA1,), (2,))


def test_proposal_sets_expand_to_their_documented_suites() -> None:
    text = device_set().replace("set security ike policy aws-pol-a proposals P-AES128",
                                "set security ike policy aws-pol-a proposal-set standard")
    text += "set security ipsec policy ipsec-pfs2 proposal-set standard\n"
    text = text.replace("set security ipsec policy ipsec-pfs2 proposals esp-aes128\n", "")
    t = _t(text, "to-aws-a")
    ike = t.get("ike.proposals").value
    assert [(p.encryption, p.integrity, p.dh_groups) for p in ike] == [
        ((Encryption.AES128,), (Integrity.SHA1,), (2,)), ((Encryption.TDES,), (Integrity.SHA1,), (2,))]
    esp = t.get("ipsec.proposals").value
    assert {p.encryption for p in esp} == {(Encryption.TDES,), (Encryption.AES128,)}
    assert all(p.dh_groups == (2,) for p in esp)  # the policy's own `keys group2`
    odd = _t(text.replace("proposal-set standard", "proposal-set future-set", 1), "to-aws-a")
    assert "ike.proposals" in odd.get("unverified").value


def test_dpd_behaviour_follows_junos_defaults() -> None:
    dev = READ(DEVICE)
    a = next(t for t in dev.tunnels if t.name == "to-aws-a")
    # interval 10 threshold 3 from the group: dead after 3 unanswered probes 10 s apart
    assert (a.get("dpd").value.enabled, a.get("dpd").value.detect_s) == (True, 30.0)
    assert a.get("dpd").value.action == "restart"  # establish-tunnels immediately
    # without the group: aws-a has no DPD at all, aws-b's bare dead-peer-detection = 10 s x 5
    text = device_set() + "deactivate groups aws-dpd\n"
    assert _t(text, "to-aws-a").get("dpd").value.enabled is False
    b = _t(text, "to-aws-b").get("dpd").value
    assert b.detect_s == 50.0 and "Junos defaults" in b.how and b.action == "clear"


def test_local_address_mtu_nat_and_zone_facts() -> None:
    t = _t(DEVICE, "to-aws-a")
    assert t.get("local.address").value == ipaddress.IPv4Address("192.0.2.10")  # the external interface's address
    assert t.get("nat_t").value is True and t.get("mtu").value == 1436
    assert (t.get("ike_permitted").value, t.get("forwarding").value, t.get("bgp_permitted").value) == (True, True, True)
    text = device_set()
    no_mtu = _t(text.replace("set interfaces st0 unit 7 family inet mtu 1436\n", ""), "to-aws-a")
    assert no_mtu.get("mtu").value == 9192  # the st0 default
    text += ("set security ike gateway aws-a local-address 10.1.1.2\nset security ike gateway aws-a no-nat-traversal\n"
             "set security ike gateway aws-a local-identity hostname cgw.example.net\n")
    t = _t(text, "to-aws-a")
    assert t.get("local.address").value == ipaddress.IPv4Address("10.1.1.2")
    assert t.get("local.identity").value == "cgw.example.net" and t.get("nat_t").value is False
    no_zone = _t(device_set().replace("set security zones security-zone trust interfaces st0.8\n", ""), "to-aws-b")
    assert no_zone.get("forwarding").value is False and "st0.8" in no_zone.get("forwarding").note


def test_export_policy_references() -> None:
    text = device_set() + "set protocols bgp group aws export TO-AWS\n"
    nbs = READ(text).bgp_neighbors
    assert all(nb["export_policy_defined"].value is False and nb["outbound_filter"].value for nb in nbs)
    text += "set policy-options policy-statement TO-AWS term 1 then accept\n"
    assert all(nb["export_policy_defined"].value is True for nb in READ(text).bgp_neighbors)
    assert all(nb["outbound_filter"].value is False for nb in READ(device_set()).bgp_neighbors)


def test_edit_levels_prompts_and_lists() -> None:
    text = ("user@srx> show configuration | display set\n{master:0}\n"
            "edit security ike gateway gw1\nset address 198.51.100.7\nset ike-policy pol\nup 2\n"
            "set policy pol proposals [ p1 p2 ]\ntop\n"
            "[edit security ike]\nuser@srx# set proposal p1 encryption-algorithm aes-256-cbc\n"
            "user@srx# set proposal p2 encryption-algorithm aes-128-cbc\n")
    t = READ(text).tunnels[0]
    assert t.get("outside.aws").value == ipaddress.IPv4Address("198.51.100.7")
    assert [p.label for p in t.get("ike.proposals").value] == ["p1", "p2"]
