"""Cisco ASA reader: the negotiation keys (proposals per policy, DPD as the ASA runs it, local address and
identity, NAT-T, derived VTI MTU, MSS default), pastes as people write them, and compile per release.
Expected values come from the Cisco ASA documentation cited in vpncc/backends/cisco_asa/names.py."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from vpncc.backends import base
from vpncc.errors import UnsupportedFeature
from vpncc.ir import Encryption as E
from vpncc.ir import Integrity as I
from vpncc.profile import Profile
from vpncc.validate.negotiation import Proposal

from .cisco_test_helpers import PROFILE, compiled

ROOT = Path(__file__).resolve().parents[3]
ASA = base.get("cisco-asa")

HEAD = """interface GigabitEthernet0/0
 nameif outside
 ip address {outside} 255.255.255.0
crypto ikev1 enable outside
"""
V1 = """crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 28800
crypto ikev1 policy 20
 encryption 3des
crypto ipsec ikev1 transform-set TS1 esp-3des esp-md5-hmac
crypto ipsec ikev1 transform-set TS2 esp-aes esp-sha-hmac
crypto ipsec profile P
 set ikev1 transform-set TS1 TS2
 set pfs{pfs}
 set security-association lifetime seconds 3600
"""
TUN = """tunnel-group 198.51.100.7 type ipsec-l2l
tunnel-group 198.51.100.7 ipsec-attributes
 ikev1 pre-shared-key Made.Up_Key_0123456789abcdef
{keepalive}interface Tunnel1
 nameif aws1
 ip address 169.254.44.42 255.255.255.252
 tunnel source interface outside
 tunnel destination 198.51.100.7
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile P
"""


def cfg(outside="192.0.2.10", pfs=" group14", keepalive="", extra="", v1=V1):
    return HEAD.format(outside=outside) + v1.format(pfs=pfs) + TUN.format(keepalive=keepalive) + extra


def tunnel(text: str):
    dev = ASA.read(text, "device.cfg")
    assert len(dev.tunnels) == 1
    return dev.tunnels[0]


def test_one_proposal_per_policy_with_defaults_filled_in():
    t = tunnel(cfg())
    assert t.value("ike.proposals") == (
        Proposal((E.AES256,), (I.SHA1,), (14,), "crypto ikev1 policy 10", 5),
        # `encryption 3des` only: hash sha, group 2 are the IKEv1 policy defaults
        Proposal((E.TDES,), (I.SHA1,), (2,), "crypto ikev1 policy 20", 11))
    esp = t.value("ipsec.proposals")
    assert [(p.label, p.encryption, p.integrity, p.dh_groups) for p in esp] == [
        ("transform-set TS1", (E.TDES,), (I.MD5,), (14,)), ("transform-set TS2", (E.AES128,), (I.SHA1,), (14,))]


def test_ikev2_policy_lists_and_gcm_prf():
    v2 = """crypto ikev2 enable outside
crypto ikev2 policy 5
 encryption aes-gcm-256 aes-gcm
 integrity null
 group 20 19
 prf sha384 sha256
crypto ikev2 policy 10
 encryption aes-256 aes-192 camellia
 integrity sha256 md5
 group 14
 prf sha256
crypto ipsec ikev2 ipsec-proposal GCM
 protocol esp encryption aes-gcm-256
 protocol esp integrity null
crypto ipsec profile P
 set ikev2 ipsec-proposal GCM
 set pfs group20
