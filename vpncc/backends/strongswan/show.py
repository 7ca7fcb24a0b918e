"""strongSwan (and pfSense, which runs it) state output for ``vpncc diagnose``. No ntc template covers
any of these commands, so all parsers are vpncc's own.

- ``swanctl --list-sas``: ``NAME: #N, STATE, IKEv1|IKEv2, SPIs`` per IKE SA (ESTABLISHED; CONNECTING,
  REKEYING, DELETING otherwise), ``remote 'ID' @ ADDR[PORT]``, and per child SA ``NAME: #N, reqid R,
  INSTALLED|REKEYED|..., TUNNEL[-in-UDP], ESP:...`` with ``in SPI, B bytes, P packets`` counters
  (strongSwan 5.5–5.9 and 6.0 print the same fields; 5.9 added ``-in-UDP`` under NAT-T).
- ``vtysh -c "show bgp summary"`` (FRR): IOS-style table with ``vrf-id`` on the identifier line and,
  since FRR 7.4, ``(Policy)`` in State/PfxRcd when an eBGP session has no policy (RFC 8212: FRR's
  ``bgp ebgp-requires-policy`` default then sends and accepts nothing). FRR 8 adds PfxSnt and Desc.
- ``birdc show protocols`` (BIRD 1.6 and 2.x): ``Name Proto Table State Since Info`` rows; BGP rows
  carry Established/Active/Connect/Idle in Info. ``show protocols all`` adds ``Neighbor address:`` and
  ``Neighbor AS:`` per protocol, which match the row to an AWS tunnel; without them it cannot be.
"""

from __future__ import annotations

import re

from ...diagnose.state import BgpPeer, ChildSa, IkeSa, ShowResult, command
from ...diagnose.tables import IP, bgp_table, to_int

PLATFORM = "strongswan"
#: what the device announces to a BGP neighbor (the next check when AWS accepted no routes)
ADVERTISED = 'vtysh -c "show bgp neighbors {peer} advertised-routes"'
SAS = command("swanctl --list-sas", "ike", "child")
FRR_BGP = command('vtysh -c "show bgp summary"', "bgp")
BIRD = command("birdc show protocols", "bgp")


def parse(text: str, file: str) -> ShowResult | None:
    if re.search(r"^\S+: #\d+, [A-Z_]+, IKEv[12],", text, re.M):
        return _sas(text, file)
    if re.search(r"^BGP router identifier \S+, local AS number \d+ vrf-id", text, re.M):
        return _frr(text, file)
    if re.search(r"^\s*Name\s+Proto\s+Table\s+State\s+Since\s+Info", text, re.M):
        return _bird(text, file)
    return None


def _sas(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, SAS, "vpncc")
    for b in re.split(r"^(?=\S+: #\d+, [A-Z_]+, IKEv)", text, flags=re.M):
        head = re.match(r"\S+: #\d+, ([A-Z_]+), IKEv([12])", b)
        remote = re.search(rf"^\s+remote\s+'[^']*'\s+@\s+({IP})", b, re.M)
        local = re.search(rf"^\s+local\s+'[^']*'\s+@\s+({IP})", b, re.M)
        if not head or not remote:
            continue
        peer = remote.group(1)
        r.ike.append(IkeSa(peer=peer, local=local and local.group(1), up=head.group(1) == "ESTABLISHED",
                           state=head.group(1), version=int(head.group(2))))
        children = list(re.finditer(r"^\s+\S+: #\d+, reqid \d+, ([A-Z_]+), [\w-]+, (\S+)", b, re.M))
        pin = re.search(r"^\s+in\s+\S+,\s+\d+ bytes,\s+(\d+) packets", b, re.M)
        pout = re.search(r"^\s+out\s+\S+,\s+\d+ bytes,\s+(\d+) packets", b, re.M)
        if children:
            st = children[0].group(1)
            r.child.append(ChildSa(peer=peer, up=st in ("INSTALLED", "REKEYED"), state=st,
                                   packets_in=to_int(pin and pin.group(1)), packets_out=to_int(pout and pout.group(1))))
    return r


def _frr(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, FRR_BGP, "vpncc")
    for neigh, asn, cell in bgp_table(text):
        policy = cell == "(Policy)"
        est = cell.isdigit() or policy
        r.bgp.append(BgpPeer(neighbor=neigh, established=est, state="Established" if est else cell,
                             remote_as=asn, prefixes_received=int(cell) if cell.isdigit() else (0 if policy else None),
                             policy_blocked=policy))
    return r


def _bird(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, BIRD, "vpncc")
    blocks = re.split(r"^(?=\S+\s+BGP\s)", text, flags=re.M)
    for b in blocks:
        m = re.match(r"(\S+)\s+BGP\s+\S+\s+(\w+)\s+\S+(?:\s+\d\d:\d\d:\d\d(?:\.\d+)?)?\s*(\w+)?", b)
        if not m:
            continue
        info = m.group(3) or ""
        state = re.search(r"^\s+BGP state:\s+(\w+)", b, re.M)
        st = state.group(1) if state else (info or m.group(2))
        neigh = re.search(rf"^\s+Neighbor address:\s+({IP})", b, re.M)
        asn = re.search(r"^\s+Neighbor AS:\s+(\d+)", b, re.M)
        routes = re.search(r"^\s+Routes:\s+(\d+) imported", b, re.M)
        est = st == "Established"
        r.bgp.append(BgpPeer(neighbor=neigh and neigh.group(1), established=est, state=st, name=m.group(1),
                             remote_as=to_int(asn and asn.group(1)),
                             prefixes_received=to_int(routes and routes.group(1)) if est else None))
    if any(p.neighbor is None for p in r.bgp):
        r.notes.append(f"{file}: birdc show protocols does not print neighbor addresses; run `birdc show "
                       "protocols all` so each BGP protocol can be matched to its AWS tunnel")
    return r
