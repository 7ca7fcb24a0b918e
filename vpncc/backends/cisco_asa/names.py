"""The one table between IR values and Cisco ASA 9.8+ keywords (used by render and read)."""

from __future__ import annotations

from ...ir import Encryption, Integrity
from ..cisco_common.names import pfs, pfs_read  # noqa: F401 - PFS is spelled alike on IOS and ASA

E, I = Encryption, Integrity

#: `crypto ikev1 policy N` (also the pre-8.4 `crypto isakmp policy N`): CBC only, hash sha only
IKEV1_ENC = {E.AES128: "aes", E.AES256: "aes-256"}
#: what a device may carry (read side): ASA keywords for the device-only values too
IKEV1_ENC_READ = {"aes": E.AES128, "aes-192": E.AES192, "aes-256": E.AES256, "3des": E.TDES, "des": E.DES}
IKEV1_HASH = {I.SHA1: "sha"}
IKEV1_HASH_READ = {"sha": I.SHA1, "md5": I.MD5}
IKEV1_GROUPS = frozenset({2, 5, 14})  # ASA 9.8-9.14 (see RELEASE_IKEV1_GROUPS)
#: what an IKEv1 policy without the line means (hand-written configs and partial pastes leave them out):
#: encryption 3DES, hash SHA-1, group 2, authentication pre-share, lifetime 86400 s.
#: Source: Cisco ASA Series VPN CLI Configuration Guide 9.x, IPsec and ISAKMP, "Configure IKEv1 Policies"
#: (parameter table with the default values); Cisco ASA Command Reference, `encryption` / `hash` / `group` /
#: `lifetime` in crypto ikev1 policy mode.
IKEV1_DEFAULT_ENC = E.TDES
IKEV1_DEFAULT_HASH = I.SHA1
IKEV1_DEFAULT_GROUP = 2
IKEV1_DEFAULT_LIFETIME = 86400

#: `crypto ikev2 policy N`: several values per line; GCM policies use `integrity null` and a `prf`
IKEV2_ENC = {E.AES128: "aes", E.AES256: "aes-256", E.AES128_GCM_16: "aes-gcm", E.AES256_GCM_16: "aes-gcm-256"}
IKEV2_ENC_READ = {**{v: k for k, v in IKEV2_ENC.items()}, "aes-192": E.AES192, "aes-gcm-192": E.AES192_GCM_16,
                  "3des": E.TDES, "des": E.DES}
