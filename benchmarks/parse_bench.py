#!/usr/bin/env python3
"""In-process timing of the AWS generic-file reader on a 230-line file (figures only, no asserts).

Prints, for samples/bgp-vgw-ikev1-2022.txt (230 lines) and, when the shared corpus is next to the
repo, a real 2020 download:
  - cold: first read in this process (Lark import + parser build/cache load + read),
  - read(): median of N warm calls (Lark parse + IR build), with min and p90,
  - Lark parse alone and read()+checks.check() medians,
  - throughput in lines per second.

    python benchmarks/parse_bench.py            # N = 2000
    python benchmarks/parse_bench.py -n 500 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _times(fn, n: int) -> list[float]:
    for _ in range(min(50, n)):
        fn()
    gc.collect()
    gc.disable()
    try:
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return out
    finally:
        gc.enable()


def _ms(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    return {"median_ms": round(statistics.median(s) * 1000, 4), "min_ms": round(s[0] * 1000, 4),
            "p90_ms": round(s[int(len(s) * 0.9)] * 1000, 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=2000, help="warm repetitions (default 2000)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from vpncc import checks
    from vpncc.readers import aws_generic
    files = [ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"]
    shared = Path(os.environ.get("VPNCC_SHARED") or ROOT.parent / "shared")
    real = shared / "corpus" / "generic" / "rvvittal-tgw-bgp-connection1config.txt"
    if real.exists():
        files.append(real)
    first = files[0].read_text()
    aws_generic.read(first)
    cold = time.perf_counter() - t0

    results = {"python": platform.python_version(), "machine": platform.machine(), "cold_first_read_ms":
               round(cold * 1000, 2), "files": []}
    lark_parser = aws_generic.parser().parser
    for f in files:
        text = f.read_text()
        prepared = text if text.endswith("\n") else text + "\n"
        lines = text.count("\n") + (not text.endswith("\n"))
        read = _times(lambda text=text: aws_generic.read(text), args.n)
        parse = _times(lambda prepared=prepared: lark_parser.parse(prepared), args.n)
        checked = _times(lambda text=text: checks.check(aws_generic.read(text)), args.n)
        med = statistics.median(read)
        results["files"].append({
            "file": f.name, "lines": lines, "read": _ms(read), "lark_parse_only": _ms(parse),
            "read_and_check": _ms(checked), "lines_per_s": int(lines / med)})

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Python {results['python']} ({results['machine']}); cold first read (imports, parser build or "
          f"cache load, read): {results['cold_first_read_ms']} ms")
    print(f"{'file':44} {'lines':>5} {'read med':>9} {'min':>7} {'p90':>7} {'lark only':>9} {'+checks':>8} "
          f"{'lines/s':>9}")
    for r in results["files"]:
        print(f"{r['file']:44} {r['lines']:>5} {r['read']['median_ms']:>7.3f}ms {r['read']['min_ms']:>5.3f}ms "
              f"{r['read']['p90_ms']:>5.3f}ms {r['lark_parse_only']['median_ms']:>7.3f}ms "
              f"{r['read_and_check']['median_ms']:>6.3f}ms {r['lines_per_s']:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
