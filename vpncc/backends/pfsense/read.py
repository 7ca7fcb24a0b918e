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
from .read_neg import dpd, esp_proposal, ike_proposals, initiates
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
    startaction: str = ""
    local_address: ipaddress.IPv4Address | None = None


@dataclass
class PfDeviceConfig(DeviceConfig):
    meta: dict[str, TunnelMeta] = field(default_factory=dict)
    #: index of each FRR neighbor ``<config>`` by peer address
    neighbor_index: dict[str, int] = field(default_factory=dict)
    frr_present: bool = False
    ikeids: set[int] = field(default_factory=set)
    reqids: set[int] = field(default_factory=set)
    opt_numbers: set[int] = field(default_factory=set)
    #: VPN > IPsec > Advanced sets its own IKEv2 retransmit values
    retransmit_set: bool = False
    #: System > Advanced > Firewall & NAT "Disable Firewall Scrub" (no interface MSS clamping at all)
    scrub_disabled: bool = False
    #: statically configured interface and VIP addresses (name -> address): what the firewall owns
    addresses: dict[str, ipaddress.IPv4Address] = field(default_factory=dict)
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
        self.system = doc.section("system") if r.tag == "pfsense" else None
        ver = doc.section("version") if r.tag == "pfsense" else None
        m = re.match(r"^\s*(\d+)\.(\d+)", ver.text) if ver is not None else None
        #: config.xml <version> (pfSense 2.4.4 = 18.x .. 2.6.0 = 22.x), None when absent
        self.version = (int(m.group(1)), int(m.group(2))) if m else None

    def note(self, line: int | None, msg: str) -> None:
        self.dc.notes.append(DeviceNote(line, msg))

    def iface(self, name: str) -> Node | None:
        return self.ifaces.find(name) if self.ifaces is not None else None

    def iface_by_if(self, real: str) -> Node | None:
        if self.ifaces is None:
            return None
        return next((i for i in self.ifaces.children if i.get("if") == real), None)

    def is_gateway_group(self, name: str) -> bool:
        gws = self.doc.section("gateways") if self.doc.root.tag == "pfsense" else None
        return gws is not None and any(g.get("name") == name for g in gws.findall("gateway_group"))

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
    """The old flat keys (a union of the items, kept for remediation) and ``ike.proposals``."""
    encs: list[Encryption] = []
    integ: list[Integrity] = []
    dhs: list[int] = []
    props, notes = ike_proposals(p1, t.name)
    for n in notes:
        ctx.note(p1.line_of("encryption"), n)
    for pr in props:
        encs += [e for e in pr.encryption if e not in encs]
        integ += [i for i in pr.integrity if i not in integ]
        dhs += [g for g in pr.dh_groups if g not in dhs]
        if pr.unknown:
            ctx.note(pr.line, f"{pr.label}: {', '.join(pr.unknown)} is not an AWS algorithm")
    enc_node = p1.find("encryption")
    line = enc_node.line if enc_node is not None else (props[0].line if props else p1.line)
    t.set("ike.encryption", tuple(encs), line)
    t.set("ike.integrity", tuple(integ), line)
    t.set("ike.dh_groups", tuple(dhs), line)
    if props:
        t.set("ike.proposals", props, line)
    else:
        # no usable item: ipsec.inc writes no "proposals", so strongSwan offers its built-in default
        # proposal, which depends on the strongSwan build: it cannot be read from config.xml
        _unverified(t, "ike.proposals", "phase 1 has no complete encryption item; strongSwan would use its "
                                        "compiled-in default proposals")


def _esp(t: DeviceTunnel, p2: Node, ctx: _Ctx) -> None:
    pr = esp_proposal(p2, t.name)
    if pr.unknown:
        ctx.note(pr.line, f"{pr.label}: {', '.join(pr.unknown)} is not an AWS algorithm")
    t.set("ipsec.encryption", pr.encryption, pr.line)
    t.set("ipsec.integrity", pr.integrity, p2.line_of("hash-algorithm-option"))
    t.set("ipsec.pfs_groups", pr.dh_groups, p2.line_of("pfsgroup"))
    t.set("ipsec.proposals", (pr,), pr.line)
    # no <lifetime>: pfSense leaves life_time out of the child, strongSwan rekeys after its 1 h default
    lt = _int(p2.get("lifetime")) or 3600
    t.set("ipsec.lifetime_s", lt, p2.line_of("lifetime"))


def _unverified(t: DeviceTunnel, key: str, msg: str) -> None:
    o = t.get("unverified")
    d = dict(o.value) if o is not None else {}
    d[key] = msg
    t.set("unverified", d, o.line if o is not None else t.line)


