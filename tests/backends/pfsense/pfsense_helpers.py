"""Test helpers for the pfSense backend: a local comparer (until vpncc.validate.compare lands), a
config.xml <-> PHP array model, and an applier for the PHP statements remediation emits."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Any

from vpncc.ir import Connection, IkeVersion, Routing
from vpncc.profile import Profile
from vpncc.validate.model import DeviceConfig

ROOT = Path(__file__).resolve().parents[3]

DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "base-config.xml"

# --crypto file: the compiled config offers the IR's own suite, so a mutation of what AWS accepts is
# measured against exactly what the config offers (the round trip covers every mode)
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")

def plain_values(t) -> dict[str, Any]:
    """A device tunnel's observed values, proposals without their line numbers (re-serialized or
    merged text moves them; the meaning is what is compared)."""
    from dataclasses import replace

    from vpncc.validate.negotiation import Proposal

    def plain(v):
        if isinstance(v, tuple) and v and isinstance(v[0], Proposal):
            return tuple(replace(p, line=None) for p in v)
        return v
    return {k: plain(o.value) for k, o in t.values.items()}


# -- local comparer ---------------------------------------------------------------------------

LIST_KEYS = {"ike.encryption", "ike.integrity", "ike.dh_groups", "ipsec.encryption", "ipsec.integrity",
             "ipsec.pfs_groups"}


def expected(conn: Connection, profile: Profile) -> dict[int, dict[str, Any]]:
    """What the device should say for each IR tunnel, in DeviceTunnel.values terms."""
    out = {}
    for t in conn.tunnels:
        v: dict[str, Any] = {
            "outside.aws": t.outside.aws, "outside.customer": t.outside.customer,
            "inside.customer": t.inside.customer, "ike.version": t.ike.version, "ike.psk": t.ike.psk,
            "ike.encryption": t.ike.encryption, "ike.integrity": t.ike.integrity,
            "ike.dh_groups": t.ike.dh_groups, "ike.lifetime_s": t.ike.lifetime_s,
            "ipsec.encryption": t.ipsec.encryption,
            "ipsec.integrity": () if all(e.is_gcm for e in t.ipsec.encryption) else t.ipsec.integrity,
            "ipsec.pfs_groups": t.ipsec.pfs_groups, "ipsec.lifetime_s": t.ipsec.lifetime_s,
            "dpd.interval_s": t.dpd.interval_s, "dpd.retries": t.dpd.retries,
            "mtu": t.mtu, "tcp_mss": t.tcp_mss, "enabled": True,
        }
        if t.ike.version is IkeVersion.IKEV1:
            v["ike.mode"] = t.ike.mode
        if conn.routing is Routing.STATIC:
            v["static_routes"] = tuple(profile.remote_networks)
        out[t.number] = v
    return out


def local_findings(conn: Connection, profile: Profile, dc: DeviceConfig) -> set[tuple[int | None, str]]:
    """(tunnel, key) pairs that differ, with the lead's documented semantics: tunnels matched by AWS
    outside address then inside /30, lists compare as sets (finding only when disjoint), scalars by
    equality, absent key = not configured."""
    found: set[tuple[int | None, str]] = set()
    exp = expected(conn, profile)
    used: set[str] = set()
    for t in conn.tunnels:
        dev = next((d for d in dc.tunnels if d.get("outside.aws") and d.get("outside.aws").value == t.outside.aws
                    and d.name not in used), None)
        if dev is None:
            dev = next((d for d in dc.tunnels if d.get("inside.customer")
                        and d.get("inside.customer").value.network == t.inside.customer.network
                        and d.name not in used), None)
        if dev is None:
            found.add((t.number, "missing"))
            continue
        used.add(dev.name)
        for key, want in exp[t.number].items():
            o = dev.get(key)
            if o is None:
                found.add((t.number, key))
                continue
            if not o.verifiable:
                continue
            got = o.value
            if key in LIST_KEYS:
                if key == "ipsec.pfs_groups" and not want and not got:
                    continue
                if not set(want) & set(got) and (want or got):
                    found.add((t.number, key))
            elif key == "static_routes":
                if not set(want) <= set(got):
                    found.add((t.number, key))
            elif got != want:
                found.add((t.number, key))
        if t.bgp is not None:
            nb = next((n for n in dc.bgp_neighbors if n["neighbor"].value == t.bgp.neighbor), None)
            if nb is None:
                found.add((t.number, "bgp.neighbor"))
                continue
            for key, want in (("aws_asn", t.bgp.aws_asn), ("customer_asn", t.bgp.customer_asn),
                              ("hold_time_s", t.bgp.hold_time_s), ("enabled", True)):
                if key not in nb or nb[key].value != want:
                    found.add((t.number, f"bgp.{key}"))
    return found


# -- config.xml as PHP arrays (xmlparse.inc parse_xml_config / dump_xml_config) ---------------

LISTTAGS = frozenset("""acls alias aliasurl allowedip allowedhostname authserver bridged build_port_path ca cacert
cert crl clone config container columnitem checkipservice depends_on_package disk dnsserver dnsupdate
domainoverrides dyndns earlyshellcmd element encryption-algorithm-option field fieldname gateway_item
gateway_group gif gre group hash-algorithm-option hosts ifgroupentry igmpentry interface_array item key lagg
laggroup lbaction lbpool l7rules lbprotocol member menu tab mobilekey mobilegroup monitor_type mount npt
ntpserver onetoone openvpn-server openvpn-client openvpn-csc option package passthrumac phase1 phase2 ppp
pppoe priv proxyarpnet pool qinqentry queue pages pipe radnsserver roll route row rrddatafile rule schedule
service servernat servers sshkeyfile serversdisabled shellcmd staticmap subqueue switch swport timerange
tunnel user vip virtual_server vlan vlangroup voucherdbfile vxlan wgpeer winsserver wolentry widget
xmldatafile""".split())


def to_php(text: str) -> dict:
    """The whole config.xml as pfSense's parse_xml_config() sees it, with its complete listtags()."""
    from vpncc.backends.pfsense import swanctl_map
    from vpncc.backends.pfsense.xmlread import parse

    doc = parse(text, deep_all=True)
    return {doc.root.tag: swanctl_map.to_php(doc.root, LISTTAGS)}


