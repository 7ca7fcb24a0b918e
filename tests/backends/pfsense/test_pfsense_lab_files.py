"""PfsenseBackend.lab_files: the strongSwan bundle `vpncc lab` runs for pfSense (no root needed).

The swanctl.conf must be exactly what swanctl_map (the port of pfSense's ipsec.inc) makes of the
compiled config.xml, plus the changes listed in the bundle's lab-adaptations.txt, and nothing else.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings

import vpncc
from vpncc.backends import base
from vpncc.backends.pfsense import lab as L
from vpncc.backends.pfsense.swanctl_map import swanctl_conf
from vpncc.backends.strongswan import settings as S
from vpncc.compiler import compile_files, fill_missing, resolve_profile
from vpncc.errors import UsageError
from vpncc.ir import IkeVersion, Routing
from vpncc.lab.plan import ADAPTATIONS_FILE, prepare

from ...conftest import ROOT
from ...strategies import connections, sample_connection
from .pfsense_helpers import PROFILE

B = base.get("pfsense")
SAMPLES = ["bgp-vgw-ikev1-2022.txt", "bgp-vgw-ikev2-strong-2022.txt", "static-vgw-ikev1-2020.txt",
           "static-vgw-ikev2-2022.txt"]
SCRIPT_DIR = "/usr/local/sbin"


def bundle(conn, profile=PROFILE, **extra):
    """(lab files, the compiled config.xml, the filled connection)"""
    prof, _ = resolve_profile(conn, B, profile)
    filled = fill_missing(conn, prof, {})
    files = B.lab_files(filled, prof, base.RenderOptions(extra={"routing": "frr", **extra}))
    (xml,) = compile_files(filled, "pfsense", prof, format="xml").values()
    return files, xml, filled


def sample(name: str):
    return vpncc.parse(str(ROOT / "samples" / name))


_CHANGE = re.compile(r"^swanctl\.conf (\S+): (policies = no -> yes \(|updown = (.+?) added:)")


def undo(text: str, notes: list[str]) -> str:
    """Take the recorded swanctl.conf changes back out of ``text`` (fails on a change not recorded)."""
    recorded: dict[str, dict[str, str]] = {}
    for n in notes:
        m = _CHANGE.match(n)
        if m:
            recorded.setdefault(m.group(1), {})["updown" if m.group(3) else "policies"] = m.group(3) or "yes"
    out, path = [], []
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if body.endswith("{"):
            path = path[: len(line) - len(line.lstrip("\t"))] + [body[:-1].strip()]
        elif body == "}":
            path = path[:-1]
        elif len(path) == 4 and path[2] == "children":
            name = f"{path[1]}.children.{path[3]}"
            key, _, value = body.partition(" = ")
            if key in ("policies", "updown"):
                assert recorded.get(name, {}).get(key) == value, f"{name}: {body} is not a recorded change"
                del recorded[name][key]
                if key == "updown":
                    continue
                line = line.replace("policies = yes", "policies = no")
        out.append(line)
    assert all(not v for v in recorded.values()), f"recorded but not made: {recorded}"
    return "".join(out)


def flat(text: str) -> dict[tuple[str, ...], str]:
    out = {}

    def walk(sec: S.Section, path: tuple[str, ...]) -> None:
        for k, v in sec.settings.items():
            out[path + (k,)] = v.value
        for name, sub in sec.sections.items():
            walk(sub, path + (name,))

    walk(S.parse(text), ())
    return out


# -- swanctl.conf = swanctl_map + the recorded changes -------------------------------------------

@pytest.mark.parametrize("name", SAMPLES)
def test_swanctl_is_the_mapping_plus_the_recorded_changes(name: str) -> None:
    conn = sample(name)
    files, xml, filled = bundle(conn)
    mapped = swanctl_conf(xml, {"wan": str(filled.tunnels[0].outside.customer)})
    notes = files[ADAPTATIONS_FILE].splitlines()
    assert undo(files["swanctl.conf"], notes) == mapped
    # one VTI child per tunnel, each changed twice, each change named
    assert len([n for n in notes if "policies = no -> yes" in n]) == len(conn.tunnels)
    assert len([n for n in notes if re.search(r": updown = .* added", n)]) == len(conn.tunnels)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_changes_at_the_settings_level(name: str) -> None:
    conn = sample(name)
    files, xml, filled = bundle(conn)
    before = flat(swanctl_conf(xml, {"wan": str(filled.tunnels[0].outside.customer)}))
    after = flat(files["swanctl.conf"])
    diff = {k: (before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    v1 = conn.tunnels[0].ike.version is IkeVersion.IKEV1
    expected = {}
    for i, _t in enumerate(conn.tunnels, 1):
        child = ("connections", f"con{i}", "children", f"con{i}_{i}" if v1 else f"con{i}")
        prefix = re.sub(r"[^A-Za-z0-9._-]", "-", conn.vpn_connection_id or "")
        expected[child + ("policies",)] = ("no", "yes")
        expected[child + ("updown",)] = (None, f"{SCRIPT_DIR}/vpncc-{prefix}-pfsense.sh updown ipsec{i}")
    assert diff == expected
    # what pfSense keeps for the VTI: its reqid, and encap stays pfSense's ("Auto" = no; the engine forces it)
    assert after[("connections", "con1", "encap")] == "no"
    assert after[next(k for k in after if k[-1] == "reqid")] == "5001"


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@SETTINGS
@given(conn=connections())
def test_generated_connections_only_recorded_changes(conn) -> None:
    prof, _ = resolve_profile(conn, B, PROFILE)
    assume(not B.unsupported(conn, prof, base.RenderOptions()))
    files, xml, filled = bundle(conn)
    mapped = swanctl_conf(xml, {"wan": str(filled.tunnels[0].outside.customer)})
    assert undo(files["swanctl.conf"], files[ADAPTATIONS_FILE].splitlines()) == mapped
    listed = files[ADAPTATIONS_FILE]
    for ident in (conn.vpn_connection_id, conn.customer_gateway_id, conn.gateway.id):  # hex ids may contain a
        listed = listed.replace(ident or "", "")                                        # generated key
    for t in filled.tunnels:
        assert t.ike.psk not in listed


# -- the rest of the bundle -------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLES)
def test_bundle_reads_back_as_the_connection(name: str) -> None:
    """The lab finds each tunnel's interface with strongSwan's bundle reader (the updown argument):
    ipsec<reqid>, with the config.xml's inside address, MTU and MSS clamp."""
    from vpncc.backends.strongswan.read import read

    conn = sample(name)
    files, _, _ = bundle(conn)
    dev = read("".join(t for n, t in files.items() if n != ADAPTATIONS_FILE))
    for i, t in enumerate(conn.tunnels, 1):
        d = next(d for d in dev.tunnels if d.get("outside.aws").value == t.outside.aws)
        assert d.get("strongswan").value["iface"] == f"ipsec{i}"
        assert d.get("inside.customer").value == t.inside.customer
        assert (d.get("mtu").value, d.get("tcp_mss").value) == (t.mtu, t.tcp_mss)
        if conn.routing is Routing.STATIC:
            assert d.get("static_routes").value == (ipaddress.IPv4Network("10.0.0.0/16"),)
    if conn.routing is Routing.BGP:
        got = {(n["neighbor"].value, n["aws_asn"].value, n["customer_asn"].value, n["hold_time_s"].value)
               for n in dev.bgp_neighbors}
        assert got == {(t.bgp.neighbor, t.bgp.aws_asn, t.bgp.customer_asn, t.bgp.hold_time_s) for t in conn.tunnels}


