"""VPN505 across connections: `vpncc check` reports one pre-shared key used by tunnels of different
connections (one leaked key opens them all), naming connections and tunnels, never the key."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

from tests.clirunner import ROOT, cli
from tests.strategies import sample_connection
from vpncc.manifest import shared_keys


def test_shared_keys_names_connections_not_keys():
    a = sample_connection()
    b = replace(a, vpn_connection_id="vpn-0fedcba9876543210",
                tunnels=(replace(a.tunnels[0], ike=replace(a.tunnels[0].ike, psk="Other.Key_" + "x" * 24)),
                         a.tunnels[1]))
    res = shared_keys({"hq": a, "dc": b}, "vpncc.yaml")
    assert res is not None
    (f,) = res.findings
    assert f.rule == "VPN505" and f.category == "security"
    assert "dc tunnel 2" in f.message and "hq tunnel 2" in f.message
    assert a.tunnels[1].ike.psk not in f.message
    assert shared_keys({"hq": a}, "vpncc.yaml") is None   # both tunnels of one connection: VPN505 per device


def test_check_reports_a_key_shared_by_two_connections(tmp_path: Path):
    repo = tmp_path / "net"
    shutil.copytree(ROOT / "examples" / "network-repo", repo)
    hq = (repo / "aws" / "hq.txt").read_text()
    key = re.search(r"Pre-Shared Key\s*:\s*(\S+)", hq).group(1)
    branch = repo / "aws" / "branch.txt"
    text = branch.read_text()
    first = re.search(r"Pre-Shared Key\s*:\s*(\S+)", text).group(1)
    branch.write_text(text.replace(first, key, 1))
    r = cli("check", "--format", "json", cwd=repo)
    doc = json.loads(r.out)
    shared = [f for f in doc["findings"] if f["rule"] == "VPN505"]
    assert shared and "hq tunnel 1" in shared[0]["message"] and "branch tunnel 1" in shared[0]["message"]
    assert key not in r.out and key not in r.err
