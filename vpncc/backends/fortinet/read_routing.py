"""FortiOS firewall policies, static routes and BGP, read for one VDOM (see :mod:`.read`)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from ...validate.model import DeviceTunnel, Obs
from . import names
from .fortios_config import Node

if TYPE_CHECKING:  # pragma: no cover
    from .read import _Reader


def parse_asn(word: str) -> int | None:
    """asplain ``65000`` or asdot ``1.10`` (FortiOS 7.2.1+) -> int."""
    try:
        if "." in word:
            hi, lo = word.split(".", 1)
            return int(hi) * 65536 + int(lo)
        return int(word)
    except ValueError:
        return None


def _int(node: Node, key: str) -> int | None:
    v = node.first(key)
    try:
        return int(v.split()[0]) if v else None
    except ValueError:
        return None


# -- firewall policies ---------------------------------------------------------------------------

def _groups(r: "_Reader") -> dict[str, set[str]]:
    """Interface -> the zone names a policy may use for it (``system zone``, SD-WAN zones)."""
    out: dict[str, set[str]] = {}
    z = r.t.get("system zone")
    for e in (z.edits.values() if z else ()):
        for i in (e.get("interface").values if e.get("interface") else ()):
            out.setdefault(i, set()).add(e.name)
    for table in ("system sdwan", "system virtual-wan-link"):
        sd = r.t.get(table)
        mem = sd.blocks.get("members") if sd is not None else None
        for e in (mem.edits.values() if mem else ()):
            i = e.first("interface")
            if i:
                out.setdefault(i, set()).add(e.first("zone") or names.DEFAULT_SDWAN_ZONE)
    return out


def policies(r: "_Reader", tunnels: dict[str, DeviceTunnel]) -> None:
    """`forwarding` per tunnel: an enabled accept policy into the tunnel and one out of it
    (FortiOS drops what no policy accepts: ``action`` defaults to deny), and the policies' TCP MSS."""
    fp = r.t.get("firewall policy")
    for key, first, again in (fp.repeats if fp is not None else ()):
        if not key.startswith("0#"):
            r.note(again, f"firewall policy id {key} is edited again here (first at line {first}): FortiOS "
                          "applies both to ONE policy, the later settings replacing the earlier ones")
    if fp is None and r.t.get("firewall security-policy") is not None:
        for d in tunnels.values():   # NGFW policy-based mode: security policies, not read by vpncc
            r._unverified(d, "forwarding", "the firewall policies: this FortiGate runs in NGFW policy-based "
                                           "mode (`config firewall security-policy`)")
        return
    if fp is None:
        for d in tunnels.values():
            if r.full_backup:
                d.set("forwarding", False, d.line, note="the configuration has no firewall policy at all: "
                                                        "FortiOS drops all traffic through the tunnel")
            else:
                r._unverified(d, "forwarding", "the firewall policies: this configuration has no `config "
                                               "firewall policy` (a partial paste?)")
        return
    groups = _groups(r)
    for name, d in tunnels.items():
        if d.value("policy_based", False):
            # a policy-based tunnel carries what `action ipsec` policies naming it send (inbound and
            # outbound in the one policy): FortiOS Administration Guide, policy-based IPsec VPN
            hits = [e for e in fp.edits.values() if e.first("action") == "ipsec" and e.first("vpntunnel") == name
                    and e.first("status") != "disable"]
            d.set("fortios.ipsec_policies", tuple(e.name for e in hits), fp.line)
            if hits:
                d.set("forwarding", True, hits[0].line)
            else:
                d.set("forwarding", False, fp.line, note=f"no enabled firewall policy with `set action ipsec` "
                                                         f"and `set vpntunnel {name}`")
            vals = [v for e in hits for v in (_int(e, "tcp-mss-sender"), _int(e, "tcp-mss-receiver")) if v]
            if vals:
                d.set("tcp_mss", max(vals), hits[0].line)
            continue
        names_for = {name, "any", *groups.get(name, ())}
        into, out_of, mss, unclamped = [], [], [], []
        for e in fp.edits.values():
            if (e.first("action") or names.DEFAULT_POLICY_ACTION) != "accept" or e.first("status") == "disable":
                continue
            src = set(e.get("srcintf").values) if e.get("srcintf") else set()
            dst = set(e.get("dstintf").values) if e.get("dstintf") else set()
            hit = False
            if dst & names_for and src - {name}:
                into.append(e)
                hit = True
            if src & names_for and dst - {name}:
                out_of.append(e)
                hit = True
            if hit:
                vals = [v for v in (_int(e, "tcp-mss-sender"), _int(e, "tcp-mss-receiver")) if v]
                (mss if vals else unclamped).append((max(vals) if vals else 0, e))
        missing = [w for w, got in (("towards the tunnel (LAN to AWS)", into), ("from the tunnel (AWS to LAN)",
                                                                               out_of)) if not got]
        if missing:
            d.set("forwarding", False, fp.line,
                  note=f"no enabled accept firewall policy {' and none '.join(missing)} for interface {name!r}")
        else:
            d.set("forwarding", True, (into + out_of)[0].line)
        if mss and d.get("tcp_mss") is None:
            d.set("tcp_mss", max(v for v, _ in mss), mss[0][1].line)
            for _, e in unclamped:
                r.note(e.line, f"firewall policy {e.name} for {name!r} sets no tcp-mss-sender/receiver: "
                               "its sessions are not clamped")
        if d.get("tcp_mss") is None and into and out_of:
            _lan_side_mss(r, d, name, into, out_of, names_for)


