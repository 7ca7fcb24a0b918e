"""Run the real CLI in a subprocess, and remember every output for the session's secret scan.

tests/conftest.py scans all recorded outputs at the end of the session for the pre-shared keys of the
samples and of tests/strategies.sample_connection: a key may only appear on the stdout of a run that
was declared to print keys (compile/parse without --redact, validate --show-secrets). The report a
validate/check/diagnose run writes with -o is scanned like its stdout.
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
    #: what a report command (validate, check, diagnose) wrote with -o/--output: scanned like stdout
    written: str = ""


RUNS: list[Result] = []


def cli(*args: str, stdin: str | None = None, may_print_psk: bool = False, cwd: str | os.PathLike | None = None,
        env: dict | None = None, timeout: float = 120) -> Result:
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("VPNCC_DEBUG", None)
    full_env.update(env or {})
    p = subprocess.run([sys.executable, "-m", "vpncc", *args], input=stdin, capture_output=True, text=True,
                       cwd=cwd, env=full_env, timeout=timeout)
    r = Result(list(args), p.returncode, p.stdout, p.stderr, may_print_psk, _report_file(args, cwd))
    RUNS.append(r)
    return r


def _report_file(args: tuple[str, ...], cwd) -> str:
    if not args or args[0] not in ("validate", "check", "diagnose"):
        return ""
    for i, a in enumerate(args[:-1]):
        if a in ("-o", "--output"):
            p = Path(cwd or ".") / args[i + 1]
            if p.is_file():
                return p.read_text(encoding="utf-8", errors="replace")
    return ""


def _json_keys(node, out: set[str]) -> None:
    """Every string under a key named like a pre-shared key (PreSharedKey, tunnel1_preshared_key, psk)."""
    if isinstance(node, dict):
        for k, v in node.items():
            name = str(k).lower().replace("_", "").replace("-", "")
            if isinstance(v, str) and ("presharedkey" in name or name == "psk") and not name.endswith("arn"):
                out.add(v)
            else:
                _json_keys(v, out)
    elif isinstance(node, list):
        for v in node:
            _json_keys(v, out)


def known_psks() -> set[str]:
    """The keys of every sample (generic text, XML, API JSON, Terraform JSON) and of the test strategies, read
    from the files themselves, not through vpncc's readers."""
    import json
    import re

    keys = set()
    for f in (ROOT / "samples").rglob("*.txt"):
        for m in re.finditer(r"Pre-Shared Key\s*:\s*(\S+)", f.read_text(encoding="utf-8", errors="replace")):
            keys.add(m.group(1))
    for f in (ROOT / "samples").rglob("*.json"):
        try:
            _json_keys(json.loads(f.read_text(encoding="utf-8")), keys)
        except ValueError:
            pass
    for f in [*(ROOT / "samples").rglob("*.xml"), *(ROOT / "samples").rglob("*.json")]:
        # AWS's XML, also inside describe-vpn-connections' CustomerGatewayConfiguration
        keys.update(re.findall(r"<pre_shared_key>([^<\s]+)</pre_shared_key>", f.read_text(encoding="utf-8")))
    from tests.strategies import sample_connection

    keys.update(t.ike.psk for t in sample_connection().tunnels)
    return {k for k in keys if len(k) >= 8}


def encodings(key: str) -> set[str]:
    """The key as a config may carry it: verbatim, hex (strongSwan 0x), base64 (strongSwan 0s)."""
    import base64

    raw = key.encode("utf-8")
    return {key, raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode("ascii")}


def leaks() -> list[str]:
    forms = {f for k in known_psks() for f in encodings(k)}
    out = []
    for r in RUNS:
        for k in forms:
            if k in r.err:
                out.append(f"stderr of vpncc {' '.join(r.args)}")
            if k in r.out and not r.may_print_psk:
                out.append(f"stdout of vpncc {' '.join(r.args)}")
            if k in r.written and not r.may_print_psk:
                out.append(f"the report file of vpncc {' '.join(r.args)}")
    return out
