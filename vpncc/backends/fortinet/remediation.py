"""Findings -> FortiOS CLI that fixes them (config/edit/set/next/end), one block to paste.

Settings come from the same (key, value) lists the renderer writes, addressed to the device's own
object names (matched like the comparer does), so "running config + remediation" reads back as the
intended config.
"""

from __future__ import annotations

from typing import Sequence

from ...compiler import resolve_profile
from ...ir import Connection, Routing
from ...profile import Profile
from ...validate.compare import match_tunnels
from ...validate.findings import Finding
from ...validate.model import DeviceConfig
from . import names
from .render import context, quote, tunnel_names

#: rule -> (section, keys) of the per-tunnel settings that fix it
_TUNNEL_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VPN110": ("phase1", ("remote-gw",)),
    "VPN200": ("phase1", ("ike-version", "mode", "proposal")),
    "VPN201": ("phase1", ("proposal", "dhgrp")),
    "VPN202": ("phase1", ("keylife",)),
    "VPN203": ("phase1", ("psksecret",)),
    "VPN205": ("phase1", ("dpd", "dpd-retryinterval", "dpd-retrycount")),
    "VPN206": ("phase1", ("mode",)),
    "VPN210": ("phase2", ("proposal",)),
    "VPN211": ("phase2", ("pfs", "dhgrp")),
    "VPN212": ("phase2", ("keylifeseconds",)),
    "VPN220": ("interface", ("ip", "remote-ip")),
    "VPN221": ("interface", ("mtu-override", "mtu")),
    "VPN222": ("interface", ("tcp-mss",)),
}
_SECTIONS = (("phase1", "vpn ipsec phase1-interface"), ("phase2", "vpn ipsec phase2-interface"),
             ("interface", "system interface"))


def _block(path: str, edits: dict[str, list[tuple[str, str]]]) -> list[str]:
    out = [f"config {path}"]
    for name, settings in edits.items():
        out.append(f"    edit {name}")
        out.extend(f"        set {k} {v}" for k, v in settings)
        out.append("    next")
    out.append("end")
    return out


