"""A validation report: the findings of one or more device configs against one connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from .model import DeviceConfig


def fails(f: Finding, fail_on: Severity, fail_on_security: Severity | None) -> bool:
    """Compliance findings fail at ``fail_on``; security findings only at ``fail_on_security``."""
    if f.category == "security":
        return fail_on_security is not None and f.severity.rank >= fail_on_security.rank
    return f.severity.rank >= fail_on.rank


@dataclass
class ConfigResult:
    file: str | None
    vendor: str
    findings: list[Finding]
    device: "DeviceConfig | None" = field(default=None, repr=False)
    connection: str | None = None
    remediation: str | None = None


@dataclass
class Report:
    connection: str | None
    results: list[ConfigResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    #: the lowest severity of a security finding (VPN5xx) that fails the report; None: they never do
    fail_on_security: Severity | None = None

    def failing(self, fail_on: Severity = Severity.ERROR) -> list[Finding]:
        return [f for f in self.findings if fails(f, fail_on, self.fail_on_security)]

    def compliant(self, fail_on: Severity = Severity.ERROR) -> bool:
        return not self.failing(fail_on)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        return 0 if self.compliant(fail_on) else 1

    def to_dict(self, fail_on: Severity = Severity.ERROR) -> dict[str, Any]:
        out: dict[str, Any] = {
            "compliant": self.compliant(fail_on),
            "fail_on": fail_on.value,
            "connection": self.connection,
            "findings": [f.to_dict() | ({"connection": r.connection} if r.connection else {})
                         for r in self.results for f in r.findings],
            "configs": [
                {"file": r.file, "vendor": r.vendor, "connection": r.connection or self.connection,
                 "compliant": not any(fails(f, fail_on, self.fail_on_security) for f in r.findings),
                 "counts": {s.value: sum(1 for f in r.findings if f.severity is s) for s in Severity}}
                for r in self.results
            ],
        }
        rem = [r.remediation for r in self.results if r.remediation]
        if rem:
            out["remediation"] = {r.file or "-": r.remediation for r in self.results if r.remediation}
        return out
