"""IR + profile -> the template context of a Junos SRX route-based VPN (both output forms)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ...errors import MissingValue
from ...ir import Connection, Encryption, IkeVersion, Integrity, Routing, Tunnel
from ...profile import Profile
from . import names as N


@dataclass
class Plan:
    """What the tunnel can carry on Junos, and what was left out (reported in the output)."""

    ike_enc: list[Encryption]
    ike_int: list[Integrity]
    ike_dh: list[int]
    esp_enc: list[Encryption]
    esp_int: list[Integrity]
    pfs: list[int]
    omitted: list[str] = field(default_factory=list)


def plan(t: Tunnel, release: str | None = None) -> Plan:
    """Split each IR list into the values Junos (of ``release``) can express and the omitted rest. The
    lists keep the IR's order (``--crypto`` puts the strongest first); nothing is reordered or added."""
    omitted: list[str] = []
    rel = release or N.DEFAULT_RELEASE
    dh_ok = set(N.RELEASE_DH.get(rel, N.DH_GROUPS))

    def keep(label: str, values, ok) -> list:
        good = [v for v in values if ok(v)]
        bad = [v for v in values if not ok(v)]
        if bad:
            omitted.append(f"tunnel {t.number}: {label} " + ", ".join(str(getattr(v, 'value', v)) for v in bad))
        return good

    v2 = t.ike.version is IkeVersion.IKEV2
    sha512 = N.RELEASE_SHA512_IKE.get(rel, True)
    ike_enc = keep("IKE encryption (GCM needs IKEv2)", t.ike.encryption,
                   lambda e: e in N.IKE_ENCRYPTION and (v2 or not e.is_gcm))
    ike_int = keep("IKE integrity", t.ike.integrity,
                   lambda i: i in N.IKE_INTEGRITY and (sha512 or i is not Integrity.SHA2_512))
    ike_dh = keep("IKE DH group", t.ike.dh_groups, lambda g: g in dh_ok)
    esp_enc = keep("ESP encryption", t.ipsec.encryption, lambda e: e in N.ESP_ENCRYPTION)
    esp_int = keep("ESP integrity", t.ipsec.integrity, lambda i: i in N.ESP_INTEGRITY)
    pfs = keep("PFS group", t.ipsec.pfs_groups, lambda g: g in dh_ok)
    return Plan(ike_enc, ike_int, ike_dh, esp_enc, esp_int, pfs, omitted)


def ike_combos(p: Plan) -> list[tuple[Encryption, Integrity | None, int]]:
    """One Junos IKE proposal per (cipher, hash, group). With GCM (IKEv2) the hash is the PRF."""
    return [(e, i, g) for e, i, g in itertools.product(p.ike_enc, p.ike_int or [None], p.ike_dh)]


def esp_combos(p: Plan) -> list[tuple[Encryption, Integrity | None]]:
    """One IPsec proposal per (cipher, hmac); a GCM proposal takes no authentication-algorithm."""
    out: list[tuple[Encryption, Integrity | None]] = []
    for e in p.esp_enc:
        if e.is_gcm:
            out.append((e, None))
        else:
            out.extend((e, i) for i in p.esp_int)
    return out


def object_names(prefix: str, number: int, n_ike: int, n_esp: int) -> dict[str, Any]:
    """Junos object names (up to 32 characters). IKE and IPsec objects live in separate namespaces."""
    base = f"{prefix}-{number}"
    return {"base": base, "ike_proposals": [f"{base}-{k}" for k in range(1, n_ike + 1)],
            "esp_proposals": [f"{base}-{k}" for k in range(1, n_esp + 1)]}


def longest_name(prefix: str) -> int:
    # tunnel numbers are 1-2 digits and a tunnel has at most 4*3*9 = 108 proposals
    return len(f"{prefix}-99-108")


def outside_interface(profile: Profile) -> str:
    name = profile.outside_interface or "ge-0/0/0.0"
    # external-interface and zone membership need a logical unit: ge-0/0/0 means ge-0/0/0.0
    return name if "." in name else name + ".0"


def unit_of(conn: Connection, profile: Profile, t: Tunnel) -> int:
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    return start + [x.number for x in conn.tunnels].index(t.number)


