"""How IKE, IPsec and BGP negotiate, in IR terms: the one model every backend's comparison uses.

A reader says what the device *offers* (:class:`Proposal` per ISAKMP policy / IKEv2 proposal / transform
set / phase2 entry, :class:`DpdBehaviour` from the platform's own semantics); this module decides what
AWS's endpoint would do with it, against the tunnel's accepted sets (``Tunnel.accepted``: the API's
TunnelOptions, or AWS's documented defaults when the input does not state them).

No vendor knowledge lives here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Iterable

from ..ir import Encryption, Integrity


@dataclass(frozen=True)
class Proposal:
    """One proposal as the device offers it. Any combination of its values is acceptable to the device:
    an IKEv2 proposal carries lists, an IKEv1 ISAKMP policy or a transform set one value each.

    ``dh_groups`` is the phase-1 DH group list for IKE and the PFS group list for ESP (``()`` = PFS off).
    ``integrity`` is empty for an AEAD-only ESP proposal; for IKE it is the integrity/PRF list (``prf``
    only when the platform configures the PRF separately). ``unknown`` keeps algorithm names outside the
    IR vocabulary verbatim (``camellia256``): they can never match AWS."""

    encryption: tuple[Encryption, ...]
    integrity: tuple[Integrity, ...] = ()
    dh_groups: tuple[int, ...] = ()
    label: str = ""
    line: int | None = None
    prf: tuple[Integrity, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class DpdBehaviour:
    """Dead-peer detection as the platform really runs it (computed by the backend from its names.py
    semantics, each with its vendor source).

    ``detect_s``: seconds from the last sign of life of a silently dead AWS endpoint until the device
    declares it dead and acts (``None``: cannot be computed). ``how``: the platform's own terms, for the
    finding text ("keepalive 10 s, then 5 retries every 10 s")."""

    enabled: bool
    detect_s: float | None = None
    how: str = ""
    #: what the device does when the peer is dead: "clear", "restart", "hold" (None: unknown/not relevant)
    action: str | None = None


#: addresses that only exist behind NAT: RFC 1918 and the shared address space of RFC 6598 (carrier-grade
#: NAT). Documentation ranges (RFC 5737) count as public: the samples use them for public addresses.
NAT_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                      "100.64.0.0/10"))


def is_private(addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    """True for an address behind NAT (RFC 1918, RFC 6598).

    >>> is_private(ipaddress.IPv4Address("10.1.2.3")), is_private(ipaddress.IPv4Address("192.0.2.10"))
    (True, False)
    """
    if not isinstance(addr, ipaddress.IPv4Address):
        return False
    return any(addr in n for n in NAT_RANGES)


def _vals(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


# -- what AWS accepts on a tunnel ----------------------------------------------------------------

@dataclass(frozen=True)
class AwsSide:
    """The accepted sets of one tunnel, as plain tuples (from ``Tunnel.accepted``)."""

    ike_versions: tuple[Any, ...]
    ike_encryption: tuple[Any, ...]
    ike_integrity: tuple[Any, ...]
    ike_dh_groups: tuple[Any, ...]
    esp_encryption: tuple[Any, ...]
    esp_integrity: tuple[Any, ...]
    pfs_groups: tuple[Any, ...]
    ike_lifetime_s: int
    esp_lifetime_s: int
    source: str


def aws_side(t: Any) -> AwsSide:
    """The tunnel's accepted sets; an IR without ``accepted`` (older callers) accepts what it shows."""
    a = getattr(t, "accepted", None)
    if a is not None:
        return AwsSide(tuple(a.ike_versions), tuple(a.ike_encryption), tuple(a.ike_integrity),
                       tuple(a.ike_dh_groups), tuple(a.esp_encryption), tuple(a.esp_integrity),
                       tuple(a.pfs_groups), int(a.ike_lifetime_s), int(a.esp_lifetime_s),
                       getattr(a.source, "value", str(a.source)))
    versions = t.ike.allowed_versions or (t.ike.version,)
    return AwsSide(tuple(versions), t.ike.encryption, t.ike.integrity, t.ike.dh_groups, t.ipsec.encryption,
                   t.ipsec.integrity, t.ipsec.pfs_groups, t.ike.lifetime_s, t.ipsec.lifetime_s, "input")


