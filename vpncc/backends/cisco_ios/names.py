"""The one table between IR values and Cisco IOS / IOS-XE keywords (used by render and read)."""

from __future__ import annotations

from ...ir import Encryption, Integrity
from ..cisco_common.names import pfs, pfs_read  # noqa: F401 - PFS is spelled alike on IOS and ASA

E, I = Encryption, Integrity

#: `crypto isakmp policy` -> `encryption ...` (IKEv1 phase 1 has no GCM on IOS: that is IKEv2 only)
ISAKMP_ENC = {E.AES128: "aes", E.AES256: "aes 256"}
#: what the reader accepts (running-config prints `encr aes`, AWS writes `encryption aes 128`), including
#: the device-only ciphers AWS never accepts (they still make a proposal the comparison must see)
ISAKMP_ENC_READ = {"aes": E.AES128, "aes 128": E.AES128, "aes 192": E.AES192, "aes 256": E.AES256,
                   "3des": E.TDES, "des": E.DES}
#: `hash ...`; the IOS default when `hash` is omitted is sha (SHA-1)
ISAKMP_HASH = {I.SHA1: "sha", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
ISAKMP_HASH_READ = {v: k for k, v in ISAKMP_HASH.items()} | {"md5": I.MD5}
ISAKMP_DEFAULT_HASH = I.SHA1
ISAKMP_DEFAULT_GROUP = 1
#: `encryption` omitted in a policy: DES (Cisco IOS Security Command Reference, "encryption (IKE policy)":
#: "The DES algorithm is the default"); `authentication` omitted: rsa-sig (unusable with a pre-shared key)
ISAKMP_DEFAULT_ENC = E.DES
ISAKMP_DEFAULT_LIFETIME = 86400

#: `crypto ikev2 proposal` -> `encryption ...`
IKEV2_ENC = {E.AES128: "aes-cbc-128", E.AES256: "aes-cbc-256", E.AES128_GCM_16: "aes-gcm-128",
             E.AES256_GCM_16: "aes-gcm-256"}
IKEV2_ENC_READ = {v: k for k, v in IKEV2_ENC.items()} | {
    "aes-gcm": E.AES128_GCM_16, "aes-cbc-192": E.AES192, "aes-gcm-192": E.AES192_GCM_16, "3des": E.TDES,
    "des": E.DES}
#: `integrity ...` (CBC proposals) and `prf ...` (GCM proposals carry no integrity)
IKEV2_HASH = {I.SHA1: "sha1", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
IKEV2_HASH_READ = {v: k for k, v in IKEV2_HASH.items()} | {"md5": I.MD5}
IKEV2_DEFAULT_LIFETIME = 86400
#: IKEv2 "smart defaults": with no `crypto ikev2 policy` configured, IOS uses the default policy, which
#: offers the default proposal (Cisco FlexVPN and Internet Key Exchange Version 2 Configuration Guide,
#: "IKEv2 Smart Defaults"; `show crypto ikev2 proposal default`). The proposal changed over releases:
#: IOS 15.x offers AES-CBC-256/192/128, SHA-512/384/256/SHA-1/MD5, DH 5 and 2; IOS-XE 16.x and later offer
#: AES-CBC-256 with SHA-512/384 and DH 19, 14, 21, 5 (DH 5 is refused from 17.11 on, FN72510).
#: (encryption, integrity, dh groups); the reader picks by the `version` line (none: IOS-XE 16+)
IKEV2_DEFAULT_PROPOSAL_15 = ((E.AES256, E.AES192, E.AES128), (I.SHA2_512, I.SHA2_384, I.SHA2_256, I.SHA1, I.MD5),
                            (5, 2))
IKEV2_DEFAULT_PROPOSAL_XE = ((E.AES256,), (I.SHA2_512, I.SHA2_384), (19, 14, 21, 5))
IKEV2_DEFAULT_PROPOSAL = IKEV2_DEFAULT_PROPOSAL_XE

#: `crypto ipsec transform-set NAME <enc> [<integrity>]`
ESP_ENC = {E.AES128: "esp-aes", E.AES256: "esp-aes 256", E.AES128_GCM_16: "esp-gcm",
           E.AES256_GCM_16: "esp-gcm 256"}
ESP_ENC_READ = {"esp-aes": E.AES128, "esp-aes 128": E.AES128, "esp-aes 192": E.AES192, "esp-aes 256": E.AES256,
                "esp-gcm": E.AES128_GCM_16, "esp-gcm 128": E.AES128_GCM_16, "esp-gcm 192": E.AES192_GCM_16,
                "esp-gcm 256": E.AES256_GCM_16, "esp-3des": E.TDES, "esp-des": E.DES}
ESP_HASH = {I.SHA1: "esp-sha-hmac", I.SHA2_256: "esp-sha256-hmac", I.SHA2_384: "esp-sha384-hmac",
            I.SHA2_512: "esp-sha512-hmac"}
ESP_HASH_READ = {v: k for k, v in ESP_HASH.items()} | {"esp-md5-hmac": I.MD5}
#: transforms that make a transform set AWS can never accept (AH, null/GMAC ciphers): kept verbatim
ESP_UNKNOWN = ("ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac", "ah-sha384-hmac", "ah-sha512-hmac", "esp-null",
               "esp-gmac", "esp-seal", "comp-lzs")
#: `set pfs` without a group requests group 1 (Cisco IOS Security Command Reference, "set pfs": "If no
#: group is specified with this command, group1 is used as the default"); no `set pfs`: PFS is off
PFS_BARE_GROUP = 1
#: `set transform-set` takes at most six transform sets
MAX_TRANSFORM_SETS = 6
IPSEC_DEFAULT_LIFETIME = 3600

#: DH groups IOS/IOS-XE name in `group N`, `set pfs groupN` and IKEv2 proposals (no 17, 18, 22, 23)
DH_GROUPS = frozenset({2, 5, 14, 15, 16, 19, 20, 21, 24})


#: ``crypto isakmp keepalive <seconds> [<retry-seconds>] [periodic|on-demand]`` (global), isakmp profile
#: ``keepalive <seconds> retry <retry-seconds>``, ``crypto ikev2 dpd <interval> <retry-interval>
#: {on-demand|periodic}`` (global) and IKEv2 profile ``dpd ...``: the second number is the RETRY INTERVAL in
#: seconds (2-60, 2 when omitted), not a count (Cisco IOS Security Command Reference, "crypto isakmp
#: keepalive": "retry-seconds: number of seconds between DPD retry messages if the DPD retry message is
#: missed by the peer"; FlexVPN and IKEv2 Configuration Guide, "dpd"). After the interval without traffic
#: from the peer, IOS sends a DPD message; once one is missed it retransmits every retry-interval, and
#: "five aggressive DPD retry messages can be missed before the tunnel is marked as down" (Cisco IOS
#: Security Command Reference, "crypto isakmp keepalive", usage guidelines; the number of retries is not
#: configurable; Cisco "IPsec Dead Peer Detection Periodic Message Option", IOS XE 16 configuration guide).
#: So a dead AWS endpoint is detected after interval + DPD_RETRIES x retry-interval seconds: AWS's template
#: `crypto isakmp keepalive 10 10` = 10 + 5 x 10 = 60 s. DPD is off unless configured. `on-demand` (the
#: default mode; an isakmp profile `keepalive` has no mode keyword and follows the global one) probes only
#: when the router has traffic to send and has heard nothing; over a BGP tunnel the BGP keepalives are that
#: traffic, so the same bound holds. Compile writes AWS's DPD interval and retries as `keepalive 10 retry 3`
#: / `dpd 10 3 on-demand` (AWS's own IOS example maps them the same way): 10 + 5 x 3 = 25 s, inside AWS's
#: 30 s DPD timeout.
KEEPALIVE_DEFAULT_RETRY = 2
DPD_RETRIES = 5
DPD_RANGE = (10, 3600)
DPD_RETRY_RANGE = (2, 60)

#: Tunnel IP MTU: without `ip mtu`, IOS derives the tunnel interface's IP MTU from the transport (the tunnel
#: source's MTU minus the tunnel and IPsec overhead) and keeps it updated (Cisco "Resolve IPv4
#: Fragmentation, MTU, MSS, and PMTUD Issues with GRE and IPsec"; IPsec Virtual Tunnel Interfaces guide).
#: `ip tcp adjust-mss` absent: IOS does not clamp the TCP MSS at all.
MTU_DERIVED = True

#: NAT traversal is on by default (Cisco "IPsec NAT Transparency" guide); `no crypto ipsec
#: nat-transparency udp-encapsulation` turns it off for the whole router.
NAT_T_DEFAULT = True

# -- releases and what each refuses ------------------------------------------------------------------
#: `release` profile values. IOS-XE 17.11.1 and later refuse weak IPsec algorithms unless `crypto engine
#: compliance shield disable` is configured and the router reloaded (Cisco Field Notice FN72510, "Router
#: should not allow weak cryptographic algorithms to be configured for IPsec", CSCwc72588: IKEv1 policy
#: `encryption des|3des`, `hash md5`, `group 1|2|5`; IKEv2 proposal `encryption des|3des`, `integrity md5`,
#: `group 1|2|5` (and 24 in later revisions); transform sets `esp-des esp-3des esp-md5-hmac esp-null
#: esp-gmac ah-md5-hmac`; `set pfs group1|2|5`). The command exists from IOS-XE 17.7.1.
RELEASES = ("15.x", "16.x", "17.1-17.10", "17.11+")
#: no `release`: any of them (every IOS group allowed; --crypto recommended chooses no weak group anyway)
DEFAULT_RELEASE = None
WEAK_DH = frozenset({1, 2, 5, 24})
#: DH groups each release names (IOS 15.x and IOS-XE: 2, 5, 14, 15, 16, 19, 20, 21, 24)
RELEASE_DH = {"15.x": DH_GROUPS, "16.x": DH_GROUPS, "17.1-17.10": DH_GROUPS, "17.11+": DH_GROUPS - WEAK_DH}

BGP_DEFAULT_HOLD = 180
#: local preference given to routes learnt over the backup tunnel (IOS default is 100)
BACKUP_LOCAL_PREF = 50
#: AS-path prepends on routes announced over the backup tunnel
BACKUP_PREPEND = 3
#: administrative distance of the backup (tunnel 2) static route and of the Null0 anchor routes
BACKUP_DISTANCE = 10
ANCHOR_DISTANCE = 254

#: object-name limit we enforce (IOS accepts longer names on some objects, not all)
MAX_NAME = 63

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: `neighbor X maximum-prefix 1000 90 restart 5`: AWS announces the VPC / Transit Gateway route table; a
#: runaway table tears the session down and IOS retries after 5 minutes (Cisco IOS IP Routing: BGP Command
#: Reference, neighbor maximum-prefix). 1000 is far above a VGW's VPC CIDRs and a typical TGW table.
BGP_MAX_PREFIX = 1000
BGP_MAX_PREFIX_WARN_PCT = 90
BGP_MAX_PREFIX_RESTART_MIN = 5
#: ECMP over both tunnels: `maximum-paths 2` (eBGP multipath, IOS IP Routing: BGP Configuration Guide,
#: "BGP Multipath Load Sharing for Both eBGP and iBGP")
ECMP_PATHS = 2
