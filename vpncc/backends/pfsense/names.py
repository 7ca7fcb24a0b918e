"""The one table between IR values and pfSense config.xml vocabulary, used by render AND read.

Every value below comes from pfSense's own source (github.com/pfsense/pfsense, master and RELENG_2_6_0 ..
RELENG_2_7_2 agree on all of them):

* ``src/etc/inc/ipsec.inc``: ``$p1_ealgos``, ``$p2_ealgos``, ``$p1_halgos``, ``$p2_halgos``,
  ``$p1_dhgroups``, ``$p2_pfskeygroups``, ``$p2_modes``, ``ipsec_convert_to_modp()``,
  ``$ipsec_reqid_base``, ``ipsec_get_ifname()``.
* ``src/usr/local/www/vpn_ipsec_phase1.php`` / ``vpn_ipsec_phase2.php``: the field names the GUI saves.
* ``src/etc/inc/xmlparse.inc``: ``is_cdata_entity()`` and ``listtags()`` (how config.xml is written).
* ``src/usr/local/www/interfaces.php``: MTU 576..9000, MSS 576..65535, and the MSS field meaning
  "clamp TCP MSS to this value minus 40" (``filter.inc``: ``max-mss ($mss - 40)``).
* pfSense-pkg-frr (github.com/pfsense/FreeBSD-ports net/pfSense-pkg-frr): ``frr_bgp_neighbors.xml``,
  ``frr_bgp_advanced.xml``, ``inc/frr_bgp.inc``.
"""

from __future__ import annotations

from ...ir import Encryption, IkeVersion, Integrity

# -- phase 1 ----------------------------------------------------------------------------------

#: IR encryption -> (``<encryption-algorithm><name>``, ``<keylen>``). For AES-GCM pfSense's "keylen" is
#: the ICV length in bits ($p1_ealgos keysel 64..128), so AWS's *-GCM-16 (16-byte ICV) is keylen 128:
#: ipsec_setup_proposal_algo() turns ``aes128gcm`` + ``128`` into strongSwan's ``aes128gcm128`` (= gcm16).
IKE_ENCRYPTION: dict[Encryption, tuple[str, str]] = {
    Encryption.AES128: ("aes", "128"),
    Encryption.AES256: ("aes", "256"),
    Encryption.AES128_GCM_16: ("aes128gcm", "128"),
    Encryption.AES256_GCM_16: ("aes256gcm", "128"),
}
IKE_ENCRYPTION_BACK = {v: k for k, v in IKE_ENCRYPTION.items()}

#: IR integrity -> ``<hash-algorithm>`` ($p1_halgos). With AES-GCM strongSwan uses it as the PRF.
IKE_INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "sha1", Integrity.SHA2_256: "sha256", Integrity.SHA2_384: "sha384",
    Integrity.SHA2_512: "sha512",
}
IKE_INTEGRITY_BACK = {v: k for k, v in IKE_INTEGRITY.items()}

#: every ``$p1_ealgos`` / ``$p1_halgos`` / ``$p1_dhgroups`` key pfSense knows (the XSD enumerates the same)
P1_EALGOS = ("aes", "aes128gcm", "aes192gcm", "aes256gcm", "chacha20poly1305")
P1_HALGOS = ("sha1", "sha256", "sha384", "sha512", "aesxcbc")
DH_GROUPS = (1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)

#: ipsec_convert_to_modp(): DH group -> strongSwan keyword (used by the swanctl mapping)
MODP = {1: "modp768", 2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096",
        17: "modp6144", 18: "modp8192", 19: "ecp256", 20: "ecp384", 21: "ecp521", 22: "modp1024s160",
        23: "modp2048s224", 24: "modp2048s256", 25: "ecp192", 26: "ecp224", 27: "ecp224bp", 28: "ecp256bp",
        29: "ecp384bp", 30: "ecp512bp", 31: "curve25519", 32: "curve448"}

IKE_VERSION: dict[IkeVersion, str] = {IkeVersion.IKEV1: "ikev1", IkeVersion.IKEV2: "ikev2"}
#: ``auto`` initiates IKEv2 and answers both; the reader reports it as IKEv2 with a note.
IKE_VERSION_BACK = {"ikev1": IkeVersion.IKEV1, "ikev2": IkeVersion.IKEV2, "auto": IkeVersion.IKEV2, "": IkeVersion.IKEV1}

#: pfSense has no "NAT-T off": ``on`` is the GUI's "Auto" (strongSwan encap=no, UDP/4500 only when a
#: NAT is detected) and ``force`` always encapsulates (vpn_ipsec_phase1.php; ipsec_setup_tunnels()).
NAT_T_AUTO, NAT_T_FORCE = "on", "force"

