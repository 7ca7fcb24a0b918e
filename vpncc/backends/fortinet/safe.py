"""Safe changes for FortiOS (docs/safe-changes.md): the inventory of a running config, allocation against
it, the objects that may collide without it, and the statements that act beyond the two tunnels.

Inventory kinds: names ``phase1`` (phase1-interface and phase1 entries), ``phase2``, ``interface``
(system interface), ``policy`` (firewall policy names); numbers ``policy-id``; peers: phase 1 ``remote-gw``;
the BGP ``as`` / ``router-id``; zones; VRFs (``set vrf`` of the interfaces).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from ...ir import Connection, Routing
from ...profile import Profile
from ...running import Allocation, Inventory, Peer, RunningConflict, customer_asn, owned_addresses
from ...validate.model import DeviceConfig
from .fortios_config import Node


def _ip(v: str | None) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(v or "")
    except ValueError:
        return None


def inventory(scopes: list[tuple[str | None, dict[str, Node]]]) -> Inventory:
    names: dict[str, set[str]] = {"phase1": set(), "phase2": set(), "interface": set(), "policy": set()}
    ids: set[int] = set()
    peers: list[Peer] = []
    zones: set[str] = set()
    vrfs: set[str] = set()
    addrs: dict[str, list[ipaddress.IPv4Interface]] = {}
    asn = rid = line = None
    for _vdom, t in scopes:
        for table in ("vpn ipsec phase1-interface", "vpn ipsec phase1"):
            for e in (t[table].edits.values() if table in t else ()):
                names["phase1"].add(e.name)
                gw = _ip(e.first("remote-gw"))
                if gw is not None:
                    peers.append(Peer(gw, f"phase1 {e.name!r}", e.line))
        for table in ("vpn ipsec phase2-interface", "vpn ipsec phase2"):
            names["phase2"].update(t[table].edits if table in t else ())
        for e in (t["system interface"].edits.values() if "system interface" in t else ()):
            names["interface"].add(e.name)
            if e.first("vrf"):
                vrfs.add(e.first("vrf"))
            ip = e.get("ip")
            if ip is not None and len(ip.values) >= 2:
                try:
                    addrs.setdefault(e.name, []).append(ipaddress.IPv4Interface("/".join(ip.values[:2])))
                except ValueError:
                    pass
        zones.update(t["system zone"].edits if "system zone" in t else ())
        for e in (t["firewall policy"].edits.values() if "firewall policy" in t else ()):
            if e.name.isdigit():
                ids.add(int(e.name))
            if e.first("name"):
                names["policy"].add(e.first("name"))
        b = t.get("router bgp")
        if b is not None and b.first("as") and asn is None:
            from .read_routing import parse_asn

            asn, line = parse_asn(b.first("as")), b.get("as").line
            rid = _ip(b.first("router-id"))
    return Inventory(numbers={"policy-id": frozenset(ids)}, names={k: frozenset(v) for k, v in names.items()},
                     peers=tuple(peers), bgp_asn=asn if asn else None, bgp_router_id=rid, bgp_line=line,
                     zones=frozenset(zones), vrfs=frozenset(vrfs), interfaces=frozenset(names["interface"]),
                     addresses={k: tuple(v) for k, v in addrs.items()})


def _taken(inv: Inventory) -> set[str]:
    return {n.lower() for k in ("phase1", "phase2", "interface") for n in inv.taken(k)}


def allocate(conn: Connection, profile: Profile, running: DeviceConfig) -> Allocation:
    from .render import tunnel_names

    inv = running.inventory
    problems: list[str] = []
    header: list[str] = []
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for t in conn.tunnels:
        p = inv.peer(t.outside.aws)
        if p is not None:
            problems.append(f"tunnel {t.number}: AWS endpoint {t.outside.aws} is already configured ({p.name}, "
                            f"line {p.line}); fix it with `vpncc validate --remediation` instead of adding a "
                            "second phase 1")
    for label, name in (("outside", profile.outside_interface), ("LAN", profile.lan_interface)):
        if inv.interfaces and name and name not in inv.interfaces and name not in inv.zones:
            problems.append(f"{label} interface {name!r} does not exist on this FortiGate: give "
                            f"--{label.lower() if label == 'outside' else 'lan'}-interface")
    if profile.local_address is not None and inv.addresses:
        owned = owned_addresses(inv)
        if profile.local_address not in owned:
            problems.append(f"--local-address {profile.local_address} is not an address of this FortiGate")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None:
        want = customer_asn(conn)
        if want is not None and want != inv.bgp_asn:
            problems.append(f"the FortiGate runs BGP AS {inv.bgp_asn} (router bgp `set as`, line {inv.bgp_line}) "
                            f"and this connection's customer gateway uses AS {want}: recreate the customer "
                            f"gateway with ASN {inv.bgp_asn}")
        extra["bgp_reuse"] = True
        header.append(f"BGP: the FortiGate's AS {inv.bgp_asn} and router-id {inv.bgp_router_id or '(its own)'} are "
                      "kept (no `set as` / `set router-id` written)")
    if problems:
        raise RunningConflict("fortinet", problems)
    taken = _taken(inv)
    prof = profile
    base = profile.name_prefix or conn.vpn_connection_id or "aws-vpn"
    k = 1
    while any(n.lower() in taken or f"{n}-out".lower() in taken for n in tunnel_names(conn, prof).values()):
        k += 1
        prof = replace(profile, name_prefix=f"{base}-{k}")
    if prof is not profile:
        changes["name_prefix"] = prof.name_prefix
    names = tunnel_names(conn, prof)
    header.append("tunnel names " + ", ".join(names[t.number] for t in conn.tunnels)
                  + (" (the default names exist)" if prof is not profile else ""))
    header.append("firewall policies: `edit 0` takes the next free policy ids")
    return Allocation(profile=changes, extra=extra, header=tuple(header))


def may_collide(conn: Connection, profile: Profile) -> list[str]:
    from .render import tunnel_names

    names = list(tunnel_names(conn, profile).values())
    base = names[0].rsplit("-", 1)[0] if names else "aws-vpn"
    out = [f"phase1-interface / phase2-interface / system interface names {', '.join(names)}",
           f"firewall address and policy names {base}-...; policy ids come from `edit 0` (no collision)"]
    if conn.routing is Routing.BGP:
        out.append(f"router prefix-list / route-map {base}-out, {base}-backup-in/-out; router bgp (AS, router-id)")
    return out


def outside_changes(conn: Connection, profile: Profile, reuse_bgp: bool = False) -> list[str]:
    out = []
    if conn.routing is Routing.BGP:
        if not reuse_bgp:
            out.append("config router bgp: set as / set router-id are device-wide; on a FortiGate that already runs "
                       "BGP they change its AS or router-id and reset every session (compile with --running)")
        if profile.local_networks:
            out.append("config router bgp > config network: announced to every BGP neighbor whose outbound filter "
                       "lets them through, not only to AWS")
        if profile.bgp_mode == "ecmp":
            out.append("config router bgp: set ebgp-multipath enable (asked: --bgp-mode ecmp) applies to every eBGP "
                       "neighbor")
    return out
