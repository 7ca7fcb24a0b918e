"""Junos configuration text -> ordered `set`-style statements with line numbers.

Both forms end up as the same thing: ``show configuration | display set`` lines are tokenized as they
are; the hierarchical form (``show configuration``) is converted statement by statement, each leaf
becoming one ``set`` line that carries the line number of the leaf, each ``inactive:`` element a
``deactivate`` line. Then the commands are applied in order (``set``, ``delete``, ``deactivate``,
``activate``, so a config followed by remediation commands reads as the result of pasting them), and
``apply-groups`` are expanded. A ``keep`` predicate drops unrelated hierarchies before any of that,
so a 100,000-line config costs little more than reading it.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

VERBS = ("set", "delete", "deactivate", "activate")
#: CLI verbs that may appear in pasted command files but change nothing vpncc reads
IGNORED_VERBS = ("insert", "rename", "annotate", "protect", "unprotect", "edit", "top", "up", "exit", "commit",
                 "load", "copy", "replace", "show", "run")

# One token: a quoted string, a comment, punctuation or a word. `#` starts a comment only at the start
# of a token, so `a#b` stays a word. A lone `"` is an unterminated string.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|/\*|\*/|[{};\[\]]|#.*|[^\s{};\[\]"]+|"')
_NOISE = re.compile(r"^(\{(master|primary|secondary|backup|linecard)[^}]*\}|\[edit[^\]]*\]|\S+@\S+[>#%].*|"
                    r"## Last (changed|commit):.*|version \S+;?)$")
#: a CLI prompt in a pasted session (``user@srx# `` configuration mode, ``user@srx> `` operational mode)
_PROMPT = re.compile(r"^\S+@[\w.:-]+([>#%])\s?")
#: the edit-level banner configuration mode prints above each prompt
_BANNER = re.compile(r"^\[edit(?:\s+([^\]]*))?\]$")


@dataclass
class Stmt:
    verb: str
    tokens: tuple[str, ...]
    line: int


@dataclass
class Parsed:
    statements: list[Stmt] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    form: str = "set"


def normalize(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """CLI shorthand: ``interfaces st0.1 ...`` is ``interfaces st0 unit 1 ...``."""
    if len(tokens) >= 2 and tokens[0] == "interfaces" and "." in tokens[1]:
        name, _, unit = tokens[1].rpartition(".")
        if unit.isdigit() and name:
            return ("interfaces", name, "unit", unit) + tokens[2:]
    return tokens


def _strip_comment(tokens: list[str]) -> list[str]:
    for i, t in enumerate(tokens):
        if t.startswith("#"):
            return tokens[:i]
    return tokens


def looks_like_set(text: str) -> bool:
    set_lines = braces = 0
    for i, line in enumerate(text.splitlines()):
        s = line.strip()
        if s.startswith(VERBS) and " " in s and not s.endswith(("{", "}")):
            set_lines += 1
        elif s.endswith(("{", "}", ";")):
            braces += 1
        if i > 5000 and (set_lines + braces) > 200:
            break
    return set_lines >= braces


def _lists(tokens: list[str]) -> list[list[str]]:
    """``set ... proposals [ p1 p2 ]`` is one statement per value (what `display set` prints)."""
    if "[" not in tokens:
        return [tokens]
    i = tokens.index("[")
    j = tokens.index("]", i) if "]" in tokens[i:] else len(tokens)
    head, values, tail = tokens[:i], tokens[i + 1:j], tokens[j + 1:]
    out: list[list[str]] = []
    for v in values:
        out.extend(_lists(head + [v] + tail))
    return out


def _move(path: list[str], verb: str, rest: list[str]) -> list[str] | None:
    """The edit level after ``edit``/``up``/``top``/``exit``; None when ``verb`` moves nothing."""
    if verb == "edit":
        return path + rest
    if verb == "top":
        return []
    if verb in ("up", "exit"):
        if verb == "exit" and rest[:1] == ["configuration-mode"]:
            return []
        n = int(rest[0]) if verb == "up" and rest[:1] and rest[0].isdigit() else 1
        return path[:max(0, len(path) - n)]
    return None


def parse_set(text: str, keep: Callable[[tuple[str, ...]], bool]) -> Parsed:
    """``set`` commands, as `display set` prints them or as typed: a pasted CLI session's prompts are
    stripped, and commands typed below ``edit`` (or under an ``[edit ...]`` banner, for prompted lines)
    are relative to that level."""
    out = Parsed(form="set")
    typed: list[str] = []      # the edit level of prompted lines (banners, prompted edit/up/top)
    plain: list[str] = []      # the edit level of a command file's own edit/up/top lines
    for no, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        m = _PROMPT.match(s)
        prompted = m is not None
        if m is not None:
            if m.group(1) == ">":
                continue           # operational mode: `show configuration | display set` and the like
            s = s[m.end():].strip()
            if not s:
                continue
        b = _BANNER.match(s)
        if b is not None:
            typed = (b.group(1) or "").split()
            continue
        verb = s.split(None, 1)[0]
        if verb == "top" and " " in s:      # `top set ...` runs at the top level
            s = s.split(None, 1)[1]
            verb = s.split(None, 1)[0]
            level: list[str] = []
        else:
            level = typed if prompted else plain
        if verb in ("edit", "up", "top", "exit"):
            words = [w for w in _strip_comment(_TOKEN.findall(s))[1:]]
            moved = _move(level, verb, words)
            if moved is not None:
                if prompted:
                    typed = moved
                else:
                    plain = moved
            continue
        if verb not in VERBS:
            if verb not in IGNORED_VERBS and not _NOISE.match(s):
                out.notes.append((no, f"not a Junos configuration command: {s[:80]}"))
            continue
        # cheap pre-filter before tokenizing: most lines of a large config are unrelated
        if not level and not keep_prefix(s[len(verb):].lstrip()):
            continue
        tokens = _strip_comment(_TOKEN.findall(s))
        if '"' in tokens:
            out.notes.append((no, "unterminated quoted string; line ignored"))
            continue
        for words in _lists(level + tokens[1:]):
            toks = normalize(tuple(words))
            if toks and keep(toks):
                out.statements.append(Stmt(verb, toks, no))
    return out


def parse_curly(text: str, keep: Callable[[tuple[str, ...]], bool]) -> Parsed:
    """The hierarchical form -> the `set` / `deactivate` lines `display set` would print."""
    out = Parsed(form="curly")
    path: list[tuple[str, ...]] = []          # one entry per open brace
    inactive_stack: list[bool] = []
    children: list[int] = []                   # statements emitted under each open element
    starts: list[int] = []                     # line of each open element
    cur: list[str] = []
    cur_line = 0
    cur_inactive = False
    in_list: list[str] | None = None
    in_comment = False
    flat: tuple[str, ...] = ()

    def emit(tokens: tuple[str, ...], line: int, inactive: bool) -> None:
        tokens = normalize(tokens)
        if keep(tokens):
            for part in split_positional(tokens):
                out.statements.append(Stmt("set", part, line))
            if inactive:
                out.statements.append(Stmt("deactivate", tokens, line))
        if children:
            children[-1] += 1

    skip = 0                                   # depth inside an unrelated subtree being skipped
    for no, raw in enumerate(text.splitlines(), 1):
        if in_comment:
            end = raw.find("*/")
            if end < 0:
                continue
            raw = raw[end + 2:]
            in_comment = False
        if skip and '"' not in raw and "/*" not in raw and "#" not in raw:
            # fast path through unrelated hierarchies: count braces, nothing else
            opened, closed = raw.count("{"), raw.count("}")
            if skip + opened - closed > 0 or (opened == 0 and closed == 0):
                skip += opened - closed
                continue
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if not path and not cur and not skip and _NOISE.match(line):
            continue
        tokens = _TOKEN.findall(line)
        if "/*" in tokens:
            tokens = _drop_annotations(line)
            if tokens and tokens[-1] == "/*":
                in_comment = True
                tokens.pop()
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok[0] == "#":
                break
            if skip:
                if tok == "{":
                    skip += 1
                elif tok == "}":
                    skip -= 1
                continue
            if tok == '"':
                out.notes.append((no, "unterminated quoted string; line ignored"))
                cur = []
                break
            if in_list is not None:
                if tok == "]":
                    base = flat + tuple(cur)
                    for v in in_list:
                        emit(base + (v,), cur_line, cur_inactive)
                    in_list = None
                    cur = ["\0list"]  # the `;` that follows closes nothing more
                else:
                    in_list.append(tok)
                continue
            if tok == "[":
                in_list = []
                continue
            if tok == "{":
                if not cur:
                    out.notes.append((no, "'{' without a statement name"))
                    cur = ["\0anon"]
                if not keep(normalize(flat + tuple(cur))):
                    skip = 1                   # nothing below can matter: skip the whole subtree
                    if children:
                        children[-1] += 1
                    cur, cur_inactive = [], False
                    continue
                path.append(tuple(cur))
                flat = flat + tuple(cur)
                inactive_stack.append(cur_inactive)
                children.append(0)
                starts.append(cur_line or no)
                cur, cur_inactive = [], False
                continue
            if tok == ";":
                if cur and cur != ["\0list"]:
                    emit(flat + tuple(cur), cur_line, cur_inactive)
                cur, cur_inactive = [], False
                continue
            if tok == "}":
                if cur and cur != ["\0list"]:
                    out.notes.append((no, "statement without ';' before '}'"))
                cur, cur_inactive = [], False
                if not path:
                    out.notes.append((no, "unbalanced '}'"))
                    continue
                elem = path.pop()
                was_inactive = inactive_stack.pop()
                n_children = children.pop()
                start = starts.pop()
                tokens_elem = flat
                flat = flat[:len(flat) - len(elem)]
                if n_children == 0:           # empty container: `foo { }` is `set foo`
                    emit(tokens_elem, start, False)
                elif children:
                    children[-1] += 1
                if was_inactive and keep(normalize(tokens_elem)):
                    out.statements.append(Stmt("deactivate", normalize(tokens_elem), start))
                continue
            if not cur:
                if tok == "inactive:":
                    cur_inactive = True
                    continue
                if tok in ("protect:", "active:", "replace:", "delete:"):
                    continue
                cur_line = no
            cur.append(tok)
    if path:
        out.notes.append((len(text.splitlines()), f"{len(path)} unclosed '{{' at the end of the configuration"))
    return out


#: statements whose value is positional and may be followed by options on the same line;
#: `display set` prints the value and each option as separate lines (``local-as 65000`` and
#: ``local-as no-prepend-global-as``; ``prefix-limit teardown 90`` and ``prefix-limit teardown idle-timeout 5``)
_POSITIONAL = {"local-as": {"loops": 1, "private": 0, "alias": 0, "no-prepend-global-as": 0},
               "autonomous-system": {"loops": 1, "asdot-notation": 0},
               "teardown": {"idle-timeout": 1}}


def split_positional(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    for i, tok in enumerate(tokens[:-2]):
        opts = _POSITIONAL.get(tok)
        if opts is not None and tokens[i + 1][:1].isdigit() and tokens[i + 2] in opts:
            head, parts, j = tokens[:i + 1], [tokens[:i + 2]], i + 2
            while j < len(tokens):
                n = opts.get(tokens[j], 0)
                parts.append(head + tokens[j:j + 1 + n])
                j += 1 + n
            return parts
    return [tokens]


def _drop_annotations(line: str) -> list[str]:
    """Tokens of a line without its ``/* ... */`` annotations; a trailing ``/*`` opens a multi-line one."""
    out: list[str] = []
    pos = 0
    while True:
        m = None
        for m in _TOKEN.finditer(line, pos):
            if m.group() == "/*":
                break
            out.append(m.group())
        else:
            return out
        end = line.find("*/", m.end())
        if end < 0:
            out.append("/*")
            return out
        pos = end + 2


