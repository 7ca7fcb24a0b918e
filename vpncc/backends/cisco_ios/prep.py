"""Pastes as people make them -> the indentation IOS prints, before the tree reader runs.

Two shapes of a valid config read as nothing by an indentation reader:

* a *uniformly indented* paste (every line indented, e.g. copied from a document or an e-mail): the
  common indentation is removed;
* a terminal session with its prompts (`rtr(config-isakmp)#group 14`): the prompts are removed, which
  leaves a flat paste;
* a *flat* paste (sub-commands typed at column 0, as in ``configure terminal`` sessions and in many
  how-tos, with or without ``exit`` lines): a column-0 line that is a command of the mode the previous
  lines opened (``group 2`` after ``crypto isakmp policy 10``, ``neighbor ... activate`` after
  ``address-family ipv4``) is indented under it, as IOS would take it; ``exit`` leaves one mode,
  ``exit-address-family`` the address family, and anything that is not a command of the open modes is a
  global command again.

Every output line is the input line with only its leading whitespace changed, so line numbers hold.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..cisco_common.tree import Trie, expand

#: column-0 lines that can only be sub-commands: a cheap test before the line-by-line pass
_FLAT_HINT = re.compile(
    r"(?m)^(encr|hash |authen|group |lifetime |set (pfs|transform|peer|ikev2|isakmp|security)|match |keyring |"
    r"local-address |pre-shared-key |mode (tunnel|transport)|ip address |tunnel (source|destination|mode|prot)|"
    r"neighbor |address-family |address |integrity |proposal |identity |dpd |keepalive |permit |exit$)")
_INDENTED = re.compile(r"(?m)^[^\s!]")
#: a terminal session pasted with its prompts: `edge1(config)#crypto isakmp policy 10`,
#: `edge1(config-isakmp)#encr aes`, `edge1(conf-keyring)#...`, `edge1(cfg-crypto-trans)#...`,
#: `edge1(ipsec-profile)#...` (IOS prints the mode in the prompt; the command follows `#`)
_PROMPT = re.compile(r"(?m)^[ \t]*[A-Za-z0-9][\w.-]*\((?:conf|cfg|ipsec|crypto)[\w-]*\)#[ \t]?")


def _known(words: list[str], node: Trie) -> bool:
    """Is ``words`` a complete command of the mode whose command trie is ``node``?"""
    if not node or not words:
        return False
    ex = expand(words, node)
    for w in ex:
        if w not in node:
            return "" in node  # "" marks a keyword that also takes arguments directly
        node = node[w]
        if not node:
            return True
    return False


def normalize(text: str, top: Trie, contexts: Mapping[tuple[str, ...], Trie]) -> str:
    if _PROMPT.search(text):
        text = _PROMPT.sub("", text)
    if not _INDENTED.search(text):
        text = "\n".join(_dedent(text.splitlines()))
    if not _FLAT_HINT.search(text):
        return text
    return "\n".join(_reindent(text.splitlines(), top, contexts))


def _dedent(lines: list[str]) -> list[str]:
    body = [ln.expandtabs(8) for ln in lines]
    depth = min((len(ln) - len(ln.lstrip()) for ln in body if ln.strip() and not ln.lstrip().startswith("!")),
                default=0)
    if not depth:
        return lines
    return [ln[depth:] if ln[:depth].strip() == "" else ln.lstrip() for ln in body]


def _context(contexts: Mapping[tuple[str, ...], Trie], words: list[str]) -> Trie:
    for n in (4, 3, 2, 1):
        t = contexts.get(tuple(words[:n]))
        if t is not None:
            return t
    return {}


def _reindent(lines: list[str], top: Trie, contexts: Mapping[tuple[str, ...], Trie]) -> list[str]:
    out: list[str] = []
    # open modes of the flat part: (indent of the mode's head line, trie of the mode's commands)
    stack: list[tuple[int, Trie]] = []
    for raw in lines:
        s = raw.strip()
        if not s or s[0] == "!" or raw[:1] in (" ", "\t"):
            out.append(raw)
            if raw[:1] in (" ", "\t") and s and s[0] != "!":
                stack = []  # an indented block: IOS's own layout from here on
            continue
        words = s.split()
        low = s.lower()
        if low in ("exit", "quit"):
            if stack:
                stack.pop()
            out.append(raw)
            continue
        if low == "exit-address-family":
            while stack and stack[-1][1] is not contexts.get(("address-family",)):
                stack.pop()
            if stack:
                stack.pop()
            out.append(raw)
            continue
        while stack and not _known(words, stack[-1][1]):
            stack.pop()
        depth = len(stack)
        if depth:
            head = stack[-1][1]
            ex = expand(words, head)
        else:
            ex = expand(words, top)
        out.append(" " * depth + s)
        sub = _context(contexts, ex)
        if sub:
            stack.append((depth, sub))
    return out


# -- type 7 keys -------------------------------------------------------------------------------

#: The Cisco "type 7" password encoding is a published, reversible XOR with a fixed table (it is an
#: obfuscation, not encryption: Cisco's "Feature Removal and Suggested Alternatives" page calls it a
#: Vigenere cipher). A type 7 pre-shared key is therefore comparable; type 6 (AES with the router's master
#: key) is not.
_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7_decode(text: str) -> str | None:
    t = text.strip()
    if len(t) < 4 or len(t) % 2 or not t[:2].isdigit() or not re.fullmatch(r"[0-9A-Fa-f]+", t[2:]):
        return None
    seed = int(t[:2])
    try:
        return "".join(chr(int(t[i:i + 2], 16) ^ ord(_XLAT[(seed + (i - 2) // 2) % len(_XLAT)]))
                       for i in range(2, len(t), 2))
    except (ValueError, IndexError):
        return None


def type7_encode(plain: str, seed: int = 2) -> str:
    """For tests: the encoding IOS prints for ``key 7``."""
    return f"{seed:02d}" + "".join(f"{ord(c) ^ ord(_XLAT[(seed + i) % len(_XLAT)]):02X}"
                                   for i, c in enumerate(plain))
