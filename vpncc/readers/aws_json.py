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
- Settings the IR lacks (StartupAction, DpdTimeoutAction, Local/RemoteIpv4NetworkCidr,
  EnableAcceleration) become ``tunnel-option-ignored`` warnings when they differ from AWS's default.

Keys are matched case-insensitively and ignoring underscores, and list items may be ``{"Value": x}``
or bare values, so Security Hub's and snake_case exports read too.
"""

from __future__ import annotations

import gc
import json
import re
from dataclasses import replace
from typing import Any

from ..errors import InputError
from ..ir import Connection, Gateway, GatewayKind, Position, Routing, Source, Warning
from . import aws_xml
from . import xml_doc
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


def _find(data: Any, ctx: Ctx) -> tuple[list[tuple[tuple, dict]], list[Warning]]:
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
    queue: list[tuple[tuple, dict]] = [((), data)]
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
    out: list[Connection] = []
    dropped: list[tuple[str | None, str]] = []
    # Reading allocates many small acyclic objects while the decoded JSON and the IRs built so far
    # stay alive: the cyclic GC would rescan them all again and again (about 40 % of the time for
    # 1,000 connections). Nothing here creates reference cycles, so pause it for the loop.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for jp, obj in items:
            conn = _connection(obj, jp, ctx, extra, dropped)
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


def _connection(obj: dict, jp: tuple, ctx: Ctx, extra: list[Warning],
                dropped: list[tuple[str | None, str]]) -> Connection | None:
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

    def warn(code: str, message: str, key_path: tuple | None = None) -> None:
        warnings.append(Warning(code, message, ctx.line(key_path) if key_path else None))

    def ident(prefix: str, raw: str, label: str, key_path: tuple) -> str | None:
        checked, note = aws_xml.aws_id(prefix, raw, label)
        if note:
            warn(note[0], note[1], key_path)
        return checked

    mark = _marker(origin, ctx)
    conn_id = base.vpn_connection_id
    if vpn_id:
        conn_id = ident("vpn", vpn_id, "VpnConnectionId", jp + (vk_,))
        mark("vpn_connection_id", jp + (vk_,))
        embedded = _xml_id(cgc)
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
    conn = replace(base, vpn_connection_id=conn_id, customer_gateway_id=cgw_id,
                   gateway=gateway, source=Source(format=FORMAT, path=ctx.path, layout=None))

    sk, static = lookup(opts, "StaticRoutesOnly")
    if isinstance(static, bool):
        conn = _routing(conn, Routing.STATIC if static else Routing.BGP, warn, op + (sk,))
        mark("routing", op + (sk,))
    _connection_options(opts, op, who, warn)

    classic = str(val(obj, "Category") or "").lower() == "vpn-classic"
    tk2, topts = lookup(opts, "TunnelOptions")
    arn = val(obj, "PreSharedKeyArn")
    if isinstance(topts, list) and topts:
        conn = apply_all(conn, topts, op + (tk2,), ctx, classic, arn, warn, mark)
    elif isinstance(arn, str) and arn:
            conn = _psk_arn(conn, arn, warn, jp + (lookup(obj, "PreSharedKeyArn")[0],))
    return replace(conn, warnings=tuple(warnings), origin=origin)


_XML_ID = re.compile(r'<vpn_connection\s+id\s*=\s*\\?["\']([^"\'\\]*)')


def _xml_id(xml: str) -> str | None:
    """The id attribute exactly as the embedded XML writes it (the IR may have dropped a placeholder)."""
    m = _XML_ID.search(xml, 0, 4096)
    return (m.group(1).strip() or None) if m else None


def _marker(origin: dict[str, Position], ctx: Ctx):
    def mark(ir_path: str, jpath: tuple) -> None:
        if jpath and jpath[-1] is not None:
            p = ctx.pos(jpath)
            if p is not None:
                origin[ir_path] = p
    return mark


def _routing(conn: Connection, routing: Routing, warn, key_path: tuple) -> Connection:
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


def _connection_options(opts: dict, op: tuple, who: str, warn) -> None:
    for key, default, what in (("LocalIpv4NetworkCidr", "0.0.0.0/0", "local IPv4 network"),
                               ("RemoteIpv4NetworkCidr", "0.0.0.0/0", "remote IPv4 network"),
                               ("LocalIpv6NetworkCidr", "::/0", "local IPv6 network"),
                               ("RemoteIpv6NetworkCidr", "::/0", "remote IPv6 network")):
        k, v = lookup(opts, key)
        if isinstance(v, str) and v and v != default:
            warn("tunnel-option-ignored", f"{who}: {key} {v} (the {what} of the traffic selectors) is not "
                 "part of vpncc's IR; put it in the site profile", op + (k,))
    k, v = lookup(opts, "EnableAcceleration")
    if v is True:
        warn("tunnel-option-ignored", f"{who}: EnableAcceleration is true (Accelerated VPN): the device must "
             "keep NAT-T enabled; the IR does not record it", op + (k,))


def _psk_arn(conn: Connection, arn: str, warn, key_path: tuple) -> Connection:
    tunnels = []
    for t in conn.tunnels:
        if t.ike.psk is None:
            warn("psk-in-secrets-manager", f"tunnel {t.number}: the pre-shared key is kept in AWS Secrets Manager "
                 f"({arn}); vpncc does not fetch it: supply it to compile", key_path)
        tunnels.append(t)
    return replace(conn, tunnels=tuple(tunnels))
