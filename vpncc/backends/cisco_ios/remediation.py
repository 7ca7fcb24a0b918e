"""Findings -> IOS configuration commands that fix them, using the device's own object names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...profile import Profile
from ...validate.findings import Finding
from ...validate.model import DeviceConfig, DeviceTunnel
from ..cisco_common.plan import esp_combos
from ..cisco_common.remedy import Commands, free_numbers
from ..cisco_common.util import mask
from . import names as N


def _val(d: DeviceTunnel | None, key: str) -> Any:
    return d.value(key) if d is not None else None


def _fit(values: tuple, accepted: tuple, ok=lambda v: True) -> tuple:
    """The IR's values AWS accepts on this tunnel; when none is, AWS's accepted values themselves (the AWS
    file's suite is an example: a fix must lie inside what the endpoint accepts)."""
    inside = tuple(v for v in values if v in accepted and ok(v))
    return inside or tuple(v for v in accepted if ok(v))


def _inside_accepted(t: Tunnel) -> Tunnel:
    acc = getattr(t, "accepted", None)
    if acc is None:
        return t
    if acc.ike_versions and t.ike.version not in acc.ike_versions:  # VPN200: rebuilt on a version AWS accepts
        version = IkeVersion.IKEV2 if IkeVersion.IKEV2 in acc.ike_versions else acc.ike_versions[0]
        t = replace(t, ike=replace(t.ike, version=version))
    v1 = t.ike.version is IkeVersion.IKEV1
    ike = replace(t.ike, encryption=_fit(t.ike.encryption, acc.ike_encryption, lambda e: not (v1 and e.is_gcm)),
                  integrity=_fit(t.ike.integrity, acc.ike_integrity),
                  dh_groups=_fit(t.ike.dh_groups, acc.ike_dh_groups, N.DH_GROUPS.__contains__))
    esp = replace(t.ipsec, encryption=_fit(t.ipsec.encryption, acc.esp_encryption),
                  integrity=_fit(t.ipsec.integrity, acc.esp_integrity) if t.ipsec.integrity else (),
                  pfs_groups=_fit(t.ipsec.pfs_groups, acc.pfs_groups, N.DH_GROUPS.__contains__)
                  if t.ipsec.pfs_groups else ())
    # lifetimes: AWS's own (inside its range either side rekeys first; a fix makes them equal)
    ike = replace(ike, lifetime_s=acc.ike_lifetime_s or ike.lifetime_s)
    esp = replace(esp, lifetime_s=acc.esp_lifetime_s or esp.lifetime_s)
    return replace(t, ike=ike, ipsec=esp)


def remediation(findings: Sequence[Finding], conn: Connection, profile: Profile, device: DeviceConfig) -> str:
    from ...compiler import resolve_profile
    from ...validate.compare import match_tunnels
    from ..base import get
    from .render import expressible

    backend = get("cisco-ios")
    prof, _ = resolve_profile(conn, backend, profile)
    x = expressible(conn, prof).conn
    x = replace(x, tunnels=tuple(_inside_accepted(t) for t in x.tunnels))
    matched = match_tunnels(conn, device)
    cmds = Commands()
    prefix = prof.name_prefix or "aws-vpn"
    used_policies = {n for d in device.tunnels for n in (_val(d, "_all_policies") or ())}
    bgp_asn = next((nb["_router_asn"].value for nb in device.bgp_neighbors if nb.get("_router_asn")), None)
    rebuild: set[int] = set()
    for f in findings:
        t = next((tt for tt in x.tunnels if tt.number == f.tunnel), None)
        d = matched.get(f.tunnel) if f.tunnel is not None else None
        if f.rule in ("VPN101", "VPN200") or (t is not None and d is None and f.rule != "VPN102"):
            if t is not None:
                rebuild.add(t.number)
            continue
        if t is None or f.rule in ("VPN102", "VPN901"):
            continue
        _fix(f, t, d, x, prof, cmds, used_policies, bgp_asn, prefix)
    if rebuild:
        _rebuild(sorted(rebuild), x, prof, device, matched, cmds, used_policies)
    return cmds.text()


def _rebuild(numbers: list[int], conn: Connection, prof: Profile, device: DeviceConfig, matched, cmds: Commands,
             used_policies: set[int]) -> None:
    """A missing tunnel (or one on the wrong IKE version): its whole configuration, as compiled."""
    from ..cisco_common.templating import render
    from .render import context

    taken = {d.name for d in device.tunnels}
    interfaces, n = {}, prof.tunnel_start or 1
    for num in numbers:
        d = matched.get(num)
        if d is not None:
            interfaces[num] = d.name
            continue
        while f"Tunnel{n}" in taken:
            n += 1
        interfaces[num] = f"Tunnel{n}"
        taken.add(f"Tunnel{n}")
    has_bgp = any(nb.get("_router_asn") for nb in device.bgp_neighbors) or bool(
        device.inventory is not None and device.inventory.bgp_asn is not None)
    ctx = context(conn, prof, "", only=set(numbers), interfaces=interfaces,
                  policy_numbers=free_numbers(used_policies, prof.isakmp_policy_start or 200, 200),
                  extra={"bgp_reuse": has_bgp})
    for num in numbers:
        d = matched.get(num)
        t = conn.tunnel(num)
        if d is not None and t.ike.version is IkeVersion.IKEV1 and _val(d, "_ipsec_profile") == f"{ctx['conn_id']}-{num}":
            cmds.add([f"crypto ipsec profile {_val(d, '_ipsec_profile')}"], "no set ikev2-profile")
    cmds.block(render("cisco-ios", "main.j2", ctx))


def _fix(f: Finding, t: Tunnel, d: DeviceTunnel, conn: Connection, prof: Profile, cmds: Commands,
         used_policies: set[int], bgp_asn: str | None, prefix: str) -> None:
    v2 = t.ike.version is IkeVersion.IKEV2
    intf = [f"interface {d.name}"]
    isakmp = _val(d, "_isakmp_profile")
    ring = _val(d, "_keyring")
    v2prof = _val(d, "_ikev2_profile")
    ipsec = _val(d, "_ipsec_profile") or f"{prefix}-{t.number}"
    # the object that holds this tunnel's SA settings: its IPsec profile, or its crypto map entry
    sa = [_val(d, "_crypto_map")] if _val(d, "_crypto_map") else [f"crypto ipsec profile {ipsec}"]
    peer = str(t.outside.aws)
    rule = f.rule
    if rule == "VPN103" and f.path and f.path.endswith(".bgp"):
        nb = str(t.bgp.neighbor) if t.bgp else ""
        router = [f"router bgp {bgp_asn or (t.bgp.customer_asn if t.bgp else '')}"]
        cmds.add(router, f"no neighbor {nb} shutdown")
        cmds.add(router + ["address-family ipv4"], f"neighbor {nb} activate")
    elif rule == "VPN103":
        cmds.add(intf, "no shutdown")
    elif rule == "VPN110":
        cmds.add(intf, f"tunnel destination {peer}")
        if v2:
            if v2prof:
                cmds.add([f"crypto ikev2 profile {v2prof}"], f"match identity remote address {peer} 255.255.255.255")
            ring2 = _val(d, "_ikev2_keyring")
            if ring2:
                cmds.add([f"crypto ikev2 keyring {ring2}", f"peer {_val(d, '_ikev2_peer') or prefix}"],
                         f"address {peer}", f"pre-shared-key {t.ike.psk}")
        else:
            if isakmp:
                cmds.add([f"crypto isakmp profile {isakmp}"], f"match identity address {peer} 255.255.255.255")
            if ring:
                cmds.add([f"crypto keyring {ring}"], f"pre-shared-key address {peer} key {t.ike.psk}")
            else:
                cmds.add([], f"crypto isakmp key {t.ike.psk} address {peer}")
    elif rule == "VPN111":
        # the address to send IKE from: the one --local-address names (the user says the router owns it),
        # else the customer gateway's, but only when an interface of this router has it. An address the
        # router does not own in a local-address statement takes the tunnel down (behind NAT the CGW
        # address belongs to the NAT device): then only a note.
        own = prof.local_address
        local = str(own or t.outside.customer)
        owned = own is not None or str(t.outside.customer) in (_val(d, "_owned") or ())
        if v2 and v2prof:
            cmds.add([f"crypto ikev2 profile {v2prof}"], f"identity local address {t.outside.customer}")
            if owned:
                for p in _val(d, "_ikev2_policies") or ():
                    cmds.add([f"crypto ikev2 policy {p}"], f"match address local {local}")
        if not owned:
            cmds.note(f"tunnel {t.number}: no interface of this router has the customer gateway address "
                      f"{t.outside.customer}: source IKE from the interface that does (tunnel source, keyring and "
                      "isakmp profile local-address), or give --local-address if the router is behind NAT")
        elif v2 and v2prof:
            pass
        elif not v2 and (isakmp or ring):
            if isakmp:
                cmds.add([f"crypto isakmp profile {isakmp}"], f"local-address {local}")
            if ring:
                cmds.add([f"crypto keyring {ring}"], f"local-address {local}")
        else:
            cmds.note(f"tunnel {t.number}: give the tunnel source interface ({d.name}) the address {local}, "
                      "or the customer gateway's address if this router is behind NAT")
    elif rule == "VPN201":
        if v2:
            hashes = " ".join(N.IKEV2_HASH[i] for i in t.ike.integrity)
            groups = "group " + " ".join(str(g) for g in t.ike.dh_groups)
            names = []
            for gcm in (False, True):
                encs = [e for e in t.ike.encryption if e.is_gcm == gcm]
                if encs:
                    name = f"{prefix}-{t.number}-fix" + ("-gcm" if gcm else "")
                    names.append(name)
                    cmds.add([f"crypto ikev2 proposal {name}"], "encryption " + " ".join(N.IKEV2_ENC[e] for e in encs),
                             ("prf " if gcm else "integrity ") + hashes, groups)
            for p in _val(d, "_ikev2_policies") or (prefix,):
                cmds.add([f"crypto ikev2 policy {p}"], *(f"proposal {n}" for n in names))
        else:
            combos = [(e, i, g) for e in t.ike.encryption for i in t.ike.integrity for g in t.ike.dh_groups]
            for num, (e, i, g) in zip(free_numbers(used_policies, prof.isakmp_policy_start or 200, len(combos)), combos, strict=False):
                used_policies.add(num)
                cmds.add([f"crypto isakmp policy {num}"], f"encryption {N.ISAKMP_ENC[e]}", f"hash {N.ISAKMP_HASH[i]}",
                         "authentication pre-share", f"group {g}", f"lifetime {t.ike.lifetime_s}")
    elif rule == "VPN202":
        if v2:
            cmds.add([f"crypto ikev2 profile {v2prof}"], f"lifetime {t.ike.lifetime_s}")
        else:
            for num in _val(d, "_isakmp_policies") or ():
                cmds.add([f"crypto isakmp policy {num}"], f"lifetime {t.ike.lifetime_s}")
    elif rule == "VPN203":
        if v2 and _val(d, "_ikev2_keyring"):
            cmds.add([f"crypto ikev2 keyring {_val(d, '_ikev2_keyring')}", f"peer {_val(d, '_ikev2_peer') or prefix}"],
                     f"address {peer}", f"pre-shared-key {t.ike.psk}")
        elif not v2 and ring:
            cmds.add([f"crypto keyring {ring}"], f"pre-shared-key address {peer} key {t.ike.psk}")
        else:
            cmds.add([], f"crypto isakmp key {t.ike.psk} address {peer}")
    elif rule == "VPN204":
        cmds.note(f"tunnel {t.number}: the key is stored encrypted; re-enter it from the AWS file if in doubt")
    elif rule == "VPN205":
        if v2 and v2prof:
            cmds.add([f"crypto ikev2 profile {v2prof}"], f"dpd {t.dpd.interval_s} {t.dpd.retries} on-demand")
        elif isakmp:
            cmds.add([f"crypto isakmp profile {isakmp}"], f"keepalive {t.dpd.interval_s} retry {t.dpd.retries}")
        else:
            cmds.add([], f"crypto isakmp keepalive {t.dpd.interval_s} {t.dpd.retries}")
    elif rule == "VPN206" and isakmp:
        cmds.add([f"crypto isakmp profile {isakmp}"], "no initiate mode aggressive")
    elif rule == "VPN210":
        existing = list(_val(d, "_transform_sets") or ())
        combos = esp_combos(t.ipsec.encryption, t.ipsec.integrity, lambda e: True, lambda i: True)
        room = max(N.MAX_TRANSFORM_SETS - len(existing), 1)
        new = []
        for k, (e, i) in enumerate(combos[:room]):
            name = f"{prefix}-{t.number}-fix{k + 1}"
            cmds.add([f"crypto ipsec transform-set {name} " + " ".join([N.ESP_ENC[e]] + ([N.ESP_HASH[i]] if i else []))],
                     "mode tunnel")
            new.append(name)
        sets = (existing + new)[-N.MAX_TRANSFORM_SETS:]
        cmds.add(sa, "set transform-set " + " ".join(sets))
    elif rule == "VPN211":
        # the strongest group AWS accepts on the tunnel and IOS has (vpncc.crypto's order), else the file's
        acc = getattr(t, "accepted", None)
        strong = [g for g in (20, 19, 14) if acc is not None and g in acc.pfs_groups and g in N.DH_GROUPS]
        group = strong[0] if strong else (t.ipsec.pfs_groups[0] if t.ipsec.pfs_groups else None)
        cmds.add(sa, f"set pfs {N.pfs(group)}" if group else "no set pfs")
    elif rule == "VPN212":
        cmds.add(sa, f"set security-association lifetime seconds {t.ipsec.lifetime_s}")
    elif rule == "VPN220":
        if f.path and "inside_ipv6" in f.path and t.inside_ipv6:
            cmds.add(intf, "ipv6 enable", f"ipv6 address {t.inside_ipv6.customer.with_prefixlen}")
        else:
            cmds.add(intf, f"ip address {t.inside.customer.ip} {mask(t.inside.customer)}")
    elif rule == "VPN221":
        cmds.add(intf, f"ip mtu {t.mtu}")
    elif rule == "VPN222":
        cmds.add(intf, f"ip tcp adjust-mss {t.tcp_mss}")
    elif rule in ("VPN301", "VPN302", "VPN303", "VPN304") and t.bgp is not None:
        nb = str(t.bgp.neighbor)
        router = [f"router bgp {bgp_asn or t.bgp.customer_asn}"]
        hold = t.bgp.hold_time_s
        if rule == "VPN301":
            cmds.add(router, f"neighbor {nb} remote-as {t.bgp.aws_asn}",
                     f"neighbor {nb} timers {max(hold // 3, 1) if hold else 0} {hold}")
            cmds.add(router + ["address-family ipv4"], f"neighbor {nb} activate")
            # a new neighbor announces only the local networks and limits what it accepts
            plist = f"{prefix}-out"
            for k, net in enumerate(prof.local_networks, 1):
                cmds.add([], f"ip prefix-list {plist} seq {5 * k} permit {net}")
            if not prof.local_networks:
                cmds.add([], f"ip prefix-list {plist} seq 5 deny 0.0.0.0/0 le 32")
            cmds.add(router + ["address-family ipv4"], f"neighbor {nb} prefix-list {plist} out",
                     f"neighbor {nb} maximum-prefix {N.BGP_MAX_PREFIX} {N.BGP_MAX_PREFIX_WARN_PCT} restart "
                     f"{N.BGP_MAX_PREFIX_RESTART_MIN}")
            if bgp_asn and str(t.bgp.customer_asn) != bgp_asn:
                cmds.add(router, f"neighbor {nb} local-as {t.bgp.customer_asn} no-prepend replace-as")
        elif rule == "VPN302":
            cmds.add(router, f"neighbor {nb} remote-as {t.bgp.aws_asn}")
        elif rule == "VPN303":
            cmds.add(router, f"neighbor {nb} local-as {t.bgp.customer_asn} no-prepend replace-as")
        else:
            cmds.add(router, f"neighbor {nb} timers {max(hold // 3, 1) if hold else 0} {hold}")
    elif rule == "VPN113":
        # NAT-T off while the router is behind NAT: IOS's default (udp-encapsulation) back on; it is the
        # device-wide statement the finding names
        cmds.add([], "crypto ipsec nat-transparency udp-encapsulation")
    elif rule == "VPN401" and conn.routing is Routing.STATIC and _val(d, "_crypto_acl"):
        # policy-based: the crypto ACL decides what the SA carries (both map entries share it as a rule)
        srcs = [f"{n.network_address} {n.hostmask}" for n in prof.local_networks] or ["any"]
        for net in prof.remote_networks:
            for src in srcs:
                cmds.add([f"ip access-list extended {_val(d, '_crypto_acl')}"],
                         f"permit ip {src} {net.network_address} {net.hostmask}")
    elif rule == "VPN401" and conn.routing is Routing.STATIC:
        backup = t.number != conn.tunnels[0].number
        for net in prof.remote_networks:
            cmds.add([], f"ip route {net.network_address} {net.netmask} {d.name}"
                     + (f" {N.BACKUP_DISTANCE}" if backup else ""))
