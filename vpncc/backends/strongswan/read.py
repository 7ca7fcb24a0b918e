"""strongSwan device text -> DeviceConfig (IR terms, with line numbers).

Input: swanctl.conf or ipsec.conf (+ ipsec.secrets), optionally with the rest of a gateway's setup:
the Linux side (shell script, systemd-networkd units, nftables file) and the routing daemon
(FRR/Quagga or BIRD). vpncc bundles mark each file with ``# --- vpncc file: NAME ---`` so that a
concatenated bundle (``cat bundle/* | vpncc validate ...``) splits back into its files; when a path
is given, the bundle's sibling files (and ipsec.secrets next to ipsec.conf) are read too.

A directory given as the device is read the same way: its swanctl.conf or ipsec.conf with the files
beside it (Debian's ``include conf.d/*.conf`` layout included). ipsec.conf files that use pluto's own
keywords (``ikev2=``, ``phase2alg=``, ``ike=...;modp...``) are Libreswan/Openswan and read with their
meaning (read_ipsec_conf).

What a tunnel gets (vpncc.validate.model): one Proposal per configured proposal (proposals.py),
``local.address``/``local.identity`` separately, ``dpd`` as charon runs it (IKEv2: the retransmission
timers of a strongswan.conf/charon*.conf in the bundle, else charon's defaults; semantics.py),
``initiates`` (start/close action), ``binding`` (if_id / mark against the interfaces the scripts create),
MTU and MSS from the scripts, units and firewall files.

Defaults filled in (strongSwan 5.9): proposals ``default``; IKE rekey 4 h (swanctl) / ikelifetime
3 h (ipsec.conf); CHILD rekey 1 h (swanctl, IKEv2: the lifetime that matters) / lifetime 1 h
(ipsec.conf); DPD off unless dpd_delay (swanctl) or dpdaction (ipsec.conf) turns it on; IKE version 2;
main mode.
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
from .linux_side import (
    LinuxSide,
    parse_int,
    read_iptables_save,
    read_networkd,
    read_nft,
    read_shell,
    updown_iface,
    updown_inside,
    updown_mark,
)
from .routing import Routing, read_bird, read_frr
from .semantics import Retransmit, read_retransmit

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
    ("iptables-save", re.compile(r"^\*(mangle|filter|nat)[ \t]*$|^-A[ \t]+\S+.*-j[ \t]+TCPMSS", re.M)),
    ("charon", re.compile(r"^[ \t]*charon(-systemd)?[ \t]*\{", re.M)),
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
        if name in ("rules.v4", "iptables.rules", "iptables.conf") or name.endswith(".rules"):
            return "iptables-save"
        if name == "nftables.conf":
            return "nft"
        if name.endswith(".sh") or name in ("interfaces", "rc.local"):
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
_SIBLINGS = re.compile(r"^(.*\.sh|.*\.netdev|.*\.network|frr\.conf|bgpd\.conf|bird\.conf|.*\.nft"
                       r"|ipsec\.secrets|charon.*\.conf|strongswan\.conf|rules\.v4|iptables\.rules)$")
#: a directory given as the device: its main file, then everything _SIBLINGS names
_MAIN = ("swanctl.conf", "ipsec.conf")


def _read_file(full: str) -> str | None:
    try:
        with open(full, encoding="utf-8-sig") as fh:
            return fh.read(4_000_000)
    except (OSError, UnicodeDecodeError):
        return None


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
        if f in have or not _SIBLINGS.match(f) or not os.path.isfile(full) or os.path.samefile(full, path):
            continue
        text = _read_file(full)
        if text is None:
            continue
        # a sibling's line numbers are its own file's
        out.append(Part(f, text, 0, classify(text, f)))
    return out


#: where a Debian/Ubuntu gateway keeps the rest of its setup, relative to /etc: read with the strongSwan
#: file when it is /etc/swanctl/swanctl.conf or /etc/ipsec.conf (or a copy of that tree given as the device)
_ETC = ("strongswan.conf", "strongswan.d/*.conf", "ipsec.secrets", "ipsec.d/*.sh", "frr/frr.conf",
        "quagga/bgpd.conf", "bird/bird.conf", "bird.conf", "iptables/rules.v4", "iptables.conf", "nftables.conf",
        "systemd/network/*.netdev", "systemd/network/*.network", "network/interfaces", "rc.local")


def _etc_parts(etc: str, skip: set[str]) -> list[Part]:
    import glob

    out = []
    for pattern in _ETC:
        for full in sorted(glob.glob(os.path.join(etc, pattern))):
            real = os.path.realpath(full)
            if real in skip or not os.path.isfile(full):
                continue
            skip.add(real)
            text = _read_file(full)
            if text is not None:
                name = os.path.basename(full)
                out.append(Part(name, text, 0, classify(text, name)))
    return out


def _etc_of(path: str) -> str | None:
    """The /etc-like directory around a main file: swanctl/swanctl.conf's parent, ipsec.conf's own."""
    d = os.path.dirname(os.path.abspath(path))
    if os.path.basename(d) == "swanctl" and os.path.basename(path) == "swanctl.conf":
        return os.path.dirname(d)
    if os.path.basename(path) == "ipsec.conf" and (os.path.exists(os.path.join(d, "strongswan.conf"))
                                                    or os.path.isdir(os.path.join(d, "ipsec.d"))):
        return d
    return None


def main_file(directory: str) -> str | None:
    """The file that stands for a device directory: swanctl.conf or ipsec.conf (also under swanctl/ or
    ipsec.d/ as Debian lays them out), else the first *.conf that holds connections."""
    for sub in ("", "swanctl", "etc/swanctl", "etc"):
        for name in _MAIN:
            full = os.path.join(directory, sub, name)
            if os.path.isfile(full):
                return full
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return None
    for f in entries:
        full = os.path.join(directory, f)
        if f.endswith(".conf") and os.path.isfile(full):
            text = _read_file(full) or ""
            if classify(text, f) in ("swanctl", "ipsec.conf"):
                return full
    return None


def read(text: str, path: str | None = None) -> DeviceConfig:
    if path and os.path.isdir(path):
        # a directory is one device: its swanctl.conf/ipsec.conf with the files beside it
        main = main_file(path)
        if main is None:
            raise InputError("no swanctl.conf or ipsec.conf in this directory", path,
                             hint="give the directory that holds the gateway's strongSwan files")
        text, path = _read_file(main) or "", main
    if not text.strip():
        raise InputError("the strongSwan configuration is empty", path, 1, 1)
    parts = split(text)
    base = os.path.basename(path) if path else ""
    if len(parts) == 1 and parts[0].kind is None and base in ("swanctl.conf", "ipsec.conf"):
        # Debian's swanctl.conf holds only "include conf.d/*.conf": the file name says what it is
        parts[0].kind = "swanctl" if base == "swanctl.conf" else "ipsec.conf"
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
    etc = _etc_of(path) if path and os.path.isfile(path) else None
    if etc is not None:
        seen = {os.path.realpath(path)} | {os.path.realpath(os.path.join(os.path.dirname(path), p.name))
                                          for p in extra if p.name}
        names = have | {p.name for p in extra if p.name}
        extra += [p for p in _etc_parts(etc, seen) if not (p.kind == "secrets" and "secrets" in kinds)
                  and p.name not in names - {"interfaces", "rc.local"}]
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
        elif p.kind == "iptables-save":
            read_iptables_save(p.text, side, p.offset)
    retransmit = Retransmit()
    for p in parts:
        if p.kind == "charon":
            retransmit = _charon(p, path, dev) or retransmit
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

        tunnels_from_swanctl(Part(None, merged(parts, "swanctl"), 0, "swanctl"), dev, side, path, ifnames,
                             retransmit)
    else:
        from .read_ipsec_conf import tunnels_from_ipsec_conf

        tunnels_from_ipsec_conf([Part(None, merged(parts, "ipsec.conf", "secrets"), 0, "ipsec.conf")], dev, side,
                                path, ifnames, retransmit)
    routing.static.extend(side.routes)
    _static_routes(dev, routing, ifnames)
    if routing.daemon is None and not side.routes:
        # no FRR/BIRD file and no "ip route" lines: the routing side was not given, not missing
        for t in dev.tunnels:
            if t.value("policy_based", False):
                continue  # the IPsec policies are the routing: no BGP runs over a policy-based tunnel
            unv = dict(t.value("unverified") or {})
            unv.setdefault("bgp", "the BGP configuration: no frr.conf/bgpd.conf/bird.conf was given with the "
                                  "strongSwan files")
            if t.get("static_routes") is None:
                unv.setdefault("static_routes", "the routes into the tunnel: no routing daemon file or 'ip route' "
                                                "lines were given")
            t.set("unverified", unv, t.line)
    _shared_ids(dev, side)
    dev.bgp_neighbors.extend(routing.neighbors)
    from .inventory import inventory

    dev.inventory = inventory(parts)  # what compile --running allocates around
    return dev


def _charon(p: Part, path: str | None, dev: DeviceConfig) -> Retransmit | None:
    """charon's retransmission settings from a strongswan.conf/charon.conf in the bundle (its
    includes are read relative to the device directory)."""
    from . import settings

    base = os.path.dirname(os.path.abspath(path)) if path else None
    try:
        root = settings.parse(p.text, path=os.path.join(base, p.name) if base and p.name else path,
                              notes=dev.notes)
    except InputError:
        dev.notes.append(DeviceNote(p.offset + 1, f"{p.name or 'strongswan.conf'}: not read (syntax)"))
        return None
    r = read_retransmit(root)
    return r if r.line is not None else None


def _shared_ids(dev: DeviceConfig, side: LinuxSide) -> None:
    """Two tunnels with one XFRM if_id / VTI mark share one interface: the kernel cannot tell their
    traffic apart (typically two bundles installed on one host with the same tunnel_start). The
    tunnel interfaces the scripts create are kept with the tunnel (remediation rebinds the SA to the
    interface that has its inside address instead of re-addressing the shared one)."""
    seen: dict[tuple[str, int], str] = {}
    own = [(i.name, i.kind, i.key, str(i.inside[0]) if i.inside else None) for i in side.tunnel_ifaces()]
    for t in dev.tunnels:
        priv = t.value("strongswan") or {}
        key = priv.get("if_id")
        if key is None:
            continue
        k = (priv.get("id_kind", "if_id"), key)
        if k in seen:
            dev.notes.append(DeviceNote(t.line, f"{t.name}: {k[0]} {key} is also used by {seen[k]}: both "
                                                "tunnels' traffic goes through one interface (give each tunnel "
                                                "its own interface id)"))
            t.set("strongswan.shared_iface", tuple(own), t.line)
        else:
            seen[k] = t.name


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
                mark: int | None, updown: str | None, line: int | None = None,
                xfrm_in: int | None = None, remote: str | None = None) -> None:
    """Copy what the Linux side says about this tunnel's interface into the tunnel, and whether the SA
    is bound to it (``binding``): XFRM ``if_id`` = the interface's if_id, or the conn's mark = the
    VTI's key (okey/ikey). A CHILD_SA bound to no interface carries no traffic."""
    iface = None
    how = None
    if xfrm:
        iface = side.by_key("xfrm", xfrm)
        how = ("if_id", xfrm)
    if iface is None and mark:
        iface = side.by_key("vti", mark)
        how = how or ("mark", mark)
    named = None
    if updown:
        name = updown_iface(updown)
        named = side.ifaces.get(name) if name else None
        if named is None and name:
            # AWS's aws-updown.sh style: the script builds the interface from its arguments
            # (${TUNNEL_NAME}, -m MARK), so its ip/iptables lines name a variable, not the interface
            named = side.template(name, updown_mark(updown))
    if iface is None:
        iface = named
    if iface is None and mark and remote:
        # a VTI is tied to its peer: "ip link add vti2 type vti remote <AWS endpoint> key N"
        iface = next((i for i in side.tunnel_ifaces() if i.kind == "vti" and i.remote == remote), None)
    if how is not None and side.tunnel_ifaces():
        if xfrm_in is not None and xfrm is not None and xfrm_in != xfrm:
            t.set("binding", False, line, note=f"if_id_in {xfrm_in} and if_id_out {xfrm} differ: one direction "
                                               "misses the XFRM interface")
        elif iface is None:
            t.set("binding", False, line, note=f"no XFRM/VTI interface has {how[0]} {how[1]}: the SA is bound to "
                                               "no tunnel interface")
        elif iface.key is not None and iface.key != how[1] and not (how[0] == "if_id" and iface.kind == "vti"):
            t.set("binding", False, line, note=f"{how[0]} {how[1]} but {iface.name} has "
                                               f"{'if_id' if iface.kind == 'xfrm' else 'key'} {iface.key}: "
                                               "the kernel does not route this SA's traffic through it")
        else:
            t.set("binding", True, line)
    if iface is not None:
        ifnames[id(t)] = iface.name
        if iface.key is not None:
            t.set("strongswan.iface_key", iface.key, iface.line)  # private: remediation of VPN104
        if iface.inside:
            t.set("inside.customer", iface.inside[0], iface.inside[1])
        if iface.inside6:
            t.set("inside_ipv6.customer", iface.inside6[0], iface.inside6[1])
        if iface.mtu:
            t.set("mtu", iface.mtu[0], iface.mtu[1])
        mss = iface.mss or side.global_mss(iface)
        if mss:
            t.set("tcp_mss", mss[0], mss[1])
    if iface is None and (how is not None or updown) and not side.tunnel_ifaces() and "inside.customer" not in t.values \
            and not (updown and updown_inside(updown)):
        # route-based, but the input holds nothing that creates interfaces (only the strongSwan file was
        # given): the interface's address, MTU and clamping live in files vpncc did not get
        what = f"{how[0]} {how[1]}" if how else "its updown script"
        unv = dict(t.value("unverified") or {})
        msg = (f"the tunnel interface ({what}): give the script or units that create it (or the device "
               "directory) to check its inside address, MTU and MSS clamping")
        for key in ("inside.customer", "mtu") + (() if side.any_mss else ("tcp_mss",)):
            unv.setdefault(key, msg)
        t.set("unverified", unv, line or t.line)
    if iface is None and side.any_mss is not None and side.any_mss[0] is not None:
        # a policy-based tunnel: the interface-less clamp rule covers its traffic
        t.set("tcp_mss", side.any_mss[0], side.any_mss[1])
    if "inside.customer" not in t.values and updown:
        ll = updown_inside(updown)
        if ll is not None:
            t.set("inside.customer", ll, t.line)


