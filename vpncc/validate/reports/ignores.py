"""Per-rule ignores (``--ignore VPN221``, ``ignore: {VPN221: reason}`` per device in vpncc.yaml), colour
choice, the one-line summary, and the JSON Schema of the findings JSON (``vpncc schema report``).

An ignored finding leaves ``ConfigResult.findings`` (so it neither counts nor fails the run) and is kept in
``ConfigResult.ignored`` as (finding, reason): every report format shows it with its reason."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from ...errors import UsageError
from ..findings import Finding, Severity
from ..report import ConfigResult, Report
from ..rules import BY_ID

#: version of the findings JSON (``--format json``): 1 = the fields of this schema
SCHEMA_VERSION = 1
COMMAND_LINE = "--ignore on the command line"


def check_rules(rules: Iterable[str], where: str = "--ignore") -> list[str]:
    """Rule ids, upper-cased; UsageError naming an unknown one."""
    out = []
    for r in rules:
        rid = r.strip().upper()
        if rid not in BY_ID:
            raise UsageError(f"{where}: unknown rule {r!r} (vpncc rules lists them)")
        out.append(rid)
    return out


def apply(results: Iterable[ConfigResult], ignores: Mapping[str, str]) -> None:
    """Move the findings of the ``ignores`` rules (rule id -> reason) out of each result's findings."""
    if not ignores:
        return
    for r in results:
        kept, gone = [], list(getattr(r, "ignored", ()))
        for f in r.findings:
            (gone.append((f, ignores[f.rule])) if f.rule in ignores else kept.append(f))
        r.findings = kept
        r.ignored = gone  # type: ignore[attr-defined]


def ignored(r: ConfigResult) -> list[tuple[Finding, str]]:
    return list(getattr(r, "ignored", ()))


def text_lines(r: ConfigResult) -> list[str]:
    """``  ignored: VPN221 mtu-mismatch (tunnels 1, 2): reason`` per rule and reason."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f, reason in ignored(r):
        groups.setdefault((f.rule, reason), []).append(f)
    out = []
    for (rule, reason), fs in groups.items():
        tunnels = sorted({f.tunnel for f in fs if f.tunnel is not None})
        where = f" (tunnel{'s' if len(tunnels) > 1 else ''} {', '.join(map(str, tunnels))})" if tunnels else ""
        out.append(f"  ignored: {rule} {fs[0].name}{where}: {reason}")
    return out


def to_json(r: ConfigResult) -> list[dict[str, Any]]:
    return [f.to_dict() | {"reason": reason} for f, reason in ignored(r)]


def use_color(mode: str | None, dest: str | None, stream: Any) -> bool:
    """``--color always|never|auto``: auto colours a terminal unless NO_COLOR is set or TERM is dumb."""
    if mode == "always":
        return True
    if mode == "never" or dest not in (None, "-"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def summary(report: Report, fail_on: Severity = Severity.ERROR) -> str:
    """The text report's last line (``COMPLIANT: 0 error(s), ...``), for ``-o REPORT`` runs on stderr."""
    from . import text

    return text(report, fail_on).rstrip("\n").rsplit("\n", 1)[-1] + "\n"


def json_schema() -> dict[str, Any]:
    """JSON Schema of ``vpncc validate/check --format json``."""
    sev = {"enum": [s.value for s in Severity]}
    nullable_int = {"type": ["integer", "null"]}
    nullable_str = {"type": ["string", "null"]}
    finding = {
        "type": "object",
        "required": ["rule", "name", "severity", "tunnel", "path", "expected", "actual", "file", "line", "message",
                     "category"],
        "properties": {
            "rule": {"type": "string", "pattern": "^VPN[0-9]{3}$", "description": "stable rule id (vpncc rules)"},
            "name": {"type": "string"}, "severity": sev, "tunnel": nullable_int, "path": nullable_str,
            "expected": {"description": "what AWS expects (any JSON value)"},
            "actual": {"description": "what the device has (any JSON value)"},
            "file": nullable_str, "line": nullable_int, "message": {"type": "string"},
            "category": {"enum": ["compliance", "security"]},
            "connection": {"type": "string", "description": "with several connections: the one compared"},
        },
    }
    ignored_item = {"allOf": [{"$ref": "#/$defs/finding"}],
                    "properties": {"reason": {"type": "string"}}, "required": ["reason"]}
    counts = {"type": "object", "required": [s.value for s in Severity],
              "properties": {s.value: {"type": "integer", "minimum": 0} for s in Severity}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://vpncc.invalid/schemas/report.json",
        "title": "vpncc findings report (validate/check --format json)",
        "type": "object",
        "required": ["schema_version", "compliant", "fail_on", "connection", "findings", "configs"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "compliant": {"type": "boolean"}, "fail_on": sev, "connection": nullable_str,
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "ignored": {"type": "array", "items": ignored_item,
                        "description": "findings of ignored rules, with the reason; they do not count"},
            "configs": {"type": "array", "items": {
                "type": "object", "required": ["file", "vendor", "connection", "compliant", "counts"],
                "properties": {"file": nullable_str, "vendor": {"type": "string"}, "connection": nullable_str,
                               "compliant": {"type": "boolean"}, "counts": counts,
                               "ignored": {"type": "integer", "minimum": 0}}}},
            "remediation": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "$defs": {"finding": finding},
    }
