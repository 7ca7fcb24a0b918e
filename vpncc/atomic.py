"""Atomic output: write to a temporary file in the target directory, then rename.

On any failure (disk full, permission, Ctrl-C, an exception while rendering) the old file is
untouched and no partial file is left. Modes: a file that holds a pre-shared key is 0600 (``SECRET``,
the default); any other file gets what ``open(2)`` would give it, 0666 less the user's umask
(``PUBLIC``), so that e.g. systemd-networkd (user systemd-network) can read its .netdev/.network files.
A requested mode is always filtered through the umask, as ``open(2)`` does.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from .errors import InputError

#: a file that holds a key: owner read/write only
SECRET = 0o600
#: any other file: 0666 less the umask (``None`` asks for the same)
PUBLIC = 0o666


def umask() -> int:
    """The process umask, read without changing it where Linux shows it (/proc/self/status)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o077)  # set-and-restore: 0o077 in between errs on the private side
    os.umask(old)
    return old


def effective_mode(mode: int | None) -> int:
    return (PUBLIC if mode is None else mode) & ~umask() & 0o777


def write_atomic(path: str | os.PathLike[str], text: str, mode: int | None = SECRET) -> None:
    """Write ``text`` to ``path`` atomically with ``mode`` (filtered through the umask; ``None`` = PUBLIC)."""
    p = Path(path)
    mode = effective_mode(mode)
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


def write_tree(directory: str | os.PathLike[str], files: dict[str, str], mode: int = SECRET,
               secret: Callable[[str, str], bool] | None = None) -> list[Path]:
    """Write several files into ``directory``, each atomically. ``secret(name, text)`` says which files
    hold a key: those get ``mode`` (0600; scripts 0700), the others 0666/0777 less the umask. Without
    ``secret`` every file is treated as holding one. A directory created here is 0700 when any of its
    files holds a key, else 0777 less the umask."""
    d = Path(directory)
    names = list(files)
    for name in names:
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            raise InputError(f"refusing to write a file named {name!r}", str(d))
    private = {n for n in names if secret is None or secret(n, files[n])}
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700 if private or not names else 0o777 & ~umask())
    except OSError as e:
        raise InputError(f"cannot create output directory: {e.strerror}", str(d)) from None
    out = []
    for name, text in files.items():
        target = d / name
        script = name.endswith(".sh")
        if name in private:
            write_atomic(target, text, 0o700 if script else mode)
        else:
            write_atomic(target, text, 0o777 if script else PUBLIC)
        out.append(target)
    return out
