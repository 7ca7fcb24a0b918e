"""Reading pfSense config.xml: semantics, disabled entries, encoded fields, wrong input, speed."""

from __future__ import annotations

import base64
import ipaddress
import re
import time
from dataclasses import replace

import pytest

import vpncc
from vpncc.backends import base
from vpncc.backends.pfsense import xmlread
from vpncc.errors import InputError
from vpncc.ir import Encryption, IkeVersion, Integrity, NegotiationMode, Routing
from vpncc.validate.negotiation import Proposal

from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, apply_php, from_php, local_findings, to_php

B = base.get("pfsense")
BASE_TEXT = BASE.read_text(encoding="utf-8")


def read(text: str):
    return B.read(text, "config.xml")


def values(t) -> dict:
    """Observed values; proposals without their line numbers (re-serialized text moves them)."""
    def plain(v):
        if isinstance(v, tuple) and v and isinstance(v[0], Proposal):
            return tuple(replace(p, line=None) for p in v)
        return v
    return {k: plain(v.value) for k, v in t.values.items()}


def compile_(conn, **kw) -> str:
    return vpncc.compile(conn, "pfsense", PROFILE, **kw)


def _line(text: str, needle: str, after: int = 0) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if i > after and needle in line:
            return i
    raise AssertionError(needle)


# -- a realistic backup -----------------------------------------------------------------------

def test_base_config_tunnels() -> None:
    dc = read(BASE_TEXT)
    vti, partner = dc.tunnels
    v = values(vti)
    assert v["outside.aws"] == ipaddress.IPv4Address("203.0.113.200")
    # myid "My IP address": the WAN interface's static address (get_interface_ip())
    assert v["outside.customer"] == ipaddress.IPv4Address("192.0.2.10")
    assert v["ike.psk"] == 'Br4nch&Office<Key>"2024"'
    assert v["ike.version"] is IkeVersion.IKEV2 and "ike.mode" not in v
    assert v["ike.encryption"] == (Encryption.AES256,) and v["ike.integrity"] == (Integrity.SHA2_256,)
    assert v["ipsec.encryption"] == (Encryption.AES256_GCM_16,) and v["ipsec.integrity"] == ()
    assert v["ipsec.pfs_groups"] == (14,) and v["dpd.retries"] == 5
    assert v["inside.customer"] == ipaddress.IPv4Interface("10.99.0.1/30")
    assert v["mtu"] == 1400 and "tcp_mss" not in v and v["enabled"] is True
    p = values(partner)
    assert p["enabled"] is False
    assert partner.get("enabled").line == _line(BASE_TEXT, "<disabled></disabled>", _line(BASE_TEXT, "<ikeid>3</ikeid>"))
    assert p["static_routes"] == (ipaddress.IPv4Network("10.60.0.0/16"),)  # policy-based P2 remote network
    assert p["ike.mode"] is NegotiationMode.MAIN
    assert [n["neighbor"].value for n in dc.bgp_neighbors] == [ipaddress.IPv4Address("10.99.0.2")]


def test_obs_lines_point_at_the_elements() -> None:
    text = compile_(sample_connection())
    t1 = read(text).tunnels[0]
    p1 = _line(text, "<phase1>")
    assert t1.line == p1
    assert t1.get("ike.lifetime_s").line == _line(text, "<lifetime>28800</lifetime>", p1)
    assert t1.get("ipsec.pfs_groups").line == _line(text, "<pfsgroup>", _line(text, "<phase2>"))
    assert t1.get("mtu").line == _line(text, "<mtu>1436</mtu>")
    assert t1.get("tcp_mss").line == _line(text, "<mss>1419</mss>")
    assert t1.get("ike.psk").line == _line(text, "<pre-shared-key>")


def test_any_order_any_ikeid() -> None:
    """Entries are found by peer address: reverse their order and renumber ikeids/reqids."""
    conn = sample_connection(routing=Routing.STATIC)
    php = to_php(compile_(conn))
    ipsec = php["pfsense"]["ipsec"]
    ren = {"1": "41", "2": "17"}
    for p in ipsec["phase1"] + ipsec["phase2"]:
        p["ikeid"] = ren[p["ikeid"]]
    for p, r in zip(ipsec["phase2"], ("9", "5"), strict=False):
        p["reqid"] = r
    for i, r in zip(("opt1", "opt2"), ("9", "5"), strict=False):
        php["pfsense"]["interfaces"][i]["if"] = f"ipsec{r}"
    ipsec["phase1"].reverse()
    ipsec["phase2"].reverse()
    assert local_findings(conn, PROFILE, read(from_php(php))) == set()


