"""Findings -> Junos commands to paste in configuration mode (`load set terminal`, then `commit check`).

`set` replaces a single value; a multi-value statement (gateway address, policy proposals, an interface
address) is deleted first. A deactivated object is turned back on with `activate`, the Junos command
for exactly that. Names are the device's own (read from its config); what is missing is created with
the names `vpncc compile` would use, so the result converges on the compiled config.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
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

#: rules with no command, and why (said in the output as a comment)
_NO_FIX = {
    "VPN104": "Junos binds the SA to st0 with bind-interface, which the tunnel has",
    "VPN112": "information: the device is behind NAT, which works",
    "VPN207": "Junos (re)starts the tunnel on traffic or immediately; nothing to change",
    "VPN501": "remove the weak proposals once the tunnel negotiates a stronger one",
    "VPN502": "move the gateway to version v2-only together with AWS's tunnel options",
    "VPN503": "use mode main",
    "VPN504": "choose a longer random key in AWS (modify-vpn-tunnel-options) and on the device",
    "VPN505": "give each tunnel its own key",
    "VPN506": "add an export policy that announces only your prefixes",
    "VPN507": "add prefix-limit under the BGP group's family inet unicast",
    "VPN902": "vpncc could not read the construct: check it by hand",
}

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
        cmds += [f"# tunnel {t.number}: {f.rule} {f.name}: no automatic fix ({_NO_FIX[f.rule]})"
                 for f in fs if f.rule in _NO_FIX and f.severity.value != "info"]
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
    # local-as only where the customer gateway's ASN is not the router's AS (none known: always)
    inv = getattr(device, "inventory", None)
    ctx = build(conn, prof, {"system_as": inv.bgp_asn if inv is not None and inv.bgp_asn is not None else 0})
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
    dev = device if isinstance(device, JunosDevice) else None
    zone = _zone_for(None, dev, prof)
    others = [d for d in device.tunnels if isinstance(d, JunosTunnel)]
    ext = next((d.refs["external"] for d in others if d.refs.get("external")), None)
    local = next((d.get("local.address") for d in others if d.get("local.address") is not None), None)
    for line in text.splitlines():
        if not line.startswith("set "):
            continue
        toks = line.split()
        if toks[1:4] == ["security", "zones", "security-zone"] and toks[4] == ctx["zone"] and zone != ctx["zone"]:
            toks[4] = zone  # the device's own tunnel zone
            line = " ".join(toks)
        if toks[1:3] == ["security", "ike"] and "external-interface" in toks and ext is not None:
            toks[-1] = ext
            line = " ".join(toks)
        if toks[1:3] == ["security", "ike"] and "local-address" in toks:
            if local is not None:
                toks[-1] = str(local.value)   # where the device's other tunnel sends IKE from
                line = " ".join(toks)
            elif dev is not None and dev.owned and ipaddress.IPv4Address(toks[-1]) not in dev.owned:
                continue                      # never an address the device does not have
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
    t = _target(conn, t, prof)
    dv = d.get("ike.version")
    version_change = dv is not None and dv.value is not t.ike.version
    prefix = prof.name_prefix or "aws-vpn"
    base = f"{prefix}-{t.number}"
    gw = refs.get("gateway") or base
    ike_pol = refs.get("ike_policy") or base
    esp_pol = refs.get("ipsec_policy") or base
    unit = refs.get("unit", unit_of(conn, prof, t))
    rules = {f.rule for f in fs}
    if version_change and rules & {"VPN201", "VPN210", "VPN211"}:
        rules.add("VPN200")  # the only suites AWS accepts here need the other IKE version
    if "VPN200" in rules:
        rules.add("VPN201")  # a new IKE version needs proposals valid for it (AES-GCM only with IKEv2)
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
        cmds += _fix_local(t, d, gw, dev)
    if "VPN113" in rules:
        cmds.append(f"delete security ike gateway {gw} no-nat-traversal")  # NAT-T on: ESP through the NAT
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
    p = plan(t, prof.release)
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
    if rules & _ESP_PROPOSALS and "VPN211" not in rules and p.pfs and not d.value("ipsec.pfs_groups", ()):
        # the replaced proposals came from a proposal-set (`compatible`: no PFS) or the policy had no PFS:
        # AWS's phase 2 needs the group (it would be VPN211 once the proposals fit)
        cmds.append(f"set security ipsec policy {esp_pol} perfect-forward-secrecy keys {N.dh_keyword(p.pfs[0])}")
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
        primary = conn.tunnels[0].number == t.number
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
    cmds += _fix_zones(prof, t, d, rules, dev, unit)
    return cmds


def _target(conn: Connection, t: Tunnel, prof: Profile) -> Tunnel:
    """The suite to re-render proposals with: the file's own values inside what AWS accepts on this tunnel
    (the smallest change), else the recommended choice inside AWS's accepted set and the release."""
    from ... import crypto
    from ..base import RenderOptions
    from . import JuniperBackend

    acc = getattr(t, "accepted", None)
    if acc is None:
        return t
    ike_ok = (t.ike.version in acc.ike_versions and all(
        [v for v in vals if v in allowed] for vals, allowed in (
            (t.ike.encryption, acc.ike_encryption), (t.ike.integrity, acc.ike_integrity),
            (t.ike.dh_groups, acc.ike_dh_groups))))
    esp_ok = all([v for v in vals if v in allowed] for vals, allowed in (
        (t.ipsec.encryption, acc.esp_encryption), (t.ipsec.pfs_groups, acc.pfs_groups))) and (
        all(e.is_gcm for e in t.ipsec.encryption) or [v for v in t.ipsec.integrity if v in acc.esp_integrity])
    if ike_ok and esp_ok:
        return replace(t, ike=replace(t.ike, encryption=tuple(v for v in t.ike.encryption if v in acc.ike_encryption),
                                      integrity=tuple(v for v in t.ike.integrity if v in acc.ike_integrity),
                                      dh_groups=tuple(v for v in t.ike.dh_groups if v in acc.ike_dh_groups)),
                       ipsec=replace(t.ipsec, encryption=tuple(v for v in t.ipsec.encryption if v in acc.esp_encryption),
                                     integrity=tuple(v for v in t.ipsec.integrity if v in acc.esp_integrity),
                                     pfs_groups=tuple(v for v in t.ipsec.pfs_groups if v in acc.pfs_groups)))
    caps = JuniperBackend().crypto_capabilities(prof, RenderOptions())
    if t.ike.version in acc.ike_versions:
        # keep the version the tunnel has when a suite for it exists (AES-GCM is IKEv2 only)
        kept = crypto.choose(replace(conn, tunnels=(t,)), "recommended",
                             replace(caps, ike_versions=frozenset({t.ike.version}))).tunnels[0]
        if all(e in acc.ike_encryption for e in kept.ike.encryption):
            return _inside(kept, acc, caps)
    return _inside(crypto.choose(replace(conn, tunnels=(t,)), "recommended", caps).tunnels[0], acc, caps)