def dpd_threshold(t: Tunnel) -> int:
    """The AWS file's DPD retries as the Junos threshold, lowered where interval x threshold (the time a
    dead peer takes to detect, names.py) would pass the bound the validator holds DPD to."""
    from ...validate.negotiation import DPD_DETECT_MAX_S

    return max(1, min(t.dpd.retries, int(DPD_DETECT_MAX_S // max(1, t.dpd.interval_s))))


def tunnel_context(conn: Connection, profile: Profile, t: Tunnel, primary: bool,
                   system_as: int | None = None) -> dict[str, Any]:
    """``system_as``: the router's own AS (routing-options autonomous-system); ``local-as`` is written only
    when the customer gateway's ASN differs from it."""
    p = plan(t, profile.release)
    ike = ike_combos(p)
    esp = esp_combos(p)
    prefix = profile.name_prefix or "aws-vpn"
    nm = object_names(prefix, t.number, len(ike), len(esp))
    unit = unit_of(conn, profile, t)
    assert t.outside.aws is not None and t.outside.customer is not None and t.ike.psk is not None
    bgp = None
    if conn.routing is Routing.BGP and t.bgp is not None:
        ecmp = profile.bgp_mode == "ecmp"
        system = system_as if system_as is not None else t.bgp.customer_asn
        bgp = {"neighbor": str(t.bgp.neighbor), "peer_as": t.bgp.aws_asn,
               "local_as": t.bgp.customer_asn if t.bgp.customer_asn != system else None,
               "hold_time": t.bgp.hold_time_s,
               "export": f"{prefix}-export" if primary or ecmp else f"{prefix}-export-backup",
               "import": None if primary or ecmp else f"{prefix}-import-backup",
               "description": N.quote(f"AWS {conn.vpn_connection_id or prefix} tunnel {t.number}")}
    return {
        "number": t.number,
        "unit": unit,
        "ifname": f"st0.{unit}",
        "description": N.quote(f"AWS {conn.vpn_connection_id or prefix} tunnel {t.number} to {t.outside.aws}"),
        "inet": t.inside.customer.with_prefixlen,
        "inet6": t.inside_ipv6.customer.with_prefixlen if t.inside_ipv6 else None,
        "mtu": t.mtu,
        "unit_tcp_mss": None,  # filled by build() when the tunnels' MSS differ
        "ike_proposals": [
            {"name": name, "auth": N.IKE_INTEGRITY[i] if i else None, "enc": N.IKE_ENCRYPTION[e],
             "dh": N.dh_keyword(g), "lifetime": t.ike.lifetime_s}
            for name, (e, i, g) in zip(nm["ike_proposals"], ike, strict=False)],
        "ike_policy": {"name": nm["base"],
                       "mode": N.NEGOTIATION_MODE[t.ike.mode] if t.ike.version is IkeVersion.IKEV1 and t.ike.mode
                       else None,
                       "proposals": nm["ike_proposals"], "psk": N.quote(t.ike.psk)},
        # behind NAT (--local-address): IKE leaves from the device's own address; the identity stays the
        # public customer gateway address AWS knows
        "gateway": {"name": nm["base"], "address": str(t.outside.aws),
                    "local": str(profile.local_address or t.outside.customer), "identity": str(t.outside.customer),
                    "dpd_interval": t.dpd.interval_s, "dpd_threshold": dpd_threshold(t),
                    "version": N.IKE_VERSION[t.ike.version]},
        "esp_proposals": [
            {"name": name, "auth": N.ESP_INTEGRITY[i] if i else None, "enc": N.ESP_ENCRYPTION[e],
             "lifetime": t.ipsec.lifetime_s}
            for name, (e, i) in zip(nm["esp_proposals"], esp, strict=False)],
        "ipsec_policy": {"name": nm["base"], "pfs": N.dh_keyword(p.pfs[0]) if p.pfs else None,
                         "proposals": nm["esp_proposals"]},
        "vpn": {"name": nm["base"], "df_bit": "clear" if t.clear_df else "copy"},
        "bgp": bgp,
        "omitted": p.omitted,
        "extra_pfs": [N.dh_keyword(g) for g in p.pfs[1:]],
    }


def build(conn: Connection, profile: Profile, extra: dict[str, Any]) -> dict[str, Any]:
    if conn.routing is Routing.STATIC and not profile.remote_networks:
        raise MissingValue(["remote networks to route through the tunnels with static routing "
                            "(give --remote-networks or remote_networks in the site profile)"])
    prefix = profile.name_prefix or "aws-vpn"
    system_as = extra.get("system_as")  # compile --running: the router's AS, kept
    tunnels = [tunnel_context(conn, profile, t, i == 0, system_as) for i, t in enumerate(conn.tunnels)]
    mss = {t.tcp_mss for t in conn.tunnels}
    flow_mss = next(iter(mss)) if len(mss) == 1 else None
    if extra.get("flow_mss_kept"):
        flow_mss = None  # compile --running: the device's `security flow tcp-mss ipsec-vpn` clamps low enough
    elif flow_mss is None or extra.get("unit_mss"):
        # `security flow tcp-mss ipsec-vpn` is one value for every VPN: different per-tunnel values, or
        # (compile --running) a device whose value must stay, go on each st0 unit (family inet tcp-mss)
        flow_mss = None
        for tc, t in zip(tunnels, conn.tunnels, strict=False):
            tc["unit_tcp_mss"] = t.tcp_mss
    local = [str(n) for n in profile.local_networks]
    remote = [str(n) for n in profile.remote_networks]
    book = ([{"name": f"{prefix}-local-{k}", "prefix": n} for k, n in enumerate(local, 1)]
            + [{"name": f"{prefix}-remote-{k}", "prefix": n} for k, n in enumerate(remote, 1)])
    local_names = [b["name"] for b in book if "-local-" in b["name"]] or ["any"]
    remote_names = [b["name"] for b in book if "-remote-" in b["name"]] or ["any"]
    bgp = None
    first = conn.tunnels[0]
    if conn.routing is Routing.BGP and first.bgp is not None:
        bgp = {"group": prefix, "router_as": first.bgp.customer_asn,
               "router_id": str(profile.bgp_router_id or first.inside.customer.ip),
               "export": f"{prefix}-export", "export_backup": f"{prefix}-export-backup",
               "import_backup": f"{prefix}-import-backup", "local_networks": local,
               "backup_local_pref": N.BACKUP_LOCAL_PREFERENCE,
               # compile --running on a router with BGP: its AS and router-id stay (a new router-id resets
               # every BGP session)
               "routing_options": system_as is None, "ecmp": profile.bgp_mode == "ecmp",
               "prefix_limit": {"maximum": N.BGP_PREFIX_LIMIT, "teardown": N.BGP_PREFIX_LIMIT_TEARDOWN_PCT,
                                "idle": N.BGP_PREFIX_LIMIT_IDLE_MIN}}
    static = []
    if conn.routing is Routing.STATIC:
        for net in remote:
            static.append({"prefix": net, "primary": tunnels[0]["ifname"],
                           "backups": [tc["ifname"] for tc in tunnels[1:]],
                           "preference": N.BACKUP_STATIC_PREFERENCE})
    instance = profile.routing_instance
    omitted = [o for tc in tunnels for o in tc["omitted"]]
    omitted += [f"tunnel {t.number}: DPD threshold {t.dpd.retries} (lowered to {dpd_threshold(t)}: at interval "
                f"{t.dpd.interval_s} s a dead peer would take longer than the 120 s vpncc holds DPD to)"
                for t in conn.tunnels if dpd_threshold(t) != t.dpd.retries]
    omitted += [f"tunnel {tc['number']}: extra PFS groups {', '.join(tc['extra_pfs'])} (a Junos IPsec policy "
                f"has one PFS group: {tc['ipsec_policy']['pfs']}, the first given, is used)"
                for tc in tunnels if tc["extra_pfs"]]
    return {
        "tunnels": tunnels,
        "omitted": omitted,
        "prefix": prefix,
        "zone": profile.zone or "vpn",
        "outside_zone": profile.outside_zone or "untrust",
        "trust_zone": profile.lan_zone or "trust",
        "outside_interface": outside_interface(profile),
        "nat_traversal": profile.nat_traversal,
        "flow_mss": flow_mss,
        "address_book": book,
        "policy_out": {"name": f"{prefix}-out", "src": local_names, "dst": remote_names},
        "policy_in": {"name": f"{prefix}-in", "src": remote_names, "dst": local_names},
        "bgp": bgp,
        "static": static,
        "instance": instance,
        "routing": conn.routing.value,
        "release": profile.release or N.DEFAULT_RELEASE,
    }


def render_text(context: dict[str, Any], form: str) -> str:
    from ...templating import render

    return render("juniper", f"{form}.j2", context)

