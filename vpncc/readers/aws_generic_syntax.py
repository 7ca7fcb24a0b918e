"""The syntax of the AWS generic file: text preparation, the Lark parse into Items and Blocks, and the
mapping of Lark's errors to vpncc's. vpncc.readers.aws_generic interprets the Blocks.

Lark (grammars/aws_generic.lark, LALR, contextual lexer) cuts the text into headings and
``- Key : value`` items; an inline transformer turns the parse into plain tuples (no parse tree is
built: a 230-line file reads in ~0.8 ms, benchmarks/parse_bench.py).
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple

from ..errors import InputError, mask_secret_line

DOWNLOAD_HINT = ("download the complete file again: AWS console > VPC > Site-to-Site VPN connections > "
                 "Download configuration > Vendor: Generic")


# -- the parser -----------------------------------------------------------------------------------

class Item(NamedTuple):
    """One ``- Key : value`` (or ``Your … ID : value``) line."""

    key: str      # normalised: lower case, '-' and runs of blanks as one space
    label: str    # as written, blanks collapsed (for messages)
    value: str
    line: int
    column: int   # of the value (1-based)
    indent: int   # column of the line's first non-blank character
    text: str     # the whole line
    trailing: bool  # the line ends in blanks after a value


class Block(NamedTuple):
    kind: str              # preamble, tunnel, footer, ike, ipsec, iface, bgp, static, group
    head: Any              # heading Token (None for the preamble)
    items: list[Item]      # Items directly in the block
    groups: list[Block]    # Blocks of kind "group"
    sections: list[Block]  # tunnel: its section Blocks; start: nothing


class _Holder:
    __slots__ = ("children",)

    def __init__(self, children: list[Any]) -> None:
        self.children = children


_SEPARATOR = re.compile(r"[:\s]*")


def _items(tok: Any) -> list[Item]:
    """Split an ITEM/ID_LINE token (one or more whole lines) into Items. Per line: key = text
    before the first colon (leading '-' dropped, blanks collapsed); then a run of colons/blanks
    ("Customer Gateway:        : X"); the value is the rest, stripped."""
    out = []
    is_item = tok.type == "ITEM"
    for k, raw in enumerate(tok.value[:-1].split("\n")):
        text = raw.rstrip()
        colon = text.index(":")
        head = text[:colon]
        body = head.lstrip(" \t")
        indent = len(head) - len(body)
        if is_item:
            body = body.lstrip("- \t")
        label = " ".join(body.split())
        # lookup key: lower case, '-' as a blank ("Pre-Shared Key" = "Pre Shared Key"), blanks
        # collapsed, web-copy apostrophes (Don’t, Don&#39;t) made plain
        key = " ".join(label.lower().replace("-", " ").split()).replace("\u2019", "'").replace("&#39;", "'")
        sep = _SEPARATOR.match(text, colon)
        assert sep is not None  # `[:\s]*` matches the empty string too
        start = sep.end()
        # every token starts at a line start, so columns are offsets in the line plus one
        out.append(Item(key, label, text[start:], tok.line + k, start + 1, indent + 1, text,
                        len(raw) > len(text) and start < len(text)))
    return out


class Blocks:
    """Inline transformer (Lark calls its methods by rule name while parsing): builds Blocks, no parse
    tree. Stateless, so one instance serves every parse."""

    @staticmethod
    def _split(children: list[Any], kind: str, head: Any) -> Block:
        items: list[Item] = []
        groups: list[Block] = []
        sections: list[Block] = []
        for c in children:
            if isinstance(c, str):  # a token (Lark's Token is a str)
                items += _items(c)
            elif c.kind == "group":
                groups.append(c)
            else:
                sections.append(c)
        return Block(kind, head, items, groups, sections)

    def __default__(self, data: Any, children: list[Any], meta: Any) -> _Holder:
        # Star/inlined helper rules: a bare holder instead of a Tree (the parent inlines its
        # .children), so no Tree or position bookkeeping is spent on them.
        return _Holder(children)

    def start(self, children: list[Any]) -> list[Any]:
        return children

    def preamble(self, children: list[Any]) -> Block:
        return self._split(children, "preamble", None)

    def _headed(kind: str) -> Callable[[Blocks, list[Any]], Block]:  # type: ignore[misc]  # noqa: N805 - helper used at class creation
        def build(self: Blocks, children: list[Any]) -> Block:
            return self._split(children[1:], kind, children[0])
        return build

    tunnel = _headed("tunnel")
    footer = _headed("footer")
    group = _headed("group")
    ike = _headed("ike")
    ipsec = _headed("ipsec")
    iface = _headed("iface")
    bgp = _headed("bgp")
    static = _headed("static")
    del _headed


def parser() -> Any:
    """The one cached LALR parser for the generic format (vpncc._lark: built on first use)."""
    from .._lark import load

    # Positions come from the tokens (the inline transformer builds no tree), but keep them on
    # so that a tree-building use of this grammar gets node positions too.
    return load("aws_generic.lark", Blocks, propagate_positions=True)



# -- before and after the parse -----------------------------------------------------------------

_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f\ufffd]")


def prepare(text: str, path: str | None) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("read() takes str; decode the file first")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("the file is empty", file=path, line=1,
                         hint="give the AWS generic configuration text (Download configuration > Generic)")
    sample = text[:8192]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 50):
        raise InputError("this is a binary file, not an AWS generic configuration text", file=path, line=1,
                         hint="give the .txt file from Download configuration > Vendor: Generic")
    # CRLF and lone CR become LF (one line break each, so line numbers do not move).
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Copies from web pages pad with no-break spaces; one character for one keeps columns right.
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    if not text.endswith("\n"):
        text += "\n"
    return text


def lark_error(exc: Exception, path: str | None, lines: list[str]) -> InputError:
    line = getattr(exc, "line", None)
    col = getattr(exc, "column", None)
    if not isinstance(line, int) or line < 1:
        line, col = None, None
    expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None)
    what = f"; expected one of: {', '.join(sorted(expected))}" if expected else ""
    context = mask_secret_line(lines[line - 1]) if line and line <= len(lines) else None
    return InputError(f"cannot read this line as part of an AWS generic configuration{what}", file=path,
                      line=line, column=col, context=context, hint=DOWNLOAD_HINT)
