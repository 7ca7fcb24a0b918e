"""Cisco IOS/ASA running-config text -> a small indentation tree with original line numbers.

Steps: drop `show running-config` noise (banners, certificate chains, `!`/`:` comments, `end`/`exit`,
Markdown fences and image lines of copied AWS examples), keep only the top-level stanzas a backend asks
for (so that a 100,000-line config stays cheap), build the tree with ciscoconfparse2, and expand
abbreviated keywords (`int tu1`, `ip add`, `crypto isakmp pol`) with a per-context command trie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

# -- command tries for abbreviation expansion --------------------------------------------------

#: a trie node: keyword -> child node; an empty dict means "arguments follow"
Trie = dict


def trie(*commands: str) -> Trie:
    """Build a keyword trie from command paths such as ``"crypto isakmp policy"``."""
    root: Trie = {}
    for cmd in commands:
        node = root
        for word in cmd.split():
            node = node.setdefault(word, {})
    return root


def expand(words: list[str], node: Trie) -> list[str]:
    """Expand unambiguous keyword prefixes (IOS CLI style); arguments keep their case."""
    out: list[str] = []
    i = 0
    while node and i < len(words):
        w = words[i].lower()
        if w in node:
            key = w
        else:
            cands = [k for k in node if k.startswith(w)]
            if len(cands) != 1 or len(w) < 2:
                break
            key = cands[0]
        out.append(key)
        node = node[key]
        i += 1
    return out + words[i:]


# -- interface names ---------------------------------------------------------------------------

IF_TYPES = ("Tunnel", "GigabitEthernet", "FastEthernet", "Ethernet", "TenGigabitEthernet", "Loopback",
            "Port-channel", "Vlan", "Dialer", "Cellular", "BDI", "Virtual-Template", "Null", "Management",
            "TwentyFiveGigE", "FortyGigabitEthernet", "HundredGigE", "Serial", "Virtual-Access",
            "AppGigabitEthernet", "Redundant", "Wlan-GigabitEthernet", "Management0/0")
_IF_RE = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d[\d/.:]*)$")


def ifname(name: str) -> str:
    """Canonical IOS/ASA interface name: ``tu1``/``Tunnel 1`` -> ``Tunnel1``, ``gi0/0`` -> ...;
    names that are not interface types (ASA nameifs) come back unchanged."""
    m = _IF_RE.match(name.strip())
    if not m:
        return name.strip()
    kind, num = m.group(1).lower(), m.group(2)
    exact = [t for t in IF_TYPES if t.lower() == kind]
    cands = exact or [t for t in IF_TYPES if t.lower().startswith(kind)]
    if len(cands) == 1 or (cands and kind in ("gi", "g", "gig", "te", "eth", "e", "fa", "tu", "lo", "po")):
        return cands[0] + num
    return name.strip()


# -- tree --------------------------------------------------------------------------------------

@dataclass
class Node:
    """One config line: expanded words, original (1-based) line number, children."""

    words: list[str]
    line: int
    raw: str
    children: list["Node"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def starts(self, *prefix: str) -> bool:
        return len(self.words) >= len(prefix) and all(
            a == b for a, b in zip(self.words, prefix))

    def arg(self, i: int, default: str | None = None) -> str | None:
        return self.words[i] if len(self.words) > i else default

    def find(self, *prefix: str) -> list["Node"]:
        return [c for c in self.children if c.starts(*prefix)]

    def first(self, *prefix: str) -> "Node | None":
        for c in self.children:
            if c.starts(*prefix):
                return c
        return None

    def __repr__(self) -> str:  # keys may be on the line: never show it
        return f"Node(line={self.line}, head={' '.join(self.words[:2])!r})"


_NOISE = re.compile(
    r"^(Building configuration|Current configuration|Last configuration change|NVRAM config last|"
    r"end$|exit$|exit-address-family$|quit$|```|!\[|conf(igure)?( t(erminal)?)?$|ASA Version|"
    r"Cryptochecksum|: |:$|\S+[#>]\s*(sh|show|conf|wr|copy)\b|#)")
_BANNER = re.compile(r"^banner\s+\S+\s*(\^C|\S)?(.*)$")


def clean_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of the lines that are configuration, without noise and comments."""
    banner_delim: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.expandtabs(8).rstrip()
        if banner_delim is not None:
            if banner_delim in line:
                banner_delim = None
            continue
        s = line.lstrip()
        if not s or s.startswith("!") or _NOISE.match(s):
            continue
        if line[0] != " ":
            m = _BANNER.match(line)
            if m:
                delim = m.group(1)
                if delim and delim not in (m.group(2) or ""):
                    banner_delim = delim
                continue
        yield n, line


