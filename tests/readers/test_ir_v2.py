"""IR schema_version 2: the accepted sets, the other tunnel options, the connection options, and
certificate authentication; their JSON round trip, reading schema_version 1 documents, and AWS's
documented defaults (vpncc.aws_defaults) for inputs that never state them."""

from __future__ import annotations

import json
from dataclasses import replace
from ipaddress import IPv4Network as N4
from ipaddress import IPv6Address as A6
from ipaddress import IPv6Network as N6
from ipaddress import ip_address

import jsonschema
import pytest

from tests.conftest import ROOT
from vpncc import aws_defaults
from vpncc.errors import InputError
from vpncc.ir import (
    SCHEMA_VERSION,
    Accepted,
    AcceptedSource,
    AwsOptions,
    Connection,
    ConnectionOptions,
    DpdTimeoutAction,
    InsideIpVersion,
    LogOptions,
    LogOutputFormat,
    OutsideIpType,
    StartupAction,
    StaticRoute,
    from_dict,
)
from vpncc.ir import (
    Encryption as E,
)
from vpncc.ir import (
    IkeVersion as V,
)
from vpncc.ir import (
    Integrity as H,
)
from vpncc.readers import aws_generic, aws_json, aws_xml, ir_json
from vpncc.readers.ir_schema import schema

from .test_json_options import api, read
from .test_xml_variants import doc, tunnel

SAMPLES = ROOT / "samples"
DATA = ROOT / "tests" / "readers" / "data"
DEFAULT_P1_DH = (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)        # API reference, Phase1DHGroupNumbers
DEFAULT_P2_DH = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)     # Phase2DHGroupNumbers
ALL_ENC = (E.AES128, E.AES256, E.AES128_GCM_16, E.AES256_GCM_16)
ALL_INT = (H.SHA1, H.SHA2_256, H.SHA2_384, H.SHA2_512)


def _sample(name: str) -> Connection:
    path = SAMPLES / name
    return aws_json.read(path.read_text(encoding="utf-8"), str(path))


def _roundtrip(conn: Connection) -> Connection:
    d = conn.to_dict()
    jsonschema.validate(d, schema())
    back = from_dict(json.loads(json.dumps(d)))
    assert back.to_dict() == d
    return back


# -- AWS's defaults ---------------------------------------------------------------------------

def test_default_table_matches_the_documentation():
    a = aws_defaults.default_accepted()
    assert a == Accepted(AcceptedSource.AWS_DEFAULTS, (V.IKEV1, V.IKEV2), ALL_ENC, ALL_INT, DEFAULT_P1_DH,
                         ALL_ENC, ALL_INT, DEFAULT_P2_DH, 28800, 3600)
    assert (aws_defaults.PHASE1_LIFETIME_RANGE, aws_defaults.PHASE2_LIFETIME_RANGE) == ((900, 28800), (900, 3600))
    assert (aws_defaults.REKEY_FUZZ_RANGE, aws_defaults.REPLAY_WINDOW_RANGE) == ((0, 100), (64, 2048))
    assert aws_defaults.rekey_margin_max(3600) == 1800 and aws_defaults.REKEY_MARGIN_MIN == 60
    # the IR's AwsOptions() defaults are the table's (both written from the API reference)
    o = AwsOptions()
    assert (o.startup_action.value, o.dpd_timeout_s, o.dpd_timeout_action.value, o.rekey_margin_s,
            o.rekey_fuzz_pct, o.replay_window, o.lifecycle_control, o.log) == (
        aws_defaults.STARTUP_ACTION, aws_defaults.DPD_TIMEOUT_S, aws_defaults.DPD_TIMEOUT_ACTION,
        aws_defaults.REKEY_MARGIN_S, aws_defaults.REKEY_FUZZ_PCT, aws_defaults.REPLAY_WINDOW, False, None)


def test_version_hint_orders_but_never_removes_and_govcloud_drops_the_weak_minimum():
    assert aws_defaults.default_accepted(V.IKEV2).ike_versions == (V.IKEV2, V.IKEV1)
    gov = aws_defaults.default_accepted(govcloud=True)
    assert H.SHA1 not in gov.ike_integrity and H.SHA1 not in gov.esp_integrity
    assert min(gov.ike_dh_groups) == 14 and min(gov.pfs_groups) == 14
    assert gov.ike_encryption == ALL_ENC


