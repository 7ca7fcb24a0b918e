"""schemas/pfsense-ipsec.xsd (XSD 1.1, written from pfSense's source): every output validates, and
broken variants are rejected for the right reason."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

xmlschema = pytest.importorskip("xmlschema", reason="test-only dependency: pip install xmlschema")

import vpncc  # noqa: E402
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing  # noqa: E402

from ...strategies import sample_connection  # noqa: E402
from .pfsense_helpers import BASE, PROFILE, ROOT  # noqa: E402

XSD = ROOT / "schemas" / "pfsense-ipsec.xsd"


@lru_cache(maxsize=1)
def schema():
    return xmlschema.XMLSchema11(str(XSD))


def errors(text: str) -> list[str]:
    return [str(e.reason or e) for e in schema().iter_errors(text)]


CONNS = {
    "bgp-v1": sample_connection(),
    "static-v1": sample_connection(routing=Routing.STATIC),
    "bgp-v2-gcm": sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16,),
                                    integrity=(Integrity.SHA2_384,), dh_groups=(20, 24)),
    "static-v2-multi": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                         encryption=(Encryption.AES256, Encryption.AES128),
                                         integrity=(Integrity.SHA2_256, Integrity.SHA1), dh_groups=(14, 2)),
}


@pytest.mark.parametrize("name", sorted(CONNS))
@pytest.mark.parametrize("fmt", ["xml", "merge"])
def test_outputs_validate(name: str, fmt: str) -> None:
    extra = {"base": str(BASE)} if fmt == "merge" else {}
    text = vpncc.compile(CONNS[name], "pfsense", PROFILE, format=fmt, extra=extra)
    assert errors(text) == []


def test_samples_and_base_validate() -> None:
    assert errors(BASE.read_text()) == []
    for p in sorted((ROOT / "samples").glob("*.txt")):
        assert errors(vpncc.compile(vpncc.parse(p), "pfsense", PROFILE)) == [], p.name


GOOD = vpncc.compile(CONNS["bgp-v1"], "pfsense", PROFILE)
GOOD_STATIC = vpncc.compile(CONNS["static-v1"], "pfsense", PROFILE)

# (description, text transformation, a word the error must mention)
NEGATIVE = [
    ("DH group 99 ($p1_dhgroups)", lambda t: t.replace("<dhgroup>2</dhgroup>", "<dhgroup>99</dhgroup>", 1), "dhgroup"),
    ("iketype ikev3", lambda t: t.replace("<iketype>ikev1</iketype>", "<iketype>ikev3</iketype>", 1), "iketype"),
    ("phase 1 DES ($p1_ealgos)", lambda t: t.replace("<name>aes</name>", "<name>des</name>", 1), "name"),
    ("AES keylen 100 (keysel)", lambda t: t.replace("<keylen>128</keylen>", "<keylen>100</keylen>", 1), "keylen"),
    ("AES keylen 64 (not AES's keysel)", lambda t: t.replace("<keylen>128</keylen>", "<keylen>64</keylen>", 1), "assert"),
    ("hash md5 ($p1_halgos)", lambda t: t.replace("<hash-algorithm>sha1<", "<hash-algorithm>md5<", 1), "hash-algorithm"),
    ("ESP hash hmac_md5 ($p2_halgos)", lambda t: t.replace(">hmac_sha1<", ">hmac_md5<", 1), "hash-algorithm-option"),
    ("PFS group 3", lambda t: t.replace("<pfsgroup>2</pfsgroup>", "<pfsgroup>3</pfsgroup>", 1), "pfsgroup"),
    ("P2 mode vti2", lambda t: t.replace("<mode>vti</mode>", "<mode>vti2</mode>", 1), "mode"),
    ("NAT-T off (pfSense has on|force)", lambda t: t.replace("<nat_traversal>on<", "<nat_traversal>off<", 1), "nat_traversal"),
    ("non-numeric lifetime", lambda t: t.replace("<lifetime>28800</lifetime>", "<lifetime>8h</lifetime>", 1), "lifetime"),
    ("missing encryption", lambda t: _cut(t, "<encryption>", "</encryption>"), "encryption"),
    ("missing remote gateway", lambda t: _cut(t, "<remote-gateway>", "</remote-gateway>"), "assert"),
    ("duplicate ikeid", lambda t: t.replace("<ikeid>2</ikeid>", "<ikeid>1</ikeid>", 1), "ikeid"),
    ("duplicate reqid", lambda t: t.replace("<reqid>2</reqid>", "<reqid>1</reqid>", 1), "reqid"),
    ("phase 2 of an unknown phase 1", lambda t: _nth_replace(t, "<ikeid>2</ikeid>", "<ikeid>7</ikeid>", 2), "phase2-ikeid"),
    ("ESP without hash for CBC", lambda t: t.replace("\t\t\t<hash-algorithm-option>hmac_sha1</hash-algorithm-option>\n", "", 1), "assert"),
    ("VTI with a network remote id", lambda t: t.replace("<type>address</type>", "<type>network</type>", 1), "assert"),
    ("a typo'd phase 1 field", lambda t: t.replace("<dpd_delay>", "<dpd_dealy>", 1).replace("</dpd_delay>", "</dpd_dealy>", 1), "dpd_dealy"),
    ("DPD delay without max failures", lambda t: _cut(t, "<dpd_maxfail>", "</dpd_maxfail>"), "assert"),
    ("empty pre-shared key", lambda t: t.replace("<pre-shared-key>Sample.Key_Tunnel1.a1b2c3d4e5f6g7h</pre-shared-key>",
                                                 "<pre-shared-key></pre-shared-key>"), "assert"),
    ("VTI interface ipsecX", lambda t: t.replace("<if>ipsec1</if>", "<if>ipsecX</if>"), "assert"),
    ("VTI MTU 10000 (interfaces.php 576..9000)", lambda t: t.replace("<mtu>1436</mtu>", "<mtu>10000</mtu>", 1), "assert"),
    ("VTI MSS 100", lambda t: t.replace("<mss>1419</mss>", "<mss>100</mss>", 1), "assert"),
    ("interface element name", lambda t: t.replace("<opt1>", "<vti1>").replace("</opt1>", "</vti1>"), "assert"),
    ("same VTI assigned twice", lambda t: t.replace("<if>ipsec2</if>", "<if>ipsec1</if>"), "assert"),
    ("VTI description over 25 chars", lambda t: t.replace("VPN_0A1B2C3D4E5F60718_T1]", "VPN_0A1B2C3D4E5F60718_TUNNEL1]"), "assert"),
    ("BGP ASN 0", lambda t: t.replace("<asnum>65000</asnum>", "<asnum>0</asnum>"), "asnum"),
    ("neighbor hold 70000", lambda t: t.replace("<timers_holdtime>30</timers_holdtime>", "<timers_holdtime>70000</timers_holdtime>", 1), "timers_holdtime"),
    ("package checkbox 'yes'", lambda t: t.replace("<enable>on</enable>", "<enable>yes</enable>", 1), "enable"),
    ("duplicate BGP neighbor", lambda t: t.replace("<peer>169.254.45.61</peer>", "<peer>169.254.44.41</peer>"), "neighbor-unique"),
    ("FRR network not a prefix", lambda t: t.replace("<distributeroutevalue>10.10.0.0/16<", "<distributeroutevalue>10.10.0.0<"), "distributeroutevalue"),
]

NEGATIVE_STATIC = [
    ("gateway name with a dash", lambda t: t.replace("<name>VPN_0A1B2C3D4E5F60718_T1</name>", "<name>VPN-T1</name>"), "name"),
    ("gateway group tier 9", lambda t: t.replace("_T2|2|address", "_T2|9|address"), "item"),
    ("gateway group trigger", lambda t: t.replace("<trigger>down</trigger>", "<trigger>sometimes</trigger>"), "trigger"),
    ("route network not a prefix", lambda t: t.replace("<network>10.0.0.0/16</network>", "<network>10.0.0.0</network>"), "network"),
    ("duplicate route", lambda t: t.replace("</route>", "</route>\n\t\t<route>\n\t\t\t<network>10.0.0.0/16</network>\n"
                                            "\t\t\t<gateway>X1</gateway>\n\t\t</route>", 1), "route-unique"),
    ("rule with two destinations", lambda t: t.replace("<address>10.0.0.0/16</address>", "<address>10.0.0.0/16</address><any></any>"), "assert"),
    ("rule type allow", lambda t: t.replace("<type>pass</type>", "<type>allow</type>"), "type"),
]


def _cut(text: str, start: str, end: str) -> str:
    i = text.index(start)
    j = text.index(end, i) + len(end)
    return text[:i] + text[j:]


def _nth_replace(text: str, old: str, new: str, n: int) -> str:
    idx = -1
    for _ in range(n):
        idx = text.index(old, idx + 1)
    return text[:idx] + new + text[idx + len(old):]


@pytest.mark.parametrize("case", NEGATIVE + NEGATIVE_STATIC, ids=[c[0] for c in NEGATIVE + NEGATIVE_STATIC])
def test_broken_variants_are_rejected(case) -> None:
    _, mutate, word = case
    good = GOOD_STATIC if case in NEGATIVE_STATIC else GOOD
    bad = mutate(good)
    assert bad != good, "mutation did not apply"
    errs = errors(bad)
    assert errs, "schema accepted a broken config"
    assert any(word in e for e in errs) or any(word in str(x) for x in schema().iter_errors(bad)), errs[:3]


def test_xsd_cites_its_sources() -> None:
    text = Path(XSD).read_text()
    for src in ("src/etc/inc/ipsec.inc", "vpn_ipsec_phase1.php", "vpn_ipsec_phase2.php", "interfaces.php",
                "xmlparse.inc", "frr_bgp_neighbors.xml", "frr_bgp.inc", "gwlb.inc"):
        assert src in text