def from_php(arr: dict) -> str:
    from vpncc.backends.pfsense.xmlwrite import dump

    def nodes(d):
        out = []
        for k, v in d.items():
            if isinstance(v, list) and k in LISTTAGS:
                out += [(k, nodes(x) if isinstance(x, dict) else (x if x != "" else True)) for x in v]
            elif isinstance(v, dict):
                out.append((k, nodes(v) or True))
            else:
                out.append((k, v if v != "" else True))
        return out

    (root, body), = arr.items()
    return '<?xml version="1.0"?>\n' + dump([(root, nodes(body))], 0)


_KEY = re.compile(r"\[(?:'((?:[^'\\]|\\.)*)'|(\d+)|)\]")


def _keys(s: str) -> list:
    out = []
    for m in _KEY.finditer(s):
        if m.group(1) is not None:
            out.append(m.group(1).replace("\\'", "'").replace("\\\\", "\\"))
        elif m.group(2) is not None:
            out.append(int(m.group(2)))
        else:
            out.append("")
    return out


def _php_value(src: str) -> Any:
    src = src.strip()
    m = re.fullmatch(r"json_decode\('((?:[^'\\]|\\.)*)', true\)", src)
    if m:
        return json.loads(m.group(1).replace("\\'", "'").replace("\\\\", "\\"))
    m = re.fullmatch(r"'((?:[^'\\]|\\.)*)'", src)
    if m:
        return m.group(1).replace("\\'", "'").replace("\\\\", "\\")
    raise ValueError(f"unsupported PHP value {src[:60]!r}")


def apply_php(config_xml: str, php: str) -> str:
    """Run the statement subset remediation emits against config.xml (as pfSense would)."""
    arr = to_php(config_xml)
    cfg = arr["pfsense"]
    for line in php.splitlines():
        line = re.sub(r"\s*//.*$", "", line).strip()
        if not line.startswith(("$config", "unset(", "array_splice(")):
            continue
        m = re.fullmatch(r"\$config((?:\[[^\]]*\])+) = (.*);", line)
        if m:
            keys = _keys(m.group(1))
            node = cfg
            for k in keys[:-1]:
                if isinstance(node, list):
                    node = node[k]
                else:
                    if not isinstance(node.get(k), (dict, list)):
                        node[k] = [] if k in LISTTAGS else {}
                    node = node[k]
            last, val = keys[-1], _php_value(m.group(2))
            if last == "" or (isinstance(node, list) and last == len(node)):
                node.append(val)
            elif isinstance(node, list):
                node[last] = val
            else:
                node[last] = val
            continue
        m = re.fullmatch(r"unset\(\$config((?:\[[^\]]*\])+)\);", line)
        if m:
            keys = _keys(m.group(1))
            node = cfg
            try:
                for k in keys[:-1]:
                    node = node[k]
                if isinstance(node, dict):
                    node.pop(keys[-1], None)
            except (KeyError, IndexError, TypeError):
                pass
            continue
        m = re.fullmatch(r"array_splice\(\$config((?:\[[^\]]*\])+), (\d+), 0, array\((.*)\)\);", line)
        if m:
            keys = _keys(m.group(1))
            node = cfg
            for k in keys:
                node = node[k]
            node.insert(int(m.group(2)), _php_value(m.group(3)))
            continue
        raise ValueError(f"unsupported statement: {line[:80]}")
    return from_php(arr)