def test_generic_file_gets_aws_defaults_and_keeps_its_example_suite():
    text = (SAMPLES / "static-vgw-ikev2-2022.txt").read_text(encoding="utf-8")
    conn = aws_generic.read(text, "s.txt")
    for t in conn.tunnels:
        assert t.accepted.source is AcceptedSource.AWS_DEFAULTS
        assert t.accepted.ike_versions == (V.IKEV2, V.IKEV1)       # the file's version first
        assert (t.accepted.ike_dh_groups, t.accepted.pfs_groups) == (DEFAULT_P1_DH, DEFAULT_P2_DH)
        # the example suite stays where it was
        assert (t.ike.encryption, t.ike.integrity, t.ike.dh_groups) == ((E.AES256,), (H.SHA2_256,), (14,))
        assert t.ike.allowed_versions is None
        assert t.aws_options == AwsOptions()
    assert conn.options == ConnectionOptions()


def test_xml_gets_aws_defaults_and_says_so():
    c = aws_xml.read(doc(tunnel(), tunnel(aws="198.51.100.8", inside=("169.254.45.62", "169.254.45.61"))), "x.xml")
    assert {t.accepted.source for t in c.tunnels} == {AcceptedSource.AWS_DEFAULTS}
    (w,) = [w for w in c.warnings if w.code == "tunnel-options-assumed"]
    assert "names no accepted IKE versions" in w.message and "describe-vpn-connections" in w.message


# -- JSON round trip and schema_version 1 -----------------------------------------------------

def test_every_new_field_round_trips():
    base = _sample("api-restricted.json")
    log = LogOptions(True, "arn:aws:logs:us-east-1:111122223333:log-group:vpn", LogOutputFormat.JSON)
    opts = ConnectionOptions(N4("10.0.0.0/16"), N4("172.16.0.0/12"), N6("fd00:1::/64"), N6("::/0"),
                             InsideIpVersion.IPV6, OutsideIpType.IPV6, True, "tgw-attach-0123456789abcdef0",
                             (StaticRoute(N4("10.1.0.0/16"), "available"), StaticRoute(N6("fd00:2::/64"))))
    t1 = base.tunnels[0]
    t1 = replace(t1, outside=replace(t1.outside, customer=A6("2001:db8::1"), aws=A6("2001:db8::2")),
                 ike=replace(t1.ike, auth="certificate", psk=None, certificate_arn="arn:aws:acm:x:1:certificate/y"),
                 aws_options=AwsOptions(StartupAction.START, 35, DpdTimeoutAction.NONE, 600, 50, 64, True, log))
    conn = replace(base, options=opts, tunnels=(t1, base.tunnels[1]))
    back = _roundtrip(conn)
    assert back == conn
    assert back.tunnels[0].outside.aws == ip_address("2001:db8::2")
    assert back.schema_version == SCHEMA_VERSION == 2


@pytest.mark.parametrize("name", ["api-accelerated.json", "api-private-ip-dx.json", "api-ipv6-outside.json",
                                  "api-certificate.json", "api-restricted.json"])
def test_samples_round_trip_and_match_the_schema(name):
    conn = _sample(name)
    assert _roundtrip(conn) == conn


def test_schema_version_1_document_reads_with_defaults():
    text = (DATA / "ir-v1-static-ikev2.json").read_text(encoding="utf-8")
    assert json.loads(text)["schema_version"] == 1
    conn = ir_json.read(text, "old.json")
    assert conn.schema_version == 2 and conn.options == ConnectionOptions()
    for t in conn.tunnels:
        # a v1 generic-file document: the accepted sets are AWS's defaults, with the document's lifetimes
        assert t.accepted == aws_defaults.default_accepted_with_lifetimes(t.ike.lifetime_s, t.ipsec.lifetime_s)
        assert t.aws_options == AwsOptions() and t.ike.certificate_arn is None
    jsonschema.validate(conn.to_dict(), schema())


