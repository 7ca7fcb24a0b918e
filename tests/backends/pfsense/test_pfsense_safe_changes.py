"""pfsense: compile --running (ikeid/reqid/optN allocation, reuse, refusals), the header's collision and
"outside these tunnels" blocks, BGP that cannot leak, and the NAT compile (docs/safe-changes.md)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

import vpncc
from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

from .pfsense_helpers import BASE, PROFILE

PF = base.get("pfsense")
BASE_TEXT = BASE.read_text(encoding="utf-8")


def first():
    return load_one(str(SAMPLES / "bgp-vgw-ikev1-2022.txt"))


def second(conn):
    """Another VPN connection from the same customer gateway: other AWS endpoints, inside /30s and id."""
    ts = []
    for t, (aws, cidr) in zip(conn.tunnels, (("203.0.113.91", "169.254.90.0/30"), ("203.0.113.92", "169.254.91.0/30")), strict=False):
        net = ipaddress.IPv4Network(cidr)
        cust, awsi = ipaddress.IPv4Interface(f"{net[2]}/30"), ipaddress.IPv4Interface(f"{net[1]}/30")
        ts.append(replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address(aws)),
                          inside=replace(t.inside, customer=cust, aws=awsi), bgp=replace(t.bgp, neighbor=awsi.ip)))
    return replace(conn, vpn_connection_id="vpn-0ffff1111aaaa2222", tunnels=tuple(ts))


def merged(conn, base_text, **kw):
    return compile_(conn, "pfsense", PROFILE, format="merge", extra={"base": base_text}, **kw)


def serious(conn, text):
    dev = PF.read(text, "config.xml")
    return [f for f in compare(conn, dev, PROFILE) if f.category != "security" and f.severity.value in ("error", "warning")
            and f.tunnel is not None]


def test_second_connection_against_the_first_does_not_collide():
    c1, c2 = first(), second(first())
    after1 = merged(c1, BASE_TEXT)
    # --running with the xml format: the ids are the firewall's next free ones, never those of the first
    xml2 = compile_(c2, "pfsense", PROFILE, running=after1)
    used = PF.read(after1, "x").inventory
    ids = [int(x) for x in re.findall(r"<ikeid>(\d+)</ikeid>", xml2.split("<pfsense>")[1].split("<phase2>")[0])]
    assert len(ids) == 2 and not set(ids) & used.used("ikeid")
    reqids = {int(x) for x in re.findall(r"<reqid>(\d+)</reqid>", xml2)}
    assert len(reqids) == 2 and not reqids & used.used("reqid")
    opts = set(re.findall(r"<(opt\d+)>", xml2))
    assert len(opts) == 2 and not {int(o[3:]) for o in opts} & used.used("opt")
    assert "<routerid>" not in xml2   # FRR already runs BGP here: its router-id stays
    # and the whole firewall after both connections (merge) reads both, each clean
    after2 = merged(c2, after1, running=after1)
    dev = PF.read(after2, "config.xml")
    assert len({t.name for t in dev.tunnels}) == len(dev.tunnels) == len(PF.read(BASE_TEXT, "b").tunnels) + 4
    assert serious(c1, after2) == [] and serious(c2, after2) == []


def test_header_names_collisions_allocation_and_outside_changes():
    out = compile_(first(), "pfsense", PROFILE)
    head = out.split("<pfsense>")[0]
    assert "objects that may already exist on the device" in head and "phase 1 ikeid 1, 2" in head
    assert "changes outside these tunnels:" in head and "FRR BGP: AS number and router-id" in head
    out2 = compile_(second(first()), "pfsense", PROFILE, running=merged(first(), BASE_TEXT))
    assert "allocated against the running config:" in out2 and "FRR's AS 65000" in out2


def test_same_peer_and_other_as_are_refused():
    after1 = merged(first(), BASE_TEXT)
    with pytest.raises(RunningConflict) as e:
        compile_(first(), "pfsense", PROFILE, running=after1)
    assert str(e.value).count("already configured") == 2
    other = BASE_TEXT.replace("<asnum>65000</asnum>", "<asnum>65123</asnum>", 1)
    with pytest.raises(RunningConflict, match="AS 65123"):
        compile_(first(), "pfsense", PROFILE, running=other)


def test_bgp_announces_only_local_networks_and_keeps_ebgp_requires_policy():
    out = compile_(first(), "pfsense", PROFILE)
    assert "disableebgprequirepolicy" not in out
    assert "<routemap_out>none</routemap_out>" in out   # tunnel 1: no route-map, but a prefix list out
    assert out.count("<prefixfilter_out>VPN_0A1B2C3D4E5F60718_OUT</prefixfilter_out>") == 2
    assert out.count("<maximumprefix_num>1000</maximumprefix_num>") == 2
    dev = PF.read(out, "config.xml")
    assert all(nb["outbound_filter"].value and nb["inbound_limit"].value for nb in dev.bgp_neighbors)
    assert not any("ebgp-requires-policy" in n.message for n in dev.notes)
    sec = {f.rule for f in compare(first(), dev, PROFILE) if f.category == "security"}
    assert not sec & {"VPN506", "VPN507"}


def test_ecmp_and_no_local_networks():
    out = compile_(first(), "pfsense", replace(PROFILE, bgp_mode="ecmp"))
    assert "frrglobalroutemaps" not in out and "<routemap_in>none</routemap_in>" in out
    assert serious(first(), out) == []
    seen = []
    out = compile_(first(), "pfsense", replace(PROFILE, local_networks=[]), warn=lambda c, m: seen.append(c))
    assert [c for c in seen if not c.startswith("crypto-")] == ["bgp-no-local-networks"] and "<action>deny</action>" in out


def test_nat_compile_validates_clean():
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.5"))
    c = first()
    out = compile_(c, "pfsense", prof)
    assert out.count("<myid_data>192.0.2.10</myid_data>") == 2    # the identity stays the public address
    report = vpncc.validate(c, "pfsense", out, profile=prof, path="config.xml")
    bad = [f for f in report.findings if f.category != "security" and f.severity.value in ("error", "warning")]
    assert bad == []


def test_static_ecmp_puts_both_gateways_on_tier_1():
    c = load_one(str(SAMPLES / "static-vgw-ikev2-2022.txt"))
    tiers = lambda text: re.findall(r"<item>[A-Z0-9_]+_T\d\|(\d)\|address</item>", text)
    assert tiers(compile_(c, "pfsense", replace(PROFILE, bgp_mode="ecmp"))) == ["1", "1"]
    assert tiers(compile_(c, "pfsense", PROFILE)) == ["1", "2"]
