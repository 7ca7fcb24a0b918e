"""Independent parsers read our output: Ansible cisco.ios parsed-state templates (BGP, L3 interfaces)
and ntc-templates (ASA `show running-config crypto ikev1`, `tunnel-group`, `crypto map`).

Test-only dependencies: `ansible` (ships the cisco.ios collection) and `ntc-templates` (textfsm).
"""

from __future__ import annotations

import os

import pytest

from vpncc.ir import Encryption, IkeVersion, Integrity, Routing

from ...strategies import sample_connection
from .cisco_test_helpers import compiled


def _need(module: str):
    try:
        return pytest.importorskip(module)
    except pytest.skip.Exception:
        if os.environ.get("CI"):
            pytest.fail(f"test-only dependency {module!r} is missing (pip install ansible ntc-templates)")
        raise


def _stanzas(text: str, prefix: str) -> str:
    out, take = [], False
    for line in text.splitlines():
        if line and not line.startswith(" "):
            take = line.startswith(prefix)
        if take and not line.startswith("!"):
            out.append(line)
    return "\n".join(out)


CONNS = {
    "v1": sample_connection(ipv6=True),
    "v2": sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256,),
                            integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}


@pytest.mark.parametrize("case", sorted(CONNS))
def test_ios_bgp_parses_with_ansible_cisco_ios(case):
    _need("ansible_collections.cisco.ios")
    from ansible_collections.cisco.ios.plugins.module_utils.network.ios.rm_templates.bgp_address_family import (
        Bgp_address_familyTemplate,
    )
    from ansible_collections.cisco.ios.plugins.module_utils.network.ios.rm_templates.bgp_global import (
        Bgp_globalTemplate,
    )

    text = compiled(CONNS[case], "cisco-ios")
    bgp = _stanzas(text, "router bgp")
    glob = Bgp_globalTemplate(lines=bgp.splitlines()).parse()
    assert glob["as_number"] == 65000
    assert glob["bgp"]["router_id"]["address"] == "169.254.44.42"
    nbrs = glob["neighbors"]
    assert set(nbrs) == {"169.254.44.41", "169.254.45.61"}
    for n in nbrs.values():
        assert n["remote_as"] == 64512 and n["timers"] == {"interval": 10, "holdtime": 30}
    af = Bgp_address_familyTemplate(lines=bgp.splitlines()).parse()
    fam = next(iter(af["address_family"].values()))
    assert fam["afi"] == "ipv4"
    assert {"address": "10.10.0.0", "mask": "255.255.0.0"} in fam["networks"]
    acts = fam["neighbors"]
    assert all(acts[ip].get("activate") for ip in ("169.254.44.41", "169.254.45.61"))
    rms = acts["169.254.45.61"]["route_maps"]
    assert {(r["name"], r.get("in", False), r.get("out", False)) for r in rms} == {
        ("vpn-0a1b2c3d4e5f60718-backup-in", True, False), ("vpn-0a1b2c3d4e5f60718-backup-out", False, True)}


def test_ios_interfaces_parse_with_ansible_cisco_ios():
    _need("ansible_collections.cisco.ios")
    from ansible_collections.cisco.ios.plugins.module_utils.network.ios.rm_templates.l3_interfaces import (
        L3_interfacesTemplate,
    )

    text = compiled(CONNS["v1"], "cisco-ios")
    parsed = L3_interfacesTemplate(lines=_stanzas(text, "interface").splitlines()).parse()
    assert set(parsed) == {"Tunnel1", "Tunnel2"}
    t1 = parsed["Tunnel1"]
    assert {"address": "169.254.44.42", "netmask": "255.255.255.252"} in t1["ipv4"]
    assert {"mtu": 1436} in t1["ipv4"]
    assert {"enable": True} in t1["ipv6"]
    assert any(v.get("address") == "fd00:0:0:1::2/126" for v in t1["ipv6"])


def test_asa_ikev1_policies_and_tunnel_groups_parse_with_ntc_templates():
    _need("ntc_templates")
    from ntc_templates.parse import parse_output

    text = compiled(sample_connection(dh_groups=(2, 14), encryption=(Encryption.AES128, Encryption.AES256)),
                    "cisco-asa")
    pols = parse_output(platform="cisco_asa", command="show running-config crypto ikev1",
                        data=_stanzas(text, "crypto ikev1 policy"))
    assert [(p["policy_id"], p["encryption"], p["auth_algorithm"], p["dh_group"], p["lifetime"]) for p in pols] == [
        ("200", "aes", "sha", "group 2", "28800"), ("201", "aes", "sha", "group 14", "28800"),
        ("202", "aes-256", "sha", "group 2", "28800"), ("203", "aes-256", "sha", "group 14", "28800")]
    assert {p["auth_method"] for p in pols} == {"pre-share"}
    groups = parse_output(platform="cisco_asa", command="show running-config tunnel-group",
                          data=_stanzas(text, "tunnel-group"))
    assert [(g["name"], g["type"], g["group_policy"]) for g in groups] == [
        ("198.51.100.7", "ipsec-l2l", "vpn-0a1b2c3d4e5f60718"),
        ("203.0.113.129", "ipsec-l2l", "vpn-0a1b2c3d4e5f60718")]


def test_asa_crypto_map_parses_with_ntc_templates():
    _need("ntc_templates")
    from ntc_templates.parse import parse_output

    text = compiled(sample_connection(routing=Routing.STATIC), "cisco-asa", format="policy")
    lines = _stanzas(text, "crypto map").splitlines()
    peers = [l for l in lines if " set peer " in l]
    assert peers == ["crypto map vpn-0a1b2c3d4e5f60718-map 10 set peer 198.51.100.7 203.0.113.129"]
    # the template reads one peer per `set peer` (AWS's own ASA example lists both): feed it each peer
    for peer in ("198.51.100.7", "203.0.113.129"):
        data = "\n".join(l if l not in peers else l.split(" set peer ")[0] + " set peer " + peer for l in lines)
        rows = parse_output(platform="cisco_asa", command="show running-config crypto map", data=data)
        assert rows == [{"matched_address": "vpn-0a1b2c3d4e5f60718-acl", "map": "vpn-0a1b2c3d4e5f60718-map",
                         "seq": "10", "pfs": "group2", "peer": peer, "ike": "ikev1",
                         "transform": "vpn-0a1b2c3d4e5f60718-1-1", "sa": "3600"}]