# -- which hierarchies matter ------------------------------------------------------------------

ROOTS = ("interfaces", "security", "protocols", "routing-options", "routing-instances", "groups",
         "apply-groups", "apply-groups-except", "policy-options")


def keep_prefix(rest: str) -> bool:
    """String-level pre-filter on what follows the verb (before tokenizing)."""
    if rest.startswith("groups "):
        rest = rest.split(None, 2)[2] if rest.count(" ") >= 2 else ""
        if not rest:
            return True
    if rest.startswith("interfaces "):
        return rest.startswith(("interfaces st0", "interfaces apply-groups")) or " family inet address " in rest
    if rest.startswith("security "):
        return rest.startswith(("security ike", "security ipsec", "security flow tcp-mss", "security apply-groups",
                                "security zones security-zone"))
    if rest.startswith("protocols "):
        return rest.startswith(("protocols bgp", "protocols apply-groups"))
    if rest.startswith("policy-options "):
        return rest.startswith("policy-options policy-statement ")
    return rest.startswith(ROOTS) or rest in ROOTS


def _address_path(tokens: tuple[str, ...]) -> bool:
    """``interfaces IF unit N family inet address A`` or a prefix of it (the external interface's address)."""
    shape = (None, "unit", None, "family", "inet", "address", None)
    return all(s is None or s == t for s, t in zip(shape, tokens[1:], strict=False))


