"""pfSense config.xml -> DeviceConfig (IR terms, with line numbers).

Semantic reading, the way pfSense itself interprets its config: phase 1 entries are found by peer
address whatever their ikeid or order; VTI interfaces are ``ipsec<reqid>`` (ipsec_get_ifname());
lifetimes fall back like ipsec_get_life_time(); a VTI's MTU without ``<mtu>`` is if_ipsec's 1400 and
``<mss>`` clamps to mss - 40 (filter.inc); BGP comes from the FRR package GUI sections, or from its raw
``bgpd`` config when one is stored (base64, frr_bgp.inc frr_generate_config_bgp()); static routes are
resolved through ``<gateways>`` (and the automatic ``<DESCR>_VTIV4`` gateways pfSense adds for VTIs),
and LAN rules that policy-route through a gateway group count for every tunnel of the group.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ...errors import InputError
from ...ir import Encryption, IkeVersion, Integrity, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from . import names as N
from .swanctl_map import life_time, to_php
from .xmlread import Document, Node, parse


@dataclass
class TunnelMeta:
    """Where a device tunnel lives in config.xml (what remediation needs to address it)."""

    ikeid: str
    p1_index: int
    p2_index: int | None = None
    reqid: str | None = None
    vti_if: str | None = None          # ipsecN
    ifname: str | None = None          # optN it is assigned to
    remote_inside: ipaddress.IPv4Address | None = None
    inside: ipaddress.IPv4Interface | None = None
    iketype: str = "ikev1"
    gateways: list[str] = field(default_factory=list)   # gateway names that lead into this tunnel
    disabled: set[str] = field(default_factory=set)     # "phase1", "phase2", "interface"


@dataclass
class PfDeviceConfig(DeviceConfig):
    meta: dict[str, TunnelMeta] = field(default_factory=dict)
    #: index of each FRR neighbor ``<config>`` by peer address
    neighbor_index: dict[str, int] = field(default_factory=dict)
    frr_present: bool = False
    ikeids: set[int] = field(default_factory=set)
    reqids: set[int] = field(default_factory=set)
    opt_numbers: set[int] = field(default_factory=set)
    #: static route index and gateway by destination network
    route_index: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: gateway group name -> (index among gateway_group entries, member gateway names)
    groups: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    #: interface -> index of its first filter rule (policy-routing rules must go before it)
    first_rule: dict[str, int] = field(default_factory=dict)


# -- sniffing ---------------------------------------------------------------------------------

def sniff(text: str, path: str | None) -> None:
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise InputError("empty file: expected a pfSense config.xml", path, 1)
    if head.startswith("---- BEGIN config.xml ----"):
        raise InputError("this is an encrypted pfSense backup: download it again without encryption "
                         "(Diagnostics > Backup & Restore)", path, 1)
    if not head.startswith("<"):
        from ...readers import detect

        what = detect.foreign(text, ("pfsense",))
        if what:
            raise InputError(f"this looks like {what}, not a pfSense config.xml", path, 1)
        raise InputError("not a pfSense config.xml (no XML markup)", path, 1)


def _root_check(doc: Document) -> None:
    tag = doc.root.tag
    if tag in ("pfsense", "ipsec"):
        return
    if tag == "opnsense":
        raise InputError("this is an OPNsense config.xml, not pfSense (OPNsense stores IPsec differently)",
                         doc.path, doc.root.line)
    if tag == "vpn_connection":
        raise InputError("this looks like AWS's XML VPN configuration download, not a pfSense config.xml",
                         doc.path, doc.root.line)
    raise InputError(f"root element <{tag}> is not <pfsense>: not a pfSense config.xml", doc.path, doc.root.line)


# -- helpers ----------------------------------------------------------------------------------

def _int(s: str) -> int | None:
    try:
        return int(s.strip())
    except (ValueError, AttributeError):
        return None


def _ip(s: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(s.strip())
    except ValueError:
        return None


def _net(s: str) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(s.strip(), strict=False)
    except ValueError:
        return None


class _Ctx:
    def __init__(self, doc: Document, dc: PfDeviceConfig) -> None:
        self.doc = doc
        self.dc = dc
        r = doc.root
        self.ipsec = r if r.tag == "ipsec" else doc.section("ipsec")
        self.ifaces = doc.section("interfaces") if r.tag == "pfsense" else None
        self.pk = doc.section("installedpackages") if r.tag == "pfsense" else None

    def note(self, line: int | None, msg: str) -> None:
        self.dc.notes.append(DeviceNote(line, msg))

    def iface(self, name: str) -> Node | None:
        return self.ifaces.find(name) if self.ifaces is not None else None

    def iface_by_if(self, real: str) -> Node | None:
        if self.ifaces is None:
            return None
        return next((i for i in self.ifaces.children if i.get("if") == real), None)

    def iface_address(self, name: str) -> ipaddress.IPv4Address | None:
        """get_interface_ip() for statically addressed interfaces and IP alias/CARP VIPs."""
        if name.startswith("_vip"):
            vips = self.doc.section("virtualip")
            for v in vips.findall("vip") if vips is not None else []:
                if f"_vip{v.get('uniqid')}" == name:
                    return _ip(v.get("subnet"))
            return None
        i = self.iface(name)
        return _ip(i.get("ipaddr")) if i is not None else None


# -- phase 1 / phase 2 ------------------------------------------------------------------------

def _ike(t: DeviceTunnel, p1: Node, ctx: _Ctx) -> None:
    encs: list[Encryption] = []
    integ: list[Integrity] = []
    dhs: list[int] = []
    enc_node = p1.find("encryption")
    items = enc_node.findall("item") if enc_node is not None else []
    for it in items:
        ea = it.find("encryption-algorithm")
        h = it.get("hash-algorithm")
        if ea is None or not ea.get("name") or not h:
            continue  # ipsec_setup_tunnels() skips incomplete items too
        e = N.IKE_ENCRYPTION_BACK.get((ea.get("name"), ea.get("keylen") or "128"))
        if e is None:
            ctx.note(it.line, f"{t.name}: phase 1 encryption {ea.get('name')} {ea.get('keylen')} is not an AWS algorithm")
        elif e not in encs:
            encs.append(e)
        i = N.IKE_INTEGRITY_BACK.get(h)
        if i is None:
            ctx.note(it.line, f"{t.name}: phase 1 hash {h} is not an AWS algorithm")
        elif i not in integ:
            integ.append(i)
        g = _int(it.get("dhgroup"))
        if g is not None and g not in dhs:
            dhs.append(g)
    line = enc_node.line if enc_node is not None else p1.line
    t.set("ike.encryption", tuple(encs), line)
    t.set("ike.integrity", tuple(integ), line)
    t.set("ike.dh_groups", tuple(dhs), line)


def _esp(t: DeviceTunnel, p2: Node, ctx: _Ctx) -> None:
    encs: list[Encryption] = []
    gcm_only = True
    opts = p2.findall("encryption-algorithm-option")
    for o in opts:
        name, kl = o.get("name"), o.get("keylen")
        if "gcm" not in name[1:] and name != "chacha20poly1305":
            gcm_only = False
        if name == "aes" and kl == N.ESP_AES_AUTO:
            found = [Encryption.AES256, Encryption.AES128]   # auto = 256, 192, 128; 192 is not AWS's
        else:
            e = N.IKE_ENCRYPTION_BACK.get((name, kl or "128"))
            found = [e] if e else []
            if not found:
                ctx.note(o.line, f"{t.name}: phase 2 encryption {name} {kl} is not an AWS algorithm")
        encs += [e for e in found if e not in encs]
    integ = []
    for h in p2.findall("hash-algorithm-option"):
        i = N.ESP_INTEGRITY_BACK.get(h.text)
        if i is None:
            ctx.note(h.line, f"{t.name}: phase 2 hash {h.text} is not an AWS algorithm")
        elif i not in integ:
            integ.append(i)
    line = opts[0].line if opts else p2.line
    t.set("ipsec.encryption", tuple(encs), line)
    t.set("ipsec.integrity", () if (opts and gcm_only) else tuple(integ),
          p2.line_of("hash-algorithm-option"))
    pfs = _int(p2.get("pfsgroup")) or 0
    t.set("ipsec.pfs_groups", (pfs,) if pfs else (), p2.line_of("pfsgroup"))
    # no <lifetime>: pfSense leaves life_time out of the child, strongSwan rekeys after its 1 h default
    lt = _int(p2.get("lifetime")) or 3600
    t.set("ipsec.lifetime_s", lt, p2.line_of("lifetime"))


def _tunnel(p1: Node, idx: int, p2s: list[tuple[int, Node]], ctx: _Ctx) -> DeviceTunnel:
    ikeid = p1.get("ikeid")
    descr = p1.get("descr")
    name = f"phase1 ikeid {ikeid}" + (f" ({descr})" if descr else "")
    if name in ctx.dc.meta:  # a duplicated ikeid: keep the tunnels apart
        name += f" #{idx + 1}"
    t = DeviceTunnel(name, p1.line)
    meta = TunnelMeta(ikeid=ikeid, p1_index=idx, iketype=p1.get("iketype") or "ikev1")
    ctx.dc.meta[name] = meta
    rg = _ip(p1.get("remote-gateway"))
    if rg is not None:
        t.set("outside.aws", rg, p1.line_of("remote-gateway"))
    else:
        ctx.note(p1.line_of("remote-gateway"), f"{name}: remote gateway {p1.get('remote-gateway')!r} is not an IPv4 address")
    _local_id(t, p1, ctx)
    iketype = p1.get("iketype")
    version = N.IKE_VERSION_BACK.get(iketype)
    if iketype == "auto":
        ctx.note(p1.line_of("iketype"), f"{name}: IKE version 'auto' initiates IKEv2 and accepts IKEv1")
    if version is not None:
        t.set("ike.version", version, p1.line_of("iketype"))
        if version is IkeVersion.IKEV1 and iketype != "auto":
            mode = NegotiationMode.AGGRESSIVE if p1.get("mode") == "aggressive" else NegotiationMode.MAIN
            t.set("ike.mode", mode, p1.line_of("mode"))
    method = p1.get("authentication_method")
    if method in ("pre_shared_key", "xauth_psk_server"):
        t.set("ike.psk", p1.get("pre-shared-key"), p1.line_of("pre-shared-key"))
    else:
        ctx.note(p1.line_of("authentication_method"), f"{name}: authentication {method!r} is not a pre-shared key")
    _ike(t, p1, ctx)
    t.set("ike.lifetime_s", life_time(to_php(p1) if p1.children else {"iketype": "ikev1"}),
          p1.line_of("lifetime"))
    delay, fail = _int(p1.get("dpd_delay")), _int(p1.get("dpd_maxfail"))
    if delay and fail:
        t.set("dpd.interval_s", delay, p1.line_of("dpd_delay"))
        t.set("dpd.retries", fail, p1.line_of("dpd_maxfail"))

    disabled_line = p1.line_of("disabled") if p1.has("disabled") else None
    if p1.has("disabled"):
        meta.disabled.add("phase1")
    vti = [(i, p) for i, p in p2s if p.get("mode") == "vti" and not p.has("mobile")]
    tun = [(i, p) for i, p in p2s if p.get("mode") in ("tunnel", "") and not p.has("mobile")]
    chosen = next(((i, p) for i, p in vti if not p.has("disabled")), vti[0] if vti else None)
    if chosen is None and tun:
        chosen = next(((i, p) for i, p in tun if not p.has("disabled")), tun[0])
    if chosen is None:
        ctx.note(p1.line, f"{name}: no route-based (VTI) or tunnel-mode phase 2")
    else:
        p2i, p2 = chosen
        meta.p2_index, meta.reqid = p2i, p2.get("reqid")
        _esp(t, p2, ctx)
        if p2.has("disabled"):
            meta.disabled.add("phase2")
            disabled_line = disabled_line or p2.line_of("disabled")
        if len(vti) > 1:
            ctx.note(vti[1][1].line, f"{name}: more than one VTI phase 2; the first enabled one is read")
        if p2.get("mode") == "vti":
            _vti(t, p1, p2, p2s, meta, ctx)
            if meta.ifname and not ctx.iface(meta.ifname).has("enable"):
                meta.disabled.add("interface")
                disabled_line = disabled_line or ctx.iface(meta.ifname).line
        else:
            ctx.note(p2.line, f"{name}: policy-based (tunnel mode) phase 2, no tunnel interface")
            nets = []
            for _, p in tun:
                r = p.find("remoteid")
                if p.has("disabled") or r is None:
                    continue
                n = _net(f"{r.get('address')}/{r.get('netbits') or 32}") if r.get("type") in ("network", "address") else None
                if n is not None and n not in nets:
                    nets.append(n)
            if nets:
                t.set("static_routes", tuple(nets), p2.line_of("remoteid"))
    t.set("enabled", disabled_line is None, disabled_line or p1.line)
    return t


def _local_id(t: DeviceTunnel, p1: Node, ctx: _Ctx) -> None:
    kind, data = p1.get("myid_type"), p1.get("myid_data")
    line = p1.line_of("myid_type")
    if kind == "address":
        ip = _ip(data)
        if ip is not None:
            t.set("outside.customer", ip, p1.line_of("myid_data"))
            return
    elif kind in ("myaddress", ""):
        iface = p1.get("interface") or "wan"
        ip = ctx.iface_address(iface)
        if ip is not None:
            t.set("outside.customer", ip, line)
            return
        ctx.note(line, f"{t.name}: local identity is the address of {iface}, which is dynamic (DHCP/PPPoE): "
                       "it cannot be checked from config.xml")
        t.set("outside.customer", None, line, verifiable=False)
        return
    ctx.note(line, f"{t.name}: local identity type {kind!r} ({data!r}) is not an IP address")


def _vti(t: DeviceTunnel, p1: Node, p2: Node, p2s: list[tuple[int, Node]], meta: TunnelMeta, ctx: _Ctx) -> None:
    loc, rem = p2.find("localid"), p2.find("remoteid")
    if loc is not None and _ip(loc.get("address")) is not None:
        bits = loc.get("netbits") if loc.get("type") == "network" else "30"  # ipsec_idinfo_to_cidr(): /30
        try:
            meta.inside = ipaddress.IPv4Interface(f"{loc.get('address')}/{bits}")
            t.set("inside.customer", meta.inside, loc.line_of("address"))
        except ValueError:
            ctx.note(loc.line, f"{t.name}: local VTI address {loc.get('address')}/{bits} is invalid")
    if rem is not None:
        meta.remote_inside = _ip(rem.get("address"))
    # ipsec_get_ifname(): IKEv1 / split connections get one ipsec<reqid> per P2; IKEv2 one per P1,
    # named after the first P2 of the phase 1
    split = (p1.get("iketype") or "ikev1") == "ikev1" or p1.has("splitconn")
    reqid = p2.get("reqid") if split else (p2s[0][1].get("reqid") if p2s else p2.get("reqid"))
    meta.vti_if = f"{N.VTI_IF_PREFIX}{reqid}"
    vtimaps = ctx.ipsec.path("vtimaps") if ctx.ipsec is not None else None
    if vtimaps is not None and vtimaps.findall("item"):
        # pfSense 2.4/2.5 (before upgrade_219_to_220): get_ipsecifnum($ikeid, $idx) looks the number up
        # in <vtimaps>, idx = the P2's place among the P1's enabled VTI P2s (0 for IKEv2)
        vtis = [p for _, p in p2s if p.get("mode") == "vti" and not p.has("disabled")]
        idx = vtis.index(p2) if split and p2 in vtis else 0
        for it in vtimaps.findall("item"):
            if it.get("reqid") == p1.get("ikeid") and it.get("index") == str(idx):
                meta.vti_if = f"{N.VTI_IF_PREFIX}{it.get('ifnum')}"
    iface = ctx.iface_by_if(meta.vti_if)
    if iface is None:
        ctx.note(p2.line, f"{t.name}: {meta.vti_if} is not assigned to an interface: MTU is the if_ipsec "
                          f"default {N.VTI_DEFAULT_MTU} and no TCP MSS clamping applies")
        t.set("mtu", N.VTI_DEFAULT_MTU, p2.line)
        return
    meta.ifname = iface.tag
    mtu = _int(iface.get("mtu"))
    t.set("mtu", mtu or N.VTI_DEFAULT_MTU, iface.line_of("mtu"))
    mss = _int(iface.get("mss"))
    if mss:
        t.set("tcp_mss", mss - N.MSS_OFFSET, iface.line_of("mss"))


# -- entry point ------------------------------------------------------------------------------

def read(text: str, path: str | None = None) -> PfDeviceConfig:
    from .read_routing import _bgp, _static_routes

    sniff(text, path)
    doc = parse(text, path)
    _root_check(doc)
    dc = PfDeviceConfig(vendor="pfsense", path=path)
    ctx = _Ctx(doc, dc)
    if ctx.ifaces is not None:
        dc.opt_numbers = {int(i.tag[3:]) for i in ctx.ifaces.children if re.match(r"^opt\d+$", i.tag)}
    if ctx.ipsec is None:
        ctx.note(doc.root.line, "no <ipsec> section: no IPsec tunnels are configured")
        _bgp(ctx)
        return dc
    p1s = ctx.ipsec.findall("phase1")
    p2all = list(enumerate(ctx.ipsec.findall("phase2")))
    dc.ikeids = {v for v in (_int(p.get("ikeid")) for p in p1s) if v is not None}
    dc.reqids = {v for v in (_int(p.get("reqid")) for _, p in p2all) if v is not None}
    tunnels: dict[str, DeviceTunnel] = {}
    for idx, p1 in enumerate(p1s):
        if p1.has("mobile"):
            ctx.note(p1.line, f"phase1 ikeid {p1.get('ikeid')} is for mobile clients: not a site-to-site tunnel")
            continue
        mine = [(i, p) for i, p in p2all if p.get("ikeid") == p1.get("ikeid")]
        t = _tunnel(p1, idx, mine, ctx)
        tunnels[t.name] = t
        dc.tunnels.append(t)
    _static_routes(ctx, tunnels)
    _bgp(ctx)
    return dc

