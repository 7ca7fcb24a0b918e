"""Validate device configs against connections: one device read once, compared with each connection it
should terminate; fleets spread over CPU cores. Used by ``vpncc validate`` and ``vpncc check``."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Mapping, Sequence

from ..ir import Connection
from ..profile import Profile
from ..secrets import Scrubber
from .findings import Finding
from .report import ConfigResult

#: findings no command can fix (an unverifiable key, a line vpncc did not read)
_NOT_ACTIONABLE = ("VPN204", "VPN901")


def check_device(path: str, vendor: str, conns: Mapping[str, Connection], *, profile: Profile | None = None,
                 remediation: bool = False, only_terminated: bool = False, show_secrets: bool = False,
                 psk_out: str | None = None) -> list[ConfigResult]:
    """Read the device config at ``path`` once and compare it with each connection of ``conns``
    (label -> connection). With ``only_terminated``, connections without a tunnel on the device are left
    out, and a device that terminates none gets one VPN101 finding.

    No result holds a pre-shared key: finding messages and values are scrubbed, and every key of the
    connection and of the device in the remediation becomes a placeholder saying where to get it (the
    ``psk_out`` file, when the caller writes the keys there), unless ``show_secrets``."""
    from ..backends import base
    from .compare import compare, match_tunnels

    backend = base.get(vendor)
    text, path = device_text(backend, path)
    device = backend.read(text, path)
    out = []
    for label, conn in conns.items():
        if only_terminated and not match_tunnels(conn, device):
            continue
        scrub = Scrubber.for_connection(conn, device, psk_out)
        r = ConfigResult(file=path, vendor=backend.name, findings=_scrubbed(compare(conn, device, profile), scrub),
                         connection=label)
        actionable = [f for f in r.findings if f.rule not in _NOT_ACTIONABLE]
        if remediation and actionable:
            from ..compiler import resolve_profile

            prof, _ = resolve_profile(conn, backend, profile)
            fix = backend.remediation(actionable, conn, prof, device)
            r.remediation = fix if show_secrets or not fix else scrub.text(fix)
        out.append(r)
    if not out and only_terminated:
        from .rules import BY_ID

        rule = BY_ID["VPN101"]
        msg = f"none of the {len(conns)} connections in the input has a tunnel on this device"
        out.append(ConfigResult(file=path, vendor=backend.name, findings=[Finding(
            rule.id, rule.name, rule.severity, None, "tunnels", None, None, path, None, msg)]))
    return out


def device_text(backend: Any, path: str) -> tuple[str, str]:
    """The text of one device. A platform whose config spans several files (strongSwan: swanctl.conf or
    ipsec.conf with ipsec.secrets, the interface script, frr.conf) may be given as a directory, or as
    several files joined with commas (``ipsec.conf,ipsec.secrets``): they are read as one device, each
    behind its file mark, the first file's path naming the device."""
    import os

    from ..backends import base
    from ..readers import read_text

    if backend.validates_bundle and os.path.isdir(path):
        return "", path       # the reader takes the directory's main file and the files beside it
    if backend.validates_bundle and "," in path and not os.path.exists(path):
        parts = [p for p in path.split(",") if p]
        texts = []
        for p in parts:
            t = read_text(p, what="device config")
            texts.append(t if t.lstrip().startswith("# --- vpncc file:")
                         else f"# --- vpncc file: {os.path.basename(p)} ---\n{t}")
        text = "".join(t if t.endswith("\n") else t + "\n" for t in texts)
        base.refuse_foreign(backend, text, parts[0])
        return text, parts[0]
    text = read_text(path, what="device config")
    base.refuse_foreign(backend, text, path)
    return text, path


def _scrubbed(findings: Sequence[Finding], scrub: Scrubber) -> list[Finding]:
    """Findings name keys by tunnel, never by value; a message or value that holds one anyway (a reader
    that put the device's key into a note) gets the placeholder."""
    from dataclasses import replace

    if not scrub:
        return list(findings)
    out = []
    for f in findings:
        msg, exp, act = scrub.text(f.message), scrub.value(f.expected), scrub.value(f.actual)
        out.append(f if (msg, exp, act) == (f.message, f.expected, f.actual) else
                   replace(f, message=msg, expected=exp, actual=act))
    return out


def _fan_out(paths: Sequence[str], jobs: int, work: Callable[..., list[ConfigResult]], *args: Any,
             ) -> list[ConfigResult]:
    jobs = jobs or (os.cpu_count() or 1)
    if len(paths) < 8 or jobs == 1:
        return [r for p in paths for r in work(p, *args)]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        return [r for f in [ex.submit(work, p, *args) for p in paths] for r in f.result()]


def _one(path: str, conn: Connection, vendor: str, profile: Profile | None, remediation: bool,
         secrets: tuple[bool, str | None] = (False, None)) -> list[ConfigResult]:
    results = check_device(path, vendor, {conn.vpn_connection_id or "": conn}, profile=profile,
                           remediation=remediation, show_secrets=secrets[0], psk_out=secrets[1])
    for r in results:
        r.connection = None  # a single-connection report names its connection once, at the top
    return results


def _many(path: str, conns: Sequence[Connection], vendor: str, profile: Profile | None, remediation: bool,
          secrets: tuple[bool, str | None] = (False, None)) -> list[ConfigResult]:
    return check_device(path, vendor, {c.vpn_connection_id or f"#{i + 1}": c for i, c in enumerate(conns)},
                        profile=profile, remediation=remediation, only_terminated=True, show_secrets=secrets[0],
                        psk_out=secrets[1])


def validate_configs(conn: Connection, vendor: str, paths: Sequence[str], *, profile: Profile | None = None,
                     remediation: bool = False, jobs: int = 0, show_secrets: bool = False,
                     psk_out: str | None = None) -> list[ConfigResult]:
    """One connection against one or many device configs (keys: see ``check_device``)."""
    return _fan_out(paths, jobs, _one, conn, vendor, profile, remediation, (show_secrets, psk_out))


def validate_fleet(conns: Sequence[Connection], vendor: str, paths: Sequence[str], *,
                   profile: Profile | None = None, remediation: bool = False, jobs: int = 0,
                   show_secrets: bool = False, psk_out: str | None = None) -> list[ConfigResult]:
    """Many connections x many device configs: each config against the connections it terminates."""
    return _fan_out(paths, jobs, _many, list(conns), vendor, profile, remediation, (show_secrets, psk_out))