def test_schema_version_1_api_document_maps_allowed_versions_into_accepted():
    d = json.loads((DATA / "ir-v1-static-ikev2.json").read_text(encoding="utf-8"))
    d["source"]["format"] = "aws-json"
    for t in d["tunnels"]:
        t["ike"]["allowed_versions"] = ["ikev2"]
        t["ike"]["dh_groups"] = [20, 14]
    conn = from_dict(d)
    for t in conn.tunnels:
        assert t.accepted.source is AcceptedSource.TUNNEL_OPTIONS
        assert t.accepted.ike_versions == (V.IKEV2,) == t.ike.allowed_versions
        assert t.accepted.ike_dh_groups == (20, 14)


def test_unknown_schema_version_is_refused():
    d = json.loads((DATA / "ir-v1-static-ikev2.json").read_text(encoding="utf-8"))
    d["schema_version"] = 3
    with pytest.raises(InputError, match="schema_version 3"):
        ir_json.read(json.dumps(d), "x.json")


# -- every TunnelOption and connection option from the API JSON ------------------------------

def test_restricted_sample_accepted_sets_and_options():
    conn = _sample("api-restricted.json")
    for t in conn.tunnels:
        a = t.accepted
        assert a.source is AcceptedSource.TUNNEL_OPTIONS
        assert a.ike_versions == (V.IKEV2,) and t.ike.version is V.IKEV2
        assert a.ike_encryption == a.esp_encryption == (E.AES256_GCM_16, E.AES256)
        assert a.ike_integrity == a.esp_integrity == (H.SHA2_256, H.SHA2_384)
        assert a.ike_dh_groups == a.pfs_groups == (19, 20, 14)
        assert t.aws_options.startup_action is StartupAction.START
        assert t.aws_options.dpd_timeout_action is DpdTimeoutAction.RESTART
    assert not [w for w in conn.warnings if w.code == "tunnel-option-ignored"]


@pytest.mark.parametrize("key, value, field, expected", [
    ("StartupAction", "start", "startup_action", StartupAction.START),
    ("DpdTimeoutAction", "none", "dpd_timeout_action", DpdTimeoutAction.NONE),
    ("DpdTimeoutSeconds", 60, "dpd_timeout_s", 60),
    ("RekeyMarginTimeSeconds", 540, "rekey_margin_s", 540),
    ("RekeyFuzzPercentage", 0, "rekey_fuzz_pct", 0),
    ("ReplayWindowSize", 2048, "replay_window", 2048),
    ("EnableTunnelLifecycleControl", True, "lifecycle_control", True),
    ("LogOptions", {"CloudWatchLogOptions": {"LogEnabled": True, "LogOutputFormat": "text",
                                             "LogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:v"}},
     "log", LogOptions(True, "arn:aws:logs:us-east-1:111122223333:log-group:v", LogOutputFormat.TEXT)),
])
def test_each_tunnel_option_is_read(key, value, field, expected):
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", key: value}])]})
    t1, t2 = c.tunnels
    assert getattr(t1.aws_options, field) == expected
    assert t2.aws_options == AwsOptions()       # no entry for tunnel 2: AWS's defaults
    assert not [w for w in c.warnings if w.code == "tunnel-option-ignored"]


def test_ike_versions_option_is_the_accepted_set():
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", "IkeVersions": [{"Value": "ikev2"}]}])]})
    t1 = c.tunnels[0]
    assert t1.accepted.ike_versions == t1.ike.allowed_versions == (V.IKEV2,) and t1.ike.version is V.IKEV2


@pytest.mark.parametrize("key, value, message", [
    ("RekeyMarginTimeSeconds", 1801, "RekeyMarginTimeSeconds must be a whole number from 60 to 1800"),
    ("RekeyMarginTimeSeconds", 59, "from 60 to"),
    ("RekeyFuzzPercentage", 101, "RekeyFuzzPercentage must be a whole number from 0 to 100"),
    ("ReplayWindowSize", 32, "ReplayWindowSize must be a whole number from 64 to 2048"),
    ("DpdTimeoutSeconds", 29, "DpdTimeoutSeconds must be a whole number from 30"),
    ("StartupAction", "later", "StartupAction 'later' is not one of add | start"),
    ("DpdTimeoutAction", "reboot", "is not one of clear | none | restart"),
    ("EnableTunnelLifecycleControl", "yes", "must be true or false"),
])
def test_out_of_range_tunnel_options_are_errors(key, value, message):
    with pytest.raises(InputError, match=message.replace("|", r"\|")):
        read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", key: value}])]})


