"""The neutral IR of one AWS Site-to-Site VPN connection.

Frozen dataclasses with enums and ``ipaddress`` types; no vendor strings and no parser objects.
The JSON/YAML form produced by :func:`Connection.to_dict` is the public contract described in
``docs/ir.md`` (schema_version 2; the code is in :mod:`vpncc.ir_codec`); :func:`Connection.from_dict`
reverses it exactly and also reads schema_version 1 documents (the fields added in 2 are then filled
from AWS's defaults, see :mod:`vpncc.aws_defaults`).
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

SCHEMA_VERSION = 2

IPv4 = ipaddress.IPv4Address
IPv6 = ipaddress.IPv6Address
IPv4Net = ipaddress.IPv4Network
IPv6Net = ipaddress.IPv6Network
IPv4If = ipaddress.IPv4Interface
IPv6If = ipaddress.IPv6Interface


class GatewayKind(str, enum.Enum):
    VGW = "vgw"
    TGW = "tgw"


class Routing(str, enum.Enum):
    BGP = "bgp"
    STATIC = "static"


class IkeVersion(str, enum.Enum):
    IKEV1 = "ikev1"
    IKEV2 = "ikev2"


class Encryption(str, enum.Enum):
    """The AWS API's encryption names, plus what devices offer beyond them (AWS accepts none of those:
    they appear only in a device's proposals, never in an AWS input's IR)."""

    AES128 = "AES128"
    AES256 = "AES256"
    AES128_GCM_16 = "AES128-GCM-16"
    AES256_GCM_16 = "AES256-GCM-16"
    # device-only values
    AES192 = "AES192"
    AES192_GCM_16 = "AES192-GCM-16"
    TDES = "3DES"
    DES = "DES"

    @property
    def is_gcm(self) -> bool:
        return self in (Encryption.AES128_GCM_16, Encryption.AES256_GCM_16, Encryption.AES192_GCM_16)

    @property
    def key_bits(self) -> int:
        return {"AES256": 256, "AES256-GCM-16": 256, "AES192": 192, "AES192-GCM-16": 192, "3DES": 112,
                "DES": 56}.get(self.value, 128)


class Integrity(str, enum.Enum):
    SHA1 = "SHA1"
    SHA2_256 = "SHA2-256"
    SHA2_384 = "SHA2-384"
    SHA2_512 = "SHA2-512"
    # device-only value (AWS accepts it on no tunnel)
    MD5 = "MD5"


#: the values AWS's API knows (every AWS input's IR uses only these)
AWS_ENCRYPTION: tuple[Encryption, ...] = (Encryption.AES128, Encryption.AES256, Encryption.AES128_GCM_16,
                                          Encryption.AES256_GCM_16)
AWS_INTEGRITY: tuple[Integrity, ...] = (Integrity.SHA1, Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512)


class NegotiationMode(str, enum.Enum):
    MAIN = "main"
    AGGRESSIVE = "aggressive"


#: Diffie-Hellman groups AWS accepts on a tunnel (phase 1 and phase 2 / PFS).
DH_GROUPS: tuple[int, ...] = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)


def _enum_tuple(cls: type[enum.Enum], values: Any) -> tuple[Any, ...]:
    return tuple(cls(v) for v in values)


@dataclass(frozen=True)
class Source:
    """Where the IR came from. ``layout`` names the generic-file generation (2009, 2011, docs, 2020, 2022)."""

    format: str = "aws-generic"
    path: str | None = None
    layout: str | None = None


@dataclass(frozen=True)
class Gateway:
    kind: GatewayKind
    id: str | None = None


@dataclass(frozen=True)
class Outside:
    """Outside addresses (public IPv4; private IPv4 over Direct Connect; IPv6 when the connection's
    ``options.outside_ip_type`` is ``Ipv6``). ``None`` means redacted or a placeholder in the input."""

    customer: IPv4 | IPv6 | None
    aws: IPv4 | IPv6 | None


@dataclass(frozen=True)
class Inside:
    customer: IPv4If
    aws: IPv4If


@dataclass(frozen=True)
class InsideV6:
    customer: IPv6If
    aws: IPv6If


@dataclass(frozen=True)
class Ike:
    version: IkeVersion
    psk: str | None = field(repr=False)
    encryption: tuple[Encryption, ...]
    integrity: tuple[Integrity, ...]
    dh_groups: tuple[int, ...]
    lifetime_s: int
    mode: NegotiationMode | None = NegotiationMode.MAIN
    #: "psk" or "certificate" (then ``psk`` is None and ``certificate_arn`` may name the ACM certificate)
    auth: str = "psk"
    #: every IKE version AWS accepts on this tunnel when the input states it (the API's
    #: TunnelOptions.IkeVersions, equal to ``Tunnel.accepted.ike_versions``), ``version`` among them;
    #: None when the input names one version only (the generic text, the XML): then
    #: ``Tunnel.accepted`` holds AWS's defaults
    allowed_versions: tuple[IkeVersion, ...] | None = None
    certificate_arn: str | None = None


@dataclass(frozen=True)
class Ipsec:
    encryption: tuple[Encryption, ...]
    integrity: tuple[Integrity, ...]
    pfs_groups: tuple[int, ...]
    lifetime_s: int
    protocol: str = "esp"
    mode: str = "tunnel"


@dataclass(frozen=True)
class Dpd:
    interval_s: int
    retries: int


class AcceptedSource(str, enum.Enum):
    """Where ``Tunnel.accepted`` came from: the tunnel's real options (API JSON TunnelOptions, Terraform,
    ``--tunnel-options``) or AWS's documented defaults (generic text and XML never state them)."""

    TUNNEL_OPTIONS = "tunnel-options"
    AWS_DEFAULTS = "aws-defaults"


