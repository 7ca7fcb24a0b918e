"""Findings -> the changes that fix them, as a bundle of fragments (one per file kind).

swanctl.conf fragments rely on charon's settings semantics: sections with the same name merge and
later settings win, so a fragment placed after the existing config (``/etc/swanctl/conf.d/zz-*.conf``
or appended to swanctl.conf) changes exactly the keys it names. ipsec.conf fragments list the
keywords to set in each conn. Linux-side fixes are ``ip``/``nft`` commands to run now and to add to
the boot script; routing fixes are FRR configuration lines (``vtysh``) or BIRD protocol blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ...ir import Connection, Routing
from ...profile import Profile
from . import names, settings
from .render import context, esp_proposals, ike_proposals

if TYPE_CHECKING:  # pragma: no cover
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig, DeviceTunnel

NO_ACTION = {"VPN204", "VPN901"}
#: findings whose fix is a suite or IKE version inside AWS's accepted set
CRYPTO_RULES = {"VPN200", "VPN201", "VPN210", "VPN211"}


def _private(d: "DeviceTunnel | None") -> dict:
    o = d.get("strongswan") if d is not None else None
    return dict(o.value) if o is not None and isinstance(o.value, dict) else {}


def remediation(findings: Sequence["Finding"], conn: Connection, profile: Profile, device: "DeviceConfig",
                routing_daemon: str = "frr") -> str:
    from ...validate.compare import match_tunnels

    matched = match_tunnels(conn, device)
    if any(f.rule in CRYPTO_RULES for f in findings):
        # the file's example suite may be outside what this tunnel accepts: propose the recommended suite
        # inside AWS's accepted set (vpncc.crypto), never a value AWS refuses
        from ... import crypto
        from ..base import get

        conn = crypto.choose(conn, "recommended", get("strongswan").capabilities)
    legacy = any(_private(d).get("syntax") in ("ipsec.conf", "libreswan") for d in device.tunnels)
    fmt = "legacy" if legacy else "swanctl"
    ctx = context(conn, profile, fmt, (), routing_daemon, "nftables")
    tctx = {t["number"]: t for t in ctx["tunnels"]}
    swan = settings.Section("")
    conns_fix: dict[str, list[tuple[str, str]]] = {}
    secrets_fix: list[str] = []
    shell: list[str] = []
    frr_neighbor: list[str] = []
    frr_top: list[str] = []
    full: set[int] = set()
    charon_fix: dict[str, str] = {}

    def conn_sec(d: "DeviceTunnel") -> settings.Section:
        c = swan.sections.setdefault("connections", settings.Section("connections"))
        return c.sections.setdefault(d.name, settings.Section(d.name))

    def child_sec(d: "DeviceTunnel", n: int) -> settings.Section:
        cs = conn_sec(d).sections.setdefault("children", settings.Section("children"))
        child = _private(d).get("child") or tctx[n]["child"]
        return cs.sections.setdefault(child, settings.Section(child))

    def put(d: "DeviceTunnel", n: int, key: str, value: str, child: bool = False, sub: str | None = None) -> None:
        if legacy:
            conns_fix.setdefault(d.name, []).append((key, value))
            return
        sec = child_sec(d, n) if child else conn_sec(d)
        if sub:
            sec = sec.sections.setdefault(sub, settings.Section(sub))
        sec.settings[key] = settings.Setting(value, None)

    device_asn = next((nb["router_asn"].value for nb in device.bgp_neighbors if "router_asn" in nb), None)
    router_asn = device_asn or ctx["router_asn"]
    bird = any(nb.get("daemon") is not None and nb["daemon"].value == "bird" for nb in device.bgp_neighbors) \
        or any(_private(d).get("routing") == "bird" for d in device.tunnels)
    bird_blocks: dict[int, str] = {}     # tunnel -> the protocol to (re)define, for BIRD devices

    for f in findings:
        if f.rule in NO_ACTION or f.tunnel is None and f.rule != "VPN102":
            continue
        if f.rule == "VPN102":
            full.update(t.number for t in conn.tunnels if t.number not in matched)
            continue
        n = f.tunnel
        t = conn.tunnel(n)
        tc = tctx[n]
        d = matched.get(n)
        if f.rule == "VPN101" or d is None:
            full.add(n)
            continue
        iface = _private(d).get("iface") or tc["ifname"]
        r = f.rule
        if r == "VPN110":
            put(d, n, "right" if legacy else "remote_addrs", tc["remote"])
            if legacy:
                put(d, n, "rightid", tc["remote"])
            else:
                put(d, n, "id", tc["remote"], sub="remote")
            _secret(secrets_fix, d, tc, legacy)
        elif r == "VPN111":
            addr = d.value("local.address")
            ident = d.value("local.identity")
            if addr is not None and str(addr) == str(f.actual):
                # the source address is wrong: never write the customer gateway address there (behind NAT the
                # host does not own it); the profile's --local-address, else let the kernel choose the source
                own = str(profile.local_address) if profile.local_address else None
                if legacy:
                    put(d, n, "left", own or "%defaultroute")
                else:
                    put(d, n, "local_addrs", own or "%any")
                if ident is not None and str(ident) == tc["local_id"]:
                    continue  # the identity (and the secret's ids) are right already
            if legacy:
                put(d, n, "leftid", tc["local_id"])
            else:
                put(d, n, "id", tc["local_id"], sub="local")
            _secret(secrets_fix, d, tc, legacy)
        elif r in ("VPN200", "VPN206"):
            put(d, n, "keyexchange" if legacy else "version", f"ikev{tc['version']}" if legacy else str(tc["version"]))
            if tc["version"] == 2:
                charon_fix.update(names.COMPILED_RETRANSMIT)  # IKEv2 DPD runs on the retransmission timers
            if tc["version"] == 1:
                put(d, n, "aggressive", "yes" if tc["aggressive"] else "no")
        elif r == "VPN201" and pluto(d):
            put(d, n, "ike", libreswan_proposals(t, ike=True))
        elif r == "VPN201":
            put(d, n, "ike" if legacy else "proposals", ike_proposals(t)[0] + ("!" if legacy else ""))
        elif r == "VPN202":
            if legacy:
                put(d, n, "ikelifetime", tc["ike_rekey"])
            else:
                put(d, n, "rekey_time", tc["ike_rekey"])
                put(d, n, "reauth_time", "0s")
        elif r == "VPN203":
            _secret(secrets_fix, d, tc, legacy)
        elif r == "VPN205":
            if _version(d, tc) == 2:
                # IKEv2 ignores dpd_timeout: shorten charon's retransmissions (names.COMPILED_RETRANSMIT)
                charon_fix.update(names.COMPILED_RETRANSMIT)
            if legacy:
                put(d, n, "dpdaction", "restart")
                put(d, n, "dpddelay", tc["dpd_delay"])
                put(d, n, "dpdtimeout", tc["dpd_timeout"])
            else:
                put(d, n, "dpd_delay", tc["dpd_delay"])
                put(d, n, "dpd_timeout", tc["dpd_timeout"])
                put(d, n, "dpd_action", "restart", child=True)
        elif r in ("VPN210", "VPN211") and pluto(d):
            # pluto: phase2alg with the PFS group, and PFS on (Libreswan ipsec.conf(5) pfs, phase2alg)
            put(d, n, "phase2alg", libreswan_proposals(t, ike=False))
            put(d, n, "pfs", "yes")
        elif r in ("VPN210", "VPN211"):
            put(d, n, "esp" if legacy else "esp_proposals", esp_proposals(t) + ("!" if legacy else ""), child=True)
        elif r == "VPN207":
            # start the tunnel at load and again whenever AWS closes it
            if pluto(d):
                put(d, n, "auto", "start")
            elif legacy:
                put(d, n, "auto", "start")
                put(d, n, "closeaction", "restart")
            else:
                put(d, n, "start_action", "start", child=True)
                put(d, n, "close_action", "start", child=True)
        elif r == "VPN104":
            key = d.value("strongswan.iface_key")
            kind = _private(d).get("id_kind")
            if key is not None and kind == "if_id" and not legacy:
                # bind the SA to the interface the routes use (the interface keeps its id)
                put(d, n, "if_id_in", str(key), child=True)
                put(d, n, "if_id_out", str(key), child=True)
            elif key is not None and kind == "if_id":
                put(d, n, "if_id_in", str(key))
                put(d, n, "if_id_out", str(key))
            elif key is not None and legacy:
                put(d, n, "mark", str(key))
            elif key is not None:
                put(d, n, "mark_in", str(key), child=True)
                put(d, n, "mark_out", str(key), child=True)
        elif r == "VPN212":
            if legacy:
                put(d, n, "lifetime", tc["child_life"])
            else:
                put(d, n, "life_time", tc["child_life"], child=True)
                put(d, n, "rekey_time", tc["child_rekey"], child=True)
        if r == "VPN220" and conn.routing is Routing.STATIC:
            # the static routes' next hop lives in the inside /30: route through the new one too
            if bird:
                bird_blocks[n] = f"aws_tunnel{n}"
            else:
                for net in profile.remote_networks:
                    frr_top.append(f"ip route {net} {tc['next_hop']} {iface} {tc['distance']}")
        if r in ("VPN103", "VPN301", "VPN302", "VPN303", "VPN304", "VPN401") and bird:
            if r == "VPN103" and legacy:
                put(d, n, "auto", "start")
            if r != "VPN103" or t.bgp is not None:
                bird_blocks[n] = _bird_name(device, t, n)
        elif r == "VPN103":
            if legacy:
                put(d, n, "auto", "start")
            if t.bgp is not None:
                frr_neighbor.append(f" no neighbor {t.bgp.neighbor} shutdown")
        elif r == "VPN220" and _rebind(d, n, tc, legacy, put):
            pass  # the SA shared another tunnel's interface: bound to its own one instead
        elif r == "VPN220":
            shell.append(f"ip -4 addr flush dev {iface}")
            shell.append(f"ip addr add {tc['inside']} dev {iface}")
            if tc["inside6"]:
                shell.append(f"ip -6 addr flush dev {iface} scope global")
                shell.append(f"ip -6 addr add {tc['inside6']} dev {iface}")
        elif r == "VPN221":
            shell.append(f"ip link set dev {iface} mtu {tc['mtu']}")
        elif r == "VPN222":
            table = ctx["nft_table"]
            shell.append(f"nft add table inet {table}")
            shell.append(f"nft 'add chain inet {table} forward {{ type filter hook forward priority mangle; }}'")
            shell.append(f"nft add rule inet {table} forward oifname \"{iface}\" tcp flags syn "
                         f"tcp option maxseg size set {tc['mss']}")
        elif r == "VPN301" and t.bgp is not None:
            frr_neighbor += _neighbor_lines(tc, router_asn)
        elif r == "VPN302" and t.bgp is not None:
            frr_neighbor.append(f" neighbor {t.bgp.neighbor} remote-as {t.bgp.aws_asn}")
        elif r == "VPN303" and t.bgp is not None:
            if t.bgp.customer_asn == router_asn:
                frr_neighbor.append(f" no neighbor {t.bgp.neighbor} local-as")
            else:
                frr_neighbor.append(f" neighbor {t.bgp.neighbor} local-as {t.bgp.customer_asn} no-prepend replace-as")
        elif r == "VPN304" and t.bgp is not None:
            frr_neighbor.append(f" neighbor {t.bgp.neighbor} timers {tc['keepalive']} {tc['hold']}")
        elif r == "VPN401" and not _has_daemon(device):
            # the device routes with "ip route" lines (AWS's guide): answer in kind
            for net in profile.remote_networks:
                shell.append(f"ip route replace {net} dev {iface} metric {100 * n}")
        elif r == "VPN401":
            for net in profile.remote_networks:
                frr_top.append(f"ip route {net} {tc['next_hop']} {iface} {tc['distance']}")

    for n in sorted(full):
        _full_tunnel(n, conn, ctx, tctx[n], legacy, swan, conns_fix, secrets_fix, shell, frr_neighbor, frr_top,
                     router_asn)
        if bird:
            bird_blocks[n] = _bird_name(device, conn.tunnel(n), n)
            frr_neighbor.clear()
            frr_top.clear()
    text = _assemble(ctx, legacy, swan, conns_fix, secrets_fix, shell, frr_neighbor, frr_top, router_asn)
    if charon_fix:
        text += ("# --- vpncc file: charon-vpncc.conf ---\n"
                 "# add to /etc/strongswan.d/charon-vpncc.conf (applies to every IKE SA of this charon), then: "
                 "systemctl restart strongswan\ncharon {\n" + "".join(f"    {k} = {v}\n" for k, v in charon_fix.items())
                 + "}\n")
    if bird_blocks:
        text += _bird(conn, profile, fmt, bird_blocks)
    return text


def _rebind(d, n: int, tc: dict, legacy: bool, put) -> bool:
    """A tunnel whose if_id/mark is another tunnel's: re-addressing that interface would break the other
    tunnel; bind the SA to the interface that carries this tunnel's inside address, when there is one."""
    for _name, kind, key, inside in d.value("strongswan.shared_iface") or ():
        if inside != tc["inside"] or key is None:
            continue
        if kind == "xfrm":
            put(d, n, "if_id_in", str(key), child=not legacy)
            put(d, n, "if_id_out", str(key), child=not legacy)
        elif legacy:
            put(d, n, "mark", str(key))
        else:
            put(d, n, "mark_in", str(key), child=True)
            put(d, n, "mark_out", str(key), child=True)
        return True
    return False


