"""Junos reader, second half: device tunnels from the collected objects, following the references
vpn -> gateway -> ike policy -> ike proposals, vpn -> ipsec policy -> ipsec proposals and vpn ->
bind-interface st0.N, with Junos defaults for omitted statements (names.py), then the BGP neighbors."""

from __future__ import annotations

import ipaddress
from typing import Any

from ...validate.model import Obs
from ...validate.negotiation import DpdBehaviour, Proposal
from . import names as N
from .device import JunosDevice, JunosTunnel, Obj, State, V, to_asn, to_int

# -- tunnels ------------------------------------------------------------------------------

def _proposal(st: State, table: dict[str, Obj], name: str, pline: int, pfs: tuple[int, ...],
              ike: bool) -> tuple[Proposal, V | None] | None:
    """One configured proposal as the device offers it (IKE: its dh-group; ESP: the policy's PFS group),
    and its lifetime. A proposal holds one value of each kind."""
    p = table.get(name)
    if p is None:
        st.notes.append((pline, f"{'IKE' if ike else 'IPsec'} proposal {name} is referenced but not configured"))
        return None
    unknown: list[str] = []
    enc: tuple = ()
    e = p.get("encryption-algorithm")
    if e is not None:
        v = N.READ_ENCRYPTION.get(e[0])
        enc = (v,) if v is not None else ()
        if v is None:
            unknown.append(e[0])
    integ: tuple = ()
    a = p.get("authentication-algorithm")
    if a is not None:
        v = (N.READ_IKE_INTEGRITY if ike else N.READ_ESP_INTEGRITY).get(a[0])
        integ = (v,) if v is not None else ()
        if v is None:
            unknown.append(a[0])
    dh: tuple[int, ...] = pfs
    if ike:
        g = p.get("dh-group")
        grp = N.dh_from_keyword(g[0]) if g is not None else None
        dh = (grp,) if grp is not None else ()
        if g is not None and grp is None:
            unknown.append(g[0])
    else:
        proto = p.get("protocol")
        if proto is not None and proto[0] != "esp":
            unknown.append(f"protocol {proto[0]}")
    lt = p.get("lifetime-seconds")
    life: V | None = None
    if lt is not None and not (lt[0].isascii() and lt[0].isdigit()):
        st.notes.append((lt[1], f"proposal {name}: lifetime-seconds {lt[0][:20]!r} is not a number"))
    elif lt is not None:
        life = (to_int(lt[0]), lt[1])
    return Proposal(enc, integ, dh, label=name, line=p.line, unknown=tuple(unknown)), life


def _proposals(st: State, t: JunosTunnel, kind: str, pol: Obj, names: list[V],
               pfs: tuple[int, ...]) -> tuple[list[Proposal], V | None]:
    """Every proposal of an IKE or IPsec policy in the policy's order (configured ones, else the
    predefined proposal set's), and the lifetime of the first."""
    ike = kind == "ike"
    out: list[Proposal] = []
    life: V | None = None
    if names:
        for name, pline in names:
            got = _proposal(st, st.ike_proposals if ike else st.esp_proposals, name, pline, pfs, ike)
            if got is not None:
                out.append(got[0])
                if life is None:
                    life = got[1] or ((N.DEFAULT_IKE_LIFETIME if ike else N.DEFAULT_IPSEC_LIFETIME),
                                      got[0].line)
        return out, life
    pset = pol.get("proposal-set")
    if pset is None:
        return out, life
    table = N.IKE_PROPOSAL_SETS if ike else N.IPSEC_PROPOSAL_SETS
    entries = table.get(pset[0])
    if entries is None:
        _unverified(t, f"{kind}.proposals", f"proposal-set {pset[0]} (line {pset[1]})", pset[1])
        return out, life
    for label, e, a, g in entries:
        enc = N.READ_ENCRYPTION[e]
        integ = (N.READ_IKE_INTEGRITY if ike else N.READ_ESP_INTEGRITY)[a] if a else None
        groups = (g,) if ike else (pfs or ((g,) if g else ()))
        out.append(Proposal((enc,), (integ,) if integ else (), groups, label=f"{pset[0]}: {label}", line=pset[1]))
    life = ((N.DEFAULT_IKE_LIFETIME if ike else N.DEFAULT_IPSEC_LIFETIME), pset[1])
    return out, life


