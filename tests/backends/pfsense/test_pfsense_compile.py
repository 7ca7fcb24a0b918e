"""pfSense compile: goldens, XML escaping, the Backup & Restore contract, refusals."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

import vpncc
from tests.conftest import sample_paths
from vpncc.backends import base
from vpncc.backends.pfsense.xmlwrite import escape, survives_pfsense, xml1_decode
from vpncc.errors import MissingValue, UnsupportedFeature, UsageError
from vpncc.ir import Encryption, IkeVersion, InsideV6, Integrity, Routing
from vpncc.profile import Profile

from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, ROOT, local_findings, to_php

VARIANTS = {
    "bgp-ikev1-classic": sample_connection(),
    "static-ikev1-classic": sample_connection(routing=Routing.STATIC),
    "bgp-ikev2-gcm-multi": sample_connection(
        ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16, Encryption.AES128),
        integrity=(Integrity.SHA2_256, Integrity.SHA1), dh_groups=(20, 14)),
    "static-ikev2-aes-both-pfs-multi": sample_connection(
        routing=Routing.STATIC, ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256, Encryption.AES128),
        integrity=(Integrity.SHA2_512,), dh_groups=(21, 14)),
    "bgp-ikev1-gcm-left-out": sample_connection(
        encryption=(Encryption.AES128, Encryption.AES128_GCM_16), esp_encryption=(Encryption.AES256_GCM_16,)),
}


def compile_(conn, profile=PROFILE, **kw) -> str:
    return vpncc.compile(conn, "pfsense", profile, **kw)


#: the existing goldens are the file's own suite (--crypto file); recommended ones are named so
FILE = replace(PROFILE, crypto="file")
RECOMMENDED = replace(PROFILE, crypto="recommended")


# -- goldens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden_variants(variant: str, golden) -> None:
    golden(f"pfsense/{variant}.xml", compile_(VARIANTS[variant], FILE))


@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
def test_golden_samples(sample: str, golden) -> None:
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    golden(f"pfsense/{Path(sample).stem}.xml", compile_(conn, FILE))


@pytest.mark.parametrize("sample", ["bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt"])
def test_golden_recommended(sample: str, golden) -> None:
    """--crypto recommended: the strongest suites AWS's default accepted set and pfSense share."""
    from vpncc.readers.aws_generic import read

    path = ROOT / "samples" / sample
    conn = read(path.read_text(encoding="utf-8"), str(path))
    text = compile_(conn, RECOMMENDED)
    golden(f"pfsense/recommended-{Path(sample).stem}.xml", text)
    assert "<dhgroup>2</dhgroup>" not in text and "<hash-algorithm>sha1</hash-algorithm>" not in text


@pytest.mark.parametrize("routing", ["bgp", "static"])
def test_golden_merge(routing: str, golden) -> None:
    conn = sample_connection(routing=Routing(routing))
    golden(f"pfsense/merge-{routing}.config.xml", compile_(conn, FILE, format="merge", extra={"base": str(BASE)}))


def test_every_sample_round_trips() -> None:
    from vpncc.readers.aws_generic import read

    b = base.get("pfsense")
    assert sample_paths(), "samples/ is empty"
    for path in sample_paths():
        conn = read(path.read_text(encoding="utf-8"), str(path))
        text = compile_(conn)
        assert local_findings(conn, PROFILE, b.read(text, "x.xml")) == set(), path.name


def test_output_is_deterministic() -> None:
    conn = VARIANTS["static-ikev2-aes-both-pfs-multi"]
    assert compile_(conn) == compile_(conn)
    assert compile_(conn, format="merge", extra={"base": str(BASE)}) == \
        compile_(conn, format="merge", extra={"base": BASE.read_text()})


# -- what Diagnostics > Backup & Restore does with it ------------------------------------------

def test_xml_is_restorable_as_the_ipsec_area() -> None:
    """backup.inc: stristr($data, "<ipsec>"); pfsense-utils.inc restore_config_section(): parse, take
    $xml['pfsense'] when present, then $xml['ipsec'] replaces the ipsec area."""
    text = compile_(VARIANTS["bgp-ikev1-classic"])
    assert "<ipsec>" in text
    parsed = to_php(text)
    area = parsed["pfsense"]["ipsec"]
    assert [p["ikeid"] for p in area["phase1"]] == ["1", "2"]
    assert [p["reqid"] for p in area["phase2"]] == ["1", "2"]
    assert {p["mode"] for p in area["phase2"]} == {"vti"}
    assert area["phase1"][0]["encryption"]["item"][0]["encryption-algorithm"] == {"name": "aes", "keylen": "128"}
    # the comment header is legal XML before the root element
    DET.fromstring(text.encode())


