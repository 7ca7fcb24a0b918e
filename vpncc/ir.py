"""The neutral IR of one AWS Site-to-Site VPN connection.

Frozen dataclasses with enums and ``ipaddress`` types; no vendor strings and no parser objects.
The JSON/YAML form produced by :func:`Connection.to_dict` is the public contract described in
``docs/ir-contract.md`` (schema_version 1); :func:`Connection.from_dict` reverses it exactly.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

SCHEMA_VERSION = 1

IPv4 = ipaddress.IPv4Address
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
    AES128 = "AES128"
    AES256 = "AES256"
    AES128_GCM_16 = "AES128-GCM-16"
    AES256_GCM_16 = "AES256-GCM-16"

    @property
    def is_gcm(self) -> bool:
        return self in (Encryption.AES128_GCM_16, Encryption.AES256_GCM_16)

    @property
    def key_bits(self) -> int:
        return 256 if self in (Encryption.AES256, Encryption.AES256_GCM_16) else 128


class Integrity(str, enum.Enum):
    SHA1 = "SHA1"
    SHA2_256 = "SHA2-256"
    SHA2_384 = "SHA2-384"
    SHA2_512 = "SHA2-512"


class NegotiationMode(str, enum.Enum):
    MAIN = "main"
    AGGRESSIVE = "aggressive"


#: Diffie-Hellman groups AWS accepts on a tunnel (phase 1 and phase 2 / PFS).
DH_GROUPS: tuple[int, ...] = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)


def _enum_tuple(cls: type[enum.Enum], values: Any) -> tuple:
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
    """Outside (public) addresses. ``None`` means redacted or a placeholder in the input."""

    customer: IPv4 | None
    aws: IPv4 | None


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
    auth: str = "psk"
    #: every IKE version AWS accepts on this tunnel (the API's TunnelOptions.IkeVersions), ``version``
    #: among them; None when the input names one version only (the generic text, the XML)
    allowed_versions: tuple[IkeVersion, ...] | None = None


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


# -- JSON form -------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        return value.with_prefixlen
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.compare}
    return value


_TOP_ORDER = ("schema_version", "source", "vpn_connection_id", "customer_gateway_id", "gateway",
              "routing", "tunnels", "warnings")
_TUNNEL_ORDER = ("number", "outside", "inside", "inside_ipv6", "ike", "ipsec", "dpd", "mtu", "tcp_mss",
                 "clear_df", "fragment_before_encryption", "bgp", "static_next_hop")
_IKE_ORDER = ("version", "allowed_versions", "auth", "psk", "mode", "encryption", "integrity", "dh_groups",
              "lifetime_s")
_IPSEC_ORDER = ("protocol", "mode", "encryption", "integrity", "pfs_groups", "lifetime_s")


def _ordered(d: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: d[k] for k in order if k in d} | {k: v for k, v in d.items() if k not in order}


def to_dict(conn: Connection) -> dict[str, Any]:
    """The contract's JSON shape, keys in the documented order."""
    d = _plain(conn)
    tunnels = []
    for t in d["tunnels"]:
        t["ike"] = _ordered(t["ike"], _IKE_ORDER)
        t["ipsec"] = _ordered(t["ipsec"], _IPSEC_ORDER)
        tunnels.append(_ordered(t, _TUNNEL_ORDER))
    d["tunnels"] = tunnels
    return _ordered(d, _TOP_ORDER)


def _opt(conv, value):
    return None if value is None else conv(value)


def _tunnel_from_dict(t: Mapping[str, Any]) -> Tunnel:
    ike, ipsec = t["ike"], t["ipsec"]
    v6 = t.get("inside_ipv6")
    bgp = t.get("bgp")
    return Tunnel(
        number=int(t["number"]),
        outside=Outside(customer=_opt(IPv4, t["outside"]["customer"]), aws=_opt(IPv4, t["outside"]["aws"])),
        inside=Inside(customer=IPv4If(t["inside"]["customer"]), aws=IPv4If(t["inside"]["aws"])),
        inside_ipv6=None if v6 is None else InsideV6(customer=IPv6If(v6["customer"]), aws=IPv6If(v6["aws"])),
        ike=Ike(
            version=IkeVersion(ike["version"]), auth=ike.get("auth", "psk"), psk=ike.get("psk"),
            mode=_opt(NegotiationMode, ike.get("mode")),
            encryption=_enum_tuple(Encryption, ike["encryption"]),
            integrity=_enum_tuple(Integrity, ike["integrity"]),
            dh_groups=tuple(int(g) for g in ike["dh_groups"]), lifetime_s=int(ike["lifetime_s"]),
            allowed_versions=_opt(lambda v: _enum_tuple(IkeVersion, v), ike.get("allowed_versions")),
        ),
        ipsec=Ipsec(
            protocol=ipsec.get("protocol", "esp"), mode=ipsec.get("mode", "tunnel"),
            encryption=_enum_tuple(Encryption, ipsec["encryption"]),
            integrity=_enum_tuple(Integrity, ipsec["integrity"]),
            pfs_groups=tuple(int(g) for g in ipsec["pfs_groups"]), lifetime_s=int(ipsec["lifetime_s"]),
        ),
        dpd=Dpd(interval_s=int(t["dpd"]["interval_s"]), retries=int(t["dpd"]["retries"])),
        mtu=int(t["mtu"]), tcp_mss=int(t["tcp_mss"]),
        clear_df=bool(t.get("clear_df", True)),
        fragment_before_encryption=bool(t.get("fragment_before_encryption", True)),
        bgp=None if bgp is None else Bgp(
            customer_asn=_opt(int, bgp.get("customer_asn")), aws_asn=int(bgp["aws_asn"]),
            neighbor=IPv4(bgp["neighbor"]), hold_time_s=int(bgp["hold_time_s"])),
        static_next_hop=_opt(IPv4, t.get("static_next_hop")),
    )


def from_dict(data: Mapping[str, Any]) -> Connection:
    """Inverse of :func:`to_dict`. Raises ``KeyError``/``ValueError`` on a malformed document
    (:func:`vpncc.readers.ir_json.load_ir` wraps these into :class:`vpncc.errors.InputError`)."""
    src = data.get("source") or {}
    gw = data["gateway"]
    return Connection(
        schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
        source=Source(format=src.get("format", "aws-generic"), path=src.get("path"), layout=src.get("layout")),
        vpn_connection_id=data.get("vpn_connection_id"),
        customer_gateway_id=data.get("customer_gateway_id"),
        gateway=Gateway(kind=GatewayKind(gw["kind"]), id=gw.get("id")),
        routing=Routing(data["routing"]),
        tunnels=tuple(_tunnel_from_dict(t) for t in data["tunnels"]),
        warnings=tuple(Warning(code=w["code"], message=w["message"], line=w.get("line"))
                       for w in data.get("warnings", ())),
    )


# -- paths -----------------------------------------------------------------------------------

def get_path(conn: Connection, path: str) -> Any:
    """Value at an IR path such as ``tunnels[0].ike.dh_groups``."""
    obj: Any = conn
    for part in path.split("."):
        if "[" in part:
            name, idx = part[:-1].split("[")
            obj = getattr(obj, name)[int(idx)]
        else:
            obj = getattr(obj, part)
    return obj
