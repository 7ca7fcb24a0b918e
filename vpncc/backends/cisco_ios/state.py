"""What the IOS reader collects before it builds tunnels, and the helpers its parts share."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ...errors import mask_secret_line
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from ...validate.negotiation import DpdBehaviour
from ..cisco_common.tree import Node, ifname
from ..cisco_common.util import iface_or_none, ip_or_none
from . import names as N
from .prep import type7_decode


@dataclass
class Key:
    value: str | None
    line: int
    clear: bool


def _key(words: list[str], line: int) -> Key:
    """``[0|6|7] KEY`` -> Key; type 7 is decoded (a published reversible encoding), type 6 and masked keys
    are not comparable."""
    if len(words) >= 2 and words[0] in ("0", "6", "7"):
        if words[0] == "7":
            plain = type7_decode(words[1])
            return Key(plain, line, plain is not None)
        return Key(words[1] if words[0] == "0" else None, line, words[0] == "0")
    if not words:
        return Key(None, line, False)
    if set(words[0]) <= {"*"}:
        return Key(None, line, False)
    return Key(words[0], line, True)


@dataclass
class _State:
    policies: list[tuple[int, Node]] = field(default_factory=list)
    isakmp_keys: list[tuple[str, str | None, Key]] = field(default_factory=list)
    keepalive: Node | None = None
    identity: Node | None = None
    nat_t: Node | None = None
    keyrings: dict[str, Node] = field(default_factory=dict)
    isakmp_profiles: dict[str, Node] = field(default_factory=dict)
    transform_sets: dict[str, Node] = field(default_factory=dict)
    ipsec_profiles: dict[str, Node] = field(default_factory=dict)
    ipsec_lifetime: Node | None = None
    proposals: dict[str, Node] = field(default_factory=dict)
    v2_policies: list[Node] = field(default_factory=list)
    v2_keyrings: dict[str, Node] = field(default_factory=dict)
    v2_profiles: dict[str, Node] = field(default_factory=dict)
    v2_dpd: Node | None = None
    crypto_maps: dict[str, list[Node]] = field(default_factory=dict)
    interfaces: dict[str, Node] = field(default_factory=dict)
    bgp: list[Node] = field(default_factory=list)
    routes: list[Node] = field(default_factory=list)
    acls: dict[str, Node] = field(default_factory=dict)
    release_15: bool = False


def _note(dev: DeviceConfig, node: Node, msg: str) -> None:
    dev.notes.append(DeviceNote(node.line, f"{msg}: {mask_secret_line(node.raw.strip())}"))


def _unverified(t: DeviceTunnel, prefix: str, msg: str, line: int | None) -> None:
    cur = t.value("unverified") or {}
    t.set("unverified", {**cur, prefix: msg}, line)


def _interface_ip(st: _State, name: str) -> tuple[ipaddress.IPv4Address | None, int | None]:
    """An address written as an interface name resolves to that interface's primary address."""
    ip = ip_or_none(name)
    if ip is not None:
        return ip, None
    intf = st.interfaces.get(ifname(name))
    if intf is None:
        return None, None
    for c in intf.find("ip", "address"):
        if "secondary" not in c.words and iface_or_none(c.arg(2), c.arg(3)):
            return ip_or_none(c.arg(2)), c.line
    return None, None


def _set_local(t: DeviceTunnel, local) -> None:
    if local is not None and local[0] is not None:
        t.set("outside.customer", local[0], local[1])
        t.set("local.address", local[0], local[1])


def _dpd(t: DeviceTunnel, interval: int, retry: int, mode: str, line: int, what: str) -> None:
    t.set("dpd.interval_s", interval, line)
    t.set("dpd.retries", retry, line)
    detect = interval + N.DPD_RETRIES * retry
    how = (f"{what} {interval} s {mode}, then {N.DPD_RETRIES} retries every {retry} s: a dead peer is "
           f"declared after {detect} s")
    t.set("dpd", DpdBehaviour(True, float(detect), how, "clear"), line)
