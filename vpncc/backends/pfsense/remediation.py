"""Findings -> PHP that fixes them on the firewall, one block to paste.

pfSense has no configuration CLI; its own tools change config.xml through the global ``$config`` array
and ``write_config()``. The block runs in Diagnostics > Command Prompt > Execute PHP Commands, or in
``pfSsh.php`` at the console (paste, then type ``exec``). It only uses ``$config[...] = value``,
``$config[...][] = value`` (append) and ``unset($config[...])``, which work the same on 2.6, 2.7 and
Plus, then applies the changes with the functions the GUI pages call after saving.

Indexes (``phase1][3]``, ``opt4``...) are the ones the reader saw in this config.xml: run the block on
the firewall whose backup was validated, before anything else changes it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Sequence

from ...ir import Connection, IkeVersion, Routing, Tunnel
from ...profile import Profile
from ...validate.findings import Finding
from ...validate.model import DeviceConfig
from ...validate.negotiation import is_private
from . import names as N
from . import render as R
from .read import PfDeviceConfig, TunnelMeta
from .xmlwrite import Node

#: xmlparse.inc listtags() entries that occur in the sections vpncc writes
_LIST = frozenset({"phase1", "phase2", "item", "encryption-algorithm-option", "hash-algorithm-option",
                   "gateway_item", "gateway_group", "route", "rule", "config", "row"})


def php_value(nodes: list[Node]) -> dict[str, Any]:
    """Nodes -> the PHP array parse_xml_config() would build (list tags become lists)."""
    out: dict[str, Any] = {}
    for tag, v in nodes:
        if v is None or v is False:
            continue
        val = "" if v is True else (php_value(v) if isinstance(v, list) else v)
        if tag in _LIST:
            out.setdefault(tag, []).append(val)
        else:
            out[tag] = val
    return out


def _q(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _path(*keys: Any) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else (f"[{_q(k)}]" if k != "" else "[]") for k in keys)


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.apply: set[str] = set()

    def set(self, keys: tuple, value: Any, why: str) -> None:
        if isinstance(value, (dict, list)):
            v = f"json_decode({_q(json.dumps(value, separators=(',', ':')))}, true)"
        else:
            v = _q(str(value))
        self.lines.append(f"$config{_path(*keys)} = {v};  // {why}")

    def unset(self, keys: tuple, why: str) -> None:
        self.lines.append(f"unset($config{_path(*keys)});  // {why}")


def _match(conn: Connection, device: DeviceConfig) -> dict[int, str]:
    """IR tunnel number -> device tunnel name: by AWS outside address, then by inside /30."""
    out: dict[int, str] = {}
    for t in conn.tunnels:
        for d in device.tunnels:
            o = d.get("outside.aws")
            if o is not None and o.value == t.outside.aws and d.name not in out.values():
                out[t.number] = d.name
                break
        else:
            for d in device.tunnels:
                i = d.get("inside.customer")
                if i is not None and i.value.network == t.inside.customer.network and d.name not in out.values():
                    out[t.number] = d.name
                    break
    return out


def _fits(t: Tunnel) -> bool:
    """The tunnel's own (file) suite lies inside what AWS accepts on it."""
    a = getattr(t, "accepted", None)
    if a is None:
        return True
    return (t.ike.version in a.ike_versions and set(t.ike.encryption) <= set(a.ike_encryption)
            and set(t.ike.integrity) <= set(a.ike_integrity) and set(t.ike.dh_groups) <= set(a.ike_dh_groups)
            and set(t.ipsec.encryption) <= set(a.esp_encryption)
            and (not t.ipsec.integrity or set(t.ipsec.integrity) <= set(a.esp_integrity))
            and set(t.ipsec.pfs_groups) <= set(a.pfs_groups))


