"""FortiOS config -> DeviceConfig (IR terms, device defaults filled in, line numbers kept).

Tunnels, IKE/IPsec and the tunnel interface are read here; routing (static, BGP) and firewall
policies in :mod:`.read_routing`. A multi-VDOM backup (``config global`` + ``config vdom`` /
``edit NAME``) is read VDOM by VDOM: each VDOM's phase 1/phase 2, policies and routing stay together,
interfaces come from ``config global``.

Reader-private keys serve remediation only (the comparison ignores them): ``fortios.phase2`` (the
name of the tunnel's phase2 entry), ``fortios.owned`` (every static interface address: what
``local-gw`` may name) and ``fortios.ipsec_policies`` (a policy-based tunnel's `action ipsec` policies).
"""

from __future__ import annotations

import ipaddress
import re

from ...errors import InputError
from ...ir import AWS_ENCRYPTION, AWS_INTEGRITY, Encryption, IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from ...validate.negotiation import DpdBehaviour, Proposal
from . import names
from .fortios_config import Node, Setting, build, parser, prefilter

_VERSION = re.compile(r"-v?(\d{1,3})\.(\d{1,3})\.\d+-")


def read(text: str, path: str | None = None) -> DeviceConfig:
    if not text.strip():
        raise InputError("empty FortiOS configuration", path, hint="give the output of `show` or a "
                         "configuration backup")
    pre = prefilter(text, names.TABLES, path)
    if pre.structural == 0:
        from ...readers import detect

        what = detect.foreign(text, ("fortios",))
        if what:
            raise InputError(f"this looks like {what}, not a FortiOS (FortiGate) configuration", path)
        raise InputError("no FortiOS `config ... end` block found: this is not a FortiGate configuration",
                         path)
    grammar = parser()
    try:
        tree = grammar.parser.parse(pre.text)
    except grammar.UnexpectedInput as e:  # pragma: no cover - the prefilter only hands over well-formed text
        ln = pre.linemap[e.line - 1] if 0 < e.line <= len(pre.linemap) else None
        raise InputError("cannot parse this FortiOS block", path, ln, hint="check quotes and "
                         "config/edit/next/end pairs") from None
    tables = build(tree, pre.linemap)
    dev = DeviceConfig(vendor="fortinet", path=path)
    dev.notes.extend(DeviceNote(n, m) for n, m in pre.notes)
    version = _version(pre.header)
    for vdom, scope in scopes(tables):
        _Reader(dev, scope, version, vdom, full_backup=pre.header is not None).run()
    from .safe import inventory

    dev.inventory = inventory(scopes(tables))  # what compile --running allocates around
    return dev


def scopes(tables: dict[str, Node]) -> list[tuple[str | None, dict[str, Node]]]:
    """(VDOM name or None, its tables). Global tables (interfaces) are visible from every VDOM."""
    glob = tables.get("global")
    shared = dict(glob.blocks) if glob is not None else {}
    out: list[tuple[str | None, dict[str, Node]]] = []
    plain = {k: v for k, v in tables.items() if k not in ("global", "vdom")}
    vd = tables.get("vdom")
    for name, e in (vd.edits.items() if vd is not None else ()):
        if e.blocks:
            out.append((name, {**plain, **shared, **e.blocks}))
    if not out or "vpn ipsec phase1-interface" in plain:
        out.insert(0, (None, {**shared, **plain}))
    return out


def _version(header: str | None) -> str | None:
    m = _VERSION.search(header or "")
    return f"{int(m.group(1))}.{int(m.group(2))}" if m else None


def _int(s: Setting | None) -> int | None:
    if s is None or not s.values:
        return None
    try:
        return int(s.values[0].split()[0])
    except ValueError:
        return None


def _ip_mask(values: list[str]) -> ipaddress.IPv4Interface | None:
    """``169.254.1.2 255.255.255.252`` or ``169.254.1.2/30`` or bare ``169.254.1.2`` (/32)."""
    try:
        if len(values) >= 2:
            return ipaddress.IPv4Interface(f"{values[0]}/{values[1]}")
        if values:
            return ipaddress.IPv4Interface(values[0])
    except ValueError:
        return None
    return None