"""
    text = cfg(v1=v2).replace(" ikev1 pre-shared-key", " ikev2 local-authentication pre-shared-key")
    t = tunnel(text)
    gcm, cbc = t.value("ike.proposals")
    assert (gcm.encryption, gcm.integrity, gcm.prf, gcm.dh_groups) == (
        (E.AES256_GCM_16, E.AES128_GCM_16), (), (I.SHA2_384, I.SHA2_256), (20, 19))
    assert (cbc.encryption, cbc.integrity, cbc.unknown) == ((E.AES256, E.AES192), (I.SHA2_256, I.MD5), ("camellia",))
    (esp,) = t.value("ipsec.proposals")
    assert (esp.encryption, esp.integrity, esp.dh_groups) == ((E.AES256_GCM_16,), (), (20,))
    assert t.value("nat_t") is True  # IKEv2 detects NAT itself


@pytest.mark.parametrize("line,enabled,detect", [
    ("", True, 18.0),  # L2L default threshold 10 retry 2
    (" isakmp keepalive threshold 10 retry 10\n", True, 50.0),  # AWS's template: 10 s idle + 4 x 10 s
    (" isakmp keep thr 30 ret 5\n", True, 50.0),
    (" isakmp keepalive threshold 20\n", True, 28.0),
    (" isakmp keepalive disable\n", False, None),
    (" isakmp keepalive threshold infinite\n", False, None),
])
def test_keepalive_is_threshold_then_three_retransmissions(line, enabled, detect):
    dpd = tunnel(cfg(keepalive=line)).value("dpd")
    assert (dpd.enabled, dpd.detect_s) == (enabled, detect)


def test_unreadable_keepalive_is_unverified_not_wrong():
    t = tunnel(cfg(keepalive=" isakmp keepalive threshold 10 retry lots\n"))
    assert t.get("dpd") is None and "dpd" in t.value("unverified")


def test_bare_set_pfs_is_group2_and_unverified_on_915():
    assert tunnel(cfg(pfs="")).value("ipsec.pfs_groups") == (2,)
    newer = tunnel("ASA Version 9.16(4)\n" + cfg(pfs=""))
    assert "ipsec" in newer.value("unverified")
    off = cfg().replace(" set pfs group14\n", "")
    assert all(p.dh_groups == () for p in tunnel(off).value("ipsec.proposals"))


def test_local_address_identity_and_nat():
    t = tunnel("crypto isakmp identity address\n" + cfg(outside="10.0.0.2"))
    assert t.value("local.address") == ipaddress.IPv4Address("10.0.0.2")
    assert t.value("local.identity") == ipaddress.IPv4Address("10.0.0.2")
    assert t.value("nat_t") is True  # IKEv1 NAT-T on by default since 7.2(1)
    assert tunnel("no crypto isakmp nat-traversal\n" + cfg()).value("nat_t") is False
    assert tunnel(cfg()).get("local.identity") is None  # `auto` (the default) is not an explicit identity


def test_ike_not_enabled_on_the_source_interface():
    t = tunnel(cfg().replace("crypto ikev1 enable outside", "crypto ikev1 enable inside"))
    assert t.value("ike_permitted") is False and "outside" in t.get("ike_permitted").note


def test_vti_mtu_is_derived_unless_set_and_mss_defaults_to_1380():
    t = tunnel(cfg())
    assert t.value("mtu_derived") is True and t.get("mtu") is None and t.value("tcp_mss") == 1380
    t = tunnel(cfg(extra="mtu aws1 1400\nsysopt connection tcpmss 0\n"))
    assert t.value("mtu") == 1400 and t.get("mtu_derived") is None and t.get("tcp_mss") is None


def _summary(text: str):
    dev = ASA.read(text, "device.cfg")
    def r(v):  # values, not the line numbers proposals carry (an added `exit` line shifts them)
        return re.sub(r"line=\d+", "", repr(v.value))

    return ([sorted((k, r(v)) for k, v in t.values.items() if k not in ("ike.psk",) and not k.startswith("_"))
             for t in dev.tunnels], [sorted((k, r(v)) for k, v in n.items()) for n in dev.bgp_neighbors])


def test_flat_and_uniformly_indented_pastes_read_like_the_original():
    text = cfg(keepalive=" isakmp keepalive threshold 10 retry 10\n") + "router bgp 65000\n address-family ipv4 unicast\n" \
        "  neighbor 169.254.44.41 remote-as 64512\n  neighbor 169.254.44.41 activate\n exit-address-family\n"
    want = _summary(text)
    assert want[0] and want[1]
    flat = "\n".join(x.strip() for x in text.splitlines()) + "\n"
    assert _summary(flat) == want
    assert _summary("".join("   " + x + "\n" for x in text.splitlines())) == want
    with_exit = text.replace(" lifetime 28800\n", " lifetime 28800\nexit\n")
    assert _summary("\n".join(x.strip() for x in with_exit.splitlines())) == want


def test_crypto_map_object_groups_collapse_and_peer_lists():
    text = HEAD.format(outside="192.0.2.77") + V1.split("crypto ipsec profile")[0].format(pfs="") + """names
