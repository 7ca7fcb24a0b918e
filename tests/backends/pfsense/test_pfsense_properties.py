"""Properties of the pfSense backend beyond the framework's: merge mode round-trips on a real
backup, generated configs satisfy the XSD, and the swanctl mapping keeps the AWS algorithms."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings

import vpncc
from vpncc.backends import base
from vpncc.compiler import resolve_profile
from vpncc.ir import Routing

from ...strategies import connections
from .pfsense_helpers import BASE, PROFILE

B = base.get("pfsense")
BASE_TEXT = BASE.read_text(encoding="utf-8")
BASE_PEERS = {ipaddress.IPv4Address("203.0.113.200"), ipaddress.IPv4Address("198.51.100.200")}


def _supported(conn) -> bool:
    prof, _ = resolve_profile(conn, B, PROFILE)
    return not B.unsupported(conn, prof, base.RenderOptions())


BASE_WAN = ipaddress.IPv4Address("192.0.2.10")


def _fit_base(conn):
    """The base runs FRR as AS 65000 and its WAN is 192.0.2.10: a connection merged into it must use
    that AS and have that customer gateway address (a public WAN that is not the CGW is a real error)."""
    conn = replace(conn, tunnels=tuple(replace(t, outside=replace(t.outside, customer=BASE_WAN)) for t in conn.tunnels))
    if conn.routing is Routing.BGP:
        conn = replace(conn, tunnels=tuple(replace(t, bgp=replace(t.bgp, customer_asn=65000)) for t in conn.tunnels))
    return conn


SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@SETTINGS
@given(conn=connections())
def test_merge_round_trip_generated(conn) -> None:
    conn = _fit_base(conn)
    assume(_supported(conn) and not {t.outside.aws for t in conn.tunnels} & BASE_PEERS)
    # --crypto recommended: the suite comes from what AWS accepts (a generated file suite may not be)
    prof = replace(PROFILE, crypto="recommended")
    out = vpncc.compile(conn, "pfsense", prof, format="merge", extra={"base": BASE_TEXT})
    report = vpncc.validate(conn, "pfsense", out, profile=prof, path="config.xml")
    assert [f for f in report.findings if f.rule != "VPN901" and f.category == "compliance"] == []


@SETTINGS
@given(conn=connections())
def test_generated_configs_satisfy_the_xsd(conn) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    from .test_pfsense_xsd import schema

    assume(_supported(conn))
    text = vpncc.compile(conn, "pfsense", PROFILE)
    assert [str(e.reason) for e in schema().iter_errors(text)] == []
    assert xmlschema  # test-only dependency is present


@SETTINGS
@given(conn=connections())
def test_swanctl_mapping_keeps_the_algorithms(conn) -> None:
    from vpncc.backends.pfsense.swanctl_map import swanctl_conf

    assume(_supported(conn))
    sw = swanctl_conf(vpncc.compile(conn, "pfsense", PROFILE), {"wan": str(conn.tunnels[0].outside.customer)})
    dc = base.get("strongswan").read(sw, "swanctl.conf")
    for t in conn.tunnels:
        d = next(x for x in dc.tunnels if x.get("outside.aws") and x.get("outside.aws").value == t.outside.aws)
        got = {k: o.value for k, o in d.values.items()}
        assert got["ike.psk"] == t.ike.psk
        assert set(got["ike.dh_groups"]) == set(t.ike.dh_groups)
        assert set(got["ipsec.encryption"]) >= set(t.ipsec.encryption)
        assert set(got["ipsec.pfs_groups"]) == {t.ipsec.pfs_groups[0]}  # one PFS group per phase 2
        ike_enc = {e for e in t.ike.encryption if not (e.is_gcm and t.ike.version.value == "ikev1")}
        assert set(got["ike.encryption"]) == ike_enc
