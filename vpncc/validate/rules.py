"""The finding catalogue: stable rule ids, names, severities and troubleshooting text.

Ids are stable: 1xx tunnel presence and addressing, 2xx IKE/IPsec, 3xx BGP, 4xx static routing,
5xx interface and MTU, 9xx reading the device config. ``vpncc rules`` lists them and
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


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: tuple[Rule, ...] = (
    Rule("VPN101", "tunnel-missing", E, "An AWS tunnel has no matching tunnel on the device.",
         symptom="Tunnel shows DOWN in the AWS console; no IKE traffic from the customer gateway.",
         cause="The tunnel was never configured, or its peer address is not the AWS outside address.",
         check="Look for an IKE peer/gateway with the AWS outside address of this tunnel."),
    Rule("VPN102", "single-tunnel", E, "Only one of the connection's two tunnels is configured.",
         symptom="Only one tunnel is UP; AWS maintenance on that endpoint takes the connection down.",
         cause="The second tunnel was left out (a common copy-paste shortcut).",
         check="Configure both tunnels; AWS replaces endpoints one at a time and relies on the other."),
    Rule("VPN103", "tunnel-disabled", E, "The tunnel is configured but shut down, disabled or inactive.",
         keys=("enabled",),
         symptom="Tunnel DOWN although its configuration looks complete.",
         cause="Interface `shutdown`, phase1 `disabled`, Junos `inactive:`/`deactivate`.",
         check="Enable the tunnel interface and the IKE/IPsec objects."),
    Rule("VPN110", "peer-address-mismatch", E, "The IKE peer is not the AWS outside address.",
         keys=("outside.aws",),
         symptom="Tunnel DOWN; the device logs no reply or 'no proposal' from an unknown peer.",
         cause="Peer address typed wrong, or the tunnels' peers were swapped.",
         check="Compare the tunnel destination / remote gateway with the AWS file's outside addresses."),
    Rule("VPN111", "local-address-mismatch", E,
         "The local IKE address/identity is not the customer gateway outside address.",
         keys=("outside.customer",),
         symptom="IKE phase 1 fails with an identity or authentication error.",
         cause="The device identifies itself with another address (NAT, another WAN interface).",
         check="Set the local address/identity to the Customer Gateway's outside address (its public IP "
               "behind NAT)."),
    Rule("VPN200", "ike-version-mismatch", E, "The device uses another IKE version than the tunnel.",
         keys=("ike.version",),
         symptom="Phase 1 never completes; AWS logs show no matching IKE version.",
         cause="IKEv1 on one side, IKEv2 on the other.", check="Match the tunnel's IKE version option."),
    Rule("VPN201", "ike-proposal-mismatch", E,
         "No phase-1 encryption, integrity or DH group in common with the AWS tunnel.",
         keys=("ike.encryption", "ike.integrity", "ike.dh_groups"),
         symptom="Tunnel DOWN; NO_PROPOSAL_CHOSEN in the device or AWS logs.",
         cause="Phase 1 proposals do not overlap the tunnel's allowed algorithms.",
         check="Compare the IKE policy/proposal with the tunnel options (aws ec2 describe-vpn-connections)."),
    Rule("VPN202", "ike-lifetime-mismatch", W, "Phase-1 lifetime differs from the tunnel's.",
         keys=("ike.lifetime_s",),
         symptom="Tunnel flaps at rekey, or rekeys more often than needed.",
         cause="Lifetime not set, left at the device default.", check="Set the IKE SA lifetime."),
    Rule("VPN203", "psk-mismatch", E, "The pre-shared key differs from the tunnel's.", keys=("ike.psk",),
         symptom="Phase 1 fails: AUTH_FAILED (IKEv2) or 'decryption failed' / retransmits (IKEv1).",
         cause="Key mistyped, or tunnel 1's key used on tunnel 2.",
         check="Re-enter the key of this tunnel from the AWS file."),
    Rule("VPN204", "psk-unverifiable", I, "The key is stored encrypted or masked and cannot be compared.",
         keys=(),
         symptom="None by itself.", cause="Type 6/7, $9$, ENC or masked keys.",
         check="Verify the key by other means, or compare a config exported with keys in clear."),
    Rule("VPN205", "dpd-mismatch", W, "Dead peer detection differs from AWS's recommendation or is off.",
         keys=("dpd.interval_s", "dpd.retries"),
         symptom="After an AWS endpoint failure the tunnel stays 'up' on the device but passes nothing.",
         cause="DPD/keepalive missing or with other timers.", check="Enable DPD with the file's interval and retries."),
    Rule("VPN206", "ike-mode-mismatch", E, "Phase-1 negotiation mode differs (main vs aggressive).",
         keys=("ike.mode",), symptom="Phase 1 fails.", cause="Aggressive mode configured.",
         check="Use main mode."),
    Rule("VPN210", "esp-proposal-mismatch", E,
         "No phase-2 (ESP) encryption or integrity algorithm in common with the AWS tunnel.",
         keys=("ipsec.encryption", "ipsec.integrity"),
         symptom="Phase 1 UP, phase 2 fails: NO_PROPOSAL_CHOSEN / no acceptable proposal.",
         cause="Transform set / ESP proposal does not overlap the tunnel options.",
         check="Compare the transform set / phase2 proposal with the tunnel options."),
    Rule("VPN211", "pfs-mismatch", E, "Perfect forward secrecy group differs or PFS is off.",
         keys=("ipsec.pfs_groups",),
         symptom="Phase 2 fails at rekey or at start with NO_PROPOSAL_CHOSEN.",
         cause="PFS disabled or another DH group.", check="Set PFS to one of the tunnel's phase-2 DH groups."),
    Rule("VPN212", "esp-lifetime-mismatch", W, "Phase-2 lifetime differs from the tunnel's.",
         keys=("ipsec.lifetime_s",), symptom="Rekeys at unexpected times; brief loss at rekey.",
         cause="Lifetime left at the device default.", check="Set the IPsec SA lifetime."),
    Rule("VPN220", "inside-address-mismatch", E, "The tunnel interface's inside address differs.",
         keys=("inside.customer", "inside_ipv6.customer"),
         symptom="Tunnel UP but BGP never establishes; pings to the AWS inside address fail.",
         cause="Inside /30 typed wrong or swapped between tunnels.",
         check="Set the tunnel interface address to the Customer Gateway inside address."),
    Rule("VPN221", "mtu-mismatch", W, "Tunnel MTU differs from AWS's recommendation.", keys=("mtu",),
         symptom="Large transfers stall or are slow (fragmentation after encryption).",
         cause="Tunnel interface MTU left at 1500 or another value.", check="Set the tunnel IP MTU."),
    Rule("VPN222", "tcp-mss-mismatch", W, "TCP MSS clamping differs from AWS's recommendation or is off.",
         keys=("tcp_mss",), symptom="Web pages hang, large TCP transfers stall through the tunnel.",
         cause="No MSS adjustment on the tunnel.", check="Clamp TCP MSS on the tunnel interface."),
    Rule("VPN301", "bgp-neighbor-missing", E, "No BGP neighbor for the AWS inside address of this tunnel.",
         keys=("bgp.neighbor",),
         symptom="Tunnel UP but no routes: BGP not established, AWS console shows 0 BGP routes.",
         cause="Neighbor missing or pointing at another address.",
         check="Add a BGP neighbor for the Virtual Private Gateway inside address."),
    Rule("VPN302", "bgp-remote-asn-mismatch", E, "The neighbor's remote AS is not the AWS side's ASN.",
         keys=("bgp.aws_asn",), symptom="BGP stays Active/Idle; the device logs 'bad remote AS'.",
         cause="Remote AS mistyped (64512 vs the gateway's custom ASN).", check="Set remote-as to the AWS ASN."),
    Rule("VPN303", "bgp-local-asn-mismatch", E, "The local AS differs from the customer gateway's ASN.",
         keys=("bgp.customer_asn",), symptom="BGP notification 'bad peer AS' from AWS; session never up.",
         cause="Router runs another AS than the one registered on the Customer Gateway.",
         check="Use the Customer Gateway ASN (router bgp / local-as)."),
    Rule("VPN304", "bgp-hold-time-mismatch", W, "BGP hold time differs from AWS's.",
         keys=("bgp.hold_time_s",),
         symptom="Slow failover: traffic blackholes until the longer hold time expires.",
         cause="Default timers (180 s) instead of AWS's 30 s.", check="Set keepalive/hold timers 10/30."),
    Rule("VPN401", "static-route-missing", E, "A remote network is not routed through this tunnel.",
         keys=("static_routes",),
         symptom="Tunnel UP but no traffic reaches the VPC: no route to the VPC.",
         cause="Static routes missing, or pointing at only one tunnel.",
         check="Route the VPC networks through both tunnels (tunnel 2 as backup)."),
    Rule("VPN901", "config-note", I, "A line of the device config was not understood and was ignored.",
         symptom="None.", cause="A feature vpncc does not read.", check="Nothing, unless it matters to the VPN."),
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
        if r.keys:
            out.append("* **IR values compared:** " + ", ".join(f"`{k}`" for k in r.keys))
        out.append("")
    return "\n".join(out)
