"""Findings -> ASA configuration commands that fix them, using the device's own object names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...ir import Encryption as E
from ...ir import Integrity as I
from ...profile import Profile
from ...validate.findings import Finding
from ...validate.model import DeviceConfig, DeviceTunnel
from ..cisco_common.plan import esp_combos
from ..cisco_common.remedy import Commands, free_numbers
from ..cisco_common.util import mask
from . import names as N


def _val(d: DeviceTunnel | None, key: str) -> Any:
    return d.value(key) if d is not None else None


def remediation(findings: Sequence[Finding], conn: Connection, profile: Profile, device: DeviceConfig) -> str:
    from ...compiler import resolve_profile
    from ...validate.compare import match_tunnels
    from ..base import get
    from .render import expressible

    backend = get("cisco-asa")
    prof, _ = resolve_profile(conn, backend, profile)
    policy_based = any(_val(d, "policy_based") for d in device.tunnels)
    matched = match_tunnels(conn, device)
    # fixes use what AWS accepts on each tunnel (the file's suite is only an example), keeping the IKE
    # version the device speaks where AWS accepts it
    conn = _accepted(conn, {n: _val(d, "ike.version") for n, d in matched.items()}, prof.release)
    x = expressible(conn, prof, "policy" if policy_based else None).conn
    cmds = Commands()
    used = {n for d in device.tunnels for n in (_val(d, "_all_policies") or ())}
    bgp_asn = next((nb["_router_asn"].value for nb in device.bgp_neighbors if nb.get("_router_asn")), None)
    rebuild: set[int] = set()
    for f in findings:
        t = next((tt for tt in x.tunnels if tt.number == f.tunnel), None)
        d = matched.get(f.tunnel) if f.tunnel is not None else None
        if t is None or f.rule in ("VPN102", "VPN901"):
            continue
        if f.rule == "VPN101" or d is None:
            rebuild.add(t.number)
            continue
        if f.rule == "VPN200":  # edit the objects the tunnel uses for the accepted version, never rebuild it
            for rule in ("VPN201", "VPN210", "VPN211", "VPN203"):
                _fix(replace(f, rule=rule), t, d, x, prof, cmds, used, bgp_asn, conn.tunnel(t.number))
            key = "ikev2" if t.ike.version is IkeVersion.IKEV2 else "ikev1"
            cmds.add([], f"crypto {key} enable {_val(d, '_source') or prof.outside_interface or 'outside'}")
            cmds.add([f"group-policy {prof.name_prefix or 'aws-vpn'} attributes"], "vpn-tunnel-protocol ikev1 ikev2")
            continue
        _fix(f, t, d, x, prof, cmds, used, bgp_asn, conn.tunnel(t.number), device.bgp_neighbors)
    if rebuild:
        from ..cisco_common.templating import render
        from .render import context

        taken = {d.name for d in device.tunnels}
        interfaces, n = {}, prof.tunnel_start or 1
        for num in sorted(rebuild):
            d = matched.get(num)
            if d is not None and not _val(d, "policy_based"):
                interfaces[num] = d.name
                continue
            while f"Tunnel{n}" in taken:
                n += 1
            interfaces[num] = f"Tunnel{n}"
            taken.add(f"Tunnel{n}")
        start = prof.isakmp_policy_start or 200
        ctx = context(x, prof, "", "policy" if policy_based else None, only=rebuild, interfaces=interfaces,
                      v1_numbers=free_numbers(used, start, 40), v2_numbers=free_numbers(used, start, 40),
                      extra=_keep_device(x, device, rebuild))
        cmds.block(render("cisco-asa", "main.j2", ctx))
    return cmds.text()


def _keep_device(conn: Connection, device: DeviceConfig, rebuild: set[int]) -> dict:
    """What a rebuilt tunnel reuses from the device: its BGP process (no router-id: a new one resets every
    session), its TCP MSS clamp when low enough, and the group-policy (vpn-filter...) of the AWS tunnel it
    still has."""
    inv = getattr(device, "inventory", None)
    if inv is None:
        return {}
    out: dict = {}
    if inv.bgp_asn is not None:
        out["bgp_reuse"] = True
    have = inv.used("sysopt-tcpmss")
    if have and 0 < min(have) <= min(t.tcp_mss for t in conn.tunnels):
        out["keep_sysopt"] = min(have)
    for t in conn.tunnels:
        peer = str(t.outside.aws)
        if t.number not in rebuild and inv.peer(t.outside.aws) is not None:
            gp = inv.taken(f"group-policy-of:{peer}")
            out["group_policy"] = sorted(gp)[0] if gp else ""
            break
    return out


def _fix(f: Finding, t: Tunnel, d: DeviceTunnel, conn: Connection, prof: Profile, cmds: Commands,
         used: set[int], bgp_asn: str | None, asked: Tunnel, d_bgp: Sequence[dict] = ()) -> None:
    """``t``: the tunnel as the ASA can hold it; ``asked``: as AWS asks (before device-wide merging)."""
    v2 = t.ike.version is IkeVersion.IKEV2
    prefix = prof.name_prefix or "aws-vpn"
    peer = str(t.outside.aws)
    group = [f"tunnel-group {_val(d, '_tunnel_group') or peer} ipsec-attributes"]
    cmap = _val(d, "_map")
    where: list[str] = []
    prefix_cmd = ""
    if cmap:
        prefix_cmd = f"crypto map {cmap[0]} {cmap[1]} "
    else:
        where = [f"crypto ipsec profile {_val(d, '_ipsec_profile') or f'{prefix}-{t.number}'}"]

    def ipsec(line: str) -> None:
        if cmap:
            cmds.add([], prefix_cmd + line)
        else:
            cmds.add(where, line)

    rule = f.rule
    nameif = _val(d, "_nameif")
    if rule == "VPN103" and f.path and f.path.endswith(".bgp"):
        nb = str(t.bgp.neighbor) if t.bgp else ""
        cmds.add([f"router bgp {bgp_asn or (t.bgp.customer_asn if t.bgp else '')}", "address-family ipv4 unicast"],
                 f"no neighbor {nb} shutdown", f"neighbor {nb} activate")
    elif rule == "VPN103":
        if cmap:
            cmds.add([], f"crypto map {cmap[0]} interface {prof.outside_interface or 'outside'}")
        else:
            cmds.add([f"interface {d.name}"], "no shutdown")
    elif rule == "VPN110":
        if cmap:
            cmds.note(f"tunnel {t.number}: replace the crypto map peer with {peer} (set peer lists both AWS peers)")
        else:
            cmds.add([f"interface {d.name}"], f"tunnel destination {peer}")
        cmds.add([], f"tunnel-group {peer} type ipsec-l2l")
        cmds.add([f"tunnel-group {peer} general-attributes"], f"default-group-policy {prefix}")
        cmds.add([f"tunnel-group {peer} ipsec-attributes"], *_keys(t),
                 f"isakmp keepalive threshold {t.dpd.interval_s} retry {t.dpd.retries}")
    elif rule == "VPN111":
        # never put an address the ASA does not own on its interface: say what must hold instead
        local = _val(d, "local.address") or _val(d, "outside.customer")
        cmds.note(f"tunnel {t.number}: the ASA sends IKE from {local or 'its outside interface'}, AWS expects the "
                  f"customer gateway {t.outside.customer}: if a NAT device owns {t.outside.customer}, make it map "
                  "UDP 500/4500 to this ASA; if not, the customer gateway in AWS has the wrong address")
    elif rule == "VPN120":
        src = _val(d, "_source")
        if src:
            cmds.add([], f"crypto {'ikev2' if v2 else 'ikev1'} enable {src}")
    elif rule == "VPN201":
        if v2:
            from .render import _v2_policies

            added = _added(cmds)
            pols = [p for p in _v2_policies([t], 0) if _v2_key(p) not in added]  # device-wide: add once
            added.update(_v2_key(p) for p in pols)
            for num, p in zip(free_numbers(used, prof.isakmp_policy_start or 200, len(pols)), pols, strict=False):
                used.add(num)
                cmds.add([f"crypto ikev2 policy {num}"], f"encryption {p['encryption']}", f"integrity {p['integrity']}",
                         f"group {p['group']}", f"prf {p['prf']}", f"lifetime seconds {p['lifetime']}")
        else:
            v1_groups = N.RELEASE_IKEV1_GROUPS[prof.release or N.DEFAULT_RELEASE]
            combos = [(e, i, g) for e in asked.ike.encryption for i in asked.ike.integrity for g in asked.ike.dh_groups
                      if e in N.IKEV1_ENC and i in N.IKEV1_HASH and g in v1_groups][:1]  # the strongest one
            if not combos:
                cmds.note(f"tunnel {t.number}: AWS's phase-1 proposals are not available with IKEv1 on the ASA: "
                          "change the tunnel to IKEv2 (or its IKEv1 options to AES/SHA-1/group 2, 5 or 14)")
            # ISAKMP policies are device-wide: one added policy serves both tunnels
            added = _added(cmds)
            combos = [c for c in combos if (c, t.ike.lifetime_s) not in added]
            for num, (e, i, g) in zip(free_numbers(used, prof.isakmp_policy_start or 200, len(combos)), combos, strict=False):
                used.add(num)
                added.add(((e, i, g), t.ike.lifetime_s))
                cmds.add([f"crypto ikev1 policy {num}"], "authentication pre-share", f"encryption {N.IKEV1_ENC[e]}",
                         f"hash {N.IKEV1_HASH[i]}", f"group {g}", f"lifetime {t.ike.lifetime_s}")
    elif rule == "VPN202":
        for num in _val(d, "_policies") or ():
            cmds.add([f"crypto {'ikev2' if v2 else 'ikev1'} policy {num}"],
                     f"lifetime seconds {t.ike.lifetime_s}" if v2 else f"lifetime {t.ike.lifetime_s}")
    elif rule == "VPN203":
        cmds.add(group, *_keys(t))
    elif rule == "VPN204":
        cmds.note(f"tunnel {t.number}: the key is masked in this config; re-enter it from the AWS file if in doubt")
    elif rule == "VPN205":
        cmds.add(group, f"isakmp keepalive threshold {t.dpd.interval_s} retry {t.dpd.retries}")
    elif rule == "VPN206" and cmap:
        # removing the aggressive-mode line restores the default, main mode (Cisco ASA Command Reference,
        # crypto map set ikev1 phase1-mode)
        cmds.add([], "no " + prefix_cmd + "set ikev1 phase1-mode aggressive")
    elif rule == "VPN210":
        # the device's own transform sets / proposals stay offered (of the version the tunnel keeps)
        existing = list(_val(d, "_ipsec_objects") or ()) if _val(d, "ike.version") is t.ike.version else []
        new = []
        if v2:
            for gcm in (False, True):
                encs = [e for e in t.ipsec.encryption if e.is_gcm == gcm]
                if encs:
                    lines = ("protocol esp encryption " + " ".join(N.V2_ESP_ENC[e] for e in encs),
                             "protocol esp integrity " + ("null" if gcm else
                                                          " ".join(N.V2_ESP_HASH[i] for i in t.ipsec.integrity)))
                    names = cmds_names(cmds)
                    name = names.get(lines) or f"{prefix}-{t.number}-fix" + ("-gcm" if gcm else "")
                    names[lines] = name  # the same proposal serves every tunnel that needs it
                    cmds.add([f"crypto ipsec ikev2 ipsec-proposal {name}"], *lines)
                    new.append(name)
            ipsec("set ikev2 ipsec-proposal " + " ".join(existing + new))
        else:
            combos = esp_combos(asked.ipsec.encryption, asked.ipsec.integrity, N.V1_ESP_ENC.__contains__,
                                N.V1_ESP_HASH.__contains__)[:1]  # the strongest transform set
            if not combos:
                cmds.note(f"tunnel {t.number}: AWS's ESP proposals are not available with IKEv1 on the ASA: "
                          "change the tunnel to IKEv2 (or its IKEv1 options to AES-CBC/SHA-1)")
            for k, (e, i) in enumerate(combos):
                name = f"{prefix}-{t.number}-fix{k + 1}"
                cmds.add([], f"crypto ipsec ikev1 transform-set {name} {N.V1_ESP_ENC[e]} {N.V1_ESP_HASH[i]}")
                new.append(name)
            ipsec("set ikev1 transform-set " + " ".join(existing + new))
    elif rule == "VPN211":
        group = _pfs_group(t, prof)
        if group is not None:
            ipsec(f"set pfs {N.pfs(group)}")
    elif rule == "VPN212":
        ipsec(f"set security-association lifetime seconds {t.ipsec.lifetime_s}")
    elif rule == "VPN220" and not cmap:
        cmds.add([f"interface {d.name}"], f"ip address {t.inside.customer.ip} {mask(t.inside.customer)}")
    elif rule == "VPN221" and nameif:
        cmds.add([], f"mtu {nameif} {t.mtu}")
    elif rule == "VPN222":
        cmds.add([], f"sysopt connection tcpmss {t.tcp_mss}")
    elif rule in ("VPN301", "VPN302", "VPN303", "VPN304") and t.bgp is not None:
        nb = str(t.bgp.neighbor)
        af = [f"router bgp {bgp_asn or t.bgp.customer_asn}", "address-family ipv4 unicast"]
        hold = t.bgp.hold_time_s
        timers = f"neighbor {nb} timers {max(hold // 3, 1) if hold else 0} {hold}"
        if rule == "VPN301":
            cmds.add(af, f"neighbor {nb} remote-as {t.bgp.aws_asn}", timers, f"neighbor {nb} activate")
            if bgp_asn and str(t.bgp.customer_asn) != bgp_asn:
                cmds.add(af, f"neighbor {nb} local-as {t.bgp.customer_asn} no-prepend replace-as")
        elif rule == "VPN302":
            cmds.add(af, f"neighbor {nb} remote-as {t.bgp.aws_asn}")
        elif rule == "VPN303":
            cmds.add(af, f"neighbor {nb} local-as {t.bgp.customer_asn} no-prepend replace-as")
        else:
            cmds.add(af, timers)
    elif rule == "VPN306" and t.bgp is not None:
        # define the route map / prefix list the neighbor already names (its own object), announcing the
        # site's networks; an undefined one announces nothing
        nb = next((n for n in d_bgp if n.get("neighbor") and n["neighbor"].value == t.bgp.neighbor), None)
        kind, name = nb["_outbound"].value if nb is not None and nb.get("_outbound") else (None, None)
        nets = [f"{n.network_address}/{n.prefixlen}" for n in prof.local_networks]
        if kind == "route-map":
            if nets:
                for k, net in enumerate(nets):
                    cmds.add([], f"prefix-list {name}-nets seq {5 * (k + 1)} permit {net}")
                cmds.add([f"route-map {name} permit 10"], f"match ip address prefix-list {name}-nets")
            else:
                cmds.add([f"route-map {name} permit 10"])
                cmds.note(f"route-map {name} permits everything: add a match for the networks AWS should learn")
        elif kind == "prefix-list":
            for k, net in enumerate(nets):
                cmds.add([], f"prefix-list {name} seq {5 * (k + 1)} permit {net}")
            if not nets:
                cmds.note(f"prefix-list {name}: give local_networks (the networks AWS should learn) to define it")
    elif rule == "VPN401" and conn.routing is Routing.STATIC:
        if cmap and cmap[2]:
            for net in prof.remote_networks:
                cmds.add([], f"access-list {cmap[2]} extended permit ip any4 {net.network_address} {net.netmask}")
        elif nameif:
            metric = N.PRIMARY_METRIC if t.number == conn.tunnels[0].number else N.BACKUP_METRIC
            for net in prof.remote_networks:
                cmds.add([], f"route {nameif} {net.network_address} {net.netmask} {t.inside.aws.ip} {metric}")


#: strongest first; the weak values (SHA-1, DH 2/5/22-24) only where AWS accepts nothing stronger
_ORDER_ENC = ((E.AES256_GCM_16, E.AES128_GCM_16, E.AES256, E.AES128), ())
_ORDER_INT = ((I.SHA2_384, I.SHA2_256, I.SHA2_512), (I.SHA1,))
_ORDER_DH = ((20, 19, 14, 21, 18, 17, 16, 15), (24, 23, 22, 5, 2))


def _accepted(conn: Connection, versions: dict[int, Any], release: str | None = None) -> Connection:
    """Each tunnel with the strong values of AWS's accepted sets the ASA can configure for its IKE version
    as its lists, strongest first, and AWS's configured lifetimes; the IKE version is the device's where
    AWS accepts it (a tunnel missing on the device takes the other tunnel's), else IKEv2 where accepted."""
    release = release or N.DEFAULT_RELEASE

    def pick(order: tuple, allowed: tuple, able, old: tuple) -> tuple:
        strong, weak = order
        if not allowed:
            return old
        # empty when the ASA cannot configure any accepted value for this version: the fix says so
        return (tuple(v for v in strong if v in allowed and v in able)
                or tuple(v for v in weak if v in allowed and v in able))
    def suite(t: Tunnel, v: IkeVersion) -> Tunnel:
        a, v1, groups = t.accepted, v is IkeVersion.IKEV1, N.RELEASE_DH_GROUPS[release]
        ike = replace(t.ike, version=v,
                      encryption=pick(_ORDER_ENC, a.ike_encryption, N.IKEV1_ENC if v1 else N.IKEV2_ENC,
                                      t.ike.encryption),
                      integrity=pick(_ORDER_INT, a.ike_integrity, N.IKEV1_HASH if v1 else N.IKEV2_HASH,
                                     t.ike.integrity),
                      dh_groups=pick(_ORDER_DH, a.ike_dh_groups, N.RELEASE_IKEV1_GROUPS[release] if v1 else groups,
                                     t.ike.dh_groups), lifetime_s=a.ike_lifetime_s)
        esp = replace(t.ipsec,
                      encryption=pick(_ORDER_ENC, a.esp_encryption, N.V1_ESP_ENC if v1 else N.V2_ESP_ENC,
                                      t.ipsec.encryption),
                      integrity=pick(_ORDER_INT, a.esp_integrity, N.V1_ESP_HASH if v1 else N.V2_ESP_HASH,
                                     t.ipsec.integrity),
                      pfs_groups=pick(_ORDER_DH, a.pfs_groups, groups, t.ipsec.pfs_groups),
                      lifetime_s=a.esp_lifetime_s)
        return replace(t, ike=ike, ipsec=esp)

    def complete(t: Tunnel) -> bool:
        return all((t.ike.encryption, t.ike.integrity, t.ike.dh_groups, t.ipsec.encryption, t.ipsec.pfs_groups))

    known = [v for v in versions.values() if v is not None]
    out = []
    for t in conn.tunnels:
        a = t.accepted
        v = versions.get(t.number) or (known[0] if known else t.ike.version)
        if v not in a.ike_versions:
            v = IkeVersion.IKEV2 if IkeVersion.IKEV2 in a.ike_versions else (a.ike_versions or (t.ike.version,))[0]
        chosen = suite(t, v)
        if t.number not in versions and not complete(chosen) and IkeVersion.IKEV2 in a.ike_versions:
            chosen = suite(t, IkeVersion.IKEV2)  # a rebuilt tunnel: IKEv2 where IKEv1 on the ASA cannot fit
        out.append(chosen)
    return replace(conn, tunnels=tuple(out))


def cmds_names(cmds: Commands) -> dict:
    """IPsec proposals this remediation already adds, by content -> name."""
    if not hasattr(cmds, "asa_proposals"):
        cmds.asa_proposals = {}  # type: ignore[attr-defined]
    return cmds.asa_proposals  # type: ignore[attr-defined]


def _v2_key(p: dict) -> tuple:
    return ("v2", p["encryption"], p["integrity"], p["group"], p["prf"], p["lifetime"])


def _added(cmds: Commands) -> set:
    """The IKEv1 policies this remediation already adds (kept on the command block it builds)."""
    if not hasattr(cmds, "asa_v1_added"):
        cmds.asa_v1_added = set()  # type: ignore[attr-defined]
    return cmds.asa_v1_added  # type: ignore[attr-defined]


def _pfs_group(t: Tunnel, prof: Profile) -> int | None:
    """The PFS group to set: the strongest group AWS accepts on the tunnel that the ASA release has, else
    the tunnel's own (AWS's endpoints always need a phase-2 DH group)."""
    allowed = N.RELEASE_DH_GROUPS.get(prof.release or N.DEFAULT_RELEASE, N.DH_GROUPS)
    accepted = getattr(getattr(t, "accepted", None), "pfs_groups", ()) or t.ipsec.pfs_groups
    for g in [g for g in (20, 19, 14, 21, 16, 15) if g in accepted] + list(t.ipsec.pfs_groups):
        if g in allowed:
            return g
    return None


def _keys(t: Tunnel) -> list[str]:
    if t.ike.version is IkeVersion.IKEV2:
        return [f"ikev2 remote-authentication pre-shared-key {t.ike.psk}",
                f"ikev2 local-authentication pre-shared-key {t.ike.psk}"]
    return [f"ikev1 pre-shared-key {t.ike.psk}"]
