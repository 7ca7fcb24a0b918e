"""Cisco IOS / IOS-XE running-config -> DeviceConfig (route-based VTI tunnels, BGP, static routes).

A tunnel is an `interface TunnelN` protected by an IPsec profile (or in `tunnel mode ipsec`). From it:
the peer (`tunnel destination`), the IPsec profile (transform sets, PFS, lifetime, IKEv2 profile), the
ISAKMP profile / keyring (IKEv1) or IKEv2 profile / keyring matching the peer, and the device-wide ISAKMP
policies or IKEv2 policy proposals. Omitted settings get IOS defaults (ISAKMP lifetime 86400 s, hash sha,
IPsec SA lifetime 3600 s or the global value, BGP hold time 180 s).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from ...errors import mask_secret_line
from ...ir import DH_GROUPS, IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node, expand, ifname, parse, trie
from ..cisco_common.util import covers, iface_or_none, ip_or_none, net_or_none, sniff
from . import names as N

TOP = trie(
    "crypto isakmp policy", "crypto isakmp profile", "crypto isakmp key", "crypto isakmp keepalive",
    "crypto isakmp identity", "crypto isakmp enable", "crypto isakmp nat-traversal", "crypto isakmp aggressive-mode",
    "crypto isakmp invalid-spi-recovery", "crypto keyring", "crypto ipsec transform-set", "crypto ipsec profile",
    "crypto ipsec df-bit", "crypto ipsec fragmentation", "crypto ipsec security-association lifetime",
    "crypto ipsec security-association replay", "crypto ipsec nat-transparency", "crypto ikev2 proposal",
    "crypto ikev2 policy", "crypto ikev2 keyring", "crypto ikev2 profile", "crypto ikev2 dpd", "crypto ikev2 nat",
    "crypto map", "crypto pki", "crypto ca", "crypto key", "crypto dynamic-map", "crypto logging", "crypto engine",
    "interface", "router bgp", "router ospf", "router eigrp", "router rip", "router isis", "ip route",
    "ip access-list", "ip prefix-list", "ip sla", "ip vrf", "ip domain", "ip name-server", "ip host", "ip cef",
    "ip http", "ip ssh", "ip forward-protocol", "ip nat", "ip dhcp", "ip tcp", "ip scp", "ipv6 route",
    "ipv6 unicast-routing", "route-map", "hostname", "version", "no", "access-list", "key chain", "track",
    "username", "line", "logging", "ntp", "snmp-server", "service", "boot", "vrf definition", "license", "aaa",
    "banner", "enable", "control-plane", "object-group", "spanning-tree", "vlan", "redundancy", "platform",
    "archive", "event", "clock", "memory", "multilink", "call-home", "diagnostic")

CONTEXTS = {
    ("crypto", "isakmp", "policy"): trie("encryption", "hash", "authentication", "group", "lifetime"),
    ("crypto", "isakmp", "profile"): trie(
        "keyring", "match identity address", "match identity host", "local-address", "keepalive",
        "initiate mode", "vrf", "self-identity", "description", "ca trust-point", "qos-group"),
    ("crypto", "keyring"): trie("local-address", "pre-shared-key address", "pre-shared-key hostname",
                                "description"),
    ("crypto", "ipsec", "transform-set"): trie("mode tunnel", "mode transport"),
    ("crypto", "ipsec", "profile"): trie(
        "set transform-set", "set pfs", "set security-association lifetime seconds",
        "set security-association lifetime kilobytes", "set security-association replay", "set ikev2-profile",
        "set isakmp-profile", "description", "responder-only"),
    ("crypto", "ikev2", "proposal"): trie("encryption", "integrity", "prf", "group"),
    ("crypto", "ikev2", "policy"): trie("match address local", "match fvrf", "proposal"),
    ("crypto", "ikev2", "keyring"): trie("peer"),
    ("peer",): trie("address", "pre-shared-key local", "pre-shared-key remote", "pre-shared-key", "identity",
                    "description", "hostname"),
    ("crypto", "ikev2", "profile"): trie(
        "match identity remote address", "match identity remote fqdn", "match address local", "match fvrf",
        "identity local address", "identity local fqdn", "authentication local pre-share",
        "authentication remote pre-share", "authentication local rsa-sig", "authentication remote rsa-sig",
        "keyring local", "dpd", "lifetime", "description", "nat keepalive"),
    ("interface",): trie(
        "ip address", "ip mtu", "ip tcp adjust-mss", "ip unnumbered", "ip virtual-reassembly", "ip access-group",
        "ip ospf", "ip nat", "ipv6 address", "ipv6 enable", "ipv6 mtu", "ipv6 tcp adjust-mss", "tunnel source",
        "tunnel destination", "tunnel mode", "tunnel protection ipsec profile", "tunnel vrf", "shutdown",
        "no shutdown", "no ip address", "description", "vrf forwarding", "ip vrf forwarding", "mtu", "bandwidth",
        "load-interval", "keepalive", "negotiation", "duplex", "speed"),
    ("router", "bgp"): trie(
        "neighbor", "bgp router-id", "bgp log-neighbor-changes", "bgp default ipv4-unicast",
        "no bgp default ipv4-unicast", "timers bgp", "address-family ipv4", "address-family ipv6",
        "address-family vpnv4", "network", "redistribute", "no synchronization", "no auto-summary"),
    ("address-family",): trie("neighbor", "network", "redistribute", "no auto-summary", "no synchronization",
                              "maximum-paths", "bgp", "exit-address-family"),
}
NEIGHBOR = trie("remote-as", "timers", "activate", "shutdown", "local-as", "peer-group", "description",
                "update-source", "route-map", "default-originate", "soft-reconfiguration", "next-hop-self",
                "password", "ebgp-multihop", "fall-over", "send-community", "prefix-list", "filter-list")

KEEP_CRYPTO = {"isakmp", "keyring", "ipsec", "ikev2", "map"}


def _keep(h: list[str]) -> bool:
    if not h:
        return False
    if h[0] == "crypto":
        return len(h) > 1 and h[1] in KEEP_CRYPTO
    if h[0] == "interface":
        return True
    if h[0] == "router":
        return len(h) > 1 and h[1] == "bgp"
    return h[:2] == ["ip", "route"]


def _light(h: list[str]) -> bool:
    """LAN interfaces (only their address is read) and `ip route` lines need no tree."""
    if h[0] == "interface":
        return not "".join(h[1:2]).lower().startswith("tu")
    return h[0] == "ip"


@dataclass
class Key:
    value: str | None
    line: int
    clear: bool


def _key(words: list[str], line: int) -> Key:
    """``[0|6|7] KEY`` -> Key; type 6/7 and masked keys are not comparable."""
    if len(words) >= 2 and words[0] in ("0", "6", "7"):
        return Key(words[1] if words[0] == "0" else None, line, words[0] == "0")
    if not words:
        return Key(None, line, False)
    if set(words[0]) <= {"*"}:
        return Key(None, line, False)
    return Key(words[0], line, True)


@dataclass
class _State:
    policies: list[tuple[int, Node]] = field(default_factory=list)
    isakmp_keys: list[tuple[str, str | None, Key]] = field(default_factory=list)
    keepalive: Node | None = None
    keyrings: dict[str, Node] = field(default_factory=dict)
    isakmp_profiles: dict[str, Node] = field(default_factory=dict)
    transform_sets: dict[str, Node] = field(default_factory=dict)
    ipsec_profiles: dict[str, Node] = field(default_factory=dict)
    ipsec_lifetime: Node | None = None
    proposals: dict[str, Node] = field(default_factory=dict)
    v2_policies: list[Node] = field(default_factory=list)
    v2_keyrings: dict[str, Node] = field(default_factory=dict)
    v2_profiles: dict[str, Node] = field(default_factory=dict)
    interfaces: dict[str, Node] = field(default_factory=dict)
    bgp: list[Node] = field(default_factory=list)
    routes: list[Node] = field(default_factory=list)


def read(text: str, path: str | None = None) -> DeviceConfig:
    sniff(text, path, "ios")
    nodes = parse(text, top=TOP, path=path, keep=_keep, contexts=CONTEXTS, light=_light)
    dev = DeviceConfig(vendor="cisco-ios", path=path)
    st = _State()
    for n in nodes:
        _collect(n, st, dev)
    for name, intf in st.interfaces.items():
        if name.lower().startswith("tunnel") and _is_ipsec(intf):
            dev.tunnels.append(_tunnel(name, intf, st, dev))
    dev.bgp_neighbors = _bgp(st, dev)
    return dev


def _note(dev: DeviceConfig, node: Node, msg: str) -> None:
    dev.notes.append(DeviceNote(node.line, f"{msg}: {mask_secret_line(node.raw.strip())}"))


def _collect(n: Node, st: _State, dev: DeviceConfig) -> None:
    w = n.words
    if n.starts("crypto", "isakmp", "policy") and n.arg(3, "").isdigit():
        st.policies.append((int(w[3]), n))
    elif n.starts("crypto", "isakmp", "key"):
        rest = w[3:]
        if "address" in rest:
            i = rest.index("address")
            st.isakmp_keys.append((rest[i + 1] if len(rest) > i + 1 else "",
                                   rest[i + 2] if len(rest) > i + 2 and ip_or_none(rest[i + 2]) else None,
                                   _key(rest[:i], n.line)))
    elif n.starts("crypto", "isakmp", "keepalive"):
        st.keepalive = n
    elif n.starts("crypto", "keyring") and len(w) > 2:
        st.keyrings[w[2]] = n
    elif n.starts("crypto", "isakmp", "profile") and len(w) > 3:
        st.isakmp_profiles[w[3]] = n
    elif n.starts("crypto", "ipsec", "transform-set") and len(w) > 3:
        st.transform_sets[w[3]] = n
    elif n.starts("crypto", "ipsec", "profile") and len(w) > 3:
        st.ipsec_profiles[w[3]] = n
    elif n.starts("crypto", "ipsec", "security-association", "lifetime", "seconds"):
        st.ipsec_lifetime = n
    elif n.starts("crypto", "ikev2", "proposal") and len(w) > 3:
        st.proposals[w[3]] = n
    elif n.starts("crypto", "ikev2", "policy"):
        st.v2_policies.append(n)
    elif n.starts("crypto", "ikev2", "keyring") and len(w) > 3:
        st.v2_keyrings[w[3]] = n
    elif n.starts("crypto", "ikev2", "profile") and len(w) > 3:
        st.v2_profiles[w[3]] = n
    elif n.starts("interface") and len(w) > 1:
        st.interfaces[ifname(" ".join(w[1:]))] = n
    elif n.starts("router", "bgp"):
        st.bgp.append(n)
    elif n.starts("ip", "route"):
        st.routes.append(n)


def _is_ipsec(intf: Node) -> bool:
    return bool(intf.find("tunnel", "protection") or any(c.starts("tunnel", "mode") and "ipsec" in c.words
                                                         for c in intf.children))


def _interface_ip(st: _State, name: str) -> tuple[ipaddress.IPv4Address | None, int | None]:
    """An address written as an interface name resolves to that interface's primary address."""
    ip = ip_or_none(name)
    if ip is not None:
        return ip, None
    intf = st.interfaces.get(ifname(name))
    if intf is None:
        return None, None
    for c in intf.find("ip", "address"):
        if "secondary" not in c.words and iface_or_none(c.arg(2), c.arg(3)):
            return ip_or_none(c.arg(2)), c.line
    return None, None


