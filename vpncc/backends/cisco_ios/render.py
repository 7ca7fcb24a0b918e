"""IR + profile -> template context for Cisco IOS / IOS-XE (route-based VTI)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...errors import MissingValue
from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...profile import Profile
from ..cisco_common.plan import Expressed, esp_combos, keep, merge_global, names, uniq
from ..cisco_common.util import mask
from . import names as N


def expressible(conn: Connection, profile: Profile | None = None) -> Expressed:
    """The IR as an IOS device holds it once compiled (see cisco_common.plan)."""
    notes: list[str] = []
    tunnels: list[Tunnel] = []
    for t in conn.tunnels:
        ike, esp = t.ike, t.ipsec
        v1 = ike.version is IkeVersion.IKEV1
        enc = keep("IKE encryption", t.number, ike.encryption, lambda e, v1=v1: not (v1 and e.is_gcm),
                   "IOS has AES-GCM for IKE only in IKEv2", notes)
        dh = keep("IKE DH groups", t.number, ike.dh_groups, N.DH_GROUPS.__contains__,
                  "not supported by IOS", notes)
        combos = esp_combos(esp.encryption, esp.integrity, lambda e: True, lambda i: True)
        if len(combos) > N.MAX_TRANSFORM_SETS:
            notes.append(f"tunnel {t.number}: ESP transforms " + names(
                f"{e.value}/{i.value if i else '-'}" for e, i in combos[N.MAX_TRANSFORM_SETS:])
                + f" left out (an IOS IPsec profile takes at most {N.MAX_TRANSFORM_SETS} transform sets)")
            combos = combos[:N.MAX_TRANSFORM_SETS]
        esp_enc = uniq(e for e, _ in combos)
        esp_int = uniq(i for _, i in combos if i is not None) or esp.integrity
        pfs = keep("PFS groups", t.number, esp.pfs_groups, N.DH_GROUPS.__contains__,
                   "not supported by IOS", notes)
        if len(pfs) > 1:
            notes.append(f"tunnel {t.number}: PFS groups {names(pfs[1:])} left out "
                         "(an IOS IPsec profile sets one PFS group)")
            pfs = pfs[:1]
        tunnels.append(replace(t, ike=replace(ike, encryption=enc, dh_groups=dh),
                               ipsec=replace(esp, encryption=esp_enc, integrity=esp_int, pfs_groups=pfs)))
    tunnels = merge_global(tunnels, lambda t: t.ike.version is IkeVersion.IKEV1, "ISAKMP (IKEv1) policies",
                           notes, lifetime=True, platform="IOS")
    for local in uniq(t.outside.customer for t in tunnels if t.ike.version is IkeVersion.IKEV2):
        tunnels = merge_global(tunnels, lambda t, a=local: t.ike.version is IkeVersion.IKEV2
                               and t.outside.customer == a, "IKEv2 proposals of one local address", notes,
                               lifetime=False, platform="IOS")
    return Expressed(replace(conn, tunnels=tuple(tunnels)), notes)


def context(conn: Connection, profile: Profile, header: str, *, only: set[int] | None = None,
            interfaces: dict[int, str] | None = None, policy_numbers: list[int] | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Template context; ``only``/``interfaces``/``policy_numbers`` serve remediation (a subset of the
    tunnels, the device's interface names, policy numbers that are free on the device)."""
    extra = extra or {}
    x = expressible(conn, profile)
    c = x.conn
    prefix = profile.name_prefix or "aws-vpn"
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    if c.routing is Routing.STATIC and not profile.remote_networks:
        raise MissingValue(["static routing needs the remote (VPC) networks to route through the tunnels: "
                            "give --remote-networks or remote_networks in the site profile"])

    # ISAKMP policies: one per (encryption, hash, group), device-wide, numbered from isakmp_policy_start
    policies: list[dict[str, Any]] = []
    seen: set = set()
    number = profile.isakmp_policy_start or 200
    for t in c.tunnels:
        if t.ike.version is not IkeVersion.IKEV1:
            continue
        for e in t.ike.encryption:
            for i in t.ike.integrity:
                for g in t.ike.dh_groups:
                    if (e, i, g) in seen:
                        continue
                    seen.add((e, i, g))
                    policies.append({"number": number, "encryption": N.ISAKMP_ENC[e], "hash": N.ISAKMP_HASH[i],
                                     "group": g, "lifetime": t.ike.lifetime_s})
                    number += 1

    kept_esp = {t.number: esp_combos(t.ipsec.encryption, t.ipsec.integrity, lambda e: True, lambda i: True)
                [:N.MAX_TRANSFORM_SETS] for t in conn.tunnels}
    tunnels = []
    proposal_names: dict[tuple, str] = {}
    for idx, t in enumerate(c.tunnels):
        name = f"{prefix}-{t.number}"
        # the same cut as expressible(): its lists rebuild every combination, the profile takes six
        combos = esp_combos(t.ipsec.encryption, t.ipsec.integrity, lambda e: True, lambda i: True)
        combos = [c for c in combos if c in kept_esp.get(t.number, combos)][:N.MAX_TRANSFORM_SETS]
        tsets = [{"name": f"{name}-{k + 1}", "spec": " ".join([N.ESP_ENC[e]] + ([N.ESP_HASH[i]] if i else []))}
                 for k, (e, i) in enumerate(combos)]
        v2 = t.ike.version is IkeVersion.IKEV2
        proposals: list[dict[str, Any]] = []
        if v2:
            cbc = [e for e in t.ike.encryption if not e.is_gcm]
            gcm = [e for e in t.ike.encryption if e.is_gcm]
            hashes = " ".join(N.IKEV2_HASH[i] for i in t.ike.integrity)
            groups = " ".join(str(g) for g in t.ike.dh_groups)
            if cbc:
                proposals.append({"name": name, "encryption": " ".join(N.IKEV2_ENC[e] for e in cbc),
                                  "integrity": hashes, "prf": None, "group": groups})
            if gcm:
                # an AEAD proposal cannot hold CBC ciphers: two proposals, in the order of the list
                # (the strongest first when the list starts with AES-GCM)
                gp = {"name": f"{name}-gcm", "encryption": " ".join(N.IKEV2_ENC[e] for e in gcm),
                      "integrity": None, "prf": hashes, "group": groups}
                proposals.insert(0 if t.ike.encryption[0].is_gcm else len(proposals), gp)
            # a proposal identical to an earlier tunnel's is written once and shared
            for p in proposals:
                key = (p["encryption"], p["integrity"], p["prf"], p["group"])
                p["new"] = key not in proposal_names
                p["name"] = proposal_names.setdefault(key, p["name"])
        # behind NAT (--local-address): IKE leaves from the device's own address, the identity stays the
        # customer gateway's public address (AWS identifies the peer by it)
        own = profile.local_address if profile.local_address is not None else t.outside.customer
        tunnels.append({
            "number": t.number, "name": name, "interface": f"Tunnel{start + idx}",
            "v2": v2, "psk": t.ike.psk, "peer": str(t.outside.aws), "local": str(own),
            "identity": str(t.outside.customer),
            "inside": str(t.inside.customer.ip), "inside_mask": mask(t.inside.customer),
            "inside_v6": t.inside_ipv6.customer.with_prefixlen if t.inside_ipv6 else None,
            "mtu": t.mtu, "mss": t.tcp_mss, "ike_lifetime": t.ike.lifetime_s,
            "dpd_interval": t.dpd.interval_s, "dpd_retries": t.dpd.retries,
            "proposals": proposals, "transform_sets": tsets,
            "pfs": N.pfs(t.ipsec.pfs_groups[0]) if t.ipsec.pfs_groups else None,
            "ipsec_lifetime": t.ipsec.lifetime_s,
        })

    nat_v1 = [t["number"] for t in tunnels if not t["v2"] and t["local"] != t["identity"]]
    if nat_v1:
        x.notes.append(f"tunnel {', '.join(map(str, nat_v1))}: behind NAT IKEv1 sends the router's own address "
                       f"as its identity (IOS ISAKMP profiles have no identity for an address the router does "
                       "not own); IKEv2 sends the public one (`identity local address`): prefer --crypto "
                       "recommended")
    v2_policies = []
    reuse_pol = extra.get("ikev2_policies") or {}  # --running: the device's policy of that local address
    for local in uniq(t["local"] for t in tunnels if t["v2"]):
        v2_policies.append({"name": reuse_pol.get(local) or (prefix if len(v2_policies) == 0
                                                             else f"{prefix}-{len(v2_policies) + 1}"),
                            "local": local, "existing": local in reuse_pol,
                            "proposals": uniq(p["name"] for t in tunnels if t["v2"] and t["local"] == local
                                              for p in t["proposals"])})

    bgp = None
    static = []
    ecmp = profile.bgp_mode == "ecmp"
    if c.routing is Routing.BGP:
        t1 = c.tunnels[0]
        asn = t1.bgp.customer_asn if t1.bgp else None
        reuse = bool(extra.get("bgp_reuse"))
        bgp = {
            "asn": asn, "router_id": str(profile.bgp_router_id) if profile.bgp_router_id and not reuse else None,
            "reuse": reuse, "ecmp": N.ECMP_PATHS if ecmp else None,
            "neighbors": [{"ip": str(t.bgp.neighbor), "remote_as": t.bgp.aws_asn, "hold": t.bgp.hold_time_s,
                           "keepalive": max(t.bgp.hold_time_s // 3, 1) if t.bgp.hold_time_s else 0,
                           "tunnel": t.number, "backup": i > 0 and not ecmp}
                          for i, t in enumerate(c.tunnels) if t.bgp],
            "networks": [{"net": str(n.network_address), "mask": str(n.netmask)} for n in profile.local_networks],
            "out_list": f"{prefix}-out", "prefixes": [str(n) for n in profile.local_networks],
            "max_prefix": f"{N.BGP_MAX_PREFIX} {N.BGP_MAX_PREFIX_WARN_PCT} restart {N.BGP_MAX_PREFIX_RESTART_MIN}",
            "backup_in": f"{prefix}-backup-in", "backup_out": f"{prefix}-backup-out",
            "local_pref": N.BACKUP_LOCAL_PREF, "prepend": " ".join([str(asn)] * N.BACKUP_PREPEND),
            "anchor_distance": N.ANCHOR_DISTANCE,
        }
    else:
        for i, t in enumerate(tunnels):
            for n in profile.remote_networks:
                static.append({"net": str(n.network_address), "mask": str(n.netmask), "interface": t["interface"],
                               "distance": N.BACKUP_DISTANCE if i > 0 and not ecmp else None})

    if only is not None:
        tunnels = [t for t in tunnels if t["number"] in only]
        rename = {t["interface"]: (interfaces or {}).get(t["number"], t["interface"]) for t in tunnels}
        for t in tunnels:
            t["interface"] = rename[t["interface"]]
        static = [r | {"interface": rename[r["interface"]]} for r in static if r["interface"] in rename]
        if bgp:
            keep_ips = {str(tt.bgp.neighbor) for tt in c.tunnels if tt.number in only and tt.bgp}
            bgp["neighbors"] = [n for n in bgp["neighbors"] if n["ip"] in keep_ips]
            bgp["networks"] = []
    if policy_numbers is not None:
        for p, n in zip(policies, policy_numbers, strict=False):
            p["number"] = n
    return {
        "header": header, "conn_id": prefix, "notes": x.notes, "policies": policies, "tunnels": tunnels,
        "v2_policies": v2_policies, "outside_interface": profile.outside_interface,
        "df_bit_clear": any(t.clear_df for t in c.tunnels),
        "frag_before": any(t.fragment_before_encryption for t in c.tunnels),
        "nat_t_off": profile.nat_traversal is False,
        "compliance_shield_off": _weak_on_strict_release(c, profile),
        "bgp": bgp, "static": static,
    }


def _weak_on_strict_release(conn: Connection, profile: Profile) -> bool:
    """IOS-XE 17.11+ refuses DH 1/2/5/24 unless the compliance shield is disabled (FN72510, names.py): when
    the emitted suite still has one (``--crypto file`` with AWS's DH 2 example), the config says so."""
    if profile.release != "17.11+":
        return False
    return any(g in N.WEAK_DH for t in conn.tunnels for g in (*t.ike.dh_groups, *t.ipsec.pfs_groups))
