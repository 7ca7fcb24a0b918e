"""Report formats: text (humans), json (scripts), junit (Jenkins/GitLab), sarif (GitHub code scanning),
github (workflow-command annotations)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Callable, cast
from xml.sax.saxutils import escape, quoteattr

from ..._version import __version__
from ..findings import Finding, Severity, jsonable
from ..report import Report
from ..report import fails as _fails
from ..rules import BY_ID, CATALOGUE
from . import ignores as _ign

FORMATS = ("text", "json", "junit", "sarif", "github")


class _Raw(str):
    """Text already encoded by _dumps at its place in the document (spliced in verbatim)."""


_esc = json.encoder.encode_basestring_ascii  # the C function when available


def _dumps(obj: object, level: int = 0) -> str:
    """``json.dumps(obj, indent=2)`` byte for byte, without the pure-Python encoder's one generator per
    value (2x faster, and no list of millions of chunks: a 10,000-device SARIF report peaked at 1.3 GB)."""
    t = type(obj)
    if t is str:
        return _esc(cast(str, obj))
    if t is _Raw:
        return cast(str, obj)
    if obj is None or obj is True or obj is False:
        return "null" if obj is None else ("true" if obj else "false")
    if t is int:
        return int.__repr__(cast(int, obj))
    ind = "\n" + "  " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        return "{" + ind + ("," + ind).join([(_esc(k) if isinstance(k, str) else _esc(json.dumps(k))) + ": "
                                             + _dumps(v, level + 1) for k, v in obj.items()]) + ind[:-2] + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        return "[" + ind + ("," + ind).join([_dumps(v, level + 1) for v in obj]) + ind[:-2] + "]"
    return json.dumps(obj)  # str/int subclasses, floats; raises TypeError as json.dumps does


def render(report: Report, fmt: str, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    fn: dict[str, Callable[..., str]] = {"text": text, "json": as_json, "junit": junit, "sarif": sarif,
                                         "github": github}
    return fn[fmt](report, fail_on=fail_on, color=color)


# -- text -----------------------------------------------------------------------------------

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def _hint(f: Finding) -> str:
    rule = BY_ID.get(f.rule)
    return rule.check if rule else ""


def text(report: Report, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    out: list[str] = []
    for r in report.results:
        conn = r.connection or report.connection or "?"
        out.append(f"{r.file or '<config>'} ({r.vendor}) against {conn}")
        groups: dict[int | None, list[Finding]] = defaultdict(list)
        for f in r.findings:
            groups[f.tunnel].append(f)
        if not r.findings:
            out.append("  compliant: no findings")
        for tunnel in sorted(groups, key=lambda t: (t is not None, t or 0)):
            out.append("  connection-wide:" if tunnel is None else f"  tunnel {tunnel}:")
            # what decides whether the tunnel works first, then security hygiene (VPN5xx)
            for f in sorted(groups[tunnel], key=lambda f: f.category == "security"):
                sev = f.severity.value.upper()
                if color:
                    sev = _COLORS[f.severity] + sev + "\033[0m"
                if f.category == "security":
                    sev = "security " + sev
                loc = f":{f.line}" if f.line else ""
                out.append(f"    {sev} {f.rule} {f.name}{(' (line ' + loc[1:] + ')') if loc else ''}: {f.message}")
                hint = _hint(f)
                if hint and f.severity is not Severity.INFO:
                    out.append(f"      hint: {hint}")
        out.extend(_ign.text_lines(r))
        if r.remediation:
            out.append("  remediation (paste on the device):")
            out.extend("    " + l for l in r.remediation.rstrip("\n").splitlines())
    counts = {s: sum(1 for f in report.findings if f.severity is s and f.category != "security") for s in Severity}
    sec = {s: sum(1 for f in report.findings if f.severity is s and f.category == "security") for s in Severity}
    verdict = "COMPLIANT" if report.compliant(fail_on) else "NOT COMPLIANT"
    line = (f"{verdict}: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} info (fail on {fail_on.value})")
    if any(sec.values()):
        line += (f"; security: {sec[Severity.ERROR] + sec[Severity.WARNING]} warning(s), {sec[Severity.INFO]} info"
                 + (f" (fail on {report.fail_on_security.value})" if report.fail_on_security else ""))
    n_ignored = sum(len(_ign.ignored(r)) for r in report.results)
    if n_ignored:
        line += f"; {n_ignored} ignored"
    out.append(line)
    return "\n".join(out) + "\n"


def as_json(report: Report, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    """The findings JSON; its schema: ``vpncc schema report`` (``schema_version`` first)."""
    out = {"schema_version": _ign.SCHEMA_VERSION} | report.to_dict(fail_on)
    gone = [item for r in report.results for item in _ign.to_json(r)]
    if gone:
        out["ignored"] = gone
        for entry, r in zip(out["configs"], report.results, strict=False):
            entry["ignored"] = len(_ign.ignored(r))
    return _dumps(out) + "\n"


# -- JUnit ----------------------------------------------------------------------------------

def junit(report: Report, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    """One testsuite per device config, one testcase per check (rule x tunnel), one failure per finding."""
    suites: list[str] = []
    total_tests = total_fail = 0
    base_checks = [(rule.id, t) for rule in CATALOGUE if rule.id != "VPN901"
                   for t in ((1, 2) if rule.keys or rule.id in ("VPN101",) else (None,))]
    base_set = set(base_checks)
    passed = {(i, t): quoteattr(f"{i} {BY_ID[i].name}" + (f" tunnel {t}" if t else "")) for i, t in base_checks}
    for r in report.results:
        name = f"{r.file or 'config'} ({r.vendor})"
        by_check: dict[tuple[str, int | None], list[Finding]] = defaultdict(list)
        for f in r.findings:
            by_check[(f.rule, f.tunnel)].append(f)
        cases: list[str] = []
        qname = quoteattr(name)
        checks = base_checks + [k for k in by_check if k not in base_set]
        fails = 0
        for rule_id, tunnel in checks:
            found = by_check.get((rule_id, tunnel), [])
            if not found and (rule_id, tunnel) in passed:  # the common case, built once per report
                cases.append(f'    <testcase classname={qname} name={passed[rule_id, tunnel]}/>')
                continue
            rule = BY_ID[rule_id]
            cname = f"{rule.id} {rule.name}" + (f" tunnel {tunnel}" if tunnel else "")
            failing = [f for f in found if _fails(f, fail_on, report.fail_on_security)]
            body = ""
            for f in failing:
                where = f"{f.file or ''}:{f.line}" if f.line else (f.file or "")
                body += (f"<failure type={quoteattr(f.severity.value)} message={quoteattr(f.message)}>"
                         f"{escape(where + ' ' + (f.path or ''))}</failure>")
            others = [f for f in found if f not in failing]
            if others:
                body += "<system-out>" + escape("\n".join(f"{f.severity.value}: {f.message}" for f in others)) \
                    + "</system-out>"
            fails += bool(failing)
            cases.append(f'    <testcase classname={quoteattr(name)} name={quoteattr(cname)}>{body}</testcase>'
                         if body else f'    <testcase classname={quoteattr(name)} name={quoteattr(cname)}/>')
        total_tests += len(cases)
        total_fail += fails
        suites.append(f'  <testsuite name={quoteattr(name)} tests="{len(cases)}" failures="{fails}" '
                      f'errors="0" skipped="0">\n' + "\n".join(cases) + "\n  </testsuite>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="vpncc validate" tests="{total_tests}" failures="{total_fail}" errors="0">\n'
            + "\n".join(suites) + "\n</testsuites>\n")


# -- SARIF 2.1.0 ----------------------------------------------------------------------------

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(report: Report, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    rules = [{
        "id": r.id, "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": f"{r.summary} Symptom: {r.symptom} Likely cause: {r.cause}"},
        "help": {"text": f"Check: {r.check}"},
        "defaultConfiguration": {"level": _LEVEL[r.severity]},
        "properties": {"tags": ["aws-vpn", r.severity.value]},
    } for r in CATALOGUE]
    index = {r.id: i for i, r in enumerate(CATALOGUE)}
    results = []
    for res in report.results:
        for f in res.findings:
            loc = {"physicalLocation": {"artifactLocation": {"uri": (f.file or res.file or "config")},
                                        "region": {"startLine": f.line or 1}}}
            item = {
                "ruleId": f.rule, "ruleIndex": index[f.rule], "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [loc],
                "partialFingerprints": {"vpnccFinding/v1": f"{f.rule}:{f.tunnel}:{f.path}"},
                "properties": {"tunnel": f.tunnel, "path": f.path, "expected": jsonable(f.expected),
                               "actual": jsonable(f.actual)},
            }
            results.append(_Raw(_dumps(item, 4)))  # doc > runs > run > results > item
        for f, reason in _ign.ignored(res):  # SARIF's own way to say "seen and deliberately accepted"
            loc = {"physicalLocation": {"artifactLocation": {"uri": (f.file or res.file or "config")},
                                        "region": {"startLine": f.line or 1}}}
            results.append(_Raw(_dumps({
                "ruleId": f.rule, "ruleIndex": index[f.rule], "level": _LEVEL[f.severity],
                "message": {"text": f.message}, "locations": [loc],
                "partialFingerprints": {"vpnccFinding/v1": f"{f.rule}:{f.tunnel}:{f.path}"},
                "suppressions": [{"kind": "external", "justification": reason}],
            }, 4)))
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vpncc", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/example-org/vpncc", "rules": rules}},
            "results": results,
        }],
    }
    return _dumps(doc) + "\n"


# -- GitHub workflow commands ---------------------------------------------------------------

def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def github(report: Report, fail_on: Severity = Severity.ERROR, color: bool = False) -> str:
    cmd = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for f in report.findings:
        props = [f"file={_gh_escape(f.file or 'config', True)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_escape(f.rule + ' ' + f.name, True)}")
        out.append(f"::{cmd[f.severity]} {','.join(props)}::{_gh_escape(f.message)}")
    out.append(("compliant" if report.compliant(fail_on) else "not compliant")
               + f": {len(report.failing(fail_on))} finding(s) at or above {fail_on.value}")
    return "\n".join(out) + "\n"
