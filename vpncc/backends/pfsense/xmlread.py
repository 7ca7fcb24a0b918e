"""Read a pfSense config.xml fast: only the sections a VPN needs become trees, with line numbers and
byte offsets (the merge writer splices text at those offsets, so nothing else is re-serialized).

A 20 MB config has ~800k elements, and any Python callback per element costs seconds. So: expat checks
the whole file with no handlers (C speed); the wanted top-level sections are located by counting
markup bytes (exact for pfSense's own output, which escapes ``<`` and ``>`` in every value; when the
counts do not add up a real depth-tracking pass is used instead); then only those sections' byte
slices are parsed into :class:`Node` trees. Firewall rules, which can be tens of thousands, get no
node each: only their offsets, the first rule of each interface, and full nodes for the few rules
that route through a gateway.

Parsing goes through defusedxml's expat parser (``DefusedXMLParser(forbid_dtd=True).parser``): no DTD,
no entity declarations, no external references; pfSense never writes a DTD.

Text follows pfSense's own reader (xmlparse.inc ``cData()``): TAB/CR/LF trimmed at the ends, a
whitespace-only value is empty, then ``html_entity_decode()`` a second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator
from xml.parsers import expat

from ...errors import InputError, mask_secret_line
from .xmlwrite import xml1_decode

#: top-level sections kept as full subtrees
DEEP = frozenset({"version", "system", "ipsec", "interfaces", "staticroutes", "gateways", "virtualip"})
#: children of <installedpackages> kept as full subtrees: FRR's sections and the package list
DEEP_PKG_PREFIX = "frr"


@dataclass
class Node:
    tag: str
    line: int
    start: int                       # byte offset of "<tag"
    end: int = -1                    # byte offset of "</tag" (or just after "<tag/>")
    text: str = ""
    children: list["Node"] = field(default_factory=list)
    _parts: list[str] | None = field(default=None, repr=False)

    def find(self, tag: str) -> "Node | None":
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    def get(self, tag: str, default: str = "") -> str:
        c = self.find(tag)
        return c.text if c is not None else default

    def has(self, tag: str) -> bool:
        """pfSense's isset(): the element exists (``<disabled></disabled>`` counts)."""
        return self.find(tag) is not None

    def path(self, *tags: str) -> "Node | None":
        n: Node | None = self
        for t in tags:
            n = n.find(t) if n is not None else None
        return n

    def line_of(self, tag: str) -> int:
        c = self.find(tag)
        return c.line if c is not None else self.line

    def iter(self) -> Iterator["Node"]:
        yield self
        for c in self.children:
            yield from c.iter()


@dataclass
class Document:
    data: bytes
    root: Node
    path: str | None
    rules: "Rules | None" = None

    def section(self, tag: str) -> Node | None:
        return self.root.find(tag)


def _clean(text: str) -> str:
    text = text.strip("\t\r\n")
    if text.strip(" ") == "":
        return ""
    return xml1_decode(text)


def _parser():
    from defusedxml.ElementTree import DefusedXMLParser

    # keep defusedxml's DTD/entity/external-reference handlers, drop ElementTree's tree building
    p = DefusedXMLParser(forbid_dtd=True).parser
    for h in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler", "CommentHandler",
              "ProcessingInstructionHandler", "DefaultHandler", "DefaultHandlerExpand",
              "StartNamespaceDeclHandler", "EndNamespaceDeclHandler"):
        setattr(p, h, None)
    p.buffer_text = True
    p.ordered_attributes = True
    return p


def _run(p, raw: bytes, path: str | None, line0: int = 0) -> None:
    from defusedxml import DefusedXmlException

    try:
        p.Parse(raw, True)
    except expat.ExpatError as e:
        lineno = e.lineno + line0
        raise InputError(f"not well-formed XML: {expat.errors.messages[e.code]}", path, lineno,
                         (e.offset or 0) + 1, mask_secret_line(_line(raw, e.lineno))) from None
    except DefusedXmlException as e:
        raise InputError(f"refusing XML with a DTD or entity declarations ({e.__class__.__name__}); "
                         "pfSense never writes one", path) from None


def _tree(raw: bytes, path: str | None, off: int = 0, line0: int = 0) -> Node:
    """Every element of ``raw`` (a whole document or one element's slice) as a Node tree."""
    p = _parser()
    stack: list[Node] = []
    box: list[Node] = []

    def start(tag: str, attrs: list) -> None:
        node = Node(tag, p.CurrentLineNumber + line0, p.CurrentByteIndex + off)
        if stack:
            stack[-1].children.append(node)
        else:
            box.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        n = stack.pop()
        n.end = p.CurrentByteIndex + off
        if n._parts is not None:
            n.text = _clean("".join(n._parts))
            n._parts = None

    def chars(text: str) -> None:
        n = stack[-1]
        if n._parts is None:
            n._parts = [text]
        else:
            n._parts.append(text)

    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    _run(p, raw, path, line0)
    if not box:
        raise InputError("no XML element found", path)
    return box[0]


