"""A small model of the Junos candidate configuration, to apply remediation commands the way a device
would: `set` adds a statement and replaces the value of a single-valued leaf (the schema walker says
which leaves are single-valued), `delete` removes a subtree, `deactivate`/`activate` toggle a prefix."""

from __future__ import annotations

from .junos_schema import normalize, tokenize, walk_tokens

#: single-valued statements under hierarchies (or with values) the generic schema does not have
SRX_SINGLE = (
    ("security", "flow", "tcp-mss", "ipsec-vpn", "mss"),
    ("security", "ike", "gateway", "*", "local-address"),
    ("security", "ike", "proposal", "*", "encryption-algorithm"),
    ("security", "ipsec", "proposal", "*", "authentication-algorithm"),
)


def _srx_single(tokens: tuple[str, ...]) -> int | None:
    for pat in SRX_SINGLE:
        if len(tokens) == len(pat) + 1 and all(p in ("*", t) for p, t in zip(pat, tokens, strict=False)):
            return len(pat)
    return None


class JunosStore:
    def __init__(self, lines: list[str] | None = None) -> None:
        self.statements: list[tuple[str, ...]] = []
        self.inactive: list[tuple[str, ...]] = []
        for line in lines or ():
            self.apply_line(line, strict=False)

    def apply(self, text: str) -> None:
        """Apply remediation commands; each `set` must walk the Junos schema."""
        for line in text.splitlines():
            self.apply_line(line)

    def apply_line(self, line: str, strict: bool = True) -> None:
        line = line.strip()
        if not line or line.startswith("#"):
            return
        toks = tokenize(line)
        verb, rest = toks[0], tuple(normalize(toks[1:]))
        if verb == "set":
            cut = self._value_start(rest, strict)
            if cut is not None:
                self._delete(rest[:cut], keep_inactive=True)
            if rest not in self.statements:
                self.statements.append(rest)
        elif verb == "delete":
            self._delete(rest)
        elif verb == "deactivate":
            if rest not in self.inactive:
                self.inactive.append(rest)
        elif verb == "activate":
            if rest not in self.inactive:
                raise AssertionError(f"activate of a statement that is not inactive: {line}")
            self.inactive.remove(rest)
        else:
            raise AssertionError(f"not a configuration command: {line}")

    def _value_start(self, rest: tuple[str, ...], strict: bool) -> int | None:
        if rest[0] == "groups" and len(rest) > 2:  # a group body is an ordinary configuration path
            cut = self._value_start(rest[2:], strict)
            return None if cut is None else cut + 2
        w = walk_tokens(list(rest))
        if w.status == "error" and not strict:
            return None  # the device's own config may use statements outside the generic tree
        if w.status == "error":
            raise AssertionError(f"remediation line does not walk the schema: {' '.join(rest)}: {w.reason}")
        if w.status == "unverified":
            return _srx_single(rest)
        single = [start for start, end, multi in w.leaves if not multi]
        return single[0] if single else None

    def _delete(self, prefix: tuple[str, ...], keep_inactive: bool = False) -> None:
        n = len(prefix)
        self.statements = [s for s in self.statements if s[:n] != prefix]
        if not keep_inactive:
            self.inactive = [s for s in self.inactive if s[:n] != prefix]

    def text(self) -> str:
        return "".join(f"set {' '.join(s)}\n" for s in self.statements) + "".join(
            f"deactivate {' '.join(s)}\n" for s in self.inactive)
