"""ASA text as people paste it, before the tree is built.

* Flat pastes: sub-commands written without indentation (``crypto ikev1 policy 10`` followed by an
  unindented ``encryption aes-256``, with or without ``exit``), and the mixed pastes of AWS's own ASA
  template (``no synchronization`` unindented inside ``address-family``). A line that is not a top-level
  command and that the open sub-mode knows (or that no level knows) is indented under that sub-mode, the
  way the ASA CLI itself reads it: a sub-mode stays open until a top-level command or ``exit``.
* ``isakmp keepalive`` words, abbreviated as the CLI accepts them (``isakmp keep thr 10 ret 10``).
* The release from the ``ASA Version 9.16(4)`` header that ``show running-config`` prints.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..cisco_common.tree import Trie, _context, expand

#: heads that are always top-level commands, even where a sub-mode knows a word of the same name
_ALWAYS_TOP = frozenset({
    "crypto", "tunnel-group", "interface", "router", "route", "access-list", "mtu", "sysopt", "name", "names",
    "object", "object-group", "group-policy", "hostname", "nat", "domain-name", "prefix-list", "route-map",
    "username", "aaa", "logging", "ssh", "http", "telnet", "icmp", "dns", "ntp", "snmp-server", "failover",
    "same-security-traffic", "sla", "track", "access-group", "timeout", "policy-map", "class-map",
    "service-policy", "threat-detection", "webvpn", "dhcpd", "asdm", "boot", "license", "enable", "passwd",
    "clock", "firewall", "ipv6", "pager", "console", "arp", "monitor-interface", "user-identity"})
_EXIT = ("exit", "quit")
#: first letters of the top-level commands that open a sub-mode (crypto, tunnel-group, interface, router,
#: group-policy, object, object-group), to skip the keyword expansion of every other line
_OPENERS = frozenset({"cr", "tu", "in", "ro", "gr", "ob"})
_AT_MARGIN = re.compile(r"(?m)^[^\s!:]")
#: sub-commands that only a flat paste puts at the left margin
_FLAT = re.compile(r"(?m)^(nameif|ip addr|tunnel (source|destination|mode|protection)|encryption|integrity|hash|group "
                   r"|prf|lifetime|authentication|set |ikev[12] |pre-shared-key|isakmp keep|neighbor|network|no (synchr|"
                   r"auto-summ|shut)|subnet|network-object|group-object|protocol esp|vpn-|default-group-policy|"
                   r"address-family|security-level|shutdown|bgp )")
_VERSION = re.compile(r"(?m)^\s*ASA Version (\d+)\.(\d+)")


def release(text: str) -> tuple[int, int] | None:
    """(major, minor) from the ``ASA Version`` header, when the paste has one."""
    m = _VERSION.search(text[:20_000])
    return (int(m.group(1)), int(m.group(2))) if m else None


def reindent(text: str, top: Trie, contexts: Mapping[tuple[str, ...], Trie]) -> str:
    """Indent the unindented sub-commands of a flat paste under their sub-mode; indented lines and
    top-level commands are left as they are. Returns the text unchanged when nothing is flat."""
    # a paste indented as a whole (copied from a document or an e-mail) starts at its own left margin
    margin = 0 if _AT_MARGIN.search(text) else min(
        (len(x.expandtabs(8)) - len(x.expandtabs(8).lstrip()) for x in text.splitlines() if x.strip()), default=0)
    if not margin and not _FLAT.search(text):
        return text  # nothing flat: the common case stays one regex scan
    lines = text.splitlines()
    if margin:
        lines = [x.expandtabs(8)[margin:] if x.strip() else "" for x in lines]
        text = "\n".join(lines) + "\n"
    out: list[str] = []
    # open sub-modes: (indent of the head, trie of its children)
    stack: list[tuple[int, Trie]] = []
    changed = False
    for raw in lines:
        body = raw.expandtabs(8)
        s = body.strip()
        if not s or s[0] in "!:":
            out.append(raw)
            continue
        indent = len(body) - len(body.lstrip())
        words = s.split()
        if indent:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack:
                sub = _context(contexts, tuple(expand(words, stack[-1][1])))
                if sub:
                    stack.append((indent, sub))
            out.append(raw)
            continue
        low = s.lower()
        if low in _EXIT:
            if stack:
                stack.pop()
            out.append(raw)
            continue
        if low == "exit-address-family":
            if len(stack) > 1:
                stack.pop()
            out.append(raw)
            continue
        w0 = words[0].lower()
        child = None
        if stack and w0 not in _ALWAYS_TOP:
            # the innermost sub-mode that knows the command; else, for a word no level knows, the
            # innermost one (a sub-mode stays open until a top-level command)
            for depth in range(len(stack) - 1, -1, -1):
                if _knows(words, stack[depth][1]):
                    child = depth
                    break
            if child is None and (w0 if w0 in top else expand(words[:1], top)[0]) not in top:
                child = len(stack) - 1
        if child is None:
            stack.clear()
            sub = _context(contexts, tuple(expand(words, top))) if w0[:2] in _OPENERS else None
            if sub:
                stack.append((0, sub))
            out.append(raw)
            continue
        del stack[child + 1:]
        new_indent = stack[child][0] + 1
        exp = expand(words, stack[child][1])
        sub = _context(contexts, tuple(exp))
        if sub:
            stack.append((new_indent, sub))
        out.append(" " * new_indent + s)
        changed = True
    if not changed and not margin:
        return text
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _knows(words: list[str], node: Trie) -> bool:
    """Does the sub-mode trie know this command (its keywords lead to where arguments follow)?"""
    exp = expand(words, node)
    for w in exp:
        if w not in node:
            return False
        node = node[w]
        if not node:
            return True
    return True


def _pick(word: str, options: tuple[str, ...]) -> str | None:
    w = word.lower()
    hits = [o for o in options if o.startswith(w)] if len(w) >= 2 or w in options else []
    return hits[0] if len(hits) == 1 else (w if w in options else None)


def keepalive(words: list[str]) -> tuple[str, int | None, int | None] | None:
    """The words after ``isakmp keepalive``: ("disable"|"infinite"|"periodic", threshold, retry), or
    None when they cannot be read. A missing threshold or retry is None (the caller fills the default)."""
    kind, threshold, retry = "periodic", None, None
    i = 0
    while i < len(words):
        key = _pick(words[i], ("threshold", "retry", "disable", "infinite"))
        val = words[i + 1] if i + 1 < len(words) else None
        if key == "disable":
            return "disable", None, None
        if key == "threshold" and val is not None and _pick(val, ("infinite",)) == "infinite":
            kind, i = "infinite", i + 2
        elif key == "threshold" and val is not None and val.isdigit():
            threshold, i = int(val), i + 2
        elif key == "retry" and val is not None and val.isdigit():
            retry, i = int(val), i + 2
        else:
            return None
    return kind, threshold, retry
