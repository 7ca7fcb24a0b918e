"""`--crypto` and `--release` on the command line: help with defaults, warnings on stderr, refusals (exit 2)."""

from __future__ import annotations

import json

from tests.clirunner import ROOT, cli
from vpncc import crypto
from vpncc.backends import base

SAMPLE = str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")  # IKEv1 AES128 / SHA1 / DH 2 example, AWS defaults


def test_help_names_the_modes_and_the_default():
    r = cli("compile", "--help")
    assert r.rc == 0
    flat = " ".join(r.out.split())
    assert "--crypto {recommended,compatible,file}" in flat
    assert f"(default: {crypto.DEFAULT_CRYPTO})" in flat
    assert "--release RELEASE" in flat


def test_recommended_prints_its_choice_in_the_header_and_no_warning():
    r = cli("compile", SAMPLE, "-v", "strongswan", "--crypto", "recommended", "--local-networks", "10.10.0.0/16",
            may_print_psk=True)
    assert r.rc == 0, r.err
    assert "# crypto: recommended" in r.out
    assert "# " + crypto.CONFIRM in r.out  # a generic file never states the tunnel options
    assert "warning" not in r.err
    assert "modp1024" not in r.out and "sha1" not in r.out  # strongSwan names of DH 2 and SHA1


def test_compatible_warns_on_stderr_and_in_the_header():
    r = cli("compile", SAMPLE, "-v", "strongswan", "--crypto", "compatible", "--local-networks", "10.10.0.0/16",
            may_print_psk=True)
    assert r.rc == 0, r.err
    warnings = [l for l in r.err.splitlines() if "warning:" in l]
    assert len(warnings) == 2 and all(l.endswith("[crypto-weak]") for l in warnings)
    assert "lowest value" in r.err and "modify-vpn-tunnel-options" in r.err
    assert "# WARNING: tunnel 1:" in r.out
    q = cli("compile", SAMPLE, "-v", "strongswan", "--crypto", "compatible", "-q", may_print_psk=True)
    assert q.rc == 0 and q.err == ""


def test_explicit_file_mode_warns_about_the_weak_example():
    r = cli("compile", SAMPLE, "-v", "fortinet", "--crypto", "file", may_print_psk=True)
    assert r.rc == 0, r.err
    assert "--crypto file" in r.err and "[crypto-weak]" in r.err


def test_crypto_from_the_profile_file(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("crypto: recommended\n")
    r = cli("compile", SAMPLE, "-v", "strongswan", "--profile", str(p), may_print_psk=True)
    assert r.rc == 0 and "# crypto: recommended" in r.out
    p.write_text("crypto: strongest\n")
    r = cli("compile", SAMPLE, "-v", "strongswan", "--profile", str(p))
    assert r.rc == 2 and "crypto" in r.err and "recommended, compatible, file" in r.err


def test_unknown_crypto_mode_is_refused():
    r = cli("compile", SAMPLE, "-v", "strongswan", "--crypto", "strongest")
    assert r.rc == 2 and "invalid choice" in r.err


def test_crypto_is_not_an_option_of_validate(tmp_path):
    cfg = tmp_path / "r1.cfg"
    cfg.write_text("connections {\n}\n")
    r = cli("validate", SAMPLE, "-v", "strongswan", "-c", str(cfg), "--crypto", "recommended")
    assert r.rc == 2 and "--crypto" in r.err


def test_unknown_release_is_refused_with_exit_2():
    for vendor in ("cisco-ios", "strongswan"):
        r = cli("compile", SAMPLE, "-v", vendor, "--release", "0.0-none")
        assert r.rc == 2, (vendor, r.err)
        assert "Traceback" not in r.err and r.out == ""
        valid = base.get(vendor).releases
        if valid:
            assert all(v in r.err for v in valid), r.err
        else:
            assert "no platform releases" in r.err


def test_release_refused_before_any_output_for_many_vendors(tmp_path):
    out = tmp_path / "out"
    r = cli("compile", SAMPLE, "-v", "fortinet,strongswan", "--release", "0.0-none", "-o", str(out))
    assert r.rc == 2 and not out.exists()


def test_batch_warnings_name_each_output(tmp_path):
    out = tmp_path / "out"
    r = cli("compile", SAMPLE, "-v", "fortinet,strongswan", "--crypto", "compatible", "-o", str(out))
    assert r.rc == 0, r.err
    lines = [l for l in r.err.splitlines() if "[crypto-weak]" in l]
    assert len(lines) == 4  # two tunnels, two vendors
    assert any("fortinet" in l for l in lines) and any("strongswan" in l for l in lines)


def test_vendor_specific_options_for_another_vendor_are_refused():
    for args, needle in ((("-v", "cisco-ios", "--fortios-version", "7.2"), "--fortios-version"),
                         (("-v", "juniper", "--routing", "bird"), "--routing"),
                         (("-v", "strongswan", "--base", "config.xml"), "--base")):
        r = cli("compile", SAMPLE, *args)
        assert r.rc == 2 and needle in r.err and r.out == "", (args, r.err)


def test_fortios_version_and_a_different_release_conflict():
    r = cli("compile", SAMPLE, "-v", "fortinet", "--fortios-version", "7.2", "--release", "7.4")
    assert r.rc == 2 and "different" in r.err
    r = cli("compile", SAMPLE, "-v", "fortinet", "--fortios-version", "7.2", "--release", "7.2", "-q",
            may_print_psk=True)
    assert r.rc == 0, r.err


def test_recommended_output_validates_without_compliance_findings(tmp_path):
    for vendor, ext in (("cisco-ios", "cfg"), ("juniper", "set"), ("fortinet", "conf")):
        cfg = tmp_path / f"r1.{ext}"
        r = cli("compile", SAMPLE, "-v", vendor, "--local-networks", "10.10.0.0/16", "--crypto", "recommended",
                "-o", str(cfg))
        assert r.rc == 0, r.err
        r = cli("validate", SAMPLE, "-v", vendor, "-c", str(cfg), "--local-networks", "10.10.0.0/16",
                "--format", "json")
        doc = json.loads(r.out)
        serious = [(f["rule"], f["tunnel"]) for f in doc["findings"]
                   if f.get("category") != "security" and f["severity"] != "info"]
        assert r.rc == 0 and serious == [], (vendor, serious)
        # IKEv2 with SHA2 and DH 14+ only: no weak-algorithm finding (VPN501) either
        assert not [f for f in doc["findings"] if f["rule"] == "VPN501"], vendor
