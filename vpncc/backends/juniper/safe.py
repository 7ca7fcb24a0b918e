"""Safe changes for Junos (docs/safe-changes.md): allocation against the running config, the objects that
may collide without it, and the statements that act beyond the two tunnels."""

from __future__ import annotations

from typing import Any

from ...ir import Connection, Routing
from ...profile import Profile
from ...running import Allocation, RunningConflict, customer_asn, free_name, lowest_free
from ...validate.model import DeviceConfig
from .render import longest_name, outside_interface

_NAMED = ("ike-proposal", "ike-policy", "ike-gateway", "ipsec-proposal", "ipsec-policy", "ipsec-vpn",
          "policy-statement", "bgp-group")


def _fits(s: str) -> str:
    # every object name is the prefix plus at most "-99-108" (render.longest_name): 32 characters in all
    while longest_name(s) > 32:
        s = s[:-1]
    return s


def _zone_of(running: DeviceConfig, ifaces: set[str]) -> set[str]:
    zones = getattr(running, "iface_zone", {})
    return {zones[i] for i in ifaces if i in zones}


def allocate(conn: Connection, profile: Profile, running: DeviceConfig) -> Allocation:
    inv = running.inventory
    problems: list[str] = []
    header: list[str] = []
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for t in conn.tunnels:
        p = inv.peer(t.outside.aws)
        if p is not None:
            problems.append(f"tunnel {t.number}: AWS endpoint {t.outside.aws} is already configured ({p.name}, line "
                            f"{p.line}); fix that tunnel with `vpncc validate --remediation` instead of adding a "
                            "second one")
    outside = outside_interface(profile)
    if inv.addresses and outside not in inv.addresses:
        problems.append(f"outside interface {outside} has no IPv4 address on this device (interfaces with one: "
                        f"{', '.join(sorted(inv.addresses))}): give --outside-interface")
    elif profile.local_address is not None and inv.addresses.get(outside):
        if profile.local_address not in {a.ip for a in inv.addresses[outside]}:
            problems.append(f"--local-address {profile.local_address} is not an address of {outside} "
                            f"({', '.join(str(a.ip) for a in inv.addresses[outside])})")
    if problems:
        raise RunningConflict("juniper", problems)

    taken = set().union(*(inv.taken(k) for k in _NAMED))
    prefix = profile.name_prefix or "aws-vpn"
    if any(n == prefix or n.startswith(prefix + "-") for n in taken):
        new = free_name(prefix, taken, _fits)
        changes["name_prefix"] = new
        header.append(f"name prefix {new} (objects named {prefix}-... exist)")
    n_tun = len(conn.tunnels)
    u0 = lowest_free(inv.used("st0"), n_tun, profile.tunnel_start or 1, block=True)[0]
    changes["tunnel_start"] = u0
    header.append(f"st0 units st0.{u0}-st0.{u0 + n_tun - 1}")
    # zones the device already uses for the same purpose (a new tunnel goes where the others are)
    st0_zones = _zone_of(running, {i for i in getattr(running, "iface_zone", {}) if i.startswith("st0.")})
    if profile.zone not in inv.zones and len(st0_zones) == 1:
        changes["zone"] = next(iter(st0_zones))
        header.append(f"tunnel zone {changes['zone']} (the zone of the device's st0 units)")
    out_zone = _zone_of(running, {outside})
    if out_zone and profile.outside_zone not in out_zone:
        changes["outside_zone"] = next(iter(out_zone))
        header.append(f"outside zone {changes['outside_zone']} (the zone of {outside})")
    lan = {i for i, addrs in inv.addresses.items()
           if any(a.network.overlaps(n) for a in addrs for n in profile.local_networks)}
    lan_zones = _zone_of(running, lan)
    if profile.lan_zone not in inv.zones and len(lan_zones) == 1:
        changes["lan_zone"] = next(iter(lan_zones))
        header.append(f"LAN zone {changes['lan_zone']} (the zone of the interface holding the local networks)")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None and profile.routing_instance is None:
        extra["system_as"] = inv.bgp_asn
        want = customer_asn(conn)
        header.append(f"BGP: the router's AS {inv.bgp_asn} and router-id {inv.bgp_router_id or '(chosen by Junos)'} "
                      "are kept (no routing-options written)"
                      + (f"; the AWS sessions use local-as {want}" if want is not None and want != inv.bgp_asn else ""))
    mss = min(t.tcp_mss for t in conn.tunnels)
    have = getattr(running, "flow_mss", None)
    if have is not None and have[0] <= mss:
        extra["flow_mss_kept"] = True
        header.append(f"security flow tcp-mss ipsec-vpn mss {have[0]} kept (at most the {mss} these tunnels need)")
    else:
        extra["unit_mss"] = True
        header.append("TCP MSS clamped on each st0 unit (family inet tcp-mss); security flow tcp-mss untouched")
    return Allocation(profile=changes, extra=extra, header=tuple(header))


def may_collide(conn: Connection, profile: Profile) -> list[str]:
    prefix = profile.name_prefix or "aws-vpn"
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    out = [f"interfaces st0 unit {start}-{start + len(conn.tunnels) - 1}",
           f"security ike/ipsec proposal, policy, gateway and vpn names {prefix}-N, address-book {prefix}-local/remote-N, "
           f"security policies {prefix}-in/-out",
           "security ike gateway address " + ", ".join(str(t.outside.aws) for t in conn.tunnels),
           f"security zones {profile.zone or 'vpn'}, {profile.outside_zone or 'untrust'}, {profile.lan_zone or 'trust'} "
           "(compile with --running to use the zones the device has)"]
    if conn.routing is Routing.BGP:
        out.append(f"policy-statement {prefix}-export/-export-backup/-import-backup, bgp group {prefix}, "
                   "routing-options router-id / autonomous-system")
    return out


def outside_changes(conn: Connection, profile: Profile, extra: dict[str, Any]) -> list[str]:
    out = []
    mss = {t.tcp_mss for t in conn.tunnels}
    if len(mss) == 1 and not extra.get("flow_mss_kept") and not extra.get("unit_mss"):
        out.append(f"security flow tcp-mss ipsec-vpn mss {next(iter(mss))}: clamps TCP MSS for every IPsec VPN "
                   "of the device (compile with --running to clamp on these st0 units only)")
    out.append(f"security zones security-zone {profile.outside_zone or 'untrust'} host-inbound-traffic "
               "system-services ike: IKE accepted on every interface of that zone")
    if conn.routing is Routing.BGP:
        if "system_as" not in extra:
            out.append("routing-options router-id / autonomous-system: on a router that already runs BGP, a new "
                       "router-id or AS resets every session (compile with --running to keep them)")
        if profile.bgp_mode == "ecmp":
            out.append("ECMP in the forwarding table needs a load-balance per-packet policy on routing-options "
                       "forwarding-table export (device-wide: not generated)")
    return out
