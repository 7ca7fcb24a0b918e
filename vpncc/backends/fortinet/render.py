"""IR + profile -> the template context for templates/fortinet/main.j2 (all decisions made here)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ...errors import MissingValue
from ...ir import Connection, Routing, Tunnel
from ...profile import Profile
from . import names

#: characters FortiOS accepts in object/interface names without trouble (we quote them anyway)
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_VPN_ID = re.compile(r"^vpn-([0-9a-fA-F]+)$")


def quote(value: str) -> str:
    """A FortiOS CLI double-quoted string: backslash escapes ``"`` and ``\\``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def psk_problem(psk: str) -> str | None:
    """Why a key cannot be written to the FortiOS CLI, or None. Never includes the key."""
    if not names.PSK_MIN <= len(psk) <= names.PSK_MAX:
        return f"has {len(psk)} characters; FortiOS takes {names.PSK_MIN} to {names.PSK_MAX}"
    if psk[:2].lower() == "0x":
        return "starts with 0x, which FortiOS reads as a hexadecimal key"
    if any(ord(c) < 0x20 or ord(c) > 0x7E for c in psk):
        return "contains control or non-ASCII characters"
    if "?" in psk:
        return "contains '?', which the FortiOS CLI takes as a request for help"
    return None


def tunnel_names(conn: Connection, profile: Profile) -> dict[int, str]:
    """Phase-1/interface names within FortiOS's 15 characters, derived from the connection id:
    ``vpn-0a1b2c3d4e5f60718`` -> ``vpn-e5f60718-0`` / ``-1`` (the last 8 hex digits, as AWS's own
    example does for old 8-digit ids). The suffix is the tunnel's position from ``tunnel_start``,
    so the two tunnels of a connection never collide; a prefix too long to fit keeps its head plus a
    4-digit hash of the whole prefix, so two connections do not collide either."""
    prefix = profile.name_prefix or conn.vpn_connection_id or "aws-vpn"
    m = _VPN_ID.match(prefix)
    base = ("vpn-" + m.group(1)[-8:].lower()) if m else re.sub(r"[^A-Za-z0-9_.\-]", "-", prefix)
    start = profile.tunnel_start if profile.tunnel_start is not None else 0
    room = names.NAME_MAX - len(f"-{start + len(conn.tunnels) - 1}")
    if len(base) > room:
        # too long to fit: keep its head and add a short hash of the whole prefix, so that two
        # connections whose prefixes share the head (aws-prod-useast1 / aws-prod-useast2) never collide
        digest = hashlib.sha256(base.encode()).hexdigest()[:4]
        base = base[: room - 5].rstrip("-_.") + "-" + digest
    out = {}
    for i, t in enumerate(conn.tunnels):
        out[t.number] = f"{base}-{start + i}"
    return out


def _proposals(t: Tunnel) -> tuple[list[str], list[str], list[str]]:
    """Phase-1 and phase-2 proposal keywords (preference order) and notes on left-out values."""
    notes: list[str] = []
    p1 = []
    v2 = t.ike.version.value == "ikev2"
    for enc in t.ike.encryption:
        if enc.is_gcm and not v2:
            continue
        for integ in t.ike.integrity:
            p1.append(names.phase1_proposal(enc, integ))
    gcm_v1 = [e.value for e in t.ike.encryption if e.is_gcm and not v2]
    if gcm_v1:
        notes.append(f"tunnel {t.number}: phase 1 leaves out {', '.join(gcm_v1)} (FortiOS offers GCM in "
                     "phase 1 only with IKEv2); AWS accepts the other values")
    p2: list[str] = []
    for enc in t.ipsec.encryption:
        for integ in ((None,) if enc.is_gcm else t.ipsec.integrity):
            kw = names.phase2_proposal(enc, integ)
            if kw not in p2:
                p2.append(kw)
    return p1, p2, notes


def _groups(groups: tuple[int, ...], version: str, what: str, number: int, notes: list[str]) -> str:
    ok = [g for g in groups if g in names.DH_GROUPS[version]]
    left = [str(g) for g in groups if g not in names.DH_GROUPS[version]]
    if left and ok:
        notes.append(f"tunnel {number}: {what} leaves out DH group {', '.join(left)} (not in FortiOS "
                     f"{version}); AWS accepts the others")
    return " ".join(str(g) for g in ok)


