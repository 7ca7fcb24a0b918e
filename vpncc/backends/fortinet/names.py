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
* Fortinet Community technical tips for run-time behaviour: DPD modes (article 260424), tunnel MTU
  (193388), TCP MSS on interfaces (221376) and policies (194518); FortiOS Administration Guide,
  "Encryption algorithms" (IKE proposal keywords per cipher).
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

#: What ``--crypto recommended|compatible`` may choose per family (``Backend.crypto_capabilities``).
#: Phase 1 and phase 2: AES128/AES256-CBC with SHA1/SHA2-256/384/512 (``aes256-sha384`` ...), AES-GCM
#: (phase 1 ``aes128gcm-prfsha256``/``aes256gcm-prfsha384``: IKEv2 only; phase 2 ``aes128gcm``/
#: ``aes256gcm``), the DH groups of :data:`DH_GROUPS`. The same lists hold for 6.4, 7.0, 7.2 and 7.4
#: (Ansible fortinet.fortios 2.4.2 ``proposal`` options with their v_range; FortiOS Administration Guide,
#: "Encryption algorithms": IKEv2 phase 1 aes128gcm-prfsha1..512, aes256gcm-prfsha1..512). 7.4 adds
#: nothing AWS offers (ChaCha20, ARIA, SEED and groups 27-32 AWS does not accept).
CRYPTO: dict[str, dict[str, frozenset]] = {
    v: {"encryption": frozenset(ENCRYPTION), "integrity": frozenset(INTEGRITY), "dh": DH_GROUPS[v]}
    for v in VERSIONS
}

#: FortiOS defaults for settings ``show`` omits (values equal to the default are not printed)
#: (phase1/phase2 ``proposal`` has no default: the CMDB schema lists it empty and the CLI refuses an entry
#: without it, so a config that lacks it is a partial paste and the reader calls its proposals unverified)
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
TABLES = ("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "vpn ipsec phase1", "vpn ipsec phase2",
          "system interface", "router bgp",
          "router static", "firewall policy", "firewall security-policy", "system zone", "system sdwan",
          "system virtual-wan-link")


def phase1_proposal(enc: Encryption, integ: Integrity) -> str:
    if enc.is_gcm:
        return f"{ENCRYPTION[enc]}-prf{INTEGRITY[integ]}"
    return f"{ENCRYPTION[enc]}-{INTEGRITY[integ]}"


def phase2_proposal(enc: Encryption, integ: Integrity | None) -> str:
    if enc.is_gcm:
        return ENCRYPTION[enc]
    assert integ is not None
    return f"{ENCRYPTION[enc]}-{INTEGRITY[integ]}"


#: every cipher keyword FortiOS 6.4-7.4 offers in ``proposal`` (phase 1 ``<cipher>-<hash>``, phase 2 the
#: same or a bare AEAD cipher), mapped onto the IR including the device-only values AWS never accepts.
#: Source: FortiOS CLI Reference, ``config vpn ipsec phase1-interface`` / ``phase2-interface`` ``proposal``
#: (des, 3des, aes128, aes192, aes256, aes128gcm, aes256gcm, chacha20poly1305, aria*, seed; hashes md5,
#: sha1, sha256, sha384, sha512, ``null`` in phase 2 only). ChaCha20, ARIA, SEED and ``null`` have no IR
#: value: the reader keeps them verbatim as unknown (AWS accepts none of them).
DEVICE_ENCRYPTION: dict[str, Encryption] = {
    **ENCRYPTION_BY_KEY, "aes192": Encryption.AES192, "3des": Encryption.TDES, "des": Encryption.DES,
}
DEVICE_INTEGRITY: dict[str, Integrity] = {**INTEGRITY_BY_KEY, "md5": Integrity.MD5}


def parse_proposal(word: str) -> tuple[Encryption | None, Integrity | None]:
    """``aes256-sha256`` -> (AES256, SHA2-256); ``aes128gcm-prfsha1`` -> (AES128-GCM-16, SHA1);
    ``aes128gcm`` -> (AES128-GCM-16, None); ``3des-md5`` -> (3DES, MD5). Unknown parts -> None."""
    w = word.lower()
    enc_part, _, hash_part = w.partition("-")
    enc = DEVICE_ENCRYPTION.get(enc_part)
    if hash_part.startswith("prf"):
        hash_part = hash_part[3:]
    integ = DEVICE_INTEGRITY.get(hash_part) if hash_part else None
    return enc, integ


