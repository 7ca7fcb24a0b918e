"""``--tunnel-options``: the downloaded file merged with the API's TunnelOptions, every difference a warning.

The "downloaded file" is the XML of vpn-ba2e34a8 as batfish stores it next to its Cisco host
(anonymised outside addresses and PSKs); the tunnel options are batfish's VpnConnectionWithTunnelOptions
fixture of the same connection. Expected warnings are written out by hand from the two files.
"""

from __future__ import annotations

import json
from dataclasses import replace
from ipaddress import IPv4Address as A

import pytest

from tests.strategies import sample_connection
from vpncc.errors import InputError
from vpncc.ir import Encryption as E
from vpncc.ir import IkeVersion
from vpncc.ir import Integrity as H
from vpncc.readers import aws_json, aws_xml, merge

from .test_json_options import XML2, api

FILE = "corpus/xml/batfish-ipsec-vpn-host-aws-cisco-VpnConnections.cgc1.xml"
OPTS = "corpus/xml/batfish-VpnConnectionWithTunnelOptions.json"
API_PSKS = ("QMP5tKPP5qk95Y1Eee9c_82.MofNUJQV", "tYrysT4iT0.CRwQnhiBbng.BahDc7YPq")


@pytest.fixture
def pair(shared):
    f = aws_xml.read((shared / FILE).read_text(encoding="utf-8"), "aws.xml")
    o = aws_json.read_all((shared / OPTS).read_text(encoding="utf-8"), str(shared / OPTS))
    return f, o


def test_merge_takes_api_values(pair):
    f, o = pair
    m = merge.merge(f, merge.pick(f, o))
    t1, t2 = m.tunnels
    assert [t.ike.psk for t in m.tunnels] == list(API_PSKS)
    assert [t.outside.aws for t in m.tunnels] == [A("52.27.166.152"), A("52.39.121.126")]
    assert {t.outside.customer for t in m.tunnels} == {A("147.75.69.27")}
    assert (t1.ike.encryption, t1.ike.integrity, t1.ike.dh_groups) == ((E.AES128, E.AES128_GCM_16),
                                                                       (H.SHA1, H.SHA2_512), (2,))
    assert (t1.ipsec.encryption, t1.ipsec.integrity, t1.ipsec.pfs_groups) == ((E.AES128, E.AES128_GCM_16),
                                                                              (H.SHA2_512,), (15, 16))
    assert (t2.ike.encryption, t2.ike.dh_groups, t2.ipsec.encryption, t2.ipsec.pfs_groups) == (
        (E.AES256, E.AES128_GCM_16), (22, 23), (E.AES128_GCM_16,), (14, 15, 16))
    # what neither side changes stays the file's
    assert (t1.ike.version, t1.ike.lifetime_s, t1.ipsec.lifetime_s, t1.tcp_mss) == (IkeVersion.IKEV1, 28800, 3600, 1379)
    assert t1.bgp == f.tunnels[0].bgp
    assert m.source == f.source and m.vpn_connection_id == "vpn-ba2e34a8"