def _zone_path(tokens: tuple[str, ...]) -> bool:
    """``security zones security-zone Z [interfaces I] [host-inbound-traffic ...]``"""
    if len(tokens) < 3:
        return True
    if tokens[2] != "security-zone":
        return False
    rest = tokens[4:]
    if rest[:1] == ("interfaces",):
        rest = rest[2:]
    return not rest or rest[0] in ("host-inbound-traffic", "apply-groups", "apply-groups-except")


def relevant(tokens: tuple[str, ...]) -> bool:
    if not tokens:
        return False
    t0 = tokens[0]
    if t0 == "groups":
        return len(tokens) <= 2 or relevant(tokens[2:])
    if t0 in ("apply-groups", "apply-groups-except"):
        return True
    if len(tokens) == 1:
        return t0 in ROOTS
    t1 = tokens[1]
    if t1 in ("apply-groups", "apply-groups-except"):
        return t0 in ROOTS
    if t0 == "interfaces":
        return t1 == "st0" or _address_path(tokens)
    if t0 == "security":
        if t1 == "zones":
            return _zone_path(tokens)
        return t1 in ("ike", "ipsec") or (t1 == "flow" and (len(tokens) == 2 or tokens[2] == "tcp-mss"))
    if t0 == "protocols":
        return t1 == "bgp"
    if t0 == "policy-options":
        return t1 == "policy-statement"  # only the names are read
    if t0 == "routing-options":
        return t1 in ("static", "autonomous-system", "router-id")
    if t0 == "routing-instances":
        if len(tokens) <= 2:
            return True
        t2 = tokens[2]
        if t2 in ("apply-groups", "apply-groups-except", "instance-type"):
            return True
        if t2 == "interface":
            return len(tokens) < 4 or tokens[3].startswith("st0")
        if t2 in ("protocols", "routing-options"):
            return len(tokens) == 3 or relevant(tokens[2:])
        return False
    return False


