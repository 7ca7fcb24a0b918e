"""``--format merge``: splice one connection's sections into a user's config.xml backup.

The base is never re-serialized: new elements are inserted as text at byte offsets found by the
parser, so every byte outside the insertions is kept (comments, order, formatting, base64 blobs,
packages vpncc knows nothing about). New identifiers are the next free ones, chosen the way pfSense
chooses them: ipsec_ikeid_next() / ipsec_new_reqid() (lowest unused, ipsec.inc), interfaces_assign.php
(lowest unused optN). Anything that would duplicate an existing object (same remote gateway, BGP
neighbor, static route, interface description or gateway name) is refused instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable

from ...errors import InputError, UsageError
from ...ir import Connection, Routing
from ...profile import Profile
from . import names as N
from . import render as R
from .xmlread import Document, Node, is_self_closing, parse, start_tag_end
from .xmlwrite import dump

ENCRYPTED_MARK = b"---- BEGIN config.xml ----"


@dataclass
class Edit:
    at: int
    remove: int
    text: str


def load_base(base: Any) -> tuple[bytes, str]:
    """RenderOptions.extra["base"]: a path, a text or bytes. Returns (bytes, name for messages)."""
    if base is None:
        raise UsageError("--format merge needs the existing pfSense backup: --base FILE (config.xml)")
    if isinstance(base, bytes):
        return base, "<base>"
    if isinstance(base, os.PathLike) or (isinstance(base, str) and "<" not in base and "\n" not in base):
        path = os.fspath(base)
        try:
            with open(path, "rb") as f:
                return f.read(), path
        except OSError as e:
            raise InputError(f"cannot read the --base file: {e.strerror or e.__class__.__name__}", path) from None
    return str(base).encode("utf-8"), "<base>"


def check_base(doc: Document) -> None:
    if doc.root.tag != "pfsense":
        raise InputError(f"the --base file's root element is <{doc.root.tag}>, not <pfsense>: give a full "
                         "config.xml backup (Diagnostics > Backup & Restore, area: All)", doc.path, doc.root.line)
    ver = doc.section("version")
    if ver is not None:
        m = re.match(r"^(\d+)\.(\d+)", ver.text)
        if m and (int(m.group(1)), int(m.group(2))) < N.MIN_CONFIG_VERSION:
            raise InputError(f"config version {ver.text} is pfSense 2.5 or older, which numbers VTI interfaces "
                             "differently (ipsec<ikeid>000); upgrade to 2.6+ first", doc.path, ver.line)


def _ints(nodes: list[Node], tag: str) -> set[int]:
    out = set()
    for n in nodes:
        try:
            out.add(int(n.get(tag)))
        except ValueError:
            pass
    return out


def _lowest_free(used: set[int], count: int, start: int = 1) -> list[int]:
    out, i = [], start
    while len(out) < count:
        if i not in used:
            out.append(i)
        i += 1
    return out


def plan(doc: Document, conn: Connection, profile: Profile) -> R.Plan:
    ipsec = doc.section("ipsec")
    p1s = ipsec.findall("phase1") if ipsec is not None else []
    p2s = ipsec.findall("phase2") if ipsec is not None else []
    ifaces = doc.section("interfaces")
    ifnodes = ifaces.children if ifaces is not None else []
    n = len(conn.tunnels)
    ikeids = _lowest_free(_ints(p1s, "ikeid"), n, profile.ikeid_start or 1)
    used_req = _ints(p2s, "reqid")
    for i in ifnodes:  # a stale ipsecN assignment would capture the new VTI: skip those numbers too
        m = re.match(rf"^{N.VTI_IF_PREFIX}(\d+)$", i.get("if"))
        if m:
            used_req.add(int(m.group(1)))
    reqids = _lowest_free(used_req, n)
    used_opt = {int(i.tag[3:]) for i in ifnodes if re.match(r"^opt\d+$", i.tag)}
    ifnames = [f"opt{k}" for k in _lowest_free(used_opt, n)]
    lbl = R.label(conn, profile)
    used_uid = {p.get("uniqid") for p in p2s}
    uniqids = []
    for t, r in zip(conn.tunnels, reqids, strict=False):
        u, k = R.uniqid(lbl, t.number, r), 0
        while u in used_uid:
            k += 1
            u = R.uniqid(f"{lbl}#{k}", t.number, r)
        uniqids.append(u)
        used_uid.add(u)
    trackers: dict[str, int] = {}
    used_trk = doc.rules.trackers(doc.data) if doc.rules is not None else set()
    for net in profile.remote_networks:
        trk = R.tracker(lbl, str(net))
        while trk in used_trk:
            trk += 1
        used_trk.add(trk)
        trackers[str(net)] = trk
    return R.Plan(ikeids=ikeids, reqids=reqids, uniqids=uniqids, ifnames=ifnames, trackers=trackers,
                  profile=profile)


def check_conflicts(doc: Document, conn: Connection, profile: Profile) -> None:
    """Refuse anything that would duplicate an object of the base (pfSense's GUI refuses the same)."""
    ipsec = doc.section("ipsec")
    for p1 in ipsec.findall("phase1") if ipsec is not None else []:
        for t in conn.tunnels:
            if p1.get("remote-gateway") == str(t.outside.aws):
                raise InputError(f"the base already has a phase 1 to {t.outside.aws} (ikeid {p1.get('ikeid')}): "
                                 "remove it first, or validate it with `vpncc validate`", doc.path, p1.line)
    taken: dict[str, int] = {}
    ifaces = doc.section("interfaces")
    for i in ifaces.children if ifaces is not None else []:
        taken[(i.get("descr") or i.tag).upper()] = i.line
    gws = doc.section("gateways")
    for g in (gws.findall("gateway_item") + gws.findall("gateway_group")) if gws is not None else []:
        taken.setdefault(g.get("name").upper(), g.line)
    wanted = [R.iface_descr(profile, t) for t in conn.tunnels]
    if conn.routing is Routing.STATIC and len(conn.tunnels) > 1:
        wanted.append(R.group_name(profile))
    for name in wanted:
        if name.upper() in taken:
            raise InputError(f"the base already uses the name {name} (an interface description or gateway): "
                             "choose another --name-prefix", doc.path, taken[name.upper()])
    if conn.routing is Routing.BGP:
        nb = doc.root.path("installedpackages", "frrbgpneighbors")
        peers = {c.get("peer"): c.line for c in nb.findall("config")} if nb is not None else {}
        for t in conn.tunnels:
            if t.bgp and str(t.bgp.neighbor) in peers:
                raise InputError(f"the base already has an FRR BGP neighbor {t.bgp.neighbor}", doc.path,
                                 peers[str(t.bgp.neighbor)])
        bgp = doc.root.path("installedpackages", "frrbgp", "config")
        asn = conn.tunnels[0].bgp.customer_asn if conn.tunnels[0].bgp else None
        if bgp is not None and bgp.get("asnum") and bgp.get("asnum") != str(asn):
            raise InputError(f"the base's FRR BGP runs AS {bgp.get('asnum')}, but this connection's customer "
                             f"gateway uses AS {asn}", doc.path, bgp.line_of("asnum"))
    else:
        sr = doc.section("staticroutes")
        nets = {r.get("network"): r.line for r in sr.findall("route")} if sr is not None else {}
        for net in profile.remote_networks:
            if str(net) in nets:
                raise InputError(f"the base already has a static route to {net}", doc.path, nets[str(net)])


# -- text splicing ----------------------------------------------------------------------------

def _line_start(raw: bytes, at: int) -> int:
    return raw.rfind(b"\n", 0, at) + 1


def _before_end(raw: bytes, node: Node, block: str, depth: int) -> Edit:
    """Insert ``block`` (children at ``depth``) just before ``node``'s end tag."""
    if is_self_closing(raw, node):
        ind = "\t" * (depth - 1)
        return Edit(node.start, node.end - node.start, f"<{node.tag}>\n{block}{ind}</{node.tag}>")
    ls = _line_start(raw, node.end)
    if ls > start_tag_end(raw, node.start) and not raw[ls:node.end].strip():
        return Edit(ls, 0, block)
    return Edit(node.end, 0, "\n" + block + "\t" * (depth - 1))


def _after(raw: bytes, node: Node, block: str) -> Edit:
    """Insert ``block`` on the line after ``node``'s end tag."""
    e = raw.index(b">", node.end) + 1 if not is_self_closing(raw, node) else node.end
    if raw[e:e + 1] == b"\n":
        return Edit(e + 1, 0, block)
    return Edit(e, 0, "\n" + block.rstrip("\n"))


def _before(raw: bytes, node: Node, block: str) -> Edit:
    """Insert ``block`` on the lines before ``node``."""
    ls = _line_start(raw, node.start)
    if not raw[ls:node.start].strip():
        return Edit(ls, 0, block)
    return Edit(node.start, 0, "\n" + block)


def _add(parent: Node | None, tag: str, groups: list[list], depth: int, raw: bytes, root: Node,
         edits: list[Edit]) -> None:
    """Add each group of nodes to ``parent`` (a ``tag`` element at ``depth - 1``) after its last child
    of the same name, or at its end; create ``parent`` under the root when it is missing."""
    groups = [g for g in groups if g]
    if not groups:
        return
    allnodes = [n for g in groups for n in g]
    if parent is None:
        edits.append(_before_end(raw, root, dump([(tag, allnodes)], depth - 1), depth - 1))
        return
    if is_self_closing(raw, parent) or not any(c.tag == g[0][0] for g in groups for c in parent.children):
        edits.append(_before_end(raw, parent, dump(allnodes, depth), depth))
        return
    for g in groups:
        last = [c for c in parent.children if c.tag == g[0][0]]
        block = dump(g, depth)
        edits.append(_after(raw, last[-1], block) if last else _before_end(raw, parent, block, depth))


def merge(base: Any, conn: Connection, profile: Profile, header: Callable[[R.Sections, R.Plan], str]) -> str:
    raw, name = load_base(base)
    if raw.lstrip().startswith(ENCRYPTED_MARK):
        raise InputError("the --base file is an encrypted pfSense backup: download it again without "
                         "encryption (Diagnostics > Backup & Restore)", name)
    doc = parse(raw, name, extra_deep=frozenset({"aliases", "ifgroups"}))
    check_base(doc)
    check_conflicts(doc, conn, profile)
    p = plan(doc, conn, profile)
    s = R.build(conn, profile, p)
    root = doc.root
    edits: list[Edit] = []
    ipsec = doc.section("ipsec")
    if s.ipsec_global and ipsec is not None and any(c.tag.startswith("ikev2_retransmit_") for c in ipsec.children):
        # the firewall already has its own IKEv2 retransmit settings: keep them
        s.notes[:] = [n for n in s.notes if "IKEv2 Retransmit" not in n] + [
            "the base sets its own IKEv2 Retransmit values (VPN > IPsec > Advanced): kept; with charon's "
            "defaults a dead AWS endpoint takes about dpd_delay + 165 s to detect"]
        s.ipsec_global = []
    _add(ipsec, "ipsec", [s.ipsec_global, s.phase1, s.phase2], 2, raw, root, edits)
    _add(doc.section("interfaces"), "interfaces", [s.interfaces], 2, raw, root, edits)
    if conn.routing is Routing.BGP:
        _merge_frr(doc, s, edits)
    else:
        _add(doc.section("gateways"), "gateways", [s.gateway_items, s.gateway_groups], 2, raw, root, edits)
        _add(doc.section("staticroutes"), "staticroutes", [s.routes], 2, raw, root, edits)
        _merge_rules(doc, s, profile, edits)
    if conn.routing is Routing.BGP:
        pk = doc.section("installedpackages")
        names = {p.get("name").lower() for p in pk.findall("package")} if pk is not None else set()
        if "frr" not in names:
            s.notes.append("the FRR package is not installed on the base firewall: install it before "
                           "restoring, or BGP will not start")
    edits.append(_header_edit(raw, header(s, p)))
    out = bytearray(raw)
    # back to front; at one offset the later edit goes in first so the earlier one ends up in front
    for _, e in sorted(enumerate(edits), key=lambda x: (x[1].at, x[0]), reverse=True):
        out[e.at:e.at + e.remove] = e.text.encode("utf-8")
    return out.decode("utf-8")


def _header_edit(raw: bytes, header: str) -> Edit:
    m = re.match(rb"\s*<\?xml[^>]*\?>[ \t]*\r?\n?", raw)
    return Edit(m.end() if m else 0, 0, header)


def _merge_frr(doc: Document, s: R.Sections, edits: list[Edit]) -> None:
    raw, root = doc.data, doc.root
    pk = doc.section("installedpackages")
    wanted = [("frr", [("config", s.frr)]), ("frrbgp", [("config", s.frrbgp + s.frrbgp_rows)]),
              *([("frrbgpadvanced", [("config", s.frrbgpadvanced)])] if s.frrbgpadvanced else []),
              ("frrbgpneighbors", s.neighbors)]
    if s.routemaps:
        wanted.append(("frrglobalroutemaps", s.routemaps))
    if s.prefixes:
        wanted.append(("frrglobalprefixes", s.prefixes))
    if pk is None:
        edits.append(_before_end(raw, root, dump([("installedpackages", wanted)], 1), 1))
        return
    missing = []
    for tag, content in wanted:
        sec = pk.find(tag)
        if sec is None:
            missing.append((tag, content))
            continue
        if tag in ("frrbgpneighbors", "frrglobalroutemaps", "frrglobalprefixes"):
            _add(sec, tag, [content], 3, raw, root, edits)
            continue
        cfg = sec.find("config")
        new = content[0][1]
        if cfg is None:
            edits.append(_before_end(raw, sec, dump(content, 3), 3))
            continue
        present = {c.tag for c in cfg.children}
        rows = {r.get("distributeroutevalue") for r in cfg.findall("row")}
        add = [n for n in new if n[0] not in present and n[0] != "row"]
        add += [n for n in new if n[0] == "row" and dict(n[1]).get("distributeroutevalue") not in rows]
        if add:
            edits.append(_before_end(raw, cfg, dump(add, 4), 4))
    if missing:
        edits.append(_before_end(raw, pk, dump(missing, 2), 2))


def _merge_rules(doc: Document, s: R.Sections, profile: Profile, edits: list[Edit]) -> None:
    """Policy-routing rules go before the first rule of the LAN interface: pf evaluates an
    interface's rules in config order, so below "Default allow LAN to any" they would never match."""
    if not s.rules:
        return
    raw, root = doc.data, doc.root
    flt = doc.section("filter")
    if flt is None:
        edits.append(_before_end(raw, root, dump([("filter", s.rules)], 1), 1))
        return
    lan = profile.lan_interface or "lan"
    block = dump(s.rules, 2)
    idx = doc.rules.first.get(lan) if doc.rules is not None else None
    if idx is None:
        edits.append(_before_end(raw, flt, block, 2))
    else:
        edits.append(_before(raw, Node("rule", 0, idx[1]), block))

