"""Safe changes for the ASA (docs/safe-changes.md): allocation against the running config, the objects
that may collide without it, and the statements that act beyond the two tunnels."""

from __future__ import annotations

from typing import Any

from ...ir import Connection, Routing
from ...profile import Profile
from ...running import Allocation, RunningConflict, customer_asn, free_name, lowest_free, owned_addresses
from ...validate.model import DeviceConfig
from . import names as N
from .render import context


def _counts(conn: Connection, profile: Profile, fmt: str | None) -> int:
    """How many IKE policy numbers the output uses (IKEv1 and IKEv2 policies both count from the start)."""
    ctx = context(conn, profile, "", fmt)
    return max(len(ctx["v1_policies"]), len(ctx["v2_policies"]))


def _objects(prefix: str, conn: Connection, fmt: str | None) -> list[str]:
    """The names the output defines (nameifs, IPsec profiles, transform sets, route-maps...)."""
    out = [prefix, f"{prefix}-backup-in", f"{prefix}-backup-out", f"{prefix}-out", f"{prefix}-acl",
           f"{prefix}-map"]
    for t in conn.tunnels:
        out += [f"{prefix}-{t.number}", f"{prefix}-{t.number}-1", f"{prefix}-{t.number}-gcm"]
    return out


def _fits(s: str) -> str:
    # nameifs (prefix-N) are the shortest limit; object names end in -backup-out
    return s[:min(N.MAX_NAMEIF - 6, N.MAX_NAME - len("-backup-out"))]


def allocate(conn: Connection, profile: Profile, running: DeviceConfig, fmt: str | None) -> Allocation:
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
    outside = profile.outside_interface or "outside"
    if inv.interfaces and outside not in inv.interfaces:
        problems.append(f"outside interface {outside!r} is not a nameif of this ASA (it has: "
                        f"{', '.join(sorted(inv.interfaces))}): give --outside-interface")
    if profile.local_address is not None and inv.addresses.get(outside):
        owned = owned_addresses(inv, outside)
        if profile.local_address not in owned:
            problems.append(f"--local-address {profile.local_address} is not an address of {outside} "
                            f"({', '.join(str(a.ip) for a in inv.addresses[outside])})")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None:
        want = customer_asn(conn)
        if want is not None and want != inv.bgp_asn:
            problems.append(f"the ASA runs BGP AS {inv.bgp_asn} (router bgp, line {inv.bgp_line}) and this "
                            f"connection's customer gateway uses AS {want}: the ASA runs one BGP process; "
                            f"recreate the customer gateway with ASN {inv.bgp_asn}")
        extra["bgp_reuse"] = True
        header.append(f"BGP: the ASA's AS {inv.bgp_asn} and router-id "
                      f"{inv.bgp_router_id or '(chosen by the ASA)'} are kept (no bgp router-id written)")
    if problems:
        raise RunningConflict("cisco-asa", problems)

    taken = set().union(*inv.names.values()) if inv.names else set()
    prefix = profile.name_prefix or "aws-vpn"
    if any(o in taken for o in _objects(prefix, conn, fmt)):
        new = free_name(prefix, taken, _fits)
        changes["name_prefix"] = new
        header.append(f"name prefix {new} (objects named {prefix}-... exist)")
    if fmt == "policy":
        bound = inv.crypto_maps.get(outside)
        if bound is not None:
            # one crypto map per interface (Cisco ASA VPN CLI Book 3, "Apply Crypto Maps to Interfaces"): the
            # new entry joins the map already bound there, at a free sequence number; no rebinding
            seq = lowest_free(inv.used(f"crypto-map:{bound}"), 1, 10, limit=65535)[0]
            extra["crypto_map"] = (bound, seq, True)
            header.append(f"crypto map {bound} (bound to {outside}) entry {seq}; the binding is kept")
        else:
            header.append(f"crypto map {_fits(prefix)}-map bound to {outside} (no crypto map there)")
    else:
        n_tun = len(conn.tunnels)
        t0 = lowest_free(inv.used("tunnel"), n_tun, profile.tunnel_start or 1, block=True)[0]
        changes["tunnel_start"] = t0
        header.append(f"tunnel interfaces Tunnel{t0}-Tunnel{t0 + n_tun - 1}")
        for iface, cmap in sorted(inv.crypto_maps.items()):
            if iface == outside:
                header.append(f"{outside} carries crypto map {cmap}: the ASA runs it beside these VTIs")
    n_pol = _counts(conn, profile, fmt)
    if n_pol:
        used = inv.used("ikev1-policy") | inv.used("ikev2-policy")
        p0 = lowest_free(used, n_pol, profile.isakmp_policy_start or 200, block=True, limit=65535)[0]
        changes["isakmp_policy_start"] = p0
        header.append(f"IKE policies {p0}" + (f"-{p0 + n_pol - 1}" if n_pol > 1 else ""))
    mss = min(t.tcp_mss for t in conn.tunnels)
    have = inv.used("sysopt-tcpmss")
    if have and min(have) <= mss:
        extra["keep_sysopt"] = min(have)
        header.append(f"sysopt connection tcpmss {min(have)} kept (at most the {mss} these tunnels need)")
    return Allocation(profile=changes, extra=extra, header=tuple(header))


