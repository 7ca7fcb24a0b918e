"""The swanctl.conf pfSense generates from its config.xml IPsec entries.

A line-by-line port of the parts of pfSense's ``src/etc/inc/ipsec.inc`` (master, identical in
RELENG_2_6_0..RELENG_2_7_2 for everything below) that site-to-site tunnels go through:

* ``ipsec_configure()``: ``$conn_defaults`` (fragmentation, unique), the ``$scconf`` layout
  (leading comment, ``connections``, empty ``pools`` dropped, ``secrets``);
* ``ipsec_setup_bypass()``: the ``bypass`` connection and its ``bypasslan`` child;
* ``ipsec_setup_tunnels()``: one connection per phase 1 (``ipsec_conid()``: ``con<ikeid>``), version,
  aggressive, proposals (``ipsec_setup_proposal_algo()``), DPD, rekey/reauth/over/rand times
  (``ipsec_get_*_time()``), encap, mobike, children per phase 2 (``con<ikeid>_<reqid>`` for IKEv1, one
  child named like the connection for IKEv2 without split connections), VTI requests
  (``ipsec_setup_vtireq()``: reqid = 5000 + reqid, ``0.0.0.0/0,::/0`` added to both selectors),
  ESP proposals (``ipsec_setup_proposal_entry()``, AEAD first, keylen ``auto`` expanded);
* ``ipsec_setup_authentication()`` / ``ipsec_find_id()`` / ``ipsec_fixup_id()``: local/remote ids;
* ``ipsec_setup_secrets()``: ``ike-N`` secrets as ``0s`` + base64 of the trimmed key;
* ``ipsec_strongswan_confgen()``: TAB indentation, ``key = value``, values starting with ``#`` printed
  bare, empty sections omitted.

Only what a site-to-site PSK tunnel uses is ported; mobile and certificate phase 1 entries are left out
with a comment. ``interface_addresses`` stands in for ``get_interface_ip()`` (the firewall's runtime
addresses); by default static ``<ipaddr>`` values from the config are used.
"""

from __future__ import annotations

import base64
import ipaddress
from typing import Any, Mapping

from .names import MODP, REQID_BASE
from .xmlread import Document, Node, parse

#: xmlparse.inc listtags() entries that occur below <ipsec> / <interfaces>
_LISTTAGS = frozenset({"phase1", "phase2", "item", "encryption-algorithm-option", "hash-algorithm-option",
                       "mobilekey", "rule"})

Php = dict[str, Any]


def to_php(node: Node, listtags: frozenset[str] = _LISTTAGS) -> Any:
    """The PHP array parse_xml_config() would build for ``node``: elements named in ``listtags`` (pfSense's
    listtags(); by default the ones below <ipsec> and <interfaces>) become lists."""
    if not node.children:
        return node.text
    out: Php = {}
    for c in node.children:
        v = to_php(c, listtags)
        if c.tag in listtags:
            out.setdefault(c.tag, []).append(v)
        else:
            out[c.tag] = v
    return out


def _conf(arr: Mapping[Any, Any], indent: str = "") -> str:
    """ipsec_strongswan_confgen()"""
    out = ""
    for key, value in arr.items():
        if isinstance(value, dict):
            if not value:
                continue
            out += f"{indent}{key} {{\n" + _conf(value, indent + "\t") + f"{indent}}}\n"
        else:
            value = str(value)
            out += indent
            if not (value.startswith("#") or value.startswith("include ")):
                out += f"{key} = "
            out += f"{value}\n"
    return out


class _Ordered(dict):
    """A PHP array with integer-keyed comments: ``push()`` is ``$a[] = $v``, ``unshift()`` array_unshift."""

    def push(self, value: Any) -> None:
        n = max([k for k in self if isinstance(k, int)], default=-1) + 1
        self[n] = value

    def unshift(self, value: Any) -> None:
        items = list(self.items())
        self.clear()
        self[0] = value
        i = 1
        for k, v in items:
            if isinstance(k, int):
                self[i] = v
                i += 1
            else:
                self[k] = v