# -- phase 2 ----------------------------------------------------------------------------------

#: IR encryption -> (``<encryption-algorithm-option><name>``, ``<keylen>``) ($p2_ealgos)
ESP_ENCRYPTION: dict[Encryption, tuple[str, str]] = dict(IKE_ENCRYPTION)
#: the GUI stores one keylen per algorithm name; AES128 + AES256 together is keylen ``auto``, which
#: ipsec_setup_tunnels() expands to 256, 192, 128 ($p2_ealgos['aes']['keysel'] hi..lo step 64)
ESP_AES_AUTO = "auto"
#: $p2_ealgos key order: the order the GUI saves ``encryption-algorithm-option`` entries in
P2_EALGOS = ("aes", "aes128gcm", "aes192gcm", "aes256gcm", "chacha20poly1305")

#: IR integrity -> ``<hash-algorithm-option>`` ($p2_halgos, saved in this order by the GUI)
ESP_INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "hmac_sha1", Integrity.SHA2_256: "hmac_sha256", Integrity.SHA2_384: "hmac_sha384",
    Integrity.SHA2_512: "hmac_sha512",
}
ESP_INTEGRITY_BACK = {v: k for k, v in ESP_INTEGRITY.items()}
P2_HALGOS = ("hmac_sha1", "hmac_sha256", "hmac_sha384", "hmac_sha512", "aesxcbc")
P2_MODES = ("tunnel", "tunnel6", "transport", "vti")
PFS_OFF = 0

# -- reading: every algorithm name config.xml may hold, onto the IR (device-only values included) --

#: (``<name>``, ``<keylen>``) -> IR, for phase 1 items and phase 2 options. ``$p1_ealgos``/``$p2_ealgos``
#: of RELENG_2_6_0 also list ``blowfish``, ``3des`` and ``cast128`` (RELENG_2_7_0 drops them and adds
#: ``chacha20poly1305``); GCM's keylen is the ICV length: only 128 (16 bytes) is AWS's *-GCM-16, 64/96
#: stay unknown (``aes128gcm64``). Names not listed here (blowfish, cast128, chacha20poly1305,
#: camellia...) are kept verbatim as unknown: AWS accepts none of them.
ENC_READ: dict[tuple[str, str], Encryption] = {
    ("aes", "128"): Encryption.AES128, ("aes", "192"): Encryption.AES192, ("aes", "256"): Encryption.AES256,
    ("aes128gcm", "128"): Encryption.AES128_GCM_16, ("aes192gcm", "128"): Encryption.AES192_GCM_16,
    ("aes256gcm", "128"): Encryption.AES256_GCM_16,
    ("3des", ""): Encryption.TDES, ("des", ""): Encryption.DES,
}
#: keylen ``auto``: ipsec_setup_tunnels() expands $p2_ealgos keysel from hi to lo
KEYLEN_AUTO = {"aes": ("256", "192", "128"), "aes128gcm": ("128", "96", "64"), "aes192gcm": ("128", "96", "64"),
               "aes256gcm": ("128", "96", "64")}
#: AEAD ciphers: ipsec_setup_proposal_entry() appends no hash to them
AEAD_NAMES = frozenset({"aes128gcm", "aes192gcm", "aes256gcm", "chacha20poly1305"})
#: ``<hash-algorithm>`` / ``<prf-algorithm>`` ($p1_halgos; RELENG_2_6_0 still lists md5)
HASH_READ: dict[str, Integrity] = {**IKE_INTEGRITY_BACK, "md5": Integrity.MD5}
#: ``<hash-algorithm-option>`` ($p2_halgos; RELENG_2_6_0 still lists hmac_md5)
ESP_HASH_READ: dict[str, Integrity] = {**ESP_INTEGRITY_BACK, "hmac_md5": Integrity.MD5}

# -- DPD and (re)initiation -------------------------------------------------------------------

#: charon's IKEv2 retransmission defaults (docs.strongswan.org, "Retransmission": 4 s timeout, base
#: 1.8, 5 retransmits = gives up after 165 s). ipsec.inc writes no dpd_timeout for IKEv2 ("in IKEv2
#: the default retransmission timeout applies", redmine #12184), so a dead peer takes dpd_delay + 165 s.
#: pfSense 2.6.0+ can change them globally: VPN > IPsec > Advanced, ``<ikev2_retransmit_tries>`` etc.
CHARON_RETRANSMIT_TRIES = 5
CHARON_RETRANSMIT_TIMEOUT = 4.0
CHARON_RETRANSMIT_BASE = 1.8
#: ipsec.inc $ipsec_startactions / $ipsec_closeactions (``<startaction>``, ``<closeaction>`` of phase 1)
START_ACTIONS = ("", "none", "start", "trap")
CLOSE_ACTIONS = ("", "none", "start", "trap")
#: before config 20.4 (pfSense 2.4, ipsec.conf) Close Action used ipsec.conf's closeaction words;
#: upgrade_203_to_204() maps them so (clear and none both become "none")
LEGACY_ACTIONS_CONFIG_VERSION = (20, 4)
LEGACY_CLOSE_ACTIONS = {"restart": "start", "hold": "trap", "clear": "none", "none": "none"}
#: vpn_ipsec_phase2.php saves the Keep Alive checkbox as ``<keepalive>enabled|disabled</keepalive>``
KEEPALIVE_ON = "enabled"
#: what compile sets as ``<ikev2_retransmit_tries>`` for IKEv2 tunnels (see render.ipsec_global())
COMPILE_RETRANSMIT_TRIES = 4

