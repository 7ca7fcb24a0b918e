"""Round trip and single mutations for both Cisco backends (a local version of the framework property).

validate(expressible(IR), compile(IR)) has no findings; changing one compared value of that IR on one
tunnel gives exactly that value's rule on that tunnel. ``expressible`` is the IR as the device holds
it: Cisco keeps IKE policies device-wide (both tunnels accept both tunnels' proposals), IKEv1 and ASA
phase-1 lifetimes and the ASA TCP MSS are global, an IPsec profile takes one PFS group.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vpncc.ir import IkeVersion, Routing

from ...strategies import connections
from .cisco_test_helpers import compiled, expressed, findings, mutations, supported

VENDORS = ("cisco-ios", "cisco-asa")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.filter_too_much])


def _device_sets(vendor: str, text: str) -> dict:
    from vpncc.backends import base

    dev = base.get(vendor).read(text, "x")
    return dev


@pytest.mark.parametrize("vendor", VENDORS)
@SETTINGS
@given(data=st.data())
def test_round_trip_has_no_findings(vendor, data):
    conn = data.draw(connections(ipv6=None if vendor == "cisco-ios" else False))
    assume(supported(conn, vendor))
    text = compiled(conn, vendor)
    # issue 17: validate(compile(ir)) has no error or warning (info such as "the device rekeys first" on
    # the ASA's device-wide IKE policies is fine)
    got = [f for f in findings(expressed(conn, vendor), vendor, text) if f.severity.value != "info"]
    assert [(f.rule, f.tunnel, f.message) for f in got] == []


@pytest.mark.parametrize("vendor", VENDORS)
@SETTINGS
@given(data=st.data())
def test_one_mutation_one_finding(vendor, data):
    conn = data.draw(connections(ipv6=None if vendor == "cisco-ios" else False))
    assume(supported(conn, vendor))
    text = compiled(conn, vendor)
    x = expressed(conn, vendor)
    dev = _device_sets(vendor, text)
    idx = data.draw(st.sampled_from([0, 1]))
    dt = next(d for d in dev.tunnels if d.get("outside.aws").value == x.tunnels[idx].outside.aws)
    values = {k: o.value for k, o in dt.values.items()}
    muts = mutations(x, values, idx)
    key, rule, mutated = data.draw(st.sampled_from(muts))
    before = findings(x, vendor, text)
    # the strategies draw the file's example and AWS's accepted sets independently: skip drawn IRs whose
    # example AWS would not accept; infos already there (the ASA's device-wide lifetimes) are not the mutation's
    assume(not [f for f in before if f.severity.value != "info"])
    seen = {(f.rule, f.tunnel) for f in before}
    assume((rule, x.tunnels[idx].number) not in seen)
    got = [(f.rule, f.tunnel) for f in findings(mutated, vendor, text) if (f.rule, f.tunnel) not in seen]
    assert got == [(rule, x.tunnels[idx].number)], key


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("routing", list(Routing))
@pytest.mark.parametrize("version", list(IkeVersion))
def test_every_mutation_of_a_sample(vendor, routing, version):
    from ...strategies import sample_connection

    conn = sample_connection(routing=routing, ike_version=version)
    text = compiled(conn, vendor)
    x = expressed(conn, vendor)
    assert findings(x, vendor, text) == []
    dev = _device_sets(vendor, text)
    for idx in (0, 1):
        dt = next(d for d in dev.tunnels if d.get("outside.aws").value == x.tunnels[idx].outside.aws)
        values = {k: o.value for k, o in dt.values.items()}
        muts = mutations(x, values, idx)
        assert len(muts) >= 10
        for key, rule, mutated in muts:
            got = [(f.rule, f.tunnel) for f in findings(mutated, vendor, text)]
            assert got == [(rule, idx + 1)], key