@dataclass(frozen=True)
class Accepted:
    """What AWS's endpoint accepts on a tunnel, as sets (AWS evaluates a proposal from the lowest value it
    accepts, whatever the device's order: the order here carries no preference). Lifetimes are the tunnel's
    configured values; the ranges AWS allows are in :mod:`vpncc.aws_defaults`."""

    source: AcceptedSource
    ike_versions: tuple[IkeVersion, ...]
    ike_encryption: tuple[Encryption, ...]
    ike_integrity: tuple[Integrity, ...]
    ike_dh_groups: tuple[int, ...]
    esp_encryption: tuple[Encryption, ...]
    esp_integrity: tuple[Integrity, ...]
    pfs_groups: tuple[int, ...]
    ike_lifetime_s: int
    esp_lifetime_s: int


class StartupAction(str, enum.Enum):
    """TunnelOptions.StartupAction: ``add`` = the customer gateway must start IKE, ``start`` = AWS does."""

    ADD = "add"
    START = "start"


class DpdTimeoutAction(str, enum.Enum):
    """TunnelOptions.DpdTimeoutAction: what AWS does when DPD times out."""

    CLEAR = "clear"
    NONE = "none"
    RESTART = "restart"


class LogOutputFormat(str, enum.Enum):
    JSON = "json"
    TEXT = "text"


@dataclass(frozen=True)
class LogOptions:
    """TunnelOptions.LogOptions.CloudWatchLogOptions (tunnel activity logs in CloudWatch Logs)."""

    enabled: bool = False
    log_group_arn: str | None = None
    output_format: LogOutputFormat | None = None


@dataclass(frozen=True)
class AwsOptions:
    """The tunnel options that are not negotiation suites (defaults: AWS's, see vpncc.aws_defaults)."""

    startup_action: StartupAction = StartupAction.ADD
    dpd_timeout_s: int = 40
    dpd_timeout_action: DpdTimeoutAction = DpdTimeoutAction.CLEAR
    rekey_margin_s: int = 270
    rekey_fuzz_pct: int = 100
    replay_window: int = 1024
    lifecycle_control: bool = False
    log: LogOptions | None = None


class OutsideIpType(str, enum.Enum):
    """Options.OutsideIpAddressType: public IPv4 (internet), private IPv4 (VPN over Direct Connect through a
    transit gateway), IPv6 (transit gateway only)."""

    PUBLIC_IPV4 = "PublicIpv4"
    PRIVATE_IPV4 = "PrivateIpv4"
    IPV6 = "Ipv6"


class InsideIpVersion(str, enum.Enum):
    IPV4 = "ipv4"
    IPV6 = "ipv6"


@dataclass(frozen=True)
class StaticRoute:
    """One entry of the connection's ``Routes`` (VpnStaticRoute)."""

    destination: IPv4Net | IPv6Net
    state: str | None = None
    source: str = "Static"


