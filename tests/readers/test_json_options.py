"""The API JSON reader on hand-written describe-vpn-connections documents: every TunnelOptions key,
AWS's defaults, the accepted shapes, and errors with line/column."""

from __future__ import annotations

import json
from ipaddress import IPv4Address as A
from ipaddress import IPv4Interface as I
from ipaddress import IPv6Interface as I6

import pytest

from vpncc.errors import InputError
from vpncc.ir import (
    Accepted,
    AcceptedSource,
    Dpd,
    DpdTimeoutAction,
    GatewayKind,
    IkeVersion,
    Routing,
    StartupAction,
)
from vpncc.ir import (
    Encryption as E,
)
from vpncc.ir import (
    Integrity as H,
)
from vpncc.readers import aws_json, aws_json_options

from .test_xml_variants import PSK1, doc, tunnel

XML2 = doc(tunnel(), tunnel(psk="Example.Key_Tunnel2.hgfedcba", aws="198.51.100.8",
                            inside=("169.254.45.62", "169.254.45.61")))
PSK_API1 = "Api.Key_Tunnel1.0123456789"


def api(options=None, **conn) -> dict:
    c = {"CustomerGatewayConfiguration": XML2, "CustomerGatewayId": "cgw-0f1e2d3c", "Category": "VPN",
         "State": "available", "Type": "ipsec.1", "VpnConnectionId": "vpn-0a1b2c3d", "VpnGatewayId": "vgw-01234567",
         "Options": {"StaticRoutesOnly": False, **({"TunnelOptions": options} if options is not None else {})}}
    c.update(conn)
    return c


def read(obj, **kw):
    return aws_json.read_all(json.dumps(obj, indent=2), "d.json", **kw)


