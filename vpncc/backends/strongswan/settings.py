"""strongSwan settings files (swanctl.conf) as a tree, through grammars/swanctl.lark.

charon's semantics, which the reader relies on: sections with the same name merge (the later
setting wins), ``include`` is relative to the including file and may glob, and ``name : ref``
inherits the settings and subsections of the referenced section.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field

from ...errors import InputError, mask_secret_line


@dataclass
class Setting:
    value: str
    line: int | None


@dataclass
class Section:
    name: str
    line: int | None = None
    settings: dict[str, Setting] = field(default_factory=dict)
    sections: dict[str, "Section"] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        s = self.settings.get(key)
        return s.value if s is not None else None

    def line_of(self, key: str) -> int | None:
        s = self.settings.get(key)
        return s.line if s is not None else self.line

    def sub(self, name: str) -> "Section | None":
        return self.sections.get(name)

    def merge(self, other: "Section") -> None:
        for k, v in other.settings.items():
            self.settings[k] = v
        for k, s in other.sections.items():
            if k in self.sections:
                self.sections[k].merge(s)
            else:
                self.sections[k] = s
        self.refs.extend(r for r in other.refs if r not in self.refs)

    # -- writing (the lab writes per-tunnel files from the compiled one) ------------------------
    def dump(self, indent: int = 0) -> str:
        pad = "    " * indent
        out = []
        for k, s in self.settings.items():
            out.append(f"{pad}{k} = {quote_value(s.value)}\n")
        for name, sec in self.sections.items():
            out.append(f"{pad}{name} {{\n{sec.dump(indent + 1)}{pad}}}\n")
        return "".join(out)


def quote_value(value: str) -> str:
    if value and all(c not in value for c in '#}"\n\r\t') and value == value.strip():
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Build:
    """Inline transformer: tuples instead of a parse tree (tree building dominated the time on
    100k-line files)."""

    def start(self, c):
        return c

    def setting(self, c):
        parts = []
        for tok in (c[1] if len(c) > 1 and c[1] is not None else ()):
            parts.append(_unquote(str(tok)) if tok.type == "STRING" else str(tok))
        return ("set", str(c[0]), " ".join(parts), c[0].line)

    def value(self, c):
        return c

    def refs(self, c):
        return ("refs", [str(x) for x in c])

    def section(self, c):
        name, rest = c[0], c[1:]
        refs: list[str] = []
        if rest and isinstance(rest[0], tuple) and rest[0][0] == "refs":
            refs, rest = rest[0][1], rest[1:]
        return ("sec", str(name), name.line, refs, [x for x in rest if x is not None])

    def include(self, c):
        return ("inc", str(c[0]), c[0].line)


def _parser():
    from ..._lark import load

    return load("swanctl.lark", _Build)


def _unquote(s: str) -> str:
    body = s[1:-1]
    if "\\" not in body and "\r" not in body:
        return body
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n == "\n":
                i += 2
                continue
            if n == "\r" and body[i + 2:i + 3] == "\n":
                i += 3
                continue
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(n, n))
            i += 2
            continue
        if c != "\r":
            out.append(c)
        i += 1
    return "".join(out)


def parse(text: str, *, path: str | None = None, line_offset: int = 0, base_dir: str | None = None,
          notes: list | None = None, _depth: int = 0) -> Section:
    """Parse settings text into a root :class:`Section`. Includes are read relative to
    ``base_dir`` (default: the directory of ``path``); unreadable includes become notes."""
    grammar = _parser()
    try:
        items = grammar.parser.parse(text if text.endswith("\n") else text + "\n")
    except grammar.UnexpectedInput as e:
        line = getattr(e, "line", None)
        col = getattr(e, "column", None)
        lines = text.splitlines()
        ctx = lines[line - 1] if line and 0 < line <= len(lines) else None
        raise InputError("swanctl.conf syntax error (unbalanced braces or a stray character)", path,
                         (line + line_offset) if line else None, col,
                         mask_secret_line(ctx) if ctx is not None else None) from None
    root = Section("", 1 + line_offset)
    base = base_dir if base_dir is not None else (os.path.dirname(path) if path else None)
    _fill(root, items, line_offset, base, notes, _depth, path=path)
    return root


#: swanctl.conf nests 4 levels (connections > conn > children > child); deeper is not a real config
MAX_NESTING = 32


def _fill(sec: Section, items, off: int, base: str | None, notes, depth: int, nesting: int = 0,
          path: str | None = None) -> None:
    if nesting > MAX_NESTING:
        raise InputError(f"sections nested more than {MAX_NESTING} levels deep: not a swanctl.conf", path,
                         sec.line)
    for item in items:
        kind = item[0]
        if kind == "set":
            _, key, value, line = item
            sec.settings[key] = Setting(value, line + off)
        elif kind == "sec":
            _, name, line, refs, sub = item
            child = Section(name, line + off, refs=list(refs))
            _fill(child, sub, off, base, notes, depth, nesting + 1, path)
            if name in sec.sections:
                sec.sections[name].merge(child)
            else:
                sec.sections[name] = child
        elif kind == "inc":
            pattern = item[1].split(None, 1)[1].strip().strip('"')
            _include(sec, pattern, item[2] + off, base, notes, depth)


def _include(sec: Section, pattern: str, line: int, base: str | None, notes, depth: int) -> None:
    if depth > 8:
        _note(notes, line, f"include {pattern}: includes nested too deeply")
        return
    if base is None and not os.path.isabs(pattern):
        _note(notes, line, f"include {pattern}: not read (the config was given without a file path)")
        return
    full = pattern if os.path.isabs(pattern) else os.path.join(base or "", pattern)
    matches = sorted(glob.glob(full))
    if not matches:
        if not glob.has_magic(full):
            _note(notes, line, f"include {pattern}: file not found")
        return
    for m in matches:
        try:
            with open(m, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            _note(notes, line, f"include {pattern}: cannot read {m} ({e.__class__.__name__})")
            continue
        sub = parse(text, path=m, notes=notes, _depth=depth + 1)
        sec.merge(sub)


def _note(notes, line, message) -> None:
    if notes is not None:
        from ...validate.model import DeviceNote

        notes.append(DeviceNote(line, message))


def resolve_refs(root: Section) -> None:
    """Apply ``name : ref`` inheritance (strongSwan 5.7+): referenced settings fill in what the
    section does not set itself."""

    def find(path: str) -> Section | None:
        cur: Section | None = root
        for part in path.split("."):
            cur = cur.sections.get(part) if cur else None
        return cur

    def walk(sec: Section, seen: frozenset) -> None:
        for ref in sec.refs:
            src = find(ref)
            if src is None or ref in seen:
                continue
            walk(src, seen | {ref})
            for k, v in src.settings.items():
                sec.settings.setdefault(k, v)
            for k, s in src.sections.items():
                if k not in sec.sections:
                    sec.sections[k] = s
        for s in sec.sections.values():
            walk(s, seen)

    walk(root, frozenset())
