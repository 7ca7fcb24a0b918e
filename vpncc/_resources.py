"""Where grammars/, templates/ and schemas/ are: inside the installed package, or at the repo root."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def resource_dir(name: str) -> Path:
    for cand in (_HERE / name, _HERE.parent / name):
        if cand.is_dir():
            return cand
    raise FileNotFoundError(f"vpncc resource folder {name!r} is missing from the installation")
