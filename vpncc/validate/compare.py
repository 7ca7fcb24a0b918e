"""Compare a device config (in IR terms) with the AWS connection: findings, never text diffs.

Device tunnels are matched to AWS tunnels by the AWS outside address, then by the inside /30. Values
are compared by what they do (vpncc.validate.negotiation): a tunnel negotiates when one device proposal
lies inside AWS's accepted set; lifetimes inside AWS's ranges are fine (which side rekeys first is
info); DPD by how long a dead AWS endpoint takes to detect; MTU/MSS against the bound of the suite;
BGP hold time as BGP negotiates it (the smaller of the two); a private local address in front of a
public customer gateway address is NAT, not an error.
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Any

from .. import aws_defaults
from ..ir import Connection, NegotiationMode, Routing, Tunnel
from ..profile import Profile
from . import negotiation as neg
from .findings import Finding, Severity
from .model import DeviceConfig, DeviceTunnel, Obs
from .report import ConfigResult, Report
from .rules import BY_ID

IKE_LIFETIME_RANGE = aws_defaults.PHASE1_LIFETIME_RANGE
ESP_LIFETIME_RANGE = aws_defaults.PHASE2_LIFETIME_RANGE
#: the tunnel keys the comparison reads (each is named by a rule's ``keys``; a test keeps them in sync)
COMPARED_KEYS = ("enabled", "binding", "outside.aws", "outside.customer", "local.address", "local.identity",
                 "nat_t", "ike_permitted", "forwarding", "ike.version", "ike.mode", "ike.psk", "ike.proposals",
                 "ike.encryption", "ike.integrity", "ike.dh_groups", "ike.lifetime_s", "ipsec.proposals",
                 "ipsec.encryption", "ipsec.integrity", "ipsec.pfs_groups", "ipsec.lifetime_s", "dpd",
                 "dpd.interval_s", "dpd.retries", "inside.customer", "inside_ipv6.customer", "mtu", "tcp_mss",
                 "initiates", "bgp_permitted", "static_routes")
#: AWS's BGP hold time (the generic file's "Neighbor Hold Time": 30 s)
AWS_HOLD_TIME = 30


class _Ctx:
    def __init__(self, conn: Connection, device: DeviceConfig, file: str | None, profile: Profile) -> None:
        self.conn, self.device, self.file, self.profile = conn, device, file, profile
        self.findings: list[Finding] = []

    def add(self, rule_id: str, tunnel: int | None, path: str | None, expected: Any, actual: Any,
            line: int | None, message: str, severity: Severity | None = None) -> None:
        rule = BY_ID[rule_id]
        self.findings.append(Finding(rule.id, rule.name, severity or rule.severity, tunnel, path,
                                     expected, actual, self.file, line, message, rule.category))


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
        return str(v.with_prefixlen)
    return "none" if v is None else str(v)


def _ver(v: Any) -> str:
    return str(getattr(v, "value", v))


# -- proposals -------------------------------------------------------------------------------

def _proposals(d: DeviceTunnel, phase: str) -> tuple[tuple[neg.Proposal, ...], int | None] | None:
    """The device's proposals of one phase; readers that only give flat value lists count as one
    proposal holding them all (what such a reader means)."""
    obs = d.get(f"{phase}.proposals")
    if obs is not None:
        return tuple(obs.value), obs.line
    enc, integ = d.get(f"{phase}.encryption"), d.get(f"{phase}.integrity")
    dh = d.get("ike.dh_groups" if phase == "ike" else "ipsec.pfs_groups")
    if enc is None and integ is None and dh is None:
        return None
    lines = [o.line for o in (enc, integ, dh) if o is not None and o.line]
    p = neg.Proposal(tuple(enc.value) if enc else (), tuple(integ.value) if integ else (),
                     tuple(dh.value) if dh else (), label="", line=lines[0] if lines else None)
    return (p,), p.line


def _failing_line(d: DeviceTunnel, phase: str, fit: neg.Fit) -> int | None:
    """The line to point at: a flat-list reader has one line per slot, so name the slot that fails."""
    if d.get(f"{phase}.proposals") is not None or not fit.reasons:
        return fit.proposal.line
    slot = {"encryption": "encryption", "integrity": "integrity", "integrity/PRF": "integrity"}
    first = fit.reasons[0]
    key = next((f"{phase}.{v}" for k, v in slot.items() if first.startswith(k + " ")), None)
    if key is None:
        key = "ike.dh_groups" if phase == "ike" else "ipsec.pfs_groups"
    obs = d.get(key)
    return obs.line if obs is not None and obs.line else fit.proposal.line


def _label(p: neg.Proposal) -> str:
    return f"{p.label} ({neg.describe(p)})" if p.label else neg.describe(p)


def _why(fits: list[neg.Fit]) -> str:
    """Each device proposal and why it does not fit; proposals failing for the same reasons share a line."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for f in fits:
        groups.setdefault(f.reasons, []).append(_label(f.proposal))
    return "; ".join(f"{', '.join(labels)}: {', '.join(reasons)}" for reasons, labels in groups.items()) \
        or "none configured"