IKEV2_HASH = {I.SHA1: "sha", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
IKEV2_HASH_READ = {**{v: k for k, v in IKEV2_HASH.items()}, "md5": I.MD5}
#: `integrity null` (GCM policies) and `encryption null`: no algorithm, not an unknown one
NULL = "null"
IKEV2_DEFAULT_LIFETIME = 86400

#: `crypto ipsec ikev1 transform-set NAME <enc> <integrity>` (no GCM, no SHA-2 with IKEv1 on the ASA)
V1_ESP_ENC = {E.AES128: "esp-aes", E.AES256: "esp-aes-256"}
V1_ESP_ENC_READ = {"esp-aes": E.AES128, "esp-aes-192": E.AES192, "esp-aes-256": E.AES256, "esp-3des": E.TDES,
                   "esp-des": E.DES}
V1_ESP_HASH = {I.SHA1: "esp-sha-hmac"}
V1_ESP_HASH_READ = {"esp-sha-hmac": I.SHA1, "esp-md5-hmac": I.MD5, "esp-sha256-hmac": I.SHA2_256,
                    "esp-sha384-hmac": I.SHA2_384, "esp-sha512-hmac": I.SHA2_512}
#: `esp-none` / `esp-null`: no integrity / no encryption (never acceptable to AWS; kept as unknown)
#: `crypto ipsec ikev2 ipsec-proposal NAME` / `protocol esp encryption ...` / `protocol esp integrity ...`
V2_ESP_ENC = {E.AES128: "aes", E.AES256: "aes-256", E.AES128_GCM_16: "aes-gcm", E.AES256_GCM_16: "aes-gcm-256"}
V2_ESP_ENC_READ = {**{v: k for k, v in V2_ESP_ENC.items()}, "aes-192": E.AES192, "aes-gcm-192": E.AES192_GCM_16,
                   "3des": E.TDES, "des": E.DES}
V2_ESP_HASH = {I.SHA1: "sha-1", I.SHA2_256: "sha-256", I.SHA2_384: "sha-384", I.SHA2_512: "sha-512"}
V2_ESP_HASH_READ = {**{v: k for k, v in V2_ESP_HASH.items()}, "md5": I.MD5}
IPSEC_DEFAULT_LIFETIME = 28800

#: IKEv2 and PFS groups of ASA 9.8 (9.15 later drops 2, 5 and 24)
DH_GROUPS = frozenset({2, 5, 14, 15, 16, 19, 20, 21, 24})

#: `--release` values (profile key `release`): the crypto each ASA release family can configure.
#: ASA 9.15(1) removed DH groups 2, 5 and 24, DES/3DES and MD5 from IKEv2 policies and IPsec proposals
#: (IKEv1 keeps group 5 and 14). Sources: Cisco ASA 9.15 VPN CLI Configuration Guide, IPsec and ISAKMP
#: (cisco.com/c/en/us/td/docs/security/asa/asa915/configuration/vpn/asa-915-vpn-config/vpn-ike.html);
#: the matching Firepower 6.7 upgrade note on removed algorithms (DH 2/5/24, DES, 3DES, AES-GMAC, MD5;
#: "group 5 continues to be supported ... for IKEv1"), summarised in github.com/RenanHingel/FMC_Unsupported_Algorithms.
RELEASES = ("9.8-9.14", "9.15+")
DEFAULT_RELEASE = "9.8-9.14"
RELEASE_DH_GROUPS = {"9.8-9.14": DH_GROUPS, "9.15+": frozenset({14, 15, 16, 19, 20, 21})}
RELEASE_IKEV1_GROUPS = {"9.8-9.14": frozenset({2, 5, 14}), "9.15+": frozenset({5, 14})}
#: an ASA holds at most 20 IKEv1 and 20 IKEv2 policies
MAX_POLICIES = 20


#: `isakmp keepalive threshold <10-3600> retry <2-10>` under tunnel-group ipsec-attributes (IKEv1 and IKEv2
#: alike). The threshold is how long the peer may stay idle before the ASA sends an R-U-THERE; the retry
#: value is the INTERVAL in seconds between retransmissions when no R-U-THERE-ACK comes back (not a count).
#: The count is fixed: three retransmissions, then the peer is declared dead and its SAs are cleared.
#: `threshold infinite`: the ASA answers DPD but never starts it (it never detects a dead peer itself);
#: `isakmp keepalive disable`: no DPD at all. L2L default when the line is absent: threshold 10 retry 2.
#: Sources: Cisco ASA Command Reference I-R, `isakmp keepalive`; "Dead Peer Detection (DPD) on ASA"
#: (blog.williampeters.com/dead-peer-detection-dpd-on-asa): semi-periodic DPD, three retransmissions
#: every <retry> seconds, DefaultL2LGroup `isakmp keepalive threshold 10 retry 2`.
KEEPALIVE_DEFAULT = (10, 2)
KEEPALIVE_RETRANSMITS = 3
DPD_RANGE = (10, 3600)
DPD_RETRY_RANGE = (2, 10)
#: compile writes `threshold <DPD interval> retry <DPD retries>`: with AWS's interval 10 and 3 retries that is a
#: 3 s retry interval, a dead AWS endpoint found in 10 + 4 x 3 = 22 s (within the 2-10 s the ASA allows)


def dpd_detect_s(threshold: int, retry: int) -> int:
    """Seconds from the last packet of a silently dead peer until the ASA declares it dead: the idle
    threshold, then the first R-U-THERE and three retransmissions, each waited for ``retry`` seconds."""
    return threshold + (KEEPALIVE_RETRANSMITS + 1) * retry


#: `sysopt connection tcpmss <bytes>` is device-wide and on by default at 1380 bytes (0 disables it): the
#: ASA clamps the MSS of every TCP SYN through it even with no line in the config.
#: Source: Cisco ASA Series Firewall Configuration Guide, "About the TCP MSS" (default maximum TCP MSS
#: 1380 bytes); Cisco ASA Command Reference S, `sysopt connection tcpmss`.
TCP_MSS_DEFAULT = 1380

#: NAT traversal: IKEv1 NAT-T (`crypto isakmp nat-traversal [keepalive]`) is enabled by default since
#: ASA 7.2(1) and turned off with `no crypto isakmp nat-traversal`; a crypto map entry can turn it off
#: with `set nat-t-disable`. IKEv2 detects NAT itself (RFC 7296 NAT_DETECTION payloads).
#: Source: Cisco ASDM 7.14 VPN Configuration Guide, IKE Parameters, "Enable IPsec over NAT-T ... enabled
#: by default"; Cisco ASA 9.15 VPN CLI Configuration Guide, "Enable IPsec over NAT-T".

#: VTI MTU: a tunnel interface without `mtu <nameif>` takes the MTU of its tunnel source interface minus
#: the IPsec overhead, computed by the ASA (Cisco ASA 9.8 VPN CLI Configuration Guide, "Virtual Tunnel
#: Interface", guidelines: the MTU is derived from the physical interface). Only an explicit `mtu` line
#: for the tunnel's nameif is a value to compare.

#: `set pfs` without a group means group 2 (Cisco ASA Command Reference S, `crypto map set pfs` and `set pfs`
#: in ipsec-profile mode: "group2" when no group is given). ASA 9.15 removed group 2; what a bare `set pfs`
#: selects there is not stated in the documents vpncc cites, so the reader reports it as unverified when
#: the config's `ASA Version` header says 9.15 or later.
PFS_BARE_DEFAULT = 2

#: policy-based (crypto map) tunnels: "each tunnel is limited to one unique SA pair"; "if you're using a
#: policy-based configuration, you must limit your configuration to a single security association" -- so
#: a crypto ACL must be one permit line (any4 or a summary to the VPC), as AWS's own policy-based ASA
#: example writes it. Source: AWS Site-to-Site VPN User Guide, "Requirements for an AWS Site-to-Site VPN
#: customer gateway device" (docs.aws.amazon.com/vpn/latest/s2svpn/CGRequirements.html).
POLICY_SA_PAIRS = 1

BGP_DEFAULT_HOLD = 180
BACKUP_LOCAL_PREF = 50
BACKUP_PREPEND = 3
#: static routes: tunnel 1 metric 1, tunnel 2 metric 2 (floating backup)
PRIMARY_METRIC = 1
BACKUP_METRIC = 2

#: nameif and object names
MAX_NAMEIF = 48
MAX_NAME = 63

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: `neighbor X maximum-prefix 1000 90 restart 5` (Cisco ASA Series Command Reference, "neighbor
#: maximum-prefix"): a runaway table from AWS tears the session down and the ASA retries after 5 minutes.
#: 1000 is far above a VGW's VPC CIDRs and a typical Transit Gateway table.
BGP_MAX_PREFIX = 1000
BGP_MAX_PREFIX_WARN_PCT = 90
BGP_MAX_PREFIX_RESTART_MIN = 5
#: ECMP over both tunnels: `maximum-paths 2` in the BGP address family (Cisco ASA Series Command Reference,
#: "maximum-paths (BGP)")
ECMP_PATHS = 2
