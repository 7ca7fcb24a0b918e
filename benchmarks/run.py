#!/usr/bin/env python3
"""vpncc benchmarks: every figure is a median of repeated runs; every target a ratio against a
baseline measured in the same run. Prints a table (or --json). Asserts nothing.

    python benchmarks/run.py            # full run
    python benchmarks/run.py --quick    # smoke pass (CI): fewer repeats, smaller inputs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen  # noqa: E402

SAMPLE = ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"
VENDORS = ("cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan")


def vpncc_cmd() -> list[str]:
    exe = shutil.which("vpncc")
    if exe and Path(exe).resolve().parent == Path(sys.executable).resolve().parent:
        return [exe]
    return [sys.executable, "-m", "vpncc"]


def run_proc(cmd: list[str], **kw) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MB of the child, exit code)"""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.stderr:
        p.stderr.close()
    return wall, ru.ru_maxrss // 1024, p.returncode


def median_proc(cmd: list[str], n: int) -> tuple[float, int, int]:
    runs = [run_proc(cmd) for _ in range(n)]
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2])


def bytecode_compiled() -> str:
    """Byte-compile vpncc as `pip install` does (an editable checkout under PYTHONDONTWRITEBYTECODE
    would otherwise recompile every module in every process, which no installed copy does)."""
    import compileall

    import vpncc

    pkg = Path(vpncc.__file__).resolve().parent
    ok = compileall.compile_dir(str(pkg), quiet=1, force=False)
    return f"vpncc bytecode compiled ({pkg})" if ok else f"could not byte-compile {pkg}"


def fs_baseline(files: list[tuple[str, int]], parent: Path) -> float:
    """Wall seconds to create the same number of files of the same sizes with plain writes in a fresh
    folder on the same file system: what the output costs before vpncc does anything."""
    d = Path(tempfile.mkdtemp(dir=parent, prefix="fs-baseline-"))
    t0 = time.perf_counter()
    for name, size in files:
        fd = os.open(d / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, b"x" * size)
        os.close(fd)
    os.sync()
    wall = time.perf_counter() - t0
    shutil.rmtree(d, ignore_errors=True)
    return wall


def ccp_baseline(path: Path, reps: int) -> tuple[str, float, int]:
    """The faster of ciscoconfparse2 and (if installed) the older ciscoconfparse parsing ``path`` in a
    fresh process: the stricter baseline."""
    best = None
    for mod in ("ciscoconfparse2", "ciscoconfparse"):
        code = f"import sys; from {mod} import CiscoConfParse; CiscoConfParse(sys.argv[1], syntax='ios')"
        if subprocess.run([sys.executable, "-c", f"import {mod}"], capture_output=True).returncode:
            continue
        w, rss, _ = median_proc([sys.executable, "-c", code, str(path)], reps)
        if best is None or w < best[1]:
            best = (mod, w, rss)
    if best is None:
        raise RuntimeError("neither ciscoconfparse2 nor ciscoconfparse is installed (pip install -e '.[test]')")
    return best


