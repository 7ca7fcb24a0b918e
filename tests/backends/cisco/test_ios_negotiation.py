"""Cisco IOS / IOS-XE: what the reader says the router negotiates (issues 17/18) and what compile emits per
``--crypto`` mode and ``--release`` (issue 16). Expected values are written from the Cisco command
references cited in vpncc/backends/cisco_ios/names.py."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from vpncc.backends import base
from vpncc.backends.cisco_ios.prep import type7_decode, type7_encode
from vpncc.compiler import compile as compile_
from vpncc.errors import UnsupportedFeature, UsageError
from vpncc.ir import Encryption as E
from vpncc.ir import Integrity as I
from vpncc.profile import Profile
from vpncc.validate.compare import compare
from vpncc.validate.negotiation import Proposal

ROOT = Path(__file__).resolve().parents[3]
IOS = base.get("cisco-ios")
IP = ipaddress.IPv4Address
GOLDEN = sorted((ROOT / "tests" / "golden" / "cisco-ios").glob("*.ios.cfg"))
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def _values(dev):
    return [(t.name, t.values) for t in dev.tunnels], [{k: o.value for k, o in nb.items()} for nb in dev.bgp_neighbors]


# -- pastes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_flat_and_indented_pastes_read_like_the_config(path):
    """Issue 18: a flat paste (with or without `exit`) and a uniformly indented paste of every compiled
    config read exactly as the config itself."""
    text = path.read_text()
    want = _values(IOS.read(text, "x.cfg"))
    assert want[0], "the golden has tunnels"
    flat = "\n".join(ln.strip() for ln in text.splitlines())
    flat_exit = "\n".join("exit" if ln.strip() == "!" else ln.strip() for ln in text.splitlines())
    indented = "\n".join("   " + ln for ln in text.splitlines())
    flat_indented = "\n".join("  " + ln.strip() for ln in text.splitlines())
    for variant in (flat, flat_exit, indented, flat_indented):
        assert _values(IOS.read(variant, "x.cfg")) == want


# -- phase 1 proposals -------------------------------------------------------------------------

UNION = """crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 5
crypto isakmp policy 200
 encr 3des
 hash md5
 auth pre
 group 2
 lifetime 28800
crypto isakmp policy 300
 encryption aes 192
crypto keyring K
 pre-shared-key address 198.51.100.7 key Some.Key_0123456789abc
interface Tunnel1
 ip address 169.254.44.42 255.255.255.252
 tunnel source 192.0.2.10
 tunnel destination 198.51.100.7
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile P
crypto ipsec transform-set T esp-3des esp-md5-hmac
crypto ipsec transform-set G esp-gcm 192
crypto ipsec profile P
 set transform-set G T
"""


def test_isakmp_policies_are_separate_proposals_never_a_union():
    (t,) = IOS.read(UNION, "u.cfg").tunnels
    # policy 300 has no `authentication` line: rsa-sig, the IOS default, unusable with a key
    assert t.value("ike.proposals") == (
        Proposal((E.AES128,), (I.SHA1,), (5,), label="isakmp policy 10", line=1),
        Proposal((E.TDES,), (I.MD5,), (2,), label="isakmp policy 200", line=6))
    # phase 2: one proposal per transform set in the profile's order; no `set pfs`: PFS off
    assert t.value("ipsec.proposals") == (
        Proposal((E.AES192_GCM_16,), (), (), label="transform-set G", line=23),
        Proposal((E.TDES,), (I.MD5,), (), label="transform-set T", line=22))
    assert t.value("ipsec.pfs_groups") == ()


def test_no_isakmp_policy_is_unverified_not_missing():
    """Without any ISAKMP policy IOS offers its built-in defaults (they differ by release): unverified."""
    (t,) = IOS.read(UNION[UNION.index("crypto keyring"):], "u.cfg").tunnels
    assert "ike.proposals" in t.value("unverified") and t.get("ike.proposals") is None


IKEV2 = """crypto ikev2 proposal CBC
 encryption aes-cbc-256 aes-cbc-128
 integrity sha384 sha256
 group 20 14