def _suites(conn: Connection, profile: Profile) -> Connection:
    """The suites remediation writes: the profile's --crypto choice, but never a file suite AWS does not
    accept on that tunnel (then the recommended one: the fix must negotiate)."""
    from ...crypto import choose
    from ..base import RenderOptions
    from . import PfsenseBackend

    caps = PfsenseBackend().crypto_capabilities(profile, RenderOptions())
    mode = getattr(profile, "crypto", None) or "recommended"
    chosen = choose(conn, mode, caps)
    if mode == "file":
        rec = choose(conn, "recommended", caps)
        chosen = replace(chosen, tunnels=tuple(c if _fits(c) else r for c, r in zip(chosen.tunnels, rec.tunnels, strict=False)))
    return chosen


def _lowest(used: set[int], start: int = 1) -> int:
    i = start
    while i in used:
        i += 1
    used.add(i)
    return i


def remediation(findings: Sequence[Finding], conn: Connection, profile: Profile, device: DeviceConfig) -> str:
    from ...compiler import resolve_profile
    from . import PfsenseBackend

    profile, _ = resolve_profile(conn, PfsenseBackend(), profile)
    conn = _suites(conn, profile)
    dev = device if isinstance(device, PfDeviceConfig) else PfDeviceConfig(vendor="pfsense", path=device.path,
                                                                          tunnels=device.tunnels)
    match = _match(conn, dev)
    out = _Out()
    done: set[tuple] = set()
    ikeids, reqids, opts = set(dev.ikeids), set(dev.reqids), set(dev.opt_numbers)
    for f in findings:
        key = (f.rule, f.tunnel)
        if key in done or f.rule in ("VPN204", "VPN901"):
            continue
        done.add(key)
        t = conn.tunnel(f.tunnel) if f.tunnel is not None and f.tunnel in {x.number for x in conn.tunnels} else None
        meta = dev.meta.get(match.get(f.tunnel, "")) if t is not None else None
        if f.rule in ("VPN101", "VPN102"):
            targets = [t] if t is not None else [x for x in conn.tunnels if x.number not in match]
            for tt in targets:
                if tt.number not in match and ("add", tt.number) not in done:
                    done.add(("add", tt.number))
                    _add_tunnel(out, conn, tt, profile, dev, ikeids, reqids, opts)
            continue
        if t is None:
            continue
        if f.rule.startswith("VPN3"):
            _bgp_fix(out, f.rule, conn, t, profile, dev)
            continue
        if f.rule == "VPN401":
            _static_fix(out, conn, t, profile, dev, meta, opts)
            continue
        if meta is None:
            continue
        _tunnel_fix(out, f.rule, conn, t, profile, dev, meta, opts)
    if not out.lines:
        return "/* vpncc: nothing to change on this pfSense */\n"
    head = ["/* vpncc remediation for pfSense 2.6+ / Plus: paste into Diagnostics > Command Prompt >",
            " * Execute PHP Commands, or run pfSsh.php at the console, paste, then type: exec",
            " * Indexes refer to the config.xml that was validated. */",
            'require_once("config.inc");', 'require_once("functions.inc");', 'require_once("ipsec.inc");',
            'require_once("interfaces.inc");', 'require_once("filter.inc");', "global $config;"]
    tail = ["write_config('vpncc: AWS Site-to-Site VPN remediation');", "ipsec_configure();"]
    for ifname in sorted(a[len("if:"):] for a in out.apply if a.startswith("if:")):
        tail.append(f"interface_configure({_q(ifname)}, true);")
    if "routes" in out.apply:
        tail.append("system_routing_configure();")
    tail.append("filter_configure();")
    if "frr" in out.apply:
        tail += ['if (file_exists("/usr/local/pkg/frr.inc")) {',
                 '\trequire_once("/usr/local/pkg/frr.inc");', "\tfrr_generate_config();", "}"]
    return "\n".join(head + out.lines + tail) + "\n"


