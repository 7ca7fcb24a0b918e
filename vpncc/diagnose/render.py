"""The diagnosis for a person (text, one screen per connection) and for ticket systems (JSON, schema in
schemas/diagnose.schema.json)."""

from __future__ import annotations

import json
from typing import Any, Sequence

from .core import SCHEMA_VERSION, Diagnosis, redact

_RED, _YELLOW, _GREEN, _DIM, _END = "\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[0m"
#: how many causes per tunnel the text shows (JSON has them all)
TEXT_CAUSES = 3


class DiagnoseReport:
    """Every diagnosed connection. ``exit_code``: 0 healthy, 1 problems found."""

    def __init__(self, diagnoses: list[Diagnosis], conns: Sequence[Any]):
        self.diagnoses = diagnoses
        self._conns = list(conns)

    @property
    def exit_code(self) -> int:
        return max((d.exit_code for d in self.diagnoses), default=0)

    def to_dict(self) -> dict[str, Any]:
        status = "problem" if self.exit_code else (
            "healthy" if any(d.status == "healthy" for d in self.diagnoses) else "unknown")
        return {"schema_version": SCHEMA_VERSION, "status": status,
                "connections": [d.to_dict() for d in self.diagnoses]}

    def json(self) -> str:
        return self._scrub(json.dumps(self.to_dict(), indent=2) + "\n")

    def text(self, color: bool = False) -> str:
        return self._scrub("\n".join(_text(d, color) for d in self.diagnoses))

    def _scrub(self, text: str) -> str:
        for c in self._conns:  # a key never leaves vpncc, whatever a device's output or a message held
            text = redact(text, c)
        return text


def _paint(s: str, code: str, color: bool) -> str:
    return f"{code}{s}{_END}" if color else s


def _text(d: Diagnosis, color: bool) -> str:
    head = {"problem": _paint("PROBLEM", _RED, color), "healthy": _paint("HEALTHY", _GREEN, color),
            "unknown": _paint("UNKNOWN", _YELLOW, color)}[d.status]
    src = [f"telemetry {'yes' if d.telemetry else 'no'}",
           f"show files {len(d.shows)}", f"config {f'{d.config} ({d.vendor})' if d.config else 'none'}"]
    lines = [f"{d.connection_id or '<connection>'} ({d.routing}): {head}", "  evidence: " + ", ".join(src)]
    for c in d.connection_causes:
        lines.append(f"  {_paint('!', _RED, color)} {c.symptom}: {c.summary}")
        lines.append(f"      next: {c.next_check}")
    for t in d.tunnels:
        st = {"problem": _paint("problem", _RED, color), "healthy": _paint("ok", _GREEN, color),
              "unknown": _paint("unknown", _YELLOW, color)}[t.status]
        tel = t.evidence.telemetry
        aws = (f"AWS {tel.status}" + (f" {tel.message!r}" if tel.message else "")
               + (f", {tel.accepted_routes} routes" if tel.accepted_routes is not None else "")) if tel else "AWS ?"
        lines.append("")
        lines.append(f"  tunnel {t.number} ({t.aws_outside}): {st}" + (f" - {t.symptom}" if t.symptom else "")
                     + f"   [{aws}]")
        for i, c in enumerate(t.causes[:TEXT_CAUSES], 1):
            lines.append(f"    {i}. {c.summary}")
            for ev in c.evidence:
                lines.append(_paint(f"       - {ev}", _DIM, color) if color else f"       - {ev}")
            lines.append(f"       next: {c.next_check}")
        if len(t.causes) > TEXT_CAUSES:
            lines.append(f"    (+{len(t.causes) - TEXT_CAUSES} less likely; --format json lists them)")
    for s in d.shows:
        if s.command:
            lines.append(f"  read {s.file}: {s.platform} `{s.command}`")
    if d.notes:
        lines.append("")
        lines.extend(f"  note: {n}" for n in d.notes)
    return "\n".join(lines) + "\n"
