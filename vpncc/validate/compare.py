"""Compare a device config (in IR terms) with the AWS connection: findings, never text diffs.

Device tunnels are matched to AWS tunnels by the AWS outside address, then by the inside /30.
Proposal lists compare as sets: AWS accepts any value of its list and the device offers its own, so
they only fail when the two share nothing. Single values (lifetimes, DPD, MTU, MSS, hold time) compare
by equality.
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Any

from ..ir import Connection, IkeVersion, NegotiationMode, Routing, Tunnel, get_path
from ..profile import Profile
from .findings import Finding, Severity
from .model import DeviceConfig, DeviceTunnel, Obs
from .report import ConfigResult, Report
from .rules import BY_ID

#: keys compared as "share at least one value"
SET_KEYS = ("ike.encryption", "ike.integrity", "ike.dh_groups", "ipsec.encryption", "ipsec.integrity",
            "ipsec.pfs_groups")
#: keys compared by equality, in report order
EQ_KEYS = ("outside.customer", "ike.version", "ike.mode", "ike.lifetime_s", "ipsec.lifetime_s",
           "dpd.interval_s", "dpd.retries", "inside.customer", "inside_ipv6.customer", "mtu", "tcp_mss")
#: keys a policy-based (crypto map) tunnel has no place for
POLICY_ONLY_ABSENT = ("inside.customer", "inside_ipv6.customer", "mtu")
#: keys that only matter for IKEv1
V1_ONLY = ("ike.mode",)


def _rule_for(key: str) -> str:
    from .rules import BY_KEY

    return BY_KEY[key].id


class _Ctx:
    def __init__(self, conn: Connection, device: DeviceConfig, file: str | None) -> None:
        self.conn, self.device, self.file = conn, device, file
        self.findings: list[Finding] = []

    def add(self, rule_id: str, tunnel: int | None, path: str | None, expected: Any, actual: Any,
            line: int | None, message: str, severity: Severity | None = None) -> None:
        rule = BY_ID[rule_id]
        self.findings.append(Finding(rule.id, rule.name, severity or rule.severity, tunnel, path,
                                     expected, actual, self.file, line, message))


def match_tunnels(conn: Connection, device: DeviceConfig) -> dict[int, DeviceTunnel]:
    """AWS tunnel number -> device tunnel. Peer address first, then inside /30."""
    out: dict[int, DeviceTunnel] = {}
    used: set[int] = set()
    for t in conn.tunnels:
        for i, d in enumerate(device.tunnels):
            o = d.get("outside.aws")
            if i not in used and o is not None and t.outside.aws is not None and o.value == t.outside.aws:
                out[t.number] = d
                used.add(i)
                break
    for t in conn.tunnels:
        if t.number in out:
            continue
        for i, d in enumerate(device.tunnels):
            o = d.get("inside.customer")
            if i not in used and o is not None and _same_net(o.value, t.inside.customer):
                out[t.number] = d
                used.add(i)
                break
    return out


def _same_net(a: Any, b: ipaddress.IPv4Interface) -> bool:
    try:
        return ipaddress.ip_interface(a).network.overlaps(b.network)
    except (TypeError, ValueError):
        return False


def _fmt(v: Any) -> str:
    if isinstance(v, (tuple, list)):
        return ", ".join(_fmt(x) for x in v) or "none"
    if isinstance(v, enum.Enum):
        return str(v.value)
    if hasattr(v, "with_prefixlen"):
        return v.with_prefixlen
    return "none" if v is None else str(v)


def _compare_tunnel(ctx: _Ctx, idx: int, t: Tunnel, d: DeviceTunnel) -> None:
    pre = f"tunnels[{idx}]"
    n = t.number
    en = d.get("enabled")
    if en is not None and en.value is False:
        ctx.add("VPN103", n, f"{pre}", True, False, en.line, f"tunnel {n} ({d.name}) is shut down or disabled")
    peer = d.get("outside.aws")
    if peer is not None and t.outside.aws is not None and peer.value != t.outside.aws:
        ctx.add("VPN110", n, f"{pre}.outside.aws", t.outside.aws, peer.value, peer.line,
                f"tunnel {n} ({d.name}) peers with {peer.value}, AWS's endpoint is {t.outside.aws}")
    # pre-shared key: compared, never printed
    psk = d.get("ike.psk")
    if psk is None:
        ctx.add("VPN203", n, f"{pre}.ike.psk", None, None, d.line, f"tunnel {n} ({d.name}) has no pre-shared key")
    elif not psk.verifiable:
        ctx.add("VPN204", n, f"{pre}.ike.psk", None, None, psk.line,
                f"tunnel {n} ({d.name}): the key is stored encrypted or masked and could not be verified")
    elif t.ike.psk is not None and psk.value != t.ike.psk:
        ctx.add("VPN203", n, f"{pre}.ike.psk", None, None, psk.line,
                f"tunnel {n} ({d.name}): the pre-shared key differs from the AWS tunnel's key")
    for key in SET_KEYS:
        expected = tuple(get_path(t, key))
        obs = d.get(key)
        if key == "ipsec.integrity":
            if any(f.path == f"{pre}.ipsec.encryption" for f in ctx.findings):
                continue  # one ESP finding is enough: the cipher already shares nothing
            enc = d.get("ipsec.encryption")
            common = set(expected_enc := t.ipsec.encryption) & set(enc.value if enc else ())
            if common and all(e.is_gcm for e in common):
                continue  # GCM carries its own integrity; the device needs no ESP integrity
            if not expected_enc:
                continue
        if key == "ike.integrity" and obs is None:
            continue  # some platforms derive phase-1 integrity (PRF) from the cipher
        actual = tuple(obs.value) if obs is not None else ()
        if not set(actual) & set(expected):
            what = {"ike.encryption": "IKE encryption", "ike.integrity": "IKE integrity",
                    "ike.dh_groups": "IKE DH group", "ipsec.encryption": "ESP encryption",
                    "ipsec.integrity": "ESP integrity", "ipsec.pfs_groups": "PFS group"}[key]
            ctx.add(_rule_for(key), n, f"{pre}.{key}", list(expected), list(actual),
                    obs.line if obs else d.line,
                    f"tunnel {n} ({d.name}): {what} {_fmt(actual)} shares nothing with AWS's {_fmt(expected)}")
    for key in EQ_KEYS:
        if key in V1_ONLY:  # checked when the device speaks IKEv1 and AWS accepts it on this tunnel
            dv = d.get("ike.version")
            device_v1 = dv is None or getattr(dv.value, "value", dv.value) == "ikev1"
            if not device_v1 or IkeVersion.IKEV1 not in (t.ike.allowed_versions or (t.ike.version,)):
                continue
        if key.startswith("inside_ipv6"):
            if t.inside_ipv6 is None:
                continue
        expected = get_path(t, key)
        if expected is None and key == "ike.mode":
            expected = NegotiationMode.MAIN  # an IKEv2 IR, an IKEv1 device AWS also accepts: AWS's IKEv1 is main mode
        if expected is None:
            continue
        obs = d.get(key)
        if key == "ike.version" and t.ike.allowed_versions and obs is not None \
                and obs.value in t.ike.allowed_versions:
            continue  # the API lists every version AWS accepts on the tunnel: any of them is compliant
        if obs is None and key in POLICY_ONLY_ABSENT:
            pb = d.get("policy_based")
            if pb is not None and pb.value:
                continue  # crypto-map tunnels have no tunnel interface: no inside address, no MTU
        if obs is None:
            if key == "outside.customer":
                continue  # identity derived from the interface: nothing configured to compare
            ctx.add(_rule_for(key), n, f"{pre}.{key}", expected, None, d.line,
                    f"tunnel {n} ({d.name}): {key} is not configured (AWS: {_fmt(expected)})")
        elif obs.value != expected:
            ctx.add(_rule_for(key), n, f"{pre}.{key}", expected, obs.value, obs.line,
                    f"tunnel {n} ({d.name}): {key} is {_fmt(obs.value)}, AWS: {_fmt(expected)}")


def _compare_bgp(ctx: _Ctx, idx: int, t: Tunnel) -> None:
    assert t.bgp is not None
    pre = f"tunnels[{idx}].bgp"
    n = t.number
    nb = next((nb for nb in ctx.device.bgp_neighbors
               if nb.get("neighbor") is not None and nb["neighbor"].value == t.bgp.neighbor), None)
    if nb is None:
        ctx.add("VPN301", n, f"{pre}.neighbor", t.bgp.neighbor, None, None,
                f"tunnel {n}: no BGP neighbor {t.bgp.neighbor} (the AWS inside address)")
        return
    line = nb["neighbor"].line
    en = nb.get("enabled")
    if en is not None and en.value is False:
        ctx.add("VPN103", n, pre, True, False, en.line, f"tunnel {n}: BGP neighbor {t.bgp.neighbor} is shut down")
    for key, attr in (("aws_asn", "aws_asn"), ("customer_asn", "customer_asn"), ("hold_time_s", "hold_time_s")):
        expected = getattr(t.bgp, attr)
        if expected is None:
            continue
        obs: Obs | None = nb.get(key)
        actual = obs.value if obs else None
        if actual != expected:
            ctx.add(_rule_for(f"bgp.{key}"), n, f"{pre}.{key}", expected, actual, obs.line if obs else line,
                    f"tunnel {n}: BGP neighbor {t.bgp.neighbor} {key} is {_fmt(actual)}, AWS: {expected}")


def _compare_static(ctx: _Ctx, idx: int, t: Tunnel, d: DeviceTunnel, profile: Profile) -> None:
    obs = d.get("static_routes")
    routes = set(obs.value) if obs else set()
    wanted = list(profile.remote_networks)
    missing = [w for w in wanted if w not in routes] if wanted else ([] if routes else ["any remote network"])
    if missing:
        ctx.add("VPN401", t.number, f"tunnels[{idx}].static_routes", [str(w) for w in wanted] or ["(any)"],
                sorted(str(r) for r in routes), obs.line if obs else d.line,
                f"tunnel {t.number} ({d.name}): no static route for {', '.join(str(m) for m in missing)}")


def compare(conn: Connection, device: DeviceConfig, profile: Profile | None = None) -> list[Finding]:
    profile = profile or Profile()
    ctx = _Ctx(conn, device, device.path)
    matched = match_tunnels(conn, device)
    if len(matched) == 1 and len(conn.tunnels) == 2:
        (only,) = matched
        ctx.add("VPN102", None, "tunnels", [t.number for t in conn.tunnels], [only], None,
                f"only tunnel {only} of 2 is configured; AWS needs both for maintenance and failover")
    for idx, t in enumerate(conn.tunnels):
        d = matched.get(t.number)
        if d is None:
            ctx.add("VPN101", t.number, f"tunnels[{idx}]", str(t.outside.aws), None, None,
                    f"tunnel {t.number} (AWS endpoint {t.outside.aws}) is not configured on the device")
            continue
        _compare_tunnel(ctx, idx, t, d)
        if conn.routing is Routing.BGP and t.bgp is not None:
            _compare_bgp(ctx, idx, t)
        elif conn.routing is Routing.STATIC:
            _compare_static(ctx, idx, t, d, profile)
    for note in device.notes:
        ctx.add("VPN901", None, None, None, None, note.line, note.message)
    return ctx.findings


def validate(conn: Connection, vendor: str, config_text: str, *, profile: Profile | None = None,
             path: str | None = None) -> Report:
    return Report(conn.vpn_connection_id, [validate_one(conn, vendor, config_text, profile=profile, path=path)])


def validate_one(conn: Connection, vendor: str, config_text: str, *, profile: Profile | None = None,
                 path: str | None = None) -> ConfigResult:
    from ..backends import base

    backend = base.get(vendor)
    base.refuse_foreign(backend, config_text, path)
    device = backend.read(config_text, path)
    findings = compare(conn, device, profile)
    return ConfigResult(file=path, vendor=backend.name, findings=findings, device=device)