def _inside(t: Tunnel, acc, caps) -> Tunnel:
    """Last resort where no recommended value is inside AWS's set (a tunnel restricted to DH 5 or 24,
    say): any value both AWS and this Junos accept, weak or not, so that the tunnel negotiates."""
    def pick(current, allowed, offered):
        if any(v in allowed for v in current):
            return tuple(v for v in current if v in allowed)
        return tuple(v for v in allowed if v in offered) or tuple(current)

    gcm_ok = t.ike.version.value == "ikev2"
    return replace(t, ike=replace(
        t.ike, encryption=pick(t.ike.encryption, acc.ike_encryption,
                               [e for e in caps.ike_encryption if gcm_ok or not e.is_gcm]),
        integrity=pick(t.ike.integrity, acc.ike_integrity, caps.ike_integrity),
        dh_groups=pick(t.ike.dh_groups, acc.ike_dh_groups, caps.ike_dh_groups)),
        ipsec=replace(t.ipsec, encryption=pick(t.ipsec.encryption, acc.esp_encryption, caps.esp_encryption),
                      integrity=pick(t.ipsec.integrity, acc.esp_integrity, caps.esp_integrity),
                      pfs_groups=pick(t.ipsec.pfs_groups, acc.pfs_groups, caps.pfs_groups)))


