"""The one LALR parser factory for vpncc's grammars (grammars/*.lark).

vpncc runs once per CI job and per ticket, so start-up counts: importing Lark and loading its analysed
grammar costs 25-35 ms, a third of a whole ``vpncc compile``. So the first use of a grammar generates
Lark's *standalone* parser for it (Lark's own tool: the parse tables plus the part of Lark's runtime they
need), compiles it once to a code object and keeps that in the private per-user cache (``~/.cache/vpncc``,
0700, see vpncc._resources); later processes run that code object (about 12 ms, no ``lark`` import).
The cache entry's name carries a hash of the grammar text, the options, the installed Lark (its
``__init__`` file's size and time) and the Python build, so an edited grammar, an upgraded Lark or
another Python never reuses a stale entry. Without a usable cache (``VPNCC_NO_CACHE=1``, a folder that is
not ours) Lark itself builds the parser, with the same grammar and options: the same parse.

Transformers given here are plain classes (Lark looks their rule methods up by name), so the same class
serves the standalone parser and Lark itself.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import types
from functools import lru_cache
from typing import Any, Callable, NamedTuple

# bump when the way entries are generated changes
_FORMAT = "1"


class Grammar(NamedTuple):
    parser: Any             # has .parse(text)
    UnexpectedInput: type   # the base class of the parse errors this parser raises
    Token: type             # the class of its tokens (a str subclass with .type, .line, .column)


@lru_cache(maxsize=None)
def load(name: str, transformer: Callable[[], Any] | None = None, **options: Any) -> Grammar:
    """The LALR parser (contextual lexer) for ``grammars/<name>``. ``transformer`` is a class whose
    instance Lark calls inline while parsing (no parse tree is built); ``options`` are Lark options."""
    from ._resources import cache_dir, resource_dir

    grammar = (resource_dir("grammars") / name).read_text(encoding="utf-8")
    options = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False, **options}
    inline = {"transformer": transformer()} if transformer is not None else {}
    folder = cache_dir()
    if folder is not None:
        module = _standalone(folder, name, grammar, options)
        if module is not None:
            return Grammar(module.Lark_StandAlone(**inline), module.UnexpectedInput, module.Token)
    import lark

    return Grammar(lark.Lark(grammar, **options, **inline), lark.exceptions.UnexpectedInput, lark.Token)


def _lark_stamp() -> str:
    from importlib.util import find_spec

    spec = find_spec("lark")
    if spec is None or not spec.origin:
        return "none"
    st = os.stat(spec.origin)
    return f"{st.st_size}:{st.st_mtime_ns}"


def _standalone(folder: str, name: str, grammar: str, options: dict) -> types.ModuleType | None:
    key = hashlib.sha256("\0".join((_FORMAT, grammar, repr(sorted(options.items())), _lark_stamp(),
                                    sys.version, sys.implementation.cache_tag)).encode()).hexdigest()[:20]
    path = os.path.join(folder, f"{name}.{key}.standalone")
    code = None
    try:
        with open(path, "rb") as fh:
            code = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        code = None
    if not isinstance(code, types.CodeType):
        try:
            code = _generate(grammar, options, name)
        except Exception:  # generation is an optimisation: Lark itself is the fallback
            return None
        _store(path, marshal.dumps(code))
    module = types.ModuleType(f"vpncc._standalone_{name.replace('.', '_')}")
    sys.modules[module.__name__] = module  # its dataclasses look their module up there
    # Lark's runtime tries `import regex` only to offer an option vpncc does not use; keep the
    # third-party module (8 ms to import) out of start-up.
    blocked = "regex" not in sys.modules
    if blocked:
        sys.modules["regex"] = None  # type: ignore[assignment]
    try:
        exec(code, module.__dict__)
    except Exception:
        del sys.modules[module.__name__]
        return None
    finally:
        if blocked:
            del sys.modules["regex"]
    return module


def _generate(grammar: str, options: dict, name: str) -> types.CodeType:
    import io

    import lark
    from lark.tools.standalone import gen_standalone

    out = io.StringIO()
    gen_standalone(lark.Lark(grammar, **options), out=out)
    return compile(out.getvalue(), f"<standalone parser for {name}>", "exec")


def _store(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        prefix, mine = os.path.basename(path).split(".standalone")[0].rsplit(".", 1)
        for other in os.listdir(os.path.dirname(path)):  # this grammar's earlier entries (and the
            stale = other == f"{prefix}.cache" or (      # Lark pickle vpncc 0.1 kept before them)
                other.startswith(prefix + ".") and other.endswith(".standalone") and mine not in other)
            if stale:
                os.unlink(os.path.join(os.path.dirname(path), other))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
