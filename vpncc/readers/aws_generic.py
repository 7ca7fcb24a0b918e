"""Reader for the AWS Site-to-Site VPN "Generic" configuration text (every layout since 2009).

``read(text, path)`` -> :class:`vpncc.ir.Connection`. vpncc.readers.aws_generic_syntax parses the text
into headings and ``- Key : value`` items (Lark, grammars/aws_generic.lark); this module then maps AWS
keys and spellings onto the IR, records where every
value came from (``Connection.origin``) and turns redactions/placeholders into ``None`` plus a
warning. Every problem is a :class:`vpncc.errors.InputError` with file, line, column, the offending
line (secrets masked) and a hint. Semantic checks (ranges, address rules) are in vpncc.checks.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Callable, NamedTuple

from .. import aws_defaults, checks
from ..errors import InputError, mask_secret_line
from ..ir import (
    Bgp,
    Connection,
    Dpd,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    InsideV6,
    Ipsec,
    Outside,
    Position,
    Routing,
    Source,
    Tunnel,
    Warning,
)
from . import aws_generic_names as names
from .aws_generic_names import (
    FIELD_NAME,
    ID_KEYS,
    ID_PREFIX,
    INSIDE_KEYS,
    OUTSIDE_KEYS,
    SECTION_KEYS,
    SECTION_TITLE,
    BadValue,
)
from .aws_generic_syntax import DOWNLOAD_HINT, Block, Item, lark_error, parser, prepare

FORMAT = "aws-generic"


# -- entry point ----------------------------------------------------------------------------------

def read(text: str, path: str | None = None) -> Connection:
    """Parse one AWS generic configuration file into a Connection (see module docstring)."""
    text = prepare(text, path)
    grammar = parser()
    try:
        blocks = grammar.parser.parse(text)
    except grammar.UnexpectedInput as exc:
        raise lark_error(exc, path, text.split("\n")) from None
    return _Reader(path, text).build(blocks)


# -- foreign formats: a clear "this looks like ..." instead of a list of missing values -----------

_FOREIGN_HINTS = {
    "aws-xml": "read it as XML (vpncc detects it by content) or download the Generic text",
    "aws-json": "read it as AWS JSON (vpncc detects it by content) or download the Generic text",
    "ir-json": "give it as it is: vpncc reads its own IR JSON by content",
}


def _foreign(text: str) -> tuple[str, str | None] | None:
    """What a text with no generic-file content looks like (vpncc.readers.detect's one table), with a
    hint for the other AWS forms."""
    from . import detect

    kind = detect.guess(text)
    if kind not in (None, "aws-generic"):
        return detect.describe(kind), _FOREIGN_HINTS.get(kind)
    first = text.lstrip()[:1]
    if first == "<":
        return "an XML document", "AWS's XML download starts with <vpn_connection>; or download the Generic text"
    if first in ("[", "{"):
        return "JSON", "AWS's API JSON (describe-vpn-connections) names VpnConnections; or download the Generic text"
    return None


class _Field(NamedTuple):
    raw: str
    item: Item


class _TunnelData:
    def __init__(self, number: int, head: Any) -> None:
        self.number = number
        self.head = head
        self.fields: dict[str, _Field] = {}
        self.sections: dict[str, Any] = {}     # kind -> heading token


# -- the interpreter ------------------------------------------------------------------------------

class _Reader:
    def __init__(self, path: str | None, text: str) -> None:
        self.path = path
        self.text = text
        self.warnings: list[Warning] = []
        self.origin: dict[str, Position] = {}

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    # errors and warnings ------------------------------------------------------------------------
    def error(self, message: str, line: int | None = None, column: int | None = None,
              hint: str | None = None) -> InputError:
        context = None
        if line is not None and 1 <= line <= len(self.lines):
            context = mask_secret_line(self.lines[line - 1])
        return InputError(message, file=self.path, line=line, column=column, context=context, hint=hint)

    def warn(self, code: str, message: str, line: int | None) -> None:
        self.warnings.append(Warning(code=code, message=message, line=line))

    # document -----------------------------------------------------------------------------------
    def build(self, blocks: list[Any]) -> Connection:
        ids: dict[str, Item] = {}
        tunnels: list[_TunnelData] = []
        self.xsl_version: str | None = None
        seen_tunnel = False
        for block in blocks:
            if block.kind == "preamble":
                self._ids(block, ids, seen_tunnel)
            elif block.kind == "tunnel":
                seen_tunnel = True
                tunnels.append(self._tunnel(block, ids))
            elif block.kind == "footer":
                self._footer(block, ids)
            else:   # a section heading before any "IPSec Tunnel #N" (or after the notes footer)
                head = block.head
                raise self.error(f"'{head.value.strip()}' is not under an 'IPSec Tunnel #N' heading",
                                 head.line, None, hint="each section belongs to a tunnel; " + DOWNLOAD_HINT)

        recognised = sum(len(t.fields) for t in tunnels)
        if not tunnels or recognised == 0:
            foreign = _foreign(self.text)
            if foreign:
                what, hint = foreign
                raise self.error(f"this looks like {what}, not an AWS generic configuration file", 1,
                                 hint=hint or "vpncc reads the AWS file (Download configuration > Generic), "
                                              "not a device configuration")
            if not tunnels:
                raise self.error("no 'IPSec Tunnel #1' heading found: this is not an AWS generic configuration "
                                 "file (or the tunnels were cut away)", 1, hint=DOWNLOAD_HINT)

        last_line = self.text.count("\n")     # the text ends with a newline (see _prepare)
        numbers = [t.number for t in tunnels]
        absent = [n for n in (1, 2) if n not in numbers]

        def check_numbers() -> None:
            checks.check_tunnel_numbers([(t.number, Position(t.head.line, t.head.column)) for t in tunnels],
                                        file=self.path, lines=self.lines, end_line=max(last_line, 1))

        if len(set(numbers)) != len(numbers) or any(n not in (1, 2) for n in numbers):
            check_numbers()     # a third or duplicated tunnel: say so before anything else
        layout = self._layout(tunnels, ids)
        # an incomplete tunnel explains a missing one too (a file cut off in tunnel 1)
        self._missing(tunnels, last_line, layout == "2009", absent)
        if absent:
            check_numbers()
        routing = self._routing(tunnels)
        conn_ids = self._connection_ids(ids)
        built = [self._build_tunnel(i, t, routing, layout) for i, t in enumerate(tunnels)]
        gateway = conn_ids.pop("gateway")
        return Connection(
            vpn_connection_id=conn_ids["vpn_connection_id"], customer_gateway_id=conn_ids["customer_gateway_id"],
            gateway=gateway, routing=routing, tunnels=tuple(built),
            options=aws_defaults.options_from_tunnels(built),
            source=Source(format=FORMAT, path=self.path, layout=layout),
            warnings=tuple(self.warnings), origin=self.origin)

    def _ids(self, block: Block, ids: dict[str, Item], after_tunnel: bool) -> None:
        for it in block.items:
            self._id_line(it, ids, after_tunnel)

    def _id_line(self, it: Item, ids: dict[str, Item], after_tunnel: bool) -> None:
        field = ID_KEYS.get(it.key)
        if field is None:
            if it.key.startswith("your ") and it.key.endswith(" id"):
                self.warn("unknown-key", f"unknown identifier line '{it.label}' ignored", it.line)
            return
        if field in ids:
            first = ids[field]
            if field == "vpn_connection_id" and after_tunnel:
                raise self.error(f"this file holds more than one VPN connection: a second '{it.label}' line "
                                 f"(the first is at line {first.line})", it.line,
                                 hint="split it into one file per VPN connection")
            raise self.error(f"'{it.label}' appears twice (first at line {first.line})", it.line)
        ids[field] = it

    def _footer(self, block: Block, ids: dict[str, Item]) -> None:
        for it in block.items:
            if it.key == "xsl version":
                self.xsl_version = it.value
            elif it.key.startswith("your "):
                self._id_line(it, ids, True)
        for g in block.groups:
            for it in g.items:
                if it.key.startswith("your "):
                    self._id_line(it, ids, True)

    # tunnels -------------------------------------------------------------------------------------
    def _tunnel(self, block: Block, ids: dict[str, Item]) -> _TunnelData:
        head = block.head
        m = re.search(r"#[ \t]*(\d+)", head.value)
        assert m is not None  # the grammar's tunnel heading carries "#N"
        number = int(m.group(1))
        t = _TunnelData(number, head)
        self._loose(t, block.items, ids, "before its first section")
        for g in block.groups:
            self._loose(t, g.items, ids, "before its first section")
        for sec in block.sections:
            kind = sec.kind
            clash = "static" if kind == "bgp" else "bgp" if kind == "static" else None
            if kind in t.sections or (clash and clash in t.sections):
                first = t.sections.get(kind) or t.sections[clash or kind]
                what = "a second routing section" if clash and clash in t.sections else "a second section"
                raise self.error(f"tunnel {number} has {what} '{sec.head.value.strip()}' (the first, "
                                 f"'{first.value.strip()}', is at line {first.line})", sec.head.line,
                                 hint="each tunnel has sections #1 to #4 once")
            t.sections[kind] = sec.head
            keys = SECTION_KEYS[kind]
            for it in sec.items:
                if kind == "iface" and it.key in INSIDE_KEYS:
                    # address lines without an "Outside/Inside IP Addresses" heading (edited copies):
                    # inside addresses carry a prefix length, outside ones do not
                    self._store(t, INSIDE_KEYS if "/" in it.value else OUTSIDE_KEYS, it, kind, ids)
                else:
                    self._store(t, keys, it, kind, ids)
            for g in sec.groups:
                if kind == "iface":
                    is_v6 = "v6" in g.head.value.lower()
                    gkeys = OUTSIDE_KEYS if "outside" in g.head.value.lower() else INSIDE_KEYS
                    for it in g.items:
                        if is_v6 and it.key in gkeys and not it.key.endswith("ipv6"):
                            it = it._replace(key=it.key + " ipv6")
                        if it.key in gkeys:
                            self._store(t, gkeys, it, kind, ids)
                        else:
                            self._store(t, keys, it, kind, ids)
                else:
                    for it in g.items:
                        self._store(t, keys, it, kind, ids)
        return t

    def _loose(self, t: _TunnelData, items: list[Item], ids: dict[str, Item], where: str) -> None:
        for it in items:
            if it.key.startswith("your "):
                self._id_line(it, ids, True)
            else:
                self.warn("unknown-key", f"tunnel {t.number}: line '{it.label}' {where} ignored", it.line)

    def _store(self, t: _TunnelData, keys: dict[str, str], it: Item, kind: str, ids: dict[str, Item]) -> None:
        field = keys.get(it.key)
        if field is None:
            if it.key.startswith("your "):
                self._id_line(it, ids, True)
                return
            self.warn("unknown-key", f"tunnel {t.number}: unknown line '{it.label}' in "
                      f"{SECTION_TITLE[kind]} ignored", it.line)
            return
        if field == "ike.pfs_as_dh":
            field = "ike.dh_groups"
            if field in t.fields:   # a "Diffie-Hellman" line is the phase-1 group; PFS here is redundant
                return
        elif field == "ike.dh_groups" and field in t.fields and t.fields[field].item.key == "perfect forward secrecy":
            del t.fields[field]
        if field in t.fields:
            first = t.fields[field].item
            raise self.error(f"tunnel {t.number}: '{it.label}' appears twice in {SECTION_TITLE[kind]} "
                             f"(first at line {first.line})", it.line, it.indent,
                             hint="keep one line per setting; list several values comma-separated")
        t.fields[field] = _Field(it.value, it)

    # completeness --------------------------------------------------------------------------------
    def _required(self, t: _TunnelData, routing_kind: str | None, layout_2009: bool) -> list[str]:
        f = t.fields
        auth = f.get("ike.auth")
        need = [] if auth is not None and "certificate" in auth.raw.lower() else ["ike.psk"]
        need += ["ike.integrity", "ike.encryption", "ike.lifetime_s", "ike.dh_groups"]
        ipsec_enc = f.get("ipsec.encryption")
        if ipsec_enc is None or "gcm" not in ipsec_enc.raw.lower():
            need.append("ipsec.integrity")      # AES-GCM needs no separate integrity algorithm
        need += ["ipsec.encryption", "ipsec.lifetime_s", "ipsec.pfs_groups", "dpd.interval_s", "dpd.retries",
                 "tcp_mss", "outside.customer", "outside.aws", "inside.customer", "inside.aws"]
        if "inside_ipv6.customer" in f or "inside_ipv6.aws" in f:
            need += ["inside_ipv6.customer", "inside_ipv6.aws"]
        if not layout_2009:     # the 2009 XSL never printed the MTU (AWS's is fixed at 1436)
            need.append("mtu")
        if routing_kind == "bgp":
            need += ["bgp.customer_asn", "bgp.aws_asn", "bgp.neighbor", "bgp.hold_time_s"]
        elif routing_kind == "static":
            need.append("static_next_hop")
        return [n for n in need if n not in f]

    def _missing(self, tunnels: list[_TunnelData], last_line: int, layout_2009: bool,
                 absent_tunnels: list[int]) -> None:
        owner = {"ike": "ike", "ipsec": "ipsec", "dpd": "ipsec", "tcp_mss": "ipsec", "outside": "iface",
                 "inside": "iface", "inside_ipv6": "iface", "mtu": "iface"}
        problems, only_routing, first_line = [], True, None
        for t in tunnels:
            routing_kind = "bgp" if "bgp" in t.sections else "static" if "static" in t.sections else None
            missing = self._required(t, routing_kind, layout_2009)
            if not missing and routing_kind:
                continue
            absent = [k for k in ("ike", "ipsec", "iface") if k not in t.sections]
            parts = [SECTION_TITLE[k] for k in absent]
            parts += [FIELD_NAME[m] for m in missing if owner.get(m.split(".")[0]) not in absent]
            only_routing = only_routing and not parts
            if routing_kind is None:
                parts.append("section #4 (BGP or static routing)")
            problems.append(f"tunnel {t.number}: missing " + ", ".join(parts))
            first_line = first_line or t.head.line
        if not problems:
            return
        problems += [f"tunnel {n} is missing" for n in absent_tunnels]
        if only_routing and not any("bgp" in t.sections or "static" in t.sections for t in tunnels):
            raise self.error(
                "no routing section: neither tunnel has '#4: Border Gateway Protocol (BGP) Configuration:' "
                "nor '#4: Static Routing Configuration:'", tunnels[0].head.line, hint=DOWNLOAD_HINT)
        ended = re.search(r"^[ \t]*additional notes", self.text, re.M | re.I) is not None
        cut = "" if ended else f" (the file ends at line {last_line}: was it cut off?)"
        raise self.error("incomplete AWS generic configuration: " + "; ".join(problems) + cut,
                         first_line, hint=DOWNLOAD_HINT)

    # routing ------------------------------------------------------------------------------------
    def _routing(self, tunnels: list[_TunnelData]) -> Routing:
        kinds = {t.number: ("bgp" if "bgp" in t.sections else "static") for t in tunnels}
        if len(set(kinds.values())) > 1:
            t = next(t for t in tunnels if kinds[t.number] != kinds[tunnels[0].number])
            head = t.sections[kinds[t.number]]
            raise self.error(f"tunnel {t.number} uses {kinds[t.number]} routing but tunnel {tunnels[0].number} "
                             f"uses {kinds[tunnels[0].number]}: both tunnels of a connection route the same way",
                             head.line, hint=DOWNLOAD_HINT)
        kind = kinds[tunnels[0].number]
        head = tunnels[0].sections[kind]
        self.origin["routing"] = Position(head.line, head.column)
        return Routing.BGP if kind == "bgp" else Routing.STATIC

    # layout -------------------------------------------------------------------------------------
    def _is_2009(self, tunnels: list[_TunnelData]) -> bool:
        if self.xsl_version and self.xsl_version.strip().endswith("207071"):
            return True
        for t in tunnels:
            for fld in ("outside.aws", "inside.aws", "bgp.aws_asn"):
                f = t.fields.get(fld)
                if f is not None and f.item.key.startswith("vpn gateway"):
                    return True
        return False

    def _layout(self, tunnels: list[_TunnelData], ids: dict[str, Item]) -> str:
        """The generation marks of aws-generic-format.md section 1 (a best guess for edited copies)."""
        gw = ids.get("gateway.vgw")
        if self._is_2009(tunnels) or (gw is not None and gw.key == "your vpn gateway id"):
            return "2009"
        heads = [t.head.value for t in tunnels] + [s.value for t in tunnels for s in t.sections.values()]
        text = self.text
        if (("![" in text and re.search(r"^[ \t]*!\[", text, re.M)) or any("IPsec" in h for h in heads)
                or any(f.item.indent == 1 for t in tunnels for f in t.fields.values())):
            return "docs"
        if not any("ike.version" in t.fields for t in tunnels):
            return "2011"
        # 2020-21: XSL Version footer, trailing blanks (e.g. "IKEv1 ") and whitespace-only lines;
        # 2022+ has none of them.
        if self.xsl_version is not None or any(f.item.trailing for t in tunnels for f in t.fields.values()):
            return "2020"
        return "2022"

    # identifiers --------------------------------------------------------------------------------
    def _connection_ids(self, ids: dict[str, Item]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in ("vpn_connection_id", "customer_gateway_id"):
            it = ids.get(field)
            if it is None:
                label = "Your VPN Connection ID" if field == "vpn_connection_id" else "Your Customer Gateway ID"
                self.warn("id-missing", f"no '{label}' line", None)
                out[field] = None
            else:
                out[field] = self._id_value(field, it)
        vgw, tgw = ids.get("gateway.vgw"), ids.get("gateway.tgw")
        if tgw is not None and vgw is not None and vgw.value.strip():
            raise self.error("both a Virtual Private Gateway ID and a Transit Gateway ID: a VPN connection "
                             f"attaches to one of them (the VGW id is at line {vgw.line})", tgw.line)
        if tgw is not None:
            out["gateway"] = Gateway(GatewayKind.TGW, self._id_value("gateway.tgw", tgw))
        elif vgw is None:
            self.warn("id-missing", "no 'Your Virtual Private Gateway ID' line: assuming a virtual private gateway",
                      None)
            out["gateway"] = Gateway(GatewayKind.VGW, None)
        elif not vgw.value.strip():
            # A Transit Gateway attachment: AWS leaves the VGW ID empty and has no TGW ID line.
            self.origin["gateway.kind"] = Position(vgw.line, vgw.column)
            out["gateway"] = Gateway(GatewayKind.TGW, None)
        elif vgw.value.strip().lower().startswith("tgw-"):
            out["gateway"] = Gateway(GatewayKind.TGW, self._id_value("gateway.tgw", vgw))
        else:
            out["gateway"] = Gateway(GatewayKind.VGW, self._id_value("gateway.vgw", vgw))
        return out

    def _id_value(self, field: str, it: Item) -> str | None:
        prefix = ID_PREFIX[field]
        path = "gateway.id" if field.startswith("gateway.") else field
        value = it.value.strip()
        self.origin[path] = Position(it.line, it.column)
        if re.fullmatch(rf"{prefix}-[0-9a-f]{{8}}(?:[0-9a-f]{{9}})?", value):
            return value
        if not value or value.lower() == prefix + "-" or value.lower() == prefix:
            self.warn("id-truncated", f"'{it.label}' is empty or truncated", it.line)
            return None
        suffix = value[len(prefix) + 1:]
        if re.fullmatch(rf"{prefix}-[A-Za-z0-9]+", value) and (
                len(set(suffix.lower())) == 1 or "example" in suffix.lower()):
            # vpn-AAAAAAAA, vgw-xxxxxxxx, vpn-0999ab4ae3EXAMPLE: an edited or documentation id
            self.warn("placeholder", f"'{it.label}' {value!r} is a placeholder, not a real identifier", it.line)
            return None
        if re.fullmatch(rf"{prefix}-[A-Za-z0-9]+", value):
            self.warn("id-unusual", f"'{it.label}' {value!r} is not a usual AWS identifier "
                      f"({prefix}- and 8 or 17 hex digits); kept as written", it.line)
            return value
        self.warn("id-invalid", f"'{it.label}' is not an AWS {prefix}- identifier; ignored", it.line)
        return None

    # values -------------------------------------------------------------------------------------
    def _conv(self, t: _TunnelData, index: int, field: str, conv: Callable[[str], Any], *,
              placeholder_ok: bool = False, default: Any = None) -> Any:
        f = t.fields.get(field)
        if f is None:
            return default
        self.origin[f"tunnels[{index}].{field}"] = Position(f.item.line, f.item.column)
        if placeholder_ok:
            kind = names.placeholder_kind(f.raw)
            if kind is not None:
                self._placeholder_warning(t, field, f.item, kind)
                return None
        try:
            return conv(f.raw)
        except BadValue as exc:
            raise self.error(f"tunnel {t.number}: {FIELD_NAME[field]}: {exc.message}", f.item.line,
                             f.item.column, hint=exc.hint) from None

    def _placeholder_warning(self, t: _TunnelData, field: str, it: Item, kind: str) -> None:
        name = FIELD_NAME[field]
        state = {"empty": "is empty", "redacted": "is redacted",
                 "placeholder": "is a placeholder, not a real value"}[kind]
        if field == "ike.psk":
            self.warn("psk-redacted", f"tunnel {t.number}: the pre-shared key {state}; supply it when compiling",
                      it.line)
        else:
            code = "placeholder" if kind == "placeholder" else "redacted"
            self.warn(code, f"tunnel {t.number}: the {name} {state} ({it.label}); supply it when compiling", it.line)

    def _psk(self, t: _TunnelData, index: int, auth: str) -> str | None:
        f = t.fields.get("ike.psk")
        if f is None:
            return None
        self.origin[f"tunnels[{index}].ike.psk"] = Position(f.item.line, f.item.column)
        kind = names.placeholder_kind(f.raw)
        if kind is not None:
            self._placeholder_warning(t, "ike.psk", f.item, kind)
            return None
        value = f.raw.strip()
        if len(value) >= 2 and value[0] in "\"'“‘" and value[-1] in "\"'”’":
            value = value[1:-1]   # quoted in some copied docs; AWS keys never contain quotes
        return value

    def _build_tunnel(self, index: int, t: _TunnelData, routing: Routing, layout: str) -> Tunnel:
        conv = self._conv
        self.origin[f"tunnels[{index}]"] = Position(t.head.line, t.head.column)
        self.origin[f"tunnels[{index}].number"] = Position(t.head.line, t.head.column)
        version = conv(t, index, "ike.version", names.parse_ike_version, default=IkeVersion.IKEV1)
        auth = conv(t, index, "ike.auth", names.parse_auth, default="psk")
        mode = conv(t, index, "ike.mode", names.parse_mode)
        ike = Ike(
            version=version, auth=auth, psk=self._psk(t, index, auth), mode=mode,
            encryption=conv(t, index, "ike.encryption", names.parse_encryption),
            integrity=conv(t, index, "ike.integrity", names.parse_integrity),
            dh_groups=conv(t, index, "ike.dh_groups", names.parse_dh_groups),
            lifetime_s=conv(t, index, "ike.lifetime_s", lambda v: names.parse_int(v, names.SECONDS)),
        )
        ipsec = Ipsec(
            protocol=conv(t, index, "ipsec.protocol", names.lower_word, default="esp"),
            mode=conv(t, index, "ipsec.mode", names.lower_word, default="tunnel"),
            encryption=conv(t, index, "ipsec.encryption", names.parse_encryption),
            integrity=conv(t, index, "ipsec.integrity", names.ipsec_integrity, default=()),
            pfs_groups=conv(t, index, "ipsec.pfs_groups", names.parse_dh_groups),
            lifetime_s=conv(t, index, "ipsec.lifetime_s", lambda v: names.parse_int(v, names.SECONDS)),
        )
        dpd = Dpd(interval_s=conv(t, index, "dpd.interval_s", lambda v: names.parse_int(v, names.SECONDS)),
                  retries=conv(t, index, "dpd.retries", names.parse_int))
        mtu = conv(t, index, "mtu", lambda v: names.parse_int(v, names.BYTES))
        if mtu is None:
            mtu = 1436
            self.warn("mtu-assumed", f"tunnel {t.number}: no 'Tunnel interface MTU' line (2009 layout); "
                      "using AWS's tunnel MTU of 1436", t.head.line)
        outside = Outside(customer=conv(t, index, "outside.customer", names.outside_ip, placeholder_ok=True),
                          aws=conv(t, index, "outside.aws", names.outside_ip, placeholder_ok=True))
        inside = Inside(customer=conv(t, index, "inside.customer", names.ipv4_if),
                        aws=conv(t, index, "inside.aws", names.ipv4_if))
        v6 = None
        if "inside_ipv6.customer" in t.fields:
            v6 = InsideV6(customer=conv(t, index, "inside_ipv6.customer", names.ipv6_if),
                          aws=conv(t, index, "inside_ipv6.aws", names.ipv6_if))
        bgp = next_hop = None
        if routing is Routing.BGP:
            bgp = Bgp(customer_asn=conv(t, index, "bgp.customer_asn", names.parse_asn, placeholder_ok=True),
                      aws_asn=conv(t, index, "bgp.aws_asn", names.parse_asn),
                      neighbor=conv(t, index, "bgp.neighbor", names.ipv4),
                      hold_time_s=conv(t, index, "bgp.hold_time_s", lambda v: names.parse_int(v, names.SECONDS)))
        else:
            next_hop = conv(t, index, "static_next_hop", names.ipv4)
        return Tunnel(
            number=t.number, outside=outside, inside=inside, inside_ipv6=v6, ike=ike, ipsec=ipsec, dpd=dpd,
            mtu=mtu, tcp_mss=conv(t, index, "tcp_mss", lambda v: names.parse_int(v, names.BYTES)),
            clear_df=conv(t, index, "clear_df", names.parse_bool, default=True),
            # The 2009 XSL omits the Fragmentation line when fragmentation_before_encryption is false.
            fragment_before_encryption=conv(t, index, "fragment_before_encryption", names.parse_fragmentation,
                                            default=False),
            bgp=bgp, static_next_hop=next_hop,
            # the generic file shows one example suite ("the minimum requirements"), never the tunnel's
            # accepted sets: AWS's documented defaults apply (source aws-defaults, vpncc.aws_defaults)
            accepted=aws_defaults.default_accepted_with_lifetimes(ike.lifetime_s, ipsec.lifetime_s, version),
        )
