"""`vpncc diagnose` on the command line: exit codes, the JSON against its schema, no key in any output
(tests/clirunner records every run for the session's secret scan)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.clirunner import cli

ROOT = Path(__file__).resolve().parents[2]
D = ROOT / "samples" / "diagnose"
SCHEMA = json.loads((ROOT / "schemas" / "diagnose.schema.json").read_text())
#: the AWS sample's keys and the wrong ones of the *-psk.cfg device configs
PSKS = ["Qx7.mZp2_Lr9TkV4wYb8Nc3Hd6Jf1Gs5", "b2Kd9_Xv.Tn4Qm7Ws1Rf8Hy3Lc6Pz0Ja", "Wr0ng.Key_dEmO7pQ2xN5bV8cM1zL4kJ",
        "Wr0ng.Key_tWo3hG6fD9sA2qW5eR8tY1u"]


def args(aws, vendor=None, cfg=None, shows=None):
    a = [str(D / "aws" / f"{aws}.json")]
    if vendor:
        a += ["--vendor", vendor]
    if cfg:
        a += ["--config", str(D / "config" / f"{vendor}-{cfg}.cfg")]
    for f in sorted((D / "show" / vendor).glob(f"{shows}-*.txt")) if shows else []:
        a += ["--show", str(f)]
    return a


SCENARIOS = [("bgp-healthy", "healthy", "healthy", 0), ("bgp-tunnel-down", "pfs", "tunnel-down", 1),
             ("bgp-tunnel-down", "psk", "psk", 1),
             ("bgp-one-tunnel", "one-tunnel", "one-tunnel", 1), ("bgp-bgp-down", "asn", "bgp-down", 1),
             ("bgp-no-route", "no-announce", "no-route", 1), ("bgp-healthy", "mss", "healthy", 1)]


@pytest.mark.parametrize("vendor", ["cisco-ios", "juniper", "strongswan"])
@pytest.mark.parametrize("aws,cfg,shows,rc", SCENARIOS, ids=[s[1] for s in SCENARIOS])
def test_exit_code_and_schema(vendor, aws, cfg, shows, rc):
    r = cli("diagnose", *args(aws, vendor, cfg, shows), "--format", "json")
    assert r.rc == rc, r.err
    doc = json.loads(r.out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["status"] == ("healthy" if rc == 0 else "problem")
    text = cli("diagnose", *args(aws, vendor, cfg, shows))
    assert text.rc == rc
    assert "\033[" not in text.out  # not a TTY: no colour
    for out in (r.out, r.err, text.out, text.err):
        assert not any(k in out for k in PSKS)


def test_schema_command_prints_the_shipped_schema():
    r = cli("schema", "diagnose")
    assert r.rc == 0 and json.loads(r.out) == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_text_names_the_cause_and_next_check():
    r = cli("diagnose", *args("bgp-tunnel-down", "cisco-ios", "pfs", "tunnel-down"))
    assert r.rc == 1
    assert "tunnel 1 (198.51.100.7): problem - tunnel-down" in r.out
    assert "pfs-mismatch" in r.out and "-> VPN211" in r.out
    assert "device: IKE SA QM_IDLE; child SA no SA" in r.out
    assert "next: Set PFS" in r.out


def test_telemetry_only_and_absent():
    r = cli("diagnose", str(D / "aws" / "bgp-one-tunnel.json"))
    assert r.rc == 1 and "only tunnel 1 UP: tunnel 2 down" in r.out
    r = cli("diagnose", str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"))
    assert r.rc == 0 and "telemetry absent" in r.out and "UNKNOWN" in r.out


def test_unknown_show_is_a_note(tmp_path):
    f = tmp_path / "uptime.txt"
    f.write_text("router uptime is 3 weeks, 2 days\n" + PSKS[0] + "\n")  # even a key in a file is not echoed
    r = cli("diagnose", str(D / "aws" / "bgp-healthy.json"), "--show", str(f))
    assert r.rc == 0
    assert "note: uptime.txt: not a show output vpncc recognises" in r.out
    assert PSKS[0] not in r.out


def test_input_errors_exit_2(tmp_path):
    assert cli("diagnose", str(tmp_path / "missing.json")).rc == 2
    assert cli("diagnose", str(D / "aws" / "bgp-healthy.json"), "--connection", "vpn-00000000000000000").rc == 2
    assert cli("diagnose", str(D / "aws" / "bgp-healthy.json"), "--config", str(D / "config" / "juniper-healthy.cfg")).rc == 2
    assert cli("diagnose", str(D / "aws" / "bgp-healthy.json"), "--show", str(tmp_path / "none.txt")).rc == 2
    assert cli("diagnose", str(D / "aws" / "bgp-healthy.json"), "--vendor", "nokia").rc == 2
    two = {"VpnConnections": [json.loads((D / "aws" / n).read_text())["VpnConnections"][0]
                              for n in ("bgp-healthy.json", "static-healthy.json")]}
    multi = tmp_path / "two.json"
    multi.write_text(json.dumps(two))
    shows = ["--show", str(D / "show" / "juniper" / "healthy-bgp-summary.txt")]
    r = cli("diagnose", str(multi), *shows)
    assert r.rc == 2 and "--connection" in r.err
    r = cli("diagnose", str(multi), "--connection", "vpn-0a1b2c3d4e5f60718", *shows, "--format", "json")
    assert r.rc == 0, r.err
    doc = json.loads(r.out)
    jsonschema.validate(doc, SCHEMA)
    assert [c["connection"] for c in doc["connections"]] == ["vpn-0a1b2c3d4e5f60718"]
    r = cli("diagnose", str(multi), "--format", "json")  # telemetry only: every connection
    assert r.rc == 0 and len(json.loads(r.out)["connections"]) == 2
