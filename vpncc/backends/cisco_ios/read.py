"""Cisco IOS / IOS-XE running-config -> DeviceConfig (route-based VTI tunnels, BGP, static routes).

A tunnel is an `interface TunnelN` protected by an IPsec profile (or in `tunnel mode ipsec`). From it:
the peer (`tunnel destination`), the IPsec profile (transform sets, PFS, lifetime, IKEv2 profile), the
ISAKMP profile / keyring (IKEv1) or IKEv2 profile / keyring matching the peer, and the device-wide ISAKMP
policies or IKEv2 policy proposals. Omitted settings get IOS defaults (ISAKMP lifetime 86400 s, hash sha,
IPsec SA lifetime 3600 s or the global value, BGP hold time 180 s).
"""

from __future__ import annotations

import ipaddress
import re

from ...ir import DH_GROUPS, IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
from ...validate.negotiation import DpdBehaviour, Proposal
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node, ifname, parse, trie
from ..cisco_common.util import covers, iface_or_none, ip_or_none, net_or_none, sniff
from . import bgp as B
from . import names as N
from .ikev2 import _ikev2, _v2_matches
from .inventory import inventory
from .prep import normalize
from .state import _dpd, _interface_ip, _key, _note, _set_local, _State, _unverified

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
        "self-identity address", "self-identity fqdn", "self-identity user-fqdn",
        "initiate mode", "vrf", "description", "ca trust-point", "qos-group"),
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
    ("ip", "access-list", "extended"): trie("permit", "deny", "remark"),
    ("crypto", "map"): trie(
        "set peer", "set transform-set", "set pfs", "set security-association lifetime seconds",
        "set security-association lifetime kilobytes", "set isakmp-profile", "set ikev2-profile", "match address",
        "description", "reverse-route"),
    ("peer",): trie("address", "pre-shared-key local", "pre-shared-key remote", "pre-shared-key", "identity",
                    "description", "hostname"),
    ("crypto", "ikev2", "profile"): trie(
        "match identity remote address", "match identity remote fqdn", "match address local", "match fvrf",
        "identity local address", "identity local fqdn", "identity local email", "identity local dn",
        "authentication local pre-share",
        "authentication remote pre-share", "authentication local rsa-sig", "authentication remote rsa-sig",
        "keyring local", "dpd", "lifetime", "description", "nat keepalive", "pki trustpoint"),
    ("interface",): trie(
        "ip address", "ip mtu", "ip tcp adjust-mss", "ip unnumbered", "ip virtual-reassembly", "ip access-group",
        "ip ospf", "ip nat", "ipv6 address", "ipv6 enable", "ipv6 mtu", "ipv6 tcp adjust-mss", "tunnel source",
        "tunnel destination", "tunnel mode", "tunnel protection ipsec profile", "tunnel vrf", "shutdown",
        "crypto map", "tunnel path-mtu-discovery",
        "no shutdown", "no ip address", "description", "vrf forwarding", "ip vrf forwarding", "mtu", "bandwidth",
        "load-interval", "keepalive", "negotiation", "duplex", "speed"),
    ("router", "bgp"): trie(
        "neighbor", "bgp router-id", "bgp log-neighbor-changes", "bgp default ipv4-unicast",
        "no bgp default ipv4-unicast", "timers bgp", "address-family ipv4", "address-family ipv6",
        "address-family vpnv4", "network", "redistribute", "no synchronization", "no auto-summary",
        "bgp asnotation", "template"),
    ("address-family",): trie("neighbor", "network", "redistribute", "no auto-summary", "no synchronization",
                              "maximum-paths", "bgp", "exit-address-family"),
}
#: `pre-shared-key KEY` and `pre-shared-key local|remote KEY`: "" marks that arguments may follow directly
CONTEXTS[("peer",)]["pre-shared-key"][""] = {}

KEEP_CRYPTO = {"isakmp", "keyring", "ipsec", "ikev2", "map"}


def _keep(h: list[str]) -> bool:
    if not h:
        return False
    if h[0] == "crypto":
        return len(h) > 1 and h[1] in KEEP_CRYPTO
    if h[0] == "no":  # `no crypto ipsec nat-transparency udp-encapsulation`
        return h[1:2] == ["crypto"]
    if h[0] == "interface":
        return True
    if h[0] == "router":
        return len(h) > 1 and h[1] == "bgp"
    return h[:2] == ["ip", "route"]


