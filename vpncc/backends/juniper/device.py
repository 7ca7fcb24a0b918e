"""The Junos reader's model: objects collected from the statements (Obj, State) and the DeviceConfig
subclasses that carry Junos object names for remediation."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from ...validate.model import DeviceConfig, DeviceTunnel

V = tuple[Any, int]  # (value, line)


@dataclass
class JunosTunnel(DeviceTunnel):
    """A device tunnel plus the Junos object names remediation needs."""

    refs: dict[str, Any] = field(default_factory=dict)


@dataclass
class JunosDevice(DeviceConfig):
    form: str = "set"
    #: neighbor address -> tokens of its `... group G neighbor X` path
    bgp_paths: dict[ipaddress.IPv4Address, tuple[str, ...]] = field(default_factory=dict)
    #: st0 units configured on the device
    units: set[int] = field(default_factory=set)
    flow_mss: V | None = None
    #: neighbor address -> commands that turn it back on
    bgp_enable: dict[ipaddress.IPv4Address, list[str]] = field(default_factory=dict)
    #: logical interface -> security zone (every zone membership the config shows)
    iface_zone: dict[str, str] = field(default_factory=dict)
    #: IPv4 addresses configured on the device's (non-st0) interfaces
    owned: set[ipaddress.IPv4Address] = field(default_factory=set)
    #: (interface, "services"|"protocols") that carry their own host-inbound-traffic list in their zone
    iface_inbound: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Obj:
    line: int
    attrs: dict[str, V] = field(default_factory=dict)
    lists: dict[str, list[V]] = field(default_factory=dict)
    inactive: int | None = None          # line of the deactivation of this object or an ancestor
    inactive_path: tuple[str, ...] = ()  # the deactivated prefix (what `activate` needs)

    def set(self, key: str, value: Any, line: int) -> None:
        self.attrs[key] = (value, line)

    def add(self, key: str, value: Any, line: int) -> None:
        lst = self.lists.setdefault(key, [])
        if all(v != value for v, _ in lst):
            lst.append((value, line))

    def get(self, key: str) -> V | None:
        return self.attrs.get(key)


class State:
    """What the statements say, collected per object kind before tunnels are built."""

    def __init__(self) -> None:
        self.ike_proposals: dict[str, Obj] = {}
        self.ike_policies: dict[str, Obj] = {}
        self.gateways: dict[str, Obj] = {}
        self.esp_proposals: dict[str, Obj] = {}
        self.ipsec_policies: dict[str, Obj] = {}
        self.vpns: dict[str, Obj] = {}
        self.units: dict[int, Obj] = {}
        self.st0 = Obj(0)
        self.flow_mss: V | None = None
        #: instance ("" = master) -> routing data
        self.asn: dict[str, V] = {}
        self.router_id: dict[str, V] = {}
        self.bgp: dict[str, Obj] = {}
        self.groups: dict[tuple[str, str], Obj] = {}
        self.neighbors: dict[tuple[str, str, str], Obj] = {}
        self.routes: dict[str, dict[ipaddress.IPv4Network, list[V]]] = {}
        #: security zone -> Obj: lists "interfaces" (logical names), "services"/"protocols" (zone-level
        #: host-inbound-traffic, "except" entries as "!name")
        self.zones: dict[str, Obj] = {}
        #: (zone, interface) -> Obj with the same "services"/"protocols" lists at the interface level
        self.zone_ifaces: dict[tuple[str, str], Obj] = {}
        #: logical interface (ge-0/0/0.0) -> its IPv4 addresses
        self.addresses: dict[str, list[V]] = {}
        #: policy-options policy-statement names
        self.policies: set[str] = set()
        #: routing instance -> its interfaces
        self.instance_ifaces: dict[str, list[V]] = {}
        self.notes: list[tuple[int, str]] = []
        self.tokens: tuple[str, ...] = ()   # the statement being interpreted

    def obj(self, table: dict, key: Any, line: int, inactive: tuple[int, int] | None, depth: int) -> Obj:
        o = table.get(key)
        if o is None:
            o = table[key] = Obj(line)
        if inactive is not None and inactive[0] <= depth and o.inactive is None:
            o.inactive = inactive[1]
            o.inactive_path = self.tokens[:inactive[0]]
        return o


def to_int(word: str) -> int:
    if not (word.isascii() and word.isdigit()):  # "²".isdigit() is True but int("²") fails
        raise ValueError(word)
    return int(word)


def to_asn(word: str) -> int:
    """Plain or AS-dot (``1.10`` = 65546) notation."""
    if re.fullmatch(r"\d+\.\d+", word):
        hi, lo = word.split(".")
        return int(hi) * 65536 + int(lo)
    return to_int(word)
