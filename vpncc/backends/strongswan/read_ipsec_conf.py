"""ipsec.conf + ipsec.secrets (starter/stroke syntax) -> DeviceTunnels, through grammars/ipsec_conf.lark.

starter's semantics: ``conn %default`` applies to every conn, ``also = NAME`` pulls in another
conn's settings, a conn's own settings win; ``auto = ignore`` means the conn is not loaded at all.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from . import names
from .read import apply_iface, ipv4, key_int, set_proposals, set_psk, set_version

if TYPE_CHECKING:  # pragma: no cover
    from .linux_side import LinuxSide
    from .read import Part

#: ipsec.conf conn keywords (strongSwan 5.9 starter); others become notes
CONN_KEYS = frozenset("""
aaa_identity aggressive ah also authby auto closeaction compress dpdaction dpddelay dpdtimeout dpdaction
eap eap_identity esp forceencaps fragmentation ike ikedscp ikelifetime installpolicy keyexchange keyingtries
keylife lifebytes lifepackets lifetime left leftallowany leftauth leftauth2 leftca leftca2 leftcert leftcert2
leftcertpolicy leftdns leftfirewall leftgroups leftgroups2 lefthostaccess leftid leftid2 leftikeport
leftprotoport leftsendcert leftsigkey leftsourceip leftsubnet leftupdown margin marginbytes marginpackets
margintime mark mark_in mark_out mediated_by mediation me_peerid mobike modeconfig pfs pfsgroup reauth rekey
rekeyfuzz replay_window reqid right rightallowany rightauth rightauth2 rightca rightca2 rightcert rightcert2
rightcertpolicy rightdns rightfirewall rightgroups rightgroups2 righthostaccess rightid rightid2 rightikeport
rightprotoport rightsendcert rightsigkey rightsourceip rightsubnet rightupdown sha256_truncbug tfc type
xauth xauth_identity inactivity hw_offload if_id_in if_id_out ppk_id ppk_required priority sec_label
""".split())


@dataclass
class Conn:
    name: str
    line: int
    settings: dict[str, tuple[str, int]] = field(default_factory=dict)


def _parser():
    from ..._lark import load

    return load("ipsec_conf.lark").parser


_SETTING = re.compile(r"^[ \t]+([A-Za-z0-9_%.-]+)[ \t]*=[ \t]*(.*?)[ \t]*$")


def _value(v: str) -> str:
    v = v.strip()
    if v.startswith('"'):
        end = v.find('"', 1)
        return v[1:end] if end > 0 else v[1:]
    return v.split("#", 1)[0].strip()


def parse(text: str, offset: int, base: str | None, dev: DeviceConfig, conns: dict[str, Conn],
          secrets: list[tuple[list[str], str, str, int]], depth: int = 0) -> None:
    tree = _parser().parse(text if text.endswith("\n") else text + "\n")
    current: Conn | None = None

    def handle(node) -> None:
        tok = node.children[0]
        raw = str(tok)
        line = tok.line + offset
        if node.data == "setting":
            m = _SETTING.match(raw.rstrip("\r\n"))
            if m and current is not None:
                current.settings[m.group(1)] = (_value(m.group(2)), line)
        elif node.data == "secret":
            ids_part, _, rest = raw.partition(":")
            words = rest.strip().split(None, 1)
            ids = ids_part.split()
            if words and words[0].upper() == "PSK" and len(words) > 1:
                secrets.append((ids, words[1].strip(), raw, line))
        elif node.data == "include":
            _include(raw.split(None, 1)[1].strip(), line, base, dev, conns, secrets, depth)
        elif node.data == "junk":
            dev.notes.append(DeviceNote(line, f"ipsec.conf line not understood: {raw.strip()[:60]}"))

    for node in tree.children:
        if node.data == "head":
            head = node.children[0]
            words = str(head).split("#", 1)[0].split()
            if words[0] == "conn":
                current = conns.setdefault(words[1], Conn(words[1], head.line + offset))
            else:
                current = None  # config setup / ca: nothing vpncc compares
        else:
            handle(node)


def _include(pattern: str, line: int, base: str | None, dev, conns, secrets, depth: int) -> None:
    pattern = pattern.strip('"')
    if depth > 8 or (base is None and not os.path.isabs(pattern)):
        dev.notes.append(DeviceNote(line, f"include {pattern}: not read"))
        return
    full = pattern if os.path.isabs(pattern) else os.path.join(base or "", pattern)
    for m in sorted(glob.glob(full)):
        try:
            with open(m, encoding="utf-8") as fh:
                parse(fh.read(), 0, os.path.dirname(m), dev, conns, secrets, depth + 1)
        except (OSError, UnicodeDecodeError):
            dev.notes.append(DeviceNote(line, f"include {pattern}: cannot read {m}"))


def _effective(conns: dict[str, Conn], name: str) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = dict(conns["%default"].settings) if "%default" in conns else {}

    def pull(n: str, seen: frozenset) -> None:
        c = conns.get(n)
        if c is None or n in seen:
            return
        also = c.settings.get("also")
        if also:
            for a in also[0].split():
                pull(a, seen | {n})
        out.update({k: v for k, v in c.settings.items() if k != "also"})

    pull(name, frozenset())
    return out


def tunnels_from_ipsec_conf(parts: list["Part"], dev: DeviceConfig, side: "LinuxSide", path: str | None,
                            ifnames: dict[int, str]) -> None:
    conns: dict[str, Conn] = {}
    secrets: list[tuple[list[str], str, str, int]] = []
    base = os.path.dirname(path) if path else None
    for p in parts:
        parse(p.text, p.offset, base, dev, conns, secrets)
    for name, c in conns.items():
        if name == "%default":
            continue
        s = _effective(conns, name)
        t = DeviceTunnel(name=name, line=c.line)

        def val(k: str, default: str | None = None) -> str | None:
            return s[k][0] if k in s else default

        def ln(k: str) -> int:
            return s[k][1] if k in s else c.line

        for k, (_, line) in s.items():
            if k not in CONN_KEYS:
                dev.notes.append(DeviceNote(line, f"conn {name}: unknown keyword {k!r} (starter would refuse it)"))
        if val("auto") == "ignore":
            t.set("enabled", False, ln("auto"))
        right = ipv4(val("right"))
        if right is not None:
            t.set("outside.aws", right, ln("right"))
        lid = ipv4(val("leftid")) or ipv4(val("left"))
        if lid is not None:
            t.set("outside.customer", lid, ln("leftid") if ipv4(val("leftid")) else ln("left"))
        kx = (val("keyexchange") or "ike").lower()
        aggressive = (val("aggressive") or "no").lower() in ("yes", "true")
        set_version(t, kx == "ikev1", ln("keyexchange"), aggressive, ln("aggressive") if val("aggressive") else None)
        for key, ike, what in (("ike", True, "IKE proposal"), ("esp", False, "ESP proposal")):
            raw = val(key)
            strict = raw is None or raw.endswith("!")
            set_proposals(t, dev, raw.rstrip("!") if raw else None, ln(key), ike=ike, what=what, strict=strict)
        ike_life = names.parse_time(val("ikelifetime") or "") or names.IPSEC_CONF_IKELIFETIME
        t.set("ike.lifetime_s", ike_life, ln("ikelifetime"))
        lkey = "lifetime" if "lifetime" in s else "keylife"
        t.set("ipsec.lifetime_s", names.parse_time(val(lkey) or "") or names.IPSEC_CONF_LIFETIME, ln(lkey))
        if (val("dpdaction") or "none").lower() in ("restart", "clear", "hold", "trap"):
            delay = names.parse_time(val("dpddelay") or "") or names.IPSEC_CONF_DPDDELAY
            timeout = names.parse_time(val("dpdtimeout") or "") or names.IPSEC_CONF_DPDTIMEOUT
            t.set("dpd.interval_s", delay, ln("dpddelay"))
            t.set("dpd.retries", round(timeout / delay) if delay else 0, ln("dpdtimeout"))
        mark = key_int((val("mark") or val("mark_out") or val("mark_in") or "").split("/")[0] or None)
        updown = val("leftupdown")
        apply_iface(t, side, ifnames, xfrm=key_int(val("if_id_out") or val("if_id_in")), mark=mark, updown=updown)
        t.set("strongswan", {"syntax": "ipsec.conf", "child": None, "iface": ifnames.get(id(t))}, c.line)
        psk = _psk_for(secrets, val("leftid") or val("left"), val("rightid") or val("right"))
        if psk is not None:
            set_psk(t, psk[0], psk[1])
        dev.tunnels.append(t)


def _psk_for(secrets, local: str | None, remote: str | None) -> tuple[str, int] | None:
    best = None
    score_best = 0.0
    for ids, secret, _, line in secrets:
        if ids:
            if remote not in ids and len(ids) > 1:
                continue
            score = (2.0 if remote in ids else 0.0) + (1.0 if local in ids else 0.0)
        else:
            score = 0.5
        if score >= score_best and score > 0:
            best, score_best = (_secret_text(secret), line), score
    return best


def _secret_text(s: str) -> str:
    s = s.strip()
    if s.startswith('"'):
        end = s.rfind('"')
        return s[1:end] if end > 0 else s[1:]
    if s.startswith("'"):
        end = s.rfind("'")
        return s[1:end] if end > 0 else s[1:]
    try:
        return shlex.split(s)[0]
    except (ValueError, IndexError):
        return s
