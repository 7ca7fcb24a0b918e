"""An independent check of Junos `set` lines against Juniper's own schema.

The tree is junoscfg 0.5.10's ``junos-structure-tree.json`` (derived from the Junos 24.4 XSD). Node keys
used here: ``c`` children, ``L`` named list (the next token is the element's key), ``l`` leaf (takes a
value), ``ll`` leaf list, ``p`` presence flag, ``nk`` "no keyword" (the element is given positionally,
e.g. ``interfaces <name>`` and ``local-as <as-number>``), ``e`` index into ``_enums``, ``r`` index into
``_patterns``.

The tree is the generic Junos schema, not SRX's. The CLI-vs-schema differences are handled here
explicitly and narrowly; everything else must walk:

* ``interfaces st0.N ...`` is CLI shorthand for ``interfaces st0 unit N ...`` (normalized here). The
  tree's ``interfaces interface <name>`` and ``local-as <as-number>`` need no special case: the tree
  marks ``interface`` and ``as-number`` ``nk`` (given positionally), and the walker honours ``nk``.
* ``security ike gateway <g> address`` is a free leaf list; the tree's enum on it (``["address"]``)
  is spurious.
* ``security zones|flow|policies|address-book|nat`` are SRX hierarchies absent from the tree: lines
  under them are *unverified*, never errors.
* SRX-only values the generic tree lacks (IKE aes-*-gcm, IKE sha-512 and group21, IPsec
  hmac-sha-384-192/hmac-sha-512-256, the gateway's ``local-address``) are *unverified* as well, listed one
  by one in ``SRX_ONLY``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

UNVERIFIED_HIERARCHIES = {("security", "zones"), ("security", "flow"), ("security", "policies"),
                          ("security", "address-book"), ("security", "nat")}

#: (path pattern with * for names, allowed values or None for any value) -> SRX-only statement
SRX_ONLY: tuple[tuple[tuple[str, ...], frozenset[str] | None], ...] = (
    (("security", "ike", "proposal", "*", "encryption-algorithm"), frozenset({"aes-128-gcm", "aes-256-gcm"})),
    (("security", "ipsec", "proposal", "*", "authentication-algorithm"),
     frozenset({"hmac-sha-384-192", "hmac-sha-512-256"})),
    (("security", "ike", "gateway", "*", "local-address"), None),
    # the current Junos CLI Reference, "proposal (Security IKE)" (2024): sha-512 and group21 (and the same
    # group for PFS, "perfect-forward-secrecy (Security IPsec)"), which the 24.4 generic schema lacks
    (("security", "ike", "proposal", "*", "authentication-algorithm"), frozenset({"sha-512"})),
    (("security", "ike", "proposal", "*", "dh-group"), frozenset({"group21"})),
    (("security", "ipsec", "policy", "*", "perfect-forward-secrecy", "keys"), frozenset({"group21"})),
)

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\[|\]|[^\s\[\]"]+')
_POSIX = {"[:alnum:]": "A-Za-z0-9", "[:alpha:]": "A-Za-z", "[:digit:]": "0-9", "[:xdigit:]": "0-9A-Fa-f",
          "[:space:]": r"\s", "[:upper:]": "A-Z", "[:lower:]": "a-z", "[:punct:]": r"!-/:-@\[-`{-~"}


def tree_path() -> Path:
    import junoscfg

    return Path(junoscfg.__file__).parent / "validate" / "data" / "junos-structure-tree.json"


@lru_cache(maxsize=1)
def load_tree() -> dict:
    return json.loads(tree_path().read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _regex(idx: int) -> tuple[re.Pattern, bool]:
    pat = load_tree()["_patterns"][idx]
    negate = pat.startswith("!")
    if negate:
        pat = pat[1:]
    for k, v in _POSIX.items():
        pat = pat.replace(k, v)
    return re.compile(pat), negate


def tokenize(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", r"\1", tok[1:-1]) if tok.startswith('"') and tok.endswith('"') else tok


@dataclass
class Walk:
    status: str                      # "ok", "unverified", "error"
    reason: str = ""
    #: (index where the leaf's value starts, index after it, multi-valued) for every leaf on the line
    leaves: list[tuple[int, int, bool]] = field(default_factory=list)


def _srx_only(tokens: list[str]) -> str | None:
    for pattern, values in SRX_ONLY:
        n = len(pattern)
        if len(tokens) >= n + 1 and all(p == "*" or p == t for p, t in zip(pattern, tokens, strict=False)):
            if values is None or (len(tokens) == n + 1 and tokens[n] in values):
                return f"SRX-only statement {' '.join(pattern)} {tokens[n]}"
    return None


def normalize(tokens: list[str]) -> list[str]:
    """CLI shorthand -> schema shape: ``interfaces st0.1`` -> ``interfaces st0 unit 1``."""
    if len(tokens) >= 2 and tokens[0] == "interfaces":
        m = re.fullmatch(r"([a-z][\w/:-]*)\.(\d+)", tokens[1])
        if m:
            return ["interfaces", m.group(1), "unit", m.group(2)] + tokens[2:]
    return tokens


def walk_tokens(tokens: list[str]) -> Walk:
    tree = load_tree()
    enums = tree["_enums"]
    tokens = normalize(tokens)
    if tuple(tokens[:2]) in UNVERIFIED_HIERARCHIES:
        return Walk("unverified", f"{' '.join(tokens[:2])} is absent from the generic Junos tree")
    srx = _srx_only(tokens)
    if srx:
        return Walk("unverified", srx)
    node, i, path = tree, 0, []
    leaves: list[tuple[int, int, bool]] = []
    while i < len(tokens):
        tok = tokens[i]
        children = node.get("c", {})
        child = children.get(tok)
        if child is not None:
            i += 1
        else:  # a positional ("nk") element: the token is its key or value, not a keyword
            child = next((c for c in children.values() if c.get("nk")), None)
            if child is None:
                return Walk("error", f"unknown keyword {tok!r} after {' '.join(path) or '(top)'}")
        path.append(tok)
        if child.get("L"):
            if i >= len(tokens):
                return Walk("error", f"{' '.join(path)}: missing name")
            i += 1  # the element's key (for a positional list the current token is the key)
            node = child
            continue
        if child.get("l"):
            start = i
            if i >= len(tokens):
                return Walk("error", f"{' '.join(path)}: missing value")
            if tokens[i] == "[" and child.get("ll"):
                end = tokens.index("]", i)
                values, i = tokens[i + 1:end], end + 1
            else:
                values, i = [tokens[i]], i + 1
            is_gateway_address = path[-1] == "address" and path[:3] == ["security", "ike", "gateway"]
            for v in values:
                v = _unquote(v)
                if "e" in child and not is_gateway_address and v not in enums[child["e"]]:
                    return Walk("error", f"{' '.join(path)}: {v!r} is not one of {enums[child['e']]}")
                if "r" in child:
                    rx, negate = _regex(child["r"])
                    if bool(rx.search(v)) == negate:
                        return Walk("error", f"{' '.join(path)}: {v!r} does not match {rx.pattern!r}")
                if child.get("tr") == "xsd:unsignedInt" and not v.isdigit():
                    return Walk("error", f"{' '.join(path)}: {v!r} is not an unsigned integer")
            leaves.append((start, i, bool(child.get("ll"))))
            path.pop()
            continue  # siblings may follow on the same line
        if "c" in child:
            node = child
            continue
        if child.get("p"):
            leaves.append((i, i, True))
            path.pop()
            continue
        return Walk("error", f"{' '.join(path)}: unexpected schema node")
    return Walk("ok", leaves=leaves)


def walk_line(line: str) -> Walk:
    tokens = tokenize(line)
    if not tokens or tokens[0] != "set":
        return Walk("error", "not a set command")
    return walk_tokens(tokens[1:])


@dataclass
class Summary:
    ok: int = 0
    unverified: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def check_set_text(text: str) -> Summary:
    """Walk every ``set`` line of a config (comments and blank lines skipped)."""
    s = Summary()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        w = walk_line(stripped)
        if w.status == "ok":
            s.ok += 1
        elif w.status == "unverified":
            s.unverified.append((stripped, w.reason))
        else:
            s.errors.append((stripped, w.reason))
    return s
