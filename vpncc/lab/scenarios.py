"""Outages as AWS has them, played against the running lab, each measured:

``graceful``   AWS endpoint 1 is replaced during maintenance: its IKE daemon deletes the SAs and stops
               (the customer gateway hears a DELETE), then the endpoint comes back.
``blackhole``  AWS endpoint 1 fails silently: every packet to and from it is dropped (blackhole routes,
               no ICMP), then the path heals. Only dead-peer detection or the BGP hold timer notice.

For each: how long until traffic to the VPC moves to tunnel 2 (``move_s``), and after the endpoint is
back, how long until tunnel 1 carries traffic again (``restore_s``) and traffic to the VPC is back on
tunnel 1, the preferred one (``failback_s``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ir import Routing
from .env import wait_for

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Lab

NAMES = ("graceful", "blackhole")
#: how long a scenario waits for each step before it calls it failed
MOVE_TIMEOUT_S = 200.0
RESTORE_TIMEOUT_S = 200.0


@dataclass
class ScenarioResult:
    name: str
    ok: bool = False
    move_s: float | None = None
    restore_s: float | None = None
    failback_s: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        r = (lambda v: None if v is None else round(v, 2))
        return {"name": self.name, "ok": self.ok, "move_s": r(self.move_s), "restore_s": r(self.restore_s),
                "failback_s": r(self.failback_s), "note": self.note}

    def text(self) -> str:
        def s(v):
            return "FAILED" if v is None else f"{v:.1f} s"
        return (f"  {self.name}: traffic moved to tunnel 2 in {s(self.move_s)}, tunnel 1 restored in "
                f"{s(self.restore_s)}, traffic back on tunnel 1 in {s(self.failback_s)}"
                + (f" ({self.note})" if self.note else ""))


def parse(value: str | None) -> tuple[str, ...]:
    from ..errors import UsageError

    if not value:
        return ("graceful",)
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    bad = [n for n in names if n not in NAMES]
    if bad:
        raise UsageError(f"unknown lab scenario {', '.join(bad)}; choose from {', '.join(NAMES)}")
    return names


def _moved(lab: "Lab", local, vpc) -> bool:
    return lab.route_dev() == "ipsec1" and lab.ping(local, vpc)


def _back(lab: "Lab", local, vpc) -> bool:
    return lab.route_dev() == "ipsec0" and lab.ping(local, vpc)


def _tunnel1_carries(lab: "Lab") -> bool:
    t = lab.plan.cust.tunnels[0]
    return lab.ping(t.inside.customer.ip, t.inside.aws.ip)


def _timed(fn, timeout: float, step: float = 0.1) -> float | None:
    t0 = time.monotonic()
    return time.monotonic() - t0 if wait_for(fn, timeout, step) else None


#: before an outage, traffic must have used tunnel 1 without interruption this long (a routing session
#: that just came back may still flap: a scenario started then would measure the flap, not the outage)
SETTLE_S = 3.0
SETTLE_TIMEOUT_S = 90.0


def _settled(lab: "Lab", local, vpc) -> bool:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    since = None
    while time.monotonic() < deadline:
        if _back(lab, local, vpc):
            since = since or time.monotonic()
            if time.monotonic() - since >= SETTLE_S:
                return True
        else:
            since = None
        time.sleep(0.2)
    return False


def run(lab: "Lab", name: str, local, vpc) -> ScenarioResult:
    res = ScenarioResult(name)
    if not _settled(lab, local, vpc):
        res.note = f"traffic did not settle on tunnel 1 within {SETTLE_TIMEOUT_S:g} s: outage not played"
        return res
    lab.say(f"scenario {name}: AWS endpoint 1 {'is replaced' if name == 'graceful' else 'fails silently'}")
    if name == "graceful":
        lab.stop_aws_endpoint(1)
    else:
        lab.blackhole_aws_endpoint(1, True)
    res.move_s = _timed(lambda: _moved(lab, local, vpc), MOVE_TIMEOUT_S)
    lab.say(f"scenario {name}: traffic on tunnel 2 after "
            f"{'-' if res.move_s is None else f'{res.move_s:.1f}'} s")
    if name == "graceful":
        lab.start_aws_endpoint(1)
    else:
        lab.blackhole_aws_endpoint(1, False)
    t0 = time.monotonic()
    if wait_for(lambda: _tunnel1_carries(lab), RESTORE_TIMEOUT_S, 0.2):
        res.restore_s = time.monotonic() - t0
        if wait_for(lambda: _back(lab, local, vpc), RESTORE_TIMEOUT_S, 0.1):
            res.failback_s = time.monotonic() - t0
    lab.say(f"scenario {name}: tunnel 1 back after {'-' if res.restore_s is None else f'{res.restore_s:.1f}'} s, "
            f"traffic on tunnel 1 after {'-' if res.failback_s is None else f'{res.failback_s:.1f}'} s")
    res.ok = None not in (res.move_s, res.restore_s, res.failback_s)
    if lab.plan.cust.routing is Routing.BGP and res.move_s is not None and res.move_s > 25:
        res.note = "moved when BGP's hold timer expired"
    return res
