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
                   "batch:", "vpncc lab", "check:"):
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
