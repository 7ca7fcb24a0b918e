"""Cisco IOS / IOS-XE show output for ``vpncc diagnose``.

Commands (recognised from their content):
- ``show crypto isakmp sa`` (IKEv1): header ``dst src state conn-id [slot] status`` (12.x prints a
  slot column, 15.x/IOS-XE do not). QM_IDLE is the only established state; MM_NO_STATE (no reply, or
  proposals not accepted), MM_KEY_EXCH (DH done, authentication failing: typically the pre-shared key)
  per Cisco's "IPsec Troubleshooting: Understanding and Using debug Commands" and "Common IPsec VPN
  Issues". Own parser: ntc-templates has no template for it.
- ``show crypto ikev2 sa``: ``Tunnel-id Local Remote fvrf/ivrf Status``, READY = established
  (IN-NEG, DELETE otherwise). Own parser: no ntc template.
- ``show crypto ipsec sa``: per peer ``current_peer``, packet counters, ``current outbound spi`` (0x0 =
  no child SA), ``path mtu``/``plaintext mtu`` (15.x+; 12.x prints only ``path mtu``). Own parser:
  ntc-templates only has ``show crypto ipsec sa detail``, whose extra counter lines the plain command
  does not print.
- ``show ip bgp summary``: ntc-templates ``cisco_ios_show_ip_bgp_summary``.
- ``show interfaces tunnel N``: own parser; ntc's ``show interfaces`` template keeps neither the tunnel
  destination (needed to match the AWS tunnel) nor ``Tunnel transport MTU``.
"""

from __future__ import annotations

import re

from ...diagnose.shows import ntc
from ...diagnose.state import BgpPeer, ChildSa, IkeSa, ShowResult, TunnelInterface, command
from ...diagnose.tables import IP, bgp_state, to_int

PLATFORM = "cisco-ios"
#: what the device announces to a BGP neighbor (the next check when AWS accepted no routes)
ADVERTISED = 'show ip bgp neighbors {peer} advertised-routes'
ISAKMP = command("show crypto isakmp sa", "ike")
IKEV2 = command("show crypto ikev2 sa", "ike")
IPSEC = command("show crypto ipsec sa", "child")
BGP = command("show ip bgp summary", "bgp")
TUNNEL = command("show interfaces tunnel", "interface")


def parse(text: str, file: str) -> ShowResult | None:
    if re.search(r"^\s*dst\s+src\s+state\s+conn-id", text, re.M):
        return _isakmp(text, file)
    if re.search(r"^\s*Tunnel-id\s+Local\s+Remote\s+fvrf/ivrf\s+Status", text, re.M):
        return _ikev2(text, file)
    if re.search(r"^\s*current_peer\s+" + IP + r"\s+port", text, re.M):
        return _ipsec(text, file)
    if re.search(r"^BGP router identifier \S+, local AS number \d+\s*$", text, re.M) and \
            re.search(r"^Neighbor\s+V\s+AS\s+MsgRcvd", text, re.M) and "vrf-id" not in text \
            and "Total number of neighbors" not in text:  # FRR and FortiOS print the same table with these
        return _bgp(text, file)
    if re.search(r"^Tunnel\d+ is .+, line protocol is ", text, re.M):
        return _tunnels(text, file)
    return None


def _isakmp(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, ISAKMP, "vpncc")
    for m in re.finditer(rf"^\s*({IP})\s+({IP})\s+(\S+)\s+\d+", text, re.M):
        r.ike.append(IkeSa(peer=m.group(1), local=m.group(2), up=m.group(3) == "QM_IDLE", state=m.group(3),
                           version=1))
    return r


def _ikev2(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IKEV2, "vpncc")
    for m in re.finditer(rf"^\s*\d+\s+({IP})/\d+\s+({IP})/\d+\s+\S+\s+(\S+)", text, re.M):
        r.ike.append(IkeSa(peer=m.group(2), local=m.group(1), up=m.group(3) == "READY", state=m.group(3),
                           version=2))
    return r


def _ipsec(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IPSEC, "vpncc")
    blocks = re.split(r"^(?=interface: )", text, flags=re.M)
    for b in blocks:
        peer = re.search(rf"current_peer\s+({IP})", b)
        if not peer:
            continue
        spi = re.search(r"current outbound spi:\s*(0x[0-9A-Fa-f]+)", b)
        up = bool(spi and int(spi.group(1), 16) != 0)
        enc = re.search(r"#pkts encaps:\s*(\d+)", b)
        dec = re.search(r"#pkts decaps:\s*(\d+)", b)
        mtu = re.search(r"plaintext mtu (\d+)", b) or re.search(r"path mtu (\d+)", b)
        pfs = re.search(r"PFS \(Y/N\):\s*(\w)(?:, DH group:\s*(\S+))?", b)
        r.child.append(ChildSa(peer=peer.group(1), up=up, state="installed" if up else "no SA (outbound spi 0x0)",
                               packets_in=to_int(dec and dec.group(1)), packets_out=to_int(enc and enc.group(1)),
                               path_mtu=to_int(mtu and mtu.group(1)),
                               pfs=(pfs.group(2) or "none") if pfs and pfs.group(1) == "Y" else
                               ("none" if pfs else None)))
    return r


def _bgp(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, BGP, "ntc-templates:cisco_ios_show_ip_bgp_summary")
    for row in ntc("cisco_ios_show_ip_bgp_summary", text):
        est, state, pfx = bgp_state(row["state_or_prefixes_received"])
        r.bgp.append(BgpPeer(neighbor=row["bgp_neighbor"], established=est, state=state,
                             remote_as=to_int(row["neighbor_as"]), prefixes_received=pfx))
    return r


def _tunnels(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, TUNNEL, "vpncc")
    for b in re.split(r"^(?=Tunnel\d+ is )", text, flags=re.M):
        head = re.match(r"(Tunnel\d+) is ([\w ]+?), line protocol is (\w+)", b)
        if not head:
            continue
        dest = re.search(rf"Tunnel source ({IP})?.*?destination ({IP})", b)
        src = re.search(rf"Tunnel source ({IP})", b)
        tmtu = re.search(r"Tunnel transport MTU (\d+) bytes", b)
        r.interfaces.append(TunnelInterface(
            name=head.group(1), up=head.group(2) == "up" and head.group(3) == "up",
            state=f"{head.group(2)}/{head.group(3)}", destination=dest and dest.group(2),
            source=src and src.group(1),
            transport_mtu=to_int(tmtu and tmtu.group(1))))
    return r
