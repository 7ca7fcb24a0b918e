"""From evidence to ranked causes: per tunnel, the symptom its state shows and the likely causes with
the evidence behind each and the next check to run.

Symptoms (the troubleshooting guide's five): tunnel-down (IKE parameters / PSK), no-route (missing
static route or BGP prefix), one-tunnel-active (redundancy; a connection-level verdict), slow-throughput
(MTU / MSS / DF), bgp-not-established (ASN mismatch / TCP 179 blocked).

Scores order causes (higher first); a config finding that explains the device's state outranks a
guess from the state alone, and a finding that contradicts it (a phase-1 finding on a tunnel whose
IKE SA is up) drops. Cisco's IKEv1 state meanings: "IPsec Troubleshooting: Understanding and Using
debug Commands" and "ASA IKEv1 Debugs for Site-to-Site VPN" (MM_NO_STATE / MM_WAIT_MSG2: the peer does
not answer or accepts no proposal; MM_KEY_EXCH / MM_WAIT_MSG4-6: authentication, usually the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TUNNEL_DOWN, NO_ROUTE, ONE_TUNNEL = "tunnel-down", "no-route", "one-tunnel-active"
SLOW, BGP_DOWN = "slow-throughput", "bgp-not-established"
SYMPTOMS = (TUNNEL_DOWN, NO_ROUTE, ONE_TUNNEL, SLOW, BGP_DOWN)

PHASE1 = {"VPN200", "VPN201", "VPN203", "VPN206", "VPN110", "VPN111", "VPN120", "VPN207", "VPN103"}
PHASE2 = {"VPN210", "VPN211", "VPN104"}
BGP_RULES = {"VPN301", "VPN302", "VPN303", "VPN305", "VPN220", "VPN304"}
ROUTE_RULES = {"VPN401", "VPN306", "VPN506", "VPN130"}
SIZE_RULES = {"VPN221", "VPN222"}
#: IKEv1 states in which the peers agreed on a proposal and authentication is what fails
AUTH_STATES = {"MM_KEY_EXCH", "MM_WAIT_MSG4", "MM_WAIT_MSG5", "MM_WAIT_MSG6", "AM_AUTH", "AUTH"}


@dataclass
class Cause:
    symptom: str
    summary: str
    score: int
    evidence: list[str]
    next_check: str
    rules: list[str] = field(default_factory=list)
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"symptom": self.symptom, "summary": self.summary, "score": self.score,
                "evidence": list(self.evidence), "next_check": self.next_check, "rules": list(self.rules),
                "fix": self.fix}


@dataclass
class Evidence:
    """What is known about one tunnel, from each source (None = that source was not given)."""

    number: int
    aws_outside: str
    aws_inside: str | None
    customer_inside: str | None
    aws_asn: int | None
    bgp: bool
    telemetry: Any = None
    ike: list = field(default_factory=list)
    child: list = field(default_factory=list)
    peers: list = field(default_factory=list)
    interfaces: list = field(default_factory=list)
    kinds: set = field(default_factory=set)   #: kinds of device state the --show files list completely
    findings: list = field(default_factory=list)
    config_given: bool = False
    static_routes: int | None = None
    clear_df: bool = True
    fragment_before_encryption: bool = True
    vendor: str | None = None

    def ike_up(self) -> bool | None:
        if any(s.up for s in self.ike) or any(c.up for c in self.child):
            return True
        return False if "ike" in self.kinds else None

    def child_up(self) -> bool | None:
        if any(c.up for c in self.child):
            return True
        return False if "child" in self.kinds else None

    def bgp_up(self) -> bool | None:
        if any(p.established for p in self.peers):
            return True
        return False if "bgp" in self.kinds and (self.peers or not self._unmatched_bgp) else None

    _unmatched_bgp: bool = False


def _rule_check(rule: str) -> str:
    from ..validate.rules import BY_ID

    r = BY_ID.get(rule)
    return r.check if r else "see `vpncc explain " + rule + "`"


def _aws_words(e: Evidence) -> str:
    t = e.telemetry
    if t is None:
        return "AWS: no telemetry"
    msg = f" {t.message!r}" if t.message else ""
    return f"AWS: {t.status}{msg}" + (f", {t.accepted_routes} accepted route(s)" if t.accepted_routes is not None else "")


def _device_words(e: Evidence) -> str:
    parts = []
    if e.ike:
        parts.append("IKE SA " + ", ".join(f"{s.state}" for s in e.ike))
    elif "ike" in e.kinds:
        parts.append("no IKE SA")
    if e.child:
        parts.append("child SA " + ", ".join(c.state for c in e.child))
    elif "child" in e.kinds:
        parts.append("no child SA")
    for p in e.peers:
        parts.append(f"BGP {p.neighbor or p.name} {p.state}"
                     + (f" ({p.prefixes_received} prefixes received)" if p.prefixes_received is not None else ""))
    if not e.peers and "bgp" in e.kinds and e.bgp:
        parts.append(f"no BGP neighbor {e.aws_inside}")
    for i in e.interfaces:
        parts.append(f"{i.name} {i.state}")
    return "device: " + ("; ".join(parts) if parts else "no show output for this tunnel")


def short(message: str, limit: int = 150) -> str:
    """A message cut to one line."""
    return message if len(message) <= limit else message[:limit - 3] + "..."


def _split(message: str) -> tuple[str, str]:
    """A finding's message as (head, the first failing item's reason): comparison messages read "tunnel 1
    (X): no phase-2 proposal is acceptable to AWS — transform-set A (...): PFS group 1 not accepted
    (...); transform-set B ..."; the JSON keeps the whole message."""
    head, _, rest = message.partition(" — ")
    first = rest.split("; ")[0]
    return head, first.split("): ", 1)[-1] if first else ""