def test_plan_moves_the_changes_into_the_report() -> None:
    conn = sample("bgp-vgw-ikev1-2022.txt")
    files, _, _ = bundle(conn)
    plan = prepare(conn, PROFILE, fmt=None, routing=None, aws_bgp="bird", psks=None, aws_conn=None, fail_psk=False,
                   fail_proposal=False, fail_peer=False, vendor="pfsense")
    assert ADAPTATIONS_FILE not in plan.files
    assert list(plan.files)[0] == "swanctl.conf"
    assert set(files[ADAPTATIONS_FILE].splitlines()) <= set(plan.adaptations)


def test_frr_conf_is_the_packages_output() -> None:
    """frr.inc frr_generate_config_integrated() + frr_bgp.inc for vpncc's frr* sections (route-maps, which
    a tunnel preference adds, are left out of the comparison: see test_route_maps_and_neighbor_policies...)."""
    files, _, _ = bundle(sample("bgp-vgw-ikev1-2022.txt"))
    text = re.sub(r"^  neighbor \S+ route-map .*\n", "", files["frr.conf"], flags=re.M)
    text = re.sub(r"^route-map [\s\S]*?(?=^line vty)", "", text, flags=re.M)
    assert text == """\
! --- vpncc file: frr.conf ---
##################### DO NOT EDIT THIS FILE! ######################
###################################################################
# This file was created by an automatic configuration generator.  #
# The contents of this file will be overwritten without warning!  #
###################################################################
!
frr defaults traditional
hostname pfSense.home.arpa
service integrated-vtysh-config
!
router bgp 65000
 bgp router-id 169.254.44.42
 no bgp network import-check
 neighbor 169.254.44.41 remote-as 64512
 neighbor 169.254.44.41 description AWS vpn-0a1b2c3d4e5f60718 tunnel 1
 neighbor 169.254.44.41 timers 10 30
 neighbor 169.254.44.41 maximum-prefix 1000
 neighbor 169.254.45.61 remote-as 64512
 neighbor 169.254.45.61 description AWS vpn-0a1b2c3d4e5f60718 tunnel 2
 neighbor 169.254.45.61 timers 10 30
 neighbor 169.254.45.61 maximum-prefix 1000
 !
 address-family ipv4 unicast
  network 10.10.0.0/16
  neighbor 169.254.44.41 activate
  neighbor 169.254.45.61 activate
  no neighbor 169.254.44.41 send-community
  neighbor 169.254.44.41 prefix-list VPN_0A1B2C3D4E5F60718_IN in
  neighbor 169.254.44.41 prefix-list VPN_0A1B2C3D4E5F60718_OUT out
  no neighbor 169.254.45.61 send-community
  neighbor 169.254.45.61 prefix-list VPN_0A1B2C3D4E5F60718_IN in
  neighbor 169.254.45.61 prefix-list VPN_0A1B2C3D4E5F60718_OUT out
 exit-address-family
 !
!
ip prefix-list VPN_0A1B2C3D4E5F60718_IN seq 10 permit 0.0.0.0/0 le 32 
ip prefix-list VPN_0A1B2C3D4E5F60718_IN description AWS vpn-0a1b2c3d4e5f60718: routes accepted from AWS
ip prefix-list VPN_0A1B2C3D4E5F60718_OUT seq 10 permit 10.10.0.0/16 
ip prefix-list VPN_0A1B2C3D4E5F60718_OUT description AWS vpn-0a1b2c3d4e5f60718: announced to AWS
!
line vty
!
"""


