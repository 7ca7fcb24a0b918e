"""Terraform inputs (vpncc.readers.terraform): `terraform show -json` of a state and a plan, a raw
terraform.tfstate and `terraform output -json`, against the equivalent describe-vpn-connections JSON.

The samples in samples/terraform/ are written by hand with the AWS provider's attribute names
(aws_vpn_connection: tunnel1_address, tunnel1_inside_cidr, tunnel1_preshared_key, tunnel1_phase1_*,
tunnel1_ike_versions, tunnel1_dpd_timeout_seconds, ...; customer_gateway_configuration): connection
vpn-...0101 (BGP, virtual private gateway, tunnel options set) and vpn-...0202 (static, transit gateway,
every tunnel option left unset: `[]`, `0` and `""` in the state, i.e. AWS's defaults)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from ipaddress import IPv4Address as A
from ipaddress import IPv4Interface as I
from pathlib import Path

import pytest

import vpncc
from vpncc import aws_defaults as D
from vpncc.errors import InputError
from vpncc.ir import AcceptedSource, GatewayKind, IkeVersion, Routing, to_dict
from vpncc.ir import Encryption as E
from vpncc.ir import Integrity as H
from vpncc.profile import from_mapping
from vpncc.readers import detect, load_all, terraform

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "samples" / "terraform"
STATE, PLAN, OUTPUTS, DESCRIBE = (TF / n for n in ("two-connections.state.json", "plan.json", "outputs.json",
                                                   "two-connections.describe.json"))
HQ, BRANCH = "vpn-0a1b2c3d4e5f60101", "vpn-0a1b2c3d4e5f60202"
PROFILE = from_mapping({"local_networks": ["10.10.0.0/16"], "remote_networks": ["10.0.0.0/16"]})


def _body(config: str) -> list[str]:
    return [line for line in config.splitlines() if ".json" not in line]


def _ir(conn) -> dict:
    d = to_dict(conn)
    d.pop("source")
    return d


@pytest.mark.parametrize("path", [STATE, PLAN, OUTPUTS], ids=["state", "plan", "outputs"])
def test_detected_as_terraform(path):
    assert detect.guess(path.read_text()) == "terraform"


def test_describe_json_is_not_terraform():
    assert detect.guess(DESCRIBE.read_text()) == "aws-json"


def test_state_reads_both_connections_including_child_modules():
    conns = load_all(STATE)
    assert [c.vpn_connection_id for c in conns] == [HQ, BRANCH]
    assert all(c.source.format == "terraform" for c in conns)
    hq, branch = conns
    assert hq.routing is Routing.BGP and hq.gateway.kind is GatewayKind.VGW
    assert branch.routing is Routing.STATIC and branch.gateway == replace(branch.gateway, kind=GatewayKind.TGW,
                                                                         id="tgw-0a1b2c3d4e5f60202")
    assert [str(t.outside.aws) for t in hq.tunnels] == ["198.51.100.11", "198.51.100.12"]
    assert hq.tunnels[0].inside.customer == I("169.254.11.2/30") and hq.tunnels[0].inside.aws == I("169.254.11.1/30")
    assert hq.tunnels[0].outside.customer == A("203.0.113.10")
    assert hq.tunnels[1].ike.psk == "Tf.Example_Tunnel2_q7w2"
    assert hq.tunnels[0].bgp.customer_asn == 65010 and hq.tunnels[0].bgp.aws_asn == 64512


def test_tunnel_options_are_authoritative():
    hq = load_all(STATE)[0]
    for t in hq.tunnels:
        a = t.accepted
        # the sample's tunnel1_*/tunnel2_* arguments, not the XML's example suite (AES128/SHA1/group 2)
        assert a.source is AcceptedSource.TUNNEL_OPTIONS
        assert a.ike_versions == (IkeVersion.IKEV2,)
        assert a.ike_encryption == (E.AES256_GCM_16, E.AES256) and a.ike_integrity == (H.SHA2_384, H.SHA2_256)
        assert a.ike_dh_groups == (20, 19)
        assert (a.esp_encryption, a.esp_integrity, a.pfs_groups) == ((E.AES256_GCM_16,), (H.SHA2_256,), (20,))
        assert (a.ike_lifetime_s, a.esp_lifetime_s) == (14400, 1800)
        assert t.ike.version is IkeVersion.IKEV2
        o = t.aws_options
        assert (o.startup_action.value, o.dpd_timeout_s, o.dpd_timeout_action.value, o.rekey_margin_s) == (
            "start", 30, "restart", 540)


def test_unset_tunnel_options_mean_aws_defaults():
    branch = load_all(STATE)[1]
    want = D.default_accepted()
    for t in branch.tunnels:
        a = t.accepted
        assert a.ike_versions == (IkeVersion.IKEV1, IkeVersion.IKEV2)
        assert (a.ike_encryption, a.ike_integrity, a.ike_dh_groups) == (
            want.ike_encryption, want.ike_integrity, want.ike_dh_groups)
        assert a.pfs_groups == want.pfs_groups
        assert t.aws_options.dpd_timeout_s == 40 and t.aws_options.startup_action.value == "add"
    assert not [w for w in branch.warnings if w.code == "tunnel-options-assumed"]


def test_state_gives_the_same_ir_as_the_describe_json():
    tf, api = load_all(STATE), load_all(DESCRIBE)
    assert [_ir(c) for c in tf] == [_ir(c) for c in api]


@pytest.mark.parametrize("vendor", ["cisco-ios", "juniper", "strongswan"])
def test_compiles_and_validates_like_the_describe_json(vendor):
    for tf, api in zip(load_all(STATE), load_all(DESCRIBE), strict=False):
        text = vpncc.compile(tf, vendor, PROFILE)
        # the header's source line names the input file and format; everything else is the same
        assert _body(text) == _body(vpncc.compile(api, vendor, PROFILE))
        r_tf = vpncc.validate(tf, vendor, text, profile=PROFILE, path="dev.cfg")
        r_api = vpncc.validate(api, vendor, text, profile=PROFILE, path="dev.cfg")
        assert [(f.rule, f.tunnel) for f in r_tf.findings] == [(f.rule, f.tunnel) for f in r_api.findings]
        assert not [f for f in r_tf.findings if f.severity.value == "error"]


def test_plan_skips_a_connection_known_after_apply():
    skipped: list = []
    conns = terraform.read_all(PLAN.read_text(), str(PLAN), skipped=skipped)
    assert [c.vpn_connection_id for c in conns] == [HQ]
    assert len(skipped) == 1 and "known" in skipped[0][1]


def test_output_json_map_of_connections():
    assert [c.vpn_connection_id for c in load_all(OUTPUTS)] == [HQ, BRANCH]


def test_output_json_of_the_configuration_xml_only():
    xml = json.loads(STATE.read_text())["values"]["root_module"]["resources"][0]["values"][
        "customer_gateway_configuration"]
    text = json.dumps({"hq_config": {"sensitive": True, "type": "string", "value": xml}})
    (c,) = load_all(text)
    assert c.vpn_connection_id == HQ
    # the XML alone names no tunnel options: AWS's defaults, said in a warning
    assert c.tunnels[0].accepted.source is AcceptedSource.AWS_DEFAULTS
    assert any(w.code == "tunnel-options-assumed" for w in c.warnings)


def test_raw_tfstate_version_4():
    state = json.loads(STATE.read_text())
    hq = state["values"]["root_module"]["resources"][0]
    raw = {"version": 4, "terraform_version": "1.7.5", "serial": 3, "lineage": "00000000-0000-0000-0000-000000000000",
           "outputs": {}, "resources": [{"mode": "managed", "type": "aws_vpn_connection", "name": "hq",
                                         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                                         "instances": [{"schema_version": 0, "attributes": hq["values"]}]}]}
    (c,) = load_all(json.dumps(raw, indent=2))
    assert _ir(c) == _ir(load_all(STATE)[0])


def test_bad_attribute_error_points_at_the_terraform_line():
    text = STATE.read_text().replace('"tunnel1_inside_cidr": "169.254.11.0/30"', '"tunnel1_inside_cidr": "169.254.11.0/29"')
    with pytest.raises(InputError) as e:
        load_all(text)
    lines = text.splitlines()
    assert e.value.line is not None and "tunnel1_inside_cidr" in lines[e.value.line - 1]
    assert "/30" in e.value.message


def test_state_without_vpn_connections_is_an_input_error():
    text = json.dumps({"format_version": "1.0", "terraform_version": "1.7.5",
                       "values": {"root_module": {"resources": [{"address": "aws_vpc.main", "mode": "managed",
                                                                 "type": "aws_vpc", "name": "main", "values": {}}]}}})
    with pytest.raises(InputError, match="no aws_vpn_connection"):
        load_all(text)


def test_data_source_is_not_read():
    state = json.loads(STATE.read_text())
    for r in state["values"]["root_module"]["resources"]:
        r["mode"] = "data"
    conns = load_all(json.dumps(copy.deepcopy(state)))
    assert [c.vpn_connection_id for c in conns] == [BRANCH]       # the child module's is still managed


def test_psk_not_in_messages_of_errors():
    state = json.loads(STATE.read_text())
    state["values"]["root_module"]["resources"][0]["values"]["tunnel1_phase1_dh_group_numbers"] = [7]
    text = json.dumps(state, indent=2)
    with pytest.raises(InputError) as e:
        load_all(text)
    assert "Tf.Example" not in str(e.value) and "Tf.Example" not in (e.value.context or "")