def _tunnel(name: str, intf: Node, st: _State, dev: DeviceConfig) -> DeviceTunnel:
    t = DeviceTunnel(name=name, line=intf.line)
    t.set("enabled", not intf.first("shutdown"), (intf.first("shutdown") or intf).line)
    peer = None
    for c in intf.children:
        if c.starts("tunnel", "destination"):
            peer = ip_or_none(c.arg(2))
            if peer is None:
                _note(dev, c, "tunnel destination is not an IPv4 address")
            else:
                t.set("outside.aws", peer, c.line)
        elif c.starts("ip", "address") and "secondary" not in c.words:
            addr = iface_or_none(c.arg(2), c.arg(3))
            if addr is not None:
                t.set("inside.customer", addr, c.line)
        elif c.starts("ipv6", "address") and len(c.words) > 2 and "link-local" not in c.words:
            try:
                t.set("inside_ipv6.customer", ipaddress.IPv6Interface(c.words[2]), c.line)
            except ValueError:
                pass
        elif c.starts("ip", "mtu") and c.arg(2, "").isdigit():
            t.set("mtu", int(c.words[2]), c.line)
        elif c.starts("ip", "tcp", "adjust-mss") and c.arg(3, "").isdigit():
            t.set("tcp_mss", int(c.words[3]), c.line)
    src = intf.first("tunnel", "source")
    local_from_source = _interface_ip(st, " ".join(src.words[2:])) if src else (None, None)

    prof_node = intf.first("tunnel", "protection", "ipsec", "profile")
    ipsec = st.ipsec_profiles.get(prof_node.arg(4, "")) if prof_node else None
    if prof_node is not None and ipsec is None:
        _note(dev, prof_node, "IPsec profile not found")
    t.values["_ipsec_profile"] = Obs(prof_node.arg(4) if prof_node else None, prof_node.line if prof_node else None)
    _ipsec(t, ipsec, st, dev)
    v2name = ipsec.first("set", "ikev2-profile") if ipsec else None
    v2 = st.v2_profiles.get(v2name.arg(2, "")) if v2name else None
    if v2 is None and v2name is None and peer is not None and not _isakmp_profile_for(st, peer, ipsec):
        v2 = next((p for p in st.v2_profiles.values() if _v2_matches(p, peer)), None)
    if v2 is not None:
        _ikev2(t, v2, peer, st, dev, local_from_source)
    else:
        _ikev1(t, peer, ipsec, st, dev, local_from_source)
    routes, line = _routes(st, name, t.get("inside.customer"))
    if routes:
        t.set("static_routes", routes, line)
    return t


