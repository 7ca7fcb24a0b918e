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
* ``frr.conf``: see :mod:`.lab_frr` (BGP from the FRR package's settings, or static routes).

What is read from config.xml (VTIs, WAN addresses) and the checks on its values are in :mod:`.lab_xml`.

The other files carry the ``--- vpncc file: NAME ---`` marker line of strongSwan bundles (the lab's
bundle reader splits on it); ``swanctl.conf`` comes first, without one.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import UsageError
from ...ir import Connection
from ...lab.plan import ADAPTATIONS_FILE
from . import names as N
from .lab_frr import frr_bgp, frr_static
from .lab_xml import Vti, vti_interfaces, wan_addresses
from .swanctl_map import swanctl_conf
from .xmlread import parse

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ..base import RenderOptions


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
    # VPN > IPsec > Advanced "IKEv2 Retransmit" (ipsec.inc writes them as charon.retransmit_*): the lab's
    # charons take them over from this strongswan.conf part
    ipsec = doc.section("ipsec")
    tuning = {k: ipsec.get(f"ikev2_{k}").strip() for k in ("retransmit_tries", "retransmit_timeout",
                                                           "retransmit_base", "retransmit_limit")
              if ipsec is not None and ipsec.get(f"ikev2_{k}").strip()}
    if tuning:
        out.files["strongswan.conf"] = "charon {\n" + "".join(f"    {k} = {v}\n" for k, v in tuning.items()) + "}\n"
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
        for left, _right in v.addrs[1:]:
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