def _tunnel(p1: Node, idx: int, p2s: list[tuple[int, Node]], ctx: _Ctx) -> DeviceTunnel:
    ikeid = p1.get("ikeid")
    descr = p1.get("descr")
    name = f"phase1 ikeid {ikeid}" + (f" ({descr})" if descr else "")
    if name in ctx.dc.meta:  # a duplicated ikeid: keep the tunnels apart
        name += f" #{idx + 1}"
    t = DeviceTunnel(name, p1.line)
    meta = TunnelMeta(ikeid=ikeid, p1_index=idx, iketype=p1.get("iketype") or "ikev1",
                      startaction=p1.get("startaction").strip())
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
        # ipsec_setup_secrets() uses trim($ph1ent['pre-shared-key']): PHP's trim() set, not only spaces
        t.set("ike.psk", p1.get("pre-shared-key").strip(" \t\n\r\0\x0b"), p1.line_of("pre-shared-key"))
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
    # pfSense has no "NAT-T off": "on" is the GUI's Auto (UDP 4500 once NAT is detected), "force" always
    # encapsulates; only pre-2.2 racoon configs could say "off"
    nat = p1.get("nat_traversal").strip()
    t.set("nat_t", nat != "off", p1.line_of("nat_traversal"),
          note="NAT-T " + {"force": "forced", "off": "off"}.get(nat, "Auto (on when a NAT is detected)"))
    vti = [(i, p) for i, p in p2s if p.get("mode") == "vti" and not p.has("mobile")]
    tun = [(i, p) for i, p in p2s if p.get("mode") in ("tunnel", "") and not p.has("mobile")]
    chosen = next(((i, p) for i, p in vti if not p.has("disabled")), vti[0] if vti else None)
    if chosen is None and tun:
        chosen = next(((i, p) for i, p in tun if not p.has("disabled")), tun[0])
    is_vti = chosen is not None and chosen[1].get("mode") == "vti"
    t.set("dpd", dpd(p1, ctx.ipsec, is_vti), p1.line_of("dpd_delay"))
    legacy = ctx.version is not None and ctx.version < N.LEGACY_ACTIONS_CONFIG_VERSION
    how, why = initiates(p1, [p for _, p in p2s], is_vti, legacy)
    t.set("initiates", how, p1.line_of("closeaction") if p1.has("closeaction") else p1.line, note=why)
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
            t.set("policy_based", True, p2.line_of("mode"))
            _policy_mss(t, ctx)
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
    """``local.address``: what strongSwan's local_addrs is (ipsec_get_phase1_src(): the phase 1
    interface's address, a VIP's address); ``local.identity``: My identifier when it is explicit;
    ``outside.customer`` (old key): the identity, else the interface address."""
    kind, data = p1.get("myid_type").strip(), p1.get("myid_data").strip()
    line = p1.line_of("myid_type")
    iface = p1.get("interface").strip() or "wan"
    addr = ctx.iface_address(iface)
    if addr is not None:
        t.set("local.address", addr, p1.line_of("interface"))
        ctx.dc.meta[t.name].local_address = addr
    elif ctx.doc.root.tag == "pfsense" and (ctx.iface(iface) is not None or iface.startswith("_vip")
                                            or ctx.is_gateway_group(iface)):
        # (an interface this file does not define at all, as in vpncc's own section files: unknown, no note)
        why = ("a gateway group (the address of whichever member is up)" if ctx.is_gateway_group(iface)
               else "dynamic (DHCP/PPPoE) or not a static address in config.xml")
        ctx.note(p1.line_of("interface"), f"{t.name}: phase 1 interface {iface} is {why}: its address cannot be "
                                          "checked from config.xml")
    if kind == "address":
        ip = _ip(data)
        if ip is not None:
            t.set("outside.customer", ip, p1.line_of("myid_data"))
            t.set("local.identity", ip, p1.line_of("myid_data"))
            return
    elif kind in ("myaddress", ""):
        if addr is not None:
            t.set("outside.customer", addr, line)
            return
        t.set("outside.customer", None, line, verifiable=False)
        return
    elif data:
        # fqdn, user_fqdn, keyid tag, asn1dn, dyn_dns: sent as that identity (ipsec_find_id())
        t.set("local.identity", data, p1.line_of("myid_data"))
    ctx.note(line, f"{t.name}: local identity type {kind!r} ({data!r}) is not an IP address")


