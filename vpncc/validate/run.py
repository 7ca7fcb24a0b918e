"""Validate one connection against many device configs (a fleet), in parallel when large."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Sequence

from ..errors import InputError
from ..ir import Connection
from ..profile import Profile
from .compare import validate_one
from .report import ConfigResult


def _one(conn: Connection, vendor: str, path: str, profile: Profile | None, remediation: bool) -> ConfigResult:
    from ..backends import base
    from ..readers import read_text

    text = read_text(path, what="device config")
    if not text.strip():
        raise InputError("the device config is empty", path, 1, 1)
    result = validate_one(conn, vendor, text, profile=profile, path=path)
    if remediation and result.findings and result.device is not None:
        from ..compiler import resolve_profile

        backend = base.get(vendor)
        prof, _ = resolve_profile(conn, backend, profile)
        actionable = [f for f in result.findings if f.rule not in ("VPN204", "VPN901")]
        if actionable:
            result.remediation = backend.remediation(actionable, conn, prof, result.device)
    result.device = None  # not needed after this point, and not picklable cheaply
    return result


def validate_configs(conn: Connection, vendor: str, paths: Sequence[str], *, profile: Profile | None = None,
                     remediation: bool = False, jobs: int = 0) -> list[ConfigResult]:
    jobs = jobs or (os.cpu_count() or 1)
    if len(paths) < 8 or jobs == 1:
        return [_one(conn, vendor, p, profile, remediation) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(_one, conn, vendor, p, profile, remediation) for p in paths]
        return [f.result() for f in futs]


def _many(conns: Sequence[Connection], vendor: str, path: str, profile: Profile | None,
          remediation: bool) -> list[ConfigResult]:
    """One device config against many connections: those with a tunnel on the device are validated."""
    from ..backends import base
    from ..readers import read_text
    from .compare import compare, match_tunnels
    from .findings import Finding
    from .rules import BY_ID

    backend = base.get(vendor)
    text = read_text(path, what="device config")
    base.refuse_foreign(backend, text, path)
    device = backend.read(text, path)
    out = []
    for conn in conns:
        if not match_tunnels(conn, device):
            continue
        r = ConfigResult(file=path, vendor=backend.name, findings=compare(conn, device, profile),
                         connection=conn.vpn_connection_id)
        if remediation and r.findings:
            from ..compiler import resolve_profile

            prof, _ = resolve_profile(conn, backend, profile)
            actionable = [f for f in r.findings if f.rule not in ("VPN204", "VPN901")]
            if actionable:
                r.remediation = backend.remediation(actionable, conn, prof, device)
        out.append(r)
    if not out:
        rule = BY_ID["VPN101"]
        msg = f"none of the {len(conns)} connections in the input has a tunnel on this device"
        out.append(ConfigResult(file=path, vendor=backend.name, findings=[Finding(
            rule.id, rule.name, rule.severity, None, "tunnels", None, None, path, None, msg)]))
    return out


def validate_fleet(conns: Sequence[Connection], vendor: str, paths: Sequence[str], *,
                   profile: Profile | None = None, remediation: bool = False, jobs: int = 0) -> list[ConfigResult]:
    """Many connections x many device configs, one combined list of results (issue: fleets)."""
    jobs = jobs or (os.cpu_count() or 1)
    if len(paths) < 8 or jobs == 1:
        return [r for p in paths for r in _many(conns, vendor, p, profile, remediation)]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(_many, list(conns), vendor, p, profile, remediation) for p in paths]
        return [r for f in futs for r in f.result()]
