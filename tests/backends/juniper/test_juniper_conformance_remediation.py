"""Remediation over every wrong config of the Junos conformance suite (tests/conformance/juniper/wrong):
running config + remediation (applied as Junos would, by JunosStore) validates without errors or warnings,
a second paste changes nothing, and no statement of the running config changes unless a finding names it
(its object: the gateway, policy, st0 unit, zone or BGP neighbor the finding's line belongs to, or an
object referring to it). Router-id, AS and the device's zones never change."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import vpncc
from vpncc.backends import base
from vpncc.backends.juniper.syntax import to_set_lines
from vpncc.compiler import resolve_profile
from vpncc.profile import Profile, from_mapping
from vpncc.readers import load_all

from .junos_store import JunosStore

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "tests" / "conformance" / "juniper"
DOC = yaml.safe_load((SUITE / "cases.yaml").read_text())
WRONG = [c for c in DOC["cases"] if c["config"].startswith("wrong/")]
BACKEND = base.get("juniper")
#: findings no change on the device fixes: the customer gateway address AWS expects is not the device's
NOT_FIXABLE_ON_DEVICE = {"wrong/local-address-public-other.cfg": {"VPN111"}}
#: a rule whose object is a device-wide statement (the reader points the finding at the tunnel)
RULE_STATEMENTS = {"VPN222": ("set", "security", "flow", "tcp-mss")}


def _problems(findings) -> list[tuple[str, int | None]]:
    return sorted((f.rule, f.tunnel) for f in findings
                  if f.severity.value in ("error", "warning") and f.category != "security")


def _object(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The object a set statement belongs to: `set security ike gateway G`, `set interfaces st0 unit N`,
    `set security zones security-zone Z`, `set protocols bgp group G neighbor N`..."""
    if "neighbor" in tokens[:8] and "bgp" in tokens:
        return tokens[:tokens.index("neighbor") + 2]
    if tokens[1:2] == ("routing-instances",):
        return tokens[:3]
    return tokens[:5]


def _collateral(running: str, fixed: str, findings) -> list[str]:
    named_lines = {f.line for f in findings if f.line}
    rules = [RULE_STATEMENTS[f.rule] for f in findings if f.rule in RULE_STATEMENTS]
    statements = [(no, tuple(cmd.split())) for no, cmd in to_set_lines(running)]
    objects = {_object(t) for no, t in statements if no in named_lines}
    # the named objects, the objects they use (a gateway's IKE policy, a VPN's IPsec policy) and, below,
    # the objects that use them
    names = {o[-1] for o in objects} | {w for no, t in statements if _object(t) in objects for w in t[5:]}
    objects |= {_object(t) for _, t in statements if _object(t)[-1] in names or names & set(t[5:])}
    kept = {tuple(cmd.split()) for _, cmd in to_set_lines(fixed)}
    out = []
    for no, t in statements:
        if t in kept or no in named_lines or _object(t) in objects or names & set(t[5:]):
            continue
        if any(t[:len(r)] == r for r in rules):
            continue
        out.append(f"{no}: {' '.join(t)}")
    return out


@pytest.mark.parametrize("case", WRONG, ids=[c["config"] for c in WRONG])
def test_remediation_of_each_wrong_config(case: dict) -> None:
    conn = load_all(str(ROOT / case.get("aws", DOC["aws"])))[0]
    prof = from_mapping(case["profile"], file="cases.yaml") if case.get("profile") else Profile()
    # what the suite's configs route and announce (the AWS file names neither): an export policy or a
    # static route can only be written with them
    prof = replace(prof, local_networks=prof.local_networks or [ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=prof.remote_networks or [ipaddress.IPv4Network("10.0.0.0/16")])
    running = (SUITE / case["config"]).read_text()
    before = vpncc.validate(conn, "juniper", running, profile=prof).findings
    assert _problems(before)
    rprof, _ = resolve_profile(conn, BACKEND, prof)
    fix = BACKEND.remediation(before, conn, rprof, BACKEND.read(running))
    store = JunosStore([c for _, c in to_set_lines(running)])
    store.apply(fix)
    fixed = store.text()
    left = _problems(vpncc.validate(conn, "juniper", fixed, profile=prof).findings)
    keep = NOT_FIXABLE_ON_DEVICE.get(case["config"], set())
    assert [x for x in left if x[0] not in keep] == [], fix
    # no collateral diff, and a second paste changes nothing
    assert _collateral(running, fixed, before) == [], fix
    again = JunosStore([c for _, c in to_set_lines(fixed)])
    for line in fix.splitlines():
        if line.startswith("activate ") and tuple(line.split()[1:]) not in again.inactive:
            continue  # `activate` of an active statement changes nothing (Junos only warns)
        again.apply_line(line)
    assert sorted(again.text().splitlines()) == sorted(fixed.splitlines())
    for keep_stmt in (r"routing-options (router-id|autonomous-system)", r"security zones security-zone \S+ interfaces"):
        pattern = rf"(?m)^set (?:routing-instances \S+ )?{keep_stmt}.*$"
        was = set(re.findall(pattern.replace("(router-id|autonomous-system)", "(?:router-id|autonomous-system)"),
                             "\n".join(c for _, c in to_set_lines(running))))
        now = set(re.findall(pattern.replace("(router-id|autonomous-system)", "(?:router-id|autonomous-system)"),
                             fixed))
        assert was <= now, keep_stmt
