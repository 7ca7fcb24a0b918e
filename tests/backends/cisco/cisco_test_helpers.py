"""Helpers for the Cisco backend tests: profiles, compile+validate, IR mutations, a config applier."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from typing import Any

from vpncc.backends import base
from vpncc.compiler import compile as compile_
from vpncc.compiler import resolve_profile
from vpncc.ir import AWS_ENCRYPTION, AWS_INTEGRITY, DH_GROUPS, Connection, IkeVersion, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import compare

# --crypto file: the compiled config offers the IR's own suite, so a mutation of what AWS accepts is
# measured against exactly what the config offers (the round trip covers every mode)
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")


def findings(conn: Connection, vendor: str, text: str, profile: Profile = PROFILE):
    dev = base.get(vendor).read(text, "device.cfg")
    # security rules (VPN5xx) are their own category: these tests are about what makes a tunnel fail
    return [f for f in compare(conn, dev, profile) if getattr(f, "category", None) != "security"]


def supported(conn: Connection, vendor: str, profile: Profile = PROFILE, fmt: str | None = None) -> bool:
    b = base.get(vendor)
    prof, _ = resolve_profile(conn, b, profile)
    return not b.unsupported(conn, prof, base.RenderOptions(format=fmt))


def expressed(conn: Connection, vendor: str, profile: Profile = PROFILE) -> Connection:
    b = base.get(vendor)
    prof, _ = resolve_profile(conn, b, profile)
    return b.expressible(conn, prof)


def compiled(conn: Connection, vendor: str, profile: Profile = PROFILE, **kw: Any) -> str:
    return compile_(conn, vendor, profile, **kw)


def _set(conn: Connection, idx: int, fn) -> Connection:
    ts = list(conn.tunnels)
    ts[idx] = fn(ts[idx])
    return replace(conn, tunnels=tuple(ts))


def _other(values, pool):
    rest = [v for v in pool if v not in values]
    return (rest[0],) if rest else None


def mutations(conn: Connection, device_values: dict[str, Any], idx: int) -> list[tuple[str, str, Connection]]:
    """(key, expected rule, mutated IR) for one tunnel; ``device_values`` holds what the device has
    for the set-valued keys (a mutation must leave the device's set to be a real difference)."""
    t = conn.tunnels[idx]
    out: list[tuple[str, str, Connection]] = []

    def add(key, rule, fn):
        out.append((key, rule, _set(conn, idx, fn)))

    add("outside.aws", "VPN110", lambda t: replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address("192.0.2.250"))))
    if "outside.customer" in device_values:
        add("outside.customer", "VPN111",
            lambda t: replace(t, outside=replace(t.outside, customer=ipaddress.IPv4Address("192.0.2.251"))))
    add("ike.psk", "VPN203", lambda t: replace(t, ike=replace(t.ike, psk=t.ike.psk + "x")))
    for key, pool, rule in (("ike.encryption", list(AWS_ENCRYPTION), "VPN201"), ("ike.integrity", list(AWS_INTEGRITY), "VPN201"),
                            ("ike.dh_groups", list(DH_GROUPS), "VPN201"), ("ipsec.encryption", list(AWS_ENCRYPTION), "VPN210"),
                            ("ipsec.integrity", list(AWS_INTEGRITY), "VPN210"), ("ipsec.pfs_groups", list(DH_GROUPS), "VPN211")):
        new = _other(device_values.get(key, ()), pool)
        if new is None:
            continue
        if key == "ipsec.integrity" and any(e.is_gcm for e in device_values.get("ipsec.encryption", t.ipsec.encryption)):
            continue  # an AES-GCM proposal still fits without any ESP integrity
        if key == "ipsec.encryption" and not device_values.get("ipsec.integrity"):
            continue  # GCM-only device: compare also flags the then-missing ESP integrity (same rule)
        # AWS accepts, on this tunnel, only a value the device does not offer (the file's suite is an example)
        slot = {"ike.encryption": "ike_encryption", "ike.integrity": "ike_integrity", "ike.dh_groups": "ike_dh_groups",
                "ipsec.encryption": "esp_encryption", "ipsec.integrity": "esp_integrity",
                "ipsec.pfs_groups": "pfs_groups"}[key]
        add(key, rule, lambda t, slot=slot, new=new: replace(t, accepted=replace(t.accepted, **{slot: new})))
    # AWS's configured lifetime differs (both inside AWS's range: info on who rekeys first). DPD, MTU, MSS and
    # the BGP hold time are judged by what the device does (bounds), not by equality: no IR mutation for them.
    def near(v: int) -> int:  # another lifetime inside AWS's ranges (900-28800 s / 900-3600 s)
        return v - 1 if v > 900 else v + 1

    add("ike.lifetime_s", "VPN202", lambda t: replace(t, accepted=replace(
        t.accepted, ike_lifetime_s=near(t.accepted.ike_lifetime_s))))
    add("ipsec.lifetime_s", "VPN212", lambda t: replace(t, accepted=replace(
        t.accepted, esp_lifetime_s=near(t.accepted.esp_lifetime_s))))
    if "inside.customer" in device_values:
        def inside(t):
            net = t.inside.customer.network
            other = ipaddress.IPv4Network((int(net.network_address) ^ 4, 30))
            return replace(t, inside=replace(t.inside, customer=ipaddress.IPv4Interface((other.network_address + 2, 30))))
        add("inside.customer", "VPN220", inside)
    if t.ike.version is IkeVersion.IKEV1:
        add("ike.version", "VPN200", lambda t: replace(t, accepted=replace(t.accepted, ike_versions=(IkeVersion.IKEV2,))))
    if conn.routing is Routing.BGP and t.bgp:
        add("bgp.aws_asn", "VPN302", lambda t: replace(t, bgp=replace(t.bgp, aws_asn=t.bgp.aws_asn + 1)))
        add("bgp.customer_asn", "VPN303", lambda t: replace(t, bgp=replace(t.bgp, customer_asn=t.bgp.customer_asn + 1)))
    return out


