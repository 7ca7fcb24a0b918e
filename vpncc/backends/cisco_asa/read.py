"""Cisco ASA running-config -> DeviceConfig: VTI tunnels (`interface TunnelN`) and crypto-map peers.

Per tunnel: the peer, the IPsec profile (IKEv1 transform sets / IKEv2 IPsec proposals, PFS, lifetime),
the `tunnel-group <peer>` (key, keepalive/DPD), the device-wide IKEv1/IKEv2 policies, `mtu <nameif>`,
`sysopt connection tcpmss` and `route <nameif> ...`. Crypto-map peers (policy-based) get the map entry's
settings and the crypto ACL's destinations (addresses, `name` aliases, `object network` and
`object-group network` members) as their routed networks.

Negotiation keys (see vpncc.validate.model): one phase-1 Proposal per ISAKMP/IKEv2 policy and one phase-2
Proposal per transform set / IPsec proposal the tunnel references (never a union), DPD as the ASA runs it
(names.dpd_detect_s), the local address from the interface the VTI or crypto map is bound to, the
`crypto isakmp identity`, NAT-T, and the VTI MTU as derived unless `mtu <nameif>` sets it.
ASA defaults filled in: IKE lifetime 86400 s, IPsec SA lifetime 28800 s (or the global value), keepalive
threshold 10 retry 2, TCP MSS 1380, BGP hold time 180 s. Flat pastes are re-indented first (syntax.py).
"""

from __future__ import annotations

import ipaddress
import re

from ...errors import mask_secret_line
from ...ir import DH_GROUPS, IkeVersion, NegotiationMode
from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel, Obs
from ...validate.negotiation import DpdBehaviour, Proposal
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node, expand, parse, trie
from ..cisco_common.util import iface_or_none, net_or_none, sniff
from . import names as N
from . import syntax
from .inventory import inventory
from .read_bgp import bgp_neighbors
from .read_parts import Addresses, esp_proposal, ike_proposal

TOP = trie(
    "crypto ikev1 policy", "crypto ikev1 enable", "crypto ikev1 am-disable", "crypto ikev2 policy",
    "crypto ikev2 enable", "crypto isakmp policy", "crypto isakmp enable", "crypto isakmp identity",
    "crypto isakmp nat-traversal", "crypto ipsec ikev1 transform-set", "crypto ipsec ikev2 ipsec-proposal",
    "crypto ipsec profile", "crypto ipsec security-association lifetime", "crypto ipsec security-association replay",
    "crypto ipsec df-bit", "crypto ipsec fragmentation", "crypto ipsec transform-set", "crypto map",
    "crypto dynamic-map", "crypto ca", "crypto key", "tunnel-group", "group-policy", "interface", "router bgp",
    "router ospf", "route", "route-map", "sysopt connection", "mtu", "name", "names", "access-list", "object",
    "object-group", "hostname", "nat", "http", "ssh", "telnet", "logging", "username", "aaa", "dns", "ntp",
    "snmp-server", "same-security-traffic", "icmp", "sla", "track", "prefix-list", "service-policy", "policy-map",
    "class-map", "threat-detection", "webvpn", "dhcpd", "ftp", "pager", "console", "timeout", "user-identity",
    "no", "arp", "failover", "monitor-interface", "asdm", "boot", "license", "passwd", "enable", "domain-name",
    "clock", "firewall", "ipv6", "dynamic-access-policy-record", "terminal")
