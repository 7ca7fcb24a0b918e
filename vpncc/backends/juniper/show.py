"""Junos (SRX) show output for ``vpncc diagnose``.

- ``show security ike security-associations``: ``Index State Initiator cookie Responder cookie Mode
  Remote Address`` (Junos 12.1X–23.x; newer releases add a ``Remote Address`` with port and print
  ``IKEv2`` in the Mode column). State UP = established, DOWN otherwise. Own parser: no ntc template.
- ``show security ipsec security-associations``: ``Total active tunnels: N`` and one ``<ID``/``>ID``
  line per direction with the gateway address (column order changed across releases: older ones print
  ``ID Gateway Port Algorithm SPI Life:sec/kb Mon vsys``, newer ``ID Algorithm SPI Life:sec/kb Mon lsys
  Port Gateway``; the address is found wherever it is). Own parser: no ntc template.
- ``show bgp summary``: own parser. ntc-templates' ``juniper_junos_show_bgp_summary`` records a peer
  only on its per-table line (``inet.0: 2/2/2/0``), which Junos prints only for established sessions:
  peers in Active/Connect/Idle — the ones a diagnosis is about — would be lost.
"""

from __future__ import annotations

import re

from ...diagnose.state import BgpPeer, ChildSa, IkeSa, ShowResult, command
from ...diagnose.tables import IP, to_int

PLATFORM = "juniper"
#: what the device announces to a BGP neighbor (the next check when AWS accepted no routes)
ADVERTISED = 'show route advertising-protocol bgp {peer}'
IKE = command("show security ike security-associations", "ike")
IPSEC = command("show security ipsec security-associations", "child")
BGP = command("show bgp summary", "bgp")


def parse(text: str, file: str) -> ShowResult | None:
    if re.match(r"\s*No IKE security associations found", text):  # Junos's words for an empty table
        return ShowResult(file, PLATFORM, IKE, "vpncc")
    if re.search(r"^\s*Index\s+State\s+Initiator cookie\s+Responder cookie\s+Mode\s+Remote Address", text, re.M):
        return _ike(text, file)
    if re.search(r"^\s*Total active tunnels:\s*\d+", text, re.M):
        return _ipsec(text, file)
    if re.search(r"^Groups:\s*\d+\s+Peers:\s*\d+\s+Down peers:", text, re.M):
        return _bgp(text, file)
    return None


def _ike(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IKE, "vpncc")
    for m in re.finditer(rf"^\s*\d+\s+(UP|DOWN)\s+\S+\s+\S+\s+(\S+)\s+({IP})", text, re.M):
        r.ike.append(IkeSa(peer=m.group(3), up=m.group(1) == "UP", state=m.group(1),
                           version=2 if m.group(2).upper() == "IKEV2" else 1))
    return r


def _ipsec(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, IPSEC, "vpncc")
    seen: dict[str, bool] = {}
    for line in text.splitlines():
        if not re.match(r"\s*[<>]\s*\d+", line):
            continue
        addr = re.search(IP, line)
        if addr:
            seen[addr.group(0)] = True
    r.child.extend(ChildSa(peer=p, up=True, state="installed") for p in seen)
    return r


def _bgp(text: str, file: str) -> ShowResult:
    r = ShowResult(file, PLATFORM, BGP, "vpncc")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(rf"({IP})\s+(\d+)\s+\d+\s+\d+\s+\d+\s+\d+\s+(\S+)\s+(\S+)", line)
        if not m:
            continue
        state = m.group(4)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        counts = re.match(r"(\d+)/(\d+)/(\d+)/(\d+)", state) or re.match(r"\s+\S+:\s*(\d+)/(\d+)/(\d+)/(\d+)", nxt)
        # "Establ" with a per-table line below, or (one table only) the counts in the State column
        est = state == "Establ" or bool(re.match(r"\d+/\d+/\d+/\d+", state))
        r.bgp.append(BgpPeer(neighbor=m.group(1), established=est, state="Established" if est else state,
                             remote_as=to_int(m.group(2)),
                             prefixes_received=to_int(counts.group(2)) if est and counts else (0 if est else None)))
    return r
