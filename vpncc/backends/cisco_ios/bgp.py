"""IOS `router bgp` and `ip route` -> the reader's BGP neighbors and per-tunnel static routes.

Neighbors are read from the process level, `address-family ipv4 [unicast]` and `address-family ipv4 vrf
NAME` blocks, with peer-group settings inherited (`neighbor 169.254.x.x peer-group AWS`, `neighbor AWS
remote-as 64512`). AS numbers may be asplain or asdot (`64086.59905` = 64086 x 65536 + 59905; Cisco "BGP
4-Byte ASN Support", `bgp asnotation dot`).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ...validate.model import DeviceConfig, DeviceNote, Obs
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node, expand, ifname, trie
from ..cisco_common.util import ip_or_none, net_or_none
from . import names as N

NEIGHBOR = trie("remote-as", "timers", "activate", "shutdown", "local-as", "peer-group", "description",
                "update-source", "route-map", "default-originate", "soft-reconfiguration", "next-hop-self",
                "password", "distribute-list", "ebgp-multihop", "fall-over", "send-community", "prefix-list", "filter-list",
                "maximum-prefix", "as-override", "allowas-in", "inherit")


def asn(word: str | None) -> int | None:
    """asplain (`65000`, `4200000000`) or asdot (`64086.59905`) -> int; anything else None."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    hi, dot, lo = word.partition(".")
    if dot and hi.isdigit() and lo.isdigit() and int(hi) < 65536 and int(lo) < 65536:
        return int(hi) * 65536 + int(lo)
    return None


def routes(route_nodes: list[Node], tunnel: str, inside: Obs | None) -> tuple[tuple, int | None]:
    """Global-table `ip route` destinations through this tunnel: via the interface or via a next hop
    inside its /30 (AWS's inside address)."""
    out = []
    line = None
    net30 = inside.value.network if inside is not None else None
    for r in route_nodes:
        w = r.words[2:]
        if w[:1] == ["vrf"] or len(w) < 3:
            continue
        dest = net_or_none(w[0], w[1])
        if dest is None:
            continue
        vias = [x for x in w[2:4] if not x.isdigit()]
        hit = False
        for via in vias:
            nh = ip_or_none(via)
            if (nh is None and ifname(via) == tunnel) or (nh is not None and net30 is not None and nh in net30):
                hit = True
        if hit:
            out.append(dest)
            line = line or r.line
    return uniq(out), line


def neighbors(procs_all: list[Node], dev: DeviceConfig) -> list[dict[str, Obs]]:
    if not procs_all:
        return []
    asn_word = procs_all[0].arg(2, "")
    for b in procs_all[1:]:
        if b.arg(2) != asn_word:
            dev.notes.append(DeviceNote(b.line, "a second BGP process: IOS runs one, only the first is read"))
    local_asn = asn(asn_word)
    if local_asn is None:
        dev.notes.append(DeviceNote(procs_all[0].line, f"BGP AS number {asn_word!r} is not an AS number"))
    procs = [b for b in procs_all if b.arg(2) == asn_word]
    nbrs: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    default_activate = True
    timers = None

    def handle(c: Node, auto_active: bool) -> None:
        words = c.words[:2] + expand(c.words[2:], NEIGHBOR)
        who, cmd = words[1], words[2] if len(words) > 2 else ""
        target = nbrs if ip_or_none(who) else groups
        d = target.setdefault(who, {"line": c.line})
        if auto_active:
            d.setdefault("activate", (True, c.line))
        if cmd == "remote-as" and asn(words[3] if len(words) > 3 else None) is not None:
            d["remote_as"] = (asn(words[3]), c.line)
        elif cmd == "timers" and len(words) > 4 and words[4].isdigit():
            d["hold"] = (int(words[4]), c.line)
        elif cmd == "activate":
            d["activate"] = (True, c.line)
        elif cmd == "shutdown":
            d["shutdown"] = c.line
        elif cmd == "local-as" and asn(words[3] if len(words) > 3 else None) is not None:
            d["local_as"] = (asn(words[3]), c.line)
        elif cmd == "peer-group" and len(words) > 3:
            d["group"] = words[3]
        elif cmd in ("prefix-list", "filter-list", "distribute-list") and words[-1:] == ["out"]:
            d["out_filter"] = (True, c.line)
        elif cmd == "route-map" and words[-1:] == ["out"]:
            d["out_map"] = (True, c.line)  # a route-map's match clauses are not read: unknown as a filter
        elif cmd == "maximum-prefix" and len(words) > 3 and words[3].isdigit():
            d["max_prefix"] = (int(words[3]), c.line)

    for b in procs:
        for c in b.children:
            if c.starts("neighbor") and len(c.words) > 2:
                handle(c, False)
            elif c.starts("no", "bgp", "default", "ipv4-unicast"):
                default_activate = False
            elif c.starts("timers", "bgp") and c.arg(3, "").isdigit():
                timers = (int(c.words[3]), c.line)
            elif c.starts("address-family", "ipv4"):
                kind = c.arg(2, "unicast")
                if kind not in ("unicast", "vrf"):
                    continue
                # IPv4 VRF neighbors are active in their address family without `neighbor activate`
                for cc in c.children:
                    if cc.starts("neighbor") and len(cc.words) > 2:
                        handle(cc, kind == "vrf")
                    elif cc.starts("timers", "bgp") and cc.arg(3, "").isdigit() and kind == "vrf":
                        timers = timers or (int(cc.words[3]), cc.line)
    out = []
    for ip, d in nbrs.items():
        g = groups.get(d.get("group", ""), {})

        def pick(k: str, d=d, g=g):
            return d.get(k) or g.get(k)

        nb: dict[str, Obs] = {"neighbor": Obs(ipaddress.IPv4Address(ip), d["line"]),
                              "_router_asn": Obs(asn_word, procs[0].line)}
        ra = pick("remote_as")
        if ra:
            nb["aws_asn"] = Obs(ra[0], ra[1])
        la = pick("local_as")
        if la:
            nb["customer_asn"] = Obs(la[0], la[1])
        elif local_asn is not None:
            nb["customer_asn"] = Obs(local_asn, procs[0].line)
        hold = pick("hold") or timers
        nb["hold_time_s"] = Obs(hold[0], hold[1]) if hold else Obs(N.BGP_DEFAULT_HOLD, d["line"])
        flt = pick("out_filter")
        if flt:
            nb["outbound_filter"] = Obs(True, flt[1])
        elif not pick("out_map"):
            nb["outbound_filter"] = Obs(False, d["line"], note="no prefix-list, filter-list or route-map out: "
                                        "IOS announces every best BGP path to AWS")
        mp = pick("max_prefix")
        nb["inbound_limit"] = Obs(mp is not None and mp[0] > 0, mp[1] if mp else d["line"])
        shut = pick("shutdown")
        active = default_activate or pick("activate")
        if shut is not None:
            nb["enabled"] = Obs(False, shut)
        elif not active:
            nb["enabled"] = Obs(False, d["line"])
        out.append(nb)
    return out
