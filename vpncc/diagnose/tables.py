"""Small helpers shared by the platforms' show parsers."""

from __future__ import annotations

import re

IP = r"\d{1,3}(?:\.\d{1,3}){3}"


def to_int(s: str | None) -> int | None:
    return int(s) if s is not None and s.isdigit() else None


def bgp_state(cell: str) -> tuple[bool, str, int | None]:
    """The State/PfxRcd column of an IOS-style BGP summary: a number (of prefixes received) means the
    session is Established; a word is the FSM state (Idle, Active, Connect, OpenSent, OpenConfirm,
    "Idle (Admin)")."""
    cell = cell.strip()
    if cell.isdigit():
        return True, "Established", int(cell)
    return False, cell, None


def bgp_table(text: str) -> list[tuple[str, int | None, str]]:
    """Rows (neighbor, AS, state/pfxrcd cell) of an IOS-style neighbor table, located by its header
    (``Neighbor V AS MsgRcvd MsgSent TblVer InQ OutQ Up/Down State/PfxRcd``; FRR adds PfxSnt and Desc)."""
    out = []
    in_table = False
    for line in text.splitlines():
        if re.match(r"\s*Neighbor\s+V\s+AS\s+MsgRcvd", line):
            in_table = True
            continue
        if not in_table:
            continue
        toks = line.split()
        if len(toks) >= 10 and re.fullmatch(IP, toks[0]):
            cell = toks[9]
            if len(toks) > 10 and toks[10].startswith("(") and cell in ("Idle",):  # "Idle (Admin)"
                cell = f"{cell} {toks[10]}"
            out.append((toks[0], to_int(toks[2]), cell))
        elif not line.strip() or line.startswith("Total number"):
            continue
    return out
