"""vpncc's own error types. Only these leave the library; the CLI turns them into exit code 2.

Messages never contain a pre-shared key: readers pass the offending *line* as context, so a reader
that fails on a PSK line must mask it with :func:`mask_secret_line` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class VpnccError(Exception):
    """Base class of every error vpncc raises on purpose."""

    exit_code = 2

    def render(self) -> str:
        return str(self)


@dataclass
class InputError(VpnccError):
    """Bad input: a file that cannot be read or means something impossible."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    context: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        out = f"{where}: {self.message}"
        if self.context is not None:
            ctx = self.context.rstrip("\r\n").expandtabs(1)
            out += "\n    " + ctx
            if self.column is not None and self.column >= 1:
                out += "\n    " + " " * min(self.column - 1, len(ctx)) + "^"
        if self.hint:
            out += f"\n  hint: {self.hint}"
        return out


@dataclass
class ProfileError(InputError):
    """A site profile (or manifest) with an unknown key, a wrong type or a bad value."""


class UnsupportedFeature(VpnccError):
    """A backend cannot express something the IR needs. Lists every such item at once."""

    def __init__(self, backend: str, items: list[str]) -> None:
        self.backend = backend
        self.items = list(items)
        lines = "\n".join(f"  - {i}" for i in self.items)
        super().__init__(f"backend {backend!r} cannot compile this connection:\n{lines}")


class MissingValue(VpnccError):
    """The IR lacks a value that compiling needs (a redacted PSK, a placeholder address...)."""

    def __init__(self, items: list[str]) -> None:
        self.items = list(items)
        lines = "\n".join(f"  - {i}" for i in self.items)
        super().__init__("cannot compile: the input lacks values a device config needs:\n" + lines)


class UsageError(VpnccError):
    """Wrong command-line usage (unknown vendor, conflicting options, missing file)."""


_SECRET_LINE = re.compile(r"(?i)(pre-?shared[- ]key|psk|secret|password|key-string|pre-shared-key)(\W+)(\S.*)$")


def mask_secret_line(line: str) -> str:
    """Mask the value part of a line that names a key, so error context never shows a PSK."""
    return _SECRET_LINE.sub(lambda m: m.group(1) + m.group(2) + "***", line)
