"""Cisco IOS/ASA running-config text -> a small indentation tree with original line numbers.

Steps: drop `show running-config` noise (banners, certificate chains, `!`/`:` comments, `end`/`exit`,
Markdown fences and image lines of copied AWS examples), keep only the top-level stanzas a backend asks
for (so that a 100,000-line config stays cheap), nest their lines by indentation, and expand
abbreviated keywords (`int tu1`, `ip add`, `crypto isakmp pol`) with a per-context command trie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping

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
            a == b for a, b in zip(self.words, prefix, strict=False))

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


def stanzas(text: str, top: Trie, keep: Callable[[list[str]], bool],
            ) -> Iterator[tuple[list[str], list[tuple[int, str]]]]:
    """(expanded head words, [(line number, line), ...]) of each top-level stanza (a head line and
    its indented lines) whose head ``keep`` accepts. Noise and comments are left out and never end a
    stanza; tabs are expanded to 8 columns, trailing blanks dropped. The indented lines of a stanza
    that is not kept are skipped unread: that is most of a big config's lines."""
    cur: list[tuple[int, str]] | None = None  # the kept stanza being read
    head: list[str] = []
    banner_delim: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        if banner_delim is not None:
            # banner text (any indentation, any words) runs to the line holding the delimiter
            if banner_delim in raw:
                banner_delim = None
            continue
        c = raw[:1]
        if c == "!" or (cur is None and (c == " " or c == "\t")):
            continue
        line = raw.expandtabs(8).rstrip()
        s = line.lstrip()
        if not s or s[0] == "!" or _NOISE.match(s):
            continue
        if line[0] == " ":
            cur.append((n, line))
            continue
        m = _BANNER.match(line)
        if m:  # a banner inside a stanza does not end it
            delim = m.group(1)
            if delim and delim not in (m.group(2) or ""):
                banner_delim = delim
            continue
        if cur is not None:
            yield head, cur
        head = expand(s.split(), top)
        cur = [(n, line)] if keep(head) else None
    if cur is not None:
        yield head, cur


#: IOS/ASA nest a few levels; deeper input is refused with a clear error instead of being walked
MAX_INDENT = 64


def parse(text: str, *, top: Trie, path: str | None = None, keep: Callable[[list[str]], bool],
          contexts: Mapping[tuple[str, ...], Trie], light: Callable[[list[str]], bool] = lambda h: False,
          ) -> list[Node]:
    """Top-level nodes of the kept stanzas, in line order. ``keep`` sees the expanded head words of
    each top-level stanza; ``contexts`` maps a parent's leading words to the trie used for its
    children. Stanzas that ``light`` accepts (one-line commands, flat stanzas such as LAN interfaces)
    are not nested: their indented lines become direct children, which keeps big configs fast.

    The other kept stanzas form one indentation tree, as IOS and ASA print it: a line's parent is the
    nearest preceding kept line that is indented less (any mix of indents, e.g. a line indented less
    than its previous sibling but more than the head, still hangs under the head). Indentation counts
    every leading whitespace character (tabs were expanded to 8 columns): a head line pasted with a
    leading no-break space counts as indented and lands under the previous kept stanza. A line
    starting with a space that has no such parent is dropped. IOS and ASA print the same indentation
    structure."""
    out: list[Node] = []
    # open ancestors of the next line: (indent, node, trie for its children), indents increasing
    stack: list[tuple[int, Node, Trie]] = []
    for head, st in stanzas(text, top, keep):
        n0, l0 = st[0]
        if light(head):
            sub = _context(contexts, tuple(head))
            node = Node(head, n0, l0)
            node.children = [Node(expand(l.split(), sub), n, l) for n, l in st[1:]]
            out.append(node)
            continue
        for n, l in st:
            indent = len(l) - len(l.lstrip())
            if indent > MAX_INDENT and len(l) - len(l.lstrip(" ")) > MAX_INDENT:
                from ...errors import InputError

                cols = len(l) - len(l.lstrip(" "))
                raise InputError(f"indented {cols} columns: Cisco configurations nest a few levels (at most "
                                 f"{MAX_INDENT} columns are read)", path, n, 1, context=l[:120])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack:
                parent = stack[-1]
                node = Node(expand(l.split(), parent[2]), n, l)
                parent[1].children.append(node)
            else:
                node = Node(head if n == n0 else expand(l.split(), top), n, l)
                if l[0] != " ":
                    out.append(node)
            stack.append((indent, node, _context(contexts, tuple(node.words))))
    return out


def _context(contexts: Mapping[tuple[str, ...], Trie], words: tuple[str, ...]) -> Trie:
    for n in (4, 3, 2, 1):
        t = contexts.get(words[:n])
        if t is not None:
            return t
    return {}