# -- applying commands and groups --------------------------------------------------------------

@dataclass
class Entry:
    tokens: tuple[str, ...]
    line: int
    from_group: str | None = None


@dataclass
class Config:
    entries: list[Entry]
    #: prefix -> line of its `deactivate` / `inactive:`
    inactive: dict[tuple[str, ...], int]

    def inactive_at(self, tokens: tuple[str, ...]) -> tuple[int, int] | None:
        """(prefix length, line) of the shortest deactivated prefix of ``tokens``, if any."""
        if not self.inactive:
            return None
        for n in range(1, len(tokens) + 1):
            line = self.inactive.get(tokens[:n])
            if line is not None:
                return n, line
        return None


def apply_commands(statements: Iterable[Stmt]) -> Config:
    entries: list[Entry] = []
    seen: set[tuple[str, ...]] = set()
    inactive: dict[tuple[str, ...], int] = {}
    for st in statements:
        if st.verb == "set":
            if st.tokens not in seen:
                seen.add(st.tokens)
                entries.append(Entry(st.tokens, st.line))
        elif st.verb == "delete":
            n = len(st.tokens)
            entries = [e for e in entries if e.tokens[:n] != st.tokens]
            seen = {e.tokens for e in entries}
            inactive = {k: v for k, v in inactive.items() if k[:n] != st.tokens}
        elif st.verb == "deactivate":
            inactive[st.tokens] = st.line
        elif st.verb == "activate":
            inactive.pop(st.tokens, None)
    return Config(entries, inactive)