def _ipsec(t: DeviceTunnel, prof: Node | None, st: _State, dev: DeviceConfig) -> None:
    enc: list = []
    integ: list = []
    line = None
    if prof is not None:
        for c in prof.find("set", "transform-set"):
            line = c.line
            for ts_name in c.words[2:]:
                ts = st.transform_sets.get(ts_name)
                if ts is None:
                    _note(dev, c, f"transform set {ts_name} not found")
                    continue
                e, i = _transform(ts)
                enc += e
                integ += i
        t.values["_transform_sets"] = Obs(tuple(w for c in prof.find("set", "transform-set") for w in c.words[2:]),
                                          line)
    if line is not None:
        t.set("ipsec.encryption", uniq(enc), line)
        t.set("ipsec.integrity", uniq(integ), line)
    pfs = prof.first("set", "pfs") if prof else None
    if prof is not None:
        group = N.pfs_read(pfs.arg(2, "")) if pfs else None
        t.set("ipsec.pfs_groups", (group,) if group else (), pfs.line if pfs else prof.line)
        life = prof.first("set", "security-association", "lifetime", "seconds")
        if life and life.arg(4, "").isdigit():
            t.set("ipsec.lifetime_s", int(life.words[4]), life.line)
        elif st.ipsec_lifetime is not None and st.ipsec_lifetime.arg(5, "").isdigit():
            t.set("ipsec.lifetime_s", int(st.ipsec_lifetime.words[5]), st.ipsec_lifetime.line)
        else:
            t.set("ipsec.lifetime_s", N.IPSEC_DEFAULT_LIFETIME, prof.line)


