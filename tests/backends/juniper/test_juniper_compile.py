"""Junos compile: goldens in both forms, refusals, quoting, names, failover and MSS choices."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from tests.conftest import sample_paths
from vpncc.backends import base
from vpncc.errors import MissingValue, UnsupportedFeature
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile

from ...strategies import sample_connection

ROOT = Path(__file__).resolve().parents[3]
#: the goldens render the AWS file's own suite (--crypto file); RECOMMENDED below covers the default mode
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
EXT = {"set": "set", "curly": "conf"}

VARIANTS = {
    "bgp-ikev1-classic": sample_connection(),
    "static-ikev1-classic": sample_connection(routing=Routing.STATIC),
    "bgp-ikev2-gcm-multi": sample_connection(
        ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16, Encryption.AES128),
        integrity=(Integrity.SHA2_384, Integrity.SHA1), dh_groups=(20, 14, 21),
        esp_encryption=(Encryption.AES256_GCM_16, Encryption.AES256), esp_integrity=(Integrity.SHA2_512,)),
    "static-ikev2-ipv6": sample_connection(
        routing=Routing.STATIC, ike_version=IkeVersion.IKEV2, ipv6=True, encryption=(Encryption.AES256,),
        integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}


def compile_(conn, fmt="set", profile=PROFILE, **kw):
    return vpncc.compile(conn, "juniper", profile, format=fmt, **kw)


@pytest.mark.parametrize("fmt", ["set", "curly"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden_variants(variant: str, fmt: str, golden) -> None:
    golden(f"juniper/{variant}.{EXT[fmt]}", compile_(VARIANTS[variant], fmt))


@pytest.mark.parametrize("sample", ["bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt"])
def test_golden_recommended(sample: str, golden) -> None:
    """The default --crypto recommended: IKEv2, AES-GCM/AES, SHA2-384/256, DH 20/19/14 strongest first, one
    Junos proposal per combination in that order; one PFS group (the first)."""
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    text = compile_(conn, "set", profile=replace(PROFILE, crypto="recommended"))
    golden(f"juniper/recommended-{Path(sample).stem}.set", text)
    body = [l for l in text.splitlines() if l.startswith("set ")]
    assert not [l for l in body if re.search(r"\b(group1|group2|group5|sha1|hmac-sha1-96|v1-only)$", l)]
    assert "set security ike gateway vpn-0a1b2c3d4e5f60718-1 version v2-only" in body or "static" in sample


@pytest.mark.parametrize("fmt", ["set", "curly"])
@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
def test_golden_samples(sample: str, fmt: str, golden) -> None:
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    golden(f"juniper/{Path(sample).stem}.{EXT[fmt]}", compile_(conn, fmt))


def test_registry_and_capabilities() -> None:
    b = base.get("srx")
    assert b.name == "juniper" and base.get("junos") is b
    assert b.capabilities.formats == ("set", "curly")
    assert 21 in b.capabilities.ike_dh_groups and 24 in b.capabilities.pfs_groups
    assert 22 not in b.capabilities.ike_dh_groups and 1 not in b.capabilities.ike_dh_groups
    assert Integrity.SHA2_512 in b.capabilities.ike_integrity and Integrity.SHA2_512 in b.capabilities.esp_integrity
    assert b.releases == ("15.1X49-20.x", "21.x+")
    old = b.crypto_capabilities(replace(PROFILE, release="15.1X49-20.x"), base.RenderOptions())
    assert 21 not in old.ike_dh_groups and 15 not in old.pfs_groups and Integrity.SHA2_512 not in old.ike_integrity
    new = b.crypto_capabilities(PROFILE, base.RenderOptions())
    assert {15, 16, 21} <= new.ike_dh_groups and Integrity.SHA2_512 in new.ike_integrity


def test_default_format_is_set_and_deterministic() -> None:
    conn = VARIANTS["bgp-ikev1-classic"]
    a = vpncc.compile(conn, "juniper", PROFILE)
    assert a == compile_(conn, "set") == vpncc.compile(conn, "juniper", PROFILE)
    assert all(l.startswith(("set ", "#")) for l in a.splitlines() if l)


def test_unknown_format_refused() -> None:
    with pytest.raises(UnsupportedFeature, match="output format 'xml'"):
        compile_(VARIANTS["bgp-ikev1-classic"], "xml")


def test_static_without_remote_networks_is_missing_value() -> None:
    with pytest.raises(MissingValue, match="--remote-networks"):
        compile_(VARIANTS["static-ikev1-classic"], profile=Profile())


@pytest.mark.parametrize("conn, release, needle", [
    (sample_connection(dh_groups=(22, 23)), None, "IKE DH group 22, 23"),
    (sample_connection(dh_groups=(21,)), "15.1X49-20.x", "IKE DH group 21"),
    (sample_connection(integrity=(Integrity.SHA2_512,)), "15.1X49-20.x", "IKE integrity SHA2-512"),
    (sample_connection(encryption=(Encryption.AES128_GCM_16,)), None, "AES-GCM in phase 1 only with IKEv2"),
    (sample_connection(pfs_groups=(17, 18)), None, "PFS group 17, 18"),
])
def test_refusals(conn, release, needle) -> None:
    with pytest.raises(UnsupportedFeature) as e:
        compile_(conn, profile=replace(PROFILE, release=release))
    assert needle in str(e.value)


def test_refusals_of_ranges_and_names() -> None:
    t = VARIANTS["bgp-ikev1-classic"].tunnels[0]
    bad = replace(VARIANTS["bgp-ikev1-classic"], tunnels=(
        replace(t, dpd=replace(t.dpd, interval_s=90, retries=9), ike=replace(t.ike, lifetime_s=100000)),
        VARIANTS["bgp-ikev1-classic"].tunnels[1]))
    with pytest.raises(UnsupportedFeature) as e:
        compile_(bad, profile=replace(PROFILE, name_prefix="a-very-long-prefix-that-cannot-fit-32",
                                      zone="untrust", outside_interface="eth0 ; rm"))
    text = str(e.value)
    for needle in ("DPD interval 90", "DPD retries 9", "IKE lifetime 100000", "name prefix",
                   "three different security zones", "not a Junos logical interface"):
        assert needle in text


def test_partial_support_is_reported_not_silent() -> None:
    # Junos before 21.x has no group21 (names.py RELEASE_DH): omitted and said so
    text = compile_(VARIANTS["bgp-ikev2-gcm-multi"], profile=replace(PROFILE, release="15.1X49-20.x"))
    assert "#   tunnel 1: IKE DH group 21" in text
    assert "group21" not in text
    # the current CLI Reference lists group21 and IKE sha-512
    text = compile_(VARIANTS["bgp-ikev2-gcm-multi"])
    assert "dh-group group21" in text and "#   tunnel 1: IKE DH group 21" not in text
    sha512 = replace(VARIANTS["static-ikev2-ipv6"].tunnels[0], ike=replace(
        VARIANTS["static-ikev2-ipv6"].tunnels[0].ike, integrity=(Integrity.SHA2_512, Integrity.SHA2_256)))
    conn = replace(VARIANTS["static-ikev2-ipv6"], tunnels=(sha512, VARIANTS["static-ikev2-ipv6"].tunnels[1]))
    assert "authentication-algorithm sha-512" in compile_(conn)
    old = compile_(conn, profile=replace(PROFILE, release="15.1X49-20.x"))
    assert "authentication-algorithm sha-512" not in old and "IKE integrity SHA2-512" in old
    # one PFS group per IPsec policy: the first (strongest) of the given list, said in the header
    text = compile_(VARIANTS["bgp-ikev2-gcm-multi"])
    assert "perfect-forward-secrecy keys group20" in text
    assert "extra PFS groups group14, group21 (a Junos IPsec policy has one PFS group: group20" in text
    # GCM for IKE (IKEv2) carries the hash as PRF; GCM for ESP carries no authentication-algorithm
    assert "encryption-algorithm aes-256-gcm" in text
    esp_gcm = [l for l in text.splitlines() if "ipsec proposal vpn-0a1b2c3d4e5f60718-1-1 " in l]
    assert not any("authentication-algorithm" in l for l in esp_gcm)


def test_psk_is_quoted_and_escaped_and_nonprintable_refused() -> None:
    conn = VARIANTS["bgp-ikev1-classic"]
    t1, t2 = conn.tunnels
    odd = replace(conn, tunnels=(replace(t1, ike=replace(t1.ike, psk='we"ird\\key with space')), t2))
    text = compile_(odd)
    assert 'pre-shared-key ascii-text "we\\"ird\\\\key with space"' in text
    dev = base.get("juniper").read(text)
    assert dev.tunnels[0].get("ike.psk").value == 'we"ird\\key with space'
    bad = replace(conn, tunnels=(replace(t1, ike=replace(t1.ike, psk="line\nbreak")), t2))
    with pytest.raises(UnsupportedFeature) as e:
        compile_(bad)
    assert "line" not in str(e.value).replace("pre-shared key", "")


def test_per_tunnel_mss_goes_on_st0_units() -> None:
    conn = VARIANTS["bgp-ikev1-classic"]
    t1, t2 = conn.tunnels
    text = compile_(replace(conn, tunnels=(t1, replace(t2, tcp_mss=1350))))
    assert "security flow tcp-mss" not in text
    assert "set interfaces st0 unit 1 family inet tcp-mss 1379" in text
    assert "set interfaces st0 unit 2 family inet tcp-mss 1350" in text
    assert "set security flow tcp-mss ipsec-vpn mss 1379" in compile_(conn)


def test_failover_design_bgp_and_static() -> None:
    bgp = compile_(VARIANTS["bgp-ikev1-classic"])
    assert "neighbor 169.254.45.61 import vpn-0a1b2c3d4e5f60718-import-backup" in bgp
    assert "export-backup term local then as-path-prepend 65000" in bgp
    assert "neighbor 169.254.44.41 import" not in bgp
    static = compile_(VARIANTS["static-ikev1-classic"])
    assert "set routing-options static route 10.0.0.0/16 next-hop st0.1" in static
    assert "set routing-options static route 10.0.0.0/16 qualified-next-hop st0.2 preference 10" in static


def test_profile_options() -> None:
    prof = replace(PROFILE, tunnel_start=10, zone="aws", outside_zone="internet", outside_interface="reth0",
                   routing_instance="vr-aws", nat_traversal=False, name_prefix="cgw1", lan_zone="lan")
    text = compile_(VARIANTS["bgp-ikev1-classic"], profile=prof)
    for needle in ("set interfaces st0 unit 10 family inet address 169.254.44.42/30",
                   "set security zones security-zone aws interfaces st0.11",
                   "set security zones security-zone internet interfaces reth0.0",
                   "external-interface reth0.0", "no-nat-traversal",
                   "set routing-instances vr-aws protocols bgp group cgw1 type external",
                   "set routing-instances vr-aws interface st0.10", "from-zone lan to-zone aws",
                   "set security ike gateway cgw1-1 address 198.51.100.7"):
        assert needle in text, needle
    dev = base.get("juniper").read(text)
    found = vpncc.validate(VARIANTS["bgp-ikev1-classic"], "juniper", text, profile=prof).findings
    # the file's AES128/SHA1/DH2 suite draws security findings (VPN501/502), nothing else
    assert [f for f in found if f.category != "security"] == []
    assert {t.name for t in dev.tunnels} == {"cgw1-1", "cgw1-2"}


def test_no_local_networks_announces_nothing_but_says_so() -> None:
    text = compile_(VARIANTS["bgp-ikev1-classic"], profile=Profile())
    assert "No local_networks in the site profile" in text
    assert not [l for l in text.splitlines() if "route-filter" in l and l.startswith("set")]
    assert "set policy-options policy-statement vpn-0a1b2c3d4e5f60718-export then reject" in text
    assert "match source-address any" in text


def test_nat_local_address_is_the_devices_own_and_validates_clean() -> None:
    """Behind NAT: local-address is the device's private address, the IKE identity the public customer
    gateway address; validating with the same --local-address gives only the NAT information."""
    conn = VARIANTS["bgp-ikev1-classic"]
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.20.0.2"))
    text = compile_(conn, profile=prof)
    assert "local-address 10.20.0.2" in text and "local-identity inet 192.0.2.10" in text
    assert "local-address 192.0.2.10" not in text and "no-nat-traversal" not in text
    found = vpncc.validate(conn, "juniper", text, profile=prof).findings
    assert [f.rule for f in found if f.category != "security" and f.severity.value != "info"] == []
    assert {f.rule for f in found if f.severity.value == "info"} >= {"VPN112"}
