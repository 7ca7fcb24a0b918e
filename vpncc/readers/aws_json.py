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
- IKE version: the IR holds one. When the tunnel allows several, the XML's (ikev1) is kept if
  allowed, else the API's first. :func:`allowed_ike_versions` returns the whole set for the merge.
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

import bisect
import gc
import ipaddress
import json
import math
import re
from dataclasses import replace
from typing import Any, Iterable

from ..errors import InputError
from ..ir import (
    Connection, Dpd, Encryption, Gateway, GatewayKind, IkeVersion, Inside, InsideV6, Integrity, Position,
    Routing, Source, Tunnel, Warning,
)
from . import aws_xml
from . import xml_doc

FORMAT = "aws-json"

# Allowed values, API reference VpnTunnelOptionsSpecification / ModifyVpnTunnelOptionsSpecification
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html):
# Phase1/2EncryptionAlgorithms AES128 | AES256 | AES128-GCM-16 | AES256-GCM-16,
# Phase1/2IntegrityAlgorithms SHA1 | SHA2-256 | SHA2-384 | SHA2-512,
# Phase1DHGroupNumbers 2 | 14-24, Phase2DHGroupNumbers 2 | 5 | 14-24, IKEVersions ikev1 | ikev2
# (defaults "ikev1, ikev2" on the VPNTunnels page). All of them apply when the list is omitted.
DEFAULT_ENCRYPTION = (Encryption.AES128, Encryption.AES256, Encryption.AES128_GCM_16, Encryption.AES256_GCM_16)
DEFAULT_INTEGRITY = (Integrity.SHA1, Integrity.SHA2_256, Integrity.SHA2_384, Integrity.SHA2_512)
DEFAULT_P1_DH = (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
DEFAULT_P2_DH = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)
DEFAULT_IKE_VERSIONS = (IkeVersion.IKEV1, IkeVersion.IKEV2)
DPD_INTERVAL = 10


def dpd_from_timeout(timeout: int) -> Dpd:
    """DpdTimeoutSeconds -> IR DPD (see the module docstring)."""
    return Dpd(DPD_INTERVAL, max(1, math.ceil((timeout - DPD_INTERVAL) / DPD_INTERVAL)))


# -- the IKE versions a tunnel allows (the IR keeps one; the merge needs the set) ----------------
_ALLOWED_IKE: dict[tuple, tuple[IkeVersion, ...]] = {}


def _ike_key(conn_id: str | None, t: Tunnel) -> tuple:
    return (conn_id, t.number, str(t.outside.aws), str(t.inside.aws))


def allowed_ike_versions(conn: Connection, tunnel: Tunnel) -> tuple[IkeVersion, ...] | None:
    """IKE versions the API allows for a tunnel read by this module, or None if unknown."""
    return _ALLOWED_IKE.get(_ike_key(conn.vpn_connection_id, tunnel))


# -- JSON positions --------------------------------------------------------------------------

_TOK = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]')


