"""Guess what kind of text an input is, so a wrong file gets a clear "this looks like ..." error.

The one table of every format's marks: the input loader dispatches on it, and every device reader asks it
what a text it cannot read looks like (``foreign``), instead of keeping its own list of other vendors."""

from __future__ import annotations

import re

#: kind -> human name used in messages
NAMES = {
    "aws-generic": "an AWS generic VPN configuration file",
    "aws-xml": "the AWS VPN connection XML (CustomerGatewayConfiguration)",
    "aws-json": "AWS describe-vpn-connections JSON",
    "ir-json": "a vpncc IR JSON document",
    "terraform": "Terraform JSON (terraform show -json, terraform.tfstate or terraform output -json)",
    "cisco-ios": "a Cisco IOS configuration",
    "cisco-asa": "a Cisco ASA configuration",
    "junos": "a Juniper Junos configuration",
    "fortios": "a FortiGate (FortiOS) configuration",
    "pfsense": "a pfSense config.xml",
    "swanctl": "a strongSwan swanctl.conf",
    "ipsec-conf": "a strongSwan/Libreswan ipsec.conf",
    "vyos": "a VyOS/Vyatta configuration",
    "panos": "a Palo Alto PAN-OS configuration",
    "routeros": "a MikroTik RouterOS configuration",
    "yaml": "a YAML document",
}

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pfsense", re.compile(r"<pfsense>|<pfsense\s", re.I)),
    ("aws-xml", re.compile(r"<vpn_connection[\s>]")),
    # the generic file's own heading lines (AWS's vendor examples carry them behind a comment mark)
    ("aws-generic", re.compile(r"^[ \t]*(-[ \t]*)?IPSec Tunnel #\d|^[ \t]*#1: Internet Key Exchange|"
                               r"^Amazon Web Services[ \t]*\r?\n[ \t]*Virtual Private Cloud", re.I | re.M)),
    ("fortios", re.compile(r"^[ \t]*config (vpn ipsec|system |router |firewall )|^#config-version=", re.M)),
    ("cisco-asa", re.compile(r"^(ASA Version |tunnel-group \S+ (type|ipsec-attributes)|crypto ikev[12] (policy|enable)"
                             r"|nameif )", re.M)),
    ("cisco-ios", re.compile(r"^(crypto (isakmp|keyring|ikev2 (proposal|profile|keyring))|interface Tunnel\d"
                             r"|router bgp \d|hostname \S+|version 1\d\.)", re.M)),
    # VyOS and PAN-OS speak `set ...` too: their own words first, so they are not taken for Junos
    ("vyos", re.compile(r"^set (vpn ipsec|interfaces (ethernet|vti|bonding|loopback|wireguard) |service |nat |"
                        r"high-availability|protocols bgp \d+ )", re.M)),
    ("panos", re.compile(r"^\s*set (network ike|deviceconfig )", re.M)),
    ("routeros", re.compile(r"^/(ip|interface|routing) ", re.M)),
    ("junos", re.compile(r"^(set|deactivate) (security|interfaces|protocols|routing-options|system) |"
                         r"^(security|interfaces|protocols|system) \{", re.M)),
    ("swanctl", re.compile(r"^[ \t]*connections[ \t]*\{", re.M)),
    ("ipsec-conf", re.compile(r"^conn [\w%.-]+|^config setup", re.M)),
)


#: how much of a text guess() looks at
HEAD = 256 * 1024


#: every kind with a mark, in the order guess() tries them
KINDS = tuple(kind for kind, _ in _PATTERNS)
_MARK = dict(_PATTERNS)


def guess(text: str) -> str | None:
    """The kind of ``text`` (a key of NAMES) or None when nothing matches."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in "{[" and head:
        if '"schema_version"' in text[:4096] and '"tunnels"' in text:
            return "ir-json"
        # Terraform's documents name their version near the top; `output -json` starts {"name": {"sensitive"
        if '"terraform_version"' in text[:4096] or ('"sensitive"' in text[:512] and '"value"' in text):
            return "terraform"
        if "VpnConnection" in text or "CustomerGatewayConfiguration" in text or "TunnelOptions" in text:
            return "aws-json"
    # the marks sit near the top of every kind (headers, hostname/version, root element); a 100,000-line
    # device config scanned whole by each pattern in turn cost 25 ms
    for kind, pat in _PATTERNS:
        if pat.search(text, 0, HEAD):
            return kind
    return None


def describe(kind: str | None) -> str:
    return NAMES.get(kind or "", "an unrecognised file")


def foreign(text: str, own: tuple[str, ...]) -> str | None:
    """What ``text`` looks like (a NAMES phrase) when it is recognisably a kind outside ``own``; None when it
    looks like one of ``own`` or like nothing known. For readers that found none of their own statements."""
    kind = guess(text)
    return describe(kind) if kind is not None and kind not in own else None


def hits(text: str, kind: str) -> int:
    """How many lines of the first HEAD characters carry ``kind``'s mark (for texts that mix formats)."""
    return sum(1 for _ in _MARK[kind].finditer(text, 0, HEAD))
