"""Proposal lists as the daemon reads them -> one :class:`~vpncc.validate.negotiation.Proposal` each.

strongSwan (swanctl ``proposals``/``esp_proposals``, ipsec.conf ``ike``/``esp``): comma-separated
proposals of dash-separated keywords. With IKEv2 a proposal may list several algorithms of a kind;
"IKEv1 only supports one algorithm of each kind per proposal. Additional algorithms are implicitly
stripped" (strongSwan docs, "Algorithm Proposals (Cipher Suites)",
https://docs.strongswan.org/docs/latest/config/proposals.html). An AEAD IKE proposal takes its PRF from
``prfsha256`` or, when only an integrity keyword is given (``aes256gcm16-sha256-ecp384``), charon derives
the PRF from it; an ESP AEAD proposal ignores integrity keywords. AEAD and classic ciphers "must not be
used in the same proposal" (same page): charon refuses such a proposal. DH groups in an ESP proposal
are the PFS groups; none = no PFS.

Libreswan/Openswan (``ike=``, ``phase2alg=``/``esp=``): ``cipher-hash;dhgroup`` items (``;`` or ``-``
before the group), their own names (``sha2`` = SHA2-256, ``aes_gcm256``, ``dh14``), PFS on by default
with the phase-1 group unless ``phase2alg`` names one (Libreswan ipsec.conf(5): ``pfs``, ``phase2alg``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...ir import Encryption, Integrity
from ...validate.negotiation import Proposal
from . import names

#: strongSwan 5.9's built-in proposals (the ``default`` keyword, or the setting absent), as charon logs
#: them ("configured proposals: IKE:AES_CBC_128/AES_CBC_192/AES_CBC_256/HMAC_SHA2_256_128/.../MODP_2048,
#: IKE:AES_GCM_16_128/...", docs "Algorithm Proposals", section "Default Proposals"); CHACHA20 and
#: curve25519/x448 have no IR name and are left out of the lists (they can never match AWS anyway)
_G = (31, 19, 20, 21, 15, 16, 17, 18, 14)
_DEF_INTEG = (Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512, Integrity.SHA1)
DEFAULT_IKE = (
    Proposal((Encryption.AES128, Encryption.AES192, Encryption.AES256), _DEF_INTEG, _G, label="default"),
    Proposal((Encryption.AES128_GCM_16, Encryption.AES192_GCM_16, Encryption.AES256_GCM_16), _DEF_INTEG, _G,
             label="default (AEAD)"),
)
#: ESP defaults carry no key exchange method: PFS is off
DEFAULT_ESP = (
    Proposal((Encryption.AES128_GCM_16, Encryption.AES192_GCM_16, Encryption.AES256_GCM_16), (), (),
             label="default (AEAD)"),
    Proposal((Encryption.AES128, Encryption.AES192, Encryption.AES256), _DEF_INTEG, (), label="default"),
)


@dataclass
class Parsed:
    proposals: list[Proposal] = field(default_factory=list)
    #: reader notes (keywords charon refuses, stripped IKEv1 algorithms...)
    notes: list[str] = field(default_factory=list)
    #: the list was (or contained) the ``default`` keyword / absent
    default: bool = False

    def union(self, attr: str) -> tuple:
        out: list = []
        for p in self.proposals:
            for v in getattr(p, attr):
                if v not in out:
                    out.append(v)
        return tuple(out)


def _add(lst: list, v) -> None:
    if v not in lst:
        lst.append(v)


def strongswan(value: str | None, *, ike: bool, ikev1: bool = False, line: int | None = None) -> Parsed:
    out = Parsed()
    items = [s.strip() for s in (value or "default").split(",") if s.strip()] or ["default"]
    for item in items:
        if item.lower() == "default":
            out.default = True
            out.proposals.extend(Proposal(p.encryption, p.integrity, p.dh_groups, p.label, line)
                                 for p in (DEFAULT_IKE if ike else DEFAULT_ESP))
            continue
        enc: list[Encryption] = []
        integ: list[Integrity] = []
        prf: list[Integrity] = []
        dh: list[int] = []
        unknown: list[str] = []
        classic = aead = False
        for tok in item.lower().split("-"):
            if tok in names._ENC_IN:
                e = names._ENC_IN[tok]
                _add(enc, e)
                aead |= e.is_gcm
                classic |= not e.is_gcm
            elif tok in names._INTEG_IN:
                _add(integ, names._INTEG_IN[tok])
            elif tok in names._PRF_IN:
                _add(prf, names._PRF_IN[tok])
            elif tok in names._DH_IN:
                _add(dh, names._DH_IN[tok])
            elif tok in names._IGNORED:
                continue
            else:
                _add(unknown, tok)
                if names._AEAD_OTHER.match(tok):
                    aead = True
                elif re.match(r"^(blowfish|cast|camellia|serpent|twofish|aes\d*ctr|null)", tok):
                    classic = True
        if unknown:
            out.notes.append(f"proposal {item!r}: {', '.join(unknown)} is no AWS algorithm")
        if aead and classic:
            out.notes.append(f"proposal {item!r} mixes AEAD and classic ciphers: charon refuses it")
            unknown.append("AEAD and classic ciphers in one proposal")
        if aead:
            if ike:
                # the PRF list is what AWS calls phase-1 integrity for AES-GCM
                prfs = prf or integ
                if not prfs:
                    out.notes.append(f"proposal {item!r}: an AEAD IKE proposal needs a PRF (prfsha256 or "
                                     "sha256): charon refuses it")
                    unknown.append("no PRF")
                integ, prf = list(prfs), []
            else:
                integ = []
        if ikev1:
            stripped = [lst[1:] for lst in (enc, integ, prf, dh) if len(lst) > 1]
            if stripped:
                out.notes.append(f"proposal {item!r}: IKEv1 uses one algorithm of each kind, charon drops "
                                 f"the others")
            enc, integ, prf, dh = enc[:1], integ[:1], prf[:1], dh[:1]
        if not enc and not unknown:
            unknown.append("no encryption algorithm")
        out.proposals.append(Proposal(tuple(enc), tuple(integ), tuple(dh), label=item, line=line,
                                      prf=tuple(prf), unknown=tuple(unknown)))
    return out


# -- Libreswan / Openswan ---------------------------------------------------------------------------
_LS_ENC = {
    "aes": Encryption.AES128, "aes128": Encryption.AES128, "aes_cbc": Encryption.AES128,
    "aes_cbc128": Encryption.AES128, "aes192": Encryption.AES192, "aes_cbc192": Encryption.AES192,
    "aes256": Encryption.AES256, "aes_cbc256": Encryption.AES256, "3des": Encryption.TDES,
    "des": Encryption.DES, "aes_gcm": Encryption.AES256_GCM_16, "aes_gcm128": Encryption.AES128_GCM_16,
    "aes_gcm256": Encryption.AES256_GCM_16, "aes_gcm_16_128": Encryption.AES128_GCM_16,
    "aes_gcm_16_256": Encryption.AES256_GCM_16, "aes_gcm16_128": Encryption.AES128_GCM_16,
    "aes_gcm16_256": Encryption.AES256_GCM_16, "aes_gcm_c": Encryption.AES256_GCM_16,
    "aes_gcm_c128": Encryption.AES128_GCM_16, "aes_gcm_c256": Encryption.AES256_GCM_16,
    "aes_gcm192": Encryption.AES192_GCM_16,
}
_LS_INTEG = {
    "sha": Integrity.SHA1, "sha1": Integrity.SHA1, "sha2": Integrity.SHA2_256, "sha256": Integrity.SHA2_256,
    "sha2_256": Integrity.SHA2_256, "sha384": Integrity.SHA2_384, "sha2_384": Integrity.SHA2_384,
    "sha512": Integrity.SHA2_512, "sha2_512": Integrity.SHA2_512, "md5": Integrity.MD5,
}
_LS_DH = {"modp768": 1, "modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15, "modp4096": 16,
          "modp6144": 17, "modp8192": 18, "ecp_256": 19, "ecp256": 19, "ecp_384": 20, "ecp384": 20,
          "ecp_521": 21, "ecp521": 21, "curve25519": 31, "dh22": 22, "dh23": 23, "dh24": 24}


def _ls_dh(tok: str) -> int | None:
    if tok in _LS_DH:
        return _LS_DH[tok]
    m = re.match(r"^dh(\d{1,2})$", tok)
    return int(m.group(1)) if m else None


def libreswan(value: str, *, ike: bool, ikev1: bool, line: int | None = None,
              pfs_groups: tuple[int, ...] | None = None) -> Parsed:
    """``ike=`` / ``phase2alg=`` in Libreswan's syntax. For phase 2, ``pfs_groups`` are the groups used
    when an item names none (``pfs=yes``: the phase-1 group; ``()``: PFS off)."""
    out = Parsed()
    for item in (s.strip() for s in value.rstrip("!").split(",")):
        if not item:
            continue
        enc: list[Encryption] = []
        integ: list[Integrity] = []
        dh: list[int] = []
        unknown: list[str] = []
        for tok in re.split(r"[-;+]", item.lower()):
            if not tok:
                continue
            if tok in _LS_ENC:
                _add(enc, _LS_ENC[tok])
            elif tok in _LS_INTEG:
                _add(integ, _LS_INTEG[tok])
            elif _ls_dh(tok) is not None:
                _add(dh, _ls_dh(tok))
            elif tok in ("null", "none"):
                continue
            else:
                _add(unknown, tok)
        if unknown:
            out.notes.append(f"proposal {item!r}: {', '.join(unknown)} is no AWS algorithm")
        if any(e.is_gcm for e in enc) and not ike:
            integ = []
        if not ike and not dh and pfs_groups is not None:
            dh = list(pfs_groups)
        if not ike and pfs_groups == ():
            dh = []
        if ike and not dh:
            # no group named: Libreswan offers its defaults (ipsec.conf(5), ike=: MODP2048 and MODP1536
            # for IKEv1; IKEv2 adds the larger MODP and the ECP groups)
            dh = [14, 5] if ikev1 else [14, 15, 16, 18, 19, 20, 21, 31]
        if not enc and not unknown:
            unknown.append("no encryption algorithm")
        if ikev1 and not unknown:
            # IKEv1 transforms hold one algorithm of each kind: pluto offers every combination
            for e in enc:
                for i in integ or [None]:
                    for g in dh or [None]:
                        out.proposals.append(Proposal((e,), (i,) if i else (), (g,) if g else (), label=item,
                                                      line=line))
            continue
        out.proposals.append(Proposal(tuple(enc), tuple(integ), tuple(dh), label=item, line=line,
                                      unknown=tuple(unknown)))
    return out


_LS_OUT_ENC = {Encryption.AES128: "aes128", Encryption.AES256: "aes256", Encryption.AES128_GCM_16: "aes_gcm128",
               Encryption.AES256_GCM_16: "aes_gcm256"}
_LS_OUT_INTEG = {Integrity.SHA1: "sha1", Integrity.SHA2_256: "sha2_256", Integrity.SHA2_384: "sha2_384",
                 Integrity.SHA2_512: "sha2_512"}


def libreswan_string(encryption, integrity, groups) -> str:
    """One ``cipher-hash;modpN|dhN`` item per cipher, strongest first (AES-GCM carries no hash in ESP)."""
    dh = "+".join(f"dh{g}" if g not in (2, 5, 14) else {2: "modp1024", 5: "modp1536", 14: "modp2048"}[g]
                  for g in groups)
    out = []
    for e in encryption:
        if e not in _LS_OUT_ENC:
            continue
        for i in (integrity or [None]):
            item = _LS_OUT_ENC[e] + (f"-{_LS_OUT_INTEG[i]}" if i in _LS_OUT_INTEG else "")
            out.append(item + (f";{dh}" if dh else ""))
    return ",".join(dict.fromkeys(out))
