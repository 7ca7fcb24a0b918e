"""The one table between IR values and Cisco IOS / IOS-XE keywords (used by render and read)."""

from __future__ import annotations

from ...ir import Encryption, Integrity
from ..cisco_common.names import pfs, pfs_read  # noqa: F401 - PFS is spelled alike on IOS and ASA

E, I = Encryption, Integrity

#: `crypto isakmp policy` -> `encryption ...` (IKEv1 phase 1 has no GCM on IOS: that is IKEv2 only)
ISAKMP_ENC = {E.AES128: "aes", E.AES256: "aes 256"}
#: what the reader accepts (running-config prints `encr aes`, AWS writes `encryption aes 128`)
ISAKMP_ENC_READ = {"aes": E.AES128, "aes 128": E.AES128, "aes 256": E.AES256}
#: `hash ...`; the IOS default when `hash` is omitted is sha (SHA-1)
ISAKMP_HASH = {I.SHA1: "sha", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
ISAKMP_HASH_READ = {v: k for k, v in ISAKMP_HASH.items()}
ISAKMP_DEFAULT_HASH = I.SHA1
ISAKMP_DEFAULT_GROUP = 1
ISAKMP_DEFAULT_LIFETIME = 86400

#: `crypto ikev2 proposal` -> `encryption ...`
IKEV2_ENC = {E.AES128: "aes-cbc-128", E.AES256: "aes-cbc-256", E.AES128_GCM_16: "aes-gcm-128",
             E.AES256_GCM_16: "aes-gcm-256"}
IKEV2_ENC_READ = {v: k for k, v in IKEV2_ENC.items()} | {"aes-gcm": E.AES128_GCM_16}
#: `integrity ...` (CBC proposals) and `prf ...` (GCM proposals carry no integrity)
IKEV2_HASH = {I.SHA1: "sha1", I.SHA2_256: "sha256", I.SHA2_384: "sha384", I.SHA2_512: "sha512"}
IKEV2_HASH_READ = {v: k for k, v in IKEV2_HASH.items()}
IKEV2_DEFAULT_LIFETIME = 86400
#: the IOS 15.x default IKEv2 proposal, used by the default policy when no `crypto ikev2 policy` exists
IKEV2_DEFAULT_PROPOSAL = ((E.AES256, E.AES128), (I.SHA2_512, I.SHA2_384, I.SHA2_256, I.SHA1), (5, 2))

#: `crypto ipsec transform-set NAME <enc> [<integrity>]`
ESP_ENC = {E.AES128: "esp-aes", E.AES256: "esp-aes 256", E.AES128_GCM_16: "esp-gcm",
           E.AES256_GCM_16: "esp-gcm 256"}
ESP_ENC_READ = {"esp-aes": E.AES128, "esp-aes 128": E.AES128, "esp-aes 256": E.AES256,
                "esp-gcm": E.AES128_GCM_16, "esp-gcm 128": E.AES128_GCM_16, "esp-gcm 256": E.AES256_GCM_16}
ESP_HASH = {I.SHA1: "esp-sha-hmac", I.SHA2_256: "esp-sha256-hmac", I.SHA2_384: "esp-sha384-hmac",
            I.SHA2_512: "esp-sha512-hmac"}
ESP_HASH_READ = {v: k for k, v in ESP_HASH.items()}
#: `set transform-set` takes at most six transform sets
MAX_TRANSFORM_SETS = 6
IPSEC_DEFAULT_LIFETIME = 3600

#: DH groups IOS/IOS-XE name in `group N`, `set pfs groupN` and IKEv2 proposals (no 17, 18, 22, 23)
DH_GROUPS = frozenset({2, 5, 14, 15, 16, 19, 20, 21, 24})


#: ``crypto isakmp keepalive <interval> [<retry>]``: IOS's second number is the retry *interval* in
#: seconds (2 when omitted); vpncc maps AWS's DPD retries onto it, as AWS's own IOS example does.
KEEPALIVE_DEFAULT_RETRY = 2
DPD_RANGE = (10, 3600)
DPD_RETRY_RANGE = (2, 60)

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