def test_vti_interface_names_follow_the_reqid() -> None:
    """ipsec_get_ifname(): pfSense 2.6+ names a VTI ipsec<reqid> (not ipsec<ikeid>000 as 2.4/2.5 did)."""
    root = ET.fromstring(compile_(VARIANTS["bgp-ikev1-classic"], profile=replace(PROFILE, ikeid_start=7)))
    reqids = [p.findtext("reqid") for p in root.iter("phase2")]
    assert [p.findtext("ikeid") for p in root.iter("phase1")] == ["7", "8"]
    assert [i.findtext("if") for i in root.find("interfaces")] == [f"ipsec{r}" for r in reqids]
    assert [i.findtext("mss") for i in root.find("interfaces")] == ["1419", "1419"]  # 1379 + 40


def test_notes_name_what_pfsense_cannot_carry() -> None:
    text = compile_(VARIANTS["bgp-ikev1-gcm-left-out"])
    assert "AES128-GCM-16 left out" in text
    text = compile_(VARIANTS["static-ikev2-aes-both-pfs-multi"])
    assert "PFS groups 14 left out" in text
    # AES256 and AES128 as two options in the given order: keylen "auto" would add AES192 too
    assert "<keylen>auto</keylen>" not in text
    assert text.index("<keylen>256</keylen>", text.index("<phase2>")) < text.index("<keylen>128</keylen>", text.index("<phase2>"))


def test_nat_traversal_profile() -> None:
    on = ET.fromstring(compile_(VARIANTS["bgp-ikev1-classic"]))
    force = ET.fromstring(compile_(VARIANTS["bgp-ikev1-classic"], profile=replace(PROFILE, nat_traversal=True)))
    assert {p.findtext("nat_traversal") for p in on.iter("phase1")} == {"on"}
    assert {p.findtext("nat_traversal") for p in force.iter("phase1")} == {"force"}


# -- escaping ---------------------------------------------------------------------------------

NASTY_PSK = 'Ab&c<d>e"f\'g.h_i&amp'


def _nasty():
    conn = sample_connection()
    t1 = conn.tunnels[0]
    tunnels = (replace(t1, ike=replace(t1.ike, psk=NASTY_PSK)),) + conn.tunnels[1:]
    return replace(conn, tunnels=tunnels, vpn_connection_id='vpn-<x> & "y" \'z\' ]]> --')


def test_escaping_psk_and_descriptions() -> None:
    text = compile_(_nasty())
    root = DET.fromstring(text.encode())
    p1 = root.find("ipsec/phase1")
    assert p1.findtext("pre-shared-key") == NASTY_PSK
    raw_line = next(line for line in text.splitlines() if "<pre-shared-key>" in line)
    assert raw_line.strip() == "<pre-shared-key>Ab&amp;c&lt;d&gt;e&quot;f&apos;g.h_i&amp;amp</pre-shared-key>"
    # descr is CDATA around htmlentities() text, like dump_xml_config_sub(); pfSense decodes once more
    descr = p1.findtext("descr")
    assert "]]>" not in descr and xml1_decode(descr) == 'AWS vpn-<x> & "y" \'z\' ]]> -- tunnel 1'
    # what pfSense itself reads back (xmlparse.inc cData(): html_entity_decode after parsing)
    assert to_php(text)["pfsense"]["ipsec"]["phase1"][0]["pre-shared-key"] == NASTY_PSK
    # and vpncc's reader agrees
    dc = base.get("pfsense").read(text, "x.xml")
    assert dc.tunnels[0].get("ike.psk").value == NASTY_PSK


def test_psk_pfsense_would_alter_is_refused() -> None:
    for bad in ("Xq7&amp;Zz", "Xq7&#38;Zz", " Xq7Lead", "Xq7Trail ", "Xq7Nl\n", "Xq7\x07Bel", "Xq7\tTab",
                "Xq7\nInner"):
        conn = sample_connection()
        t1 = conn.tunnels[0]
        conn = replace(conn, tunnels=(replace(t1, ike=replace(t1.ike, psk=bad)),) + conn.tunnels[1:])
        with pytest.raises(UnsupportedFeature) as e:
            compile_(conn)
        assert bad not in str(e.value)  # never print a key


