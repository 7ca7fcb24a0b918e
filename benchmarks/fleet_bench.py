#!/usr/bin/env python3
"""Fleet benchmark: a network repository of N devices (all six platforms mixed, two connections each,
~10% drifted) and the wall time, peak memory and cost per device of ``vpncc check`` over it.

    python benchmarks/fleet_bench.py                 # N = 100, 1,000, 10,000
    python benchmarks/fleet_bench.py --sizes 50,200  # other sizes
    python benchmarks/fleet_bench.py --json

The device configs are vpncc's own output for two sanitized connections, with a hostname per device
and, on every tenth device, one drifted line (a phase-1 lifetime outside AWS's range, or a wrong
pre-shared key). That is fine for timing; it is not a conformance test (those are written by hand).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"
VENDORS = ("cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan")
#: made-up keys for the second connection (the first keeps the sample's)
SECOND_KEYS = ("Fleet.Bench_Key2aT6uV9wX3yZ5bC8d", "Fleet.Bench_Key2bH4jK7mN0pQ2rS5t")
WRONG_KEY = "Drifted_Key.0000000000000000000"


def _second(conn, i: int = 1):
    """Another connection of the same shape: other AWS peers, other inside /30s, other keys and id."""
    tunnels = []
    for t, key in zip(conn.tunnels, SECOND_KEYS, strict=False):  # two tunnels, two keys
        shift = 64 + (i % 100) * 4 + t.number * 1024
        inside = replace(t.inside, customer=ipaddress.IPv4Interface((t.inside.customer.ip + shift, 30)),
                         aws=ipaddress.IPv4Interface((t.inside.aws.ip + shift, 30)))
        outside = replace(t.outside, aws=t.outside.aws + 1 + i % 50)
        bgp = replace(t.bgp, neighbor=inside.aws.ip) if t.bgp else None
        tunnels.append(replace(t, inside=inside, outside=outside, bgp=bgp, ike=replace(t.ike, psk=key),
                               static_next_hop=inside.aws.ip if t.static_next_hop else None))
    return replace(conn, vpn_connection_id=f"vpn-{i:017x}", tunnels=tuple(tunnels))


#: vendors left out of the last repository because vpncc could not compile for them (a backend mid-change)
SKIPPED: dict[str, str] = {}


def device_texts(conn, second, profile) -> dict[str, str]:
    """vendor -> one device config terminating both connections."""
    from vpncc.compiler import compile as vcompile

    out = {}
    for v in VENDORS:
        try:
            out[v] = _device_text(vcompile, v, conn, second, profile)
        except Exception as e:  # noqa: BLE001 - the benchmark goes on with the other platforms, and says so
            SKIPPED[v] = f"{e.__class__.__name__}: {e}"[:200]
    return out


def _device_text(vcompile, v: str, conn, second, profile) -> str:
    if True:
        first_start = 0 if v == "fortinet" else 1
        p1 = replace(profile, tunnel_start=first_start, isakmp_policy_start=200, name_prefix="aws-a")
        p2 = replace(profile, tunnel_start=first_start + 2, isakmp_policy_start=210, name_prefix="aws-b")
        a = vcompile(conn, v, p1)
        if v == "pfsense":  # one config.xml: the second connection spliced into the first (merge format)
            return vcompile(second, v, replace(p2, ikeid_start=3) if hasattr(p2, "ikeid_start") else p2,
                            format="merge", extra={"base": a})
        return a + "\n" + vcompile(second, v, p2)


def _hostname(vendor: str, text: str, name: str) -> str:
    """A per-device line, so that no two devices are byte-identical (as in a real repository)."""
    if vendor in ("cisco-ios", "cisco-asa"):
        return f"hostname {name}\n" + text
    if vendor == "juniper":
        return f"set system host-name {name}\n" + text
    if vendor == "fortinet":
        return f"config system global\n    set hostname \"{name}\"\nend\n" + text
    if vendor == "strongswan":
        return f"# host {name}\n" + text
    return text.replace("<pfsense>", f"<pfsense>\n\t<!-- host {name} -->", 1)


def drift(text: str, kind: int, psk: str) -> str:
    """Kind 0: a phase-1 lifetime outside AWS's range (warning); kind 1: a wrong pre-shared key (error)."""
    if kind == 0:
        return text.replace("28800", "86400", 1)
    return text.replace(psk, WRONG_KEY, 1)


