"""Compile many connections (a directory of AWS files, or an API JSON with many connections) for one or
more vendors into a directory: one file per connection and vendor, named by connection id.

Work is spread over CPU cores: each worker reads its share of the input files, compiles every vendor
and writes into a private staging folder inside the output directory. Only when every connection has
compiled (and no two share an id) are the files renamed into place.

One bad connection does not stop the others: a connection a backend cannot express (UnsupportedFeature,
MissingValue) or an AWS file that does not read is reported in ``failed`` as (connection id or file,
vendor, reason) and every other output is still written. Files of an input directory that are not AWS
inputs (a device config, a README, vpncc.yaml) are skipped and reported in ``skipped``. Two connections
with the same id still fail the whole batch before anything is written (their outputs would collide).

Output names: ``<connection>.<ext>`` (the backend's extension), under ``<vendor>/`` when several
vendors are compiled; a connection without an id is ``connection-<N>``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from .compiler import compile_files
from .errors import InputError, VpnccError
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


Staged = tuple[str, str, str, tuple[tuple[str, str], ...]]
#: (connection id or input file, vendor or "" for a file that did not read, reason)
Failure = tuple[str, str, str]
#: the kinds vpncc reads as AWS inputs (vpncc.readers.detect); any other file of a directory is skipped
AWS_KINDS = ("aws-generic", "aws-xml", "aws-json", "ir-json", "terraform")


def _reason(e: VpnccError) -> str:
    items = getattr(e, "items", None)
    if items:
        return "; ".join(items)
    return (e.message if isinstance(e, InputError) else str(e)).splitlines()[0]


def _compile_into(conns: Sequence[tuple[int, Connection]], vendors: Sequence[str], profile: Profile | None,
                  stage: str, kw: dict[str, Any], redact: bool,
                  failed: list[Failure] | None = None) -> list[Staged]:
    """Compile and stage; returns (connection name, relative output path, staged file name, the compile
    warnings as (code, message)); warnings travel back from worker processes this way. A connection a
    vendor cannot compile goes to ``failed`` (raised when ``failed`` is None)."""
    out = []
    for i, conn in conns:
        name = output_name(conn, i, "")
        for vendor in vendors:
            warnings: list[tuple[str, str]] = []
            try:
                main_name, text = next(iter(compile_files(conn, vendor, profile, main_only=True,
                                                          warn=lambda c, m, w=warnings: w.append((c, m)), **kw).items()))
            except VpnccError as e:
                if failed is None:
                    raise
                failed.append((conn.vpn_connection_id or name, vendor, _reason(e)))
                continue
            except Exception as e:  # a bug in one backend must not cost the other connections their output
                if failed is None or os.environ.get("VPNCC_DEBUG"):
                    raise
                failed.append((conn.vpn_connection_id or name, vendor, f"internal error ({e.__class__.__name__}); "
                               "rerun with VPNCC_DEBUG=1 and report it"))
                continue
            if redact:
                for t in conn.tunnels:
                    if t.ike.psk:
                        text = text.replace(t.ike.psk, "***")
            # the extension the backend gives its own main file (.cfg, .conf, .xml)
            rel = (f"{vendor}/" if len(vendors) > 1 else "") + name + (Path(main_name).suffix or ".txt")
            staged = Path(stage) / (rel.replace("/", "__") + f".{os.getpid()}.{i}")
            _write(staged, text)
            out.append((name, rel, staged.name, tuple(warnings)))
    return out


def _load_and_compile(paths: Sequence[str], start: int, vendors: Sequence[str], profile: Profile | None,
                      stage: str, kw: dict[str, Any], redact: bool,
                      ) -> tuple[list[Staged], list[Failure], list[tuple[str, str]]]:
    """Read and compile the files at ``paths``: (staged outputs, failures, skipped files as (path, why))."""
    from .readers import detect, load_all, read_text

    conns: list[tuple[int, Connection]] = []
    failed: list[Failure] = []
    skipped: list[tuple[str, str]] = []
    for k, p in enumerate(paths):
        try:
            conns.extend((start + k, c) for c in load_all(Path(p)))
        except InputError as e:
            try:
                kind = detect.guess(read_text(p))
            except InputError:
                kind = None   # empty, binary, unreadable: not an AWS input either
            if kind in AWS_KINDS:
                failed.append((p, "", _reason(e)))
            else:
                skipped.append((p, f"not an AWS VPN input ({detect.describe(kind)})"))
    return _compile_into(conns, vendors, profile, stage, kw, redact, failed), failed, skipped


def _chunks(items: list, jobs: int) -> list[list]:
    size = max(1, len(items) // (jobs * 4))
    return [items[i:i + size] for i in range(0, len(items), size)]


def compile_batch(source: Sequence[Connection] | Sequence[str], vendors: Sequence[str], profile: Profile | None,
                  outdir: str, *, jobs: int = 0, redact: bool = False,
                  warn: Callable[[str, str, str], None] | None = None,
                  failed: list[Failure] | None = None, skipped: list[tuple[str, str]] | None = None,
                  **kw: Any) -> list[str]:
    """Compile connections (or the AWS files at ``source`` paths, read by the workers) for ``vendors``
    into ``outdir``. Returns the files written. ``warn(output path, code, message)`` receives each
    output's compile warnings (the crypto choice), once every output has compiled.

    With ``failed`` (a list), a connection that cannot be compiled is appended to it as (connection id or
    file, vendor, reason) and the others are written; without it the first such error is raised and
    nothing is written. ``skipped`` receives (path, why) for files of ``source`` that are not AWS inputs
    (they are skipped either way). Raises InputError when two connections share an id or the output
    directory cannot be made."""
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
        bad: list[Failure] = []
        passed: list[tuple[str, str]] = []

        def collect(result: Any) -> list[Staged]:
            if paths:
                done, f, s = result
                bad.extend(f)
                passed.extend(s)
                return done
            done, f = result
            bad.extend(f)
            return done

        if jobs == 1 or work < PARALLEL_MIN:
            staged = collect(_load_and_compile(list(source), 0, vendors, profile, stage, kw, redact) if paths else
                             _compile_list(list(enumerate(source)), vendors, profile, stage, kw, redact))
        else:
            staged = []
            with ProcessPoolExecutor(max_workers=jobs) as ex:
                if paths:
                    futs = [ex.submit(_load_and_compile, chunk, n, vendors, profile, stage, kw, redact)
                            for n, chunk in _offsets(_chunks(list(source), jobs))]
                else:
                    futs = [ex.submit(_compile_list, chunk, vendors, profile, stage, kw, redact)
                            for chunk in _chunks(list(enumerate(source)), jobs)]
                for f in futs:
                    staged.extend(collect(f.result()))
        if skipped is not None:
            skipped.extend(passed)
        if bad and failed is None:
            who, vendor, reason = bad[0]
            raise InputError(f"{who}" + (f" ({vendor})" if vendor else "") + f": {reason}", outdir)
        if failed is not None:
            failed.extend(bad)
        counts: dict[str, int] = {}
        for _, rel, _, _ in staged:
            counts[rel] = counts.get(rel, 0) + 1
        dupes = sorted(r for r, n in counts.items() if n > 1)
        if dupes:
            raise InputError("several connections share an id, their outputs would overwrite each other: "
                             + ", ".join(dupes[:5]) + (" ..." if len(dupes) > 5 else ""), outdir)
        os.sync()
        written = []
        for v in vendors if len(vendors) > 1 else ():
            (d / v).mkdir(exist_ok=True, mode=0o700)
        for _, rel, name, _ in staged:
            os.replace(Path(stage) / name, d / rel)
            written.append(str(d / rel))
        if warn is not None:
            for _, rel, _, notes in staged:
                for code, message in notes:
                    warn(str(d / rel), code, message)
        return written
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _compile_list(conns: Sequence[tuple[int, Connection]], vendors: Sequence[str], profile: Profile | None,
                  stage: str, kw: dict[str, Any], redact: bool) -> tuple[list[Staged], list[Failure]]:
    failed: list[Failure] = []
    return _compile_into(conns, vendors, profile, stage, kw, redact, failed), failed


def _offsets(chunks: list[list[str]]) -> list[tuple[int, list[str]]]:
    out, n = [], 0
    for c in chunks:
        out.append((n, c))
        n += len(c)
    return out
