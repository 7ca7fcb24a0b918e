"""FortiOS config text -> nested tables (blocks, edits, settings) with line numbers.

Two stages, so that a 100,000-line backup reads in a few tens of milliseconds:

1. ``prefilter`` walks the lines once with a tiny state machine (block depth, open quoted strings)
   and keeps only the top-level ``config`` blocks the caller asks for. It also repairs what pasted
   snippets (AWS's own example among them) get wrong: a top-level ``config`` opened while another
   block is still open, ``end`` straight after ``edit`` (FortiOS itself reads it as ``next`` +
   ``end``), AWS's ``!`` comment lines. Each repair that changes meaning becomes a note. A multi-word
   ``config`` counts as a new top-level table only when it starts with a top-level word
   (:data:`TOP_WORDS`): ``config redistribute "connected"`` stays nested in ``config router bgp``.
   Multi-VDOM backups keep their ``config global`` and ``config vdom`` / ``edit NAME`` contexts, and
   the tables inside them are filtered like top-level ones.
2. The Lark grammar ``grammars/fortios.lark`` (LALR, contextual lexer, one cached parser) parses the
   kept text, and :func:`build` folds repeated blocks/edits the way the CLI applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUOTED_OR_BANG = re.compile(r'"(?:[^"\\]|\\.)*"?|\s!')


@dataclass
class Setting:
    values: list[str]
    line: int
    quoted: bool = False


@dataclass
class Node:
    """A ``config`` block (name = path) or an ``edit`` entry (name = key)."""

    name: str
    line: int
    settings: dict[str, Setting] = field(default_factory=dict)
    edits: dict[str, "Node"] = field(default_factory=dict)
    blocks: dict[str, "Node"] = field(default_factory=dict)
    #: ``edit KEY`` entered again (in this or a repeated block): (key, first line, later line). The CLI
    #: applies the later settings to the same entry, so two pasted "policies" with one id become one.
    repeats: list[tuple[str, int, int]] = field(default_factory=list)

    def get(self, key: str) -> Setting | None:
        return self.settings.get(key)

    def first(self, key: str) -> str | None:
        s = self.settings.get(key)
        return s.values[0] if s and s.values else None


@dataclass
class Prefiltered:
    text: str
    linemap: list[int]                  # Lark line (1-based) -> original line
    notes: list[tuple[int, str]]
    header: str | None                  # the #config-version line, if any
    structural: int                     # `config` lines seen (the vendor check)


def _strip_bang(line: str) -> str:
    """Drop an AWS-style `` ! comment`` tail outside quotes (``edit vpn-1 ! Name must be...``)."""
    if "!" not in line:
        return line
    for m in _QUOTED_OR_BANG.finditer(line):
        if m.group(0).endswith("!") and not m.group(0).startswith('"'):
            return line[: m.start()].rstrip()
    return line


#: FortiOS nests `config` a few levels deep (router bgp > neighbor ... ); anything far deeper is not a backup
MAX_DEPTH = 32

#: first words of FortiOS's top-level tables. A multi-word `config` of one of these while another
#: block is still open means a pasted snippet forgot an `end`; any other multi-word `config` is a
#: nested table (`config redistribute "connected"` inside `config router bgp`).
TOP_WORDS = frozenset({
    "system", "vpn", "router", "firewall", "user", "log", "webfilter", "antivirus", "ips", "application",
    "dlp", "wireless-controller", "switch-controller", "endpoint-control", "voip", "icap", "spamfilter",
    "emailfilter", "report", "wanopt", "web-proxy", "dnsfilter", "alertemail", "certificate", "ftp-proxy",
    "authentication", "extender-controller", "extension-controller", "gui", "videofilter", "waf", "sctp-filter",
    "file-filter", "ssh-filter", "cifs", "credential-store", "automation", "ztna", "virtual-patch",
    "casb", "diameter-filter", "monitoring", "vdom", "global",
})
#: `config vdom` + `edit NAME` and `config global` hold whole top-level tables (multi-VDOM backups)
CONTEXTS = ("vdom", "global")


def prefilter(text: str, tables: tuple[str, ...], path: str | None = None) -> Prefiltered:
    lines = text.splitlines()
    out: list[str] = []
    linemap: list[int] = []
    notes: list[tuple[int, str]] = []
    header = None
    structural = 0
    # stack of [kind, keep, line, name]; kind: "config", "edit", "ctx" (`config vdom`/`config global`)
    # or "vdom" (`edit NAME` directly inside `config vdom`). Context lines are always kept.
    stack: list[list] = []
    keep = False
    in_string = False
    wanted = set(tables)

    def emit(s: str, n: int) -> None:
        out.append(s)
        linemap.append(n)

    def base() -> int:
        """Depth at which top-level tables open: 0, or just inside a VDOM / `config global`."""
        for j in range(len(stack) - 1, -1, -1):
            if stack[j][0] in ("ctx", "vdom"):
                return j + 1
        return 0

    def close_to(depth: int, n: int, why: str) -> None:
        nonlocal keep
        opened = stack[depth]
        notes.append((opened[2], f"`config {opened[3]}` opened here is not closed before line {n} "
                                 f"({why}); read as if `end` were there"))
        while len(stack) > depth:
            kind, k, _, _ = stack.pop()
            if k:
                emit("next" if kind in ("edit", "vdom") else "end", n)
        keep = False

    for i, raw in enumerate(lines, 1):
        if in_string:
            if keep:
                emit(raw, i)
            if '"' in raw:
                in_string = _opens_string(raw, True)
            continue
        s = raw.strip()
        if not s:
            continue
        c = s[0]
        if c == "!":                       # AWS example comments and markdown image lines
            continue
        if c == "#":
            if not stack and header is None and s.startswith("#config-version="):
                header = s
                emit(s, i)
            elif keep:
                emit(s, i)
            continue
        if " !" in s or "\t!" in s:
            s = _strip_bang(s)
        word, _, rest = s.partition(" ")
        if word == "set" or word == "unset" or (word == "delete" and stack and stack[-1][0] == "config"):
            if not stack or stack[-1][0] in ("ctx", "vdom"):
                notes.append((i, f"`{word}` outside any `config` block: ignored"))
                continue
            if keep:
                emit(s, i)
            if '"' in rest:
                in_string = _opens_string(rest)
            continue
        if word == "config":
            structural += 1
            if len(stack) >= MAX_DEPTH:
                from ...errors import InputError

                raise InputError(f"`config` blocks nested more than {MAX_DEPTH} deep: not a FortiOS configuration",
                                 path, i, 1, context=raw[:120])
            cpath = " ".join(rest.split())
            if cpath in CONTEXTS:
                if stack:
                    close_to(0, i, f"`config {cpath}` starts")
                stack.append(["ctx", True, i, cpath])
                emit("config " + cpath, i)
                continue
            b = base()
            if len(stack) > b and " " in cpath and cpath.split(" ", 1)[0] in TOP_WORDS:
                close_to(b, i, f"a new top-level `config {cpath}` starts")
            if len(stack) == b:  # a top-level table: kept or skipped as a whole
                keep = cpath in wanted
            stack.append(["config", keep, i, cpath])
            if keep:
                emit("config " + cpath, i)
            continue
        if word == "edit":
            if not stack:
                notes.append((i, "`edit` outside any `config` block: ignored"))
                continue
            if stack[-1][0] in ("edit", "vdom"):     # previous entry left without `next`
                if stack[-1][1]:
                    emit("next", i)
                stack.pop()
            if stack[-1][0] == "ctx" and stack[-1][3] == "vdom":   # `config vdom` > `edit root`
                stack.append(["vdom", True, i, rest])
                emit(s, i)
                keep = False
                continue
            stack.append(["edit", keep, i, rest])
            if keep:
                emit(s, i)
            if '"' in rest:
                in_string = _opens_string(rest)
            continue
        if word == "next":
            if stack and stack[-1][0] in ("edit", "vdom"):
                kind, k, _, _ = stack.pop()
                if k:
                    emit("next", i)
            elif stack or keep:
                notes.append((i, "`next` outside an `edit`: ignored"))
            continue
        if word == "end":
            if not stack:
                notes.append((i, "`end` without an open `config` block: ignored"))
                continue
            if stack[-1][0] in ("edit", "vdom"):     # FortiOS: `end` inside an entry = `next` + `end`
                kind, k, _, _ = stack.pop()
                if k:
                    emit("next", i)
            if stack:
                kind, k, _, _ = stack.pop()
                if k:
                    emit("end", i)
            if len(stack) <= base():
                keep = False
            continue
        # anything else: a CLI command (show, get, execute, append...) or stray text
        if keep or not stack:
            notes.append((i, f"`{word[:40]}` is not a configuration statement: ignored"))
    if stack:
        close_to(0, len(lines) + 1, "the text ends")
    return Prefiltered("\n".join(out) + "\n", linemap, notes, header, structural)


def _opens_string(rest: str, inside: bool = False) -> bool:
    """True when ``rest`` leaves a double-quoted string open (``inside``: it starts inside one)."""
    j = 0
    n = len(rest)
    while j < n:
        ch = rest[j]
        if ch == "\\" and inside:
            j += 2
            continue
        if ch == '"':
            inside = not inside
        j += 1
    return inside


def parser():
    """The one LALR parser for grammars/fortios.lark (vpncc._lark: built on first use, then reused)."""
    from ..._lark import load

    return load("fortios.lark", start="start")


def unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == '"' and token[-1] == '"':
        body = token[1:-1]
        return re.sub(r"\\(.)", r"\1", body, flags=re.S) if "\\" in body else body
    return token


def build(tree, linemap: list[int]) -> dict[str, Node]:
    """Top-level blocks by path; repeated blocks and repeated ``edit`` of one key merge, later wins,
    as when the CLI applies them one after the other. ``edit 0`` (next free id) always adds."""
    Token = parser().Token

    def orig(tok) -> int:
        ln = getattr(tok, "line", None) or 1
        return linemap[ln - 1] if 0 < ln <= len(linemap) else ln

    auto = [0]

    def fill(node: Node, stmts) -> None:
        for st in stmts:
            if isinstance(st, Token):
                continue
            kind = st.data
            if kind == "setting":
                key_tok, *vals = st.children
                values = []
                quoted = False
                for v in vals:
                    tok = v.children[0]
                    quoted = quoted or tok.type == "STRING"
                    values.append(unquote(str(tok)) if tok.type == "STRING" else str(tok))
                node.settings[str(key_tok)] = Setting(values, orig(key_tok), quoted)
            elif kind == "unsetting":
                node.settings.pop(str(st.children[0]), None)
            elif kind == "deletion":
                tok = st.children[0].children[0]
                node.edits.pop(unquote(str(tok)) if tok.type == "STRING" else str(tok), None)
            elif kind == "edit":
                tok = st.children[0].children[0]
                key = unquote(str(tok)) if tok.type == "STRING" else str(tok)
                if key == "0":
                    auto[0] += 1
                    key = f"0#{auto[0]}"
                child = node.edits.get(key)
                if child is None:
                    child = node.edits[key] = Node(key, orig(tok))
                else:
                    node.repeats.append((key, child.line, orig(tok)))
                fill(child, st.children[1:])
            elif kind == "block":
                words = [c for c in st.children if isinstance(c, Token) and c.type in ("WORD", "STRING")]
                path = " ".join(unquote(str(w)) for w in words)
                child = node.blocks.get(path)
                if child is None:
                    child = node.blocks[path] = Node(path, orig(words[0]))
                fill(child, st.children[len(words):])

    root = Node("", 0)
    fill(root, tree.children)
    return root.blocks
