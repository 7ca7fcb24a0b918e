"""Junos reader, second half: device tunnels from the collected objects, following the references
vpn -> gateway -> ike policy -> ike proposals, vpn -> ipsec policy -> ipsec proposals and vpn ->
bind-interface st0.N, with Junos defaults for omitted statements (names.py), then the BGP neighbors."""

from __future__ import annotations

import ipaddress
from typing import Any

from ...validate.model import Obs
from . import names as N
from .device import V, JunosDevice, JunosTunnel, Obj, State, to_asn, to_int

# -- tunnels ------------------------------------------------------------------------------

def _algos(st: State, table: dict[str, Obj], names: list[V], ike: bool) -> dict[str, Any]:
    enc: list[V] = []
    integ: list[V] = []
    dh: list[V] = []
    life: V | None = None
    gcm_only = True
    for name, pline in names:
        p = table.get(name)
        if p is None:
            st.notes.append((pline, f"{'IKE' if ike else 'IPsec'} proposal {name} is referenced but not "
                                    "configured (predefined proposals are not read)"))
            continue
        e = p.get("encryption-algorithm")
        if e is not None:
            val = (N.IKE_ENCRYPTION_R if ike else N.ESP_ENCRYPTION_R).get(e[0])
            if val is None:
                st.notes.append((e[1], f"proposal {name}: encryption-algorithm {e[0]} is not one AWS accepts"))
            else:
                enc.append((val, e[1]))
                gcm_only = gcm_only and val.is_gcm
        a = p.get("authentication-algorithm")
        if a is not None:
            val = (N.IKE_INTEGRITY_R if ike else N.ESP_INTEGRITY_R).get(a[0])
            if val is None:
                st.notes.append((a[1], f"proposal {name}: authentication-algorithm {a[0]} is not one AWS accepts"))
            else:
                integ.append((val, a[1]))
        if ike:
            g = p.get("dh-group")
            if g is not None:
                grp = N.dh_from_keyword(g[0])
                if grp is None:
                    st.notes.append((g[1], f"proposal {name}: unknown dh-group {g[0]}"))
                else:
                    dh.append((grp, g[1]))
        lt = p.get("lifetime-seconds")
        if lt is not None and not (lt[0].isascii() and lt[0].isdigit()):
            st.notes.append((lt[1], f"proposal {name}: lifetime-seconds {lt[0][:20]!r} is not a number"))
            lt = None
        if life is None:
            life = (to_int(lt[0]), lt[1]) if lt is not None else (
                N.DEFAULT_IKE_LIFETIME if ike else N.DEFAULT_IPSEC_LIFETIME, p.line)
    return {"enc": enc, "int": integ, "dh": dh, "life": life}


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
    pset = pol.get("proposal-set")
    if pset is not None:
        st.notes.append((pset[1], f"{label} policy {ref[0]}: proposal-set {pset[0]} is not read"))
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
    ident = gw.get("local-identity") or gw.get("local-address")
    if ident is not None:
        try:
            t.set("outside.customer", ipaddress.IPv4Address(ident[0]), ident[1])
        except ValueError:
            st.notes.append((ident[1], f"gateway {gname}: local identity {ident[0]} is not an IPv4 address"))
    ver = gw.get("version")
    if ver is not None and ver[0] in N.IKE_VERSION_R:
        t.set("ike.version", N.IKE_VERSION_R[ver[0]], ver[1])
    else:
        t.set("ike.version", N.DEFAULT_IKE_VERSION, gw.line)
    if gw.get("dpd") is not None:
        dline = gw.get("dpd")[1]
        iv, th = gw.get("dpd-interval"), gw.get("dpd-threshold")
        t.set("dpd.interval_s", iv[0] if iv else N.DEFAULT_DPD_INTERVAL, iv[1] if iv else dline)
        t.set("dpd.retries", th[0] if th else N.DEFAULT_DPD_THRESHOLD, th[1] if th else dline)
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
    a = _algos(st, st.ike_proposals, names, ike=True)
    for key, vals in (("ike.encryption", a["enc"]), ("ike.integrity", a["int"]), ("ike.dh_groups", a["dh"])):
        u = _uniq(vals)
        if u is not None:
            t.set(key, u[0], u[1])
    if a["life"] is not None:
        t.set("ike.lifetime_s", a["life"][0], a["life"][1])


def _ipsec(st: State, t: JunosTunnel, vpn: Obj, disabled: list[tuple[int, str]]) -> None:
    found = _policy(st, t, "ipsec", vpn.get("ipsec-policy"), f"vpn {t.name}", disabled)
    if found is None:
        return
    pol, names = found
    a = _algos(st, st.esp_proposals, names, ike=False)
    enc = _uniq(a["enc"])
    if enc is not None:
        t.set("ipsec.encryption", enc[0], enc[1])
        integ = _uniq(a["int"])
        t.set("ipsec.integrity", integ[0] if integ else (), integ[1] if integ else enc[1])
    if a["life"] is not None:
        t.set("ipsec.lifetime_s", a["life"][0], a["life"][1])
    pfs = pol.get("pfs")
    if pfs is not None and N.dh_from_keyword(pfs[0]) is not None:
        t.set("ipsec.pfs_groups", (N.dh_from_keyword(pfs[0]),), pfs[1])
    else:
        t.set("ipsec.pfs_groups", (), pol.line)


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

        def pick(key: str) -> V | None:
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
        hold = pick("hold-time")
        if hold is not None and not (hold[0].isascii() and hold[0].isdigit()):
            st.notes.append((hold[1], f"hold-time {hold[0][:20]!r} is not a number"))
            hold = None
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
