"""Compile many connections into a directory, one file per connection, spread over CPU cores."""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from .atomic import write_atomic
from .compiler import compile_files
from .errors import InputError
from .ir import Connection
from .profile import Profile

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def output_name(conn: Connection, index: int, ext: str) -> str:
    base = conn.vpn_connection_id or f"connection-{index + 1}"
    base = _SAFE.sub("_", base).lstrip(".") or f"connection-{index + 1}"
    return f"{base}{ext}"


def _ext(vendor: str) -> str:
    from .backends import base

    n = base.canonical(vendor)
    return {"pfsense": ".xml", "strongswan": ".conf", "juniper": ".conf", "fortinet": ".conf"}.get(n, ".cfg")


def _work(chunk: list[tuple[int, Connection]], vendor: str, profile: Profile | None, outdir: str,
          kw: dict[str, Any], redact: bool) -> list[str]:
    out = []
    for i, conn in chunk:
        files = compile_files(conn, vendor, profile, **kw)
        text = next(iter(files.values()))
        if redact:
            for t in conn.tunnels:
                if t.ike.psk:
                    text = text.replace(t.ike.psk, "***")
        target = Path(outdir) / output_name(conn, i, _ext(vendor))
        write_atomic(target, text)
        out.append(str(target))
    return out


def compile_many(conns: Sequence[Connection], vendor: str, profile: Profile | None, outdir: str, *,
                 jobs: int = 0, redact: bool = False, **kw: Any) -> list[str]:
    d = Path(outdir)
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise InputError(f"cannot create output directory: {e.strerror}", outdir) from None
    names = [output_name(c, i, "") for i, c in enumerate(conns)]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise InputError("several connections share the id " + ", ".join(sorted(dupes)), outdir)
    items = list(enumerate(conns))
    jobs = jobs or (os.cpu_count() or 1)
    if jobs == 1 or len(items) < 200:
        return _work(items, vendor, profile, outdir, kw, redact)
    size = max(1, len(items) // (jobs * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(_work, c, vendor, profile, outdir, kw, redact) for c in chunks]
        return [p for f in futs for p in f.result()]
