"""A finding: one way a device config differs from the AWS connection, in IR terms."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    tunnel: int | None
    path: str | None
    expected: Any
    actual: Any
    file: str | None
    line: int | None
    message: str
    #: "compliance" (would the tunnel and routing work) or "security" (VPN5xx: hygiene, own --fail-on)
    category: str = "compliance"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "name": self.name, "severity": self.severity.value, "tunnel": self.tunnel,
            "path": self.path, "expected": jsonable(self.expected), "actual": jsonable(self.actual),
            "file": self.file, "line": self.line, "message": self.message, "category": self.category,
        }


def jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "with_prefixlen"):
        return value.with_prefixlen
    return str(value)
