"""The one table between IR values and Junos keywords, used by render, read and remediation.

Keyword sets follow the Junos CLI Reference (juniper.net/documentation, "proposal (Security IKE)",
"proposal (Security IPsec)", "policy (Security IKE)", "policy (Security IPsec)") and, for the schema the
tests walk, the Junos 24.4 schema (junoscfg's junos-structure-tree.json), which lacks some SRX-only values:
* IKE ``dh-group``: group1 2 5 14 15 16 19 20 21 24 ("proposal (Security IKE)", CLI Reference 2024);
  IPsec ``perfect-forward-secrecy keys`` takes the same groups. AWS's groups 17, 18, 22 and 23 have no
  Junos keyword.
* IKE ``authentication-algorithm``: md5 sha1 sha-256 sha-384 sha-512 (sha-512: same page; the generic
  schema stops at sha-384).
* IKE ``encryption-algorithm`` aes-128-gcm/aes-256-gcm: SRX only, IKEv2 only.
* IPsec ``authentication-algorithm`` hmac-sha-384-192/hmac-sha-512-256: SRX only (the generic schema stops
  at hmac-sha-256-128).
What each platform release offers is in RELEASE_CAPS below.
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
    Integrity.SHA2_512: "sha-512",   # 21.x+ only (RELEASE_SHA512_IKE)
}
ESP_INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "hmac-sha1-96",
    Integrity.SHA2_256: "hmac-sha-256-128",
    Integrity.SHA2_384: "hmac-sha-384-192",
    Integrity.SHA2_512: "hmac-sha-512-256",
}
#: DH groups Junos can name (IKE dh-group and IPsec PFS keys), as IR ints.
DH_GROUPS: tuple[int, ...] = (1, 2, 5, 14, 15, 16, 19, 20, 21, 24)

# -- the reader's vocabulary: every keyword a device may carry, device-only IR values included ---------
#: `3des-cbc`, `des-cbc` and `aes-192-*` are weak or outside AWS's set: AWS never accepts them, so a
#: proposal holding them never matches (the comparison says why).
READ_ENCRYPTION: dict[str, Encryption] = {
    "aes-128-cbc": Encryption.AES128, "aes-192-cbc": Encryption.AES192, "aes-256-cbc": Encryption.AES256,
    "aes-128-gcm": Encryption.AES128_GCM_16, "aes-192-gcm": Encryption.AES192_GCM_16,
    "aes-256-gcm": Encryption.AES256_GCM_16, "3des-cbc": Encryption.TDES, "des-cbc": Encryption.DES,
}
READ_IKE_INTEGRITY: dict[str, Integrity] = {
    "md5": Integrity.MD5, "sha1": Integrity.SHA1, "sha-256": Integrity.SHA2_256, "sha-384": Integrity.SHA2_384,
    "sha-512": Integrity.SHA2_512,
}
#: hmac-sha-256-96 is a pre-RFC 4868 truncation no AWS endpoint speaks: it stays unknown
READ_ESP_INTEGRITY: dict[str, Integrity] = {
    "hmac-md5-96": Integrity.MD5, "hmac-sha1-96": Integrity.SHA1, "hmac-sha-256-128": Integrity.SHA2_256,
    "hmac-sha-384-192": Integrity.SHA2_384, "hmac-sha-512-256": Integrity.SHA2_512,
}

#: Predefined proposal sets (``policy ... proposal-set NAME``), as Junos documents them: the CLI Reference
#: pages "proposal-set (Security IKE)" and "proposal-set (Security IPsec)" and the SRX VPN guide's
#: "predefined proposals" table (pre-g2-aes128-sha = preshared key, group 2, AES-128-CBC, SHA-1; g2-esp-*
#: = ESP with PFS group 2; nopfs-esp-* = ESP without PFS). Each entry: (label, encryption, integrity, DH
#: group) for IKE, (label, encryption, integrity or None, PFS group or None) for IPsec.
IKE_PROPOSAL_SETS: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    "basic": (("pre-g1-des-sha", "des-cbc", "sha1", 1), ("pre-g1-des-md5", "des-cbc", "md5", 1)),
    "compatible": (("pre-g2-3des-sha", "3des-cbc", "sha1", 2), ("pre-g2-3des-md5", "3des-cbc", "md5", 2),
                   ("pre-g2-des-sha", "des-cbc", "sha1", 2), ("pre-g2-des-md5", "des-cbc", "md5", 2)),
    "standard": (("pre-g2-aes128-sha", "aes-128-cbc", "sha1", 2), ("pre-g2-3des-sha", "3des-cbc", "sha1", 2)),
    # Suite B (RFC 6379) and PRIME: IKE with AES-CBC/SHA-2 (suiteb) or AES-GCM (prime, IKEv2 only)
    "suiteb-gcm-128": (("suiteb-gcm-128", "aes-128-cbc", "sha-256", 19),),
    "suiteb-gcm-256": (("suiteb-gcm-256", "aes-256-cbc", "sha-384", 20),),
    "prime-128": (("prime-128", "aes-128-gcm", "sha-256", 19),),
    "prime-256": (("prime-256", "aes-256-gcm", "sha-384", 20),),
}
IPSEC_PROPOSAL_SETS: dict[str, tuple[tuple[str, str, str | None, int | None], ...]] = {
    "basic": (("nopfs-esp-des-sha", "des-cbc", "hmac-sha1-96", None),
              ("nopfs-esp-des-md5", "des-cbc", "hmac-md5-96", None)),
    "compatible": (("nopfs-esp-3des-sha", "3des-cbc", "hmac-sha1-96", None),
                   ("nopfs-esp-3des-md5", "3des-cbc", "hmac-md5-96", None),
                   ("nopfs-esp-des-sha", "des-cbc", "hmac-sha1-96", None),
                   ("nopfs-esp-des-md5", "des-cbc", "hmac-md5-96", None)),
    "standard": (("g2-esp-3des-sha", "3des-cbc", "hmac-sha1-96", 2),
                 ("g2-esp-aes128-sha", "aes-128-cbc", "hmac-sha1-96", 2)),
    "suiteb-gcm-128": (("suiteb-gcm-128", "aes-128-gcm", None, 19),),
    "suiteb-gcm-256": (("suiteb-gcm-256", "aes-256-gcm", None, 20),),
    "prime-128": (("prime-128", "aes-128-gcm", None, 19),),
    "prime-256": (("prime-256", "aes-256-gcm", None, 20),),
}

# -- platform releases (profile key `release`) ------------------------------------------------------
#: "15.1X49-20.x": the lists the Junos 15.1X49..20.x SRX guides give (DH 1 2 5 14 19 20 24; IKE
#: authentication up to sha-384); "21.x+": the current CLI Reference ("proposal (Security IKE)",
#: 06-Sep-24) adds dh-group group15/group16/group21 and authentication-algorithm sha-512.
RELEASES: tuple[str, ...] = ("15.1X49-20.x", "21.x+")
DEFAULT_RELEASE = "21.x+"
RELEASE_DH: dict[str, tuple[int, ...]] = {
    "15.1X49-20.x": (1, 2, 5, 14, 19, 20, 24),
    "21.x+": DH_GROUPS,
}
RELEASE_SHA512_IKE: dict[str, bool] = {"15.1X49-20.x": False, "21.x+": True}


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
# dead-peer-detection: "interval (IKE)" Default: 10 seconds; "threshold" Default 5 (range 1..5) — Junos
# Software CLI Reference, [edit security ike gateway NAME dead-peer-detection]. A bare
# `dead-peer-detection` (AWS's own SRX template) means those defaults in the default mode, optimized:
# R-U-THERE goes out only when the SRX sent traffic and got none back within the interval;
# probe-idle-tunnel also probes an idle tunnel; always-send probes every interval. The peer is declared
# dead after `threshold` unanswered probes an interval apart (the guide's example: "consider the peer
# unavailable after five sequences of waiting 10 seconds and sending a DPD request packet"), and the SAs
# are cleared.
DEFAULT_DPD_INTERVAL = 10         # dead-peer-detection interval (2..60)
DEFAULT_DPD_THRESHOLD = 5         # dead-peer-detection threshold (1..5)
DPD_MODES = ("optimized", "probe-idle-tunnel", "always-send")
DEFAULT_DPD_MODE = "optimized"
#: st0 logical units without `family inet mtu` run at the secure-tunnel interface's own MTU, 9192
#: (`show interfaces st0`: "Type: Secure-Tunnel, ... MTU: 9192"); packets above what the outer path
#: carries are then fragmented after encryption (Juniper KB "IPsec TCP-MSS, DF-bit and fragmentation").
ST0_DEFAULT_MTU = 9192
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

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: `family inet unicast prefix-limit maximum 1000 teardown 90 idle-timeout 5` (Junos Routing Protocols
#: reference, "prefix-limit"): a runaway table from AWS tears the session down at 1000 prefixes (a log
#: message at 90 %), the session comes back after 5 minutes. 1000 is far above a VGW's VPC CIDRs and a
#: typical Transit Gateway table.
BGP_PREFIX_LIMIT = 1000
BGP_PREFIX_LIMIT_TEARDOWN_PCT = 90
BGP_PREFIX_LIMIT_IDLE_MIN = 5
