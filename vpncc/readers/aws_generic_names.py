"""AWS generic-text spellings <-> IR vocabulary: the one table used by the reader and the writer
(key lines -> IR fields, algorithm/group spellings, placeholders, value converters).

The generic text writes algorithms the way the XML does (``aes-128-cbc``, ``hmac-sha1-96``,
``Group 2`` / ``Diffie-Hellman Group 2``); the IR uses the EC2 API's TunnelOptions names
(``AES128``, ``SHA1``, ``2``). Parsers accept both, case-insensitively, plus a few common
variants seen in hand-edited copies (``aes256``, ``sha256``, ``modp2048``).
"""

from __future__ import annotations

import ipaddress
import re

from ..ir import Encryption, IkeVersion, Integrity, NegotiationMode

# -- IR -> text (what the writer prints; AWS's own spellings) -----------------------------------

ENCRYPTION_TEXT = {
    Encryption.AES128: "aes-128-cbc",
    Encryption.AES256: "aes-256-cbc",
    Encryption.AES128_GCM_16: "aes-128-gcm-16",
    Encryption.AES256_GCM_16: "aes-256-gcm-16",
}
IKE_INTEGRITY_TEXT = {
    Integrity.SHA1: "sha1",
    Integrity.SHA2_256: "sha2-256",
    Integrity.SHA2_384: "sha2-384",
    Integrity.SHA2_512: "sha2-512",
}
# ESP integrity is written with the HMAC name and its truncation length, as in the XML.
IPSEC_INTEGRITY_TEXT = {
    Integrity.SHA1: "hmac-sha1-96",
    Integrity.SHA2_256: "hmac-sha2-256-128",
    Integrity.SHA2_384: "hmac-sha2-384-192",
    Integrity.SHA2_512: "hmac-sha2-512-256",
}
IKE_VERSION_TEXT = {IkeVersion.IKEV1: "IKEv1", IkeVersion.IKEV2: "IKEv2"}


def dh_text(group: int) -> str:
    return f"Group {group}"


def pfs_text(group: int) -> str:
    return f"Diffie-Hellman Group {group}"


# -- text -> IR -------------------------------------------------------------------------------