# -- releases ---------------------------------------------------------------------------------

#: ``release`` values (profile/--release). $p1_ealgos/$p1_halgos/$p1_dhgroups/$p2_* agree for every AWS
#: value in RELENG_2_6_0, RELENG_2_7_0..2_7_2 and master (2.8): AES-CBC 128/256, AES-GCM-16 128/256,
#: SHA1/SHA2-256/384/512, DH 1, 2, 5, 14-32. What differs is outside AWS's set (2.7 removed 3DES,
#: Blowfish, CAST128 and MD5) and, from 2.6.0, the IKEv2 retransmit settings.
RELEASES = ("2.6", "2.7", "2.8")
DEFAULT_RELEASE = "2.7"

# -- VTI interfaces ---------------------------------------------------------------------------

#: ipsec.inc $ipsec_reqid_base: the kernel reqid of a P2 is 5000 + its config reqid
REQID_BASE = 5000
#: pfSense >= 2.6 (config version 22.0, upgrade_219_to_220) names a VTI interface ``ipsec<reqid>``
#: (ipsec_get_ifname()); 2.4/2.5 used ``ipsec<ikeid>000``-style numbers from ``<vtimaps>``.
VTI_IF_PREFIX = "ipsec"
MIN_CONFIG_VERSION = (22, 0)
#: upgrade_208_to_209 (config 20.9) introduced <vtimaps>; older configs name VTIs ipsec<ikeid>00<idx>
VTIMAPS_CONFIG_VERSION = (20, 9)
#: filter.inc filter_generate_scrubbing(): "max-mss " . config_get_path('system/maxmss', 1400)
MAXMSS_DEFAULT = 1400
#: FreeBSD if_ipsec(4) default MTU, what an unassigned VTI or one without <mtu> runs with
VTI_DEFAULT_MTU = 1400
MTU_RANGE = (576, 9000)
#: interfaces.php: "<mss>" clamps TCP MSS to this value minus 40 (IPv4), range 576..65535
MSS_OFFSET = 40
MSS_RANGE = (576, 65535)
#: interfaces.php: OpenVPN and VTI interface descriptions must be less than 26 characters
VTI_DESCR_MAX = 25

# -- FRR --------------------------------------------------------------------------------------

FRR_ON = "on"               # pkg_edit.php stores checked checkboxes as "on"
FRR_DEFAULT_HOLD = 180      # FRR's default hold time when no timers are configured
FRR_DEFAULT_KEEPALIVE = 60

# -- config.xml writing (xmlparse.inc) ---------------------------------------------------------

#: is_cdata_entity(): elements whose name *starts with* one of these are written as CDATA
CDATA_PREFIXES = (
    "aclname", "auth_pass", "auth_prompt", "auth_user", "certca", "certname", "city", "common_name",
    "descr", "detail", "email", "encryption_password", "hint", "ldap_attr", "ldap_authcn", "ldap_basedn",
    "ldap_basedomain", "ldap_bind", "ldapbinddn", "ldapbindpass", "ldap_extended_query", "ldap_filter",
    "ldap_pam_groupdn", "ldap_pass", "ldap_user", "login_banner", "organization", "password", "proxypass",
    "proxyuser", "rangedescr", "state", "text", "username", "varusersusername", "varuserspassword",
)

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: FRR package prefix lists (installedpackages/frrglobalprefixes, frr_zebra.inc
#: frr_zebra_generate_prefixlists()) and neighbor filters (frr_bgp.inc frr_bgp_generate_neighbors():
#: prefixfilter_in/out -> `neighbor X prefix-list NAME in|out`, maximumprefix_num -> `maximum-prefix N`).
#: With an inbound and an outbound policy on each neighbor FRR's ebgp-requires-policy is satisfied, so
#: vpncc no longer turns that device-wide safety off (BGP > Advanced "Disable eBGP Require Policy").
BGP_MAX_PREFIX = 1000
