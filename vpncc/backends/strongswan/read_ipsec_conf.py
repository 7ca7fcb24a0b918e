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
from .read import apply_iface, ipv4, key_int, set_local, set_proposals, set_psk, set_version
from .semantics import Retransmit, dpd_libreswan, dpd_strongswan, initiates_ipsec_conf, initiates_libreswan

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
#: Libreswan/Openswan (pluto) keywords strongSwan's starter does not have (Libreswan ipsec.conf(5))
PLUTO_KEYS = frozenset("""
ikev2 phase2 phase2alg salifetime encapsulation nat-ikev1-method ikepad narrowing sareftrack remote_peer_type
overlapip vti-interface vti-routing vti-shared leftvti rightvti rekeymargin rekeyfuzz pfsgroup dpdaction
leftnexthop rightnexthop leftsourceip rightsourceip ike_frag fragmentation mtu nic-offload
retransmit-timeout retransmit-interval ipsec-interface leftinterface-ip
""".split())
#: settings only pluto knows: the file is Libreswan's/Openswan's and read with their meaning
_PLUTO = re.compile(r"^[ \t]*(ikev2|phase2alg|phase2|salifetime|encapsulation|nat_traversal|protostack|"
                    r"virtual_private|vti-interface|leftvti|nat-ikev1-method|ikepad|ipsec-interface)[ \t]*="
                    r"|^[ \t]*ike[ \t]*=[^#\n]*;|restart_by_peer", re.M)


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
                            ifnames: dict[int, str], retransmit: Retransmit | None = None) -> None:
    retransmit = retransmit or Retransmit()
    conns: dict[str, Conn] = {}
    secrets: list[tuple[list[str], str, str, int]] = []
    base = os.path.dirname(path) if path else None
    for p in parts:
        parse(p.text, p.offset, base, dev, conns, secrets)
    pluto = any(_PLUTO.search(p.text) for p in parts) or any(
        k in PLUTO_KEYS - CONN_KEYS for c in conns.values() for k in c.settings)
    for name, c in conns.items():
        if name == "%default":
            continue
        s = _effective(conns, name)
        t = DeviceTunnel(name=name, line=c.line)

        def val(k: str, default: str | None = None, s=s) -> str | None:
            return s[k][0] if k in s else default

        def ln(k: str, s=s, c=c) -> int:
            return s[k][1] if k in s else c.line

        known = CONN_KEYS | PLUTO_KEYS if pluto else CONN_KEYS
        for k, (_, line) in s.items():
            if k not in known:
                who = "pluto" if pluto else "starter"
                dev.notes.append(DeviceNote(line, f"conn {name}: unknown keyword {k!r} ({who} would refuse it)"))
        if val("auto") == "ignore":
            t.set("enabled", False, ln("auto"))
        right = ipv4(val("right"))
        if right is not None:
            t.set("outside.aws", right, ln("right"))
        set_local(t, side, val("left"), ln("left"), val("leftid"), ln("leftid"))
        aggressive = (val("aggressive") or val("aggrmode") or "no").lower() in ("yes", "true")
        v1 = _pluto_v1(val, t, dev, ln) if pluto else (val("keyexchange") or "ike").lower() == "ikev1"
        set_version(t, v1, ln("ikev2") if pluto and val("ikev2") else ln("keyexchange"), aggressive,
                    ln("aggressive") if val("aggressive") else None)
        if pluto:
            _pluto_crypto(t, dev, val, ln, v1)
        else:
            for key, ike, what in (("ike", True, "IKE proposal"), ("esp", False, "ESP proposal")):
                raw = val(key)
                strict = raw is None or raw.endswith("!")
                set_proposals(t, dev, raw.rstrip("!") if raw else None, ln(key), ike=ike, what=what, strict=strict,
                              ikev1=v1)
        default_ike = 3600 if pluto else names.IPSEC_CONF_IKELIFETIME
        ike_life = names.parse_time(val("ikelifetime") or "") or default_ike
        t.set("ike.lifetime_s", ike_life, ln("ikelifetime"))
        lkey = next((k for k in ("lifetime", "keylife", "salifetime") if k in s), "lifetime")
        # pluto's salifetime/keylife default is 8 h (Libreswan ipsec.conf(5)); starter's lifetime 1 h
        default_sa = 28800 if pluto else names.IPSEC_CONF_LIFETIME
        t.set("ipsec.lifetime_s", names.parse_time(val(lkey) or "") or default_sa, ln(lkey))
        delay = names.parse_time(val("dpddelay") or "") if val("dpddelay") else None
        timeout = names.parse_time(val("dpdtimeout") or "") if val("dpdtimeout") else None
        if pluto:
            dpd = dpd_libreswan(delay, timeout, val("dpdaction"))
        else:
            on = (val("dpdaction") or "none").lower() in ("restart", "clear", "hold", "trap")
            delay = delay or names.IPSEC_CONF_DPDDELAY
            timeout = timeout or names.IPSEC_CONF_DPDTIMEOUT
            dpd = dpd_strongswan(ikev1=v1, delay=delay if on else 0, timeout=timeout, action=val("dpdaction"),
                                 retransmit=retransmit, legacy=True)
        dline = ln("dpdaction") if val("dpdaction") else ln("dpddelay")
        t.set("dpd", dpd, dline)
        if dpd.enabled and delay:
            t.set("dpd.interval_s", delay, ln("dpddelay"))
            t.set("dpd.retries", round((timeout or 0) / delay) if delay else 0, ln("dpdtimeout"))
        how, why = initiates_libreswan(val("auto")) if pluto else initiates_ipsec_conf(val("auto"), val("closeaction"))
        t.set("initiates", how, ln("auto"), note=why)
        markv = val("mark") or val("mark_out") or val("mark_in")
        mark = key_int((markv or "").split("/")[0] or None)
        updown = val("leftupdown")
        if_out, if_in = key_int(val("if_id_out")), key_int(val("if_id_in"))
        if pluto and val("vti-interface"):
            # Libreswan creates the VTI itself: vti-interface=NAME with key = mark, leftvti = its address
            # (Libreswan ipsec.conf(5), "vti-interface", "leftvti")
            _pluto_vti(side, val("vti-interface"), mark, val("leftvti"), ln("leftvti"), ln("vti-interface"))
            updown = updown or f"- updown {val('vti-interface')}"
        apply_iface(t, side, ifnames, xfrm=if_out or if_in, mark=mark, updown=updown,
                    line=ln("if_id_out") if if_out else ln("mark") if "mark" in s else ln("leftupdown"),
                    xfrm_in=if_in if if_out else None, remote=val("right"))
        _policy_based(t, val, ln, mark, if_out or if_in, updown, ifnames)
        ident = ("if_id", if_out or if_in) if (if_out or if_in) else (("mark", mark) if mark else None)
        t.set("strongswan", {"syntax": "libreswan" if pluto else "ipsec.conf", "child": None,
                             "iface": ifnames.get(id(t)), "id_kind": ident[0] if ident else None,
                             "if_id": ident[1] if ident else None}, c.line)
        psk = _psk_for(secrets, val("leftid") or val("left"), val("rightid") or val("right"))
        if psk is not None:
            set_psk(t, psk[0], psk[1])
        dev.tunnels.append(t)