def _tunnel_fix(out: _Out, rule: str, conn: Connection, t: Tunnel, profile: Profile, dev: PfDeviceConfig,
                meta: TunnelMeta, opts: set[int]) -> None:
    p1 = ("ipsec", "phase1", meta.p1_index)
    p2 = ("ipsec", "phase2", meta.p2_index) if meta.p2_index is not None else None
    notes: list[str] = []
    if rule == "VPN103":
        if "phase1" in meta.disabled:
            out.unset(p1 + ("disabled",), f"enable tunnel {t.number} phase 1")
        if p2 and "phase2" in meta.disabled:
            out.unset(p2 + ("disabled",), f"enable tunnel {t.number} phase 2")
        if meta.ifname and "interface" in meta.disabled:
            out.set(("interfaces", meta.ifname, "enable"), "", f"enable the tunnel {t.number} interface")
            out.apply.add(f"if:{meta.ifname}")
        nb = next((n for n in dev.bgp_neighbors if t.bgp is not None and n["neighbor"].value == t.bgp.neighbor), None)
        if nb is not None and nb.get("enabled") is not None and nb["enabled"].value is False:
            i = dev.neighbor_index.get(str(t.bgp.neighbor))
            if i is not None:
                out.unset(("installedpackages", "frrbgpneighbors", "config", i, "shutdown"), "BGP neighbor up")
            out.set(("installedpackages", "frr", "config", 0, "enable"), N.FRR_ON, "FRR on")
            out.set(("installedpackages", "frrbgp", "config", 0, "enable"), N.FRR_ON, "BGP on")
            out.apply.add("frr")
    elif rule == "VPN110":
        out.set(p1 + ("remote-gateway",), str(t.outside.aws), f"tunnel {t.number} AWS outside address")
    elif rule == "VPN111":
        _local_fix(out, p1, t, dev, meta)
    elif rule == "VPN200":
        out.set(p1 + ("iketype",), N.IKE_VERSION[t.ike.version], "IKE version")
        enc = dict(R.phase1(conn, t, 0, profile, notes)[1])["encryption"]
        out.set(p1 + ("encryption",), php_value(enc), "phase 1 proposals for that version")
        if t.ike.version.value == "ikev1":
            out.set(p1 + ("mode",), "main", "main mode")
        else:
            out.unset(p1 + ("mode",), "IKEv2 has no negotiation mode")
            _retransmit(out, dev)
    elif rule == "VPN201":
        enc = dict(R.phase1(conn, t, 0, profile, notes)[1])["encryption"]
        out.set(p1 + ("encryption",), php_value(enc), "phase 1 proposals")
    elif rule == "VPN202":
        out.set(p1 + ("lifetime",), str(_life(t, "ike")), "phase 1 lifetime")
    elif rule == "VPN203":
        out.set(p1 + ("pre-shared-key",), t.ike.psk or "", f"tunnel {t.number} pre-shared key")
        out.set(p1 + ("authentication_method",), "pre_shared_key", "mutual PSK")
    elif rule == "VPN205":
        delay, fail = R.dpd_values(replace(t, ike=replace(t.ike, version=IkeVersion.IKEV2 if meta.iketype != "ikev1"
                                                          else IkeVersion.IKEV1)), [])
        out.set(p1 + ("dpd_delay",), str(delay), "DPD delay")
        out.set(p1 + ("dpd_maxfail",), str(fail), "DPD max failures")
        if meta.iketype != "ikev1":
            _retransmit(out, dev, force=True)
    elif rule == "VPN207":
        if meta.startaction == "none":
            out.unset(p1 + ("startaction",), "initiate (Child SA Start Action Default)")
        out.set(p1 + ("closeaction",), "start", "Child SA Close Action Restart/Reconnect")
        if p2 is not None:
            out.set(p2 + ("keepalive",), N.KEEPALIVE_ON, "Keep Alive: re-initiate when disconnected")
    elif rule == "VPN206":
        out.set(p1 + ("mode",), "main", "main mode")
    elif rule in ("VPN210", "VPN211", "VPN212", "VPN220") and p2 is not None:
        want = php_value(R.phase2(conn, t, 0, 0, "", profile, notes)[1])
        if rule == "VPN210":
            out.set(p2 + ("encryption-algorithm-option",), want["encryption-algorithm-option"], "ESP encryption")
            if "hash-algorithm-option" in want:
                out.set(p2 + ("hash-algorithm-option",), want["hash-algorithm-option"], "ESP integrity")
            else:
                out.unset(p2 + ("hash-algorithm-option",), "AES-GCM needs no ESP hash")
        elif rule == "VPN211":
            out.set(p2 + ("pfsgroup",), want["pfsgroup"], "PFS group")
        elif rule == "VPN212":
            out.set(p2 + ("lifetime",), str(_life(t, "esp")), "phase 2 lifetime")
        else:
            out.set(p2 + ("localid",), want["localid"], f"tunnel {t.number} inside address")
            out.set(p2 + ("remoteid",), want["remoteid"], "AWS inside address")
            if meta.ifname:
                out.apply.add(f"if:{meta.ifname}")
    elif rule in ("VPN221", "VPN222"):
        ifname = meta.ifname
        if ifname is None and meta.reqid is not None:
            ifname = f"opt{_lowest(opts)}"
            meta.ifname = ifname
            out.set(("interfaces", ifname), php_value(R.interface(t, ifname, int(meta.reqid), profile)[1]),
                    f"assign {N.VTI_IF_PREFIX}{meta.reqid} (tunnel {t.number})")
        elif ifname is not None:
            if rule == "VPN221":
                out.set(("interfaces", ifname, "mtu"), str(t.mtu), f"tunnel {t.number} MTU")
            else:
                out.set(("interfaces", ifname, "mss"), str(t.tcp_mss + N.MSS_OFFSET),
                        f"clamp TCP MSS to {t.tcp_mss} (pfSense subtracts 40)")
                if dev.scrub_disabled and "scrub" not in out.apply:
                    out.apply.add("scrub")
                    out.unset(("system", "disablescrub"), "firewall scrub back on (every interface): filter.inc "
                                                          "writes interface MSS clamping only with scrub")
        if ifname:
            out.apply.add(f"if:{ifname}")


