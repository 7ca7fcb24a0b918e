"""Findings -> Junos commands to paste in configuration mode (`load set terminal`, then `commit check`).

`set` replaces a single value; a multi-value statement (gateway address, policy proposals, an interface
address) is deleted first. A deactivated object is turned back on with `activate`, the Junos command
for exactly that. Names are the device's own (read from its config); what is missing is created with
the names `vpncc compile` would use, so the result converges on the compiled config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...profile import Profile
from ...validate.compare import match_tunnels
from . import names as N
from .device import JunosDevice, JunosTunnel
from .render import build, esp_combos, ike_combos, plan, render_text, unit_of

if TYPE_CHECKING:  # pragma: no cover
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig
    from . import JuniperBackend

#: rules whose fix is done together per tunnel (one pass over the tunnel's objects)
_IKE_PROPOSALS = {"VPN201"}
_ESP_PROPOSALS = {"VPN210"}


def remediation(backend: "JuniperBackend", findings: Sequence["Finding"], conn: Connection,
                profile: Profile | None, device: "DeviceConfig") -> str:
    from ...compiler import resolve_profile

    prof, _ = resolve_profile(conn, backend, profile)
    dev = device if isinstance(device, JunosDevice) else None
    matched = match_tunnels(conn, device)
    by_tunnel: dict[int | None, list["Finding"]] = {}
    for f in findings:
        by_tunnel.setdefault(f.tunnel, []).append(f)
    out: list[str] = [f"# vpncc remediation for {conn.vpn_connection_id or 'the connection'} "
                      "(configuration mode: load set terminal, then commit check)"]
    missing = {f.tunnel for f in findings if f.rule == "VPN101"}
    for t in conn.tunnels:
        fs = by_tunnel.get(t.number, [])
        if not fs:
            continue
        d = matched.get(t.number)
        cmds: list[str] = []
        if t.number in missing or d is None:
            cmds += _whole_tunnel(conn, prof, t, device)
        else:
            cmds += _fix_tunnel(conn, prof, t, d, fs, dev)
        if cmds:
            out.append(f"# tunnel {t.number}: " + "; ".join(sorted({f.name for f in fs})))
            out.extend(dict.fromkeys(cmds))  # keep order, drop repeats
    mss = [f for f in findings if f.rule == "VPN222"]
    if mss:
        out.append("# TCP MSS")
        out.extend(_fix_mss(conn, matched, dev))
    for f in by_tunnel.get(None, []):
        if f.rule not in ("VPN901", "VPN102"):
            out.append(f"# {f.rule} {f.name}: no automatic fix")
    return "\n".join(out) + "\n"


# -- a tunnel that is not there at all ---------------------------------------------------------

def _whole_tunnel(conn: Connection, prof: Profile, t: Tunnel, device: "DeviceConfig") -> list[str]:
    """The compiled config's lines for this tunnel, on a free st0 unit if the usual one is taken."""
    if t.ike.psk is None or t.outside.customer is None or t.outside.aws is None:
        return [f"# tunnel {t.number}: compile the connection (vpncc compile) and load its tunnel {t.number} "
                "lines: the pre-shared key or an outside address is not in the input"]
    if conn.routing is Routing.BGP and t.bgp is not None and t.bgp.customer_asn is None:
        return [f"# tunnel {t.number}: the customer ASN is not in the input; compile with --customer-asn"]
    ctx = build(conn, prof, {})
    text = render_text(ctx, "set")
    idx = conn.tunnels.index(t)
    tc = ctx["tunnels"][idx]
    used = getattr(device, "units", set()) or set()
    unit = tc["unit"]
    new_unit = unit
    taken = {d.refs.get("unit") for d in device.tunnels if isinstance(d, JunosTunnel)}
    if unit in used | taken:
        new_unit = max((used | taken) - {None}) + 1
    names = {tc["gateway"]["name"], tc["ike_policy"]["name"], tc["ipsec_policy"]["name"], tc["vpn"]["name"],
             *tc["ike_policy"]["proposals"], *tc["ipsec_policy"]["proposals"], tc["ifname"]}
    if tc["bgp"]:
        names.add(tc["bgp"]["neighbor"])
    # shared lines that are safe to repeat; not the outside interface's zone membership (an interface
    # belongs to one zone, and the device's may have another name)
    shared = ("set policy-options ", f"set security zones security-zone {ctx['zone']} host-inbound-traffic",
              f"set security zones security-zone {ctx['outside_zone']} host-inbound-traffic")
    out = []
    for line in text.splitlines():
        if not line.startswith("set "):
            continue
        toks = line.split()
        mine = bool(names & set(toks)) or _has_unit(toks, unit)
        if mine or line.startswith(shared) or (ctx["bgp"] and toks[-2:] == ["type", "external"]):
            if new_unit != unit:
                toks = _renumber(toks, unit, new_unit)
            out.append(" ".join(toks) if new_unit != unit else line)
    return out


