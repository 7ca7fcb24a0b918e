"""vpncc's own IR JSON (``vpncc parse --format json``) read back as an input."""

from __future__ import annotations

import json

from ..errors import InputError
from ..ir import Connection, Source, from_dict


def read(text: str, path: str | None = None) -> Connection:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path, e.lineno, e.colno) from None
    try:
        conn = from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        what = f"missing key {e}" if isinstance(e, KeyError) else str(e).replace("\n", " ")[:200]
        raise InputError(f"not a valid vpncc IR document: {what}", path,
                         hint="`vpncc schema` prints the JSON Schema of this format") from None
    from dataclasses import replace

    return replace(conn, source=Source(format="ir-json", path=path, layout=None))