def _pluto_v1(val, t: DeviceTunnel, dev: DeviceConfig, ln) -> bool:
    """IKE version in pluto's terms: ``ikev2=no|never|permit`` is IKEv1 (permit: IKEv1 initiated),
    ``yes|insist|propose`` IKEv2; Libreswan 4+ also takes ``keyexchange=ikev1|ikev2``; Openswan's (and
    Libreswan 3's) ``keyexchange=ike`` is their only value and means IKEv1."""
    v2 = (val("ikev2") or "").lower()
    if v2:
        return v2 in ("no", "never", "permit")
    kx = (val("keyexchange") or "").lower()
    if kx in ("ikev1", "ikev2"):
        return kx == "ikev1"
    dev.notes.append(DeviceNote(ln("keyexchange"), f"conn {t.name}: no ikev2= setting: read as IKEv1 (Openswan, "
                                                   "Libreswan 3); Libreswan 4+ defaults to IKEv2"))
    return True


def _pluto_crypto(t: DeviceTunnel, dev: DeviceConfig, val, ln, v1: bool) -> None:
    ike = val("ike")
    if ike:
        set_proposals(t, dev, ike, ln("ike"), ike=True, what="IKE proposal", ikev1=v1, dialect="libreswan")
    else:
        unv = dict(t.value("unverified") or {})
        unv["ike.proposals"] = "no ike= line: pluto's built-in default proposals"
        t.set("unverified", unv, t.line)
    groups = tuple(g for p in (t.value("ike.proposals") or ()) for g in p.dh_groups)
    first = groups[:1]
    pfs = (val("pfs") or "yes").lower() not in ("no", "false")
    pfsgroup = val("pfsgroup")
    if pfsgroup:
        from .proposals import libreswan

        gs = libreswan(f"aes-{pfsgroup}", ike=True, ikev1=False).proposals
        first = gs[0].dh_groups if gs else first
    esp = val("phase2alg") or val("esp")
    key = "phase2alg" if val("phase2alg") else "esp"
    # pfs=yes (the default): the phase-1 group unless phase2alg names one (Libreswan ipsec.conf(5), pfs)
    set_proposals(t, dev, esp or "aes256-sha2_256,aes128-sha2_256,aes256-sha1,aes128-sha1", ln(key), ike=False,
                  what="ESP proposal", ikev1=v1, dialect="libreswan", pfs_groups=first if pfs else ())
    if not esp:
        unv = dict(t.value("unverified") or {})
        unv["ipsec.proposals"] = "no phase2alg= line: pluto's built-in default ESP proposals"
        t.set("unverified", unv, t.line)


def _pluto_vti(side, name: str, mark, leftvti: str | None, vti_line: int, line: int) -> None:
    import ipaddress as _ip

    i = side.iface(name)
    i.kind = i.kind or "vti"
    i.line = i.line or line
    if i.key is None:
        i.key = mark
    if leftvti and i.inside is None:
        try:
            i.inside = (_ip.IPv4Interface(leftvti), vti_line)
        except ValueError:
            pass


def _policy_based(t: DeviceTunnel, val, ln, mark, if_id, updown, ifnames) -> None:
    """leftsubnet/rightsubnet narrower than 0.0.0.0/0 without a mark/if_id/VTI: a policy-based tunnel
    (AWS's Openswan template), traffic follows the IPsec policies, not an interface."""
    ls, rs = (val("leftsubnet") or "0.0.0.0/0"), (val("rightsubnet") or "0.0.0.0/0")
    if mark or if_id or updown and id(t) in ifnames:
        return
    if ls.strip() != "0.0.0.0/0" or rs.strip() != "0.0.0.0/0":
        t.set("policy_based", True, ln("rightsubnet"))
        nets = []
        import ipaddress as _ip

        for n in rs.replace("{", "").replace("}", "").replace(",", " ").split():
            try:
                nets.append(_ip.IPv4Network(n, strict=False))
            except ValueError:
                continue
        if nets:
            t.set("static_routes", tuple(nets), ln("rightsubnet"))


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
