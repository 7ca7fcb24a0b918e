"""strongSwan device text -> DeviceConfig (IR terms, with line numbers).

Input: swanctl.conf or ipsec.conf (+ ipsec.secrets), optionally with the rest of a gateway's setup:
the Linux side (shell script, systemd-networkd units, nftables file) and the routing daemon
(FRR/Quagga or BIRD). vpncc bundles mark each file with ``# --- vpncc file: NAME ---`` so that a
concatenated bundle (``cat bundle/* | vpncc validate ...``) splits back into its files; when a path
is given, the bundle's sibling files (and ipsec.secrets next to ipsec.conf) are read too.

Defaults filled in (strongSwan 5.9): proposals ``default``; IKE rekey 4 h (swanctl) / ikelifetime
3 h (ipsec.conf); CHILD life_time = rekey_time + 10 % with rekey 1 h (swanctl) / lifetime 1 h
(ipsec.conf); DPD off unless dpd_delay (swanctl) or dpdaction (ipsec.conf) turns it on, timeout
= charon's 5 retransmissions (swanctl) or 150 s (ipsec.conf); IKE version 2; main mode.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass

from ...errors import InputError
from ...ir import IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from . import names
from .linux_side import LinuxSide, parse_int, read_networkd, read_nft, read_shell, updown_iface, updown_inside
from .routing import Routing, read_bird, read_frr

MARK = re.compile(r"^(?:#|!|<!--) --- vpncc file: (\S+) ---(?: -->)?\s*$")

_KINDS = (
    ("swanctl", re.compile(r"^[ \t]*(connections|secrets|authorities|pools)[ \t]*(:[^{\n]*)?\{", re.M)),
    ("ipsec.conf", re.compile(r"^(conn[ \t]+\S+|config[ \t]+setup)[ \t]*(#.*)?$", re.M)),
    ("secrets", re.compile(r"^[^#\n]*:[ \t]*(PSK|RSA|ECDSA|EAP|XAUTH)\b", re.M)),
    ("networkd", re.compile(r"^\[(NetDev|Match|Network|Xfrm|Tunnel)\][ \t]*$", re.M)),
    ("frr", re.compile(r"^(router bgp \d+|frr (defaults|version)|ip route \S+ \S+)", re.M)),
    ("bird", re.compile(r"^[ \t]*(protocol[ \t]+(bgp|static|kernel|device)\b|router id [\d.]+;)", re.M)),
    ("shell", re.compile(r"^#!|^[ \t]*(sudo[ \t]+)?(ip[ \t]+(-\S+[ \t]+)*(link|addr|address)|sysctl|iptables|nft)[ \t]", re.M)),
    ("nft", re.compile(r"^[ \t]*table[ \t]+(inet|ip)[ \t]", re.M)),
)


@dataclass
class Part:
    name: str | None
    text: str
    offset: int
    kind: str | None


def classify(text: str, name: str | None = None) -> str | None:
    if name:
        if name.endswith((".netdev", ".network")):
            return "networkd"
        if name.endswith(".md"):
            return "readme"
        if name.endswith(".nft"):
            return "nft"
        if name == "ipsec.secrets" or name.endswith(".secrets"):
            return "secrets"
        if name.startswith("charon") or name == "strongswan.conf":
            return "charon"
        if name.endswith(".sh"):
            return "shell"
        if re.match(r"^\d+-.*\.conf$", name) and "net." in text:
            return "sysctl"
    for kind, rx in _KINDS:
        if rx.search(text):
            return kind
    return None


def split(text: str) -> list[Part]:
    lines = text.splitlines(keepends=True)
    marks = [(i, m.group(1)) for i, l in enumerate(lines) if (m := MARK.match(l.rstrip("\r\n")))]
    if not marks:
        return [Part(None, text, 0, classify(text))]
    starts = [(i - 1 if i > 0 and lines[i - 1].startswith("#!") else i, name) for i, name in marks]
    parts = []
    if starts[0][0] > 0:
        head = "".join(lines[:starts[0][0]])
        if head.strip():
            parts.append(Part(None, head, 0, classify(head)))
    for j, (s, name) in enumerate(starts):
        e = starts[j + 1][0] if j + 1 < len(starts) else len(lines)
        body = "".join(lines[s:e])
        parts.append(Part(name, body, s, classify(body, name)))
    return parts


#: bundle files read from a config's directory when the text itself does not contain them
_SIBLINGS = re.compile(r"^(vpncc-.*\.sh|.*\.netdev|.*\.network|frr\.conf|bgpd\.conf|bird\.conf|vpncc-mss\.nft"
                       r"|ipsec\.secrets)$")


def _siblings(path: str | None, have: set[str]) -> list[Part]:
    if not path or not os.path.isfile(path):
        return []
    d = os.path.dirname(os.path.abspath(path))
    out = []
    try:
        entries = sorted(os.listdir(d))
    except OSError:
        return []
    for f in entries:
        full = os.path.join(d, f)
        if f in have or not _SIBLINGS.match(f) or os.path.samefile(full, path):
            continue
        try:
            with open(full, encoding="utf-8") as fh:
                text = fh.read(4_000_000)
        except (OSError, UnicodeDecodeError):
            continue
        # a sibling's line numbers are its own file's
        out.append(Part(f, text, 0, classify(text, f)))
    return out


def read(text: str, path: str | None = None) -> DeviceConfig:
    if not text.strip():
        raise InputError("the strongSwan configuration is empty", path, 1, 1)
    parts = split(text)
    kinds = {p.kind for p in parts}
    if not kinds & {"swanctl", "ipsec.conf", "secrets"}:
        from ...readers import detect

        guess = detect.guess(text)
        what = detect.describe(guess) if guess not in (None, "swanctl", "ipsec-conf") else "not a strongSwan file"
        raise InputError(f"no strongSwan connections found: this looks like {what}, not a strongSwan "
                         "swanctl.conf or ipsec.conf", path, 1,
                         hint="give swanctl.conf or ipsec.conf (with the bundle's other files for interfaces "
                              "and routing)")
    have = {p.name for p in parts if p.name}
    extra = _siblings(path, have | ({"ipsec.secrets"} if "secrets" in kinds else set()))
    parts += extra
    dev = DeviceConfig(vendor="strongswan", path=path)
    side = LinuxSide()
    routing = Routing()
    for p in parts:
        if p.kind == "shell":
            read_shell(p.text, side, p.offset)
        elif p.kind == "networkd":
            read_networkd(p.text, side, p.offset)
        elif p.kind == "nft":
            read_nft(p.text, side, p.offset)
    # several files of one kind (a bundle plus a remediation fragment) are one config, in order
    if "frr" in kinds or any(p.kind == "frr" for p in extra):
        read_frr(merged(parts, "frr"), routing)
    if "bird" in kinds or any(p.kind == "bird" for p in extra):
        read_bird(merged(parts, "bird"), routing)
    if len(parts) - len(extra) == 1 and parts[0].name is None:
        # one unmarked text (e.g. `cat ipsec.conf bgpd.conf`, or AWS's example with its ip/iptables lines):
        # the line-oriented readers pick out what they recognise
        whole = parts[0].text
        read_shell(whole, side)
        if re.search(r"^router bgp \d+|^ip route ", whole, re.M):
            read_frr(whole, routing)
        if re.search(r"^[ \t]*protocol[ \t]+(bgp|static)\b", whole, re.M):
            read_bird(whole, routing)
    side.finish()
    ifnames: dict[int, str] = {}
    if "swanctl" in kinds:
        from .read_swanctl import tunnels_from_swanctl

        tunnels_from_swanctl(Part(None, merged(parts, "swanctl"), 0, "swanctl"), dev, side, path, ifnames)
    else:
        from .read_ipsec_conf import tunnels_from_ipsec_conf

        tunnels_from_ipsec_conf([Part(None, merged(parts, "ipsec.conf", "secrets"), 0, "ipsec.conf")], dev, side,
                                path, ifnames)
    _static_routes(dev, routing, ifnames)
    dev.bgp_neighbors.extend(routing.neighbors)
    return dev


def merged(parts: list[Part], *kinds: str) -> str:
    """The parts of these kinds as one text whose line numbers are the original ones (other lines
    blank); parts read from sibling files follow at the end."""
    lines: list[str] = []
    for p in parts:
        if p.kind not in kinds:
            continue
        if p.offset > len(lines):
            lines.extend([""] * (p.offset - len(lines)))
        lines.extend(p.text.splitlines())
    return "\n".join(lines) + "\n"


def apply_iface(t: DeviceTunnel, side: LinuxSide, ifnames: dict[int, str], *, xfrm: int | None,
                mark: int | None, updown: str | None) -> None:
    """Copy what the Linux side says about this tunnel's interface into the tunnel."""
    iface = None
    if xfrm:
        iface = side.by_key("xfrm", xfrm)
    if iface is None and mark:
        iface = side.by_key("vti", mark)
    if iface is None and updown:
        name = updown_iface(updown)
        if name and name in side.ifaces:
            iface = side.ifaces[name]
    if iface is not None:
        ifnames[id(t)] = iface.name
        if iface.inside:
            t.set("inside.customer", iface.inside[0], iface.inside[1])
        if iface.inside6:
            t.set("inside_ipv6.customer", iface.inside6[0], iface.inside6[1])
        if iface.mtu:
            t.set("mtu", iface.mtu[0], iface.mtu[1])
        if iface.mss:
            t.set("tcp_mss", iface.mss[0], iface.mss[1])
    if "inside.customer" not in t.values and updown:
        ll = updown_inside(updown)
        if ll is not None:
            t.set("inside.customer", ll, t.line)


