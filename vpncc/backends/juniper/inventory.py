"""The objects a Junos running config already uses (``compile --running``), from what the reader collected
(device.State), independent of which tunnels it recognised.

Kinds (vpncc.running.Inventory): numbers ``st0`` (st0 units); names ``ike-proposal``, ``ike-policy``,
``ike-gateway``, ``ipsec-proposal``, ``ipsec-policy``, ``ipsec-vpn``, ``policy-statement``, ``bgp-group``;
peers: IKE gateway addresses; ``bgp_asn`` / ``bgp_router_id``: routing-options of the master instance;
``zones``, ``interfaces`` and ``addresses``: logical interfaces with IPv4 addresses.
"""

from __future__ import annotations

import ipaddress

from ...running import Inventory, Peer
from .device import State


def inventory(st: State) -> Inventory:
    peers = []
    for name, gw in st.gateways.items():
        for value, line in gw.lists.get("address", ()):
            try:
                peers.append(Peer(ipaddress.IPv4Address(value), f"security ike gateway {name}", line))
            except ValueError:
                continue  # a hostname or IPv6 peer
    asn = st.asn.get("")
    rid = st.router_id.get("")
    names = {"ike-proposal": st.ike_proposals, "ike-policy": st.ike_policies, "ike-gateway": st.gateways,
             "ipsec-proposal": st.esp_proposals, "ipsec-policy": st.ipsec_policies, "ipsec-vpn": st.vpns}
    return Inventory(
        numbers={"st0": frozenset(st.units)},
        names={**{k: frozenset(v) for k, v in names.items()}, "policy-statement": frozenset(st.policies),
               "bgp-group": frozenset(g for _, g in st.groups)},
        peers=tuple(peers),
        bgp_asn=asn[0] if asn else None, bgp_router_id=rid[0] if rid else None,
        bgp_line=asn[1] if asn else None,
        zones=frozenset(st.zones),
        interfaces=frozenset(st.addresses) | frozenset(f"st0.{u}" for u in st.units),
        addresses={k: tuple(a for a, _ in v) for k, v in st.addresses.items()})
