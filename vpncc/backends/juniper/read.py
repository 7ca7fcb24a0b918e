"""Junos config (either form) -> DeviceConfig in IR terms.

One device tunnel per ``security ipsec vpn`` (plus one per IKE gateway no VPN uses), following the
references vpn -> gateway -> ike policy -> ike proposals, vpn -> ipsec policy -> ipsec proposals and
vpn -> bind-interface st0.N. Junos defaults are filled in for omitted statements (see names.py).
Deactivated objects are read but make the tunnel ``enabled = False``; a deactivated attribute is
ignored like an absent one.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import InputError
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
from . import names as N
from .syntax import Config, apply_commands, expand_groups, looks_like_set, parse_curly, parse_set, relevant

V = tuple[Any, int]  # (value, line)


@dataclass
class JunosTunnel(DeviceTunnel):
    """A device tunnel plus the Junos object names remediation needs."""

    refs: dict[str, Any] = field(default_factory=dict)


@dataclass
class JunosDevice(DeviceConfig):
    form: str = "set"
    #: neighbor address -> tokens of its `... group G neighbor X` path
    bgp_paths: dict[ipaddress.IPv4Address, tuple[str, ...]] = field(default_factory=dict)
    #: st0 units configured on the device
    units: set[int] = field(default_factory=set)
    flow_mss: V | None = None
    #: neighbor address -> commands that turn it back on
    bgp_enable: dict[ipaddress.IPv4Address, list[str]] = field(default_factory=dict)


@dataclass
class Obj:
    line: int
    attrs: dict[str, V] = field(default_factory=dict)
    lists: dict[str, list[V]] = field(default_factory=dict)
    inactive: int | None = None          # line of the deactivation of this object or an ancestor
    inactive_path: tuple[str, ...] = ()  # the deactivated prefix (what `activate` needs)

    def set(self, key: str, value: Any, line: int) -> None:
        self.attrs[key] = (value, line)

    def add(self, key: str, value: Any, line: int) -> None:
        lst = self.lists.setdefault(key, [])
        if all(v != value for v, _ in lst):
            lst.append((value, line))

    def get(self, key: str) -> V | None:
        return self.attrs.get(key)


class _State:
    def __init__(self) -> None:
        self.ike_proposals: dict[str, Obj] = {}
        self.ike_policies: dict[str, Obj] = {}
        self.gateways: dict[str, Obj] = {}
        self.esp_proposals: dict[str, Obj] = {}
        self.ipsec_policies: dict[str, Obj] = {}
        self.vpns: dict[str, Obj] = {}
        self.units: dict[int, Obj] = {}
        self.st0 = Obj(0)
        self.flow_mss: V | None = None
        #: instance ("" = master) -> routing data
        self.asn: dict[str, V] = {}
        self.bgp: dict[str, Obj] = {}
        self.groups: dict[tuple[str, str], Obj] = {}
        self.neighbors: dict[tuple[str, str, str], Obj] = {}
        self.routes: dict[str, dict[ipaddress.IPv4Network, list[V]]] = {}
        self.notes: list[tuple[int, str]] = []
        self.tokens: tuple[str, ...] = ()   # the statement being interpreted

    def obj(self, table: dict, key: Any, line: int, inactive: tuple[int, int] | None, depth: int) -> Obj:
        o = table.get(key)
        if o is None:
            o = table[key] = Obj(line)
        if inactive is not None and inactive[0] <= depth and o.inactive is None:
            o.inactive = inactive[1]
            o.inactive_path = self.tokens[:inactive[0]]
        return o


# -- vendor detection ----------------------------------------------------------------------------

_JUNOS = re.compile(r"^\s*(set |deactivate |delete |activate )?(security|interfaces|protocols|routing-options|"
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
    st = _State()
    st.notes.extend(notes)
    for e in cfg.entries:
        t = e.tokens
        inactive = cfg.inactive_at(t)
        st.tokens = t
        try:
            _interpret(st, t, e.line, inactive)
        except (ValueError, IndexError):
            st.notes.append((e.line, f"cannot read: {_mask(t)}"))
    dev = JunosDevice(vendor="juniper", path=path, form=form)
    _build(st, dev)
    dev.notes.extend(DeviceNote(line, msg) for line, msg in sorted(st.notes, key=lambda n: n[0]))
    return dev


def _mask(tokens: tuple[str, ...]) -> str:
    if "pre-shared-key" in tokens:
        tokens = tokens[:tokens.index("pre-shared-key") + 2] + ("***",)
    return " ".join(tokens)[:100]


def _int(word: str) -> int:
    if not (word.isascii() and word.isdigit()):  # "²".isdigit() is True but int("²") fails
        raise ValueError(word)
    return int(word)


def _asn(word: str) -> int:
    """Plain or AS-dot (``1.10`` = 65546) notation."""
    if re.fullmatch(r"\d+\.\d+", word):
        hi, lo = word.split(".")
        return int(hi) * 65536 + int(lo)
    return _int(word)


def _interpret(st: _State, t: tuple[str, ...], line: int, inactive: tuple[int, int] | None) -> None:
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
    if t[0] == "security" and t[1:4] == ("flow", "tcp-mss", "ipsec-vpn") and n == 6 and t[4] == "mss":
        if inactive is None:  # a global value: deactivated anywhere above = not configured
            st.flow_mss = (_int(t[5]), line)
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
        u = st.obj(st.units, _int(t[3]), line, inactive, 4)
        _unit_attr(u, t[4:], line)
        return
    instance = ""
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
            st.asn[instance] = (_asn(t[2]), line)
        elif t[1] == "static" and n >= 5 and t[2] == "route" and inactive is None:
            net = ipaddress.IPv4Network(t[3], strict=False) if ":" not in t[3] else None
            if net is None:
                return
            hops = st.routes.setdefault(instance, {}).setdefault(net, [])
            if t[4] in ("next-hop", "qualified-next-hop") and n >= 6:
                hops.append((t[5], line))


def _attr(st: _State, kind: tuple[str, str], name: str, o: Obj, rest: tuple[str, ...], line: int) -> None:
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
                    o.set("dpd-" + rest[i], _int(rest[i + 1]), line)
                    i += 2
                else:
                    i += 1
        elif key == "local-identity" and len(rest) >= 3 and rest[1] == "inet":
            o.set("local-identity", rest[2], line)
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
        if key == "bind-interface" and val is not None:
            o.set("bind", val, line)
        elif key == "ike" and len(rest) >= 3 and rest[1] in ("gateway", "ipsec-policy"):
            o.set(rest[1], rest[2], line)


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
            u.set(f"{fam}-{key}", _int(val), line)


def _bgp(st: _State, inst: str, rest: tuple[str, ...], line: int, inactive: tuple[int, int] | None,
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
    elif key == "shutdown":
        o.set("shutdown", True, line)


# -- building tunnels ------------------------------------------------------------------------------

def _algos(st: _State, table: dict[str, Obj], names: list[V], ike: bool) -> dict[str, Any]:
    enc: list[V] = []
    integ: list[V] = []
    dh: list[V] = []
    life: V | None = None
    gcm_only = True
    for name, pline in names:
        p = table.get(name)
        if p is None:
            st.notes.append((pline, f"{'IKE' if ike else 'IPsec'} proposal {name} is referenced but not "
                                    "configured (predefined proposals are not read)"))
            continue
        e = p.get("encryption-algorithm")
        if e is not None:
            val = (N.IKE_ENCRYPTION_R if ike else N.ESP_ENCRYPTION_R).get(e[0])
            if val is None:
                st.notes.append((e[1], f"proposal {name}: encryption-algorithm {e[0]} is not one AWS accepts"))
            else:
                enc.append((val, e[1]))
                gcm_only = gcm_only and val.is_gcm
        a = p.get("authentication-algorithm")
        if a is not None:
            val = (N.IKE_INTEGRITY_R if ike else N.ESP_INTEGRITY_R).get(a[0])
            if val is None:
                st.notes.append((a[1], f"proposal {name}: authentication-algorithm {a[0]} is not one AWS accepts"))
            else:
                integ.append((val, a[1]))
        if ike:
            g = p.get("dh-group")
            if g is not None:
                grp = N.dh_from_keyword(g[0])
                if grp is None:
                    st.notes.append((g[1], f"proposal {name}: unknown dh-group {g[0]}"))
                else:
                    dh.append((grp, g[1]))
        lt = p.get("lifetime-seconds")
        if lt is not None and not (lt[0].isascii() and lt[0].isdigit()):
            st.notes.append((lt[1], f"proposal {name}: lifetime-seconds {lt[0][:20]!r} is not a number"))
            lt = None
        if life is None:
            life = (_int(lt[0]), lt[1]) if lt is not None else (
                N.DEFAULT_IKE_LIFETIME if ike else N.DEFAULT_IPSEC_LIFETIME, p.line)
    return {"enc": enc, "int": integ, "dh": dh, "life": life}


def _uniq(values: list[V]) -> tuple[tuple, int] | None:
    if not values:
        return None
    out: list[Any] = []
    for v, _ in values:
        if v not in out:
            out.append(v)
    return tuple(out), values[0][1]


def _psk(o: Obj) -> tuple[str, int, bool] | None:
    p = o.get("psk")
    if p is None:
        return None
    (kind, token), line = p
    value = N.unquote(token)
    if value.startswith("$9$"):
        return value, line, False     # Junos' reversible obfuscation: not compared
    if kind == "hexadecimal":
        try:
            return bytes.fromhex(value).decode("ascii"), line, True
        except ValueError:
            return value, line, False
    return value, line, True


def _build(st: _State, dev: JunosDevice) -> None:
    dev.flow_mss = st.flow_mss
    dev.units = set(st.units)
    used_gateways: set[str] = set()
    unit_nets: dict[int, list[ipaddress.IPv4Network]] = {
        u: [a.network for a, _ in o.lists.get("inet", ()) if isinstance(a, ipaddress.IPv4Interface)]
        for u, o in st.units.items()}
    for vname, vpn in st.vpns.items():
        t = JunosTunnel(name=vname, line=vpn.line)
        t.refs["vpn"] = vname
        disabled: list[tuple[int, str]] = []
        _off(disabled, vpn)
        gw_name = vpn.get("gateway")
        if gw_name is not None:
            used_gateways.add(gw_name[0])
            gw = st.gateways.get(gw_name[0])
            if gw is None:
                st.notes.append((gw_name[1], f"vpn {vname} uses IKE gateway {gw_name[0]}, which is not configured"))
                t.refs["gateway"] = gw_name[0]
            else:
                _ike(st, t, gw_name[0], gw, disabled)
        _ipsec(st, t, vpn, disabled)
        _unit(st, t, vpn, disabled, unit_nets)
        _disabled(t, disabled)
        dev.tunnels.append(t)
    for gname, gw in st.gateways.items():
        if gname in used_gateways:
            continue
        t = JunosTunnel(name=gname, line=gw.line)
        disabled = []
        _ike(st, t, gname, gw, disabled)
        _disabled(t, disabled)
        dev.tunnels.append(t)
    _neighbors(st, dev)


def _off(disabled: list[tuple[int, str]], o: Obj, path: tuple[str, ...] = ()) -> None:
    """Record what turns an object back on: `activate <deactivated prefix>` / `delete <path> disable`."""
    if o.inactive is not None:
        disabled.append((o.inactive, "activate " + " ".join(o.inactive_path)))
    if path and o.get("disable") is not None:
        disabled.append((o.get("disable")[1], "delete " + " ".join(path + ("disable",))))


def _disabled(t: JunosTunnel, disabled: list[tuple[int, str]]) -> None:
    if disabled:
        t.set("enabled", False, min(disabled)[0])
        t.refs["enable"] = sorted({cmd for _, cmd in disabled})


def _ike(st: _State, t: JunosTunnel, gname: str, gw: Obj, disabled: list[tuple[int, str]]) -> None:
    t.refs["gateway"] = gname
    _off(disabled, gw)
    addrs = gw.lists.get("address")
    if addrs:
        try:
            t.set("outside.aws", ipaddress.IPv4Address(addrs[0][0]), addrs[0][1])
        except ValueError:
            st.notes.append((addrs[0][1], f"gateway {gname}: peer {addrs[0][0]} is not an IPv4 address"))
    ident = gw.get("local-identity") or gw.get("local-address")
    if ident is not None:
        try:
            t.set("outside.customer", ipaddress.IPv4Address(ident[0]), ident[1])
        except ValueError:
            st.notes.append((ident[1], f"gateway {gname}: local identity {ident[0]} is not an IPv4 address"))
    ver = gw.get("version")
    if ver is not None and ver[0] in N.IKE_VERSION_R:
        t.set("ike.version", N.IKE_VERSION_R[ver[0]], ver[1])
    else:
        t.set("ike.version", N.DEFAULT_IKE_VERSION, gw.line)
    if gw.get("dpd") is not None:
        dline = gw.get("dpd")[1]
        iv, th = gw.get("dpd-interval"), gw.get("dpd-threshold")
        t.set("dpd.interval_s", iv[0] if iv else N.DEFAULT_DPD_INTERVAL, iv[1] if iv else dline)
        t.set("dpd.retries", th[0] if th else N.DEFAULT_DPD_THRESHOLD, th[1] if th else dline)
    pol_name = gw.get("ike-policy")
    if pol_name is None:
        return
    t.refs["ike_policy"] = pol_name[0]
    pol = st.ike_policies.get(pol_name[0])
    if pol is None:
        st.notes.append((pol_name[1], f"gateway {gname} uses IKE policy {pol_name[0]}, which is not configured"))
        return
    _off(disabled, pol)
    mode = pol.get("mode")
    if mode is not None and mode[0] in N.NEGOTIATION_MODE_R:
        t.set("ike.mode", N.NEGOTIATION_MODE_R[mode[0]], mode[1])
    else:
        t.set("ike.mode", N.DEFAULT_MODE, pol.line)
    psk = _psk(pol)
    if psk is not None:
        t.set("ike.psk", psk[0], psk[1], verifiable=psk[2])
    names = pol.lists.get("proposals", [])
    t.refs["ike_proposals"] = [n for n, _ in names]
    if pol.get("proposal-set") is not None:
        st.notes.append((pol.get("proposal-set")[1], f"IKE policy {pol_name[0]}: proposal-set "
                                                     f"{pol.get('proposal-set')[0]} is not read"))
    a = _algos(st, st.ike_proposals, names, ike=True)
    for key, vals in (("ike.encryption", a["enc"]), ("ike.integrity", a["int"]), ("ike.dh_groups", a["dh"])):
        u = _uniq(vals)
        if u is not None:
            t.set(key, u[0], u[1])
    if a["life"] is not None:
        t.set("ike.lifetime_s", a["life"][0], a["life"][1])


def _ipsec(st: _State, t: JunosTunnel, vpn: Obj, disabled: list[tuple[int, str]]) -> None:
    pname = vpn.get("ipsec-policy")
    if pname is None:
        return
    t.refs["ipsec_policy"] = pname[0]
    pol = st.ipsec_policies.get(pname[0])
    if pol is None:
        st.notes.append((pname[1], f"vpn {t.name} uses IPsec policy {pname[0]}, which is not configured"))
        return
    _off(disabled, pol)
    names = pol.lists.get("proposals", [])
    t.refs["esp_proposals"] = [n for n, _ in names]
    if pol.get("proposal-set") is not None:
        st.notes.append((pol.get("proposal-set")[1], f"IPsec policy {pname[0]}: proposal-set "
                                                     f"{pol.get('proposal-set')[0]} is not read"))
    a = _algos(st, st.esp_proposals, names, ike=False)
    enc = _uniq(a["enc"])
    if enc is not None:
        t.set("ipsec.encryption", enc[0], enc[1])
        integ = _uniq(a["int"])
        t.set("ipsec.integrity", integ[0] if integ else (), integ[1] if integ else enc[1])
    if a["life"] is not None:
        t.set("ipsec.lifetime_s", a["life"][0], a["life"][1])
    pfs = pol.get("pfs")
    if pfs is not None and N.dh_from_keyword(pfs[0]) is not None:
        t.set("ipsec.pfs_groups", (N.dh_from_keyword(pfs[0]),), pfs[1])
    else:
        t.set("ipsec.pfs_groups", (), pol.line)


def _unit(st: _State, t: JunosTunnel, vpn: Obj, disabled: list[tuple[int, str]],
          unit_nets: dict[int, list[ipaddress.IPv4Network]]) -> None:
    bind = vpn.get("bind")
    if bind is None:
        return
    m = N.ST0_UNIT.fullmatch(bind[0])
    if m is None:
        st.notes.append((bind[1], f"vpn {t.name} binds {bind[0]}, not an st0 unit"))
        return
    num = int(m.group(1))
    t.refs["unit"] = num
    _off(disabled, st.st0, ("interfaces", "st0"))
    u = st.units.get(num)
    if u is None:
        st.notes.append((bind[1], f"vpn {t.name} binds st0.{num}, which is not configured"))
    else:
        _off(disabled, u, ("interfaces", "st0", "unit", str(num)))
        v4 = u.lists.get("inet")
        if v4:
            t.set("inside.customer", v4[0][0], v4[0][1])
        v6 = u.lists.get("inet6")
        if v6:
            t.set("inside_ipv6.customer", v6[0][0], v6[0][1])
        mtu = u.get("inet-mtu")
        if mtu is not None:
            t.set("mtu", mtu[0], mtu[1])
    # MSS: the st0 unit's own tcp-mss and the global IPsec VPN clamp both apply; the lower one wins.
    if u is not None and u.get("inet-tcp-mss") is not None:
        t.refs["unit_mss"] = u.get("inet-tcp-mss")[0]
    candidates = [c for c in ((u.get("inet-tcp-mss") if u else None), st.flow_mss) if c is not None]
    if candidates:
        val, line = min(candidates, key=lambda c: c[0])
        t.set("tcp_mss", val, line)
    routes: list[ipaddress.IPv4Network] = []
    rline = None
    for inst_routes in st.routes.values():
        for net, hops in inst_routes.items():
            for hop, hline in hops:
                if hop == f"st0.{num}" or _in_nets(hop, unit_nets.get(num, [])):
                    if net not in routes:
                        routes.append(net)
                        rline = rline or hline
    if routes:
        t.set("static_routes", tuple(routes), rline)


def _in_nets(hop: str, nets: list[ipaddress.IPv4Network]) -> bool:
    try:
        ip = ipaddress.IPv4Address(hop)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def _neighbors(st: _State, dev: JunosDevice) -> None:
    for (inst, gname, addr), nb in st.neighbors.items():
        try:
            ip = ipaddress.IPv4Address(addr)
        except ValueError:
            continue  # IPv6 neighbors: the IR's BGP sessions are IPv4
        g = st.groups.get((inst, gname)) or Obj(nb.line)
        b = st.bgp.get(inst) or Obj(nb.line)
        entry: dict[str, Obs] = {"neighbor": Obs(ip, nb.line)}

        def pick(key: str) -> V | None:
            return nb.get(key) or g.get(key) or b.get(key)

        peer = pick("peer-as")
        if peer is not None:
            try:
                entry["aws_asn"] = Obs(_asn(peer[0]), peer[1])
            except ValueError:
                st.notes.append((peer[1], f"BGP neighbor {addr}: peer-as {peer[0]} is not an AS number"))
        local = pick("local-as")
        if local is not None:
            try:
                entry["customer_asn"] = Obs(_asn(local[0]), local[1])
            except ValueError:
                st.notes.append((local[1], f"BGP neighbor {addr}: local-as {local[0]} is not an AS number"))
                local = None
        if local is None:
            asn = st.asn.get(inst) or st.asn.get("")
            if asn is not None:
                entry["customer_asn"] = Obs(asn[0], asn[1])
        hold = pick("hold-time")
        if hold is not None and not (hold[0].isascii() and hold[0].isdigit()):
            st.notes.append((hold[1], f"hold-time {hold[0][:20]!r} is not a number"))
            hold = None
        if hold is not None:
            entry["hold_time_s"] = Obs(_int(hold[0]), hold[1])
        else:
            entry["hold_time_s"] = Obs(N.DEFAULT_BGP_HOLD_TIME, nb.line)
        bgp_at = (("routing-instances", inst) if inst else ()) + ("protocols", "bgp")
        off: list[tuple[int, str]] = []
        for o, path in ((nb, bgp_at + ("group", gname, "neighbor", addr)), (g, bgp_at + ("group", gname)), (b, bgp_at)):
            _off(off, o)
            if o.get("shutdown") is not None:
                off.append((o.get("shutdown")[1], "delete " + " ".join(path + ("shutdown",))))
        if off:
            entry["enabled"] = Obs(False, min(off)[0])
            dev.bgp_enable[ip] = sorted({cmd for _, cmd in off})
        dev.bgp_neighbors.append(entry)
        dev.bgp_paths[ip] = bgp_at + ("group", gname, "neighbor", addr)