def may_collide(conn: Connection, profile: Profile, fmt: str | None) -> list[str]:
    prefix = profile.name_prefix or "aws-vpn"
    outside = profile.outside_interface or "outside"
    out = []
    if fmt == "policy":
        out.append(f"crypto map {prefix}-map 10 and its binding to {outside} (the ASA binds one crypto map per "
                   "interface)")
    else:
        start = profile.tunnel_start if profile.tunnel_start is not None else 1
        out.append(f"interface Tunnel{start}-Tunnel{start + len(conn.tunnels) - 1}, nameifs {prefix}-N")
    n_pol = _counts(conn, profile, fmt)
    if n_pol:
        p0 = profile.isakmp_policy_start or 200
        out.append(f"crypto ikev1/ikev2 policy {p0}" + (f"-{p0 + n_pol - 1}" if n_pol > 1 else ""))
    out.append(f"transform-set / ipsec-proposal / ipsec profile names {prefix}-N, group-policy {prefix}")
    out.append("tunnel-group " + ", ".join(str(t.outside.aws) for t in conn.tunnels))
    if conn.routing is Routing.BGP:
        out.append(f"prefix-list {prefix}-out, route-map {prefix}-backup-in/-out, router bgp (AS, router-id)")
    return out


def outside_changes(conn: Connection, profile: Profile, fmt: str | None, extra: dict[str, Any]) -> list[str]:
    ctx = context(conn, profile, "", fmt, extra=extra)
    outside = ctx["outside"]
    out = []
    for v in ("ikev1", "ikev2"):
        if ctx[f"{v[-2:]}_policies"]:
            label = "IKEv" + v[-1]
            out.append(f"crypto {v} policy: IKE policies are device-wide, every {label} peer may negotiate them; "
                       f"crypto {v} enable {outside} accepts {label} on {outside}")
    if ctx["policy_based"] and not ctx["map_bound"]:
        out.append(f"crypto map {ctx['map_name']} interface {outside}: replaces a crypto map already bound to "
                   f"{outside} (compile with --running to add an entry to it instead)")
    if ctx["tcp_mss"]:
        out.append(f"sysopt connection tcpmss {ctx['tcp_mss']}: TCP MSS clamping for every connection through "
                   "the ASA")
    if ctx["df_bit_clear"]:
        out.append(f"crypto ipsec df-bit clear-df {outside}: every IPsec tunnel on {outside}")
    if ctx["frag_before"]:
        out.append(f"crypto ipsec fragmentation before-encryption {outside}: every IPsec tunnel on {outside}")
    if ctx["nat_t_off"]:
        out.append("no crypto isakmp nat-traversal: NAT-T off for every IKEv1 peer (asked: nat_traversal false)")
    if conn.routing is Routing.BGP and not extra.get("bgp_reuse"):
        out.append("router bgp" + (" / bgp router-id" if ctx["bgp"] and ctx["bgp"]["router_id"] else "")
                   + ": on an ASA that already runs BGP, a new router-id resets every session (compile with "
                   "--running to keep it)")
    return out
