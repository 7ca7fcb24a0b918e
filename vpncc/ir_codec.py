"""The IR's JSON form (schema_version 2; reads schema_version 1): :func:`to_dict` / :func:`from_dict`,
re-exported by :mod:`vpncc.ir`. The shape is documented in docs/ir.md and schemas/ir.schema.json."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import fields, replace
from typing import Any, Callable, Mapping, TypeVar

from .ir import (
    SCHEMA_VERSION,
    Accepted,
    AcceptedSource,
    AwsOptions,
    Bgp,
    Connection,
    ConnectionOptions,
    Dpd,
    DpdTimeoutAction,
    Encryption,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    InsideIpVersion,
    InsideV6,
    Integrity,
    Ipsec,
    IPv4,
    IPv4If,
    IPv4Net,
    IPv6,
    IPv6If,
    IPv6Net,
    LogOptions,
    LogOutputFormat,
    NegotiationMode,
    Outside,
    OutsideIpType,
    Routing,
    Source,
    StartupAction,
    StaticRoute,
    Tunnel,
    Warning,
    _default_accepted,
    _enum_tuple,
)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface, ipaddress.IPv4Network,
                          ipaddress.IPv6Network)):
        return value.with_prefixlen
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.compare}
    return value


T = TypeVar("T")

_TOP_ORDER = ("schema_version", "source", "vpn_connection_id", "customer_gateway_id", "gateway",
              "routing", "options", "tunnels", "warnings")
_TUNNEL_ORDER = ("number", "outside", "inside", "inside_ipv6", "ike", "ipsec", "accepted", "dpd",
                 "aws_options", "mtu", "tcp_mss", "clear_df", "fragment_before_encryption", "bgp",
                 "static_next_hop")
_IKE_ORDER = ("version", "allowed_versions", "auth", "psk", "certificate_arn", "mode", "encryption",
              "integrity", "dh_groups", "lifetime_s")
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


def _opt(conv: Callable[[Any], T], value: Any) -> T | None:
    return None if value is None else conv(value)


def _ip(value: Any) -> IPv4 | IPv6 | None:
    return None if value is None else ipaddress.ip_address(value)


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(int(g) for g in values)


def _accepted_from_dict(a: Mapping[str, Any]) -> Accepted:
    return Accepted(
        source=AcceptedSource(a["source"]),
        ike_versions=_enum_tuple(IkeVersion, a["ike_versions"]),
        ike_encryption=_enum_tuple(Encryption, a["ike_encryption"]),
        ike_integrity=_enum_tuple(Integrity, a["ike_integrity"]),
        ike_dh_groups=_ints(a["ike_dh_groups"]),
        esp_encryption=_enum_tuple(Encryption, a["esp_encryption"]),
        esp_integrity=_enum_tuple(Integrity, a["esp_integrity"]),
        pfs_groups=_ints(a["pfs_groups"]),
        ike_lifetime_s=int(a["ike_lifetime_s"]), esp_lifetime_s=int(a["esp_lifetime_s"]),
    )


def _v1_accepted(ike: Ike, ipsec: Ipsec, from_api: bool) -> Accepted:
    """A schema_version 1 document has no accepted sets. Its API-sourced tunnels (``allowed_versions``
    set) carried the TunnelOptions lists in ike/ipsec: those are the accepted sets; any other tunnel gets
    AWS's defaults (with the document's lifetimes)."""
    if from_api:
        return Accepted(AcceptedSource.TUNNEL_OPTIONS, ike.allowed_versions or (ike.version,), ike.encryption,
                        ike.integrity, ike.dh_groups, ipsec.encryption, ipsec.integrity, ipsec.pfs_groups,
                        ike.lifetime_s, ipsec.lifetime_s)
    return replace(_default_accepted(), ike_lifetime_s=ike.lifetime_s, esp_lifetime_s=ipsec.lifetime_s)


def _aws_options_from_dict(o: Mapping[str, Any]) -> AwsOptions:
    log = o.get("log")
    return AwsOptions(
        startup_action=StartupAction(o.get("startup_action", "add")),
        dpd_timeout_s=int(o.get("dpd_timeout_s", 40)),
        dpd_timeout_action=DpdTimeoutAction(o.get("dpd_timeout_action", "clear")),
        rekey_margin_s=int(o.get("rekey_margin_s", 270)),
        rekey_fuzz_pct=int(o.get("rekey_fuzz_pct", 100)),
        replay_window=int(o.get("replay_window", 1024)),
        lifecycle_control=bool(o.get("lifecycle_control", False)),
        log=None if log is None else LogOptions(
            enabled=bool(log.get("enabled", False)), log_group_arn=log.get("log_group_arn"),
            output_format=_opt(LogOutputFormat, log.get("output_format"))),
    )


def _options_from_dict(o: Mapping[str, Any]) -> ConnectionOptions:
    return ConnectionOptions(
        local_ipv4_cidr=IPv4Net(o.get("local_ipv4_cidr", "0.0.0.0/0")),
        remote_ipv4_cidr=IPv4Net(o.get("remote_ipv4_cidr", "0.0.0.0/0")),
        local_ipv6_cidr=_opt(IPv6Net, o.get("local_ipv6_cidr")),
        remote_ipv6_cidr=_opt(IPv6Net, o.get("remote_ipv6_cidr")),
        tunnel_inside_ip_version=InsideIpVersion(o.get("tunnel_inside_ip_version", "ipv4")),
        outside_ip_type=OutsideIpType(o.get("outside_ip_type", "PublicIpv4")),
        acceleration=bool(o.get("acceleration", False)),
        transport_attachment_id=o.get("transport_attachment_id"),
        routes=tuple(StaticRoute(destination=ipaddress.ip_network(r["destination"]), state=r.get("state"),
                                 source=r.get("source", "Static")) for r in o.get("routes", ())),
    )


def _tunnel_from_dict(t: Mapping[str, Any], v1_from_api: bool | None) -> Tunnel:
    """``v1_from_api`` is None for a schema_version 2 document, else whether the v1 tunnel came from the
    API JSON (its lists are then the accepted sets)."""
    ike_d, ipsec_d = t["ike"], t["ipsec"]
    v6 = t.get("inside_ipv6")
    bgp = t.get("bgp")
    ike = Ike(
        version=IkeVersion(ike_d["version"]), auth=ike_d.get("auth", "psk"), psk=ike_d.get("psk"),
        certificate_arn=ike_d.get("certificate_arn"),
        mode=_opt(NegotiationMode, ike_d.get("mode")),
        encryption=_enum_tuple(Encryption, ike_d["encryption"]),
        integrity=_enum_tuple(Integrity, ike_d["integrity"]),
        dh_groups=_ints(ike_d["dh_groups"]), lifetime_s=int(ike_d["lifetime_s"]),
        allowed_versions=_opt(lambda v: _enum_tuple(IkeVersion, v), ike_d.get("allowed_versions")),
    )
    ipsec = Ipsec(
        protocol=ipsec_d.get("protocol", "esp"), mode=ipsec_d.get("mode", "tunnel"),
        encryption=_enum_tuple(Encryption, ipsec_d["encryption"]),
        integrity=_enum_tuple(Integrity, ipsec_d["integrity"]),
        pfs_groups=_ints(ipsec_d["pfs_groups"]), lifetime_s=int(ipsec_d["lifetime_s"]),
    )
    if v1_from_api is None:
        accepted = _accepted_from_dict(t["accepted"])
    else:
        accepted = _v1_accepted(ike, ipsec, v1_from_api or ike.allowed_versions is not None)
    return Tunnel(
        number=int(t["number"]),
        outside=Outside(customer=_ip(t["outside"]["customer"]), aws=_ip(t["outside"]["aws"])),
        inside=Inside(customer=IPv4If(t["inside"]["customer"]), aws=IPv4If(t["inside"]["aws"])),
        inside_ipv6=None if v6 is None else InsideV6(customer=IPv6If(v6["customer"]), aws=IPv6If(v6["aws"])),
        ike=ike, ipsec=ipsec, accepted=accepted,
        dpd=Dpd(interval_s=int(t["dpd"]["interval_s"]), retries=int(t["dpd"]["retries"])),
        aws_options=_aws_options_from_dict(t.get("aws_options") or {}),
        mtu=int(t["mtu"]), tcp_mss=int(t["tcp_mss"]),
        clear_df=bool(t.get("clear_df", True)),
        fragment_before_encryption=bool(t.get("fragment_before_encryption", True)),
        bgp=None if bgp is None else Bgp(
            customer_asn=_opt(int, bgp.get("customer_asn")), aws_asn=int(bgp["aws_asn"]),
            neighbor=IPv4(bgp["neighbor"]), hold_time_s=int(bgp["hold_time_s"])),
        static_next_hop=_opt(IPv4, t.get("static_next_hop")),
    )


def from_dict(data: Mapping[str, Any]) -> Connection:
    """Inverse of :func:`to_dict`; also reads schema_version 1 (the result is a version 2 Connection).
    Raises ``KeyError``/``ValueError`` on a malformed document or an unknown schema_version
    (:func:`vpncc.readers.ir_json.load_ir` wraps these into :class:`vpncc.errors.InputError`)."""
    version = int(data.get("schema_version", SCHEMA_VERSION))
    if version not in (1, SCHEMA_VERSION):
        raise ValueError(f"schema_version {version} is not supported (this vpncc reads 1 and {SCHEMA_VERSION})")
    src = data.get("source") or {}
    gw = data["gateway"]
    v1_from_api = None if version == SCHEMA_VERSION else src.get("format") == "aws-json"
    return Connection(
        schema_version=SCHEMA_VERSION,
        source=Source(format=src.get("format", "aws-generic"), path=src.get("path"), layout=src.get("layout")),
        vpn_connection_id=data.get("vpn_connection_id"),
        customer_gateway_id=data.get("customer_gateway_id"),
        gateway=Gateway(kind=GatewayKind(gw["kind"]), id=gw.get("id")),
        routing=Routing(data["routing"]),
        options=_options_from_dict(data.get("options") or {}),
        tunnels=tuple(_tunnel_from_dict(t, v1_from_api) for t in data["tunnels"]),
        warnings=tuple(Warning(code=w["code"], message=w["message"], line=w.get("line"))
                       for w in data.get("warnings", ())),
    )


def dumps(data: Any) -> str:
    """``json.dumps(data, indent=2)`` with lists of plain values on one line (``"ike_dh_groups": [2, 14,
    15]``): the form ``vpncc parse`` prints. ``json.loads`` reads it back unchanged."""
    import json

    def enc(v: Any, ind: str) -> str:
        if isinstance(v, dict):
            if not v:
                return "{}"
            inner = ind + "  "
            return "{\n" + ",\n".join(f"{inner}{json.dumps(k)}: {enc(x, inner)}" for k, x in v.items()) \
                + "\n" + ind + "}"
        if isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                return "[" + ", ".join(json.dumps(x) for x in v) + "]"
            inner = ind + "  "
            return "[\n" + ",\n".join(inner + enc(x, inner) for x in v) + "\n" + ind + "]"
        return json.dumps(v)

    return enc(data, "") + "\n"