def _has_unit(toks: list[str], unit: int) -> bool:
    return any(toks[i:i + 3] == ["st0", "unit", str(unit)] for i in range(len(toks) - 2))


def _renumber(toks: list[str], old: int, new: int) -> list[str]:
    out = [f"st0.{new}" if x == f"st0.{old}" else x for x in toks]
    for i in range(len(out) - 2):
        if out[i:i + 3] == ["st0", "unit", str(old)]:
            out[i + 2] = str(new)
    return out


# -- a tunnel with wrong values -----------------------------------------------------------------

def _fix_tunnel(conn: Connection, prof: Profile, t: Tunnel, d, fs: list["Finding"],
                dev: JunosDevice | None) -> list[str]:
    refs = d.refs if isinstance(d, JunosTunnel) else {}
    prefix = prof.name_prefix or "aws-vpn"
    base = f"{prefix}-{t.number}"
    gw = refs.get("gateway") or base
    ike_pol = refs.get("ike_policy") or base
    esp_pol = refs.get("ipsec_policy") or base
    unit = refs.get("unit", unit_of(conn, prof, t))
    rules = {f.rule for f in fs}
    paths = {f.path or "" for f in fs}
    cmds: list[str] = []
    gw_at = f"set security ike gateway {gw}"
    if "VPN103" in rules:
        cmds += refs.get("enable", [])
        if dev is not None and t.bgp is not None:
            cmds += dev.bgp_enable.get(t.bgp.neighbor, [])
    if "VPN110" in rules:
        cmds += [f"delete security ike gateway {gw} address", f"{gw_at} address {t.outside.aws}"]
    if "VPN111" in rules:
        cmds += [f"delete security ike gateway {gw} local-identity",
                 f"{gw_at} local-identity inet {t.outside.customer}",
                 f"{gw_at} local-address {t.outside.customer}"]
    if "VPN200" in rules:
        cmds.append(f"{gw_at} version {N.IKE_VERSION[t.ike.version]}")
    if "VPN205" in rules:
        cmds += [f"{gw_at} dead-peer-detection interval {t.dpd.interval_s}",
                 f"{gw_at} dead-peer-detection threshold {t.dpd.retries}"]
    if not refs.get("ike_policy") and rules & {"VPN201", "VPN203", "VPN206", "VPN202"}:
        cmds.append(f"{gw_at} ike-policy {ike_pol}")
    if "VPN206" in rules or ("VPN200" in rules and t.ike.version is IkeVersion.IKEV1 and t.ike.mode):
        cmds.append(f"set security ike policy {ike_pol} mode {N.NEGOTIATION_MODE[t.ike.mode or N.DEFAULT_MODE]}")
    if "VPN203" in rules:
        if t.ike.psk is None:
            cmds.append(f"# tunnel {t.number}: the pre-shared key is not in the input; set it with "
                        f"set security ike policy {ike_pol} pre-shared-key ascii-text \"...\"")
        else:
            cmds.append(f"set security ike policy {ike_pol} pre-shared-key ascii-text {N.quote(t.ike.psk)}")
    p = plan(t, prof.prefer_strong)
    if rules & _IKE_PROPOSALS:
        cmds.append(f"delete security ike policy {ike_pol} proposals")
        for k, (e, i, g) in enumerate(ike_combos(p), 1):
            name = f"{base}-{k}"
            at = f"set security ike proposal {name}"
            cmds += [f"delete security ike proposal {name}", f"{at} authentication-method pre-shared-keys"]
            if i is not None:
                cmds.append(f"{at} authentication-algorithm {N.IKE_INTEGRITY[i]}")
            cmds += [f"{at} encryption-algorithm {N.IKE_ENCRYPTION[e]}", f"{at} dh-group {N.dh_keyword(g)}",
                     f"{at} lifetime-seconds {t.ike.lifetime_s}",
                     f"set security ike policy {ike_pol} proposals {name}"]
    elif "VPN202" in rules:
        for name in refs.get("ike_proposals", []):
            cmds.append(f"set security ike proposal {name} lifetime-seconds {t.ike.lifetime_s}")
    if not refs.get("ipsec_policy") and rules & {"VPN210", "VPN211", "VPN212"}:
        cmds.append(f"set security ipsec vpn {refs.get('vpn') or base} ike ipsec-policy {esp_pol}")
    if rules & _ESP_PROPOSALS:
        cmds.append(f"delete security ipsec policy {esp_pol} proposals")
        for k, (e, i) in enumerate(esp_combos(p), 1):
            name = f"{base}-{k}"
            at = f"set security ipsec proposal {name}"
            cmds += [f"delete security ipsec proposal {name}", f"{at} protocol esp"]
            if i is not None:
                cmds.append(f"{at} authentication-algorithm {N.ESP_INTEGRITY[i]}")
            cmds += [f"{at} encryption-algorithm {N.ESP_ENCRYPTION[e]}", f"{at} lifetime-seconds {t.ipsec.lifetime_s}",
                     f"set security ipsec policy {esp_pol} proposals {name}"]
    elif "VPN212" in rules:
        for name in refs.get("esp_proposals", []):
            cmds.append(f"set security ipsec proposal {name} lifetime-seconds {t.ipsec.lifetime_s}")
    if "VPN211" in rules:
        if p.pfs:
            cmds.append(f"set security ipsec policy {esp_pol} perfect-forward-secrecy keys {N.dh_keyword(p.pfs[0])}")
        else:
            cmds.append(f"delete security ipsec policy {esp_pol} perfect-forward-secrecy")
    unit_at = f"interfaces st0 unit {unit}"
    if "VPN220" in rules:
        if any(x.endswith("inside.customer") for x in paths):
            cmds += [f"delete {unit_at} family inet address", f"set {unit_at} family inet address "
                     f"{t.inside.customer.with_prefixlen}"]
        if any(x.endswith("inside_ipv6.customer") for x in paths) and t.inside_ipv6 is not None:
            cmds += [f"delete {unit_at} family inet6 address", f"set {unit_at} family inet6 address "
                     f"{t.inside_ipv6.customer.with_prefixlen}"]
    if "VPN221" in rules:
        cmds.append(f"set {unit_at} family inet mtu {t.mtu}")
    cmds += _fix_bgp(conn, prof, t, rules, dev)
    if "VPN401" in rules:
        ro = (f"routing-instances {prof.routing_instance} routing-options" if prof.routing_instance
              else "routing-options")
        have = set(d.get("static_routes").value) if d.get("static_routes") else set()
        primary = conn.tunnels.index(t) == 0
        for net in prof.remote_networks:
            if net in have:
                continue
            if primary:
                cmds.append(f"set {ro} static route {net} next-hop st0.{unit}")
            else:
                cmds.append(f"set {ro} static route {net} qualified-next-hop st0.{unit} preference "
                            f"{N.BACKUP_STATIC_PREFERENCE}")
    if "VPN204" in rules:
        cmds.append(f"# tunnel {t.number}: the key is stored as $9$; verify it by other means")
    return cmds