crypto ikev2 proposal GCM
 encryption aes-gcm-256
 prf sha384
 group 20
crypto ikev2 policy ANY
 proposal CBC
crypto ikev2 policy LOCAL
 match address local 192.0.2.10
 proposal GCM
crypto ikev2 keyring KR
 peer aws
  address 198.51.100.7
  pre-shared-key 7 {key7}
crypto ikev2 profile PR
 match identity remote address 198.51.100.7 255.255.255.255
 identity local fqdn cgw.example.net
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
crypto ikev2 dpd 10 10 periodic
crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac
crypto ipsec profile P
 set transform-set T
 set pfs group14
 set ikev2-profile PR
interface GigabitEthernet1
 ip address 192.0.2.10 255.255.255.0
interface Tunnel1
 ip address 169.254.44.42 255.255.255.252
 tunnel source GigabitEthernet1
 tunnel destination 198.51.100.7
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile P
"""


def test_ikev2_one_policy_applies_and_global_dpd():
    (t,) = IOS.read(IKEV2.replace("{key7}", type7_encode("Key.Seven_0123456789")), "v2.cfg").tunnels
    # the policy matching the local address wins over the catch-all one (never both merged)
    assert t.value("ike.proposals") == (
        Proposal((E.AES256_GCM_16,), (), (20,), label="ikev2 proposal GCM", line=5, prf=(I.SHA2_384,)),)
    assert t.value("local.address") == IP("192.0.2.10") and t.value("local.identity") == "cgw.example.net"
    assert t.value("ike.psk") == "Key.Seven_0123456789" and t.get("ike.psk").verifiable
    dpd = t.value("dpd")
    assert dpd.enabled and dpd.detect_s == 10 + 5 * 10
    assert t.value("nat_t") is True and t.value("mtu_derived") is True and t.get("tcp_mss") is None


@pytest.mark.parametrize("version,want", [
    ("", ((E.AES256,), (I.SHA2_512, I.SHA2_384), (19, 14, 21, 5))),
    ("version 15.6\n", ((E.AES256, E.AES192, E.AES128), (I.SHA2_512, I.SHA2_384, I.SHA2_256, I.SHA1, I.MD5), (5, 2))),
    ("version 17.9\n", ((E.AES256,), (I.SHA2_512, I.SHA2_384), (19, 14, 21, 5))),
])
def test_ikev2_default_proposal_by_release(version, want):
    text = version + IKEV2.split("crypto ikev2 keyring")[0].split("crypto ikev2 policy")[0].replace(
        "crypto ikev2 proposal", "crypto ikev2 proposalX") + "crypto ikev2 keyring" + IKEV2.split(
        "crypto ikev2 keyring")[1].replace("{key7}", type7_encode("k" * 20))
    (t,) = IOS.read(text, "v2.cfg").tunnels
    (p,) = t.value("ike.proposals")
    assert (p.encryption, p.integrity, p.dh_groups) == want and p.label == "ikev2 proposal default"


@pytest.mark.parametrize("line,detect,enabled", [
    ("crypto isakmp keepalive 10 10", 60, True),           # AWS's own template: 10 s + 5 x 10 s
    ("crypto isakmp keepalive 10 3 periodic", 25, True),
    ("crypto isakmp keepalive 10", 20, True),              # retry interval defaults to 2 s
    ("crypto isakmp keepalive 60 20", 160, True),
    ("", None, False),
])
def test_dpd_is_interval_plus_five_retry_intervals(line, detect, enabled):
    (t,) = IOS.read(line + "\n" + UNION, "u.cfg").tunnels
    dpd = t.value("dpd")
    assert dpd.enabled is enabled and dpd.detect_s == detect


def test_type7_round_trip_and_cisco_example():
    assert type7_decode("070C285F4D06") == "cisco"
    assert type7_decode(type7_encode("Qx7.mZp2_Lr9TkV4wYb8Nc3Hd6Jf1Gs5", 11)) == "Qx7.mZp2_Lr9TkV4wYb8Nc3Hd6Jf1Gs5"
    assert type7_decode("not-hex") is None


BGP = """router bgp 64086.59905
 bgp asnotation dot
 neighbor AWS peer-group
 neighbor AWS remote-as 64512
 neighbor AWS timers 10 30
 neighbor 169.254.44.41 peer-group AWS
 !
 address-family ipv4 vrf CUST
  neighbor 169.254.45.61 remote-as 64512
 exit-address-family
 address-family ipv4
  neighbor 169.254.44.41 activate
 exit-address-family