def _life(t: Tunnel, phase: str) -> int:
    """The lifetime AWS runs on this tunnel (its tunnel options), else the file's."""
    a = getattr(t, "accepted", None)
    v = getattr(a, f"{phase}_lifetime_s", None) if a is not None else None
    return int(v) if v else (t.ike.lifetime_s if phase == "ike" else t.ipsec.lifetime_s)


def _retransmit(out: _Out, dev: PfDeviceConfig, force: bool = False) -> None:
    """IKEv2: charon's retransmissions decide when a dead peer is declared (render.ipsec_global()); a
    firewall with its own IKEv2 Retransmit values keeps them unless DPD itself was found too slow."""
    if "retransmit" in out.apply or (dev.retransmit_set and not force):
        return
    out.apply.add("retransmit")
    out.set(("ipsec", "ikev2_retransmit_tries"), str(N.COMPILE_RETRANSMIT_TRIES),
            "IKEv2 Retransmit tries (charon-wide, every IKEv2 tunnel): a dead peer is detected in ~100 s")


def _local_fix(out: _Out, p1: tuple, t: Tunnel, dev: PfDeviceConfig, meta: TunnelMeta) -> None:
    """Never put an address the firewall does not own into its phase 1: move the phase 1 to the
    interface/VIP that holds the customer gateway address when there is one; behind NAT (private local
    address) the identity may be the public address; otherwise only say what is wrong."""
    cgw = t.outside.customer
    owner = next((name for name, a in dev.addresses.items() if a == cgw), None)
    if owner is not None:
        out.set(p1 + ("interface",), owner, f"{owner} holds the customer gateway address {cgw}")
        out.set(p1 + ("myid_type",), "myaddress", "identify with that address")
        return
    local = meta.local_address
    if local is None or is_private(local) or local == cgw:
        why = ("behind NAT: AWS expects the public address as identity" if local is not None and local != cgw
               else "customer gateway outside address")
        out.set(p1 + ("myid_type",), "address", "identify with the customer gateway address")
        out.set(p1 + ("myid_data",), str(cgw), why)
        return
    out.lines.append(f"/* tunnel {t.number}: this firewall sends IKE from {local}, but the AWS customer gateway is "
                     f"{cgw}, an address it does not own: correct the customer gateway in AWS (or the WAN "
                     "address); vpncc changes nothing here */")