def test_full_tunnel_options():
    opts = [{
        "OutsideIpAddress": "198.51.100.7", "TunnelInsideCidr": "169.254.100.0/30",
        "TunnelInsideIpv6Cidr": "fd00:0:0:7::/126", "PreSharedKey": PSK_API1,
        "Phase1LifetimeSeconds": 14400, "Phase2LifetimeSeconds": 1800, "DpdTimeoutSeconds": 40,
        "DpdTimeoutAction": "restart", "StartupAction": "start",
        "Phase1EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}, {"Value": "AES256"}],
        "Phase2EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}],
        "Phase1IntegrityAlgorithms": [{"Value": "SHA2-384"}],
        "Phase2IntegrityAlgorithms": [{"Value": "SHA2-256"}, {"Value": "SHA2-256"}],
        "Phase1DHGroupNumbers": [{"Value": 20}, {"Value": 19}],
        "Phase2DHGroupNumbers": [{"Value": 5}],
        "IkeVersions": [{"Value": "ikev2"}],
    }, {"OutsideIpAddress": "198.51.100.8", "DpdTimeoutSeconds": 30}]
    (c,) = read({"VpnConnections": [api(opts)]})
    t1, t2 = c.tunnels
    assert t1.inside.aws == I("169.254.100.1/30") and t1.inside.customer == I("169.254.100.2/30")
    assert t1.bgp.neighbor == A("169.254.100.1")
    assert t1.inside_ipv6.aws == I6("fd00:0:0:7::1/126") and t1.inside_ipv6.customer == I6("fd00:0:0:7::2/126")
    assert t1.ike.psk == PSK_API1
    assert t1.ike.version is IkeVersion.IKEV2
    assert (t1.ike.encryption, t1.ike.integrity, t1.ike.dh_groups, t1.ike.lifetime_s) == (
        (E.AES256_GCM_16, E.AES256), (H.SHA2_384,), (20, 19), 14400)
    assert (t1.ipsec.encryption, t1.ipsec.integrity, t1.ipsec.pfs_groups, t1.ipsec.lifetime_s) == (
        (E.AES256_GCM_16,), (H.SHA2_256,), (5,), 1800)
    assert t1.dpd == Dpd(10, 3)  # 40 s = 10 s idle + 3 x 10 s
    assert t2.dpd == Dpd(10, 2)  # 30 s
    # tunnel 2 names no lists: AWS allows every value (API reference, in its order)
    assert t2.ike.encryption == (E.AES128, E.AES256, E.AES128_GCM_16, E.AES256_GCM_16)
    assert t2.ike.integrity == (H.SHA1, H.SHA2_256, H.SHA2_384, H.SHA2_512)
    assert t2.ike.dh_groups == (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
    assert t2.ipsec.pfs_groups == (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
    assert t2.ike.version is IkeVersion.IKEV1  # both allowed: the XML's ikev1 kept
    assert t2.ike.allowed_versions == (IkeVersion.IKEV1, IkeVersion.IKEV2)
    assert t2.ike.psk == "Example.Key_Tunnel2.hgfedcba" and t2.ike.lifetime_s == 28800
    # every option is in the IR now: nothing is "ignored"
    assert not [w for w in c.warnings if w.code == "tunnel-option-ignored"]
    assert (t1.aws_options.dpd_timeout_action, t1.aws_options.startup_action) == (
        DpdTimeoutAction.RESTART, StartupAction.START)
    assert (t2.aws_options.dpd_timeout_action, t2.aws_options.startup_action) == (
        DpdTimeoutAction.CLEAR, StartupAction.ADD)  # API defaults
    assert (t1.aws_options.dpd_timeout_s, t2.aws_options.dpd_timeout_s) == (40, 30)
    # the accepted sets are the TunnelOptions lists; omitted lists are every value AWS lists
    assert t1.accepted == Accepted(AcceptedSource.TUNNEL_OPTIONS, (IkeVersion.IKEV2,), (E.AES256_GCM_16, E.AES256),
                                   (H.SHA2_384,), (20, 19), (E.AES256_GCM_16,), (H.SHA2_256,), (5,), 14400, 1800)
    assert t2.accepted.source is AcceptedSource.TUNNEL_OPTIONS
    assert t2.accepted.ike_versions == (IkeVersion.IKEV1, IkeVersion.IKEV2)
    assert t2.accepted.pfs_groups == (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
    assert (t2.accepted.ike_lifetime_s, t2.accepted.esp_lifetime_s) == (28800, 3600)  # the XML's
    assert all(w.line for w in c.warnings)
    assert PSK_API1 not in repr(c)


def test_dpd_mapping():
    assert aws_json_options.dpd_from_timeout(30) == Dpd(10, 2)
    assert aws_json_options.dpd_from_timeout(40) == Dpd(10, 3)
    assert aws_json_options.dpd_from_timeout(45) == Dpd(10, 4)
    assert aws_json_options.dpd_from_timeout(120) == Dpd(10, 11)


def test_shapes_single_object_create_response_and_list():
    one = api([])
    for obj in (one, {"VpnConnection": one}, [one], {"VpnConnections": [one]}):
        (c,) = read(obj)
        assert c.vpn_connection_id == "vpn-0a1b2c3d" and c.source.format == "aws-json"


def test_many_connections_keep_order():
    conns = read({"VpnConnections": [api(VpnConnectionId=f"vpn-{i:08x}") for i in range(5)]})
    assert [c.vpn_connection_id for c in conns] == [f"vpn-{i:08x}" for i in range(5)]
    # the XML says vpn-0a1b2c3d; no TunnelOptions: AWS's defaults assumed
    assert all([w.code for w in c.warnings] == ["id-mismatch", "tunnel-options-assumed"] for c in conns[1:])


def test_security_hub_style_keys_and_bare_values():
    opts = [{"outside_ip_address": "198.51.100.7", "Phase1DhGroupNumbers": [14, 15],
             "phase1_encryption_algorithms": ["AES256"]}]
    (c,) = read({"VpnConnections": [api(opts)]})
    assert c.tunnels[0].ike.dh_groups == (14, 15) and c.tunnels[0].ike.encryption == (E.AES256,)


def test_static_routes_only_and_transit_gateway():
    (c,) = read({"VpnConnections": [api(None, TransitGatewayId="tgw-0abc1234", VpnGatewayId=None,
                                        Options={"StaticRoutesOnly": True})]})
    assert c.gateway.kind is GatewayKind.TGW and c.gateway.id == "tgw-0abc1234"
    assert c.routing is Routing.STATIC
    assert all(t.bgp is None and t.static_next_hop == t.inside.aws.ip for t in c.tunnels)
    assert [w.code for w in c.warnings] == ["routing-inconsistent", "tunnel-options-assumed"]


def test_pre_shared_key_arn_is_not_fetched():
    xml = XML2.replace(PSK1, "").replace("Example.Key_Tunnel2.hgfedcba", "")
    arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:vpn-psk-AbCdEf"
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7"}, {"OutsideIpAddress": "198.51.100.8"}],
                                        CustomerGatewayConfiguration=xml, PreSharedKeyArn=arn)]})
    assert [t.ike.psk for t in c.tunnels] == [None, None]
    arn_warnings = [w for w in c.warnings if w.code == "psk-in-secrets-manager"]
    assert len(arn_warnings) == 2 and all(arn in w.message for w in arn_warnings)


def test_vpn_classic_keeps_the_xml_suite():
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7"}], Category="VPN-Classic")]})
    assert c.tunnels[0].ike.encryption == (E.AES128,) and c.tunnels[0].ike.dh_groups == (2,)


