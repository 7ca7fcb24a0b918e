"""Keys through the command line: file modes, --show-secrets, --psk-out, and supplied keys against the
input's (every run here is also in the session's secret scan, tests/clirunner.py)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.clirunner import ROOT, cli, encodings, known_psks

SAMPLE = ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"
KEY1 = "Qx7.mZp2_Lr9TkV4wYb8Nc3Hd6Jf1Gs5"   # the sample's tunnel 1 key (samples/bgp-vgw-ikev1-2022.txt)
DEVICE_KEY = "Device.Key_Different_0123456789"
ENV_KEY = "Env.Key_From_The_Environment_01"
NETS = ("--local-networks", "10.10.0.0/16")
CNETS = (*NETS, "--crypto", "file")  # compile: the file's suite, which validate accepts


@pytest.fixture(autouse=True)
def umask027():
    old = os.umask(0o027)  # the vpncc subprocesses inherit it
    try:
        yield
    finally:
        os.umask(old)


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def holds_key(text: str) -> bool:
    return any(f in text for k in known_psks() | {DEVICE_KEY, ENV_KEY} for f in encodings(k))


def device(tmp_path, vendor="cisco-ios"):
    """The sample compiled for ``vendor`` with another key on tunnel 1 (VPN203)."""
    out = tmp_path / f"{vendor}.cfg"
    r = cli("compile", str(SAMPLE), "--vendor", vendor, *CNETS, "-o", str(out))
    assert r.rc == 0, r.err
    out.write_text(out.read_text().replace(KEY1, DEVICE_KEY))
    return out


# -- modes ------------------------------------------------------------------------------------

def test_compile_output_with_a_key_is_0600_and_redacted_keeps_the_umask(tmp_path):
    r = cli("compile", str(SAMPLE), "--vendor", "juniper", *NETS, "-o", str(tmp_path / "a.conf"))
    assert r.rc == 0 and mode(tmp_path / "a.conf") == 0o600
    r = cli("compile", str(SAMPLE), "--vendor", "juniper", *NETS, "--redact", "-o", str(tmp_path / "b.conf"))
    assert r.rc == 0 and mode(tmp_path / "b.conf") == 0o640 and not holds_key((tmp_path / "b.conf").read_text())


def test_parse_output_modes(tmp_path):
    assert cli("parse", str(SAMPLE), "-o", str(tmp_path / "ir.json")).rc == 0
    assert mode(tmp_path / "ir.json") == 0o600
    assert cli("parse", str(SAMPLE), "--redact", "-o", str(tmp_path / "red.json")).rc == 0
    assert mode(tmp_path / "red.json") == 0o640


@pytest.mark.parametrize("vendor, fmt", [("strongswan", "networkd"), ("strongswan", "swanctl"),
                                         ("strongswan", "legacy"), ("pfsense", None), ("fortinet", None),
                                         ("cisco-ios", None), ("cisco-asa", None), ("juniper", None)])
def test_bundle_files_are_0600_exactly_when_they_hold_a_key(tmp_path, vendor, fmt):
    out = tmp_path / "b"
    r = cli("compile", str(SAMPLE), "--vendor", vendor, *NETS, *(("--format", fmt) if fmt else ()), "--bundle",
            str(out), "-q")
    assert r.rc == 0, r.err
    for p in out.iterdir():
        secret = holds_key(p.read_text())
        want = (0o700 if p.suffix == ".sh" else 0o600) if secret else (0o750 if p.suffix == ".sh" else 0o640)
        assert mode(p) == want, (p.name, oct(mode(p)))
    if fmt == "networkd":  # systemd-networkd (user systemd-network) reads these: never private
        netdevs = [p for p in out.iterdir() if p.suffix in (".netdev", ".network")]
        assert len(netdevs) == 4 and all(mode(p) == 0o640 for p in netdevs)
        assert mode(out / "swanctl.conf") == 0o600


def test_validate_report_modes_and_show_secrets(tmp_path):
    cfg = device(tmp_path)
    rep = tmp_path / "report.txt"
    r = cli("validate", str(SAMPLE), "--vendor", "cisco-ios", "-c", str(cfg), *NETS, "--remediation", "-o", str(rep))
    assert r.rc == 1 and "VPN203" in rep.read_text() and "<PSK tunnel 1 of" in rep.read_text()
    assert not holds_key(rep.read_text()) and mode(rep) == 0o640
    shown = tmp_path / "shown.txt"
    r = cli("validate", str(SAMPLE), "--vendor", "cisco-ios", "-c", str(cfg), *NETS, "--remediation",
            "--show-secrets", "-o", str(shown), may_print_psk=True)
    assert r.rc == 1 and KEY1 in shown.read_text() and mode(shown) == 0o600
    r = cli("validate", str(SAMPLE), "--vendor", "cisco-ios", "-c", str(cfg), *NETS, "--remediation",
            "--show-secrets", "--format", "json", may_print_psk=True)
    assert KEY1 in json.loads(r.out)["remediation"][str(cfg)]


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github"])
def test_validate_every_format_without_keys(tmp_path, fmt):
    cfg = device(tmp_path, "fortinet")
    r = cli("validate", str(SAMPLE), "--vendor", "fortinet", "-c", str(cfg), *NETS, "--remediation", "--format", fmt)
    assert r.rc == 1 and not holds_key(r.out + r.err), fmt
    assert "VPN203" in r.out


def test_psk_out_writes_the_keys_apart(tmp_path):
    cfg = device(tmp_path, "juniper")
    keys = tmp_path / "keys.txt"
    r = cli("validate", str(SAMPLE), "--vendor", "juniper", "-c", str(cfg), *NETS, "--remediation", "--psk-out",
            str(keys))
    assert r.rc == 1 and not holds_key(r.out)
    assert f"see {keys}>" in r.out
    assert mode(keys) == 0o600 and f"1: {KEY1}" in keys.read_text()
    # the file is a --psk-file for the same connection (no conflict: the same keys)
    assert cli("validate", str(SAMPLE), "--vendor", "juniper", "-c", str(cfg), *NETS, "--psk-file", str(keys)).rc == 1
    r = cli("validate", str(SAMPLE), "--vendor", "juniper", "-c", str(cfg), "--psk-out", str(keys))
    assert r.rc == 2 and "--remediation" in r.err


def test_check_report_has_no_key(tmp_path):
    device(tmp_path)  # cisco-ios.cfg, with another key on tunnel 1
    (tmp_path / "aws.txt").write_text(SAMPLE.read_text())
    (tmp_path / "vpncc.yaml").write_text("connections:\n  - name: a\n    source: aws.txt\n"
                                         "devices:\n  - name: r1\n    vendor: cisco-ios\n    config: cisco-ios.cfg\n"
                                         "    connections: [a]\n")
    for fmt in ("text", "json", "sarif"):
        r = cli("check", "--manifest", str(tmp_path / "vpncc.yaml"), "--format", fmt)
        assert r.rc == 1 and "VPN203" in r.out and not holds_key(r.out + r.err), fmt
    r = cli("check", "--manifest", str(tmp_path / "vpncc.yaml"), "-o", str(tmp_path / "ci.txt"))
    assert mode(tmp_path / "ci.txt") == 0o640


# -- supplied keys against the input's ---------------------------------------------------------

def test_env_key_against_the_input_is_exit_2_naming_both(tmp_path):
    r = cli("compile", str(SAMPLE), "--vendor", "cisco-ios", *NETS, env={"VPNCC_PSK_1": ENV_KEY})
    assert r.rc == 2 and r.out == ""
    assert "VPNCC_PSK_1" in r.err and "bgp-vgw-ikev1-2022.txt" in r.err and "--psk-override" in r.err
    assert ENV_KEY not in r.err
    r = cli("compile", str(SAMPLE), "--vendor", "cisco-ios", *NETS, "--psk-override", env={"VPNCC_PSK_1": ENV_KEY},
            may_print_psk=True)
    assert r.rc == 0 and ENV_KEY in r.out and KEY1 not in r.out


def test_psk_file_against_the_input_needs_override(tmp_path):
    keys = tmp_path / "keys"
    keys.write_text(f"1: {ENV_KEY}\n")
    cfg = device(tmp_path)
    r = cli("validate", str(SAMPLE), "--vendor", "cisco-ios", "-c", str(cfg), *NETS, "--psk-file", str(keys))
    assert r.rc == 2 and "--psk-file" in r.err and "the input" in r.err and ENV_KEY not in r.err
    r = cli("compile", str(SAMPLE), "--vendor", "cisco-ios", *NETS, "--psk-file", str(keys), "--psk-override",
            may_print_psk=True)
    assert r.rc == 0 and ENV_KEY in r.out


def test_keys_for_a_directory_of_connections_are_refused(tmp_path):
    r = cli("compile", str(ROOT / "samples"), "--vendor", "cisco-ios", *NETS, "-o", str(tmp_path / "out"),
            env={"VPNCC_PSK": ENV_KEY})
    assert r.rc == 2 and "VPNCC_PSK" in r.err and not (tmp_path / "out").exists()


def test_env_key_fills_a_redacted_input(tmp_path):
    red = tmp_path / "aws.txt"
    red.write_text(SAMPLE.read_text().replace(KEY1, "<REDACTED_FOR_SECURITY>"))
    r = cli("compile", str(red), "--vendor", "cisco-ios", *NETS, env={"VPNCC_PSK_1": ENV_KEY}, may_print_psk=True)
    assert r.rc == 0 and ENV_KEY in r.out


def test_keys_for_many_connections_of_one_input_are_refused(tmp_path):
    """An API JSON with two redacted connections: one VPNCC_PSK_1 would become both connections' key."""
    text = (ROOT / "samples" / "terraform" / "two-connections.describe.json").read_text()
    for k in known_psks():
        text = text.replace(k, "<REDACTED_FOR_SECURITY>")  # in TunnelOptions and in the configuration XML
    f = tmp_path / "two.json"
    f.write_text(text)
    r = cli("compile", str(f), "--vendor", "cisco-ios", *NETS, "-o", str(tmp_path / "out"), env={"VPNCC_PSK_1": ENV_KEY})
    assert r.rc == 2 and "VPNCC_PSK_1" in r.err and "--connection" in r.err and ENV_KEY not in r.err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diagnose_with_a_config_names_no_key(tmp_path, fmt):
    cfg = device(tmp_path)
    r = cli("diagnose", str(SAMPLE), "--vendor", "cisco-ios", "--config", str(cfg), "--format", fmt)
    assert r.rc in (0, 1) and not holds_key(r.out + r.err), r.err
    if fmt == "json":  # the text verdict shows findings only next to a symptom (none without telemetry)
        assert "VPN203" in r.out
