"""--format merge: the user's config.xml with the connection spliced in, nothing else touched."""

from __future__ import annotations

import difflib
import ipaddress
import re
from dataclasses import replace

import pytest

import vpncc
from vpncc.backends import base
from vpncc.errors import InputError
from vpncc.ir import Routing

from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, local_findings, plain_values, to_php

BASE_TEXT = BASE.read_text(encoding="utf-8")


def merge(conn, base_text=BASE_TEXT, profile=PROFILE) -> str:
    return vpncc.compile(conn, "pfsense", profile, format="merge", extra={"base": base_text})


def _opcodes(a: str, b: str) -> set[str]:
    sm = difflib.SequenceMatcher(a=a.splitlines(), b=b.splitlines(), autojunk=False)
    return {op for op, *_ in sm.get_opcodes()}


@pytest.mark.parametrize("routing", list(Routing))
def test_merge_only_inserts(routing: Routing) -> None:
    out = merge(sample_connection(routing=routing))
    assert _opcodes(BASE_TEXT, out) == {"equal", "insert"}
    # every base line survives, in order, byte for byte
    it = iter(out.splitlines())
    assert all(any(line == o for o in it) for line in BASE_TEXT.splitlines())


@pytest.mark.parametrize("routing", list(Routing))
def test_merge_result_reads_clean_and_keeps_the_other_tunnels(routing: Routing) -> None:
    b = base.get("pfsense")
    conn = sample_connection(routing=routing)
    out = merge(conn)
    dev = b.read(out, "config.xml")
    assert local_findings(conn, PROFILE, dev) == set()
    before = {t.name: plain_values(t) for t in b.read(BASE_TEXT, "base").tunnels}
    after = {t.name: plain_values(t) for t in dev.tunnels}
    for name, values in before.items():
        assert after[name] == values, name
    assert before["phase1 ikeid 1 (Branch office (VTI))"]["ike.psk"] == 'Br4nch&Office<Key>"2024"'
    report = vpncc.validate(conn, "pfsense", out, profile=PROFILE, path="config.xml")
    # notes about the unrelated tunnels only (security findings, VPN5xx, are judged on their own)
    assert {f.rule for f in report.findings if f.category == "compliance"} <= {"VPN901"}


def test_merge_picks_the_next_free_ids() -> None:
    """ipsec_ikeid_next()/ipsec_new_reqid(): lowest unused; interfaces_assign.php: lowest free optN;
    a reqid whose ipsecN is still assigned is skipped too."""
    out = merge(sample_connection())
    php = to_php(out)["pfsense"]
    p1 = [p["ikeid"] for p in php["ipsec"]["phase1"]]
    p2 = [(p["ikeid"], p["reqid"]) for p in php["ipsec"]["phase2"]]
    assert p1 == ["1", "3", "2", "4"]
    assert p2 == [("1", "1"), ("3", "2"), ("2", "3"), ("4", "4")]
    assert php["interfaces"]["opt3"]["if"] == "ipsec3" and php["interfaces"]["opt5"]["if"] == "ipsec4"
    assert len({p["uniqid"] for p in php["ipsec"]["phase2"]}) == 4
    stale = BASE_TEXT.replace("<if>igb3</if>", "<if>ipsec3</if>")
    php = to_php(merge(sample_connection(), stale))["pfsense"]
    assert [p["reqid"] for p in php["ipsec"]["phase2"]][2:] == ["4", "5"]


def test_merge_bgp_reuses_the_frr_configuration() -> None:
    php = to_php(merge(sample_connection()))["pfsense"]["installedpackages"]
    assert php["frr"]["config"][0]["password"] == "FrrMasterPw"
    bgp = php["frrbgp"]["config"][0]
    assert bgp["asnum"] == "65000" and len(bgp["row"]) == 1  # 10.10.0.0/16 already advertised
    assert [n["peer"] for n in php["frrbgpneighbors"]["config"]] == ["10.99.0.2", "169.254.44.41", "169.254.45.61"]
    # FRR's ebgp-requires-policy stays on (no device-wide "Disable eBGP Require Policy"): the new neighbors
    # carry an inbound and an outbound prefix list, added to the package's prefix lists
    assert "frrbgpadvanced" not in php or "disableebgprequirepolicy" not in php["frrbgpadvanced"]["config"][0]
    new = php["frrbgpneighbors"]["config"][1:]
    assert all(n["prefixfilter_in"] and n["prefixfilter_out"] and n["maximumprefix_num"] == "1000" for n in new)
    defined = {c["name"] for c in php["frrglobalprefixes"]["config"]}
    assert {n["prefixfilter_out"] for n in new} | {n["prefixfilter_in"] for n in new} <= defined


def test_merge_bgp_enables_a_disabled_frr_and_adds_missing_pieces() -> None:
    text = BASE_TEXT.replace("<enable>on</enable>\n\t\t\t\t<password>", "<password>")
    text = text.replace("\t\t\t\t<routerid>10.10.0.1</routerid>\n\t\t\t\t<timers_keepalive>", "\t\t\t\t<timers_keepalive>")
    out = merge(sample_connection(), text)
    assert _opcodes(text, out) == {"equal", "insert"}
    php = to_php(out)["pfsense"]["installedpackages"]
    assert php["frr"]["config"][0]["enable"] == "on"
    assert php["frrbgp"]["config"][0]["routerid"] == "169.254.44.42"