def test_escape_helpers() -> None:
    assert escape("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;"
    assert xml1_decode("&amp;lt; &#65;&#x42; &nbsp;") == "&lt; AB &nbsp;"
    assert survives_pfsense("a&b <c> 'd'") and not survives_pfsense("a&amp;b")
    assert not survives_pfsense("a\nb") and not survives_pfsense("a\tb")
    with pytest.raises(ValueError):
        escape("bell\x07")


# -- refusals ---------------------------------------------------------------------------------

def test_static_without_remote_networks() -> None:
    with pytest.raises(MissingValue, match="--remote-networks"):
        compile_(sample_connection(routing=Routing.STATIC), profile=Profile())


def test_merge_without_base() -> None:
    with pytest.raises(UsageError, match="--base"):
        compile_(sample_connection(), format="merge")


def test_unsupported_items() -> None:
    b = base.get("pfsense")
    gcm_v1 = sample_connection(encryption=(Encryption.AES128_GCM_16,), esp_encryption=(Encryption.AES128,))
    v6 = sample_connection(ipv6=True)
    tiny = replace(sample_connection(), tunnels=tuple(replace(t, mtu=500, tcp_mss=400)
                                                      for t in sample_connection().tunnels))
    for conn, want in ((gcm_v1, "AES-GCM in phase 1 only with IKEv2"), (v6, "IPv6 inside"),
                       (tiny, "MTU 500")):
        with pytest.raises(UnsupportedFeature, match=re.escape(want)):
            compile_(conn)
    assert b.unsupported(tiny, PROFILE, base.RenderOptions())[-1].startswith("tunnel 2: TCP MSS 400")
    with pytest.raises(UnsupportedFeature, match="outside_interface"):
        compile_(sample_connection(), profile=replace(PROFILE, outside_interface="em0.100 x"))


def test_inside_v6_capability_declared() -> None:
    assert base.get("pfsense").capabilities.ipv6_inside is False
    assert isinstance(sample_connection(ipv6=True).tunnels[0].inside_ipv6, InsideV6)


# -- the AWS pfSense guide (GUI steps) as an expected-values check ------------------------------

GUIDE = "vendor/pfsense/awsdocs-nag-pfSense-static.extracted.txt"


def _guide_values(text: str) -> list[dict[str, str]]:
    """Each tunnel's 'a. Label : value' GUI steps, keyed by section/label."""
    tunnels: list[dict[str, str]] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("Go to VPN-->IPSec"):
            tunnels.append({})
            section = "p1"
        elif line.startswith("Expand the VPN configuration"):
            section = "p2"
        m = re.match(r"^\s*[a-z]\.\s*([^:]+?)\s*:\s*(.*?)\s*$", line)
        if m and tunnels:
            tunnels[-1][f"{section}/{m.group(1).lower()}"] = m.group(2)
        m = re.match(r"^\s*(Delay between requesting peer acknowledgement|Number of consecutive failures"
                     r" allowed before disconnect)\s*:\s*(\d+)", line)
        if m and tunnels:
            tunnels[-1][f"{section}/{m.group(1).split()[0].lower()}"] = m.group(2)
    return tunnels


def test_aws_pfsense_guide_values(shared: Path) -> None:
    guide = _guide_values((shared / "corpus" / GUIDE).read_text(encoding="utf-8"))
    assert len(guide) == 2
    conn = sample_connection(routing=Routing.STATIC)  # AES128/SHA1/group 2/28800/3600/DPD 10x3
    root = ET.fromstring(compile_(conn))
    p1s, p2s = root.findall("ipsec/phase1"), root.findall("ipsec/phase2")
    # GUI label -> config.xml value (vpn_ipsec_phase1.php / vpn_ipsec_phase2.php option values)
    gui = {"V1": "ikev1", "IPv4": "inet", "WAN": "wan", "Mutual PSK": "pre_shared_key", "Main": "main",
           "Peer IP address": "peeraddress", "Auto": "on", "ESP": "esp"}
    for g, p1, p2 in zip(guide, p1s, p2s, strict=False):
        assert p1.findtext("iketype") == gui[g["p1/key exchange version"]]
        assert p1.findtext("protocol") == gui[g["p1/internet protocol"]]
        assert p1.findtext("interface") == gui[g["p1/interface"]]
        assert p1.findtext("authentication_method") == gui[g["p1/authentication method"]]
        assert p1.findtext("mode") == gui[g["p1/negotiation mode"]]
        assert p1.findtext("peerid_type") == gui[g["p1/peer identifier"]]
        # the guide picks "My IP address"; vpncc names the same address explicitly so it also holds behind NAT
        assert g["p1/my identifier"] == "My IP address"
        assert (p1.findtext("myid_type"), p1.findtext("myid_data")) == ("address", "192.0.2.10")
        item = p1.find("encryption/item")
        ealg = item.findtext("encryption-algorithm/name") + item.findtext("encryption-algorithm/keylen")
        assert ealg == g["p1/encryption algorithm"]
        assert item.findtext("hash-algorithm") == g["p1/hash algorithm"]
        assert item.findtext("dhgroup") == g["p1/dh key group"]
        assert p1.findtext("lifetime") == g["p1/lifetime"].split()[0]
        assert p1.findtext("nat_traversal") == gui[g["p1/nat traversal"]]
        assert g["p1/deed peer detection"] == "Enable DPD"
        assert p1.findtext("dpd_delay") == g["p1/delay"]
        assert p1.findtext("dpd_maxfail") == g["p1/number"]
        assert p2.findtext("protocol") == gui[g["p2/protocol"]]
        opt = p2.find("encryption-algorithm-option")
        assert opt.findtext("name") + opt.findtext("keylen") == g["p2/encryption algorigthms"]
        assert p2.findtext("hash-algorithm-option") == "hmac_" + g["p2/hash algorithms"]
        assert p2.findtext("pfsgroup") == g["p2/pfs key group"]
        assert p2.findtext("lifetime") == g["p2/lifetime"].split()[0]
        # the one deliberate difference: the guide builds a policy-based (tunnel mode) phase 2,
        # vpncc a route-based one (VTI) so BGP and failover work
        assert g["p2/mode"] == "Tunnel" and p2.findtext("mode") == "vti"