def _xml(name: str) -> str:
    return bundle(sample(name))[1]


def test_static_routing_stand_in() -> None:
    files, _, _ = bundle(sample("static-vgw-ikev2-2022.txt"))
    frr = files["frr.conf"]
    routes = [l for l in frr.splitlines() if l.startswith("ip route")]
    # the static route via tunnel 1's gateway (tier 1 of the group too), tier 2 at distance 2
    assert routes == ["ip route 10.0.0.0/16 169.254.33.9 ipsec1", "ip route 10.0.0.0/16 169.254.34.17 ipsec2 2"]
    assert any("gateway group VPN_0E5D4C3B2A1908F7E_GW" in n and "tier n at distance n" in n
               for n in files[ADAPTATIONS_FILE].splitlines())


def test_linux_side_script(tmp_path) -> None:
    files, _, _ = bundle(sample("bgp-vgw-ikev1-2022.txt"))
    name = "vpncc-vpn-0a1b2c3d4e5f60718-pfsense.sh"
    script = files[name]
    path = tmp_path / name
    path.write_text(script)
    assert subprocess.run(["sh", "-n", str(path)], capture_output=True).returncode == 0
    # ifconfig ipsec1 inet 169.254.44.42/30 169.254.44.41 (interface_ipsec_vti_configure())
    assert "ip addr replace 169.254.44.42 peer 169.254.44.41/30 dev ipsec1" in script
    assert "ip link set dev ipsec2 mtu 1436" in script
    # scrub on ipsecN max-mss (1419 - 40), both directions
    for d in ("iifname", "oifname"):
        assert f'{d} "ipsec1" tcp flags syn tcp option maxseg size > 1379 tcp option maxseg size set 1379' in script
    assert "ipsec1|ipsec2) ;;" in script
    # no interface is created: the lab's TUN devices stand in (the engine would comment such lines out)
    assert "ip link add" not in script


