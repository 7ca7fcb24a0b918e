"""Safe changes for pfSense (docs/safe-changes.md): the inventory of a config.xml, allocation of ikeids,
reqids (VTI ipsecN) and optN slots against it (as ipsec_ikeid_next() / ipsec_new_reqid() /
interfaces_assign.php choose them: the lowest unused), the objects that may collide without it, and the
settings that act beyond the two tunnels.

Inventory kinds: numbers ``ikeid``, ``reqid`` (phase 2 reqids and ipsecN interfaces), ``opt`` (optN
slots); names ``interface-descr``, ``gateway``, ``frr-prefix-list``, ``frr-route-map``; peers: phase 1
``remote-gateway``; the FRR BGP AS and router-id.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ...ir import Connection, IkeVersion, Routing
from ...profile import Profile
from ...running import Allocation, Inventory, Peer, RunningConflict, customer_asn, lowest_free
from ...validate.model import DeviceConfig
from . import names as N


def _int(v: str | None) -> int | None:
    return int(v) if v and v.strip().isdigit() else None


def inventory(doc: Any) -> Inventory:
    ipsec = doc.section("ipsec")
    p1s = ipsec.findall("phase1") if ipsec is not None else []
    p2s = ipsec.findall("phase2") if ipsec is not None else []
    ifaces = doc.section("interfaces")
    inodes = ifaces.children if ifaces is not None else []
    reqids = {r for r in (_int(p.get("reqid")) for p in p2s) if r is not None}
    for i in inodes:  # a stale ipsecN assignment would capture the new VTI: its number is used too
        m = re.match(rf"^{N.VTI_IF_PREFIX}(\d+)$", i.get("if"))
        if m:
            reqids.add(int(m.group(1)))
    peers = []
    for p in p1s:
        try:
            peers.append(Peer(ipaddress.IPv4Address(p.get("remote-gateway")), f"phase1 ikeid {p.get('ikeid')}",
                              p.line))
        except ValueError:
            pass
    names: dict[str, set[str]] = {"interface-descr": {i.get("descr") for i in inodes if i.get("descr")},
                                  "gateway": set(), "frr-prefix-list": set(), "frr-route-map": set()}
    gws = doc.section("gateways")
    for g in (gws.children if gws is not None else []):
        if g.get("name"):
            names["gateway"].add(g.get("name"))
    pk = doc.section("installedpackages")
    asn = rid = line = None
    if pk is not None:
        for tag, kind in (("frrglobalprefixes", "frr-prefix-list"), ("frrglobalroutemaps", "frr-route-map")):
            sec = pk.find(tag)
            for c in (sec.findall("config") if sec is not None else []):
                names[kind].add(c.get("name"))
        bgp = pk.path("frrbgp", "config")
        if bgp is not None and _int(bgp.get("asnum")):
            asn, line = _int(bgp.get("asnum")), bgp.line
            try:
                rid = ipaddress.IPv4Address(bgp.get("routerid"))
            except ValueError:
                rid = None
    addrs: dict[str, tuple[ipaddress.IPv4Interface, ...]] = {}
    for i in inodes:
        try:
            addrs[i.tag] = (ipaddress.IPv4Interface(f"{i.get('ipaddr')}/{i.get('subnet') or 32}"),)
        except ValueError:
            pass
    return Inventory(
        numbers={"ikeid": frozenset(x for x in (_int(p.get("ikeid")) for p in p1s) if x is not None),
                 "reqid": frozenset(reqids),
                 "opt": frozenset(int(i.tag[3:]) for i in inodes if re.match(r"^opt\d+$", i.tag))},
        names={k: frozenset(v) for k, v in names.items()}, peers=tuple(peers), bgp_asn=asn, bgp_router_id=rid,
        bgp_line=line, interfaces=frozenset(i.tag for i in inodes), addresses=addrs)


def allocate(conn: Connection, profile: Profile, running: DeviceConfig) -> Allocation:
    from . import render as R

    inv = running.inventory
    problems: list[str] = []
    header: list[str] = []
    extra: dict[str, Any] = {}
    for t in conn.tunnels:
        p = inv.peer(t.outside.aws)
        if p is not None:
            problems.append(f"tunnel {t.number}: AWS endpoint {t.outside.aws} is already configured ({p.name}, line "
                            f"{p.line}); fix it with `vpncc validate --remediation` instead of adding a second phase 1")
    if inv.interfaces and (profile.outside_interface or "wan") not in inv.interfaces \
            and not (profile.outside_interface or "").startswith("_vip"):
        problems.append(f"outside interface {profile.outside_interface!r} is not assigned on this firewall")
    if conn.routing is Routing.BGP and inv.bgp_asn is not None:
        want = customer_asn(conn)
        if want is not None and want != inv.bgp_asn:
            problems.append(f"FRR runs BGP AS {inv.bgp_asn} (frrbgp asnum, line {inv.bgp_line}) and this connection's "
                            f"customer gateway uses AS {want}: recreate the customer gateway with ASN {inv.bgp_asn}")
        extra["bgp_reuse"] = True
        header.append(f"BGP: FRR's AS {inv.bgp_asn} and router-id {inv.bgp_router_id or '(FRR chooses)'} are kept")
    taken = {n for k in ("interface-descr", "gateway", "frr-prefix-list", "frr-route-map") for n in inv.taken(k)}
    mine = {R.iface_descr(profile, t) for t in conn.tunnels} | {R.group_name(profile), *R.prefix_names(profile)}
    if mine & taken:
        problems.append("objects named " + ", ".join(sorted(mine & taken)) + " exist: give another --name-prefix")
    if running.__dict__.get("retransmit_set"):
        extra["keep_retransmit"] = True
        header.append("IKEv2 retransmit: the firewall's own VPN > IPsec > Advanced values are kept")
    if problems:
        raise RunningConflict("pfsense", problems)
    n = len(conn.tunnels)
    ikeids = lowest_free(inv.used("ikeid"), n, profile.ikeid_start or 1)
    reqids = lowest_free(inv.used("reqid"), n)
    ifnames = [f"opt{k}" for k in lowest_free(inv.used("opt"), n)]
    lbl = R.label(conn, profile)
    extra["plan"] = R.Plan(ikeids=ikeids, reqids=reqids, ifnames=ifnames,
                           uniqids=[R.uniqid(lbl, t.number, r) for t, r in zip(conn.tunnels, reqids, strict=False)],
                           profile=profile)
    header.append("ikeids " + ", ".join(map(str, ikeids)) + "; reqids (VTI ipsecN) " + ", ".join(map(str, reqids))
                  + "; interfaces " + ", ".join(ifnames))
    return Allocation(extra=extra, header=tuple(header))


def may_collide(conn: Connection, profile: Profile) -> list[str]:
    from . import render as R

    plan = R.fixed_plan(conn, profile)
    out = [f"phase 1 ikeid {', '.join(map(str, plan.ikeids))}, phase 2 reqid {', '.join(map(str, plan.reqids))}, "
           f"interfaces {', '.join(plan.ifnames)} (the merge format or --running chooses free ones)"]
    if conn.routing is Routing.BGP:
        out.append("FRR prefix lists " + ", ".join(R.prefix_names(profile)) + "; FRR BGP AS and router-id")
    return out


def outside_changes(conn: Connection, profile: Profile, keep_retransmit: bool = False,
                    reuse_bgp: bool = False) -> list[str]:
    out = []
    if any(t.ike.version is IkeVersion.IKEV2 for t in conn.tunnels) and not keep_retransmit:
        out.append(f"VPN > IPsec > Advanced: IKEv2 Retransmit tries {N.COMPILE_RETRANSMIT_TRIES} (charon-wide, every "
                   "IKEv2 tunnel; needed for AWS's dead-peer bound, see docs/safe-changes.md)")
    if conn.routing is Routing.BGP:
        if not reuse_bgp:
            out.append("FRR BGP: AS number and router-id are device-wide (an FRR that already runs BGP keeps its own "
                       "with --running)")
        if profile.local_networks:
            out.append("FRR BGP networks: announced to every neighbor whose outbound filter lets them through")
    return out
