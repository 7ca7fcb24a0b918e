"""Round-trip and single-mutation properties for strongSwan over the whole bundle.

The framework harness (tests/properties) validates the main file alone; a strongSwan gateway's
interfaces, MTU, MSS and BGP live in the bundle's other files, so here the whole bundle (as
``cat bundle/*`` would give it) is validated, for every format and routing daemon.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpncc
from tests.conftest import sample_paths
from tests.properties.test_backend_properties import HAND_MADE, MUTATION_BASES, MUTATIONS, PROFILE
from tests.strategies import connections
from vpncc.backends import base
from vpncc.compiler import compile_files, resolve_profile
from vpncc.errors import UnsupportedFeature
from vpncc.ir import Connection

FORMATS = [("swanctl", "frr"), ("swanctl", "bird"), ("legacy", "frr"), ("networkd", "bird")]


def bundle(conn: Connection, fmt: str = "swanctl", routing: str = "frr") -> str:
    return "".join(compile_files(conn, "strongswan", PROFILE, format=fmt, extra={"routing": routing}).values())


def findings(old: Connection, new: Connection, fmt: str = "swanctl", routing: str = "frr"):
    """Compliance findings (security ones, VPN5xx, are their own category)."""
    report = vpncc.validate(new, "strongswan", bundle(old, fmt, routing), profile=PROFILE, path="bundle")
    return [f for f in report.findings if f.category == "compliance"]


def serious(fs):
    """Errors and warnings (info such as who rekeys first is not a round-trip failure)."""
    return [(f.rule, f.tunnel, f.message) for f in fs if f.severity.value != "info"]


def supported(conn: Connection) -> bool:
    b = base.get("strongswan")
    prof, _ = resolve_profile(conn, b, PROFILE)
    return not b.unsupported(conn, prof, base.RenderOptions())


@pytest.mark.parametrize("fmt,routing", FORMATS)
@pytest.mark.parametrize("case", sorted(HAND_MADE))
def test_bundle_round_trip(case: str, fmt: str, routing: str) -> None:
    assert serious(findings(HAND_MADE[case], HAND_MADE[case], fmt, routing)) == []


@pytest.mark.parametrize("fmt,routing", FORMATS)
@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
def test_bundle_round_trip_samples(sample: str, fmt: str, routing: str) -> None:
    conn = vpncc.parse(str(next(p for p in sample_paths() if p.name == sample)))
    assert serious(findings(conn, conn, fmt, routing)) == []


@pytest.mark.parametrize("fmt,routing", FORMATS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conn=connections(ipv6=None))
def test_bundle_round_trip_generated(conn: Connection, fmt: str, routing: str) -> None:
    if not supported(conn):
        with pytest.raises(UnsupportedFeature):
            vpncc.compile(conn, "strongswan", PROFILE)
        return
    assert serious(findings(conn, conn, fmt, routing)) == []


@pytest.mark.parametrize("fmt,routing", FORMATS)
@pytest.mark.parametrize("base_name", sorted(MUTATION_BASES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_bundle_single_mutation(fmt: str, routing: str, base_name: str, mutation: str, tunnel: int) -> None:
    start = MUTATION_BASES[base_name]
    res = MUTATIONS[mutation](start, start.tunnel(tunnel))
    if res is None:
        return
    old, new, rules = res
    found = {(f.rule, f.tunnel) for f in findings(old, new, fmt, routing)}
    assert found == {(r, tunnel) for r in rules}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bundle_generated_mutation(data: st.DataObject) -> None:
    old = data.draw(connections(multi=False))
    if not supported(old):
        return
    name = data.draw(st.sampled_from(sorted(MUTATIONS)))
    tunnel = data.draw(st.sampled_from([1, 2]))
    fmt, routing = data.draw(st.sampled_from(FORMATS))
    res = MUTATIONS[name](old, old.tunnel(tunnel))
    if res is None:
        return
    compiled, new, rules = res
    found = {(f.rule, f.tunnel) for f in findings(compiled, new, fmt, routing)}
    assert found == {(r, tunnel) for r in rules}, name