def _compare_phase1(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel, aws: neg.AwsSide, version: Any) -> list[neg.Fit]:
    n = t.number
    got = _proposals(d, "ike")
    if got is None:
        ctx.add("VPN201", n, f"{pre}.ike.proposals", None, None, d.line,
                f"tunnel {n} ({d.name}): no phase-1 proposal is configured")
        return []
    props, line = got
    fits = [neg.fit_ike(p, aws, version) for p in props]
    if not any(f.ok for f in fits):
        why = _why(fits)
        ctx.add("VPN201", n, f"{pre}.ike.proposals", _aws_suite(aws, "ike"), [neg.describe(p) for p in props],
                next((ln for ln in (_failing_line(d, "ike", f) for f in fits) if ln), line or d.line),
                f"tunnel {n} ({d.name}): no phase-1 proposal is acceptable to AWS — {why}")
    return [f for f in fits if f.ok]


def _compare_phase2(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel, aws: neg.AwsSide) -> list[neg.Fit]:
    n = t.number
    got = _proposals(d, "ipsec")
    if got is None:
        ctx.add("VPN210", n, f"{pre}.ipsec.proposals", None, None, d.line,
                f"tunnel {n} ({d.name}): no phase-2 (ESP) proposal is configured")
        return []
    props, line = got
    fits = [neg.fit_esp(p, aws) for p in props]
    if not any(f.ok for f in fits):
        why = _why(fits)
        pfs = any(f.pfs_only for f in fits)
        rule = "VPN211" if pfs else "VPN210"
        first = next((_failing_line(d, "ipsec", f) for f in fits if f.pfs_only), None)
        ctx.add(rule, n, f"{pre}.ipsec.{'pfs_groups' if pfs else 'proposals'}", _aws_suite(aws, "esp"),
                [neg.describe(p) for p in props],
                first or next((ln for ln in (_failing_line(d, "ipsec", f) for f in fits) if ln), line or d.line),
                f"tunnel {n} ({d.name}): no phase-2 proposal is acceptable to AWS — {why}")
    return [f for f in fits if f.ok]


def _aws_suite(aws: neg.AwsSide, phase: str) -> dict[str, list[str]]:
    if phase == "ike":
        return {"encryption": [_ver(v) for v in aws.ike_encryption], "integrity": [_ver(v) for v in aws.ike_integrity],
                "dh_groups": list(aws.ike_dh_groups)}
    return {"encryption": [_ver(v) for v in aws.esp_encryption], "integrity": [_ver(v) for v in aws.esp_integrity],
            "pfs_groups": list(aws.pfs_groups)}


def _lifetime(ctx: _Ctx, pre: str, n: int, d: DeviceTunnel, key: str, rule: str, aws_value: int,
              bounds: tuple[int, int], what: str) -> None:
    obs = d.get(key)
    if obs is None or obs.value is None:
        return
    v = int(obs.value)
    lo, hi = bounds
    if not lo <= v <= hi:
        ctx.add(rule, n, f"{pre}.{key}", aws_value, v, obs.line,
                f"tunnel {n} ({d.name}): {what} lifetime {v} s is outside AWS's range {lo}-{hi} s")
    elif v != aws_value:
        first = "the device" if v < aws_value else "AWS"
        ctx.add(rule, n, f"{pre}.{key}", aws_value, v, obs.line,
                f"tunnel {n} ({d.name}): {what} lifetime {v} s (AWS: {aws_value} s): {first} rekeys first; "
                "both are inside AWS's range", severity=Severity.INFO)


