"""The objects an IOS running config already uses (``compile --running``): one line scan of the
normalized text (IOS's own indentation), independent of which tunnels the reader recognised.

Kinds (vpncc.running.Inventory): numbers ``isakmp-policy``, ``tunnel`` (interface TunnelN); names
``keyring``, ``isakmp-profile``, ``ikev2-proposal``, ``ikev2-policy``, ``ikev2-keyring``, ``ikev2-profile``,
``transform-set``, ``ipsec-profile``, ``route-map``, ``prefix-list``, ``ikev2-policy-match`` ("POLICY
ADDRESS": the local address each IKEv2 policy matches); peers: keyring / ikev2 keyring
addresses and tunnel destinations.
"""

from __future__ import annotations

import ipaddress
import re

from ...running import Inventory, Peer
from .bgp import asn as parse_asn

_NAMED = {
    ("crypto", "keyring"): "keyring", ("crypto", "isakmp", "profile"): "isakmp-profile",
    ("crypto", "ikev2", "proposal"): "ikev2-proposal", ("crypto", "ikev2", "policy"): "ikev2-policy",
    ("crypto", "ikev2", "keyring"): "ikev2-keyring", ("crypto", "ikev2", "profile"): "ikev2-profile",
    ("crypto", "ipsec", "transform-set"): "transform-set", ("crypto", "ipsec", "profile"): "ipsec-profile",
    ("route-map",): "route-map", ("ip", "prefix-list"): "prefix-list",
}
_TUNNEL = re.compile(r"^tunnel(\d+)$", re.I)


def _ip(word: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(word)
    except ValueError:
        return None


def inventory(text: str) -> Inventory:
    numbers: dict[str, set[int]] = {"isakmp-policy": set(), "tunnel": set()}
    names: dict[str, set[str]] = {k: set() for k in _NAMED.values()}
    names["ikev2-policy-match"] = set()  # "POLICY ADDRESS": the local address an IKEv2 policy matches
    peers: list[Peer] = []
    interfaces: set[str] = set()
    vrfs: set[str] = set()
    maps: dict[str, str] = {}
    addresses: dict[str, list[ipaddress.IPv4Interface]] = {}
    bgp_asn = rid = bgp_line = None
    head: list[str] = []
    owner = ""
    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("!"):
            continue
        w = raw.split()
        if raw[:1] not in (" ", "\t"):
            head, owner = w, ""
            if w[:3] == ["crypto", "isakmp", "policy"] and len(w) > 3 and w[3].isdigit():
                numbers["isakmp-policy"].add(int(w[3]))
            for k, kind in _NAMED.items():
                if tuple(w[:len(k)]) == k and len(w) > len(k):
                    names[kind].add(w[len(k)])
                    owner = w[len(k)]
            if w[0] == "interface" and len(w) > 1:
                interfaces.add(w[1])
                m = _TUNNEL.match(w[1])
                if m:
                    numbers["tunnel"].add(int(m.group(1)))
            if w[:2] == ["vrf", "definition"] and len(w) > 2 or w[:2] == ["ip", "vrf"] and len(w) > 2:
                vrfs.add(w[2])
            if w[:2] == ["router", "bgp"] and len(w) > 2:
                bgp_asn, bgp_line = parse_asn(w[2]), no
            continue
        if not head:
            continue
        if head[0] == "interface" and len(head) > 1:
            if w[:2] == ["crypto", "map"] and len(w) > 2:
                maps[head[1]] = w[2]
            elif w[:2] == ["ip", "address"] and len(w) > 3 and _ip(w[2]) and _ip(w[3]):
                try:
                    addresses.setdefault(head[1], []).append(ipaddress.IPv4Interface(f"{w[2]}/{w[3]}"))
                except ValueError:
                    pass
            elif w[:2] == ["tunnel", "destination"] and len(w) > 2 and _ip(w[2]):
                peers.append(Peer(_ip(w[2]), head[1], no))
        elif head[:2] == ["crypto", "keyring"] and w[:2] == ["pre-shared-key", "address"] and len(w) > 2 and _ip(w[2]):
            peers.append(Peer(_ip(w[2]), f"crypto keyring {owner}", no))
        elif head[:3] == ["crypto", "ikev2", "keyring"] and w[:1] == ["address"] and len(w) > 1 and _ip(w[1]):
            peers.append(Peer(_ip(w[1]), f"crypto ikev2 keyring {owner}", no))
        elif head[:3] == ["crypto", "ikev2", "policy"] and w[:3] == ["match", "address", "local"] and len(w) > 3:
            names["ikev2-policy-match"].add(f"{owner} {w[3]}")
        elif head[:2] == ["router", "bgp"] and w[:2] == ["bgp", "router-id"] and len(w) > 2:
            rid = _ip(w[2])
    return Inventory(numbers={k: frozenset(v) for k, v in numbers.items()},
                     names={k: frozenset(v) for k, v in names.items()}, peers=tuple(peers),
                     bgp_asn=bgp_asn, bgp_router_id=rid, bgp_line=bgp_line, vrfs=frozenset(vrfs),
                     interfaces=frozenset(interfaces), crypto_maps=maps,
                     addresses={k: tuple(v) for k, v in addresses.items()})
