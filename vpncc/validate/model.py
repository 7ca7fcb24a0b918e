"""What a backend's reader returns: a device config in IR terms (a *partial* IR with line numbers).

A reader never decides compliance. It only says what the device means, in IR vocabulary:
``DeviceTunnel.values`` maps tunnel-relative IR paths to observed values. The keys a reader may set:

=========================  ===========================================================
``outside.aws``            peer (AWS outside) address, ``IPv4Address``
``outside.customer``       local identity / local outside address, ``IPv4Address``
``inside.customer``        tunnel interface address, ``IPv4Interface``
``inside_ipv6.customer``   tunnel interface IPv6 address, ``IPv6Interface``
``ike.version``            ``IkeVersion``
``ike.mode``               ``NegotiationMode`` (IKEv1 only)
``ike.psk``                the key as configured (``str``); ``verifiable=False`` when encrypted/masked
``ike.encryption``         tuple of ``Encryption`` the device proposes/accepts for phase 1
``ike.integrity``          tuple of ``Integrity``
``ike.dh_groups``          tuple of ``int``
``ike.lifetime_s``         ``int`` (a device default filled in by the reader when omitted)
``ipsec.encryption``       tuple of ``Encryption``
``ipsec.integrity``        tuple of ``Integrity`` (empty for GCM-only proposals)
``ipsec.pfs_groups``       tuple of ``int`` (empty tuple = PFS off)
``ipsec.lifetime_s``       ``int``
``dpd.interval_s``         ``int``
``dpd.retries``            ``int``
``mtu``                    ``int`` (tunnel interface IP MTU)
``tcp_mss``                ``int``
``static_routes``          tuple of ``IPv4Network`` routed through this tunnel (the reader resolves
                           routes via the tunnel interface or via a next hop inside its /30)
``enabled``                ``bool``; False when the tunnel interface/VPN/phase1 is shut, disabled, inactive
``policy_based``           ``bool``; True for a policy-based tunnel (crypto map): it has no tunnel
                           interface, so inside addresses and MTU are not compared
=========================  ===========================================================

The negotiation model (:mod:`vpncc.validate.negotiation`) prefers these keys where a reader sets them:

=========================  ===========================================================
``ike.proposals``          tuple of ``Proposal``: every phase-1 proposal the device offers/accepts for
                           this tunnel, one per ISAKMP policy / IKE proposal, in device order (never a
                           union of several policies)
``ipsec.proposals``        tuple of ``Proposal`` for phase 2, PFS groups in ``dh_groups`` (``()`` = off)
``local.address``          ``IPv4Address`` the device sends IKE from
``local.identity``         the IKE identity it sends when configured explicitly (``IPv4Address``/``str``)
``dpd``                    ``DpdBehaviour`` computed from the platform's own DPD semantics
``mtu_derived``            ``bool``; True when the platform derives the tunnel MTU itself
``nat_t``                  ``bool``; NAT traversal on for this tunnel
``unverified``             ``dict`` {IR key prefix: message}: constructs the reader could not read; the
                           comparison reports them as info and suppresses findings under the prefix
``ike_permitted``          ``bool``; False when the device's own filter drops IKE/ESP from AWS
``bgp_permitted``          ``bool``; False when BGP is not allowed in on the tunnel interface/zone
``forwarding``             ``bool``; False when no policy/zone lets traffic cross the tunnel
``binding``                ``bool``; False when the SA is not bound to the tunnel interface (if_id/mark)
``initiates``              ``"always"`` | ``"on-demand"`` | ``"never"``: whether the device (re)starts the
                           tunnel itself after it closes
=========================  ===========================================================

``Obs.note`` carries the reader's explanation for a False/odd value (shown in the finding).

BGP neighbors are connection-wide (``DeviceConfig.bgp_neighbors``); the comparer matches them to
tunnels by the AWS inside address. Each neighbor is a dict with the keys ``neighbor``
(``IPv4Address``), ``aws_asn`` (remote-as), ``customer_asn`` (local AS used towards it: ``local-as``
override or the router's own AS), ``hold_time_s`` (with the device default filled in when omitted)
and optionally ``enabled`` (False when shut down / deactivated).

A key that is absent means "not configured at all" (the reader has already filled in device
defaults for settings the device omits because they are at their default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Obs:
    """One observed value and where it was seen."""

    value: Any
    line: int | None = None
    #: False when the device stores the value so that it cannot be compared (encrypted or masked keys).
    verifiable: bool = True
    #: the reader's explanation for the value, shown in findings ("zone untrust lacks ike in host-inbound")
    note: str = ""

    def __repr__(self) -> str:  # never show a key by accident
        return f"Obs(line={self.line}, verifiable={self.verifiable})"


@dataclass
class DeviceTunnel:
    """One tunnel as the device configures it (an IKE peer + IPsec SA + tunnel interface)."""

    name: str
    line: int | None = None
    values: dict[str, Obs] = field(default_factory=dict)

    def get(self, key: str) -> Obs | None:
        return self.values.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        """The observed value itself (``default`` when not configured)."""
        o = self.values.get(key)
        return default if o is None else o.value

    def set(self, key: str, value: Any, line: int | None = None, verifiable: bool = True, note: str = "") -> None:
        self.values[key] = Obs(value, line, verifiable, note)


@dataclass(frozen=True)
class DeviceNote:
    """A line the reader did not understand or chose to ignore; reported as info, never a crash."""

    line: int | None
    message: str


@dataclass
class DeviceConfig:
    vendor: str
    path: str | None
    tunnels: list[DeviceTunnel] = field(default_factory=list)
    notes: list[DeviceNote] = field(default_factory=list)
    bgp_neighbors: list[dict[str, Obs]] = field(default_factory=list)
    #: objects the running config already uses (``vpncc.running.Inventory``), for ``compile --running``;
    #: None when the backend's reader does not collect them yet
    inventory: Any = None