def _version(d, tc: dict) -> int:
    """The IKE version the device runs (the fix keeps it), else the one vpncc would write."""
    v = d.value("ike.version")
    return (1 if v.value == "ikev1" else 2) if v is not None else tc["version"]


def pluto(d) -> bool:
    return _private(d).get("syntax") == "libreswan"


def _has_daemon(device) -> bool:
    return bool(device.bgp_neighbors) or any(_private(d).get("routing") for d in device.tunnels)


def libreswan_proposals(t, *, ike: bool) -> str:
    """Libreswan's syntax for the chosen suite: ``cipher-hash;dhgroup`` items (Libreswan ipsec.conf(5))."""
    from .proposals import libreswan_string

    if ike:
        return libreswan_string(t.ike.encryption, t.ike.integrity, t.ike.dh_groups)
    return libreswan_string(t.ipsec.encryption, t.ipsec.integrity, t.ipsec.pfs_groups)


def _bird_name(device: "DeviceConfig", t, n: int) -> str:
    """The device's protocol for this tunnel's neighbor (replaced in place), else vpncc's name."""
    if t.bgp is not None:
        for nb in device.bgp_neighbors:
            if nb["neighbor"].value == t.bgp.neighbor and nb.get("protocol") is not None:
                return nb["protocol"].value
    return f"aws_tunnel{n}"


