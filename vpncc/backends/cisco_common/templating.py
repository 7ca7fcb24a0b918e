"""Jinja2 environment for the Cisco templates (layout only, StrictUndefined)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def _env(folder: str):
    import jinja2

    from ..._resources import resource_dir

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(resource_dir("templates") / folder)),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, autoescape=False)


def render(folder: str, template: str, ctx: dict[str, Any]) -> str:
    return _env(folder).get_template(template).render(**ctx)