def _fix_local(t: Tunnel, d, gw: str, dev: JunosDevice | None) -> list[str]:
    """AWS expects IKE from the customer gateway address. Never point `local-address` at an address the
    device does not have: behind NAT (or with a wrong customer gateway in AWS) that takes the tunnel down."""
    cgw = t.outside.customer
    gw_at = f"set security ike gateway {gw}"
    out: list[str] = []
    ident = d.get("local.identity")
    if ident is not None and ident.value != cgw:
        out += [f"delete security ike gateway {gw} local-identity", f"{gw_at} local-identity inet {cgw}"]
    addr = d.get("local.address") or d.get("outside.customer")
    if addr is not None and addr.value != cgw:
        if dev is not None and cgw in dev.owned:
            out.append(f"{gw_at} local-address {cgw}")
        else:
            out.append(f"# tunnel {t.number}: IKE leaves from {addr.value}, AWS expects the customer gateway {cgw}; "
                       f"the device shows no interface with {cgw}: correct the customer gateway address in AWS, "
                       "or the gateway's external-interface/local-address (not changed here)")
    return out


def _zone_for(d, dev: JunosDevice | None, prof: Profile) -> str:
    """The device's zone for a tunnel interface: the one its other st0 units are in, else the profile's."""
    if dev is not None:
        zones = [z for i, z in sorted(dev.iface_zone.items()) if i.startswith("st0.")]
        if zones:
            return zones[0]
    return prof.zone or "vpn"


def _fix_zones(prof: Profile, t: Tunnel, d, rules: set[str], dev: JunosDevice | None, unit: int) -> list[str]:
    refs = d.refs if isinstance(d, JunosTunnel) else {}
    out: list[str] = []
    if "VPN120" in rules:
        ext = refs.get("external")
        zone = dev.iface_zone.get(ext) if dev is not None and ext else None
        if zone is None:
            out.append(f"# tunnel {t.number}: put the external interface {ext or '(see external-interface)'} in the "
                       f"device's outside zone and allow IKE there (host-inbound-traffic system-services ike)")
        elif (ext, "services") in dev.iface_inbound:
            # the interface has its own host-inbound list, which replaces the zone's: add IKE there
            out.append(f"set security zones security-zone {zone} interfaces {ext} host-inbound-traffic "
                       "system-services ike")
        else:
            out.append(f"set security zones security-zone {zone} host-inbound-traffic system-services ike")
    zone = refs.get("zone")
    if "VPN130" in rules:
        zone = _zone_for(d, dev, prof)
        out.append(f"set security zones security-zone {zone} interfaces st0.{unit}")
    if "VPN305" in rules:
        zone = zone or _zone_for(d, dev, prof)
        if dev is not None and (f"st0.{unit}", "protocols") in dev.iface_inbound:
            out.append(f"set security zones security-zone {zone} interfaces st0.{unit} host-inbound-traffic "
                       "protocols bgp")
        else:
            out.append(f"set security zones security-zone {zone} host-inbound-traffic protocols bgp")
    if "VPN306" in rules:
        nb = next((n for n in (dev.bgp_neighbors if dev is not None else ())
                   if t.bgp is not None and getattr(n.get("neighbor"), "value", None) == t.bgp.neighbor), None)
        missing = nb["_export_missing"].value if nb is not None and "_export_missing" in nb else ()
        if missing and prof.local_networks:
            # the policy the neighbor names, announcing only the local networks (the device's name is kept)
            for name in missing:
                at = f"set policy-options policy-statement {name}"
                out += [f"{at} term local from route-filter {n} exact" for n in prof.local_networks]
                out += [f"{at} term local then accept", f"{at} then reject"]
        else:
            out.append(f"# tunnel {t.number}: define the export policy the BGP neighbor names (policy-options "
                       "policy-statement ...) with the prefixes to announce (give --local-networks), or remove "
                       "the export statement")
    return out


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
        # local-as only where the customer gateway's ASN is not the router's AS (none known: always)
        inv = getattr(dev, "inventory", None)
        system = inv.bgp_asn if inv is not None and inv.bgp_asn is not None else 0
        ctx = build(conn, prof, {"system_as": system})
        idx = [x.number for x in conn.tunnels].index(t.number)
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
                 *([f"set {at} local-as {tc['local_as']}", f"set {at} local-as no-prepend-global-as"]
                   if tc["local_as"] else []), f"set {at} hold-time {tc['hold_time']}"]
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
    st0 unit (where the lower of the unit's and the global value applies)."""
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
    # a global clamp lower than a tunnel's value may stay: the lower of the two applies, and lower is fine
    for n, mss in wanted.items():
        if units.get(n) is not None:
            out.append(f"set interfaces st0 unit {units[n]} family inet tcp-mss {mss}")
    return out