def _transform(ts: Node) -> tuple[list, list]:
    words = [w.lower() for w in ts.words[4:]]
    enc, integ = [], []
    i = 0
    while i < len(words):
        two = " ".join(words[i:i + 2])
        if two in N.ESP_ENC_READ:
            enc.append(N.ESP_ENC_READ[two])
            i += 2
            continue
        if words[i] in N.ESP_ENC_READ:
            enc.append(N.ESP_ENC_READ[words[i]])
        elif words[i] in N.ESP_HASH_READ:
            integ.append(N.ESP_HASH_READ[words[i]])
        i += 1
    return enc, integ


# -- IKEv1 -------------------------------------------------------------------------------------

def _isakmp_profile_for(st: _State, peer: ipaddress.IPv4Address, ipsec: Node | None) -> Node | None:
    if ipsec is not None:
        ref = ipsec.first("set", "isakmp-profile")
        if ref is not None and ref.arg(2) in st.isakmp_profiles:
            return st.isakmp_profiles[ref.words[2]]
    for p in st.isakmp_profiles.values():
        for m in p.find("match", "identity", "address"):
            if covers(m.arg(3), m.arg(4), peer):
                return p
    return None


def _ikev1(t: DeviceTunnel, peer, ipsec: Node | None, st: _State, dev: DeviceConfig, from_source) -> None:
    t.set("ike.version", IkeVersion.IKEV1, ipsec.line if ipsec else t.line)
    prof = _isakmp_profile_for(st, peer, ipsec) if peer else None
    t.values["_isakmp_profile"] = Obs(prof.words[3] if prof else None, prof.line if prof else None)
    mode = NegotiationMode.MAIN
    if prof is not None and any(c.starts("initiate", "mode") and c.arg(2) == "aggressive" for c in prof.children):
        mode = NegotiationMode.AGGRESSIVE
    t.set("ike.mode", mode, prof.line if prof else t.line)
    # keys: the profile's keyrings, else every keyring, else `crypto isakmp key`
    rings = [st.keyrings.get(c.arg(1, "")) for c in prof.find("keyring")] if prof else []
    rings = [r for r in rings if r is not None] or list(st.keyrings.values())
    key, ring_used = None, None
    best = -1
    for ring in rings:
        for c in ring.find("pre-shared-key", "address"):
            w = c.words[2:]
            if "key" not in w or peer is None:
                continue
            i = w.index("key")
            m = w[1] if i > 1 else None
            if covers(w[0], m, peer):
                plen = net_or_none(w[0], m).prefixlen if net_or_none(w[0], m) else 0
                if plen > best:
                    best, key, ring_used = plen, _key(w[i + 1:], c.line), ring
    if key is None and peer is not None:
        for addr, m, k in st.isakmp_keys:
            if covers(addr, m, peer):
                key = k
                break
    t.values["_keyring"] = Obs(ring_used.words[2] if ring_used else None, ring_used.line if ring_used else None)
    if key is not None:
        t.set("ike.psk", key.value, key.line, verifiable=key.clear)
    # local identity: profile local-address, keyring local-address, tunnel source
    local = None
    for node in (prof, ring_used):
        la = node.first("local-address") if node else None
        if la is not None:
            ip, _ = _interface_ip(st, " ".join(la.words[1:]))
            if ip is not None:
                local = (ip, la.line)
                break
    if local is None and from_source[0] is not None:
        local = from_source
    if local is not None:
        t.set("outside.customer", local[0], local[1])
    # DPD: per profile, else global
    ka = prof.first("keepalive") if prof else None
    if ka is not None and ka.arg(1, "").isdigit():
        retry = ka.words[3] if ka.arg(2) == "retry" and ka.arg(3, "").isdigit() else None
        t.set("dpd.interval_s", int(ka.words[1]), ka.line)
        t.set("dpd.retries", int(retry) if retry else N.KEEPALIVE_DEFAULT_RETRY, ka.line)
    elif st.keepalive is not None and st.keepalive.arg(3, "").isdigit():
        g = st.keepalive
        t.set("dpd.interval_s", int(g.words[3]), g.line)
        t.set("dpd.retries", int(g.words[4]) if g.arg(4, "").isdigit() else N.KEEPALIVE_DEFAULT_RETRY, g.line)
    _policies(t, st, dev)


