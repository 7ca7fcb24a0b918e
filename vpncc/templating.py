"""One Jinja2 environment per template folder: layout only, StrictUndefined, no autoescape (device
configs are not HTML: backends quote values for their own syntax). Compiled templates are kept in the
per-user cache, so a cold ``vpncc compile`` does not recompile them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def environment(folder: str):
    import jinja2

    from ._resources import cache_dir, resource_dir

    cache = cache_dir()
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates") / folder)),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(cache, "jinja-%s.cache") if cache else None)


def render(folder: str, template: str, context: dict[str, Any]) -> str:
    return environment(folder).get_template(template).render(**context)
