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

    def iface(self, name: str) -> Iface:
        if name not in self.ifaces:
            self.ifaces[name] = Iface(name)
        return self.ifaces[name]

    def by_key(self, kind: str, key: int) -> Iface | None:
        for i in self.ifaces.values():
            if i.key == key and (i.kind in (kind, None)):
                return i
        return None

    def finish(self) -> None:
        # iptables --clamp-mss-to-pmtu: the MSS follows the interface MTU (minus 40 bytes of headers)
        for i in self.ifaces.values():
            if i.mss is None and i.clamp_pmtu_line is not None and i.mtu is not None:
                i.mss = (i.mtu[0] - 40, i.clamp_pmtu_line)


def parse_int(v: str) -> int | None:
    v = v.split("/")[0]
    if len(v) > 18:
        return None
    try:
        return int(v, 0)
    except ValueError:
        return None


_NFT_MSS = re.compile(r'\b([io])ifname\s+"?([\w.@-]+)"?.*maxseg\s+size\s+set\s+(\d+)')
_NFT_MSS_RT = re.compile(r'\b([io])ifname\s+"?([\w.@-]+)"?.*maxseg\s+size\s+set\s+rt\s+mtu')


#: cheap pre-filter: only lines that may hold an ip/iptables command or an nft MSS rule are tokenized
_CANDIDATE = re.compile(r"(?:^|[\s;&|(])(?:sudo\s+)?(?:/usr)?(?:/s?bin/)?(?:ip|ip6?tables)\s|maxseg")


def read_shell(text: str, side: LinuxSide, offset: int = 0) -> None:
    """``ip``, ``nft`` and ``iptables`` commands in a shell script (one command per line)."""
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        if not _CANDIDATE.search(raw):
            continue
        m = _NFT_MSS.search(raw)
        if m:
            i = side.iface(m.group(2))
            if num(m.group(3)) is not None and (m.group(1) == "o" or i.mss is None):
                i.mss = (int(m.group(3)), no)
            continue
        line = raw.split("#", 1)[0].strip()
        for cmd in re.split(r"\s*(?:\|\||&&|;)\s*", line):
            _command(cmd, side, no)


def _command(cmd: str, side: LinuxSide, no: int) -> None:
    try:
        words = shlex.split(cmd)
    except ValueError:
        return
    while words and words[0] in ("sudo", "exec", "command"):
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
        name = _opt(rest, "dev") or (rest[0] if rest else None)
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
        m = _NFT_MSS.search(raw)
        if m:
            i = side.iface(m.group(2))
            if num(m.group(3)) is not None and (m.group(1) == "o" or i.mss is None):
                i.mss = (int(m.group(3)), no)
        elif _NFT_MSS_RT.search(raw):
            side.iface(_NFT_MSS_RT.search(raw).group(2)).clamp_pmtu_line = no


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


def updown_iface(cmd: str) -> str | None:
    """vpncc's ``SCRIPT updown IFNAME``, or AWS's ``-ln NAME``."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None
    if len(words) >= 3 and words[1] == "updown":
        return words[2]
    return _opt(words, "-ln") or _opt(words, "--link-name")
