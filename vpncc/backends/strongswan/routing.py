"""Read the routing daemon side: FRR/Quagga (``frr.conf``, ``bgpd.conf``) and BIRD 2 (``bird.conf``).

Both give BGP neighbors (``DeviceConfig.bgp_neighbors`` dicts) and static routes (prefix, next hop or
interface). Defaults filled in: FRR's hold time is 180 s (``frr defaults traditional``, also the
default profile) or 9 s (``datacenter``); BIRD's is 240 s.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from ...validate.model import Obs
from .names import num

FRR_HOLD = {"traditional": 180, "datacenter": 9}
BIRD_HOLD = 240


@dataclass
class StaticRoute:
    prefix: ipaddress.IPv4Network
    via: ipaddress.IPv4Address | None
    iface: str | None
    line: int


@dataclass
class Routing:
    neighbors: list[dict[str, Obs]] = field(default_factory=list)
    static: list[StaticRoute] = field(default_factory=list)
    #: "frr" or "bird", whichever config was read (remediation answers in its syntax)
    daemon: str | None = None


def _ip(v: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(v)
    except ValueError:
        return None


def _net(v: str) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(v, strict=False)
    except ValueError:
        return None


def read_frr(text: str, out: Routing, offset: int = 0) -> None:
    out.daemon = "frr"
    profile = "traditional"
    asn: tuple[int, int] | None = None
    in_bgp = False
    global_hold: tuple[int, int] | None = None
    nbrs: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for no, raw in enumerate(text.splitlines(), 1 + offset):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("!"):
            continue
        words = line.split()
        top = not raw[:1].isspace()
        if top:
            in_bgp = False
        if top and words[:2] == ["frr", "defaults"] and len(words) > 2:
            profile = words[2]
        elif top and words[:2] == ["router", "bgp"] and len(words) > 2 and num(words[2]) is not None \
                and "vrf" not in words and "view" not in words:
            in_bgp, asn = True, (int(words[2]), no)
        elif top and words[:2] in (["ip", "route"],) and len(words) >= 4:
            _frr_static(words[2:], no, out)
        elif in_bgp and words[:2] == ["timers", "bgp"] and len(words) >= 4 and num(words[3]) is not None:
            global_hold = (int(words[3]), no)
        elif in_bgp and words[:2] == ["no", "neighbor"] and len(words) >= 4 and words[2] in nbrs:
            key = {"local-as": "local_as", "shutdown": "shutdown", "timers": "hold"}.get(words[3])
            if key:
                nbrs[words[2]].pop(key, None)
        elif in_bgp and words[0] == "neighbor" and len(words) >= 3:
            name = words[1]
            if name not in nbrs:
                nbrs[name] = {"line": no}
                order.append(name)
            n = nbrs[name]
            what = words[2]
            if what == "remote-as" and len(words) > 3:
                n["remote_as"] = (words[3], no)
            elif what == "peer-group":
                if len(words) > 3:
                    n["group"] = words[3]
                else:
                    n["is_group"] = True
            elif what == "timers" and len(words) > 4 and num(words[3]) is not None and num(words[4]) is not None:
                n["hold"] = (int(words[4]), no)
            elif what == "local-as" and len(words) > 3 and num(words[3]) is not None:
                n["local_as"] = (int(words[3]), no)
            elif what == "shutdown":
                n["shutdown"] = no
            elif what == "maximum-prefix" and len(words) > 3 and num(words[3]) is not None:
                n["max_prefix"] = (int(words[3]), no)
    default_hold = FRR_HOLD.get(profile, 180)
    for name in order:
        n = nbrs[name]
        addr = _ip(name)
        if addr is None or n.get("is_group"):
            continue
        grp = nbrs.get(n.get("group", ""), {})

        def get(k: str, n=n, grp=grp):
            return n.get(k) or grp.get(k)

        d: dict[str, Obs] = {"neighbor": Obs(addr, n["line"]), "daemon": Obs("frr", n["line"])}
        ra = get("remote_as")
        if ra and num(ra[0]) is not None:
            d["aws_asn"] = Obs(int(ra[0]), ra[1])
        if asn:
            d["router_asn"] = Obs(asn[0], asn[1])
        la = get("local_as")
        if la:
            d["customer_asn"] = Obs(la[0], la[1])
        elif asn:
            d["customer_asn"] = Obs(asn[0], asn[1])
        hold = get("hold") or global_hold
        d["hold_time_s"] = Obs(hold[0], hold[1]) if hold else Obs(default_hold, n["line"])
        if get("shutdown"):
            d["enabled"] = Obs(False, get("shutdown"))
        mp = get("max_prefix")  # `neighbor X maximum-prefix N`: what FRR accepts from AWS is limited
        d["inbound_limit"] = Obs(mp is not None and mp[0] > 0, mp[1] if mp else n["line"])
        out.neighbors.append(d)


def _frr_static(args: list[str], no: int, out: Routing) -> None:
    # ip route PREFIX [MASK] (GATEWAY|IFNAME|Null0) [IFNAME] [DISTANCE] ...
    prefix = _net(args[0])
    rest = args[1:]
    if rest and _ip(rest[0]) is not None and prefix is not None and "/" not in args[0]:
        prefix = _net(f"{args[0]}/{rest[0]}")
        rest = rest[1:]
    if prefix is None or not rest:
        return
    via = _ip(rest[0])
    iface = None
    if via is None:
        if rest[0].lower() in ("null0", "blackhole", "reject"):
            return
        iface = rest[0]
    elif len(rest) > 1 and not rest[1].isdigit() and rest[1] not in ("tag", "label", "table", "vrf",
                                                                        "nexthop-vrf", "onlink", "color"):
        iface = rest[1]
    out.static.append(StaticRoute(prefix, via, iface, no))


_BLOCK = re.compile(r"^[ \t]*(protocol|template)[ \t]+(bgp|static)[ \t]*([\w-]*)[ \t]*(?:from[ \t]+([\w-]+))?[ \t]*\{",
                    re.M)


def _block(text: str, start: int) -> str:
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return text[start:]


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)


def read_bird(text: str, out: Routing, offset: int = 0) -> None:
    """BIRD protocols; a protocol defined again under the same name replaces the earlier one (what a
    remediation block means: "replace protocol NAME with this")."""
    out.daemon = "bird"
    clean = _strip_comments(text)
    templates: dict[str, dict[str, Any]] = {}
    bgp: dict[str, dict[str, Obs]] = {}
    static: dict[str, list[StaticRoute]] = {}
    for m in _BLOCK.finditer(clean):
        kind, proto, name, parent = m.group(1), m.group(2), m.group(3), m.group(4)
        body_start = clean.index("{", m.start())
        body = _block(clean, body_start)
        base_line = clean.count("\n", 0, m.start()) + 1 + offset

        def line_at(pos: int, body_start: int = body_start) -> int:
            return clean.count("\n", 0, body_start + pos) + 1 + offset

        if proto == "static":
            routes = static[name or f"static{len(static)}"] = []
            for r in re.finditer(r"\broute\s+([\d./]+)\s+via\s+(\"[^\"]+\"|[\d.]+)", body):
                prefix = _net(r.group(1))
                if prefix is None:
                    continue
                target = r.group(2)
                if target.startswith('"'):
                    routes.append(StaticRoute(prefix, None, target.strip('"'), line_at(r.start())))
                else:
                    routes.append(StaticRoute(prefix, _ip(target), None, line_at(r.start())))
            continue
        info: dict[str, Any] = dict(templates.get(parent or "", {}))
        info["line"] = base_line
        for key, rx in (("local", r"\blocal\s+(?:([\d.]+)\s+)?as\s+(\d{1,10})\b"),
                        ("neighbor", r"\bneighbor\s+([\d.]+)(?:\s+port\s+\d+)?\s+as\s+(\d{1,10})\b"),
                        ("hold", r"\bhold\s+time\s+(\d{1,10})\b"),
                        ("disabled", r"\bdisabled(\s+(yes|on|true))?\s*;")):
            r = re.search(rx, body)
            if r:
                info[key] = (r, line_at(r.start()))
        if kind == "template":
            templates[name] = info
            continue
        nb = info.get("neighbor")
        if nb is None:
            continue
        addr = _ip(nb[0].group(1))
        if addr is None:
            continue
        d: dict[str, Obs] = {"neighbor": Obs(addr, nb[1]), "aws_asn": Obs(int(nb[0].group(2)), nb[1]),
                             "daemon": Obs("bird", base_line), "protocol": Obs(name, base_line)}
        if "local" in info:
            d["customer_asn"] = Obs(int(info["local"][0].group(2)), info["local"][1])
        d["hold_time_s"] = Obs(int(info["hold"][0].group(1)), info["hold"][1]) if "hold" in info \
            else Obs(BIRD_HOLD, base_line)
        if "disabled" in info:
            d["enabled"] = Obs(False, info["disabled"][1])
        bgp[name or f"bgp{len(bgp)}"] = d
    out.neighbors.extend(bgp.values())
    for routes in static.values():
        out.static.extend(routes)
