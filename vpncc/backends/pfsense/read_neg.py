"""What a pfSense phase 1 / phase 2 pair negotiates, in the negotiation model's terms: one
:class:`Proposal` per phase 1 ``<encryption><item>`` (each item is a complete proposal), ONE phase 2
proposal per phase 2 entry (its encryption options x hash options, PFS group), DPD as charon runs what
ipsec.inc writes, and whether the firewall brings a tunnel back after AWS closes it.

Sources (github.com/pfsense/pfsense, src/etc/inc/ipsec.inc ``ipsec_setup_tunnels()``, identical in
RELENG_2_6_0..RELENG_2_7_2 and master for everything below; see names.py for the tables).
"""

from __future__ import annotations

from typing import Iterable

from ...ir import Encryption
from ...validate.negotiation import DpdBehaviour, Proposal
from . import names as N
from .xmlread import Node


def _int(s: str | None) -> int | None:
    try:
        return int(str(s).strip())
    except (TypeError, ValueError):
        return None


def _enc(name: str, keylen: str) -> tuple[list[Encryption], list[str]]:
    """One ``encryption-algorithm(-option)`` as IR values (or verbatim unknown names)."""
    name, keylen = (name or "").strip(), (keylen or "").strip()
    if keylen == N.ESP_AES_AUTO and name in N.KEYLEN_AUTO:
        # ipsec_setup_tunnels(): keylen "auto" = every key length of $p2_ealgos keysel, high to low
        lens = N.KEYLEN_AUTO[name]
    else:
        lens = (keylen,)
    found: list[Encryption] = []
    unknown: list[str] = []
    for kl in lens:
        e = N.ENC_READ.get((name, kl)) or N.ENC_READ.get((name, ""))
        if e is None:
            unknown.append(f"{name}{kl}" if kl else name)
        elif e not in found:
            found.append(e)
    return found, unknown


def ike_items(p1: Node) -> list[Node]:
    """The phase 1's proposal items: ``<encryption><item>`` (config 17.5+, pfSense 2.4.4), or the flat
    ``<encryption-algorithm>``/``<hash-algorithm>``/``<dhgroup>`` of older configs, which
    upgrade_174_to_175() turns into exactly one item."""
    enc = p1.find("encryption")
    if enc is not None:
        return enc.findall("item")
    if p1.find("encryption-algorithm") is not None:
        return [p1]
    return []


def ike_proposals(p1: Node, name: str) -> tuple[tuple[Proposal, ...], list[str]]:
    """Every phase 1 proposal, in item order (ipsec_setup_proposal_algo() per item; items without an
    algorithm name or hash are skipped, as ipsec_setup_tunnels() skips them)."""
    out: list[Proposal] = []
    notes: list[str] = []
    prf_on = p1.get("prfselect_enable") == "yes"
    for n, it in enumerate(ike_items(p1), 1):
        ea = it.find("encryption-algorithm")
        h = it.get("hash-algorithm").strip()
        if ea is None or not ea.get("name") or not h:
            notes.append(f"{name}: phase 1 proposal item {n} has no algorithm or hash: pfSense skips it")
            continue
        encs, unknown = _enc(ea.get("name"), ea.get("keylen"))
        integ = []
        for hh in h.split(","):   # 2.2-2.4.3 allowed a comma list of hashes in one entry
            i = N.HASH_READ.get(hh.strip())
            if i is None:
                unknown.append(hh.strip())
            elif i not in integ:
                integ.append(i)
        prf = ()
        if prf_on and it.get("prf-algorithm"):
            p = N.HASH_READ.get(it.get("prf-algorithm").strip())
            if p is None:
                unknown.append("prf" + it.get("prf-algorithm").strip())
            else:
                prf = (p,)
        groups = tuple(g for g in (_int(x) for x in it.get("dhgroup").split(",")) if g is not None)
        out.append(Proposal(tuple(encs), tuple(integ), groups, label=f"{name} proposal {n}",
                            line=it.line, prf=prf, unknown=tuple(unknown)))
    return tuple(out), notes