def test_rekey_margin_bound_follows_the_phase2_lifetime():
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", "Phase2LifetimeSeconds": 1200,
                                           "RekeyMarginTimeSeconds": 600}])]})
    assert c.tunnels[0].aws_options.rekey_margin_s == 600
    with pytest.raises(InputError, match="from 60 to 600"):
        read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", "Phase2LifetimeSeconds": 1200,
                                       "RekeyMarginTimeSeconds": 601}])]})


def test_connection_options_and_routes():
    options = {"StaticRoutesOnly": True, "LocalIpv4NetworkCidr": "10.10.0.0/16",
               "RemoteIpv4NetworkCidr": "10.20.0.0/16",
               "TunnelInsideIpVersion": "ipv4", "OutsideIpAddressType": "PrivateIpv4", "EnableAcceleration": False,
               "TransportTransitGatewayAttachmentId": "tgw-attach-0a1b2c3d4e5f60718",
               "TunnelOptions": [{"OutsideIpAddress": "198.51.100.7"}]}
    routes = [{"DestinationCidrBlock": "10.10.0.0/16", "Source": "Static", "State": "available"}]
    (c,) = read({"VpnConnections": [api(None, Options=options, Routes=routes, TransitGatewayId="tgw-0abc1234",
                                        VpnGatewayId=None)]})
    o = c.options
    assert (o.local_ipv4_cidr, o.remote_ipv4_cidr) == (N4("10.10.0.0/16"), N4("10.20.0.0/16"))
    assert o.outside_ip_type is OutsideIpType.PRIVATE_IPV4 and o.acceleration is False
    assert o.transport_attachment_id == "tgw-attach-0a1b2c3d4e5f60718"
    assert o.routes == (StaticRoute(N4("10.10.0.0/16"), "available", "Static"),)
    assert not [w for w in c.warnings if w.code == "tunnel-option-ignored"]


def test_sample_options():
    acc = _sample("api-accelerated.json")
    assert acc.options.acceleration is True and acc.gateway.kind.value == "tgw"
    dx = _sample("api-private-ip-dx.json")
    assert dx.options.outside_ip_type is OutsideIpType.PRIVATE_IPV4
    assert dx.options.transport_attachment_id == "tgw-attach-0d1c0ffee0000a002"
    assert all(t.outside.aws.is_private and t.outside.customer.is_private for t in dx.tunnels)
    six = _sample("api-ipv6-outside.json")
    assert six.options.outside_ip_type is OutsideIpType.IPV6
    assert six.options.tunnel_inside_ip_version is InsideIpVersion.IPV6
    assert (six.options.local_ipv6_cidr, six.options.remote_ipv6_cidr) == (N6("::/0"), N6("::/0"))
    assert [t.outside.aws for t in six.tunnels] == [A6("2001:db8:200::21"), A6("2001:db8:200::22")]
    assert all(t.outside.customer == A6("2001:db8:100::10") and t.inside_ipv6 is not None for t in six.tunnels)


def test_certificate_sample_has_no_psk():
    conn = _sample("api-certificate.json")
    for t in conn.tunnels:
        assert (t.ike.auth, t.ike.psk) == ("certificate", None)
        assert t.ike.certificate_arn.startswith("arn:aws:acm:us-east-1:111122223333:certificate/0a1b")
    assert not [w for w in conn.warnings if w.code in ("psk-redacted", "psk-in-secrets-manager")]


def test_xml_without_pre_shared_key_is_certificate_auth():
    c = aws_xml.read(doc(tunnel().replace(f"<pre_shared_key>{tunnel.__defaults__[0]}</pre_shared_key>", "")), "x.xml")
    assert (c.tunnels[0].ike.auth, c.tunnels[0].ike.psk) == ("certificate", None)
    assert "auth-certificate" in [w.code for w in c.warnings]


def test_govcloud_arn_gives_govcloud_defaults_for_omitted_lists():
    arn = "arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:vpn"
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7"}], PreSharedKeyArn=arn)]})
    a = c.tunnels[0].accepted
    assert H.SHA1 not in a.ike_integrity and 2 not in a.ike_dh_groups and 2 not in a.pfs_groups
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7"}])]})
    assert H.SHA1 in c.tunnels[0].accepted.ike_integrity


