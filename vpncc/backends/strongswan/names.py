"""The one table between IR values and strongSwan keywords, used by render and read.

strongSwan writes a proposal as dash-separated algorithm keywords (``aes128-sha256-modp2048``).
A proposal may list several algorithms of each kind; AEAD ciphers (GCM) cannot share a proposal
with classic ciphers, and an IKE proposal with an AEAD cipher needs an explicit PRF (``prfsha256``),
otherwise charon refuses the whole proposal ("a PRF algorithm is mandatory in IKE proposals").
"""

from __future__ import annotations

import re

from ...ir import Encryption, Integrity

ENCRYPTION: dict[Encryption, str] = {
    Encryption.AES128: "aes128",
    Encryption.AES256: "aes256",
    Encryption.AES128_GCM_16: "aes128gcm16",
    Encryption.AES256_GCM_16: "aes256gcm16",
}
INTEGRITY: dict[Integrity, str] = {
    Integrity.SHA1: "sha1",
    Integrity.SHA2_256: "sha256",
    Integrity.SHA2_384: "sha384",
    Integrity.SHA2_512: "sha512",
}
PRF: dict[Integrity, str] = {
    Integrity.SHA1: "prfsha1",
    Integrity.SHA2_256: "prfsha256",
    Integrity.SHA2_384: "prfsha384",
    Integrity.SHA2_512: "prfsha512",
}
#: AWS Diffie-Hellman group number -> strongSwan key exchange keyword
DH: dict[int, str] = {
    2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096", 17: "modp6144",
    18: "modp8192", 19: "ecp256", 20: "ecp384", 21: "ecp521", 22: "modp1024s160", 23: "modp2048s224",
    24: "modp2048s256",
}

# -- reading: every spelling charon accepts (strongSwan docs, "Algorithm Proposals (Cipher Suites)",
# https://docs.strongswan.org/docs/latest/config/proposals.html; proposal_keywords_static.txt, 5.9) -----
_ENC_IN: dict[str, Encryption] = {
    "aes": Encryption.AES128, "aes128": Encryption.AES128, "aes192": Encryption.AES192,
    "aes256": Encryption.AES256, "3des": Encryption.TDES, "des": Encryption.DES,
    "aes128gcm16": Encryption.AES128_GCM_16, "aes128gcm128": Encryption.AES128_GCM_16,
    "aes128gcm": Encryption.AES128_GCM_16,
    "aes192gcm16": Encryption.AES192_GCM_16, "aes192gcm128": Encryption.AES192_GCM_16,
    "aes192gcm": Encryption.AES192_GCM_16,
    "aes256gcm16": Encryption.AES256_GCM_16, "aes256gcm128": Encryption.AES256_GCM_16,
    "aes256gcm": Encryption.AES256_GCM_16,
}
_INTEG_IN: dict[str, Integrity] = {
    "sha": Integrity.SHA1, "sha1": Integrity.SHA1, "sha256": Integrity.SHA2_256, "sha2_256": Integrity.SHA2_256,
    "sha384": Integrity.SHA2_384, "sha2_384": Integrity.SHA2_384, "sha512": Integrity.SHA2_512,
    "sha2_512": Integrity.SHA2_512, "md5": Integrity.MD5,
}
_PRF_IN: dict[str, Integrity] = {v: k for k, v in PRF.items()} | {"prfmd5": Integrity.MD5}
#: key exchange keywords -> IANA DH group numbers (groups AWS never accepts still get their number)
_DH_IN: dict[str, int] = {v: k for k, v in DH.items()} | {
    "modp768": 1, "ecp192": 25, "ecp224": 26, "ecp224bp": 27, "ecp256bp": 28, "ecp384bp": 29, "ecp512bp": 30,
    "curve25519": 31, "x25519": 31, "curve448": 32, "x448": 32,
}
#: ESP extended sequence number keywords: not an algorithm
_IGNORED = frozenset({"esn", "noesn", "modpnone", "none"})
#: ciphers that are AEAD in charon but outside the IR (they must not share a proposal with classic ones)
_AEAD_OTHER = re.compile(r"^(aes(128|192|256)?(gcm(8|12|64|96)|ccm\d*)|chacha20poly1305|camellia\d*ccm\d*)$")


def proposal_strings(encryption, integrity, groups, *, ike: bool) -> list[str]:
    """Proposals for one IR algorithm set, in the given order (strongest first, as vpncc.crypto chose
    them): one classic proposal and one AEAD proposal as needed, the kind listed first first.

    ``groups`` are DH groups (IKE) or PFS groups (ESP; empty = no PFS)."""
    encryption = list(encryption)
    classic = [ENCRYPTION[e] for e in encryption if not e.is_gcm]
    aead = [ENCRYPTION[e] for e in encryption if e.is_gcm]
    dh = [DH[g] for g in groups]
    out = []
    if classic:
        first = next(i for i, e in enumerate(encryption) if not e.is_gcm)
        out.append((first, "-".join(classic + [INTEGRITY[i] for i in integrity] + dh)))
    if aead:
        # IKE: the integrity list becomes the PRF list; ESP: GCM carries its own integrity
        prf = [PRF[i] for i in integrity] if ike else []
        first = next(i for i, e in enumerate(encryption) if e.is_gcm)
        out.append((first, "-".join(aead + prf + dh)))
    return [s for _, s in sorted(out)]


