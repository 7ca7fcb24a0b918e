"""What ``vpncc lab --vendor pfsense`` reads from a config.xml: the phase 1/phase 2 lists, the WAN
addresses and the VTIs pfSense would create, and the checks every value passes before it reaches a
generated shell script or FRR config (pfSense's own validators where it has them)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ...errors import UsageError
from . import names as N
from .swanctl_map import _as_list, idinfo_to_cidr, to_php
from .xmlread import Document

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


# -- addresses and VTIs -----------------------------------------------------------------------

def ipsec_sections(doc: Document) -> tuple[list[dict], list[dict], dict]:
    """The phase 1 and phase 2 entries and the interface assignments, as PHP arrays."""
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
    for p1 in ipsec_sections(doc)[0]:
        if "disabled" in p1 or p1.get("myid_type") != "address":
            continue
        iface, addr = p1.get("interface") or "wan", p1.get("myid_data", "")
        if out.setdefault(iface, addr) != addr:
            raise UsageError(f"pfsense lab: phase 1 entries on interface {iface} use different local addresses "
                             f"({out[iface]}, {addr}); pfSense has one address per interface")
    return out


def vti_interfaces(doc: Document) -> list[Vti]:
    """interface_ipsec_vti_configure() for every enabled phase 1 (ipsec_vti(), ipsec_get_ifname())."""
    p1s, p2s, ifaces = ipsec_sections(doc)
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
        pairs = [(l, r, p2) for l, r, p2 in pairs if iface4(l) and v4(r)]
        if p1.get("iketype") == "ikev1" or "splitconn" in p1:
            groups = [(p2.get("reqid"), [(l, r)]) for l, r, p2 in pairs]
        else:
            groups = [(specs[0].get("reqid"), [(l, r) for l, r, _ in pairs])]
        for reqid, addrs in groups:
            if not str(reqid).isdigit():
                continue
            gw = p1.get("remote-gateway", "")
            v = Vti(ifname=f"{N.VTI_IF_PREFIX}{reqid}", reqid=int(reqid), remote_gateway=gw if is_ip(gw) else "?",
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


# -- value checks -------------------------------------------------------------------------------

def php_empty(v: object) -> bool:
    """PHP empty()"""
    return v in (None, "", "0", False) or v == [] or v == {}


def intrange(v: object, lo: int, hi: int) -> bool:
    """frr_validate_intrange()"""
    return isinstance(v, str) and v.strip().isdigit() and lo <= int(v) <= hi


def asnum(v: object) -> bool:
    return intrange(v, 1, 4294967295)


def _parses(make, v: object):
    """``make(str(v))``, or None where it raises (what the value checks below ask of ipaddress)."""
    try:
        return make(str(v))
    except ValueError:
        return None


def iface4(v: object) -> bool:
    return "/" in str(v) and _parses(ipaddress.IPv4Interface, v) is not None


def v4(v: object) -> bool:
    return _parses(ipaddress.IPv4Address, v) is not None


def is_ip(v: object) -> bool:
    return _parses(ipaddress.ip_address, v) is not None


def subnet4(v: object) -> bool:
    return "/" in str(v) and isinstance(_parses(lambda s: ipaddress.ip_network(s, strict=False), v),
                                        ipaddress.IPv4Network)
