"""IR + profile -> template context for Cisco ASA 9.8+ (route-based VTI, or crypto maps for static)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...errors import MissingValue
from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...profile import Profile
from ..cisco_common.plan import Expressed, esp_combos, keep, merge_global, names, uniq
from ..cisco_common.util import mask
from . import names as N


def expressible(conn: Connection, profile: Profile | None = None, fmt: str | None = None) -> Expressed:
    """The IR as an ASA holds it once compiled (see cisco_common.plan)."""
    notes: list[str] = []
    tunnels: list[Tunnel] = []
    release = (profile.release if profile else None) or N.DEFAULT_RELEASE
    groups, v1_groups = N.RELEASE_DH_GROUPS[release], N.RELEASE_IKEV1_GROUPS[release]
    for t in conn.tunnels:
        ike, esp = t.ike, t.ipsec
        v1 = ike.version is IkeVersion.IKEV1
        # lists keep their order (strongest first, as --crypto chose them); only values the ASA cannot
        # express are left out, each with a note
        if v1:
            enc = keep("IKE encryption", t.number, ike.encryption, N.IKEV1_ENC.__contains__,
                       "IKEv1 on the ASA has no AES-GCM", notes)
            integ = keep("IKE integrity", t.number, ike.integrity, N.IKEV1_HASH.__contains__,
                         "IKEv1 on the ASA hashes with SHA-1 only", notes)
            dh = keep("IKE DH groups", t.number, ike.dh_groups, v1_groups.__contains__,
                      f"IKEv1 on ASA {release} has groups {names(sorted(v1_groups))}", notes)
            esp_enc = keep("ESP encryption", t.number, esp.encryption, N.V1_ESP_ENC.__contains__,
                           "IKEv1 transform sets on the ASA have no AES-GCM", notes)
            esp_int = keep("ESP integrity", t.number, esp.integrity, N.V1_ESP_HASH.__contains__,
                           "IKEv1 transform sets on the ASA have SHA-1 only", notes)
        else:
            enc = keep("IKE encryption", t.number, ike.encryption, N.IKEV2_ENC.__contains__,
                       "not generated for ASA IKEv2 policies", notes)
            integ = keep("IKE integrity", t.number, ike.integrity, N.IKEV2_HASH.__contains__,
                         "not generated for ASA IKEv2 policies", notes)
            esp_enc = keep("ESP encryption", t.number, esp.encryption, N.V2_ESP_ENC.__contains__,
                           "not generated for ASA IPsec proposals", notes)
            esp_int = keep("ESP integrity", t.number, esp.integrity, N.V2_ESP_HASH.__contains__,
                           "not generated for ASA IPsec proposals", notes)
            dh = keep("IKE DH groups", t.number, ike.dh_groups, groups.__contains__,
                      f"not supported by ASA {release}", notes)
        pfs = keep("PFS groups", t.number, esp.pfs_groups, groups.__contains__, f"not supported by ASA {release}",
                   notes)
        if len(pfs) > 1:
            notes.append(f"tunnel {t.number}: PFS groups {names(pfs[1:])} left out (an ASA IPsec profile sets one "
                         "PFS group)")
            pfs = pfs[:1]
        tunnels.append(replace(t, ike=replace(ike, encryption=enc, integrity=integ, dh_groups=dh),
                               ipsec=replace(esp, encryption=esp_enc, integrity=esp_int, pfs_groups=pfs)))
    for version in IkeVersion:
        tunnels = merge_global(tunnels, lambda t, v=version: t.ike.version is v,
                               f"{'IKEv1' if version is IkeVersion.IKEV1 else 'IKEv2'} policies", notes,
                               lifetime=True, platform="the ASA")
    mss = min(t.tcp_mss for t in tunnels)
    if any(t.tcp_mss != mss for t in tunnels):
        notes.append(f"TCP MSS clamping is device-wide on the ASA (sysopt connection tcpmss): the tunnels ask for "
                     f"{names(sorted({t.tcp_mss for t in tunnels}))}, the smaller {mss} is used")
        tunnels = [replace(t, tcp_mss=mss) for t in tunnels]
    if fmt == "policy" and len(tunnels) > 1:
        # one crypto map entry lists both peers: its transform sets, PFS and lifetime serve both
        t1 = tunnels[0]
        enc = uniq(e for t in tunnels for e in t.ipsec.encryption)
        integ = uniq(i for t in tunnels for i in t.ipsec.integrity)
        life = min(t.ipsec.lifetime_s for t in tunnels)
        if any((t.ipsec.encryption, t.ipsec.integrity, t.ipsec.pfs_groups, t.ipsec.lifetime_s)
               != (enc, integ, t1.ipsec.pfs_groups, life) for t in tunnels):
            notes.append("one crypto map entry serves both AWS peers: both tunnels get the union of the ESP "
                         f"proposals, tunnel 1's PFS group and the shorter lifetime {life} s")
        tunnels = [replace(t, ipsec=replace(t.ipsec, encryption=enc, integrity=integ, lifetime_s=life,
                                            pfs_groups=t1.ipsec.pfs_groups)) for t in tunnels]
    return Expressed(replace(conn, tunnels=tuple(tunnels)), notes)


def _gcm_order(encryption) -> tuple[bool, bool]:
    """CBC and GCM go to separate IKEv2 policies / IPsec proposals (a GCM one has `integrity null`): the
    kind listed first (the strongest, as --crypto ordered them) comes first."""
    return (True, False) if encryption and encryption[0].is_gcm else (False, True)


def _v2_policies(group: list[Tunnel], number: int) -> list[dict[str, Any]]:
    """IKEv2 policies for the tunnels of one version; CBC and GCM never share a policy."""
    out: list[dict[str, Any]] = []
    seen: set = set()
    for t in group:
        hashes = " ".join(N.IKEV2_HASH[i] for i in t.ike.integrity)
        groups = " ".join(str(g) for g in t.ike.dh_groups)
        for gcm in _gcm_order(t.ike.encryption):
            encs = [e for e in t.ike.encryption if e.is_gcm == gcm]
            if not encs:
                continue
            key = (tuple(encs), hashes, groups, gcm)
            if key in seen:
                continue
            seen.add(key)
            out.append({"number": number, "encryption": " ".join(N.IKEV2_ENC[e] for e in encs),
                        "integrity": "null" if gcm else hashes, "prf": hashes, "group": groups,
                        "lifetime": t.ike.lifetime_s})
            number += 1
    return out


def context(conn: Connection, profile: Profile, header: str, fmt: str | None, *, only: set[int] | None = None,
            interfaces: dict[int, str] | None = None, v1_numbers: list[int] | None = None,
            v2_numbers: list[int] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Template context; the keyword arguments serve remediation (a subset of the tunnels, the device's
    interface names, policy numbers free on the device) and ``compile --running`` (``extra``: what
    safe.allocate chose)."""
    extra = extra or {}
    policy_based = fmt == "policy"
    x = expressible(conn, profile, fmt)
    c = x.conn
    prefix = profile.name_prefix or "aws-vpn"
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    outside = profile.outside_interface or "outside"
    if c.routing is Routing.STATIC and not profile.remote_networks:
        raise MissingValue(["static routing needs the remote (VPC) networks to route through the tunnels: "
                            "give --remote-networks or remote_networks in the site profile"])
    first = profile.isakmp_policy_start or 200
    mine = [t for t in c.tunnels if only is None or t.number in only]  # remediation: the rebuilt tunnels' policies
    v1 = [t for t in mine if t.ike.version is IkeVersion.IKEV1]
    v2 = [t for t in mine if t.ike.version is IkeVersion.IKEV2]
    v1_policies: list[dict[str, Any]] = []
    seen: set = set()
    for t in v1:
        for e in t.ike.encryption:
            for i in t.ike.integrity:
                for g in t.ike.dh_groups:
                    if (e, i, g) not in seen:
                        seen.add((e, i, g))
                        v1_policies.append({"number": first + len(v1_policies), "encryption": N.IKEV1_ENC[e],
                                            "hash": N.IKEV1_HASH[i], "group": g, "lifetime": t.ike.lifetime_s})
    v2_policies = _v2_policies(v2, first)

    tunnels = []
    for idx, t in enumerate(c.tunnels):
        name = f"{prefix}-{t.number}"
        is_v2 = t.ike.version is IkeVersion.IKEV2
        tsets, proposals = [], []
        if is_v2:
            for gcm in _gcm_order(t.ipsec.encryption):
                encs = [e for e in t.ipsec.encryption if e.is_gcm == gcm]
                if encs:
                    proposals.append({"name": f"{name}-gcm" if gcm else name,
                                      "encryption": " ".join(N.V2_ESP_ENC[e] for e in encs),
                                      "integrity": "null" if gcm else
                                      " ".join(N.V2_ESP_HASH[i] for i in t.ipsec.integrity)})
        else:
            for k, (e, i) in enumerate(esp_combos(t.ipsec.encryption, t.ipsec.integrity, lambda e: True,
                                                  lambda i: True)):
                tsets.append({"name": f"{name}-{k + 1}", "spec": f"{N.V1_ESP_ENC[e]} {N.V1_ESP_HASH[i]}"})
        tunnels.append({
            "number": t.number, "name": name, "nameif": name, "interface": f"Tunnel{start + idx}",
            "v2": is_v2, "psk": t.ike.psk, "peer": str(t.outside.aws),
            "inside": str(t.inside.customer.ip), "inside_mask": mask(t.inside.customer),
            "aws_inside": str(t.inside.aws.ip), "mtu": t.mtu,
            "dpd_interval": t.dpd.interval_s, "dpd_retries": t.dpd.retries,
            "transform_sets": tsets, "proposals": proposals,
            "pfs": N.pfs(t.ipsec.pfs_groups[0]) if t.ipsec.pfs_groups else None,
            "ipsec_lifetime": t.ipsec.lifetime_s,
        })

    bgp = None
    static = []
    ecmp = profile.bgp_mode == "ecmp"
    if c.routing is Routing.BGP:
        asn = c.tunnels[0].bgp.customer_asn if c.tunnels[0].bgp else None
        reuse = bool(extra.get("bgp_reuse"))
        bgp = {
            "asn": asn, "router_id": str(profile.bgp_router_id) if profile.bgp_router_id and not reuse else None,
            "neighbors": [{"ip": str(t.bgp.neighbor), "remote_as": t.bgp.aws_asn, "hold": t.bgp.hold_time_s,
                           "keepalive": max(t.bgp.hold_time_s // 3, 1) if t.bgp.hold_time_s else 0,
                           "backup": i > 0 and not ecmp} for i, t in enumerate(c.tunnels) if t.bgp],
            "networks": [{"net": str(n.network_address), "mask": str(n.netmask)} for n in profile.local_networks],
            "out_list": f"{prefix}-out", "prefixes": [str(n) for n in profile.local_networks],
            "max_prefix": f"{N.BGP_MAX_PREFIX} {N.BGP_MAX_PREFIX_WARN_PCT} restart {N.BGP_MAX_PREFIX_RESTART_MIN}",
            "ecmp": N.ECMP_PATHS if ecmp else None,
            "backup_in": f"{prefix}-backup-in", "backup_out": f"{prefix}-backup-out",
            "local_pref": N.BACKUP_LOCAL_PREF, "prepend": " ".join([str(asn)] * N.BACKUP_PREPEND),
        }
    elif not policy_based:
        for i, t in enumerate(tunnels):
            for n in profile.remote_networks:
                static.append({"nameif": t["nameif"], "net": str(n.network_address), "mask": str(n.netmask),
                               "next_hop": t["aws_inside"],
                               "metric": N.BACKUP_METRIC if i and not ecmp else N.PRIMARY_METRIC})

    if only is not None:
        keep_nameifs = {t["nameif"] for t in tunnels if t["number"] in only}
        tunnels = [t for t in tunnels if t["number"] in only]
        for t in tunnels:
            t["interface"] = (interfaces or {}).get(t["number"], t["interface"])
        static = [r for r in static if r["nameif"] in keep_nameifs]
        if bgp:
            keep_ips = {str(tt.bgp.neighbor) for tt in c.tunnels if tt.number in only and tt.bgp}
            bgp["neighbors"] = [n for n in bgp["neighbors"] if n["ip"] in keep_ips]
            bgp["networks"] = []
            bgp["prefixes"] = None  # remediation: the prefix-list exists or is not the finding's object
    for pols, numbers in ((v1_policies, v1_numbers), (v2_policies, v2_numbers)):
        for p, n in zip(pols, numbers or [], strict=False):
            p["number"] = n
    notes = list(x.notes)
    local, cgw = profile.local_address, c.tunnels[0].outside.customer
    if local is not None and cgw is not None and local != cgw:
        # the ASA sources IKE from its interface (`tunnel source interface`): the address stays the device's own
        notes.append(f"the outside interface has {local}, AWS's customer gateway is {cgw} (NAT in front of this "
                     f"ASA): NAT-T is on by default; forward UDP 500 and 4500 from {cgw} to {local}")
    cmap = extra.get("crypto_map")
    acl = []
    if policy_based:
        sources = [f"{n.network_address} {n.netmask}" for n in profile.local_networks] or ["any4"]
        for src in sources:
            for n in profile.remote_networks:
                acl.append(f"{src} {n.network_address} {n.netmask}")

    return {
        "header": header, "conn_id": prefix, "notes": notes, "outside": outside, "policy_based": policy_based,
        "v1_policies": v1_policies, "v2_policies": v2_policies, "tunnels": tunnels,
        "versions": " ".join(v for v, grp in (("ikev1", v1), ("ikev2", v2)) if grp),
        # remediation: a new tunnel takes the group-policy its sibling uses ("" = DfltGrpPolicy)
        "group_policy": extra.get("group_policy", prefix), "group_policy_reused": "group_policy" in extra,
        "tcp_mss": None if extra.get("keep_sysopt") else c.tunnels[0].tcp_mss,
        "df_bit_clear": any(t.clear_df for t in c.tunnels),
        "frag_before": any(t.fragment_before_encryption for t in c.tunnels),
        "nat_t_off": profile.nat_traversal is False,
        "bgp": bgp, "static": static, "acl": acl, "acl_name": f"{prefix}-acl",
        "map_name": cmap[0] if cmap else f"{prefix}-map", "map_seq": cmap[1] if cmap else 10,
        "map_bound": bool(cmap and cmap[2]), "peers": " ".join(t["peer"] for t in tunnels),
    }