"""


def test_bgp_asdot_peer_groups_and_vrf_neighbors():
    dev = IOS.read(BGP, "b.cfg")
    got = {str(nb["neighbor"].value): (nb["customer_asn"].value, nb["aws_asn"].value, nb["hold_time_s"].value,
                                       nb.get("enabled")) for nb in dev.bgp_neighbors}
    assert got == {"169.254.44.41": (4200000001, 64512, 30, None), "169.254.45.61": (4200000001, 64512, 180, None)}


CMAP = """crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key Map.Key_0123456789abcd address 198.51.100.44
crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac
crypto map M 10 ipsec-isakmp
 set peer 198.51.100.44
 set transform-set T
 set pfs group14
 match address VPC
interface GigabitEthernet0/0
 ip address 192.0.2.99 255.255.255.0
 crypto map M
interface GigabitEthernet0/1
 ip address 10.30.0.1 255.255.0.0
 ip tcp adjust-mss 1360
ip access-list extended VPC
 10 permit ip 10.30.0.0 0.0.255.255 10.20.0.0 0.0.255.255
 20 permit ip host 10.30.0.5 10.21.0.0 0.0.0.255
"""


def test_crypto_map_is_a_policy_based_tunnel():
    (t,) = IOS.read(CMAP, "m.cfg").tunnels
    assert t.value("policy_based") is True and t.value("outside.aws") == IP("198.51.100.44")
    assert t.value("local.address") == IP("192.0.2.99") and t.value("ike.psk") == "Map.Key_0123456789abcd"
    assert t.value("static_routes") == (ipaddress.IPv4Network("10.20.0.0/16"), ipaddress.IPv4Network("10.21.0.0/24"))
    assert t.value("tcp_mss") == 1360 and t.value("ipsec.pfs_groups") == (14,)


def test_nat_t_off_globally():
    (t,) = IOS.read("no crypto ipsec nat-transparency udp-encapsulation\n" + UNION, "u.cfg").tunnels
    assert t.value("nat_t") is False


# -- compile -----------------------------------------------------------------------------------

def _compile(sample: str, **kw) -> str:
    return compile_(vpncc.parse(ROOT / "samples" / sample), "cisco-ios",
                    Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                            remote_networks=[ipaddress.IPv4Network("10.20.0.0/16")], **kw))


@pytest.mark.parametrize("sample", ["bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt"])
def test_recommended_goldens(sample, golden):
    golden(f"cisco-ios/recommended/{Path(sample).stem}.ios.cfg", _compile(sample, crypto="recommended"))


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
@pytest.mark.parametrize("release", [None, "17.11+"])
def test_recommended_is_strong_in_order_and_validates_clean(sample, release):
    conn = vpncc.parse(ROOT / "samples" / sample)
    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=[ipaddress.IPv4Network("10.20.0.0/16")], crypto="recommended", release=release)
    text = compile_(conn, "cisco-ios", prof)
    body = [ln for ln in text.splitlines() if not ln.startswith("!")]
    assert not any(ln.strip() in ("group 2", "group 5", "set pfs group2", "set pfs group5") for ln in body)
    assert "crypto isakmp policy" not in text  # AWS's default options accept IKEv2
    assert "compliance shield" not in text
    # AES-GCM first (the strongest), as crypto.py ordered it
    props = [ln for ln in body if ln.startswith(" proposal ")]
    assert props and props[0].endswith("-gcm")
    found = [f for f in compare(conn, IOS.read(text, "out.cfg"), prof)
             if f.category != "security" and f.severity.value in ("error", "warning")]
    assert found == [], [(f.rule, f.tunnel, f.message) for f in found]


def test_file_suite_on_17_11_allows_the_weak_group_explicitly():
    text = _compile("bgp-vgw-ikev1-2022.txt", crypto="file", release="17.11+")
    assert " group 2" in text and "crypto engine compliance shield disable" in text
    for rel in (None, "16.x", "17.1-17.10"):
        assert "compliance shield" not in _compile("bgp-vgw-ikev1-2022.txt", crypto="file", release=rel)


def test_unknown_release_is_refused():
    with pytest.raises(UsageError, match="17.11\\+"):
        _compile("bgp-vgw-ikev1-2022.txt", release="17.99")


def test_transform_sets_are_cut_at_six_as_the_note_says():
    text = _compile("bgp-vgw-ikev1-2022.txt", crypto="compatible", release="15.x")
    profile_line = next(ln for ln in text.splitlines() if ln.startswith(" set transform-set"))
    assert len(profile_line.split()) - 2 == 6
    assert "left out (an IOS IPsec profile takes at most 6 transform sets)" in text


def test_accelerated_vpn_needs_nat_t_and_certificates_are_refused():
    conn = vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")
    fast = replace(conn, options=replace(conn.options, acceleration=True))
    with pytest.raises(UnsupportedFeature, match="accelerated"):
        compile_(fast, "cisco-ios", Profile(nat_traversal=False))
    assert "no crypto ipsec nat-transparency" not in compile_(fast, "cisco-ios", Profile())
    cert = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, auth="certificate", psk=None))
                                       for t in conn.tunnels))
    why = IOS.unsupported(cert, Profile(), base.RenderOptions())
    assert [w for w in why if "certificate authentication" in w]


def test_ipv6_outside_is_refused_with_one_clear_error():
    with pytest.raises(UnsupportedFeature, match="IPv6 outside addresses"):
        compile_(vpncc.parse(ROOT / "samples" / "api-ipv6-outside.json"), "cisco-ios", Profile())


@pytest.mark.parametrize("sample", ["api-accelerated.json", "api-private-ip-dx.json", "api-restricted.json"])
def test_api_samples_compile_and_validate_clean(sample):
    conn = vpncc.parse(ROOT / "samples" / sample)
    prof = Profile(crypto="recommended")
    text = compile_(conn, "cisco-ios", prof)
    found = [f for f in compare(conn, IOS.read(text, "o.cfg"), prof) if f.category != "security"]
    assert found == [], [(f.rule, f.tunnel, f.message) for f in found]


# -- remediation -------------------------------------------------------------------------------

def _remedy(text: str, profile: Profile | None = None) -> tuple[list, str]:
    conn = vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")
    prof = profile or Profile()
    dev = IOS.read(text, "r.cfg")
    found = [f for f in compare(conn, dev, prof) if f.category != "security"]
    return found, IOS.remediation(found, conn, prof, dev)


def test_remediation_never_writes_an_address_the_router_does_not_own():
    cfg = (ROOT / "tests/conformance/cisco-ios/wrong/public-local-not-cgw.cfg").read_text()
    found, rem = _remedy(cfg)
    assert {(f.rule, f.tunnel) for f in found} == {("VPN111", 1), ("VPN111", 2)}
    assert "local-address 192.0.2.10" not in rem and "no interface of this router has" in rem
    # the router does own the customer gateway address on another interface: then it is the fix
    owned = cfg.replace("interface GigabitEthernet2\n", "interface GigabitEthernet3\n ip address 192.0.2.10 "
                        "255.255.255.0\n!\ninterface GigabitEthernet2\n")
    _, rem = _remedy(owned)
    assert "local-address 192.0.2.10" in rem


def test_nat_case_needs_no_remediation():
    found, rem = _remedy((ROOT / "tests/conformance/cisco-ios/same/nat-private-local.cfg").read_text())
    assert [f for f in found if f.severity.value != "info"] == [] and "local-address" not in rem
