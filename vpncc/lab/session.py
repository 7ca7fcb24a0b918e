"""``vpncc.lab.run``: plan, prerequisites, the run itself, cleanup on every way out (signals too)."""

from __future__ import annotations

import signal
import threading
import time
from typing import IO, Any

from ..errors import UsageError
from ..ir import Connection
from ..profile import Profile
from .engine import CGW_PORTS, Lab
from .env import LabError, check_prerequisites
from .plan import needed_programs, prepare
from .report import LabReport


def run(conn: Connection, vendor: str = "strongswan", profile: Profile | None = None, keep: bool = False, *,
        fail_psk: bool = False, fail_proposal: bool = False, fail_peer: bool = False,
        aws_conn: Connection | None = None, format: str | None = None, routing: str | None = None,
        aws_bgp: str = "bird", psks: dict[int, str] | None = None, progress: IO[str] | None = None,
        ike_timeout: float = 5.0, bgp_timeout: float = 20.0, name: str | None = None,
        config_files: dict[str, str] | None = None, scenarios: tuple[str, ...] | str | None = None) -> LabReport:
    """Prove ``conn``'s compiled config against an emulated AWS side. See :mod:`vpncc.lab`."""
    from ..backends import base

    vendor = base.canonical(vendor)
    if vendor != "strongswan" and not hasattr(base.get(vendor), "lab_files"):
        raise UsageError(f"vpncc lab runs strongSwan configurations; {vendor} has no lab adapter yet "
                         "(a backend offers one with a lab_files(conn, profile, options) method)")
    if aws_bgp not in ("bird", "frr"):
        raise UsageError(f"AWS-side BGP speaker {aws_bgp!r}: choose bird or frr")
    if len(conn.tunnels) > len(CGW_PORTS):
        raise UsageError(f"the lab runs at most {len(CGW_PORTS)} tunnels")
    plan = prepare(conn, profile, fmt=format, routing=routing, aws_bgp=aws_bgp, psks=psks, aws_conn=aws_conn,
                   fail_psk=fail_psk, fail_proposal=fail_proposal, fail_peer=fail_peer, vendor=vendor,
                   config_files=config_files)
    from . import scenarios as sc

    chosen = sc.parse(scenarios) if not isinstance(scenarios, tuple) else sc.parse(",".join(scenarios))
    check_prerequisites(needed_programs(plan))
    lab = Lab(plan, name=name, progress=progress, keep=keep, ike_timeout=ike_timeout, bgp_timeout=bgp_timeout)
    handlers = _install_handlers()
    interrupted = False
    try:
        lab.say(f"namespaces {', '.join(lab.ns.values())}")
        lab.build_network()
        lab.start_ipsec()
        lab.start_routing()
        up = lab.wait_tunnels()
        if up:
            lab.wait_routing(up)
            lab.vpc_ping_and_failover(up, chosen)
    except KeyboardInterrupt:
        interrupted = True
        lab.report.errors.append("interrupted")
    except LabError as e:
        lab.report.errors.append(str(e))
    finally:
        _ignore_signals()
        try:
            if keep and not interrupted:
                lab.report.kept = lab.keep_note()
            else:
                lab.cleanup()
        finally:
            _restore_handlers(handlers)
    lab.report.seconds = time.monotonic() - lab.t0
    if interrupted:
        raise KeyboardInterrupt
    return lab.report


def _install_handlers() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum, frame):
        raise KeyboardInterrupt

    old: dict[int, Any] = {}
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        old[s] = signal.signal(s, handler)
    return old


def _ignore_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)


def _restore_handlers(old: dict[int, Any]) -> None:
    for s, h in old.items():
        signal.signal(s, h)