def _vti_ifnames(p1: Node, p2: Node, p2s: list[tuple[int, Node]], ctx: _Ctx, split: bool) -> list[str]:
    """Candidate if_ipsec names of a VTI phase 2, the one this config's layout uses first."""
    reqid = p2.get("reqid") if split else (p2s[0][1].get("reqid") if p2s else p2.get("reqid"))
    now = f"{N.VTI_IF_PREFIX}{reqid}"   # 2.6+ (config 22.0, upgrade_219_to_220): ipsec_get_ifname()
    vtis = [p for _, p in p2s if p.get("mode") == "vti" and not p.has("disabled")]
    idx = vtis.index(p2) if split and p2 in vtis else 0
    ikeid = p1.get("ikeid")
    # 2.4.4/2.4.5 (before upgrade_208_to_209 made <vtimaps>): ipsec<ikeid>00<idx>, e.g. ipsec1000
    legacy = f"{N.VTI_IF_PREFIX}{ikeid}00{idx}"
    vtimaps = ctx.ipsec.path("vtimaps") if ctx.ipsec is not None else None
    mapped = []
    if vtimaps is not None:
        # 2.5 (before upgrade_219_to_220): get_ipsecifnum($ikeid, $idx) looks the number up in
        # <vtimaps>, idx = the P2's place among the P1's enabled VTI P2s (0 for IKEv2)
        mapped = [f"{N.VTI_IF_PREFIX}{it.get('ifnum')}" for it in vtimaps.findall("item")
                  if it.get("reqid") == ikeid and it.get("index") == str(idx)]
    if mapped:
        return mapped[:1] + [now, legacy]
    if ctx.version is not None and ctx.version < N.VTIMAPS_CONFIG_VERSION:
        return [legacy, now]
    return [now, legacy]


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
    names = _vti_ifnames(p1, p2, p2s, ctx, split)
    meta.vti_if = names[0]
    iface = ctx.iface_by_if(names[0])
    if iface is None:
        for other in names[1:]:
            iface = ctx.iface_by_if(other)
            if iface is not None:
                ctx.note(iface.line, f"{t.name}: VTI assigned as {other}, not {names[0]} as this config's "
                                     "version names it: read as that interface")
                meta.vti_if = other
                break
    if iface is None:
        ctx.note(p2.line, f"{t.name}: {meta.vti_if} is not assigned to an interface: MTU is the if_ipsec "
                          f"default {N.VTI_DEFAULT_MTU} and no TCP MSS clamping applies")
        t.set("mtu", N.VTI_DEFAULT_MTU, p2.line)
        return
    meta.ifname = iface.tag
    mtu = _int(iface.get("mtu"))
    t.set("mtu", mtu or N.VTI_DEFAULT_MTU, iface.line_of("mtu"))
    mss = _int(iface.get("mss"))
    if mss and ctx.system is not None and ctx.system.has("disablescrub"):
        ctx.note(iface.line_of("mss"), f"{t.name}: MSS {mss} is set but System > Advanced > Firewall & NAT "
                                       "'Disable Firewall Scrub' is on: filter.inc writes no scrub rule, nothing clamps")
    elif mss:
        t.set("tcp_mss", mss - N.MSS_OFFSET, iface.line_of("mss"))


def _policy_mss(t: DeviceTunnel, ctx: _Ctx) -> None:
    """Policy-based tunnels: System > Advanced > Firewall & NAT "Enable Maximum MSS" (``maxmss_enable``)
    makes filter.inc scrub traffic to/from <vpn_networks> (the tunnel-mode P2 remote networks) with
    max-mss ``maxmss`` (default 1400; the value itself, no -40). It never covers a VTI's routed
    networks: <vpn_networks> holds only the VTI /30."""
    sysn = ctx.system
    if sysn is None or not sysn.has("maxmss_enable"):
        return
    t.set("tcp_mss", _int(sysn.get("maxmss")) or N.MAXMSS_DEFAULT, sysn.line_of("maxmss"))


def _drop_disabled_duplicates(ctx: _Ctx, dc: PfDeviceConfig, tunnels: dict[str, DeviceTunnel]) -> None:
    """A disabled phase 1 is kept (it reads as a disabled tunnel) only when no enabled phase 1 serves the
    same peer: pfSense skips disabled entries (ipsec_setup_tunnels()), so an old disabled copy next
    to the live one changes nothing."""
    live = {t.value("outside.aws") for t in dc.tunnels if t.value("enabled") and t.value("outside.aws")}
    for t in list(dc.tunnels):
        if "phase1" in dc.meta[t.name].disabled and t.value("outside.aws") in live:
            ctx.note(t.line, f"{t.name}: disabled, and an enabled phase 1 serves the same peer: skipped")
            dc.tunnels.remove(t)
            del tunnels[t.name]


# -- entry point ------------------------------------------------------------------------------

def read(text: str, path: str | None = None) -> PfDeviceConfig:
    from .read_routing import _bgp, _static_routes

    sniff(text, path)
    doc = parse(text, path)
    _root_check(doc)
    dc = PfDeviceConfig(vendor="pfsense", path=path)
    from .safe import inventory

    dc.inventory = inventory(doc)  # what compile --running allocates around
    ctx = _Ctx(doc, dc)
    if ctx.ifaces is not None:
        dc.opt_numbers = {int(i.tag[3:]) for i in ctx.ifaces.children if re.match(r"^opt\d+$", i.tag)}
        dc.addresses = {i.tag: a for i in ctx.ifaces.children if (a := _ip(i.get("ipaddr"))) is not None}
    dc.scrub_disabled = ctx.system is not None and ctx.system.has("disablescrub")
    vips = doc.section("virtualip") if doc.root.tag == "pfsense" else None
    for v in vips.findall("vip") if vips is not None else []:
        a = _ip(v.get("subnet"))
        if a is not None:
            dc.addresses[f"_vip{v.get('uniqid')}"] = a
    if ctx.ipsec is None:
        ctx.note(doc.root.line, "no <ipsec> section: no IPsec tunnels are configured")
        _bgp(ctx)
        return dc
    dc.retransmit_set = any(c.tag.startswith("ikev2_retransmit_") and c.text for c in ctx.ipsec.children)
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
    _drop_disabled_duplicates(ctx, dc, tunnels)
    _static_routes(ctx, tunnels)
    _bgp(ctx)
    return dc

