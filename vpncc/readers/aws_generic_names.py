"""AWS generic-text spellings <-> IR vocabulary: the one table used by the reader and the writer.

The generic text writes algorithms the way the XML does (``aes-128-cbc``, ``hmac-sha1-96``,
``Group 2`` / ``Diffie-Hellman Group 2``); the IR uses the EC2 API's TunnelOptions names
(``AES128``, ``SHA1``, ``2``). Parsers accept both, case-insensitively, plus a few common
variants seen in hand-edited copies (``aes256``, ``sha256``, ``modp2048``).
"""

from __future__ import annotations

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


def _ordered_unique(items: list) -> tuple:
    out: list = []
    for i in items:
        if i not in out:
            out.append(i)
    return tuple(out)


def parse_encryption(value: str) -> tuple[Encryption, ...]:
    out = []
    for part in split_list(value):
        enc = _ENCRYPTION_IN.get(_squash(part))
        if enc is None:
            raise BadValue(f"unknown encryption algorithm {part!r}",
                           "AWS uses aes-128-cbc, aes-256-cbc, aes-128-gcm-16 or aes-256-gcm-16")
        out.append(enc)
    return _ordered_unique(out)


def parse_integrity(value: str) -> tuple[Integrity, ...]:
    out = []
    for part in split_list(value):
        integ = _INTEGRITY_IN.get(_squash(part))
        if integ is None:
            raise BadValue(f"unknown authentication (integrity) algorithm {part!r}",
                           "AWS uses sha1, sha2-256, sha2-384, sha2-512 (hmac-sha1-96, hmac-sha2-256-128, ... "
                           "for IPSec)")
        out.append(integ)
    return _ordered_unique(out)


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
    return _ordered_unique(out)


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