# -- proposals -----------------------------------------------------------------------------------

def _name(v: Any) -> str:
    return str(getattr(v, "value", v))


def _names(values: Iterable[Any]) -> str:
    return ", ".join(_name(v) for v in values) or "none"


@dataclass(frozen=True)
class Fit:
    """How one device proposal fares against AWS's accepted set."""

    proposal: Proposal
    ok: bool
    #: why it does not fit, one phrase per failing slot ("DH 5 not accepted (AWS: 2, 14-24)")
    reasons: tuple[str, ...] = ()
    #: the values of the proposal AWS could choose (empty when it does not fit)
    encryption: tuple[Any, ...] = ()
    integrity: tuple[Any, ...] = ()
    dh_groups: tuple[Any, ...] = ()
    #: only the PFS slot fails (phase 2)
    pfs_only: bool = False


def _common(device: tuple[Any, ...], accepted: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v for v in accepted if v in device)  # AWS's order: it evaluates from its lowest value


def _slot(label: str, device: tuple[Any, ...], accepted: tuple[Any, ...], reasons: list[str]) -> tuple[Any, ...]:
    common = _common(device, accepted)
    if not common:
        reasons.append(f"{label} {_names(device)} not accepted (AWS: {_names(accepted)})")
    return common


def fit_ike(p: Proposal, aws: AwsSide, version: Any) -> Fit:
    """Phase 1: one combination of encryption, integrity/PRF and DH group inside AWS's sets.
    AES-GCM in phase 1 exists only with IKEv2 (RFC 5282); its integrity slot is the PRF."""
    reasons: list[str] = []
    enc_dev = tuple(p.encryption)
    if _name(version) == "ikev1":
        gcm = tuple(e for e in enc_dev if getattr(e, "is_gcm", False))
        enc_dev = tuple(e for e in enc_dev if e not in gcm)
        if gcm and not enc_dev:
            reasons.append(f"encryption {_names(gcm)} is not defined for IKEv1")
    enc = _slot("encryption", enc_dev, aws.ike_encryption, reasons) if enc_dev or not reasons else ()
    if p.unknown and not p.encryption:
        reasons.append(f"algorithms {', '.join(p.unknown)} are unknown to AWS")
    integ_dev = tuple(p.prf or p.integrity)
    if integ_dev:
        integ = _slot("integrity/PRF" if enc and all(getattr(e, "is_gcm", False) for e in enc) else "integrity",
                      integ_dev, aws.ike_integrity, reasons)
    else:
        integ = aws.ike_integrity  # the platform derives the PRF itself: nothing configured to compare
    dh = _slot("DH group", tuple(p.dh_groups), aws.ike_dh_groups, reasons)
    ok = not reasons
    return Fit(p, ok, tuple(reasons), enc if ok else (), integ if ok else (), dh if ok else ())


def fit_esp(p: Proposal, aws: AwsSide) -> Fit:
    """Phase 2: encryption, integrity (none needed when only AES-GCM is chosen) and PFS group.
    AWS's endpoints always use PFS (Phase2DHGroupNumbers): a proposal without PFS does not fit."""
    reasons: list[str] = []
    enc = _slot("encryption", tuple(p.encryption), aws.esp_encryption, reasons)
    integ: tuple[Any, ...] = ()
    if enc and not all(getattr(e, "is_gcm", False) for e in enc):
        cbc = tuple(e for e in enc if not getattr(e, "is_gcm", False))
        integ = _common(tuple(p.integrity), aws.esp_integrity)
        if not integ:
            if any(getattr(e, "is_gcm", False) for e in enc):
                enc = tuple(e for e in enc if e not in cbc)  # GCM still fits without integrity
            else:
                reasons.append(f"integrity {_names(p.integrity)} not accepted (AWS: {_names(aws.esp_integrity)})")
    elif not enc and p.integrity and not _common(tuple(p.integrity), aws.esp_integrity):
        reasons.append(f"integrity {_names(p.integrity)} not accepted (AWS: {_names(aws.esp_integrity)})")
    suite_reasons = list(reasons)
    if not p.dh_groups:
        reasons.append("PFS is off (AWS requires a phase-2 DH group)")
        dh: tuple[Any, ...] = ()
    else:
        dh = _slot("PFS group", tuple(p.dh_groups), aws.pfs_groups, reasons)
    ok = not reasons
    return Fit(p, ok, tuple(reasons), enc if ok else (), integ if ok else (), dh if ok else (),
               pfs_only=not ok and not suite_reasons)