def _policies(t: DeviceTunnel, st: _State, dev: DeviceConfig) -> None:
    enc, integ, groups, lifetimes = [], [], [], []
    used = []
    for number, p in sorted(st.policies, key=lambda x: x[0]):
        auth = p.first("authentication")
        if auth is None or auth.arg(1) != "pre-share":
            continue  # IOS default authentication is rsa-sig: not usable with a pre-shared key
        used.append(number)
        e = p.first("encryption")
        val = None
        if e is not None:
            spell = " ".join(w.lower() for w in e.words[1:3])
            val = N.ISAKMP_ENC_READ.get(spell) or N.ISAKMP_ENC_READ.get(e.arg(1, "").lower())
            if val is not None:
                enc.append(val)
        h = p.first("hash")
        hv = N.ISAKMP_HASH_READ.get(h.arg(1, "").lower()) if h else N.ISAKMP_DEFAULT_HASH
        if hv is not None:
            integ.append(hv)
        g = p.first("group")
        group = int(g.words[1]) if g and g.arg(1, "").isdigit() else N.ISAKMP_DEFAULT_GROUP
        groups.append(group)
        life = p.first("lifetime")
        # only a policy AWS can negotiate (its algorithms) decides the compared lifetime
        aws_able = val is not None and hv is not None and group in DH_GROUPS
        lifetimes.append((int(life.words[1]) if life and life.arg(1, "").isdigit() else N.ISAKMP_DEFAULT_LIFETIME,
                          (life or p).line, aws_able))
    t.values["_isakmp_policies"] = Obs(tuple(used), None)
    t.values["_all_policies"] = Obs(tuple(n for n, _ in st.policies), None)
    if not used:
        return
    first_line = next(p.line for n, p in sorted(st.policies, key=lambda x: x[0]) if n == used[0])
    t.set("ike.encryption", uniq(enc), first_line)
    t.set("ike.integrity", uniq(integ), first_line)
    t.set("ike.dh_groups", uniq(groups), first_line)
    usable = [x for x in lifetimes if x[2]] or lifetimes
    t.set("ike.lifetime_s", usable[0][0], usable[0][1])
    if len({v for v, _, _ in usable}) > 1 and not any("different lifetimes" in n.message for n in dev.notes):
        dev.notes.append(DeviceNote(usable[0][1], "ISAKMP policies AWS could use carry different lifetimes; the "
                                    f"first one's ({usable[0][0]} s) is compared"))