_POLICY = trie("authentication", "encryption", "hash", "group", "lifetime")
CONTEXTS = {
    ("crypto", "ikev1", "policy"): _POLICY,
    ("crypto", "isakmp", "policy"): _POLICY,
    ("crypto", "ikev2", "policy"): trie("encryption", "integrity", "group", "prf", "lifetime seconds"),
    ("crypto", "ipsec", "ikev2", "ipsec-proposal"): trie("protocol esp encryption", "protocol esp integrity"),
    ("crypto", "ipsec", "profile"): trie(
        "set ikev1 transform-set", "set ikev2 ipsec-proposal", "set pfs", "set security-association lifetime seconds",
        "set security-association lifetime kilobytes", "responder-only"),
    ("tunnel-group",): trie(
        "ikev1 pre-shared-key", "ikev2 remote-authentication pre-shared-key",
        "ikev2 local-authentication pre-shared-key", "isakmp keepalive", "pre-shared-key", "default-group-policy",
        "peer-id-validate"),
    ("interface",): trie(
        "nameif", "ip address", "tunnel source interface", "tunnel destination", "tunnel mode",
        "tunnel protection ipsec profile", "shutdown", "no shutdown", "security-level", "description",
        "ipv6 address", "mtu"),
    ("router", "bgp"): trie("bgp router-id", "bgp log-neighbor-changes", "address-family ipv4 unicast",
                            "timers bgp", "neighbor"),
    ("address-family",): trie("neighbor", "network", "no auto-summary", "no synchronization", "redistribute"),
    ("group-policy",): trie("vpn-tunnel-protocol", "vpn-filter"),
    ("object", "network"): trie("subnet", "host", "range", "fqdn", "description", "nat"),
    ("object-group", "network"): trie("network-object", "group-object", "description"),
}
#: the words after `crypto map NAME SEQ`, abbreviated as the CLI accepts them
MAP_ENTRY = trie("set peer", "set pfs", "set ikev1 transform-set", "set ikev1 phase1-mode", "set transform-set",
                 "set ikev2 ipsec-proposal", "set security-association lifetime seconds",
                 "set security-association lifetime kilobytes", "set nat-t-disable", "set reverse-route",
                 "set connection-type", "set inheritance", "match address", "interface")
TG_KIND = ("ipsec-attributes", "general-attributes", "type")
_ACL_REF = re.compile(r"(?m)^\s*crypto map \S+ \d+ mat\w* addr\w* (\S+)")
_NO_NATT = re.compile(r"(?m)^\s*no crypto isakmp nat-traversal\b")


def read(text: str, path: str | None = None) -> DeviceConfig:
    if text.strip():
        text = syntax.reindent(text, TOP, CONTEXTS)
    sniff(text, path, "asa")
    acls = set(_ACL_REF.findall(text))
    # network objects matter only when a crypto ACL names one (most big configs carry thousands of them)
    objects = any(re.search(rf"(?m)^\s*access-list {re.escape(a)} .*\bobject(-group)? ", text) for a in acls)

    def keep(h: list[str]) -> bool:
        if not h:
            return False
        if h[0] == "crypto":
            return len(h) > 1 and h[1] not in ("ca", "key")
        if h[0] == "access-list":
            return len(h) > 1 and h[1] in acls
        if h[0] in ("object", "object-group"):
            return objects
        return h[0] in ("tunnel-group", "interface", "route", "mtu", "name", "sysopt", "hostname",
                        "domain-name", "route-map", "prefix-list") or h[:2] == ["router", "bgp"]

    def light(h: list[str]) -> bool:
        if h[0] == "interface":
            return not "".join(h[1:2]).lower().startswith("tu")
        # network objects nest one level: their members become direct children
        return h[0] in ("access-list", "route", "mtu", "name", "sysopt", "object", "object-group", "route-map",
                        "prefix-list")

    nodes = parse(text, top=TOP, path=path, keep=keep, contexts=CONTEXTS, light=light)
    dev = _Reader(path, syntax.release(text), not _NO_NATT.search(text)).run(nodes)
    dev.inventory = inventory(text)  # what compile --running allocates around
    return dev


