"""The objects an ASA running config already uses (``compile --running``): one scan of the reindented
text (syntax.reindent), independent of which tunnels the reader recognised.

Kinds (vpncc.running.Inventory): numbers ``ikev1-policy``, ``ikev2-policy``, ``tunnel`` (interface
TunnelN), ``crypto-map:NAME`` (the sequence numbers of crypto map NAME), ``sysopt-tcpmss`` (the value of
`sysopt connection tcpmss`); names ``nameif``, ``transform-set``, ``ipsec-proposal``, ``ipsec-profile``,
``group-policy``, ``route-map``, ``prefix-list``, ``access-list``, ``group-policy-of:PEER`` (the
default-group-policy of tunnel-group PEER); peers: `tunnel-group ADDRESS` and crypto
map `set peer` addresses. ``interfaces`` and the keys of ``crypto_maps`` / ``addresses`` are nameifs (what
`tunnel source interface` and `crypto map ... interface` name).
"""

from __future__ import annotations

import ipaddress

from ...running import Inventory, Peer

_NAMED = {
    ("crypto", "ipsec", "ikev1", "transform-set"): "transform-set",
    ("crypto", "ipsec", "ikev2", "ipsec-proposal"): "ipsec-proposal",
    ("crypto", "ipsec", "profile"): "ipsec-profile", ("group-policy",): "group-policy",
    ("route-map",): "route-map", ("prefix-list",): "prefix-list", ("access-list",): "access-list",
}


def _ip(word: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(word)
    except ValueError:
        return None


def inventory(text: str) -> Inventory:
    numbers: dict[str, set[int]] = {"ikev1-policy": set(), "ikev2-policy": set(), "tunnel": set(),
                                    "sysopt-tcpmss": set()}
    names: dict[str, set[str]] = {k: set() for k in _NAMED.values()} | {"nameif": set()}
    peers: list[Peer] = []
    maps: dict[str, str] = {}
    addresses: dict[str, list[ipaddress.IPv4Interface]] = {}
    bgp_asn = rid = bgp_line = None
    head: list[str] = []
    iface_addr: list[ipaddress.IPv4Interface] = []
    nameif = None

    def close_interface() -> None:
        if nameif and iface_addr:
            addresses.setdefault(nameif, []).extend(iface_addr)

    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(("!", ":")):
            continue
        w = raw.split()
        if raw[:1] not in (" ", "\t"):
            if head[:1] == ["interface"]:
                close_interface()
            head, nameif, iface_addr = w, None, []
            if w[:2] in (["crypto", "ikev1"], ["crypto", "ikev2"]) and w[2:3] == ["policy"] and w[3:4] \
                    and w[3].isdigit():
                numbers[f"{w[1]}-policy"].add(int(w[3]))
            for k, kind in _NAMED.items():
                if tuple(w[:len(k)]) == k and len(w) > len(k):
                    names[kind].add(w[len(k)])
            if w[0] == "interface" and len(w) > 1 and w[1].lower().startswith("tunnel") \
                    and w[1][6:].isdigit():
                numbers["tunnel"].add(int(w[1][6:]))
            if w[:2] == ["crypto", "map"] and len(w) > 3:
                if w[3] == "interface" and len(w) > 4:
                    maps[w[4]] = w[2]
                elif w[3].isdigit():
                    numbers.setdefault(f"crypto-map:{w[2]}", set()).add(int(w[3]))
                    if w[4:6] == ["set", "peer"]:
                        peers.extend(Peer(a, f"crypto map {w[2]} {w[3]}", no) for a in map(_ip, w[6:]) if a)
            if w[0] == "tunnel-group" and len(w) > 2 and w[2] == "type" and _ip(w[1]):
                peers.append(Peer(_ip(w[1]), f"tunnel-group {w[1]}", no))
            if w[:3] == ["sysopt", "connection", "tcpmss"] and len(w) > 3 and w[3].isdigit():
                numbers["sysopt-tcpmss"].add(int(w[3]))
            if w[:2] == ["router", "bgp"] and len(w) > 2 and w[2].isdigit():
                bgp_asn, bgp_line = int(w[2]), no
            continue
        if head[:1] == ["interface"]:
            if w[0] == "nameif" and len(w) > 1:
                nameif = w[1]
                names["nameif"].add(w[1])
            elif w[:2] == ["ip", "address"] and len(w) > 3 and _ip(w[2]) and _ip(w[3]):
                try:
                    iface_addr.append(ipaddress.IPv4Interface(f"{w[2]}/{w[3]}"))
                except ValueError:
                    pass
        elif head[:1] == ["tunnel-group"] and head[2:3] == ["general-attributes"] and len(head) > 1 \
                and w[0] == "default-group-policy" and len(w) > 1:
            # the group-policy a tunnel-group uses (remediation gives a new tunnel its sibling's)
            names.setdefault(f"group-policy-of:{head[1]}", set()).add(w[1])
        elif head[:2] == ["router", "bgp"] and w[:2] == ["bgp", "router-id"] and len(w) > 2:
            rid = _ip(w[2])
    if head[:1] == ["interface"]:
        close_interface()
    return Inventory(numbers={k: frozenset(v) for k, v in numbers.items()},
                     names={k: frozenset(v) for k, v in names.items()}, peers=tuple(peers),
                     bgp_asn=bgp_asn, bgp_router_id=rid, bgp_line=bgp_line,
                     interfaces=frozenset(names["nameif"]), crypto_maps=maps,
                     addresses={k: tuple(v) for k, v in addresses.items()})