def _lan_side_mss(r: "_Reader", d: DeviceTunnel, name: str, into: list[Node], out_of: list[Node],
                  names_for: set[str]) -> None:
    """``tcp-mss`` on the LAN-side interfaces of the tunnel's policies clamps those sessions too (both
    directions from 7.0.1: Fortinet Community article 221376). Counted only when every such interface
    sets it."""
    ifs = r.t.get("system interface")
    lan = set()
    for e in into:
        lan |= set(e.get("srcintf").values) - names_for
    for e in out_of:
        lan |= set(e.get("dstintf").values) - names_for
    found = [ifs.edits[i].get("tcp-mss") for i in sorted(lan) if ifs is not None and i in ifs.edits]
    vals = [(_int(ifs.edits[i], "tcp-mss"), s.line) for i, s in zip(sorted(lan), found, strict=False) if s is not None]
    if lan and len(vals) == len(lan) and all(v for v, _ in vals):
        d.set("tcp_mss", max(v for v, _ in vals), vals[0][1])


# -- static routes -------------------------------------------------------------------------------

def static(r: "_Reader", tunnels: dict[str, DeviceTunnel]) -> None:
    st = r.t.get("router static")
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
            r.note(dst.line, "static route destination is not an IPv4 prefix: ignored")
            continue
        target = tunnels.get(e.first("device") or "")
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


# -- BGP -----------------------------------------------------------------------------------------

_OUT_FILTERS = ("route-map-out", "prefix-list-out", "distribute-list-out", "filter-list-out")


def bgp(r: "_Reader", tunnels: dict[str, DeviceTunnel]) -> None:
    b = r.t.get("router bgp")
    if b is None:
        return
    s = b.get("as")
    router_as = parse_asn(s.values[0]) if s and s.values else None
    if s is not None and s.values and router_as is None:
        r.note(s.line, f"router bgp `as` {s.values[0][:20]!r} is not an AS number")
    hs = b.get("holdtime-timer")
    hold = _int(b, "holdtime-timer") or names.DEFAULT_BGP_HOLDTIME

    def neighbor(addr: ipaddress.IPv4Address, e: Node, line: int, group: str = "") -> dict[str, Obs]:
        out = {"neighbor": Obs(addr, line)}
        s = e.get("remote-as")
        if s is not None and s.values:
            out["aws_asn"] = Obs(parse_asn(s.values[0]), s.line)
        s = e.get("local-as")
        if s is not None and s.values:
            out["customer_asn"] = Obs(parse_asn(s.values[0]), s.line)
        elif router_as is not None:
            out["customer_asn"] = Obs(router_as, b.get("as").line)
        h = _int(e, "holdtime-timer")
        if h is not None and h != 4294967295:    # 4294967295: "use the router's holdtime-timer"
            out["hold_time_s"] = Obs(h, e.get("holdtime-timer").line)
        else:
            out["hold_time_s"] = Obs(hold, hs.line if hs else line)
        if e.first("shutdown") == "enable":
            out["enabled"] = Obs(False, e.get("shutdown").line)
        filt = next((e.get(k) for k in _OUT_FILTERS if e.first(k)), None)
        what = f"neighbor-group {group!r}" if group else f"neighbor {addr}"
        out["outbound_filter"] = Obs(filt is not None, filt.line if filt else line,
                                     note="" if filt else f"{what} has no route-map-out or prefix-list-out: "
                                                          "every route in the BGP table is announced")
        mp = _int(e, "maximum-prefix")
        out["inbound_limit"] = Obs(bool(mp), e.get("maximum-prefix").line if mp else line)
        return out

    nb = b.blocks.get("neighbor")
    for e in (nb.edits.values() if nb else ()):
        try:
            addr = ipaddress.IPv4Address(e.name)
        except ValueError:
            continue
        r.dev.bgp_neighbors.append(neighbor(addr, e, e.line))
    # dynamic neighbors: `neighbor-range` prefixes accept sessions from any address inside them, with
    # the settings of their `neighbor-group`; the FortiGate waits for the peer to connect (AWS does).
    groups = b.blocks.get("neighbor-group")
    ranges = b.blocks.get("neighbor-range")
    for e in (ranges.edits.values() if ranges else ()):
        g = groups.edits.get(e.first("neighbor-group") or "") if groups else None
        pfx = e.get("prefix")
        if g is None or pfx is None:
            r.note(e.line, "neighbor-range without a known neighbor-group or prefix: ignored")
            continue
        try:
            net = ipaddress.IPv4Interface("/".join(pfx.values[:2]) if len(pfx.values) >= 2
                                          else pfx.values[0]).network
        except (ValueError, IndexError):
            r.note(pfx.line, "neighbor-range prefix is not an IPv4 prefix: ignored")
            continue
        for d in tunnels.values():
            peer = r.remote_ip.get(d.name)
            if peer is not None and peer in net:
                r.dev.bgp_neighbors.append(neighbor(peer, g, pfx.line, group=g.name))


def _in(addr: str, iface: ipaddress.IPv4Interface) -> bool:
    try:
        return ipaddress.IPv4Address(addr) in iface.network
    except ValueError:
        return False
