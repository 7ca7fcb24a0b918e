"""Which IKE/ESP suite compile emits (``--crypto``, profile key ``crypto``).

The AWS file shows one example suite (AES128 / SHA1 / DH 2 in most generic downloads); AWS's endpoint
accepts far more on a tunnel with default options (``Tunnel.accepted``). The modes:

* ``recommended``: IKEv2 where AWS accepts it, and the strongest values inside AWS's accepted set and the
  platform release's capabilities, strongest first: AES-GCM (IKE: IKEv2 only), then AES-CBC; SHA2-384,
  SHA2-256; DH 20, 19, 14. A phase where nothing fits keeps the file's suite, with a warning.
* ``compatible``: those lists followed by the file's example values as a last resort.
* ``file``: exactly the suite (and IKE version) the input shows.

Lifetimes always stay the input's. SHA2-512 is left out of the recommended lists: SHA2-384 already gives
192-bit security (the CNSA level), and in ESP its ICV is 8 bytes shorter; SHA2-512 and DH 15-18/21 are used
only on a tunnel whose options accept none of the recommended values.

AWS "Tunnel options for your Site-to-Site VPN connection" (docs.aws.amazon.com/vpn/latest/s2svpn/
VPNTunnels.html): the tunnel endpoints evaluate proposals "starting with the lowest configured value ...
regardless of the proposal order from the customer gateway" -- a weak fallback offered next to strong
values may be the one chosen, unless the tunnel options are restricted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from .errors import UsageError
from .ir import AcceptedSource, Connection, Encryption, IkeVersion, Integrity, Tunnel

if TYPE_CHECKING:  # pragma: no cover
    from .backends.base import Capabilities

#: The mode used when the profile sets no ``crypto``: the strongest suites both AWS and the platform accept.
#: ``file`` reproduces the AWS file's example suite (``--crypto file``).
DEFAULT_CRYPTO = "recommended"

MODES = ("recommended", "compatible", "file")

E = Encryption
#: strongest first; AES-GCM in phase 1 only with IKEv2 (no standard defines it for IKEv1)
ENCRYPTION = (E.AES256_GCM_16, E.AES128_GCM_16, E.AES256, E.AES128)
INTEGRITY = (Integrity.SHA2_384, Integrity.SHA2_256)
DH = (20, 19, 14)
#: used only when none of the lists above is inside the accepted set and the platform's (a tunnel restricted
#: to SHA2-512 or to DH 15-18/21): still strong values, strongest first
MORE_INTEGRITY = (Integrity.SHA2_512,)
MORE_DH = (21, 18, 17, 16, 15)

#: weak values: DH groups below 2048-bit MODP strength or with the RFC 5114 subgroups (1, 2, 5, 22-24),
#: SHA1 / MD5, 3DES / DES (RFC 8247 marks them MUST NOT / SHOULD NOT for IKEv2)
WEAK_DH = frozenset({1, 2, 5, 22, 23, 24})
WEAK_INTEGRITY = frozenset({Integrity.SHA1, Integrity.MD5})
WEAK_ENCRYPTION = frozenset({E.TDES, E.DES})

CONFIRM = ("tunnel options assumed (AWS defaults): confirm with `aws ec2 describe-vpn-connections` "
           "or give --tunnel-options")


@dataclass(frozen=True)
class Notice:
    """A warning of the crypto choice: printed on stderr and repeated in the output's header."""

    code: str
    message: str


@dataclass(frozen=True)
class Choice:
    conn: Connection
    mode: str
    #: header lines (the mode, the suite per tunnel, the aws-defaults note)
    header: tuple[str, ...]
    warnings: tuple[Notice, ...]


def resolve_mode(mode: str | None) -> str:
    m = DEFAULT_CRYPTO if mode is None else mode
    if m not in MODES:
        raise UsageError(f"unknown crypto mode {m!r}; choose one of: {', '.join(MODES)}")
    return m


