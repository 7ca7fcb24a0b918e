"""AWS API JSON as read by vpncc.readers.aws_json: positions (line, column) of every key and item from
one pass over the text, and key lookup that ignores case and underscores (Security Hub and snake_case
exports)."""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from ..errors import InputError
from ..ir import Position
from . import xml_doc

# -- JSON positions --------------------------------------------------------------------------

_TOK = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]')


class Index:
    """Offsets of object keys and array items by JSON path, from one regex pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos: dict[tuple[Any, ...], int] = {}
        self._starts: list[int] | None = None
        # parallel stacks: is-object flags, the path (key or index per level), expecting-a-key flags
        objs: list[bool] = []
        path: list[Any] = []
        want_key: list[bool] = []
        pos = self.pos
        loads = json.loads
        for m in _TOK.finditer(text):
            t = m.group()
            c = t[0]
            if c == '"':
                if want_key and want_key[-1]:
                    path[-1] = loads(t) if "\\" in t else t[1:-1]
                    want_key[-1] = False
                    pos[tuple(path)] = m.start()
            elif c == "{" or c == "[":
                if objs and not objs[-1]:
                    pos[tuple(path)] = m.start()
                obj = c == "{"
                objs.append(obj)
                path.append(None if obj else 0)
                want_key.append(obj)
            elif c == ",":
                if objs:
                    if objs[-1]:
                        want_key[-1] = True
                    else:
                        path[-1] += 1
            elif objs:
                objs.pop()
                path.pop()
                want_key.pop()

    def position(self, path: tuple[Any, ...]) -> Position | None:
        off = self.pos.get(path)
        if off is None:
            return None
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]
        line = bisect.bisect_right(self._starts, off)
        return Position(line, off - self._starts[line - 1] + 1)

    def line_text(self, line: int | None) -> str | None:
        if line is None:
            return None
        if self._starts is None:
            self.position(next(iter(self.pos), ()))
        assert self._starts is not None
        if not 1 <= line <= len(self._starts):
            return None
        start = self._starts[line - 1]
        end = self.text.find("\n", start)
        return xml_doc.mask_line(self.text[start: end if end >= 0 else len(self.text)])


# -- key lookup ------------------------------------------------------------------------------

def norm(key: str) -> str:
    return key.replace("_", "").lower()


def lookup(obj: Any, name: str) -> tuple[str | None, Any]:
    if not isinstance(obj, dict):
        return None, None
    if name in obj:
        return name, obj[name]
    want = norm(name)
    for k, v in obj.items():
        if isinstance(k, str) and norm(k) == want:
            return k, v
    return None, None


def val(obj: Any, name: str) -> Any:
    return lookup(obj, name)[1]


# -- reading -----------------------------------------------------------------------------------

class Ctx:
    def __init__(self, text: str, path: str | None) -> None:
        self.path = path
        self.index = Index(text)

    def pos(self, jpath: tuple[Any, ...]) -> Position | None:
        return self.index.position(jpath)

    def err(self, message: str, jpath: tuple[Any, ...] | None, hint: str | None = None) -> InputError:
        p = self.pos(jpath) if jpath is not None else None
        line = p.line if p else None
        return InputError(message, self.path, line, p.column if p else None, self.index.line_text(line), hint)

    def line(self, jpath: tuple[Any, ...]) -> int | None:
        p = self.pos(jpath)
        return p.line if p else None