def _add_tunnel(out: _Out, conn: Connection, t: Tunnel, profile: Profile, dev: PfDeviceConfig,
                ikeids: set[int], reqids: set[int], opts: set[int]) -> None:
    ikeid, reqid, opt = _lowest(ikeids, profile.ikeid_start or 1), _lowest(reqids), _lowest(opts)
    notes: list[str] = []
    lbl = R.label(conn, profile)
    out.set(("ipsec", "phase1", ""), php_value(R.phase1(conn, t, ikeid, profile, notes)[1]),
            f"add tunnel {t.number} phase 1 (ikeid {ikeid})")
    out.set(("ipsec", "phase2", ""),
            php_value(R.phase2(conn, t, ikeid, reqid, R.uniqid(lbl, t.number, reqid), profile, notes)[1]),
            f"add tunnel {t.number} phase 2 (reqid {reqid})")
    if t.ike.version.value == "ikev2":
        _retransmit(out, dev)
    ifname = f"opt{opt}"
    out.set(("interfaces", ifname), php_value(R.interface(t, ifname, reqid, profile)[1]),
            f"assign {N.VTI_IF_PREFIX}{reqid}")
    out.apply.add(f"if:{ifname}")
    meta = TunnelMeta(ikeid=str(ikeid), p1_index=-1, reqid=str(reqid), ifname=ifname,
                      inside=t.inside.customer, remote_inside=t.inside.aws.ip)
    dev.meta[f"vpncc-new-{t.number}"] = meta
    # the comparer reports nothing else for a tunnel it could not match: bring its routing too
    if t.bgp is not None and str(t.bgp.neighbor) not in dev.neighbor_index:
        _bgp_fix(out, "VPN301", conn, t, profile, dev)
    elif conn.routing is Routing.STATIC:
        _static_fix(out, conn, t, profile, dev, meta, opts)