def _fix_bgp(conn: Connection, prof: Profile, t: Tunnel, rules: set[str], dev: JunosDevice | None) -> list[str]:
    if t.bgp is None or not rules & {"VPN301", "VPN302", "VPN303", "VPN304"}:
        return []
    paths = dev.bgp_paths if dev is not None else {}
    nb_path = paths.get(t.bgp.neighbor)
    cmds: list[str] = []
    if nb_path is None:
        # a new neighbor: in the group of the other AWS neighbor if the device has one, else ours
        sibling = next((paths[o.bgp.neighbor] for o in conn.tunnels
                        if o.bgp is not None and o.bgp.neighbor in paths), None)
        ctx = build(conn, prof, {})
        idx = conn.tunnels.index(t)
        ours = ((f"routing-instances {prof.routing_instance} " if prof.routing_instance else "")
                + f"protocols bgp group {ctx['bgp']['group']}").split()
        group = list(sibling[:-2]) if sibling else ours
        if not sibling:
            cmds.append("set " + " ".join(group + ["type", "external"]))
        tc = ctx["tunnels"][idx]["bgp"]
        text = render_text(ctx, "set")
        for line in text.splitlines():
            toks = line.split()
            if line.startswith("set policy-options"):
                if tc["export"] in toks or (tc["import"] and tc["import"] in toks):
                    cmds.append(line)
        at = " ".join(group + ["neighbor", tc["neighbor"]])
        if tc["import"]:
            cmds.append(f"set {at} import {tc['import']}")
        cmds += [f"set {at} export {tc['export']}", f"set {at} peer-as {tc['peer_as']}",
                 f"set {at} local-as {tc['local_as']}",
                 f"set {at} local-as no-prepend-global-as", f"set {at} hold-time {tc['hold_time']}"]
        return cmds
    at = "set " + " ".join(nb_path)
    if "VPN302" in rules:
        cmds.append(f"{at} peer-as {t.bgp.aws_asn}")
    if "VPN303" in rules and t.bgp.customer_asn is not None:
        cmds.append(f"{at} local-as {t.bgp.customer_asn}")
    if "VPN304" in rules:
        cmds.append(f"{at} hold-time {t.bgp.hold_time_s}")
    return cmds


