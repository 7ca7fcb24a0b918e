"""FortiOS reader: proposals per pair, DPD semantics, local address/identity, VDOMs, BGP groups and
ranges, firewall policies (forwarding, duplicate ids, MSS), unverified constructs."""

from __future__ import annotations

import ipaddress

from vpncc.backends import base
from vpncc.ir import Encryption, Integrity

READ = base.get("fortinet").read
A = ipaddress.IPv4Address

P1 = """config vpn ipsec phase1-interface
    edit "t1"
        set interface "wan1"
        set ike-version 2
        set proposal chacha20poly1305-prfsha256 aes256gcm-prfsha384 3des-md5 aes192-sha1
        set dhgrp 20 14
        set remote-gw 198.51.100.7
        set psksecret "Secret.Key.123456"
        {extra}
    next
end
"""
IFACES = """config system interface
    edit "wan1"
        set ip 10.0.0.2 255.255.255.0
    next
    edit "internal"
        set ip 10.10.0.1 255.255.0.0
    next
    edit "t1"
        set ip 169.254.44.42 255.255.255.255
        set remote-ip 169.254.44.41 255.255.255.255
        set type tunnel
        set interface "wan1"
    next
end
"""


def _t(extra: str = "", tail: str = ""):
    dev = READ(IFACES + P1.replace("{extra}", extra) + tail)
    return dev, dev.tunnels[0]


def test_one_proposal_per_pair_with_the_dhgrp_list_and_unknowns_verbatim() -> None:
    _, t = _t()
    props = t.value("ike.proposals")
    assert [(p.encryption, p.integrity, p.dh_groups, p.unknown) for p in props] == [
        ((), (Integrity.SHA2_256,), (20, 14), ("chacha20poly1305",)),
        ((Encryption.AES256_GCM_16,), (Integrity.SHA2_384,), (20, 14), ()),
        ((Encryption.TDES,), (Integrity.MD5,), (20, 14), ()),
        ((Encryption.AES192,), (Integrity.SHA1,), (20, 14), ())]
    assert [p.label for p in props][0] == "proposal chacha20poly1305-prfsha256"
    # the old union keys keep AWS's own values only
    assert t.value("ike.encryption") == (Encryption.AES256_GCM_16,)


def test_phase2_proposals_carry_pfs_groups_or_none() -> None:
    p2 = """config vpn ipsec phase2-interface
    edit "t1-a"
        set phase1name "t1"
        set proposal aes128gcm chacha20poly1305 aes256-null aes128-sha256
        set dhgrp 21
    next
end
"""
    _, t = _t(tail=p2)
    props = t.value("ipsec.proposals")
    assert [(p.encryption, p.integrity, p.dh_groups, p.unknown) for p in props] == [
        ((Encryption.AES128_GCM_16,), (), (21,), ()), ((), (), (21,), ("chacha20poly1305",)),
        ((Encryption.AES256,), (), (21,), ("null",)), ((Encryption.AES128,), (Integrity.SHA2_256,), (21,), ())]
    _, t = _t(tail=p2.replace("set dhgrp 21", "set pfs disable"))
    assert all(p.dh_groups == () for p in t.value("ipsec.proposals"))


def test_dpd_semantics_per_mode() -> None:
    _, t = _t("set dpd on-idle\n        set dpd-retryinterval 10")
    b = t.value("dpd")
    assert b.enabled and b.detect_s == 40 and "on-idle" in b.how       # 10 s idle + 3 x 10 s
    _, t = _t()                                                          # default: on-demand 20 s x 3
    b = t.value("dpd")
    assert b.enabled and b.detect_s == 80 and "on-demand" in b.how
    _, t = _t("set dpd on-idle\n        set dpd-retryinterval 60\n        set dpd-retrycount 5")
    assert t.value("dpd").detect_s == 360
    _, t = _t("set dpd disable")
    assert t.value("dpd").enabled is False and "dpd.interval_s" not in t.values


