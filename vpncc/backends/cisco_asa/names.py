"""The one table between IR values and Cisco ASA 9.8+ keywords (used by render and read)."""

from __future__ import annotations

from ...ir import Encryption, Integrity
from ..cisco_common.names import pfs, pfs_read  # noqa: F401 - PFS is spelled alike on IOS and ASA

E, I = Encryption, Integrity

#: `crypto ikev1 policy N` (also the pre-8.4 `crypto isakmp policy N`): CBC only, hash sha only
IKEV1_ENC = {E.AES128: "aes", E.AES256: "aes-256"}
IKEV1_ENC_READ = {v: k for k, v in IKEV1_ENC.items()}
IKEV1_HASH = {I.SHA1: "sha"}
IKEV1_HASH_READ = {v: k for k, v in IKEV1_HASH.items()}
IKEV1_GROUPS = frozenset({2, 5, 14})
IKEV1_DEFAULT_HASH = I.SHA1
IKEV1_DEFAULT_GROUP = 2
IKEV1_DEFAULT_LIFETIME = 86400

#: `crypto ikev2 policy N`: several values per line; GCM policies use `integrity null` and a `prf`
IKEV2_ENC = {E.AES128: "aes", E.AES256: "aes-256", E.AES128_GCM_16: "aes-gcm", E.AES256_GCM_16: "aes-gcm-256"}
IKEV2_ENC_READ = {v: k for k, v in IKEV2_ENC.items()}
IKEV2_HASH = {I.SHA1: "sha", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
IKEV2_HASH_READ = {v: k for k, v in IKEV2_HASH.items()}
IKEV2_DEFAULT_LIFETIME = 86400

#: `crypto ipsec ikev1 transform-set NAME <enc> <integrity>` (no GCM, no SHA-2 with IKEv1 on the ASA)
V1_ESP_ENC = {E.AES128: "esp-aes", E.AES256: "esp-aes-256"}
V1_ESP_ENC_READ = {v: k for k, v in V1_ESP_ENC.items()}
V1_ESP_HASH = {I.SHA1: "esp-sha-hmac"}
V1_ESP_HASH_READ = {v: k for k, v in V1_ESP_HASH.items()}
#: `crypto ipsec ikev2 ipsec-proposal NAME` / `protocol esp encryption ...` / `protocol esp integrity ...`
V2_ESP_ENC = {E.AES128: "aes", E.AES256: "aes-256", E.AES128_GCM_16: "aes-gcm", E.AES256_GCM_16: "aes-gcm-256"}
V2_ESP_ENC_READ = {v: k for k, v in V2_ESP_ENC.items()}
V2_ESP_HASH = {I.SHA1: "sha-1", I.SHA2_256: "sha-256", I.SHA2_384: "sha-384", I.SHA2_512: "sha-512"}
V2_ESP_HASH_READ = {v: k for k, v in V2_ESP_HASH.items()}
IPSEC_DEFAULT_LIFETIME = 28800

#: IKEv2 and PFS groups of ASA 9.8 (9.15 later drops 2, 5 and 24)
DH_GROUPS = frozenset({2, 5, 14, 15, 16, 19, 20, 21, 24})
#: an ASA holds at most 20 IKEv1 and 20 IKEv2 policies
MAX_POLICIES = 20


#: `isakmp keepalive threshold <10-3600> retry <2-10>` under tunnel-group ipsec-attributes; the ASA's
#: retry is an interval in seconds; vpncc maps AWS's DPD retries onto it like AWS's own ASA example.
#: L2L default when the line is absent: threshold 10 retry 2.
KEEPALIVE_DEFAULT = (10, 2)
DPD_RANGE = (10, 3600)
DPD_RETRY_RANGE = (2, 10)

BGP_DEFAULT_HOLD = 180
BACKUP_LOCAL_PREF = 50
BACKUP_PREPEND = 3
#: static routes: tunnel 1 metric 1, tunnel 2 metric 2 (floating backup)
PRIMARY_METRIC = 1
BACKUP_METRIC = 2

#: nameif and object names
MAX_NAMEIF = 48
MAX_NAME = 63
