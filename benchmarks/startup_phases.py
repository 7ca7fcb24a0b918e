#!/usr/bin/env python3
"""Where a cold `vpncc compile` spends its time, by phase, without a profiler's overhead.

    python benchmarks/startup_phases.py [SAMPLE] [--runs N]

Each run is a fresh process (imports are the point); prints the median of each phase in ms.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"

CHILD = r"""
import time, sys, json
t0 = time.perf_counter()
import vpncc.cli, vpncc.compiler, vpncc.readers
t1 = time.perf_counter()
from vpncc.readers import aws_generic
aws_generic.parser()
t2 = time.perf_counter()
import vpncc
conn = vpncc.parse(sys.argv[1])
t3 = time.perf_counter()
import jinja2
t4 = time.perf_counter()
import ipaddress
from vpncc.profile import Profile
vpncc.compile(conn, "cisco-ios", Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")]))
t5 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
"""

PHASES = ("vpncc modules (cli, compiler, readers, IR)", "parser: standalone code object + tables",
          "read + semantic checks", "jinja2 import", "backend import + environment + template + render")


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("sample", nargs="?", default=str(SAMPLE))
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    sample, runs = a.sample, a.runs
    subprocess.run([sys.executable, "-c", CHILD, sample], check=True, capture_output=True)  # fill the cache
    rows = [json.loads(subprocess.run([sys.executable, "-c", CHILD, sample], check=True, capture_output=True,
                                      text=True).stdout) for _ in range(runs)]
    for i, name in enumerate(PHASES):
        print(f"{statistics.median(r[i] for r in rows) * 1000:7.1f} ms  {name}")
    print(f"{statistics.median(sum(r) for r in rows) * 1000:7.1f} ms  total after interpreter start-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
