"""The reports' fast JSON encoder (a speed-up for fleet reports) must write exactly what
``json.dumps(obj, indent=2)`` writes, for every value a report can hold."""

from __future__ import annotations

import enum
import json

from vpncc.validate.findings import Finding, Severity
from vpncc.validate.report import ConfigResult, Report
from vpncc.validate.reports import _dumps, render


class _Mode(str, enum.Enum):
    MAIN = "main"


class _Group(enum.IntEnum):
    G14 = 14


def test_dumps_matches_the_standard_encoder():
    samples = [
        {}, [], "", 0, -3, 1.5, None, True, False, [[[]]], {"a": {}},
        {"text": "quote \" backslash \\ tab \t newline \n é \u2028 \U0001f600", "n": [1, 2.25, -0.0]},
        {1: "int key", None: "null key", False: "bool key", 2.5: "float key"},
        {"tuple": (1, "x", (2,)), "enum": _Mode.MAIN, "intenum": _Group.G14, "nested": [{"k": [None, {}]}]},
    ]
    for obj in samples:
        assert _dumps(obj) == json.dumps(obj, indent=2), obj


def test_dumps_raises_like_the_standard_encoder():
    for bad in ({"x": object()}, [{1, 2}]):
        try:
            json.dumps(bad, indent=2)
        except TypeError:
            pass
        else:  # pragma: no cover
            raise AssertionError("json.dumps accepted it")
        try:
            _dumps(bad)
        except TypeError:
            continue
        raise AssertionError(f"_dumps accepted {bad!r}")


def _report() -> Report:
    f = Finding("VPN201", "ike-proposal-mismatch", Severity.ERROR, 1, "tunnels[0].ike", ["aes128"], ["3des"],
                "r1.cfg", 42, "no phase-1 proposal <fits> & \"quotes\"")
    g = Finding("VPN221", "mtu", Severity.WARNING, 2, "tunnels[1].mtu", 1436, 1500, "r1.cfg", None, "too big")
    return Report(None, [ConfigResult(file="r1.cfg", vendor="cisco-ios", findings=[f, g]),
                         ConfigResult(file="r2.cfg", vendor="juniper", findings=[])])


def test_json_and_sarif_reports_are_standard_indented_json():
    for fmt in ("json", "sarif"):
        out = render(_report(), fmt)
        assert out == json.dumps(json.loads(out), indent=2) + "\n", fmt
