#!/usr/bin/env python3
"""How long `vpncc lab` takes for one connection: namespaces, 4 charons, both tunnels, BGP on both,
pings, failover to tunnel 2 and cleanup. Median of a few runs per case (root, Linux, lab packages).

    sudo python benchmarks/lab_bench.py            # 5 runs per case
    sudo python benchmarks/lab_bench.py --runs 3 --json
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vpncc  # noqa: E402
from vpncc import lab  # noqa: E402
from vpncc.profile import Profile  # noqa: E402

PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
CASES = {
    "bgp ikev1 (sample bgp-vgw-ikev1-2022)": ("bgp-vgw-ikev1-2022.txt", {}),
    "bgp ikev2 gcm (sample bgp-vgw-ikev2-strong-2022)": ("bgp-vgw-ikev2-strong-2022.txt", {}),
    "static ikev2 (sample static-vgw-ikev2-2022)": ("static-vgw-ikev2-2022.txt", {}),
    "bgp ikev1, BIRD on the customer side": ("bgp-vgw-ikev1-2022.txt", {"routing": "bird"}),
    "bgp ikev1, legacy ipsec.conf": ("bgp-vgw-ikev1-2022.txt", {"format": "legacy"}),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for label, (sample, kw) in CASES.items():
        conn = vpncc.parse(str(ROOT / "samples" / sample))
        walls, phases = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = lab.run(conn, profile=PROFILE, **kw)
            walls.append(time.perf_counter() - t0)
            if not r.ok:
                print(f"{label}: lab run FAILED\n{r.text()}", file=sys.stderr)
                return 1
            phases.append((max(t.timings.get("child_s", 0) for t in r.tunnels),
                           max(t.timings.get("bgp_s", t.timings.get("routes_s", 0)) for t in r.tunnels),
                           r.failover_seconds or 0.0))
        rows.append({
            "case": label, "runs": args.runs,
            "median_s": round(statistics.median(walls), 2), "min_s": round(min(walls), 2),
            "max_s": round(max(walls), 2),
            "tunnels_up_s": round(statistics.median(p[0] for p in phases), 3),
            "routing_s": round(statistics.median(p[1] for p in phases), 3),
            "failover_s": round(statistics.median(p[2] for p in phases), 3),
        })
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'case':50} {'median':>7} {'min':>6} {'max':>6} {'SAs up':>7} {'BGP/rt':>7} {'failover':>8}")
        for r in rows:
            print(f"{r['case']:50} {r['median_s']:6.2f}s {r['min_s']:5.2f}s {r['max_s']:5.2f}s "
                  f"{r['tunnels_up_s']:6.2f}s {r['routing_s']:6.2f}s {r['failover_s']:7.2f}s")
        print("(total wall time per run: netns + 4 charons + both SAs + routing + pings + failover + cleanup;\n"
              " 'SAs up' from loading the configs, 'BGP/rt' from starting the routing daemons)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
