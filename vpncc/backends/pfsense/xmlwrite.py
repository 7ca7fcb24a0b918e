"""config.xml text the way pfSense itself writes it (xmlparse.inc dump_xml_config_sub()).

A node is ``(tag, value)``: a ``str`` value is a leaf, ``True`` an empty element (pfSense's boolean
"set", e.g. ``<disabled></disabled>``), ``None``/``False`` leaves the element out, a ``list`` of nodes
is a container. pfSense quirks reproduced here:

* one TAB per level, one element per line, empty elements as ``<x></x>``;
* every value goes through PHP ``htmlentities(ENT_QUOTES | ENT_XML1)``: ``& < > " '`` become entities;
* elements whose name starts with a ``is_cdata_entity()`` prefix (``descr``, ``password``...) are
  written as ``<![CDATA[...]]>`` *around the already-escaped text*; pfSense's reader applies
  ``html_entity_decode()`` after XML parsing, so both forms read back to the original string.
"""

from __future__ import annotations

import re
from typing import Iterable, Union

from .names import CDATA_PREFIXES

Value = Union[str, bool, None, list]
Node = tuple[str, Value]

_ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
_ESC_RE = re.compile(r"[&<>\"']")
#: characters XML 1.0 cannot carry at all (C0 controls except TAB/LF/CR, surrogates, U+FFFE/U+FFFF)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def escape(text: str) -> str:
    """PHP htmlentities($s, ENT_QUOTES | ENT_XML1) for the ASCII-significant characters."""
    if _INVALID_XML.search(text):
        raise ValueError("text contains a character XML 1.0 cannot represent")
    return _ESC_RE.sub(lambda m: _ESC[m.group(0)], text)


_DEC_RE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);")
_DEC_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def xml1_decode(text: str) -> str:
    """PHP html_entity_decode($s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_XML1): what xmlparse.inc cData()
    applies to every text node *after* the XML parser already resolved entities."""
    if "&" not in text:
        return text

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in _DEC_NAMED:
            return _DEC_NAMED[name]
        try:
            cp = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            ch = chr(cp)
        except (ValueError, OverflowError):
            return m.group(0)
        return m.group(0) if _INVALID_XML.match(ch) else ch

    return _DEC_RE.sub(sub, text)


def survives_pfsense(text: str) -> bool:
    """True when pfSense reads ``text`` back unchanged. Its reader (xmlparse.inc cData()) decodes
    entities a second time, and trims TAB/CR/LF from every chunk of character data the XML parser
    hands it; parsers split chunks at line ends and entity references, so a value such as ``a&amp;b``
    (literally), or one with a TAB, CR or LF anywhere, would silently change on the device."""
    return (not _INVALID_XML.search(text) and xml1_decode(text) == text
            and not any(c in text for c in "\t\r\n"))


def is_cdata(tag: str) -> bool:
    return tag.startswith(CDATA_PREFIXES)


def dump(nodes: Iterable[Node], depth: int) -> str:
    """Serialize nodes at ``depth`` tabs, each line ending in a newline."""
    out: list[str] = []
    _dump(nodes, depth, out)
    return "".join(out)


def _dump(nodes: Iterable[Node], depth: int, out: list[str]) -> None:
    ind = "\t" * depth
    for tag, value in nodes:
        if not _TAG.match(tag):
            raise ValueError(f"invalid element name {tag!r}")
        if value is None or value is False:
            continue
        if value is True or value == "" or value == []:
            out.append(f"{ind}<{tag}></{tag}>\n")
        elif isinstance(value, list):
            out.append(f"{ind}<{tag}>\n")
            _dump(value, depth + 1, out)
            out.append(f"{ind}</{tag}>\n")
        else:
            text = escape(str(value))
            if is_cdata(tag):
                text = f"<![CDATA[{text}]]>"
            out.append(f"{ind}<{tag}>{text}</{tag}>\n")


def comment(lines: Iterable[str], depth: int = 0) -> str:
    """An XML comment block; ``--`` cannot occur inside a comment, so it is broken up."""
    ind = "\t" * depth
    body = []
    for line in lines:
        line = line.replace("--", "- -").rstrip()
        if line.endswith("-"):
            line += " "
        if _INVALID_XML.search(line):
            raise ValueError("comment text contains a character XML 1.0 cannot represent")
        body.append(f"{ind}  {line}".rstrip() + "\n")
    return f"{ind}<!--\n" + "".join(body) + f"{ind}-->\n"
