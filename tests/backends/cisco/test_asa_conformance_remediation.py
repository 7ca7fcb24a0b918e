"""Remediation over every wrong config of the Cisco ASA conformance suite: the running config with the
remediation pasted (cisco_test_helpers.apply, a stand-in for the ASA's config mode) validates without
errors or warnings, edits the objects the device already uses (the same tunnels afterwards, one more only
where one was missing), and never writes an address the ASA does not own."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
import yaml

from vpncc.backends import base
from vpncc.profile import Profile, from_mapping
from vpncc.readers import load_all
from vpncc.validate.compare import validate

from .cisco_test_helpers import apply

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "tests" / "conformance" / "cisco-asa"
DOC = yaml.safe_load((SUITE / "cases.yaml").read_text())
WRONG = [c for c in DOC["cases"] if c["config"].startswith("wrong/")]
BACKEND = base.get("cisco-asa")
#: findings no paste on the ASA fixes: the customer gateway address AWS expects is not the ASA's (the
#: customer gateway in AWS, or the NAT in front, must change)
NOT_FIXABLE_ON_DEVICE = {"wrong/public-local-address-not-cgw.cfg": {"VPN111"}}


def _problems(findings) -> list[tuple[str, int | None]]:
    return sorted((f.rule, f.tunnel) for f in findings
                  if f.severity.value in ("error", "warning") and f.category != "security")


def _profile(case: dict) -> Profile:
    prof = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else Profile()
    if not prof.local_networks:  # BGP rebuilds announce the LAN (the suite's configs use 10.10.0.0/16)
        from dataclasses import replace

        prof = replace(prof, local_networks=[ipaddress.IPv4Network("10.10.0.0/16")])
    return prof


@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_of_each_wrong_config(case: dict) -> None:
    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    profile = _profile(case)
    running = (SUITE / case["config"]).read_text()
    report = validate(conn, "cisco-asa", running, profile=profile)
    assert _problems(report.findings)
    before = BACKEND.read(running)
    fix = BACKEND.remediation(report.findings, conn, profile, before)
    fixed = apply(running, fix)
    left = _problems(validate(conn, "cisco-asa", fixed, profile=profile).findings)
    keep = NOT_FIXABLE_ON_DEVICE.get(case["config"], set())
    assert [x for x in left if x[0] not in keep] == [], fix
    added = 1 if any(f.rule == "VPN101" for f in report.findings) else 0
    assert len(BACKEND.read(fixed).tunnels) == len(before.tunnels) + added, fix
    # addresses the remediation writes are AWS's (peers, inside /30s) or the device's own, never the
    # customer gateway address of a NAT'd or mis-addressed ASA
    cgw = str(conn.tunnels[0].outside.customer)
    commands = [x for x in fix.splitlines() if not x.lstrip().startswith("!")]
    if keep or cgw not in running:
        assert not any(re.search(rf"\b{re.escape(cgw)}\b", x) for x in commands), fix


#: device-wide statements that are the object of a rule (the reader points the finding at the tunnel): the
#: ASA's one TCP MSS clamp (`sysopt connection tcpmss`, 0 = off; Cisco ASA Series Command Reference)
RULE_STATEMENTS = {"VPN222": "sysopt connection tcpmss"}


def _stanzas(running: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    out: list[tuple[int, str, list[tuple[int, str]]]] = []
    for no, raw in enumerate(running.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith(("!", ":")) or line.strip() == "exit-address-family":
            continue  # exit-address-family leaves a mode (the apply stand-in does not keep it)
        if not line[:1].isspace() or not out:
            out.append((no, line, []))
        else:
            out[-1][2].append((no, line))
    return out


def _collateral(running: str, fixed: str, findings) -> list[str]:
    """Lines of the running config the paste removed or changed although no finding names them. A finding
    names its line, the stanza that line is in (interface, tunnel-group, crypto policy...), and the stanzas
    that use the object it names (the IPsec profile that lists a named proposal); a rule's own device-wide
    statement counts as named (RULE_STATEMENTS). Comments and blank lines do not count."""
    named = {f.line for f in findings if f.line}
    rules = {RULE_STATEMENTS[f.rule] for f in findings if f.rule in RULE_STATEMENTS}
    stanzas = _stanzas(running)
    objects = {head.split()[-1] for no, head, kids in stanzas
               if no in named or any(k in named for k, _ in kids)}
    kept = {x.rstrip() for x in fixed.splitlines()}
    out = []
    for no, head, kids in stanzas:
        lines = [(no, head)] + kids
        if any(n in named for n, _ in lines) or any(o in line.split() for _, line in kids for o in objects):
            continue
        out += [f"{n}: {line.strip()}" for n, line in lines
                if line not in kept and not any(line.startswith(r) for r in rules)]
    return out


@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_changes_only_what_the_findings_name(case: dict) -> None:
    """running + remediation == intended, no collateral diff: every line of the running config that the
    paste removes or rewrites is a line (or in a stanza) a finding names; the device's other objects
    (group-policy vpn-filter, nameifs, route-maps, BGP router-id) stay as they are."""
    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    profile = _profile(case)
    running = (SUITE / case["config"]).read_text()
    report = validate(conn, "cisco-asa", running, profile=profile)
    fix = BACKEND.remediation(report.findings, conn, profile, BACKEND.read(running))
    fixed = apply(running, fix)
    assert _collateral(running, fixed, report.findings) == [], fix
    # idempotent: pasting the same remediation twice changes nothing more
    assert apply(fixed, fix) == fixed
    # whatever stanza a finding names, these stay exactly as the device has them
    for keep in ("vpn-filter", "bgp router-id", "nameif", "router bgp"):
        pattern = rf"(?m)^\s*{keep}\b.*$"
        assert set(re.findall(pattern, running)) <= set(re.findall(pattern, fixed)), keep