class BadValue(ValueError):
    """A value the reader cannot interpret; ``hint`` tells the user what is accepted."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _squash(s: str) -> str:
    return re.sub(r"[\s_\-]+", "", s.lower())


_ENCRYPTION_IN = {
    "aes128": Encryption.AES128, "aes128cbc": Encryption.AES128,
    "aes256": Encryption.AES256, "aes256cbc": Encryption.AES256,
    "aes128gcm16": Encryption.AES128_GCM_16, "aes128gcm": Encryption.AES128_GCM_16,
    "aes256gcm16": Encryption.AES256_GCM_16, "aes256gcm": Encryption.AES256_GCM_16,
}
_INTEGRITY_IN = {
    "sha1": Integrity.SHA1, "sha": Integrity.SHA1, "hmacsha1": Integrity.SHA1, "hmacsha196": Integrity.SHA1,
    "sha2256": Integrity.SHA2_256, "sha256": Integrity.SHA2_256, "hmacsha2256": Integrity.SHA2_256,
    "hmacsha2256128": Integrity.SHA2_256, "hmacsha256": Integrity.SHA2_256, "hmacsha256128": Integrity.SHA2_256,
    "sha2384": Integrity.SHA2_384, "sha384": Integrity.SHA2_384, "hmacsha2384": Integrity.SHA2_384,
    "hmacsha2384192": Integrity.SHA2_384, "hmacsha384": Integrity.SHA2_384, "hmacsha384192": Integrity.SHA2_384,
    "sha2512": Integrity.SHA2_512, "sha512": Integrity.SHA2_512, "hmacsha2512": Integrity.SHA2_512,
    "hmacsha2512256": Integrity.SHA2_512, "hmacsha512": Integrity.SHA2_512, "hmacsha512256": Integrity.SHA2_512,
}
# RFC names some copies use instead of group numbers.
_DH_NAMES = {
    "modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15, "modp4096": 16, "modp6144": 17,
    "modp8192": 18, "ecp256": 19, "ecp384": 20, "ecp521": 21, "modp1024s160": 22, "modp2048s224": 23,
    "modp2048s256": 24,
}
_DH_RE = re.compile(r"(?:diffie[\s-]*hellman)?\s*(?:dh)?\s*(?:group)?\s*[-#]?\s*(\d{1,3})", re.I)


def split_list(value: str) -> list[str]:
    """``"aes-128-cbc, aes-256-cbc"`` -> two parts (the writer joins lists with commas)."""
    parts = [p.strip() for p in value.split(",")]
    if not value.strip() or any(not p for p in parts):
        raise BadValue(f"{value.strip()!r} is not a comma-separated list of values")
    return parts


def parse_encryption(value: str) -> tuple[Encryption, ...]:
    out = []
    for part in split_list(value):
        enc = _ENCRYPTION_IN.get(_squash(part))
        if enc is None:
            raise BadValue(f"unknown encryption algorithm {part!r}",
                           "AWS uses aes-128-cbc, aes-256-cbc, aes-128-gcm-16 or aes-256-gcm-16")
        out.append(enc)
    return tuple(dict.fromkeys(out))  # first mention wins


def parse_integrity(value: str) -> tuple[Integrity, ...]:
    out = []
    for part in split_list(value):
        integ = _INTEGRITY_IN.get(_squash(part))
        if integ is None:
            raise BadValue(f"unknown authentication (integrity) algorithm {part!r}",
                           "AWS uses sha1, sha2-256, sha2-384, sha2-512 (hmac-sha1-96, hmac-sha2-256-128, ... "
                           "for IPSec)")
        out.append(integ)
    return tuple(dict.fromkeys(out))  # first mention wins


def parse_dh_groups(value: str) -> tuple[int, ...]:
    out = []
    for part in split_list(value):
        named = _DH_NAMES.get(_squash(part))
        if named is not None:
            out.append(named)
            continue
        m = _DH_RE.fullmatch(part.strip())
        if not m:
            raise BadValue(f"{part!r} is not a Diffie-Hellman group",
                           "write it as 'Group 14', 'Diffie-Hellman Group 14' or 'group14'")
        out.append(int(m.group(1)))
    return tuple(dict.fromkeys(out))  # first mention wins


def parse_ike_version(value: str) -> IkeVersion:
    if "," in value or "/" in value:
        raise BadValue(f"{value.strip()!r} lists several IKE versions; a tunnel configuration uses one",
                       "edit the line to IKEv1 or IKEv2 (the console's download dialog asks for one)")
    v = _squash(value)
    if v in ("ikev1", "v1", "1", "ike1"):
        return IkeVersion.IKEV1
    if v in ("ikev2", "v2", "2", "ike2"):
        return IkeVersion.IKEV2
    raise BadValue(f"unknown IKE version {value.strip()!r}", "AWS writes IKEv1 or IKEv2")


def parse_auth(value: str) -> str:
    v = _squash(value)
    if v in ("presharedkey", "psk", "presharedkeys"):
        return "psk"
    if "certificate" in v or v in ("cert", "rsasig", "rsa"):
        return "certificate"
    raise BadValue(f"unknown authentication method {value.strip()!r}",
                   "AWS writes 'Pre-Shared Key' (or a certificate method)")


def parse_mode(value: str) -> NegotiationMode:
    v = value.strip().lower()
    for m in NegotiationMode:
        if v == m.value:
            return m
    raise BadValue(f"unknown phase 1 negotiation mode {value.strip()!r}", "AWS writes 'main'")


_INT_UNIT = re.compile(r"(\d{1,12})\s*([A-Za-z]*)\.?")


def parse_int(value: str, units: tuple[str, ...] = ()) -> int:
    """``"28800 seconds"`` -> 28800; the unit, when present, must be one of ``units``."""
    m = _INT_UNIT.fullmatch(value.strip())
    if not m or (m.group(2) and m.group(2).lower() not in units):
        what = f" (optionally followed by {units[0]!r})" if units else ""
        raise BadValue(f"{value.strip()!r} is not a whole number{what}")
    return int(m.group(1))


SECONDS = ("seconds", "second", "secs", "sec", "s")
BYTES = ("bytes", "byte", "b")


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("enabled", "enable", "true", "yes", "on"):
        return True
    if v in ("disabled", "disable", "false", "no", "off"):
        return False
    raise BadValue(f"{value.strip()!r} is neither 'enabled' nor 'disabled'")


def parse_fragmentation(value: str) -> bool:
    v = " ".join(value.lower().split())
    if v in ("before encryption", "pre-fragmentation", "enabled", "true", "yes"):
        return True
    if v in ("after encryption", "post-fragmentation", "disabled", "false", "no", "none"):
        return False
    raise BadValue(f"unknown fragmentation setting {value.strip()!r}", "AWS writes 'Before encryption'")


def parse_asn(value: str) -> int:
    v = value.strip()
    if not re.fullmatch(r"\d{1,10}", v):
        raise BadValue(f"{v!r} is not an AS number", "an ASN is a whole number from 1 to 4294967295")
    return int(v)


# -- placeholders and redactions --------------------------------------------------------------

_REDACTED = re.compile(r"<[^<>]*>|\[\s*hidden\s*\]|\*{3,}|[xX]{4,}|(?:redacted|hidden|removed|masked)",
                       re.I)
_PLACEHOLDER = re.compile(
    r"your[_\- ].*|plain-text-password\d*|pre-shared-key-in-plain-text|generated-by-amazon"
    r"|xxx\.xxx\.xxx\.xxx|x+\.x+\.x+\.x+|.*example|n/?a|tbd|none|null|-+|\?+",
    re.I)


def placeholder_kind(value: str) -> str | None:
    """``"empty"``, ``"redacted"`` or ``"placeholder"`` when the value is not real data, else None."""
    v = value.strip().strip("\"'“”‘’")
    if not v:
        return "empty"
    if _REDACTED.fullmatch(v):
        return "redacted"
    if _PLACEHOLDER.fullmatch(v):
        return "placeholder"
    return None


# -- address and word converters ------------------------------------------------------------

def lower_word(value: str) -> str:
    v = value.strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9-]*", v):
        raise BadValue(f"{value.strip()!r} is not a single word")
    return v


def ipsec_integrity(value: str) -> tuple[Integrity, ...]:
    if value.strip().lower() in ("", "none", "n/a"):
        return ()     # AES-GCM carries its own integrity
    return parse_integrity(value)


def ipv4(value: str) -> ipaddress.IPv4Address:
    v = value.strip()
    try:
        return ipaddress.IPv4Address(v)
    except ValueError:
        pass
    if "/" in v:
        raise BadValue(f"{v!r} has a prefix length; a bare IPv4 address is expected here")
    raise BadValue(f"{v!r} is not a valid IPv4 address")


def outside_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An outside address: IPv4, or IPv6 for a connection with IPv6 outside addresses (transit gateway)."""
    v = value.strip()
    try:
        return ipaddress.IPv4Address(v)
    except ValueError:
        pass
    try:
        return ipaddress.IPv6Address(v)
    except ValueError:
        pass
    if "/" in v:
        raise BadValue(f"{v!r} has a prefix length; a bare IPv4 address is expected here")
    raise BadValue(f"{v!r} is not a valid IPv4 address")