def test_every_difference_is_a_warning(pair):
    f, o = pair
    m = merge.merge(f, o)
    got = [(w.code, w.message, w.line) for w in m.warnings]
    differs = [(msg, line) for code, msg, line in got if code == "tunnel-option-differs"]
    nope = ": the file's value is not allowed"
    # a file value inside what the tunnel allows is the file's example, not a difference (issue 16)
    assert differs == [
        ("tunnel 1: the file says customer gateway outside address 4.4.4.27, the API says 147.75.69.27", 9),
        ("tunnel 1: the file says AWS outside address 1.2.3.4, the API says 52.27.166.152", 23),
        ("tunnel 1: the file's pre-shared key differs from the API's; the API's is used", 41),
        ("tunnel 1: the file says phase 2 integrity SHA1, the tunnel allows SHA2-512" + nope, 45),
        ("tunnel 1: the file says phase 2 PFS DH group 2, the tunnel allows 15, 16" + nope, 48),
        ("tunnel 2: the file says customer gateway outside address 4.4.4.27, the API says 147.75.69.27", 62),
        ("tunnel 2: the file says AWS outside address 5.6.7.8, the API says 52.39.121.126", 76),
        ("tunnel 2: the file's pre-shared key differs from the API's; the API's is used", 94),
        ("tunnel 2: the file says phase 1 encryption AES128, the tunnel allows AES256, AES128-GCM-16" + nope, 90),
        ("tunnel 2: the file says phase 1 DH group 2, the tunnel allows 22, 23" + nope, 92),
        ("tunnel 2: the file says phase 2 encryption AES128, the tunnel allows AES128-GCM-16" + nope, 99),
        ("tunnel 2: the file says phase 2 integrity SHA1, the tunnel allows SHA2-512" + nope, 98),
        ("tunnel 2: the file says phase 2 PFS DH group 2, the tunnel allows 14, 15, 16" + nope, 101),
    ]
    assert got[0][0] == "tunnel-options-merged"
    text = json.dumps(m.to_dict()["warnings"])
    for secret in (*API_PSKS, "abcdefghijklmnop"):
        assert secret not in text


def test_merge_drops_origin_of_replaced_values(pair):
    f, o = pair
    m = merge.merge(f, o)
    assert m.position("tunnels[0].ipsec.pfs_groups") is None
    assert m.position("tunnels[0].tcp_mss") == f.position("tunnels[0].tcp_mss")


def test_same_settings_give_only_the_header(pair):
    _, o = pair
    m = merge.merge(o[0], o)
    assert [w.code for w in m.warnings] == ["tunnel-options-merged"]
    assert m.tunnels == o[0].tunnels


def test_redacted_file_values_are_filled_without_a_difference():
    f = aws_xml.read(XML2.replace("Example.Key_Tunnel1.abcdefgh", "&lt;REDACTED_FOR_SECURITY&gt;"), "aws.xml")
    assert f.tunnels[0].ike.psk is None
    (o,) = aws_json.read_all(json.dumps({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7",
                                                                  "PreSharedKey": "Api.Key_0123456789"}])]}))
    m = merge.merge(f, o)
    assert m.tunnels[0].ike.psk == "Api.Key_0123456789"
    assert not any("pre-shared key" in w.message for w in m.warnings if w.code == "tunnel-option-differs")


def test_api_without_psk_keeps_the_files():
    f = aws_xml.read(XML2, "aws.xml")
    xml = XML2.replace("Example.Key_Tunnel1.abcdefgh", "").replace("Example.Key_Tunnel2.hgfedcba", "")
    (o,) = aws_json.read_all(json.dumps(api([{"OutsideIpAddress": "198.51.100.7"}], CustomerGatewayConfiguration=xml,
                                            PreSharedKeyArn="arn:aws:secretsmanager:x:1:secret:k")))
    m = merge.merge(f, o)
    assert [t.ike.psk for t in m.tunnels] == [t.ike.psk for t in f.tunnels]


def test_ike_version_of_the_file_kept_when_the_tunnel_allows_it():
    f = aws_xml.read(XML2, "aws.xml")
    f2 = replace(f, tunnels=tuple(replace(t, ike=replace(t.ike, version=IkeVersion.IKEV2)) for t in f.tunnels))
    (both,) = aws_json.read_all(json.dumps(api([{"OutsideIpAddress": "198.51.100.7"},
                                                {"OutsideIpAddress": "198.51.100.8"}])))
    m = merge.merge(f2, both)
    assert [t.ike.version for t in m.tunnels] == [IkeVersion.IKEV2, IkeVersion.IKEV2]
    assert not any("IKE version" in w.message for w in m.warnings)
    (v1,) = aws_json.read_all(json.dumps(api([{"OutsideIpAddress": "198.51.100.7",
                                               "IkeVersions": [{"Value": "ikev1"}]}])))
    m = merge.merge(f2, v1)
    assert [t.ike.version for t in m.tunnels] == [IkeVersion.IKEV1, IkeVersion.IKEV1]
    ike = [w.message for w in m.warnings if "IKE version" in w.message and w.code == "tunnel-option-differs"]
    # tunnel 2 has no options entry: its accepted sets stay AWS's defaults, and the file's remark stays
    assert [t.accepted.source.value for t in m.tunnels] == ["tunnel-options", "aws-defaults"]
    assert "tunnel-options-assumed" in [w.code for w in m.warnings]
    # tunnel 2 has no options entry: the API's embedded XML names ikev1 and nothing lists what else is allowed
    assert ike == ["tunnel 1: the file says IKE version ikev2, the tunnel allows ikev1",
                   "tunnel 2: the file says IKE version ikev2, the API says ikev1"]