def median_inproc(fn, n: int) -> float:
    fn()  # warm
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, what: str, value: str, baseline: str, ratio: float | None, target: str, met: bool | None,
            note: str = "") -> None:
        self.rows.append({"what": what, "value": value, "baseline": baseline,
                          "ratio": None if ratio is None else round(ratio, 3), "target": target,
                          "met": met, "note": note})
        status = "n/a" if met is None else ("ok" if met else "MISS")
        r = "" if ratio is None else f"{ratio:.2f}x"
        print(f"| {what} | {value} | {baseline} | {r} | {target} | {status} {note} |", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smoke pass: fewer repeats, small inputs")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--skip-lab", action="store_true")
    args = ap.parse_args()
    reps = 3 if args.quick else 15
    size = 5_000 if args.quick else 100_000
    out = sys.stdout
    if args.json:
        sys.stdout = open(os.devnull, "w")
    import vpncc
    from vpncc.compiler import compile as vcompile
    from vpncc.profile import Profile
    import ipaddress

    # what the baseline interpreter loads before `pass`: a site-packages .pth that imports packages at
    # start-up (seen here: a sandbox hook importing certifi, 60 modules) inflates the baseline and
    # flatters every start-up ratio; a clean venv loads ~30
    site_modules = int(subprocess.run([sys.executable, "-c", "import sys; print(len(sys.modules))"],
                                      capture_output=True, text=True).stdout.strip() or 0)
    machine = {"python": platform.python_version(), "platform": platform.platform(),
               "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
               "bytecode": bytecode_compiled(), "interpreter": sys.executable,
               "modules_loaded_by_python_-c_pass": site_modules}
    print(f"machine: {machine}")
    print("| what | value | baseline | ratio | target | status |\n|---|---|---|---|---|---|")
    t = Table()
    vc = vpncc_cmd()
    tmp = Path(tempfile.mkdtemp(prefix="vpncc-bench-"))
    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])

    compile_cmd = vc + ["compile", str(SAMPLE), "--vendor", "cisco", "--local-networks", "10.10.0.0/16",
                        "-o", "/dev/null"]
    run_proc(compile_cmd)  # a first use fills the per-user parser/template cache, as any earlier run would
    base, _, _ = median_proc([sys.executable, "-c", "pass"], reps)
    w, _, rc = median_proc(compile_cmd, reps)
    t.add("compile SAMPLE --vendor cisco -o /dev/null (process)", f"{w * 1000:.0f} ms", f"python -c pass {base * 1000:.0f} ms",
          w / base, "<= 4x", w / base <= 4 and rc == 0, "" if rc == 0 else f"exit {rc}")
    # the floor any Python program on vpncc's stack pays: the standard modules the IR and CLI need, and
    # Jinja2 (an information row: it shows how much of the ratio is not vpncc's own code)
    floor, _, _ = median_proc([sys.executable, "-c", "import argparse, dataclasses, enum, ipaddress, json, "
                               "pathlib, re, typing, jinja2"], reps)
    t.add("python -c 'import argparse, dataclasses, enum, ipaddress, json, pathlib, re, typing, jinja2' "
          "(information: the stack's floor)", f"{floor * 1000:.0f} ms", f"python -c pass {base * 1000:.0f} ms",
          floor / base, "(no target)", None)
    w, _, rc = median_proc(vc + ["--version"], reps)
    t.add("vpncc --version (process)", f"{w * 1000:.0f} ms", f"python -c pass {base * 1000:.0f} ms", w / base,
          "<= 2.5x", w / base <= 2.5 and rc == 0)

    conn = vpncc.parse(SAMPLE)
    big = {
        "cisco-ios": ("ios.cfg", lambda: gen.ios(vcompile(conn, "cisco-ios", prof), size)),
        "juniper": ("junos.set", lambda: gen.junos_set(vcompile(conn, "juniper", prof), size)),
        "fortinet": ("fortios.conf", lambda: gen.fortios(vcompile(conn, "fortinet", prof), size)),
        "pfsense": ("config.xml", lambda: gen.pfsense(vcompile(conn, "pfsense", prof),
                                                       1_000_000 if args.quick else 20_000_000)),
    }
    for vendor, (name, make) in big.items():
        try:
            path = tmp / name
            path.write_text(make())
        except Exception as e:  # a backend not available: say so, keep going
            t.add(f"validate large {vendor} config", "n/a", "", None, "", None, f"({e.__class__.__name__}: {e})")
            continue
        cmd = vc + ["validate", str(SAMPLE), "--vendor", vendor, "--config", str(path), "--format", "json",
                    "--local-networks", "10.10.0.0/16", "-q"]
        w, rss, rc = median_proc(cmd, max(3, reps // 3))
        lines = sum(1 for _ in path.open()) if vendor != "pfsense" else None
        desc = f"{lines} lines" if lines else f"{path.stat().st_size / 1e6:.0f} MB"
        if vendor == "cisco-ios":
            mod, bw, brss = ccp_baseline(path, 3)
            t.add(f"validate {desc} IOS (process)", f"{w * 1000:.0f} ms, {rss} MB",
                  f"{mod} parse {bw * 1000:.0f} ms, {brss} MB", w / bw, "<= 0.1x, <= 150 MB",
                  w / bw <= 0.1 and rss <= 150 and rc in (0, 1), "" if rc in (0, 1) else f"exit {rc}")
        else:
            t.add(f"validate {desc} {vendor} (process)", f"{w * 1000:.0f} ms, {rss} MB", "", None,
                  "< 1 s, <= 200 MB", w < 1 and rss <= 200 and rc in (0, 1), "" if rc in (0, 1) else f"exit {rc}")

    text = SAMPLE.read_text()
    from vpncc.readers import aws_generic
    p = median_inproc(lambda: aws_generic.read(text, "x"), 50 if args.quick else 1000)
    t.add(f"parse one {text.count(chr(10))}-line generic file (in process)", f"{p * 1e3:.3f} ms", "", None,
          "<= 1 ms", p <= 0.001)
    for v in VENDORS:
        try:
            c = median_inproc(lambda v=v: vcompile(conn, v, prof), 20 if args.quick else 300)
            t.add(f"compile one connection, {v} (in process)", f"{c * 1e3:.3f} ms", "", None, "<= 1 ms", c <= 0.001)
        except Exception as e:
            t.add(f"compile one connection, {v}", "n/a", "", None, "<= 1 ms", None, f"({e.__class__.__name__})")

    n_conn = 50 if args.quick else 1000
    batch_dir = tmp / "batch"
    batch_dir.mkdir()
    from vpncc.writers.aws_generic import write
    from dataclasses import replace
    for i in range(n_conn):
        (batch_dir / f"c{i:04d}.txt").write_text(write(replace(conn, vpn_connection_id=f"vpn-{i:017x}")))
    walls = []
    for k in range(1 if args.quick else 3):
        out_dir = tmp / f"out{k}"
        w, rss, rc = run_proc(vc + ["compile", str(batch_dir), "--vendor", ",".join(VENDORS), "-o", str(out_dir),
                                    "-q", "--local-networks", "10.10.0.0/16", "--remote-networks", "10.0.0.0/16"])
        made = [p for p in out_dir.rglob("*") if p.is_file()]
        ok = rc == 0 and len(made) == n_conn * len(VENDORS)
        walls.append(w)
    w = statistics.median(walls)
    # the same files written by plain os.write, right after, on the same file system: this VM's ext4
    # has spent from 0.03 to 0.6 ms of kernel CPU per created file on different runs of one day
    fs = fs_baseline([(f"{p.parent.name}-{p.name}", p.stat().st_size) for p in made], tmp)
    t.add(f"batch: {n_conn} connections x {len(VENDORS)} vendors, -o DIR", f"{w:.2f} s, {rss} MB",
          f"creating the {len(made)} files alone {fs:.2f} s", None, "<= 3 s",
          w <= 3 and ok, ("" if ok else "(failed)") + f" (runs: {', '.join(f'{x:.2f}' for x in walls)} s)")

    if not args.skip_lab and os.geteuid() == 0 and shutil.which("swanctl"):
        w, _, rc = run_proc(vc + ["lab", str(SAMPLE), "--json", "--local-networks", "10.10.0.0/16"])
        t.add("vpncc lab, one connection, both tunnels + BGP + failover", f"{w:.2f} s", "", None, "<= 8 s",
              w <= 8 and rc == 0, "" if rc == 0 else f"exit {rc}")
    else:
        t.add("vpncc lab", "n/a", "", None, "<= 8 s", None, "(needs root and strongSwan)")

    n_dev = 20 if args.quick else 200
    try:
        from make_fleet import make_fleet
        manifest = make_fleet(tmp / "fleet", conn, prof, n_dev)
        w, rss, rc = run_proc(vc + ["check", "--manifest", str(manifest), "--format", "json", "-q"])
        t.add(f"check: {n_dev} devices x 2 connections", f"{w:.2f} s, {rss} MB", "", None, "(no target)",
              None if rc in (0, 1) else False, "" if rc in (0, 1) else f"exit {rc}")
    except Exception as e:
        t.add("check fleet", "n/a", "", None, "", None, f"({e.__class__.__name__}: {e})")

    shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        sys.stdout = out
        print(json.dumps({"machine": machine, "rows": t.rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
