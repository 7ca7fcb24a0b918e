"""The lab's result. ``to_dict()`` is a stable JSON shape (``vpncc lab --json``)::

    {"ok": true,
     "tunnels": [{"number": 1, "ike": "ESTABLISHED", "child": "INSTALLED", "bgp": "Established",
                  "routes_learned": ["10.0.0.0/16"], "ping": true,
                  "cause": null, "timings": {"ike_s": 0.05, "child_s": 0.05, "bgp_s": 1.2}}, ...],
     "failover": true, "adaptations": ["..."], "seconds": 4.2,
     "failover_seconds": 0.12, "vpc_ping": true, "errors": []}

The first keys (ok, tunnels[number, ike, child, bgp, routes_learned, ping], failover, adaptations,
seconds) are the contract of the issue; the ones after them add detail. ``bgp`` is null with static
routing; ``cause`` names why a tunnel failed (AUTH_FAILED, NO_PROPOSAL_CHOSEN, timeout...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TunnelResult:
    number: int
    ike: str = "NONE"
    child: str = "NONE"
    bgp: str | None = None
    routes_learned: list[str] = field(default_factory=list)
    ping: bool = False
    cause: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: the phase that failed: "config", "ike", "child", "bgp", "routes", "traffic" (None: none failed)
    phase: str | None = None
    #: the AWS side's own log line for the failure (its charon or BGP speaker)
    aws_log: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "ike": self.ike, "child": self.child, "bgp": self.bgp,
                "routes_learned": list(self.routes_learned), "ping": self.ping, "cause": self.cause,
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
                "phase": self.phase, "aws_log": self.aws_log}


@dataclass
class LabReport:
    tunnels: list[TunnelResult]
    routing: str = "bgp"
    failover: bool = False
    adaptations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failover_seconds: float | None = None
    vpc_ping: bool = False
    errors: list[str] = field(default_factory=list)
    #: where the lab's files are (only when --keep left them)
    kept: str | None = None
    #: the outage scenarios played (vpncc.lab.scenarios), in order
    scenarios: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        if self.errors or not self.tunnels:
            return False
        for t in self.tunnels:
            if t.ike != "ESTABLISHED" or t.child != "INSTALLED" or not t.ping or not t.routes_learned:
                return False
            if self.routing == "bgp" and t.bgp != "Established":
                return False
        if any(not sc.ok for sc in self.scenarios):
            return False
        return self.vpc_ping and (self.failover or len(self.tunnels) < 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tunnels": [t.to_dict() for t in self.tunnels],
            "failover": self.failover,
            "adaptations": list(self.adaptations),
            "seconds": round(self.seconds, 2),
            "failover_seconds": None if self.failover_seconds is None else round(self.failover_seconds, 3),
            "vpc_ping": self.vpc_ping,
            "errors": list(self.errors),
            "scenarios": [sc.to_dict() for sc in self.scenarios],
        }

    def text(self) -> str:
        out = [f"vpncc lab: {'OK' if self.ok else 'FAILED'} in {self.seconds:.1f} s\n"]
        for t in self.tunnels:
            bgp = f", BGP {t.bgp}" if t.bgp is not None else ""
            routes = ", ".join(t.routes_learned) or "none"
            line = (f"  tunnel {t.number}: IKE {t.ike}, CHILD {t.child}{bgp}, routes {routes}, "
                    f"ping {'ok' if t.ping else 'FAILED'}")
            if t.timings:
                line += " (" + ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in t.timings.items()) + ")"
            out.append(line + "\n")
            if t.cause:
                out.append(f"    failed{' in ' + t.phase if t.phase else ''}: {t.cause}\n")
            if t.aws_log:
                out.append(f"    AWS side: {t.aws_log}\n")
        out.append(f"  local network -> VPC ping: {'ok' if self.vpc_ping else 'FAILED'}\n")
        if len(self.tunnels) > 1:
            fs = f" in {self.failover_seconds:.2f} s" if self.failover_seconds is not None else ""
            out.append(f"  failover to tunnel 2: {'ok' + fs if self.failover else 'FAILED'}\n")
        if self.scenarios:
            out.append("  outages:\n")
            out += [f"  {sc.text()}\n" for sc in self.scenarios]
        if self.adaptations:
            out.append("  changed for this machine (the deployed config keeps the original):\n")
            out += [f"    - {a}\n" for a in self.adaptations]
        for e in self.errors:
            out.append(f"  error: {e}\n")
        if self.kept:
            out.append(f"  kept: {self.kept}\n")
        return "".join(out)
