"""`vpncc lab` from the command line, on compiled and on hand-written configs (root, real daemons).

Each failure kind exits 1 and names the phase that failed, with the emulated AWS side's own log line:
a wrong key, no common proposal, a wrong peer, one tunnel missing, a wrong BGP ASN. The user's own
configs run as they are: a hand-written swanctl.conf + interface script + frr.conf, Debian's conf.d
layout, an ipsec.conf bundle and a pfSense config.xml. Outage scenarios report their times."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.clirunner import ROOT, cli

pytestmark = pytest.mark.lab

SAMPLE = str(ROOT / "samples" / "bgp-vgw-ikev2-strong-2022.txt")
STATIC = str(ROOT / "samples" / "static-vgw-ikev2-2022.txt")
DATA = Path(__file__).parent / "data"
NETS = ("--local-networks", "10.10.0.0/16")


@pytest.fixture(scope="module", autouse=True)
def prerequisites() -> None:
    from vpncc import lab
    from vpncc.lab import env

    try:
        env.check_prerequisites(["ip", "unshare", "ping", "charon", "swanctl", "vici", "kernel-libipsec", "openssl",
                                 "starter", "stroke", "zebra", "bgpd", "staticd", "vtysh", "bird", "birdc"])
    except lab.LabPrerequisiteError as e:
        if os.environ.get("CI"):
            pytest.fail(f"lab prerequisites missing under CI: {e}")
        pytest.skip(str(e))


def lab(*args: str, timeout: float = 240) -> tuple[int, dict]:
    r = cli("lab", *args, "--json", timeout=timeout)
    assert r.rc in (0, 1), r.err
    return r.rc, json.loads(r.out)


@pytest.fixture
def handwritten(tmp_path: Path) -> Path:
    d = tmp_path / "hand"
    shutil.copytree(DATA / "swanctl-handwritten", d)
    return d


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    d = tmp_path / "bundle"
    r = cli("compile", SAMPLE, "--vendor", "strongswan", *NETS, "--bundle", str(d))
    assert r.rc == 0, r.err
    return d


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def only_failure(doc: dict, number: int) -> dict:
    assert doc["ok"] is False
    return doc["tunnels"][number - 1]


# -- configs people write, as they are ------------------------------------------------------------

def test_handwritten_swanctl_runs_as_given(handwritten):
    rc, doc = lab(SAMPLE, "--config", str(handwritten), *NETS)
    assert rc == 0 and doc["ok"], doc
    assert any(a.startswith("your configuration as given") for a in doc["adaptations"])
    assert all(t["bgp"] == "Established" and t["routes_learned"] == ["10.0.0.0/16"] for t in doc["tunnels"])


def test_debian_conf_d_layout():
    rc, doc = lab(SAMPLE, "--config", str(DATA / "swanctl-debian"), *NETS)
    assert rc == 0 and doc["ok"], doc


def test_compiled_ipsec_conf_bundle_given_as_config(tmp_path):
    d = tmp_path / "legacy"
    assert cli("compile", SAMPLE, "--vendor", "strongswan", "--format", "legacy", *NETS, "--bundle", str(d)).rc == 0
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    assert rc == 0 and doc["ok"], doc


def test_pfsense_config_xml_given_as_config(tmp_path):
    xml = tmp_path / "config.xml"
    r = cli("compile", SAMPLE, "--vendor", "pfsense", "--format", "xml", *NETS, "-o", str(xml))
    assert r.rc == 0, r.err
    rc, doc = lab(SAMPLE, "--vendor", "pfsense", "--config", str(xml), *NETS)
    assert rc == 0 and doc["ok"], doc


# -- failures that fail, with the phase and AWS's log line ----------------------------------------

def test_wrong_key_from_psk_file(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("1: Wrong.Key_abcdefghijklmnopqrstu\n2: Strong.Key_2nO3pQ4rS5tU6vW7xY8zA\n")
    os.chmod(keys, 0o600)
    rc, doc = lab(SAMPLE, "--psk-file", str(keys), "--psk-override", *NETS)
    t1 = only_failure(doc, 1)
    assert rc == 1 and t1["phase"] == "ike" and t1["cause"].startswith("AUTH_FAILED"), t1
    assert t1["aws_log"] and t1["aws_log"].startswith("AWS endpoint 1:"), t1
    assert doc["tunnels"][1]["child"] == "INSTALLED"


@pytest.mark.parametrize("kind", ["compiled", "handwritten"])
def test_wrong_key_in_the_config(kind, request):
    d = request.getfixturevalue(kind)
    edit(d / "swanctl.conf", "Strong.Key_1aB2cD3eF4gH5iJ6kL7mN", "Wrong.Key_1aB2cD3eF4gH5iJ6kL7mN")
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    t1 = only_failure(doc, 1)
    assert rc == 1 and t1["phase"] == "ike" and t1["cause"].startswith("AUTH_FAILED"), t1


@pytest.mark.parametrize("kind", ["compiled", "handwritten"])
def test_no_common_proposal(kind, request):
    d = request.getfixturevalue(kind)
    conf = d / "swanctl.conf"
    text = conf.read_text()
    # tunnel 1 offers only 3DES/MD5/DH 2: nothing AWS accepts
    new = re.sub(r"(\n\s*)proposals = [^\n]+", r"\1proposals = 3des-md5-modp1024", text, count=1)
    assert new != text
    conf.write_text(new)
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    t1 = only_failure(doc, 1)
    assert rc == 1 and t1["phase"] == "ike" and t1["cause"].startswith("NO_PROPOSAL_CHOSEN"), t1
    assert re.search(r"NO_PROP|no acceptable proposal", t1["aws_log"] or ""), t1


@pytest.mark.parametrize("kind", ["compiled", "handwritten"])
def test_wrong_peer(kind, request):
    d = request.getfixturevalue(kind)
    edit(d / "swanctl.conf", "remote_addrs = 198.51.100.33", "remote_addrs = 198.51.100.99")
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    t1 = only_failure(doc, 1)
    assert rc == 1 and t1["phase"] == "config" and "198.51.100.33" in t1["cause"], t1
    assert "no IKE packet" in t1["aws_log"]


def drop_connection(text: str, remote: str) -> str:
    """swanctl.conf without the connection whose remote_addrs is ``remote`` (its whole block)."""
    lines = text.splitlines(keepends=True)
    at = next(i for i, l in enumerate(lines) if f"remote_addrs = {remote}" in l)
    start = max(i for i in range(at) if lines[i].rstrip().endswith("{") and "connections" not in lines[i]
                and lines[i].startswith(" ") and len(lines[i]) - len(lines[i].lstrip()) <= 4)
    depth, end = 0, start
    for end in range(start, len(lines)):
        depth += lines[end].count("{") - lines[end].count("}")
        if depth == 0:
            break
    return "".join(lines[:start] + lines[end + 1:])


@pytest.mark.parametrize("kind", ["compiled", "handwritten"])
def test_one_tunnel_missing(kind, request):
    d = request.getfixturevalue(kind)
    conf = d / "swanctl.conf"
    conf.write_text(drop_connection(conf.read_text(), "198.51.100.34"))
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    t2 = only_failure(doc, 2)
    assert rc == 1 and t2["phase"] == "config" and "198.51.100.34" in t2["cause"], t2


@pytest.mark.parametrize("kind", ["compiled", "handwritten"])
def test_wrong_bgp_asn(kind, request):
    d = request.getfixturevalue(kind)
    edit(d / "frr.conf", "router bgp 4200000001", "router bgp 65099")
    rc, doc = lab(SAMPLE, "--config", str(d), *NETS)
    assert rc == 1 and doc["ok"] is False
    for t in doc["tunnels"]:
        assert t["child"] == "INSTALLED" and t["bgp"] != "Established" and t["phase"] == "bgp", t
        assert t["aws_log"] and t["aws_log"].startswith("AWS BGP:"), t


# -- outages as AWS has them ----------------------------------------------------------------------

def test_outage_scenarios_report_their_times():
    """Graceful endpoint replacement, then a silent blackhole of endpoint 1, with a static-routed
    compiled config: dead-peer detection alone must move traffic (within about 40 s), and both come
    back on tunnel 1."""
    rc, doc = lab(STATIC, *NETS, "--remote-networks", "10.0.0.0/16", "--scenarios", "graceful,blackhole",
                  timeout=500)
    assert rc == 0 and doc["ok"], doc
    sc = {s["name"]: s for s in doc["scenarios"]}
    assert set(sc) == {"graceful", "blackhole"}
    assert sc["graceful"]["move_s"] < 5 and sc["graceful"]["failback_s"] < 60
    assert sc["blackhole"]["move_s"] <= 45, sc["blackhole"]
    assert sc["blackhole"]["failback_s"] is not None


def test_cleanup_removes_what_a_killed_run_left(tmp_path):
    import subprocess
    import sys
    import time

    state = tmp_path / "state"
    env = dict(os.environ, VPNCC_LAB_STATE=str(state), PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "vpncc", "lab", SAMPLE, *NETS, "--keep"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (state.exists() and list(state.glob("*.json"))):
        time.sleep(0.2)
    time.sleep(1.5)
    p.kill()                               # SIGKILL: no cleanup of its own
    p.wait()
    rec = json.loads(next(state.glob("*.json")).read_text())
    r = cli("lab", "--cleanup", env={"VPNCC_LAB_STATE": str(state)})
    assert r.rc == 0 and "namespace" in r.out, r.out
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert not any(n in ns for n in rec["namespaces"])
    assert not Path(rec["dir"]).exists() and not list(state.glob("*.json"))
