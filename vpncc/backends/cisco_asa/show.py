"""Cisco ASA show output for ``vpncc diagnose``.

- ``show crypto ikev1 sa`` (``show crypto isakmp sa`` before 8.4): blocks ``N IKE Peer: ADDR`` with
  ``State : MM_ACTIVE`` (established; MM_WAIT_MSG2 = no reply from the peer, MM_WAIT_MSG4/5/6 = key
  exchange or authentication failing, per Cisco's "ASA IKEv1 Debugs for Site-to-Site VPN"). 8.2 printed
  ``IKE Peer:`` the same way under "Active SA:". Own parser: ntc-templates only has the ``detail``
  variant.
- ``show crypto ikev2 sa``: ``Tunnel-id Local Remote Status Role`` rows (READY = established) and
  ``Child sa:`` lines per child SA. Own parser: no ntc template.
- ``show crypto ipsec sa``: ntc-templates ``cisco_asa_show_crypto_ipsec_sa`` (peer, counters, path MTU).
- ``show bgp summary``: ntc-templates ``cisco_asa_show_bgp_summary``.
"""

from __future__ import annotations

import re

from ...diagnose.shows import ntc
from ...diagnose.state import BgpPeer, ChildSa, IkeSa, ShowResult, command
from ...diagnose.tables import IP, bgp_state, to_int

PLATFORM = "cisco-asa"
#: what the device announces to a BGP neighbor (the next check when AWS accepted no routes)
ADVERTISED = 'show bgp neighbors {peer} advertised-routes'
IKEV1 = command("show crypto ikev1 sa", "ike")
IKEV2 = command("show crypto ikev2 sa", "ike", "child")
IPSEC = command("show crypto ipsec sa", "child")
BGP = command("show bgp summary", "bgp")


def parse(text: str, file: str) -> ShowResult | None:
    if re.search(r"^\s*\d+\s+IKE Peer:\s*" + IP, text, re.M):
        return _ikev1(text, file)
    if re.search(r"^IKEv2 SAs:", text, re.M) or re.search(r"^\s*Tunnel-id\s+Local\s+Remote\s+Status\s+Role", text, re.M):
        return _ikev2(text, file)
    if re.match(r"\s*There are no ipsec sas", text):  # the ASA's words for an empty SA table
        return ShowResult(file, PLATFORM, IPSEC, "vpncc")
    if re.search(r"^interface:\s+\S+", text, re.M) and re.search(r"Crypto map tag:\s*\S+, seq num", text):
        return _ipsec(text, file)
    if re.search(r"^BGP router identifier", text, re.M) and re.search(r"^Neighbor\s+V\s+AS", text, re.M) \
            and re.search(r"^BGP table version is \d+, main routing table version", text, re.M):
        return _bgp(text, file)
    return None


def _ikev1(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IKEV1, "vpncc")
    for b in re.split(r"^(?=\s*\d+\s+IKE Peer:)", text, flags=re.M):
        peer = re.search(rf"IKE Peer:\s*({IP})", b)
        state = re.search(r"State\s*:\s*(\S+)", b)
        if peer:
            st = state.group(1) if state else "unknown"
            r.ike.append(IkeSa(peer=peer.group(1), up=st == "MM_ACTIVE", state=st, version=1))
    return r


def _ikev2(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IKEV2, "vpncc")
    for b in re.split(r"^(?=Session-id:)", text, flags=re.M):
        m = re.search(rf"^\s*\d+\s+({IP})/\d+\s+({IP})/\d+\s+(\S+)", b, re.M)
        if not m:
            continue
        up = m.group(3) == "READY"
        r.ike.append(IkeSa(peer=m.group(2), local=m.group(1), up=up, state=m.group(3), version=2))
        child = re.search(r"^Child sa:", b, re.M)
        r.child.append(ChildSa(peer=m.group(2), up=bool(child) and up,
                               state="installed" if child else "no child SA"))
    return r


def _ipsec(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IPSEC, "ntc-templates:cisco_asa_show_crypto_ipsec_sa")
    for row in ntc("cisco_asa_show_crypto_ipsec_sa", text):
        peer = row["current_peer"] or row["remote_crypto_endpoint"]
        if not peer:
            continue
        up = bool(row["current_outbound_spi"]) and int(row["current_outbound_spi"], 16) != 0
        r.child.append(ChildSa(peer=peer, up=up, state="installed" if up else "no SA",
                               packets_in=to_int(row["packets_decapsulated"]),
                               packets_out=to_int(row["packets_encapsulated"]), path_mtu=to_int(row["path_mtu"])))
    return r


def _bgp(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, BGP, "ntc-templates:cisco_asa_show_bgp_summary")
    for row in ntc("cisco_asa_show_bgp_summary", text):
        est, state, pfx = bgp_state(row["state_pfxrcd"])
        r.bgp.append(BgpPeer(neighbor=row["bgp_neigh"], established=est, state=state,
                             remote_as=to_int(row["neigh_as"]), prefixes_received=pfx))
    return r
