"""A quick smoke pass of benchmarks/run.py so the script does not rot. Asserts no timings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.clirunner import ROOT


@pytest.mark.slow
def test_benchmark_script_runs_and_reports_every_row():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--skip-lab", "--json"],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    doc = json.loads(r.stdout)
    assert doc["machine"]["cpus"] >= 1
    whats = [row["what"] for row in doc["rows"]]
    for needle in ("compile SAMPLE --vendor cisco", "vpncc --version", "IOS (process)", "juniper (process)",
                   "fortinet (process)", "pfsense (process)", "parse one", "compile one connection, strongswan",
                   "batch:", "vpncc lab", "check:", "vpncc explain", "CPU per device", "validate IOS ACL-heavy",
                   "validate Junos", "validate FortiOS multi-VDOM", "validate pfSense config.xml"):
        assert any(needle in w for w in whats), needle
    # every row ran (lab is skipped on purpose in the smoke pass); none failed to produce a figure
    broken = [row for row in doc["rows"] if row["value"] == "n/a" and "lab" not in row["what"]]
    assert broken == []


@pytest.mark.slow
def test_startup_phases_script_runs():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "startup_phases.py"), "--runs", "1"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 6 and all(line.split()[1] == "ms" and float(line.split()[0]) >= 0 for line in lines)


# -- the fleet and config-shape benchmarks, small: they must keep running (no timing is asserted) ------------

def _bench_module(name: str):
    import importlib

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_fleet_benchmark_checks_a_small_repository(tmp_path):
    fleet = _bench_module("fleet_bench")
    # the generated repository: six platforms, two connections per device, every tenth device drifted
    manifest = fleet.make_repo(tmp_path / "repo", 12)
    text = manifest.read_text()
    assert text.count("  - name: dev") == 12
    assert {line.split(": ")[1] for line in text.splitlines() if "vendor:" in line} == set(fleet.VENDORS)
    configs = sorted((tmp_path / "repo" / "configs").iterdir())
    drifted = [p.name for p in configs if "86400" in p.read_text() or fleet.WRONG_KEY in p.read_text()]
    assert drifted == ["dev00009.cfg"]  # device 9 (a FortiGate: 9 % 6 = 3) carries the lifetime drift
    rows = fleet.bench([12], reps=1, formats=("json", "junit", "sarif"), work=tmp_path)
    assert [r["format"] for r in rows] == ["json", "junit", "sarif"]
    for r in rows:
        # exit 1: the drifted device's findings; 2 would be vpncc failing
        assert r["rc"] in (0, 1) and r["report_bytes"] > 0, r["stderr"]
        assert r["wall_s"] > 0 and r["cpu_s"] > 0 and r["tree_rss_mb"] >= r["max_rss_mb"] > 0


def test_fleet_drift_is_found_by_check(tmp_path):
    """The drifted device must show up as such in the report, or the benchmark measures the wrong thing."""
    fleet = _bench_module("fleet_bench")
    manifest = fleet.make_repo(tmp_path / "repo", 10)
    r = subprocess.run([sys.executable, "-m", "vpncc", "check", "--manifest", str(manifest), "--format", "json",
                        "--jobs", "1"], capture_output=True, text=True, cwd=tmp_path / "repo", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]  # a lifetime outside AWS's range is a warning, not an error
    doc = json.loads(r.stdout)
    lifetime = [f for f in doc["findings"] if f["rule"] == "VPN202"]
    assert {f["file"] for f in lifetime} == {"configs/dev00009.cfg"}
    assert [c for c in doc["configs"] if c["counts"]["error"]] == []


def test_shape_generators_produce_configs_vpncc_reads(tmp_path):
    shapes_bench = _bench_module("shapes_bench")
    rows = shapes_bench.bench(quick=True, reps=1, baseline=False)
    assert [r["vendor"] for r in rows] == ["cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense"]
    for r in rows:
        assert r["rc"] == 0, (r["case"], r["stderr"])  # the sample's tunnels are inside and compliant
        assert r["lines"] >= (r["size"] * 0.95 if r["unit"] == "lines" else r["size"])


def test_plot_writes_a_png(tmp_path):
    plot = _bench_module("plot")
    fleet = [{"format": "json", "devices": n, "wall_s": n / 500, "cpu_s": n / 300} for n in (10, 100)]
    shapes = [{"case": "IOS ACL-heavy", "lines": 5000, "cpu_s": 0.2, "baseline": {"cpu_s": 1.0}}]
    out = plot.plot(fleet, shapes, tmp_path / "p.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
