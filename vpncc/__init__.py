"""vpncc: compile and validate AWS Site-to-Site VPN configurations.

Library API (typed, see ``py.typed``)::

    import vpncc
    conn = vpncc.parse("aws.txt")                  # one Connection (generic text, XML or API JSON)
    conns = vpncc.load("describe.json")            # every connection in the input
    text = vpncc.compile(conn, "cisco-ios")        # device config
    report = vpncc.validate(conn, "juniper", open("running.conf").read())

Imports are lazy so that ``vpncc --version`` and ``compile`` stay fast.
"""

from __future__ import annotations

from ._version import __version__

TYPE_CHECKING = False  # typing itself costs ~7 ms of start-up in a bare interpreter
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .ir import Connection
    from .profile import Profile
    from .validate.report import Report

__all__ = ["__version__", "parse", "load", "compile", "validate", "list_backends"]


def parse(text_or_path: Any, *, path: str | None = None) -> "Connection":
    """Read one AWS VPN connection from text or a file path (generic text, XML or API JSON)."""
    from .readers import load_one

    return load_one(text_or_path, path=path)


def load(text_or_path: Any, *, path: str | None = None) -> "list[Connection]":
    """Read every connection in an input (an API JSON may hold many; a directory holds files)."""
    from .readers import load_all

    return load_all(text_or_path, path=path)


def compile(conn: "Connection", vendor: str, profile: "Profile | None" = None, **kw: Any) -> str:
    """Compile a connection into a device config for ``vendor`` (see ``list_backends()``)."""
    from .compiler import compile as _compile

    return _compile(conn, vendor, profile, **kw)


def validate(conn: "Connection", vendor: str, config_text: str, *, profile: "Profile | None" = None,
             path: str | None = None) -> "Report":
    """Validate a device config against a connection; returns a report of findings."""
    from .validate.compare import validate as _validate

    return _validate(conn, vendor, config_text, profile=profile, path=path)


def list_backends() -> list[str]:
    from .backends.base import names

    return names()