def _bird(conn: Connection, profile: Profile, fmt: str, blocks: dict[int, str]) -> str:
    import re

    from .render import render_files

    intended = render_files(conn, profile, fmt, (), {"routing": "bird"})["bird.conf"]
    out = ["# --- vpncc file: bird.conf ---\n"
           "# replace these protocols in /etc/bird/bird.conf (same name) and run: birdc configure\n"]
    for n, name in sorted(blocks.items()):
        m = re.search(rf"^protocol (bgp|static) aws_tunnel{n} \{{", intended, re.M)
        if m is None:
            continue
        depth, i = 0, m.start()
        for i in range(m.start(), len(intended)):
            if intended[i] == "{":
                depth += 1
            elif intended[i] == "}":
                depth -= 1
                if depth == 0:
                    break
        out.append(intended[m.start():i + 1].replace(f"aws_tunnel{n} {{", f"{name} {{", 1) + "\n")
    return "".join(out)


def _neighbor_lines(tc: dict, router_asn) -> list[str]:
    out = [f" neighbor {tc['neighbor']} remote-as {tc['aws_asn']}",
           f" neighbor {tc['neighbor']} timers {tc['keepalive']} {tc['hold']}"]
    if tc["customer_asn"] != router_asn:
        out.append(f" neighbor {tc['neighbor']} local-as {tc['customer_asn']} no-prepend replace-as")
    return out