class _Reader:
    def __init__(self, path: str | None, release: tuple[int, int] | None = None, nat_t: bool = True) -> None:
        self.dev = DeviceConfig(vendor="cisco-asa", path=path)
        self.release = release
        self.nat_t = nat_t
        self.objects: dict[str, Node] = {}
        self.enabled: dict[str, set[str]] = {"ikev1": set(), "ikev2": set()}
        self.identity: Node | None = None
        self.hostname: str | None = None
        self.domain: str | None = None
        self.names: dict[str, str] = {}
        self.v1_policies: list[tuple[int, Node]] = []
        self.v2_policies: list[tuple[int, Node]] = []
        self.tsets: dict[str, Node] = {}
        self.proposals: dict[str, Node] = {}
        self.profiles: dict[str, Node] = {}
        self.ipsec_lifetime: Node | None = None
        self.groups: dict[str, list[Node]] = {}
        self.interfaces: dict[str, Node] = {}
        self.nameifs: dict[str, Node] = {}
        self.mtu: dict[str, Node] = {}
        self.routes: list[Node] = []
        self.mss: Node | None = None
        self.maps: dict[tuple[str, str], list[Node]] = {}
        self.map_ifs: dict[str, Node] = {}
        self.acls: dict[str, list[Node]] = {}
        self.bgp: list[Node] = []
        self.route_maps: set[str] = set()
        self.prefix_lists: set[str] = set()
        self.addresses = Addresses(self.names, self.acls, self.objects)

    def note(self, node: Node, msg: str) -> None:
        self.dev.notes.append(DeviceNote(node.line, f"{msg}: {mask_secret_line(node.raw.strip())}"))

    def ip(self, word: str | None) -> ipaddress.IPv4Address | None:
        return self.addresses.ip(word)

    # -- collect ---------------------------------------------------------------------------
    def run(self, nodes: list[Node]) -> DeviceConfig:
        for n in nodes:
            if n.starts("name") and len(n.words) > 2:
                self.names[n.words[2]] = n.words[1]
        for n in nodes:
            self.collect(n)
        for name, intf in self.interfaces.items():
            if name.lower().startswith("tunnel") and intf.first("tunnel", "protection"):
                self.dev.tunnels.append(self.vti(name, intf))
        for (mname, seq), entries in sorted(self.maps.items(), key=lambda kv: (kv[0][0], int(kv[0][1]))):
            self.dev.tunnels.extend(self.crypto_map(mname, seq, entries))
        self.dev.bgp_neighbors = bgp_neighbors(self.bgp, self.note, self.route_maps, self.prefix_lists)
        return self.dev

    def collect(self, n: Node) -> None:
        w = n.words
        head = w[0]
        if head in ("object", "object-group", "access-list"):  # most of a big config's stanzas: first
            if head == "access-list" and len(w) > 1:
                self.acls.setdefault(w[1], []).append(n)
            elif len(w) > 2 and w[1] == "network":
                self.objects[w[2]] = n
            return
        if (n.starts("crypto", "ikev1", "policy") or n.starts("crypto", "isakmp", "policy")) and n.arg(3, "").isdigit():
            self.v1_policies.append((int(w[3]), n))
        elif n.starts("crypto", "ikev2", "policy") and n.arg(3, "").isdigit():
            self.v2_policies.append((int(w[3]), n))
        elif (n.starts("crypto", "ikev1", "enable") or n.starts("crypto", "isakmp", "enable")) and len(w) > 3:
            self.enabled["ikev1"].add(w[3].strip("'\""))
        elif n.starts("crypto", "ikev2", "enable") and len(w) > 3:
            self.enabled["ikev2"].add(w[3].strip("'\""))
        elif n.starts("crypto", "isakmp", "identity") and len(w) > 3:
            self.identity = n
        elif n.starts("crypto", "ipsec", "ikev1", "transform-set") and len(w) > 4:
            self.tsets[w[4]] = n
        elif n.starts("crypto", "ipsec", "transform-set") and len(w) > 3:  # ASA 8.2 syntax
            self.tsets[w[3]] = Node(["crypto", "ipsec", "ikev1", "transform-set"] + w[3:], n.line, n.raw)
        elif n.starts("crypto", "ipsec", "ikev2", "ipsec-proposal") and len(w) > 4:
            self.proposals[w[4]] = n
        elif n.starts("crypto", "ipsec", "profile") and len(w) > 3:
            self.profiles[w[3]] = n
        elif n.starts("crypto", "ipsec", "security-association", "lifetime", "seconds"):
            self.ipsec_lifetime = n
        elif n.starts("crypto", "map") and len(w) > 3:
            if w[3].isdigit():
                n = Node(w[:4] + expand(w[4:], MAP_ENTRY), n.line, n.raw)
                self.maps.setdefault((w[2], w[3]), []).append(n)
            elif expand(w[3:4], MAP_ENTRY) == ["interface"] and len(w) > 4:
                self.map_ifs[w[2]] = Node(w[:3] + ["interface", w[4].strip("'\"")], n.line, n.raw)
        elif n.starts("tunnel-group") and len(w) > 1:
            if len(w) > 2:  # `tunnel-group X ipsec-attrib` is accepted as ipsec-attributes
                kind = [k for k in TG_KIND if k.startswith(w[2].lower())]
                if len(kind) == 1 and len(w[2]) >= 2:
                    n.words = w = w[:2] + kind + w[3:]
            self.groups.setdefault(self.names.get(w[1], w[1]), []).append(n)
        elif n.starts("interface") and len(w) > 1:
            self.interfaces[" ".join(w[1:])] = n
            nameif = n.first("nameif")
            if nameif is not None and nameif.arg(1):
                self.nameifs[nameif.words[1].strip("'\"")] = n
        elif n.starts("mtu") and len(w) > 2:
            self.mtu[w[1]] = n
        elif n.starts("route") and len(w) > 4:
            self.routes.append(n)
        elif n.starts("sysopt", "connection", "tcpmss") and n.arg(3, "").isdigit():
            self.mss = n
        elif n.starts("router", "bgp"):
            self.bgp.append(n)
        elif n.starts("route-map") and len(w) > 1:
            self.route_maps.add(w[1])
        elif n.starts("prefix-list") and len(w) > 1:
            self.prefix_lists.add(w[1])
        elif n.starts("hostname") and len(w) > 1:
            self.hostname = w[1]
        elif n.starts("domain-name") and len(w) > 1:
            self.domain = w[1]

    # -- tunnels ---------------------------------------------------------------------------
    def vti(self, name: str, intf: Node) -> DeviceTunnel:
        t = DeviceTunnel(name=name, line=intf.line)
        shut = intf.first("shutdown")
        t.set("enabled", shut is None, (shut or intf).line)
        peer = None
        nameif = intf.first("nameif")
        for c in intf.children:
            if c.starts("tunnel", "destination"):
                peer = self.ip(c.arg(2))
                if peer is None:
                    self.note(c, "tunnel destination is not an IPv4 address")
                else:
                    t.set("outside.aws", peer, c.line)
            elif c.starts("ip", "address"):
                addr = iface_or_none(c.arg(2), c.arg(3))
                if addr is not None:
                    t.set("inside.customer", addr, c.line)
        src = intf.first("tunnel", "source", "interface")
        if nameif is not None and nameif.arg(1):
            nif = nameif.words[1]
            t.values["_nameif"] = Obs(nif, nameif.line)
            m = self.mtu.get(nif)
            if m is not None and m.arg(2, "").isdigit():
                t.set("mtu", int(m.words[2]), m.line)
            else:  # the ASA sizes a VTI from its source interface (names.py, VTI MTU)
                t.set("mtu_derived", True, nameif.line)
            routes = [r for r in self.routes if r.words[1] == nif]
            nets = uniq(n for n in (net_or_none(r.arg(2), r.arg(3)) for r in routes) if n is not None)
            if nets:
                t.set("static_routes", nets, routes[0].line)
        self.mss_to(t)
        ref = intf.first("tunnel", "protection", "ipsec", "profile")
        prof = self.profiles.get(ref.arg(4, "")) if ref else None
        t.values["_ipsec_profile"] = Obs(ref.arg(4) if ref else None, ref.line if ref else None)
        if ref is not None and prof is None:
            self.note(ref, "IPsec profile not found")
            self.unverified(t, "ipsec", f"the IPsec profile {ref.arg(4)} (line {ref.line}) is not in the config")
        v1_sets = [x for c in prof.find("set", "ikev1", "transform-set") for x in c.words[3:]] if prof else []
        v2_props = [x for c in prof.find("set", "ikev2", "ipsec-proposal") for x in c.words[3:]] if prof else []
        group = self.groups.get(str(peer)) if peer else None
        self.ike(t, peer, group, v1_sets, v2_props, prof or intf)
        self.local_from(t, src.arg(3) if src is not None else None, src or intf)
        if prof is not None:
            self.ipsec(t, prof, v1_sets, v2_props, prof.first("set", "pfs"),
                       prof.first("set", "security-association", "lifetime", "seconds"), 4)
        return t

    def crypto_map(self, mname: str, seq: str, entries: list[Node]) -> list[DeviceTunnel]:
        def cmd(*words: str) -> Node | None:
            for e in entries:
                if e.words[4:4 + len(words)] == list(words):
                    return e
            return None

        peers = cmd("set", "peer")
        if peers is None:
            return []
        v1_sets = (cmd("set", "ikev1", "transform-set") or cmd("set", "transform-set"))
        v1_names = v1_sets.words[7 if v1_sets.words[5] == "ikev1" else 6:] if v1_sets else []
        v2 = cmd("set", "ikev2", "ipsec-proposal")
        v2_names = v2.words[7:] if v2 else []
        acl = cmd("match", "address")
        routes, unread = self.addresses.acl_destinations(acl.arg(6) if acl else None)
        permits = [a for a in self.acls.get(acl.arg(6, "") if acl else "", []) if "permit" in a.words]
        if len(permits) > 1:
            self.dev.notes.append(DeviceNote(permits[0].line, f"crypto map {mname} {seq}: the ACL has {len(permits)} "
                                             "permit lines, one security association each; AWS accepts one SA pair "
                                             "per tunnel (use one line, any4 or a summary, to the VPC)"))
        out = []
        bound = self.map_ifs.get(mname)
        natt_off = cmd("set", "nat-t-disable")
        for word in peers.words[6:]:
            peer = self.ip(word)
            t = DeviceTunnel(name=f"crypto map {mname} {seq} peer {word}", line=peers.line)
            t.set("policy_based", True, peers.line)
            t.values["_map"] = Obs((mname, seq, acl.arg(6) if acl else None), peers.line)
            t.set("enabled", bound is not None, (bound or peers).line)
            if peer is None:
                self.note(peers, f"crypto map peer {word} is not an IPv4 address or a `name`")
            else:
                t.set("outside.aws", peer, peers.line)
            if routes:
                t.set("static_routes", routes, acl.line if acl else None)
            if unread:
                self.unverified(t, "static_routes", f"the crypto ACL uses {', '.join(unread)}, which vpncc could "
                                                    "not resolve to networks")
            self.mss_to(t)
            group = self.groups.get(str(peer)) if peer else None
            phase1 = cmd("set", "ikev1", "phase1-mode")
            self.ike(t, peer, group, v1_names, v2_names, peers)
            self.local_from(t, bound.arg(4) if bound is not None else None, bound or peers)
            if natt_off is not None:
                t.set("nat_t", False, natt_off.line)
            if phase1 is not None and phase1.arg(7) == "aggressive" and t.get("ike.mode"):
                t.set("ike.mode", NegotiationMode.AGGRESSIVE, phase1.line)
            self.ipsec(t, peers, v1_names, v2_names, cmd("set", "pfs"),
                       cmd("set", "security-association", "lifetime", "seconds"), 8)
            out.append(t)
        return out

    def unverified(self, t: DeviceTunnel, prefix: str, message: str) -> None:
        cur = dict(t.value("unverified") or {})
        cur.setdefault(prefix, message)
        t.set("unverified", cur)

    def local_from(self, t: DeviceTunnel, nameif: str | None, where: Node) -> None:
        """The address IKE leaves from: the bound interface's address (outside.customer and
        local.address), IKE enabled on it, and the identity the ASA sends."""
        nameif = (nameif or "").strip("'\"")
        if nameif:
            t.values["_source"] = Obs(nameif, where.line)
        intf = self.nameifs.get(nameif)
        addr = intf.first("ip", "address") if intf else None
        ip = self.ip(addr.arg(2)) if addr else None
        if ip is not None:
            t.set("outside.customer", ip, addr.line)
            t.set("local.address", ip, addr.line)
        elif addr is not None and addr.arg(2) in ("dhcp", "pppoe"):
            self.unverified(t, "local.address", f"{nameif} takes its address by {addr.arg(2)} (line {addr.line})")
        version = t.value("ike.version")
        key = "ikev2" if version is IkeVersion.IKEV2 else "ikev1"
        if nameif and any(self.enabled.values()) and nameif not in self.enabled[key]:
            t.set("ike_permitted", False, where.line,
                  note=f"`crypto {key} enable {nameif}` is missing: the ASA does not answer {key.upper()} on {nameif}")
        ident = self.identity
        kind = ident.arg(3) if ident is not None else "auto"
        if kind == "address" and ip is not None:
            t.set("local.identity", ip, ident.line)
        elif kind == "hostname" and self.hostname:
            fqdn = f"{self.hostname}.{self.domain}" if self.domain else self.hostname
            t.set("local.identity", fqdn, ident.line)
        elif kind == "key-id" and ident is not None and ident.arg(4):
            t.set("local.identity", ident.words[4], ident.line)
        if "nat_t" not in t.values:
            # IKEv1 NAT-T is on unless `no crypto isakmp nat-traversal`; IKEv2 always detects NAT (names.py)
            t.set("nat_t", True if key == "ikev2" else self.nat_t, where.line)

    def mss_to(self, t: DeviceTunnel) -> None:
        if self.mss is not None:
            value = int(self.mss.words[3])
            if value:  # `sysopt connection tcpmss 0` turns clamping off: nothing clamps
                t.set("tcp_mss", value, self.mss.line)
        else:
            t.set("tcp_mss", N.TCP_MSS_DEFAULT, None)  # ASA default; `show running-config` omits it

    def ike(self, t: DeviceTunnel, peer, group: list[Node] | None, v1_sets, v2_props, where: Node) -> None:
        attrs = [c for g in group or [] if g.arg(2) == "ipsec-attributes" for c in g.children]
        v2_auth = [c for c in attrs if c.starts("ikev2")]
        v2 = bool(v2_props) and (bool(v2_auth) or not v1_sets)
        t.set("ike.version", IkeVersion.IKEV2 if v2 else IkeVersion.IKEV1, where.line)
        if not v2:
            t.set("ike.mode", NegotiationMode.MAIN, where.line)
        t.values["_tunnel_group"] = Obs(str(peer) if group else None, group[0].line if group else None)
        key = None
        for c in attrs:
            if v2 and c.starts("ikev2", "local-authentication", "pre-shared-key"):
                key = (c.words[3:], c.line)
            elif v2 and c.starts("ikev2", "remote-authentication", "pre-shared-key") and key is None:
                key = (c.words[3:], c.line)
            elif not v2 and (c.starts("ikev1", "pre-shared-key") or c.starts("pre-shared-key")):
                key = (c.words[2:] if c.words[0] == "ikev1" else c.words[1:], c.line)
        keys = {tuple(c.words[3:4]) for c in attrs if c.starts("ikev2", "local-authentication", "pre-shared-key")
                or c.starts("ikev2", "remote-authentication", "pre-shared-key")}
        if v2 and len(keys) > 1:
            self.dev.notes.append(DeviceNote(key[1] if key else None, f"tunnel-group {peer}: the local and remote "
                                             "pre-shared keys differ; AWS uses one key per tunnel, both must be it"))
        if key is not None:
            words, line = key
            masked = not words or set(words[0]) == {"*"} or (words[0] == "8" and len(words) > 1)
            t.set("ike.psk", None if masked else words[0], line, verifiable=not masked)
        if group:
            self.dpd(t, next((c for c in attrs if c.starts("isakmp", "keepalive")), None), group[0])
        self.policies(t, v2)

    def dpd(self, t: DeviceTunnel, ka: Node | None, group: Node) -> None:
        """`isakmp keepalive` as the ASA runs it (names.py): old keys keep the threshold as the interval
        and the fixed retransmission count as the retries."""
        parsed = ("periodic", None, None) if ka is None else syntax.keepalive(ka.words[2:])
        line = (ka or group).line
        if parsed is None:
            self.unverified(t, "dpd", f"`{' '.join(ka.words)}` (line {ka.line}) is not a keepalive vpncc can read")
            return
        kind, threshold, retry = parsed
        if kind == "disable":
            t.set("dpd", DpdBehaviour(False, None, "isakmp keepalive disable: no DPD", None), line)
            return
        if kind == "infinite":
            t.set("dpd", DpdBehaviour(False, None, "isakmp keepalive threshold infinite: the ASA answers DPD "
                                                   "but never sends it", None), line)
            return
        threshold = threshold or N.KEEPALIVE_DEFAULT[0]
        retry = retry or N.KEEPALIVE_DEFAULT[1]
        how = (f"R-U-THERE after {threshold} s idle, then {N.KEEPALIVE_RETRANSMITS} retransmissions every "
               f"{retry} s" + ("" if ka is not None else " (ASA default threshold 10 retry 2)"))
        t.set("dpd", DpdBehaviour(True, float(N.dpd_detect_s(threshold, retry)), how, "clear"), line)
        t.set("dpd.interval_s", threshold, line)
        t.set("dpd.retries", N.KEEPALIVE_RETRANSMITS, line)

    def policies(self, t: DeviceTunnel, v2: bool) -> None:
        enc, integ, groups, lifetimes = [], [], [], []
        proposals: list[Proposal] = []
        pols = sorted(self.v2_policies if v2 else self.v1_policies, key=lambda x: x[0])
        used = []
        for number, p in pols:
            if not v2:
                auth = p.first("authentication")
                if auth is not None and auth.arg(1) != "pre-share":
                    continue  # the ASA default authentication is pre-share
            used.append(number)
            prop = ike_proposal(p, v2)
            proposals.append(prop)
            missing = [k for k in ("encryption", "group") if v2 and p.first(k) is None]
            if missing:  # `show running-config` prints them; a paste without them is partial
                self.unverified(t, "ike.proposals", f"crypto ikev2 policy {number} (line {p.line}) has no "
                                                    f"{' / '.join(missing)} line")
            enc += prop.encryption
            integ += prop.prf or prop.integrity
            groups += prop.dh_groups
            life = p.first("lifetime")
            idx = 2 if v2 else 1
            default = N.IKEV2_DEFAULT_LIFETIME if v2 else N.IKEV1_DEFAULT_LIFETIME
            # only a policy AWS can negotiate (its algorithms) decides the compared lifetime
            aws_able = bool(prop.encryption) and any(g in DH_GROUPS for g in prop.dh_groups)
            lifetimes.append((int(life.words[idx]) if life and life.arg(idx, "").isdigit() else default,
                              (life or p).line, aws_able))
        t.values["_policies"] = Obs(tuple(used), None)
        t.values["_all_policies"] = Obs(tuple(n for n, _ in pols), None)
        if not used:
            return
        line = dict(pols)[used[0]].line
        t.set("ike.proposals", tuple(proposals), line)
        t.set("ike.encryption", uniq(enc), line)
        t.set("ike.integrity", uniq(integ), line)
        t.set("ike.dh_groups", uniq(groups), line)
        usable = [x for x in lifetimes if x[2]] or lifetimes
        t.set("ike.lifetime_s", usable[0][0], usable[0][1])
        if len({v for v, _, _ in usable}) > 1 and not any("different lifetimes" in n.message for n in self.dev.notes):
            self.dev.notes.append(DeviceNote(usable[0][1], "IKE policies AWS could use carry different lifetimes; "
                                             f"the first one's ({usable[0][0]} s) is compared"))

    def ipsec(self, t: DeviceTunnel, where: Node, v1_sets, v2_props, pfs: Node | None, life: Node | None,
              life_idx: int) -> None:
        v2 = t.get("ike.version").value is IkeVersion.IKEV2
        groups: tuple = ()
        if pfs is not None:
            word = pfs.words[-1]
            if word == "pfs":  # bare `set pfs` (names.py, PFS_BARE_DEFAULT)
                groups = (N.PFS_BARE_DEFAULT,)
                if self.release is not None and self.release >= (9, 15):
                    self.unverified(t, "ipsec", f"bare `set pfs` (line {pfs.line}) on ASA {self.release[0]}."
                                                f"{self.release[1]}: its default group is not documented")
            elif N.pfs_read(word):
                groups = (N.pfs_read(word),)
            else:
                self.unverified(t, "ipsec", f"`{' '.join(pfs.words)}` (line {pfs.line}) names no PFS group "
                                            "vpncc knows")
        enc, integ, proposals = [], [], []
        for name in (v2_props if v2 else v1_sets):
            node = (self.proposals if v2 else self.tsets).get(name)
            if node is None:
                self.note(where, f"{'IPsec proposal' if v2 else 'transform set'} {name} not found")
                self.unverified(t, "ipsec", f"the {'IPsec proposal' if v2 else 'transform set'} {name} "
                                            f"(line {where.line}) is not in the config")
                continue
            prop = esp_proposal(node, name, v2, groups)
            proposals.append(prop)
            p_enc, p_int = list(prop.encryption), list(prop.integrity)
            enc += p_enc
            integ += p_int
        t.values["_ipsec_objects"] = Obs(tuple(v2_props if v2 else v1_sets), where.line)
        t.set("ipsec.proposals", tuple(proposals), where.line)
        t.set("ipsec.encryption", uniq(enc), where.line)
        t.set("ipsec.integrity", uniq(integ), where.line)
        t.set("ipsec.pfs_groups", groups, pfs.line if pfs is not None else where.line)
        if life is not None and life.arg(life_idx, "").isdigit():
            t.set("ipsec.lifetime_s", int(life.words[life_idx]), life.line)
        elif self.ipsec_lifetime is not None and self.ipsec_lifetime.arg(5, "").isdigit():
            t.set("ipsec.lifetime_s", int(self.ipsec_lifetime.words[5]), self.ipsec_lifetime.line)
        else:
            t.set("ipsec.lifetime_s", N.IPSEC_DEFAULT_LIFETIME, where.line)
