"""The IR's JSON Schema (draft 2020-12), shipped in the package as schemas/ir.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .._resources import resource_dir

SCHEMA_FILE = "ir.schema.json"


def schema_text() -> str:
    """The schema as published (what ``vpncc schema`` prints)."""
    return (resource_dir("schemas") / SCHEMA_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    """The schema parsed into a dict (for validators)."""
    parsed: dict[str, Any] = json.loads(schema_text())
    return parsed