def test_local_address_identity_nat_t() -> None:
    _, t = _t()
    assert t.value("local.address") == A("10.0.0.2") and "local.identity" not in t.values
    assert t.value("nat_t") is True
    _, t = _t("set local-gw 10.0.0.9\n        set localid-type address\n        set localid \"192.0.2.10\"\n"
              "        set nattraversal disable")
    assert t.value("local.address") == A("10.0.0.9") and t.value("local.identity") == A("192.0.2.10")
    assert t.value("nat_t") is False
    _, t = _t('set localid-type fqdn\n        set localid "fw1.example.net"\n        set nattraversal forced')
    assert t.value("local.identity") == "fw1.example.net" and t.value("nat_t") is True


def test_slash32_remote_ip_is_the_aws_30_and_mtu_derived() -> None:
    _, t = _t()
    assert t.value("inside.customer") == ipaddress.IPv4Interface("169.254.44.42/30")
    assert t.value("mtu_derived") is True and "mtu" not in t.values and "tcp_mss" not in t.values


POLICIES = """config firewall policy
    edit 7
        set srcintf "internal"
        set dstintf "t1"
        set action accept
        set tcp-mss-sender 1379
        set tcp-mss-receiver 1379
    next
    edit 8
        set srcintf "t1"
        set dstintf "internal"
        set action accept
        set tcp-mss-sender 1360
        set tcp-mss-receiver 1360
    next
end
"""


def test_forwarding_both_directions_and_policy_mss() -> None:
    _, t = _t(tail=POLICIES)
    assert t.value("forwarding") is True and t.value("tcp_mss") == 1379


def test_missing_direction_is_named() -> None:
    _, t = _t(tail=POLICIES.replace('set srcintf "t1"', 'set srcintf "wan1"'))
    obs = t.get("forwarding")
    assert obs.value is False and "AWS to LAN" in obs.note and "LAN to AWS" not in obs.note


def test_duplicate_policy_id_note_names_both_lines_and_merges() -> None:
    text = POLICIES + POLICIES.replace('"internal"', '"dmz"').replace("edit 7", "edit 70")
    dev, t = _t(tail=text)
    notes = [n for n in dev.notes if "edited again" in n.message]
    # `edit 8` again: the second block's policy 8 (t1 -> dmz) replaces the first (t1 -> internal)
    assert len(notes) == 1 and notes[0].message.startswith("firewall policy id 8")
    assert "first at line" in notes[0].message and notes[0].line > 40
    assert t.value("forwarding") is True  # 70: dmz -> t1 and 8: t1 -> dmz still cross the tunnel


def test_policy_table_absent_snippet_is_unverified_backup_is_false() -> None:
    _, t = _t()
    assert "forwarding" in t.value("unverified") and "forwarding" not in t.values
    dev = READ("#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n" + IFACES
               + P1.replace("{extra}", ""))
    obs = dev.tunnels[0].get("forwarding")
    assert obs.value is False and "no firewall policy at all" in obs.note


def test_ddns_peer_is_unverified_not_missing() -> None:
    _, t = _t('set type ddns\n        set remotegw-ddns "aws.example.net"')
    # `set remote-gw` is still in the text but a ddns gateway does not use it
    assert "outside.aws" not in t.values and "aws.example.net" in t.value("unverified")["outside.aws"]


BGP = """config router bgp
    set as 65000
    config redistribute "connected"
        set status enable
    end
    config neighbor
        edit "169.254.45.61"
            set remote-as 64512
            set route-map-out "aws-out"
        next
    end
    config neighbor-group
        edit "aws"
            set remote-as 64512
            set holdtime-timer 30
        next
    end
    config neighbor-range
        edit 1
            set prefix 169.254.44.40 255.255.255.252
            set neighbor-group "aws"
        next
    end
end
"""


def test_bgp_nested_blocks_neighbor_range_and_outbound_filter() -> None:
    dev, _ = _t(tail=BGP)
    assert not dev.notes
    by_ip = {str(n["neighbor"].value): n for n in dev.bgp_neighbors}
    assert set(by_ip) == {"169.254.45.61", "169.254.44.41"}
    assert by_ip["169.254.45.61"]["outbound_filter"].value is True
    ranged = by_ip["169.254.44.41"]
    assert ranged["aws_asn"].value == 64512 and ranged["hold_time_s"].value == 30
    assert ranged["customer_asn"].value == 65000
    assert ranged["outbound_filter"].value is False and "neighbor-group 'aws'" in ranged["outbound_filter"].note


