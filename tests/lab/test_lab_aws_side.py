"""The emulated AWS side is built from its own specification (vpncc/lab/aws_side.yaml) and the IR's AWS
values, never from a backend's tables: corrupting the strongSwan backend's proposal table must make the
lab fail, and a wrong key given on the command line must fail as it would against AWS."""

from __future__ import annotations

import ast
import ipaddress
import os
from dataclasses import replace

import pytest

from tests.conftest import ROOT
from tests.strategies import sample_connection
from vpncc.ir import Encryption, IkeVersion, Integrity
from vpncc.lab import emulator
from vpncc.profile import Profile

PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])


def test_emulator_imports_no_backend():
    tree = ast.parse((ROOT / "vpncc" / "lab" / "emulator.py").read_text())
    mods = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    mods += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert mods and not any("backends" in m for m in mods), mods


def test_default_options_accept_every_documented_value():
    t = sample_connection().tunnels[0]   # a generic file: AWS's default tunnel options
    ike = emulator.ike_proposals(t)
    assert ike[0].startswith("aes128-aes256-sha1-sha256-sha384-sha512-modp1024-modp2048")
    assert "ecp384" in ike[0] and "modp2048s256" in ike[0] and "modp1536" not in ike[0]  # DH 5: phase 2 only
    assert ike[1].startswith("aes128gcm16-aes256gcm16-prfsha1")
    esp = emulator.esp_proposals(t)
    assert "modp1536" in esp[0] and esp[1].startswith("aes128gcm16-aes256gcm16-modp1024")
    text = emulator.swanctl(t, psk="x" * 32, customer="192.0.2.10", aws="198.51.100.7")
    assert "version = 0" in text and "start_action = none" in text and "dpd_action = clear" in text
    assert "dpd_timeout = 30s" in text and "replay_window = 1024" in text and "rekey_time = 3330s" in text


def test_tunnel_options_restrict_and_change_behaviour():
    from vpncc.ir import AcceptedSource, DpdTimeoutAction, StartupAction

    t = sample_connection().tunnels[0]
    t = replace(t, accepted=replace(t.accepted, source=AcceptedSource.TUNNEL_OPTIONS,
                                    ike_versions=(IkeVersion.IKEV2,), ike_encryption=(Encryption.AES256_GCM_16,),
                                    ike_integrity=(Integrity.SHA2_384,), ike_dh_groups=(20,)),
                aws_options=replace(t.aws_options, startup_action=StartupAction.START, dpd_timeout_s=60,
                                    dpd_timeout_action=DpdTimeoutAction.RESTART, replay_window=2048))
    assert emulator.ike_proposals(t) == ["aes256gcm16-prfsha384-ecp384"]
    text = emulator.swanctl(t, psk="x" * 32, customer="192.0.2.10", aws="198.51.100.7")
    assert "version = 2" in text and "start_action = start" in text and "dpd_action = restart" in text
    assert "dpd_timeout = 50s" in text and "replay_window = 2048" in text


def test_psk_is_quoted():
    t = sample_connection().tunnels[0]
    text = emulator.swanctl(t, psk='ab"c\\d', customer="192.0.2.10", aws="198.51.100.7")
    assert 'secret = "ab\\"c\\\\d"' in text


# -- with real daemons (root) --------------------------------------------------------------------

def _lab_or_fail():
    from vpncc import lab
    from vpncc.lab import env

    try:
        env.check_prerequisites(["ip", "unshare", "ping", "charon", "swanctl", "vici", "kernel-libipsec",
                                 "openssl", "zebra", "bgpd", "staticd", "vtysh", "bird", "birdc"])
    except lab.LabPrerequisiteError as e:
        if os.environ.get("CI"):
            pytest.fail(f"lab prerequisites missing under CI: {e}")
        pytest.skip(str(e))
    return lab


@pytest.mark.lab
def test_corrupting_the_backends_proposal_table_makes_the_lab_fail(monkeypatch):
    """DH 2 -> modp768 and AES128 -> 3des in the strongSwan backend's table: the compiled customer side
    proposes what AWS never accepts, and the lab, whose AWS side does not read that table, says so."""
    lab = _lab_or_fail()
    from vpncc.backends.strongswan import names

    monkeypatch.setitem(names.DH, 2, "modp768")
    monkeypatch.setitem(names.ENCRYPTION, Encryption.AES128, "3des")
    report = lab.run(sample_connection(ike_version=IkeVersion.IKEV2), profile=replace(PROFILE, crypto="file"))
    assert not report.ok
    for t in report.tunnels:
        assert t.ike != "ESTABLISHED" and t.cause and t.cause.startswith("NO_PROPOSAL_CHOSEN"), t.cause


@pytest.mark.lab
def test_a_wrong_key_given_on_the_command_line_fails():
    lab = _lab_or_fail()
    conn = sample_connection(ike_version=IkeVersion.IKEV2)
    report = lab.run(conn, profile=PROFILE, psks={1: "Wrong.Key_" + "q" * 22, 2: conn.tunnels[1].ike.psk})
    assert not report.ok
    t1, t2 = report.tunnels
    assert t1.cause and t1.cause.startswith("AUTH_FAILED") and t2.child == "INSTALLED"
