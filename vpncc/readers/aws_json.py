"""Reader for the EC2 API JSON: ``aws ec2 describe-vpn-connections`` (one or many connections),
``create-vpn-connection``'s ``{"VpnConnection": {...}}``, a bare connection object or a list of them.

Each connection's embedded ``CustomerGatewayConfiguration`` XML gives the base IR (customer outside
address, BGP ASNs and hold time, MSS, DPD, ...); ``Options.TunnelOptions`` then override it, because
the XML only ever shows AWS's minimum example suite (AES128/SHA1/group 2) while the tunnel options
are what the AWS endpoint really accepts.

Decisions:
- Lists keep the API's order (deduplicated). AWS's endpoint does not honour an order anyway: it
  "evaluate[s] proposals ... starting with the lowest configured value ... regardless of the proposal
  order" (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html).
- A TunnelOptions entry that omits a list means AWS allows every value ("All default values will be
  associated with that tunnel option if you don't choose specific values", same page); the allowed
  values are those of the API reference (VpnTunnelOptionsSpecification): see the DEFAULT_* tables.
  Scalars an entry omits (lifetimes, DPD) keep the embedded XML's values. ``Category: VPN-Classic``
  connections only ever offer the XML's suite, so their omitted lists keep the XML's values.
- No TunnelOptions at all (API responses before late 2019, mocks with ``[]``): the XML is the IR.
- IKE version: ``ike.version`` is the one compiled. When the tunnel allows several, the XML's (ikev1) is
  kept if allowed, else the API's first; ``ike.allowed_versions`` holds them all (validation accepts any
  of them, the merge keeps the file's if allowed).
- DPD: the IR has interval/retries, the API a timeout. AWS: "A DPD timeout of 40 seconds means that
  the VPN endpoint will consider the peer dead 30 seconds after the first failed keep-alive"
  (ModifyVpnTunnelOptionsSpecification), i.e. a first keep-alive after 10 s idle, then retries 10 s
  apart: interval 10, retries = ceil((timeout - 10) / 10), at least 1. So 40 (today's default)
  gives 10/3, what the XML says; 30 gives 10/2.
- ``PreSharedKeyArn`` (key kept in Secrets Manager): never fetched. The XML's key is kept if it
  has one, else the PSK is null with a ``psk-in-secrets-manager`` warning naming the ARN.
- Connections in state ``deleted``/``deleting`` or without a CustomerGatewayConfiguration (AWS
  only includes it for pending/available ones) are skipped; pass ``skipped=[]`` to learn which.
- Every tunnel option goes into the IR: the lists into ``Tunnel.accepted`` (source ``tunnel-options``)
  and ``ike``/``ipsec``; StartupAction, DpdTimeoutAction/Seconds, RekeyMarginTimeSeconds,
  RekeyFuzzPercentage, ReplayWindowSize, EnableTunnelLifecycleControl, LogOptions into
  ``Tunnel.aws_options``; the connection's Options (Local/Remote IPv4/IPv6 network CIDRs,
  TunnelInsideIpVersion, OutsideIpAddressType, EnableAcceleration, TransportTransitGatewayAttachmentId)
  and ``Routes`` into ``Connection.options``. No TunnelOptions: the sets are AWS's defaults (source
  ``aws-defaults``) with a ``tunnel-options-assumed`` warning.
- Certificate authentication: a customer gateway with a ``CertificateArn`` (a ``CustomerGateways`` list
  from ``describe-customer-gateways`` next to ``VpnConnections``, or a ``CustomerGateway`` object in the
  connection), or an embedded XML without ``<pre_shared_key>``: ``ike.auth`` "certificate", no PSK.
- GovCloud: an ARN in the ``aws-us-gov`` partition (PreSharedKeyArn, CertificateArn, LogGroupArn) means
  GovCloud's default sets for omitted lists (vpncc.aws_defaults).

Keys are matched case-insensitively and ignoring underscores, and list items may be ``{"Value": x}``
or bare values, so Security Hub's and snake_case exports read too.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import re
from dataclasses import replace
from typing import Any, Callable, Iterator

from ..errors import InputError
from ..ir import (
    AcceptedSource,
    Connection,
    ConnectionOptions,
    Gateway,
    GatewayKind,
    InsideIpVersion,
    OutsideIpType,
    Position,
    Routing,
    Source,
    StaticRoute,
    Warning,
)
from . import aws_xml, xml_doc
from .aws_json_doc import Ctx, lookup, val
from .aws_json_options import apply_all

FORMAT = "aws-json"

def _load(text: str, path: str | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        lines = text.splitlines()
        ctx = xml_doc.mask_line(lines[e.lineno - 1]) if 0 < e.lineno <= len(lines) else None
        raise InputError(f"invalid JSON: {e.msg}", path, e.lineno, e.colno, ctx) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", path) from None
    except ValueError as e:  # e.g. an integer over Python's digit limit
        raise InputError(f"invalid JSON: {str(e).splitlines()[0][:120]}", path) from None


def _find(data: Any, ctx: Ctx) -> tuple[list[tuple[tuple[Any, ...], dict[str, Any]]], list[Warning]]:
    """(json path, connection object) pairs, and a warning when the list sat inside a wrapper."""
    if isinstance(data, list):
        return [((i,), o) for i, o in enumerate(data) if isinstance(o, dict)], []
    if not isinstance(data, dict):
        raise ctx.err("the JSON is not an object; expected describe-vpn-connections output", ())
    k, v = lookup(data, "VpnConnections")
    if isinstance(v, list):
        return [((k, i), o) for i, o in enumerate(v) if isinstance(o, dict)], []
    k, v = lookup(data, "VpnConnection")
    if isinstance(v, dict):
        return [((k,), v)], []
    if lookup(data, "VpnConnectionId")[0] or lookup(data, "CustomerGatewayConfiguration")[0]:
        return [((), data)], []
    # a test fixture or export that wraps the response: search nested objects (not arrays)
    queue: list[tuple[tuple[Any, ...], dict[str, Any]]] = [((), data)]
    while queue:
        prefix, obj = queue.pop(0)
        if len(prefix) > 6:
            continue
        for key, item in obj.items():
            if not isinstance(item, dict):
                continue
            k2, v2 = lookup(item, "VpnConnections")
            if isinstance(v2, list):
                where = ".".join(map(str, prefix + (key, k2)))
                w = Warning("json-nested", f"the VpnConnections list was found at {where}",
                            ctx.line(prefix + (key, k2)))
                return [((*prefix, key, k2, i), o) for i, o in enumerate(v2) if isinstance(o, dict)], [w]
            queue.append(((*prefix, key), item))
    raise ctx.err("no VpnConnections in this JSON", (),
                  hint="give the output of `aws ec2 describe-vpn-connections` (or one VpnConnection object)")


def read_all(text: str, path: str | None = None, *, skipped: list[tuple[str | None, str]] | None = None,
             ) -> list[Connection]:
    """Every usable connection in the JSON, in document order."""
    data = _load(text, path)
    ctx = Ctx(text, path)
    items, extra = _find(data, ctx)
    gateways = _customer_gateways(data)
    out: list[Connection] = []
    dropped: list[tuple[str | None, str]] = []
    # Reading allocates many small acyclic objects while the decoded JSON and the IRs built so far
    # stay alive: the cyclic GC would rescan them all again and again (about 40 % of the time for
    # 1,000 connections). Nothing here creates reference cycles, so pause it for the loop.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for jp, obj in items:
            conn = _connection(obj, jp, ctx, extra, dropped, gateways)
            if conn is not None:
                out.append(conn)
    finally:
        if was_enabled:
            gc.enable()
    if skipped is not None:
        skipped.extend(dropped)
    if not out:
        why = "; ".join(f"{i or 'connection'}: {r}" for i, r in dropped) or "the list is empty"
        raise InputError(f"no usable VPN connection in the JSON ({why})", path)
    return out


def read(text: str, path: str | None = None) -> Connection:
    conns = read_all(text, path)
    if len(conns) != 1:
        raise InputError(f"the JSON holds {len(conns)} connections; expected one", path)
    return conns[0]


def _customer_gateways(data: Any) -> dict[str, dict[str, Any]]:
    """CustomerGatewayId -> object, from a ``CustomerGateways`` list (describe-customer-gateways output
    combined with describe-vpn-connections')."""
    if not isinstance(data, dict):
        return {}
    gws = val(data, "CustomerGateways")
    if not isinstance(gws, list):
        return {}
    return {g["CustomerGatewayId"]: g for g in gws
            if isinstance(g, dict) and isinstance(g.get("CustomerGatewayId"), str)}


def _connection(obj: dict[str, Any], jp: tuple[Any, ...], ctx: Ctx, extra: list[Warning],
                dropped: list[tuple[str | None, str]], gateways: dict[str, dict[str, Any]] | None = None) -> Connection | None:
    vpn_id = val(obj, "VpnConnectionId")
    vpn_id = vpn_id if isinstance(vpn_id, str) and vpn_id else None
    state = str(val(obj, "State") or "").lower()
    if state in ("deleted", "deleting"):
        dropped.append((vpn_id, f"state {state}"))
        return None
    ck, cgc = lookup(obj, "CustomerGatewayConfiguration")
    if not isinstance(cgc, str) or not cgc.strip():
        dropped.append((vpn_id, "no CustomerGatewayConfiguration (AWS includes it for pending and "
                                "available connections only)"))
        return None
    cgc_path = jp + (ck,)
    who = vpn_id or "connection"
    try:
        base_list = aws_xml.read_doc(xml_doc.parse(cgc, ctx.path), ctx.path, FORMAT)
    except InputError as e:
        inner = f" (XML line {e.line}" + (f", column {e.column})" if e.column else ")") if e.line else ""
        raise ctx.err(f"{who}: its CustomerGatewayConfiguration XML: {e.message}{inner}", cgc_path,
                      e.hint) from None
    if len(base_list) != 1:
        raise ctx.err(f"{who}: CustomerGatewayConfiguration holds {len(base_list)} connections", cgc_path)
    base = base_list[0]
    cgc_line = ctx.line(cgc_path)
    cgc_pos = ctx.pos(cgc_path)
    vk_, _ = lookup(obj, "VpnConnectionId")
    cgw_key, cgw_raw = lookup(obj, "CustomerGatewayId")
    tk, tgw = lookup(obj, "TransitGatewayId")
    vk, vgw = lookup(obj, "VpnGatewayId")
    cgw_raw = cgw_raw if isinstance(cgw_raw, str) and cgw_raw else None
    tgw = tgw if isinstance(tgw, str) and tgw else None
    vgw = vgw if isinstance(vgw, str) and vgw else None
    # the JSON's own ids replace the XML's: drop the XML's remarks about those
    replaced = tuple(label for label, raw in (("vpn_connection id", vpn_id), ("customer_gateway_id", cgw_raw),
                                              ("vpn_gateway_id", tgw or vgw), ("transit_gateway_id", tgw or vgw))
                     if raw)
    warnings = list(extra)
    warnings += [Warning(w.code, f"CustomerGatewayConfiguration: {w.message}", cgc_line) for w in base.warnings
                 if not (w.code.startswith("id-") or w.code == "placeholder") or not w.message.startswith(replaced)]
    origin: dict[str, Position] = {k: cgc_pos for k in base.origin} if cgc_pos else {}
    return overlay(base, obj, jp, ctx, warnings, origin, gateways or {})


def overlay(base: Connection, obj: dict[str, Any], jp: tuple[Any, ...], ctx: Ctx, warnings: list[Warning],
            origin: dict[str, Position], gateways: dict[str, dict[str, Any]], *, from_file: bool = False) -> Connection:
    """``base`` (the embedded XML's IR, or with ``from_file`` the downloaded file's for --tunnel-options)
    with the connection object's ids, Options, TunnelOptions and Routes applied."""
    vpn_id = val(obj, "VpnConnectionId")
    vpn_id = vpn_id if isinstance(vpn_id, str) and vpn_id else None
    who = vpn_id or "connection"
    ck, cgc = lookup(obj, "CustomerGatewayConfiguration")
    cgc_path = jp + (ck,)
    vk_, _ = lookup(obj, "VpnConnectionId")
    cgw_key, cgw_raw = lookup(obj, "CustomerGatewayId")
    tk, tgw = lookup(obj, "TransitGatewayId")
    vk, vgw = lookup(obj, "VpnGatewayId")
    cgw_raw = cgw_raw if isinstance(cgw_raw, str) and cgw_raw else None
    tgw = tgw if isinstance(tgw, str) and tgw else None
    vgw = vgw if isinstance(vgw, str) and vgw else None

    def warn(code: str, message: str, key_path: tuple[Any, ...] | None = None) -> None:
        warnings.append(Warning(code, message, ctx.line(key_path) if key_path else None))

    def ident(prefix: str, raw: str, label: str, key_path: tuple[Any, ...]) -> str | None:
        checked, note = aws_xml.aws_id(prefix, raw, label)
        if note:
            warn(note[0], note[1], key_path)
        return checked

    mark = _marker(origin, ctx)
    conn_id = base.vpn_connection_id
    if vpn_id:
        conn_id = ident("vpn", vpn_id, "VpnConnectionId", jp + (vk_,))
        mark("vpn_connection_id", jp + (vk_,))
        embedded = _xml_id(cgc) if isinstance(cgc, str) else None
        if embedded and embedded != vpn_id:
            warn("id-mismatch", f"{vpn_id}: the embedded XML names connection {embedded}", cgc_path)
    cgw_id = base.customer_gateway_id
    if cgw_raw:
        cgw_id = ident("cgw", cgw_raw, "CustomerGatewayId", jp + (cgw_key,))
        mark("customer_gateway_id", jp + (cgw_key,))
    gateway = base.gateway
    if tgw:
        gateway = Gateway(GatewayKind.TGW, ident("tgw", tgw, "TransitGatewayId", jp + (tk,)))
        mark("gateway.id", jp + (tk,))
    elif vgw:
        gateway = Gateway(GatewayKind.VGW, ident("vgw", vgw, "VpnGatewayId", jp + (vk,)))
        mark("gateway.id", jp + (vk,))
    ok, opts = lookup(obj, "Options")
    opts = opts if isinstance(opts, dict) else {}
    op = jp + (ok,)
    conn = replace(base, vpn_connection_id=conn_id, customer_gateway_id=cgw_id, gateway=gateway)
    if not from_file:
        conn = replace(conn, source=Source(format=FORMAT, path=ctx.path, layout=None))

    sk, static = lookup(opts, "StaticRoutesOnly")
    if isinstance(static, bool):
        conn = _routing(conn, Routing.STATIC if static else Routing.BGP, warn, op + (sk,))
        mark("routing", op + (sk,))
    conn = replace(conn, options=_connection_options(conn, obj, jp, opts, op, ctx, who, mark))
    conn = _certificate(conn, obj, gateways, cgw_id or cgw_raw, warn, jp)
    if all(t.ike.auth == "certificate" for t in conn.tunnels):
        warnings[:] = [w for w in warnings if w.code != "psk-redacted"]   # no key to redact

    classic = str(val(obj, "Category") or "").lower() == "vpn-classic"
    tk2, topts = lookup(opts, "TunnelOptions")
    arn = val(obj, "PreSharedKeyArn")
    govcloud = _govcloud(obj, gateways.get(cgw_id or cgw_raw or ""))
    if isinstance(topts, list) and topts:
        conn = apply_all(conn, topts, op + (tk2,), ctx, classic, arn, warn, mark, govcloud)
        for t in conn.tunnels:
            if t.accepted.source is AcceptedSource.AWS_DEFAULTS and not from_file:
                warn("tunnel-options-assumed", f"tunnel {t.number}: no TunnelOptions entry matches it: AWS's "
                     "default accepted sets are assumed", op + (tk2,))
    else:
        if not from_file:
            warn("tunnel-options-assumed", f"{who}: no Options.TunnelOptions: AWS's default accepted sets are "
                 "assumed (both IKE versions, every algorithm and DH group AWS lists); newer "
                 "`aws ec2 describe-vpn-connections` output has them", op + (tk2,) if tk2 else jp)
        if isinstance(arn, str) and arn:
            conn = _psk_arn(conn, arn, warn, jp + (lookup(obj, "PreSharedKeyArn")[0],))
    return replace(conn, warnings=tuple(warnings), origin=origin)


_XML_ID = re.compile(r'<vpn_connection\s+id\s*=\s*\\?["\']([^"\'\\]*)')


def _xml_id(xml: str) -> str | None:
    """The id attribute exactly as the embedded XML writes it (the IR may have dropped a placeholder)."""
    m = _XML_ID.search(xml, 0, 4096)
    return (m.group(1).strip() or None) if m else None


def _marker(origin: dict[str, Position], ctx: Ctx) -> Callable[[str, tuple[Any, ...]], None]:
    def mark(ir_path: str, jpath: tuple[Any, ...]) -> None:
        if jpath and jpath[-1] is not None:
            p = ctx.pos(jpath)
            if p is not None:
                origin[ir_path] = p
    return mark


def _routing(conn: Connection, routing: Routing, warn: Callable[..., None], key_path: tuple[Any, ...]) -> Connection:
    if routing is conn.routing:
        return conn
    if routing is Routing.STATIC:
        warn("routing-inconsistent", "StaticRoutesOnly is true but the embedded XML has BGP: static routing used",
             key_path)
        tunnels = tuple(replace(t, bgp=None, static_next_hop=t.inside.aws.ip) for t in conn.tunnels)
        return replace(conn, routing=routing, tunnels=tunnels)
    # BGP wanted but the XML has no ASNs to build it from
    warn("routing-inconsistent", "StaticRoutesOnly is false but the embedded XML has no BGP settings: "
         "static routing kept", key_path)
    return conn


def _connection_options(conn: Connection, obj: dict[str, Any], jp: tuple[Any, ...], opts: dict[str, Any], op: tuple[Any, ...], ctx: Ctx, who: str,
                        mark: Callable[[str, tuple[Any, ...]], None]) -> ConnectionOptions:
    """VpnConnectionOptions and the connection's Routes (EC2 API Reference VpnConnectionOptions,
    VpnStaticRoute). Omitted values keep AWS's defaults (any network, IPv4 inside, public IPv4 outside)."""
    base = conn.options

    def net(name: str, cls: Any, default: Any) -> Any:
        k, v = lookup(opts, name)
        if not isinstance(v, str) or not v:
            return default
        try:
            out = cls(v, strict=False)
        except ValueError:
            raise ctx.err(f"{who}: {name} {aws_xml.short(v)} is not a CIDR", op + (k,)) from None
        mark(f"options.{_snake(name)}", op + (k,))
        return out

    def enum(name: str, cls: Any, default: Any) -> Any:
        k, v = lookup(opts, name)
        if not isinstance(v, str) or not v:
            return default
        for e in cls:
            if e.value.lower() == v.lower():
                mark(f"options.{_snake(name)}", op + (k,))
                return e
        raise ctx.err(f"{who}: {name} {aws_xml.short(v)} is not one of " + " | ".join(e.value for e in cls),
                      op + (k,))

    ak, accel = lookup(opts, "EnableAcceleration")
    if accel is not None and not isinstance(accel, bool):
        raise ctx.err(f"{who}: EnableAcceleration must be true or false", op + (ak,))
    if isinstance(accel, bool):
        mark("options.acceleration", op + (ak,))
    tk, transport = lookup(opts, "TransportTransitGatewayAttachmentId")
    inside_v = enum("TunnelInsideIpVersion", InsideIpVersion, base.tunnel_inside_ip_version)
    v6_default = "::/0" if inside_v is InsideIpVersion.IPV6 else None
    routes = []
    rk, raw_routes = lookup(obj, "Routes")
    for i, r in enumerate(raw_routes if isinstance(raw_routes, list) else ()):
        dest = val(r, "DestinationCidrBlock") if isinstance(r, dict) else None
        if not isinstance(dest, str):
            continue
        try:
            routes.append(StaticRoute(destination=ipaddress.ip_network(dest, strict=False),
                                      state=val(r, "State") if isinstance(val(r, "State"), str) else None,
                                      source=val(r, "Source") if isinstance(val(r, "Source"), str) else "Static"))
        except ValueError:
            raise ctx.err(f"{who}: route {aws_xml.short(dest)} is not a CIDR", jp + (rk, i)) from None
    if routes:
        mark("options.routes", jp + (rk,))
    return ConnectionOptions(
        local_ipv4_cidr=net("LocalIpv4NetworkCidr", ipaddress.IPv4Network, base.local_ipv4_cidr),
        remote_ipv4_cidr=net("RemoteIpv4NetworkCidr", ipaddress.IPv4Network, base.remote_ipv4_cidr),
        local_ipv6_cidr=net("LocalIpv6NetworkCidr", ipaddress.IPv6Network,
                            base.local_ipv6_cidr or _opt_net6(v6_default)),
        remote_ipv6_cidr=net("RemoteIpv6NetworkCidr", ipaddress.IPv6Network,
                             base.remote_ipv6_cidr or _opt_net6(v6_default)),
        tunnel_inside_ip_version=inside_v,
        outside_ip_type=enum("OutsideIpAddressType", OutsideIpType, base.outside_ip_type),
        acceleration=accel if isinstance(accel, bool) else base.acceleration,
        transport_attachment_id=transport if isinstance(transport, str) and transport else base.transport_attachment_id,
        routes=tuple(routes) or base.routes,
    )


def _opt_net6(v: str | None) -> ipaddress.IPv6Network | None:
    return None if v is None else ipaddress.IPv6Network(v)


_SNAKE = {"LocalIpv4NetworkCidr": "local_ipv4_cidr", "RemoteIpv4NetworkCidr": "remote_ipv4_cidr",
          "LocalIpv6NetworkCidr": "local_ipv6_cidr", "RemoteIpv6NetworkCidr": "remote_ipv6_cidr",
          "TunnelInsideIpVersion": "tunnel_inside_ip_version", "OutsideIpAddressType": "outside_ip_type"}


def _snake(name: str) -> str:
    return _SNAKE[name]


def _arns(obj: Any, depth: int = 0) -> Iterator[str]:
    """Every string value under a key ending in "Arn" (PreSharedKeyArn, CertificateArn, LogGroupArn)."""
    if depth > 6:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, str) and str(k).lower().endswith("arn"):
                yield v
            elif isinstance(v, (dict, list)):
                yield from _arns(v, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            yield from _arns(v, depth + 1)


def _govcloud(obj: dict[str, Any], gateway: dict[str, Any] | None) -> bool:
    """An ARN in the aws-us-gov partition: the connection lives in AWS GovCloud (US)."""
    return any(a.startswith("arn:aws-us-gov:") for src in (obj, gateway or {}) for a in _arns(src))


def _certificate(conn: Connection, obj: dict[str, Any], gateways: dict[str, dict[str, Any]], cgw_id: str | None,
                 warn: Callable[..., None], jp: tuple[Any, ...]) -> Connection:
    """Certificate authentication: the customer gateway's CertificateArn (describe-customer-gateways),
    from a ``CustomerGateways`` list or a ``CustomerGateway`` object inside the connection."""
    gw = val(obj, "CustomerGateway")
    gw = gw if isinstance(gw, dict) else gateways.get(cgw_id or "")
    arn = val(gw, "CertificateArn") if isinstance(gw, dict) else None
    if not (isinstance(arn, str) and arn):
        return conn
    tunnels = []
    for t in conn.tunnels:
        if t.ike.psk is not None:
            warn("psk-ignored", f"tunnel {t.number}: the customer gateway authenticates with a certificate "
                 f"({arn}); the pre-shared key is not used", jp)
        tunnels.append(replace(t, ike=replace(t.ike, auth="certificate", psk=None, certificate_arn=arn)))
    return replace(conn, tunnels=tuple(tunnels))


def _psk_arn(conn: Connection, arn: str, warn: Callable[..., None], key_path: tuple[Any, ...]) -> Connection:
    tunnels = []
    for t in conn.tunnels:
        if t.ike.psk is None:
            warn("psk-in-secrets-manager", f"tunnel {t.number}: the pre-shared key is kept in AWS Secrets Manager "
                 f"({arn}); vpncc does not fetch it: supply it to compile", key_path)
        tunnels.append(t)
    return replace(conn, tunnels=tuple(tunnels))