@dataclass(frozen=True)
class ConnectionOptions:
    """The connection-level options (VpnConnectionOptions). The network CIDRs are the traffic selectors
    AWS proposes and accepts (default any: 0.0.0.0/0, ::/0 for an IPv6-inside connection)."""

    local_ipv4_cidr: IPv4Net = IPv4Net("0.0.0.0/0")
    remote_ipv4_cidr: IPv4Net = IPv4Net("0.0.0.0/0")
    local_ipv6_cidr: IPv6Net | None = None
    remote_ipv6_cidr: IPv6Net | None = None
    tunnel_inside_ip_version: InsideIpVersion = InsideIpVersion.IPV4
    outside_ip_type: OutsideIpType = OutsideIpType.PUBLIC_IPV4
    acceleration: bool = False
    transport_attachment_id: str | None = None
    routes: tuple[StaticRoute, ...] = ()


def _default_accepted() -> Accepted:
    from .aws_defaults import default_accepted  # aws_defaults imports this module
    return default_accepted()


@dataclass(frozen=True)
class Bgp:
    customer_asn: int | None
    aws_asn: int
    neighbor: IPv4
    hold_time_s: int


@dataclass(frozen=True)
class Tunnel:
    number: int
    outside: Outside
    inside: Inside
    ike: Ike
    ipsec: Ipsec
    dpd: Dpd
    mtu: int
    tcp_mss: int
    clear_df: bool = True
    fragment_before_encryption: bool = True
    inside_ipv6: InsideV6 | None = None
    bgp: Bgp | None = None
    static_next_hop: IPv4 | None = None
    #: what AWS's endpoint accepts (the sets validation decides against); ``ike``/``ipsec`` hold the
    #: suite the input shows (the generic file's example, the API's lists)
    accepted: Accepted = field(default_factory=_default_accepted)
    aws_options: AwsOptions = field(default_factory=AwsOptions)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Position:
    line: int
    column: int = 1


@dataclass(frozen=True)
class Connection:
    vpn_connection_id: str | None
    customer_gateway_id: str | None
    gateway: Gateway
    routing: Routing
    tunnels: tuple[Tunnel, ...]
    source: Source = Source()
    warnings: tuple[Warning, ...] = ()
    schema_version: int = SCHEMA_VERSION
    options: ConnectionOptions = field(default_factory=ConnectionOptions)
    #: IR path (``tunnels[0].ike.psk``) -> where the value was read. Not part of equality or JSON.
    origin: Mapping[str, Position] = field(default_factory=dict, compare=False, repr=False, hash=False)

    # -- convenience -------------------------------------------------------------------------
    def tunnel(self, number: int) -> Tunnel:
        for t in self.tunnels:
            if t.number == number:
                return t
        raise KeyError(number)

    def position(self, path: str) -> Position | None:
        return self.origin.get(path)

    def redacted(self) -> "Connection":
        """A copy with every PSK replaced by ``***`` (what ``--redact`` prints)."""
        tunnels = tuple(replace(t, ike=replace(t.ike, psk=REDACTED if t.ike.psk is not None else None))
                        for t in self.tunnels)
        return replace(self, tunnels=tunnels)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Connection":
        return from_dict(data)


REDACTED = "***"


# -- JSON form (vpncc.ir_codec) ----------------------------------------------------------------

def to_dict(conn: Connection) -> dict[str, Any]:
    """The contract's JSON shape, keys in the documented order (see vpncc.ir_codec)."""
    from .ir_codec import to_dict as _to_dict
    return _to_dict(conn)


def from_dict(data: Mapping[str, Any]) -> Connection:
    """Inverse of :func:`to_dict`; also reads schema_version 1. Raises ``KeyError``/``ValueError`` on a
    malformed document or an unknown schema_version (see vpncc.ir_codec)."""
    from .ir_codec import from_dict as _from_dict
    return _from_dict(data)


# -- paths -----------------------------------------------------------------------------------

def get_path(conn: Connection | Tunnel, path: str) -> Any:
    """Value at an IR path such as ``tunnels[0].ike.dh_groups``."""
    obj: Any = conn
    for part in path.split("."):
        if "[" in part:
            name, idx = part[:-1].split("[")
            obj = getattr(obj, name)[int(idx)]
        else:
            obj = getattr(obj, part)
    return obj