def _unverified(t: JunosTunnel, prefix: str, message: str, line: int | None) -> None:
    cur = t.get("unverified")
    value = dict(cur.value) if cur is not None else {}
    value[prefix] = message
    t.set("unverified", value, cur.line if cur is not None else line)


def _flat(t: JunosTunnel, props: list[Proposal], phase: str) -> None:
    """The older flat keys (union of the proposals), kept for remediation."""
    def uniq(values) -> tuple:
        return tuple(dict.fromkeys(values))

    line = props[0].line if props else None
    enc = uniq(e for p in props for e in p.encryption)
    integ = uniq(i for p in props for i in p.integrity)
    dh = uniq(g for p in props for g in p.dh_groups)
    if enc:
        t.set(f"{phase}.encryption", enc, line)
    if phase == "ike":
        if integ:
            t.set("ike.integrity", integ, line)
        if dh:
            t.set("ike.dh_groups", dh, line)
    elif enc:
        t.set("ipsec.integrity", integ, line)


def _uniq(values: list[V]) -> tuple[tuple, int] | None:
    if not values:
        return None
    out: list[Any] = []
    for v, _ in values:
        if v not in out:
            out.append(v)
    return tuple(out), values[0][1]


def _psk(o: Obj) -> tuple[str, int, bool] | None:
    p = o.get("psk")
    if p is None:
        return None
    (kind, token), line = p
    value = N.unquote(token)
    if value.startswith("$9$"):
        return value, line, False     # Junos' reversible obfuscation: not compared
    if kind == "hexadecimal":
        try:
            return bytes.fromhex(value).decode("ascii"), line, True
        except ValueError:
            return value, line, False
    return value, line, True


def build(st: State, dev: JunosDevice) -> None:
    dev.flow_mss = st.flow_mss
    dev.units = set(st.units)
    dev.iface_zone = {i: z for z, o in st.zones.items() for i, _ in o.lists.get("interfaces", ())}
    dev.owned = {a.ip for addrs in st.addresses.values() for a, _ in addrs}
    dev.iface_inbound = {(i, k) for (_, i), o in st.zone_ifaces.items() for k in ("services", "protocols")
                         if o.lists.get(k)}
    used_gateways: set[str] = set()
    unit_nets: dict[int, list[ipaddress.IPv4Network]] = {
        u: [a.network for a, _ in o.lists.get("inet", ()) if isinstance(a, ipaddress.IPv4Interface)]
        for u, o in st.units.items()}
    for vname, vpn in st.vpns.items():
        t = JunosTunnel(name=vname, line=vpn.line)
        t.refs["vpn"] = vname
        disabled: list[tuple[int, str]] = []
        _off(disabled, vpn)
        gw_name = vpn.get("gateway")
        if gw_name is not None:
            used_gateways.add(gw_name[0])
            gw = st.gateways.get(gw_name[0])
            if gw is None:
                st.notes.append((gw_name[1], f"vpn {vname} uses IKE gateway {gw_name[0]}, which is not configured"))
                t.refs["gateway"] = gw_name[0]
            else:
                _ike(st, t, gw_name[0], gw, disabled)
        _ipsec(st, t, vpn, disabled)
        _unit(st, t, vpn, disabled, unit_nets)
        _facts(st, t)
        _disabled(t, disabled)
        dev.tunnels.append(t)
    for gname, gw in st.gateways.items():
        if gname in used_gateways:
            continue
        t = JunosTunnel(name=gname, line=gw.line)
        disabled = []
        _ike(st, t, gname, gw, disabled)
        _disabled(t, disabled)
        dev.tunnels.append(t)
    _neighbors(st, dev)


