"""Run the real CLI in a subprocess, and remember every output for the session's secret scan.

tests/conftest.py scans all recorded outputs at the end of the session for the pre-shared keys of the
samples and of tests/strategies.sample_connection: a key may only appear on the stdout of a run that
was declared to print keys (compile/parse without --redact).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    args: list[str]
    rc: int
    out: str
    err: str
    may_print_psk: bool


RUNS: list[Result] = []


def cli(*args: str, stdin: str | None = None, may_print_psk: bool = False, cwd: str | os.PathLike | None = None,
        env: dict | None = None, timeout: float = 120) -> Result:
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("VPNCC_DEBUG", None)
    full_env.update(env or {})
    p = subprocess.run([sys.executable, "-m", "vpncc", *args], input=stdin, capture_output=True, text=True,
                       cwd=cwd, env=full_env, timeout=timeout)
    r = Result(list(args), p.returncode, p.stdout, p.stderr, may_print_psk)
    RUNS.append(r)
    return r


def known_psks() -> set[str]:
    import re

    keys = set()
    for f in (ROOT / "samples").glob("*.txt"):
        for m in re.finditer(r"Pre-Shared Key\s*:\s*(\S+)", f.read_text(encoding="utf-8", errors="replace")):
            keys.add(m.group(1))
    from tests.strategies import sample_connection

    keys.update(t.ike.psk for t in sample_connection().tunnels)
    return {k for k in keys if len(k) >= 8}


def leaks() -> list[str]:
    keys = known_psks()
    out = []
    for r in RUNS:
        for k in keys:
            if k in r.err:
                out.append(f"stderr of vpncc {' '.join(r.args)}")
            if k in r.out and not r.may_print_psk:
                out.append(f"stdout of vpncc {' '.join(r.args)}")
    return out
