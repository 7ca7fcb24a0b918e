"""Junos config (either form) -> DeviceConfig in IR terms.

This module checks the text is Junos, turns it into set statements (syntax.py) and collects what they
say into objects (device.py); build.py then makes one device tunnel per ``security ipsec vpn`` (plus one
per IKE gateway no VPN uses). Deactivated objects are read but make the tunnel ``enabled = False``; a
deactivated attribute is ignored like an absent one.
"""

from __future__ import annotations

import ipaddress
import re

from ...errors import InputError
from ...validate.model import DeviceNote
from . import names as N
from .build import build
from .device import JunosDevice, Obj, State, to_asn, to_int
from .inventory import inventory
from .syntax import Config, apply_commands, expand_groups, looks_like_set, parse_curly, parse_set, relevant

# -- vendor detection ----------------------------------------------------------------------------

_JUNOS = re.compile(r"^\s*(\S+@[\w.:-]+[#%]\s*)?(set |deactivate |delete |activate |edit )?(security|interfaces|protocols|routing-options|"
                    r"policy-options|routing-instances|system|groups|apply-groups|version|chassis|snmp|firewall|"
                    r"applications|schedulers|class-of-service|forwarding-options|vlans|services|access|"
                    r"logical-systems|event-options|tenants|poe|switch-options|bridge-domains)\b[^=\n]*$", re.M)


def _check_vendor(text: str, path: str | None) -> None:
    if not text.strip():
        raise InputError("the device configuration is empty", path)
    head = text[:200_000]
    if re.search(r"^\s*<configuration\b", head, re.M) or re.search(r"<rpc-reply\b", head):
        raise InputError("this is Junos XML (`display xml`), which vpncc does not read", path,
                         hint="export with `show configuration | display set` or plain `show configuration`")
    junos = len(_JUNOS.findall(head))
    from ...readers import detect

    if junos == 0:
        what = detect.foreign(head, ("junos",))
        if what:
            raise InputError(f"this looks like {what}, not Juniper Junos", path,
                             hint="choose the backend that matches the device (--vendor)")
        raise InputError("no Junos configuration statements found (expected `set ...` lines or the "
                         "hierarchical `security { ... }` form)", path)
    # VyOS `set interfaces vti ...` reads as Junos too: a text carrying more of another format's marks
    # than Junos statements is that format
    for kind in detect.KINDS:
        if kind != "junos" and detect.hits(head, kind) >= max(2, junos + 1):
            raise InputError(f"this looks like {detect.describe(kind)}, not Juniper Junos", path,
                             hint="choose the backend that matches the device (--vendor)")


# -- reading -------------------------------------------------------------------------------------

def parse(text: str, path: str | None = None) -> tuple[Config, list[tuple[int, str]], str]:
    _check_vendor(text, path)
    parsed = parse_set(text, relevant) if looks_like_set(text) else parse_curly(text, relevant)
    cfg = expand_groups(apply_commands(parsed.statements))
    return cfg, parsed.notes, parsed.form


def read(text: str, path: str | None = None) -> JunosDevice:
    cfg, notes, form = parse(text, path)
    st = State()
    st.notes.extend(notes)
    for e in cfg.entries:
        t = _unquoted(e.tokens)
        inactive = cfg.inactive_at(e.tokens)
        st.tokens = t
        try:
            _interpret(st, t, e.line, inactive)
        except (ValueError, IndexError):
            st.notes.append((e.line, f"cannot read: {_mask(t)}"))
    dev = JunosDevice(vendor="juniper", path=path, form=form)
    build(st, dev)
    dev.inventory = inventory(st)  # what compile --running allocates around
    dev.notes.extend(DeviceNote(line, msg) for line, msg in sorted(st.notes, key=lambda n: n[0]))
    return dev