def esp_proposal(p2: Node, name: str) -> Proposal:
    """ONE proposal per phase 2: every encryption option combines with every hash option
    (ipsec_setup_proposal_entry()); AEAD ciphers take no hash; ``<pfsgroup>`` 0/absent = PFS off."""
    encs: list[Encryption] = []
    unknown: list[str] = []
    aead_only = True
    opts = p2.findall("encryption-algorithm-option")
    for o in opts:
        nm = o.get("name").strip()
        if nm not in N.AEAD_NAMES:
            aead_only = False
        e, u = _enc(nm, o.get("keylen"))
        encs += [x for x in e if x not in encs]
        unknown += [x for x in u if x not in unknown]
    integ = []
    if not (opts and aead_only):
        for h in p2.findall("hash-algorithm-option"):
            i = N.ESP_HASH_READ.get(h.text.strip())
            if i is None:
                unknown.append(h.text.strip())
            elif i not in integ:
                integ.append(i)
    proto = p2.get("protocol").strip() or "esp"
    if proto != "esp":
        unknown.append(proto)   # AH: no encryption at all, AWS accepts ESP only
    pfs = _int(p2.get("pfsgroup")) or N.PFS_OFF
    return Proposal(tuple(encs), tuple(integ), (pfs,) if pfs else (), label=f"{name} phase 2",
                    line=opts[0].line if opts else p2.line, unknown=tuple(unknown))


# -- DPD --------------------------------------------------------------------------------------

def retransmit_total(ipsec: Node | None) -> tuple[float, str]:
    """Seconds until charon gives up on an unanswered IKEv2 request (strongSwan "Retransmission":
    sum of timeout * base^n for n = 0..tries, each capped at retransmit_limit), from pfSense's
    VPN > IPsec > Advanced "IKEv2 Retransmit" settings (ipsec.inc: ikev2_retransmit_* -> charon.*,
    pfSense 2.6.0+, redmine #12184) or charon's defaults."""
    def f(tag: str, default: float) -> float:
        v = ipsec.get(tag).strip() if ipsec is not None else ""
        try:
            return float(v) if v else default
        except ValueError:
            return default

    tries = int(f("ikev2_retransmit_tries", N.CHARON_RETRANSMIT_TRIES))
    timeout = f("ikev2_retransmit_timeout", N.CHARON_RETRANSMIT_TIMEOUT)
    base = f("ikev2_retransmit_base", N.CHARON_RETRANSMIT_BASE)
    limit = f("ikev2_retransmit_limit", 0)
    total = 0.0
    for n in range(tries + 1):
        step = timeout * base ** n
        total += min(step, limit) if limit > 0 else step
    custom = ipsec is not None and any(ipsec.get(t) for t in ("ikev2_retransmit_tries", "ikev2_retransmit_timeout",
                                                              "ikev2_retransmit_base", "ikev2_retransmit_limit"))
    how = (f"{tries} retransmits, timeout {timeout:g} s, base {base:g}" + (f", limit {limit:g} s" if limit > 0 else "")
           + ("" if custom else " (charon defaults)"))
    return round(total, 1), how


def dpd_action(p1: Node, vti: bool, start_trap: bool) -> str:
    """ipsec_setup_tunnels(): "trap" when the tunnel starts on traffic, else "clear"; an explicit Child
    SA Close Action overrides (trap/start->restart/none->clear); a VTI turns "trap" into "restart"."""
    act = "trap" if start_trap else "clear"
    close = p1.get("closeaction").strip()
    if close:
        act = {"trap": "trap", "start": "restart"}.get(close, "clear")
    if vti and act == "trap":
        act = "restart"
    return {"trap": "hold"}.get(act, act)


