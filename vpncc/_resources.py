"""Where grammars/, templates/ and schemas/ are (inside the installed package, or at the repo root),
and the private per-user cache folder for generated parsers and compiled templates."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def resource_dir(name: str) -> Path:
    for cand in (_HERE / name, _HERE.parent / name):
        if cand.is_dir():
            return cand
    raise FileNotFoundError(f"vpncc resource folder {name!r} is missing from the installation")


def cache_dir() -> str | None:
    """``$XDG_CACHE_HOME/vpncc`` (``~/.cache/vpncc``), created 0700; None when disabled
    (``VPNCC_NO_CACHE=1``) or unsafe (not ours, or writable by others). Never the shared temp dir:
    cached parsers are code."""
    if os.environ.get("VPNCC_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "vpncc")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            return None
    except OSError:
        return None
    return folder

