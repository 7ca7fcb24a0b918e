"""The API JSON reader on the corpus: IR equality with the embedded XML, TunnelOptions overrides.

Which fields a JSON may legitimately change relative to its own embedded XML:
- always: ``source`` (format aws-json), ``warnings`` (prefixed or added);
- top-level keys: ``gateway`` (TransitGatewayId / VpnGatewayId), ``vpn_connection_id``,
  ``customer_gateway_id``, ``routing`` (StaticRoutesOnly);
- a tunnel's TunnelOptions entry: ``outside.aws``, ``inside`` (TunnelInsideCidr), ``inside_ipv6``,
  ``ike.psk``, ``ike.version``, ``ike.encryption/integrity/dh_groups``, ``ike.lifetime_s``,
  ``ipsec.encryption/integrity/pfs_groups``, ``ipsec.lifetime_s``, ``dpd``, and with them
  ``bgp.neighbor`` / ``static_next_hop`` (the AWS inside address).
Everything else (customer outside address, ASNs, hold time, MSS, MTU, DF, fragmentation, modes)
comes from the XML alone.
"""

from __future__ import annotations

import json
from dataclasses import replace
from ipaddress import ip_network

import pytest

from vpncc.ir import (
    Accepted,
    AcceptedSource,
    Gateway,
    GatewayKind,
    Routing,
    StaticRoute,
)
from vpncc.ir import (
    Encryption as E,
)
from vpncc.ir import (
    Integrity as H,
)
from vpncc.readers import aws_json, aws_json_options, aws_xml

XML = "corpus/xml"


def _pair(shared, stem: str):
    jpath = shared / XML / f"{stem}.json"
    conns = aws_json.read_all(jpath.read_text(encoding="utf-8"), str(jpath))
    xpath = shared / XML / f"{stem}.cgc1.xml"
    xconn = aws_xml.read(xpath.read_text(encoding="utf-8"), str(xpath))
    return conns, xconn


def _same_but_source(jconn, xconn, **overrides):
    """The JSON IR equals the XML IR once source/warnings (and the named fields) are aligned."""
    assert jconn.source.format == "aws-json"
    aligned = replace(xconn, source=jconn.source, warnings=jconn.warnings, **overrides)
    assert jconn == aligned


@pytest.mark.parametrize("stem, routes", [
    ("batfish-ipsec-vpn-host-aws-cisco-VpnConnections", ()),
    # its Routes list: one static route, no Source key (AWS's only value is "Static")
    ("batfish-test-public-private-subnet-VpnConnections", ("19.168.0.0/16",)),
])
def test_json_without_tunnel_options_equals_its_xml(shared, stem, routes):
    conns, xconn = _pair(shared, stem)
    assert len(conns) == 1
    opts = replace(xconn.options, routes=tuple(StaticRoute(ip_network(r), "available") for r in routes))
    _same_but_source(conns[0], xconn, options=opts)
    # an API response without TunnelOptions says nothing about the accepted sets: AWS's defaults
    assert [w.code for w in conns[0].warnings] == ["tunnel-options-assumed"]
    assert {t.accepted.source.value for t in conns[0].tunnels} == {"aws-defaults"}
    assert [w.code for w in xconn.warnings] == ["tunnel-options-assumed"]


def test_transit_gateway_id_comes_from_the_json(shared):
    conns, xconn = _pair(shared, "batfish-VpnConnectionTransitGatewayTest")
    assert xconn.gateway == Gateway(GatewayKind.TGW, None)
    _same_but_source(conns[0], xconn, gateway=Gateway(GatewayKind.TGW, "tgw-044be4464fcc69aff"))


def test_direct_connect_fixture(shared):
    conns, xconn = _pair(shared, "batfish-test-direct-connect-gateway-VpnConnections")
    _same_but_source(conns[0], xconn)
    assert conns[0].gateway == Gateway(GatewayKind.TGW, "tgw-dx01")


def test_deleted_connection_is_skipped_and_reported(shared):
    path = shared / XML / "batfish-test-private-subnet-VpnConnections.json"
    skipped: list = []
    conns = aws_json.read_all(path.read_text(encoding="utf-8"), str(path), skipped=skipped)
    assert [c.vpn_connection_id for c in conns] == ["vpn-03701a53bba3c48b7"]
    assert skipped == [("vpn-05044757278685fd3", "state deleted")]
    xconn = aws_xml.read((shared / XML / "batfish-test-private-subnet-VpnConnections.cgc1.xml").read_text())
    _same_but_source(conns[0], xconn)


def test_cloudwanderer_wrapper_and_escaped_xml(shared):
    conns, xconn = _pair(shared, "cloudwanderer-vpn_connection_single_resource")
    assert len(conns) == 1
    _same_but_source(conns[0], xconn)
    assert [w.code for w in conns[0].warnings] == ["json-nested", "xml-escaped", "outside-same", "outside-same",
                                                 "tunnel-options-assumed"]
    assert "mockData.describe_vpn_connections.return_value.VpnConnections" in conns[0].warnings[0].message