# -- addresses and NAT -------------------------------------------------------------------------

def _compare_local(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel) -> bool:
    """The device's own address and identity against the customer gateway address. Returns True when
    the device sits behind NAT (NAT-T is then in use)."""
    n, cgw = t.number, t.outside.customer
    addr_obs, id_obs, legacy = d.get("local.address"), d.get("local.identity"), d.get("outside.customer")
    expected_private = ctx.profile.local_address
    addr = addr_obs.value if addr_obs is not None else (legacy.value if legacy is not None and id_obs is None
                                                           else None)
    obs = addr_obs or legacy
    nat = False
    if cgw is None:
        return False
    if addr is not None and addr != cgw:
        if expected_private is not None and addr == expected_private:
            nat = True
        elif expected_private is not None:
            ctx.add("VPN111", n, f"{pre}.outside.customer", str(expected_private), str(addr), obs.line if obs else d.line,
                    f"tunnel {n} ({d.name}): the local address is {addr}; --local-address says the device "
                    f"sends IKE from {expected_private}")
        elif isinstance(addr, ipaddress.IPv4Address) and neg.is_private(addr) and not neg.is_private(cgw):
            nat = True
        else:
            ctx.add("VPN111", n, f"{pre}.outside.customer", str(cgw), str(addr), obs.line if obs else d.line,
                    f"tunnel {n} ({d.name}): the device sends IKE from {addr}, but AWS expects the customer "
                    f"gateway {cgw}")
    ident = id_obs.value if id_obs is not None else None
    reported = any(f.rule == "VPN111" and f.tunnel == n for f in ctx.findings)
    if ident is not None and isinstance(ident, ipaddress.IPv4Address) and ident != cgw and not neg.is_private(ident) \
            and not (reported and ident == addr):   # one cause, one finding
        ctx.add("VPN111", n, f"{pre}.outside.customer", str(cgw), str(ident), id_obs.line if id_obs else None,
                f"tunnel {n} ({d.name}): the IKE identity is {ident}, not the customer gateway address {cgw}")
    if nat:
        sent = ident if ident is not None else addr
        nat_t = d.get("nat_t")
        if nat_t is not None and nat_t.value is False:
            ctx.add("VPN113", n, f"{pre}.nat_t", True, False, nat_t.line,
                    f"tunnel {n} ({d.name}): the device is behind NAT ({addr} -> {cgw}) but NAT traversal is off: "
                    "ESP cannot pass the NAT")
        ctx.add("VPN112", n, f"{pre}.outside.customer", str(cgw), str(addr), obs.line if obs else d.line,
                f"tunnel {n} ({d.name}): NAT'd customer gateway — the device uses {addr}, AWS sees {cgw}. "
                f"Needs NAT-T on, UDP 500 and 4500 forwarded from {cgw} to {addr}; the device identifies "
                f"itself as {sent}" + ("" if sent == cgw else f" (set the identity to {cgw} if phase 1 fails "
                                                              "with an identity error)"))
    return nat


# -- the tunnel ---------------------------------------------------------------------------------

