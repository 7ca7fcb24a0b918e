"""The five symptoms on every platform with show parsers: AWS telemetry + the device's show output +
its config give the right top cause; healthy inputs give none.

The broken configs under samples/diagnose/config/ differ from the healthy one (vpncc's own compile of
samples/diagnose/aws/bgp-healthy.json) by one edit each, made by hand: PFS group 1 (AWS accepts 2, 5,
14-24 in phase 2: AWS "Tunnel options for your Site-to-Site VPN connection"), tunnel 2's peer moved
to an address that is not AWS's, the AWS ASN 64512 written as 64513, no local networks announced, and
the TCP MSS clamp removed (ASA: raised to 1460 — without the line the ASA clamps to 1380 by default,
"sysopt connection tcpmss", which is inside the bound). The telemetry of each scenario is what AWS
reports for that state (VgwTelemetry: DOWN "IPSEC IS DOWN"; DOWN "IPSEC IS UP" when BGP is down; UP
with 0 accepted routes when nothing is announced).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import vpncc
from vpncc.diagnose import causes as C

ROOT = Path(__file__).resolve().parents[2]
D = ROOT / "samples" / "diagnose"
PLATFORMS = ["cisco-ios", "cisco-asa", "juniper", "fortinet", "strongswan"]


def run(aws, vendor, cfg=None, shows=None, profile=None):
    show_files = sorted((D / "show" / vendor).glob(f"{shows}-*.txt")) if shows else []
    assert not shows or show_files, f"no show samples {vendor}/{shows}"
    return vpncc.diagnose(D / "aws" / f"{aws}.json", vendor=vendor,
                          config=D / "config" / f"{vendor}-{cfg}.cfg" if cfg else None,
                          shows=show_files, profile=profile)


def one(report):
    (d,) = report.diagnoses
    return d


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_healthy(vendor):
    r = run("bgp-healthy", vendor, "healthy", "healthy")
    d = one(r)
    assert r.exit_code == 0 and d.status == "healthy"
    assert [t.status for t in d.tunnels] == ["healthy", "healthy"]
    assert all(t.causes == [] for t in d.tunnels)


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_tunnel_down_pfs_not_accepted(vendor):
    d = one(run("bgp-tunnel-down", vendor, "pfs", "tunnel-down"))
    for t in d.tunnels:
        assert t.symptom == C.TUNNEL_DOWN
        assert t.causes[0].rules == ["VPN211"], t.causes[0]
        # the device's own state backs it: IKE up, no child SA (FortiOS's tunnel list shows no IKE state)
        assert t.evidence.ike_up() is (None if vendor == "fortinet" else True)
        assert t.evidence.child_up() is False


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_only_one_tunnel_active(vendor):
    d = one(run("bgp-one-tunnel", vendor, "one-tunnel", "one-tunnel"))
    (c,) = d.connection_causes
    assert c.symptom == C.ONE_TUNNEL
    assert c.summary.startswith("only tunnel 1 UP: tunnel 2 ")
    assert c.rules == ["VPN110"]  # tunnel 2 points at 203.0.113.130, AWS's endpoint is 203.0.113.129
    t1, t2 = d.tunnels
    assert t1.status == "healthy" and t2.symptom == C.TUNNEL_DOWN and t2.causes[0].rules == ["VPN110"]


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_bgp_not_established_wrong_asn(vendor):
    d = one(run("bgp-bgp-down", vendor, "asn", "bgp-down"))
    for t in d.tunnels:
        assert t.symptom == C.BGP_DOWN
        top = t.causes[0]
        assert top.rules == ["VPN302"] and "64513" in top.summary
        assert any(e.startswith("config:") for e in top.evidence)  # show output and config merged


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_no_route_nothing_announced(vendor):
    d = one(run("bgp-no-route", vendor, "no-announce", "no-route"))
    for t in d.tunnels:
        assert t.symptom == C.NO_ROUTE
        assert "announces nothing" in t.causes[0].summary
        assert "advertis" in t.causes[0].next_check


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_slow_throughput_mss(vendor):
    d = one(run("bgp-healthy", vendor, "mss", "healthy"))
    want = "VPN221" if vendor == "strongswan" else "VPN222"  # strongSwan: MTU 1500 and MSS 1460 edited
    for t in d.tunnels:
        assert t.symptom == C.SLOW
        assert want in t.causes[0].rules
        assert any("clear DF bit" in e for e in t.causes[0].evidence)


@pytest.mark.parametrize("vendor", ["cisco-ios", "cisco-asa", "juniper", "fortinet"])
def test_static_no_route_on_the_device(vendor):
    from vpncc import profile as P

    prof = P.load(str(D / "config" / "site-static.yaml"))
    d = one(run("static-healthy", vendor, "static-noroute", profile=prof))
    assert [t.causes[0].rules for t in d.tunnels] == [["VPN401"], ["VPN401"]]
    assert one(run("static-healthy", vendor, "static", profile=prof)).status == "healthy"


def test_static_no_route_on_aws():
    d = one(vpncc.diagnose(D / "aws" / "static-no-route.json"))
    for t in d.tunnels:
        assert t.symptom == C.NO_ROUTE and "no static routes" in t.causes[0].summary


# -- show output alone (no config) still points at the cause -----------------------------------

@pytest.mark.parametrize("vendor", PLATFORMS)
def test_show_only(vendor):
    down = one(run("bgp-tunnel-down", vendor, shows="tunnel-down"))
    assert all("no child SA" in t.causes[0].summary for t in down.tunnels)
    asn = one(run("bgp-bgp-down", vendor, shows="bgp-down"))
    assert all(t.causes[0].summary == "the device peers with AS 64513; AWS's ASN is 64512" for t in asn.tunnels)
    single = one(run("bgp-one-tunnel", vendor, shows="one-tunnel"))
    want = "no child SA on the device" if vendor == "fortinet" else "no IKE SA with AWS"  # FortiOS: no IKE list
    assert single.connection_causes and single.tunnels[1].causes[0].summary.startswith(want)


def test_ikev1_authentication_state_points_at_the_key(tmp_path):
    f = tmp_path / "isakmp.txt"
    f.write_text("dst             src             state          conn-id status\n"
                 "198.51.100.7    192.0.2.10      QM_IDLE           1001 ACTIVE\n"
                 "203.0.113.129   192.0.2.10      MM_KEY_EXCH       1002 ACTIVE\n")
    d = one(vpncc.diagnose(D / "aws" / "bgp-one-tunnel.json", shows=[f]))
    assert "pre-shared key" in d.tunnels[1].causes[0].summary


def test_frr_policy_is_the_no_route_cause(tmp_path):
    text = (D / "show" / "strongswan" / "no-route-bgp-summary.txt").read_text()
    lines = [ln if not ln.startswith("169.254.") else ln.split()[0] + "   4      64512       120       118        0"
             "    0    0 00:58:01     (Policy)     (Policy) N/A" for ln in text.splitlines()]
    f = tmp_path / "bgp.txt"
    f.write_text("\n".join(lines) + "\n")
    d = one(vpncc.diagnose(D / "aws" / "bgp-no-route.json", shows=[f]))
    assert all("ebgp-requires-policy" in t.causes[0].summary for t in d.tunnels)


def test_telemetry_absent_is_said():
    d = one(vpncc.diagnose(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt",
                           shows=sorted((D / "show" / "juniper").glob("tunnel-down-*.txt"))))
    assert d.telemetry is False and any(n.startswith("telemetry absent") for n in d.notes)
    assert all(t.symptom == C.TUNNEL_DOWN for t in d.tunnels)  # the device's state alone


@pytest.mark.parametrize("vendor", PLATFORMS)
def test_tunnel_down_wrong_key(vendor):
    # both keys on the device replaced by other made-up keys: phase 1 authentication fails
    d = one(run("bgp-tunnel-down", vendor, "psk", "psk"))
    for t in d.tunnels:
        assert t.symptom == C.TUNNEL_DOWN
        assert t.causes[0].rules == ["VPN203"], t.causes[0]
        assert t.evidence.ike_up() is not True
    if vendor in ("cisco-ios", "cisco-asa"):  # MM_KEY_EXCH / MM_WAIT_MSG6: the state names the key too
        assert all(any("pre-shared key" in c.summary for c in t.causes[1:]) for t in d.tunnels)


def test_slow_throughput_shows_the_device_mtu_evidence():
    d = one(run("bgp-healthy", "cisco-ios", "mss", "healthy"))
    ev = d.tunnels[0].causes[0].evidence
    assert "device SA MTU 1438" in ev and "Tunnel1 transport MTU 1438" in ev


def test_colour_only_when_asked():
    r = run("bgp-tunnel-down", "juniper", "pfs", "tunnel-down")
    assert "\033[31m" in r.text(color=True) and "\033[" not in r.text()


def test_library_name_is_callable_before_and_after_the_package_import():
    import subprocess
    import sys

    code = ("import vpncc, sys; f = vpncc.diagnose; a = f(sys.argv[1]).exit_code; "
            "b = vpncc.diagnose(sys.argv[1]).exit_code; print(callable(f), a, b, 'vpncc.diagnose' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(D / "aws" / "bgp-one-tunnel.json")], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout.split()
    assert out == ["True", "1", "1", "True"]


def test_aws_down_device_up_is_not_healthy():
    # the device's capture says everything is up, AWS says DOWN: a stale SA or an old capture
    d = one(run("bgp-tunnel-down", "juniper", shows="healthy"))
    for t in d.tunnels:
        assert t.status == "problem" and t.symptom == C.TUNNEL_DOWN
        assert "device shows it up" in t.causes[0].summary
