"""The one table between IR values and Junos keywords, used by render, read and remediation.

Keyword sets follow the Junos 24.4 schema (junoscfg's junos-structure-tree.json) where it has the
statement, and the SRX CLI reference where the generic schema lacks SRX-only values (marked below):
* IKE ``dh-group`` and IPsec ``perfect-forward-secrecy keys``: group1 2 5 14 15 16 19 20 24. AWS's
  groups 17, 18, 21, 22 and 23 have no Junos keyword in that release.
* IKE ``authentication-algorithm``: md5 sha1 sha-256 sha-384 (no sha-512 in the schema).
* IKE ``encryption-algorithm`` aes-128-gcm/aes-256-gcm: SRX only (the generic schema lists only CBC
  ciphers), IKEv2 only.
* IPsec ``authentication-algorithm`` hmac-sha-384-192/hmac-sha-512-256: SRX only (the generic schema stops
  at hmac-sha-256-128).
"""

from __future__ import annotations

import re

from ...ir import Encryption, IkeVersion, Integrity, NegotiationMode

IKE_ENCRYPTION: dict[Encryption, str] = {
    Encryption.AES128: "aes-128-cbc",
    Encryption.AES256: "aes-256-cbc",
    Encryption.AES128_GCM_16: "aes-128-gcm",
    Encryption.AES256_GCM_16: "aes-256-gcm",
}
#: ESP uses the same cipher keywords; GCM proposals carry no authentication-algorithm.
ESP_ENCRYPTION: dict[Encryption, str] = dict(IKE_ENCRYPTION)

IKE_INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "sha1",
    Integrity.SHA2_256: "sha-256",
    Integrity.SHA2_384: "sha-384",
}
ESP_INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "hmac-sha1-96",
    Integrity.SHA2_256: "hmac-sha-256-128",
    Integrity.SHA2_384: "hmac-sha-384-192",
    Integrity.SHA2_512: "hmac-sha-512-256",
}
#: Junos keywords that exist but have no IR value (reader notes them instead of failing).
IKE_INTEGRITY_OTHER = ("md5", "sha-512")
ESP_INTEGRITY_OTHER = ("hmac-md5-96", "hmac-sha-256-96", "hmac-sha2-256")

#: DH groups Junos can name (IKE dh-group and IPsec PFS keys), as IR ints.
DH_GROUPS: tuple[int, ...] = (1, 2, 5, 14, 15, 16, 19, 20, 24)


def dh_keyword(group: int) -> str:
    return f"group{group}"


def dh_from_keyword(word: str) -> int | None:
    m = re.fullmatch(r"group(\d+)", word)
    return int(m.group(1)) if m else None


IKE_VERSION: dict[IkeVersion, str] = {IkeVersion.IKEV1: "v1-only", IkeVersion.IKEV2: "v2-only"}
NEGOTIATION_MODE: dict[NegotiationMode, str] = {NegotiationMode.MAIN: "main",
                                                NegotiationMode.AGGRESSIVE: "aggressive"}

# Reverse tables for the reader.
IKE_ENCRYPTION_R = {v: k for k, v in IKE_ENCRYPTION.items()}
ESP_ENCRYPTION_R = {v: k for k, v in ESP_ENCRYPTION.items()}
IKE_INTEGRITY_R = {v: k for k, v in IKE_INTEGRITY.items()}
ESP_INTEGRITY_R = {v: k for k, v in ESP_INTEGRITY.items()}
IKE_VERSION_R = {v: k for k, v in IKE_VERSION.items()}
NEGOTIATION_MODE_R = {v: k for k, v in NEGOTIATION_MODE.items()}

# Junos defaults for statements a config may omit (filled in by the reader).
DEFAULT_IKE_LIFETIME = 28800      # security ike proposal lifetime-seconds
DEFAULT_IPSEC_LIFETIME = 3600     # security ipsec proposal lifetime-seconds
DEFAULT_DPD_INTERVAL = 10         # dead-peer-detection interval (2..60)
DEFAULT_DPD_THRESHOLD = 5         # dead-peer-detection threshold (1..5)
DEFAULT_BGP_HOLD_TIME = 90        # protocols bgp hold-time
DEFAULT_IKE_VERSION = IkeVersion.IKEV1   # gateway without `version` speaks IKEv1
DEFAULT_MODE = NegotiationMode.MAIN      # ike policy without `mode`

LIFETIME_RANGE = (180, 86400)
DPD_INTERVAL_RANGE = (2, 60)
DPD_THRESHOLD_RANGE = (1, 5)

#: Preference of the floating static route through the backup tunnel (static routes default to 5).
BACKUP_STATIC_PREFERENCE = 10
#: BGP local-preference given to routes learned over the backup tunnel (default 100).
BACKUP_LOCAL_PREFERENCE = 50

# Strength order used when the profile asks for strongest-first proposals.
STRENGTH_ENC = {Encryption.AES256_GCM_16: 4, Encryption.AES256: 3, Encryption.AES128_GCM_16: 2,
                Encryption.AES128: 1}
STRENGTH_INT = {Integrity.SHA2_512: 4, Integrity.SHA2_384: 3, Integrity.SHA2_256: 2, Integrity.SHA1: 1}
STRENGTH_DH = {24: 5, 16: 9, 15: 8, 14: 4, 5: 2, 2: 1, 1: 0, 19: 6, 20: 7}

# -- syntax of names that reach the config ------------------------------------------------------
#: IKE/IPsec object names: the schema's pattern ^[[:alnum:]][[:alnum:]_-]*$ and "up to 32 characters".
OBJECT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
#: zones, routing instances, policy-statements, BGP groups, address-book entries.
GENERIC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
#: logical interface such as ge-0/0/0.0, xe-1/2/3:1.0, reth0.0, ae1.100, irb.10, pp0.0
INTERFACE = re.compile(r"[a-z][a-z0-9]*(?:-\d+/\d+/\d+(?::\d+)?)?\d*(?:\.\d+)?")
ST0_UNIT = re.compile(r"st0\.(\d+)")


def quote(text: str) -> str:
    """A Junos quoted string: backslash escapes for ``"`` and ``\\``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == '"' and token[-1] == '"':
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def psk_ok(psk: str) -> bool:
    """Printable ASCII only: Junos' ascii-text carries nothing else through a quoted string."""
    return all(0x20 <= ord(c) < 0x7F for c in psk) and len(psk) > 0