# -- dead-peer detection --------------------------------------------------------------------------
#: FortiOS ``dpd`` (6.0 and later): ``disable`` (answers the peer's DPD, never probes), ``on-idle``
#: (probes when nothing has been received for ``dpd-retryinterval`` seconds, traffic or not) and
#: ``on-demand`` (the default: probes only when it sends traffic and has received nothing for
#: ``dpd-retryinterval`` seconds). Either way it sends ``dpd-retrycount`` probes ``dpd-retryinterval``
#: seconds apart and flushes the SAs when none is answered (10 s x 3 = "flush after 30 seconds").
#: A silently dead AWS endpoint is therefore detected ``retryinterval x (1 + retrycount)`` seconds after
#: its last packet (on-demand: only while traffic is sent towards it; BGP keepalives are such traffic).
#: Sources: Fortinet Community, "Technical Tip: Explanation of IPsec VPN DPD Options and On-Idle"
#: (community.fortinet.com, article 260424); FortiOS CLI Reference, ``config vpn ipsec phase1-interface``
#: (``dpd``, ``dpd-retrycount`` default 3, ``dpd-retryinterval`` default 20).
#: ``set dpd enable`` is the FortiOS 5.x spelling (AWS's example still has it); 6.0 upgrades turn it
#: into ``on-demand``.
DPD_ENABLED = ("on-idle", "on-demand", "enable")

# -- MTU and MSS ----------------------------------------------------------------------------------
#: Tunnel MTU: FortiOS computes the IPsec SA MTU itself from the path MTU and the negotiated SA's
#: overhead, and that is what forwarded traffic gets. ``set mtu-override enable`` + ``set mtu N`` on the
#: tunnel interface (6.4 and later; default 1420) sets the interface MTU, which governs the FortiGate's
#: own traffic (BGP, pings); ``set mtu`` without the override is not accepted, so AWS's template line
#: ``set mtu 1427`` alone leaves FortiOS deriving it. Source: Fortinet Community, "Technical Tip: How to
#: override MTU for IPsec VPN interfaces" (article 193388).
#: MSS: ``tcp-mss`` on the tunnel interface (both directions from 7.0.1, return traffic only before:
#: Fortinet Community article 221376) or ``tcp-mss-sender``/``tcp-mss-receiver`` on the firewall
#: policies (article 194518). With neither, nothing clamps.

#: ``nattraversal``: ``enable`` (the default: NAT-T when a NAT is detected), ``forced`` (always UDP 4500,
#: what an Accelerated VPN needs), ``disable``. Source: FortiOS CLI Reference, phase1-interface.
DEFAULT_NATT = "enable"
#: ``config firewall policy`` ``action`` default is ``deny``; ``status`` default ``enable``.
#: Source: FortiOS CLI Reference, ``config firewall policy``.
DEFAULT_POLICY_ACTION = "deny"
#: the SD-WAN zone a member joins when it names none (6.4 ``system virtual-wan-link``: the only zone)
DEFAULT_SDWAN_ZONE = "virtual-wan-link"
#: phase1 ``localid-type``: ``auto`` picks the ID type from the ``localid`` text
LOCALID_ADDRESS_TYPES = ("address",)


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

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: neighbor `maximum-prefix`: AWS announces the VPC / Transit Gateway routes; a runaway table brings the
#: session down instead of filling the FortiGate's RIB (FortiOS CLI reference, router bgp > neighbor)
BGP_MAX_PREFIX = 1000
#: active/standby: tunnel 2's routes carry a longer AS path out (`set-aspath`, prepend) and a lower local
#: preference in (`set-local-preference`) through route-maps (FortiOS CLI reference, router route-map)
BGP_BACKUP_PREPEND = 3
BGP_BACKUP_LOCAL_PREF = 50
