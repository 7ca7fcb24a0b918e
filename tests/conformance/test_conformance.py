"""The conformance suite: hand-written device configs per platform, each with its expected findings
(see README.md beside this file). Same-meaning configs must give no error and no warning; wrong ones
exactly the findings the table names, on the right tunnel."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from vpncc.profile import Profile
from vpncc.readers import load_all
from vpncc.validate.run import check_device

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

#: the minimum number of cases of each kind per platform (issue: a conformance suite for all six)
MIN_SAME, MIN_WRONG = 40, 20


def _tables() -> list[Path]:
    return sorted(HERE.glob("*/cases.yaml"))


def _cases():
    for table in _tables():
        doc = yaml.safe_load(table.read_text())
        for case in doc["cases"]:
            yield pytest.param(table, doc, case, id=f"{table.parent.name}:{case['config']}")


def _expected(entries) -> collections.Counter:
    if entries in (None, "none", []):
        return collections.Counter()
    out = collections.Counter()
    for e in entries:
        rule, tunnel, sev = str(e).split()
        out[(rule, None if tunnel == "-" else int(tunnel), sev)] += 1
    return out


def _profile(fields: dict | None) -> Profile | None:
    if not fields:
        return None
    from vpncc.profile import from_mapping

    return from_mapping(fields, file="cases.yaml")


@pytest.mark.parametrize("table,doc,case", list(_cases()))
def test_case(table: Path, doc: dict, case: dict) -> None:
    config = table.parent / case["config"]
    aws = ROOT / case.get("aws", doc["aws"])
    conns = load_all(str(aws))
    conn = conns[0]
    results = check_device(str(config), case.get("platform", doc["platform"]), {"c": conn},
                           profile=_profile(case.get("profile")))
    findings = [f for r in results for f in r.findings]
    got = collections.Counter((f.rule, f.tunnel, f.severity.value) for f in findings
                              if f.severity.value in ("error", "warning") and f.category != "security")
    want = _expected(case.get("expect"))
    detail = "\n".join(f"  {f.severity.value} {f.rule} t{f.tunnel}: {f.message}" for f in findings)
    assert got == want, f"{case['config']}: {case.get('why', '')}\nfindings:\n{detail}"
    infos = {(f.rule, f.tunnel) for f in findings if f.severity.value == "info" and f.category != "security"}
    for e in case.get("info") or ():
        rule, tunnel = str(e).split()[:2]
        assert (rule, None if tunnel == "-" else int(tunnel)) in infos, f"missing info {e}\n{detail}"
    # security findings (VPN5xx) are their own category: a case that lists them asserts their presence
    sec = {(f.rule, f.tunnel) for f in findings if f.category == "security"}
    for e in case.get("security") or ():
        rule, tunnel = str(e).split()[:2]
        assert (rule, None if tunnel == "-" else int(tunnel)) in sec, f"missing security finding {e}\n{detail}"


@pytest.mark.parametrize("table", _tables(), ids=lambda p: p.parent.name)
def test_table_shape(table: Path) -> None:
    """Every table has its counts, every case a reason, and kinds agree with their expectations."""
    doc = yaml.safe_load(table.read_text())
    same = [c for c in doc["cases"] if c["config"].startswith("same/")]
    wrong = [c for c in doc["cases"] if c["config"].startswith("wrong/")]
    assert len(same) >= MIN_SAME and len(wrong) >= MIN_WRONG, (len(same), len(wrong))
    for c in doc["cases"]:
        assert c.get("why"), c["config"]
        assert (table.parent / c["config"]).exists(), c["config"]
    for c in same:
        assert _expected(c.get("expect")) == collections.Counter(), c["config"]
    for c in wrong:
        assert _expected(c.get("expect")), c["config"]
    assert len({c["config"] for c in doc["cases"]}) == len(doc["cases"]), "a config is listed twice"
