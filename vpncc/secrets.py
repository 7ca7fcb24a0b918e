"""Pre-shared keys from files (``--psk-file``). Keys never appear in messages."""

from __future__ import annotations

import re

from .errors import InputError

_LINE = re.compile(r"^\s*(?:tunnel\s*)?([12])\s*[:=]\s*(\S.*?)\s*$", re.I)


def read_psk_file(path: str) -> dict[int, str]:
    """``TUNNEL: KEY`` per line (``1: abc...``), or two bare lines (tunnel 1, tunnel 2).
    Comments start with ``#``."""
    from .readers import read_text

    text = read_text(path, what="PSK")
    keys: dict[int, str] = {}
    bare: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            keys[int(m.group(1))] = m.group(2)
        elif " " not in line and ":" not in line:
            bare.append(line)
        else:
            raise InputError("expected 'TUNNEL: KEY' (tunnel 1 or 2)", path, n)
    if bare and keys:
        raise InputError("mix of 'TUNNEL: KEY' lines and bare keys", path)
    if bare:
        if len(bare) > 2:
            raise InputError(f"{len(bare)} bare keys; give at most two (tunnel 1, tunnel 2)", path)
        keys = {i + 1: k for i, k in enumerate(bare)}
    for t, k in keys.items():
        if any(c in k for c in "\r\n\x00"):
            raise InputError(f"the key for tunnel {t} contains a control character", path)
    return keys
