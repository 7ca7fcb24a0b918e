"""Atomic output: write to a temporary file in the target directory, then rename.

On any failure (disk full, permission, Ctrl-C, an exception while rendering) the old file is
untouched and no partial file is left. Files are created 0600 by default because vpncc's outputs
carry pre-shared keys.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError


def write_atomic(path: str | os.PathLike[str], text: str, mode: int = 0o600) -> None:
    p = Path(path)
    data = text.encode("utf-8")
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"cannot write output: {e.strerror}", str(p)) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        # /dev/null, a FIFO or a terminal: nothing to replace atomically, write straight through
        try:
            with open(p, "wb") as fh:
                fh.write(data)
        except OSError as e:
            raise InputError(f"cannot write output: {e.strerror}", str(p)) from None
        return
    directory = p.parent if str(p.parent) else Path(".")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            try:
                os.close(fd)
            except OSError:
                pass
            raise
        os.replace(tmp_name, p)
        tmp_name = None
    except OSError as e:
        raise InputError(f"cannot write output: {e.strerror or e}", str(p)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def write_tree(directory: str | os.PathLike[str], files: dict[str, str], mode: int = 0o600) -> list[Path]:
    """Write several files into ``directory`` (created 0700 if missing), each atomically."""
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise InputError(f"cannot create output directory: {e.strerror}", str(d)) from None
    out = []
    for name, text in files.items():
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            raise InputError(f"refusing to write a file named {name!r}", str(d))
        target = d / name
        write_atomic(target, text, 0o700 if name.endswith(".sh") else mode)
        out.append(target)
    return out