def test_device_pair_json_matches_the_xml_corpus_copy(shared):
    path = shared / "corpus/devices/cisco-ios/batfish-ipsec-vpn-host-aws-cisco.VpnConnections-us-west-2.json"
    conn = aws_json.read(path.read_text(encoding="utf-8"), str(path))
    xconn = aws_xml.read((shared / XML / "batfish-ipsec-vpn-host-aws-cisco-VpnConnections.cgc1.xml").read_text())
    _same_but_source(conn, xconn)
    assert [str(t.outside.aws) for t in conn.tunnels] == ["1.2.3.4", "5.6.7.8"]
    assert str(conn.tunnels[0].outside.customer) == "4.4.4.27"


def test_tunnel_options_override_the_embedded_xml(shared):
    path = shared / XML / "batfish-VpnConnectionWithTunnelOptions.json"
    text = path.read_text(encoding="utf-8")
    conn = aws_json.read(text, str(path))
    embedded = json.loads(text)["VpnConnections"][0]["CustomerGatewayConfiguration"]
    xconn = aws_xml.read(embedded)
    # the embedded XML still says the minimal suite
    assert {(t.ike.encryption, t.ike.dh_groups, t.ipsec.pfs_groups) for t in xconn.tunnels} == {
        ((E.AES128,), (2,), (2,))}
    t1, t2 = conn.tunnels
    # values written from the JSON's TunnelOptions, in the API's order
    assert (t1.ike.encryption, t1.ike.integrity, t1.ike.dh_groups) == (
        (E.AES128, E.AES128_GCM_16), (H.SHA1, H.SHA2_512), (2,))
    assert (t1.ipsec.encryption, t1.ipsec.integrity, t1.ipsec.pfs_groups) == (
        (E.AES128, E.AES128_GCM_16), (H.SHA2_512,), (15, 16))
    assert (t2.ike.encryption, t2.ike.integrity, t2.ike.dh_groups) == (
        (E.AES256, E.AES128_GCM_16), (H.SHA1, H.SHA2_512), (22, 23))
    assert (t2.ipsec.encryption, t2.ipsec.integrity, t2.ipsec.pfs_groups) == (
        (E.AES128_GCM_16,), (H.SHA2_512,), (14, 15, 16))
    # everything else equals the embedded XML: only the proposal lists were overridden
    expected = []
    for xt, jt in zip(xconn.tunnels, conn.tunnels, strict=False):
        expected.append(replace(xt, ike=replace(xt.ike, encryption=jt.ike.encryption, integrity=jt.ike.integrity,
                                                dh_groups=jt.ike.dh_groups, allowed_versions=jt.ike.allowed_versions),
                                ipsec=replace(xt.ipsec, encryption=jt.ipsec.encryption,
                                              integrity=jt.ipsec.integrity, pfs_groups=jt.ipsec.pfs_groups),
                                accepted=Accepted(AcceptedSource.TUNNEL_OPTIONS, aws_json_options.DEFAULT_IKE_VERSIONS,
                                                  jt.ike.encryption, jt.ike.integrity, jt.ike.dh_groups,
                                                  jt.ipsec.encryption, jt.ipsec.integrity, jt.ipsec.pfs_groups,
                                                  28800, 3600)))
    _same_but_source(conn, xconn, tunnels=tuple(expected))
    # TunnelOptions give no IkeVersions: AWS allows both, the IR keeps the XML's ikev1
    assert [t.ike.allowed_versions for t in conn.tunnels] == [
        aws_json_options.DEFAULT_IKE_VERSIONS, aws_json_options.DEFAULT_IKE_VERSIONS]
    assert conn.routing is Routing.BGP


def test_tunnel_options_origin_points_into_the_json(shared):
    path = shared / XML / "batfish-VpnConnectionWithTunnelOptions.json"
    text = path.read_text(encoding="utf-8")
    conn = aws_json.read(text, str(path))
    lines = text.splitlines()
    for ir_path, key in [("tunnels[0].ipsec.pfs_groups", '"Phase2DHGroupNumbers"'),
                         ("tunnels[1].ike.dh_groups", '"Phase1DHGroupNumbers"'),
                         ("tunnels[1].outside.aws", '"OutsideIpAddress"'),
                         ("vpn_connection_id", '"VpnConnectionId"')]:
        pos = conn.position(ir_path)
        assert lines[pos.line - 1][pos.column - 1:].startswith(key), ir_path
    # tunnel 2's options start below tunnel 1's
    assert conn.position("tunnels[1].ike.dh_groups").line > conn.position("tunnels[0].ipsec.pfs_groups").line
    # XML-only values point at the CustomerGatewayConfiguration string
    pos = conn.position("tunnels[0].tcp_mss")
    assert lines[pos.line - 1].lstrip().startswith('"CustomerGatewayConfiguration"')


def test_every_corpus_ir_matches_the_published_schema_and_round_trips(shared):
    import jsonschema

    from tests.conftest import ROOT
    from vpncc.ir import from_dict

    schema = json.loads((ROOT / "schemas" / "ir.schema.json").read_text(encoding="utf-8"))
    seen = 0
    for path in sorted((shared / XML).iterdir()):
        if "TRUNCATED" in path.name:
            continue
        text = path.read_text(encoding="utf-8")
        conns = aws_json.read_all(text, str(path)) if path.suffix == ".json" else aws_xml.read_all(text, str(path))
        for conn in conns:
            jsonschema.validate(conn.to_dict(), schema)
            assert from_dict(conn.to_dict()) == conn
            seen += 1
    assert seen == 13