def _secret(out: list[str], d, tc: dict, legacy: bool) -> None:
    if legacy:
        out.append(f"{tc['local_id']} {tc['remote']} : PSK {tc['psk']}")
        return
    name = _private(d).get("secret") or f"ike-{d.name}"
    out.append(f"    {name} {{\n        id-local = {tc['local_id']}\n        id-remote = {tc['remote']}\n"
               f"        secret = {tc['psk']}\n    }}\n")


def _full_tunnel(n, conn, ctx, tc, legacy, swan, conns_fix, secrets_fix, shell, frr_neighbor, frr_top,
                 router_asn) -> None:
    """Everything a missing tunnel needs, from the intended config."""
    from .render import template

    if legacy:
        text = template("ipsec.conf.j2", **(ctx | {"tunnels": [tc], "header": []}))
        from .read_ipsec_conf import _SETTING

        for line in text.splitlines():
            m = _SETTING.match(line)
            if m:
                conns_fix.setdefault(tc["conn"], []).append((m.group(1), m.group(2).strip('"')))
        secrets_fix.append(f"{tc['local_id']} {tc['remote']} : PSK {tc['psk']}")
    else:
        text = template("swanctl.conf.j2", **(ctx | {"tunnels": [tc], "header": []}))
        want = settings.parse(text)
        swan.merge(settings.Section("", sections={"connections": want.sub("connections")}))
        secrets_fix.append(f"    {tc['secret']} {{\n        id-local = {tc['local_id']}\n"
                           f"        id-remote = {tc['remote']}\n        secret = {tc['psk']}\n    }}\n")
    kind = "vti" if legacy else "xfrm"
    if legacy:
        shell.append(f"ip link add {tc['ifname']} type vti remote {tc['remote']} key {tc['key']}")
    else:
        shell.append(f"ip link add {tc['ifname']} type {kind} dev {ctx['outside_interface']} if_id {tc['key']}")
    shell.append(f"ip addr add {tc['inside']} dev {tc['ifname']}")
    shell.append(f"ip link set dev {tc['ifname']} mtu {tc['mtu']}")
    shell.append(f"sysctl -qw {names.sysctl_key(tc['ifname'], 'disable_policy')}=1")
    table = ctx["nft_table"]
    shell.append(f"nft add table inet {table}")
    shell.append(f"nft 'add chain inet {table} forward {{ type filter hook forward priority mangle; }}'")
    shell.append(f"nft add rule inet {table} forward oifname \"{tc['ifname']}\" tcp flags syn "
                 f"tcp option maxseg size set {tc['mss']}")
    if conn.routing is Routing.BGP:
        frr_neighbor += _neighbor_lines(tc, router_asn)
    else:
        for net in ctx["remote_networks"]:
            frr_top.append(f"ip route {net} {tc['next_hop']} {tc['ifname']} {tc['distance']}")


