"""Input dispatch: any AWS form (generic text, XML, API JSON, vpncc IR JSON) -> checked IR.

Every reader returns IR; the semantic checks (vpncc.checks) run exactly once here, before any
backend sees a connection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ir import Connection
from . import detect

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_bytes() -> int:
    try:
        return int(os.environ.get("VPNCC_MAX_INPUT_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def read_text(path: str | os.PathLike[str], *, what: str = "input") -> str:
    """Read a file as text with vpncc's rules: size limit, no binary, UTF-8 (BOM ok) or UTF-16 with BOM."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError(f"{what} is a directory, not a file", str(p))
        limit = max_bytes()
        if size > limit:
            raise InputError(f"{what} is {size} bytes, over the {limit}-byte limit "
                             "(set VPNCC_MAX_INPUT_BYTES to raise it)", str(p))
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} file not found", str(p)) from None
    except ValueError:  # a NUL byte in the name
        raise InputError(f"{what} path is not a valid file name", repr(str(p))[:200]) from None
    except PermissionError:
        raise InputError(f"permission denied reading the {what} file", str(p)) from None
    except OSError as e:
        raise InputError(f"cannot read {what}: {e.strerror or e.__class__.__name__}", str(p)) from None
    return decode(data, str(p))


def decode(data: bytes, path: str | None = None) -> str:
    if len(data) > max_bytes():
        raise InputError(f"input is over the {max_bytes()}-byte limit (set VPNCC_MAX_INPUT_BYTES)", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("input claims UTF-16 (byte-order mark) but does not decode", path, 1, 1) from None
    if b"\x00" in data[:65536]:
        raise InputError("this is a binary file, not a text configuration", path, hint="give the text file "
                         "AWS lets you download (Generic vendor), its XML or the API JSON")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = e.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(f"byte 0x{data[e.start]:02x} is not valid UTF-8", path, line, col,
                         hint="save the file as UTF-8") from None


def _looks_like_path(s: str) -> bool:
    """A library caller's str is a path when it is one short line that is not JSON/XML; otherwise text.
    (The CLI always passes a Path, so file names are never guessed.)"""
    return ("\n" not in s and "\x00" not in s and 0 < len(s.strip()) and len(s) < 4096
            and not s.lstrip().startswith(("{", "<", "[")))


def _source(text_or_path: Any, path: str | None) -> tuple[str, str | None]:
    if isinstance(text_or_path, bytes):
        return decode(text_or_path, path), path
    if isinstance(text_or_path, os.PathLike):
        return read_text(text_or_path), path or os.fspath(text_or_path)
    if isinstance(text_or_path, str):
        if _looks_like_path(text_or_path):
            return read_text(text_or_path), path or text_or_path
        return text_or_path, path
    raise InputError(f"cannot read a {type(text_or_path).__name__}; give text, bytes or a path", path)


def _read(text: str, path: str | None) -> list[Connection]:
    if not text.strip():
        raise InputError("the input is empty", path, 1, 1,
                         hint="download the VPN configuration from the AWS console (vendor: Generic)")
    kind = detect.guess(text)
    if kind == "aws-generic" or kind is None:
        from . import aws_generic

        return [aws_generic.read(text, path)]
    if kind == "aws-xml":
        from . import aws_xml

        return aws_xml.read_all(text, path)
    if kind == "aws-json":
        from . import aws_json

        return aws_json.read_all(text, path)
    if kind == "terraform":
        from . import terraform

        return terraform.read_all(text, path)
    if kind == "ir-json":
        from .ir_json import read as read_ir

        return [read_ir(text, path)]
    raise InputError(f"this looks like {detect.describe(kind)}, not an AWS VPN connection file", path,
                     hint="give the AWS generic text, the XML (CustomerGatewayConfiguration) or the API JSON")


def _checked(conns: list[Connection], text: str | None = None) -> list[Connection]:
    from ..checks import check

    for c in conns:
        check(c, text=text)
    return conns


def load_all(text_or_path: Any, *, path: str | None = None) -> list[Connection]:
    """Every connection in an input. A directory yields the connections of every file in it."""
    candidate = text_or_path if isinstance(text_or_path, os.PathLike) else (
        text_or_path if isinstance(text_or_path, str) and _looks_like_path(text_or_path) else None)
    if candidate is not None and os.path.isdir(candidate):
        out: list[Connection] = []
        for f in sorted(p for p in Path(candidate).iterdir() if p.is_file() and not p.name.startswith(".")):
            out.extend(load_all(f))
        return out
    text, p = _source(text_or_path, path)
    return _checked(_read(text, p), text)


def load_one(text_or_path: Any, *, path: str | None = None, connection: str | None = None) -> Connection:
    conns = load_all(text_or_path, path=path)
    if connection is not None:
        picked = [c for c in conns if c.vpn_connection_id == connection]
        if not picked:
            raise InputError(f"no connection {connection!r} in the input (it has: "
                             + ", ".join(str(c.vpn_connection_id) for c in conns) + ")", path)
        return picked[0]
    if len(conns) != 1:
        raise InputError(f"the input holds {len(conns)} connections; choose one with --connection ID "
                         "(or compile them all with -o DIR)", conns[0].source.path if conns else path)
    return conns[0]