@pytest.mark.parametrize("where", ["phase1", "phase2", "interface", "neighbor", "frr", "bgp"])
def test_disabled_anywhere_reads_as_disabled(where: str) -> None:
    conn = sample_connection()
    php = to_php(compile_(conn))
    cfg = php["pfsense"]
    if where == "phase1":
        cfg["ipsec"]["phase1"][0]["disabled"] = ""
    elif where == "phase2":
        cfg["ipsec"]["phase2"][0]["disabled"] = ""
    elif where == "interface":
        del cfg["interfaces"]["opt1"]["enable"]
    elif where == "neighbor":
        cfg["installedpackages"]["frrbgpneighbors"]["config"][0]["shutdown"] = "on"
    elif where == "frr":
        cfg["installedpackages"]["frr"]["config"][0]["enable"] = ""   # unticked package checkbox
    else:
        del cfg["installedpackages"]["frrbgp"]["config"][0]["enable"]
    found = local_findings(conn, PROFILE, read(from_php(php)))
    if where in ("phase1", "phase2", "interface"):
        assert found == {(1, "enabled")}
    elif where == "neighbor":
        assert found == {(1, "bgp.enabled")}
    else:
        assert found == {(1, "bgp.enabled"), (2, "bgp.enabled")}


def test_frr_raw_bgpd_config_is_base64() -> None:
    """frr_generate_config_bgp(): a stored raw bgpd config (base64) replaces the GUI sections."""
    conn = sample_connection()
    php = to_php(compile_(conn))
    raw = ("router bgp 65000\n bgp router-id 169.254.44.42\n neighbor 169.254.44.41 remote-as 64512\n"
           " neighbor 169.254.44.41 timers 10 30\n neighbor 169.254.45.61 remote-as 64999\n"
           " neighbor 169.254.45.61 timers 10 30\n neighbor 169.254.45.61 shutdown\n")
    php["pfsense"]["installedpackages"]["frrglobalraw"] = {"config": [{"bgpd": base64.b64encode(raw.encode()).decode()}]}
    dc = read(from_php(php))
    nbs = {str(n["neighbor"].value): {k: o.value for k, o in n.items()} for n in dc.bgp_neighbors}
    assert nbs["169.254.44.41"] == {"neighbor": ipaddress.IPv4Address("169.254.44.41"), "aws_asn": 64512,
                                    "customer_asn": 65000, "hold_time_s": 30, "enabled": True,
                                    "outbound_filter": False}
    assert nbs["169.254.45.61"]["aws_asn"] == 64999 and nbs["169.254.45.61"]["enabled"] is False
    assert any("raw bgpd" in n.message for n in dc.notes)


def test_neighbor_defaults_and_peer_groups() -> None:
    conn = sample_connection()
    php = to_php(compile_(conn))
    nbs = php["pfsense"]["installedpackages"]["frrbgpneighbors"]["config"]
    for k in ("timers_keepalive", "timers_holdtime", "asnum"):
        del nbs[0][k]
    nbs[0]["peergroup"] = "AWS"
    nbs.append({"peer": "AWS", "asnum": "64512"})
    dc = read(from_php(php))
    n = next(n for n in dc.bgp_neighbors if str(n["neighbor"].value) == "169.254.44.41")
    assert n["aws_asn"].value == 64512          # inherited from the peer group
    assert n["hold_time_s"].value == 180        # FRR's default when no timers are set


def test_unassigned_vti_has_the_if_ipsec_default_mtu() -> None:
    php = to_php(compile_(sample_connection()))
    del php["pfsense"]["interfaces"]["opt2"]
    dc = read(from_php(php))
    t2 = values(dc.tunnels[1])
    assert t2["mtu"] == 1400 and "tcp_mss" not in t2
    assert any("ipsec2 is not assigned" in n.message for n in dc.notes)