def test_options_matched_by_outside_address_not_order():
    opts = [{"OutsideIpAddress": "198.51.100.8", "Phase1DHGroupNumbers": [{"Value": 21}]},
            {"OutsideIpAddress": "198.51.100.7", "Phase1DHGroupNumbers": [{"Value": 14}]}]
    (c,) = read({"VpnConnections": [api(opts)]})
    assert [t.ike.dh_groups for t in c.tunnels] == [(14,), (21,)]


def test_unmatched_options_entry_is_reported():
    opts = [{"OutsideIpAddress": "203.0.113.99"}]
    (c,) = read({"VpnConnections": [api(opts)]})
    # the entry matches no tunnel: both keep the XML's suite and AWS's default accepted sets
    assert [w.code for w in c.warnings] == ["tunnel-options-unmatched", "tunnel-options-assumed",
                                            "tunnel-options-assumed"]
    assert c.tunnels[0].ike.dh_groups == (2,)


def test_no_usable_connection_is_an_error():
    with pytest.raises(InputError, match="no usable VPN connection.*state deleted"):
        read({"VpnConnections": [api(State="deleted")]})
    with pytest.raises(InputError, match="no usable VPN connection"):
        read({"VpnConnections": []})
    with pytest.raises(InputError, match="no VpnConnections"):
        read({"Reservations": []})


def test_malformed_json_gives_line_and_column_without_the_key():
    text = json.dumps({"VpnConnections": [api([{"PreSharedKey": PSK_API1}])]}, indent=2)
    bad = text.replace(f'"PreSharedKey": "{PSK_API1}"', f'"PreSharedKey": "{PSK_API1}",,')
    with pytest.raises(InputError) as e:
        aws_json.read_all(bad, "bad.json")
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if '"PreSharedKey"' in ln)
    assert (e.value.file, e.value.line) == ("bad.json", line)
    assert e.value.column and e.value.column > 1
    assert "invalid JSON" in e.value.message
    assert PSK_API1 not in str(e.value)


def test_bad_value_in_tunnel_options_points_at_its_key():
    text = json.dumps({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7",
                                                "Phase1EncryptionAlgorithms": [{"Value": "3DES"}]}])]}, indent=2)
    with pytest.raises(InputError, match="Phase1EncryptionAlgorithms: unknown encryption") as e:
        aws_json.read_all(text, "d.json")
    assert '"Phase1EncryptionAlgorithms"' in text.splitlines()[e.value.line - 1]


def test_broken_embedded_xml_points_at_the_json_line():
    text = json.dumps({"VpnConnections": [api(CustomerGatewayConfiguration=XML2.replace("</ike>", "</ikx>", 1))]},
                      indent=2)
    with pytest.raises(InputError, match=r"vpn-0a1b2c3d: its CustomerGatewayConfiguration XML: malformed XML") as e:
        aws_json.read_all(text, "d.json")
    assert '"CustomerGatewayConfiguration"' in text.splitlines()[e.value.line - 1]
    assert PSK1 not in str(e.value)


@pytest.mark.parametrize("vendor", ["cisco-ios", "juniper", "fortinet"])
def test_device_on_either_allowed_ike_version_validates(vendor):
    """TunnelOptions that name no IkeVersions allow both: the IR compiles ikev1 (the XML's), a device
    running IKEv2 on the same tunnels is compliant too; one allowing ikev1 only flags it."""
    import ipaddress
    from dataclasses import replace

    import vpncc
    from vpncc.profile import Profile

    suite = {"Phase1DHGroupNumbers": [{"Value": 14}], "Phase2DHGroupNumbers": [{"Value": 14}]}
    (both,) = read(api([{"OutsideIpAddress": "198.51.100.7", **suite}, {"OutsideIpAddress": "198.51.100.8", **suite}]))
    assert [t.ike.version for t in both.tunnels] == [IkeVersion.IKEV1] * 2
    assert [t.ike.allowed_versions for t in both.tunnels] == [aws_json_options.DEFAULT_IKE_VERSIONS] * 2
    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")])
    v2 = replace(both, tunnels=tuple(replace(t, ike=replace(t.ike, version=IkeVersion.IKEV2, mode=None))
                                     for t in both.tunnels))
    device = vpncc.compile(v2, vendor, prof)
    assert [f.rule for f in vpncc.validate(both, vendor, device, profile=prof).findings if f.severity.value == "error"] == []
    only_v1 = [{"OutsideIpAddress": a, "IkeVersions": [{"Value": "ikev1"}], **suite}
               for a in ("198.51.100.7", "198.51.100.8")]
    (v1,) = read(api(only_v1))
    errors = [(f.name, f.tunnel) for f in vpncc.validate(v1, vendor, device, profile=prof).findings
              if f.severity.value == "error"]
    assert errors == [("ike-version-mismatch", 1), ("ike-version-mismatch", 2)]
