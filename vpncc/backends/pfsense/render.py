"""IR + profile -> the pfSense config.xml sections of one connection, as xmlwrite nodes.

Field names, element order and empty-element conventions follow what pfSense's GUI saves
(vpn_ipsec_phase1.php, vpn_ipsec_phase2.php, interfaces.php, system_gateways_edit.php,
system_gateway_groups_edit.php, system_routes_edit.php, firewall_rules_edit.php) and what the FRR
package's pkg_edit.php saves (frr.xml, frr_bgp.xml, frr_bgp_advanced.xml, frr_bgp_neighbors.xml).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field

from ...ir import Connection, Encryption, IkeVersion, Routing, Tunnel
from ...profile import Profile
from . import names as N
from .xmlwrite import Node

#: what pfSense accepts where an interface is named: wan, lan, optN, _vipN, gateway groups
IFACE_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")


@dataclass
class Plan:
    """Identifiers of one compile: fixed for ``xml``, the next free ones of the base for ``merge``."""

    ikeids: list[int]
    reqids: list[int]
    uniqids: list[str]
    ifnames: list[str]
    trackers: dict[str, int] = field(default_factory=dict)
    profile: Profile | None = None


@dataclass
class Sections:
    phase1: list[Node]
    phase2: list[Node]
    interfaces: list[Node]
    frr: list[Node] = field(default_factory=list)              # <frr><config>...
    frrbgp: list[Node] = field(default_factory=list)           # children of frrbgp/config
    frrbgp_rows: list[Node] = field(default_factory=list)      # <row> network entries
    frrbgpadvanced: list[Node] = field(default_factory=list)   # children of frrbgpadvanced/config
    neighbors: list[Node] = field(default_factory=list)        # <config> entries of frrbgpneighbors
    routemaps: list[Node] = field(default_factory=list)        # <config> entries of frrglobalroutemaps
    prefixes: list[Node] = field(default_factory=list)         # <config> entries of frrglobalprefixes
    gateway_items: list[Node] = field(default_factory=list)
    gateway_groups: list[Node] = field(default_factory=list)
    routes: list[Node] = field(default_factory=list)
    rules: list[Node] = field(default_factory=list)
    #: device-wide <ipsec> settings (IKEv2 retransmits), listed in the header as changes outside the tunnels
    ipsec_global: list[Node] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def label(conn: Connection, profile: Profile) -> str:
    return conn.vpn_connection_id or profile.name_prefix or "aws-vpn"


def object_base(profile: Profile) -> str:
    """Upper-case [A-Z0-9_] stem for interface descriptions and gateway names (is_validaliasname():
    < 32 chars of a-z0-9_; interfaces.php: VTI descriptions < 26 chars, so at most 21 + ``_T1``)."""
    stem = re.sub(r"[^A-Z0-9_]", "_", (profile.name_prefix or "AWS_VPN").upper()).strip("_") or "AWS_VPN"
    if stem.isdigit():
        stem = "VPN_" + stem
    return stem[: N.VTI_DESCR_MAX - 4]


def iface_descr(profile: Profile, t: Tunnel) -> str:
    return f"{object_base(profile)}_T{t.number}"


def group_name(profile: Profile) -> str:
    return f"{object_base(profile)}_GW"


def uniqid(lbl: str, number: int, reqid: int) -> str:
    """A 13-hex-digit P2 uniqid (PHP uniqid() shape), stable for the same connection and tunnel."""
    return hashlib.sha1(f"{lbl}/{number}/{reqid}".encode()).hexdigest()[:13]


def tracker(lbl: str, key: str) -> int:
    """A 10-digit firewall rule tracker (pfSense uses (int)microtime(true)), stable per rule."""
    return 1000000000 + int(hashlib.sha1(f"{lbl}/{key}".encode()).hexdigest()[:8], 16) % 900000000


def fixed_plan(conn: Connection, profile: Profile) -> Plan:
    """``xml`` format: ikeids from ikeid_start, reqid = ikeid (so the VTI of ikeid n is ipsec<n>)."""
    start = profile.ikeid_start or 1
    ikeids = [start + i for i in range(len(conn.tunnels))]
    lbl = label(conn, profile)
    return Plan(ikeids=ikeids, reqids=list(ikeids),
                uniqids=[uniqid(lbl, t.number, r) for t, r in zip(conn.tunnels, ikeids, strict=False)],
                ifnames=[f"opt{i + 1}" for i in range(len(conn.tunnels))], profile=profile)


# -- phase 1 / phase 2 ------------------------------------------------------------------------

def _ike_items(t: Tunnel, notes: list[str]) -> list[Node]:
    encs = list(t.ike.encryption)
    if t.ike.version is IkeVersion.IKEV1:
        gcm = [e for e in encs if e.is_gcm]
        if gcm:
            notes.append(f"tunnel {t.number}: IKE encryption {', '.join(e.value for e in gcm)} left out: "
                         "pfSense allows AES-GCM in phase 1 only with IKEv2")
        encs = [e for e in encs if not e.is_gcm]
    items: list[Node] = []
    for enc in encs:
        name, keylen = N.IKE_ENCRYPTION[enc]
        for integ in t.ike.integrity:
            h = N.IKE_INTEGRITY[integ]
            for dh in t.ike.dh_groups:
                items.append(("item", [
                    ("encryption-algorithm", [("name", name), ("keylen", keylen)]),
                    ("hash-algorithm", h),
                    ("prf-algorithm", h),
                    ("dhgroup", str(dh)),
                ]))
    return items


def dpd_values(t: Tunnel, notes: list[str]) -> tuple[int, int]:
    """(dpd_delay, dpd_maxfail) from the file's DPD interval/retries, shortened when pfSense would take
    longer than the bound to declare AWS dead: IKEv1 dpd_timeout = delay x (maxfail + 1) (ipsec.inc);
    IKEv2 = delay + charon's retransmissions (about 90 s with the tries compile sets, ipsec_global())."""
    from ...validate.negotiation import DPD_DETECT_MAX_S as MAX

    delay, fail = t.dpd.interval_s, t.dpd.retries
    if t.ike.version is IkeVersion.IKEV1:
        if delay * (fail + 1) > MAX:
            delay = min(delay, MAX // 2)
            fail = max(1, MAX // delay - 1)
    else:
        delay = min(delay, MAX - 90)
    if (delay, fail) != (t.dpd.interval_s, t.dpd.retries):
        notes.append(f"tunnel {t.number}: DPD delay {delay} s, max failures {fail} (the file says "
                     f"{t.dpd.interval_s} s / {t.dpd.retries}): pfSense would otherwise take more than {MAX} s "
                     "to declare a dead AWS endpoint")
    return delay, fail


def phase1(conn: Connection, t: Tunnel, ikeid: int, profile: Profile, notes: list[str]) -> Node:
    v1 = t.ike.version is IkeVersion.IKEV1
    delay, fail = dpd_values(t, notes)
    return ("phase1", [
        ("ikeid", str(ikeid)),
        ("iketype", N.IKE_VERSION[t.ike.version]),
        ("mode", "main" if v1 else None),
        ("interface", profile.outside_interface or "wan"),
        ("remote-gateway", str(t.outside.aws)),
        ("protocol", "inet"),
        # "IP address" + the customer gateway address (not "My IP address"): correct behind NAT too
        ("myid_type", "address"),
        ("myid_data", str(t.outside.customer)),
        ("peerid_type", "peeraddress"),
        ("peerid_data", True),
        ("encryption", _ike_items(t, notes)),
        ("lifetime", str(t.ike.lifetime_s)),
        ("pre-shared-key", t.ike.psk or ""),
        ("authentication_method", "pre_shared_key"),
        ("descr", f"AWS {label(conn, profile)} tunnel {t.number}"),
        ("nat_traversal", N.NAT_T_FORCE if profile.nat_traversal else N.NAT_T_AUTO),
        ("mobike", "off"),
        # Child SA Close Action "Restart/Reconnect": when AWS closes the SA (its DPD, an endpoint
        # replacement) strongSwan re-initiates at once; the default (close_action none) leaves the
        # tunnel down until someone restarts it (ipsec.inc $ipsec_closeactions)
        ("closeaction", "start"),
        ("dpd_delay", str(delay)),
        ("dpd_maxfail", str(fail)),
    ])


def esp_algorithms(encs: tuple[Encryption, ...]) -> list[tuple[str, str]]:
    """(name, keylen) pairs in the order given (strongest first), one entry per algorithm: keylen
    ``auto`` is never used because it also offers AES192 (ipsec_setup_tunnels() expands 256, 192, 128),
    a value nobody asked for. ipsec_setup_proposal_entry() still puts AEAD entries first."""
    out: list[tuple[str, str]] = []
    for e in encs:
        pair = N.ESP_ENCRYPTION[e]
        if pair not in out:
            out.append(pair)
    return out


def phase2(conn: Connection, t: Tunnel, ikeid: int, reqid: int, uid: str, profile: Profile,
           notes: list[str]) -> Node:
    pfs = t.ipsec.pfs_groups
    if len(pfs) > 1:
        notes.append(f"tunnel {t.number}: PFS groups {', '.join(map(str, pfs[1:]))} left out: a pfSense "
                     f"phase 2 has a single PFS group, {pfs[0]} (the first, preferred one) is used")
    only_gcm = all(e.is_gcm for e in t.ipsec.encryption)
    halgos = [] if only_gcm else list(dict.fromkeys(N.ESP_INTEGRITY[i] for i in t.ipsec.integrity))
    return ("phase2", [
        ("ikeid", str(ikeid)),
        ("uniqid", uid),
        ("mode", "vti"),
        ("reqid", str(reqid)),
        ("localid", [("type", "network"), ("address", str(t.inside.customer.ip)),
                     ("netbits", str(t.inside.customer.network.prefixlen))]),
        ("remoteid", [("type", "address"), ("address", str(t.inside.aws.ip))]),
        ("protocol", "esp"),
        *[("encryption-algorithm-option", [("name", n), ("keylen", k)]) for n, k in esp_algorithms(t.ipsec.encryption)],
        *[("hash-algorithm-option", h) for h in halgos],
        ("pfsgroup", str(pfs[0] if pfs else N.PFS_OFF)),
        ("lifetime", str(t.ipsec.lifetime_s)),
        # Keep Alive: ipsec_keepalive.php (every 300 s) initiates this P2 when it is disconnected,
        # VTI included (vpn_ipsec_phase2.php help text): the tunnel comes back if a restart failed
        ("keepalive", N.KEEPALIVE_ON),
        ("descr", f"AWS {label(conn, profile)} tunnel {t.number}"),
    ])


def ipsec_global(conn: Connection, notes: list[str]) -> list[Node]:
    """IKEv2 has no per-tunnel DPD timeout: charon declares a peer dead when its retransmissions give up
    (165 s with the defaults, plus dpd_delay). "IKEv2 Retransmit" tries 4 (VPN > IPsec > Advanced,
    pfSense 2.6.0+) gives up after 4 * (1.8^5 - 1) / 0.8 = 89.5 s, so a dead AWS endpoint is detected in
    about dpd_delay + 90 s. It is charon-wide, so it is named as a change outside these tunnels."""
    if not any(t.ike.version is IkeVersion.IKEV2 for t in conn.tunnels):
        return []
    notes.append(f"IKEv2 Retransmit tries {N.COMPILE_RETRANSMIT_TRIES} (listed under changes outside these "
                 "tunnels): a dead AWS endpoint is detected in about 100 s instead of 175 s")
    return [("ikev2_retransmit_tries", str(N.COMPILE_RETRANSMIT_TRIES))]


def interface(t: Tunnel, ifname: str, reqid: int, profile: Profile) -> Node:
    return (ifname, [
        ("descr", iface_descr(profile, t)),
        ("if", f"{N.VTI_IF_PREFIX}{reqid}"),
        ("enable", True),
        ("spoofmac", True),
        ("mtu", str(t.mtu)),
        ("mss", str(t.tcp_mss + N.MSS_OFFSET)),
    ])


# -- routing ----------------------------------------------------------------------------------

def frr_global() -> list[Node]:
    return [("enable", N.FRR_ON)]


def frr_bgp(conn: Connection, profile: Profile) -> tuple[list[Node], list[Node]]:
    asn = conn.tunnels[0].bgp.customer_asn if conn.tunnels[0].bgp else None
    cfg = [("enable", N.FRR_ON), ("asnum", str(asn)), ("routerid", str(profile.bgp_router_id))]
    rows = [("row", [("distributeroutevalue", str(net)), ("distributeroutemap", "none")])
            for net in profile.local_networks]
    return cfg, rows


def frr_bgpadvanced() -> list[Node]:
    """Nothing device-wide: FRR >= 7.4 requires an inbound and an outbound policy on eBGP neighbors
    (ebgp-requires-policy), which the neighbors have (frr_prefixes()), so the safety stays on."""
    return []


def prefix_names(profile: Profile) -> tuple[str, str]:
    return f"{object_base(profile)}_IN", f"{object_base(profile)}_OUT"


def frr_prefixes(conn: Connection, profile: Profile) -> list[Node]:
    """frr_global_prefixes.xml entries: OUT announces only the local networks (none: deny everything),
    IN accepts AWS's routes (their number is limited by maximumprefix_num on the neighbors)."""
    pin, pout = prefix_names(profile)
    out_rows = [("row", [("seq", str(10 * (i + 1))), ("action", "permit"), ("source", str(net)), ("ge", ""),
                         ("le", "")]) for i, net in enumerate(profile.local_networks)] or [
        ("row", [("seq", "10"), ("action", "deny"), ("source", "any"), ("ge", ""), ("le", "")])]
    return [
        ("config", [("name", pin), ("descr", f"AWS {label(conn, profile)}: routes accepted from AWS"),
                    ("row", [("seq", "10"), ("action", "permit"), ("source", "0.0.0.0/0"), ("ge", ""),
                             ("le", "32")])]),
        ("config", [("name", pout), ("descr", f"AWS {label(conn, profile)}: announced to AWS"), *out_rows]),
    ]


#: tunnel 1 is preferred: routes learned over a backup tunnel get this local preference, and routes
#: announced over it carry the customer ASN twice more (as the strongSwan, Cisco and Junos configs do)
BACKUP_LOCAL_PREF = 90


def routemap_names(profile: Profile, t: Tunnel) -> tuple[str, str]:
    return f"{object_base(profile)}_T{t.number}_IN", f"{object_base(profile)}_T{t.number}_OUT"


def frr_routemaps(conn: Connection, t: Tunnel, profile: Profile) -> list[Node]:
    """frr_global_routemaps.xml entries for a backup tunnel (the GUI saves "none" in unused selects)."""
    asn = str(t.bgp.customer_asn) if t.bgp else ""
    rin, rout = routemap_names(profile, t)
    common = [("action", "permit"), ("seq", "10"), ("call", "none"), ("exitaction", "none"),
              ("acl_match", "none"), ("prefix_match", "none"), ("nexthop_action", "none"), ("metric_action", "none")]
    return [
        ("config", [("name", rin), ("descr", f"AWS {label(conn, profile)} tunnel {t.number} (backup) in"), *common,
                    ("localpref_action", "set"), ("localpref_value", str(BACKUP_LOCAL_PREF)),
                    ("aspath_action", "none")]),
        ("config", [("name", rout), ("descr", f"AWS {label(conn, profile)} tunnel {t.number} (backup) out"),
                    *common, ("localpref_action", "none"), ("aspath_action", "setprepend"),
                    ("aspath_value", f"{asn} {asn}")]),
    ]


def frr_neighbor(conn: Connection, t: Tunnel, profile: Profile, backup: bool = False) -> Node:
    b = t.bgp
    assert b is not None
    hold = b.hold_time_s
    rin, rout = routemap_names(profile, t) if backup else ("none", "none")
    pin, pout = prefix_names(profile)
    return ("config", [
        ("peer", str(b.neighbor)),
        ("descr", f"AWS {label(conn, profile)} tunnel {t.number}"),
        ("peergroup", "none"),
        ("asnum", str(b.aws_asn)),
        ("updatesource_type", "ipv4"),
        ("updatesource", "default"),
        ("defaultoriginate", "no"),
        ("sendcommunity", "disabled"),
        ("nexthopself", "disabled"),
        ("timers_keepalive", str(hold // 3)),
        ("timers_holdtime", str(hold)),
        ("routemap_in", rin),
        ("routemap_out", rout),
        ("prefixfilter_in", pin),
        ("prefixfilter_out", pout),
        ("maximumprefix_num", str(N.BGP_MAX_PREFIX)),
    ])


def gateway_item(conn: Connection, t: Tunnel, ifname: str, profile: Profile) -> Node:
    # Named like the interface description: get_gateways() then skips the automatic <DESCR>_VTIV4
    # gateway it would otherwise add for the same VTI (gwlb.inc, "automatically skip known ... gateways").
    return ("gateway_item", [
        ("interface", ifname),
        ("gateway", str(t.static_next_hop or t.inside.aws.ip)),
        ("name", iface_descr(profile, t)),
        ("weight", "1"),
        ("ipprotocol", "inet"),
        ("descr", f"AWS {label(conn, profile)} tunnel {t.number}"),
        ("gw_down_kill_states", True),
    ])


def gateway_group(conn: Connection, profile: Profile) -> Node:
    # tiers: tunnel 1 first, tunnel 2 takes over when tunnel 1's monitor says down (trigger "down")
    # ecmp: both on tier 1 (pfSense balances a tier's gateways); else tunnel 2 is tier 2 (failover)
    tier = (lambda i: 1) if profile.bgp_mode == "ecmp" else (lambda i: i + 1)
    items = [("item", f"{iface_descr(profile, t)}|{tier(i)}|address") for i, t in enumerate(conn.tunnels)]
    return ("gateway_group", [
        ("name", group_name(profile)), *items, ("trigger", "down"),
        ("descr", f"AWS {label(conn, profile)} tunnels (failover)"),
    ])


def static_route(conn: Connection, net: ipaddress.IPv4Network, profile: Profile) -> Node:
    return ("route", [
        ("network", str(net)),
        ("gateway", iface_descr(profile, conn.tunnels[0])),
        ("descr", f"AWS {label(conn, profile)} via tunnel {conn.tunnels[0].number}"),
    ])


def policy_rule(conn: Connection, net: ipaddress.IPv4Network, trk: int, profile: Profile) -> Node:
    lan = profile.lan_interface or "lan"
    return ("rule", [
        ("id", True),
        ("tracker", str(trk)),
        ("type", "pass"),
        ("interface", lan),
        ("ipprotocol", "inet"),
        ("source", [("network", lan)]),
        ("destination", [("address", str(net))]),
        ("descr", f"AWS {label(conn, profile)}: {net} via tunnel group"),
        ("gateway", group_name(profile)),
    ])


def build(conn: Connection, profile: Profile, plan: Plan) -> Sections:
    notes: list[str] = []
    s = Sections(phase1=[], phase2=[], interfaces=[], notes=notes)
    for t, ikeid, reqid, uid, ifname in zip(conn.tunnels, plan.ikeids, plan.reqids, plan.uniqids, plan.ifnames, strict=False):
        s.phase1.append(phase1(conn, t, ikeid, profile, notes))
        s.phase2.append(phase2(conn, t, ikeid, reqid, uid, profile, notes))
        s.interfaces.append(interface(t, ifname, reqid, profile))
    s.ipsec_global = ipsec_global(conn, notes)
    lbl = label(conn, profile)
    if conn.routing is Routing.BGP:
        s.frr = frr_global()
        s.frrbgp, s.frrbgp_rows = frr_bgp(conn, profile)
        s.frrbgpadvanced = frr_bgpadvanced()
        ecmp = profile.bgp_mode == "ecmp"
        s.neighbors = [frr_neighbor(conn, t, profile, backup=i > 0 and not ecmp) for i, t in enumerate(conn.tunnels)]
        s.routemaps = [] if ecmp else [rm for t in conn.tunnels[1:] for rm in frr_routemaps(conn, t, profile)]
        s.prefixes = frr_prefixes(conn, profile)
        if not profile.local_networks:
            notes.append("no local networks to advertise over BGP: set local_networks in the site profile")
    else:
        s.gateway_items = [gateway_item(conn, t, ifname, profile) for t, ifname in zip(conn.tunnels, plan.ifnames, strict=False)]
        s.gateway_groups = [gateway_group(conn, profile)] if len(conn.tunnels) > 1 else []
        s.routes = [static_route(conn, net, profile) for net in profile.remote_networks]
        if s.gateway_groups:
            s.rules = [policy_rule(conn, net, plan.trackers.get(str(net)) or tracker(lbl, str(net)), profile)
                       for net in profile.remote_networks]
    return s
