"""BGP on the ASA: neighbors of the one `router bgp` process, in IR terms (see vpncc.validate.model)."""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from ...validate.model import Obs
from ..cisco_common.tree import Node, expand, trie
from ..cisco_common.util import ip_or_none
from . import names as N

NEIGHBOR = trie("remote-as", "timers", "activate", "shutdown", "local-as", "description", "route-map",
                "default-originate", "password", "ebgp-multihop", "prefix-list", "distribute-list", "filter-list",
                "maximum-prefix")
#: neighbor commands that filter what the ASA announces (`... out`)
OUT_FILTERS = ("route-map", "prefix-list", "distribute-list", "filter-list")


def bgp_neighbors(bgp: list[Node], note: Callable[[Node, str], None], route_maps: set[str],
                  prefix_lists: set[str]) -> list[dict[str, Obs]]:
    """The neighbors of the ASA's one BGP process (`router bgp N`, neighbors in `address-family ipv4`).
    An outbound `route-map`, `prefix-list`, `distribute-list` or `filter-list` is the outbound filter; a
    route-map or prefix-list it names must be defined."""
    if not bgp:
        return []
    asn_word = bgp[0].arg(2, "")
    asn = int(asn_word) if asn_word.isdigit() else None
    if asn is None:
        note(bgp[0], "BGP AS number is not a number")
    nbrs: dict[str, dict[str, Any]] = {}
    timers = None
    for b in bgp:
        if b.arg(2) != asn_word:
            note(b, "a second BGP process: the ASA runs one, only the first is read")
            continue
        for c in b.children:
            lines = [c] if c.starts("neighbor") else c.find("neighbor") if c.starts("address-family") else []
            if c.starts("timers", "bgp") and c.arg(3, "").isdigit():
                timers = (int(c.words[3]), c.line)
            for cc in lines:
                words = cc.words[:2] + expand(cc.words[2:], NEIGHBOR)
                if len(words) < 3 or ip_or_none(words[1]) is None:
                    continue
                d = nbrs.setdefault(words[1], {"line": cc.line, "activate": c.starts("address-family") and False})
                cmd = words[2]
                if cmd == "remote-as" and len(words) > 3 and words[3].isdigit():
                    d["remote_as"] = (int(words[3]), cc.line)
                elif cmd == "timers" and len(words) > 4 and words[4].isdigit():
                    d["hold"] = (int(words[4]), cc.line)
                elif cmd == "activate":
                    d["activate"] = True
                elif cmd == "shutdown":
                    d["shutdown"] = cc.line
                elif cmd == "local-as" and len(words) > 3 and words[3].isdigit():
                    d["local_as"] = (int(words[3]), cc.line)
                elif cmd == "maximum-prefix" and len(words) > 3 and words[3].isdigit():
                    d["max_prefix"] = (int(words[3]), cc.line)
                elif cmd in OUT_FILTERS and words[-1] == "out" and len(words) > 4:
                    d["out"] = (cmd, words[3], cc.line)
    out = []
    for ip, d in nbrs.items():
        nb: dict[str, Obs] = {"neighbor": Obs(ipaddress.IPv4Address(ip), d["line"]),
                              "_router_asn": Obs(asn_word, bgp[0].line)}
        if "remote_as" in d:
            nb["aws_asn"] = Obs(*d["remote_as"])
        if "local_as" in d:
            nb["customer_asn"] = Obs(*d["local_as"])
        elif asn is not None:
            nb["customer_asn"] = Obs(asn, bgp[0].line)
        hold = d.get("hold") or timers
        nb["hold_time_s"] = Obs(*hold) if hold else Obs(N.BGP_DEFAULT_HOLD, d["line"])
        if "out" in d:
            kind, name, line = d["out"]
            nb["outbound_filter"] = Obs(True, line)
            nb["_outbound"] = Obs((kind, name), line)
            defined = route_maps if kind == "route-map" else prefix_lists if kind == "prefix-list" else None
            if defined is not None:
                nb["export_policy_defined"] = Obs(name in defined, line,
                                                  note="" if name in defined else f"{kind} {name} is not defined")
        else:
            nb["outbound_filter"] = Obs(False, d["line"])
        # `neighbor X maximum-prefix N`: what the ASA accepts from AWS is limited (VPN507 otherwise)
        mp = d.get("max_prefix")
        nb["inbound_limit"] = Obs(mp is not None and mp[0] > 0, mp[1] if mp else d["line"])
        if "shutdown" in d:
            nb["enabled"] = Obs(False, d["shutdown"])
        elif not d.get("activate"):
            nb["enabled"] = Obs(False, d["line"])  # ASA neighbors need `activate` in the address family
        out.append(nb)
    return out
