"""A CLI people can learn from --help, that refuses what makes no sense (exit 2) and says where things went:
descriptions and examples, defaults shown, conflicting options, -o REPORT with the verdict on stderr,
per-rule ignores (command line and vpncc.yaml) shown with their reason, vpncc.yaml found upwards,
--color / TERM=dumb, a full disk, and the findings JSON with its schema_version and JSON Schema."""

from __future__ import annotations

import json
import os
import re
import shutil

import jsonschema
import pytest

from tests.clirunner import ROOT, cli

S = str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")
NETS = ("--local-networks", "10.10.0.0/16")
COMMANDS = ["parse", "schema", "vendors", "rules", "explain", "profile", "compile", "validate", "lab", "check",
            "diagnose"]
ESC = "\033["


@pytest.fixture(scope="module")
def device(tmp_path_factory):
    """vpncc's own Cisco config for the sample: compliant, with the sample's weak example suite (VPN501)."""
    p = tmp_path_factory.mktemp("dev") / "r1.cfg"
    r = cli("compile", S, "--vendor", "cisco-ios", "--crypto", "file", *NETS, "-o", str(p))
    assert r.rc == 0, r.err
    return p


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description_examples_and_helped_options(command):
    r = cli(command, "--help")
    assert r.rc == 0, r.err
    head = r.out.split("\n\n")
    assert len(head) >= 3 and head[1].strip(), f"{command}: no description"
    assert re.search(r"^examples?:", r.out, re.M), f"{command}: no examples"
    # every option line has a help text after it (argparse prints the option alone when help is missing)
    opts = r.out.split("options:", 1)[1]
    entries = re.findall(r"^  (-[^\n]*?)(?:\s{2,}(\S.*))?$", opts, re.M)
    for flag, text in entries:
        if not text:  # help on the following line (long flag): it must be there
            follow = opts.split(flag, 1)[1].splitlines()[1] if "\n" in opts.split(flag, 1)[1] else ""
            assert follow.startswith(" " * 10) and follow.strip(), f"{command}: {flag} has no help"


def test_defaults_are_shown():
    r = cli("validate", "--help")
    text = " ".join(r.out.split())
    assert "(default: text)" in text and "(default: error)" in text and "(default: one per core)" in text
    assert "(default: auto)" in text
    r = cli("lab", "--help")
    assert "(default: bird)" in " ".join(r.out.split())


@pytest.mark.parametrize("args, says", [
    (("compile", S, "--vendor", "strongswan", "-o", "x.conf", "--bundle", "out"), "-o and --bundle"),
    (("compile", S, "--vendor", "cisco", "--jobs", "0"), "--jobs"),
    (("compile", S, "--vendor", "cisco", "--fortios-version", "7.2"), "--fortios-version"),
    (("compile", S, "--vendor", "cisco", "--tunnel-options", S), "--tunnel-options takes"),
    (("compile", S, "--vendor", "cisco", "--frobnicate"), "--frobnicate"),
    (("validate", S, "--vendor", "cisco", "--config", S, "--ignore", "VPN999"), "unknown rule 'VPN999'"),
])
def test_conflicting_or_irrelevant_options_exit_2(args, says, tmp_path):
    r = cli(*args, cwd=tmp_path)
    assert r.rc == 2 and says in r.err, r.err
    assert "Traceback" not in r.err
    assert not (tmp_path / "x.conf").exists() and not (tmp_path / "out").exists()


def test_report_to_a_file_still_prints_the_verdict(device, tmp_path):
    out = tmp_path / "report.json"
    r = cli("validate", S, "--vendor", "cisco", "--config", str(device), *NETS, "--format", "json", "-o", str(out))
    assert r.rc == 0, r.err
    assert r.out == ""
    assert r.err.splitlines()[-1].startswith("COMPLIANT: 0 error(s)")
    assert json.loads(out.read_text())["schema_version"] == 1


def test_ignore_on_the_command_line_is_shown_with_its_reason(device):
    base = cli("validate", S, "--vendor", "cisco", "--config", str(device), *NETS)
    assert "VPN501 weak-algorithm" in base.out
    r = cli("validate", S, "--vendor", "cisco", "--config", str(device), *NETS, "--ignore", "vpn501")
    assert r.rc == 0
    assert "WARNING VPN501" not in r.out
    assert "ignored: VPN501 weak-algorithm (tunnels 1, 2): --ignore on the command line" in r.out
    assert re.search(r"; \d+ ignored$", r.out.strip())
    j = json.loads(cli("validate", S, "--vendor", "cisco", "--config", str(device), *NETS, "--ignore", "VPN501",
                       "--format", "json").out)
    assert not [f for f in j["findings"] if f["rule"] == "VPN501"]
    assert {f["rule"] for f in j["ignored"]} == {"VPN501"} and j["configs"][0]["ignored"] == len(j["ignored"])
    sarif = json.loads(cli("validate", S, "--vendor", "cisco", "--config", str(device), *NETS, "--ignore", "VPN501",
                           "--format", "sarif").out)
    suppressed = [x for x in sarif["runs"][0]["results"] if x.get("suppressions")]
    assert suppressed and all(x["ruleId"] == "VPN501" for x in suppressed)


