"""What a Cisco platform can express of an IR, shared by both backends.

Cisco keeps some settings device-wide: IKE policies/proposals apply to every peer (IKEv1 everywhere,
IKEv2 on the ASA and per local address on IOS), IKEv1 (and ASA IKEv2) phase-1 lifetimes live in those
global policies, an IPsec profile takes a single PFS group. ``Expressed`` is the IR as the device will
hold it, plus the comment lines that tell the user what was merged or left out (never silently).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from ...ir import Connection, Encryption, Integrity, Tunnel


def uniq(values: Iterable) -> tuple:
    """Each value once, first mention first."""
    return tuple(dict.fromkeys(values))


def names(values: Iterable) -> str:
    return ", ".join(str(getattr(v, "value", v)) for v in values)


@dataclass
class Expressed:
    conn: Connection
    notes: list[str] = field(default_factory=list)


def esp_combos(enc: Sequence[Encryption], integ: Sequence[Integrity], ok_enc: Callable[[Encryption], bool],
               ok_int: Callable[[Integrity], bool]) -> list[tuple[Encryption, Integrity | None]]:
    """ESP transforms in preference order: GCM alone, CBC with each integrity."""
    out: list[tuple[Encryption, Integrity | None]] = []
    for e in enc:
        if not ok_enc(e):
            continue
        if e.is_gcm:
            out.append((e, None))
        else:
            out.extend((e, i) for i in integ if ok_int(i))
    return out


def keep(label: str, tunnel: int, values: tuple, allowed: Callable, why: str, notes: list[str]) -> tuple:
    kept = tuple(v for v in values if allowed(v))
    dropped = [v for v in values if not allowed(v)]
    if dropped and kept:
        notes.append(f"tunnel {tunnel}: {label} {names(dropped)} left out ({why})")
    return kept or values


def merge_global(tunnels: list[Tunnel], members: Callable[[Tunnel], bool], what: str,
                 notes: list[str], *, lifetime: bool, platform: str) -> list[Tunnel]:
    """Give every member tunnel the union of the members' phase-1 lists (and the shortest lifetime)."""
    idx = [i for i, t in enumerate(tunnels) if members(t)]
    if len(idx) < 2:
        return tunnels
    grp = [tunnels[i] for i in idx]
    enc = uniq(e for t in grp for e in t.ike.encryption)
    integ = uniq(x for t in grp for x in t.ike.integrity)
    dh = uniq(g for t in grp for g in t.ike.dh_groups)
    life = min(t.ike.lifetime_s for t in grp)
    if any((t.ike.encryption, t.ike.integrity, t.ike.dh_groups) != (enc, integ, dh) for t in grp):
        notes.append(f"{what} are device-wide on {platform}: every tunnel accepts the proposals of both")
    if lifetime and any(t.ike.lifetime_s != life for t in grp):
        notes.append(f"{what} carry the phase-1 lifetime on {platform}: the tunnels ask for "
                     f"{names(sorted({t.ike.lifetime_s for t in grp}))} s, the shorter {life} s is used for all")
    out = list(tunnels)
    for i in idx:
        t = out[i]
        out[i] = replace(t, ike=replace(t.ike, encryption=enc, integrity=integ, dh_groups=dh,
                                        lifetime_s=life if lifetime else t.ike.lifetime_s))
    return out
