"""Safe changes for strongSwan (docs/safe-changes.md): allocation against the gateway's files, the objects
that may collide without them, and what the bundle changes beyond the two tunnels."""

from __future__ import annotations

from typing import Any

from ...ir import Connection, Routing
from ...profile import Profile
from ...running import Allocation, RunningConflict, customer_asn, free_name
from ...validate.model import DeviceConfig
from . import names
from .render import options_of


def _free_start(used_ifaces: frozenset[int], used_ids: frozenset[int], count: int, start: int) -> int:
    """The first interface number n from ``start`` with xfrm/vti n..n+count-1 and their if_id/mark 100 x n
    all unused (render.tunnel_context: key = 100 x the interface number)."""
    n = start
    while any(n + k in used_ifaces or 100 * (n + k) in used_ids for k in range(count)):
        n += 1
    return n


def allocate(conn: Connection, profile: Profile, running: DeviceConfig, fmt: str, extra: dict) -> Allocation:
    inv = running.inventory
    problems: list[str] = []
    header: list[str] = []
    changes: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for t in conn.tunnels:
        p = inv.peer(t.outside.aws)
        if p is not None:
            problems.append(f"tunnel {t.number}: AWS endpoint {t.outside.aws} is already configured ({p.name}, line "
                            f"{p.line}); fix that tunnel with `vpncc validate --remediation` instead of adding a "
                            "second one")
    if problems:
        raise RunningConflict("strongswan", problems)
    prefix = profile.name_prefix or "aws-vpn"
    taken = inv.taken("connection")
    if any(c.startswith(prefix + "-tunnel") for c in taken):
        new = free_name(prefix, taken, lambda s: s[:40])
        changes["name_prefix"] = new
        header.append(f"name prefix {new} (connections named {prefix}-... exist)")
    n0 = _free_start(inv.used("interface"), inv.used("if_id"), len(conn.tunnels), profile.tunnel_start or 1)
    changes["tunnel_start"] = n0
    kind = "vti" if fmt == "legacy" else "xfrm"
    header.append(f"interfaces {kind}{n0}-{kind}{n0 + len(conn.tunnels) - 1}, "
                  f"{'marks' if fmt == 'legacy' else 'if_id'} {100 * n0}-{100 * (n0 + len(conn.tunnels) - 1)}")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None:
        routing, _ = options_of(extra)
        out["system_as"] = inv.bgp_asn
        want = customer_asn(conn)
        header.append(f"BGP: the gateway's AS {inv.bgp_asn} and router-id {inv.bgp_router_id or '(chosen by the daemon)'} "
                      f"are kept ({'no router id, device or kernel protocol written' if routing == 'bird' else 'no bgp router-id written'})"
                      + (f"; the AWS sessions use local-as {want}" if want is not None and want != inv.bgp_asn
                         and routing != "bird" else ""))
    return Allocation(profile=changes, extra=out, header=tuple(header))


def may_collide(conn: Connection, profile: Profile, fmt: str) -> list[str]:
    prefix = profile.name_prefix or "aws-vpn"
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    end = start + len(conn.tunnels) - 1
    kind = "vti" if fmt == "legacy" else "xfrm"
    out = [f"interfaces {kind}{start}-{kind}{end} with {'marks' if fmt == 'legacy' else 'if_id'} {100 * start}-{100 * end}",
           f"connections {prefix}-tunnelN",
           "remote_addrs " + ", ".join(str(t.outside.aws) for t in conn.tunnels)]
    if conn.routing is Routing.BGP:
        out.append("router bgp AS / bgp router-id (FRR), router id (BIRD)")
    return out


def outside_changes(conn: Connection, profile: Profile, fmt: str, extra: dict) -> list[str]:
    routing, _ = options_of(extra)
    out = ["net.ipv4.ip_forward = 1: the host forwards IPv4 between all its interfaces"]
    if fmt == "legacy":
        iface = profile.outside_interface or "eth0"
        out.append(f"net.ipv4.conf.{iface}.disable_xfrm = 1: {iface} no longer encrypts by IPsec policy (VTIs do)")
        out.append("charon-vpncc.conf install_routes = no: charon installs no routes for any connection of this "
                   "host (the VTI tunnels route through their interfaces)")
    if any(t.ike.version.value == "ikev2" for t in conn.tunnels):
        out.append("charon-vpncc.conf " + ", ".join(f"{k} = {v}" for k, v in names.COMPILED_RETRANSMIT.items())
                   + ": retransmission timers of every IKE SA of this charon (strongSwan has no per-connection "
                   "setting; they make a dead AWS endpoint detected within the bound)")
    if conn.routing is Routing.BGP and "system_as" not in extra:
        out.append(("bird.conf router id, protocol device and kernel" if routing == "bird" else
                    "frr.conf router bgp / bgp router-id")
                   + ": on a gateway that already runs BGP, merge instead of replacing (compile with --running to "
                   "keep its AS and router-id)")
    return out