def _from_finding(symptom: str, f: Any, score: int, e: Evidence) -> Cause:
    head, why = _split(f.message)
    summary = why if why else head.split(": ", 1)[-1] if head.startswith("tunnel ") else head
    return Cause(symptom, f"{f.name}: {short(summary)} -> {f.rule}", score,
                 [_aws_words(e), _device_words(e), f"config: {short(head + (': ' + why if why else ''), 300)} ({f.rule})"],
                 _rule_check(f.rule), [f.rule], fix=_rule_check(f.rule))


def tunnel_causes(e: Evidence) -> tuple[str | None, list[Cause]]:
    """The symptom this tunnel shows (None: healthy or unknown) and its causes, best first."""
    by_rule: dict[str, Any] = {}
    for f in e.findings:
        by_rule.setdefault(f.rule, f)
    tel = e.telemetry
    ike_up, child_up = e.ike_up(), e.child_up()
    ipsec_up = child_up if child_up is not None else (tel.ipsec_up if tel is not None else None)
    if tel is not None and not tel.ipsec_up and child_up:
        ipsec_up = True  # the device shows an SA: AWS's view lags or its SA is not this one; BGP/route checks go on
    causes: list[Cause] = []
    symptom: str | None = None

    missing = by_rule.get("VPN101")
    if missing is not None or (e.config_given is False and "ike" in e.kinds and not e.ike and not e.child
                               and ipsec_up is False):
        symptom = TUNNEL_DOWN
        msg = missing.message if missing else f"the device has no IKE SA with {e.aws_outside}"
        causes.append(Cause(TUNNEL_DOWN, f"tunnel {e.number} missing on the device", 95 if missing else 45,
                            [_aws_words(e), _device_words(e)] + ([f"config: {msg} (VPN101)"] if missing else []),
                            _rule_check("VPN101"), ["VPN101"] if missing else []))
    if ipsec_up is False or (tel is not None and not tel.ipsec_up and ipsec_up is None):
        symptom = TUNNEL_DOWN
        for rule, f in by_rule.items():
            if rule in PHASE1:
                causes.append(_from_finding(TUNNEL_DOWN, f, 80 + (10 if ike_up is False else 0) - (40 if ike_up else 0), e))
            elif rule in PHASE2:
                causes.append(_from_finding(TUNNEL_DOWN, f, 75 + (15 if ike_up and child_up is False else 0)
                                            - (25 if ike_up is False else 0), e))
        if ike_up is False and missing is None:
            state = e.ike[0].state if e.ike else "no IKE SA"
            if state in AUTH_STATES:
                causes.append(Cause(TUNNEL_DOWN, "IKE authentication fails: pre-shared key (or IKE identity) "
                                    "differs from AWS's", 60, [_aws_words(e), _device_words(e)],
                                    "compare the device's key for this peer with the tunnel's key in the AWS "
                                    "file (vpncc validate with VPNCC_PSK_n); check the IKE identity it sends"))
            else:
                causes.append(Cause(TUNNEL_DOWN, "no IKE SA with AWS: no reply (UDP 500/4500 blocked, wrong "
                                    "peer or local address) or no phase-1 proposal AWS accepts", 50,
                                    [_aws_words(e), _device_words(e)],
                                    f"ping/traceroute {e.aws_outside}; check that UDP 500 and 4500 reach it; "
                                    "run vpncc validate --config for the proposals"))
        elif ike_up and child_up is False:
            causes.append(Cause(TUNNEL_DOWN, "IKE SA up, no child SA: phase-2 proposal, PFS group or traffic "
                                "selectors not accepted", 55, [_aws_words(e), _device_words(e)],
                                "compare the transform set / phase-2 proposal and PFS group with the tunnel's "
                                "accepted phase-2 values; AWS's selectors are 0.0.0.0/0 both ways"))
        elif ike_up is None and child_up is False:
            causes.append(Cause(TUNNEL_DOWN, "no child SA on the device (its IKE state was not shown): phase 1 or "
                                "phase 2 fails", 35, [_aws_words(e), _device_words(e)],
                                "capture the device's IKE SA list too (e.g. FortiOS: diagnose vpn ike gateway "
                                "list) and give the config (--vendor, --config)"))
        if not causes:
            causes.append(Cause(TUNNEL_DOWN, "AWS reports the tunnel down; no device evidence to say why", 10,
                                [_aws_words(e), _device_words(e)],
                                "give the device's IKE/IPsec show output (--show) and its config (--vendor, --config)"))
    elif e.bgp and (e.bgp_up() is False or (tel is not None and not tel.up and tel.ipsec_up and e.bgp_up() is not True)):
        symptom = BGP_DOWN
        for rule, f in by_rule.items():
            if rule in BGP_RULES:
                causes.append(_from_finding(BGP_DOWN, f, 85, e))
        for p in e.peers:
            if p.remote_as is not None and e.aws_asn is not None and p.remote_as != e.aws_asn:
                causes.append(Cause(BGP_DOWN, f"the device peers with AS {p.remote_as}; AWS's ASN is {e.aws_asn}",
                                    90, [_aws_words(e), _device_words(e)], _rule_check("VPN302"), ["VPN302"],
                                    fix=_rule_check("VPN302")))
            elif p.state.startswith(("OpenSent", "OpenConfirm")):
                causes.append(Cause(BGP_DOWN, "BGP OPEN exchanged but refused: ASN (local-as) or hold time "
                                    "not accepted", 55, [_aws_words(e), _device_words(e)],
                                    "check the local AS the device sends equals the customer gateway ASN"))
            elif not p.established:
                causes.append(Cause(BGP_DOWN, f"TCP 179 to {e.aws_inside} does not connect: wrong neighbor or "
                                    "inside address, or a filter / zone blocks BGP on the tunnel", 50,
                                    [_aws_words(e), _device_words(e)],
                                    f"ping {e.aws_inside} from {e.customer_inside}; check the tunnel interface "
                                    "address and that the filter/zone permits TCP 179"))
        if not e.peers and "bgp" in e.kinds and not e._unmatched_bgp:
            causes.append(Cause(BGP_DOWN, f"no BGP neighbor {e.aws_inside} on the device", 80,
                                [_aws_words(e), _device_words(e)], _rule_check("VPN301"), ["VPN301"]))
        if not causes:
            causes.append(Cause(BGP_DOWN, "IPsec up but BGP not established; no device evidence to say why", 10,
                                [_aws_words(e), _device_words(e)],
                                "give the device's BGP summary (--show) and its config (--vendor, --config)"))
    elif e.bgp and ((tel is not None and tel.up and tel.accepted_routes == 0) or any(p.policy_blocked for p in e.peers)):
        symptom = NO_ROUTE
        for rule, f in by_rule.items():
            if rule in ROUTE_RULES:
                causes.append(_from_finding(NO_ROUTE, f, 85, e))
        for p in e.peers:
            if p.policy_blocked:
                causes.append(Cause(NO_ROUTE, "FRR exchanges no routes with this eBGP peer: no policy "
                                    "(bgp ebgp-requires-policy, RFC 8212)", 90, [_aws_words(e), _device_words(e)],
                                    "add route-maps in/out for the neighbor, or `no bgp ebgp-requires-policy`"))
        if not causes:
            causes.append(Cause(NO_ROUTE, "both sides established but AWS accepted 0 routes: the device announces "
                                "nothing (no network statement, or the outbound filter / export policy is empty)",
                                50, [_aws_words(e), _device_words(e)],
                                _advertised(e) + "; check the outbound filter / export policy"))
    elif e.bgp and any(p.established and p.prefixes_received == 0 for p in e.peers):
        symptom = NO_ROUTE
        causes.append(Cause(NO_ROUTE, "BGP established but AWS sends no prefixes: the gateway has nothing to "
                            "propagate (VPC CIDR / transit gateway route table)", 40, [_aws_words(e), _device_words(e)],
                            "check the virtual private gateway attachment or the transit gateway route table "
                            "association and propagation"))
    elif not e.bgp and ipsec_up is not False:
        for rule, f in by_rule.items():
            if rule in ROUTE_RULES:
                symptom = NO_ROUTE
                causes.append(_from_finding(NO_ROUTE, f, 85, e))
        if e.static_routes == 0 and (tel is None or tel.up):
            symptom = NO_ROUTE
            causes.append(Cause(NO_ROUTE, "the AWS connection has no static routes: AWS does not send traffic for "
                                "your networks into the tunnel", 60, [_aws_words(e), "AWS: Routes []"],
                                "aws ec2 create-vpn-connection-route --destination-cidr-block <your CIDR>"))
    if symptom is None and tel is not None and not tel.up:
        symptom = TUNNEL_DOWN if not tel.ipsec_up else (BGP_DOWN if e.bgp else TUNNEL_DOWN)
        causes.append(Cause(symptom, f"AWS reports the tunnel {tel.status} but the device shows it up: the "
                            "capture predates the telemetry, or the device holds a stale SA (no DPD)", 30,
                            [_aws_words(e), _device_words(e)] + ([f"AWS: last status change {tel.last_change}"]
                                                                 if tel.last_change else []),
                            "capture the show output again and compare its time with LastStatusChange; check DPD"))
    if symptom in (None, SLOW) and ipsec_up is not False:
        df = (f"AWS file: clear DF bit {'yes' if e.clear_df else 'no'}, fragment before encryption "
              f"{'yes' if e.fragment_before_encryption else 'no'}")
        mtus = [f"device SA MTU {c.path_mtu}" for c in e.child if c.path_mtu] + \
               [f"{i.name} transport MTU {i.transport_mtu}" for i in e.interfaces if i.transport_mtu]
        for rule, f in by_rule.items():
            if rule in SIZE_RULES:
                symptom = SLOW
                c = _from_finding(SLOW, f, 70, e)
                c.evidence += mtus + [df]
                causes.append(c)
    return symptom, merge(causes)


def merge(causes: list[Cause]) -> list[Cause]:
    """One cause per rule: a state-derived cause and the config finding naming the same rule become one
    (the higher-ranked wording, both pieces of evidence). Best first."""
    causes = sorted(causes, key=lambda c: (-c.score, c.summary))
    out: list[Cause] = []
    for c in causes:
        same = next((o for o in out if c.rules and o.rules == c.rules), None)
        if same is None:
            out.append(c)
        else:
            same.evidence += [x for x in c.evidence if x not in same.evidence]
    return out


def _advertised(e: Evidence) -> str:
    """The platform's command listing what it announces to a BGP neighbor (from its show module)."""
    import importlib

    from .shows import PARSERS

    mod = PARSERS.get(e.vendor or "")
    cmd = getattr(importlib.import_module(mod), "ADVERTISED", None) if mod else None
    if cmd:
        return f"run `{cmd.format(peer=e.aws_inside)}`"
    return f"list the routes the device advertises to {e.aws_inside}"