def _skeleton(raw: bytes, path: str | None) -> list[tuple[int, str, int, int, int]]:
    """Pass 1: (depth, tag, line, start, end) of the root and of the elements two levels below it."""
    p = _parser()
    out: list[list] = []
    open_: list[list] = []
    depth = 0

    def start(tag: str, attrs: list) -> None:
        nonlocal depth
        if depth < 3:
            rec = [depth, tag, p.CurrentLineNumber, p.CurrentByteIndex, -1]
            out.append(rec)
            open_.append(rec)
        depth += 1

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        if depth < 3:
            open_.pop()[4] = p.CurrentByteIndex

    p.StartElementHandler, p.EndElementHandler = start, end
    _run(p, raw, path)
    if not out:
        raise InputError("no XML element found", path)
    return [tuple(r) for r in out]  # type: ignore[misc]


def _slice(raw: bytes, start: int, end: int) -> bytes:
    """The bytes of one element: start tag to end of its end tag (or of ``<x/>``)."""
    e = start_tag_end(raw, start)
    if e == end and raw[e - 2:e] == b"/>":
        return raw[start:end]
    return raw[start:raw.index(b">", end) + 1]


@dataclass
class Rules:
    """The firewall rules, without a node per rule: the first rule of each interface and full nodes
    only for the rules that route through a gateway (policy routing). Indexes count ``<rule>``
    elements of ``<filter>`` in order, as PHP's ``$config['filter']['rule'][i]`` does."""

    lo: int
    hi: int
    first: dict[str, tuple[int, int]] = field(default_factory=dict)   # iface -> (index, offset)
    routed: list[tuple[int, Node]] = field(default_factory=list)

    def trackers(self, raw: bytes) -> set[int]:
        return {int(m) for m in re.findall(rb"<tracker>\s*(\d+)\s*</tracker>", raw[self.lo:self.hi])}


_RULE_GW = re.compile(rb"<gateway>[^<\s][^<]*</gateway>")


def _rules(raw: bytes, flt: Node, ifaces: list[str], lines: "_Lines", path: str | None) -> Rules:
    lo, hi = flt.start, flt.end
    rules = Rules(lo, hi)
    for name in dict.fromkeys([*ifaces, "wan", "lan", "enc0"]):
        rx = re.compile(rb"<interface>(?:[^<]*,)?" + re.escape(name.encode()) + rb"(?:,[^<]*)?</interface>")
        m = rx.search(raw, lo, hi)
        if m:
            at = raw.rfind(b"<rule>", lo, m.start())
            if at >= 0:
                rules.first[name] = (raw.count(b"<rule>", lo, at), at)
    for m in _RULE_GW.finditer(raw, lo, hi):
        at = raw.rfind(b"<rule>", lo, m.start())
        if at < 0 or (rules.routed and rules.routed[-1][1].start == at):
            continue
        e0 = raw.index(b"</rule>", m.end()) + len(b"</rule>")
        node = _tree(raw[at:e0], path, at, lines.at(at) - 1)
        rules.routed.append((raw.count(b"<rule>", lo, at), node))
    return rules


class _Lines:
    """Line numbers by counting newlines incrementally (offsets are asked in rising order)."""

    def __init__(self, raw: bytes) -> None:
        self.raw, self.pos, self.line = raw, 0, 1

    def at(self, off: int) -> int:
        if off < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.raw.count(b"\n", self.pos, off)
        self.pos = off
        return self.line


def _lineno(raw: bytes, at: int) -> int:
    return raw.count(b"\n", 0, at) + 1


def _depth(raw: bytes, lo: int, hi: int) -> int:
    """Open elements added by raw[lo:hi]: start tags minus end tags minus empty-element tags. Exact
    for pfSense's own output (which escapes < and > in every value); the callers check the total."""
    d = raw.count(b"<", lo, hi) - 2 * raw.count(b"</", lo, hi) - raw.count(b"/>", lo, hi) - raw.count(b"<!", lo, hi)
    if raw.find(b"<?", lo, hi) >= 0:
        d -= raw.count(b"<?", lo, hi)
    return d


def _locate(raw: bytes, lo: int, hi: int, names: list[str], depth: int) -> list[tuple[str, int]] | None:
    """(tag, offset) of the elements called ``names`` at ``depth`` below ``lo``, found by counting
    markup instead of parsing; None when the counts do not add up (raw < or > in text, comments with
    markup...), so the caller falls back to a real parse."""
    rx = re.compile(rb"<(" + b"|".join(re.escape(n.encode()) for n in names) + rb")(?=[\s/>])")
    found = []
    d, pos = 0, lo
    for m in rx.finditer(raw, lo, hi):
        d += _depth(raw, pos, m.start())
        pos = m.start()
        if d == depth:
            found.append((m.group(1).decode(), m.start()))
    if d + _depth(raw, pos, hi) != 0:
        return None
    return found


def _end_of(raw: bytes, tag: str, start: int) -> int:
    """Offset of the end tag of the element starting at ``start`` (just after ``/>`` when empty).
    The sections looked up this way never contain an element of their own name."""
    e = start_tag_end(raw, start)
    if raw[e - 2:e] == b"/>":
        return e
    m = re.compile(rb"</" + re.escape(tag.encode()) + rb"\s*>").search(raw, e)
    if m is None:
        raise ValueError(tag)
    return m.start()


