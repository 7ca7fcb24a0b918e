"""ToyOS, the made-up platform of docs/new-backend.md: what its keywords mean, as data.

Every table a real backend's names.py has, in the shape every backend uses: forward maps (IR value ->
keyword) and their ``*_READ`` reverse maps, ``DEFAULTS`` and ``RANGES`` keyed by IR path, and the
platform's semantics (here DPD) as a function of those values. A real platform cites its vendor
document on each non-obvious entry; ToyOS is invented, so its "document" is this file.
"""

from __future__ import annotations

from vpncc.ir import Encryption, Integrity

ENCRYPTION: dict[Encryption, str] = {
    Encryption.AES128: "aes128", Encryption.AES256: "aes256",
    Encryption.AES128_GCM_16: "aes128gcm", Encryption.AES256_GCM_16: "aes256gcm",
}
INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "sha1", Integrity.SHA2_256: "sha256", Integrity.SHA2_384: "sha384", Integrity.SHA2_512: "sha512",
}
ENCRYPTION_READ: dict[str, Encryption] = {v: k for k, v in ENCRYPTION.items()}
INTEGRITY_READ: dict[str, Integrity] = {v: k for k, v in INTEGRITY.items()}

#: what ToyOS uses when a line is omitted (the reader fills these in: an absent key means "not configured")
DEFAULTS: dict[str, int] = {"ike.lifetime_s": 28800, "ipsec.lifetime_s": 3600, "bgp.hold_time_s": 90}

#: what ToyOS accepts, checked once by the backend's unsupported()
RANGES: dict[str, tuple[int, int]] = {"dpd.interval_s": (2, 60), "dpd.retries": (1, 10), "mtu": (576, 1500)}


#: seconds between the re-probes once the first DPD probe went unanswered (ToyOS's fixed value)
DPD_RETRY_S = 3


def dpd_detect_s(interval_s: int, retries: int) -> float:
    """ToyOS's ``dpd <interval> <retries>`` works like Cisco IOS's ``crypto isakmp keepalive``: the first
    probe after ``interval_s`` seconds of silence, then ``retries`` re-probes ``DPD_RETRY_S`` apart, then
    the peer is dead. The seconds from the last sign of life until then:

    >>> dpd_detect_s(10, 3)
    19.0
    """
    return float(interval_s + retries * DPD_RETRY_S)
