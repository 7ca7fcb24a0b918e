"""Compiling for cisco-ios and cisco-asa: goldens, structure (ciscoconfparse2), refusals, determinism."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from vpncc.errors import MissingValue, UnsupportedFeature
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile

from ...strategies import sample_connection
from .cisco_test_helpers import PROFILE, compiled

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
VARIANTS = {
    "bgp-ikev1-classic": sample_connection(),
    "static-ikev1-classic": sample_connection(routing=Routing.STATIC),
    "bgp-ikev2-gcm-multi": sample_connection(
        ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16, Encryption.AES256),
        integrity=(Integrity.SHA2_384, Integrity.SHA2_256), dh_groups=(20, 14)),
    "static-ikev2-aes256": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                             encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,),
                                             dh_groups=(14,)),
}
EXT = {"cisco-ios": "ios.cfg", "cisco-asa": "asa.cfg"}


def _parse(text: str, syntax: str):
    from ciscoconfparse2 import CiscoConfParse

    return CiscoConfParse(text.splitlines(), syntax=syntax, loguru=False)


@pytest.mark.parametrize("vendor", sorted(EXT))
@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_golden_samples(vendor, sample, golden):
    conn = vpncc.parse(ROOT / "samples" / sample)
    text = compiled(conn, vendor)
    golden(f"{vendor}/{Path(sample).stem}.{EXT[vendor]}", text)


@pytest.mark.parametrize("vendor", sorted(EXT))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden_variants(vendor, variant, golden):
    golden(f"{vendor}/{variant}.{EXT[vendor]}", compiled(VARIANTS[variant], vendor))


def test_golden_asa_policy_based(golden):
    golden("cisco-asa/static-ikev1-policy.asa.cfg",
           compiled(VARIANTS["static-ikev1-classic"], "cisco-asa", format="policy"))


@pytest.mark.parametrize("vendor", sorted(EXT))
def test_output_is_deterministic(vendor):
    conn = VARIANTS["bgp-ikev2-gcm-multi"]
    assert compiled(conn, vendor) == compiled(conn, vendor)


def test_ios_structure_parses_as_expected():
    """ciscoconfparse2 sees the parent/child structure we mean to write."""
    text = compiled(VARIANTS["bgp-ikev1-classic"], "cisco-ios")
    conf = _parse(text, "ios")
    pol = conf.find_objects(r"^crypto isakmp policy 200$")[0]
    assert [c.text.strip() for c in pol.children] == ["encryption aes", "hash sha", "authentication pre-share",
                                                      "group 2", "lifetime 28800"]
    ring = conf.find_objects(r"^crypto keyring ")[0]
    assert [c.text.split()[0] for c in ring.children] == ["local-address", "pre-shared-key"]
    t1 = conf.find_objects(r"^interface Tunnel1$")[0]
    kids = [c.text.strip() for c in t1.children]
    for line in ("ip address 169.254.44.42 255.255.255.252", "ip mtu 1436", "ip tcp adjust-mss 1379",
                 "tunnel source GigabitEthernet1", "tunnel mode ipsec ipv4", "tunnel destination 198.51.100.7",
                 "tunnel protection ipsec profile vpn-0a1b2c3d4e5f60718-1", "no shutdown"):
        assert line in kids
    bgp = conf.find_objects(r"^router bgp 65000$")[0]
    af = [c for c in bgp.children if c.text.strip() == "address-family ipv4"][0]
    af_kids = [c.text.strip() for c in af.children]
    assert "neighbor 169.254.44.41 activate" in af_kids and "network 10.10.0.0 mask 255.255.0.0" in af_kids
    assert "neighbor 169.254.45.61 route-map vpn-0a1b2c3d4e5f60718-backup-out out" in af_kids
    assert conf.find_objects(r"^ip route 10.10.0.0 255.255.0.0 Null0 254$")
    assert [c.text.strip() for c in conf.find_objects(r"^route-map .*-backup-in")[0].children] == \
        ["set local-preference 50"]


def test_asa_structure_parses_as_expected():
    text = compiled(VARIANTS["bgp-ikev2-gcm-multi"], "cisco-asa")
    conf = _parse(text, "asa")
    pols = conf.find_objects(r"^crypto ikev2 policy \d+$")
    assert len(pols) == 2  # CBC and GCM never share an ASA IKEv2 policy
    gcm = [p for p in pols if "encryption aes-gcm-256" in [c.text.strip() for c in p.children]][0]
    assert "integrity null" in [c.text.strip() for c in gcm.children]
    tg = conf.find_objects(r"^tunnel-group 198.51.100.7 ipsec-attributes$")[0]
    assert [c.text.split()[0] for c in tg.children] == ["ikev2", "ikev2", "isakmp"]
    t1 = conf.find_objects(r"^interface Tunnel1$")[0]
    assert [c.text.strip().split()[0] for c in t1.children] == ["nameif", "ip", "tunnel", "tunnel", "tunnel",
                                                                "tunnel", "no"]
    af = conf.find_objects(r"^ address-family ipv4 unicast$")[0]
    assert af.parent.text == "router bgp 65000"
    assert conf.find_objects(r"^sysopt connection tcpmss 1379$")
    assert conf.find_objects(r"^mtu vpn-0a1b2c3d4e5f60718-1 1436$")


def test_static_without_remote_networks_is_refused():
    for vendor in EXT:
        with pytest.raises(MissingValue, match="--remote-networks"):
            vpncc.compile(VARIANTS["static-ikev1-classic"], vendor, Profile())


def test_static_routes_make_tunnel_2_a_backup():
    ios = compiled(VARIANTS["static-ikev1-classic"], "cisco-ios")
    assert "ip route 10.0.0.0 255.255.0.0 Tunnel1\n" in ios
    assert "ip route 10.0.0.0 255.255.0.0 Tunnel2 10\n" in ios
    assert "router bgp" not in ios
    asa = compiled(VARIANTS["static-ikev1-classic"], "cisco-asa")
    assert "route vpn-0a1b2c3d4e5f60718-1 10.0.0.0 255.255.0.0 169.254.44.41 1\n" in asa
    assert "route vpn-0a1b2c3d4e5f60718-2 10.0.0.0 255.255.0.0 169.254.45.61 2\n" in asa


def test_ios_refuses_gcm_for_ikev1_phase1():
    conn = sample_connection(encryption=(Encryption.AES128_GCM_16,), esp_encryption=(Encryption.AES128,))
    with pytest.raises(UnsupportedFeature, match="AES-GCM in phase 1 only with IKEv2"):
        vpncc.compile(conn, "cisco-ios", PROFILE)


def test_unsupported_dh_groups_are_refused_or_noted():
    only_bad = sample_connection(ike_version=IkeVersion.IKEV2, dh_groups=(17, 22))
    with pytest.raises(UnsupportedFeature, match="DH group"):
        vpncc.compile(only_bad, "cisco-ios", PROFILE)
    some_bad = sample_connection(ike_version=IkeVersion.IKEV2, dh_groups=(14, 22))
    text = compiled(some_bad, "cisco-ios")
    assert "IKE DH groups 22 left out (not supported by IOS)" in text
    assert " group 14\n" in text and "group 14 22" not in text


def test_asa_ikev1_limits_are_refused():
    conn = sample_connection(integrity=(Integrity.SHA2_256,))
    with pytest.raises(UnsupportedFeature, match="IKEv1 integrity SHA2-256"):
        vpncc.compile(conn, "cisco-asa", PROFILE)
    v2 = compiled(sample_connection(ike_version=IkeVersion.IKEV2, integrity=(Integrity.SHA2_256,)), "cisco-asa")
    assert " integrity sha256\n" in v2 and " protocol esp integrity sha-256\n" in v2


def test_asa_policy_format_refuses_bgp():
    with pytest.raises(UnsupportedFeature, match="crypto maps carry no BGP"):
        vpncc.compile(VARIANTS["bgp-ikev1-classic"], "cisco-asa", PROFILE, format="policy")


@pytest.mark.parametrize("vendor", sorted(EXT))
@pytest.mark.parametrize("psk", ["with space12", 'quote"d-key', "question?key"])
def test_psk_the_cli_cannot_carry_is_refused_without_echo(vendor, psk):
    t1, t2 = VARIANTS["bgp-ikev1-classic"].tunnels
    conn = replace(VARIANTS["bgp-ikev1-classic"], tunnels=(replace(t1, ike=replace(t1.ike, psk=psk)), t2))
    with pytest.raises(UnsupportedFeature) as e:
        vpncc.compile(conn, vendor, PROFILE)
    assert psk not in str(e.value) and "pre-shared key" in str(e.value)


@pytest.mark.parametrize("vendor", sorted(EXT))
def test_bad_names_are_refused(vendor):
    with pytest.raises(UnsupportedFeature, match="name prefix"):
        vpncc.compile(VARIANTS["bgp-ikev1-classic"], vendor, replace(PROFILE, name_prefix="has space"))
    with pytest.raises(UnsupportedFeature, match="outside interface"):
        vpncc.compile(VARIANTS["bgp-ikev1-classic"], vendor, replace(PROFILE, outside_interface="Gi 0/0"))


def test_global_settings_are_merged_with_a_note():
    t1, t2 = VARIANTS["bgp-ikev1-classic"].tunnels
    conn = replace(VARIANTS["bgp-ikev1-classic"], tunnels=(
        t1, replace(t2, ike=replace(t2.ike, lifetime_s=14400, dh_groups=(14,)), tcp_mss=1300)))
    ios = compiled(conn, "cisco-ios")
    assert "the shorter 14400 s is used for all" in ios
    assert len(re.findall(r"(?m)^crypto isakmp policy", ios)) == 2 and ios.count(" lifetime 14400") == 2
    asa = compiled(conn, "cisco-asa")
    assert "sysopt connection tcpmss 1300" in asa and "the smaller 1300 is used" in asa


def test_ipv6_inside_on_ios():
    text = compiled(sample_connection(ipv6=True), "cisco-ios")
    assert " ipv6 enable\n ipv6 address fd00:0:0:1::2/126\n" in text
    with pytest.raises(UnsupportedFeature, match="IPv6"):
        vpncc.compile(sample_connection(ipv6=True), "cisco-asa", PROFILE)


def test_local_networks_are_announced_with_anchor():
    prof = replace(PROFILE, local_networks=[ipaddress.IPv4Network("10.10.0.0/16"),
                                            ipaddress.IPv4Network("172.16.0.0/12")])
    text = compiled(VARIANTS["bgp-ikev1-classic"], "cisco-ios", prof)
    assert "  network 172.16.0.0 mask 255.240.0.0\n" in text
    assert "ip route 172.16.0.0 255.240.0.0 Null0 254\n" in text