def _matches(pattern: str, word: str) -> bool:
    if len(pattern) >= 2 and pattern[0] == "<" and pattern[-1] == ">":
        return fnmatch.fnmatchcase(word, pattern[1:-1])
    return pattern == word


def expand_groups(cfg: Config) -> Config:
    """Inherit `groups` statements where `apply-groups` names them (main config wins: group statements go
    first, so a value configured directly is read last). Wildcards ``<pattern>`` in a group apply to
    the names the main configuration has at that position. Inactive group statements are not inherited."""
    groups: dict[str, list[Entry]] = {}
    main: list[Entry] = []
    applies: list[tuple[tuple[str, ...], str]] = []
    excepts: set[tuple[tuple[str, ...], str]] = set()
    for e in cfg.entries:
        t = e.tokens
        if t[0] == "groups":
            if len(t) > 2 and cfg.inactive_at(t) is None:
                groups.setdefault(t[1], []).append(Entry(t[2:], e.line, t[1]))
            continue
        main.append(e)
        for k in range(len(t) - 1):
            if t[k] == "apply-groups":
                applies.append((t[:k], t[k + 1]))
            elif t[k] == "apply-groups-except":
                excepts.add((t[:k], t[k + 1]))
    if not applies:
        return Config(main, {k: v for k, v in cfg.inactive.items() if k[0] != "groups"})
    inherited: list[Entry] = []
    for path, name in reversed(applies):  # earlier apply-groups win: read last
        for ge in groups.get(name, ()):
            if ge.tokens[:len(path)] != path and not all(_matches(p, w) for p, w in zip(ge.tokens, path, strict=False)):
                continue
            if len(ge.tokens) <= len(path):
                continue
            for tokens in _instantiate(ge.tokens, main):
                if any(tokens[:len(p)] == p and g == name for p, g in excepts):
                    continue
                inherited.append(Entry(tokens, ge.line, name))
    return Config(inherited + main, {k: v for k, v in cfg.inactive.items() if k[0] != "groups"})


def _instantiate(tokens: tuple[str, ...], main: list[Entry]) -> list[tuple[str, ...]]:
    wild = [i for i, t in enumerate(tokens) if t.startswith("<") and t.endswith(">")]
    if not wild:
        return [tokens]
    i = wild[0]
    names = []
    for e in main:
        t = e.tokens
        if len(t) > i and all(_matches(p, w) for p, w in zip(tokens[:i], t[:i], strict=False)) and _matches(tokens[i], t[i]):
            if t[i] not in names:
                names.append(t[i])
    out = []
    for n in names:
        out.extend(_instantiate(tokens[:i] + (n,) + tokens[i + 1:], main))
    return out


def to_set_lines(text: str) -> list[tuple[int, str]]:
    """Either form -> ``(line number, "set ...")`` commands, as ``show configuration | display set``
    would print them (every hierarchy kept, in order)."""
    parse = parse_set if looks_like_set(text) else parse_curly
    return [(s.line, f"{s.verb} {' '.join(s.tokens)}") for s in parse(text, lambda t: True).statements]
