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