def make_repo(root: Path, n_devices: int, drift_every: int = 10) -> Path:
    """Write ROOT/vpncc.yaml, ROOT/aws/{a,b}.txt and ROOT/configs/*; return the manifest's path."""
    import vpncc
    from vpncc.profile import Profile
    from vpncc.writers.aws_generic import write

    conn = vpncc.parse(SAMPLE)
    second = _second(conn)
    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
    (root / "aws").mkdir(parents=True, exist_ok=True)
    (root / "configs").mkdir(exist_ok=True)
    (root / "aws" / "a.txt").write_text(write(conn))
    (root / "aws" / "b.txt").write_text(write(second))
    SKIPPED.clear()
    texts = device_texts(conn, second, prof)
    vendors = [v for v in VENDORS if v in texts]
    psk = conn.tunnels[0].ike.psk
    lines = ["version: 1", "connections:", "  - name: a", "    source: aws/a.txt", "  - name: b",
             "    source: aws/b.txt", "devices:"]
    for i in range(n_devices):
        v = vendors[i % len(vendors)]
        name = f"dev{i:05d}"
        text = _hostname(v, texts[v], name)
        if drift_every and i % drift_every == drift_every - 1:
            text = drift(text, (i // drift_every) % 2, psk)
        ext = "xml" if v == "pfsense" else "cfg"
        (root / "configs" / f"{name}.{ext}").write_text(text)
        lines += [f"  - name: {name}", f"    vendor: {v}", f"    config: configs/{name}.{ext}",
                  "    connections: [a, b]"]
    m = root / "vpncc.yaml"
    m.write_text("\n".join(lines) + "\n")
    return m


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (kB), from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_measured(cmd: list[str], cwd: Path | None = None) -> dict:
    """wall s, user+sys CPU s, peak RSS (MB) of the largest single process and of the whole process tree
    (sampled every 20 ms: the pool's workers count too), exit code."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss_kb(p.pid))
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    if p.stderr:
        p.stderr.close()
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "max_rss_mb": ru.ru_maxrss // 1024,
            "tree_rss_mb": max(peak[0], ru.ru_maxrss) // 1024, "rc": os.waitstatus_to_exitcode(status),
            "stderr": err[-2000:]}


def vpncc_cmd() -> list[str]:
    exe = shutil.which("vpncc")
    # the venv's own console script (a venv's python is a symlink: compare the folders, not the targets)
    if exe and Path(exe).parent.resolve() == Path(sys.executable).parent.resolve():
        return [exe]
    return [sys.executable, "-m", "vpncc"]


def bench(sizes: list[int], reps: int = 1, formats: tuple[str, ...] = ("json",), jobs: int = 0,
          work: Path | None = None) -> list[dict]:
    """One row per (size, format): median wall over ``reps`` runs of ``vpncc check``."""
    tmp = Path(tempfile.mkdtemp(prefix="vpncc-fleet-", dir=work))
    rows = []
    try:
        for n in sizes:
            repo = tmp / f"n{n}"
            manifest = make_repo(repo, n)
            for fmt in formats:
                cmd = vpncc_cmd() + ["check", "--manifest", str(manifest), "--format", fmt, "-q",
                                     "-o", str(repo / f"report.{fmt}")]
                if jobs:
                    cmd += ["--jobs", str(jobs)]
                runs = [run_measured(cmd, cwd=repo) for _ in range(reps)]
                walls = sorted(r["wall_s"] for r in runs)
                med = statistics.median(walls)
                rows.append({"devices": n, "format": fmt, "jobs": jobs or os.cpu_count(), "wall_s": med,
                             "runs_s": [round(w, 3) for w in walls],
                             "cpu_s": statistics.median(r["cpu_s"] for r in runs),
                             "ms_per_device": med * 1000 / n,
                             "tree_rss_mb": max(r["tree_rss_mb"] for r in runs),
                             "max_rss_mb": max(r["max_rss_mb"] for r in runs),
                             "rc": runs[-1]["rc"], "stderr": runs[-1]["stderr"] if runs[-1]["rc"] > 1 else "",
                             "skipped_vendors": dict(SKIPPED),
                             "report_bytes": (repo / f"report.{fmt}").stat().st_size
                             if (repo / f"report.{fmt}").exists() else 0})
            shutil.rmtree(repo, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--formats", default="json,junit,sarif")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = bench([int(s) for s in args.sizes.split(",")], args.reps, tuple(args.formats.split(",")), args.jobs)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("| devices | format | jobs | wall s (runs) | CPU s | ms/device | RSS MB (tree / largest process) | exit |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['devices']} | {r['format']} | {r['jobs']} | {r['wall_s']:.2f} ({', '.join(map(str, r['runs_s']))}) "
              f"| {r['cpu_s']:.2f} | {r['ms_per_device']:.2f} | {r['tree_rss_mb']} / {r['max_rss_mb']} | {r['rc']} |")
        if r["stderr"]:
            print("  stderr:", r["stderr"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