def _keep_acls(h: list[str]) -> bool:
    """With crypto maps, their extended ACLs too (a big config holds thousands of other ACLs)."""
    return _keep(h) or h[:3] == ["ip", "access-list", "extended"]


def _light(h: list[str]) -> bool:
    """LAN interfaces (only their address is read) and `ip route` lines need no tree."""
    if h[0] == "interface":
        return not "".join(h[1:2]).lower().startswith("tu")
    return h[0] == "ip"


_VERSION = re.compile(r"(?m)^version\s+(\d+)\.")
_CRYPTO_MAP = re.compile(r"(?m)^\s*crypto map \S+ \d+ ipsec-isakmp")


def read(text: str, path: str | None = None) -> DeviceConfig:
    if text.strip():
        text = normalize(text, TOP, CONTEXTS)
    sniff(text, path, "ios")
    keep = _keep_acls if _CRYPTO_MAP.search(text) else _keep
    nodes = parse(text, top=TOP, path=path, keep=keep, contexts=CONTEXTS, light=_light)
    dev = DeviceConfig(vendor="cisco-ios", path=path)
    st = _State()
    m = _VERSION.search(text[:20000])
    st.release_15 = bool(m and int(m.group(1)) <= 15)
    for n in nodes:
        _collect(n, st, dev)
    for name, intf in st.interfaces.items():
        if name.lower().startswith("tunnel") and _is_ipsec(intf):
            dev.tunnels.append(_tunnel(name, intf, st, dev))
    # one pass over the interfaces (a big config has thousands): the addresses the router owns (remediation
    # never writes any other into a local-address statement) and the crypto maps applied
    owned = []
    maps = []
    for intf in st.interfaces.values():
        for c in intf.children:
            w = c.words
            if len(w) > 2 and w[1] == "address" and w[0] == "ip":
                owned.append(w[2])  # as written: parsed only when remediation asks
            elif len(w) > 2 and w[0] == "crypto" and w[1] == "map" and st.crypto_maps:
                maps.append((w[2], intf))
    for name, intf in maps:
        for entry in st.crypto_maps.get(name, []):
            t = _map_tunnel(entry, intf, st, dev)
            if t is not None:
                dev.tunnels.append(t)
    for t in dev.tunnels:
        t.values["_owned"] = Obs(tuple(owned), None)
    dev.bgp_neighbors = B.neighbors(st.bgp, dev)
    dev.inventory = inventory(text)  # what compile --running allocates around
    return dev


def _collect(n: Node, st: _State, dev: DeviceConfig) -> None:
    w = n.words
    head = w[0]
    if head == "interface":  # most stanzas of a big config: decided first
        if len(w) > 1:
            st.interfaces[ifname(" ".join(w[1:]))] = n
    elif head == "ip":
        if w[1:2] == ["route"]:
            st.routes.append(n)
        elif w[1:3] == ["access-list", "extended"] and len(w) > 3:
            st.acls[w[3]] = n
    elif head == "router":
        if w[1:2] == ["bgp"]:
            st.bgp.append(n)
    elif head == "no":
        if n.starts("no", "crypto", "ipsec", "nat-transparency"):
            st.nat_t = n
    elif head == "crypto" and len(w) > 2:
        _collect_crypto(n, w, st)