def test_multi_vdom_objects_stay_in_their_vdom() -> None:
    vdom = ("config vdom\nedit {name}\n" + P1.replace("{extra}", "") + "{pol}end\n")
    text = ("#config-version=FG600E-7.2.8-FW-build1639-240313:opmode=0:vdom=1:user=admin\n"
            "config vdom\nedit root\nnext\nedit b\nnext\nend\nconfig global\n" + IFACES + "end\n"
            + vdom.format(name="root", pol=POLICIES) + vdom.format(name="b", pol=""))
    dev = READ(text)
    assert [t.name for t in dev.tunnels] == ["t1", "t1"]
    a, b = dev.tunnels
    assert a.value("forwarding") is True
    # VDOM b has no policies at all (its own, not root's): in a backup that means none
    assert b.get("forwarding").value is False
    assert a.value("inside.customer") == b.value("inside.customer")   # interfaces come from config global


def test_nested_top_level_table_in_an_open_block_is_still_repaired() -> None:
    text = ("config router bgp\n    set as 65000\n    config neighbor\n        edit 169.254.44.41\n"
            "            set remote-as 64512\n        end\n"   # `end` closes neighbor; bgp stays open
            "config router bgp\n    config neighbor\n        edit 169.254.44.41\n            set holdtime-timer 30\n"
            "        next\n    end\nend\n" + IFACES + P1.replace("{extra}", ""))
    dev = READ(text)
    (nb,) = dev.bgp_neighbors
    assert nb["aws_asn"].value == 64512 and nb["hold_time_s"].value == 30
    assert any("not closed" in n.message for n in dev.notes)


def test_ngfw_policy_based_mode_is_unverified_not_missing() -> None:
    sec = ('config firewall security-policy\n    edit 1\n        set srcintf "internal"\n'
           '        set dstintf "t1"\n        set action accept\n    next\nend\n')
    dev = READ("#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n" + IFACES
               + P1.replace("{extra}", "") + sec)
    t = dev.tunnels[0]
    assert "forwarding" not in t.values and "NGFW" in t.value("unverified")["forwarding"]


def test_policy_based_tunnel_is_read_not_missing() -> None:
    text = IFACES + P1.replace("{extra}", "").replace("phase1-interface", "phase1") + (
        'config vpn ipsec phase2\n    edit "t1-p2"\n        set phase1name "t1"\n'
        '        set proposal aes256-sha256\n        set dst-subnet 10.20.0.0 255.255.0.0\n    next\nend\n'
        'config firewall policy\n    edit 3\n        set srcintf "internal"\n        set dstintf "wan1"\n'
        '        set action ipsec\n        set vpntunnel "t1"\n        set tcp-mss-sender 1379\n'
        '        set tcp-mss-receiver 1379\n    next\nend\n')
    (t,) = READ(text).tunnels
    assert t.value("policy_based") is True and t.value("outside.aws") == A("198.51.100.7")
    assert t.value("static_routes") == (ipaddress.IPv4Network("10.20.0.0/16"),)
    assert t.value("forwarding") is True and t.value("tcp_mss") == 1379 and "inside.customer" not in t.values
    (t,) = READ(text.replace("set action ipsec", "set action accept")).tunnels
    assert t.get("forwarding").value is False and "vpntunnel t1" in t.get("forwarding").note


def test_snippet_without_interfaces_is_unverified() -> None:
    (t,) = READ(P1.replace("{extra}", "")).tunnels
    assert {"inside.customer", "tcp_mss", "forwarding"} <= set(t.value("unverified"))


def test_lan_interface_tcp_mss_counts_when_every_lan_side_sets_it() -> None:
    pol = POLICIES.replace("        set tcp-mss-sender 1379\n        set tcp-mss-receiver 1379\n", "")
    pol = pol.replace("        set tcp-mss-sender 1360\n        set tcp-mss-receiver 1360\n", "")
    _, t = _t(tail=pol)
    assert "tcp_mss" not in t.values
    lan = IFACES.replace('set ip 10.10.0.1 255.255.0.0', 'set ip 10.10.0.1 255.255.0.0\n        set tcp-mss 1350')
    dev = READ(lan + P1.replace("{extra}", "") + pol)
    assert dev.tunnels[0].value("tcp_mss") == 1350
