"""cisco-ios remediation over every wrong config of the conformance suite (hier_config's circular idea):
running + remediation validates clean, AND differs from the running config only inside the objects the
findings name (their lines, or the objects of the tunnel they are about): no collateral change, never the
BGP AS or router-id, never a renamed object. Applying the remediation a second time changes nothing more
than the first did (idempotent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vpncc.backends import base
from vpncc.backends.cisco_ios.prep import normalize
from vpncc.backends.cisco_ios.read import CONTEXTS, TOP
from vpncc.profile import from_mapping
from vpncc.readers import load_all
from vpncc.validate.compare import match_tunnels, validate

from .cisco_test_helpers import apply

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "tests" / "conformance" / "cisco-ios"
DOC = yaml.safe_load((SUITE / "cases.yaml").read_text())
WRONG = [c for c in DOC["cases"] if c["config"].startswith("wrong/")]
IOS = base.get("cisco-ios")
#: findings no paste on this router can fix: the customer gateway address AWS expects is not one of the
#: router's (fix the customer gateway in AWS or the NAT in front); the remediation says so in a comment
NOT_FIXABLE_ON_DEVICE = {"VPN111"}
#: per-tunnel objects the reader links to a tunnel (DeviceTunnel values naming the device's own objects)
OBJECTS = {"_isakmp_profile": "crypto isakmp profile", "_keyring": "crypto keyring", "_ipsec_profile":
           "crypto ipsec profile", "_ikev2_profile": "crypto ikev2 profile", "_ikev2_keyring": "crypto ikev2 keyring",
           "_crypto_acl": "ip access-list extended"}


def _problems(findings) -> list[tuple[str, int | None]]:
    return sorted((f.rule, f.tunnel) for f in findings
                  if f.severity.value in ("error", "warning") and f.category != "security")


def _blocks(text: str) -> dict[str, set[str]]:
    """top-level line -> the set of its (indented) sub-lines, as a router shows them."""
    out: dict[str, set[str]] = {}
    head = None
    for ln in text.splitlines():
        s = ln.rstrip()
        if not s.strip() or s.lstrip().startswith("!") or s.strip() in ("end", "exit"):
            continue
        if s[0] != " ":
            head = s.strip()
            out.setdefault(head, set())
        elif head is not None:
            out[head].add(s.strip())
    return out


def _line_heads(text: str) -> dict[int, str]:
    """line number -> the top-level line of the block it is in."""
    heads, head = {}, ""
    for no, ln in enumerate(text.splitlines(), 1):
        if ln.strip() and ln[0] not in (" ", "\t", "!"):
            head = ln.strip()
        heads[no] = head
    return heads


def _allowed(text: str, findings, conn, device) -> set[str]:
    """The blocks the findings name: their lines' blocks, the objects of the tunnels they are about,
    and `router bgp` for BGP findings."""
    heads = _line_heads(text)
    allowed = {heads.get(f.line, "") for f in findings if f.line}
    matched = match_tunnels(conn, device)
    for f in findings:
        d = matched.get(f.tunnel) if f.tunnel is not None else None
        if d is None:
            continue
        allowed.add(f"interface {d.name}")
        if d.value("_crypto_map"):
            allowed.add(d.value("_crypto_map"))
        for key, kind in OBJECTS.items():
            v = d.value(key)
            if v:
                allowed.add(f"{kind} {v}")
        allowed.update(f"crypto ikev2 policy {p}" for p in d.value("_ikev2_policies") or ())
        allowed.update(f"crypto isakmp policy {p}" for p in d.value("_isakmp_policies") or ())
        allowed.update(h for h in _blocks(text) if h.startswith("crypto ipsec transform-set ")
                       and h.split()[3] in (d.value("_transform_sets") or ()))
        if f.rule.startswith("VPN3") or (f.path or "").endswith(".bgp"):
            allowed.update(h for h in _blocks(text) if h.startswith("router bgp "))
    return allowed


@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_only_fixes(case: dict) -> None:
    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    profile = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else None
    running = normalize((SUITE / case["config"]).read_text(), TOP, CONTEXTS)
    report = validate(conn, "cisco-ios", running, profile=profile)
    assert _problems(report.findings)
    before = IOS.read(running)
    fix = IOS.remediation(report.findings, conn, profile, before)
    after_text = apply(running, fix)
    left = _problems(validate(conn, "cisco-ios", after_text, profile=profile).findings)
    assert [x for x in left if x[0] not in NOT_FIXABLE_ON_DEVICE] == [], fix
    # no collateral diff: every existing block whose lines changed is one the findings name
    old, new = _blocks(apply(running, "")), _blocks(after_text)
    allowed = _allowed(running, report.findings, conn, before)
    changed = {h for h in old if h in new and old[h] != new[h]} | {h for h in old if h not in new}
    assert changed <= allowed, (sorted(changed - allowed), fix)
    # never the BGP AS or router-id
    for h in old:
        if h.startswith("router bgp "):
            assert h in new
            assert {x for x in old[h] if x.startswith("bgp router-id")} == \
                   {x for x in new.get(h, set()) if x.startswith("bgp router-id")}
    # idempotent: pasting the same remediation again changes nothing
    assert apply(after_text, fix) == apply(after_text, "")
