"""AWS's documented defaults for a Site-to-Site VPN tunnel: the sets a tunnel with default options
accepts, the ranges AWS allows, and the other tunnel options' defaults. One table, one place.

Sources (AWS documentation):

- "Tunnel options for your Site-to-Site VPN connection" (AWS Site-to-Site VPN User Guide, VPNTunnels,
  https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html): every option, its default and range.
  "Some tunnel options have multiple default values ... If you do not select any specific values, all
  default values are associated with that tunnel option" (IKE versions default: ikev1, ikev2).
- EC2 API Reference VpnTunnelOptionsSpecification and ModifyVpnTunnelOptionsSpecification
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html):
  the valid values of each list (Phase1DHGroupNumbers 2 | 14-24, Phase2DHGroupNumbers 2 | 5 | 14-24),
  DPDTimeoutSeconds >= 30 default 40, DPDTimeoutAction clear | none | restart default clear,
  RekeyMarginTimeSeconds 60..half of Phase2LifetimeSeconds default 270, RekeyFuzzPercentage 0..100
  default 100, ReplayWindowSize 64..2048 default 1024, Phase1LifetimeSeconds 900..28800 default 28800,
  Phase2LifetimeSeconds 900..3600 default 3600, StartupAction add | start default add.

AWS quirk, VPNTunnels page (note above the option list): the tunnel endpoints "evaluate proposals from
your customer gateway starting with the lowest configured value from the list below, regardless of the
proposal order from the customer gateway". A device that offers a weak suite anywhere in its list may
therefore end up with it: the order of the sets below carries no preference.

GovCloud: the downloaded files "specify the minimum requirements ... of AES128, SHA1, and Diffie-Hellman
group 2 in most AWS Regions, and AES128, SHA2, and Diffie-Hellman group 14 in the AWS GovCloud Regions"
("Downloadable static/dynamic routing configuration files", cgw-static-routing-examples.html; the generic
file says "Category VPN connections in the GovCloud region have a minimum requirement of AES128, SHA2, and
DH Group 14"). vpncc reads that minimum as: GovCloud's default sets lack SHA1 and the DH groups below 14
(2, 5). AWS publishes no separate GovCloud list; the API values are the same.

MTU / MSS: the best-practices page ("Best practices for an AWS Site-to-Site VPN customer gateway device")
gives no per-algorithm table in the documentation vpncc could consult; the values here are the generic
file's (MTU 1436, MSS 1379), which AWS's device examples also use as the default.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from typing import TYPE_CHECKING, Iterable

from .ir import (
    Accepted,
    AcceptedSource,
    ConnectionOptions,
    Encryption,
    IkeVersion,
    InsideIpVersion,
    Integrity,
    OutsideIpType,
)

# -- the accepted sets of a tunnel with default options (API valid values, VPNTunnels defaults) -------
IKE_VERSIONS: tuple[IkeVersion, ...] = (IkeVersion.IKEV1, IkeVersion.IKEV2)
ENCRYPTION: tuple[Encryption, ...] = (Encryption.AES128, Encryption.AES256, Encryption.AES128_GCM_16,
                                      Encryption.AES256_GCM_16)
INTEGRITY: tuple[Integrity, ...] = (Integrity.SHA1, Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512)
PHASE1_DH_GROUPS: tuple[int, ...] = (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
PHASE2_DH_GROUPS: tuple[int, ...] = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)

# GovCloud (see the module docstring): the minimum is AES128 / SHA2 / DH 14
GOVCLOUD_INTEGRITY: tuple[Integrity, ...] = tuple(i for i in INTEGRITY if i is not Integrity.SHA1)
GOVCLOUD_PHASE1_DH_GROUPS: tuple[int, ...] = tuple(g for g in PHASE1_DH_GROUPS if g >= 14)
GOVCLOUD_PHASE2_DH_GROUPS: tuple[int, ...] = tuple(g for g in PHASE2_DH_GROUPS if g >= 14)

# -- lifetimes (seconds): default and the range AWS allows ----------------------------------------
PHASE1_LIFETIME_S = 28800
PHASE1_LIFETIME_RANGE = (900, 28800)
PHASE2_LIFETIME_S = 3600
PHASE2_LIFETIME_RANGE = (900, 3600)

# -- the other tunnel options ----------------------------------------------------------------------
DPD_TIMEOUT_S = 40
DPD_TIMEOUT_MIN = 30                       # "greater than or equal to 30", no documented maximum
DPD_TIMEOUT_ACTION = "clear"               # clear | none | restart
STARTUP_ACTION = "add"                     # add (the customer gateway initiates) | start (AWS initiates)
REKEY_MARGIN_S = 270
REKEY_MARGIN_MIN = 60                      # maximum: half of the phase-2 lifetime (rekey_margin_max)
REKEY_FUZZ_PCT = 100
REKEY_FUZZ_RANGE = (0, 100)
REPLAY_WINDOW = 1024
REPLAY_WINDOW_RANGE = (64, 2048)
LIFECYCLE_CONTROL = False

# -- the generic file's tunnel interface values (see the module docstring) -------------------------
MTU = 1436
TCP_MSS = 1379


def rekey_margin_max(phase2_lifetime_s: int = PHASE2_LIFETIME_S) -> int:
    """RekeyMarginTimeSeconds' upper bound: half of Phase2LifetimeSeconds (API reference)."""
    return phase2_lifetime_s // 2