def _compare_tunnel(ctx: _Ctx, idx: int, t: Tunnel, d: DeviceTunnel) -> None:
    pre = f"tunnels[{idx}]"
    n = t.number
    aws = neg.aws_side(t)
    en = d.get("enabled")
    if en is not None and en.value is False:
        ctx.add("VPN103", n, f"{pre}", True, False, en.line, f"tunnel {n} ({d.name}) is shut down or disabled")
    peer = d.get("outside.aws")
    if peer is not None and t.outside.aws is not None and peer.value != t.outside.aws:
        ctx.add("VPN110", n, f"{pre}.outside.aws", t.outside.aws, peer.value, peer.line,
                f"tunnel {n} ({d.name}) peers with {peer.value}, AWS's endpoint is {t.outside.aws}")
    nat = _compare_local(ctx, pre, t, d)
    _compare_psk(ctx, pre, t, d)
    # IKE version and mode
    dv = d.get("ike.version")
    version = dv.value if dv is not None else t.ike.version
    if dv is not None and _ver(dv.value) not in {_ver(v) for v in aws.ike_versions}:
        ctx.add("VPN200", n, f"{pre}.ike.version", [_ver(v) for v in aws.ike_versions], _ver(dv.value), dv.line,
                f"tunnel {n} ({d.name}): the device speaks {_ver(dv.value)}; AWS accepts "
                f"{_fmt([_ver(v) for v in aws.ike_versions])} on this tunnel")
    aggressive = False
    if _ver(version) == "ikev1":
        mode = d.get("ike.mode")
        if mode is not None and mode.value is NegotiationMode.AGGRESSIVE:
            aggressive = True
            ctx.add("VPN206", n, f"{pre}.ike.mode", "main", "aggressive", mode.line,
                    f"tunnel {n} ({d.name}): IKEv1 aggressive mode; AWS's endpoints negotiate main mode only")
    ike_fits = _compare_phase1(ctx, pre, t, d, aws, version)
    esp_fits = _compare_phase2(ctx, pre, t, d, aws)
    _lifetime(ctx, pre, n, d, "ike.lifetime_s", "VPN202", aws.ike_lifetime_s, IKE_LIFETIME_RANGE, "phase-1")
    _lifetime(ctx, pre, n, d, "ipsec.lifetime_s", "VPN212", aws.esp_lifetime_s, ESP_LIFETIME_RANGE, "phase-2")
    _compare_dpd(ctx, pre, t, d)
    _compare_addresses(ctx, pre, t, d)
    _compare_size(ctx, pre, t, d, esp_fits, nat)
    _compare_facts(ctx, pre, t, d)
    # security hygiene (VPN5xx) after what decides whether the tunnel works
    if aggressive:
        ctx.add("VPN503", n, f"{pre}.ike.mode", "main", "aggressive", (d.get("ike.mode") or d).line,
                f"tunnel {n} ({d.name}): aggressive mode sends the identity in clear and exposes the PSK "
                "hash to offline guessing")
    if _ver(version) == "ikev1" and "ikev2" in {_ver(v) for v in aws.ike_versions}:
        ctx.add("VPN502", n, f"{pre}.ike.version", "ikev2", "ikev1", dv.line if dv else d.line,
                f"tunnel {n} ({d.name}): IKEv1 while AWS accepts IKEv2 on this tunnel")
    for phase, fits in (("phase 1", ike_fits), ("phase 2", esp_fits)):
        weak = list(dict.fromkeys(w for f in fits for w in neg.weak_values(f)))
        if weak:
            line = next((f.proposal.line for f in fits if neg.weak_values(f) and f.proposal.line), d.line)
            ctx.add("VPN501", n, f"{pre}.{'ike' if phase == 'phase 1' else 'ipsec'}.proposals", None, weak, line,
                    f"tunnel {n} ({d.name}): {phase} offers weak {', '.join(weak)}; AWS picks the lowest value it "
                    "accepts whatever the device's order, so it may be used")


def _compare_psk(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel) -> None:
    n = t.number
    if getattr(t.ike, "auth", "psk") == "certificate":
        return
    psk = d.get("ike.psk")
    if psk is None:
        ctx.add("VPN203", n, f"{pre}.ike.psk", None, None, d.line, f"tunnel {n} ({d.name}) has no pre-shared key")
    elif not psk.verifiable:
        ctx.add("VPN204", n, f"{pre}.ike.psk", None, None, psk.line,
                f"tunnel {n} ({d.name}): the key is stored encrypted or masked and could not be verified")
    elif t.ike.psk is not None and psk.value != t.ike.psk:
        ctx.add("VPN203", n, f"{pre}.ike.psk", None, None, psk.line,
                f"tunnel {n} ({d.name}): the pre-shared key differs from the AWS tunnel's key")
    key = psk.value if psk is not None and psk.verifiable else t.ike.psk
    if isinstance(key, str) and key and _weak_key(key):
        ctx.add("VPN504", n, f"{pre}.ike.psk", None, None, psk.line if psk else d.line,
                f"tunnel {n} ({d.name}): the pre-shared key is short or low in entropy "
                "(fewer than 20 characters or fewer than 10 distinct ones)")


