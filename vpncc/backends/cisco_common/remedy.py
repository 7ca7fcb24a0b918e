"""Building a Cisco remediation block: commands grouped under their configuration-mode parents."""

from __future__ import annotations

from typing import Iterable


class Commands:
    """Ordered commands; ``add(("router bgp 65000", "address-family ipv4"), "neighbor ...")``
    puts a line under nested parents, ``add((), "sysopt ...")`` at the top level."""

    def __init__(self) -> None:
        self._tree: dict[str, dict] = {}
        self.comments: list[str] = []

    def add(self, parents: Iterable[str], *lines: str) -> None:
        node = self._tree
        for p in parents:
            node = node.setdefault(p, {})
        for line in lines:
            node.setdefault(line, {})

    def note(self, text: str) -> None:
        if text not in self.comments:
            self.comments.append(text)

    def block(self, text: str) -> None:
        """Raw config text (a rendered stanza set) merged line by line by indentation."""
        stack: list[tuple[int, str]] = []
        for line in text.splitlines():
            s = line.strip()
            if not s or s.startswith("!") or s in ("end", "exit", "exit-address-family"):
                continue
            depth = len(line) - len(line.lstrip())
            while stack and stack[-1][0] >= depth:
                stack.pop()
            self.add([p for _, p in stack], s)
            stack.append((depth, s))

    def text(self) -> str:
        out = [f"! {c}" for c in self.comments]

        def dump(node: dict, depth: int) -> None:
            for line, children in node.items():
                out.append(" " * depth + line)
                dump(children, depth + 1)
                if depth == 0 and children:
                    out.append("!")

        dump(self._tree, 0)
        return "\n".join(out) + ("\n" if out else "")


def free_numbers(used: Iterable[int], start: int, count: int) -> list[int]:
    taken = set(used)
    n = max([start - 1, *taken]) + 1 if taken else start
    out = []
    while len(out) < count:
        if n not in taken:
            out.append(n)
        n += 1
    return out