def test_xml_implies_outside_type_from_the_addresses():
    two = lambda **kw: doc(tunnel(**kw), tunnel(**{**kw, "inside": ("169.254.45.62", "169.254.45.61")}))  # noqa: E731
    # AWS's endpoints of an internet VPN are public: RFC 1918 ones are a private IP VPN over Direct Connect
    c = aws_xml.read(two(outside="10.20.0.10", aws="172.16.100.10"), "x.xml")
    assert c.options.outside_ip_type is OutsideIpType.PRIVATE_IPV4
    c = aws_xml.read(two(outside="2001:db8:100::10", aws="2001:db8:200::21"), "x.xml")
    assert c.options.outside_ip_type is OutsideIpType.IPV6 and c.tunnels[0].outside.aws == A6("2001:db8:200::21")
    # documentation addresses (Python calls them "private") stay public
    c = aws_xml.read(two(), "x.xml")
    assert c.options == ConnectionOptions()


def test_ipv6_inside_xml_implies_ipv6_inside_version():
    conn = _sample("api-ipv6-outside.json")
    xml = json.loads((SAMPLES / "api-ipv6-outside.json").read_text())["VpnConnections"][0][
        "CustomerGatewayConfiguration"]
    x = aws_xml.read(xml, "x.xml")
    assert x.options.tunnel_inside_ip_version is InsideIpVersion.IPV6
    assert x.options.outside_ip_type is OutsideIpType.IPV6
    assert (x.options.local_ipv6_cidr, x.options.remote_ipv6_cidr) == (N6("::/0"), N6("::/0"))
    assert conn.options.tunnel_inside_ip_version is x.options.tunnel_inside_ip_version


def test_generic_file_with_ipv6_outside_addresses():
    text = (SAMPLES / "static-vgw-ikev2-2022.txt").read_text(encoding="utf-8")
    conn = aws_generic.read(text, "s.txt")
    old = [str(t.outside.aws) for t in conn.tunnels] + [str(conn.tunnels[0].outside.customer)]
    for i, a in enumerate(old):
        text = text.replace(f": {a}\n", f": 2001:db8::{i + 1}\n")
    six = aws_generic.read(text, "s.txt")
    assert six.options.outside_ip_type is OutsideIpType.IPV6
    assert all(t.outside.aws.version == 6 for t in six.tunnels)


def test_generic_file_with_certificate_authentication():
    import re

    text = (SAMPLES / "bgp-vgw-ikev1-2022.txt").read_text(encoding="utf-8")
    text = re.sub(r"- Authentication Method\s*: Pre-Shared Key", "- Authentication Method    : Certificate", text)
    text = re.sub(r"\n\s*- Pre-Shared Key\s*:[^\n]*", "", text)
    conn = aws_generic.read(text, "cert.txt")
    assert [(t.ike.auth, t.ike.psk, t.ike.certificate_arn) for t in conn.tunnels] == [("certificate", None, None)] * 2
    assert not [w for w in conn.warnings if w.code == "psk-redacted"]


def test_readable_json_form_reads_back_unchanged():
    from vpncc.ir_codec import dumps

    d = _sample("api-restricted.json").redacted().to_dict()
    text = dumps(d)
    assert json.loads(text) == d
    assert '"ike_dh_groups": [19, 20, 14],' in text and '"source": "tunnel-options",' in text
    assert len(text.splitlines()) < len(json.dumps(d, indent=2).splitlines())


def test_tunnel_without_an_options_entry_gets_defaults_and_a_warning():
    (c,) = read({"VpnConnections": [api([{"OutsideIpAddress": "198.51.100.7", "IkeVersions": [{"Value": "ikev2"}]}])]})
    assert [t.accepted.source for t in c.tunnels] == [AcceptedSource.TUNNEL_OPTIONS, AcceptedSource.AWS_DEFAULTS]
    (w,) = [w for w in c.warnings if w.code == "tunnel-options-assumed"]
    assert w.message.startswith("tunnel 2: no TunnelOptions entry matches it")