def _off(disabled: list[tuple[int, str]], o: Obj, path: tuple[str, ...] = ()) -> None:
    """Record what turns an object back on: `activate <deactivated prefix>` / `delete <path> disable`."""
    if o.inactive is not None:
        disabled.append((o.inactive, "activate " + " ".join(o.inactive_path)))
    if path and o.get("disable") is not None:
        disabled.append((o.get("disable")[1], "delete " + " ".join(path + ("disable",))))


def _disabled(t: JunosTunnel, disabled: list[tuple[int, str]]) -> None:
    if disabled:
        t.set("enabled", False, min(disabled)[0])
        t.refs["enable"] = sorted({cmd for _, cmd in disabled})


def _policy(st: State, t: JunosTunnel, kind: str, ref: V | None, owner: str,
            disabled: list[tuple[int, str]]) -> tuple[Obj, list[V]] | None:
    """The ``security ike|ipsec policy`` an owner refers to, and its proposal names (refs kept for
    remediation); a missing policy or a proposal-set (not read) becomes a note."""
    if ref is None:
        return None
    label = {"ike": "IKE", "ipsec": "IPsec"}[kind]
    t.refs[f"{kind}_policy"] = ref[0]
    pol = (st.ike_policies if kind == "ike" else st.ipsec_policies).get(ref[0])
    if pol is None:
        st.notes.append((ref[1], f"{owner} uses {label} policy {ref[0]}, which is not configured"))
        return None
    _off(disabled, pol)
    names = pol.lists.get("proposals", [])
    t.refs["ike_proposals" if kind == "ike" else "esp_proposals"] = [n for n, _ in names]
    return pol, names


def _ike(st: State, t: JunosTunnel, gname: str, gw: Obj, disabled: list[tuple[int, str]]) -> None:
    t.refs["gateway"] = gname
    _off(disabled, gw)
    addrs = gw.lists.get("address")
    if addrs:
        try:
            t.set("outside.aws", ipaddress.IPv4Address(addrs[0][0]), addrs[0][1])
        except ValueError:
            st.notes.append((addrs[0][1], f"gateway {gname}: peer {addrs[0][0]} is not an IPv4 address"))
    _local(st, t, gname, gw)
    nat = gw.get("no-nat-traversal")
    # NAT-T is on unless `no-nat-traversal` (Junos detects NAT during phase 1 and floats to UDP 4500)
    t.set("nat_t", nat is None, nat[1] if nat else gw.line)
    ver = gw.get("version")
    if ver is not None and ver[0] in N.IKE_VERSION_R:
        t.set("ike.version", N.IKE_VERSION_R[ver[0]], ver[1])
    else:
        t.set("ike.version", N.DEFAULT_IKE_VERSION, gw.line)
    _dpd(t, gname, gw)
    found = _policy(st, t, "ike", gw.get("ike-policy"), f"gateway {gname}", disabled)
    if found is None:
        return
    pol, names = found
    mode = pol.get("mode")
    if mode is not None and mode[0] in N.NEGOTIATION_MODE_R:
        t.set("ike.mode", N.NEGOTIATION_MODE_R[mode[0]], mode[1])
    else:
        t.set("ike.mode", N.DEFAULT_MODE, pol.line)
    psk = _psk(pol)
    if psk is not None:
        t.set("ike.psk", psk[0], psk[1], verifiable=psk[2])
    elif pol.get("certificate") is not None:
        _unverified(t, "ike.psk", "certificate authentication (the certificate is not compared)",
                    pol.get("certificate")[1])
    props, life = _proposals(st, t, "ike", pol, names, ())
    if props:
        t.set("ike.proposals", tuple(props), props[0].line)
        _flat(t, props, "ike")
    if life is not None:
        t.set("ike.lifetime_s", life[0], life[1])