name 203.0.113.60 AWS1
object network A
 subnet 10.20.0.0 255.255.128.0
object network B
 subnet 10.20.128.0 255.255.128.0
object-group network VPC
 network-object object A
 group-object MORE
object-group network MORE
 network-object object B
 network-object host 10.30.0.9
access-list ACL extended permit ip any object-group VPC
crypto map M 1 mat addr ACL
crypto map M 1 set peer AWS1 203.0.113.61
crypto map M 1 set ikev1 transform-set TS2
crypto map M 1 set pfs group14
crypto map M 1 set nat-t-disable
crypto map M int outside
"""
    dev = ASA.read(text, "device.cfg")
    assert [t.value("outside.aws") for t in dev.tunnels] == [ipaddress.IPv4Address("203.0.113.60"),
                                                              ipaddress.IPv4Address("203.0.113.61")]
    t = dev.tunnels[0]
    assert t.value("static_routes") == (ipaddress.IPv4Network("10.20.0.0/16"), ipaddress.IPv4Network("10.30.0.9/32"))
    assert t.value("nat_t") is False and t.value("local.address") == ipaddress.IPv4Address("192.0.2.77")
    broken = text.replace(" group-object MORE\n", " group-object MISSING\n")
    assert "static_routes" in ASA.read(broken, "device.cfg").tunnels[0].value("unverified")


# -- compile --------------------------------------------------------------------------------------------

def _sample():
    return vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")


def test_releases_and_capabilities():
    assert ASA.releases == ("9.8-9.14", "9.15+")
    opts = base.RenderOptions()
    assert 2 in ASA.crypto_capabilities(Profile(), opts).ike_dh_groups
    caps = ASA.crypto_capabilities(Profile(release="9.15+"), opts)
    assert not {2, 5, 24} & (caps.ike_dh_groups | caps.pfs_groups)


@pytest.mark.parametrize("release", ["9.8-9.14", "9.15+"])
def test_recommended_crypto_emits_no_weak_values(release, golden):
    text = compiled(_sample(), "cisco-asa", replace(PROFILE, crypto="recommended", release=release))
    golden(f"cisco-asa/recommended-{release.replace('+', 'plus')}.asa.cfg", text)
    body = "\n".join(x for x in text.splitlines() if not x.startswith("!"))
    assert "crypto ikev2 policy" in body and "crypto ikev1 policy" not in body
    for weak in (r" group( \d+)* (2|5|24)\b", r"\bgroup(2|5|24)\b", r" sha( |$)", "sha-1", "3des", "md5"):
        assert not re.search(weak, body, re.M), weak


def test_rendered_lists_keep_the_given_order():
    conn = _sample()
    ts = [replace(t, ike=replace(t.ike, version=vpncc.ir.IkeVersion.IKEV2, encryption=(E.AES128, E.AES256),
                                 integrity=(I.SHA2_256, I.SHA2_384), dh_groups=(14, 20)),
                  ipsec=replace(t.ipsec, encryption=(E.AES128, E.AES256), integrity=(I.SHA2_256, I.SHA2_384),
                                pfs_groups=(14,)))
          for t in conn.tunnels]
    text = compiled(replace(conn, tunnels=tuple(ts)), "cisco-asa")
    assert " encryption aes aes-256\n integrity sha256 sha384\n group 14 20\n" in text
    assert " protocol esp encryption aes aes-256\n protocol esp integrity sha-256 sha-384\n" in text


def test_certificate_auth_is_refused_with_one_clear_error():
    conn = _sample()
    # (the key stays: the compiler asks for a missing PSK before the backend's refusals run)
    ts = tuple(replace(t, ike=replace(t.ike, auth="certificate")) for t in conn.tunnels)
    with pytest.raises(UnsupportedFeature, match="certificate authentication"):
        compiled(replace(conn, tunnels=ts), "cisco-asa")


@pytest.mark.parametrize("sample", sorted(p.name for p in (ROOT / "samples").glob("*.txt")))
def test_flat_and_indented_pastes_of_compiled_samples_validate_clean(sample):
    """Issue 18: a flat paste and a uniformly indented paste of every compiled sample read like the
    compiled text itself, and validate without errors or warnings."""
    from .cisco_test_helpers import expressed, findings

    conn = vpncc.parse(ROOT / "samples" / sample)
    text = compiled(conn, "cisco-asa")
    flat = "\n".join(x.strip() for x in text.splitlines()) + "\n"
    indented = "".join("  " + x + "\n" for x in text.splitlines())
    want = _summary(text)
    assert want[0] and _summary(flat) == want and _summary(indented) == want
    problems = [(f.rule, f.tunnel, f.message) for f in findings(expressed(conn, "cisco-asa"), "cisco-asa", flat)
                if f.severity.value in ("error", "warning")]
    assert problems == []


def test_partial_ikev2_policy_is_unverified_and_different_local_remote_keys_are_noted():
    v2 = """crypto ikev2 enable outside