def test_pick_by_id_or_the_only_one():
    f = aws_xml.read(XML2, "aws.xml")
    a, b = aws_json.read_all(json.dumps({"VpnConnections": [api(VpnConnectionId="vpn-other"),
                                                              api(VpnConnectionId="vpn-0a1b2c3d")]}), "d.json")
    assert merge.pick(f, [a, b]) is b
    with pytest.raises(InputError, match="the tunnel options are for vpn-other, but the file is connection "
                                         "vpn-0a1b2c3d"):
        merge.pick(f, [a])
    with pytest.raises(InputError, match="no connection vpn-0a1b2c3d among the tunnel options"):
        merge.pick(f, [a, a])
    anonymous = replace(f, vpn_connection_id="vpn-")
    assert merge.pick(anonymous, [a]) is a
    assert merge.merge(anonymous, a).vpn_connection_id == "vpn-other"


def test_tunnels_matched_by_inside_network_when_outside_addresses_differ():
    conn = sample_connection()
    swapped = replace(conn, tunnels=(replace(conn.tunnels[1], number=1), replace(conn.tunnels[0], number=2)))
    m = merge.merge(conn, swapped)
    # matched by outside address: same settings, no difference, numbering of the file kept
    assert [t.number for t in m.tunnels] == [1, 2]
    assert [t.outside.aws for t in m.tunnels] == [t.outside.aws for t in conn.tunnels]
    assert [w.code for w in m.warnings] == ["tunnel-options-merged"]


# -- the user story: a real generic download (PSKs and outside addresses redacted) + the API -------

GENERIC = "corpus/generic/ahmad-soud-tgw-bgp-CONNECTION1CONFIG.redactedpsk.txt"
API_T1, API_T2 = "Api.Key_Tunnel1.abcdef012345", "Api.Key_Tunnel2.543210fedcba"


def _describe_for_ahmad_soud() -> str:
    """describe-vpn-connections for vpn-02315a9c089bedba4, written by hand (documentation addresses)."""
    from .test_xml_variants import doc, tunnel

    xml = doc(tunnel(psk=API_T1, outside="203.0.113.5", aws="198.51.100.20",
                     inside=("169.254.144.174", "169.254.144.173")),
              tunnel(psk=API_T2, outside="203.0.113.5", aws="198.51.100.21",
                     inside=("169.254.213.222", "169.254.213.221")),
              vgw="<vpn_gateway_id></vpn_gateway_id>")
    xml = xml.replace("vpn-0a1b2c3d", "vpn-02315a9c089bedba4").replace("cgw-0f1e2d3c", "cgw-09f1ce9df67a9d995")
    xml = xml.replace("<asn>65000</asn>", "<asn>65016</asn>")
    v = lambda *xs: [{"Value": x} for x in xs]  # noqa: E731
    return json.dumps({"VpnConnections": [{
        "Category": "VPN", "CustomerGatewayConfiguration": xml, "CustomerGatewayId": "cgw-09f1ce9df67a9d995",
        "State": "available", "Type": "ipsec.1", "VpnConnectionId": "vpn-02315a9c089bedba4",
        "TransitGatewayId": "tgw-0123456789abcdef0",
        "Options": {"StaticRoutesOnly": False, "TunnelOptions": [
            {"OutsideIpAddress": "198.51.100.20", "TunnelInsideCidr": "169.254.144.172/30", "PreSharedKey": API_T1,
             "Phase1EncryptionAlgorithms": v("AES256"), "Phase2EncryptionAlgorithms": v("AES256"),
             "Phase1IntegrityAlgorithms": v("SHA2-256"), "Phase2IntegrityAlgorithms": v("SHA2-256"),
             "Phase1DHGroupNumbers": v(14, 19, 20), "Phase2DHGroupNumbers": v(14), "IkeVersions": v("ikev2"),
             "Phase1LifetimeSeconds": 28800, "Phase2LifetimeSeconds": 3600, "DpdTimeoutSeconds": 40},
            {"OutsideIpAddress": "198.51.100.21", "TunnelInsideCidr": "169.254.213.220/30",
             "PreSharedKey": API_T2},
        ]},
    }]}, indent=2)