def _local(st: State, t: JunosTunnel, gname: str, gw: Obj) -> None:
    """The address IKE leaves from (`local-address`, else the external interface's first address) and the
    identity sent when `local-identity` sets one (without it Junos sends that address)."""
    la = gw.get("local-address")
    ext = gw.get("external-interface")
    addr: V | None = None
    if la is not None:
        try:
            addr = (ipaddress.IPv4Address(la[0]), la[1])
        except ValueError:
            st.notes.append((la[1], f"gateway {gname}: local-address {la[0]} is not an IPv4 address"))
    elif ext is not None:
        found = st.addresses.get(_logical(ext[0]))
        if found:
            addr = (found[0][0].ip, found[0][1])
    if ext is not None:
        t.refs["external"] = _logical(ext[0])
    if addr is not None:
        t.set("local.address", addr[0], addr[1])
    ident = gw.get("local-identity")
    if ident is not None:
        (kind, value), line = ident
        if kind == "inet":
            try:
                t.set("local.identity", ipaddress.IPv4Address(value), line)
            except ValueError:
                st.notes.append((line, f"gateway {gname}: local identity {value} is not an IPv4 address"))
        else:
            t.set("local.identity", value, line)
    # the older key (remediation): the configured identity, else the configured local-address
    legacy = ident if ident is not None and ident[0][0] == "inet" else la
    if legacy is not None:
        value = legacy[0][1] if legacy is ident else legacy[0]
        try:
            t.set("outside.customer", ipaddress.IPv4Address(value), legacy[1])
        except ValueError:
            pass


def _dpd(t: JunosTunnel, gname: str, gw: Obj) -> None:
    on = gw.get("dpd")
    if on is None:
        t.set("dpd", DpdBehaviour(False, None, f"gateway {gname} has no dead-peer-detection"), gw.line)
        return
    iv, th, mode = gw.get("dpd-interval"), gw.get("dpd-threshold"), gw.get("dpd-mode")
    interval = iv[0] if iv else N.DEFAULT_DPD_INTERVAL
    threshold = th[0] if th else N.DEFAULT_DPD_THRESHOLD
    how = mode[0] if mode else N.DEFAULT_DPD_MODE
    when = {"optimized": "while it sends traffic and receives none",
            "probe-idle-tunnel": "when the tunnel is idle",
            "always-send": "every interval"}[how]
    text = (f"dead-peer-detection {how}: R-U-THERE {when}, every {interval} s, peer dead after {threshold} "
            f"unanswered" + ("" if iv or th else " (Junos defaults)"))
    t.set("dpd", DpdBehaviour(True, float(interval * threshold), text, "clear"), on[1])
    t.set("dpd.interval_s", interval, iv[1] if iv else on[1])
    t.set("dpd.retries", threshold, th[1] if th else on[1])


def _ipsec(st: State, t: JunosTunnel, vpn: Obj, disabled: list[tuple[int, str]]) -> None:
    est = vpn.get("establish")
    if est is not None and est[0] == "immediately":
        t.set("initiates", "always", est[1])
        d = t.get("dpd")
        if d is not None and d.value.enabled:
            t.set("dpd", DpdBehaviour(True, d.value.detect_s, d.value.how, "restart"), d.line)
    found = _policy(st, t, "ipsec", vpn.get("ipsec-policy"), f"vpn {t.name}", disabled)
    if found is None:
        return
    pol, names = found
    pfs_kw = pol.get("pfs")
    pfs: tuple[int, ...] = ()
    if pfs_kw is not None and N.dh_from_keyword(pfs_kw[0]) is not None:
        pfs = (N.dh_from_keyword(pfs_kw[0]),)
    props, life = _proposals(st, t, "ipsec", pol, names, pfs)
    if props:
        t.set("ipsec.proposals", tuple(props), props[0].line)
        _flat(t, props, "ipsec")
    if life is not None:
        t.set("ipsec.lifetime_s", life[0], life[1])
    groups = tuple(dict.fromkeys(g for p in props for g in p.dh_groups))
    t.set("ipsec.pfs_groups", groups, pfs_kw[1] if pfs_kw else pol.line)


def _logical(name: str) -> str:
    return name if "." in name else name + ".0"