def _collect_crypto(n: Node, w: list[str], st: _State) -> None:
    kind, sub = w[1], w[2]
    if kind == "isakmp":
        if sub == "policy" and n.arg(3, "").isdigit():
            st.policies.append((int(w[3]), n))
        elif sub == "key":
            rest = w[3:]
            if "address" in rest:
                i = rest.index("address")
                st.isakmp_keys.append((rest[i + 1] if len(rest) > i + 1 else "",
                                       rest[i + 2] if len(rest) > i + 2 and ip_or_none(rest[i + 2]) else None,
                                       _key(rest[:i], n.line)))
        elif sub == "keepalive":
            st.keepalive = n
        elif sub == "identity":
            st.identity = n
        elif sub == "profile" and len(w) > 3:
            st.isakmp_profiles[w[3]] = n
    elif kind == "keyring":
        st.keyrings[sub] = n
    elif kind == "ipsec" and len(w) > 3:
        if sub == "transform-set":
            st.transform_sets[w[3]] = n
        elif sub == "profile":
            st.ipsec_profiles[w[3]] = n
        elif n.starts("crypto", "ipsec", "security-association", "lifetime", "seconds"):
            st.ipsec_lifetime = n
    elif kind == "ikev2":
        if sub == "policy":
            st.v2_policies.append(n)
        elif sub == "dpd":
            st.v2_dpd = n
        elif len(w) > 3 and sub in ("proposal", "keyring", "profile"):
            {"proposal": st.proposals, "keyring": st.v2_keyrings, "profile": st.v2_profiles}[sub][w[3]] = n
    elif kind == "map" and len(w) > 4 and w[3].isdigit() and w[4].startswith("ipsec-isakmp"):
        st.crypto_maps.setdefault(sub, []).append(n)


def _is_ipsec(intf: Node) -> bool:
    return bool(intf.find("tunnel", "protection") or any(c.starts("tunnel", "mode") and "ipsec" in c.words
                                                         for c in intf.children))


def _common(t: DeviceTunnel, st: _State) -> None:
    on = N.NAT_T_DEFAULT if st.nat_t is None else "udp-encapsulation" not in st.nat_t.words
    t.set("nat_t", on, st.nat_t.line if st.nat_t else None)


def _tunnel(name: str, intf: Node, st: _State, dev: DeviceConfig) -> DeviceTunnel:
    t = DeviceTunnel(name=name, line=intf.line)
    t.set("enabled", not intf.first("shutdown"), (intf.first("shutdown") or intf).line)
    peer = None
    for c in intf.children:
        if c.starts("tunnel", "destination"):
            peer = ip_or_none(c.arg(2))
            if peer is None:
                _note(dev, c, "tunnel destination is not an IPv4 address")
                what = "an IPv6 address (vpncc reads IPv4 transport)" if ":" in c.arg(2, "") else "a host name"
                # keys and profiles are chosen by the peer address: unreadable too
                for prefix in ("outside", "ike.psk"):
                    _unverified(t, prefix, f"tunnel destination {c.arg(2)}, {what}", c.line)
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
    if t.get("mtu") is None:
        t.set("mtu_derived", N.MTU_DERIVED, intf.line)
    _common(t, st)
    src = intf.first("tunnel", "source")
    from_source = _interface_ip(st, " ".join(src.words[2:])) if src else (None, None)
    if src is not None and from_source[0] is not None and from_source[1] is None:
        from_source = (from_source[0], src.line)

    prof_node = intf.first("tunnel", "protection", "ipsec", "profile")
    ipsec = st.ipsec_profiles.get(prof_node.arg(4, "")) if prof_node else None
    if prof_node is not None and ipsec is None:
        _note(dev, prof_node, "IPsec profile not found")
    t.values["_ipsec_profile"] = Obs(prof_node.arg(4) if prof_node else None, prof_node.line if prof_node else None)
    _ike(t, peer, ipsec, st, dev, from_source, src)
    routes, line = B.routes(st.routes, name, t.get("inside.customer"))
    if routes:
        t.set("static_routes", routes, line)
    return t