def _validate(raw: bytes, path: str | None) -> None:
    """Well-formedness and the DTD ban, with no Python callback per element (C speed)."""
    p = _parser()
    p.buffer_text = False
    _run(p, raw, path)


#: XML declaration, comments, PIs and whitespace before the root element, then the root's name
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*<([A-Za-z_][\w.\-]*)", re.S)


def _tops_fast(raw: bytes, root: Node, wanted: list[str]) -> list[tuple[str, int, int]] | None:
    hit = _locate(raw, root.start, len(raw), wanted, 1)
    if hit is None:
        return None
    try:
        return [(tag, at, _end_of(raw, tag, at)) for tag, at in hit]
    except ValueError:
        return None


def _tops_slow(raw: bytes, path: str | None) -> list[tuple[int, str, int, int, int]]:
    return _skeleton(raw, path)


def parse(data: bytes | str, path: str | None = None, *, deep_all: bool = False,
          extra_deep: frozenset[str] = frozenset()) -> Document:
    """Parse ``data``; raise :class:`InputError` with line/column for malformed XML or a DTD."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if deep_all:
        doc = Document(raw, _tree(raw, path), path)
        _attach_rules(doc, _Lines(raw))
        return doc
    _validate(raw, path)
    m = _PROLOG.match(raw)
    assert m is not None  # _validate() accepted it, so a root element follows the prolog
    rtag = m.group(1).decode()
    rstart = m.start(1) - 1
    if rtag != "pfsense":  # an area backup (<ipsec> ...) or not pfSense at all: small, parse it whole
        return Document(raw, _tree(raw, path), path)
    ste = start_tag_end(raw, rstart)
    rend = ste if raw[ste - 2:ste] == b"/>" else raw.rfind(b"</" + rtag.encode())
    root = Node(rtag, _lineno(raw, rstart), rstart, rend)
    deep = sorted(DEEP | extra_deep)
    wanted = deep + ["installedpackages", "filter"]
    tops = _tops_fast(raw, root, wanted)
    if tops is None:
        tops = [(tag, start, end) for depth, tag, _l, start, end in _tops_slow(raw, path) if depth == 1
                and tag in wanted]
    lines = _Lines(raw)
    for tag, start, end in sorted(tops, key=lambda t: t[1]):
        line = lines.at(start)
        if tag in deep:
            node = _tree(_slice(raw, start, end), path, start, line - 1)
        else:
            node = Node(tag, line, start, end)
            if tag == "installedpackages":
                node.children = _packages(raw, node, lines, path)
        root.children.append(node)
    doc = Document(raw, root, path)
    _attach_rules(doc, lines)
    return doc


def _attach_rules(doc: Document, lines: _Lines) -> None:
    flt = doc.section("filter")
    if flt is None:
        return
    ifs = doc.section("interfaces")
    doc.rules = _rules(doc.data, flt, [c.tag for c in ifs.children] if ifs is not None else [], lines, doc.path)


def _packages(raw: bytes, pk: Node, lines: _Lines, path: str | None) -> list[Node]:
    """FRR's sections and the package list below <installedpackages> (other packages' data, which
    can be megabytes, is skipped)."""
    if raw[start_tag_end(raw, pk.start) - 2:start_tag_end(raw, pk.start)] == b"/>":
        return []
    lo = start_tag_end(raw, pk.start)
    names = ["package", "frr", "frrbgp", "frrbgpneighbors", "frrbgpadvanced", "frrglobalraw", "frrglobalroutemaps",
             "frrglobalprefixes", "frrglobalacls"]
    hit = _locate(raw, lo, pk.end, names, 0)
    out = []
    if hit is None:  # odd markup inside: parse the whole section instead
        full = _tree(_slice(raw, pk.start, pk.end), path, pk.start, pk.line - 1)
        return [c for c in full.children if c.tag in names]
    for tag, at in hit:
        end = _end_of(raw, tag, at)
        out.append(_tree(_slice(raw, at, end), path, at, lines.at(at) - 1))
    return out


def start_tag_end(raw: bytes, start: int) -> int:
    """Offset just after the ``>`` that closes the start tag at ``start`` (quote-aware)."""
    quote = 0
    i = start + 1
    n = len(raw)
    while i < n:
        c = raw[i]
        if quote:
            if c == quote:
                quote = 0
        elif c in (0x22, 0x27):
            quote = c
        elif c == 0x3E:  # '>'
            return i + 1
        i += 1
    return n


def is_self_closing(raw: bytes, node: Node) -> bool:
    """``<tag/>``: expat reports its end event just after the ``/>`` that closes the start tag."""
    e = start_tag_end(raw, node.start)
    return e == node.end and raw[e - 2:e] == b"/>"


def _line(raw: bytes, lineno: int) -> str:
    lines = raw.split(b"\n", lineno)
    if 0 < lineno <= len(lines):
        return lines[lineno - 1].decode("utf-8", "replace")
    return ""
