"""IOS IKEv2 (FlexVPN): profile, keyring, the one policy that applies and its proposals."""

from __future__ import annotations

from ...ir import IkeVersion
from ...validate.model import DeviceConfig, DeviceTunnel, Obs
from ...validate.negotiation import DpdBehaviour, Proposal
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node
from ..cisco_common.util import covers, ip_or_none
from . import names as N
from .state import _dpd, _interface_ip, _key, _note, _set_local, _State, _unverified


def _v2_matches(prof: Node, peer) -> bool:
    return any(covers(m.arg(4), m.arg(5), peer) for m in prof.find("match", "identity", "remote", "address"))


def _ikev2(t: DeviceTunnel, prof: Node, peer, st: _State, dev: DeviceConfig, from_source) -> None:
    t.set("ike.version", IkeVersion.IKEV2, prof.line)
    t.values["_ikev2_profile"] = Obs(prof.words[3], prof.line)
    if prof.find("authentication", "remote", "rsa-sig") or prof.find("authentication", "local", "rsa-sig"):
        _unverified(t, "ike.psk", "certificate authentication (rsa-sig): vpncc does not read trustpoints",
                    prof.line)
    key = None
    for c in prof.find("authentication", "local", "pre-share"):
        if c.arg(3) == "key":
            key = _key(c.words[4:], c.line)
    ring_ref = prof.first("keyring", "local")
    ring = st.v2_keyrings.get(ring_ref.arg(2, "")) if ring_ref else None
    t.values["_ikev2_keyring"] = Obs(ring.words[3] if ring else None, ring.line if ring else None)
    if key is None and ring is not None and peer is not None:
        for p in ring.find("peer"):
            if any(covers(a.arg(1), a.arg(2), peer) for a in p.find("address")):
                t.values["_ikev2_peer"] = Obs(p.arg(1), p.line)
                for c in p.find("pre-shared-key"):
                    if c.arg(1) in ("remote",) and key is not None:
                        continue
                    key = _key(c.words[2:] if c.arg(1) in ("local", "remote") else c.words[1:], c.line)
                break
    if key is not None:
        t.set("ike.psk", key.value, key.line, verifiable=key.clear)
    ident = prof.first("identity", "local")
    local = from_source if from_source[0] is not None else None
    # the address IKE leaves from: the tunnel source, else the profile's `match address local`; the
    # configured identity only when neither says (behind NAT the identity is the public address, not this)
    m = prof.first("match", "address", "local")
    if local is None and m is not None:
        ip = _interface_ip(st, " ".join(m.words[3:]))[0]
        local = (ip, m.line) if ip is not None else None
    if ident is not None and ident.arg(2) == "address" and ip_or_none(ident.arg(3)):
        t.set("local.identity", ip_or_none(ident.arg(3)), ident.line)
        local = local or (ip_or_none(ident.arg(3)), ident.line)
    elif ident is not None and ident.arg(3):
        t.set("local.identity", ident.words[3], ident.line)
    _set_local(t, local)
    dpd = prof.first("dpd") or st.v2_dpd
    if dpd is not None:
        w = dpd.words[1:] if dpd.starts("dpd") else dpd.words[3:]
        if len(w) >= 2 and w[0].isdigit() and w[1].isdigit():
            mode_word = w[2] if len(w) > 2 else "on-demand"
            what = "ikev2 profile dpd" if dpd.starts("dpd") else "crypto ikev2 dpd"
            _dpd(t, int(w[0]), int(w[1]), mode_word, dpd.line, what)
    else:
        t.set("dpd", DpdBehaviour(False, None, "no dpd in the IKEv2 profile and no crypto ikev2 dpd"), prof.line)
    life = prof.first("lifetime")
    t.set("ike.lifetime_s", int(life.words[1]) if life and life.arg(1, "").isdigit() else N.IKEV2_DEFAULT_LIFETIME,
          (life or prof).line)
    _v2_proposals(t, st, dev, local[0] if local else None, prof)


def _v2_proposals(t: DeviceTunnel, st: _State, dev: DeviceConfig, local, prof: Node) -> None:
    """The proposals of the ONE IKEv2 policy that applies: a policy matching the local address wins over
    one without `match address local` (Cisco FlexVPN guide: the most specific policy is chosen); none
    configured: the default policy with the default proposal (smart defaults, names.py)."""
    specific = [p for p in st.v2_policies if p.find("match", "address", "local")
                and any(_interface_ip(st, " ".join(m.words[3:]))[0] == local
                        for m in p.find("match", "address", "local"))]
    generic = [p for p in st.v2_policies if not p.find("match", "address", "local")]
    pol = (specific or generic or [None])[0]
    t.values["_ikev2_policies"] = Obs(tuple(p.arg(3) for p in (specific or generic)), None)
    props, enc, integ, groups = [], [], [], []
    line = None
    if pol is not None:
        for ref in pol.find("proposal"):
            for name in ref.words[1:]:
                node = st.proposals.get(name)
                if node is None:
                    _note(dev, ref, f"IKEv2 proposal {name} not found")
                    continue
                line = line or node.line
                p = _v2_proposal(node, name)
                props.append(p)
                enc += p.encryption
                integ += p.integrity or p.prf
                groups += p.dh_groups
    elif st.v2_policies:
        t.set("ike.proposals", (), st.v2_policies[0].line)
        return
    else:
        e, i, g = N.IKEV2_DEFAULT_PROPOSAL_15 if st.release_15 else N.IKEV2_DEFAULT_PROPOSAL_XE
        props = [Proposal(e, i, g, label="ikev2 proposal default", line=prof.line)]
        enc, integ, groups = list(e), list(i), list(g)
        line = prof.line
    if line is not None:
        t.set("ike.proposals", tuple(props), line)
        t.set("ike.encryption", uniq(enc), line)
        t.set("ike.integrity", uniq(integ), line)
        t.set("ike.dh_groups", uniq(groups), line)


def _v2_proposal(node: Node, name: str) -> Proposal:
    enc, integ, prf, groups, unknown = [], [], [], [], []
    for c in node.children:
        vals = [v.lower() for v in c.words[1:]]
        if c.starts("encryption"):
            for v in vals:
                (enc.append(N.IKEV2_ENC_READ[v]) if v in N.IKEV2_ENC_READ else unknown.append(v))
        elif c.starts("integrity") or c.starts("prf"):
            dest = integ if c.starts("integrity") else prf
            for v in vals:
                (dest.append(N.IKEV2_HASH_READ[v]) if v in N.IKEV2_HASH_READ else unknown.append(v))
        elif c.starts("group"):
            groups += [int(v) for v in vals if v.isdigit()]
    if enc and all(e.is_gcm for e in enc):
        prf, integ = prf or integ, []
    return Proposal(tuple(enc), tuple(integ), tuple(groups), label=f"ikev2 proposal {name}", line=node.line,
                    prf=tuple(prf), unknown=tuple(unknown))
