"""Semantic checks on an IR, run once after any reader (generic text, XML, API JSON, IR JSON).

``check(conn)`` raises :class:`vpncc.errors.InputError` at the first rule the connection breaks,
with the line and column of the offending value taken from ``conn.origin`` (when the reader
filled it) and, if the caller passes the source ``text``, the offending line (secrets masked).
Redacted values (``None``) are not errors here; compiling needs them from elsewhere.

Ranges are AWS's documented Site-to-Site VPN tunnel option limits where they exist
(lifetimes, inside CIDRs, PSK rule, DH groups, ASNs); MTU/MSS/DPD/hold-time limits are
sanity bounds for values AWS does not let you choose.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, Sequence

from .errors import InputError, mask_secret_line
from .ir import DH_GROUPS, Connection, Encryption, Position, Routing, Tunnel

INSIDE_V4 = ipaddress.IPv4Network("169.254.0.0/16")
INSIDE_V6 = ipaddress.IPv6Network("fd00::/8")
#: Inside /30 blocks AWS refuses (Site-to-Site VPN user guide, "Tunnel options").
RESERVED_INSIDE = tuple(ipaddress.IPv4Network(n) for n in (
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30",
    "169.254.5.0/30", "169.254.169.252/30"))
IKE_LIFETIME = (900, 28800)
IPSEC_LIFETIME = (900, 3600)
ASN_RANGE = (1, 4294967295)
DPD_INTERVAL = (1, 3600)
DPD_RETRIES = (1, 100)
MTU_RANGE = (576, 1500)
MSS_RANGE = (536, 1460)
HOLD_TIME = (3, 65535)      # or 0 (keepalives off), as BGP allows
PSK_RULE = re.compile(r"[A-Za-z0-9._]{8,64}")
PSK_HINT = ("AWS pre-shared keys are 8 to 64 characters of letters, digits, '.' and '_', "
            "and do not start with '0'")
_AWS_TUNNEL_HINT = "an AWS Site-to-Site VPN connection has exactly two tunnels, 'IPSec Tunnel #1' and '#2'"


def check_tunnel_numbers(numbers: Sequence[tuple[int, Position | None]], *, file: str | None = None,
                         lines: Sequence[str] | None = None, end_line: int | None = None,
                         allow_single: bool = False) -> None:
    """Exactly tunnels 1 and 2, once each. Shared by check() and the generic reader (which calls it
    before looking for missing values, so a stray third heading gets this message)."""

    def err(message: str, pos: Position | None, hint: str, context: bool = True) -> InputError:
        line = pos.line if pos else None
        ctx = mask_secret_line(lines[line - 1]) if context and lines and line and line <= len(lines) else None
        return InputError(message, file=file, line=line, column=pos.column if pos and ctx else None,
                          context=ctx, hint=hint)

    seen: dict[int, Position | None] = {}
    for number, pos in numbers:
        if number in seen:
            first = seen[number]
            where = f" (the first is at line {first.line})" if first else ""
            raise err(f"IPSec Tunnel #{number} appears twice{where}: an AWS connection has exactly two tunnels",
                      pos, "two connection files pasted together? Keep one connection per file")
        if number not in (1, 2):
            raise err(f"IPSec Tunnel #{number}: an AWS connection has exactly two tunnels", pos, _AWS_TUNNEL_HINT)
        seen[number] = pos
    if not numbers:
        raise err("no tunnels: an AWS connection has exactly two tunnels",
                  Position(end_line) if end_line else None, _AWS_TUNNEL_HINT, context=False)
    if allow_single and list(seen) == [1]:
        return  # an XML/API document that declares one tunnel (hand-written fixtures do); the reader warns
    for number in (1, 2):
        if number not in seen:
            have = " and ".join(f"'IPSec Tunnel #{n}'" for n in sorted(seen))
            raise err(f"tunnel {number} is missing: an AWS connection has exactly two tunnels and this one has "
                      f"only {have}", Position(end_line) if end_line else None,
                      "the file looks cut or edited; download the complete configuration again", context=False)


class _Checker:
    def __init__(self, conn: Connection, text: str | None) -> None:
        self.conn = conn
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if text is not None else None

    def fail(self, message: str, path: str, hint: str | None = None) -> InputError:
        pos = self.conn.origin.get(path)
        if pos is None and path.startswith("tunnels["):
            pos = self.conn.origin.get(path.split("]")[0] + "]")
        line = pos.line if pos else None
        ctx = None
        if self.lines and line and line <= len(self.lines):
            ctx = mask_secret_line(self.lines[line - 1])
        return InputError(message, file=self.conn.source.path, line=line,
                          column=pos.column if pos else None, context=ctx, hint=hint)

    def in_range(self, value: int | None, bounds: tuple[int, int], path: str, what: str, unit: str = "") -> None:
        if value is None:
            return
        lo, hi = bounds
        if not lo <= value <= hi:
            raise self.fail(f"{what} {value}{unit} is outside {lo}..{hi}{unit}", path,
                            f"AWS accepts {lo} to {hi}{unit}")

    def run(self) -> None:
        conn = self.conn
        check_tunnel_numbers([(t.number, conn.origin.get(f"tunnels[{i}]")) for i, t in enumerate(conn.tunnels)],
                             file=conn.source.path, lines=self.lines,
                             end_line=len(self.lines) if self.lines else None,
                             allow_single=conn.source.format in ("aws-xml", "aws-json", "terraform"))
        for i, t in enumerate(conn.tunnels):
            self.tunnel(i, t)
        nets = [(i, t.inside.aws.network) for i, t in enumerate(conn.tunnels)]
        if len(nets) == 2 and nets[0][1] == nets[1][1]:
            raise self.fail(f"tunnel 2 uses the same inside network {nets[1][1]} as tunnel 1",
                            f"tunnels[{nets[1][0]}].inside.aws", "each tunnel has its own /30")

    def tunnel(self, i: int, t: Tunnel) -> None:
        p = f"tunnels[{i}]"
        n = f"tunnel {t.number}"
        self.routing(i, t)
        self.proposals(i, t)
        ike, ipsec = t.ike, t.ipsec
        self.in_range(ike.lifetime_s, IKE_LIFETIME, f"{p}.ike.lifetime_s", f"{n}: IKE lifetime", " s")
        self.in_range(ipsec.lifetime_s, IPSEC_LIFETIME, f"{p}.ipsec.lifetime_s", f"{n}: IPSec lifetime", " s")
        self.in_range(t.dpd.interval_s, DPD_INTERVAL, f"{p}.dpd.interval_s", f"{n}: DPD interval", " s")
        self.in_range(t.dpd.retries, DPD_RETRIES, f"{p}.dpd.retries", f"{n}: DPD retries")
        self.in_range(t.mtu, MTU_RANGE, f"{p}.mtu", f"{n}: tunnel interface MTU", " bytes")
        self.in_range(t.tcp_mss, MSS_RANGE, f"{p}.tcp_mss", f"{n}: TCP MSS adjustment", " bytes")
        if t.tcp_mss > t.mtu - 40:
            raise self.fail(f"{n}: TCP MSS {t.tcp_mss} does not fit the MTU {t.mtu} (at most MTU - 40)",
                            f"{p}.tcp_mss")
        if ike.allowed_versions is not None and ike.version not in ike.allowed_versions:
            raise self.fail(f"{n}: IKE version {ike.version.value} is not among the allowed versions "
                            f"({', '.join(v.value for v in ike.allowed_versions)})", f"{p}.ike.allowed_versions",
                            "allowed_versions lists every version AWS accepts; version is the one to compile")
        if ike.auth not in ("psk", "certificate"):
            raise self.fail(f"{n}: unknown IKE authentication {ike.auth!r}", f"{p}.ike.auth",
                            "AWS authenticates with a pre-shared key or a certificate")
        if ike.psk is not None and (not PSK_RULE.fullmatch(ike.psk) or ike.psk.startswith("0")):
            # never show the key itself
            raise self.fail(f"{n}: the pre-shared key does not follow AWS's rule", f"{p}.ike.psk", PSK_HINT)
        if ipsec.protocol != "esp":
            raise self.fail(f"{n}: IPSec protocol {ipsec.protocol!r}: AWS uses esp", f"{p}.ipsec.protocol")
        if ipsec.mode != "tunnel":
            raise self.fail(f"{n}: IPSec mode {ipsec.mode!r}: AWS uses tunnel mode", f"{p}.ipsec.mode")
        if t.outside.customer is not None and t.outside.customer == t.outside.aws \
                and self.conn.source.format == "aws-generic":
            # XML/API fixtures anonymised both to one address (CloudWanderer: 1.1.1.1); their reader warns
            raise self.fail(f"{n}: the customer and AWS outside addresses are both {t.outside.aws}",
                            f"{p}.outside.aws")
        self.inside(i, t)

    def proposals(self, i: int, t: Tunnel) -> None:
        p, n = f"tunnels[{i}]", f"tunnel {t.number}"
        for path, values, what in ((f"{p}.ike.encryption", t.ike.encryption, "IKE encryption algorithm"),
                                   (f"{p}.ike.integrity", t.ike.integrity, "IKE authentication algorithm"),
                                   (f"{p}.ike.dh_groups", t.ike.dh_groups, "IKE Diffie-Hellman group"),
                                   (f"{p}.ipsec.encryption", t.ipsec.encryption, "IPSec encryption algorithm"),
                                   (f"{p}.ipsec.pfs_groups", t.ipsec.pfs_groups, "IPSec PFS group")):
            if not values:
                raise self.fail(f"{n}: no {what}", path)
        if not t.ipsec.integrity and not all(Encryption(e).is_gcm for e in t.ipsec.encryption):
            raise self.fail(f"{n}: no IPSec authentication algorithm (only AES-GCM needs none)",
                            f"{p}.ipsec.integrity")
        for path, groups in ((f"{p}.ike.dh_groups", t.ike.dh_groups), (f"{p}.ipsec.pfs_groups", t.ipsec.pfs_groups)):
            for g in groups:
                if g not in DH_GROUPS:
                    raise self.fail(f"{n}: Diffie-Hellman group {g} is not one AWS supports", path,
                                    "AWS supports groups " + ", ".join(map(str, DH_GROUPS)))

    def routing(self, i: int, t: Tunnel) -> None:
        p, n = f"tunnels[{i}]", f"tunnel {t.number}"
        aws_ip = t.inside.aws.ip
        if self.conn.routing is Routing.BGP:
            if t.bgp is None or t.static_next_hop is not None:
                raise self.fail(f"{n}: BGP routing needs BGP settings and no static next hop", p)
            b = t.bgp
            if b.neighbor != aws_ip:
                raise self.fail(f"{n}: BGP neighbor {b.neighbor} is not the AWS inside address {aws_ip}",
                                f"{p}.bgp.neighbor", "AWS peers from its inside address of the tunnel")
            self.in_range(b.customer_asn, ASN_RANGE, f"{p}.bgp.customer_asn", f"{n}: customer gateway ASN")
            self.in_range(b.aws_asn, ASN_RANGE, f"{p}.bgp.aws_asn", f"{n}: AWS-side ASN")
            if b.customer_asn == b.aws_asn:
                raise self.fail(f"{n}: the customer gateway ASN equals the AWS-side ASN {b.aws_asn}",
                                f"{p}.bgp.customer_asn", "AWS peers over eBGP: the two ASNs must differ")
            if b.hold_time_s != 0:
                self.in_range(b.hold_time_s, HOLD_TIME, f"{p}.bgp.hold_time_s", f"{n}: BGP hold time", " s")
        else:
            if t.bgp is not None or t.static_next_hop is None:
                raise self.fail(f"{n}: static routing needs a next hop and no BGP settings", p)
            if t.static_next_hop != aws_ip:
                raise self.fail(f"{n}: static next hop {t.static_next_hop} is not the AWS inside address {aws_ip}",
                                f"{p}.static_next_hop", "the next hop is AWS's end of the tunnel")

    def inside(self, i: int, t: Tunnel) -> None:
        p, n = f"tunnels[{i}]", f"tunnel {t.number}"
        cust, aws = t.inside.customer, t.inside.aws
        for addr, side in ((cust, "customer"), (aws, "aws")):
            path = f"{p}.inside.{side}"
            if addr.ip not in INSIDE_V4:
                raise self.fail(f"{n}: inside address {addr} is not in 169.254.0.0/16", path,
                                "AWS tunnel inside addresses are link-local /30s")
            if addr.network.prefixlen != 30:
                raise self.fail(f"{n}: inside address {addr} is not a /30", path,
                                "AWS tunnel inside addresses are 169.254.x.y/30")
            if addr.ip in (addr.network.network_address, addr.network.broadcast_address):
                raise self.fail(f"{n}: inside address {addr} is the network or broadcast address of its /30",
                                path)
            for reserved in RESERVED_INSIDE:
                if addr.network == reserved:
                    raise self.fail(f"{n}: inside network {reserved} is reserved by AWS", path)
        self._pair(cust, aws, p + ".inside", n, "inside")
        if t.inside_ipv6 is not None:
            c6, a6 = t.inside_ipv6.customer, t.inside_ipv6.aws
            for addr, side in ((c6, "customer"), (a6, "aws")):
                path = f"{p}.inside_ipv6.{side}"
                if addr.ip not in INSIDE_V6 or addr.network.prefixlen != 126:
                    raise self.fail(f"{n}: inside IPv6 address {addr} is not a /126 in fd00::/8", path,
                                    "AWS IPv6 inside addresses are fd00::/8 /126s")
            self._pair(c6, a6, p + ".inside_ipv6", n, "inside IPv6")

    def _pair(self, cust, aws, path: str, n: str, what: str) -> None:
        if cust.ip == aws.ip:
            raise self.fail(f"{n}: the customer and AWS {what} addresses are both {aws.ip}", path + ".aws")
        if cust.network != aws.network:
            raise self.fail(f"{n}: the customer {what} address {cust} and the AWS one {aws} are not in the "
                            "same prefix", path + ".aws", "both ends of a tunnel share one /30 (/126)")


def check(conn: Connection, *, text: str | None = None) -> None:
    """Raise InputError on the first semantic problem of ``conn``; ``text`` (optional) gives context lines."""
    _Checker(conn, text).run()


def iter_paths(conn: Connection) -> Iterable[str]:  # pragma: no cover - debugging aid
    return sorted(conn.origin)
