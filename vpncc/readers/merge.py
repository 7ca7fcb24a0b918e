"""``--tunnel-options describe.json``: the downloaded file, corrected by the API's real tunnel settings.

:func:`pick` chooses the API connection for a file (same vpn id, or the only one); :func:`merge`
returns the file's connection with every API value in place, and one ``tunnel-option-differs``
warning per setting where the file and the API disagree, e.g. "tunnel 1: the file says phase 2 PFS
DH group 2, the tunnel allows 15, 16: the file's value is not allowed" (a file's suite inside what the
tunnel allows is its example, not a difference). A PSK is never shown, only
that the keys differ. Values the API lacks (a key kept in Secrets Manager, a redacted address)
keep the file's value. Warnings carry the file's line of the setting.

Tunnels are matched by AWS outside address, then inside /30, then number (batfish's anonymised
fixtures change the outside addresses but keep the inside ones). The result keeps the file's
``source``; the origin of every value the API replaced is dropped.

Only settings the file states are compared; the API's own warnings are kept, prefixed with
"tunnel options". The merged connection takes the API's accepted sets (``Tunnel.accepted``, source
``tunnel-options``), its other tunnel options (``Tunnel.aws_options``) and its connection options.

:func:`load` reads the tunnel-options JSON: any describe-vpn-connections output with
``Options.TunnelOptions``, also one without ``CustomerGatewayConfiguration`` (a ``--query`` result, a
redacted export): such a connection is an :class:`ApiOptions` whose TunnelOptions are applied onto the
file's own tunnels (matched by AWS outside address, else in order).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence, Union

from ..errors import InputError
from ..ir import AcceptedSource, Connection, Routing, Source, Tunnel, Warning, get_path

CODE = "tunnel-option-differs"

#: (IR path inside a tunnel, label, kind): kind "set" = a list of allowed values, "value" = one value
TUNNEL_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("outside.customer", "customer gateway outside address", "value"),
    ("outside.aws", "AWS outside address", "value"),
    ("inside", "inside addresses", "value"),
    ("inside_ipv6", "inside IPv6 addresses", "value"),
    ("ike.version", "IKE version", "value"),
    ("ike.mode", "IKE mode", "value"),
    ("ike.psk", "pre-shared key", "secret"),
    ("ike.encryption", "phase 1 encryption", "set"),
    ("ike.integrity", "phase 1 integrity", "set"),
    ("ike.dh_groups", "phase 1 DH group", "set"),
    ("ike.lifetime_s", "phase 1 lifetime", "value"),
    ("ipsec.encryption", "phase 2 encryption", "set"),
    ("ipsec.integrity", "phase 2 integrity", "set"),
    ("ipsec.pfs_groups", "phase 2 PFS DH group", "set"),
    ("ipsec.lifetime_s", "phase 2 lifetime", "value"),
    ("dpd", "dead peer detection", "value"),
    ("mtu", "MTU", "value"),
    ("tcp_mss", "TCP MSS", "value"),
    ("clear_df", "clear DF bit", "value"),
    ("fragment_before_encryption", "fragment before encryption", "value"),
    ("bgp.customer_asn", "customer BGP ASN", "value"),
    ("bgp.aws_asn", "AWS BGP ASN", "value"),
    ("bgp.hold_time_s", "BGP hold time", "value"),
)


@dataclass(frozen=True)
class ApiOptions:
    """One connection object of a describe-vpn-connections output that has no
    CustomerGatewayConfiguration: only its ids, Options and TunnelOptions can be used."""

    vpn_connection_id: str | None
    obj: dict[str, Any] = field(repr=False)        # holds PreSharedKey values: never in a repr
    jpath: tuple[Any, ...] = field(repr=False)
    text: str = field(repr=False)
    path: str | None = None
    gateways: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def source(self) -> Source:
        return Source(format="aws-json", path=self.path, layout=None)

    def onto(self, file_conn: Connection) -> Connection:
        """The file's connection with this object's ids, options and TunnelOptions applied."""
        from . import aws_json
        from .aws_json_doc import Ctx

        ctx = Ctx(self.text, self.path)
        conn = replace(file_conn, warnings=(), origin={})
        out = aws_json.overlay(conn, self.obj, self.jpath, ctx, [], {}, self.gateways, from_file=True)
        return replace(out, source=self.source)


Options = Union[Connection, ApiOptions]


def load(path: str | os.PathLike[str]) -> list[Options]:
    """The connections of a tunnel-options JSON: full ones as Connection, the others (no
    CustomerGatewayConfiguration, but Options.TunnelOptions) as ApiOptions."""
    from . import aws_json, read_text
    from .aws_json_doc import Ctx, val

    p = str(path)
    text = read_text(p, what="tunnel options")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", p, e.lineno, e.colno,
                         hint="--tunnel-options takes `aws ec2 describe-vpn-connections` output") from None
    ctx = Ctx(text, p)
    items, _ = aws_json._find(data, ctx)
    gateways = aws_json._customer_gateways(data)
    out: list[Options] = []
    full = 0
    for jp, obj in items:
        cgc = val(obj, "CustomerGatewayConfiguration")
        if isinstance(cgc, str) and cgc.strip():
            full += 1
            continue
        topts = val(val(obj, "Options") or {}, "TunnelOptions")
        if isinstance(topts, list) and topts:
            vid = val(obj, "VpnConnectionId")
            out.append(ApiOptions(vid if isinstance(vid, str) and vid else None, obj, jp, text, p, gateways))
    if full:
        out = [*aws_json.read_all(text, p), *out]
    if not out:
        raise InputError("no connection with Options.TunnelOptions in the tunnel-options JSON", p,
                         hint="give `aws ec2 describe-vpn-connections` output (any --query that keeps "
                              "VpnConnectionId and Options.TunnelOptions)")
    return out


def pick(file_conn: Connection, options: Sequence[Options] | Options) -> Options:
    """The API connection that belongs to ``file_conn``: same id, else the only one."""
    if isinstance(options, (Connection, ApiOptions)):
        return options
    opts = list(options)
    if not opts:
        raise InputError("the tunnel-options JSON holds no connection", None)
    fid = file_conn.vpn_connection_id
    same = [o for o in opts if fid and o.vpn_connection_id == fid]
    if same:
        return same[0]
    where = opts[0].source.path
    ids = ", ".join(str(o.vpn_connection_id) for o in opts)
    if len(opts) == 1 and not _usable_id(fid):
        return opts[0]
    if len(opts) == 1:
        raise InputError(f"the tunnel options are for {ids}, but the file is connection {fid}", where,
                         hint="give the describe-vpn-connections output of the same connection")
    raise InputError(f"no connection {fid or '(the file names none)'} among the tunnel options ({ids})", where)


def _usable_id(value: str | None) -> bool:
    # readers already turn truncated ("vpn-") and placeholder ("vpn-XXXXXXXX") ids into None
    return bool(value) and value not in ("vpn-", "vpn-XXXXXXXX")


def merge(file_conn: Connection, options_conn: Options | Sequence[Options]) -> Connection:
    """The file's connection with the API's values, and a warning for every difference."""
    api = pick(file_conn, options_conn)
    if isinstance(api, ApiOptions):
        api = api.onto(file_conn)
    src = os.path.basename(api.source.path) if api.source.path else "the tunnel options"
    notes: list[Warning] = []

    def note(message: str, ir_path: str | None = None) -> None:
        notes.append(Warning(CODE, message, _line(file_conn, ir_path)))

    if not _usable_id(file_conn.vpn_connection_id) and _usable_id(api.vpn_connection_id):
        notes.append(Warning("tunnel-options-merged", f"the file names no usable connection id; "
                             f"using {api.vpn_connection_id} from {src}", None))
    if file_conn.customer_gateway_id and api.customer_gateway_id \
            and file_conn.customer_gateway_id != api.customer_gateway_id:
        note(f"the file says customer gateway {file_conn.customer_gateway_id}, the API says "
             f"{api.customer_gateway_id}", "customer_gateway_id")
    fg, ag = file_conn.gateway, api.gateway
    if fg.kind is not ag.kind or (fg.id and ag.id and fg.id != ag.id):
        note(f"the file says gateway {_show(fg)}, the API says {_show(ag)}", "gateway.id")
    if api.routing is not file_conn.routing:
        note(f"the file says {file_conn.routing.value} routing, the API says {api.routing.value}", "routing")

    pairs = _match(file_conn.tunnels, api.tunnels)
    tunnels: list[Tunnel] = []
    changed: set[str] = set()
    for fi, ft in enumerate(file_conn.tunnels):
        ai = pairs.get(fi)
        if ai is None:
            note(f"tunnel {ft.number}: no tunnel of {src} matches it (outside {ft.outside.aws}, inside "
                 f"{ft.inside.aws.network}); the file's settings are kept", f"tunnels[{fi}]")
            tunnels.append(ft)
            continue
        at = api.tunnels[ai]
        merged = _fill(at, ft, api.routing)
        merged = replace(merged, number=ft.number)
        allowed = at.ike.allowed_versions
        if allowed and ft.ike.version in allowed and merged.ike.version != ft.ike.version:
            # the IR keeps one IKE version; the API allows the file's as well: keep it
            merged = replace(merged, ike=replace(merged.ike, version=ft.ike.version))
        for sub, label, kind in TUNNEL_FIELDS:
            fv, mv = _get(ft, sub), _get(merged, sub)
            if fv is None or fv == mv:
                continue
            if kind == "set" and set(fv) <= set(mv or ()):
                # the file shows one example suite inside what the tunnel accepts: not a disagreement
                continue
            ir_path = f"tunnels[{fi}].{sub}"
            changed.add(ir_path)
            if sub == "ike.version" and allowed:
                mv_show = ", ".join(v.value for v in allowed)
                note(f"tunnel {ft.number}: the file says {label} {_show(fv)}, the tunnel allows {mv_show}",
                     ir_path)
                continue
            note(_message(ft.number, label, kind, fv, mv), ir_path)
        tunnels.append(merged)
    matched = set(pairs.values())
    for ai, at in enumerate(api.tunnels):
        if ai not in matched:
            notes.append(Warning(CODE, f"{src} has a tunnel (outside {at.outside.aws}) that the file lacks; "
                                       "ignored", None))

    # the API's own "value missing" warnings are redundant here: a value the API lacks is either
    # filled from the file or reported by the file's own warning
    all_psks = all(t.ike.psk is not None for t in tunnels)
    carried = [Warning(w.code, f"tunnel options: {w.message}", None) for w in api.warnings
               if w.code not in _PLACEHOLDER_CODES and not (w.code == "psk-in-secrets-manager" and all_psks)]
    header = Warning("tunnel-options-merged", f"tunnel settings from {src} ({api.vpn_connection_id}) override "
                     "the file's", None)
    kept = [w for w in file_conn.warnings if not _resolved(w, tunnels)]
    if all(t.accepted.source is AcceptedSource.TUNNEL_OPTIONS for t in tunnels):
        kept = [w for w in kept if w.code != "tunnel-options-assumed"]
    warnings = _dedupe([*kept, header, *notes, *carried])
    origin = {k: v for k, v in file_conn.origin.items()
              if not any(k == c or k.startswith(c + ".") for c in changed)}
    return replace(
        file_conn,
        vpn_connection_id=file_conn.vpn_connection_id if _usable_id(file_conn.vpn_connection_id)
        else api.vpn_connection_id,
        customer_gateway_id=api.customer_gateway_id or file_conn.customer_gateway_id,
        gateway=api.gateway if (api.gateway.id or not file_conn.gateway.id) else replace(api.gateway,
                                                                                          id=file_conn.gateway.id),
        routing=api.routing,
        options=api.options,
        tunnels=tuple(tunnels),
        warnings=tuple(warnings),
        origin=origin,
    )


_PLACEHOLDER_CODES = ("psk-redacted", "redacted", "placeholder")


def _resolved(w: Warning, tunnels: Sequence[Tunnel]) -> bool:
    """A file's "value redacted" warning that the API has filled in (all readers start these
    messages with "tunnel N:")."""
    if w.code not in _PLACEHOLDER_CODES:
        return False
    for t in tunnels:
        if w.message.startswith(f"tunnel {t.number}:"):
            if w.code == "psk-redacted":
                return t.ike.psk is not None
            asn = t.bgp.customer_asn if t.bgp is not None else 0
            return None not in (t.outside.customer, t.outside.aws, asn)
    return False


def _line(conn: Connection, ir_path: str | None) -> int | None:
    """The file line of a setting: its own origin, else the first of its parts (dpd -> dpd.interval_s)."""
    if ir_path is None:
        return None
    pos = conn.origin.get(ir_path)
    if pos is None:
        parts = [p.line for k, p in conn.origin.items() if k.startswith(ir_path + ".")]
        return min(parts) if parts else None
    return pos.line


def _match(file_tunnels: Sequence[Tunnel], api_tunnels: Sequence[Tunnel]) -> dict[int, int]:
    """file index -> api index: by AWS outside address, then inside /30, then tunnel number."""
    pairs: dict[int, int] = {}
    keys: tuple[Callable[[Tunnel], Any], ...] = (
        lambda t: t.outside.aws, lambda t: t.inside.aws.network, lambda t: t.number)
    for key in keys:
        for fi, ft in enumerate(file_tunnels):
            if fi in pairs or key(ft) is None:
                continue
            for ai, at in enumerate(api_tunnels):
                if ai not in pairs.values() and key(at) == key(ft):
                    pairs[fi] = ai
                    break
    return pairs


def _fill(api_t: Tunnel, file_t: Tunnel, routing: Routing) -> Tunnel:
    """The API tunnel with the values it lacks (None) taken from the file."""
    ike = api_t.ike if api_t.ike.psk is not None else replace(api_t.ike, psk=file_t.ike.psk)
    outside = replace(api_t.outside,
                      customer=api_t.outside.customer or file_t.outside.customer,
                      aws=api_t.outside.aws or file_t.outside.aws)
    bgp = api_t.bgp
    if routing is Routing.BGP and bgp is not None and bgp.customer_asn is None and file_t.bgp is not None:
        bgp = replace(bgp, customer_asn=file_t.bgp.customer_asn)
    return replace(api_t, ike=ike, outside=outside, bgp=bgp)


def _get(t: Tunnel, sub: str) -> Any:
    try:
        return get_path(t, sub)
    except AttributeError:  # bgp is None on a static tunnel
        return None


def _show(v: Any) -> str:
    if isinstance(v, tuple):
        return ", ".join(_show(x) for x in v)
    if hasattr(v, "value") and not hasattr(v, "__dataclass_fields__"):
        return str(v.value)
    if v is None:
        return "nothing"
    if type(v).__name__ == "Gateway":
        return f"{v.kind.value} {v.id or '(no id)'}"
    if type(v).__name__ in ("Inside", "InsideV6"):
        return f"{v.customer} (customer) / {v.aws} (AWS)"
    if type(v).__name__ == "Dpd":
        return f"every {v.interval_s} s, {v.retries} retries"
    if isinstance(v, bool):
        return "on" if v else "off"
    return str(v)


def _message(number: int, label: str, kind: str, file_v: Any, api_v: Any) -> str:
    head = f"tunnel {number}: "
    if kind == "secret":
        return head + f"the file's {label} differs from the API's; the API's is used"
    if kind == "set":
        fs, as_ = set(file_v), set(api_v or ())
        s = "s" if len(file_v) > 1 else ""
        msg = head + f"the file says {label}{s} {_show(file_v)}, the tunnel allows {_show(api_v)}"
        if not fs & as_:
            msg += ": the file's value is not allowed"
        elif not fs <= as_:
            msg += ": some of the file's values are not allowed"
        return msg
    return head + f"the file says {label} {_show(file_v)}, the API says {_show(api_v)}"


def _dedupe(ws: list[Warning]) -> list[Warning]:
    seen: set[tuple[str, str, int | None]] = set()
    out = []
    for w in ws:
        k = (w.code, w.message, w.line)
        if k not in seen:
            seen.add(k)
            out.append(w)
    return out

