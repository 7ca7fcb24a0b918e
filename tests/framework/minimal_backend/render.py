"""IR -> ToyOS configuration text: one ``tunnel`` block per AWS tunnel, then the BGP block.

Lists are emitted in the order given (strongest first, as vpncc.crypto chose them) and never changed.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Mapping

from vpncc.ir import Connection, IkeVersion, NegotiationMode, Routing, Tunnel
from vpncc.profile import Profile

from . import names


def _words(values: tuple[Any, ...], table: Mapping[Any, str]) -> str:
    return ",".join(table[v] for v in values)


def remote_networks(conn: Connection, profile: Profile) -> list[ipaddress.IPv4Network]:
    """The networks a static tunnel routes: the profile's, else AWS's static routes, else its remote CIDR."""
    if profile.remote_networks:
        return list(profile.remote_networks)
    routes = [r.destination for r in conn.options.routes if isinstance(r.destination, ipaddress.IPv4Network)]
    return routes or [ipaddress.IPv4Network(conn.options.remote_ipv4_cidr or "0.0.0.0/0")]


def tunnel(t: Tunnel, conn: Connection, profile: Profile) -> list[str]:
    """The lines of one tunnel block."""
    lines = [f"tunnel {t.number}", f"  peer {t.outside.aws}"]
    if t.outside.customer is not None:
        lines.append(f"  local {t.outside.customer}")
    lines.append(f"  secret {t.ike.psk}")
    version = "v2" if t.ike.version is IkeVersion.IKEV2 else "v1"
    aggressive = t.ike.version is IkeVersion.IKEV1 and t.ike.mode is NegotiationMode.AGGRESSIVE
    lines.append(f"  ike {version}" + (" aggressive" if aggressive else ""))
    lines.append(f"  ike-proposal enc {_words(t.ike.encryption, names.ENCRYPTION)} "
                 f"auth {_words(t.ike.integrity, names.INTEGRITY)} group {','.join(map(str, t.ike.dh_groups))}")
    lines.append(f"  ike-lifetime {t.ike.lifetime_s}")
    esp = f"  esp-proposal enc {_words(t.ipsec.encryption, names.ENCRYPTION)}"
    if t.ipsec.integrity:
        esp += f" auth {_words(t.ipsec.integrity, names.INTEGRITY)}"
    esp += " pfs " + (",".join(map(str, t.ipsec.pfs_groups)) or "none")
    lines += [esp, f"  esp-lifetime {t.ipsec.lifetime_s}", f"  dpd {t.dpd.interval_s} {t.dpd.retries}",
              f"  address {t.inside.customer.with_prefixlen}", f"  mtu {t.mtu}", f"  mss {t.tcp_mss}"]
    if conn.routing is Routing.STATIC:
        lines += [f"  route {net}" for net in remote_networks(conn, profile)]
    return lines


def render(conn: Connection, profile: Profile, header: str) -> str:
    """The whole configuration, ``header`` (already commented) first."""
    lines: list[str] = []
    for t in conn.tunnels:
        lines += tunnel(t, conn, profile) + [""]
    bgp = [t.bgp for t in conn.tunnels if t.bgp is not None]
    if conn.routing is Routing.BGP and bgp:
        lines.append(f"bgp {bgp[0].customer_asn or profile_asn(profile)}")
        lines += [f"  neighbor {b.neighbor} remote-as {b.aws_asn} hold {b.hold_time_s}" for b in bgp]
    return header + "\n".join(lines).rstrip() + "\n"


def profile_asn(profile: Profile) -> int:
    """The local AS when AWS's input leaves it out (the profile's ``customer_asn``)."""
    return profile.customer_asn or 65000