def remediation(findings: Sequence[Finding], conn: Connection, profile: Profile | None,
                device: DeviceConfig, version: str = names.DEFAULT_VERSION) -> str:
    from . import FortinetBackend

    prof, _ = resolve_profile(conn, FortinetBackend(), profile)
    # the suite the profile's --crypto mode would compile, so that running + remediation == compiled
    from ...backends.base import RenderOptions
    from ...compiler import choose_crypto

    chosen = choose_crypto(conn, FortinetBackend(), prof, RenderOptions(extra={"fortios_version": version})).conn
    ctx = context(chosen, prof, version, "")
    by_number = {t["number"]: t for t in ctx["tunnels"]}
    matched = match_tunnels(conn, device)
    generated = tunnel_names(conn, prof)
    dev_name = {n: quote(matched[n].name) if n in matched else quote(generated[n]) for n in by_number}

    notes: list[str] = []
    sections: dict[str, dict[str, list[tuple[str, str]]]] = {k: {} for k, _ in _SECTIONS}
    neighbors: dict[str, list[tuple[str, str]]] = {}
    stale_neighbors: list[str] = []
    new_lists: set[str] = set()
    router: list[tuple[str, str]] = []
    routes: list[dict] = []
    new_tunnels: list[int] = []
    ipsec_policies: dict[str, list[tuple[str, str]]] = {}   # existing `action ipsec` policy id -> settings
    new_ipsec: list[int] = []                                # policy-based tunnels without any policy
    forward: dict[int, set[str]] = {}  # tunnel -> the missing policy directions ("-out", "-in")

    def entry(section: str, n: int) -> str:
        """The device's own entry: its phase2 may be named differently from its phase1."""
        d = matched.get(n)
        if section == "phase2" and d is not None and d.get("fortios.phase2") is not None:
            return quote(d.value("fortios.phase2"))
        return dev_name[n]

    def put(section: str, n: int, keys: tuple[str, ...] | None) -> None:
        slot = sections[section].setdefault(entry(section, n), [])
        for k, v in by_number[n][section]:
            if keys is not None and k not in keys:
                continue
            if k == "phase1name":
                v = dev_name[n]
            if (k, v) not in slot:
                slot.append((k, v))

    observed_as = {nb["customer_asn"].value for nb in device.bgp_neighbors if "customer_asn" in nb}

    def neighbor(n: int, keys: tuple[str, ...] | None) -> None:
        t = conn.tunnel(n)
        if t.bgp is None:
            return
        nb = next(x for x in ctx["bgp"]["neighbors"] if x["ip"] == str(t.bgp.neighbor))
        full = [("remote-as", str(nb["remote_as"])), ("local-as", str(t.bgp.customer_asn)),
                ("holdtime-timer", str(nb["hold"])), ("keep-alive-timer", str(nb["keepalive"]))]
        if keys is None and (not observed_as or t.bgp.customer_asn in observed_as):
            full = [kv for kv in full if kv[0] != "local-as"]
        if keys is None:  # a new neighbor: only the local networks out, a limit in (docs/safe-changes.md)
            full += [("prefix-list-out", nb["prefix_list_out"]), ("maximum-prefix", str(nb["maximum_prefix"]))]
            new_lists.add(nb["prefix_list_out"])
        slot = neighbors.setdefault(f'"{t.bgp.neighbor}"', [])
        for kv in full:
            if (keys is None or kv[0] in keys) and kv not in slot:
                slot.append(kv)
        inv = getattr(device, "inventory", None)
        has_as = inv is not None and inv.bgp_asn is not None   # never change the AS the device runs
        if not observed_as and not has_as and ("as", str(ctx["bgp"]["asn"])) not in router:
            router.append(("as", str(ctx["bgp"]["asn"])))

    for f in findings:
        n = f.tunnel
        if f.rule == "VPN901" or (n is not None and n not in by_number):
            if f.rule == "VPN901":
                notes.append(f"# line {f.line}: {f.message} (nothing to change)")
            continue
        if f.rule == "VPN101" and n is not None:
            if n not in new_tunnels:
                new_tunnels.append(n)
                for sec, _ in _SECTIONS:
                    put(sec, n, None)
                if conn.routing is Routing.BGP:
                    neighbor(n, None)
                else:
                    routes.extend(r for r in ctx["routes"] if r["device"] == quote(generated[n]))
        elif f.rule == "VPN111" and n is not None:
            # never point local-gw at an address this FortiGate does not own (that takes the tunnel down)
            want = conn.tunnel(n).outside.customer
            d = matched.get(n)
            owned = d.value("fortios.owned", ()) if d is not None else ()
            if want is not None and want in owned:
                put("phase1", n, ("local-gw",))
            else:
                notes.append(f"# tunnel {n}: AWS expects IKE from {want}, which is not an address of this "
                             f"FortiGate. If it sits behind NAT, leave local-gw on its own address and check that "
                             f"{want} forwards UDP 500/4500 to it; otherwise correct the customer gateway in AWS "
                             f"or `set local-gw` under phase1-interface {dev_name[n]} to an address it owns")
        elif f.rule == "VPN113" and n is not None:
            sections["phase1"].setdefault(dev_name[n], []).append(("nattraversal", "enable"))
        elif f.rule in ("VPN130", "VPN222") and n is not None and matched.get(n) is not None \
                and matched[n].value("policy_based", False):
            # policy-based tunnel: traffic and the MSS clamp live on its `action ipsec` policy
            ids = matched[n].value("fortios.ipsec_policies", ())
            mss = str(conn.tunnel(n).tcp_mss)
            if ids:
                for i in ids:
                    slot = ipsec_policies.setdefault(i, [])
                    for kv in (("tcp-mss-sender", mss), ("tcp-mss-receiver", mss)):
                        if kv not in slot:
                            slot.append(kv)
            elif n not in new_ipsec:
                new_ipsec.append(n)
        elif f.rule == "VPN130" and n is not None:
            # only the missing direction(s), as the reader named them
            d = matched.get(n)
            note = d.get("forwarding").note if d is not None and d.get("forwarding") is not None else ""
            want = {s for s, words in (("-out", "LAN to AWS"), ("-in", "AWS to LAN")) if words in note}
            forward[n] = want or {"-out", "-in"}
        elif f.rule in _TUNNEL_KEYS and n is not None:
            sec, keys = _TUNNEL_KEYS[f.rule]
            d = matched.get(n)
            if f.rule == "VPN201" and d is not None and d.value("ike.version") != chosen.tunnel(n).ike.version:
                keys = ("ike-version",) + keys   # the chosen suite is for the other IKE version (GCM: IKEv2 only)
            if f.rule == "VPN206":
                # the device speaks IKEv1 in aggressive mode: main mode, whatever suite --crypto would choose
                slot = sections[sec].setdefault(entry(sec, n), [])
                if ("mode", "main") not in slot:
                    slot.append(("mode", "main"))
                continue
            put(sec, n, keys)
        elif f.rule == "VPN103" and n is not None:
            if f.path and f.path.endswith(".bgp"):
                t = conn.tunnel(n)
                neighbors.setdefault(f'"{t.bgp.neighbor}"', []).append(("shutdown", "disable"))
            else:
                sections["interface"].setdefault(dev_name[n], []).append(("status", "up"))
        elif f.rule == "VPN204" and n is not None:
            notes.append(f"# tunnel {n}: the key is stored encrypted (ENC) and could not be compared; "
                         f"to be sure, set it again under phase1-interface {dev_name[n]}")
        elif f.rule == "VPN301" and n is not None:
            neighbor(n, None)
            t = conn.tunnel(n)
            d = matched.get(n)
            old = d.get("inside.customer") if d else None
            for nb in device.bgp_neighbors:
                ip = nb["neighbor"].value
                if old is not None and ip in old.value.network and ip != t.bgp.neighbor:
                    stale_neighbors.append(f'"{ip}"')
        elif f.rule in ("VPN302", "VPN303", "VPN304") and n is not None:
            keys = {"VPN302": ("remote-as",), "VPN303": ("local-as",),
                    "VPN304": ("holdtime-timer", "keep-alive-timer")}[f.rule]
            neighbor(n, keys)
        elif f.rule == "VPN401" and n is not None:
            d = matched.get(n)
            have = set(d.get("static_routes").value) if d and d.get("static_routes") else set()
            i = [t.number for t in conn.tunnels].index(n)
            for net in prof.remote_networks:
                if net not in have:
                    routes.append({"dst": f"{net.network_address} {net.netmask}", "device": dev_name[n],
                                   "distance": 10 + 10 * i, "comment": quote(f"AWS tunnel {n}")})

    out: list[str] = ["# vpncc remediation for FortiOS: paste in the VDOM of the tunnels"]
    out.extend(notes)
    for sec, path in _SECTIONS:
        if sections[sec]:
            out.extend(_block(path, sections[sec]))
    if new_lists and ctx["bgp"]:
        # the outbound prefix list the new neighbors name (re-defining it with the same rules is harmless)
        out.append("config router prefix-list")
        for name in sorted(new_lists):
            out += [f"    edit {name}", "        config rule"]
            for i, p in enumerate(ctx["bgp"]["prefixes"], 1):
                out += [f"            edit {i}", f"                set prefix {p}", "            next"]
            if not ctx["bgp"]["prefixes"]:
                out += ["            edit 1", "                set action deny", "                set prefix 0.0.0.0 0.0.0.0",
                        "                set le 32", "            next"]
            out += ["        end", "    next"]
        out.append("end")
    if neighbors or router or stale_neighbors:
        out.append("config router bgp")
        out.extend(f"    set {k} {v}" for k, v in router)
        out.append("    config neighbor")
        for ip in stale_neighbors:
            out.append(f"        delete {ip}")
        for ip, settings in neighbors.items():
            out.append(f"        edit {ip}")
            out.extend(f"            set {k} {v}" for k, v in settings)
            out.append("        next")
        out.append("    end")
        out.append("end")
    if routes:
        out.append("config router static")
        for r in routes:
            out += ["    edit 0", f"        set dst {r['dst']}", f"        set device {r['device']}",
                    f"        set distance {r['distance']}", f"        set comment {r['comment']}", "    next"]
        out.append("end")
    if new_tunnels or forward:
        pol = []
        for n in new_tunnels + [x for x in forward if x not in new_tunnels]:
            for p in ctx["policies"]:
                stem = quote(generated[n])[:-1]
                dirs = forward.get(n, {"-out", "-in"}) if n not in new_tunnels else {"-out", "-in"}
                if any(p["name"] == f'{stem}{x}"' for x in dirs):
                    # address the device's own interface name for a tunnel that exists
                    pol.append({k: (dev_name[n] if v == quote(generated[n]) else v) for k, v in p.items()})
        used = {a for p in pol for a in (p["srcaddr"] + " " + p["dstaddr"]).split()}
        addrs = [a for a in ctx["addresses"] if a["name"] in used]
        if addrs:  # the policies name these objects; (re)defining them is harmless
            out.append("config firewall address")
            for a in addrs:
                out += [f"    edit {a['name']}", f"        set subnet {a['subnet']}", "    next"]
            out.append("end")
        if pol:
            out.append("config firewall policy")
            for p in pol:
                out += ["    edit 0", f"        set name {p['name']}", f"        set srcintf {p['srcintf']}",
                        f"        set dstintf {p['dstintf']}", "        set action accept",
                        f"        set srcaddr {p['srcaddr']}", f"        set dstaddr {p['dstaddr']}",
                        '        set schedule "always"', '        set service "ALL"', "    next"]
            out.append("end")
    if ipsec_policies or new_ipsec:
        if len(new_ipsec) > 1:
            out.append("# FortiOS matches policies top-down: with identical selectors only the first tunnel's "
                       "policy is used, the second does not take over by itself (route-based tunnels do)")
        out.append("config firewall policy")
        for i, settings in ipsec_policies.items():
            out.append(f"    edit {i}")
            out.extend(f"        set {k} {v}" for k, v in settings)
            out.append("    next")
        for n in new_ipsec:
            mss = conn.tunnel(n).tcp_mss
            out += ["    edit 0", f"        set name {quote(matched[n].name + '-ipsec')}",
                    f"        set srcintf {quote(prof.lan_interface or 'internal')}",
                    f"        set dstintf {quote(prof.outside_interface or 'wan1')}", '        set srcaddr "all"',
                    '        set dstaddr "all"', "        set action ipsec", f"        set vpntunnel {dev_name[n]}",
                    '        set schedule "always"', '        set service "ALL"',
                    f"        set tcp-mss-sender {mss}", f"        set tcp-mss-receiver {mss}", "    next"]
        out.append("end")
    if len(out) == 1:
        out.append("# nothing to change")
    return "\n".join(out) + "\n"