def _fix_mss(conn: Connection, matched: dict, dev: JunosDevice | None) -> list[str]:
    """One value for all tunnels goes in `security flow tcp-mss ipsec-vpn`; different values go on each
    st0 unit, and the global clamp must then go (the lower of the two applies)."""
    wanted = {t.number: t.tcp_mss for t in conn.tunnels}
    out: list[str] = []
    units = {n: (d.refs.get("unit") if isinstance(d, JunosTunnel) else None) for n, d in matched.items()}
    if len(set(wanted.values())) == 1:
        mss = next(iter(wanted.values()))
        out.append(f"set security flow tcp-mss ipsec-vpn mss {mss}")
        for n, d in matched.items():
            if isinstance(d, JunosTunnel) and d.refs.get("unit_mss") not in (None, mss) and units[n] is not None:
                out.append(f"delete interfaces st0 unit {units[n]} family inet tcp-mss")
        return out
    flow = dev.flow_mss if dev is not None else None
    if flow is not None and flow[0] < max(wanted.values()):
        out.append("# the global clamp is lower than a tunnel's MSS: per-tunnel values replace it")
        out.append("delete security flow tcp-mss ipsec-vpn")
    for n, mss in wanted.items():
        if units.get(n) is not None:
            out.append(f"set interfaces st0 unit {units[n]} family inet tcp-mss {mss}")
    return out
