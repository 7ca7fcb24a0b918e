"""Remediation over every wrong config of the FortiOS conformance suite: running + remediation validates
clean, edits the device's own entries (no second phase 1/phase 2 beside the broken one), and never
points local-gw at an address the FortiGate does not own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vpncc.backends import base
from vpncc.profile import from_mapping
from vpncc.readers import load_all
from vpncc.validate.compare import validate

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "tests" / "conformance" / "fortinet"
DOC = yaml.safe_load((SUITE / "cases.yaml").read_text())
WRONG = [c for c in DOC["cases"] if c["config"].startswith("wrong/")]
BACKEND = base.get("fortinet")
#: findings a FortiGate paste cannot fix: the customer gateway address AWS expects is not one of the
#: device's addresses (fixing it means changing the customer gateway in AWS, or the NAT in front)
NOT_FIXABLE_ON_DEVICE = {"wrong/public-local-gw-not-cgw.cfg": {"VPN111"}}


def _problems(findings) -> list[tuple[str, int | None]]:
    return sorted((f.rule, f.tunnel) for f in findings
                  if f.severity.value in ("error", "warning") and f.category != "security")


@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_of_each_wrong_config(case: dict) -> None:
    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    profile = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else None
    running = (SUITE / case["config"]).read_text()
    report = validate(conn, "fortinet", running, profile=profile)
    assert _problems(report.findings)
    before = BACKEND.read(running)
    fix = BACKEND.remediation(report.findings, conn, profile, before)
    after_text = running + fix
    after = BACKEND.read(after_text)
    left = _problems(validate(conn, "fortinet", after_text, profile=profile).findings)
    keep = NOT_FIXABLE_ON_DEVICE.get(case["config"], set())
    assert [x for x in left if x[0] not in keep] == [], fix
    # the device's own objects were edited: the same tunnels (one more only where one was missing)
    added = 1 if any(f.rule == "VPN101" for f in report.findings) else 0
    assert len(after.tunnels) == len(before.tunnels) + added
    if keep:
        assert not any(line.strip().startswith("set local-gw") for line in fix.splitlines())
        assert "not an address of this FortiGate" in fix



def _entries(text: str) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """(table, entry) -> {setting: values} of a FortiOS text; nested tables flattened into the table path.
    `edit 0` entries (the next free id) are keyed by what identifies them on the device: a firewall
    policy by its name (FortiOS refuses a second policy of the same name), a static route by its
    destination and device."""
    from vpncc.backends.fortinet import names as fnames
    from vpncc.backends.fortinet.fortios_config import build, parser, prefilter

    pre = prefilter(text, fnames.TABLES)
    tables = build(parser().parser.parse(pre.text), pre.linemap)
    out: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}

    def key(path: str, e) -> str:
        if path == "firewall policy" and e.first("name"):
            return "name " + e.first("name")
        if path == "router static":
            return " ".join(e.get("dst").values if e.get("dst") else ()) + " via " + (e.first("device") or "")
        return e.name

    def walk(path: str, node) -> None:
        out[(path, "")] = {k: tuple(v.values) for k, v in node.settings.items()}
        for e in node.edits.values():
            out[(path, key(path, e))] = {k: tuple(v.values) for k, v in e.settings.items()}
            for bname, b in e.blocks.items():
                walk(f"{path} > {e.name} > {bname}", b)
        for bname, b in node.blocks.items():
            walk(f"{path} > {bname}", b)

    for path, node in tables.items():
        walk(path, node)
    return out

@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_has_no_collateral_change(case: dict) -> None:
    """hier_config's circular test, second half: running + remediation differs from running only in
    entries of the tunnels the findings are about (their phase 1, phase 2, tunnel interface, firewall
    policies, static routes and BGP neighbor) or in new entries; never the BGP AS or router-id, and
    applying the remediation twice changes nothing more (idempotent)."""
    from vpncc.validate.compare import match_tunnels

    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    profile = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else None
    running = (SUITE / case["config"]).read_text()
    report = validate(conn, "fortinet", running, profile=profile)
    before = BACKEND.read(running)
    fix = BACKEND.remediation(report.findings, conn, profile, before)
    old, new = _entries(running), _entries(running + fix)
    matched = match_tunnels(conn, before)
    touched = {f.tunnel for f in report.findings if f.tunnel is not None}
    mine = {matched[n].name for n in touched if n in matched}
    phase2 = {matched[n].value("fortios.phase2") for n in touched if n in matched}
    neighbors = {str(t.bgp.neighbor) for t in conn.tunnels if t.bgp and t.number in touched}
    for key, settings in old.items():
        if new.get(key) == settings:
            continue
        table, name = key
        if name == "" and set(settings.items()) <= set(new.get(key, {}).items()):
            continue  # a table's own settings kept, entries added under it
        ok = ((table in ("vpn ipsec phase1-interface", "vpn ipsec phase1", "system interface") and name in mine)
              or (table in ("vpn ipsec phase2-interface", "vpn ipsec phase2") and name in phase2)
              or (table == "router bgp > neighbor" and name in neighbors)
              or (table == "firewall policy" and set(settings.get("srcintf", ()) + settings.get("dstintf", ())) & mine)
              or (table == "router static" and set(settings.get("device", ())) & mine))
        assert ok, (key, fix)
    bgp_old, bgp_new = old.get(("router bgp", ""), {}), new.get(("router bgp", ""), {})
    for k in ("as", "router-id"):
        assert bgp_old.get(k) == bgp_new.get(k), (k, fix)
    assert _entries(running + fix + fix) == new
