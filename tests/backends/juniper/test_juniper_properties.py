"""Round trip (validate ∘ compile = no findings) and single mutations (exactly one rule on one tunnel),
for both output forms, on hand-made variants and on hypothesis IRs the backend supports."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ...strategies import connections, sample_connection

from vpncc.backends import base
from vpncc.compiler import compile as compile_conn
from vpncc.compiler import resolve_profile
from vpncc.ir import DH_GROUPS, Encryption, IkeVersion, Integrity, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import compare

PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
BACKEND = base.get("juniper")


def supported(conn, fmt="set") -> bool:
    prof, _ = resolve_profile(conn, BACKEND, PROFILE)
    return not BACKEND.unsupported(conn, prof, base.RenderOptions(format=fmt))


def findings(conn_expected, text):
    return compare(conn_expected, BACKEND.read(text), PROFILE)


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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), fmt=st.sampled_from(["set", "curly"]))
def test_round_trip_hypothesis(conn, fmt):
    assume(supported(conn, fmt))
    text = compile_conn(conn, "juniper", PROFILE, format=fmt)
    assert findings(conn, text) == []


# -- mutations -------------------------------------------------------------------------------------

class _NoMutation(Exception):
    pass


def _other(values, universe, draw):
    rest = [v for v in universe if v not in values]
    if not rest:  # the old list already holds every value: no disjoint list exists
        raise _NoMutation
    return tuple(draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True)))


def mutate(conn, draw):
    """One compared value of one tunnel changed -> (new IR, expected rule)."""
    try:
        return _mutate(conn, draw)
    except _NoMutation:
        t = conn.tunnels[0]
        new = replace(t, ike=replace(t.ike, psk=t.ike.psk + "x"))
        return replace(conn, tunnels=(new,) + conn.tunnels[1:]), "VPN203", t.number, "psk"


def _mutate(conn, draw):
    i = draw(st.integers(0, len(conn.tunnels) - 1))
    t = conn.tunnels[i]
    kinds = ["peer", "local", "psk", "ike_enc", "ike_int", "ike_dh", "ike_life", "esp_enc", "esp_life",
             "pfs", "dpd_i", "dpd_r", "inside", "mtu", "mss", "version"]
    if not all(e.is_gcm for e in t.ipsec.encryption):
        kinds.append("esp_int")
    if t.inside_ipv6 is not None:
        kinds.append("inside6")
    if conn.routing is Routing.BGP:
        kinds += ["aws_asn", "cust_asn", "hold"]
    kind = draw(st.sampled_from(kinds))
    ike, ipsec = t.ike, t.ipsec
    if kind == "peer":
        new, rule = replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address("198.18.0.77"))), "VPN110"
    elif kind == "local":
        new, rule = replace(t, outside=replace(t.outside, customer=ipaddress.IPv4Address("198.18.0.99"))), "VPN111"
    elif kind == "psk":
        new, rule = replace(t, ike=replace(ike, psk=ike.psk + "x")), "VPN203"
    elif kind == "ike_enc":
        new, rule = replace(t, ike=replace(ike, encryption=_other(ike.encryption, list(Encryption), draw))), "VPN201"
    elif kind == "ike_int":
        new, rule = replace(t, ike=replace(ike, integrity=_other(ike.integrity, list(Integrity), draw))), "VPN201"
    elif kind == "ike_dh":
        new, rule = replace(t, ike=replace(ike, dh_groups=_other(ike.dh_groups, DH_GROUPS, draw))), "VPN201"
    elif kind == "ike_life":
        new, rule = replace(t, ike=replace(ike, lifetime_s=ike.lifetime_s % 28000 + 300)), "VPN202"
    elif kind == "esp_enc":
        new, rule = replace(t, ipsec=replace(ipsec, encryption=_other(ipsec.encryption, list(Encryption), draw))), \
            "VPN210"
    elif kind == "esp_int":
        new, rule = replace(t, ipsec=replace(ipsec, integrity=_other(ipsec.integrity, list(Integrity), draw))), \
            "VPN210"
    elif kind == "esp_life":
        new, rule = replace(t, ipsec=replace(ipsec, lifetime_s=ipsec.lifetime_s % 3000 + 300)), "VPN212"
    elif kind == "pfs":
        new, rule = replace(t, ipsec=replace(ipsec, pfs_groups=_other(ipsec.pfs_groups, DH_GROUPS, draw))), "VPN211"
    elif kind == "dpd_i":
        new, rule = replace(t, dpd=replace(t.dpd, interval_s=t.dpd.interval_s % 30 + 31)), "VPN205"
    elif kind == "dpd_r":
        new, rule = replace(t, dpd=replace(t.dpd, retries=t.dpd.retries % 5 + 1)), "VPN205"
    elif kind == "inside":
        ip = t.inside.customer
        new, rule = replace(t, inside=replace(t.inside, customer=ipaddress.IPv4Interface(
            (ip.ip + 1 if ip.ip.packed[-1] % 4 == 1 else ip.ip - 1, 30)))), "VPN220"
    elif kind == "inside6":
        v6 = t.inside_ipv6
        new, rule = replace(t, inside_ipv6=replace(v6, customer=ipaddress.IPv6Interface((v6.customer.ip + 1, 126)))), \
            "VPN220"
    elif kind == "mtu":
        new, rule = replace(t, mtu=t.mtu - 1), "VPN221"
    elif kind == "mss":
        new, rule = replace(t, tcp_mss=t.tcp_mss - 1), "VPN222"
    elif kind == "version":
        v = IkeVersion.IKEV2 if ike.version is IkeVersion.IKEV1 else IkeVersion.IKEV1
        new, rule = replace(t, ike=replace(ike, version=v)), "VPN200"
    elif kind == "aws_asn":
        new, rule = replace(t, bgp=replace(t.bgp, aws_asn=t.bgp.aws_asn + 1)), "VPN302"
    elif kind == "cust_asn":
        new, rule = replace(t, bgp=replace(t.bgp, customer_asn=t.bgp.customer_asn + 1)), "VPN303"
    elif kind == "hold":
        new, rule = replace(t, bgp=replace(t.bgp, hold_time_s=t.bgp.hold_time_s + 7)), "VPN304"
    else:  # pragma: no cover
        raise AssertionError(kind)
    tunnels = list(conn.tunnels)
    tunnels[i] = new
    return replace(conn, tunnels=tuple(tunnels)), rule, t.number, kind


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(conn=connections(ipv6=None), fmt=st.sampled_from(["set", "curly"]), data=st.data())
def test_single_mutation_gives_exactly_its_rule(conn, fmt, data):
    assume(supported(conn, fmt))
    text = compile_conn(conn, "juniper", PROFILE, format=fmt)
    new, rule, number, kind = mutate(conn, data.draw)
    got = {(f.rule, f.tunnel) for f in findings(new, text)}
    assert got == {(rule, number)}, kind


def test_bgp_hold_time_default_is_filled():
    conn = sample_connection()
    text = compile_conn(conn, "juniper", PROFILE)
    text = "\n".join(l for l in text.splitlines() if "hold-time" not in l)
    got = findings(conn, text)
    assert {(f.rule, f.tunnel, f.actual) for f in got} == {("VPN304", 1, 90), ("VPN304", 2, 90)}


def test_customer_asn_from_routing_options_when_no_local_as():
    conn = sample_connection()
    text = compile_conn(conn, "juniper", PROFILE)
    text = "\n".join(l for l in text.splitlines() if " local-as " not in l)
    assert findings(conn, text) == []
    other = replace(conn, tunnels=tuple(replace(t, bgp=replace(t.bgp, customer_asn=65001)) for t in conn.tunnels))
    assert {f.rule for f in findings(other, text)} == {"VPN303"}