def choose(conn: Connection, mode: str | None, caps: "Capabilities") -> Connection:
    """``conn`` with each tunnel's IKE/ESP lists (and IKE version) as ``mode`` chooses them."""
    return plan(conn, mode, caps).conn


def plan(conn: Connection, mode: str | None, caps: "Capabilities") -> Choice:
    """The choice with its header lines and warnings."""
    m = resolve_mode(mode)
    header = [f"crypto: {m}" + (" (the AWS file's suite)" if m == "file" else "")]
    warnings: list[Notice] = []
    tunnels = []
    assumed = False
    for t in conn.tunnels:
        nt = t if m == "file" else _choose_tunnel(t, m, caps, warnings)
        tunnels.append(nt)
        header.append(f"tunnel {t.number}: {describe(nt)}")
        assumed |= t.accepted.source is AcceptedSource.AWS_DEFAULTS
        weak = weak_values(nt)
        if weak:
            warnings.append(Notice("crypto-weak", _weak_message(t.number, weak, m)))
    if assumed and m != "file":
        header.append(CONFIRM)
    for w in warnings:
        header.extend(_wrap(f"WARNING: {w.message}"))
    out = conn if m == "file" else replace(conn, tunnels=tuple(tunnels))
    return Choice(out, m, tuple(header), tuple(warnings))


def _wrap(text: str, width: int = 110) -> list[str]:
    """Lines of at most ``width`` characters (words kept whole), continuation lines indented."""
    lines, cur = [], ""
    for word in text.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = "  " + word
        else:
            cur = f"{cur} {word}" if cur else word
    return lines + [cur]


def describe(t: Tunnel) -> str:
    """One line: the tunnel's IKE and ESP lists as the output carries them."""
    def j(vals: Iterable[object]) -> str:
        return ",".join(str(getattr(v, "value", v)) for v in vals) or "-"

    pfs = j(f"DH{g}" for g in t.ipsec.pfs_groups) if t.ipsec.pfs_groups else "no PFS"
    return (f"{t.ike.version.value} {j(t.ike.encryption)} / {j(t.ike.integrity)} / "
            f"{j(f'DH{g}' for g in t.ike.dh_groups)}; ESP {j(t.ipsec.encryption)} / {j(t.ipsec.integrity)} / {pfs}")


def weak_values(t: Tunnel) -> list[str]:
    out: list[str] = []
    for label, vals, weak in (
        ("IKE encryption", t.ike.encryption, WEAK_ENCRYPTION), ("IKE integrity", t.ike.integrity, WEAK_INTEGRITY),
        ("IKE DH group", t.ike.dh_groups, WEAK_DH), ("ESP encryption", t.ipsec.encryption, WEAK_ENCRYPTION),
        ("ESP integrity", t.ipsec.integrity, WEAK_INTEGRITY), ("PFS group", t.ipsec.pfs_groups, WEAK_DH),
    ):
        bad = [str(getattr(v, "value", v)) for v in vals if v in weak]
        if bad:
            out.append(f"{label} {', '.join(bad)}")
    return out


def _weak_message(number: int, weak: list[str], mode: str) -> str:
    msg = f"tunnel {number}: the emitted suite includes weak values ({'; '.join(weak)})"
    if mode == "compatible":
        return (msg + " as a last resort. AWS evaluates proposals starting from the lowest value it accepts, "
                "regardless of the device's order, so it may pick this fallback unless the tunnel options are "
                "restricted (aws ec2 modify-vpn-tunnel-options)")
    if mode == "file":
        return msg + " because --crypto file emits the AWS file's suite; --crypto recommended chooses stronger ones"
    return msg + ": the tunnel's options accept nothing stronger in that phase (the AWS file's suite is used)"


def _pick(candidates: Sequence, *allowed: Iterable) -> list:
    sets = [frozenset(a) for a in allowed]
    return [c for c in candidates if all(c in s for s in sets)]


