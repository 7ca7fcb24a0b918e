"""No pre-shared key in any finding, report format or remediation, for every backend (issue 19, part 5).

Each case compiles a device config, changes what the device has against what AWS says (another key
on tunnel 1: VPN203 psk-mismatch; the device of another connection: both tunnels missing, so the
remediation builds whole tunnels with their keys), validates with remediation the way ``vpncc validate``
and ``vpncc check`` do (``vpncc.validate.run.check_device``), renders every report format and looks for
every key involved (the connection's, the device's) verbatim and in the encodings configs use.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from dataclasses import replace

import pytest

from tests.clirunner import ROOT
from vpncc.backends import base
from vpncc.compiler import compile_files
from vpncc.errors import VpnccError
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.validate.report import Report
from vpncc.validate.reports import render
from vpncc.validate.run import check_device

VENDORS = ["cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan"]
FORMATS = ["text", "json", "junit", "sarif", "github"]
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
SAMPLE = ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"
OTHER = ROOT / "samples" / "bgp-tgw-ikev1-2022.txt"
DEVICE_KEY = "Device.Key_Different_0123456789"
#: a key with every character a quoted syntax escapes (backslash, both quotes, XML's & < >)
SPECIAL_KEY = 'Sp3c"ial\\Key&<amp>\'_0123'


def forms(key: str) -> set[str]:
    """The key as text may carry it: verbatim, backslash- or XML-escaped, hex, base64."""
    raw = key.encode()
    bs = key.replace("\\", "\\\\")
    return {key, bs.replace('"', '\\"'), bs.replace("'", "\\'"), json.dumps(key)[1:-1], raw.hex(),
            raw.hex().upper(), base64.b64encode(raw).decode(),
            key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}


def with_keys(conn, *keys):
    return replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk=k if k is not None else t.ike.psk))
                                       for t, k in zip(conn.tunnels, keys, strict=True)))


def device_file(tmp_path, vendor, conn):
    files = compile_files(conn, vendor, PROFILE)
    name, text = next(iter(files.items()))
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def outputs(results):
    report = Report(None, results)
    texts = {fmt: render(report, fmt) for fmt in FORMATS}
    texts["remediation"] = "\n".join(r.remediation or "" for r in results)
    texts["findings"] = "\n".join(repr(f) + json.dumps(f.to_dict()) for r in results for f in r.findings)
    return texts


def assert_no_key(texts, keys):
    for where, text in texts.items():
        for k in keys:
            for f in forms(k):
                assert f not in text, f"a pre-shared key (tunnel key {sorted(keys).index(k) + 1}) is in the {where} output"


@pytest.mark.parametrize("vendor", VENDORS)
def test_psk_mismatch_remediation_has_a_placeholder(vendor, tmp_path):
    conn = load_one(SAMPLE)
    path = device_file(tmp_path, vendor, with_keys(conn, DEVICE_KEY, None))
    results = check_device(path, vendor, {"": conn}, profile=PROFILE, remediation=True)
    rules = {f.rule for r in results for f in r.findings}
    assert "VPN203" in rules, rules  # the device's tunnel 1 key differs from AWS's
    texts = outputs(results)
    assert_no_key(texts, {t.ike.psk for t in conn.tunnels} | {DEVICE_KEY})
    # the fix names the key it needs and where to get it
    assert "<PSK tunnel 1 of vpn-0a1b2c3d4e5f60718: " in texts["remediation"]
    assert "describe-vpn-connections" in texts["remediation"]
    for fmt in ("text", "json"):
        assert "<PSK tunnel 1 of" in texts[fmt], fmt  # the reports carry the placeholder, not the key


@pytest.mark.parametrize("vendor", VENDORS)
def test_show_secrets_puts_the_key_in_the_remediation(vendor, tmp_path):
    conn = load_one(SAMPLE)
    path = device_file(tmp_path, vendor, with_keys(conn, DEVICE_KEY, None))
    results = check_device(path, vendor, {"": conn}, profile=PROFILE, remediation=True, show_secrets=True)
    fix = "\n".join(r.remediation or "" for r in results)
    assert conn.tunnels[0].ike.psk in fix
    assert "<PSK" not in fix
    # findings stay key-free with --show-secrets too
    assert not any(conn.tunnels[0].ike.psk in f.message or DEVICE_KEY in f.message for r in results for f in r.findings)


@pytest.mark.parametrize("vendor", VENDORS)
def test_psk_out_names_the_file(vendor, tmp_path):
    conn = load_one(SAMPLE)
    path = device_file(tmp_path, vendor, with_keys(conn, DEVICE_KEY, None))
    results = check_device(path, vendor, {"": conn}, profile=PROFILE, remediation=True, psk_out="keys.txt")
    texts = outputs(results)
    assert "<PSK tunnel 1 of vpn-0a1b2c3d4e5f60718: see keys.txt>" in texts["remediation"]
    assert_no_key(texts, {t.ike.psk for t in conn.tunnels} | {DEVICE_KEY})


@pytest.mark.parametrize("vendor", VENDORS)
def test_missing_tunnels_remediation_keeps_both_connections_keys_out(vendor, tmp_path):
    """The device terminates another connection: the remediation builds both tunnels (with keys) and may
    touch the device's own objects (with the device's keys)."""
    device_conn = load_one(OTHER)
    conn = load_one(SAMPLE)
    path = device_file(tmp_path, vendor, device_conn)
    results = check_device(path, vendor, {"": conn}, profile=PROFILE, remediation=True)
    texts = outputs(results)
    assert any(f.rule == "VPN101" for r in results for f in r.findings)
    assert_no_key(texts, {t.ike.psk for c in (conn, device_conn) for t in c.tunnels})


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_key_with_quotes_and_markup_is_replaced_in_its_escaped_form(vendor, tmp_path):
    conn = with_keys(load_one(SAMPLE), SPECIAL_KEY, None)
    path = device_file(tmp_path, vendor, with_keys(conn, DEVICE_KEY, None))
    try:
        results = check_device(path, vendor, {"": conn}, profile=PROFILE, remediation=True)
    except VpnccError as e:
        # the platform cannot carry this key (Junos ascii-text, FortiOS: printable ASCII without '?', ...):
        # the remediation refuses it like compile does, and the refusal does not print it
        assert not any(f in str(e) for f in forms(SPECIAL_KEY)), "the refusal names the key"
        with pytest.raises(VpnccError):
            compile_files(conn, vendor, PROFILE)
        return
    texts = outputs(results)
    assert any(f.rule == "VPN203" for r in results for f in r.findings)
    assert_no_key(texts, {SPECIAL_KEY, DEVICE_KEY, conn.tunnels[1].ike.psk})
    assert "<PSK tunnel 1 of" in texts["remediation"]


def test_fleet_of_many_connections_scrubs_each_connection(tmp_path):
    """validate_fleet / vpncc check: one device, several connections; each result scrubs its own keys and
    the device's."""
    from vpncc.validate.run import validate_fleet

    conn, other = load_one(SAMPLE), load_one(OTHER)
    path = device_file(tmp_path, "cisco-ios", with_keys(conn, DEVICE_KEY, None))
    results = validate_fleet([conn, other], "cisco-ios", [path], profile=PROFILE, remediation=True, jobs=1)
    assert_no_key(outputs(results), {t.ike.psk for c in (conn, other) for t in c.tunnels} | {DEVICE_KEY})


def test_every_backend_is_covered():
    assert set(base.names()) == set(VENDORS)  # a new backend joins these cases


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_comparison_itself_names_no_key(vendor, tmp_path):
    """vpncc.validate (the library call, no scrubbing after it): findings name keys by tunnel only."""
    import vpncc

    conn = load_one(SAMPLE)
    path = device_file(tmp_path, vendor, with_keys(conn, DEVICE_KEY, None))
    report = vpncc.validate(conn, vendor, open(path).read(), profile=PROFILE, path=path)
    assert any(f.rule == "VPN203" for f in report.findings)
    texts = {fmt: render(report, fmt) for fmt in FORMATS}
    texts["findings"] = "\n".join(json.dumps(f.to_dict()) for f in report.findings)
    assert_no_key(texts, {t.ike.psk for t in conn.tunnels} | {DEVICE_KEY})
