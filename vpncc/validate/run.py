"""Validate device configs against connections: one device read once, compared with each connection it
should terminate; fleets spread over CPU cores. Used by ``vpncc validate`` and ``vpncc check``."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Mapping, Sequence

from ..ir import Connection
from ..profile import Profile
from .report import ConfigResult

#: findings no command can fix (an unverifiable key, a line vpncc did not read)
_NOT_ACTIONABLE = ("VPN204", "VPN901")


def check_device(path: str, vendor: str, conns: Mapping[str, Connection], *, profile: Profile | None = None,
                 remediation: bool = False, only_terminated: bool = False) -> list[ConfigResult]:
    """Read the device config at ``path`` once and compare it with each connection of ``conns``
    (label -> connection). With ``only_terminated``, connections without a tunnel on the device are left
    out, and a device that terminates none gets one VPN101 finding."""
    from ..backends import base
    from ..readers import read_text
    from .compare import compare, match_tunnels

    backend = base.get(vendor)
    text = read_text(path, what="device config")
    base.refuse_foreign(backend, text, path)
    device = backend.read(text, path)
    out = []
    for label, conn in conns.items():
        if only_terminated and not match_tunnels(conn, device):
            continue
        r = ConfigResult(file=path, vendor=backend.name, findings=compare(conn, device, profile), connection=label)
        actionable = [f for f in r.findings if f.rule not in _NOT_ACTIONABLE]
        if remediation and actionable:
            from ..compiler import resolve_profile

            prof, _ = resolve_profile(conn, backend, profile)
            r.remediation = backend.remediation(actionable, conn, prof, device)
        out.append(r)
    if not out and only_terminated:
        from .findings import Finding
        from .rules import BY_ID

        rule = BY_ID["VPN101"]
        msg = f"none of the {len(conns)} connections in the input has a tunnel on this device"
        out.append(ConfigResult(file=path, vendor=backend.name, findings=[Finding(
            rule.id, rule.name, rule.severity, None, "tunnels", None, None, path, None, msg)]))
    return out


def _fan_out(paths: Sequence[str], jobs: int, work, *args) -> list[ConfigResult]:
    jobs = jobs or (os.cpu_count() or 1)
    if len(paths) < 8 or jobs == 1:
        return [r for p in paths for r in work(p, *args)]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        return [r for f in [ex.submit(work, p, *args) for p in paths] for r in f.result()]


def _one(path: str, conn: Connection, vendor: str, profile: Profile | None, remediation: bool):
    results = check_device(path, vendor, {conn.vpn_connection_id or "": conn}, profile=profile,
                           remediation=remediation)
    for r in results:
        r.connection = None  # a single-connection report names its connection once, at the top
    return results


def _many(path: str, conns: Sequence[Connection], vendor: str, profile: Profile | None, remediation: bool):
    return check_device(path, vendor, {c.vpn_connection_id or f"#{i + 1}": c for i, c in enumerate(conns)},
                        profile=profile, remediation=remediation, only_terminated=True)


def validate_configs(conn: Connection, vendor: str, paths: Sequence[str], *, profile: Profile | None = None,
                     remediation: bool = False, jobs: int = 0) -> list[ConfigResult]:
    """One connection against one or many device configs."""
    return _fan_out(paths, jobs, _one, conn, vendor, profile, remediation)


def validate_fleet(conns: Sequence[Connection], vendor: str, paths: Sequence[str], *,
                   profile: Profile | None = None, remediation: bool = False, jobs: int = 0) -> list[ConfigResult]:
    """Many connections x many device configs: each config against the connections it terminates."""
    return _fan_out(paths, jobs, _many, list(conns), vendor, profile, remediation)
