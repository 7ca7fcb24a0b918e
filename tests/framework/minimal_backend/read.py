"""ToyOS configuration text -> DeviceConfig (IR terms, with line numbers).

A line the reader does not know becomes a note (reported as info), never an error: the reader says what
the device means and leaves compliance to vpncc.validate.
"""

from __future__ import annotations

import ipaddress
from typing import Mapping, TypeVar

from vpncc.ir import IkeVersion, NegotiationMode
from vpncc.validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
from vpncc.validate.negotiation import DpdBehaviour, Proposal

from . import names

T = TypeVar("T")


def _list(word: str, table: Mapping[str, T]) -> tuple[tuple[T, ...], tuple[str, ...]]:
    """Known values in IR terms and unknown keywords verbatim."""
    items = [w for w in word.split(",") if w]
    return tuple(table[w] for w in items if w in table), tuple(w for w in items if w not in table)


def _proposal(words: list[str], label: str, line: int) -> Proposal:
    """``enc a,b auth c group|pfs 14,19`` -> Proposal (``pfs none`` = no PFS group)."""
    fields = dict(zip(words[0::2], words[1::2], strict=False))
    enc, unknown_enc = _list(fields.get("enc", ""), names.ENCRYPTION_READ)
    integ, unknown_int = _list(fields.get("auth", ""), names.INTEGRITY_READ)
    groups = fields.get("group", fields.get("pfs", "none"))
    dh = () if groups == "none" else tuple(int(g) for g in groups.split(","))
    return Proposal(encryption=enc, integrity=integ, dh_groups=dh, label=label, line=line,
                    unknown=unknown_enc + unknown_int)


def _tunnel_line(t: DeviceTunnel, key: str, args: list[str], n: int) -> bool:
    """Apply one line of a ``tunnel`` block; False when the keyword is unknown."""
    if key == "peer":
        t.set("outside.aws", ipaddress.IPv4Address(args[0]), n)
    elif key == "local":
        t.set("local.address", ipaddress.IPv4Address(args[0]), n)
        t.set("outside.customer", ipaddress.IPv4Address(args[0]), n)
    elif key == "secret":
        t.set("ike.psk", args[0], n)
    elif key == "ike":
        v1 = args[0] == "v1"
        t.set("ike.version", IkeVersion.IKEV1 if v1 else IkeVersion.IKEV2, n)
        if v1:
            aggressive = args[1:2] == ["aggressive"]
            t.set("ike.mode", NegotiationMode.AGGRESSIVE if aggressive else NegotiationMode.MAIN, n)
    elif key in ("ike-proposal", "esp-proposal"):
        phase = "ike" if key == "ike-proposal" else "ipsec"
        p = _proposal(args, f"{key} line {n}", n)
        t.set(f"{phase}.proposals", (p,), n)
        t.set(f"{phase}.encryption", p.encryption, n)
        t.set(f"{phase}.integrity", p.integrity, n)
        t.set("ike.dh_groups" if phase == "ike" else "ipsec.pfs_groups", p.dh_groups, n)
    elif key in ("ike-lifetime", "esp-lifetime"):
        t.set("ike.lifetime_s" if key == "ike-lifetime" else "ipsec.lifetime_s", int(args[0]), n)
    elif key == "dpd":
        interval, retries = int(args[0]), int(args[1])
        t.set("dpd.interval_s", interval, n)
        t.set("dpd.retries", retries, n)
        t.set("dpd", DpdBehaviour(True, names.dpd_detect_s(interval, retries),
                                  f"first probe after {interval} s, then {retries} re-probes {names.DPD_RETRY_S} s apart", "clear"), n)
    elif key == "address":
        t.set("inside.customer", ipaddress.IPv4Interface(args[0]), n)
    elif key in ("mtu", "mss"):
        t.set("mtu" if key == "mtu" else "tcp_mss", int(args[0]), n)
    elif key == "route":
        old = t.value("static_routes", ())
        t.set("static_routes", old + (ipaddress.IPv4Network(args[0]),), n)
    else:
        return False
    return True


def _fill_defaults(t: DeviceTunnel) -> None:
    for key in ("ike.lifetime_s", "ipsec.lifetime_s"):
        if t.get(key) is None:
            t.set(key, names.DEFAULTS[key], t.line)


def read(text: str, path: str | None = None) -> DeviceConfig:
    """Read a ToyOS configuration."""
    device = DeviceConfig(vendor="minimal", path=path)
    current: DeviceTunnel | None = None
    asn: int | None = None
    in_bgp = False
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        words = line.split()
        if not raw.startswith(" "):
            current, in_bgp = None, False
            if words[0] == "tunnel" and len(words) == 2:
                current = DeviceTunnel(name=f"tunnel {words[1]}", line=n)
                device.tunnels.append(current)
            elif words[0] == "bgp" and len(words) == 2:
                asn, in_bgp = int(words[1]), True
            else:
                device.notes.append(DeviceNote(n, f"unknown statement {words[0]!r}"))
            continue
        if current is not None and _tunnel_line(current, words[0], words[1:], n):
            continue
        if in_bgp and words[0] == "neighbor" and len(words) >= 4:
            opts = dict(zip(words[2::2], words[3::2], strict=False))
            device.bgp_neighbors.append({
                "neighbor": Obs(ipaddress.IPv4Address(words[1]), n),
                "aws_asn": Obs(int(opts["remote-as"]), n),
                "customer_asn": Obs(asn, n),
                "hold_time_s": Obs(int(opts.get("hold", names.DEFAULTS["bgp.hold_time_s"])), n),
            })
            continue
        device.notes.append(DeviceNote(n, f"unknown line {words[0]!r}"))
    for t in device.tunnels:
        _fill_defaults(t)
    return device