# -- lifetimes --------------------------------------------------------------------------------------
_TIME = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.I)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def num(value: str | None) -> int | None:
    """A plain decimal number, or None (also for absurdly long digit strings: int() refuses those)."""
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def parse_time(value: str) -> int | None:
    """strongSwan time values: ``3600``, ``3600s``, ``60m``, ``8h``, ``1d``."""
    m = _TIME.match(value or "")
    n = num(m.group(1)) if m else None
    return None if n is None else n * _UNIT[m.group(2).lower()]


def fmt_time(seconds: int) -> str:
    return f"{seconds}s"


#: strongSwan defaults used when a setting is omitted
SWANCTL_IKE_REKEY = 14400        # 4 h
SWANCTL_CHILD_REKEY = 3600       # 1 h; life_time defaults to rekey_time + 10 %
IPSEC_CONF_IKELIFETIME = 10800   # 3 h
IPSEC_CONF_LIFETIME = 3600       # 1 h
IPSEC_CONF_DPDDELAY = 30
IPSEC_CONF_DPDTIMEOUT = 150
#: charon's default retransmission count (semantics.Retransmit: 5 tries, 165 s with the default timers)
CHARON_RETRANSMIT_TRIES = 5
#: what the compiled charon-vpncc.conf sets when a tunnel runs IKEv2, where charon ignores dpd_timeout and
#: a dead peer is given up when retransmission gives up (docs "Retransmission": timeout * base^(n-1)).
#: 3 s, base 1.5, 3 retries: 3 + 4.5 + 6.75 + 10.1 = 24 s after the DPD request, ~34 s after the last
#: packet with dpd_delay 10 s, instead of 165 s with charon's defaults. charon has no per-connection
#: retransmission settings (5.9): these apply to every IKE SA of the daemon, and still allow a 24 s
#: round-trip budget per exchange.
COMPILED_RETRANSMIT = {"retransmit_timeout": "3.0", "retransmit_base": "1.5", "retransmit_tries": "3"}


#: the longest a dead AWS endpoint may take to detect (vpncc.validate.negotiation.DPD_DETECT_MAX_S)
DPD_DETECT_MAX = 120


def dpd_timeout_for(interval: int, retries: int) -> int:
    """IKEv1 dpd_timeout: AWS's own DPD window (interval x retries), kept short enough that charon
    declares the peer dead within DPD_DETECT_MAX (it checks every dpd_delay, so dpd_delay + dpd_timeout)."""
    return max(min(interval * retries, DPD_DETECT_MAX - interval), 1)


def child_rekey_for(lifetime: int) -> int:
    """The CHILD_SA rekey time vpncc writes for a hard lifetime: 90 %, like ipsec.conf's margin."""
    return max(lifetime - max(lifetime // 10, 1), 1)


# -- names ------------------------------------------------------------------------------------------
#: swanctl section names, ipsec.conf conn names, FRR route-map names, BIRD protocol names (after mangling)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
#: Linux interface names (IFNAMSIZ 16 incl. NUL; no '/', ':' or whitespace)
IFNAME_RE = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,15}$")
#: characters that a double-quoted swanctl/ipsec.secrets PSK may carry literally
PSK_PLAIN_RE = re.compile(r"^[A-Za-z0-9._~@%^*()+=,:/?\[\]-]+$")


def psk_literal(psk: str) -> str:
    """A PSK in strongSwan syntax: double-quoted when every character is safe inside quotes and it
    does not start with charon's 0x/0s encoding prefixes; otherwise hex (``0x...``), which charon
    decodes back to the same bytes."""
    if PSK_PLAIN_RE.match(psk) and not psk[:2].lower() in ("0x", "0s"):
        return f'"{psk}"'
    return "0x" + psk.encode("utf-8").hex()


def psk_value(raw: str) -> tuple[str | None, bool]:
    """Decode a PSK as charon would: ``0x`` hex, ``0s`` base64, or the literal string.
    Returns (value, decodable)."""
    import base64
    import binascii

    v = raw
    if v.lower().startswith("0x"):
        try:
            return bytes.fromhex(v[2:]).decode("utf-8"), True
        except (ValueError, UnicodeDecodeError):
            return None, False
    if v.lower().startswith("0s"):
        try:
            return base64.b64decode(v[2:], validate=True).decode("utf-8"), True
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None, False
    return v, True


def sysctl_key(ifname: str, key: str, family: str = "ipv4") -> str:
    """sysctl path for an interface setting; names with dots (VLANs) need the slash form."""
    if "." in ifname:
        return f"net/{family}/conf/{ifname}/{key}"
    return f"net.{family}.conf.{ifname}.{key}"


def nft_ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)

# -- BGP that cannot leak (docs/safe-changes.md) ---------------------------------------------------------
#: FRR `neighbor X maximum-prefix 1000 restart 5` (FRR user guide, BGP, "neighbor PEER maximum-prefix NUMBER
#: ... restart"), BIRD `import limit 1000 action restart` (BIRD 2 user guide, channel options): a runaway
#: table from AWS ends the session, which comes back (FRR after 5 minutes). 1000 is far above a VGW's VPC
#: CIDRs and a typical Transit Gateway table.
BGP_MAX_PREFIX = 1000
BGP_MAX_PREFIX_RESTART_MIN = 5
#: ECMP over both tunnels: FRR `maximum-paths 2` in the IPv4 address family
BGP_ECMP_PATHS = 2
