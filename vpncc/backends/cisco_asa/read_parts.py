"""Pieces of the ASA reader that do not depend on a tunnel: the networks behind ACLs, `name` aliases and
network objects, and one IKE policy / transform set / IPsec proposal as one negotiation Proposal."""

from __future__ import annotations

import ipaddress

from ...validate.negotiation import Proposal
from ..cisco_common.plan import uniq
from ..cisco_common.tree import Node
from ..cisco_common.util import ip_or_none, net_or_none
from . import names as N


class Addresses:
    """Addresses as the ASA resolves them: `name` aliases, `object network` / `object-group network`."""

    def __init__(self, names: dict[str, str], acls: dict[str, list[Node]], objects: dict[str, Node]) -> None:
        self.names, self.acls, self.objects = names, acls, objects

    def ip(self, word: str | None) -> ipaddress.IPv4Address | None:
        if word is None:
            return None
        return ip_or_none(self.names.get(word, word))

    def acl_destinations(self, name: str | None) -> tuple[tuple, list[str]]:
        """(destination networks of the ACL's permit lines, the references vpncc could not resolve)"""
        out: list = []
        unread: list[str] = []
        for a in self.acls.get(name or "", []):
            w = a.words
            if "permit" not in w:
                continue
            rest = w[w.index("permit") + 1:]
            rest = rest[2:] if rest[:1] in (["object-group"], ["object"]) else rest[1:]  # the protocol
            _, rest = self.addr_spec(rest, unread)
            dest, _ = self.addr_spec(rest, unread)
            out += dest
        # adjacent object members (two /17s) cover their supernet: the tunnel carries the whole /16
        return tuple(ipaddress.collapse_addresses(uniq(out))), unread

    def addr_spec(self, w: list[str], unread: list[str]) -> tuple[list, list[str]]:
        if not w:
            return [], []
        if w[0] in ("any", "any4"):
            return [ipaddress.IPv4Network("0.0.0.0/0")], w[1:]
        if w[0] == "host" and len(w) > 1:
            ip = self.ip(w[1])
            return ([ipaddress.IPv4Network(ip)] if ip else []), w[2:]
        if w[0] in ("object", "object-group") and len(w) > 1:
            return self.object_nets(w[1], unread, set()), w[2:]
        if w[0] == "interface" and len(w) > 1:
            return [], w[2:]
        if len(w) > 1:
            net = net_or_none(self.names.get(w[0], w[0]), w[1])
            return ([net] if net else []), w[2:]
        return [], w[1:]

    def object_nets(self, name: str, unread: list[str], seen: set[str]) -> list:
        """Networks of an `object network` / `object-group network` (nested groups followed once)."""
        obj = self.objects.get(name)
        if obj is None or name in seen:
            unread.append(f"object {name}")
            return []
        seen.add(name)
        out: list = []
        for c in obj.children:
            w = c.words
            if w[:1] == ["subnet"] and len(w) > 2 or w[:1] == ["network-object"] and len(w) > 2 and w[1] not in (
                    "host", "object"):
                net = net_or_none(self.names.get(w[1], w[1]), w[2])
                out += [net] if net else []
            elif (w[:1] == ["host"] and len(w) > 1) or (w[:2] == ["network-object", "host"] and len(w) > 2):
                ip = self.ip(w[-1])
                out += [ipaddress.IPv4Network(ip)] if ip else []
            elif w[:2] == ["network-object", "object"] and len(w) > 2 or w[:1] == ["group-object"] and len(w) > 1:
                out += self.object_nets(w[-1], unread, seen)
            elif w[:1] in (["range"], ["fqdn"]):
                unread.append(f"object {name} ({w[0]})")
        return out


def ike_proposal(p: Node, v2: bool) -> Proposal:
    """One ISAKMP/IKEv2 policy as one proposal (IKEv1: one value each, defaults filled in)."""
    enc_t = N.IKEV2_ENC_READ if v2 else N.IKEV1_ENC_READ
    hash_t = N.IKEV2_HASH_READ if v2 else N.IKEV1_HASH_READ
    enc, integ, prf, groups, unknown = [], [], [], [], []
    seen = set()
    for c in p.children:
        head = c.words[0]
        vals = [v.lower() for v in c.words[1:]]
        if head == "encryption":
            enc += [enc_t[v] for v in vals if v in enc_t]
            unknown += [v for v in vals if v not in enc_t and v != N.NULL]
        elif head in ("hash", "integrity", "prf"):
            dest = prf if head == "prf" else integ
            dest += [hash_t[v] for v in vals if v in hash_t]
            unknown += [v for v in vals if v not in hash_t and v != N.NULL]
        elif head == "group":
            groups += [int(v) for v in vals if v.isdigit()]
            unknown += [f"group {v}" for v in vals if not v.isdigit()]
        else:
            continue
        seen.add("integrity" if head == "hash" else head)
    label = " ".join(p.words[:4])
    if not v2:
        enc = enc[:1] or ([] if "encryption" in seen else [N.IKEV1_DEFAULT_ENC])
        integ = integ[:1] or ([] if "integrity" in seen else [N.IKEV1_DEFAULT_HASH])
        groups = groups[:1] or ([] if "group" in seen else [N.IKEV1_DEFAULT_GROUP])
    return Proposal(tuple(uniq(enc)), tuple(uniq(integ)), tuple(uniq(groups)), label, p.line,
                    tuple(uniq(prf)), tuple(unknown))



def esp_proposal(node: Node, name: str, v2: bool, groups: tuple) -> Proposal:
    """An IKEv2 `crypto ipsec ikev2 ipsec-proposal` (lists) or an IKEv1 transform set (one value each)."""
    p_enc, p_int, unknown = [], [], []
    if v2:
        for c in node.children:
            vals = [v.lower() for v in c.words[3:]]
            if c.starts("protocol", "esp", "encryption"):
                p_enc += [N.V2_ESP_ENC_READ[v] for v in vals if v in N.V2_ESP_ENC_READ]
                unknown += [v for v in vals if v not in N.V2_ESP_ENC_READ]
            elif c.starts("protocol", "esp", "integrity"):
                p_int += [N.V2_ESP_HASH_READ[v] for v in vals if v in N.V2_ESP_HASH_READ]
                unknown += [v for v in vals if v not in N.V2_ESP_HASH_READ and v != N.NULL]
        label = f"ipsec-proposal {name}"
    else:
        for v in (x.lower() for x in node.words[5:]):
            if v in N.V1_ESP_ENC_READ:
                p_enc.append(N.V1_ESP_ENC_READ[v])
            elif v in N.V1_ESP_HASH_READ:
                p_int.append(N.V1_ESP_HASH_READ[v])
            else:
                unknown.append(v)
        label = f"transform-set {name}"
    return Proposal(tuple(uniq(p_enc)), tuple(uniq(p_int)), groups, label, node.line, unknown=tuple(unknown))