class _Reader:
    def __init__(self, dev: DeviceConfig, tables: dict[str, Node], version: str | None, vdom: str | None,
                 full_backup: bool = False) -> None:
        self.dev, self.t, self.version, self.vdom = dev, tables, version, vdom
        self.full_backup = full_backup
        #: tunnel name -> the AWS-side inside address its interface names (`remote-ip`)
        self.remote_ip: dict[str, ipaddress.IPv4Address] = {}

    def note(self, line: int | None, msg: str) -> None:
        where = f"VDOM {self.vdom!r}: " if self.vdom else ""
        self.dev.notes.append(DeviceNote(line, where + msg))

    def run(self) -> None:
        from .read_routing import bgp, policies, static

        ifs = self.t.get("system interface")
        tunnels: dict[str, DeviceTunnel] = {}
        for p1_table, p2_table, policy_based in (("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", False),
                                                 ("vpn ipsec phase1", "vpn ipsec phase2", True)):
            p1, p2 = self.t.get(p1_table), self.t.get(p2_table)
            p2_by_p1: dict[str, list[Node]] = {}
            for e in (p2.edits.values() if p2 else ()):
                p2_by_p1.setdefault(e.first("phase1name") or "", []).append(e)
            for e in (p1.edits.values() if p1 else ()):
                d = DeviceTunnel(name=e.name, line=e.line)
                self.phase1(d, e, ifs)
                p2s = p2_by_p1.get(e.name, [])
                if p2s:
                    self.phase2(d, p2s[0])
                    for extra in p2s[1:]:
                        self.note(extra.line, f"phase2 {extra.name!r} is a second phase 2 of {e.name!r}: "
                                              "only the first is compared")
                if policy_based:
                    self._policy_based(d, e, p2s[0] if p2s else None)
                elif ifs is not None and e.name in ifs.edits:
                    self.interface(d, ifs.edits[e.name])
                else:
                    d.set("mtu_derived", True, e.line)
                    if ifs is None and not self.full_backup:
                        for key in ("inside.customer", "tcp_mss"):
                            self._unverified(d, key, "the tunnel interface: this configuration has no "
                                                     "`config system interface` (a partial paste?)")
                tunnels[e.name] = d
                self.dev.tunnels.append(d)
            for name, extra in p2_by_p1.items():
                if name not in tunnels:
                    for x in extra:
                        self.note(x.line, f"phase2 {x.name!r} refers to phase1 {name!r}, which is not "
                                          "configured")
        owned = self.owned(ifs)
        for d in tunnels.values():
            d.set("fortios.owned", owned, d.line)   # remediation: local-gw only to an address it owns
        if tunnels:
            policies(self, tunnels)
        static(self, tunnels)
        bgp(self, tunnels)

    def _policy_based(self, d: DeviceTunnel, e: Node, p2: Node | None) -> None:
        """`config vpn ipsec phase1` (no `-interface`): a policy-based tunnel. Traffic enters it through
        firewall policies with `action ipsec` and the phase 2 selectors, not through a route."""
        d.set("policy_based", True, e.line)
        d.set("mtu_derived", True, e.line)
        if p2 is None:
            return
        s = p2.get("dst-subnet")
        try:
            net = ipaddress.IPv4Interface("/".join(s.values[:2]) if s and len(s.values) >= 2
                                          else (s.values[0] if s else "0.0.0.0/0")).network
        except (ValueError, IndexError):
            return
        d.set("static_routes", (net,), s.line if s else p2.line)

    def owned(self, ifs: Node | None) -> tuple[ipaddress.IPv4Address, ...]:
        """Every static IPv4 address of the interfaces (primary and secondary): what local-gw may name."""
        out = []
        for e in (ifs.edits.values() if ifs else ()):
            if (e.first("mode") or "static") != "static":
                continue
            if self.vdom and e.first("vdom") not in (None, self.vdom):
                continue   # another VDOM's interface: local-gw cannot name it here
            s = e.get("ip")
            addr = _ip_mask(s.values) if s else None
            if addr is not None and addr.ip != ipaddress.IPv4Address(0):
                out.append(addr.ip)
            sec = e.blocks.get("secondaryip")
            for x in (sec.edits.values() if sec else ()):
                a = _ip_mask(x.get("ip").values) if x.get("ip") else None
                if a is not None:
                    out.append(a.ip)
        return tuple(out)

    # -- IKE ----------------------------------------------------------------------------------
    def phase1(self, d: DeviceTunnel, e: Node, ifs: Node | None) -> None:
        kind = e.first("type") or "static"
        s = e.get("remote-gw")
        if kind == "ddns":
            host = e.first("remotegw-ddns") or "?"
            d.set("unverified", {"outside.aws": f"the remote gateway {host[:60]!r}: `set type ddns` names "
                                                "it by DNS, which vpncc does not resolve"}, e.line)
        elif kind == "dynamic":
            d.set("unverified", {"outside.aws": "the remote gateway: `set type dynamic` (dial-up) accepts "
                                                "any peer address"},
                  e.line)
        elif s is not None:
            self._addr(d, "outside.aws", s)
        s = e.get("local-gw")
        if s is not None and s.values and s.values[0] != "0.0.0.0":
            self._addr(d, "outside.customer", s)
            self._addr(d, "local.address", s)
        else:
            self._interface_address(d, e, ifs)
        self._localid(d, e)
        s = e.get("ike-version")
        ver = s.values[0] if s and s.values else names.DEFAULT_IKE_VERSION
        d.set("ike.version", IkeVersion.IKEV2 if ver == "2" else IkeVersion.IKEV1, s.line if s else e.line)
        if ver != "2":
            s = e.get("mode")
            mode = s.values[0] if s and s.values else names.DEFAULT_MODE
            d.set("ike.mode", NegotiationMode.AGGRESSIVE if mode == "aggressive" else NegotiationMode.MAIN,
                  s.line if s else e.line)
        if e.first("authmethod") == "signature":
            d.set("ike.auth", "certificate", e.get("authmethod").line)
        s = e.get("psksecret")
        if s is not None and s.values:
            if s.values[0] == "ENC" and not s.quoted:
                d.set("ike.psk", None, s.line, verifiable=False)
            else:
                d.set("ike.psk", " ".join(s.values), s.line)
        dh = self._dhgrp(d, "ike.dh_groups", e)
        s = e.get("proposal")
        if s is not None:
            props = self._proposals(s, 1, dh)
            self._flat(d, "ike", props, s.line)
            d.set("ike.proposals", props, s.line)
        else:
            self._unverified(d, "ike.proposals", f"the proposals of phase1 {e.name!r}: it has no `set "
                                                 "proposal` (FortiOS requires one: a partial paste?)")
        s = e.get("keylife")
        d.set("ike.lifetime_s", _int(s) if s else names.DEFAULT_KEYLIFE, s.line if s else e.line)
        s = e.get("nattraversal")
        nat = s.values[0] if s and s.values else names.DEFAULT_NATT
        d.set("nat_t", nat != "disable", s.line if s else e.line)
        self._dpd(d, e)

    def _dpd(self, d: DeviceTunnel, e: Node) -> None:
        s = e.get("dpd")
        dpd = s.values[0] if s and s.values else names.DEFAULT_DPD
        line = s.line if s else e.line
        if dpd == "enable":
            self.note(line, "`set dpd enable` is the FortiOS 5.x form; 6.x and later use `on-idle` or "
                            "`on-demand` (an upgrade turns it into on-demand)")
        if dpd not in names.DPD_ENABLED:
            d.set("dpd", DpdBehaviour(False, None, f"dpd {dpd}: the FortiGate never probes the peer"), line)
            return
        si, sc = e.get("dpd-retryinterval"), e.get("dpd-retrycount")
        interval = _int(si) if si else names.DEFAULT_DPD_RETRYINTERVAL
        count = _int(sc) if sc else names.DEFAULT_DPD_RETRYCOUNT
        d.set("dpd.interval_s", interval, si.line if si else e.line)
        d.set("dpd.retries", count, sc.line if sc else e.line)
        mode = "on-demand" if dpd == "enable" else dpd
        when = ("after nothing was received for" if mode == "on-idle"
                else "only while it sends traffic and has received nothing for")
        how = (f"dpd {mode}: probes {when} {interval} s, then {count} retries every {interval} s, "
               "then flushes the SAs")
        d.set("dpd", DpdBehaviour(True, float(interval * (1 + count)), how, "clear"), line)

    def _interface_address(self, d: DeviceTunnel, e: Node, ifs: Node | None) -> None:
        """No `local-gw`: IKE leaves from the phase 1 `interface`'s own (primary) address."""
        name = e.first("interface")
        iface = ifs.edits.get(name) if ifs is not None and name else None
        if iface is None or (iface.first("mode") or "static") != "static":
            return
        s = iface.get("ip")
        addr = _ip_mask(s.values) if s else None
        if addr is not None and addr.ip != ipaddress.IPv4Address(0):
            d.set("local.address", addr.ip, s.line)

    def _localid(self, d: DeviceTunnel, e: Node) -> None:
        s = e.get("localid")
        if s is None or not s.values or not s.values[0]:
            return
        kind = e.first("localid-type") or "auto"
        value = s.values[0]
        ident: object = value
        if kind in ("auto", "address"):
            try:
                ident = ipaddress.IPv4Address(value)
            except ValueError:
                ident = value
        d.set("local.identity", ident, s.line)

    def phase2(self, d: DeviceTunnel, e: Node) -> None:
        d.set("fortios.phase2", e.name, e.line)   # remediation edits this entry, not a new one
        s = e.get("pfs")
        pfs = s.values[0] if s and s.values else names.DEFAULT_PFS
        groups: tuple[int, ...] | None
        if pfs == "disable":
            groups = ()
            d.set("ipsec.pfs_groups", (), s.line if s else e.line)
        else:
            groups = self._dhgrp(d, "ipsec.pfs_groups", e)
        s = e.get("proposal")
        if s is not None:
            props = self._proposals(s, 2, groups)
            self._flat(d, "ipsec", props, s.line)
            d.set("ipsec.proposals", props, s.line)
        else:
            self._unverified(d, "ipsec.proposals", f"the proposals of phase2 {e.name!r}: it has no `set "
                                                   "proposal` (FortiOS requires one: a partial paste?)")
        s = e.get("keylifeseconds")
        kt = e.first("keylife-type") or "seconds"
        if kt in ("seconds", "both"):
            d.set("ipsec.lifetime_s", _int(s) if s else names.DEFAULT_KEYLIFESECONDS, s.line if s else e.line)

    def _proposals(self, s: Setting, phase: int, dh: tuple[int, ...] | None) -> tuple[Proposal, ...]:
        """One Proposal per keyword: FortiOS offers every pair with every group of `dhgrp`."""
        out = []
        for w in s.values:
            enc, integ = names.parse_proposal(w)
            head, _, tail = w.lower().partition("-")
            unknown = [] if enc is not None else [head]
            aead_alone = phase == 2 and not tail and (enc is None or enc.is_gcm)
            if integ is None and not aead_alone:
                unknown.append(tail or "no integrity")
            out.append(Proposal(encryption=(enc,) if enc else (), integrity=(integ,) if integ else (),
                                dh_groups=tuple(dh or ()), label=f"proposal {w}", line=s.line,
                                unknown=tuple(unknown)))
        return tuple(out)

    def _flat(self, d: DeviceTunnel, prefix: str, props: tuple[Proposal, ...], line: int) -> None:
        """The old union keys (remediation and the per-key checks still read them)."""
        encs: list[Encryption] = []
        integs: list = []
        for p in props:
            if p.unknown:
                continue
            for x in p.encryption:
                if x not in encs and x in AWS_ENCRYPTION:
                    encs.append(x)
            for x in p.integrity:
                if x not in integs and x in AWS_INTEGRITY:
                    integs.append(x)
        d.set(f"{prefix}.encryption", tuple(encs), line)
        d.set(f"{prefix}.integrity", tuple(integs), line)

    def _dhgrp(self, d: DeviceTunnel, key: str, e: Node) -> tuple[int, ...] | None:
        s = e.get("dhgrp")
        if s is not None:
            groups = []
            for w in s.values:
                if w.isascii() and w.isdigit() and len(w) <= 3:
                    groups.append(int(w))
                else:
                    self.note(s.line, f"dhgrp {w[:20]!r} is not a DH group number: ignored")
            d.set(key, tuple(groups), s.line)
            return tuple(groups)
        default = names.DEFAULT_DHGRP.get(self.version or "")
        if default is None and self.version is None:
            default = names.DEFAULT_DHGRP[names.DEFAULT_VERSION]
        if default is None:
            # said once, as "unverified" on the tunnel (the comparison drops the findings it would cause)
            if key == "ike.dh_groups":
                self._unverified(d, "ike.proposals", f"the DH groups of phase1 {e.name!r}: no `set dhgrp`, "
                                                     f"and the FortiOS {self.version} default is not known")
            else:
                self._unverified(d, "ipsec.pfs_groups", f"the PFS groups of phase2 {e.name!r}: no `set "
                                                        f"dhgrp`, and the FortiOS {self.version} default is "
                                                        "not known")
            return None
        d.set(key, default, e.line)
        return default

    def _unverified(self, d: DeviceTunnel, prefix: str, message: str) -> None:
        cur = d.get("unverified")
        merged = dict(cur.value) if cur is not None else {}
        merged.setdefault(prefix, message)
        d.set("unverified", merged, cur.line if cur is not None else d.line)

    def _addr(self, d: DeviceTunnel, key: str, s: Setting) -> None:
        try:
            d.set(key, ipaddress.IPv4Address(s.values[0]), s.line)
        except (ValueError, IndexError):
            if key != "local.address":
                self.note(s.line, f"{key.split('.')[0]} address {s.values[0][:40] if s.values else ''!r} "
                                  "is not an IPv4 address: ignored")

    # -- tunnel interface -------------------------------------------------------------------------
    def interface(self, d: DeviceTunnel, e: Node) -> None:
        ip = e.get("ip")
        remote = e.get("remote-ip")
        rem = _ip_mask(remote.values) if remote else None
        if rem is not None:
            self.remote_ip[d.name] = rem.ip
        if ip is not None:
            addr = _ip_mask(ip.values)
            if addr is not None:
                plen = addr.network.prefixlen
                if rem is not None and len(remote.values) >= 2 and rem.network.prefixlen < 31:
                    plen = rem.network.prefixlen      # 6.0+: `set remote-ip <peer> 255.255.255.252`
                elif rem is not None and plen == 32:
                    # no mask, or /32 (production templates): the /30 both addresses share
                    net = ipaddress.IPv4Interface(f"{addr.ip}/30").network
                    if rem.ip in net:
                        plen = 30
                d.set("inside.customer", ipaddress.IPv4Interface(f"{addr.ip}/{plen}"), ip.line)
            else:
                self.note(ip.line, f"interface {e.name!r}: cannot read its address")
        s = e.get("tcp-mss")
        if s is not None and _int(s):
            d.set("tcp_mss", _int(s), s.line)
        over = e.get("mtu-override")
        mtu = e.get("mtu")
        if over is not None and over.values[:1] == ["enable"]:
            d.set("mtu", _int(mtu) if mtu else 1500, mtu.line if mtu else over.line)
            d.set("mtu_derived", False, over.line)
        else:
            # FortiOS sizes the tunnel interface from its outgoing interface minus the IPsec overhead
            d.set("mtu_derived", True, e.line)
            if mtu is not None:
                self.note(mtu.line, f"interface {e.name!r}: `set mtu` has no effect without "
                                    "`set mtu-override enable` (FortiOS derives the tunnel MTU)")
        s = e.get("status")
        if s is not None and s.values[:1] == ["down"]:
            d.set("enabled", False, s.line)