def _bgp_fix(out: _Out, rule: str, conn: Connection, t: Tunnel, profile: Profile, dev: PfDeviceConfig) -> None:
    if t.bgp is None:
        return
    out.apply.add("frr")
    base = ("installedpackages", "frrbgpneighbors", "config")
    idx = dev.neighbor_index.get(str(t.bgp.neighbor))
    if rule == "VPN301" or idx is None:
        if not dev.frr_present:
            cfg, rows = R.frr_bgp(conn, profile)
            out.set(("installedpackages", "frr", "config", 0), php_value(R.frr_global()), "FRR on")
            out.set(("installedpackages", "frrbgp", "config", 0), php_value(cfg + rows), "BGP router")
            dev.frr_present = True
        # the neighbor's inbound/outbound prefix lists (FRR's ebgp-requires-policy stays on), once
        inv = dev.inventory
        defined = set(inv.taken("frr-prefix-list")) if inv is not None else set()
        for entry in R.frr_prefixes(conn, profile):
            name = dict(entry[1])["name"]
            if name not in defined and f"prefix:{name}" not in out.apply:
                out.apply.add(f"prefix:{name}")
                out.set(("installedpackages", "frrglobalprefixes", "config", ""), php_value(entry[1]),
                        f"FRR prefix list {name}")
        out.set(base + ("",), php_value(R.frr_neighbor(conn, t, profile)[1]), f"BGP neighbor {t.bgp.neighbor}")
        dev.neighbor_index[str(t.bgp.neighbor)] = 10 ** 6 + t.number  # added: no further edits by index
        return
    if rule == "VPN302":
        out.set(base + (idx, "asnum"), str(t.bgp.aws_asn), "AWS ASN")
    elif rule == "VPN303":
        out.set(base + (idx, "localas_num"), str(t.bgp.customer_asn), "customer gateway ASN towards AWS")
    elif rule == "VPN304":
        out.set(base + (idx, "timers_keepalive"), str(t.bgp.hold_time_s // 3), "keepalive = hold / 3")
        out.set(base + (idx, "timers_holdtime"), str(t.bgp.hold_time_s), "hold time")


def _static_fix(out: _Out, conn: Connection, t: Tunnel, profile: Profile, dev: PfDeviceConfig,
                meta: TunnelMeta | None, opts: set[int]) -> None:
    """Tunnel 1: a static route per missing network via its gateway. Later tunnels: pfSense allows one
    route per destination, so they join a failover gateway group that a LAN rule policy-routes to."""
    if conn.routing is not Routing.STATIC or meta is None or meta.ifname is None:
        return
    dt = next((d for d in dev.tunnels if dev.meta.get(d.name) is meta), None)
    have = set(dt.get("static_routes").value) if dt is not None and dt.get("static_routes") else set()
    missing = [n for n in profile.remote_networks if n not in have]
    if not missing:
        return
    out.apply.add("routes")
    gw = _ensure_gateway(out, conn, t, profile, meta)
    lbl = R.label(conn, profile)
    first = conn.tunnels[0]
    if t.number == first.number:
        for net in missing:
            if str(net) in dev.route_index:
                i, _ = dev.route_index[str(net)]
                out.set(("staticroutes", "route", i, "gateway"), gw, f"route {net} through tunnel {t.number}")
                out.unset(("staticroutes", "route", i, "disabled"), "route enabled")
            else:
                out.set(("staticroutes", "route", ""),
                        php_value([("network", str(net)), ("gateway", gw),
                                   ("descr", f"AWS {lbl} via tunnel {t.number}")]),
                        f"route {net} through tunnel {t.number}")
        return
    fmeta = dev.meta.get(_match(conn, dev).get(first.number, ""))
    gw1 = _ensure_gateway(out, conn, first, profile, fmeta) if fmeta is not None and fmeta.ifname else None
    group = R.group_name(profile)
    if group in dev.groups:
        gi, members = dev.groups[group]
        if gw not in members:
            out.set(("gateways", "gateway_group", gi, "item", ""), f"{gw}|{t.number}|address",
                    f"tunnel {t.number} in the failover group")
            members.append(gw)
    else:
        items = ([("item", f"{gw1}|1|address")] if gw1 else []) + [("item", f"{gw}|{t.number}|address")]
        out.set(("gateways", "gateway_group", ""),
                php_value([("name", group), *items, ("trigger", "down"), ("descr", f"AWS {lbl} tunnels (failover)")]),
                "failover gateway group")
        dev.groups[group] = (-1, [m.split("|")[0] for _, m in items])
    lan = profile.lan_interface or "lan"
    pos = dev.first_rule.get(lan)
    for net in missing:
        rule = php_value(R.policy_rule(conn, net, R.tracker(lbl, str(net)), profile)[1])
        if pos is None:
            out.set(("filter", "rule", ""), rule, f"policy-route {net} through the group")
        else:
            v = json.dumps(rule, separators=(",", ":"))
            out.lines.append(f"array_splice($config['filter']['rule'], {pos}, 0, array(json_decode({_q(v)}, true)));"
                             f"  // policy-route {net} through the group, before the first {lan} rule")


def _ensure_gateway(out: _Out, conn: Connection, t: Tunnel, profile: Profile, meta: TunnelMeta) -> str:
    if meta.gateways:
        return meta.gateways[0]
    gw = R.iface_descr(profile, t)
    out.set(("gateways", "gateway_item", ""), php_value(R.gateway_item(conn, t, meta.ifname, profile)[1]),
            f"gateway for tunnel {t.number}")
    meta.gateways.append(gw)
    return gw