def _int(v: Any) -> int:
    try:
        return int(str(v).strip() or 0)
    except ValueError:
        return 0


def _strlen(entry: Php, key: str) -> bool:
    return isinstance(entry.get(key), str) and len(entry[key]) > 0


# -- ipsec_get_*_time() -----------------------------------------------------------------------

def rekey_time(e: Php) -> int:
    if _strlen(e, "rekey_time"):
        return _int(e["rekey_time"])
    if _int(e.get("lifetime")) > 0:
        return int(_int(e["lifetime"]) * 0.9)
    return 14400 if e.get("iketype") else 3600


def reauth_time(e: Php) -> int:
    if _strlen(e, "reauth_time"):
        return _int(e["reauth_time"])
    if _int(e.get("lifetime")) > 0:
        return int(_int(e["lifetime"]) * 0.9) if e.get("iketype") == "ikev1" else 0
    return 0


def life_time(e: Php) -> int:
    if _int(e.get("lifetime")) > 0:
        return _int(e["lifetime"])
    renew = max(rekey_time(e), reauth_time(e))
    if renew > 0:
        return int(renew / 0.9)
    return 16000 if e.get("iketype") else 4000


def over_time(e: Php) -> int:
    life = life_time(e)
    renew = max(rekey_time(e), reauth_time(e))
    if life > 0 and renew > 0:
        return life - renew
    if life > 0:
        return int(life * 0.1)
    if renew > 0:
        return int(renew * 0.1)
    return 0


def rand_time(e: Php) -> int:
    if _strlen(e, "rand_time"):
        return _int(e["rand_time"])
    return over_time(e)


# -- proposals --------------------------------------------------------------------------------

def proposal_algo(ealg: str, keylen: str, halgo: str, prf: str, modp: Any) -> str:
    """ipsec_setup_proposal_algo()"""
    p = ealg or ""
    if keylen:
        p += str(keylen)
    if halgo:
        if p:
            p += "-"
        p += halgo.replace("hmac_", "")
    if prf:
        p += f"-prf{prf}"
    m = MODP.get(_int(modp))
    if m:
        p += f"-{m}"
    return p


_P2_KEYSEL = {"aes": (128, 256, 64), "aes128gcm": (64, 128, 32), "aes192gcm": (64, 128, 32),
              "aes256gcm": (64, 128, 32)}


def _as_list(v: Any) -> list:
    if v in (None, ""):
        return []
    return v if isinstance(v, list) else [v]


def esp_proposals(p2: Php) -> list[str]:
    """The ESP proposal entries of one phase 2 (ipsec_setup_tunnels() + ipsec_setup_proposal_entry())."""
    out: list[str] = []
    ealgos = [e for e in _as_list(p2.get("encryption-algorithm-option")) if isinstance(e, dict)]
    aead = [e for e in ealgos if "gcm" in e.get("name", "")[1:]]
    other = [e for e in ealgos if e not in aead]
    halgos = _as_list(p2.get("hash-algorithm-option"))
    for e in list(reversed(aead)) + other:
        name, kl = e.get("name", ""), e.get("keylen", "")
        keylens = [kl]
        if kl == "auto" and name in _P2_KEYSEL:
            lo, hi, step = _P2_KEYSEL[name]
            keylens = list(range(hi, lo - 1, -step))
        for k in keylens:
            if halgos and not ("gcm" in name[1:] or name == "chacha20poly1305"):
                out += [proposal_algo(name, k, h, "", p2.get("pfsgroup")) for h in halgos]
            else:
                out.append(proposal_algo(name, k, "", "", p2.get("pfsgroup")))
    return out


# -- ids and traffic selectors ----------------------------------------------------------------

def _iface_subnet(ifaces: Php, name: str) -> str | None:
    i = ifaces.get(name)
    if not isinstance(i, dict):
        return None
    try:
        net = ipaddress.IPv4Interface(f"{i.get('ipaddr')}/{i.get('subnet')}").network
    except ValueError:
        return None
    return str(net)