def test_generic_file_with_tunnel_options(shared):
    from vpncc.checks import check
    from vpncc.readers import aws_generic

    f = aws_generic.read((shared / GENERIC).read_text(encoding="utf-8"), "aws.txt")
    assert [t.ike.psk for t in f.tunnels] == [None, None] and f.tunnels[0].outside.aws is None
    (o,) = aws_json.read_all(_describe_for_ahmad_soud(), "describe.json")
    m = merge.merge(f, merge.pick(f, [o]))
    check(m)
    t1, t2 = m.tunnels
    # the redacted values come from the API, without a "difference"
    assert [t.ike.psk for t in m.tunnels] == [API_T1, API_T2]
    assert [t.outside.aws for t in m.tunnels] == [A("198.51.100.20"), A("198.51.100.21")]
    assert {t.outside.customer for t in m.tunnels} == {A("203.0.113.5")}
    assert m.gateway.id == "tgw-0123456789abcdef0"
    assert t1.ike.version is IkeVersion.IKEV2 and t2.ike.version is IkeVersion.IKEV1
    assert (t1.ike.dh_groups, t1.ipsec.pfs_groups) == ((14, 19, 20), (14,))
    assert t2.ike.dh_groups == (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
    nope = ": the file's value is not allowed"
    assert [(w.message, w.line) for w in m.warnings if w.code == "tunnel-option-differs"] == [
        ("tunnel 1: the file says IKE version ikev1, the tunnel allows ikev2", 34),
        ("tunnel 1: the file says phase 1 encryption AES128, the tunnel allows AES256" + nope, 38),
        ("tunnel 1: the file says phase 1 integrity SHA1, the tunnel allows SHA2-256" + nope, 37),
        ("tunnel 1: the file says phase 1 DH group 2, the tunnel allows 14, 19, 20" + nope, 41),
        ("tunnel 1: the file says phase 2 encryption AES128, the tunnel allows AES256" + nope, 53),
        ("tunnel 1: the file says phase 2 integrity SHA1, the tunnel allows SHA2-256" + nope, 52),
        ("tunnel 1: the file says phase 2 PFS DH group 2, the tunnel allows 14" + nope, 56),
        # tunnel 2 lists nothing: every value AWS lists is allowed, the file's example among them
    ]
    for secret in (API_T1, API_T2):
        assert secret not in json.dumps([w.message for w in m.warnings])
    # the file's "redacted" warnings are gone: the API supplied those values
    assert {w.code for w in f.warnings} >= {"psk-redacted", "redacted"}
    assert not {w.code for w in m.warnings} & {"psk-redacted", "redacted"}


def test_unfilled_redaction_warnings_stay(shared):
    from vpncc.readers import aws_generic

    f = aws_generic.read((shared / GENERIC).read_text(encoding="utf-8"), "aws.txt")
    describe = json.loads(_describe_for_ahmad_soud())
    for o in describe["VpnConnections"][0]["Options"]["TunnelOptions"]:
        del o["PreSharedKey"]
    xml = describe["VpnConnections"][0]["CustomerGatewayConfiguration"]
    describe["VpnConnections"][0]["CustomerGatewayConfiguration"] = xml.replace(API_T1, "").replace(API_T2, "")
    (o,) = aws_json.read_all(json.dumps(describe))
    m = merge.merge(f, o)
    assert [t.ike.psk for t in m.tunnels] == [None, None]
    assert [w.line for w in m.warnings if w.code == "psk-redacted"] == [36, 138]
    assert "redacted" not in {w.code for w in m.warnings}


# -- a describe-vpn-connections output without CustomerGatewayConfiguration (a --query result) --------

def _query_result(tmp_path, options: list, **conn):
    obj = {"VpnConnectionId": "vpn-0a1b2c3d", "CustomerGatewayId": "cgw-0f1e2d3c", "VpnGatewayId": "vgw-01234567",
           "Options": {"StaticRoutesOnly": False, "TunnelOptions": options}}
    obj.update(conn)
    path = tmp_path / "query.json"
    path.write_text(json.dumps({"VpnConnections": [obj]}, indent=2), encoding="utf-8")
    return path


def test_options_without_customer_gateway_configuration_are_merged(tmp_path):
    from vpncc.ir import AcceptedSource, StartupAction

    f = aws_xml.read(XML2, "aws.xml")
    # listed in the opposite order: matched by outside address
    path = _query_result(tmp_path, [
        {"OutsideIpAddress": "198.51.100.8", "IkeVersions": [{"Value": "ikev2"}], "StartupAction": "start"},
        {"OutsideIpAddress": "198.51.100.7", "Phase1DHGroupNumbers": [{"Value": 20}],
         "Phase2DHGroupNumbers": [{"Value": 20}]},
    ], Options={"StaticRoutesOnly": False, "LocalIpv4NetworkCidr": "10.0.0.0/16", "TunnelOptions": [
        {"OutsideIpAddress": "198.51.100.8", "IkeVersions": [{"Value": "ikev2"}], "StartupAction": "start"},
        {"OutsideIpAddress": "198.51.100.7", "Phase1DHGroupNumbers": [{"Value": 20}],
         "Phase2DHGroupNumbers": [{"Value": 20}]}]})
    (opts,) = merge.load(path)
    assert isinstance(opts, merge.ApiOptions)
    m = merge.merge(f, merge.pick(f, [opts]))
    t1, t2 = m.tunnels
    assert [t.accepted.source for t in m.tunnels] == [AcceptedSource.TUNNEL_OPTIONS] * 2
    assert t1.accepted.ike_dh_groups == (20,) and t1.accepted.pfs_groups == (20,)
    assert t1.accepted.ike_versions == (IkeVersion.IKEV1, IkeVersion.IKEV2)   # omitted: both
    assert t2.accepted.ike_versions == (IkeVersion.IKEV2,) and t2.ike.version is IkeVersion.IKEV2
    assert t2.aws_options.startup_action is StartupAction.START
    assert str(m.options.local_ipv4_cidr) == "10.0.0.0/16"
    # the file's keys and addresses stay (the query result has none)
    assert [t.ike.psk for t in m.tunnels] == [t.ike.psk for t in f.tunnels]
    codes = [w.code for w in m.warnings]
    assert "tunnel-options-assumed" not in codes and "tunnel-options-merged" in codes
    msgs = [w.message for w in m.warnings if w.code == "tunnel-option-differs"]
    assert "tunnel 1: the file says phase 1 DH group 2, the tunnel allows 20: the file's value is not allowed" in msgs


def test_load_refuses_json_without_tunnel_options(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"VpnConnections": [{"VpnConnectionId": "vpn-0a1b2c3d", "Options": {}}]}))
    with pytest.raises(InputError, match="no connection with Options.TunnelOptions"):
        merge.load(path)


def test_load_keeps_full_connections(shared):
    loaded = merge.load(shared / OPTS)
    assert [type(c).__name__ for c in loaded] == ["Connection"]