crypto ikev2 policy 10
 integrity sha256
crypto ipsec ikev2 ipsec-proposal X
 protocol esp encryption aes-256
 protocol esp integrity sha-256
crypto ipsec profile P
 set ikev2 ipsec-proposal X
 set pfs group14
"""
    text = cfg(v1=v2).replace(" ikev1 pre-shared-key Made.Up_Key_0123456789abcdef\n",
                              " ikev2 local-authentication pre-shared-key Made.Up_Key_One_0123456789\n"
                              " ikev2 remote-authentication pre-shared-key Made.Up_Key_Two_0123456789\n")
    dev = ASA.read(text, "device.cfg")
    assert "ike.proposals" in dev.tunnels[0].value("unverified")
    assert any("keys differ" in n.message and "Made.Up" not in n.message for n in dev.notes)


def test_policy_based_output_keeps_one_sa_per_tunnel():
    """AWS accepts one SA pair per policy-based tunnel: several local/remote pairs are refused."""
    conn = vpncc.parse(ROOT / "samples" / "static-vgw-ikev2-2022.txt")
    one = compiled(conn, "cisco-asa", format="policy")
    assert one.count("extended permit ip") == 1
    two = replace(PROFILE, remote_networks=[ipaddress.IPv4Network("10.0.0.0/16"), ipaddress.IPv4Network("10.1.0.0/16")])
    with pytest.raises(UnsupportedFeature, match="one summary network"):
        compiled(conn, "cisco-asa", two, format="policy")


def test_accelerated_vpn_refuses_nat_t_off():
    conn = _sample()
    conn = replace(conn, options=replace(conn.options, acceleration=True))
    assert "crypto ikev1 policy" in compiled(conn, "cisco-asa")  # NAT-T is on by default on the ASA
    with pytest.raises(UnsupportedFeature, match="accelerated"):
        compiled(conn, "cisco-asa", replace(PROFILE, nat_traversal=False))


def test_ipv6_outside_is_refused_with_its_reason():
    conn = vpncc.parse(ROOT / "samples" / "api-ipv6-outside.json")
    with pytest.raises(UnsupportedFeature, match="IPv6 outside addresses"):
        compiled(conn, "cisco-asa")


def test_nat_local_address_is_a_note_never_a_configured_address():
    """Issue 17: behind NAT the ASA keeps its own address (it sources IKE from its interface); the
    compiled config says what the NAT must forward."""
    conn = _sample()
    text = compiled(conn, "cisco-asa", replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.2")))
    assert "forward UDP 500 and 4500 from 192.0.2.10 to 10.0.0.2" in text
    body = "\n".join(x for x in text.splitlines() if not x.startswith("!"))
    assert "10.0.0.2" not in body and "192.0.2.10" not in body