def _map_tunnel(entry: Node, outside: Node, st: _State, dev: DeviceConfig) -> DeviceTunnel | None:
    """A policy-based tunnel: one `crypto map NAME SEQ ipsec-isakmp` entry applied to an interface."""
    peers = [ip_or_none(c.arg(2)) for c in entry.find("set", "peer")]
    peer = next((p for p in peers if p is not None), None)
    if peer is None:
        return None
    t = DeviceTunnel(name=f"crypto map {entry.words[2]} {entry.words[3]}", line=entry.line)
    t.set("policy_based", True, entry.line)
    t.set("enabled", not outside.first("shutdown"), (outside.first("shutdown") or entry).line)
    t.set("outside.aws", peer, entry.first("set", "peer").line)
    _common(t, st)
    from_source = _interface_ip(st, " ".join(outside.words[1:]))
    acl = entry.first("match", "address")
    if acl is None:
        _note(dev, entry, "crypto map entry without `match address`: it protects no traffic")
    else:
        nets = _acl_destinations(st.acls.get(acl.arg(2, "")))
        if nets is None:
            _unverified(t, "static_routes", f"the crypto ACL {acl.arg(2)} (not an extended ACL vpncc can read)",
                        acl.line)
        elif nets:
            t.set("static_routes", nets, acl.line)
    # a policy-based tunnel has no tunnel interface: the MSS is clamped on the interfaces the traffic
    # crosses (`ip tcp adjust-mss` acts on SYNs in both directions of the interface it is on)
    mss = [int(c.words[3]) for i in [outside, *st.interfaces.values()] for c in i.find("ip", "tcp", "adjust-mss")
           if c.arg(3, "").isdigit()]
    if mss:
        t.set("tcp_mss", min(mss), entry.line)
    t.values["_ipsec_profile"] = Obs(None, None)
    # remediation edits the device's own objects: the crypto map entry and its ACL
    t.values["_crypto_map"] = Obs(" ".join(entry.words[:4]) + " ipsec-isakmp", entry.line)
    t.values["_crypto_acl"] = Obs(acl.arg(2) if acl is not None else None, acl.line if acl is not None else None)
    _ike(t, peer, entry, st, dev, from_source, None)
    return t


def _acl_destinations(acl: Node | None) -> tuple | None:
    """Destination networks of an extended crypto ACL's `permit ip` entries (None: cannot be read)."""
    if acl is None:
        return None
    out = []
    for c in acl.children:
        w = c.words[1:] if c.arg(0, "").isdigit() else c.words  # sequence numbers
        if not w or w[0] != "permit":
            continue
        if len(w) < 2 or w[1] != "ip":
            return None
        rest = w[2:]
        _, rest = _acl_addr(rest)
        dst, rest = _acl_addr(rest)
        if dst is None:
            return None
        out.append(dst)
    return uniq(out)


def _acl_addr(w: list[str]) -> tuple[ipaddress.IPv4Network | None, list[str]]:
    if not w:
        return None, w
    if w[0] == "any":
        return ipaddress.IPv4Network("0.0.0.0/0"), w[1:]
    if w[0] == "host" and len(w) > 1 and ip_or_none(w[1]):
        return ipaddress.IPv4Network(w[1]), w[2:]
    if len(w) > 1 and ip_or_none(w[0]) and ip_or_none(w[1]):
        try:
            return ipaddress.IPv4Network(f"{w[0]}/{w[1]}", strict=False), w[2:]
        except ValueError:  # a wildcard that is not a contiguous mask
            return None, w[2:]
    return None, w


# -- phase 2 -----------------------------------------------------------------------------------

def _ipsec(t: DeviceTunnel, prof: Node | None, st: _State, dev: DeviceConfig) -> None:
    """Transform sets (one proposal each, in the order the profile or map entry lists them) with the
    profile's PFS: `set pfs` absent = PFS off, bare `set pfs` = group 1."""
    if prof is None:
        return
    pfs = prof.first("set", "pfs")
    group = (N.pfs_read(pfs.arg(2, "")) if pfs.arg(2) else N.PFS_BARE_GROUP) if pfs else None
    groups = (group,) if group else ()
    t.set("ipsec.pfs_groups", groups, pfs.line if pfs else prof.line)
    enc: list = []
    integ: list = []
    props = []
    line = None
    names = []
    for c in prof.find("set", "transform-set"):
        line = line or c.line
        for ts_name in c.words[2:]:
            names.append(ts_name)
            ts = st.transform_sets.get(ts_name)
            if ts is None:
                _note(dev, c, f"transform set {ts_name} not found")
                continue
            e, i, unknown = _transform(ts)
            enc += e
            integ += i
            props.append(Proposal(tuple(e), tuple(i), groups, label=f"transform-set {ts_name}", line=ts.line,
                                  unknown=tuple(unknown)))
    t.values["_transform_sets"] = Obs(tuple(names), line)
    if line is not None:
        t.set("ipsec.encryption", uniq(enc), line)
        t.set("ipsec.integrity", uniq(integ), line)
        t.set("ipsec.proposals", tuple(props), line)
    life = prof.first("set", "security-association", "lifetime", "seconds")
    if life and life.arg(4, "").isdigit():
        t.set("ipsec.lifetime_s", int(life.words[4]), life.line)
    elif st.ipsec_lifetime is not None and st.ipsec_lifetime.arg(5, "").isdigit():
        t.set("ipsec.lifetime_s", int(st.ipsec_lifetime.words[5]), st.ipsec_lifetime.line)
    else:
        t.set("ipsec.lifetime_s", N.IPSEC_DEFAULT_LIFETIME, prof.line)


