"""The one table between IR values and FortiOS keywords, used by render, read and remediation.

Sources (checked for 6.4, 7.0, 7.2 and 7.4):
* Fortinet's own ``fortinet.fortios`` Ansible collection 2.4.2 (module specs with per-version ``v_range``):
  ``vpn ipsec phase1-interface`` ``proposal``/``dhgrp``, ``phase2-interface`` ``proposal``/``dhgrp``,
  ``system interface``, ``router bgp``, ``router static``, ``firewall address``/``policy``. Every field and
  keyword vpncc writes is present with the same spelling from v6.0.0 to the newest release, so the CLI
  vpncc emits is the same text for every supported family; the family still selects the checks below.
* FortiOS CLI reference / hfortix-fortios CMDB schema for defaults of omitted settings.
* FortiOS 7.2.1 "Support BGP AS number input in asdot and asdot+ format": ``set as``/``remote-as``/
  ``local-as`` accept ``65535.65535`` from 7.2.1 on; vpncc writes asplain (valid everywhere) and reads both.
"""

from __future__ import annotations

from ...ir import Encryption, Integrity

#: supported FortiOS families (``--fortios-version``); the default is the current long-lived branch
VERSIONS: tuple[str, ...] = ("6.4", "7.0", "7.2", "7.4")
DEFAULT_VERSION = "7.2"

#: phase 1 / phase 2 cipher keywords
ENCRYPTION: dict[Encryption, str] = {
    Encryption.AES128: "aes128",
    Encryption.AES256: "aes256",
    Encryption.AES128_GCM_16: "aes128gcm",
    Encryption.AES256_GCM_16: "aes256gcm",
}
#: hash keywords (phase 1 integrity, or PRF after a GCM cipher: ``aes128gcm-prfsha256``)
INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "sha1",
    Integrity.SHA2_256: "sha256",
    Integrity.SHA2_384: "sha384",
    Integrity.SHA2_512: "sha512",
}
ENCRYPTION_BY_KEY = {v: k for k, v in ENCRYPTION.items()}
INTEGRITY_BY_KEY = {v: k for k, v in INTEGRITY.items()}

#: DH groups each family accepts in ``set dhgrp`` (phase 1 and phase 2; identical lists in the Ansible
#: specs for 6.4-7.4). 27-32 are Brainpool/Curve25519/448 groups AWS does not offer; AWS's 22, 23 and 24
#: (MODP with prime-order subgroups, RFC 5114) do not exist in FortiOS at all.
DH_GROUPS: dict[str, frozenset[int]] = {
    v: frozenset({1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 27, 28, 29, 30, 31, 32}) for v in VERSIONS
}

#: FortiOS defaults for settings ``show`` omits (values equal to the default are not printed)
DEFAULT_KEYLIFE = 86400            # phase1-interface keylife
DEFAULT_KEYLIFESECONDS = 43200     # phase2-interface keylifeseconds
DEFAULT_DPD = "on-demand"          # phase1-interface dpd (6.2 and later)
DEFAULT_DPD_RETRYINTERVAL = 20     # seconds
DEFAULT_DPD_RETRYCOUNT = 3
DEFAULT_BGP_HOLDTIME = 180         # router bgp holdtime-timer; a neighbor without its own uses it
DEFAULT_IKE_VERSION = "1"
DEFAULT_MODE = "main"
DEFAULT_PFS = "enable"
#: phase-1/phase-2 ``dhgrp`` default before 7.4 ("14 5"); the 7.6 CMDB schema (hfortix-fortios) has "20".
#: For 7.4 the default could not be confirmed, so an omitted dhgrp there is reported as a note instead.
DEFAULT_DHGRP: dict[str, tuple[int, ...]] = {"6.4": (14, 5), "7.0": (14, 5), "7.2": (14, 5), "7.6": (20,)}

#: FortiOS limits
NAME_MAX = 15                      # phase1-interface / tunnel interface name (interface-mode VPN)
POLICY_NAME_MAX = 35
ADDRESS_NAME_MAX = 79
PSK_MIN, PSK_MAX = 6, 128

#: ``config`` tables the reader looks at (everything else is skipped before parsing)
TABLES = ("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "system interface", "router bgp",
          "router static")


def phase1_proposal(enc: Encryption, integ: Integrity) -> str:
    if enc.is_gcm:
        return f"{ENCRYPTION[enc]}-prf{INTEGRITY[integ]}"
    return f"{ENCRYPTION[enc]}-{INTEGRITY[integ]}"


def phase2_proposal(enc: Encryption, integ: Integrity | None) -> str:
    if enc.is_gcm:
        return ENCRYPTION[enc]
    assert integ is not None
    return f"{ENCRYPTION[enc]}-{INTEGRITY[integ]}"


def parse_proposal(word: str) -> tuple[Encryption | None, Integrity | None]:
    """``aes256-sha256`` -> (AES256, SHA2-256); ``aes128gcm-prfsha1`` -> (AES128-GCM-16, SHA1);
    ``aes128gcm`` -> (AES128-GCM-16, None). Unknown parts (des, aria, chacha20poly1305...) -> None."""
    w = word.lower()
    enc_part, _, hash_part = w.partition("-")
    enc = ENCRYPTION_BY_KEY.get(enc_part)
    if hash_part.startswith("prf"):
        hash_part = hash_part[3:]
    integ = INTEGRITY_BY_KEY.get(hash_part) if hash_part else None
    return enc, integ


def normalize_version(value: object) -> str | None:
    """``7.2``, ``7.2.5``, ``v7.2`` -> ``7.2``; None/"" -> the default; anything else -> None."""
    if value is None or value == "":
        return DEFAULT_VERSION
    s = str(value).strip().lower().lstrip("v")
    parts = s.split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        fam = f"{int(parts[0])}.{int(parts[1])}"
        if fam in VERSIONS:
            return fam
    return None