def _unit(st: State, t: JunosTunnel, vpn: Obj, disabled: list[tuple[int, str]],
          unit_nets: dict[int, list[ipaddress.IPv4Network]]) -> None:
    bind = vpn.get("bind")
    if bind is None:
        return
    m = N.ST0_UNIT.fullmatch(bind[0])
    if m is None:
        st.notes.append((bind[1], f"vpn {t.name} binds {bind[0]}, not an st0 unit"))
        return
    num = int(m.group(1))
    t.refs["unit"] = num
    _off(disabled, st.st0, ("interfaces", "st0"))
    u = st.units.get(num)
    if u is None:
        st.notes.append((bind[1], f"vpn {t.name} binds st0.{num}, which is not configured"))
    else:
        _off(disabled, u, ("interfaces", "st0", "unit", str(num)))
        v4 = u.lists.get("inet")
        if v4:
            t.set("inside.customer", v4[0][0], v4[0][1])
        v6 = u.lists.get("inet6")
        if v6:
            t.set("inside_ipv6.customer", v6[0][0], v6[0][1])
        mtu = u.get("inet-mtu")
        if mtu is not None:
            t.set("mtu", mtu[0], mtu[1])
        else:
            t.set("mtu", N.ST0_DEFAULT_MTU, u.line,
                  note=f"st0.{num} has no family inet mtu: it runs at the st0 default of {N.ST0_DEFAULT_MTU}")
    # MSS: the st0 unit's own tcp-mss and the global IPsec VPN clamp both apply; the lower one wins.
    if u is not None and u.get("inet-tcp-mss") is not None:
        t.refs["unit_mss"] = u.get("inet-tcp-mss")[0]
    candidates = [c for c in ((u.get("inet-tcp-mss") if u else None), st.flow_mss) if c is not None]
    if candidates:
        val, line = min(candidates, key=lambda c: c[0])
        t.set("tcp_mss", val, line)
    routes: list[ipaddress.IPv4Network] = []
    rline = None
    for inst_routes in st.routes.values():
        for net, hops in inst_routes.items():
            for hop, hline in hops:
                if hop == f"st0.{num}" or _in_nets(hop, unit_nets.get(num, [])):
                    if net not in routes:
                        routes.append(net)
                        rline = rline or hline
    if routes:
        t.set("static_routes", tuple(routes), rline)


# -- what the SRX's zones let through ----------------------------------------------------------
# An interface passes traffic only as a member of a security zone; traffic to the SRX itself (IKE, BGP)
# needs the zone's `host-inbound-traffic` (system-services ike / protocols bgp, or `all`, minus `except`
# entries). Host-inbound settings on the zone's interface entry replace the zone-level ones for that
# interface (Junos Security Policies guide, "Supported System Services for Host Inbound Traffic" /
# "host-inbound-traffic" at [edit security zones security-zone Z interfaces I]). Only a config that has
# zones is judged: a paste of the VPN statements alone says nothing about them.

def _zone_of(st: State, iface: str) -> str | None:
    return next((z for z, o in st.zones.items() if any(i == iface for i, _ in o.lists.get("interfaces", ()))), None)


def _allows(st: State, zone: str, iface: str, kind: str, name: str) -> tuple[bool, int]:
    io = st.zone_ifaces.get((zone, iface))
    src = io if io is not None and io.lists.get(kind) else st.zones[zone]
    vals = [v for v, _ in src.lists.get(kind, ())]
    line = (src.lists.get(kind) or [(None, src.line)])[0][1]
    return (name in vals or "all" in vals) and "!" + name not in vals, line


def _facts(st: State, t: JunosTunnel) -> None:
    if not st.zones:
        return
    ext = t.refs.get("external")
    if ext is not None:
        zone = _zone_of(st, ext)
        if zone is not None:
            ok, line = _allows(st, zone, ext, "services", "ike")
            t.set("ike_permitted", ok, line, note="" if ok else
                  f"zone {zone} (external interface {ext}) lacks host-inbound-traffic system-services ike")
        elif ext in st.addresses:
            t.set("ike_permitted", False, st.addresses[ext][0][1],
                  note=f"the external interface {ext} is in no security zone")
    unit = t.refs.get("unit")
    if unit is None:
        return
    ifname = f"st0.{unit}"
    zone = _zone_of(st, ifname)
    uline = st.units[unit].line if unit in st.units else t.line
    if zone is None:
        t.set("forwarding", False, uline, note=f"{ifname} is in no security zone: the SRX drops its traffic")
        return
    t.refs["zone"] = zone
    t.set("forwarding", True, uline)
    if st.neighbors:
        ok, line = _allows(st, zone, ifname, "protocols", "bgp")
        t.set("bgp_permitted", ok, line, note="" if ok else
              f"zone {zone} ({ifname}) lacks host-inbound-traffic protocols bgp")