def test_pre_2_6_vtimaps_numbering() -> None:
    """pfSense 2.4/2.5 named VTIs ipsec<ifnum> from <ipsec><vtimaps> (get_ipsecifnum())."""
    php = to_php(compile_(sample_connection()))
    cfg = php["pfsense"]
    cfg["ipsec"]["vtimaps"] = {"item": [{"reqid": "1", "index": "0", "ifnum": "1000"},
                                        {"reqid": "2", "index": "0", "ifnum": "2000"}]}
    cfg["interfaces"]["opt1"]["if"], cfg["interfaces"]["opt2"]["if"] = "ipsec1000", "ipsec2000"
    cfg["interfaces"]["opt2"]["mtu"] = "1400"
    dc = read(from_php(php))
    assert [values(t)["mtu"] for t in dc.tunnels] == [1436, 1400]
    assert [values(t)["tcp_mss"] for t in dc.tunnels] == [1379, 1379]


def test_static_route_through_the_automatic_vti_gateway() -> None:
    """Without a configured gateway pfSense adds <DESCR>_VTIV4 for each VTI (gwlb.inc)."""
    conn = sample_connection(routing=Routing.STATIC)
    php = to_php(compile_(conn))
    cfg = php["pfsense"]
    del cfg["gateways"], cfg["filter"]
    cfg["staticroutes"]["route"][0]["gateway"] = "VPN_0A1B2C3D4E5F60718_T2_VTIV4"
    dc = read(from_php(php))
    assert values(dc.tunnels[1])["static_routes"] == (ipaddress.IPv4Network("10.0.0.0/16"),)
    assert "static_routes" not in values(dc.tunnels[0])


def test_dynamic_wan_identity_is_unverifiable() -> None:
    text = BASE_TEXT.replace("<ipaddr>192.0.2.10</ipaddr>", "<ipaddr>dhcp</ipaddr>")
    t = read(text).tunnels[0]
    assert t.get("outside.customer").verifiable is False


def test_keylen_auto_and_gcm_only() -> None:
    conn = sample_connection(ike_version=IkeVersion.IKEV2, esp_encryption=(Encryption.AES256, Encryption.AES128))
    t = values(read(compile_(conn)).tunnels[0])
    # keylen "auto" is every AES key length, 192 included (ipsec_setup_tunnels() expands keysel)
    assert set(t["ipsec.encryption"]) <= {Encryption.AES256, Encryption.AES192, Encryption.AES128}
    assert {Encryption.AES256, Encryption.AES128} <= set(t["ipsec.encryption"])
    conn = sample_connection(ike_version=IkeVersion.IKEV2, esp_encryption=(Encryption.AES128_GCM_16,))
    assert values(read(compile_(conn)).tunnels[0])["ipsec.integrity"] == ()


def test_ipsec_area_backup_is_readable() -> None:
    """Diagnostics > Backup & Restore, area IPSEC, downloads a file whose root is <ipsec>."""
    text = compile_(sample_connection())
    area = "<ipsec>" + text.split("<ipsec>", 1)[1].split("</ipsec>", 1)[0] + "</ipsec>\n"
    dc = read(area)
    assert len(dc.tunnels) == 2 and values(dc.tunnels[0])["ike.lifetime_s"] == 28800


def test_mobile_auto_and_certificate_entries_become_notes() -> None:
    php = to_php(BASE_TEXT)
    p1 = php["pfsense"]["ipsec"]["phase1"]
    p1[0]["iketype"] = "auto"
    p1[1]["authentication_method"] = "cert"
    p1.append({"ikeid": "9", "mobile": "", "encryption": {"item": []}, "authentication_method": "eap-mschapv2"})
    dc = read(from_php(php))
    msgs = " | ".join(n.message for n in dc.notes)
    assert "'auto'" in msgs and "'cert'" in msgs and "mobile clients" in msgs
    assert "ike.psk" not in values(dc.tunnels[1])


# -- wrong input ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,msg", [
    ("", "empty"),
    ("   \n", "empty"),
    ("---- BEGIN config.xml ----\nU2FsdGVkX18=\n---- END config.xml ----\n", "encrypted pfSense backup"),
    ("crypto isakmp policy 10\n encr aes\n", "Cisco IOS"),
    ("set security ike proposal p1 authentication-method pre-shared-keys\n", "Juniper"),
    ("config vpn ipsec phase1-interface\n edit x\n next\nend\n", "FortiGate"),
    ("connections {\n a {\n }\n}\n", "strongSwan"),
    ("Amazon Web Services\nVirtual Private Cloud\n", "AWS generic VPN configuration"),
    ("<opnsense><ipsec/></opnsense>", "OPNsense"),
    ('<?xml version="1.0"?><vpn_connection id="vpn-1"></vpn_connection>', "AWS's XML"),
    ("<config><x/></config>", "root element <config>"),
])
def test_wrong_input_is_refused_clearly(text: str, msg: str) -> None:
    with pytest.raises(InputError, match=re.escape(msg)):
        read(text)


