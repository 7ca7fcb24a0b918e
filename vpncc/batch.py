"""Compile many connections (a directory of AWS files, or an API JSON with many connections) for one or
more vendors into a directory: one file per connection and vendor, named by connection id.

Work is spread over CPU cores: each worker reads its share of the input files, compiles every vendor
and writes into a private staging folder inside the output directory. Only when every connection has
compiled (and no two share an id) are the files renamed into place, so a failure leaves the output
directory as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from .compiler import compile_files
from .errors import InputError
from .ir import Connection
from .profile import Profile

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
#: below this many compiles, worker processes cost more than they save
PARALLEL_MIN = 200


def output_name(conn: Connection, index: int, ext: str) -> str:
    base = conn.vpn_connection_id or f"connection-{index + 1}"
    base = _SAFE.sub("_", base).lstrip(".") or f"connection-{index + 1}"
    return f"{base}{ext}"


def _write(path: Path, text: str) -> None:
    # staged files are private (0600: they carry keys); durability comes from one sync before the renames
    # plain os.write: a text-mode file object adds an ioctl and lseeks per file, 6,000 files a batch
    data = memoryview(text.encode("utf-8"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def _compile_into(conns: Sequence[tuple[int, Connection]], vendors: Sequence[str], profile: Profile | None,
                  stage: str, kw: dict[str, Any], redact: bool) -> list[tuple[str, str, str]]:
    """Compile and stage; returns (connection name, relative output path, staged file name)."""
    out = []
    for i, conn in conns:
        name = output_name(conn, i, "")
        for vendor in vendors:
            main_name, text = next(iter(compile_files(conn, vendor, profile, main_only=True, **kw).items()))
            if redact:
                for t in conn.tunnels:
                    if t.ike.psk:
                        text = text.replace(t.ike.psk, "***")
            # the extension the backend gives its own main file (.cfg, .conf, .xml)
            rel = (f"{vendor}/" if len(vendors) > 1 else "") + name + (Path(main_name).suffix or ".txt")
            staged = Path(stage) / (rel.replace("/", "__") + f".{os.getpid()}.{i}")
            _write(staged, text)
            out.append((name, rel, staged.name))
    return out


def _load_and_compile(paths: Sequence[str], start: int, vendors: Sequence[str], profile: Profile | None,
                      stage: str, kw: dict[str, Any], redact: bool) -> list[tuple[str, str, str]]:
    from .readers import load_all

    conns: list[tuple[int, Connection]] = []
    for k, p in enumerate(paths):
        for c in load_all(Path(p)):
            conns.append((start + k, c))
    return _compile_into(conns, vendors, profile, stage, kw, redact)


def _chunks(items: list, jobs: int) -> list[list]:
    size = max(1, len(items) // (jobs * 4))
    return [items[i:i + size] for i in range(0, len(items), size)]


def compile_batch(source: Sequence[Connection] | Sequence[str], vendors: Sequence[str], profile: Profile | None,
                  outdir: str, *, jobs: int = 0, redact: bool = False, **kw: Any) -> list[str]:
    """Compile connections (or the AWS files at ``source`` paths, read by the workers) for ``vendors``
    into ``outdir``. Returns the files written."""
    from .backends import base

    vendors = [base.canonical(v) for v in vendors]
    d = Path(outdir)
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        stage = tempfile.mkdtemp(prefix=".vpncc-stage-", dir=d)
    except OSError as e:
        raise InputError(f"cannot create output directory: {e.strerror}", outdir) from None
    try:
        jobs = jobs or (os.cpu_count() or 1)
        paths = isinstance(source[0], str) if source else False
        work = max(1, len(source) * len(vendors) * (4 if paths else 1))
        if jobs == 1 or work < PARALLEL_MIN:
            staged = (_load_and_compile(list(source), 0, vendors, profile, stage, kw, redact) if paths else
                      _compile_into(list(enumerate(source)), vendors, profile, stage, kw, redact))
        else:
            staged = []
            with ProcessPoolExecutor(max_workers=jobs) as ex:
                if paths:
                    futs = [ex.submit(_load_and_compile, chunk, n, vendors, profile, stage, kw, redact)
                            for n, chunk in _offsets(_chunks(list(source), jobs))]
                else:
                    futs = [ex.submit(_compile_into, chunk, vendors, profile, stage, kw, redact)
                            for chunk in _chunks(list(enumerate(source)), jobs)]
                for f in futs:
                    staged.extend(f.result())
        counts: dict[str, int] = {}
        for _, rel, _ in staged:
            counts[rel] = counts.get(rel, 0) + 1
        dupes = sorted(r for r, n in counts.items() if n > 1)
        if dupes:
            raise InputError("several connections share an id, their outputs would overwrite each other: "
                             + ", ".join(dupes[:5]) + (" ..." if len(dupes) > 5 else ""), outdir)
        os.sync()
        written = []
        for v in vendors if len(vendors) > 1 else ():
            (d / v).mkdir(exist_ok=True, mode=0o700)
        for _, rel, name in staged:
            os.replace(Path(stage) / name, d / rel)
            written.append(str(d / rel))
        return written
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _offsets(chunks: list[list[str]]) -> list[tuple[int, list[str]]]:
    out, n = [], 0
    for c in chunks:
        out.append((n, c))
        n += len(c)
    return out
