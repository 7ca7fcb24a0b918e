"""Compiling against the device's running config (``compile --running CONFIG``).

The backend's reader turns the running config into a :class:`~vpncc.validate.model.DeviceConfig`
whose ``inventory`` (an :class:`Inventory`) lists the objects the new connection could collide with.
The backend's :meth:`~vpncc.backends.base.Backend.allocate` then chooses free numbers and names, reuses
what must be shared (BGP AS and router-id, zones, VRFs, interface names) and raises
:class:`RunningConflict` for what cannot coexist. The result is an :class:`Allocation`: profile changes,
render options and header lines. See docs/safe-changes.md.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .errors import VpnccError


@dataclass(frozen=True)
class Peer:
    """An IKE peer the running config already has: the AWS outside address it points at, the object that
    configures it (keyring, phase 1, ikeid...) and its line."""

    address: ipaddress.IPv4Address
    name: str
    line: int | None = None


@dataclass(frozen=True)
class Inventory:
    """What a running config already uses, in typed fields. A reader fills the fields its platform has;
    the others stay empty. Numbers and names are per kind of object: ``numbers["isakmp-policy"]``,
    ``names["route-map"]``... (the kinds are the backend's own, listed in docs/safe-changes.md)."""

    numbers: Mapping[str, frozenset[int]] = field(default_factory=dict)
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    peers: tuple[Peer, ...] = ()
    #: the router's own BGP AS and router-id when BGP runs (None: no BGP process)
    bgp_asn: int | None = None
    bgp_router_id: ipaddress.IPv4Address | None = None
    bgp_line: int | None = None
    zones: frozenset[str] = frozenset()
    vrfs: frozenset[str] = frozenset()
    #: interface names the device has (physical, VLAN, tunnel: as the platform spells them)
    interfaces: frozenset[str] = frozenset()
    #: interface -> crypto map bound to it (IOS/ASA policy-based VPNs)
    crypto_maps: Mapping[str, str] = field(default_factory=dict)
    #: interface -> its IPv4 addresses (to check a local address the device must own)
    addresses: Mapping[str, tuple[ipaddress.IPv4Interface, ...]] = field(default_factory=dict)

    def used(self, kind: str) -> frozenset[int]:
        return self.numbers.get(kind, frozenset())

    def taken(self, kind: str) -> frozenset[str]:
        return self.names.get(kind, frozenset())

    def peer(self, address: Any) -> Peer | None:
        for p in self.peers:
            if p.address == address:
                return p
        return None


@dataclass(frozen=True)
class Allocation:
    """What :meth:`Backend.allocate` decided: ``profile`` changes (field -> value, applied with
    ``dataclasses.replace``), ``extra`` render options for the backend, and header lines saying what was
    allocated and what was reused."""

    profile: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    header: tuple[str, ...] = ()


class RunningConflict(VpnccError):
    """The new connection cannot coexist with the running config (exit 2). One error listing every
    reason, each naming the running config's object and line."""

    def __init__(self, vendor: str, items: list[str]) -> None:
        self.items = list(items)
        lines = "\n".join(f"  - {i}" for i in self.items)
        super().__init__(f"cannot compile into this {vendor} running config without changing what it has:\n"
                         + lines)


def lowest_free(used: Iterable[int], count: int, start: int = 1, *, block: bool = False,
                limit: int | None = None) -> list[int]:
    """The ``count`` lowest numbers from ``start`` that are not in ``used``; with ``block`` they are
    consecutive (the first free run of ``count`` numbers)."""
    taken = set(used)
    out: list[int] = []
    i = start
    while len(out) < count:
        if limit is not None and i > limit:
            raise ValueError(f"no {count} free numbers from {start} to {limit}")
        if i in taken:
            if block:
                out = []
        else:
            out.append(i)
        i += 1
    return out


def free_name(base: str, taken: Iterable[str], fits: Any = None) -> str:
    """``base`` when no taken name starts with it, else ``base-2``, ``base-3``... ``fits(name)`` may
    shorten a candidate to the platform's length limit."""
    t = {x.lower() for x in taken}
    fit = fits or (lambda s: s)

    def clash(cand: str) -> bool:
        c = cand.lower()
        return any(x == c or x.startswith(c + "-") for x in t)

    cand = fit(base)
    k = 2
    while clash(cand):
        cand = fit(f"{base}-{k}")
        k += 1
    return cand


def customer_asn(conn: Any) -> int | None:
    """The customer gateway's BGP ASN (both tunnels share it), None for static routing."""
    return next((t.bgp.customer_asn for t in conn.tunnels if t.bgp is not None), None)


def owned_addresses(inv: Any, interface: str | None = None) -> set[Any]:
    """The IP addresses the device holds (on ``interface`` only, when given)."""
    groups = [inv.addresses.get(interface, ())] if interface is not None else list(inv.addresses.values())
    return {a.ip for addrs in groups for a in addrs}
