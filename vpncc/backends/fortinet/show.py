"""FortiOS show output for ``vpncc diagnose``.

- ``diagnose vpn tunnel list``: ``name=NAME ver=1|2 ... LOCAL:PORT->REMOTE:PORT ...`` per tunnel, then
  ``proxyid=... sa=N`` per phase-2 selector (sa=1: an SA is installed, sa=0: none) and ``SA: ... mtu=N``
  (FortiOS 6.x prints ``tun_id=``/``dst_mtu=``, 7.x adds ``tun_id6=`` and ``overlay_id``; the fields
  vpncc reads are in both). Own parser: no ntc template.
- ``get vpn ipsec tunnel summary``: ``'NAME' REMOTE:PORT selectors(total,up): T/U rx(pkt,err): ...``.
  Own parser: no ntc template.
- ``get router info bgp summary``: ntc-templates ``fortinet_get_router_info_bgp_summary``. FortiOS 7.x
  prefixes the identifier line with ``VRF 0`` and prints ``IPv4 Unicast Summary:``, which the template
  rejects: those two decorations are removed first (the table itself did not change).
"""

from __future__ import annotations

import re

from ...diagnose.shows import ntc
from ...diagnose.state import BgpPeer, ChildSa, IkeSa, ShowResult, command
from ...diagnose.tables import IP, bgp_state, to_int

PLATFORM = "fortinet"
#: what the device announces to a BGP neighbor (the next check when AWS accepted no routes)
ADVERTISED = 'get router info bgp neighbors {peer} advertised-routes'
TUNNEL_LIST = command("diagnose vpn tunnel list", "child")
SUMMARY = command("get vpn ipsec tunnel summary", "child")
BGP = command("get router info bgp summary", "bgp")


def parse(text: str, file: str) -> ShowResult | None:
    if re.search(r"^name=\S+ ver=\d", text, re.M):
        return _list(text, file)
    if re.search(r"^'[^']+'\s+" + IP + r":\d+\s+selectors\(total,up\)", text, re.M):
        return _summary(text, file)
    if re.search(r"^(VRF \d+ )?BGP router identifier \S+, local AS number \d+\s*$", text, re.M) and \
            re.search(r"^Total number of neighbors", text, re.M):
        return _bgp(text, file)
    return None


def _list(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, TUNNEL_LIST, "vpncc")
    for b in re.split(r"^(?=name=)", text, flags=re.M):
        head = re.match(rf"name=(\S+) ver=(\d)\S* .*?({IP}):\d+->({IP}):\d+", b)
        if not head:
            continue
        sas = [int(x) for x in re.findall(r"proxyid=\S+ .*?\bsa=(\d+)", b)]
        mtu = re.search(r"^\s*SA:.*?\bmtu=(\d+)", b, re.M)
        rx = re.search(r"stat: rxp=(\d+) txp=(\d+)", b)
        up = any(s > 0 for s in sas)
        peer = head.group(4)
        r.child.append(ChildSa(peer=peer, up=up, state=f"sa={max(sas) if sas else 0}",
                               packets_in=to_int(rx and rx.group(1)), packets_out=to_int(rx and rx.group(2)),
                               path_mtu=to_int(mtu and mtu.group(1))))
        if up:  # an installed phase-2 SA implies the IKE SA that negotiated it
            r.ike.append(IkeSa(peer=peer, local=head.group(3), up=True, state="established",
                               version=int(head.group(2))))
    return r


def _summary(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, SUMMARY, "vpncc")
    for m in re.finditer(rf"^'([^']+)'\s+({IP}):\d+\s+selectors\(total,up\):\s*(\d+)/(\d+)\s+rx\(pkt,err\):\s*(\d+)/\d+"
                         r"\s+tx\(pkt,err\):\s*(\d+)/\d+", text, re.M):
        up = int(m.group(4)) > 0
        r.child.append(ChildSa(peer=m.group(2), up=up, state=f"selectors up {m.group(4)}/{m.group(3)}",
                               packets_in=int(m.group(5)), packets_out=int(m.group(6))))
    return r


def _bgp(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, BGP, "ntc-templates:fortinet_get_router_info_bgp_summary")
    clean = re.sub(r"^VRF \d+ (BGP router identifier)", r"\1", text, flags=re.M)
    clean = re.sub(r"^IPv4 Unicast Summary:\s*$", "", clean, flags=re.M)
    for row in ntc("fortinet_get_router_info_bgp_summary", clean):
        est, state, pfx = bgp_state(row["state_pfxrcd"])
        r.bgp.append(BgpPeer(neighbor=row["bgp_neigh"], established=est, state=state,
                             remote_as=to_int(row["neigh_as"]), prefixes_received=pfx))
    return r