# -- a tiny "paste into config mode" simulator for remediation tests ---------------------------

#: how many leading words identify a command (a new one with the same key replaces the old one)
_KEYS = (("neighbor", 3), ("set transform-set", 2), ("set pfs", 2), ("set security-association lifetime", 4),
         ("set ikev1 transform-set", 3), ("set ikev2 ipsec-proposal", 3), ("ip address", 2), ("ip mtu", 2),
         ("ip tcp adjust-mss", 3), ("ipv6 address", 2), ("tunnel destination", 2), ("tunnel source", 2),
         ("tunnel protection", 2), ("keepalive", 1), ("dpd", 1), ("lifetime", 1), ("local-address", 1),
         ("identity local", 2), ("match identity", 2), ("pre-shared-key address", 3), ("pre-shared-key", 1),
         ("address", 1), ("isakmp keepalive", 2), ("ikev1 pre-shared-key", 2), ("ikev2 remote-authentication", 2),
         ("ikev2 local-authentication", 2), ("shutdown", 1), ("encryption", 1), ("hash", 1), ("group", 1),
         ("integrity", 1), ("prf", 1), ("proposal", 0), ("nameif", 1), ("timers", 1), ("initiate mode", 2),
         ("sysopt connection tcpmss", 3), ("mtu", 2), ("crypto isakmp keepalive", 3))


def _key(line: str) -> tuple[str, ...]:
    w = line.split()
    if w and w[0] == "no":
        w = w[1:]
    text = " ".join(w)
    for prefix, n in sorted(_KEYS, key=lambda x: -len(x[0])):
        if text == prefix or text.startswith(prefix + " "):
            return tuple(w[:n]) if n else tuple(w)
    return tuple(w)


def _tree(text: str) -> list:
    root: list = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("!") or s in ("end", "exit", "exit-address-family"):
            continue
        depth = len(line) - len(line.lstrip())
        while stack[-1][0] >= depth:
            stack.pop()
        node = [s, []]
        stack[-1][1].append(node)
        stack.append((depth, node[1]))
    return root


def _merge(siblings: list, new: list) -> None:
    for text, children in new:
        k = _key(text)
        if text.startswith("no "):
            siblings[:] = [n for n in siblings if _key(n[0]) != k]
            continue
        same = next((n for n in siblings if n[0] == text), None)
        if same is not None:
            _merge(same[1], children)
            continue
        if k != tuple(text.split()):
            siblings[:] = [n for n in siblings if _key(n[0]) != k]
        siblings[:] = [n for n in siblings if n[0] != "no " + text]  # `X` replaces a `no X` line
        node = [text, []]
        siblings.append(node)
        _merge(node[1], children)


def _dump(nodes: list, depth: int = 0) -> list[str]:
    out = []
    for text, children in nodes:
        out.append(" " * depth + text)
        out.extend(_dump(children, depth + 1))
    return out


def apply(running: str, remediation: str) -> str:
    """Apply pasted commands to a running config (a test stand-in for the device): a command
    replaces the sibling with the same key, `no X` removes it, known parents merge."""
    tree = _tree(running)
    _merge(tree, _tree(remediation))
    return "\n".join(_dump(tree)) + "\n"


def strip_psk(text: str) -> str:
    return re.sub(r"(key|pre-shared-key)\s+\S+", r"\1 ***", text)