def _static_routes(dev: DeviceConfig, routing: Routing, ifnames: dict[int, str]) -> None:
    for t in dev.tunnels:
        priv = t.get("strongswan")
        if priv is not None and routing.daemon:
            priv.value["routing"] = routing.daemon
        iface = ifnames.get(id(t))
        inside = t.get("inside.customer")
        net = inside.value.network if inside is not None else None
        routes = [r for r in routing.static
                  if (r.via is not None and net is not None and r.via in net)
                  or (r.iface is not None and r.iface == iface)]
        if routes:
            t.set("static_routes", tuple(dict.fromkeys(r.prefix for r in routes)), routes[0].line)


# -- shared by the swanctl and ipsec.conf readers ---------------------------------------------

def ipv4(value: str | None) -> ipaddress.IPv4Address | None:
    if not value:
        return None
    v = value.split(",")[0].strip()
    try:
        return ipaddress.IPv4Address(v)
    except ValueError:
        return None


def set_proposals(t: DeviceTunnel, dev: DeviceConfig, value: str | None, line: int | None, *, ike: bool,
                  what: str, strict: bool = True) -> None:
    p = names.parse_proposals(value, ike=ike)
    if not strict and not p.default:
        # ipsec.conf without "!": charon appends its default proposals
        d = names.parse_proposals("default", ike=ike)
        for e in d.encryption:
            p.add(p.encryption, e)
        for i in d.integrity:
            p.add(p.integrity, i)
        for g in d.groups:
            p.add(p.groups, g)
        p.all_aead = False
    pre = "ike" if ike else "ipsec"
    t.set(f"{pre}.encryption", tuple(p.encryption), line)
    t.set(f"{pre}.integrity", tuple(p.integrity), line)
    t.set(f"{pre}.dh_groups" if ike else "ipsec.pfs_groups", tuple(p.groups), line)
    if p.unknown:
        dev.notes.append(DeviceNote(line, f"{t.name}: {what} keywords charon does not know: {', '.join(p.unknown)}"))
    if p.foreign:
        dev.notes.append(DeviceNote(line, f"{t.name}: {what} keywords that are no AWS algorithm: "
                                          f"{', '.join(p.foreign)}"))


def set_version(t: DeviceTunnel, v1: bool, line: int | None, aggressive: bool, aggr_line: int | None) -> None:
    t.set("ike.version", IkeVersion.IKEV1 if v1 else IkeVersion.IKEV2, line)
    if v1:
        t.set("ike.mode", NegotiationMode.AGGRESSIVE if aggressive else NegotiationMode.MAIN, aggr_line or line)


def set_psk(t: DeviceTunnel, raw: str | None, line: int | None) -> None:
    if raw is None:
        return
    value, ok = names.psk_value(raw)
    t.set("ike.psk", value, line, verifiable=ok)


def key_int(v: str | None) -> int | None:
    return parse_int(v) if v else None