def _strong(first: Sequence, more: Sequence, *allowed: Iterable) -> list:
    """The recommended values inside ``allowed``; the further strong ones only when none of those is."""
    return _pick(first, *allowed) or _pick(more, *allowed)


def _then(first: Sequence, last: Iterable) -> list:
    out = list(first)
    out.extend(v for v in last if v not in out)
    return out


def _choose_tunnel(t: Tunnel, mode: str, caps: "Capabilities", warnings: list[Notice]) -> Tunnel:
    acc = t.accepted
    v2 = IkeVersion.IKEV2 in acc.ike_versions and IkeVersion.IKEV2 in caps.ike_versions
    v1 = IkeVersion.IKEV1 in acc.ike_versions and IkeVersion.IKEV1 in caps.ike_versions
    version = IkeVersion.IKEV2 if v2 else IkeVersion.IKEV1 if v1 else t.ike.version
    gcm_ike = version is IkeVersion.IKEV2 or caps.ikev1_gcm

    # phase 1
    enc = _pick([e for e in ENCRYPTION if gcm_ike or not e.is_gcm], acc.ike_encryption, caps.ike_encryption)
    integ = _strong(INTEGRITY, MORE_INTEGRITY, acc.ike_integrity, caps.ike_integrity)
    dh = _strong(DH, MORE_DH, acc.ike_dh_groups, caps.ike_dh_groups)
    ike = t.ike
    if enc and integ and dh:
        if mode == "compatible":
            file_enc = _caps(t.ike.encryption, caps.ike_encryption, acc.ike_encryption)
            enc = _then(enc, [e for e in file_enc if gcm_ike or not e.is_gcm])
            integ = _then(integ, _caps(t.ike.integrity, caps.ike_integrity, acc.ike_integrity))
            dh = _then(dh, _caps(t.ike.dh_groups, caps.ike_dh_groups, acc.ike_dh_groups))
        ike = replace(t.ike, version=version, encryption=tuple(enc), integrity=tuple(integ), dh_groups=tuple(dh))
    else:
        warnings.append(Notice("crypto-fallback", f"tunnel {t.number}: no recommended phase-1 suite is inside both "
                               "AWS's accepted set and the platform's; the AWS file's phase-1 suite (and IKE "
                               "version) is used"))

    # phase 2: PFS on, with a recommended group (AWS accepts PFS groups on every tunnel)
    enc2 = _pick(ENCRYPTION, acc.esp_encryption, caps.esp_encryption)
    integ2 = _strong(INTEGRITY, MORE_INTEGRITY, acc.esp_integrity, caps.esp_integrity)
    pfs = _strong(DH, MORE_DH, acc.pfs_groups, caps.pfs_groups)
    if enc2 and not integ2:
        enc2 = [e for e in enc2 if e.is_gcm]  # CBC needs an integrity algorithm
    ipsec = t.ipsec
    if enc2 and pfs:
        if mode == "compatible":
            enc2 = _then(enc2, _caps(t.ipsec.encryption, caps.esp_encryption, acc.esp_encryption))
            integ2 = _then(integ2, _caps(t.ipsec.integrity, caps.esp_integrity, acc.esp_integrity))
            pfs = _then(pfs, _caps(t.ipsec.pfs_groups, caps.pfs_groups, acc.pfs_groups))
        if all(e.is_gcm for e in enc2):
            integ2 = []  # AES-GCM carries its own integrity check
        ipsec = replace(t.ipsec, encryption=tuple(enc2), integrity=tuple(integ2), pfs_groups=tuple(pfs))
    else:
        warnings.append(Notice("crypto-fallback", f"tunnel {t.number}: no recommended phase-2 suite is inside both "
                               "AWS's accepted set and the platform's; the AWS file's phase-2 suite is used"))
    return replace(t, ike=ike, ipsec=ipsec)


def _caps(values: Iterable, *allowed: Iterable) -> list:
    """The file's values the platform and AWS's accepted set both have, in the file's order."""
    return _pick(list(values), *allowed)
