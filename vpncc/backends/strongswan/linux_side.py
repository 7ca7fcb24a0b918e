"""Read the Linux side of a route-based strongSwan gateway: tunnel interfaces, their addresses and
MTU, TCP MSS clamping. Sources: shell scripts with ``ip``/``nft``/``iptables`` commands (vpncc's own,
AWS's VTI example, hand-written ones), systemd-networkd ``.netdev``/``.network`` units, nftables files.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass, field

from .names import num


@dataclass
class Iface:
    name: str
    kind: str | None = None          # "xfrm" or "vti"
    key: int | None = None           # XFRM if_id or VTI key (= the strongSwan if_id / mark)
    remote: str | None = None        # VTI remote address
    line: int | None = None
    inside: tuple[ipaddress.IPv4Interface, int] | None = None
    inside6: tuple[ipaddress.IPv6Interface, int] | None = None
    mtu: tuple[int, int] | None = None
    mss: tuple[int, int] | None = None
    clamp_pmtu_line: int | None = None


@dataclass
class LinuxSide:
    ifaces: dict[str, Iface] = field(default_factory=dict)
    #: "ip route add NET dev IFACE | via ADDR" lines (routing.StaticRoute)
    routes: list = field(default_factory=list)

    def iface(self, name: str) -> Iface:
        if name not in self.ifaces:
            self.ifaces[name] = Iface(name)
        return self.ifaces[name]

    def by_key(self, kind: str, key: int) -> Iface | None:
        for i in self.ifaces.values():
            if i.key == key and (i.kind in (kind, None)):
                return i
        return None

    #: an MSS rule without an interface (every forwarded SYN): (value or None for clamp-to-pmtu, line)
    any_mss: tuple[int | None, int] | None = None

    def finish(self) -> None:
        # iptables --clamp-mss-to-pmtu / nft "maxseg size set rt mtu": the MSS follows the route's MTU,
        # the tunnel interface's MTU minus 40 bytes of IPv4+TCP headers
        for i in self.ifaces.values():
            if i.mss is None and i.clamp_pmtu_line is not None and i.mtu is not None:
                i.mss = (i.mtu[0] - 40, i.clamp_pmtu_line)

    def global_mss(self, iface: Iface) -> tuple[int, int] | None:
        if self.any_mss is None:
            return None
        value, line = self.any_mss
        if value is not None:
            return value, line
        return (iface.mtu[0] - 40, line) if iface.mtu else None

    def tunnel_ifaces(self) -> list[Iface]:
        return [i for i in self.ifaces.values() if i.kind in ("xfrm", "vti")]

    def host_addresses(self) -> list[tuple[ipaddress.IPv4Address, int]]:
        """Addresses the scripts give to interfaces that are not tunnels (the uplink)."""
        return [(i.inside[0].ip, i.inside[1]) for i in self.ifaces.values()
                if i.kind is None and i.inside and not i.name.startswith("$")
                and not i.inside[0].ip.is_link_local and not i.inside[0].ip.is_loopback]

    def template(self, name: str, mark: int | None) -> Iface | None:
        """An interface a script creates from variables (``ip tunnel add ${TUNNEL_NAME} ... okey
        ${TUNNEL_MARK}``): its MTU and MSS rules apply to the interface the updown call names."""
        tpl = [i for i in self.ifaces.values() if i.name.startswith("$")]
        if not tpl:
            return None
        made = Iface(name, kind=next((i.kind for i in tpl if i.kind), None), key=mark,
                     line=next((i.line for i in tpl if i.line), None))
        for i in tpl:
            made.mtu = made.mtu or i.mtu
            made.mss = made.mss or i.mss
            made.clamp_pmtu_line = made.clamp_pmtu_line or i.clamp_pmtu_line
        if made.mss is None and made.clamp_pmtu_line is not None and made.mtu is not None:
            made.mss = (made.mtu[0] - 40, made.clamp_pmtu_line)
        return made


def parse_int(v: str) -> int | None:
    v = v.split("/")[0]
    if len(v) > 18:
        return None
    try:
        return int(v, 0)
    except ValueError:
        return None


_NFT_MSS = re.compile(r'\b([io])ifname\s+"?([\w.@$-]+)"?.*maxseg\s+size\s+set\s+(\d+)')
_NFT_MSS_RT = re.compile(r'\b([io])ifname\s+"?([\w.@$-]+)"?.*maxseg\s+size\s+set\s+rt\s+mtu')
#: nft anonymous sets: oifname { "vti1", "vti2" } ... maxseg size set 1379 | rt mtu
_NFT_SET = re.compile(r'\b([io])ifname\s+\{([^}]*)\}.*maxseg\s+size\s+set\s+(\d+|rt\s+mtu)')
_NFT_ANY = re.compile(r'maxseg\s+size\s+set\s+(\d+|rt\s+mtu)')


def _nft_line(raw: str, side: "LinuxSide", no: int) -> bool:
    m = _NFT_SET.search(raw)
    if m:
        for name in re.findall(r'"?([\w.@$-]+)"?', m.group(2)):
            _nft_one(side, m.group(1), name, m.group(3), no)
        return True
    m = _NFT_MSS.search(raw) or _NFT_MSS_RT.search(raw)
    if m:
        _nft_one(side, m.group(1), m.group(2), m.group(3) if m.re is _NFT_MSS else "rt mtu", no)
        return True
    m = _NFT_ANY.search(raw)
    if m and "ifname" not in raw and not raw.lstrip().startswith("#"):
        v = m.group(1)
        side.any_mss = (int(v) if v.isdigit() and len(v) < 6 else None, no)
        return True
    return False


def _nft_one(side: "LinuxSide", direction: str, name: str, value: str, no: int) -> None:
    i = side.iface(name)
    if value.isdigit():
        if num(value) is not None and (direction == "o" or i.mss is None):
            i.mss = (int(value), no)
    else:
        i.clamp_pmtu_line = no


#: cheap pre-filter: only lines that may hold an ip/iptables command or an nft MSS rule are tokenized
_CANDIDATE = re.compile(r"(?:^|[\s;&|(])(?:sudo\s+)?(?:/usr)?(?:/s?bin/)?(?:ip|ip6?tables)\s|maxseg")


def read_shell(text: str, side: LinuxSide, offset: int = 0) -> None:
    """``ip``, ``nft`` and ``iptables`` commands in a shell script (one command per line)."""
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        if not _CANDIDATE.search(raw):
            continue
        if "maxseg" in raw and _nft_line(raw, side, no):
            continue
        line = raw.split("#", 1)[0].strip()
        for cmd in re.split(r"\s*(?:\|\||&&|;)\s*", line):
            _command(cmd, side, no)


def _command(cmd: str, side: LinuxSide, no: int) -> None:
    try:
        words = shlex.split(cmd)
    except ValueError:
        return
    # ifupdown stanzas (/etc/network/interfaces, AWS's guide step 5): "pre-up ip link add ..."
    while words and words[0] in ("sudo", "exec", "command", "pre-up", "up", "post-up"):
        words = words[1:]
    if not words:
        return
    if words[0] in ("ip", "/sbin/ip", "/usr/sbin/ip", "/bin/ip"):
        _ip(words[1:], side, no)
    elif words[0].endswith("iptables"):
        _iptables(words[1:], side, no)


def _opt(words: list[str], name: str) -> str | None:
    for i, w in enumerate(words[:-1]):
        if w == name:
            return words[i + 1]
    return None


def _ip(words: list[str], side: LinuxSide, no: int) -> None:
    family = 4
    while words and words[0].startswith("-"):
        if words[0] == "-6":
            family = 6
        elif words[0] in ("-n", "-netns"):
            words = words[1:]
        words = words[1:]
    if len(words) < 2:
        return
    obj, verb, rest = words[0], words[1], words[2:]
    if obj in ("route", "r", "ro") and verb in ("add", "replace", "append") and rest and family == 4:
        # ip route add 10.20.0.0/16 dev Tunnel1 metric 100 (AWS's guide), or ... via 169.254.x.y
        from .routing import StaticRoute

        try:
            net = ipaddress.IPv4Network(rest[0], strict=False)
        except ValueError:
            return
        via = _opt(rest, "via")
        try:
            gw = ipaddress.IPv4Address(via) if via else None
        except ValueError:
            gw = None
        side.routes.append(StaticRoute(net, gw, _opt(rest, "dev"), no))
        return
    if obj in ("tunnel", "tun", "tu") and verb == "add" and rest:
        # ip tunnel add NAME mode vti local A remote B okey MARK (AWS's aws-updown.sh)
        name = rest[0] if rest[0] != "name" else _opt(rest, "name")
        if not name or _opt(rest, "mode") != "vti":
            return
        i = side.iface(name)
        i.kind, i.line = "vti", no
        key = _opt(rest, "okey") or _opt(rest, "key") or _opt(rest, "ikey")
        i.key = parse_int(key) if key else i.key
        i.remote = _opt(rest, "remote") or i.remote
        return
    if obj in ("link", "l") and verb == "add":
        name = rest[0] if rest and rest[0] not in ("name", "dev") else _opt(rest, "name") or _opt(rest, "dev")
        kind = _opt(rest, "type")
        if not name or kind not in ("xfrm", "vti"):
            return
        i = side.iface(name)
        i.kind, i.line = kind, no
        key = _opt(rest, "if_id") if kind == "xfrm" else (_opt(rest, "key") or _opt(rest, "okey"))
        i.key = parse_int(key) if key else i.key
        i.remote = _opt(rest, "remote") or i.remote
    elif obj in ("link", "l") and verb == "set":
        name = _opt(rest, "dev") or (rest[0] if rest and rest[0] != "dev" else None)
        mtu = _opt(rest, "mtu")
        if name and num(mtu) is not None:
            side.iface(name).mtu = (int(mtu), no)
    elif obj in ("addr", "address", "a") and verb in ("add", "replace", "change"):
        dev = _opt(rest, "dev")
        if not dev or not rest:
            return
        addr = rest[0]
        try:
            ifa = ipaddress.ip_interface(addr)
        except ValueError:
            return
        i = side.iface(dev)
        if isinstance(ifa, ipaddress.IPv6Interface) or family == 6:
            if isinstance(ifa, ipaddress.IPv6Interface):
                i.inside6 = (ifa, no)
        else:
            peer = _opt(rest, "peer") or _opt(rest, "remote")
            if peer and "/" in peer and "/" not in addr:
                # "ip addr add A peer B/30": the prefix belongs to the peer
                try:
                    ifa = ipaddress.IPv4Interface(f"{addr}/{peer.split('/')[1]}")
                except ValueError:
                    pass
            i.inside = (ifa, no)


def _iptables(words: list[str], side: LinuxSide, no: int) -> None:
    if "TCPMSS" not in words:
        return
    name = _opt(words, "-o") or _opt(words, "--out-interface") or _opt(words, "-i") \
        or _opt(words, "--in-interface")
    if not name:
        # no interface: the rule clamps every forwarded SYN (tunnel traffic included)
        mss = _opt(words, "--set-mss")
        if num(mss) is not None:
            side.any_mss = (int(mss), no)
        elif "--clamp-mss-to-pmtu" in words:
            side.any_mss = (None, no)
        return
    i = side.iface(name)
    mss = _opt(words, "--set-mss")
    if num(mss) is not None:
        if "-o" in words or "--out-interface" in words or i.mss is None:
            i.mss = (int(mss), no)
    elif "--clamp-mss-to-pmtu" in words:
        i.clamp_pmtu_line = no


def read_nft(text: str, side: LinuxSide, offset: int = 0) -> None:
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        if "maxseg" in raw:
            _nft_line(raw, side, no)


def read_iptables_save(text: str, side: LinuxSide, offset: int = 0) -> None:
    """iptables-save / iptables-restore files (/etc/iptables/rules.v4): ``-A CHAIN ... -j TCPMSS``."""
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        line = raw.strip()
        if line.startswith("-A") and "TCPMSS" in line:
            try:
                _iptables(shlex.split(line), side, no)
            except ValueError:
                continue


def _ini(text: str, offset: int) -> list[tuple[str, str, str, int]]:
    """(section, key, value, line) of a systemd unit file."""
    out = []
    section = ""
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif "=" in line:
            k, v = line.split("=", 1)
            out.append((section, k.strip(), v.strip(), no))
    return out


def read_networkd(text: str, side: LinuxSide, offset: int = 0) -> None:
    items = _ini(text, offset)
    name = next((v for s, k, v, _ in items if s in ("NetDev", "Match") and k == "Name"), None)
    if not name:
        return
    i = side.iface(name.split()[0])
    for sec, k, v, no in items:
        if sec == "NetDev" and k == "Kind" and v in ("xfrm", "vti"):
            i.kind, i.line = v, no
        elif sec in ("NetDev", "Link") and k == "MTUBytes" and num(v) is not None:
            i.mtu = (int(v), no)
        elif (sec == "Xfrm" and k == "InterfaceId") or (sec == "Tunnel" and k in ("Key", "OutputKey")):
            i.key = parse_int(v)
        elif sec == "Tunnel" and k == "Remote":
            i.remote = v
        elif sec == "Network" and k == "Address":
            try:
                ifa = ipaddress.ip_interface(v)
            except ValueError:
                continue
            if isinstance(ifa, ipaddress.IPv6Interface):
                i.inside6 = (ifa, no)
            else:
                i.inside = (ifa, no)


def updown_inside(cmd: str) -> ipaddress.IPv4Interface | None:
    """AWS's aws-updown.sh convention: ``-ll 169.254.x.y/30`` is the customer inside address."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None
    v = _opt(words, "-ll") or _opt(words, "--link-local")
    try:
        return ipaddress.IPv4Interface(v) if v else None
    except ValueError:
        return None


def updown_mark(cmd: str) -> int | None:
    """AWS's aws-updown.sh ``-m MARK``: the okey/ikey its VTI gets."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None
    v = _opt(words, "-m") or _opt(words, "--mark")
    return parse_int(v) if v else None


def updown_iface(cmd: str) -> str | None:
    """vpncc's ``SCRIPT updown IFNAME``, or AWS's ``-ln NAME``."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None
    if len(words) >= 3 and words[1] == "updown":
        return words[2]
    return _opt(words, "-ln") or _opt(words, "--link-name")