def ipv4_if(value: str) -> ipaddress.IPv4Interface:
    v = value.strip()
    if "/" not in v:
        raise BadValue(f"{v!r} has no prefix length", "AWS writes inside addresses as 169.254.x.y/30")
    try:
        return ipaddress.IPv4Interface(v)
    except ValueError:
        raise BadValue(f"{v!r} is not a valid IPv4 address with prefix length (CIDR)",
                       "AWS writes inside addresses as 169.254.x.y/30") from None


def ipv6_if(value: str) -> ipaddress.IPv6Interface:
    v = value.strip()
    if "/" not in v:
        raise BadValue(f"{v!r} has no prefix length", "inside IPv6 addresses are written as fd00::.../126")
    try:
        return ipaddress.IPv6Interface(v)
    except ValueError:
        raise BadValue(f"{v!r} is not a valid IPv6 address with prefix length", None) from None


# -- key tables: normalised key -> IR field path (tunnel-relative) ------------------------------
# Keys are looked up lower-cased, '-' read as a blank and runs of blanks collapsed (see the
# reader's _items), so "Virtual Private  Gateway ASN" and "Pre-Shared Key" match as written.

IKE_KEYS = {
    "ike version": "ike.version", "authentication method": "ike.auth", "pre shared key": "ike.psk",
    "psk": "ike.psk", "authentication algorithm": "ike.integrity", "integrity algorithm": "ike.integrity",
    "encryption algorithm": "ike.encryption", "lifetime": "ike.lifetime_s", "phase 1 negotiation mode": "ike.mode",
    "diffie hellman": "ike.dh_groups", "diffie hellman group": "ike.dh_groups", "dh group": "ike.dh_groups",
    # 2009/2011 layouts give the phase-1 DH group as "Perfect Forward Secrecy" in the IKE block.
    "perfect forward secrecy": "ike.pfs_as_dh",
}
IPSEC_KEYS = {
    "protocol": "ipsec.protocol", "authentication algorithm": "ipsec.integrity",
    "integrity algorithm": "ipsec.integrity", "encryption algorithm": "ipsec.encryption",
    "lifetime": "ipsec.lifetime_s", "mode": "ipsec.mode", "perfect forward secrecy": "ipsec.pfs_groups",
    "dpd interval": "dpd.interval_s", "dpd retries": "dpd.retries", "tcp mss adjustment": "tcp_mss",
    "clear don't fragment bit": "clear_df", "clear dont fragment bit": "clear_df",
    "fragmentation": "fragment_before_encryption",
}
_AWS_SIDE = ("virtual private gateway", "vpn gateway", "transit gateway")
OUTSIDE_KEYS = {"customer gateway": "outside.customer", **{k: "outside.aws" for k in _AWS_SIDE}}
INSIDE_KEYS = {
    "customer gateway": "inside.customer", **{k: "inside.aws" for k in _AWS_SIDE},
    # IPv6 inside addresses: no real text file shows them; this is the spelling vpncc's writer uses.
    "customer gateway ipv6": "inside_ipv6.customer", **{k + " ipv6": "inside_ipv6.aws" for k in _AWS_SIDE},
}
IFACE_KEYS = {"tunnel interface mtu": "mtu"}
BGP_KEYS = {
    "customer gateway asn": "bgp.customer_asn", **{k + " asn": "bgp.aws_asn" for k in _AWS_SIDE},
    "neighbor ip address": "bgp.neighbor", "neighbour ip address": "bgp.neighbor",
    "neighbor hold time": "bgp.hold_time_s", "neighbour hold time": "bgp.hold_time_s",
}
STATIC_KEYS = {"next hop": "static_next_hop"}
SECTION_KEYS = {"ike": IKE_KEYS, "ipsec": IPSEC_KEYS, "iface": IFACE_KEYS, "bgp": BGP_KEYS, "static": STATIC_KEYS}
SECTION_TITLE = {
    "ike": "section #1 (Internet Key Exchange Configuration)",
    "ipsec": "section #2 (IPSec Configuration)",
    "iface": "section #3 (Tunnel Interface Configuration)",
    "bgp": "section #4 (Border Gateway Protocol (BGP) Configuration)",
    "static": "section #4 (Static Routing Configuration)",
}
FIELD_NAME = {
    "ike.version": "IKE version", "ike.auth": "IKE authentication method", "ike.psk": "IKE pre-shared key",
    "ike.integrity": "IKE authentication algorithm", "ike.encryption": "IKE encryption algorithm",
    "ike.lifetime_s": "IKE lifetime", "ike.mode": "phase 1 negotiation mode",
    "ike.dh_groups": "IKE Diffie-Hellman group",
    "ipsec.protocol": "IPSec protocol", "ipsec.integrity": "IPSec authentication algorithm",
    "ipsec.encryption": "IPSec encryption algorithm", "ipsec.lifetime_s": "IPSec lifetime", "ipsec.mode": "IPSec mode",
    "ipsec.pfs_groups": "IPSec perfect forward secrecy group", "dpd.interval_s": "DPD interval",
    "dpd.retries": "DPD retries", "tcp_mss": "TCP MSS adjustment", "clear_df": "clear don't-fragment bit",
    "fragment_before_encryption": "fragmentation", "outside.customer": "customer gateway outside IP address",
    "outside.aws": "AWS outside IP address", "inside.customer": "customer gateway inside IP address",
    "inside.aws": "AWS inside IP address", "inside_ipv6.customer": "customer gateway inside IPv6 address",
    "inside_ipv6.aws": "AWS inside IPv6 address", "mtu": "tunnel interface MTU",
    "bgp.customer_asn": "customer gateway ASN", "bgp.aws_asn": "AWS-side ASN",
    "bgp.neighbor": "BGP neighbor IP address",
    "bgp.hold_time_s": "BGP neighbor hold time", "static_next_hop": "static route next hop",
}
ID_KEYS = {
    "your vpn connection id": "vpn_connection_id", "your customer gateway id": "customer_gateway_id",
    "your virtual private gateway id": "gateway.vgw", "your vpn gateway id": "gateway.vgw",
    "your transit gateway id": "gateway.tgw",
}
ID_PREFIX = {"vpn_connection_id": "vpn", "customer_gateway_id": "cgw", "gateway.vgw": "vgw", "gateway.tgw": "tgw"}