def _weak_key(key: str) -> bool:
    return len(key) < 20 or len(set(key)) < 10


def _compare_dpd(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel) -> None:
    n = t.number
    obs = d.get("dpd")
    if obs is not None and isinstance(obs.value, neg.DpdBehaviour):
        b = obs.value
        if not b.enabled:
            ctx.add("VPN205", n, f"{pre}.dpd", "on", "off", obs.line or d.line,
                    f"tunnel {n} ({d.name}): dead-peer detection is off" + (f" ({b.how})" if b.how else "")
                    + ": a silently failed AWS endpoint is never detected")
        elif b.detect_s is not None and b.detect_s > neg.DPD_DETECT_MAX_S:
            ctx.add("VPN205", n, f"{pre}.dpd", f"<= {neg.DPD_DETECT_MAX_S} s", f"{b.detect_s:.0f} s", obs.line or d.line,
                    f"tunnel {n} ({d.name}): a dead AWS endpoint takes about {b.detect_s:.0f} s to detect "
                    f"({b.how}); aim for {neg.DPD_DETECT_MAX_S} s or less")
        return
    iv, rt = d.get("dpd.interval_s"), d.get("dpd.retries")
    if iv is None and rt is None:
        ctx.add("VPN205", n, f"{pre}.dpd", "on", "off", d.line,
                f"tunnel {n} ({d.name}): dead-peer detection is not configured")


def _compare_addresses(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel) -> None:
    n = t.number
    policy_based = bool(d.value("policy_based", False))
    for key, expected in (("inside.customer", t.inside.customer),
                          ("inside_ipv6.customer", t.inside_ipv6.customer if t.inside_ipv6 else None)):
        if expected is None:
            continue
        obs = d.get(key)
        if obs is None:
            if not policy_based:
                ctx.add("VPN220", n, f"{pre}.{key}", expected, None, d.line,
                        f"tunnel {n} ({d.name}): {key} is not configured (AWS: {_fmt(expected)})")
        elif obs.value != expected:
            ctx.add("VPN220", n, f"{pre}.{key}", expected, obs.value, obs.line,
                    f"tunnel {n} ({d.name}): {key} is {_fmt(obs.value)}, AWS: {_fmt(expected)}")


def _compare_size(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel, esp_fits: list[neg.Fit], nat: bool) -> None:
    """MTU and MSS against the bound: the larger of AWS's value and what the negotiated suite carries."""
    n = t.number
    nat_t = nat or bool(getattr(getattr(ctx.conn, "options", None), "acceleration", False))
    suite = next(((f.encryption[0], f.integrity[0] if f.integrity else None) for f in esp_fits if f.encryption), None)
    if suite is None:  # nothing negotiates: size by what the device offers first
        offered = _proposals(d, "ipsec")
        first = next((p for p in (offered[0] if offered else ()) if p.encryption), None)
        if first is not None:
            suite = (first.encryption[0], first.integrity[0] if first.integrity else None)
    if suite is None:
        enc = t.ipsec.encryption[0] if t.ipsec.encryption else None
        suite = (enc, t.ipsec.integrity[0] if t.ipsec.integrity else None) if enc else None
    inner = neg.max_inner_mtu(*suite, nat_t=nat_t) if suite else t.mtu
    mtu_bound, mss_bound = max(t.mtu, inner), max(t.tcp_mss, inner - 40)
    how = f"the {'/'.join(_ver(x) for x in suite if x is not None)} suite{' with NAT-T' if nat_t else ''}" if suite else ""
    policy_based = bool(d.value("policy_based", False))
    mtu = d.get("mtu")
    if not policy_based and not d.value("mtu_derived", False):
        if mtu is None:
            ctx.add("VPN221", n, f"{pre}.mtu", f"<= {mtu_bound}", None, d.line,
                    f"tunnel {n} ({d.name}): no tunnel MTU is set; AWS recommends {t.mtu}")
        elif int(mtu.value) > mtu_bound:
            ctx.add("VPN221", n, f"{pre}.mtu", f"<= {mtu_bound}", mtu.value, mtu.line,
                    f"tunnel {n} ({d.name}): MTU {mtu.value} is above {mtu_bound} ({how} carries at most "
                    f"{inner}): packets fragment after encryption")
    mss = d.get("tcp_mss")
    if mss is None:
        ctx.add("VPN222", n, f"{pre}.tcp_mss", f"<= {mss_bound}", None, d.line,
                f"tunnel {n} ({d.name}): nothing clamps TCP MSS; AWS recommends {t.tcp_mss}")
    elif int(mss.value) > mss_bound:
        ctx.add("VPN222", n, f"{pre}.tcp_mss", f"<= {mss_bound}", mss.value, mss.line,
                f"tunnel {n} ({d.name}): TCP MSS {mss.value} is above {mss_bound} ({how} carries TCP segments "
                f"of at most {inner - 40} bytes)")


