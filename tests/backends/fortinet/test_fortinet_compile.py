"""FortiOS compile: goldens per sample and version family, names, quoting, refusals."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

import pytest

import vpncc
from tests.conftest import sample_paths
from vpncc.backends import base
from vpncc.backends.fortinet import names
from vpncc.backends.fortinet.render import quote, tunnel_names
from vpncc.errors import MissingValue, UnsupportedFeature
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile

from ...strategies import sample_connection

ROOT = Path(__file__).resolve().parents[3]
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
#: the goldens of the file's own suite, pinned (the default mode may change; these must not)
FILE = replace(PROFILE, crypto="file")
RECOMMENDED = replace(PROFILE, crypto="recommended")

VARIANTS = {
    "bgp-ikev1-classic": sample_connection(),
    "static-ikev1-classic": sample_connection(routing=Routing.STATIC),
    "bgp-ikev2-gcm-multi": sample_connection(
        ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16, Encryption.AES128),
        integrity=(Integrity.SHA2_256, Integrity.SHA1), dh_groups=(20, 14, 24)),
    "static-ikev2-aes256": sample_connection(
        routing=Routing.STATIC, ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256,),
        integrity=(Integrity.SHA2_512,), dh_groups=(21,)),
}


def compile_(conn, version=None, profile=None):
    profile = FILE if profile is None else profile  # the tests below check how the IR's own lists are written
    extra = {} if version is None else {"fortios_version": version}
    return vpncc.compile(conn, "fortinet", profile, extra=extra)


@pytest.mark.parametrize("version", names.VERSIONS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden_variants(variant: str, version: str, golden) -> None:
    golden(f"fortinet/{version}/{variant}.conf", compile_(VARIANTS[variant], version, FILE))


@pytest.mark.parametrize("version", names.VERSIONS)
@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
def test_golden_samples(sample: str, version: str, golden) -> None:
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    golden(f"fortinet/{version}/{Path(sample).stem}.conf", compile_(conn, version, FILE))


@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
def test_golden_samples_recommended(sample: str, golden) -> None:
    """``--crypto recommended``: IKEv2, AES-GCM/AES-CBC with SHA2-384/256 and DH 20/19/14, strongest first
    (the lists are the same for every FortiOS family, names.CRYPTO)."""
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    golden(f"fortinet/recommended/{Path(sample).stem}.conf", compile_(conn, "7.2", RECOMMENDED))


def test_recommended_renders_the_chosen_lists_in_order_without_adding_or_dropping() -> None:
    from vpncc.backends.fortinet.render import context
    from vpncc.compiler import choose_crypto, resolve_profile

    conn = sample_connection()
    backend = base.get("fortinet")
    prof, _ = resolve_profile(conn, backend, RECOMMENDED)
    chosen = choose_crypto(conn, backend, prof, base.RenderOptions()).conn
    t = chosen.tunnels[0]
    assert t.ike.dh_groups == (20, 19, 14) and t.ike.encryption[0] is Encryption.AES256_GCM_16
    p1 = dict(context(chosen, prof, "7.2", "")["tunnels"][0]["phase1"])
    pairs = [names.phase1_proposal(e, i) for e in t.ike.encryption for i in t.ike.integrity]
    assert p1["proposal"] == " ".join(pairs) and p1["dhgrp"] == "20 19 14" and p1["ike-version"] == "2"
    text = compile_(conn, "7.4", RECOMMENDED)
    groups = {g for line in text.splitlines() if line.strip().startswith("set dhgrp") for g in line.split()[2:]}
    assert groups == {"20", "19", "14"} and "sha1" not in text and "set ike-version 1" not in text


def test_crypto_capabilities_per_family_and_release_key() -> None:
    backend = base.get("fortinet")
    for v in names.VERSIONS:
        caps = backend.crypto_capabilities(PROFILE, base.RenderOptions(extra={"fortios_version": v}))
        assert caps.ike_dh_groups == frozenset({2, 5, 14, 15, 16, 17, 18, 19, 20, 21}) and not caps.ikev1_gcm
        assert Encryption.AES256_GCM_16 in caps.ike_encryption and Integrity.SHA2_512 in caps.esp_integrity
    # `release` names the family too; fortios_version wins when both are given
    assert "# FortiOS 6.4 CLI" in compile_(sample_connection(), None, replace(PROFILE, release="6.4"))
    assert "# FortiOS 7.0 CLI" in compile_(sample_connection(), "7.0", replace(PROFILE, release="6.4"))


def test_registry_and_capabilities() -> None:
    b = base.get("fortigate")
    assert b.name == "fortinet" and b.capabilities.formats == ("cli",)
    assert {22, 23, 24}.isdisjoint(b.capabilities.ike_dh_groups)
    assert b.capabilities.ike_dh_groups == frozenset({2, 5, 14, 15, 16, 17, 18, 19, 20, 21})


def test_default_version_is_72_and_missing_extra_is_accepted() -> None:
    text = vpncc.compile(sample_connection(), "fortinet", PROFILE)
    assert "# FortiOS 7.2 CLI" in text
    assert compile_(sample_connection(), "7.2.5", PROFILE).split("\n", 9)[-1] == text.split("\n", 9)[-1]


def test_unknown_version_is_refused() -> None:
    with pytest.raises(UnsupportedFeature, match="FortiOS version '8.0'"):
        compile_(sample_connection(), "8.0")


def test_tunnel_names_fit_and_never_collide() -> None:
    conn = sample_connection()
    got = tunnel_names(conn, Profile(name_prefix=conn.vpn_connection_id, tunnel_start=0))
    assert got == {1: "vpn-e5f60718-0", 2: "vpn-e5f60718-1"}
    long = tunnel_names(conn, Profile(name_prefix="branch-office-frankfurt", tunnel_start=65534))
    assert all(len(n) <= names.NAME_MAX for n in long.values()) and long[1] != long[2]
    # two connections whose prefixes share the first 13 characters (issue: aws-prod-useast1 / 2)
    a = tunnel_names(conn, Profile(name_prefix="aws-prod-useast1"))
    b = tunnel_names(conn, Profile(name_prefix="aws-prod-useast2"))
    assert not set(a.values()) & set(b.values()) and all(len(n) <= names.NAME_MAX for n in [*a.values(), *b.values()])
    assert a[1].startswith("aws-prod-") and a[1].endswith("-0")
    assert a == tunnel_names(conn, Profile(name_prefix="aws-prod-useast1"))  # deterministic
    old = replace(conn, vpn_connection_id="vpn-44a8938f")
    assert tunnel_names(old, Profile(name_prefix="vpn-44a8938f"))[1] == "vpn-44a8938f-0"


def test_every_value_of_every_list_is_written_in_preference_order() -> None:
    text = compile_(VARIANTS["bgp-ikev2-gcm-multi"])
    assert "set proposal aes256gcm-prfsha256 aes256gcm-prfsha1 aes128-sha256 aes128-sha1" in text
    assert "set proposal aes256gcm aes128-sha256 aes128-sha1" in text
    # 24 does not exist in FortiOS: left out, and the output says so
    assert "set dhgrp 20 14\n" in text and "leaves out DH group 24" in text


def test_ikev1_drops_gcm_visibly_and_refuses_gcm_only() -> None:
    conn = sample_connection(encryption=(Encryption.AES128_GCM_16, Encryption.AES128))
    text = compile_(conn)
    assert "set proposal aes128-sha1\n" in text and "leaves out AES128-GCM-16" in text
    with pytest.raises(UnsupportedFeature, match="GCM in phase 1 only with IKEv2"):
        compile_(sample_connection(encryption=(Encryption.AES256_GCM_16,), esp_encryption=(Encryption.AES128,)))


def test_dh_groups_fortios_lacks_are_refused_when_nothing_is_left() -> None:
    with pytest.raises(UnsupportedFeature) as e:
        compile_(sample_connection(dh_groups=(22, 23, 24)))
    assert "IKE DH group 22, 23, 24" in str(e.value) and "PFS group 22, 23, 24" in str(e.value)


def test_static_without_remote_networks_is_refused() -> None:
    with pytest.raises(MissingValue, match="--remote-networks"):
        compile_(sample_connection(routing=Routing.STATIC), profile=Profile())


@pytest.mark.parametrize("psk,why", [("0xdeadbeefcafe", "0x"), ("abc", "characters"), ("what?is-this", "'?'"),
                                     ("tab\there", "control")])
def test_bad_psks_are_refused_without_showing_them(psk: str, why: str) -> None:
    conn = sample_connection()
    conn = replace(conn, tunnels=(replace(conn.tunnels[0], ike=replace(conn.tunnels[0].ike, psk=psk)),
                                  conn.tunnels[1]))
    with pytest.raises(UnsupportedFeature) as e:
        compile_(conn)
    assert why in str(e.value) and psk not in str(e.value)


def test_psk_quoting_round_trips() -> None:
    psk = 'we"ird\\key with spaces'
    assert quote(psk) == '"we\\"ird\\\\key with spaces"'
    conn = sample_connection()
    conn = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk=psk)) for t in conn.tunnels))
    dev = base.get("fortinet").read(compile_(conn))
    assert [d.get("ike.psk").value for d in dev.tunnels] == [psk, psk]


def test_interface_names_are_checked() -> None:
    with pytest.raises(UnsupportedFeature, match="outside interface name"):
        compile_(sample_connection(), profile=replace(PROFILE, outside_interface="port1 x"))


def test_output_is_deterministic_and_has_policies_for_both_tunnels() -> None:
    a, b = compile_(sample_connection()), compile_(sample_connection())
    assert a == b
    for name in ("vpn-e5f60718-0", "vpn-e5f60718-1"):
        assert f'set dstintf "{name}"' in a and f'set srcintf "{name}"' in a
    assert "<" not in a and "YOUR" not in a  # no placeholders: a complete config


def test_static_routes_tunnel2_has_higher_distance() -> None:
    text = compile_(VARIANTS["static-ikev1-classic"])
    block = text[text.index("config router static"):]
    assert block.index('set device "vpn-e5f60718-0"') < block.index("set distance 10")
    assert block.index('set device "vpn-e5f60718-1"') < block.index("set distance 20")


def test_bgp_customer_asn_differing_per_tunnel_uses_local_as() -> None:
    conn = sample_connection()
    t2 = conn.tunnels[1]
    conn = replace(conn, tunnels=(conn.tunnels[0], replace(t2, bgp=replace(t2.bgp, customer_asn=65001))))
    text = compile_(conn)
    assert "set as 65000" in text and "set local-as 65001" in text
    from vpncc.validate.compare import validate

    findings = validate(conn, "fortinet", text, profile=PROFILE).findings
    assert [f for f in findings if f.severity.value != "info" and f.category != "security"] == []


def test_accelerated_vpn_forces_nat_t_and_refuses_it_off() -> None:
    from vpncc.ir import ConnectionOptions

    conn = replace(sample_connection(), options=ConnectionOptions(acceleration=True))
    text = compile_(conn)
    assert text.count("set nattraversal forced") == 2 and "set nattraversal enable" not in text
    with pytest.raises(UnsupportedFeature, match="Accelerated VPN"):
        compile_(conn, profile=replace(PROFILE, nat_traversal=False))


def test_certificate_authentication_is_one_clear_refusal() -> None:
    conn = sample_connection()
    conn = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, auth="certificate", psk=None))
                                       for t in conn.tunnels))
    backend = base.get("fortinet")
    items = backend.unsupported(conn, PROFILE, base.RenderOptions())
    assert [i for i in items if "certificate authentication" in i and "authmethod signature" in i] == items
    assert len(items) == 2


def test_profile_zone_and_vrf_are_refused_not_ignored() -> None:
    with pytest.raises(UnsupportedFeature, match="profile zone 'aws'"):
        compile_(sample_connection(), profile=replace(PROFILE, zone="aws"))
    with pytest.raises(UnsupportedFeature, match="profile vrf '5'"):
        compile_(sample_connection(), profile=replace(PROFILE, vrf="5"))


def test_file_suite_that_cannot_negotiate_on_fortios_is_refused() -> None:
    # DH 22 exists at AWS but not in FortiOS; what is left (5) AWS does not accept in phase 1
    conn = sample_connection(dh_groups=(5, 22), pfs_groups=(2,))
    with pytest.raises(UnsupportedFeature, match="phase 1 DH groups 5, 22: FortiOS lacks 22"):
        compile_(conn, profile=FILE)
    assert "set dhgrp 20 19 14" in compile_(conn, profile=RECOMMENDED)