def set_local(t: DeviceTunnel, side: LinuxSide, addr: str | None, addr_line: int | None, ident: str | None,
              id_line: int | None) -> None:
    """``local.address`` (what IKE is sent from) and ``local.identity`` (the IKE ID configured), plus the
    old ``outside.customer`` (the identity when it is an address, else the address)."""
    a = ipv4(addr)
    if a is None and addr and addr.strip().lower() in ("%defaultroute", "%any", "%any4"):
        # %defaultroute / %any: the address of the uplink; known when the bundle's script gives the one
        # non-tunnel interface an address
        own = side.host_addresses()
        if len(own) == 1:
            a = own[0][0]
            addr_line = own[0][1]
    if a is not None:
        t.set("local.address", a, addr_line)
    if ident:
        v = ident.strip().strip('"')
        i = ipv4(v)
        t.set("local.identity", i if i is not None else v.lstrip("@"), id_line)
    lid = ipv4(ident) or a
    if lid is not None:
        t.set("outside.customer", lid, id_line if ipv4(ident) else addr_line)


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
                  what: str, strict: bool = True, ikev1: bool = False, dialect: str = "strongswan",
                  pfs_groups: tuple[int, ...] | None = None) -> None:
    """One Proposal per comma-separated proposal (``ike.proposals``/``ipsec.proposals``) and the old
    flat keys (the union, for remediation)."""
    from . import proposals as P

    if dialect == "libreswan" and value:
        p = P.libreswan(value, ike=ike, ikev1=ikev1, line=line, pfs_groups=pfs_groups)
    else:
        p = P.strongswan(value, ike=ike, ikev1=ikev1, line=line)
        if not strict and not p.default:
            # ipsec.conf without "!": charon appends its default proposals (ipsec.conf(5), ike/esp)
            p.proposals.extend(P.strongswan("default", ike=ike, ikev1=ikev1, line=line).proposals)
    pre = "ike" if ike else "ipsec"
    t.set(f"{pre}.proposals", tuple(p.proposals), line)
    t.set(f"{pre}.encryption", p.union("encryption"), line)
    t.set(f"{pre}.integrity", p.union("integrity"), line)
    t.set(f"{pre}.dh_groups" if ike else "ipsec.pfs_groups", p.union("dh_groups"), line)
    for n in p.notes:
        dev.notes.append(DeviceNote(line, f"{t.name}: {what.split()[0]} {n}"))


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