def _transform(ts: Node) -> tuple[list, list, list]:
    words = [w.lower() for w in ts.words[4:]]
    enc, integ, unknown = [], [], []
    i = 0
    while i < len(words):
        two = " ".join(words[i:i + 2])
        if two in N.ESP_ENC_READ and i + 1 < len(words) and words[i + 1].isdigit():
            enc.append(N.ESP_ENC_READ[two])
            i += 2
            continue
        if words[i] in N.ESP_ENC_READ:
            enc.append(N.ESP_ENC_READ[words[i]])
        elif words[i] in N.ESP_HASH_READ:
            integ.append(N.ESP_HASH_READ[words[i]])
        elif words[i].startswith(("esp-", "ah-", "comp-")):
            unknown.append(words[i])
        i += 1
    return enc, integ, unknown


# -- phase 1 -----------------------------------------------------------------------------------

def _ike(t: DeviceTunnel, peer, ipsec: Node | None, st: _State, dev: DeviceConfig, from_source, src) -> None:
    _ipsec(t, ipsec, st, dev)
    v2name = ipsec.first("set", "ikev2-profile") if ipsec else None
    v2 = st.v2_profiles.get(v2name.arg(2, "")) if v2name else None
    if v2 is None and v2name is None and peer is not None and not _isakmp_profile_for(st, peer, ipsec):
        v2 = next((p for p in st.v2_profiles.values() if _v2_matches(p, peer)), None)
    if v2 is not None:
        _ikev2(t, v2, peer, st, dev, from_source)
    else:
        _ikev1(t, peer, ipsec, st, dev, from_source)
    if t.get("local.address") is None and src is not None:
        _unverified(t, "local", f"the address of tunnel source {' '.join(src.words[2:])} (a placeholder, or an "
                    "interface without a static address)", src.line)


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
    # the address IKE is sent from: the tunnel source (VTI) or the crypto-map interface; else the
    # profile's or keyring's local-address (an interface name resolves to its address)
    local = from_source if from_source[0] is not None else None
    for node in (prof, ring_used):
        la = node.first("local-address") if node else None
        if la is not None and local is None:
            ip, _ = _interface_ip(st, " ".join(la.words[1:]))
            if ip is not None:
                local = (ip, la.line)
    _set_local(t, local)
    # the identity: isakmp profile `self-identity`, else global `crypto isakmp identity`
    ident = prof.first("self-identity") if prof else None
    if ident is not None and ident.arg(1) == "fqdn" and ident.arg(2):
        t.set("local.identity", ident.words[2], ident.line)
    elif ident is not None and ident.arg(1) == "address" and ip_or_none(ident.arg(2)):
        t.set("local.identity", ip_or_none(ident.arg(2)), ident.line)
    elif st.identity is not None and st.identity.arg(3) in ("hostname", "dn"):
        t.set("local.identity", f"({st.identity.arg(3)})", st.identity.line)
    # DPD: the profile's keepalive, else the global one
    ka = prof.first("keepalive") if prof else None
    if ka is not None and ka.arg(1, "").isdigit():
        retry = int(ka.words[3]) if ka.arg(2) == "retry" and ka.arg(3, "").isdigit() else N.KEEPALIVE_DEFAULT_RETRY
        # a profile keepalive has no mode keyword: it follows the global `crypto isakmp keepalive` mode
        glob = st.keepalive.words if st.keepalive is not None else []
        mode_word = "periodic" if "periodic" in glob else "on-demand"
        _dpd(t, int(ka.words[1]), retry, mode_word, ka.line, "isakmp profile keepalive")
    elif st.keepalive is not None and st.keepalive.arg(3, "").isdigit():
        g = st.keepalive
        retry = int(g.words[4]) if g.arg(4, "").isdigit() else N.KEEPALIVE_DEFAULT_RETRY
        mode_word = next((w for w in g.words[4:] if w in ("periodic", "on-demand")), "on-demand")
        _dpd(t, int(g.words[3]), retry, mode_word, g.line, "crypto isakmp keepalive")
    else:
        t.set("dpd", DpdBehaviour(False, None, "no crypto isakmp keepalive: IOS sends no DPD"), t.line)
    _policies(t, st, dev)