@lru_cache(maxsize=None)  # Accepted is frozen: one shared instance per argument pair
def default_accepted(ike_version_hint: IkeVersion | None = None, govcloud: bool = False) -> Accepted:
    """The sets a tunnel with default options accepts (source ``aws-defaults``).

    ``ike_version_hint`` (the version the input's example uses) only moves that version to the front:
    a default-options tunnel accepts both versions, whatever the file's example shows. ``govcloud``
    applies GovCloud's minimum (no SHA1, no DH group below 14)."""
    versions = IKE_VERSIONS
    if ike_version_hint is not None:
        versions = (ike_version_hint,) + tuple(v for v in IKE_VERSIONS if v is not ike_version_hint)
    integrity = GOVCLOUD_INTEGRITY if govcloud else INTEGRITY
    return Accepted(
        source=AcceptedSource.AWS_DEFAULTS, ike_versions=versions,
        ike_encryption=ENCRYPTION, ike_integrity=integrity,
        ike_dh_groups=GOVCLOUD_PHASE1_DH_GROUPS if govcloud else PHASE1_DH_GROUPS,
        esp_encryption=ENCRYPTION, esp_integrity=integrity,
        pfs_groups=GOVCLOUD_PHASE2_DH_GROUPS if govcloud else PHASE2_DH_GROUPS,
        ike_lifetime_s=PHASE1_LIFETIME_S, esp_lifetime_s=PHASE2_LIFETIME_S,
    )


@lru_cache(maxsize=256)
def default_accepted_with_lifetimes(ike_lifetime_s: int | None, esp_lifetime_s: int | None,
                                    ike_version_hint: IkeVersion | None = None,
                                    govcloud: bool = False) -> Accepted:
    """:func:`default_accepted` with the lifetimes a file states (generic text and XML show the tunnel's
    lifetimes); a value outside AWS's range (a hand-edited file) keeps AWS's default."""
    base = default_accepted(ike_version_hint, govcloud)
    lo1, hi1 = PHASE1_LIFETIME_RANGE
    lo2, hi2 = PHASE2_LIFETIME_RANGE
    return replace(base,
                   ike_lifetime_s=ike_lifetime_s if ike_lifetime_s and lo1 <= ike_lifetime_s <= hi1
                   else base.ike_lifetime_s,
                   esp_lifetime_s=esp_lifetime_s if esp_lifetime_s and lo2 <= esp_lifetime_s <= hi2
                   else base.esp_lifetime_s)


if TYPE_CHECKING:  # pragma: no cover
    from .ir import Tunnel

# RFC 1918 only: ipaddress's is_private also covers the documentation ranges (192.0.2.0/24, ...) that
# sanitized public files use
_RFC1918 = (IPv4Network("10.0.0.0/8"), IPv4Network("172.16.0.0/12"), IPv4Network("192.168.0.0/16"))


def options_from_tunnels(tunnels: Iterable["Tunnel"]) -> ConnectionOptions:
    """The connection options a generic file or an XML implies (they state none): IPv6 AWS outside
    addresses mean OutsideIpAddressType Ipv6, private ones PrivateIpv4 (AWS's endpoints of an internet VPN
    are public; a private one is a private IP VPN over Direct Connect), IPv6 inside addresses mean
    TunnelInsideIpVersion ipv6 with any-to-any IPv6 selectors. Everything else: AWS's defaults."""
    aws = [t.outside.aws for t in tunnels if t.outside.aws is not None]
    outside = OutsideIpType.PUBLIC_IPV4
    if aws and all(a.version == 6 for a in aws):
        outside = OutsideIpType.IPV6
    elif aws and all(a.version == 4 and any(a in n for n in _RFC1918) for a in aws):
        outside = OutsideIpType.PRIVATE_IPV4
    if tunnels and all(t.inside_ipv6 is not None for t in tunnels):
        any6 = IPv6Network("::/0")
        return ConnectionOptions(outside_ip_type=outside, tunnel_inside_ip_version=InsideIpVersion.IPV6,
                                 local_ipv6_cidr=any6, remote_ipv6_cidr=any6)
    return ConnectionOptions(outside_ip_type=outside)