def test_merge_static_policy_rule_goes_before_the_lan_rules() -> None:
    php = to_php(merge(sample_connection(routing=Routing.STATIC)))["pfsense"]
    rules = php["filter"]["rule"]
    lan = [r for r in rules if r.get("interface") == "lan"]
    assert lan[0]["gateway"] == "VPN_0A1B2C3D4E5F60718_GW"
    assert lan[1]["descr"] == "Default allow LAN to any rule"
    assert [r["network"] for r in php["staticroutes"]["route"]] == ["172.16.0.0/12", "10.0.0.0/16"]
    assert [g["name"] for g in php["gateways"]["gateway_item"]][-2:] == ["VPN_0A1B2C3D4E5F60718_T1",
                                                                        "VPN_0A1B2C3D4E5F60718_T2"]
    assert php["gateways"]["defaultgw4"] == "WANGW"


MINIMAL = '<?xml version="1.0"?>\n<pfsense>\n\t<version>22.2</version>\n\t<interfaces>\n\t\t<wan>\n\t\t\t<if>em0</if>\n\t\t</wan>\n\t</interfaces>\n{extra}</pfsense>\n'


@pytest.mark.parametrize("extra", ["", "\t<ipsec></ipsec>\n\t<staticroutes/>\n", "\t<ipsec/>\n\t<gateways></gateways>\n"])
@pytest.mark.parametrize("routing", list(Routing))
def test_merge_into_sparse_configs(extra: str, routing: Routing) -> None:
    text = MINIMAL.format(extra=extra)
    conn = sample_connection(routing=routing)
    out = merge(conn, text)
    dev = base.get("pfsense").read(out, "config.xml")
    assert local_findings(conn, PROFILE, dev) == set()
    assert "the FRR package is not installed" in out or routing is Routing.STATIC


def test_merge_twice_is_refused_not_duplicated() -> None:
    once = merge(sample_connection())
    with pytest.raises(InputError, match=r"already has a phase 1 to 198\.51\.100\.7 \(ikeid 2\)") as e:
        merge(sample_connection(), once)
    assert e.value.line is not None


def test_merge_refusals() -> None:
    conn = sample_connection()
    other_asn = replace(conn, tunnels=tuple(replace(t, bgp=replace(t.bgp, customer_asn=65099)) for t in conn.tunnels))
    with pytest.raises(InputError, match="runs AS 65000"):
        merge(other_asn)
    dup_route = replace(PROFILE, remote_networks=[*PROFILE.remote_networks, ipaddress.IPv4Network("172.16.0.0/12")])
    with pytest.raises(InputError, match="static route to 172.16.0.0/12"):
        merge(sample_connection(routing=Routing.STATIC), profile=dup_route)
    with pytest.raises(InputError, match="2.5 or older"):
        merge(conn, BASE_TEXT.replace("<version>23.3</version>", "<version>21.7</version>"))
    with pytest.raises(InputError, match="encrypted"):
        merge(conn, "---- BEGIN config.xml ----\nU2FsdGVkX1+abc\n---- END config.xml ----\n")
    with pytest.raises(InputError, match="root element is <opnsense>"):
        merge(conn, "<opnsense><ipsec/></opnsense>")
    with pytest.raises(InputError, match="not well-formed"):
        merge(conn, BASE_TEXT.replace("</ipsec>", "</ipsec", 1))
    with pytest.raises(InputError, match="cannot read the --base file"):
        merge(conn, "/nonexistent/config.xml")


def test_merge_name_collision_line() -> None:
    text = BASE_TEXT.replace("<descr><![CDATA[GUEST]]></descr>", "<descr><![CDATA[VPN_0A1B2C3D4E5F60718_T1]]></descr>")
    with pytest.raises(InputError, match="already uses the name VPN_0A1B2C3D4E5F60718_T1") as e:
        merge(sample_connection(), text)
    assert e.value.line == next(i for i, line in enumerate(text.splitlines(), 1) if "<opt4>" in line)


def test_base_accepted_as_path_text_or_bytes() -> None:
    conn = sample_connection()
    a = vpncc.compile(conn, "pfsense", PROFILE, format="merge", extra={"base": str(BASE)})
    b = vpncc.compile(conn, "pfsense", PROFILE, format="merge", extra={"base": BASE})
    c = vpncc.compile(conn, "pfsense", PROFILE, format="merge", extra={"base": BASE.read_bytes()})
    assert a == b == c == merge(conn)


def test_merge_keeps_crlf_and_foreign_bytes() -> None:
    crlf = BASE_TEXT.replace("\n", "\r\n")
    out = merge(sample_connection(), crlf)
    assert _opcodes(crlf, out) == {"equal", "insert"}
    assert out.count("\r\n") == crlf.count("\r\n")  # every original CRLF kept
    assert re.search(r"<crt>LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t[^<]*</crt>", out)