def test_route_maps_and_neighbor_policies_are_ported() -> None:
    """frr_zebra_generate_routemaps() and the neighbors' route-map lines, for a config that has them."""
    xml = _xml("bgp-vgw-ikev1-2022.txt")
    # this test's own route-maps only (whatever the backend writes itself)
    xml = re.sub(r"\s*<frrglobalroutemaps>[\s\S]*?</frrglobalroutemaps>|\s*<routemap_(in|out)>[^<]*</routemap_\1>", "", xml)
    maps = """\t\t<frrglobalroutemaps>
\t\t\t<config><name>T2_OUT</name><action>permit</action><seq>10</seq><acl_match>none</acl_match>
\t\t\t<prefix_match>none</prefix_match><aspath_action>setprepend</aspath_action><aspath_value>65000 65000</aspath_value></config>
\t\t\t<config><name>T2_IN</name><descr>backup</descr><action>permit</action><seq>10</seq><acl_match>none</acl_match>
\t\t\t<prefix_match>none</prefix_match><localpref_action>set</localpref_action><localpref_value>90</localpref_value></config>
\t\t</frrglobalroutemaps>
"""
    xml = xml.replace("\t</installedpackages>", maps + "\t</installedpackages>")
    tail = "<maximumprefix_num>1000</maximumprefix_num>\n\t\t\t</config>\n\t\t</frrbgpneighbors>"
    assert tail in xml
    xml = xml.replace(tail, tail.replace("\n", "\n<routemap_in>T2_IN</routemap_in><routemap_out>T2_OUT</routemap_out>\n", 1))
    b = L.build(xml, script_name="x.sh", lan=[])
    frr = b.files["frr.conf"]
    assert ("  no neighbor 169.254.45.61 send-community\n"
            "  neighbor 169.254.45.61 prefix-list VPN_0A1B2C3D4E5F60718_IN in\n"
            "  neighbor 169.254.45.61 prefix-list VPN_0A1B2C3D4E5F60718_OUT out\n"
            "  neighbor 169.254.45.61 route-map T2_IN in\n"
            "  neighbor 169.254.45.61 route-map T2_OUT out\n exit-address-family\n") in frr
    assert ("!\nroute-map T2_IN permit 10\n description backup\n set local-preference 90\n"
            "route-map T2_OUT permit 10\n set as-path prepend 65000 65000\n!\nline vty\n") in frr
    assert not [n for n in b.adaptations if "not reproduced" in n]


def test_settings_not_reproduced_are_listed() -> None:
    xml = _xml("bgp-vgw-ikev1-2022.txt")
    xml = xml.replace("<asnum>65000</asnum>", "<asnum>65000</asnum><timers_updatedelay>5</timers_updatedelay>")
    xml = xml.replace("\t</installedpackages>", "\t\t<frrbgpaspaths><config><name>P</name></config>"
                                                "</frrbgpaspaths>\n\t</installedpackages>")
    notes = L.build(xml, script_name="x.sh", lan=[]).adaptations
    assert "frr.conf: FRR package setting frrbgp/timers_updatedelay is not reproduced by the lab" in notes
    assert "frr.conf: FRR package section frrbgpaspaths is not reproduced by the lab" in notes


def test_bgp_prefers_tunnel_1() -> None:
    files, _, conn = bundle(sample("bgp-vgw-ikev1-2022.txt"))
    frr = files["frr.conf"]
    t2 = conn.tunnels[1].bgp.neighbor
    rin = re.search(rf"^  neighbor {t2} route-map (\S+) in$", frr, re.M)
    rout = re.search(rf"^  neighbor {t2} route-map (\S+) out$", frr, re.M)
    assert rin and re.search(rf"^route-map {rin.group(1)} permit \d+\n(?: .*\n)* set local-preference (\d+)$",
                             frr, re.M)
    assert rout and re.search(rf"^route-map {rout.group(1)} permit \d+\n(?: .*\n)* set as-path prepend ", frr, re.M)


