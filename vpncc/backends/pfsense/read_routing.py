"""Routing in a pfSense config.xml, in IR terms: static routes (and policy-routing rules) resolved
through gateways to tunnels, and the FRR package's BGP neighbors (GUI sections or raw bgpd config)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from typing import Any

from ...validate.model import DeviceTunnel, Obs
from . import names as N
from .read import _Ctx, _int, _ip, _net
from .xmlread import Node


def _gateways(ctx: _Ctx) -> tuple[dict[str, tuple[ipaddress.IPv4Address | None, str, int]], dict[str, list[str]]]:
    gws: dict[str, tuple[ipaddress.IPv4Address | None, str, int]] = {}
    groups: dict[str, list[str]] = {}
    sec = ctx.doc.section("gateways") if ctx.doc.root.tag == "pfsense" else None
    items = sec.findall("gateway_item") if sec is not None else []
    for g in items:
        if g.has("disabled"):
            continue
        gws[g.get("name")] = (_ip(g.get("gateway")), g.get("interface"), g.line)
    for gi, g in enumerate(sec.findall("gateway_group") if sec is not None else []):
        groups[g.get("name")] = [i.text.split("|")[0] for i in g.findall("item")]
        ctx.dc.groups[g.get("name")] = (gi, groups[g.get("name")])
    # get_gateways(): an enabled VTI with an IPv4 remote gets "<DESCR>_VTIV4" unless a configured
    # gateway already covers that interface under the description's name or as a dynamic gateway
    for meta in ctx.dc.meta.values():
        if not meta.ifname or meta.remote_inside is None:
            continue
        iface = ctx.iface(meta.ifname)
        if iface is None or not iface.has("enable"):
            continue
        friendly = (iface.get("descr") or meta.ifname).upper()
        covered = any(g.get("interface") == meta.ifname and (g.get("name") == friendly or g.get("gateway") == "dynamic")
                      for g in items)
        if covered:
            for g in items:
                if g.get("interface") == meta.ifname and g.get("gateway") == "dynamic":
                    gws[g.get("name")] = (meta.remote_inside, meta.ifname, g.line)
        else:
            gws.setdefault(f"{friendly}_VTIV4", (meta.remote_inside, meta.ifname, iface.line))
    return gws, groups


def _tunnel_for_gateway(ctx: _Ctx, ip: ipaddress.IPv4Address | None, ifname: str) -> list[str]:
    out = []
    for name, m in ctx.dc.meta.items():
        if (ip is not None and m.inside is not None and ip in m.inside.network) or (ifname and m.ifname == ifname):
            out.append(name)
    return out


def _static_routes(ctx: _Ctx, tunnels: dict[str, DeviceTunnel]) -> None:
    if ctx.doc.root.tag != "pfsense":
        return
    gws, groups = _gateways(ctx)
    for gname, (ip, ifname, _) in gws.items():
        for tn in _tunnel_for_gateway(ctx, ip, ifname):
            ctx.dc.meta[tn].gateways.append(gname)
    found: dict[str, list[tuple[ipaddress.IPv4Network, int]]] = {}

    def add(gwname: str, net: ipaddress.IPv4Network, line: int) -> None:
        for member in groups.get(gwname, [gwname]):
            if member not in gws:
                continue
            ip, ifname, _ = gws[member]
            for tn in _tunnel_for_gateway(ctx, ip, ifname):
                found.setdefault(tn, []).append((net, line))

    sr = ctx.doc.section("staticroutes")
    for ri, r in enumerate(sr.findall("route") if sr is not None else []):
        net = _net(r.get("network"))
        if net is not None:
            ctx.dc.route_index[str(net)] = (ri, r.get("gateway"))
        if r.has("disabled") or net is None:
            continue
        add(r.get("gateway"), net, r.line)
    rules = ctx.doc.rules
    if rules is not None:
        ctx.dc.first_rule = {k: i for k, (i, _) in rules.first.items()}
    for _, rule in rules.routed if rules is not None else []:
        gw = rule.get("gateway")
        if not gw or rule.has("disabled") or rule.get("type", "pass") != "pass":
            continue
        dst = rule.find("destination")
        net = _net(dst.get("address")) if dst is not None and dst.get("address") else None
        if net is None:
            continue
        add(gw, net, rule.line)
    for tn, entries in found.items():
        t = tunnels[tn]
        prev = t.get("static_routes")
        nets = list(prev.value) if prev else []
        for n, _ in entries:
            if n not in nets:
                nets.append(n)
        t.set("static_routes", tuple(nets), prev.line if prev else entries[0][1])


_RAW_NEI = re.compile(r"^\s*neighbor\s+(\S+)\s+(remote-as|local-as|timers|shutdown|peer-group|route-map|prefix-list|"
                      r"distribute-list)\b\s*(.*)$")


def _bgp(ctx: _Ctx) -> None:
    pk = ctx.pk
    if pk is None:
        return
    frr = pk.path("frr", "config")
    bgp = pk.path("frrbgp", "config")
    ctx.dc.frr_present = frr is not None or bgp is not None
    raw = pk.path("frrglobalraw", "config", "bgpd")
    if raw is not None and raw.text:
        _bgp_raw(ctx, raw)
        return
    nbs = pk.find("frrbgpneighbors")
    if nbs is None:
        return
    # package checkboxes are stored as "on" when ticked and as an empty element when not (pkg_edit.php);
    # frr_bgp.inc tests them with !empty()
    on = bool(frr is not None and frr.get("enable") and bgp is not None and bgp.get("enable")
              and not bgp.get("shutdown"))
    if on:
        off_line = None
    elif bgp is not None and not bgp.get("enable"):
        off_line = bgp.line_of("enable")
    else:
        off_line = frr.line_of("enable") if frr is not None else nbs.line
    asn = _int(bgp.get("asnum")) if bgp is not None else None
    g_hold = None
    if bgp is not None and _int(bgp.get("timers_keepalive")) is not None and _int(bgp.get("timers_holdtime")) is not None:
        g_hold = (_int(bgp.get("timers_holdtime")), bgp.line_of("timers_holdtime"))
    confs = nbs.findall("config")
    groups = {c.get("peer"): c for c in confs if _ip(c.get("peer")) is None}
    for idx, c in enumerate(confs):
        peer = _ip(c.get("peer"))
        if peer is None:
            continue
        ctx.dc.neighbor_index[str(peer)] = idx
        grp = groups.get(c.get("peergroup"))

        def pick(tag: str, c: Node = c, grp: Node | None = grp) -> Node | None:
            if c.get(tag):
                return c.find(tag)
            return grp.find(tag) if grp is not None and grp.get(tag) else None

        nb: dict[str, Obs] = {"neighbor": Obs(peer, c.line_of("peer"))}
        ras = pick("asnum")
        if ras is not None and _int(ras.text) is not None:
            nb["aws_asn"] = Obs(_int(ras.text), ras.line)
        las = pick("localas_num")
        if las is not None and _int(las.text) is not None:
            nb["customer_asn"] = Obs(_int(las.text), las.line)
        elif asn is not None:
            nb["customer_asn"] = Obs(asn, bgp.line_of("asnum"))
        ka, ho = pick("timers_keepalive"), pick("timers_holdtime")
        if ka is not None and _int(ka.text) is not None and ho is not None and _int(ho.text) is not None:
            nb["hold_time_s"] = Obs(_int(ho.text), ho.line)
        elif g_hold is not None:
            nb["hold_time_s"] = Obs(g_hold[0], g_hold[1])
        else:
            nb["hold_time_s"] = Obs(N.FRR_DEFAULT_HOLD, c.line)
        nb["outbound_filter"] = _outbound_filter(pk, c, grp)
        mp = pick("maximumprefix_num")
        nb["inbound_limit"] = Obs(mp is not None and (_int(mp.text) or 0) > 0, mp.line if mp is not None else c.line)
        shut = bool(c.get("shutdown"))
        enabled = on and not shut
        nb["enabled"] = Obs(enabled, c.line_of("shutdown") if shut else (c.line if on else off_line))
        ctx.dc.bgp_neighbors.append(nb)
    adv = pk.path("frrbgpadvanced", "config")
    if ctx.dc.bgp_neighbors and not (adv is not None and adv.get("disableebgprequirepolicy")):
        # FRR's ebgp-requires-policy: an eBGP neighbor without an inbound policy (route-map, prefix-list,
        # distribute-list or filter-list in) accepts no routes, one without an outbound policy sends none
        ins = ("routemap_in", "prefixfilter_in", "distribute_in", "aspathfilter_in")
        if not any(c.get(k) not in ("", "none") for c in confs for k in ins):
            ctx.note(nbs.line, "FRR requires a policy on eBGP neighbors (ebgp-requires-policy) and no inbound one is "
                               "set: no routes from AWS will be accepted; tick BGP > Advanced > Disable eBGP Require "
                               "Policy or add an inbound route-map/prefix-list")


def _defined(pk: Node, section: str, name: str) -> bool:
    sec = pk.find(section)
    return sec is not None and any(c.get("name") == name for c in sec.findall("config"))


#: neighbor field -> the package section that must define the named object. frr_bgp.inc
#: frr_bgp_generate_neighbors() writes "neighbor X distribute-list/prefix-list/route-map NAME out"
#: only when NAME is in that list (frr_get_accesslist_list() etc.): an undefined name is dropped
#: silently, so it filters nothing.
_OUT_FILTERS = (("distribute_out", "frrglobalacls"), ("prefixfilter_out", "frrglobalprefixes"),
                ("routemap_out", "frrglobalroutemaps"))


def _outbound_filter(pk: Node, c: Node, grp: Node | None) -> Obs:
    """True when the neighbor (or its peer group: FRR members inherit the group's outbound policy)
    has an outbound prefix filter that FRR really applies."""
    for node in (c, grp):
        if node is None:
            continue
        for tag, section in _OUT_FILTERS:
            v = node.get(tag).strip()
            if v and v != "none" and _defined(pk, section, v):
                return Obs(True, node.line_of(tag))
    undefined = [f"{tag} {c.get(tag)}" for tag, _ in _OUT_FILTERS if c.get(tag).strip() not in ("", "none")]
    note = ("the outbound filter names an undefined object, which FRR's package drops: " + ", ".join(undefined)
            if undefined else "no route-map, prefix-list or distribute-list out: every route BGP has is announced")
    return Obs(False, c.line, note=note)


def _bgp_raw(ctx: _Ctx, raw: Node) -> None:
    """frr_generate_config_bgp(): a stored raw bgpd config replaces the whole GUI configuration."""
    try:
        text = base64.b64decode(raw.text, validate=False).decode("utf-8", "replace").replace("\r", "")
    except (binascii.Error, ValueError):
        ctx.note(raw.line, "FRR raw bgpd configuration is not valid base64")
        return
    ctx.note(raw.line, "BGP read from the FRR raw bgpd configuration (base64 in frrglobalraw)")
    asn = None
    g_hold = None
    peers: dict[str, dict[str, Any]] = {}
    for ln in text.split("\n"):
        m = re.match(r"^\s*router bgp (\d+)", ln)
        if m:
            asn = int(m.group(1))
            continue
        m = re.match(r"^\s*timers bgp (\d+) (\d+)", ln)
        if m:
            g_hold = int(m.group(2))
            continue
        m = _RAW_NEI.match(ln)
        if not m or _ip(m.group(1)) is None:
            continue
        p = peers.setdefault(m.group(1), {})
        kind, rest = m.group(2), m.group(3).split()
        if kind == "remote-as" and rest and rest[0].isdigit():
            p["aws_asn"] = int(rest[0])
        elif kind == "local-as" and rest and rest[0].isdigit():
            p["customer_asn"] = int(rest[0])
        elif kind == "timers" and len(rest) >= 2 and rest[0].isdigit() and rest[1].isdigit():
            p["hold_time_s"] = int(rest[1])
        elif kind == "shutdown":
            p["enabled"] = False
        elif len(rest) >= 2 and rest[1] == "out":
            p["outbound_filter"] = True
    for peer, p in peers.items():
        nb = {"neighbor": Obs(ipaddress.IPv4Address(peer), raw.line)}
        if "aws_asn" in p:
            nb["aws_asn"] = Obs(p["aws_asn"], raw.line)
        ca = p.get("customer_asn", asn)
        if ca is not None:
            nb["customer_asn"] = Obs(ca, raw.line)
        nb["hold_time_s"] = Obs(p.get("hold_time_s", g_hold or N.FRR_DEFAULT_HOLD), raw.line)
        nb["enabled"] = Obs(p.get("enabled", True), raw.line)
        # in a raw bgpd config a named filter may be defined anywhere: a reference counts
        nb["outbound_filter"] = Obs(p.get("outbound_filter", False), raw.line)
        ctx.dc.bgp_neighbors.append(nb)