#: reader facts -> (rule, message when False)
_FACTS = (
    ("ike_permitted", "VPN120", "the device's own filter drops IKE/ESP from AWS"),
    ("forwarding", "VPN130", "no policy lets traffic cross the tunnel"),
    ("binding", "VPN104", "the IPsec SA is not bound to the tunnel interface"),
    ("bgp_permitted", "VPN305", "BGP is not allowed in on the tunnel interface"),
)


def _compare_facts(ctx: _Ctx, pre: str, t: Tunnel, d: DeviceTunnel) -> None:
    n = t.number
    for key, rule, what in _FACTS:
        obs = d.get(key)
        if key == "bgp_permitted" and ctx.conn.routing is not Routing.BGP:
            continue
        if obs is not None and obs.value is False:
            ctx.add(rule, n, f"{pre}.{key}", True, False, obs.line or d.line,
                    f"tunnel {n} ({d.name}): {what}" + (f": {obs.note}" if obs.note else ""))
    obs = d.get("initiates")
    if obs is not None and obs.value in ("never", "on-demand"):
        opts = getattr(t, "aws_options", None)
        aws_starts = _ver(getattr(opts, "startup_action", "add")) == "start"
        restart = _ver(getattr(opts, "dpd_timeout_action", "clear")) == "restart"
        note = f": {obs.note}" if obs.note else ""
        if obs.value == "never" and not aws_starts:
            ctx.add("VPN207", n, f"{pre}.initiates", "always", "never", obs.line or d.line,
                    f"tunnel {n} ({d.name}): the device never starts the tunnel and AWS's startup action is "
                    f"'add' (AWS waits for the customer gateway){note}")
        elif not (aws_starts and restart):
            ctx.add("VPN207", n, f"{pre}.initiates", "always", obs.value, obs.line or d.line,
                    f"tunnel {n} ({d.name}): after AWS closes the tunnel (DPD, endpoint replacement) the device "
                    f"brings it back only {'when traffic needs it' if obs.value == 'on-demand' else 'if AWS starts it'}"
                    f"{note}", severity=Severity.WARNING)