# -- refusals -----------------------------------------------------------------------------------------

def test_refuses_other_formats_and_daemons() -> None:
    conn = sample_connection()
    prof, _ = resolve_profile(conn, B, PROFILE)
    with pytest.raises(UsageError, match="strongSwan bundle format"):
        B.lab_files(fill_missing(conn, prof, {}), prof, base.RenderOptions(format="legacy"))
    with pytest.raises(UsageError, match="FRR package"):
        B.lab_files(fill_missing(conn, prof, {}), prof, base.RenderOptions(extra={"routing": "bird"}))


def test_one_wan_address_per_interface() -> None:
    conn = sample_connection()
    t2 = conn.tunnels[1]
    conn = replace(conn, tunnels=(conn.tunnels[0], replace(t2, outside=replace(
        t2.outside, customer=ipaddress.IPv4Address("192.0.2.11")))))
    with pytest.raises(UsageError, match="one address per interface"):
        bundle(conn)


def test_config_values_cannot_inject_commands() -> None:
    """build() takes any config.xml: a description cannot end its frr.conf line, and addresses that are
    not addresses never reach the shell script."""
    xml = _xml("bgp-vgw-ikev1-2022.txt")
    xml = xml.replace("<descr><![CDATA[AWS vpn-0a1b2c3d4e5f60718 tunnel 1]]></descr>\n\t\t\t\t<peergroup>",
                      "<descr>x&#10;router bgp 1</descr>\n\t\t\t\t<peergroup>", 1)
    xml = xml.replace("<address>169.254.45.62</address>", "<address>$(reboot)</address>", 1)
    b = L.build(xml, script_name="x.sh", lan=[])
    assert not re.search(r"^router bgp 1$", b.files["frr.conf"], re.M)
    assert " description x router bgp 1\n" in b.files["frr.conf"]
    assert "reboot" not in b.files["x.sh"] and "vti_ipsec2" not in b.files["x.sh"]


def test_prefix_lists_are_ported() -> None:
    """frr_zebra_generate_prefixlists() (pfSense-pkg-frr frr_zebra.inc): rows sorted by seq, ge/le only when
    set, a row whose source is not a subnet or "any" skipped, the description last; a neighbor's
    prefixfilter_in/out only when the list is defined (frr_bgp_generate_neighbors())."""
    xml = _xml("bgp-vgw-ikev1-2022.txt")
    xml = re.sub(r"\s*<frrglobalprefixes>[\s\S]*?</frrglobalprefixes>", "", xml)
    lists = ("\t\t<frrglobalprefixes><config><name>VPN_0A1B2C3D4E5F60718_OUT</name><descr>to AWS</descr>"
             "<row><seq>20</seq><action>deny</action><source>any</source><ge></ge><le></le></row>"
             "<row><seq>10</seq><action>permit</action><source>10.10.0.0/16</source><ge>24</ge><le>28</le></row>"
             "<row><seq>15</seq><action>permit</action><source>not-a-net</source></row>"
             "</config></frrglobalprefixes>\n")
    xml = xml.replace("\t</installedpackages>", lists + "\t</installedpackages>")
    frr = L.build(xml, script_name="x.sh", lan=[]).files["frr.conf"]
    assert ("ip prefix-list VPN_0A1B2C3D4E5F60718_OUT seq 10 permit 10.10.0.0/16 ge 24 le 28 \n"
            "ip prefix-list VPN_0A1B2C3D4E5F60718_OUT seq 20 deny any \n"
            "ip prefix-list VPN_0A1B2C3D4E5F60718_OUT description to AWS\n!\n") in frr
    assert "not-a-net" not in frr
    assert "  neighbor 169.254.44.41 prefix-list VPN_0A1B2C3D4E5F60718_OUT out\n" in frr
    assert "prefix-list VPN_0A1B2C3D4E5F60718_IN" not in frr   # the IN list is no longer defined: dropped
