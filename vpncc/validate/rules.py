"""The finding catalogue: stable rule ids, names, severities and troubleshooting text.

Ids are stable: 1xx tunnel presence, addressing and reachability, 2xx IKE/IPsec and the interface,
3xx BGP, 4xx static routing, 5xx security (their own category), 9xx reading the device config. ``vpncc rules`` lists them and
``vpncc explain RULE`` prints one with the symptom an engineer sees, the likely cause and what to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    #: tunnel-relative IR keys (``DeviceTunnel.values``) this rule compares
    keys: tuple[str, ...] = ()
    symptom: str = ""
    cause: str = ""
    check: str = ""
    #: why the severity is what it is: what happens to the tunnel (docs/RULES.md prints it)
    why: str = ""
    #: "compliance" or "security" (VPN5xx: counted by their own --fail-on-security level)
    category: str = "compliance"


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
_DOWN = "The tunnel does not come up (or no traffic passes): error."
_ROUTES = "The tunnel comes up but routing fails: error."

CATALOGUE: tuple[Rule, ...] = (
    Rule("VPN101", "tunnel-missing", E, "An AWS tunnel has no matching tunnel on the device.",
         symptom="Tunnel shows DOWN in the AWS console; no IKE traffic from the customer gateway.",
         cause="The tunnel was never configured, or its peer address is not the AWS outside address.",
         check="Look for an IKE peer/gateway with the AWS outside address of this tunnel.", why=_DOWN),
    Rule("VPN102", "single-tunnel", E, "Only one of the connection's two tunnels is configured.",
         symptom="Only one tunnel is UP; AWS maintenance on that endpoint takes the connection down.",
         cause="The second tunnel was left out (a common copy-paste shortcut).",
         check="Configure both tunnels; AWS replaces endpoints one at a time and relies on the other.",
         why="AWS replaces tunnel endpoints during maintenance; with one tunnel that is an outage: error."),
    Rule("VPN103", "tunnel-disabled", E, "The tunnel is configured but shut down, disabled or inactive.",
         keys=("enabled",),
         symptom="Tunnel DOWN although its configuration looks complete.",
         cause="Interface `shutdown`, phase1 `disabled`, Junos `inactive:`/`deactivate`.",
         check="Enable the tunnel interface and the IKE/IPsec objects.", why=_DOWN),
    Rule("VPN104", "tunnel-binding", E, "The IPsec SA is not bound to the tunnel interface.",
         keys=("binding",),
         symptom="IKE and IPsec SAs are up, but nothing routed into the tunnel interface is encrypted.",
         cause="XFRM interface id / VTI mark differs between the SA and the interface.",
         check="Use the same if_id (swanctl) or mark/key (VTI) on the connection and the interface.", why=_DOWN),
    Rule("VPN110", "peer-address-mismatch", E, "The IKE peer is not the AWS outside address.",
         keys=("outside.aws",),
         symptom="Tunnel DOWN; the device logs no reply or 'no proposal' from an unknown peer.",
         cause="Peer address typed wrong, or the tunnels' peers were swapped.",
         check="Compare the tunnel destination / remote gateway with the AWS file's outside addresses.", why=_DOWN),
    Rule("VPN111", "local-address-mismatch", E,
         "The device sends IKE from (or identifies itself as) a public address that is not the customer gateway's.",
         keys=("outside.customer", "local.address", "local.identity"),
         symptom="IKE phase 1 never completes; AWS ignores packets from an unknown customer gateway address.",
         cause="Another WAN interface or address is the IKE source; or the identity names another public IP.",
         check="Source IKE from the Customer Gateway's address; behind NAT keep the private address "
               "(vpncc reports NAT as info, VPN112).",
         why="AWS only talks to the customer gateway address it knows: error. A private address behind NAT "
             "is not this rule."),
    Rule("VPN112", "nat-customer-gateway", I,
         "The device is behind NAT: its local address is private, the customer gateway address public.",
         keys=("local.address",),
         symptom="None when NAT-T and port forwarding are in place.",
         cause="The documented NAT'd customer gateway setup.",
         check="NAT-T on, UDP 500 and 4500 forwarded to the device, identity as the platform sends it.",
         why="A working, documented setup with conditions worth knowing: info."),
    Rule("VPN113", "nat-t-disabled", E, "The device is behind NAT but NAT traversal is off.",
         keys=("nat_t",),
         symptom="Phase 1 may complete on UDP 500, but ESP never passes the NAT: no traffic.",
         cause="NAT-T disabled globally or on the gateway.", check="Enable NAT traversal.", why=_DOWN),
    Rule("VPN120", "ike-blocked", E, "The device's own filter drops IKE/ESP from AWS.",
         keys=("ike_permitted",),
         symptom="No IKE SA; the device never answers AWS; counters show drops to the self zone.",
         cause="Junos host-inbound-traffic without ike; an interface ACL without UDP 500/4500 and ESP.",
         check="Allow IKE (UDP 500/4500) and ESP from both AWS endpoints to the device.", why=_DOWN),
    Rule("VPN130", "no-forwarding-policy", E, "No policy or zone lets traffic cross the tunnel.",
         keys=("forwarding",),
         symptom="Tunnel UP, BGP may be up, but application traffic is dropped by the firewall.",
         cause="FortiOS firewall policies missing for one direction; Junos st0 unit in no security zone.",
         check="Add the policies in both directions / bind the tunnel interface to a zone.", why=_ROUTES),
    Rule("VPN200", "ike-version-mismatch", E, "The device's IKE version is not accepted on this tunnel.",
         keys=("ike.version",),
         symptom="Phase 1 never completes; AWS logs show no matching IKE version.",
         cause="The tunnel options allow only the other IKE version.",
         check="Use an IKE version of the tunnel's IKE versions option (aws ec2 describe-vpn-connections).",
         why=_DOWN),
    Rule("VPN201", "ike-proposal-mismatch", E,
         "No phase-1 proposal of the device lies inside AWS's accepted set.",
         keys=("ike.proposals", "ike.encryption", "ike.integrity", "ike.dh_groups"),
         symptom="Tunnel DOWN; NO_PROPOSAL_CHOSEN in the device or AWS logs.",
         cause="Every ISAKMP policy / IKE proposal has at least one value AWS does not accept on this tunnel.",
         check="Compare each IKE policy/proposal with the tunnel options (aws ec2 describe-vpn-connections); "
               "one complete combination must be accepted.", why=_DOWN),
    Rule("VPN202", "ike-lifetime-mismatch", W, "Phase-1 lifetime outside AWS's range (inside it: info on who rekeys first).",
         keys=("ike.lifetime_s",),
         symptom="Rekeys at unexpected times, or renegotiation failures at rekey.",
         cause="A lifetime outside 900-28,800 s.", check="Set the IKE SA lifetime inside AWS's range.",
         why="Outside AWS's range the SA is renegotiated on AWS's terms: degraded, warning. Inside it both "
             "sides agree: info."),
    Rule("VPN203", "psk-mismatch", E, "The pre-shared key differs from the tunnel's.", keys=("ike.psk",),
         symptom="Phase 1 fails: AUTH_FAILED (IKEv2) or 'decryption failed' / retransmits (IKEv1).",
         cause="Key mistyped, or tunnel 1's key used on tunnel 2.",
         check="Re-enter the key of this tunnel from the AWS file.", why=_DOWN),
    Rule("VPN204", "psk-unverifiable", I, "The key is stored encrypted or masked and cannot be compared.",
         keys=(),
         symptom="None by itself.", cause="Type 6/7, $9$, ENC or masked keys.",
         check="Verify the key by other means, or compare a config exported with keys in clear.",
         why="Nothing is known to be wrong: info."),
    Rule("VPN205", "dpd-mismatch", W, "Dead-peer detection is off, or a dead AWS endpoint takes too long to detect.",
         keys=("dpd", "dpd.interval_s", "dpd.retries"),
         symptom="After an AWS endpoint failure the tunnel stays 'up' on the device but passes nothing.",
         cause="DPD/keepalive missing, or timers (IKEv2 retransmissions) far slower than AWS's.",
         check="Enable DPD so that a dead endpoint is detected within about two minutes.",
         why="The tunnel works until an endpoint fails silently; then failover is slow: warning."),
    Rule("VPN206", "ike-mode-mismatch", E, "IKEv1 aggressive mode (AWS negotiates main mode).",
         keys=("ike.mode",), symptom="Phase 1 fails.", cause="Aggressive mode configured.",
         check="Use main mode.", why=_DOWN),
    Rule("VPN207", "no-initiator", E, "Nobody (re)starts the tunnel after it closes.",
         keys=("initiates",),
         symptom="The tunnel is down after AWS closes it (DPD timeout, endpoint replacement) and stays down.",
         cause="The device is responder-only or starts on traffic only, while AWS's startup action is 'add'.",
         check="Let the device initiate (start_action=start, auto=start, closeaction restart), or set the "
               "tunnel's startup action to 'start' and DPD timeout action to 'restart'.",
         why="Never started: error. Comes back only on traffic: warning."),
    Rule("VPN210", "esp-proposal-mismatch", E,
         "No phase-2 (ESP) proposal of the device lies inside AWS's accepted set.",
         keys=("ipsec.proposals", "ipsec.encryption", "ipsec.integrity"),
         symptom="Phase 1 UP, phase 2 fails: NO_PROPOSAL_CHOSEN / no acceptable proposal.",
         cause="Every transform set / ESP proposal has a value AWS does not accept on this tunnel.",
         check="Compare the transform set / phase2 proposal with the tunnel options.", why=_DOWN),
    Rule("VPN211", "pfs-mismatch", E, "Phase 2 would fit but PFS is off or its group is not accepted.",
         keys=("ipsec.pfs_groups",),
         symptom="Phase 2 fails at rekey or at start with NO_PROPOSAL_CHOSEN.",
         cause="PFS disabled or another DH group.", check="Set PFS to one of the tunnel's phase-2 DH groups.",
         why=_DOWN),
    Rule("VPN212", "esp-lifetime-mismatch", W, "Phase-2 lifetime outside AWS's range (inside it: info on who rekeys first).",
         keys=("ipsec.lifetime_s",), symptom="Rekeys at unexpected times; brief loss at rekey.",
         cause="A lifetime outside 900-3,600 s.", check="Set the IPsec SA lifetime inside AWS's range.",
         why="Outside AWS's range: degraded, warning. Inside it: info."),
    Rule("VPN220", "inside-address-mismatch", E, "The tunnel interface's inside address differs.",
         keys=("inside.customer", "inside_ipv6.customer"),
         symptom="Tunnel UP but BGP never establishes; pings to the AWS inside address fail.",
         cause="Inside /30 typed wrong or swapped between tunnels.",
         check="Set the tunnel interface address to the Customer Gateway inside address.", why=_ROUTES),
    Rule("VPN221", "mtu-mismatch", W, "The tunnel MTU is above what the negotiated suite carries, or unset.",
         keys=("mtu",),
         symptom="Large transfers stall or are slow (fragmentation after encryption).",
         cause="Tunnel interface MTU left at 1500 or another large value.",
         check="Set the tunnel IP MTU at or below AWS's recommendation.",
         why="Traffic passes, fragmented or dropped when large: degraded, warning. Lower values are fine."),
    Rule("VPN222", "tcp-mss-mismatch", W, "TCP MSS is clamped above what the negotiated suite carries, or not at all.",
         keys=("tcp_mss",), symptom="Web pages hang, large TCP transfers stall through the tunnel.",
         cause="No MSS adjustment on the tunnel.", check="Clamp TCP MSS on the tunnel interface.",
         why="Degraded TCP performance, not an outage: warning. Lower values are fine."),
    Rule("VPN301", "bgp-neighbor-missing", E, "No BGP neighbor for the AWS inside address of this tunnel.",
         keys=("bgp.neighbor",),
         symptom="Tunnel UP but no routes: BGP not established, AWS console shows 0 BGP routes.",
         cause="Neighbor missing or pointing at another address.",
         check="Add a BGP neighbor for the Virtual Private Gateway inside address.", why=_ROUTES),
    Rule("VPN302", "bgp-remote-asn-mismatch", E, "The neighbor's remote AS is not the AWS side's ASN.",
         keys=("bgp.aws_asn",), symptom="BGP stays Active/Idle; the device logs 'bad remote AS'.",
         cause="Remote AS mistyped (64512 vs the gateway's custom ASN).", check="Set remote-as to the AWS ASN.",
         why=_ROUTES),
    Rule("VPN303", "bgp-local-asn-mismatch", E, "The local AS differs from the customer gateway's ASN.",
         keys=("bgp.customer_asn",), symptom="BGP notification 'bad peer AS' from AWS; session never up.",
         cause="Router runs another AS than the one registered on the Customer Gateway.",
         check="Use the Customer Gateway ASN (router bgp / local-as).", why=_ROUTES),
    Rule("VPN304", "bgp-hold-time-mismatch", W, "The BGP hold time is 0 (keepalives off).",
         keys=("bgp.hold_time_s",),
         symptom="A dead path is never detected by BGP; traffic blackholes until the tunnel drops.",
         cause="`timers 0 0` or hold-time 0.",
         check="Leave the hold time at any non-zero value: BGP uses the smaller of both sides' (AWS: 30 s).",
         why="BGP negotiates the smaller hold time, so 180 on the device is fine; 0 disables detection: "
             "degraded failover, warning."),
    Rule("VPN305", "bgp-blocked", E, "BGP is not allowed in on the tunnel interface or zone.",
         keys=("bgp_permitted",),
         symptom="Tunnel UP, BGP stays Active; the device drops TCP 179 from the AWS inside address.",
         cause="Junos host-inbound-traffic of the tunnel zone lacks bgp; an ACL drops TCP 179.",
         check="Allow BGP on the tunnel zone/interface.", why=_ROUTES),
    Rule("VPN306", "bgp-export-undefined", E, "The BGP export policy is referenced but not defined.",
         symptom="The commit fails, or nothing is announced to AWS.",
         cause="A policy-statement name typed wrong or deleted.",
         check="Define the policy or fix its name.", why=_ROUTES),
    Rule("VPN401", "static-route-missing", E, "A remote network is not routed through this tunnel.",
         keys=("static_routes",),
         symptom="Tunnel UP but no traffic reaches the VPC: no route to the VPC.",
         cause="Static routes missing, or pointing at only one tunnel.",
         check="Route the VPC networks through both tunnels (tunnel 2 as backup).", why=_ROUTES),
    Rule("VPN501", "weak-algorithm", W, "A weak algorithm is offered in a proposal AWS accepts.",
         symptom="None: the tunnel works, with weaker protection.",
         cause="DH 1/2/5/22-24, SHA1, MD5 or 3DES/DES offered; AWS evaluates proposals from the lowest value "
               "it accepts, whatever the device's order, so a weak fallback may be the suite in use.",
         check="Remove the weak values, or restrict the tunnel options (aws ec2 modify-vpn-tunnel-options).",
         why="Security hygiene, not an outage: warning in the security category.", category="security"),
    Rule("VPN502", "ikev1-in-use", I, "IKEv1 where the tunnel accepts IKEv2.",
         symptom="None.", cause="IKEv1 configured (AWS's example files show IKEv1).",
         check="Prefer IKEv2 (`vpncc compile --crypto recommended`).",
         why="IKEv1 works; IKEv2 is more robust: info.", category="security"),
    Rule("VPN503", "aggressive-mode", W, "IKEv1 aggressive mode.",
         symptom="Phase 1 fails with AWS; it also exposes the PSK hash.", cause="Aggressive mode configured.",
         check="Use main mode or IKEv2.", why="Security: warning (the outage itself is VPN206).",
         category="security"),
    Rule("VPN504", "weak-psk", W, "The pre-shared key is short or low in entropy.",
         symptom="None.", cause="A hand-chosen key.",
         check="Use AWS's generated keys (32 characters) or another long random key.",
         why="Security hygiene: warning.", category="security"),
    Rule("VPN505", "psk-reused", W, "The same pre-shared key on both tunnels (or across connections).",
         symptom="None.", cause="One key chosen for every tunnel.", check="Give each tunnel its own key.",
         why="Security hygiene: warning.", category="security"),
    Rule("VPN506", "bgp-no-outbound-filter", W, "BGP announces without an outbound prefix filter.",
         symptom="AWS drops the session or routes when more than 100 prefixes arrive; internal routes leak.",
         cause="No route-map / prefix-list / export policy towards AWS.",
         check="Announce only the local networks through an outbound filter.",
         why="Works until the table grows: warning.", category="security"),
    Rule("VPN507", "bgp-no-inbound-limit", I, "BGP accepts any number of routes from AWS.",
         symptom="None.", cause="No maximum-prefix.", check="Set a maximum-prefix limit.",
         why="Hygiene: info.", category="security"),
    Rule("VPN901", "config-note", I, "A line of the device config was not understood and was ignored.",
         symptom="None.", cause="A feature vpncc does not read.", check="Nothing, unless it matters to the VPN.",
         why="Nothing is known to be wrong: info."),
    Rule("VPN902", "unverified", I, "A construct near the tunnel could not be read; its checks were skipped.",
         symptom="None known.", cause="Syntax vpncc does not understand yet.",
         check="Verify that part by hand; please report the construct.",
         why="Unknown is not wrong: info, and the findings it would cause are suppressed."),
)

BY_ID = {r.id: r for r in CATALOGUE}
BY_NAME = {r.name: r for r in CATALOGUE}
BY_KEY = {k: r for r in CATALOGUE for k in r.keys}


def lookup(rule: str) -> Rule:
    r = BY_ID.get(rule.upper()) or BY_NAME.get(rule.lower())
    if r is None:
        from ..errors import UsageError

        raise UsageError(f"unknown rule {rule!r}; `vpncc rules` lists them")
    return r


def markdown() -> str:
    """The catalogue as a document (docs/RULES.md is this output; a test keeps them in sync)."""
    out = ["# Validation rules", "",
           "Generated by `vpncc rules --markdown`. Ids are stable; scripts may rely on them.", "",
           "Severities: **error** breaks the tunnel or routing; **warning** works but degrades (rekeys, slow",
           "failover, fragmentation); **info** could not be checked or was ignored. `--fail-on` picks the",
           "lowest severity that makes `vpncc validate` exit 1.", "",
           "| id | name | severity | what it means |", "|---|---|---|---|"]
    out += [f"| {r.id} | `{r.name}` | {r.severity.value} | {r.summary} |" for r in CATALOGUE]
    out.append("")
    for r in CATALOGUE:
        out += [f"## {r.id} {r.name}", "", r.summary, "",
                f"* **What you see:** {r.symptom}", f"* **Likely cause:** {r.cause}",
                f"* **What to check:** {r.check}"]
        if r.why:
            out.append(f"* **Why {r.severity.value}:** {r.why}")
        if r.category != "compliance":
            out.append(f"* **Category:** {r.category} (fails a run only with `--fail-on-security`)")
        if r.keys:
            out.append("* **IR values compared:** " + ", ".join(f"`{k}`" for k in r.keys))
        out.append("")
    return "\n".join(out)
