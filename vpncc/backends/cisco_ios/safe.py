"""Safe changes for IOS (docs/safe-changes.md): allocation against the running config, the objects that
may collide without it, and the statements that act beyond the two tunnels."""

from __future__ import annotations

from typing import Any

from ...ir import Connection, IkeVersion, Routing
from ...profile import Profile
from ...running import Allocation, RunningConflict, customer_asn, free_name, lowest_free, owned_addresses
from ...validate.model import DeviceConfig
from . import names as N
from .render import _weak_on_strict_release, context


def _counts(conn: Connection, profile: Profile) -> int:
    """How many ISAKMP policies the output numbers (one per encryption/hash/group of the IKEv1 tunnels)."""
    return len(context(conn, profile, "")["policies"])


def _objects(prefix: str, conn: Connection) -> list[str]:
    return [f"{prefix}-{t.number}" for t in conn.tunnels] + [f"{prefix}-out", f"{prefix}-backup-in",
                                                              f"{prefix}-backup-out", prefix]


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
    outside = profile.outside_interface
    if inv.interfaces and outside not in inv.interfaces:
        phys = sorted(i for i in inv.interfaces if not i.lower().startswith(("tunnel", "loopback")))
        problems.append(f"outside interface {outside!r} does not exist on this router (it has: "
                        f"{', '.join(phys) or 'none'}): give --outside-interface")
    if profile.local_address is not None and inv.addresses:
        owned = owned_addresses(inv)
        if profile.local_address not in owned:
            problems.append(f"--local-address {profile.local_address} is not an address of this router")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None:
        want = customer_asn(conn)
        if want is not None and want != inv.bgp_asn:
            problems.append(f"the router runs BGP AS {inv.bgp_asn} (router bgp, line {inv.bgp_line}) and this "
                            f"connection's customer gateway uses AS {want}: IOS runs one BGP process; recreate the "
                            f"customer gateway with ASN {inv.bgp_asn}")
        extra["bgp_reuse"] = True
        header.append(f"BGP: the router's AS {inv.bgp_asn} and router-id "
                      f"{inv.bgp_router_id or '(chosen by IOS)'} are kept (no bgp router-id written)")
    for iface, cmap in sorted(inv.crypto_maps.items()):
        if iface == outside:
            header.append(f"{outside} carries crypto map {cmap}: IOS runs it beside these VTIs (its ISAKMP "
                          "policies are shared)")
    if problems:
        raise RunningConflict("cisco-ios", problems)
    # IKEv2: IOS takes one policy per local address; an existing one for ours gets our proposals added
    # (a second policy matching the same address would leave one connection's proposals unused)
    existing: dict[str, str] = {}
    for item in sorted(inv.taken("ikev2-policy-match")):
        pol, _, addr = item.partition(" ")
        existing.setdefault(addr, pol)
    if any(t.ike.version is IkeVersion.IKEV2 for t in conn.tunnels):
        for t in conn.tunnels:
            own = str(profile.local_address or t.outside.customer)
            if own in existing:
                extra.setdefault("ikev2_policies", {})[own] = existing[own]
        for addr, pol in sorted(extra.get("ikev2_policies", {}).items()):
            header.append(f"IKEv2 policy {pol} (matches local address {addr}): the proposals are added to it")

    taken = set().union(*inv.names.values()) if inv.names else set()
    prefix = profile.name_prefix or "aws-vpn"
    if any(o in taken for o in _objects(prefix, conn)):
        new = free_name(prefix, taken, lambda s: s[:N.MAX_NAME - len("-backup-out")])
        changes["name_prefix"] = new
        header.append(f"name prefix {new} (objects named {prefix}-... exist)")
    n_tun = len(conn.tunnels)
    t0 = lowest_free(inv.used("tunnel"), n_tun, profile.tunnel_start or 1, block=True)[0]
    changes["tunnel_start"] = t0
    header.append(f"tunnel interfaces Tunnel{t0}-Tunnel{t0 + n_tun - 1}")
    n_pol = _counts(conn, profile)
    if n_pol:
        p0 = lowest_free(inv.used("isakmp-policy"), n_pol, profile.isakmp_policy_start or 200, block=True,
                         limit=65535)[0]
        changes["isakmp_policy_start"] = p0
        header.append(f"ISAKMP policies {p0}" + (f"-{p0 + n_pol - 1}" if n_pol > 1 else ""))
    return Allocation(profile=changes, extra=extra, header=tuple(header))


def may_collide(conn: Connection, profile: Profile) -> list[str]:
    prefix = profile.name_prefix or "aws-vpn"
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    out = [f"interface Tunnel{start}-Tunnel{start + len(conn.tunnels) - 1}"]
    n_pol = _counts(conn, profile)
    if n_pol:
        p0 = profile.isakmp_policy_start or 200
        out.append(f"crypto isakmp policy {p0}" + (f"-{p0 + n_pol - 1}" if n_pol > 1 else ""))
    out.append(f"crypto keyring/profile, transform-set, ipsec profile names {prefix}-N")
    if conn.routing is Routing.BGP:
        out.append(f"ip prefix-list {prefix}-out, route-map {prefix}-backup-in/-out, router bgp (AS, router-id)")
    return out


def outside_changes(conn: Connection, profile: Profile, reuse_bgp: bool = False,
                    extra: dict[str, Any] | None = None) -> list[str]:
    out = []
    ctx = context(conn, profile, "", extra=extra or {})
    if ctx["policies"]:
        out.append("crypto isakmp policy: ISAKMP policies are device-wide, every IKEv1 peer may negotiate them")
    for p in ctx["v2_policies"]:
        if p.get("existing"):
            out.append(f"crypto ikev2 policy {p['name']}: the device's policy for {p['local']} gets these proposals "
                       "(every IKEv2 peer on that address may negotiate them)")
    if ctx["df_bit_clear"]:
        out.append("crypto ipsec df-bit clear: every IPsec tunnel of the router clears DF")
    if ctx["frag_before"]:
        out.append("crypto ipsec fragmentation before-encryption: every IPsec tunnel of the router")
    if ctx["nat_t_off"]:
        out.append("no crypto ipsec nat-transparency udp-encapsulation: NAT-T off for every peer (asked: "
                   "nat_traversal false)")
    if _weak_on_strict_release(conn, profile):
        out.append("crypto engine compliance shield disable: weak algorithms allowed device-wide (the suite needs "
                   "a weak DH group; --crypto recommended avoids it)")
    if conn.routing is Routing.BGP and not reuse_bgp:
        out.append("router bgp" + (f" / bgp router-id {profile.bgp_router_id}" if profile.bgp_router_id else "")
                   + ": on a router that already runs BGP, a new router-id resets every session (compile with "
                   "--running to keep it)")
    return out