def idinfo_to_cidr(idinfo: Php, addrbits: bool, mode: str, ifaces: Php) -> str:
    """ipsec_idinfo_to_cidr()"""
    t = idinfo.get("type", "")
    if t == "address":
        if addrbits:
            if mode == "tunnel6":
                return idinfo["address"] + "/128"
            if mode == "vti":
                return idinfo["address"] + ("/64" if ":" in idinfo["address"] else "/30")
            return idinfo["address"] + "/32"
        return idinfo.get("address", "")
    if t == "network":
        return f"{idinfo.get('address', '')}/{idinfo.get('netbits', '')}"
    if t in ("none", "mobile"):
        return "0.0.0.0/0"
    return _iface_subnet(ifaces, t) or ""


def fixup_id(t: str, data: str) -> str:
    """ipsec_fixup_id()"""
    auto = ["address", "auto"]
    quote = ["keyid", "asn1dn", "auto"]
    if t == "asn1dn" and data and data[0] != "#":
        auto.append("asn1dn")
    if t == "any":
        s = "%any"
    elif t not in auto:
        s = f"{t}:{data}"
    else:
        s = data
    return f'"{s}"' if t in quote else s


def find_id(p1: Php, side: str, local_addr: str) -> tuple[str, str]:
    """ipsec_find_id()"""
    if side == "local":
        t, data, addr = p1.get("myid_type", ""), p1.get("myid_data", ""), local_addr
    else:
        t, data, addr = p1.get("peerid_type", ""), p1.get("peerid_data", ""), p1.get("remote-gateway", "")
    if t == "myaddress":
        return "address", addr
    if t == "dyn_dns":
        return "dns", data
    if t == "peeraddress":
        return "address", p1.get("remote-gateway", "")
    if t == "keyid tag":
        return "keyid", data
    if t == "user_fqdn":
        return "userfqdn", data
    if t == "any":
        return "any", "%any"
    return t, data


# -- the builder ------------------------------------------------------------------------------

def swanctl_conf(config: Document | str | bytes, interface_addresses: Mapping[str, str] | None = None) -> str:
    """swanctl.conf text for every enabled site-to-site phase 1 of ``config`` (a config.xml)."""
    doc = parse(config) if isinstance(config, (str, bytes)) else config
    ipsec = doc.section("ipsec") if doc.root.tag == "pfsense" else (doc.root if doc.root.tag == "ipsec" else None)
    ifnode = doc.section("interfaces") if doc.root.tag == "pfsense" else None
    ifaces: Php = to_php(ifnode) if ifnode is not None and ifnode.children else {}
    addrs = dict(interface_addresses or {})
    for name, i in ifaces.items():
        if isinstance(i, dict) and name not in addrs:
            try:
                addrs[name] = str(ipaddress.IPv4Address(i.get("ipaddr", "")))
            except ValueError:
                pass
    ip: Php = to_php(ipsec) if ipsec is not None and ipsec.children else {}
    phase1 = [p for p in _as_list(ip.get("phase1")) if isinstance(p, dict)]
    phase2 = [p for p in _as_list(ip.get("phase2")) if isinstance(p, dict)]

    scconf = _Ordered()
    scconf.push("# This file is automatically generated. Do not edit")
    conns = _Ordered()
    scconf["connections"] = conns
    _bypass(conns, ifaces)
    secrets = _Ordered()
    notes: list[str] = []
    suffix = 0
    for p1 in phase1:
        if "disabled" in p1 or not _as_list(p1.get("encryption", {}).get("item") if isinstance(
                p1.get("encryption"), dict) else None):
            continue
        iface = p1.get("interface") or "wan"
        local = addrs.get(iface, "")
        if not local:
            notes.append(f"# vpncc: phase1 ikeid {p1.get('ikeid')} skipped: no address known for interface {iface}")
            continue
        if "mobile" in p1 or p1.get("authentication_method") != "pre_shared_key":
            notes.append(f"# vpncc: phase1 ikeid {p1.get('ikeid')} skipped: only site-to-site PSK tunnels are mapped")
            continue
        p2s = [p for p in phase2 if p.get("ikeid") == p1.get("ikeid")]
        conns[f"con{p1.get('ikeid')}"] = _tunnel(p1, p2s, local, ifaces)
        _, peer = find_id(p1, "peer", local)
        if peer and p1.get("pre-shared-key"):
            secrets[f"ike-{suffix}"] = {
                "secret": "0s" + base64.b64encode(p1["pre-shared-key"].strip().encode()).decode(),
                "id-0": "%any",
                "id-1": fixup_id(*find_id(p1, "peer", local)),
            }
            suffix += 1
    scconf["pools"] = {}
    scconf["secrets"] = secrets
    return "".join(n + "\n" for n in notes) + _conf(scconf)


