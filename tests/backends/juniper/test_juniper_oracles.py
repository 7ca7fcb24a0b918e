"""Independent checks: every generated `set` line walks Juniper's own schema (junoscfg 0.5.10's Junos
24.4 structure tree, see junos_schema.py), the curly form converts to exactly the set lines, and
junoscfg's own structured->set converter agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import vpncc
from tests.conftest import sample_paths
from vpncc.backends.juniper.syntax import to_set_lines

from ...strategies import connections
from .junos_schema import UNVERIFIED_HIERARCHIES, check_set_text, walk_line
from .test_juniper_compile import PROFILE, VARIANTS
from .test_juniper_properties import supported

ROOT = Path(__file__).resolve().parents[3]
AWS_DIR = "vendor/juniper"


def _sample_conns():
    from vpncc.readers.aws_generic import read

    return {p.stem: read(p.read_text(encoding="utf-8"), str(p)) for p in sample_paths()} | VARIANTS


CONNS = _sample_conns()


def _allowed_unverified(line: str, reason: str) -> bool:
    toks = line.split()[1:3]
    return tuple(toks) in UNVERIFIED_HIERARCHIES or reason.startswith("SRX-only statement")


@pytest.mark.parametrize("name", sorted(CONNS))
def test_every_set_line_walks_the_junos_schema(name: str) -> None:
    text = vpncc.compile(CONNS[name], "juniper", PROFILE)
    s = check_set_text(text)
    assert s.errors == []
    assert all(_allowed_unverified(l, r) for l, r in s.unverified), s.unverified
    assert s.ok > 40
    # only SRX hierarchies (zones, policies, flow, address book) and SRX-only values stay unchecked
    assert len(s.unverified) < s.ok / 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None))
def test_generated_configs_walk_the_schema(conn) -> None:
    assume(supported(conn))
    s = check_set_text(vpncc.compile(conn, "juniper", PROFILE))
    assert s.errors == []
    assert all(_allowed_unverified(l, r) for l, r in s.unverified)


@pytest.mark.parametrize("line, reason", [
    ("set security ike proposal p dh-group group99", "not one of"),
    ("set security ipsec vpn v establish-tunnel immediately", "unknown keyword 'establish-tunnel'"),
    ("set security ipsec proposal p authentication-algorithm hmac-sha-999", "not one of"),
    ("set security ike proposal p authentication-algorithm sha-1024", "not one of"),
    ("set security ike proposal p dh-group group22", "not one of"),
    ("set security ike gateway g dead-peer-detection interval", "missing value"),
    ("set protocols bgp group g neighbor 169.254.1.1 local-as YOUR_BGP_ASN", "does not match"),
    ("set security ipsec vpn v bind-interface ge-0/0/0.0", "does not match"),
    ("set interfaces st0 unit 1 family inet mtu big", "not an unsigned integer"),
])
def test_walker_catches_wrong_values_and_typos(line: str, reason: str) -> None:
    w = walk_line(line)
    assert w.status == "error" and reason in w.reason


def test_walker_quirks_are_narrow() -> None:
    assert walk_line("set interfaces st0.1 family inet mtu 1436").status == "ok"
    assert walk_line("set interfaces st0 unit 1 family inet mtu 1436").status == "ok"
    assert walk_line("set security ike gateway g address 198.51.100.7").status == "ok"
    assert walk_line("set protocols bgp group g neighbor 169.254.1.1 local-as 65000").status == "ok"
    assert walk_line("set security zones security-zone vpn interfaces st0.1").status == "unverified"
    assert walk_line("set security ike proposal p encryption-algorithm aes-256-gcm").status == "unverified"
    # the SRX-only allowance is for the listed values only
    assert walk_line("set security ike proposal p encryption-algorithm aes-999-gcm").status == "error"
    assert walk_line("set security zone security-zone vpn").status == "error"


def test_aws_srx_example_walks_except_its_placeholders(shared) -> None:
    for f in sorted((shared / "corpus" / AWS_DIR).glob("*.extracted.txt")):
        lines = [l.strip() for l in f.read_text(encoding="utf-8").splitlines() if l.strip().startswith("set ")]
        s = check_set_text("\n".join(lines))
        assert [l for l, _ in s.errors] == [l for l in lines if "YOUR_BGP_ASN" in l], f.name
        assert s.ok > 50


def _statements(text: str) -> list[str]:
    return [l for l in text.splitlines() if l.startswith("set ")]


@pytest.mark.parametrize("name", sorted(CONNS))
def test_curly_form_converts_to_exactly_the_set_lines(name: str) -> None:
    set_text = vpncc.compile(CONNS[name], "juniper", PROFILE, format="set")
    curly = vpncc.compile(CONNS[name], "juniper", PROFILE, format="curly")
    converted = to_set_lines(curly)
    assert [c for _, c in converted] == _statements(set_text)
    # every converted line points at the curly line that holds the statement
    lines = curly.splitlines()
    for no, cmd in converted:
        assert lines[no - 1].split()[0].rstrip(";") in cmd.split()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), data=st.data())
def test_generated_curly_equals_set(conn, data) -> None:
    assume(supported(conn))
    set_text = vpncc.compile(conn, "juniper", PROFILE, format="set")
    curly = vpncc.compile(conn, "juniper", PROFILE, format="curly")
    assert [c for _, c in to_set_lines(curly)] == _statements(set_text)


def _unquote(line: str) -> str:
    return re.sub(r'"((?:[^"\\]|\\.)*)"', lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), line)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_junoscfg_converter_agrees(name: str) -> None:
    """junoscfg's own structured -> set conversion of our curly output gives our set lines (it prints
    quoted strings without their quotes, so quotes are compared unescaped; it splits
    `local-as N no-prepend-global-as` into two lines as `display set` does, and so do we)."""
    import junoscfg

    curly = vpncc.compile(VARIANTS[name], "juniper", PROFILE, format="curly")
    body = "\n".join(l for l in curly.splitlines() if not l.lstrip().startswith("#"))
    theirs = junoscfg.convert_config(body, from_format=junoscfg.Format.STRUCTURED,
                                     to_format=junoscfg.Format.SET, validate=False)
    ours = _statements(vpncc.compile(VARIANTS[name], "juniper", PROFILE, format="set"))
    assert sorted(_unquote(l) for l in theirs.splitlines() if l) == sorted(_unquote(l) for l in ours)
