"""Remediation over the conformance suite's wrong configs (tests/conformance/strongswan/wrong): running
config + remediation == intended. The device directory becomes one marked bundle; each fragment of the
remediation is applied the way its header says (appended to the file of its kind, where sections and
settings of the same name merge and later ones win; a new file when the device has none of that kind,
e.g. charon-vpncc.conf for /etc/strongswan.d); re-validating gives no error or warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from vpncc.backends import base
from vpncc.backends.strongswan.read import split
from vpncc.compiler import resolve_profile
from vpncc.profile import Profile, from_mapping
from vpncc.readers import load_all
from vpncc.validate.compare import compare

ROOT = Path(__file__).parents[3]
TABLE = ROOT / "tests" / "conformance" / "strongswan" / "cases.yaml"
B = base.get("strongswan")

#: wrong configs whose fix vpncc does not write (with the reason)
NOT_FIXED = {
    # a missing tunnel is written in strongSwan's syntax; a Libreswan host needs pluto's
    "wrong/openswan-single-tunnel/ipsec.conf",
}


def _cases():
    doc = yaml.safe_load(TABLE.read_text())
    for c in doc["cases"]:
        if c["config"].startswith("wrong/") and c["config"] not in NOT_FIXED:
            yield pytest.param(doc, c, id=c["config"].split("/")[1])


def _bundle(main: Path) -> str:
    files = [main] + sorted(p for p in main.parent.rglob("*") if p.is_file() and p != main)
    return "".join(f"# --- vpncc file: {p.name} ---\n" + p.read_text() for p in files)


def _apply(bundle: str, fix: str) -> str:
    parts = split(bundle)
    texts = {id(p): p.text for p in parts}
    extra = []
    for f in split(fix):
        target = next((p for p in parts if p.kind == f.kind), None)
        if target is None:
            extra.append(f.text)  # a new file (its marker line names it)
        else:
            texts[id(target)] += "\n" + f.text
    return "".join(texts[id(p)] for p in parts) + "".join(extra)


def _serious(findings):
    return [(f.rule, f.tunnel, f.message) for f in findings
            if f.severity.value != "info" and f.category != "security"]


@pytest.mark.parametrize("doc,case", list(_cases()))
def test_remediation_fixes_the_wrong_config(doc, case) -> None:
    conn = load_all(str(ROOT / case.get("aws", doc["aws"])))[0]
    prof = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else Profile()
    main = TABLE.parent / case["config"]
    device = B.read(main.read_text(), str(main))
    findings = [f for f in compare(conn, device, prof) if f.severity.value != "info" and f.category != "security"]
    assert findings, "a wrong config must give findings"
    rprof, _ = resolve_profile(conn, B, prof)
    fix = B.remediation(findings, conn, rprof, device)
    assert fix.strip()
    assert all(t.ike.psk not in fix for t in conn.tunnels if t.ike.psk) or any(
        f.rule in ("VPN101", "VPN102", "VPN203") for f in findings), "a key only where the fix needs it"
    fixed = _apply(_bundle(main), fix)
    assert _serious(compare(conn, B.read(fixed), prof)) == []


def _sections(text: str, top: str) -> set[str]:
    """The names of the sections directly under ``top { }`` in a swanctl fragment."""
    out, depth, inside = set(), 0, False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.endswith("{"):
            name = line[:-1].strip()
            if depth == 0:
                inside = name == top
            elif depth == 1 and inside:
                out.add(name)
            depth += 1
        elif line.startswith("}"):
            depth -= 1
    return out


@pytest.mark.parametrize("doc,case", list(_cases()))
def test_remediation_touches_only_what_the_findings_name(doc, case) -> None:
    """No collateral change: the remediation's swanctl sections are the connections of the tunnels the
    findings name (secrets only for a key finding), its FRR fragment enters the router's own `router bgp`
    (never another AS, never a router-id) and names only those tunnels' neighbors."""
    conn = load_all(str(ROOT / case.get("aws", doc["aws"])))[0]
    prof = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else Profile()
    main = TABLE.parent / case["config"]
    device = B.read(main.read_text(), str(main))
    findings = [f for f in compare(conn, device, prof) if f.severity.value != "info" and f.category != "security"]
    rprof, _ = resolve_profile(conn, B, prof)
    fix = B.remediation(findings, conn, rprof, device)
    named = {f.tunnel for f in findings if f.tunnel is not None}
    missing = {f.tunnel for f in findings if f.rule in ("VPN101", "VPN102")} or (
        set() if all(f.rule not in ("VPN101", "VPN102") for f in findings) else {None})
    by_number = {}
    for d in device.tunnels:
        number = next((t.number for t in conn.tunnels if d.value("outside.aws") == t.outside.aws), None)
        by_number.setdefault(number, set()).add(d.name)
    allowed = {n for k in named for n in by_number.get(k, ())}
    for part in split(fix):
        if part.kind == "swanctl":
            conns = _sections(part.text, "connections")
            if not missing:
                assert conns <= allowed, (conns, allowed, fix)
            if _sections(part.text, "secrets"):
                assert {f.rule for f in findings} & {"VPN203", "VPN101", "VPN102", "VPN110"}, fix
        elif part.kind == "frr":
            asn = device.inventory.bgp_asn
            for line in part.text.splitlines():
                assert not line.strip().startswith("bgp router-id"), fix
                if line.startswith("router bgp") and asn is not None:
                    assert line.split()[2] == str(asn), fix
            nbrs = set(re.findall(r"(?m)^\s*neighbor (\S+) ", part.text))
            ours = {str(t.bgp.neighbor) for t in conn.tunnels if t.bgp and (t.number in named or missing)}
            assert nbrs <= ours, (nbrs, ours, fix)
