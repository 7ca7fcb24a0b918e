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