def test_an_ignored_error_no_longer_fails_the_run(device, tmp_path):
    bad = tmp_path / "r1.cfg"
    # PFS off: AWS's endpoint requires a PFS group in phase 2 (VPN211, an error on both tunnels)
    bad.write_text(device.read_text().replace(" set pfs group2\n", ""))
    assert cli("validate", S, "--vendor", "cisco", "--config", str(bad), *NETS).rc == 1
    r = cli("validate", S, "--vendor", "cisco", "--config", str(bad), *NETS, "--ignore", "VPN211")
    assert r.rc == 0 and "ignored: VPN211" in r.out


@pytest.fixture
def repo(tmp_path):
    dest = tmp_path / "net"
    shutil.copytree(ROOT / "examples" / "network-repo", dest)
    return dest


def test_manifest_ignore_with_a_reason_per_device(repo):
    m = repo / "vpncc.yaml"
    text = m.read_text()
    assert "name: dc-srx" in text
    m.write_text(text.replace("name: dc-srx", "name: dc-srx\n    ignore:\n      VPN201: \"tunnel 2 is being replaced "
                                              "in change CHG-42\"", 1))
    r = cli("check", "--color", "never", cwd=repo)
    assert r.rc == 0, r.out + r.err
    assert "ignored: VPN201 ike-proposal-mismatch (tunnel 2): tunnel 2 is being replaced in change CHG-42" in r.out
    # the other devices keep their findings: hq-edge's weak suite is still reported
    assert "security WARNING VPN501" in r.out


@pytest.mark.parametrize("ignore, says", [
    ("      VPN999: \"x\"", "unknown rule 'VPN999'"),
    ("      VPN201: \"\"", "needs a reason"),
])
def test_manifest_ignore_errors_name_the_line(repo, ignore, says):
    m = repo / "vpncc.yaml"
    lines = m.read_text().replace("name: dc-srx", "name: dc-srx\n    ignore:\n" + ignore, 1)
    m.write_text(lines)
    r = cli("check", cwd=repo)
    want = next(i for i, line in enumerate(lines.splitlines(), 1) if line.startswith(ignore.split(":")[0]))
    assert r.rc == 2 and says in r.err and f"vpncc.yaml:{want}:" in r.err, r.err


def test_manifest_is_found_from_a_subdirectory(repo):
    r = cli("check", "--format", "json", cwd=repo / "configs")
    assert r.rc == 1
    assert any(f["rule"] == "VPN201" for f in json.loads(r.out)["findings"])


def test_no_manifest_anywhere_is_a_clear_error(tmp_path):
    r = cli("check", cwd=tmp_path)
    assert r.rc == 2 and "no vpncc.yaml in" in r.err and "--manifest" in r.err


def test_color_modes_and_dumb_terminals(device, tmp_path):
    args = ("validate", S, "--vendor", "cisco", "--config", str(device), *NETS)
    assert ESC in cli(*args, "--color", "always").out
    assert ESC not in cli(*args, "--color", "never").out
    assert ESC not in cli(*args).out                       # auto, not a terminal
    from vpncc.validate.reports.ignores import use_color

    class Tty:
        def isatty(self):
            return True

    env = dict(os.environ)
    try:
        os.environ.pop("NO_COLOR", None)
        os.environ["TERM"] = "xterm-256color"
        assert use_color("auto", None, Tty())
        os.environ["TERM"] = "dumb"
        assert not use_color("auto", None, Tty())
        assert use_color("always", None, Tty()) and not use_color("auto", str(tmp_path / "r.txt"), Tty())
    finally:
        os.environ.clear()
        os.environ.update(env)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("how", ["stdout", "-o"])
def test_full_disk_is_a_clear_error(how):
    args = ("compile", S, "--vendor", "cisco", *NETS)
    if how == "-o":
        r = cli(*args, "-o", "/dev/full")
    else:
        import subprocess
        import sys

        env = dict(os.environ, PYTHONPATH=str(ROOT))
        with open("/dev/full", "w") as full:
            p = subprocess.run([sys.executable, "-m", "vpncc", *args], stdout=full, stderr=subprocess.PIPE,
                               text=True, env=env, timeout=120)
        r = type("R", (), {"rc": p.returncode, "err": p.stderr})()
    assert r.rc == 2
    assert "No space left on device" in r.err and "internal error" not in r.err


def test_findings_json_matches_its_published_schema(device, tmp_path):
    schema = json.loads(cli("schema", "report").out)
    jsonschema.Draft202012Validator.check_schema(schema)
    bad = tmp_path / "r1.cfg"
    bad.write_text(device.read_text().replace(" set pfs group2\n", ""))
    for extra in ((), ("--ignore", "VPN501", "--remediation")):
        doc = json.loads(cli("validate", S, "--vendor", "cisco", "--config", str(bad), *NETS, "--format", "json",
                             *extra).out)
        jsonschema.validate(doc, schema)
        assert list(doc)[0] == "schema_version"
    # the schema is not a rubber stamp
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": 1, "compliant": "yes", "fail_on": "error", "connection": None,
                             "findings": [], "configs": []}, schema)