def _dpd(t: Tunnel, notes: list[str]) -> tuple[int, int]:
    """DPD retry interval and count. FortiOS flushes a dead peer after interval x (1 + count) seconds
    (names.py, DPD); values that would take longer than vpncc's detection bound are shortened, visibly."""
    from ...validate.negotiation import DPD_DETECT_MAX_S

    iv, rc = t.dpd.interval_s, t.dpd.retries
    if iv * (1 + rc) <= DPD_DETECT_MAX_S:
        return iv, rc
    new_rc = max(1, min(rc, DPD_DETECT_MAX_S // iv - 1))
    new_iv = min(iv, DPD_DETECT_MAX_S // (1 + new_rc))
    notes.append(f"tunnel {t.number}: DPD {iv} s x {rc} retries would take {iv * (1 + rc)} s to flush a dead "
                 f"AWS endpoint on FortiOS (retry interval x (1 + retries)); written as {new_iv} s x {new_rc}")
    return new_iv, new_rc


def _mask(net) -> str:
    return f"{net.network_address} {net.netmask}"


def _template():
    from ...templating import environment

    return environment("fortinet").get_template("main.j2")


def context(conn: Connection, profile: Profile, version: str, header: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    extra = extra or {}
    tnames = tunnel_names(conn, profile)
    outside = quote(profile.outside_interface or "wan1")
    lan = quote(profile.lan_interface or "internal")
    nat = "disable" if profile.nat_traversal is False else "enable"
    opts = getattr(conn, "options", None)
    if opts is not None and opts.acceleration:
        nat = "forced"  # Accelerated VPN: AWS needs UDP 4500 from the start (FortiOS `nattraversal forced`)
    notes: list[str] = []
    tunnels = []
    for t in conn.tunnels:
        p1, p2, pnotes = _proposals(t)
        notes.extend(pnotes)
        name = tnames[t.number]
        assert t.ike.psk is not None and t.outside.customer is not None and t.outside.aws is not None
        v1 = t.ike.version.value == "ikev1"
        dhgrp = _groups(t.ike.dh_groups, version, "phase 1", t.number, notes)
        pfs = _groups(t.ipsec.pfs_groups, version, "phase 2 PFS", t.number, notes)
        dpd_iv, dpd_rc = _dpd(t, notes)
        tunnels.append({
            "number": t.number, "name": quote(name),
            # (key, value) pairs in CLI order; remediation re-uses them key by key
            "phase1": [("interface", outside), ("ike-version", "1" if v1 else "2")]
            + ([("mode", "main")] if v1 else [])
            + [("peertype", "any"), ("net-device", "disable"), ("proposal", " ".join(p1)),
               ("dhgrp", dhgrp),
               ("keylife", str(t.ike.lifetime_s)),
               ("local-gw", str(profile.local_address or t.outside.customer)),
               ("remote-gw", str(t.outside.aws))]
            # behind NAT (--local-address): local-gw is the FortiGate's own address, the IKE identity stays
            # the customer gateway's public address AWS knows (FortiOS `localid`, localid-type address)
            + ([("localid-type", "address"), ("localid", quote(str(t.outside.customer)))]
               if profile.local_address is not None and profile.local_address != t.outside.customer else [])
            + [("psksecret", quote(t.ike.psk)), ("dpd", "on-idle"),
               ("dpd-retryinterval", str(dpd_iv)), ("dpd-retrycount", str(dpd_rc)),
               ("nattraversal", nat)],
            "phase2": [("phase1name", quote(name)), ("proposal", " ".join(p2))]
            + ([("pfs", "enable"), ("dhgrp", pfs)] if pfs else [("pfs", "disable")])
            + [("keylifeseconds", str(t.ipsec.lifetime_s)), ("auto-negotiate", "enable")],
            "interface": [("vdom", '"root"'), ("type", "tunnel"), ("ip", f"{t.inside.customer.ip} 255.255.255.255"),
                          ("remote-ip", f"{t.inside.aws.ip} {t.inside.customer.network.netmask}"),
                          ("allowaccess", "ping"), ("tcp-mss", str(t.tcp_mss)), ("mtu-override", "enable"),
                          ("mtu", str(t.mtu)), ("interface", outside)],
        })
    base = tnames[conn.tunnels[0].number].rsplit("-", 1)[0]
    addresses = []
    local_names, remote_names = [], []
    for kind, nets, acc in (("local", profile.local_networks, local_names),
                            ("remote", profile.remote_networks, remote_names)):
        for i, net in enumerate(nets, 1):
            n = f"{base}-{kind}-{i}"
            acc.append(quote(n))
            addresses.append({"name": quote(n), "subnet": _mask(net),
                              "comment": quote(f"{'on-premises' if kind == 'local' else 'AWS'} network "
                                               f"for {conn.vpn_connection_id or base}")})
    src = " ".join(local_names) or '"all"'
    dst = " ".join(remote_names) or '"all"'
    policies = []
    for t in conn.tunnels:
        name = tnames[t.number]
        policies.append({"name": quote(f"{name}-out"), "srcintf": lan, "dstintf": quote(name),
                         "srcaddr": src, "dstaddr": dst})
        policies.append({"name": quote(f"{name}-in"), "srcintf": quote(name), "dstintf": lan,
                         "srcaddr": dst, "dstaddr": src})
    bgp = None
    routes = []
    if conn.routing is Routing.BGP:
        first = conn.tunnels[0].bgp
        assert first is not None and first.customer_asn is not None
        asn = first.customer_asn
        neighbors = []
        for t in conn.tunnels:
            b = t.bgp
            assert b is not None
            neighbors.append({"ip": str(b.neighbor), "remote_as": b.aws_asn,
                              "local_as": b.customer_asn if b.customer_asn != asn else None,
                              "hold": b.hold_time_s, "keepalive": max(1, b.hold_time_s // 3)})
        ecmp = profile.bgp_mode == "ecmp"
        for i, n in enumerate(neighbors):
            # only the local networks go out; at most names.BGP_MAX_PREFIX routes come in; active/standby:
            # tunnel 2's routes are less preferred both ways (AS-path prepend out, lower local preference in)
            n.update({"prefix_list_out": quote(f"{base}-out"), "maximum_prefix": names.BGP_MAX_PREFIX,
                      "route_map_in": quote(f"{base}-backup-in") if i and not ecmp else None,
                      "route_map_out": quote(f"{base}-backup-out") if i and not ecmp else None})
        reuse = bool(extra.get("bgp_reuse"))
        bgp = {"asn": None if reuse else asn,
               "router_id": None if reuse else str(profile.bgp_router_id or conn.tunnels[0].inside.customer.ip),
               "neighbors": neighbors, "networks": [_mask(n) for n in profile.local_networks],
               "prefix_list": quote(f"{base}-out"), "prefixes": [_mask(n) for n in profile.local_networks],
               "backup": None if ecmp or len(neighbors) < 2 else {
                   "in": quote(f"{base}-backup-in"), "out": quote(f"{base}-backup-out"),
                   "local_pref": names.BGP_BACKUP_LOCAL_PREF,
                   "aspath": quote(" ".join([str(asn)] * names.BGP_BACKUP_PREPEND))},
               "ecmp": ecmp}
    else:
        if not profile.remote_networks:
            raise MissingValue(["remote networks to route through the tunnels (give --remote-networks)"])
        for i, t in enumerate(conn.tunnels):
            for net in profile.remote_networks:
                routes.append({"dst": _mask(net), "device": quote(tnames[t.number]), "distance": 10 if profile.bgp_mode == "ecmp" else 10 + 10 * i,
                               "comment": quote(f"AWS tunnel {t.number}" + (" (backup)" if i else ""))})
    return {"header": header, "version": version, "outside_interface": profile.outside_interface or "wan1",
            "notes": notes,
            "tunnels": tunnels, "addresses": addresses, "bgp": bgp, "routes": routes, "policies": policies}


def render(conn: Connection, profile: Profile, version: str, header: str,
           extra: dict[str, Any] | None = None) -> str:
    return _template().render(**context(conn, profile, version, header, extra))