def _in_nets(hop: str, nets: list[ipaddress.IPv4Network]) -> bool:
    try:
        ip = ipaddress.IPv4Address(hop)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def _neighbors(st: State, dev: JunosDevice) -> None:
    for (inst, gname, addr), nb in st.neighbors.items():
        try:
            ip = ipaddress.IPv4Address(addr)
        except ValueError:
            continue  # IPv6 neighbors: the IR's BGP sessions are IPv4
        g = st.groups.get((inst, gname)) or Obj(nb.line)
        b = st.bgp.get(inst) or Obj(nb.line)
        entry: dict[str, Obs] = {"neighbor": Obs(ip, nb.line)}

        def pick(key: str, nb=nb, g=g, b=b) -> V | None:
            return nb.get(key) or g.get(key) or b.get(key)

        peer = pick("peer-as")
        if peer is not None:
            try:
                entry["aws_asn"] = Obs(to_asn(peer[0]), peer[1])
            except ValueError:
                st.notes.append((peer[1], f"BGP neighbor {addr}: peer-as {peer[0]} is not an AS number"))
        local = pick("local-as")
        if local is not None:
            try:
                entry["customer_asn"] = Obs(to_asn(local[0]), local[1])
            except ValueError:
                st.notes.append((local[1], f"BGP neighbor {addr}: local-as {local[0]} is not an AS number"))
                local = None
        if local is None:
            asn = st.asn.get(inst) or st.asn.get("")
            if asn is not None:
                entry["customer_asn"] = Obs(asn[0], asn[1])
        limit = pick("prefix-limit")
        entry["inbound_limit"] = Obs(bool(limit and limit[0].isdigit() and int(limit[0]) > 0),
                                     limit[1] if limit else nb.line)
        hold = pick("hold-time")
        if hold is not None and not (hold[0].isascii() and hold[0].isdigit()):
            st.notes.append((hold[1], f"hold-time {hold[0][:20]!r} is not a number"))
            hold = None
        # export: the most specific level that has one applies (neighbor, else group, else bgp)
        exports = nb.lists.get("export") or g.lists.get("export") or b.lists.get("export") or []
        if exports:
            missing = [name for name, _ in exports if name not in st.policies]
            entry["outbound_filter"] = Obs(True, exports[0][1])
            entry["export_policy_defined"] = Obs(
                not missing, exports[0][1],
                note=f"export policy {', '.join(missing)} is referenced but no policy-options policy-statement "
                     "defines it" if missing else "")
            if missing:
                entry["_export_missing"] = Obs(tuple(missing), exports[0][1])  # remediation defines them
        else:
            entry["outbound_filter"] = Obs(False, nb.line, note=f"BGP group {gname} has no export policy")
        if hold is not None:
            entry["hold_time_s"] = Obs(to_int(hold[0]), hold[1])
        else:
            entry["hold_time_s"] = Obs(N.DEFAULT_BGP_HOLD_TIME, nb.line)
        bgp_at = (("routing-instances", inst) if inst else ()) + ("protocols", "bgp")
        off: list[tuple[int, str]] = []
        for o, path in ((nb, bgp_at + ("group", gname, "neighbor", addr)), (g, bgp_at + ("group", gname)), (b, bgp_at)):
            _off(off, o)
            if o.get("shutdown") is not None:
                off.append((o.get("shutdown")[1], "delete " + " ".join(path + ("shutdown",))))
        if off:
            entry["enabled"] = Obs(False, min(off)[0])
            dev.bgp_enable[ip] = sorted({cmd for _, cmd in off})
        dev.bgp_neighbors.append(entry)
        dev.bgp_paths[ip] = bgp_at + ("group", gname, "neighbor", addr)
