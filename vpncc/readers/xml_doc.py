"""A hardened XML document with line numbers, for AWS's XML form (and the XML embedded in the API JSON).

Parsed with defusedxml and ``forbid_dtd``: AWS never sends a DOCTYPE, and every entity-expansion
("billion laughs") or external-entity attack needs one, so any DTD is refused at its first line.
Elements nested deeper than :data:`MAX_DEPTH` are refused too. Literal ``\\n`` sequences and XML
stored as a quoted JSON string are undone first, keeping positions that point into the original text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Callable, NoReturn

from ..errors import InputError
from ..ir import Position, Warning

MAX_DEPTH = 32


@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    col: int  # 1-based, in the text handed to expat
    children: list["Node"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def find(self, tag: str) -> "Node | None":
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    def path(self, *tags: str) -> "Node | None":
        node: Node | None = self
        for t in tags:
            node = node.find(t) if node is not None else None
        return node


class _Builder:
    """ElementTree-style target that builds :class:`Node` objects with expat positions."""

    def __init__(self) -> None:
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.expat: Any = None  # set after the parser exists (expat's xmlparser)

    def start(self, tag: str, attrib: dict[str, str]) -> Node:
        p = self.expat
        node = Node(tag, dict(attrib), p.CurrentLineNumber, p.CurrentColumnNumber + 1)
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(f"elements nested deeper than {MAX_DEPTH} levels (AWS's XML has 5)",
                           node.line, node.col)
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)
        return node

    def start_expat(self, tag: str, attrs: list[str]) -> None:
        # ElementTree's XMLParser asks expat for ordered attributes: [name, value, name, value...]
        self.start(tag, dict(zip(attrs[::2], attrs[1::2], strict=True)) if attrs else {})

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(text)

    def close(self) -> Node | None:
        return self.root


class _Refused(Exception):
    def __init__(self, message: str, line: int | None, col: int | None) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _parser_class() -> Any:
    from defusedxml.ElementTree import DefusedXMLParser

    class Parser(DefusedXMLParser):  # type: ignore[misc]  # defusedxml ships no type information
        def defused_start_doctype_decl(self, name: str, sysid: Any, pubid: Any, has_internal_subset: Any) -> NoReturn:
            raise _Refused("a document type declaration (DOCTYPE) is refused: AWS's XML never has one, "
                           "and DTDs carry entity-expansion and external-entity attacks",
                           self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)

        def defused_entity_decl(self, name: str, *args: Any) -> NoReturn:  # pragma: no cover - DTD refused first
            raise _Refused(f"entity declaration {name!r} refused", self.parser.CurrentLineNumber, None)

        def defused_unparsed_entity_decl(self, name: str, *args: Any) -> NoReturn:  # pragma: no cover
            raise _Refused(f"entity declaration {name!r} refused", self.parser.CurrentLineNumber, None)

        def defused_external_entity_ref_handler(self, context: Any, base: Any, sysid: Any,
                                                pubid: Any) -> NoReturn:  # pragma: no cover
            raise _Refused("external entity reference refused", self.parser.CurrentLineNumber, None)

    return Parser


_PARSER = None


class Doc:
    """A parsed XML text: the root node and a map from parser positions to positions in the input."""

    def __init__(self, original: str, root: Node, to_orig: Callable[[int, int], tuple[int, int]],
                 warnings: list[Warning]) -> None:
        self.original = original
        self.root = root
        self._to_orig = to_orig
        self.warnings = warnings
        self._lines: list[str] | None = None

    def position(self, node: Node | None) -> Position | None:
        if node is None:
            return None
        line, col = self._to_orig(node.line, node.col)
        return Position(line, col)

    def line_text(self, line: int | None) -> str | None:
        if line is None:
            return None
        if self._lines is None:
            self._lines = self.original.splitlines()
        if not 1 <= line <= len(self._lines):
            return None
        return mask_line(self._lines[line - 1])


_PSK_XML = re.compile(r"(<pre_shared_key\s*>)[^<]*", re.I)
_PSK_JSON = re.compile(r'("pre_?shared_?key"\s*:\s*")(?:[^"\\]|\\.)*', re.I)


def mask_line(line: str, limit: int = 240) -> str | None:
    """An input line safe to show in an error: PSK values masked; None when too long to be useful."""
    from ..errors import mask_secret_line

    if len(line) > limit:
        return None
    return mask_secret_line(_PSK_JSON.sub(r"\1***", _PSK_XML.sub(r"\1***", line)))


_ESCAPE = re.compile(r'\\([nrt"/\\])')
_ESC_CHAR = {"n": "\n", "r": "", "t": "\t", '"': '"', "/": "/", "\\": "\\"}
_BARE_REDACTED = re.compile(r"<(REDACTED[A-Z0-9_]*)>")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def _unescape(text: str, base: int) -> tuple[str, list[int]]:
    """Undo JSON-style escapes (literal ``\\n``, ``\\"``, ``\\/``); also return decoded->original offsets."""
    out: list[str] = []
    imap: list[int] = []
    i = 0
    for m in _ESCAPE.finditer(text):
        out.append(text[i:m.start()])
        imap.extend(range(base + i, base + m.start()))
        ch = _ESC_CHAR[m.group(1)]
        if ch:
            out.append(ch)
            imap.append(base + m.start())
        i = m.end()
    out.append(text[i:])
    imap.extend(range(base + i, base + len(text)))
    return "".join(out), imap


def parse(text: str, path: str | None = None) -> Doc:
    """Parse (hardened) and return a :class:`Doc`; every failure is an InputError with line/column."""
    global _PARSER
    warnings: list[Warning] = []
    original = text
    work = text.lstrip("\ufeff")
    lead = len(text) - len(work)
    stripped = work.lstrip()
    imap: list[int] | None = None
    line_shift = 0
    if stripped.startswith('"') and stripped.rstrip().endswith('"') and "<vpn_connection" in stripped:
        # the XML saved as a JSON string literal: "<?xml version=\"1.0\" ...\n<vpn_connection ..."
        start = lead + (len(work) - len(stripped)) + 1
        body = stripped.rstrip()[1:-1]
        work, imap = _unescape(body, start)
        warnings.append(Warning("xml-escaped", "the XML is stored as a quoted JSON string; decoded it", None))
    elif "\\n" in work and work.count("\\n") > work.count("\n") and re.search(r">\s*\\n", work):
        # CloudWanderer: newlines stored as the two characters backslash-n
        work, imap = _unescape(work, lead)
        warnings.append(Warning("xml-escaped", "the XML has literal \\n sequences instead of newlines; "
                                "decoded them", 1))
    elif stripped.startswith("<?xml") and len(stripped) != len(work):
        # an XML declaration must be the first thing in the document: drop the whitespace before it
        skipped = work[: len(work) - len(stripped)]
        line_shift = skipped.count("\n")
        work = stripped
    if _BARE_REDACTED.search(work):
        # a user pasted <REDACTED_FOR_SECURITY> over a value: read it as text, not as a tag
        work = _BARE_REDACTED.sub(r"&lt;\1&gt;", work)

    if imap is not None:
        dstarts = _line_starts(work)
        ostarts = _line_starts(original)
        table = imap

        def to_orig(line: int, col: int) -> tuple[int, int]:
            off = dstarts[min(line, len(dstarts)) - 1] + col - 1
            o = table[min(max(off, 0), len(table) - 1)] if table else 0
            ln = bisect.bisect_right(ostarts, o)
            return ln, o - ostarts[ln - 1] + 1
    else:
        def to_orig(line: int, col: int) -> tuple[int, int]:
            return line + line_shift, col

    if _PARSER is None:
        _PARSER = _parser_class()
    builder = _Builder()
    parser = _PARSER(target=builder, forbid_dtd=True)
    expat = builder.expat = parser.parser
    # defusedxml's DTD/entity refusals stay installed on this expat parser; element events skip
    # ElementTree's per-element wrapper, and buffered text arrives in one piece per element
    expat.buffer_text = True
    expat.StartElementHandler = builder.start_expat
    expat.EndElementHandler = builder.end
    from xml.etree.ElementTree import ParseError

    def fail(message: str, line: int | None, col: int | None, hint: str | None = None) -> InputError:
        if line is not None:
            line, col = to_orig(line, col or 1)
        doc = Doc(original, Node("", {}, 0, 0), to_orig, [])
        return InputError(message, path, line, col, doc.line_text(line), hint)

    try:
        parser.feed(work)
        root = parser.close()
    except _Refused as e:
        line, col = e.line, e.col
        if "DOCTYPE" in e.message:  # expat reports the end of "<!DOCTYPE name [": point at its start
            at = work.find("<!DOCTYPE")
            if at >= 0:
                line = work.count("\n", 0, at) + 1
                col = at - (work.rfind("\n", 0, at) + 1) + 1
        raise fail(e.message, line, col) from None
    except ParseError as e:
        line, col = e.position
        msg = str(e).split(": line ")[0]
        hint = None
        if "no element found" in msg or "unclosed token" in msg:
            hint = "the XML ends early: is the file truncated?"
        raise fail(f"malformed XML: {msg}", line, col + 1, hint) from None
    except ValueError as e:  # defusedxml's own refusals, in case a handler above is bypassed
        raise fail(f"refused XML: {e}", None, None) from None
    finally:
        # expat holds bound methods of the builder and the parser, which hold expat: break the
        # cycles so the tree is freed by reference counting, not left for the cyclic GC
        builder.expat = None
        builder.stack.clear()
        for name in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler",
                     "StartDoctypeDeclHandler", "EntityDeclHandler", "UnparsedEntityDeclHandler",
                     "ExternalEntityRefHandler", "DefaultHandlerExpand", "CommentHandler",
                     "ProcessingInstructionHandler", "StartNamespaceDeclHandler", "EndNamespaceDeclHandler"):
            try:
                setattr(expat, name, None)
            except (AttributeError, TypeError):
                pass
        parser.__dict__.clear()
    if root is None:
        raise fail("no XML element found", None, None)
    return Doc(original, root, to_orig, warnings)


# -- XML -> IR ------------------------------------------------------------------------------------
