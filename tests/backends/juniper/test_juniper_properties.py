"""Round trip (validate ∘ compile = no findings) and single mutations (exactly one rule on one tunnel),
for both output forms, on hand-made variants and on hypothesis IRs the backend supports."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vpncc.backends import base
from vpncc.compiler import compile as compile_conn
from vpncc.compiler import resolve_profile
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import compare

from ...properties.test_backend_properties import MUTATIONS
from ...strategies import connections, sample_connection

# --crypto file: the mutations change what AWS accepts against the IR's own suite, which the config offers
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
BACKEND = base.get("juniper")


def supported(conn, fmt="set") -> bool:
    prof, _ = resolve_profile(conn, BACKEND, PROFILE)
    return not BACKEND.unsupported(conn, prof, base.RenderOptions(format=fmt))


def findings(conn_expected, text):
    """Errors and warnings of the compliance category (the security category — weak DH 2/SHA1 in the
    suites these IRs carry — and info are not what the round trip is about)."""
    return [f for f in compare(conn_expected, BACKEND.read(text), PROFILE)
            if f.category != "security" and f.severity.value != "info"]


VARIANTS = {
    "bgp-ikev1": sample_connection(),
    "bgp-ikev2-gcm": sample_connection(ike_version=IkeVersion.IKEV2,
                                       encryption=(Encryption.AES256_GCM_16, Encryption.AES128),
                                       integrity=(Integrity.SHA2_384, Integrity.SHA2_256), dh_groups=(20, 14)),
    "static-ikev1": sample_connection(routing=Routing.STATIC),
    "static-ikev2-ipv6": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2, ipv6=True,
                                           encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,),
                                           dh_groups=(14,), esp_integrity=(Integrity.SHA2_512,)),
}


@pytest.mark.parametrize("fmt", ["set", "curly"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_round_trip_variants(name, fmt):
    conn = VARIANTS[name]
    assert findings(conn, compile_conn(conn, "juniper", PROFILE, format=fmt)) == []


def consistent(conn) -> bool:
    """The file's suite lies inside what AWS accepts on each tunnel (true of every real AWS input; the
    strategies draw both independently)."""
    for t in conn.tunnels:
        a = t.accepted
        for vals, ok in ((t.ike.encryption, a.ike_encryption), (t.ike.integrity, a.ike_integrity),
                         (t.ike.dh_groups, a.ike_dh_groups), (t.ipsec.encryption, a.esp_encryption),
                         (t.ipsec.integrity, a.esp_integrity), (t.ipsec.pfs_groups, a.pfs_groups)):
            if any(v not in ok for v in vals):
                return False
        if t.ike.version not in a.ike_versions:
            return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), fmt=st.sampled_from(["set", "curly"]),
       mode=st.sampled_from(["file", "recommended", "compatible"]))
def test_round_trip_hypothesis(conn, fmt, mode):
    assume(supported(conn, fmt) and (mode != "file" or consistent(conn)))
    text = compile_conn(conn, "juniper", replace(PROFILE, crypto=mode), format=fmt)
    assert findings(conn, text) == []


# -- mutations (the shared framework: what AWS accepts or expects changes, or the compiled value) ---------

def mutate(conn, draw):
    """(IR to compile, IR to validate against, expected rules, tunnel, name) of one drawn mutation, or None."""
    name = draw(st.sampled_from(sorted(MUTATIONS)))
    number = draw(st.sampled_from([t.number for t in conn.tunnels]))
    res = MUTATIONS[name](conn, conn.tunnel(number))
    if res is None:
        return None
    compiled, expected, rules = res
    if name == "esp-integrity" and any(e.is_gcm for e in conn.tunnel(number).ipsec.encryption):
        return None  # the AES-GCM proposal needs no integrity: it still fits (the shared table assumes CBC)
    return compiled, expected, rules, number, name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), fmt=st.sampled_from(["set", "curly"]), data=st.data())
def test_single_mutation_gives_exactly_its_rule(conn, fmt, data):
    assume(supported(conn, fmt) and consistent(conn))
    got = mutate(conn, data.draw)
    assume(got is not None)
    compiled, expected, rules, number, name = got
    assume(supported(compiled, fmt))
    text = compile_conn(compiled, "juniper", PROFILE, format=fmt)
    found = {(f.rule, f.tunnel) for f in compare(expected, BACKEND.read(text), PROFILE)
             if f.category != "security" and (f.severity.value != "info" or f.rule in rules)}
    assert found == {(r, number) for r in rules}, name


def test_bgp_hold_time_default_is_filled():
    conn = sample_connection()
    text = compile_conn(conn, "juniper", PROFILE)
    text = "\n".join(l for l in text.splitlines() if "hold-time" not in l)
    # the Junos default 90 is read; BGP then runs with the smaller hold time (AWS's 30): no finding
    holds = {nb["hold_time_s"].value for nb in BACKEND.read(text).bgp_neighbors}
    assert holds == {90}
    assert findings(conn, text) == []


def test_customer_asn_from_routing_options_when_no_local_as():
    conn = sample_connection()
    text = compile_conn(conn, "juniper", PROFILE)
    text = "\n".join(l for l in text.splitlines() if " local-as " not in l)
    assert findings(conn, text) == []
    other = replace(conn, tunnels=tuple(replace(t, bgp=replace(t.bgp, customer_asn=65001)) for t in conn.tunnels))
    assert {f.rule for f in findings(other, text)} == {"VPN303"}

