"""pfSense in ``vpncc lab``: the strongSwan bundle a compiled config.xml amounts to.

Everything comes from the generated config.xml, read the way pfSense reads it:

* ``swanctl.conf``: :func:`swanctl_map.swanctl_conf` (the port of ipsec.inc), with the WAN address
  pfSense's ``get_interface_ip()`` would return taken from the phase 1 "My identifier" (the customer
  gateway address, which the lab puts on its WAN stand-in). Changed only where the lab's kernel or the
  lab's checks force it, each change listed (see :data:`ADAPTATIONS_FILE`):

  - VTI children: ``policies = no`` -> ``yes``. pfSense's if_ipsec(4) VTI finds its SA by reqid;
    kernel-libipsec (the only ESP this kernel has) finds the SA of a packet read from its TUN device
    through the CHILD_SA's policies, so without them nothing is sent.
  - ``updown`` added: the VTI stand-in goes down with its CHILD_SA. On pfSense the if_ipsec VTI stays
    up and failover waits for BGP's hold time or dpinger; the lab checks failover within 10 s.
  - ``encap = yes`` is set by the lab engine for every bundle (and listed by it).

* ``vpncc-<prefix>-pfsense.sh``: what ``interface_ipsec_vti_configure()`` does with each VTI phase 2
  (``ipsec<reqid>``, local address/prefix and the peer from ``localid``/``remoteid``), the MTU of the
  interface assignment, and filter.inc's ``scrub on <vti> max-mss (<mss> - 40)`` as nftables rules.
* ``frr.conf``: BGP: what the FRR package (pfSense-pkg-frr ``frr.inc`` frr_generate_config_integrated(),
  ``frr_bgp.inc``) generates from ``installedpackages/frr*``; static: ``staticroutes`` and the gateway
  group of the LAN rules that policy-route through it, as FRR static routes (pfSense has no FRR here:
  routes and pf ``route-to``; see :func:`frr_static`).

The other files carry the ``--- vpncc file: NAME ---`` marker line of strongSwan bundles (the lab's
bundle reader splits on it); ``swanctl.conf`` comes first, without one.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import UsageError
from ...ir import Connection
from ...lab.plan import ADAPTATIONS_FILE
from . import names as N
from .swanctl_map import _as_list, idinfo_to_cidr, swanctl_conf, to_php
from .xmlread import Document, parse

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ..base import RenderOptions

#: pfSense's factory hostname and domain (FRR's ``hostname`` line when config.xml has no <system>)
DEFAULT_HOST = ("pfSense", "home.arpa")


@dataclass
class Vti:
    """One VTI as interface_ipsec_vti_configure() sets it up."""

    ifname: str                          # ipsec<reqid>
    reqid: int
    remote_gateway: str
    addrs: list[tuple[str, str]]         # (left "a.b.c.d/nn", right "e.f.g.h"), first one plain, others alias
    assigned: str | None = None          # optN
    mtu: int = N.VTI_DEFAULT_MTU
    mss: int | None = None               # the <mss> field; pf clamps to mss - 40


@dataclass
class LabBundle:
    files: dict[str, str] = field(default_factory=dict)
    adaptations: list[str] = field(default_factory=list)


def lab_files(conn: Connection, profile: "Profile", options: "RenderOptions") -> dict[str, str]:
    from ...compiler import compile_files

    fmt = options.format
    if fmt not in (None, "swanctl"):
        raise UsageError(f"pfsense: the lab runs the swanctl.conf pfSense generates; --format {fmt} is a "
                         "strongSwan bundle format")
    routing = str((options.extra or {}).get("routing") or "frr").lower()
    if routing != "frr":
        raise UsageError(f"pfsense: pfSense routes with the FRR package, not {routing}")
    (xml,) = compile_files(conn, "pfsense", profile, format="xml").values()
    # the script's name ends up in a shell command line (updown): plain characters only
    prefix = re.sub(r"[^A-Za-z0-9._-]", "-", profile.name_prefix or "aws-vpn")
    b = build(xml, script_name=f"vpncc-{prefix}-pfsense.sh", lan=profile.local_networks)
    return {**b.files, ADAPTATIONS_FILE: "".join(a + "\n" for a in b.adaptations)}


def build(xml: str | bytes, *, script_name: str, lan: list[ipaddress.IPv4Network]) -> LabBundle:
    """The lab bundle of a config.xml (``lan``: the LAN subnet(s) the ``lan`` rules' source means)."""
    from ..strongswan.render import SCRIPT_DIR

    doc = parse(xml, deep_all=True)     # a compiled config.xml is small; FRR's lists live in packages
    out = LabBundle()
    wan = wan_addresses(doc)
    mapped = swanctl_conf(doc, wan)
    vtis = vti_interfaces(doc)
    text, changes = adapt_swanctl(mapped, f"{SCRIPT_DIR}/{script_name}")
    out.files["swanctl.conf"] = text
    out.adaptations += [f"swanctl.conf: mapped with {a} as the address of {i} (pfSense's get_interface_ip()): "
                        "phase 1's own identifier, the customer gateway address the lab puts on its WAN"
                        for i, a in wan.items()]
    out.adaptations += changes
    out.files[script_name] = linux_side(vtis, script_name)
    out.adaptations.append(f"{script_name}: the Linux side standing in for pfSense's VTIs (addresses, MTU, "
                           "pf's max-mss scrub as nftables rules), written from config.xml")
    pk = doc.section("installedpackages")
    if pk is not None and pk.find("frrbgpneighbors") is not None:
        frr, notes = frr_bgp(doc)
        out.adaptations += notes
    else:
        frr, notes = frr_static(doc, vtis, lan)
        out.adaptations += notes
    out.files["frr.conf"] = frr
    return out


# -- addresses and VTIs -----------------------------------------------------------------------

def _ipsec(doc: Document) -> tuple[list[dict], list[dict], dict]:
    ipsec = doc.section("ipsec")
    ip = to_php(ipsec) if ipsec is not None and ipsec.children else {}
    ifnode = doc.section("interfaces")
    ifaces = to_php(ifnode) if ifnode is not None and ifnode.children else {}
    p1s = [p for p in _as_list(ip.get("phase1")) if isinstance(p, dict)]
    p2s = [p for p in _as_list(ip.get("phase2")) if isinstance(p, dict)]
    return p1s, p2s, ifaces if isinstance(ifaces, dict) else {}


def wan_addresses(doc: Document) -> dict[str, str]:
    """Interface -> address for the phase 1 interfaces: the "My identifier" address of its phase 1s."""
    out: dict[str, str] = {}
    for p1 in _ipsec(doc)[0]:
        if "disabled" in p1 or p1.get("myid_type") != "address":
            continue
        iface, addr = p1.get("interface") or "wan", p1.get("myid_data", "")
        if out.setdefault(iface, addr) != addr:
            raise UsageError(f"pfsense lab: phase 1 entries on interface {iface} use different local addresses "
                             f"({out[iface]}, {addr}); pfSense has one address per interface")
    return out


def vti_interfaces(doc: Document) -> list[Vti]:
    """interface_ipsec_vti_configure() for every enabled phase 1 (ipsec_vti(), ipsec_get_ifname())."""
    p1s, p2s, ifaces = _ipsec(doc)
    out: list[Vti] = []
    for p1 in p1s:
        if "disabled" in p1:
            continue
        specs = [p2 for p2 in p2s if p2.get("ikeid") == p1.get("ikeid") and p2.get("mode") == "vti"
                 and "disabled" not in p2]
        if not specs:
            continue
        pairs = [(idinfo_to_cidr(p2.get("localid") or {}, True, "vti", ifaces),
                  idinfo_to_cidr(p2.get("remoteid") or {}, False, "vti", ifaces).split("/")[0], p2) for p2 in specs]
        # the addresses reach a shell script: only well-formed IPv4 ones
        pairs = [(l, r, p2) for l, r, p2 in pairs if _iface4(l) and _v4(r)]
        if p1.get("iketype") == "ikev1" or "splitconn" in p1:
            groups = [(p2.get("reqid"), [(l, r)]) for l, r, p2 in pairs]
        else:
            groups = [(specs[0].get("reqid"), [(l, r) for l, r, _ in pairs])]
        for reqid, addrs in groups:
            if not str(reqid).isdigit():
                continue
            gw = p1.get("remote-gateway", "")
            v = Vti(ifname=f"{N.VTI_IF_PREFIX}{reqid}", reqid=int(reqid), remote_gateway=gw if _is_ip(gw) else "?",
                    addrs=addrs)
            for name, i in ifaces.items():
                if isinstance(i, dict) and i.get("if") == v.ifname:
                    v.assigned = name
                    if str(i.get("mtu", "")).isdigit():
                        v.mtu = int(i["mtu"])
                    if str(i.get("mss", "")).isdigit():
                        v.mss = int(i["mss"])
            out.append(v)
    return out


# -- swanctl.conf -----------------------------------------------------------------------------

_SECTION = re.compile(r"^(\t*)(\S+) \{$")
_SETTING = re.compile(r"^(\t*)(\S+) = (.*)$")


def adapt_swanctl(text: str, script: str) -> tuple[str, list[str]]:
    """pfSense's swanctl.conf with the lab's changes to its VTI children; returns (text, changes)."""
    out: list[str] = []
    changes: list[str] = []
    path: list[str] = []
    child: dict[str, int] = {}          # setting -> index in out, for the child being read
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        m = _SECTION.match(body)
        if m:
            path = path[: len(m.group(1))] + [m.group(2)]
            child = {}
        elif body.strip() == "}":
            if len(path) == 4 and path[0] == "connections" and path[2] == "children":
                indent = "\t" * 4
                out += _vti_child(out, child, path, script, indent, changes)
            path = path[:-1]
        else:
            s = _SETTING.match(body)
            if s and len(path) == 4:
                child[s.group(2)] = len(out)
        out.append(line)
    return "".join(out), changes


def _vti_child(out: list[str], child: dict[str, int], path: list[str], script: str, indent: str,
               changes: list[str]) -> list[str]:
    """Change one VTI child (``policies = no`` + ``reqid``) in ``out``; returns the lines to add to it."""
    def value(key: str) -> str | None:
        return out[child[key]].split(" = ", 1)[1].rstrip("\n") if key in child else None

    if value("policies") != "no" or value("reqid") is None:
        return []
    name = f"{path[1]}.children.{path[3]}"
    out[child["policies"]] = f"{indent}policies = yes\n"
    changes.append(f"swanctl.conf {name}: policies = no -> yes (kernel-libipsec finds the SA of a packet from "
                   "its TUN device through the CHILD_SA's policies; pfSense's if_ipsec VTI by reqid)")
    # ipsec<reqid>; the lab renames them to its TUN devices ipsec0, ipsec1... one after the other, which is
    # safe because the xml format numbers reqids upwards from ikeid_start >= 1 (ipsec<n> -> ipsec<n-k>)
    ifname = f"{N.VTI_IF_PREFIX}{int(value('reqid') or 0) - N.REQID_BASE}"
    changes.append(f"swanctl.conf {name}: updown = {script} updown {ifname} added: the VTI stand-in goes down "
                   "with its CHILD_SA (on pfSense the VTI stays up and failover waits for BGP's hold time or the "
                   "gateway monitor; the lab checks failover within 10 s)")
    return [f"{indent}updown = {script} updown {ifname}\n"]


# -- the Linux side ---------------------------------------------------------------------------

def linux_side(vtis: list[Vti], script_name: str) -> str:
    """Shell script: ``start`` sets up the VTI stand-ins, ``updown IFNAME`` (charon) follows the CHILD_SA."""
    from ..strongswan.render import marker

    out = ["#!/bin/sh\n", marker(script_name),
           "# vpncc lab: what pfSense does with config.xml's VTIs, on Linux. interface_ipsec_vti_configure():\n",
           "# ifconfig ipsec<reqid> inet <localid>/<bits> <remoteid> (the TUN device of the tunnel's charon takes\n",
           "# the VTI's place) and the assigned interface's MTU; filter.inc: scrub on <vti> max-mss (<mss> - 40).\n",
           "set -eu\n\n"]
    for v in vtis:
        out.append(f"# {v.ifname}: reqid {v.reqid}, AWS endpoint {v.remote_gateway}"
                   + (f", assigned as {v.assigned}" if v.assigned else ", not assigned") + "\n")
        out.append(f"vti_{v.ifname}() {{\n")
        for left, right in v.addrs[:1]:
            addr, bits = left.split("/")
            out.append(f"    ip addr replace {addr} peer {right}/{bits} dev {v.ifname}\n")
        for left, right in v.addrs[1:]:
            addr, bits = left.split("/")
            out.append(f"    ip addr replace {addr}/{bits} dev {v.ifname}\n")
        out.append(f"    ip link set dev {v.ifname} mtu {v.mtu}\n")
        out.append(f"    ip link set dev {v.ifname} up\n}}\n\n")
    clamp = [v for v in vtis if v.mss]
    out.append("mss_clamp() {\n")
    if clamp:
        out.append("    nft -f - <<'NFT'\n    table inet vpncc_pfsense\n    delete table inet vpncc_pfsense\n"
                   "    table inet vpncc_pfsense {\n")
        for hook, side in (("prerouting", "iifname"), ("postrouting", "oifname")):
            out.append(f"        chain {hook} {{\n            type filter hook {hook} priority mangle; policy accept;\n")
            for v in clamp:
                mss = (v.mss or 0) - N.MSS_OFFSET
                out.append(f'            {side} "{v.ifname}" tcp flags syn tcp option maxseg size > {mss} '
                           f"tcp option maxseg size set {mss}\n")
            out.append("        }\n")
        out.append("    }\nNFT\n")
    else:
        out.append("    :\n")
    out.append("}\n\n")
    names = "|".join(v.ifname for v in vtis) or "none"
    calls = "".join(f"    vti_{v.ifname}\n" for v in vtis)
    out.append(f"""case "${{1:-start}}" in
start)
    sysctl -qw net.ipv4.ip_forward=1
{calls}    mss_clamp
    ;;
updown)
    case "${{2:-}}" in
    {names}) ;;
    *) echo "$0: unknown interface '${{2:-}}'" >&2; exit 1 ;;
    esac
    case "${{PLUTO_VERB:-}}" in
    up-client*) "vti_$2" ;;
    down-client*) ip link set dev "$2" down ;;
    esac
    ;;
stop)
    nft delete table inet vpncc_pfsense 2>/dev/null || true
    ;;
*)
    echo "usage: $0 start|stop|updown IFNAME" >&2
    exit 1
    ;;
esac
""")
    return "".join(out)


# -- routing ----------------------------------------------------------------------------------

def _empty(v: object) -> bool:
    """PHP empty()"""
    return v in (None, "", "0", False) or v == [] or v == {}


def _intrange(v: object, lo: int, hi: int) -> bool:
    """frr_validate_intrange()"""
    return isinstance(v, str) and v.strip().isdigit() and lo <= int(v) <= hi


def _asnum(v: object) -> bool:
    return _intrange(v, 1, 4294967295)


def _iface4(v: object) -> bool:
    try:
        ipaddress.IPv4Interface(str(v))
        return "/" in str(v)
    except ValueError:
        return False


def _v4(v: object) -> bool:
    try:
        ipaddress.IPv4Address(str(v))
        return True
    except ValueError:
        return False


def _is_ip(v: object) -> bool:
    try:
        ipaddress.ip_address(str(v))
        return True
    except ValueError:
        return False


def _subnet4(v: object) -> bool:
    try:
        return "/" in str(v) and isinstance(ipaddress.ip_network(str(v), strict=False), ipaddress.IPv4Network)
    except ValueError:
        return False


#: the settings ported below; anything else set in config.xml is listed as not reproduced
_KNOWN = {
    "frr": {"enable", "routerid", "password", "logging"},
    "frrbgp": {"enable", "asnum", "routerid", "adjacencylog", "nodefipv4unicast", "shutdown", "timers_keepalive",
               "timers_holdtime", "row", "redistributeconnected", "redistributestatic", "redistributekernel"},
    "frrbgpadvanced": {"default_localpref", "fastexternalfailover", "networkimportcheck",
                       "disableebgpconnectedroutecheck", "enforcefirstas", "disableebgprequirepolicy"},
    "frrbgpneighbors": {"peer", "descr", "peergroup", "asnum", "updatesource_type", "updatesource", "shutdown",
                        "timers_keepalive", "timers_holdtime", "timers_connect", "passive", "ebgpmultihop",
                        "localas_num", "defaultoriginate", "sendcommunity", "nexthopself", "weight",
                        "password", "password_type", "routemap_in", "routemap_out"},
    "frrglobalroutemaps": {"name", "descr", "action", "seq", "call", "exitaction",
                           "metric_action", "metric_value", "weight", "localpref_action", "localpref_value",
                           "aspath_action", "aspath_value", "origin_value", "tag_action", "tag_value"},
}

WARNING = ("##################### DO NOT EDIT THIS FILE! ######################\n"
           "###################################################################\n"
           "# This file was created by an automatic configuration generator.  #\n"
           "# The contents of this file will be overwritten without warning!  #\n"
           "###################################################################\n!\n")


def _text(v: str | None) -> str:
    """A free-text value for frr.conf (descriptions, hostname): control characters become spaces, so a
    value cannot end its line and start a command of its own."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", v or "")


def _pkg(doc: Document) -> dict[str, Any]:
    pk = doc.section("installedpackages")
    out: dict[str, Any] = {}
    for sec in ("frr", "frrbgp", "frrbgpadvanced"):
        node = pk.path(sec, "config") if pk is not None else None
        out[sec] = _php_config(node)
    for sec in ("frrbgpneighbors", "frrglobalroutemaps"):
        node = pk.find(sec) if pk is not None else None
        out[sec] = [_php_config(c) for c in node.findall("config")] if node is not None else []
    out["other"] = [c.tag for c in (pk.children if pk is not None else [])
                    if c.tag.startswith("frr") and c.tag not in out and c.children]
    return out


def _php_config(node) -> dict[str, Any]:
    if node is None:
        return {}
    d: dict[str, Any] = {}
    for c in node.children:
        if c.tag == "row":     # a list tag in the FRR package's sections
            d.setdefault("row", []).append({g.tag: g.text for g in c.children})
        else:
            d[c.tag] = c.text if not c.children else {g.tag: g.text for g in c.children}
    return d


def _unported(cfg: dict[str, Any], notes: list[str]) -> None:
    def unset(v: Any) -> bool:     # what the GUI saves for an untouched field
        return _empty(v) or v in ("none", "no")

    for sec in ("frr", "frrbgp", "frrbgpadvanced"):
        notes += [f"frr.conf: FRR package setting {sec}/{_text(k)} is not reproduced by the lab"
                  for k, v in cfg[sec].items() if k not in _KNOWN[sec] and not unset(v)]
    notes += [f"frr.conf: FRR package section {_text(sec)} is not reproduced by the lab" for sec in cfg["other"]]
    for rm in cfg["frrglobalroutemaps"]:
        notes += [f"frr.conf: route-map {_text(rm.get('name'))} setting {_text(k)} is not reproduced by the lab"
                  for k, v in rm.items() if k not in _KNOWN["frrglobalroutemaps"] and not unset(v)]
    for n in cfg["frrbgpneighbors"]:
        notes += [f"frr.conf: FRR package neighbor setting {_text(k)} ({_text(n.get('peer'))}) is not reproduced "
                  "by the lab" for k, v in n.items()
                  if (k not in _KNOWN["frrbgpneighbors"] or (k == "updatesource" and v != "default")) and not unset(v)]


def frr_bgp(doc: Document) -> tuple[str, list[str]]:
    """frr_generate_config_integrated() with frr_generate_config_bgp() (pfSense-pkg-frr), for the
    settings vpncc writes and the common ones around them."""
    from ..strongswan.render import marker

    cfg = _pkg(doc)
    notes: list[str] = []
    _unported(cfg, notes)
    frr, bgp = cfg["frr"], cfg["frrbgp"]
    if _empty(frr.get("enable")):
        raise UsageError("pfsense lab: the FRR package is disabled in config.xml (installedpackages/frr)")
    system = doc.section("system")
    host = (system.get("hostname"), system.get("domain")) if system is not None else DEFAULT_HOST
    if system is None:
        notes.append(f"frr.conf: hostname {'.'.join(DEFAULT_HOST)} (pfSense's factory name; config.xml has no "
                     "<system>)")
    text = WARNING + "frr defaults traditional\n" + f"hostname {_text(host[0])}.{_text(host[1])}\n"
    if not _empty(frr.get("password")):
        text += f"password {_text(frr['password'])}\n"
    if not _empty(frr.get("logging")):
        text += "log syslog\n"
    text += "service integrated-vtysh-config\n!\n"
    if not _empty(frr.get("routerid")):
        text += ("ip " if _v4(frr["routerid"]) else "ipv6 ") + f"router-id {frr['routerid']}\n!\n"
    bgpd = ""
    if not _empty(bgp.get("enable")) and _asnum(bgp.get("asnum")):
        af = {"pre": "", "af": ""}
        maps = {rm.get("name") for rm in cfg["frrglobalroutemaps"]}
        bgpd = (_router(bgp, frr, af) + _advanced(cfg["frrbgpadvanced"])
                + _neighbors(cfg["frrbgpneighbors"], af, maps))
        if af["pre"]:
            bgpd += " address-family ipv4 unicast\n" + af["pre"] + af["af"] + " exit-address-family\n !\n"
    if bgpd:
        text += bgpd + "!\n"
    zebra = _routemaps(cfg["frrglobalroutemaps"])
    if zebra.endswith("!\n"):
        zebra = zebra[:-2]       # frr_generate_config_zebra(): "Trim trailing seperator"
    if zebra:
        text += zebra + "!\n"
    text += "line vty\n!\n"
    return marker("frr.conf", "!") + text, notes


def _router(bgp: dict, frr: dict, af: dict) -> str:
    """frr_bgp_generate_router() (IPv4 unicast)"""
    s = f"router bgp {bgp['asnum']}\n"
    if not _empty(bgp.get("adjacencylog")):
        s += " bgp log-neighbor-changes\n"
    if not _empty(bgp.get("nodefipv4unicast")):
        s += " no bgp default ipv4-unicast\n"
    if _v4(bgp.get("routerid")):
        s += f" bgp router-id {bgp['routerid']}\n"
    elif _v4(frr.get("routerid")):
        s += f" bgp router-id {frr['routerid']}\n"
    if not _empty(bgp.get("shutdown")):
        s += " bgp shutdown\n"
    if _intrange(bgp.get("timers_keepalive"), 0, 65535) and _intrange(bgp.get("timers_holdtime"), 0, 65535):
        s += f" timers bgp {bgp['timers_keepalive']} {bgp['timers_holdtime']}\n"
    for redist in ("connected", "static", "kernel"):
        if bgp.get("redistribute" + redist) in ("ipv4", "yes"):
            af["pre"] += f"  redistribute {redist}\n"
    for net in bgp.get("row") or []:
        v = net.get("distributeroutevalue")
        if _subnet4(v):
            af["pre"] += f"  network {v}\n"
    return s


def _advanced(adv: dict) -> str:
    """frr_bgp_generate_routeradvanced()"""
    if not adv:
        return " no bgp network import-check\n"
    s = ""
    if _intrange(adv.get("default_localpref"), 0, 4294967295):
        s += f" bgp default local-preference {adv['default_localpref']}\n"
    if not _empty(adv.get("fastexternalfailover")):
        s += " no bgp fast-external-failover\n"
    s += " bgp network import-check\n" if not _empty(adv.get("networkimportcheck")) else \
        " no bgp network import-check\n"
    if not _empty(adv.get("disableebgpconnectedroutecheck")):
        s += " bgp disable-ebgp-connected-route-check\n"
    if not _empty(adv.get("enforcefirstas")):
        s += " bgp enforce-first-as\n"
    if not _empty(adv.get("disableebgprequirepolicy")):
        s += " no bgp ebgp-requires-policy\n"
    return s


def _neighbors(nbs: list[dict], af: dict, maps: set) -> str:
    """frr_bgp_generate_neighbors() (IPv4 peers and peer groups)"""
    if not nbs:
        return ""
    groups = {n.get("peer") for n in nbs if not _is_ip(n.get("peer"))}
    s = ""
    for n in nbs:
        peer = n.get("peer") or ""
        group = not _is_ip(peer)
        if group:
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+", peer):
                continue
            s += f" neighbor {peer} peer-group\n"
        else:
            if not _empty(n.get("peergroup")) and n.get("peergroup") != "none" and n.get("peergroup") in groups:
                s += f" neighbor {peer} peer-group {n['peergroup']}\n"
            if _v4(peer):
                af["pre"] += f"  neighbor {peer} activate\n"
        if _asnum(n.get("asnum")) or n.get("asnum") in ("internal", "external"):
            s += f" neighbor {peer} remote-as {n['asnum']}\n"
        if not _empty(n.get("descr")):
            s += f" neighbor {peer} description {_text(n['descr'][:80])}\n"
        if not _empty(n.get("shutdown")):
            s += f" neighbor {peer} shutdown\n"
        base = (n.get("password_type") or "").split("-", 1)[0]
        if not _empty(n.get("password")) and base in ("frr", "both"):
            s += f" neighbor {peer} password {_text(n['password'])}\n"
        if _intrange(n.get("timers_keepalive"), 0, 65535):
            s += f" neighbor {peer} timers {n['timers_keepalive']}"
            if _intrange(n.get("timers_holdtime"), 0, 65535):
                s += f" {n['timers_holdtime']}"
            s += "\n"
        if _intrange(n.get("timers_connect"), 1, 65535):
            s += f" neighbor {peer} timers connect {n['timers_connect']}\n"
        if not _empty(n.get("passive")):
            s += f" neighbor {peer} passive\n"
        if _intrange(n.get("ebgpmultihop"), 1, 255):
            s += f" neighbor {peer} ebgp-multihop {n['ebgpmultihop']}\n"
        elif n.get("ebgpmultihop") == "0":
            s += f" neighbor {peer} ebgp-multihop\n"
        if _asnum(n.get("localas_num")):
            s += f" neighbor {peer} local-as {n['localas_num']}\n"
        if not (group or _v4(peer)):
            continue        # IPv6 unicast is not generated here
        d = n.get("defaultoriginate") or ""
        if d and ("ipv4 unicast".find(d) >= 0 or d == "yes"):
            af["af"] += f"  neighbor {peer} default-originate  \n"
        sc = n.get("sendcommunity")
        if sc == "disabled":
            af["af"] += f"  no neighbor {peer} send-community\n"
        elif sc == "enabled":
            af["af"] += f"  neighbor {peer} send-community\n"
        elif sc in ("standard", "extended", "both"):
            af["af"] += f"  neighbor {peer} send-community {sc}\n"
        if n.get("nexthopself") == "enabled":
            af["af"] += f"  neighbor {peer} next-hop-self\n"
        elif n.get("nexthopself") == "force":
            af["af"] += f"  neighbor {peer} next-hop-self force\n"
        for way in ("in", "out"):
            rm = n.get(f"routemap_{way}")
            if rm in maps and rm != "none":
                af["af"] += f"  neighbor {peer} route-map {rm} {way}\n"
        if _intrange(n.get("weight"), 0, 65535):
            af["af"] += f"  neighbor {peer} weight {n['weight']}\n"
    return s + " !\n"


def _routemaps(maps: list[dict]) -> str:
    """frr_zebra_generate_routemaps() (sorted by name, then sequence)"""
    out = ""
    names = {m.get("name") for m in maps}
    for rm in sorted(maps, key=lambda m: (m.get("name") or "", int(m["seq"]) if str(m.get("seq", "")).isdigit()
                                         else 0)):
        if rm.get("action") not in ("permit", "deny") or not re.fullmatch(r"[A-Za-z0-9_.\-]+", rm.get("name") or "") \
                or not str(rm.get("seq", "")).isdigit():
            continue
        out += f"route-map {rm['name']} {rm['action']} {rm['seq']}\n"
        if not _empty(rm.get("descr")):
            out += f" description {_text(rm['descr'])}\n"
        if rm.get("call") in names and rm.get("call") != "none":
            out += f" call {rm['call']}\n"
        if rm.get("exitaction") == "next":
            out += " on-match next\n"
        elif str(rm.get("exitaction", "")).isdigit():
            out += f" on-match goto {rm['exitaction']}\n"
        # pfSense tests acl_match against "none" but the *prefix* lists for membership: with no prefix lists
        # (they are not reproduced, see _unported) a prefix_match of "none" passes, and an unset acl_match
        # yields an empty "match ip address" (the GUI always saves "none")
        if rm.get("acl_match") != "none" and rm.get("prefix_match") == "none":
            out += f" match ip address {rm.get('acl_match') or ''}\n"
        if rm.get("metric_action") in ("match", "set") and not _empty(rm.get("metric_value")):
            out += f" {rm['metric_action']} metric {rm['metric_value']}\n"
        if _intrange(rm.get("weight"), 0, 4294967295):
            out += f" set weight {rm['weight']}\n"
        if rm.get("localpref_action") in ("match", "set") and _intrange(rm.get("localpref_value"), 0, 4294967295):
            out += f" {rm['localpref_action']} local-preference {rm['localpref_value']}\n"
        if rm.get("aspath_action") in ("setexclude", "setprepend"):
            out += f" set as-path {rm['aspath_action'][3:]} {rm.get('aspath_value') or ''}\n"
        elif rm.get("aspath_action") == "setprependlast" and _intrange(rm.get("aspath_value"), 1, 10):
            out += f" set as-path prepend last-as {rm['aspath_value']}\n"
        if rm.get("origin_value") in ("egp", "igp", "incomplete"):
            out += f" set origin {rm['origin_value']}\n"
        if _asnum(rm.get("tag_value")) and rm.get("tag_action") in ("match", "set"):
            out += f" {rm['tag_action']} tag {rm['tag_value']}\n"
    return out + "!\n" if out else ""


def frr_static(doc: Document, vtis: list[Vti], lan: list[ipaddress.IPv4Network]) -> tuple[str, list[str]]:
    """pfSense's static routing as FRR static routes. pfSense itself adds ``staticroutes`` as kernel routes
    (system_staticroutes_configure()) and policy-routes LAN traffic through a gateway group with pf
    ``route-to`` (the lowest tier whose gateway is up). Here: each static route at distance 1, each tier
    n member of a group that a pass rule routes a destination through at distance n, through the
    gateway's VTI, so the lab's local-network traffic takes the path pfSense would give it."""
    from ..strongswan.render import marker

    gws, groups = _gateways(doc, vtis)
    routes: dict[tuple[str, str, str], int] = {}
    lines: list[str] = []
    sr = doc.section("staticroutes")
    for r in sr.findall("route") if sr is not None else []:
        gw = gws.get(r.get("gateway"))
        if r.has("disabled") or gw is None or not _subnet4(r.get("network")):
            continue
        lines.append(f"! static route {r.get('network')} via gateway {_text(r.get('gateway'))}\n")
        routes.setdefault((r.get("network"), *gw), 1)
    notes = []
    for _, rule in doc.rules.routed if doc.rules is not None else []:
        dst = rule.find("destination")
        net = dst.get("address") if dst is not None else ""
        grp = groups.get(rule.get("gateway"))
        if rule.has("disabled") or rule.get("type", "pass") != "pass" or grp is None or not _subnet4(net):
            continue
        src = rule.find("source")
        what = _text(src.get("network")) if src is not None and src.get("network") else "any"
        lines.append(f"! {_text(rule.get('interface'))} rule: {what} -> {net} through gateway group "
                     f"{_text(rule.get('gateway'))}\n")
        for tier, name in grp:
            if name in gws:
                key = (net, *gws[name])
                routes[key] = min(routes.get(key, tier), tier)
        notes.append(f"frr.conf: the {_text(rule.get('interface'))} rule that policy-routes {what}"
                     + (f" ({', '.join(map(str, lan))} in the lab)" if what == "lan" and lan else "")
                     + f" to {net} through gateway group {rule.get('gateway')} (pf route-to) becomes FRR static "
                     "routes, tier n at distance n; a gateway is 'down' when its VTI stand-in is")
    text = ("! vpncc lab: pfSense's static routes and gateway-group policy routing (config.xml staticroutes,\n"
            "! gateways, filter) as FRR static routes; pfSense runs no FRR for them.\n"
            "frr defaults traditional\n!\n" + "".join(lines)
            + "".join(f"ip route {net} {ip} {dev}" + (f" {d}" if d > 1 else "") + "\n"
                      for (net, ip, dev), d in sorted(routes.items(), key=lambda kv: (kv[1], kv[0])))
            + "!\n")
    return marker("frr.conf", "!") + text, notes


def _gateways(doc: Document, vtis: list[Vti]) -> tuple[dict[str, tuple[str, str]], dict[str, list[tuple[int, str]]]]:
    """Gateway name -> (address, VTI device); group name -> [(tier, gateway name)]. Includes the
    automatic ``<DESCR>_VTIV4`` gateway pfSense adds for an assigned VTI no configured gateway covers."""
    p1s, p2s, ifaces = _ipsec(doc)
    dev = {name: i.get("if") for name, i in ifaces.items()
           if isinstance(i, dict) and re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", i.get("if") or "")}
    sec = doc.section("gateways")
    gws: dict[str, tuple[str, str]] = {}
    items = sec.findall("gateway_item") if sec is not None else []
    for g in items:
        if not g.has("disabled") and _v4(g.get("gateway")) and dev.get(g.get("interface")):
            gws[g.get("name")] = (g.get("gateway"), dev[g.get("interface")])
    for v in vtis:
        i = ifaces.get(v.assigned or "")
        if not isinstance(i, dict) or "enable" not in i or not v.addrs:
            continue
        friendly = (i.get("descr") or v.assigned or "").upper()
        if not any(g.get("interface") == v.assigned and g.get("name") == friendly for g in items):
            gws.setdefault(f"{friendly}_VTIV4", (v.addrs[0][1], v.ifname))
    groups: dict[str, list[tuple[int, str]]] = {}
    for g in sec.findall("gateway_group") if sec is not None else []:
        members = []
        for it in g.findall("item"):
            parts = it.text.split("|")
            if len(parts) >= 2 and parts[1].isdigit():
                members.append((int(parts[1]), parts[0]))
        groups[g.get("name")] = sorted(members)
    return gws, groups
