"""The one table between IR values and strongSwan keywords, used by render and read.

strongSwan writes a proposal as dash-separated algorithm keywords (``aes128-sha256-modp2048``).
A proposal may list several algorithms of each kind; AEAD ciphers (GCM) cannot share a proposal
with classic ciphers, and an IKE proposal with an AEAD cipher needs an explicit PRF (``prfsha256``),
otherwise charon refuses the whole proposal ("a PRF algorithm is mandatory in IKE proposals").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

# -- reading: every spelling charon accepts (proposal_keywords_static.txt, strongSwan 5.9) ----------
_ENC_IN: dict[str, Encryption] = {
    "aes": Encryption.AES128, "aes128": Encryption.AES128, "aes256": Encryption.AES256,
    "aes128gcm16": Encryption.AES128_GCM_16, "aes128gcm128": Encryption.AES128_GCM_16,
    "aes128gcm": Encryption.AES128_GCM_16,
    "aes256gcm16": Encryption.AES256_GCM_16, "aes256gcm128": Encryption.AES256_GCM_16,
    "aes256gcm": Encryption.AES256_GCM_16,
}
_INTEG_IN: dict[str, Integrity] = {
    "sha": Integrity.SHA1, "sha1": Integrity.SHA1, "sha256": Integrity.SHA2_256, "sha2_256": Integrity.SHA2_256,
    "sha384": Integrity.SHA2_384, "sha2_384": Integrity.SHA2_384, "sha512": Integrity.SHA2_512,
    "sha2_512": Integrity.SHA2_512,
}
_PRF_IN: dict[str, Integrity] = {v: k for k, v in PRF.items()}
_DH_IN: dict[str, int] = {v: k for k, v in DH.items()}
#: keywords charon knows that have no AWS counterpart (kept as "foreign", never a crash)
_FOREIGN = re.compile(
    r"^(3des|des|cast128|blowfish\d*|null|aes192|aes(128|192|256)?(ctr|ccm\d*|gcm(8|12|64|96)|gmac|xcbc|cmac)"
    r"|aes192(gcm|ccm)\d*|camellia\w*|chacha20poly1305|serpent\w*|twofish\w*|md5(_128)?|sha1_160|sha(2_)?256_96"
    r"|aesxcbc|aescmac|prfmd5|prfaesxcbc|prfaescmac|prfsha1|modp(768|none|null)|ecp(192|224)(bp)?|ecp(256|384|512)bp"
    r"|curve25519|x25519|curve448|x448|ntru\d+|newhope\d+|ke\d_\w+|esn|noesn|mlkem\d+)$")


def proposal_strings(encryption, integrity, groups, *, ike: bool) -> list[str]:
    """Proposals for one IR algorithm set: one classic proposal and one AEAD proposal as needed.

    ``groups`` are DH groups (IKE) or PFS groups (ESP; empty = no PFS)."""
    classic = [ENCRYPTION[e] for e in encryption if not e.is_gcm]
    aead = [ENCRYPTION[e] for e in encryption if e.is_gcm]
    dh = [DH[g] for g in groups]
    out = []
    if classic:
        out.append("-".join(classic + [INTEGRITY[i] for i in integrity] + dh))
    if aead:
        # IKE: the integrity list becomes the PRF list; ESP: GCM carries its own integrity
        prf = [PRF[i] for i in integrity] if ike else []
        out.append("-".join(aead + prf + dh))
    return out


@dataclass
class Parsed:
    """A proposal list read back in IR terms."""

    encryption: list[Encryption] = field(default_factory=list)
    integrity: list[Integrity] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    #: keywords that are valid strongSwan but not an AWS algorithm
    foreign: list[str] = field(default_factory=list)
    #: tokens charon would not accept at all
    unknown: list[str] = field(default_factory=list)
    all_aead: bool = True
    #: the list used strongSwan's ``default`` keyword (or was absent)
    default: bool = False

    def add(self, lst: list, v) -> None:
        if v not in lst:
            lst.append(v)


#: strongSwan 5.9's built-in proposals (what "default" or an absent setting means), in IR terms
DEFAULT_IKE = (
    (Encryption.AES128, Encryption.AES256, Encryption.AES128_GCM_16, Encryption.AES256_GCM_16),
    (Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512, Integrity.SHA1),
    (19, 20, 21, 15, 16, 17, 18, 14),
)
DEFAULT_ESP = (
    (Encryption.AES128_GCM_16, Encryption.AES256_GCM_16, Encryption.AES128, Encryption.AES256),
    (Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512, Integrity.SHA1),
    (),
)


def parse_proposals(value: str | None, *, ike: bool) -> Parsed:
    """Parse a comma-separated proposal list (swanctl ``proposals``/``esp_proposals``, ipsec.conf
    ``ike``/``esp``; the ipsec.conf strict flag ``!`` is stripped by the caller)."""
    p = Parsed()
    items = [s.strip() for s in (value or "default").split(",") if s.strip()] or ["default"]
    for item in items:
        if item.lower() == "default":
            p.default = True
            enc, integ, groups = DEFAULT_IKE if ike else DEFAULT_ESP
            for e in enc:
                p.add(p.encryption, e)
            for i in integ:
                p.add(p.integrity, i)
            for g in groups:
                p.add(p.groups, g)
            p.all_aead = False
            continue
        has_classic = False
        has_prf = False
        integ_here: list[Integrity] = []
        for tok in item.lower().split("-"):
            if tok in _ENC_IN:
                e = _ENC_IN[tok]
                p.add(p.encryption, e)
                has_classic |= not e.is_gcm
            elif tok in _INTEG_IN:
                integ_here.append(_INTEG_IN[tok])
            elif tok in _PRF_IN:
                has_prf = True
                if ike:
                    integ_here.append(_PRF_IN[tok])
            elif tok in _DH_IN:
                p.add(p.groups, _DH_IN[tok])
            elif _FOREIGN.match(tok):
                p.add(p.foreign, tok)
            else:
                p.add(p.unknown, tok)
        if has_classic:
            p.all_aead = False
        # ESP: integrity of an AEAD-only proposal is dropped by charon; IKE AEAD: PRFs count
        if has_classic or (ike and has_prf):
            for i in integ_here:
                p.add(p.integrity, i)
    return p


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
#: charon's retransmission count: DPD with no explicit timeout gives up after these retries
CHARON_RETRANSMIT_TRIES = 5


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
