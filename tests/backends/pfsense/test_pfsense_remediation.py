"""Remediation: running config + remediation == intended (hier_config's circular check). The PHP
block is applied by a small interpreter of the exact statement forms vpncc emits
(``$config[...] = ...``, ``unset($config[...])``, ``array_splice(...)``), then validated again."""

from __future__ import annotations

import pytest

import vpncc
from vpncc.backends import base
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing

from ...properties.test_backend_properties import MUTATIONS
from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, ROOT, apply_php, from_php, to_php

B = base.get("pfsense")


def validate(conn, text: str):
    res = vpncc.validate(conn, "pfsense", text, profile=PROFILE, path="config.xml").results[0]
    # compliance findings only: security findings (VPN5xx) are judged on their own
    return [f for f in res.findings if f.rule != "VPN901" and f.category == "compliance"], res.device


def fix(conn, text: str) -> tuple[str, str]:
    findings, device = validate(conn, text)
    assert findings, "nothing to remediate"
    php = B.remediation(findings, conn, PROFILE, device)
    return php, apply_php(text, php)


BASES = {
    "bgp-v1": sample_connection(),
    "static-v2": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                   encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}


@pytest.mark.parametrize("base_name", sorted(BASES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_remediation_fixes_each_single_mutation(base_name: str, mutation: str, tunnel: int) -> None:
    old = BASES[base_name]
    res = MUTATIONS[mutation](old, old.tunnel(tunnel))
    if res is None:
        return
    compiled, new, _ = res      # (IR the device config is compiled from, IR validated against, rules)
    text = vpncc.compile(compiled, "pfsense", PROFILE)
    php, fixed = fix(new, text)
    assert validate(new, fixed)[0] == [], php


def _device_mutation(conn, edit) -> str:
    php = to_php(vpncc.compile(conn, "pfsense", PROFILE))
    edit(php["pfsense"])
    return from_php(php)


def _drop_tunnel2(cfg) -> None:
    cfg["ipsec"]["phase1"].pop(1)
    cfg["ipsec"]["phase2"].pop(1)
    del cfg["interfaces"]["opt2"]
    if "installedpackages" in cfg:
        cfg["installedpackages"]["frrbgpneighbors"]["config"].pop(1)


DEVICE_MUTATIONS = {
    "phase1-disabled": lambda c: c["ipsec"]["phase1"][0].update(disabled=""),
    "phase2-disabled": lambda c: c["ipsec"]["phase2"][1].update(disabled=""),
    "interface-disabled": lambda c: c["interfaces"]["opt1"].pop("enable"),
    "interface-unassigned": lambda c: c["interfaces"].pop("opt2"),
    "tunnel-2-missing": _drop_tunnel2,
    "no-dpd": lambda c: [c["ipsec"]["phase1"][0].pop(k) for k in ("dpd_delay", "dpd_maxfail")],
    "aggressive": lambda c: c["ipsec"]["phase1"][0].update(mode="aggressive"),
    "cert-auth": lambda c: c["ipsec"]["phase1"][1].update(authentication_method="cert", **{"pre-shared-key": ""}),
}
BGP_MUTATIONS = {
    "neighbor-missing": lambda c: c["installedpackages"]["frrbgpneighbors"]["config"].pop(0),
    "neighbor-shutdown": lambda c: c["installedpackages"]["frrbgpneighbors"]["config"][1].update(shutdown="on"),
    "frr-absent": lambda c: c.pop("installedpackages"),
    # (FRR's default hold 180 is not a fault: BGP negotiates the smaller hold time, AWS's 30; the
    # conformance case same/bgp-no-timers.xml covers it)
}
STATIC_MUTATIONS = {
    "no-routes-no-rules": lambda c: [c.pop("staticroutes"), c.pop("filter")],
    "no-rule": lambda c: c.pop("filter"),
    "no-gateways": lambda c: [c.pop("gateways"), c.pop("staticroutes"), c.pop("filter")],
}


@pytest.mark.parametrize("name", sorted(DEVICE_MUTATIONS) + sorted(BGP_MUTATIONS))
def test_remediation_fixes_device_side_damage_bgp(name: str) -> None:
    conn = sample_connection()
    edit = DEVICE_MUTATIONS.get(name) or BGP_MUTATIONS[name]
    text = _device_mutation(conn, edit)
    php, fixed = fix(conn, text)
    assert validate(conn, fixed)[0] == [], php


@pytest.mark.parametrize("name", sorted(DEVICE_MUTATIONS) + sorted(STATIC_MUTATIONS))
def test_remediation_fixes_device_side_damage_static(name: str) -> None:
    conn = sample_connection(routing=Routing.STATIC)
    edit = DEVICE_MUTATIONS.get(name) or STATIC_MUTATIONS[name]
    text = _device_mutation(conn, edit)
    php, fixed = fix(conn, text)
    assert validate(conn, fixed)[0] == [], php


def test_remediation_on_a_merged_backup_touches_only_our_tunnel() -> None:
    conn = sample_connection()
    merged = vpncc.compile(conn, "pfsense", PROFILE, format="merge", extra={"base": str(BASE)})
    php = to_php(merged)
    p1 = next(p for p in php["pfsense"]["ipsec"]["phase1"] if p["remote-gateway"] == "203.0.113.129")
    p1["lifetime"] = "3600"
    text = from_php(php)
    block, fixed = fix(conn, text)
    assert "$config['ipsec']['phase1'][3]['lifetime'] = '28800';" in block
    assert validate(conn, fixed)[0] == []
    before, after = to_php(text)["pfsense"], to_php(fixed)["pfsense"]
    assert before["ipsec"]["phase1"][:2] == after["ipsec"]["phase1"][:2]


def test_remediation_block_shape() -> None:
    conn = sample_connection()
    text = _device_mutation(conn, DEVICE_MUTATIONS["phase1-disabled"])
    block, _ = fix(conn, text)
    lines = block.splitlines()
    assert lines[0].startswith("/* vpncc remediation for pfSense")
    assert "unset($config['ipsec']['phase1'][0]['disabled']);  // enable tunnel 1 phase 1" in lines
    assert lines[-2:] == ["ipsec_configure();", "filter_configure();"]
    assert B.remediation([], conn, PROFILE, B.read(text, "x")).startswith("/* vpncc: nothing to change")


# -- the conformance suite's wrong configs: running + remediation == intended ----------------------

CONFORMANCE = ROOT / "tests" / "conformance" / "pfsense"
#: wrong configs remediation must not "fix": the firewall does not own the customer gateway address,
#: so the only safe output is a comment (an identity/interface it does not own would break more)
NOT_FIXABLE = {"wrong/public-wan-not-cgw.xml": "does not own"}


def _wrong_cases():
    import yaml

    doc = yaml.safe_load((CONFORMANCE / "cases.yaml").read_text(encoding="utf-8"))
    for c in doc["cases"]:
        if c["config"].startswith("wrong/"):
            yield pytest.param(c, doc, id=c["config"])


@pytest.mark.parametrize("case,doc", list(_wrong_cases()))
def test_remediation_fixes_the_conformance_wrong_configs(case, doc) -> None:
    from vpncc.profile import Profile, from_mapping

    conn = vpncc.parse(ROOT / case.get("aws", doc["aws"]))
    prof = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else Profile()
    text = (CONFORMANCE / case["config"]).read_text(encoding="utf-8")

    def serious(t):
        res = vpncc.validate(conn, "pfsense", t, profile=prof, path="config.xml").results[0]
        return res, [(f.rule, f.tunnel) for f in res.findings
                     if f.category == "compliance" and f.severity.value != "info"]

    res, before = serious(text)
    assert before
    php = B.remediation(res.findings, conn, prof, res.device)
    if case["config"] in NOT_FIXABLE:
        assert NOT_FIXABLE[case["config"]] in php and "myid_data" not in php and "['interface']" not in php
        return
    after = apply_php(text, php)
    assert serious(after)[1] == [], php
    _no_collateral(text, after, res, conn, php)


def _flat(node, path=()) -> dict:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(_flat(v, path + (k,)))
        return out
    if isinstance(node, list):
        out = {}
        for i, v in enumerate(node):
            out.update(_flat(v, path + (i,)))
        return out
    return {path: node}


def _no_collateral(before: str, after: str, res, conn, php: str) -> None:
    """hier_config's circular test, second half: every value remediation changed or removed belongs to an
    object of a tunnel the findings are about (its phase 1, its phase 2s, its VTI interface, its BGP
    neighbor), or to the device-wide setting a finding names (IKEv2 retransmits for a DPD finding, static
    routes and gateways for a static-route finding); new entries are additions, never edits."""
    from vpncc.validate.compare import match_tunnels

    dev = res.device
    old, new = _flat(to_php(before)["pfsense"]), _flat(to_php(after)["pfsense"])
    rules = {f.rule for f in res.findings}
    matched = match_tunnels(conn, dev)
    allowed: list[tuple] = []
    p2s = to_php(before)["pfsense"].get("ipsec", {}).get("phase2", [])
    p2s = p2s if isinstance(p2s, list) else [p2s]
    for f in res.findings:
        d = matched.get(f.tunnel) if f.tunnel is not None else None
        meta = dev.meta.get(d.name) if d is not None else None
        if meta is not None:
            allowed.append(("ipsec", "phase1", meta.p1_index))
            allowed += [("ipsec", "phase2", i) for i, p in enumerate(p2s) if p.get("ikeid") == meta.ikeid]
            if meta.ifname:
                allowed.append(("interfaces", meta.ifname))
        t = next((t for t in conn.tunnels if t.number == f.tunnel), None)
        if t is not None and t.bgp is not None and str(t.bgp.neighbor) in dev.neighbor_index:
            allowed.append(("installedpackages", "frrbgpneighbors", "config", dev.neighbor_index[str(t.bgp.neighbor)]))
    if "VPN205" in rules:
        allowed.append(("ipsec",))  # ikev2_retransmit_* only: checked below
    if "VPN401" in rules:
        allowed += [("staticroutes",), ("gateways",), ("filter",)]
    if "VPN222" in rules and dev.scrub_disabled:
        allowed.append(("system", "disablescrub"))  # "Disable Firewall Scrub" is what removes the MSS clamp
    for path, value in old.items():
        if new.get(path) == value:
            continue
        assert any(path[:len(a)] == a for a in allowed), (path, php)
        if path[:1] == ("ipsec",) and len(path) == 2:
            assert str(path[1]).startswith("ikev2_retransmit_"), (path, php)
