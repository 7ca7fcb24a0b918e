"""The Cisco templates' environment (the shared one: layout only, StrictUndefined)."""

from __future__ import annotations

from typing import Any

from ...templating import render as _render


def render(folder: str, template: str, ctx: dict[str, Any]) -> str:
    return _render(folder, template, ctx)