def _bypass(conns: _Ordered, ifaces: Php) -> None:
    """ipsec_setup_bypass() (LAN IPv4 only; no custom bypass rules)."""
    by: Php = {"remote_addrs": "127.0.0.1", "children": {}}
    lan = _iface_subnet(ifaces, "lan")
    if lan:
        by["children"]["bypasslan"] = {"local_ts": lan, "remote_ts": lan, "mode": "pass", "start_action": "trap"}
    conns["bypass"] = by


def _tunnel(p1: Php, p2s: list[Php], local_spec: str, ifaces: Php) -> Php:
    """One connection of ipsec_setup_tunnels()."""
    ikeid = p1.get("ikeid", "")
    cname = f"con{ikeid}"
    conn = _Ordered(fragmentation="yes", unique="replace")
    descr = f"# P1 (ikeid {ikeid})" + (f": {p1['descr']}" if p1.get("descr") else "")
    conn.unshift(descr)
    child_params: Php = {}
    if p1.get("closeaction"):
        child_params["close_action"] = p1["closeaction"]
    start_action = "trap"
    version = {"auto": 0, "ikev2": 2}.get(p1.get("iketype", ""), 1)
    conn["version"] = version
    if version != 2:
        conn["aggressive"] = "yes" if p1.get("mode") == "aggressive" else "no"
    remote_spec = p1.get("remote-gateway", "")
    ciphers = []
    for item in _as_list(p1.get("encryption", {}).get("item")):
        ea = item.get("encryption-algorithm") if isinstance(item, dict) else None
        if not isinstance(ea, dict) or not ea.get("name") or not item.get("hash-algorithm"):
            continue
        prf = item.get("prf-algorithm", "") if p1.get("prfselect_enable") == "yes" else ""
        ciphers.append(proposal_algo(ea["name"], ea.get("keylen", ""), item["hash-algorithm"], prf,
                                     item.get("dhgroup")))
    if ciphers:
        conn["proposals"] = ",".join(ciphers)
    if _int(p1.get("dpd_delay")) and _int(p1.get("dpd_maxfail")):
        child_params["dpd_action"] = "trap" if start_action == "trap" else "clear"
        conn["dpd_delay"] = f"{p1['dpd_delay']}s"
        if p1.get("iketype") == "ikev1":
            conn["dpd_timeout"] = f"{_int(p1['dpd_delay']) * (_int(p1['dpd_maxfail']) + 1)}s"
        if child_params.get("close_action"):
            child_params["dpd_action"] = {"trap": "trap", "start": "restart"}.get(p1["closeaction"], "clear")
    else:
        child_params["dpd_action"] = "clear"
    if version in (0, 2):
        conn["rekey_time"] = f"{rekey_time(p1)}s"
    conn["reauth_time"] = f"{reauth_time(p1)}s"
    conn["over_time"] = f"{over_time(p1)}s"
    conn["rand_time"] = f"{rand_time(p1)}s"
    conn["encap"] = "yes" if p1.get("nat_traversal") == "force" else "no"
    conn["mobike"] = "yes" if p1.get("mobike") == "on" else "no"
    if "ikeport" in p1:
        conn["remote_port"] = p1["ikeport"]
    elif "nattport" in p1:
        conn["local_port"] = 4500
        conn["remote_port"] = p1["nattport"]

    split = version == 1 or "splitconn" in p1
    children: dict[str, _Ordered] = {}
    local_ts_spec: list[str] = []
    remote_ts_spec: list[str] = []
    esp_all: list[str] = []
    has_vti = False
    first_reqid = next((p.get("reqid") for p in p2s), None)
    for p2 in p2s:
        if "disabled" in p2 or "mobile" in p2:
            continue
        child = _Ordered()
        mode = p2.get("mode", "")
        if mode in ("tunnel", "tunnel6"):
            child["mode"] = "tunnel"
            child["policies"] = "yes"
            local_ts = idinfo_to_cidr(p2.get("localid") or {}, False, mode, ifaces)
            remote_ts = idinfo_to_cidr(p2.get("remoteid") or {}, False, mode, ifaces)
        elif mode == "vti":
            child["policies"] = "no"
            start_action = "start"
            if child_params.get("dpd_action") == "trap":
                child_params["dpd_action"] = "restart"
            local_ts = idinfo_to_cidr(p2.get("localid") or {}, False, mode, ifaces)
            remote_ts = idinfo_to_cidr(p2.get("remoteid") or {}, False, mode, ifaces)
            has_vti = True
        else:
            child["mode"] = "transport"
            child["policies"] = "yes"
            local_ts, remote_ts = local_spec, remote_spec
        if local_ts:
            local_ts_spec.append(local_ts)
        if remote_ts:
            remote_ts_spec.append(remote_ts)
        if _int(p2.get("lifetime")):
            child["life_time"] = f"{life_time(p2)}s"
            child["rekey_time"] = f"{rekey_time(p2)}s"
            child["rand_time"] = f"{rand_time(p2)}s"
        if not (mode == "vti" and p1.get("startaction") == "trap"):
            start_action = p1.get("startaction") or start_action
        child["start_action"] = start_action
        proposal = esp_proposals(p2) if p2.get("protocol") == "esp" else []
        esp_all += proposal
        pdescr = f"# P2 (reqid {p2.get('reqid')})" + (f": {p2['descr']}" if p2.get("descr") else "")
        if split:
            if not remote_ts:
                continue
            sub = _Ordered(child)
            sub.unshift(pdescr)
            sub["local_ts"] = local_ts
            sub["remote_ts"] = remote_ts
            if has_vti:
                _vtireq(sub, p2.get("reqid"))
            if p2.get("protocol") and proposal:
                sub[f"{p2['protocol']}_proposals"] = ",".join(proposal)
            children[f"{cname}_{p2.get('reqid')}"] = sub
        else:
            merged = children.get(cname, _Ordered())
            merged.update(child)
            merged.unshift(pdescr)
            children[cname] = merged
    conn["local_addrs"] = local_spec
    conn["remote_addrs"] = remote_spec
    if not split and cname in children:
        ch = children[cname]
        if remote_ts_spec:
            ch["remote_ts"] = ",".join(remote_ts_spec)
        if local_ts_spec:
            ch["local_ts"] = ",".join(local_ts_spec)
        if has_vti and first_reqid is not None:
            _vtireq(ch, first_reqid)
        if esp_all:
            ch["esp_proposals"] = ",".join(dict.fromkeys(esp_all))
    lt, ld = find_id(p1, "local", local_spec)
    rt, rd = find_id(p1, "peer", local_spec)
    conn["local"] = {"id": fixup_id(lt, ld), "auth": "psk"}
    conn["remote"] = {"id": fixup_id(rt, rd), "auth": "psk"}
    if children:
        conn["children"] = {name: _Ordered({**c, **child_params}) for name, c in children.items()}
    return conn


def _vtireq(child: _Ordered, reqid: Any) -> None:
    """ipsec_setup_vtireq()"""
    child["reqid"] = REQID_BASE + _int(reqid)
    child["local_ts"] = child.get("local_ts", "") + ",0.0.0.0/0,::/0"
    child["remote_ts"] = child.get("remote_ts", "") + ",0.0.0.0/0,::/0"
