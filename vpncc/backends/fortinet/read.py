"""FortiOS config -> DeviceConfig (IR terms, device defaults filled in, line numbers kept)."""

from __future__ import annotations

import ipaddress
import re

from ...errors import InputError
from ...ir import IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
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
    _Reader(dev, tables, version).run()
    return dev


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


def parse_asn(word: str) -> int | None:
    """asplain ``65000`` or asdot ``1.10`` (FortiOS 7.2.1+) -> int."""
    try:
        if "." in word:
            hi, lo = word.split(".", 1)
            return int(hi) * 65536 + int(lo)
        return int(word)
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
    def __init__(self, dev: DeviceConfig, tables: dict[str, Node], version: str | None) -> None:
        self.dev, self.t, self.version = dev, tables, version

    def note(self, line: int | None, msg: str) -> None:
        self.dev.notes.append(DeviceNote(line, msg))

    def run(self) -> None:
        p1 = self.t.get("vpn ipsec phase1-interface")
        p2 = self.t.get("vpn ipsec phase2-interface")
        ifs = self.t.get("system interface")
        p2_by_p1: dict[str, list[Node]] = {}
        for e in (p2.edits.values() if p2 else ()):
            p2_by_p1.setdefault(e.first("phase1name") or "", []).append(e)
        tunnels: dict[str, DeviceTunnel] = {}
        for e in (p1.edits.values() if p1 else ()):
            d = DeviceTunnel(name=e.name, line=e.line)
            self.phase1(d, e)
            p2s = p2_by_p1.get(e.name, [])
            if p2s:
                self.phase2(d, p2s[0])
                for extra in p2s[1:]:
                    self.note(extra.line, f"phase2 {extra.name!r} is a second phase 2 of {e.name!r}: "
                                          "only the first is compared")
            iface = ifs.edits.get(e.name) if ifs else None
            if iface is not None:
                self.interface(d, iface)
            tunnels[e.name] = d
            self.dev.tunnels.append(d)
        for name, extra in p2_by_p1.items():
            if name not in tunnels:
                for x in extra:
                    self.note(x.line, f"phase2 {x.name!r} refers to phase1 {name!r}, which is not configured")
        self.static(tunnels)
        self.bgp()

    # -- IKE ----------------------------------------------------------------------------------
    def phase1(self, d: DeviceTunnel, e: Node) -> None:
        s = e.get("remote-gw")
        if s is not None:
            self._addr(d, "outside.aws", s)
        s = e.get("local-gw")
        if s is not None and s.values and s.values[0] != "0.0.0.0":
            self._addr(d, "outside.customer", s)
        s = e.get("ike-version")
        ver = s.values[0] if s and s.values else names.DEFAULT_IKE_VERSION
        d.set("ike.version", IkeVersion.IKEV2 if ver == "2" else IkeVersion.IKEV1, s.line if s else e.line)
        if ver != "2":
            s = e.get("mode")
            mode = s.values[0] if s and s.values else names.DEFAULT_MODE
            d.set("ike.mode", NegotiationMode.AGGRESSIVE if mode == "aggressive" else NegotiationMode.MAIN,
                  s.line if s else e.line)
        s = e.get("psksecret")
        if s is not None and s.values:
            if s.values[0] == "ENC" and not s.quoted:
                d.set("ike.psk", None, s.line, verifiable=False)
            else:
                d.set("ike.psk", " ".join(s.values), s.line)
        s = e.get("proposal")
        if s is not None:
            encs, integs = self._proposals(s, phase=1)
            d.set("ike.encryption", encs, s.line)
            d.set("ike.integrity", integs, s.line)
        self._dhgrp(d, "ike.dh_groups", e)
        s = e.get("keylife")
        d.set("ike.lifetime_s", _int(s) if s else names.DEFAULT_KEYLIFE, s.line if s else e.line)
        s = e.get("dpd")
        dpd = s.values[0] if s and s.values else names.DEFAULT_DPD
        if dpd == "enable":  # FortiOS 5.x spelling, still in AWS's example: DPD on
            self.note(s.line if s else e.line, "`set dpd enable` is the FortiOS 5.x form; 6.x and later "
                                               "use `on-idle` or `on-demand`")
        if dpd != "disable":
            s = e.get("dpd-retryinterval")
            d.set("dpd.interval_s", _int(s) if s else names.DEFAULT_DPD_RETRYINTERVAL, s.line if s else e.line)
            s = e.get("dpd-retrycount")
            d.set("dpd.retries", _int(s) if s else names.DEFAULT_DPD_RETRYCOUNT, s.line if s else e.line)

    def phase2(self, d: DeviceTunnel, e: Node) -> None:
        s = e.get("proposal")
        if s is not None:
            encs, integs = self._proposals(s, phase=2)
            d.set("ipsec.encryption", encs, s.line)
            d.set("ipsec.integrity", integs, s.line)
        s = e.get("pfs")
        pfs = s.values[0] if s and s.values else names.DEFAULT_PFS
        if pfs == "disable":
            d.set("ipsec.pfs_groups", (), s.line if s else e.line)
        else:
            self._dhgrp(d, "ipsec.pfs_groups", e)
        s = e.get("keylifeseconds")
        kt = e.first("keylife-type") or "seconds"
        if kt in ("seconds", "both"):
            d.set("ipsec.lifetime_s", _int(s) if s else names.DEFAULT_KEYLIFESECONDS, s.line if s else e.line)

    def _proposals(self, s: Setting, phase: int):
        encs: list = []
        integs: list = []
        for w in s.values:
            enc, integ = names.parse_proposal(w)
            if enc is None or (integ is None and not (phase == 2 and enc.is_gcm)):
                self.note(s.line, f"phase{phase} proposal {w!r} is not an AWS algorithm: ignored")
                continue
            if enc not in encs:
                encs.append(enc)
            if integ is not None and integ not in integs:
                integs.append(integ)
        return tuple(encs), tuple(integs)

    def _dhgrp(self, d: DeviceTunnel, key: str, e: Node) -> None:
        s = e.get("dhgrp")
        if s is not None:
            groups = []
            for w in s.values:
                if w.isascii() and w.isdigit() and len(w) <= 3:
                    groups.append(int(w))
                else:
                    self.note(s.line, f"dhgrp {w!r} is not a DH group number: ignored")
            d.set(key, tuple(groups), s.line)
            return
        default = names.DEFAULT_DHGRP.get(self.version or "")
        if default is None and self.version is None:
            default = names.DEFAULT_DHGRP[names.DEFAULT_VERSION]
        if default is None:
            self.note(e.line, f"{e.name!r} has no `set dhgrp`; the FortiOS {self.version} default is not "
                              "known to vpncc, so its DH groups are not compared")
            return
        d.set(key, default, e.line)

    def _addr(self, d: DeviceTunnel, key: str, s: Setting) -> None:
        try:
            d.set(key, ipaddress.IPv4Address(s.values[0]), s.line)
        except (ValueError, IndexError):
            self.note(s.line, f"{key.split('.')[0]} address {s.values[0][:40] if s.values else ''!r} "
                              "is not an IPv4 address: ignored")

    # -- tunnel interface -------------------------------------------------------------------------
    def interface(self, d: DeviceTunnel, e: Node) -> None:
        ip = e.get("ip")
        if ip is not None:
            addr = _ip_mask(ip.values)
            remote = e.get("remote-ip")
            if addr is not None:
                plen = addr.network.prefixlen
                rem = _ip_mask(remote.values) if remote else None
                if rem is not None and len(remote.values) >= 2:
                    plen = rem.network.prefixlen      # 6.0+: `set remote-ip <peer> 255.255.255.252`
                elif rem is not None and plen == 32:  # older form without a mask: the /30 they share
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
        elif mtu is not None:
            self.note(mtu.line, f"interface {e.name!r}: `set mtu` has no effect without "
                                "`set mtu-override enable`")
        s = e.get("status")
        if s is not None and s.values[:1] == ["down"]:
            d.set("enabled", False, s.line)

    # -- routing ----------------------------------------------------------------------------------
    def static(self, tunnels: dict[str, DeviceTunnel]) -> None:
        st = self.t.get("router static")
        if st is None or not tunnels:
            return
        routes: dict[str, list] = {}
        for e in st.edits.values():
            if e.first("status") == "disable" or e.first("blackhole") == "enable":
                continue
            dst = e.get("dst")
            if dst is None:
                continue
            try:
                net = ipaddress.IPv4Interface("/".join(dst.values[:2]) if len(dst.values) >= 2
                                              else dst.values[0]).network
            except (ValueError, IndexError):
                self.note(dst.line, "static route destination is not an IPv4 prefix: ignored")
                continue
            name = e.first("device")
            target = tunnels.get(name or "")
            if target is None:
                gw = e.first("gateway")
                for d in tunnels.values():
                    inside = d.get("inside.customer")
                    if gw and inside is not None and _in(gw, inside.value):
                        target = d
                        break
            if target is not None:
                routes.setdefault(target.name, []).append((net, dst.line))
        for name, items in routes.items():
            tunnels[name].set("static_routes", tuple(n for n, _ in items), items[0][1])

    def bgp(self) -> None:
        b = self.t.get("router bgp")
        if b is None:
            return
        s = b.get("as")
        router_as = parse_asn(s.values[0]) if s and s.values else None
        if s is not None and s.values and router_as is None:
            self.note(s.line, f"router bgp `as` {s.values[0][:20]!r} is not an AS number")
        hold = _int(b.get("holdtime-timer")) or names.DEFAULT_BGP_HOLDTIME
        hs = b.get("holdtime-timer")
        nb = b.blocks.get("neighbor")
        for e in (nb.edits.values() if nb else ()):
            try:
                addr = ipaddress.IPv4Address(e.name)
            except ValueError:
                continue
            out = {"neighbor": Obs(addr, e.line)}
            s = e.get("remote-as")
            if s is not None and s.values:
                out["aws_asn"] = Obs(parse_asn(s.values[0]), s.line)
            s = e.get("local-as")
            if s is not None and s.values:
                out["customer_asn"] = Obs(parse_asn(s.values[0]), s.line)
            elif router_as is not None:
                out["customer_asn"] = Obs(router_as, b.get("as").line)
            s = e.get("holdtime-timer")
            if s is not None and _int(s) not in (None, 4294967295):
                out["hold_time_s"] = Obs(_int(s), s.line)
            else:
                out["hold_time_s"] = Obs(hold, hs.line if hs else e.line)
            s = e.get("shutdown")
            if s is not None and s.values[:1] == ["enable"]:
                out["enabled"] = Obs(False, s.line)
            self.dev.bgp_neighbors.append(out)


def _in(addr: str, iface: ipaddress.IPv4Interface) -> bool:
    try:
        return ipaddress.IPv4Address(addr) in iface.network
    except ValueError:
        return False