def _unquoted(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Quoted names (``gateway "gw 1"``) as Junos means them; a key stays as written (build.py decodes it)."""
    if not any(t[:1] == '"' for t in tokens):
        return tokens
    out = []
    for i, tok in enumerate(tokens):
        key = i >= 2 and tokens[i - 2] == "pre-shared-key"
        out.append(tok if key else N.unquote(tok))
    return tuple(out)


def _mask(tokens: tuple[str, ...]) -> str:
    if "pre-shared-key" in tokens:
        tokens = tokens[:tokens.index("pre-shared-key") + 2] + ("***",)
    return " ".join(tokens)[:100]


def _interpret(st: State, t: tuple[str, ...], line: int, inactive: tuple[int, int] | None) -> None:
    n = len(t)
    # an attribute deactivated below its object's level is ignored like an absent one
    def dropped(depth: int) -> bool:
        return inactive is not None and inactive[0] > depth

    if t[0] == "security" and n >= 4 and t[1] in ("ike", "ipsec"):
        kind = (t[1], t[2])
        table = {("ike", "proposal"): st.ike_proposals, ("ike", "policy"): st.ike_policies,
                 ("ike", "gateway"): st.gateways, ("ipsec", "proposal"): st.esp_proposals,
                 ("ipsec", "policy"): st.ipsec_policies, ("ipsec", "vpn"): st.vpns}.get(kind)
        if table is None:
            return  # traceoptions, respond-bad-spi, vpn-monitor-options ...
        if dropped(4):
            return
        o = st.obj(table, t[3], line, inactive, 4)
        rest = t[4:]
        if rest:
            _attr(st, kind, t[3], o, rest, line)
        return
    if t[0] == "security" and n >= 4 and t[1] == "zones" and t[2] == "security-zone":
        if inactive is None:
            _zone(st, t[3], t[4:], line)
        return
    if t[0] == "policy-options" and n >= 3 and t[1] == "policy-statement":
        if inactive is None or inactive[0] > 3:
            st.policies.add(t[2])
        return
    if t[0] == "interfaces" and n >= 8 and t[1] != "st0" and t[2] == "unit" and t[4:7] == ("family", "inet", "address"):
        if inactive is None:
            try:
                st.addresses.setdefault(f"{t[1]}.{t[3]}", []).append((ipaddress.IPv4Interface(t[7]), line))
            except ValueError:
                pass
        return
    if t[0] == "security" and t[1:4] == ("flow", "tcp-mss", "ipsec-vpn") and n == 6 and t[4] == "mss":
        if inactive is None:  # a global value: deactivated anywhere above = not configured
            st.flow_mss = (to_int(t[5]), line)
        return
    if t[0] == "interfaces" and n >= 2 and t[1] == "st0":
        if n == 2 or t[2] != "unit":
            if t[2:] == ("disable",) and not dropped(3):
                st.st0.set("disable", True, line)
            if inactive is not None and inactive[0] <= 2 and st.st0.inactive is None:
                st.st0.inactive = inactive[1]
                st.st0.inactive_path = t[:inactive[0]]
            return
        if dropped(4):
            return
        u = st.obj(st.units, to_int(t[3]), line, inactive, 4)
        _unit_attr(u, t[4:], line)
        return
    instance = ""
    if t[0] == "routing-instances" and n >= 4 and t[2] == "interface" and inactive is None:
        st.instance_ifaces.setdefault(t[1], []).append((_logical(t[3]), line))
        return
    if t[0] == "routing-instances" and n >= 3:
        instance, t = t[1], t[2:]
        n = len(t)
        off = 2
    else:
        off = 0
    if t[0] == "protocols" and n >= 2 and t[1] == "bgp":
        _bgp(st, instance, t[2:], line, inactive, off)
    elif t[0] == "routing-options" and n >= 3:
        if t[1] == "autonomous-system" and inactive is None and t[2][:1].isdigit():
            st.asn[instance] = (to_asn(t[2]), line)
        elif t[1] == "router-id" and inactive is None:
            try:
                st.router_id[instance] = (ipaddress.IPv4Address(t[2]), line)
            except ValueError:
                pass
        elif t[1] == "static" and n >= 5 and t[2] == "route" and inactive is None:
            net = ipaddress.IPv4Network(t[3], strict=False) if ":" not in t[3] else None
            if net is None:
                return
            hops = st.routes.setdefault(instance, {}).setdefault(net, [])
            if t[4] in ("next-hop", "qualified-next-hop") and n >= 6:
                hops.append((t[5], line))


def _attr(st: State, kind: tuple[str, str], name: str, o: Obj, rest: tuple[str, ...], line: int) -> None:
    key = rest[0]
    val = rest[1] if len(rest) > 1 else None
    if kind in (("ike", "proposal"), ("ipsec", "proposal")):
        if key in ("encryption-algorithm", "authentication-algorithm", "dh-group", "lifetime-seconds", "protocol",
                   "authentication-method") and val is not None:
            o.set(key, val, line)
        return
    if kind == ("ike", "policy"):
        if key == "proposals" and val is not None:
            o.add("proposals", val, line)
        elif key == "mode" and val is not None:
            o.set("mode", val, line)
        elif key == "pre-shared-key" and len(rest) >= 3:
            o.set("psk", (rest[1], rest[2]), line)
        elif key == "proposal-set" and val is not None:
            o.set("proposal-set", val, line)
        elif key == "certificate":
            o.set("certificate", True, line)
        return
    if kind == ("ike", "gateway"):
        if key == "address" and val is not None:
            o.add("address", val, line)
        elif key in ("ike-policy", "version", "local-address", "external-interface") and val is not None:
            o.set(key, val, line)
        elif key == "dead-peer-detection":
            o.set("dpd", True, line)
            i = 1
            while i < len(rest):
                if rest[i] in ("interval", "threshold") and i + 1 < len(rest):
                    o.set("dpd-" + rest[i], to_int(rest[i + 1]), line)
                    i += 2
                else:
                    if rest[i] in N.DPD_MODES:
                        o.set("dpd-mode", rest[i], line)
                    i += 1
        elif key == "local-identity" and len(rest) >= 3:
            o.set("local-identity", (rest[1], rest[2]), line)
        elif key in ("no-nat-traversal", "dynamic", "aaa", "xauth"):
            o.set(key, True, line)
        elif key not in ("address", "ike-policy", "version", "local-address", "external-interface", "description",
                         "remote-identity", "nat-keepalive", "general-ikeid", "fragmentation", "tcp-encap-profile"):
            o.set("other", (key, line), line)
        return
    if kind == ("ipsec", "policy"):
        if key == "proposals" and val is not None:
            o.add("proposals", val, line)
        elif key == "perfect-forward-secrecy" and len(rest) >= 3 and rest[1] == "keys":
            o.set("pfs", rest[2], line)
        elif key == "proposal-set" and val is not None:
            o.set("proposal-set", val, line)
        return
    if kind == ("ipsec", "vpn"):
        if key == "establish-tunnels" and val is not None:
            o.set("establish", val, line)
        if key == "bind-interface" and val is not None:
            o.set("bind", val, line)
        elif key == "ike" and len(rest) >= 3 and rest[1] in ("gateway", "ipsec-policy"):
            o.set(rest[1], rest[2], line)


def _logical(name: str) -> str:
    """``ge-0/0/0`` means its unit 0 where a logical interface is expected."""
    return name if "." in name else name + ".0"


def _zone(st: State, zone: str, rest: tuple[str, ...], line: int) -> None:
    z = st.obj(st.zones, zone, line, None, 4)
    target = z
    if rest[:1] == ("interfaces",) and len(rest) >= 2:
        iface = _logical(rest[1])
        z.add("interfaces", iface, line)
        target = st.obj(st.zone_ifaces, (zone, iface), line, None, 6)
        rest = rest[2:]
    if len(rest) >= 3 and rest[0] == "host-inbound-traffic" and rest[1] in ("system-services", "protocols"):
        kind = "services" if rest[1] == "system-services" else "protocols"
        name = rest[2] if rest[3:4] != ("except",) else "!" + rest[2]
        target.add(kind, name, line)


def _unit_attr(u: Obj, rest: tuple[str, ...], line: int) -> None:
    if not rest:
        return
    if rest == ("disable",):
        u.set("disable", True, line)
    elif rest[0] == "family" and len(rest) >= 4 and rest[1] in ("inet", "inet6"):
        fam, key, val = rest[1], rest[2], rest[3]
        if key == "address":
            u.add(fam, ipaddress.ip_interface(val), line)
        elif key in ("mtu", "tcp-mss"):
            u.set(f"{fam}-{key}", to_int(val), line)


def _bgp(st: State, inst: str, rest: tuple[str, ...], line: int, inactive: tuple[int, int] | None,
         off: int) -> None:
    """``rest`` follows ``protocols bgp``; ``off`` is 2 inside a routing instance. Object depths in the
    full statement: bgp = off+2, group G = off+4, neighbor X = off+6."""
    if len(rest) >= 2 and rest[0] == "group":
        is_nb = len(rest) >= 4 and rest[2] == "neighbor"
        depth = off + (6 if is_nb else 4)
        if inactive is not None and inactive[0] > depth:
            return  # a deactivated attribute
        g = st.obj(st.groups, (inst, rest[1]), line, inactive, off + 4)
        if is_nb:
            nb = st.obj(st.neighbors, (inst, rest[1], rest[3]), line, inactive, off + 6)
            _bgp_attr(nb, rest[4:], line)
        else:
            _bgp_attr(g, rest[2:], line)
        return
    if inactive is not None and inactive[0] > off + 2:
        return
    _bgp_attr(st.obj(st.bgp, inst, line, inactive, off + 2), rest, line)


def _bgp_attr(o: Obj, rest: tuple[str, ...], line: int) -> None:
    if not rest:
        return
    key = rest[0]
    if key == "local-as" and len(rest) >= 2 and rest[1] in ("loops", "private", "alias", "no-prepend-global-as"):
        return  # an option of local-as (display set prints it on its own line)
    if key in ("peer-as", "local-as", "hold-time", "type") and len(rest) >= 2:
        o.set(key, rest[1], line)
    elif rest[:5] == ("family", "inet", "unicast", "prefix-limit", "maximum") and len(rest) >= 6:
        o.set("prefix-limit", rest[5], line)  # what the session accepts from AWS is limited
    elif key in ("export", "import") and len(rest) >= 2:
        o.add(key, rest[1], line)
    elif key == "shutdown":
        o.set("shutdown", True, line)