def dpd(p1: Node, ipsec: Node | None, vti: bool) -> DpdBehaviour:
    delay, fail = _int(p1.get("dpd_delay")), _int(p1.get("dpd_maxfail"))
    if not (delay and fail):
        return DpdBehaviour(False, None, "Dead Peer Detection unticked (no dpd_delay/dpd_maxfail): ipsec.inc "
                                         "writes no dpd_delay, so strongSwan sends no DPD", "clear")
    # the phase 1 level start_action is "trap" (not the Child SA Start Action, which only sets the
    # children's start_action later): tunnel mode DPD holds, a VTI restarts
    act = dpd_action(p1, vti, True)
    if (p1.get("iketype").strip() or "ikev1") == "ikev1":
        timeout = delay * (fail + 1)
        return DpdBehaviour(True, float(timeout), f"IKEv1: DPD every {delay} s, peer dead after dpd_timeout "
                                                  f"{timeout} s (ipsec.inc: dpd_delay x (dpd_maxfail + 1))", act)
    total, how = retransmit_total(ipsec)
    return DpdBehaviour(True, float(delay) + total,
                        f"IKEv2: DPD after {delay} s idle, peer dead when charon's retransmissions give up "
                        f"({how}: {total:g} s); dpd_maxfail is not used for IKEv2 (redmine #12184)", act)


# -- (re)initiation ---------------------------------------------------------------------------

def initiates(p1: Node, p2s: Iterable[Node], vti: bool, legacy: bool = False) -> tuple[str, str]:
    """Whether the firewall brings the tunnel back by itself after AWS closes it, with the reason.

    Child SA Start Action (``<startaction>``): "" = trap for tunnel mode, start for VTI (VTI cannot
    trap); "none" = responder only. Child SA Close Action (``<closeaction>``): "" = strongSwan's
    close_action none (nothing re-initiates), "start" = restart, "trap" = on demand (tunnel mode
    only: a VTI has no trap policies). Phase 2 ``<keepalive>enabled`` = ipsec_keepalive.php every
    300 s initiates a disconnected P2 (VTI or tunnel, whatever the start action); ``<pinghost>`` =
    ping_hosts.sh every 240 s pings through the tunnel, which re-initiates a tunnel-mode P2 on a trap
    policy but never a VTI (vpn_ipsec_phase2.php help texts; pfSense-rc minicron 300 / 240).

    ``legacy``: a config from before upgrade_203_to_204 (pfSense 2.4, ipsec.conf): Close Action holds
    ipsec.conf's words (restart/hold/clear/none, mapped to start/trap/none as that upgrade does), and
    Responder Only is ``<responderonly/>``, which vpn.inc ignores for VTIs (auto = start)."""
    p2s = [p for p in p2s if not p.has("disabled")]
    start = p1.get("startaction").strip()
    close = p1.get("closeaction").strip()
    if legacy:
        close = N.LEGACY_CLOSE_ACTIONS.get(close, "")   # ipsec.conf knows no other word
        start = "none" if p1.has("responderonly") and not vti else ""
    if any(p.get("keepalive").strip() == "enabled" for p in p2s):
        return "always", "phase 2 Keep Alive re-initiates it within 300 s"
    if start == "none":
        return "never", "Child SA Start Action is None (Responder Only): pfSense never initiates"
    if close == "start":
        return "always", "Child SA Close Action Restart/Reconnect"
    trap = not vti and (close == "trap" or start in ("", "trap"))
    if trap and any(p.get("pinghost").strip() for p in p2s):
        return "always", "the phase 2 ping host's traffic (every 240 s) triggers the trap policy"
    if trap:
        return "on-demand", ("after AWS closes it the tunnel returns only when traffic hits the trap policy "
                             "(set a ping host, Keep Alive, or Child SA Close Action Restart/Reconnect)")
    what = ("Child SA Close Action is 'reconnect on demand', which a VTI cannot do" if close == "trap"
            else "Child SA Close Action is " + ("'Close connection and clear SA'" if close == "none" else "Default (none)"))
    return "on-demand", (f"{what}: after AWS closes the SA pfSense does not re-initiate it (set Close Action "
                         "Restart/Reconnect or the phase 2 Keep Alive)")