def test_malformed_xml_reports_the_line() -> None:
    text = compile_(sample_connection())
    broken = text.replace("</dpd_maxfail>", "</dpd_maxfial>", 1)
    with pytest.raises(InputError) as e:
        read(broken)
    assert e.value.line == _line(broken, "</dpd_maxfial>")
    assert "mismatched tag" in str(e.value)


def test_malformed_xml_never_shows_the_key() -> None:
    text = compile_(sample_connection()).replace("</pre-shared-key>", "</pre-shared-kye>", 1)
    with pytest.raises(InputError) as e:
        read(text)
    assert "Sample.Key_Tunnel1" not in str(e.value)


def test_entity_expansion_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE pfsense [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            "<pfsense><ipsec><phase1><descr>&b;</descr></phase1></ipsec></pfsense>")
    with pytest.raises(InputError, match="DTD"):
        read(bomb)


def test_odd_markup_falls_back_to_a_full_parse() -> None:
    """Raw '<' in CDATA (not what pfSense writes) defeats markup counting; the exact pass takes over."""
    odd = BASE_TEXT.replace("Web server &lt;dmz&gt;", "Web server <dmz>").replace("<!-- ", "<!-- <x> ")
    assert xmlread._tops_fast(odd.encode(), xmlread.Node("pfsense", 2, odd.index("<pfsense>")),
                              ["ipsec"]) is None
    a, b = read(BASE_TEXT), read(odd)
    assert [values(t) for t in a.tunnels] == [values(t) for t in b.tunnels]
    assert [t.line for t in a.tunnels] == [t.line for t in b.tunnels]


# -- speed ------------------------------------------------------------------------------------

def _big(target: int) -> str:
    merged = compile_(sample_connection(routing=Routing.STATIC), format="merge", extra={"base": str(BASE)})
    parts, size, i = [], len(merged), 0
    while size < target:
        i += 1
        r = (f"\t\t<rule>\n\t\t\t<id></id>\n\t\t\t<tracker>{1600000000 + i}</tracker>\n\t\t\t<type>pass</type>\n"
             f"\t\t\t<interface>opt1</interface>\n\t\t\t<ipprotocol>inet</ipprotocol>\n\t\t\t<protocol>tcp</protocol>\n"
             f"\t\t\t<source>\n\t\t\t\t<address>192.168.50.{i % 250}</address>\n\t\t\t</source>\n"
             f"\t\t\t<destination>\n\t\t\t\t<address>10.{i % 250}.{i % 200}.0/24</address>\n"
             f"\t\t\t\t<port>{1000 + i % 5000}</port>\n\t\t\t</destination>\n"
             f"\t\t\t<descr><![CDATA[generated rule {i} &amp; more]]></descr>\n\t\t</rule>\n")
        parts.append(r)
        size += len(r)
    return merged.replace("\t\t<separator>", "".join(parts) + "\t\t<separator>", 1)


def _best_of(n: int, fn) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def test_20mb_config_is_read_correctly() -> None:
    text = _big(20_000_000)
    assert len(text.encode()) >= 20_000_000
    conn = sample_connection(routing=Routing.STATIC)
    dc = read(text)
    assert local_findings(conn, PROFILE, dc) == set()
    assert dc.first_rule["lan"] == 3
    # speed is measured in benchmarks/run.py, not asserted here


def test_100k_line_config_is_read_correctly() -> None:
    text = _big(2_500_000)
    lines = text.count("\n")
    assert lines >= 100_000
    dc = read(text)
    assert local_findings(sample_connection(routing=Routing.STATIC), PROFILE, dc) == set()
    # speed is measured in benchmarks/run.py, not asserted here


def test_remediation_round_trip_helper_sanity() -> None:
    """The PHP applier used by the remediation tests round-trips a config unchanged in meaning."""
    text = compile_(sample_connection())
    again = apply_php(text, "")
    assert [values(t) for t in read(text).tunnels] == [values(t) for t in read(again).tunnels]
    assert replace(sample_connection()).tunnels[0].mtu == 1436