class _Index:
    """Offsets of object keys and array items by JSON path, from one regex pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos: dict[tuple, int] = {}
        self._starts: list[int] | None = None
        # parallel stacks: is-object flags, the path (key or index per level), expecting-a-key flags
        objs: list[bool] = []
        path: list = []
        want_key: list[bool] = []
        pos = self.pos
        loads = json.loads
        for m in _TOK.finditer(text):
            t = m.group()
            c = t[0]
            if c == '"':
                if want_key and want_key[-1]:
                    path[-1] = loads(t) if "\\" in t else t[1:-1]
                    want_key[-1] = False
                    pos[tuple(path)] = m.start()
            elif c == "{" or c == "[":
                if objs and not objs[-1]:
                    pos[tuple(path)] = m.start()
                obj = c == "{"
                objs.append(obj)
                path.append(None if obj else 0)
                want_key.append(obj)
            elif c == ",":
                if objs:
                    if objs[-1]:
                        want_key[-1] = True
                    else:
                        path[-1] += 1
            elif objs:
                objs.pop()
                path.pop()
                want_key.pop()

    def position(self, path: tuple) -> Position | None:
        off = self.pos.get(path)
        if off is None:
            return None
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]
        line = bisect.bisect_right(self._starts, off)
        return Position(line, off - self._starts[line - 1] + 1)

    def line_text(self, line: int | None) -> str | None:
        if line is None:
            return None
        if self._starts is None:
            self.position(next(iter(self.pos), ()))
        assert self._starts is not None
        if not 1 <= line <= len(self._starts):
            return None
        start = self._starts[line - 1]
        end = self.text.find("\n", start)
        return xml_doc.mask_line(self.text[start: end if end >= 0 else len(self.text)])


# -- key lookup ------------------------------------------------------------------------------

def _norm(key: str) -> str:
    return key.replace("_", "").lower()


def _lookup(obj: Any, name: str) -> tuple[str | None, Any]:
    if not isinstance(obj, dict):
        return None, None
    if name in obj:
        return name, obj[name]
    want = _norm(name)
    for k, v in obj.items():
        if isinstance(k, str) and _norm(k) == want:
            return k, v
    return None, None


def _val(obj: Any, name: str) -> Any:
    return _lookup(obj, name)[1]


# -- reading -----------------------------------------------------------------------------------

class _Ctx:
    def __init__(self, text: str, path: str | None) -> None:
        self.path = path
        self.index = _Index(text)

    def pos(self, jpath: tuple) -> Position | None:
        return self.index.position(jpath)

    def err(self, message: str, jpath: tuple | None, hint: str | None = None) -> InputError:
        p = self.pos(jpath) if jpath is not None else None
        line = p.line if p else None
        return InputError(message, self.path, line, p.column if p else None, self.index.line_text(line), hint)

    def line(self, jpath: tuple) -> int | None:
        p = self.pos(jpath)
        return p.line if p else None


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


def _find(data: Any, ctx: _Ctx) -> tuple[list[tuple[tuple, dict]], list[Warning]]:
    """(json path, connection object) pairs, and a warning when the list sat inside a wrapper."""
    if isinstance(data, list):
        return [((i,), o) for i, o in enumerate(data) if isinstance(o, dict)], []
    if not isinstance(data, dict):
        raise ctx.err("the JSON is not an object; expected describe-vpn-connections output", ())
    k, v = _lookup(data, "VpnConnections")
    if isinstance(v, list):
        return [((k, i), o) for i, o in enumerate(v) if isinstance(o, dict)], []
    k, v = _lookup(data, "VpnConnection")
    if isinstance(v, dict):
        return [((k,), v)], []
    if _lookup(data, "VpnConnectionId")[0] or _lookup(data, "CustomerGatewayConfiguration")[0]:
        return [((), data)], []
    # a test fixture or export that wraps the response: search nested objects (not arrays)
    queue: list[tuple[tuple, dict]] = [((), data)]
    while queue:
        prefix, obj = queue.pop(0)
        if len(prefix) > 6:
            continue
        for key, val in obj.items():
            if not isinstance(val, dict):
                continue
            k2, v2 = _lookup(val, "VpnConnections")
            if isinstance(v2, list):
                where = ".".join(map(str, prefix + (key, k2)))
                w = Warning("json-nested", f"the VpnConnections list was found at {where}",
                            ctx.line(prefix + (key, k2)))
                return [((*prefix, key, k2, i), o) for i, o in enumerate(v2) if isinstance(o, dict)], [w]
            queue.append(((*prefix, key), val))
    raise ctx.err("no VpnConnections in this JSON", (),
                  hint="give the output of `aws ec2 describe-vpn-connections` (or one VpnConnection object)")


def read_all(text: str, path: str | None = None, *, skipped: list[tuple[str | None, str]] | None = None,
             ) -> list[Connection]:
    """Every usable connection in the JSON, in document order."""
    data = _load(text, path)
    ctx = _Ctx(text, path)
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


def _connection(obj: dict, jp: tuple, ctx: _Ctx, extra: list[Warning],
                dropped: list[tuple[str | None, str]]) -> Connection | None:
    vpn_id = _val(obj, "VpnConnectionId")
    vpn_id = vpn_id if isinstance(vpn_id, str) and vpn_id else None
    state = str(_val(obj, "State") or "").lower()
    if state in ("deleted", "deleting"):
        dropped.append((vpn_id, f"state {state}"))
        return None
    ck, cgc = _lookup(obj, "CustomerGatewayConfiguration")
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
    vk_, _ = _lookup(obj, "VpnConnectionId")
    cgw_key, cgw_raw = _lookup(obj, "CustomerGatewayId")
    tk, tgw = _lookup(obj, "TransitGatewayId")
    vk, vgw = _lookup(obj, "VpnGatewayId")
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
    ok, opts = _lookup(obj, "Options")
    opts = opts if isinstance(opts, dict) else {}
    op = jp + (ok,)
    conn = replace(base, vpn_connection_id=conn_id, customer_gateway_id=cgw_id,
                   gateway=gateway, source=Source(format=FORMAT, path=ctx.path, layout=None))

    sk, static = _lookup(opts, "StaticRoutesOnly")
    if isinstance(static, bool):
        conn = _routing(conn, Routing.STATIC if static else Routing.BGP, warn, op + (sk,))
        mark("routing", op + (sk,))
    _connection_options(opts, op, who, warn)

    classic = str(_val(obj, "Category") or "").lower() == "vpn-classic"
    tk2, topts = _lookup(opts, "TunnelOptions")
    arn = _val(obj, "PreSharedKeyArn")
    if isinstance(topts, list) and topts:
        conn = _apply_all(conn, topts, op + (tk2,), ctx, classic, arn, warn, mark)
    else:
        for t in conn.tunnels:
            _ALLOWED_IKE[_ike_key(conn.vpn_connection_id, t)] = (t.ike.version,)
        if isinstance(arn, str) and arn:
            conn = _psk_arn(conn, arn, warn, jp + (_lookup(obj, "PreSharedKeyArn")[0],))
    if len(_ALLOWED_IKE) > 200_000:  # bound the side table in long-running processes
        _ALLOWED_IKE.clear()
    return replace(conn, warnings=tuple(warnings), origin=origin)


_XML_ID = re.compile(r'<vpn_connection\s+id\s*=\s*\\?["\']([^"\'\\]*)')


def _xml_id(xml: str) -> str | None:
    """The id attribute exactly as the embedded XML writes it (the IR may have dropped a placeholder)."""
    m = _XML_ID.search(xml, 0, 4096)
    return (m.group(1).strip() or None) if m else None


def _marker(origin: dict[str, Position], ctx: _Ctx):
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
        k, v = _lookup(opts, key)
        if isinstance(v, str) and v and v != default:
            warn("tunnel-option-ignored", f"{who}: {key} {v} (the {what} of the traffic selectors) is not "
                 "part of vpncc's IR; put it in the site profile", op + (k,))
    k, v = _lookup(opts, "EnableAcceleration")
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


def _apply_all(conn: Connection, topts: list, tp: tuple, ctx: _Ctx, classic: bool, arn: Any, warn,
               mark) -> Connection:
    tunnels = list(conn.tunnels)
    by_outside = {str(t.outside.aws): i for i, t in enumerate(tunnels) if t.outside.aws is not None}
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for j, o in enumerate(topts):
        addr = _val(o, "OutsideIpAddress")
        i = by_outside.get(addr) if isinstance(addr, str) else None
        if i is not None and i not in used:
            pairs.append((j, i))
            used.add(i)
    if len(pairs) < len(topts) and len(topts) == len(tunnels):
        # addresses anonymised or redacted on one side: fall back to document order
        for j in range(len(topts)):
            if all(j != pj for pj, _ in pairs) and j not in used:
                pairs.append((j, j))
                used.add(j)
    for j, o in enumerate(topts):
        if all(j != pj for pj, _ in pairs):
            warn("tunnel-options-unmatched", f"TunnelOptions entry {j + 1} (outside address "
                 f"{_val(o, 'OutsideIpAddress')}) matches no tunnel of the XML: ignored", tp + (j,))
    for j, i in sorted(pairs, key=lambda p: p[1]):
        if not isinstance(topts[j], dict):
            raise ctx.err(f"TunnelOptions entry {j + 1} is not an object", tp + (j,))
        tunnels[i] = _apply(conn, tunnels[i], i, topts[j], tp + (j,), ctx, classic, arn, warn, mark)
    for i, t in enumerate(tunnels):
        if i not in used:  # no options entry: only what the XML says is known
            _ALLOWED_IKE[_ike_key(conn.vpn_connection_id, t)] = (t.ike.version,)
    return replace(conn, tunnels=tuple(tunnels))


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return []
    return [v.get("Value", v.get("value")) if isinstance(v, dict) else v for v in value]


def _dedupe(values: Iterable) -> tuple:
    out: list = []
    for v in values:
        if v not in out:
            out.append(v)
    return tuple(out)


def _apply(conn: Connection, t: Tunnel, i: int, o: dict, jp: tuple, ctx: _Ctx, classic: bool, arn: Any,
           warn, mark) -> Tunnel:
    where = f"tunnel {t.number}"
    p = f"tunnels[{i}]"

    def key(name: str) -> tuple[tuple, Any]:
        k, v = _lookup(o, name)
        return jp + (k,), v

    def conv(name: str, fn, default: tuple, ir_path: str) -> tuple:
        kp, v = key(name)
        items = _items(v)
        if not items:
            return default
        try:
            out = _dedupe(fn(x) if isinstance(x, (str, int)) and not isinstance(x, bool) else _bad(x)
                          for x in items)
        except ValueError as e:
            raise ctx.err(f"{where}: {name}: {e}", kp) from None
        mark(ir_path, kp)
        return out

    def integer(name: str, lo: int, hi: int) -> int | None:
        kp, v = key(name)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ctx.err(f"{where}: {name} must be a whole number from {lo} to {hi}, not {aws_xml.short(v)}", kp)
        return v

    ike, esp, outside, inside, v6, dpd = t.ike, t.ipsec, t.outside, t.inside, t.inside_ipv6, t.dpd
    kp, addr = key("OutsideIpAddress")
    if isinstance(addr, str) and addr:
        try:
            outside = replace(outside, aws=ipaddress.IPv4Address(addr))
        except ValueError:
            raise ctx.err(f"{where}: OutsideIpAddress {aws_xml.short(addr)} is not an IPv4 address", kp) from None
        mark(f"{p}.outside.aws", kp)
    kp, cidr = key("TunnelInsideCidr")
    if isinstance(cidr, str) and cidr:
        try:
            net = ipaddress.IPv4Network(cidr, strict=False)
        except ValueError:
            raise ctx.err(f"{where}: TunnelInsideCidr {aws_xml.short(cidr)} is not an IPv4 CIDR", kp) from None
        if net.prefixlen != 30:
            raise ctx.err(f"{where}: TunnelInsideCidr {cidr} is not a /30", kp)
        # AWS takes the first usable address of the /30, the customer gateway the second
        inside = Inside(customer=ipaddress.IPv4Interface((net.network_address + 2, 30)),
                        aws=ipaddress.IPv4Interface((net.network_address + 1, 30)))
        mark(f"{p}.inside.customer", kp)
        mark(f"{p}.inside.aws", kp)
    kp, cidr6 = key("TunnelInsideIpv6Cidr")
    if isinstance(cidr6, str) and cidr6:
        try:
            net6 = ipaddress.IPv6Network(cidr6, strict=False)
        except ValueError:
            raise ctx.err(f"{where}: TunnelInsideIpv6Cidr {aws_xml.short(cidr6)} is not an IPv6 CIDR", kp) from None
        v6 = InsideV6(customer=ipaddress.IPv6Interface((net6.network_address + 2, net6.prefixlen)),
                      aws=ipaddress.IPv6Interface((net6.network_address + 1, net6.prefixlen)))
        mark(f"{p}.inside_ipv6.customer", kp)
        mark(f"{p}.inside_ipv6.aws", kp)

    kp, psk = key("PreSharedKey")
    tunnel_arn = _val(o, "PreSharedKeyArn") or arn
    if isinstance(psk, str) and psk:
        mark(f"{p}.ike.psk", kp)
        if aws_xml.is_placeholder(psk):
            warn("psk-redacted", f"{where}: PreSharedKey is redacted or a placeholder; supply it to compile", kp)
            ike = replace(ike, psk=None)
        else:
            ike = replace(ike, psk=psk)
    elif isinstance(tunnel_arn, str) and tunnel_arn and ike.psk is None:
        warn("psk-in-secrets-manager", f"{where}: the pre-shared key is kept in AWS Secrets Manager ({tunnel_arn}); "
             "vpncc does not fetch it: supply it to compile", kp if kp[-1] else jp)

    keep = classic  # VPN-Classic: omitted lists mean the XML's suite, not "everything"
    ike = replace(
        ike,
        encryption=conv("Phase1EncryptionAlgorithms", aws_xml.encryption,
                        ike.encryption if keep else DEFAULT_ENCRYPTION, f"{p}.ike.encryption"),
        integrity=conv("Phase1IntegrityAlgorithms", aws_xml.integrity,
                       ike.integrity if keep else DEFAULT_INTEGRITY, f"{p}.ike.integrity"),
        dh_groups=conv("Phase1DHGroupNumbers", aws_xml.dh_group,
                       ike.dh_groups if keep else DEFAULT_P1_DH, f"{p}.ike.dh_groups"),
    )
    esp = replace(
        esp,
        encryption=conv("Phase2EncryptionAlgorithms", aws_xml.encryption,
                        esp.encryption if keep else DEFAULT_ENCRYPTION, f"{p}.ipsec.encryption"),
        integrity=conv("Phase2IntegrityAlgorithms", aws_xml.integrity,
                       esp.integrity if keep else DEFAULT_INTEGRITY, f"{p}.ipsec.integrity"),
        pfs_groups=conv("Phase2DHGroupNumbers", aws_xml.dh_group,
                        esp.pfs_groups if keep else DEFAULT_P2_DH, f"{p}.ipsec.pfs_groups"),
    )
    versions = conv("IkeVersions", aws_xml.ike_version, (ike.version,) if keep else DEFAULT_IKE_VERSIONS,
                    f"{p}.ike.version")
    ike = replace(ike, version=ike.version if ike.version in versions else versions[0])
    life1 = integer("Phase1LifetimeSeconds", 900, 28800)
    if life1 is not None:
        ike = replace(ike, lifetime_s=life1)
        mark(f"{p}.ike.lifetime_s", key("Phase1LifetimeSeconds")[0])
    life2 = integer("Phase2LifetimeSeconds", 900, 3600)
    if life2 is not None:
        esp = replace(esp, lifetime_s=life2)
        mark(f"{p}.ipsec.lifetime_s", key("Phase2LifetimeSeconds")[0])
    timeout = integer("DpdTimeoutSeconds", 30, 3600)
    if timeout is not None:
        dpd = dpd_from_timeout(timeout)
        mark(f"{p}.dpd", key("DpdTimeoutSeconds")[0])

    for name, default, what in (("DpdTimeoutAction", "clear", "the action AWS takes when DPD times out"),
                                ("StartupAction", "add", "who starts IKE: 'start' means AWS initiates")):
        kp, v = key(name)
        if isinstance(v, str) and v and v.lower() != default:
            warn("tunnel-option-ignored",
                 f"{where}: {name} is {aws_xml.short(v)} ({what}); the IR does not record it", kp)

    bgp, next_hop = t.bgp, t.static_next_hop
    if bgp is not None:
        bgp = replace(bgp, neighbor=inside.aws.ip)
    if next_hop is not None:
        next_hop = inside.aws.ip
    new = replace(t, outside=outside, inside=inside, inside_ipv6=v6, ike=ike, ipsec=esp, dpd=dpd, bgp=bgp,
                  static_next_hop=next_hop)
    _ALLOWED_IKE[_ike_key(conn.vpn_connection_id, new)] = versions
    return new


def _bad(x: Any):
    raise ValueError(f"unexpected value {aws_xml.short(x)}")