def _assemble(ctx, legacy, swan, conns_fix, secrets_fix, shell, frr_neighbor, frr_top, router_asn) -> str:
    out: list[str] = []
    if legacy and (conns_fix or secrets_fix):
        if conns_fix:
            out.append("# --- vpncc file: ipsec.conf ---\n"
                       "# set these keywords in the conns of /etc/ipsec.conf, then: ipsec reload; ipsec up CONN\n")
            for name, kvs in conns_fix.items():
                out.append(f"conn {name}\n")
                seen: dict[str, str] = {}
                for k, v in kvs:
                    seen[k] = v
                for k, v in seen.items():
                    q = f'"{v}"' if " " in v else v
                    out.append(f"    {k} = {q}\n")
        if secrets_fix:
            out.append("# --- vpncc file: ipsec.secrets ---\n"
                       "# replace these lines in /etc/ipsec.secrets, then: ipsec rereadsecrets\n")
            out += [s + "\n" for s in dict.fromkeys(secrets_fix)]
    elif swan.sections or secrets_fix:
        out.append("# --- vpncc file: swanctl.conf ---\n"
                   "# add to /etc/swanctl/conf.d/zz-vpncc-fix.conf (or at the end of swanctl.conf): sections merge\n"
                   "# into the existing ones of the same name and these settings win; then: swanctl --load-all\n")
        out.append(swan.dump())
        if secrets_fix:
            out.append("secrets {\n" + "".join(dict.fromkeys(secrets_fix)) + "}\n")
    if shell:
        out.append(f"# --- vpncc file: {ctx['script']} ---\n"
                   f"# run now, and change {ctx['script_dir']}/{ctx['script']} (or the networkd units) to match\n")
        out += [s + "\n" for s in dict.fromkeys(shell)]
    if frr_neighbor or frr_top:
        out.append("! --- vpncc file: frr.conf ---\n"
                   "! apply with: vtysh -f THIS-FILE (or paste into `vtysh` -> configure terminal), then `write memory`\n")
        out += [s + "\n" for s in dict.fromkeys(frr_top)]
        if frr_neighbor:
            out.append(f"router bgp {router_asn}\n")
            out += [s + "\n" for s in dict.fromkeys(frr_neighbor)]
            out.append("exit\n")
    return "".join(out)

