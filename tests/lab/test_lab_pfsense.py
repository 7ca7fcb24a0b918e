"""`vpncc lab --vendor pfsense`: the swanctl.conf pfSense generates from the compiled config.xml (through
swanctl_map, the port of ipsec.inc), its VTIs and its FRR/static routing, against the emulated AWS side
(marker `lab`, root). Same checks as for strongSwan: both tunnels up, BGP Established (or static
routes), pings, failover to tunnel 2; the changes made for this machine are listed by name. With CI
set, missing prerequisites fail instead of skipping.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys

import pytest

import vpncc
from tests.conftest import ROOT
from vpncc import lab
from vpncc.backends import base
from vpncc.compiler import fill_missing, resolve_profile
from vpncc.errors import UsageError
from vpncc.ir import IkeVersion, Routing
from vpncc.lab import env
from vpncc.profile import Profile

from .test_lab_strongswan import no_leftovers

pytestmark = pytest.mark.lab

# --crypto file: each case runs the IKE version and suite it names (the mapping differs per version)
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
NEEDED = ["ip", "unshare", "ping", "charon", "swanctl", "vici", "kernel-libipsec", "openssl", "zebra", "bgpd",
          "staticd", "vtysh", "bird", "birdc"]
SAMPLES = {  # (routing, IKE version) -> sample
    ("bgp", "ikev1"): "bgp-vgw-ikev1-2022.txt",
    ("bgp", "ikev2"): "bgp-vgw-ikev2-strong-2022.txt",
    ("static", "ikev1"): "static-vgw-ikev1-2020.txt",
    ("static", "ikev2"): "static-vgw-ikev2-2022.txt",
}


@pytest.fixture(scope="module", autouse=True)
def prerequisites() -> None:
    try:
        env.check_prerequisites(NEEDED)
    except lab.LabPrerequisiteError as e:
        if os.environ.get("CI"):
            pytest.fail(f"lab prerequisites missing under CI: {e}")
        pytest.skip(str(e))


def sample(name: str):
    return vpncc.parse(str(ROOT / "samples" / name))


def frr_conf(conn) -> str:
    b = base.get("pfsense")
    prof, _ = resolve_profile(conn, b, PROFILE)
    return b.lab_files(fill_missing(conn, prof, {}), prof, base.RenderOptions())["frr.conf"]


def require_tunnel_preference(conn) -> None:
    """The lab checks that traffic takes tunnel 1 and fails over to tunnel 2. A pfSense config without a
    BGP preference for tunnel 1 leaves that to FRR's tie-break (the oldest path), so the check would pass
    or fail by timing; fail here, every time, with the reason."""
    if conn.routing is not Routing.BGP:
        return
    t2 = conn.tunnels[1].bgp.neighbor
    if not re.search(rf"^  neighbor {t2} route-map \S+ in$", frr_conf(conn), re.M):
        pytest.fail("the compiled pfSense config.xml gives BGP no tunnel preference (no route-map on tunnel 2's "
                    "neighbor): FRR then prefers whichever AWS route arrived first, often tunnel 2's, and the "
                    "lab reports 'traffic to the VPC uses ipsec1, not tunnel 1'. Fix: the pfSense backend "
                    "writes frrglobalroutemaps (local preference in, AS path prepend out) for tunnel 2")


def assert_all_good(report: lab.LabReport, routing: str, conn) -> None:
    d = report.to_dict()
    for t in d["tunnels"]:
        assert (t["ike"], t["child"], t["ping"]) == ("ESTABLISHED", "INSTALLED", True), report.text()
        assert t["routes_learned"] == ["10.0.0.0/16"], report.text()
        assert t["bgp"] == ("Established" if routing == "bgp" else None), report.text()
        assert t["cause"] is None
    require_tunnel_preference(conn)
    assert report.errors == [], report.text()
    assert d["failover"] is True and report.vpc_ping, report.text()
    assert d["ok"] is True
    assert d["seconds"] < 30


def assert_changes_named(report: lab.LabReport, conn) -> None:
    """Every change to pfSense's own config is listed, by connection and child."""
    a = report.adaptations
    assert a
    v1 = conn.tunnels[0].ike.version is IkeVersion.IKEV1
    for i in range(1, len(conn.tunnels) + 1):
        child = f"con{i}.children.con{i}_{i}" if v1 else f"con{i}.children.con{i}"
        assert any(x.startswith(f"swanctl.conf {child}: policies = no -> yes") for x in a), a
        assert any(x.startswith(f"swanctl.conf {child}: updown = ") and f"updown ipsec{i} added" in x for x in a), a
    assert any(x.startswith("encap = yes on every tunnel") for x in a)
    assert any(x.startswith("kernel-libipsec") for x in a)
    # the VTIs ipsec<reqid> become the charons' TUN devices; pfSense's reqid binding is not called if_id
    tun = next(x for x in a if x.startswith("ipsec1 -> ipsec0, ipsec2 -> ipsec1: "))
    assert "VTIs' place" in tun and "if_id" not in tun
    for t in conn.tunnels:
        assert t.ike.psk not in "\n".join(a)


# -- positive runs -------------------------------------------------------------------------------

@pytest.mark.parametrize("routing,version", sorted(SAMPLES), ids=lambda v: v)
def test_lab_pfsense_sample(routing: str, version: str) -> None:
    conn = sample(SAMPLES[(routing, version)])
    assert conn.routing.value == routing and conn.tunnels[0].ike.version.value == version
    report = lab.run(conn, vendor="pfsense", profile=PROFILE)
    assert_changes_named(report, conn)
    assert_all_good(report, routing, conn)


def test_lab_pfsense_cli_json() -> None:
    conn = sample("bgp-vgw-ikev1-2022.txt")
    require_tunnel_preference(conn)
    cp = subprocess.run([sys.executable, "-m", "vpncc", "lab", "samples/bgp-vgw-ikev1-2022.txt", "--vendor", "pfsense",
                         "--json", "--local-networks", "10.10.0.0/16"], cwd=ROOT, capture_output=True, text=True,
                        timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert cp.returncode == 0, cp.stdout + cp.stderr
    d = json.loads(cp.stdout)
    assert d["ok"] is True
    assert any("policies = no -> yes" in a for a in d["adaptations"])


# -- what the engine reports for strongSwan holds here too ----------------------------------------

@pytest.mark.parametrize("version", ["ikev1", "ikev2"])
def test_lab_pfsense_wrong_psk(version: str) -> None:
    report = lab.run(sample(SAMPLES[("static", version)]), vendor="pfsense", profile=PROFILE, fail_psk=True)
    assert not report.ok
    for t in report.tunnels:
        assert t.child != "INSTALLED"
        assert t.cause and t.cause.startswith("AUTH_FAILED"), t.cause


def test_lab_pfsense_proposal_not_accepted() -> None:
    report = lab.run(sample(SAMPLES[("static", "ikev2")]), vendor="pfsense", profile=PROFILE, fail_proposal=True)
    assert not report.ok
    for t in report.tunnels:
        assert t.cause == "NO_PROPOSAL_CHOSEN (IKE proposals)", t.cause


def test_lab_pfsense_leaves_nothing_behind() -> None:
    name = f"pf{os.getpid() % 10000}"
    report = lab.run(sample(SAMPLES[("static", "ikev1")]), vendor="pfsense", profile=PROFILE, name=name)
    assert report.ok, report.text()
    no_leftovers(name)


def test_lab_pfsense_refuses_bird() -> None:
    with pytest.raises(UsageError, match="FRR package"):
        lab.run(sample(SAMPLES[("static", "ikev1")]), vendor="pfsense", profile=PROFILE, routing="bird")