def _auth_psk(p: Node) -> bool:
    auth = p.first("authentication")
    word = (auth.arg(1, "") if auth else "").lower()
    return len(word) >= 3 and "pre-share".startswith(word)


def _policies(t: DeviceTunnel, st: _State, dev: DeviceConfig) -> None:
    """Every pre-share ISAKMP policy is a separate phase-1 proposal for every IKEv1 peer (IOS tries them
    in number order); they are never merged into one union."""
    enc, integ, groups, lifetimes, props = [], [], [], [], []
    used = []
    # with a pre-shared key only pre-share policies apply (IOS's default authentication is rsa-sig); a
    # router with rsa-sig policies only authenticates with certificates: those policies are its proposals
    cert = not any(_auth_psk(p) for _, p in st.policies) and any(
        (p.first("authentication") is None or p.first("authentication").arg(1, "").startswith("rsa"))
        for _, p in st.policies)
    if cert:
        _unverified(t, "ike.psk", "certificate authentication (rsa-sig ISAKMP policies): vpncc does not read "
                    "trustpoints", st.policies[0][1].line)
    for number, p in sorted(st.policies, key=lambda x: x[0]):
        if not (cert or _auth_psk(p)):
            continue
        used.append(number)
        unknown = []
        e = p.first("encryption")
        if e is not None:
            spell = " ".join(w.lower() for w in e.words[1:3])
            val = N.ISAKMP_ENC_READ.get(spell) or N.ISAKMP_ENC_READ.get(e.arg(1, "").lower())
            if val is None:
                unknown.append(" ".join(e.words[1:]))
        else:
            val = N.ISAKMP_DEFAULT_ENC
        if val is not None:
            enc.append(val)
        h = p.first("hash")
        hv = N.ISAKMP_HASH_READ.get(h.arg(1, "").lower()) if h else N.ISAKMP_DEFAULT_HASH
        if hv is not None:
            integ.append(hv)
        elif h is not None:
            unknown.append(h.arg(1, ""))
        g = p.first("group")
        group = int(g.words[1]) if g and g.arg(1, "").isdigit() else N.ISAKMP_DEFAULT_GROUP
        groups.append(group)
        props.append(Proposal((val,) if val else (), (hv,) if hv else (), (group,), label=f"isakmp policy {number}",
                              line=p.line, unknown=tuple(unknown)))
        life = p.first("lifetime")
        aws_able = val is not None and hv is not None and group in DH_GROUPS
        lifetimes.append((int(life.words[1]) if life and life.arg(1, "").isdigit() else N.ISAKMP_DEFAULT_LIFETIME,
                          (life or p).line, aws_able))
    t.values["_isakmp_policies"] = Obs(tuple(used), None)
    t.values["_all_policies"] = Obs(tuple(n for n, _ in st.policies), None)
    if not used:
        if not st.policies:
            # IOS then offers its built-in default policies (`show crypto isakmp default policy`), whose
            # contents differ by release: vpncc does not guess them
            _unverified(t, "ike.proposals", "no crypto isakmp policy: the router's built-in default ISAKMP "
                        "policies apply (their suites differ by release)", t.line)
        else:
            t.set("ike.proposals", (), st.policies[0][1].line)
        return
    first_line = next(p.line for n, p in sorted(st.policies, key=lambda x: x[0]) if n == used[0])
    t.set("ike.proposals", tuple(props), first_line)
    t.set("ike.encryption", uniq(enc), first_line)
    t.set("ike.integrity", uniq(integ), first_line)
    t.set("ike.dh_groups", uniq(groups), first_line)
    usable = [x for x in lifetimes if x[2]] or lifetimes
    t.set("ike.lifetime_s", usable[0][0], usable[0][1])
    if len({v for v, _, _ in usable}) > 1 and not any("different lifetimes" in n.message for n in dev.notes):
        dev.notes.append(DeviceNote(usable[0][1], "ISAKMP policies AWS could use carry different lifetimes; the "
                                    f"first one's ({usable[0][0]} s) is compared"))
