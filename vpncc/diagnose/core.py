"""Join the evidence for one connection: AWS telemetry, the device's show output, config findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from . import causes as C
from .state import ShowResult

SCHEMA_VERSION = 1


@dataclass
class TunnelVerdict:
    number: int
    aws_outside: str
    status: str                  #: "healthy" | "problem" | "unknown"
    symptom: str | None
    evidence: C.Evidence
    causes: list[C.Cause]

    def to_dict(self) -> dict[str, Any]:
        e = self.evidence
        from .state import as_dict

        return {
            "tunnel": self.number, "aws_outside_address": self.aws_outside, "status": self.status,
            "symptom": self.symptom,
            "aws": e.telemetry.to_dict() if e.telemetry is not None else None,
            "device": {"ike": [as_dict(s) for s in e.ike], "child": [as_dict(s) for s in e.child],
                       "bgp": [as_dict(p) for p in e.peers], "interfaces": [as_dict(i) for i in e.interfaces]},
            "findings": [f.to_dict() for f in e.findings],
            "causes": [c.to_dict() for c in self.causes],
        }


@dataclass
class Diagnosis:
    connection_id: str | None
    routing: str
    telemetry: bool              #: False: the AWS input carried no VgwTelemetry (said so in notes)
    tunnels: list[TunnelVerdict]
    connection_causes: list[C.Cause] = field(default_factory=list)
    shows: list[ShowResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    config: str | None = None
    vendor: str | None = None

    @property
    def healthy(self) -> bool:
        return not self.connection_causes and all(t.status != "problem" for t in self.tunnels)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    @property
    def status(self) -> str:
        if not self.healthy:
            return "problem"
        return "healthy" if any(t.status == "healthy" for t in self.tunnels) else "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION, "connection": self.connection_id, "routing": self.routing,
            "status": self.status, "telemetry": self.telemetry, "vendor": self.vendor, "config": self.config,
            "connection_causes": [c.to_dict() for c in self.connection_causes],
            "tunnels": [t.to_dict() for t in self.tunnels],
            "shows": [s.to_dict() for s in self.shows], "notes": list(self.notes),
        }


def _addr(v: Any) -> str | None:
    if v is None:
        return None
    return str(v.ip) if hasattr(v, "ip") else str(v)


def build(conn: Any, telemetry: dict[str, Any] | None, shows: Sequence[ShowResult], findings: list | None,
          *, config: str | None = None, vendor: str | None = None) -> Diagnosis:
    from ..ir import Routing

    notes = []
    if telemetry is None:
        notes.append("telemetry absent: the AWS input is not describe-vpn-connections JSON with VgwTelemetry; "
                     "AWS's view of the tunnels is unknown")
    elif not telemetry:
        notes.append("telemetry absent: this connection's JSON has no VgwTelemetry entries")
    kinds: set[str] = set()
    for s in shows:
        kinds |= s.kinds
        notes.extend(s.notes)
    bgp = conn.routing is Routing.BGP
    matched_bgp: set[int] = set()
    evs = []
    for t in conn.tunnels:
        out, inside = str(t.outside.aws), _addr(t.bgp.neighbor if t.bgp else t.inside.aws)
        e = C.Evidence(number=t.number, aws_outside=out, aws_inside=inside, customer_inside=_addr(t.inside.customer),
                       aws_asn=t.bgp.aws_asn if t.bgp else None, bgp=bgp, kinds=kinds,
                       telemetry=(telemetry or {}).get(out), config_given=findings is not None,
                       static_routes=None if bgp or telemetry is None else len(conn.options.routes),
                       clear_df=t.clear_df, fragment_before_encryption=t.fragment_before_encryption, vendor=vendor)
        for s in shows:
            e.ike += [x for x in s.ike if x.peer == out]
            e.child += [x for x in s.child if x.peer == out]
            e.interfaces += [x for x in s.interfaces if x.destination == out]
            for p in s.bgp:
                if p.neighbor is not None and inside is not None and p.neighbor == inside:
                    e.peers.append(p)
                    matched_bgp.add(id(p))
        e.findings = [f for f in (findings or []) if f.tunnel == t.number and f.category == "compliance"]
        evs.append(e)
    unmatched = [p for s in shows for p in s.bgp if id(p) not in matched_bgp]
    for p in unmatched:
        if p.neighbor is None:
            for e in evs:
                e._unmatched_bgp = True
        else:
            notes.append(f"BGP neighbor {p.neighbor} ({p.state}) is not an AWS inside address of this connection")
    verdicts = []
    for e in evs:
        symptom, cs = C.tunnel_causes(e)
        known = e.telemetry is not None or e.ike or e.child or e.peers or e.kinds or findings is not None
        status = "problem" if cs else ("healthy" if known else "unknown")
        verdicts.append(TunnelVerdict(e.number, e.aws_outside, status, symptom, e, cs))
    conn_causes = _connection_causes(verdicts, findings or [])
    if findings is not None:
        extra = [f for f in findings if f.tunnel is None and f.category == "compliance"
                 and f.severity.value in ("error", "warning") and f.rule != "VPN102"]
        for f in extra:
            notes.append(f"config: {f.message} ({f.rule})")
    return Diagnosis(conn.vpn_connection_id, conn.routing.value, bool(telemetry), verdicts, conn_causes,
                     list(shows), notes, config=config, vendor=vendor)


def _is_up(v: TunnelVerdict) -> bool:
    t = v.evidence.telemetry
    if t is not None:
        return t.up
    return v.status == "healthy"


def _connection_causes(verdicts: list[TunnelVerdict], findings: list) -> list[C.Cause]:
    if len(verdicts) != 2:
        return []
    up = [v for v in verdicts if _is_up(v)]
    down = [v for v in verdicts if not _is_up(v) and v.status == "problem"]
    if len(up) != 1 or len(down) != 1:
        return []
    u, d = up[0], down[0]
    top = d.causes[0]
    single = next((f for f in findings if f.rule == "VPN102"), None)
    summary = f"only tunnel {u.number} UP: tunnel {d.number} " + (
        "missing on the device" if top.rules[:1] == ["VPN101"] or single else f"down: {top.summary}")
    ev = [f"tunnel {u.number}: UP", f"tunnel {d.number}: " + "; ".join(top.evidence[:2])]
    if single:
        ev.append(f"config: {single.message} (VPN102)")
    return [C.Cause(C.ONE_TUNNEL, summary, top.score, ev, top.next_check,
                    sorted(set(top.rules) | ({"VPN102"} if single else set())), fix=top.fix)]


def redact(text: str, conn: Any) -> str:
    for t in conn.tunnels:
        if t.ike.psk:
            text = text.replace(t.ike.psk, "***")
    return text
