"""swanctl.conf connections -> DeviceTunnels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...validate.model import DeviceConfig, DeviceNote, DeviceTunnel
from . import names, settings
from .read import apply_iface, ipv4, key_int, set_local, set_proposals, set_psk, set_version
from .semantics import Retransmit, dpd_strongswan, initiates_swanctl

if TYPE_CHECKING:  # pragma: no cover
    from .linux_side import LinuxSide
    from .read import Part

#: connection/child keys vpncc understands or knowingly ignores (anything else becomes a note)
CONN_KEYS = frozenset("""
version local_addrs remote_addrs local_port remote_port proposals vips aggressive pull dscp encap mobike
dpd_delay dpd_timeout fragmentation childless send_certreq send_cert ppk_id ppk_required keyingtries unique
reauth_time rekey_time over_time rand_time pools if_id_in if_id_out mediation mediated_by mediation_peer
""".split())
CHILD_KEYS = frozenset("""
ah_proposals esp_proposals local_ts remote_ts rekey_time life_time rand_time rekey_bytes life_bytes rand_bytes
rekey_packets life_packets rand_packets updown hostaccess mode policies policies_fwd_out dpd_action
start_action close_action reqid priority interface mark_in mark_in_sa mark_out set_mark_in set_mark_out
tfc_padding replay_window hw_offload copy_df copy_ecn copy_dscp if_id_in if_id_out label label_mode ipcomp
inactivity sha256_96
""".split())
AUTH_KEYS = frozenset("""
round certs cert pubkeys auth id eap_id aaa_id xauth_id revocation cacerts ca_id groups cert_policy
""".split())


def _sub_prefixed(sec: settings.Section, prefix: str) -> settings.Section | None:
    """``local``/``local-1``/``remote2``...: the first authentication round."""
    found = [s for n, s in sec.sections.items() if n == prefix or n.startswith(prefix)]
    if not found:
        return None
    return sorted(found, key=lambda s: (names.num(s.get("round")) or 0, s.name))[0]


def _unknown(sec: settings.Section, allowed: frozenset, what: str, dev: DeviceConfig) -> None:
    for k, s in sec.settings.items():
        if k not in allowed:
            dev.notes.append(DeviceNote(s.line, f"{what}: unknown setting {k!r} (swanctl would refuse it)"))


def tunnels_from_swanctl(part: "Part", dev: DeviceConfig, side: "LinuxSide", path: str | None,
                         ifnames: dict[int, str], retransmit: Retransmit | None = None) -> None:
    retransmit = retransmit or Retransmit()
    root = settings.parse(part.text, path=path, line_offset=part.offset, notes=dev.notes)
    settings.resolve_refs(root)
    conns = root.sub("connections")
    secrets = root.sub("secrets")
    if conns is None:
        return
    for name, c in conns.sections.items():
        t = DeviceTunnel(name=name, line=c.line)
        _unknown(c, CONN_KEYS | {"local", "remote", "children"}, f"connection {name}", dev)
        remote = ipv4(c.get("remote_addrs"))
        if remote is not None:
            t.set("outside.aws", remote, c.line_of("remote_addrs"))
        elif c.get("remote_addrs"):
            dev.notes.append(DeviceNote(c.line_of("remote_addrs"),
                                        f"connection {name}: remote_addrs {c.get('remote_addrs')!r} is not an "
                                        "IPv4 address"))
        local = _sub_prefixed(c, "local")
        rem = _sub_prefixed(c, "remote")
        for s, w in ((local, "local"), (rem, "remote")):
            if s is not None:
                _unknown(s, AUTH_KEYS, f"connection {name} {w}", dev)
        local_id = local.get("id") if local else None
        remote_id = rem.get("id") if rem else None
        lid = ipv4(local_id) or ipv4(c.get("local_addrs"))
        set_local(t, side, c.get("local_addrs"), c.line_of("local_addrs"), local_id,
                  local.line_of("id") if local is not None else None)
        version = (c.get("version") or "0").strip()
        v1 = version == "1"
        set_version(t, v1, c.line_of("version"), (c.get("aggressive") or "no").lower() in ("yes", "true", "1"),
                    c.line_of("aggressive") if c.get("aggressive") else None)
        set_proposals(t, dev, c.get("proposals"), c.line_of("proposals"), ike=True, what="IKE proposal",
                      ikev1=v1)
        rekey = names.parse_time(c.get("rekey_time") or "")
        reauth = names.parse_time(c.get("reauth_time") or "")
        if rekey is None and reauth is None:
            life, lline = names.SWANCTL_IKE_REKEY, c.line
        elif v1:
            life = reauth or rekey or 0
            lline = c.line_of("reauth_time" if reauth else "rekey_time")
        else:
            nz = [x for x in (rekey, reauth) if x]
            life = min(nz) if nz else 0
            lline = c.line_of("rekey_time" if rekey and life == rekey else "reauth_time")
        t.set("ike.lifetime_s", life, lline)
        delay = names.parse_time(c.get("dpd_delay") or "0") or 0
        timeout = names.parse_time(c.get("dpd_timeout") or "0") or 0
        if delay > 0:
            t.set("dpd.interval_s", delay, c.line_of("dpd_delay"))
            retries = round(timeout / delay) if timeout and v1 else retransmit.tries
            t.set("dpd.retries", retries, c.line_of("dpd_timeout") if timeout else c.line_of("dpd_delay"))
        children = c.sub("children")
        child = None
        if children is not None and children.sections:
            child = next(iter(children.sections.values()))
            if len(children.sections) > 1:
                dev.notes.append(DeviceNote(children.line, f"connection {name}: {len(children.sections)} children; "
                                                           f"only {child.name!r} is compared"))
            _unknown(child, CHILD_KEYS, f"connection {name} child {child.name}", dev)
        dpd_action = child.get("dpd_action") if child is not None else None
        t.set("dpd", dpd_strongswan(ikev1=v1, delay=delay, timeout=timeout, action=dpd_action,
                                    retransmit=retransmit, legacy=False),
              c.line_of("dpd_delay") if c.get("dpd_delay") else c.line)
        if child is not None:
            set_proposals(t, dev, child.get("esp_proposals"), child.line_of("esp_proposals"), ike=False,
                          what="ESP proposal", ikev1=v1)
            how, why = initiates_swanctl(child.get("start_action"), child.get("close_action"), dpd_action)
            sline = child.line_of("start_action") if child.get("start_action") else child.line
            t.set("initiates", how, sline, note=why)
            life_time = names.parse_time(child.get("life_time") or "")
            rekey_c = names.parse_time(child.get("rekey_time") or "")
            if not v1 and life_time is None:
                # IKEv2 does not negotiate lifetimes: without a life_time charon rekeys the CHILD_SA at
                # rekey_time (default 1 h); the implied hard limit (rekey_time + 10 %) only matters if
                # rekeying fails (swanctl.conf(5) children.<child>.rekey_time/life_time)
                rekey = rekey_c if rekey_c is not None else names.SWANCTL_CHILD_REKEY
                t.set("ipsec.lifetime_s", rekey, child.line_of("rekey_time") if rekey_c is not None else child.line)
            elif life_time is not None:
                t.set("ipsec.lifetime_s", life_time, child.line_of("life_time"))
            else:
                base = rekey_c if rekey_c is not None else names.SWANCTL_CHILD_REKEY
                t.set("ipsec.lifetime_s", base * 110 // 100,
                      child.line_of("rekey_time") if rekey_c is not None else child.line)
            # a child's own if_id wins over the connection's default (swanctl.conf(5), if_id_in/if_id_out)
            if_out = key_int(child.get("if_id_out") or c.get("if_id_out"))
            if_in = key_int(child.get("if_id_in") or c.get("if_id_in"))
            if_id = if_out or if_in
            mark = key_int(child.get("mark_out") or child.get("mark_in"))
            id_line = child.line_of("if_id_out") if child.get("if_id_out") else (
                c.line_of("if_id_out") if c.get("if_id_out") else child.line)
            apply_iface(t, side, ifnames, xfrm=if_id, mark=mark, updown=child.get("updown"), line=id_line,
                        xfrm_in=if_in if if_out else None, remote=c.get("remote_addrs"))
        else:
            dev.notes.append(DeviceNote(c.line, f"connection {name} has no children (no CHILD_SA, no traffic)"))
        secret_name = None
        if secrets is not None:
            secret_name, raw, line = _secret_for(secrets, local_id or (str(lid) if lid else None),
                                                 remote_id or (str(remote) if remote else None))
            set_psk(t, raw, line)
        ident = None
        if child is not None:
            ident = ("if_id", if_id) if if_id else (("mark", mark) if mark else None)
        t.set("strongswan", {"syntax": "swanctl", "child": child.name if child is not None else None,
                             "iface": ifnames.get(id(t)), "secret": secret_name,
                             "id_kind": ident[0] if ident else None, "if_id": ident[1] if ident else None},
              c.line)
        dev.tunnels.append(t)


def _secret_for(secrets: settings.Section, local_id: str | None,
                remote_id: str | None) -> tuple[str | None, str | None, int | None]:
    """The ``ike*`` secret charon would pick for these identities: both ids match best, then the
    remote one, then a secret without ids (a wildcard); on a tie the later one."""
    best: tuple[float, str | None, str | None, int | None] = (0.0, None, None, None)
    for name, s in secrets.sections.items():
        if not name.startswith("ike") or s.get("secret") is None:
            continue
        ids = [v.value for k, v in s.settings.items() if k.startswith("id")]
        if ids:
            score = (2.0 if remote_id in ids else 0.0) + (1.0 if local_id in ids else 0.0)
            if remote_id not in ids and len(ids) > 1:
                continue
        else:
            score = 0.5
        if score >= best[0] and score > 0:
            best = (score, name, s.get("secret"), s.line_of("secret"))
    return best[1], best[2], best[3]