# -- IKEv2 -------------------------------------------------------------------------------------

def _v2_matches(prof: Node, peer) -> bool:
    return any(covers(m.arg(4), m.arg(5), peer) for m in prof.find("match", "identity", "remote", "address"))


def _ikev2(t: DeviceTunnel, prof: Node, peer, st: _State, dev: DeviceConfig, from_source) -> None:
    t.set("ike.version", IkeVersion.IKEV2, prof.line)
    t.values["_ikev2_profile"] = Obs(prof.words[3], prof.line)
    key = None
    for c in prof.find("authentication", "local", "pre-share"):
        if c.arg(3) == "key":
            key = _key(c.words[4:], c.line)
    ring_ref = prof.first("keyring", "local")
    ring = st.v2_keyrings.get(ring_ref.arg(2, "")) if ring_ref else None
    t.values["_ikev2_keyring"] = Obs(ring.words[3] if ring else None, ring.line if ring else None)
    if key is None and ring is not None and peer is not None:
        for p in ring.find("peer"):
            if any(covers(a.arg(1), a.arg(2), peer) for a in p.find("address")):
                t.values["_ikev2_peer"] = Obs(p.arg(1), p.line)
                for c in p.find("pre-shared-key"):
                    if c.arg(1) in ("remote",) and key is not None:
                        continue
                    key = _key(c.words[2:] if c.arg(1) in ("local", "remote") else c.words[1:], c.line)
                break
    if key is not None:
        t.set("ike.psk", key.value, key.line, verifiable=key.clear)
    ident = prof.first("identity", "local", "address")
    local = None
    if ident is not None and ip_or_none(ident.arg(3)):
        local = (ip_or_none(ident.arg(3)), ident.line)
    else:
        m = prof.first("match", "address", "local")
        ip = _interface_ip(st, " ".join(m.words[3:]))[0] if m else None
        if ip is not None:
            local = (ip, m.line)
        elif from_source[0] is not None:
            local = from_source
    if local is not None:
        t.set("outside.customer", local[0], local[1])
    dpd = prof.first("dpd")
    if dpd is not None and dpd.arg(1, "").isdigit() and dpd.arg(2, "").isdigit():
        t.set("dpd.interval_s", int(dpd.words[1]), dpd.line)
        t.set("dpd.retries", int(dpd.words[2]), dpd.line)
    life = prof.first("lifetime")
    t.set("ike.lifetime_s", int(life.words[1]) if life and life.arg(1, "").isdigit() else N.IKEV2_DEFAULT_LIFETIME,
          (life or prof).line)
    enc, integ, groups = [], [], []
    line = None
    pols = [p for p in st.v2_policies
            if not p.find("match", "address", "local")
            or any(_interface_ip(st, " ".join(m.words[3:]))[0] == (local[0] if local else None)
                   for m in p.find("match", "address", "local"))]
    t.values["_ikev2_policies"] = Obs(tuple(p.arg(3) for p in pols), None)
    for pol in pols:
        for ref in pol.find("proposal"):
            for name in ref.words[1:]:
                prop = st.proposals.get(name)
                if prop is None:
                    _note(dev, ref, f"IKEv2 proposal {name} not found")
                    continue
                line = line or prop.line
                for c in prop.children:
                    vals = [v.lower() for v in c.words[1:]]
                    if c.starts("encryption"):
                        enc += [N.IKEV2_ENC_READ[v] for v in vals if v in N.IKEV2_ENC_READ]
                    elif c.starts("integrity") or c.starts("prf"):
                        integ += [N.IKEV2_HASH_READ[v] for v in vals if v in N.IKEV2_HASH_READ]
                    elif c.starts("group"):
                        groups += [int(v) for v in vals if v.isdigit()]
    if not st.v2_policies:
        enc, integ, groups = (list(x) for x in N.IKEV2_DEFAULT_PROPOSAL)
        line = prof.line
    if line is not None:
        t.set("ike.encryption", uniq(enc), line)
        t.set("ike.integrity", uniq(integ), line)
        t.set("ike.dh_groups", uniq(groups), line)