# -- BGP and static routing -------------------------------------------------------------------

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
    for key, rule in (("aws_asn", "VPN302"), ("customer_asn", "VPN303")):
        expected = getattr(t.bgp, key)
        if expected is None:
            continue
        obs: Obs | None = nb.get(key)
        actual = obs.value if obs else None
        if actual != expected:
            ctx.add(rule, n, f"{pre}.{key}", expected, actual, obs.line if obs else line,
                    f"tunnel {n}: BGP neighbor {t.bgp.neighbor} {key} is {_fmt(actual)}, AWS: {expected}")
    hold = nb.get("hold_time_s")
    if hold is not None and hold.value is not None and int(hold.value) == 0:
        ctx.add("VPN304", n, f"{pre}.hold_time_s", t.bgp.hold_time_s, 0, hold.line,
                f"tunnel {n}: BGP neighbor {t.bgp.neighbor} hold time 0 turns keepalives off: BGP uses the "
                "smaller hold time, so a dead path is never detected")
    exp = nb.get("export_policy_defined")
    if exp is not None and exp.value is False:
        ctx.add("VPN306", n, f"{pre}.export", True, False, exp.line or line,
                f"tunnel {n}: BGP neighbor {t.bgp.neighbor}: " + (exp.note or "its export policy is not defined"))
    flt = nb.get("outbound_filter")
    if flt is not None and flt.value is False:
        ctx.add("VPN506", n, f"{pre}.outbound_filter", True, False, flt.line or line,
                f"tunnel {n}: BGP neighbor {t.bgp.neighbor} has no outbound prefix filter: the whole BGP table "
                "is announced (AWS accepts at most 100 routes from a customer gateway)")
    lim = nb.get("inbound_limit")
    if lim is not None and lim.value is False:
        ctx.add("VPN507", n, f"{pre}.inbound_limit", True, False, lim.line or line,
                f"tunnel {n}: BGP neighbor {t.bgp.neighbor} accepts any number of routes (no maximum-prefix)")


def _compare_static(ctx: _Ctx, idx: int, t: Tunnel, d: DeviceTunnel, profile: Profile) -> None:
    obs = d.get("static_routes")
    routes = set(obs.value) if obs else set()
    # the VPC networks come from the site profile: the connection's API "Routes" are the other direction
    # (the on-premises prefixes AWS routes into the tunnels)
    wanted = list(profile.remote_networks)
    missing = [w for w in wanted if not any(_covers(r, w) for r in routes)] if wanted else \
        ([] if routes else ["any remote network"])
    if missing:
        ctx.add("VPN401", t.number, f"tunnels[{idx}].static_routes", [str(w) for w in wanted] or ["(any)"],
                sorted(str(r) for r in routes), obs.line if obs else d.line,
                f"tunnel {t.number} ({d.name}): no static route for {', '.join(str(m) for m in missing)}")


def _covers(route: Any, net: ipaddress.IPv4Network) -> bool:
    try:
        return route == net or (route.version == net.version and net.subnet_of(route))
    except (AttributeError, TypeError):
        return False


# -- the connection -----------------------------------------------------------------------------

def _suppress_unverified(ctx: _Ctx, matched: dict[int, DeviceTunnel]) -> None:
    """A construct the reader could not read: say so once, and drop the findings it would cause."""
    drop: list[tuple[int, str]] = []
    for idx, t in enumerate(ctx.conn.tunnels):
        d = matched.get(t.number)
        obs = d.get("unverified") if d is not None else None
        if d is None or obs is None or not obs.value:
            continue
        for prefix, message in dict(obs.value).items():
            drop.append((t.number, f"tunnels[{idx}].{prefix}"))
            ctx.add("VPN902", t.number, f"tunnels[{idx}].{prefix}", None, None, obs.line or d.line,
                    f"tunnel {t.number} ({d.name}): unverified: vpncc could not read {message}")
    if drop:
        ctx.findings = [f for f in ctx.findings if f.rule == "VPN902" or not any(
            f.tunnel == n and f.path is not None and f.path.startswith(p) for n, p in drop)]


def compare(conn: Connection, device: DeviceConfig, profile: Profile | None = None) -> list[Finding]:
    profile = profile or Profile()
    ctx = _Ctx(conn, device, device.path, profile)
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
    _compare_shared_keys(ctx, matched)
    _suppress_unverified(ctx, matched)
    for note in device.notes:
        ctx.add("VPN901", None, None, None, None, note.line, note.message)
    return ctx.findings


def _compare_shared_keys(ctx: _Ctx, matched: dict[int, DeviceTunnel]) -> None:
    keys = [t.ike.psk for t in ctx.conn.tunnels if t.ike.psk]
    if len(keys) == 2 and keys[0] == keys[1] and len(matched) == 2:
        ctx.add("VPN505", None, "tunnels", None, None, None,
                "both tunnels use the same pre-shared key: one leaked key opens both")


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