def stanzas(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Group cleaned lines into top-level stanzas (a head line and its indented lines)."""
    cur: list[tuple[int, str]] = []
    for n, line in lines:
        if line[0] != " " and cur:
            yield cur
            cur = []
        if line[0] == " " and not cur:
            continue  # indented text before any head: nothing to attach it to
        cur.append((n, line))
    if cur:
        yield cur


MAX_INDENT = 64


def parse(text: str, *, syntax: str, top: Trie, path: str | None = None, keep: Callable[[list[str]], bool],
          contexts: Mapping[tuple[str, ...], Trie], light: Callable[[list[str]], bool] = lambda h: False,
          ) -> list[Node]:
    """Tree of the kept stanzas. ``keep`` sees the expanded head words of each top-level stanza;
    ``contexts`` maps a parent's leading words to the trie used for its children. Stanzas that
    ``light`` accepts (one-line commands, flat stanzas such as LAN interfaces) skip ciscoconfparse2:
    their indented lines become direct children, which keeps big configs fast."""
    kept: list[tuple[int, str]] = []
    flat: list[Node] = []
    for st in stanzas(clean_lines(text)):
        head = expand(st[0][1].split(), top)
        if not keep(head):
            continue
        if light(head):
            sub = _context(contexts, tuple(head))
            node = Node(head, st[0][0], st[0][1])
            node.children = [Node(expand(l.split(), sub), n, l) for n, l in st[1:]]
            flat.append(node)
        else:
            kept.extend(st)
    if not kept:
        return flat
    for n, l in kept:
        # IOS/ASA nest a few levels; thousands of levels would only exhaust ciscoconfparse2's recursion
        if len(l) - len(l.lstrip(" ")) > MAX_INDENT:
            from ...errors import InputError

            raise InputError(f"indented {len(l) - len(l.lstrip(' '))} columns: Cisco configurations nest a few "
                             f"levels (at most {MAX_INDENT} columns are read)", path, n, 1, context=l[:120])
    from ciscoconfparse2 import CiscoConfParse  # heavy import: only when reading

    lines = [l for _, l in kept]
    conf = CiscoConfParse(lines, syntax=syntax, loguru=False, ignore_blank_lines=True)
    out: list[Node] = []

    def build(obj, trie_: Trie, path: tuple[str, ...]) -> Node:
        words = expand(obj.text.split(), trie_)
        node = Node(words, kept[obj.linenum][0], obj.text)
        sub = _context(contexts, tuple(words))
        for c in obj.children:
            node.children.append(build(c, sub, path + tuple(words[:3])))
        return node

    for obj in conf.objs:
        if obj.parent is obj or obj.parent is None or getattr(obj.parent, "linenum", -1) == obj.linenum:
            if obj.text[:1] != " ":
                out.append(build(obj, top, ()))
    return sorted(out + flat, key=lambda n: n.line)


def _context(contexts: Mapping[tuple[str, ...], Trie], words: tuple[str, ...]) -> Trie:
    for n in (4, 3, 2, 1):
        t = contexts.get(words[:n])
        if t is not None:
            return t
    return {}