def describe(p: Proposal) -> str:
    """A proposal in one line, in IR vocabulary: ``aes256/sha2-256/dh14``."""
    parts = [_names(p.encryption) if p.encryption else "", _names(p.prf or p.integrity) if (p.prf or p.integrity)
             else "", ("dh " + _names(p.dh_groups)) if p.dh_groups else "no dh/pfs"]
    parts += list(p.unknown)
    return "/".join(x for x in parts if x)


# -- weak algorithms (security rules) ------------------------------------------------------------

#: DH groups below 2048-bit MODP strength or with small subgroups (RFC 8247, NIST SP 800-77r1):
#: 1, 2, 5 (768/1024/1536-bit MODP) and 22-24 (MODP with prime-order subgroups, RFC 5114)
WEAK_DH = frozenset({1, 2, 5, 22, 23, 24})
WEAK_INTEGRITY = frozenset({"SHA1", "MD5"})
WEAK_ENCRYPTION = frozenset({"3DES", "DES"})


def weak_values(fit: Fit) -> list[str]:
    """Weak values among those AWS could choose in a fitting proposal (AWS evaluates from its lowest
    accepted value whatever the device's order, so any weak value offered may be the one used)."""
    out = [f"DH {g}" for g in fit.dh_groups if g in WEAK_DH]
    out += [_name(i) for i in fit.integrity if _name(i) in WEAK_INTEGRITY]
    out += [_name(e) for e in fit.encryption if _name(e) in WEAK_ENCRYPTION]
    return out


# -- DPD -----------------------------------------------------------------------------------------

#: a silently dead AWS endpoint should be detected within this many seconds: AWS's own endpoint
#: declares a dead peer after its DPD timeout (default 40 s, >= 30 s: API ModifyVpnTunnelOptions-
#: Specification); a device that takes more than three times that keeps sending into a dead tunnel
#: for minutes (strongSwan's IKEv2 defaults: ~165 s)
DPD_DETECT_MAX_S = 120


# -- MTU / MSS -----------------------------------------------------------------------------------

_ICV = {"SHA1": 12, "SHA2-256": 16, "SHA2-384": 24, "SHA2-512": 32, "MD5": 12}


def max_inner_mtu(encryption: Any, integrity: Any, *, nat_t: bool = False, outer_mtu: int = 1500,
                  ipv6_outside: bool = False) -> int:
    """The largest inner IP packet that fits one ESP packet of ``outer_mtu`` (tunnel mode, RFC 4303):
    outer IP header, UDP encapsulation with NAT-T (RFC 3948), ESP header, IV, padding to the cipher's
    block, the 2-byte trailer and the ICV.

    >>> from vpncc.ir import Encryption, Integrity
    >>> max_inner_mtu(Encryption.AES128, Integrity.SHA1)
    1438
    >>> max_inner_mtu(Encryption.AES256_GCM_16, None)
    1446
    >>> max_inner_mtu(Encryption.AES128, Integrity.SHA1, nat_t=True)
    1422
    """
    gcm = getattr(encryption, "is_gcm", False)
    iv, block = (8, 4) if gcm else ((8, 8) if _name(encryption) in ("3DES", "DES") else (16, 16))
    icv = 16 if gcm else _ICV.get(_name(integrity), 32)
    room = outer_mtu - (40 if ipv6_outside else 20) - (8 if nat_t else 0) - 8 - iv - icv
    return room // block * block - 2
