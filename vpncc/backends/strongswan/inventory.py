"""The objects a strongSwan gateway's files already use (``compile --running``): one line scan of each
file of the bundle/directory the reader split (read.split), independent of which tunnels it recognised.

Kinds (vpncc.running.Inventory): numbers ``if_id`` (swanctl if_id_in/if_id_out, ipsec.conf marks and VTI
keys), ``interface`` (the N of xfrmN / vtiN); names ``connection`` (swanctl connections and children,
ipsec.conf conns); peers: remote_addrs / right; ``interfaces``: the tunnel interfaces the scripts and
networkd units create; ``bgp_asn`` / ``bgp_router_id``: FRR's router bgp / BIRD's router id and local AS.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ...running import Inventory, Peer

_IFACE = re.compile(r"^(xfrm|vti)(\d+)$")
_OPEN = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(?::\s*[^{]*)?\{\s*(#.*)?$")


def _ip(word: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(word.strip())
    except ValueError:
        return None


def _number(v: str) -> int | None:
    v = v.strip().split("/")[0]
    try:
        return int(v, 0)
    except ValueError:
        return None


def inventory(parts: list[Any]) -> Inventory:
    ids: set[int] = set()
    nums: set[int] = set()
    conns: set[str] = set()
    ifaces: set[str] = set()
    peers: list[Peer] = []
    asn = rid = asn_line = None

    def iface(name: str) -> None:
        m = _IFACE.match(name)
        if m:
            ifaces.add(name)
            nums.add(int(m.group(2)))

    for p in parts:
        stack: list[str] = []
        current = None
        for i, raw in enumerate(p.text.splitlines(), p.offset + 1):
            line = raw.split("#", 1)[0].strip() if p.kind not in ("frr",) else raw.strip()
            if not line:
                continue
            if p.kind == "swanctl":
                m = _OPEN.match(line)
                if m:
                    stack.append(m.group(1))
                    if len(stack) >= 2 and stack[0] == "connections" and (len(stack) == 2 or stack[-2] == "children"):
                        conns.add(m.group(1))
                        if len(stack) == 2:
                            current = m.group(1)
                    continue
                if line.startswith("}"):
                    stack = stack[:-1]
                    continue
                key, _, val = line.partition("=")
                key = key.strip()
                if key in ("if_id_in", "if_id_out") and _number(val):
                    ids.add(_number(val))
                elif key == "remote_addrs" and current:
                    peers.extend(Peer(a, f"connection {current}", i) for a in map(_ip, val.split(",")) if a)
            elif p.kind == "ipsec.conf":
                w = line.split()
                if w[0] == "conn" and len(w) > 1:
                    current = w[1]
                    if current != "%default":
                        conns.add(current)
                    continue
                key, _, val = line.partition("=")
                if key.strip() == "mark" and _number(val):
                    ids.add(_number(val))
                elif key.strip() == "right" and current and _ip(val):
                    peers.append(Peer(_ip(val), f"conn {current}", i))
            elif p.kind in ("shell", "networkd"):
                w = line.split()
                if "link" in w and "add" in w:
                    k = w.index("add")
                    if k + 1 < len(w):
                        iface(w[k + 1].strip("\"'"))
                    for key in ("if_id", "key", "ikey", "okey"):
                        if key in w[k:-1] and _number(w[w.index(key, k) + 1]):
                            ids.add(_number(w[w.index(key, k) + 1]))
                elif line.startswith("Name="):
                    iface(line[5:].strip())
                elif line.startswith(("InterfaceId=", "Key=", "InputKey=", "OutputKey=")) and \
                        _number(line.split("=", 1)[1]):
                    ids.add(_number(line.split("=", 1)[1]))
            elif p.kind == "frr":
                w = line.split()
                if w[:2] == ["router", "bgp"] and len(w) > 2 and w[2].isdigit() and asn is None:
                    asn, asn_line = int(w[2]), i
                elif w[:2] == ["bgp", "router-id"] and len(w) > 2 and rid is None:
                    rid = _ip(w[2])
            elif p.kind == "bird":
                m = re.match(r"router id ([\d.]+);", line)
                if m and rid is None:
                    rid = _ip(m.group(1))
                m = re.match(r"local\s+(?:[\d.]+\s+)?as\s+(\d+);", line)
                if m and asn is None:
                    asn, asn_line = int(m.group(1)), i
    return Inventory(numbers={"if_id": frozenset(ids), "interface": frozenset(nums)},
                     names={"connection": frozenset(conns)}, peers=tuple(peers), bgp_asn=asn, bgp_router_id=rid,
                     bgp_line=asn_line, interfaces=frozenset(ifaces))