# -- routing -----------------------------------------------------------------------------------

def _routes(st: _State, tunnel: str, inside: Obs | None) -> tuple[tuple, int | None]:
    out = []
    line = None
    net30 = inside.value.network if inside is not None else None
    for r in st.routes:
        w = r.words[2:]
        if w[:1] == ["vrf"] or len(w) < 3:
            continue
        dest = net_or_none(w[0], w[1])
        if dest is None:
            continue
        via = w[2]
        nh = ip_or_none(via)
        if (nh is None and ifname(via) == tunnel) or (nh is not None and net30 is not None and nh in net30):
            out.append(dest)
            line = line or r.line
    return uniq(out), line


def _bgp(st: _State, dev: DeviceConfig) -> list[dict[str, Obs]]:
    if not st.bgp:
        return []
    asn_word = st.bgp[0].arg(2, "")
    for b in st.bgp[1:]:
        if b.arg(2) != asn_word:
            _note(dev, b, "a second BGP process: IOS runs one, only the first is read")
    asn = int(asn_word) if asn_word.isdigit() else None
    if asn is None:
        _note(dev, st.bgp[0], "BGP AS number is not a number")
    procs = [b for b in st.bgp if b.arg(2) == asn_word]
    nbrs: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    default_activate = True
    timers = None

    def handle(c: Node, af: bool) -> None:
        words = c.words[:2] + expand(c.words[2:], NEIGHBOR)
        who, cmd = words[1], words[2] if len(words) > 2 else ""
        target = nbrs if ip_or_none(who) else groups
        d = target.setdefault(who, {"line": c.line})
        if cmd == "remote-as" and len(words) > 3 and words[3].isdigit():
            d["remote_as"] = (int(words[3]), c.line)
        elif cmd == "timers" and len(words) > 4 and words[4].isdigit():
            d["hold"] = (int(words[4]), c.line)
        elif cmd == "activate":
            d["activate"] = (True, c.line)
        elif cmd == "shutdown":
            d["shutdown"] = c.line
        elif cmd == "local-as" and len(words) > 3 and words[3].isdigit():
            d["local_as"] = (int(words[3]), c.line)
        elif cmd == "peer-group" and len(words) > 3:
            d["group"] = words[3]

    for b in procs:
        for c in b.children:
            if c.starts("neighbor") and len(c.words) > 2:
                handle(c, False)
            elif c.starts("no", "bgp", "default", "ipv4-unicast"):
                default_activate = False
            elif c.starts("timers", "bgp") and c.arg(3, "").isdigit():
                timers = (int(c.words[3]), c.line)
            elif c.starts("address-family", "ipv4") and c.arg(2, "unicast") == "unicast":
                for cc in c.find("neighbor"):
                    if len(cc.words) > 2:
                        handle(cc, True)
    out = []
    for ip, d in nbrs.items():
        g = groups.get(d.get("group", ""), {})

        def pick(k: str):
            return d.get(k) or g.get(k)

        nb: dict[str, Obs] = {"neighbor": Obs(ipaddress.IPv4Address(ip), d["line"]),
                              "_router_asn": Obs(asn_word, procs[0].line)}
        ra = pick("remote_as")
        if ra:
            nb["aws_asn"] = Obs(ra[0], ra[1])
        la = pick("local_as")
        if la:
            nb["customer_asn"] = Obs(la[0], la[1])
        elif asn is not None:
            nb["customer_asn"] = Obs(asn, procs[0].line)
        hold = pick("hold") or timers
        nb["hold_time_s"] = Obs(hold[0], hold[1]) if hold else Obs(N.BGP_DEFAULT_HOLD, d["line"])
        shut = pick("shutdown")
        active = default_activate or pick("activate")
        if shut is not None:
            nb["enabled"] = Obs(False, shut)
        elif not active:
            nb["enabled"] = Obs(False, d["line"])
        out.append(nb)
    return out
