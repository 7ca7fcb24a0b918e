"""vpncc.checks: one test per rule, on IRs built in code (as the XML/JSON readers produce them) and on
a parsed sample (so the error carries the line and column of the offending value)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

import pytest

from tests.strategies import sample_connection
from vpncc import checks
from vpncc.errors import InputError
from vpncc.ir import (
    Bgp,
    Connection,
    Encryption,
    InsideV6,
    Integrity,
    Outside,
    Position,
    Routing,
    Source,
)
from vpncc.readers.aws_generic import read

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bgp-vgw-ikev1-2022.txt"
IP = ipaddress.IPv4Address
IF = ipaddress.IPv4Interface


def tweak(conn: Connection, index: int = 0, **changes) -> Connection:
    """Replace fields of one tunnel; nested objects via 'ike', 'ipsec', 'bgp', ... values."""
    tunnels = list(conn.tunnels)
    tunnels[index] = replace(tunnels[index], **changes)
    return replace(conn, tunnels=tuple(tunnels))


def ike(conn, index=0, **kw):
    return tweak(conn, index, ike=replace(conn.tunnels[index].ike, **kw))


def ipsec(conn, index=0, **kw):
    return tweak(conn, index, ipsec=replace(conn.tunnels[index].ipsec, **kw))


def bad(conn: Connection, *fragments: str, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        checks.check(conn, **kw)
    for f in fragments:
        assert f in info.value.message, f"{f!r} not in {info.value.message!r}"
    return info.value


@pytest.fixture
def base() -> Connection:
    return sample_connection()


def test_valid_connections_pass():
    for routing in Routing:
        checks.check(sample_connection(routing=routing))
    checks.check(sample_connection(ipv6=True, encryption=(Encryption.AES256_GCM_16,), dh_groups=(20, 21)))


# -- tunnels ----------------------------------------------------------------------------------

def test_exactly_tunnels_1_and_2(base):
    t1, t2 = base.tunnels
    bad(replace(base, tunnels=(t1,)), "tunnel 2 is missing")
    bad(replace(base, tunnels=(t1, t2, replace(t2, number=3))), "IPSec Tunnel #3: an AWS connection has exactly two")
    bad(replace(base, tunnels=(t1, replace(t2, number=1))), "IPSec Tunnel #1 appears twice")
    bad(replace(base, tunnels=()), "no tunnels")


def test_check_tunnel_numbers_positions():
    with pytest.raises(InputError) as info:
        checks.check_tunnel_numbers([(1, Position(5)), (3, Position(40))], file="f.txt",
                                    lines=[""] * 39 + ["IPSec Tunnel #3"])
    assert (info.value.file, info.value.line, info.value.context) == ("f.txt", 40, "IPSec Tunnel #3")


# -- routing ----------------------------------------------------------------------------------

def test_bgp_neighbor_is_aws_inside_address(base):
    t = base.tunnels[0]
    bad(tweak(base, bgp=replace(t.bgp, neighbor=IP("169.254.44.42"))),
        "tunnel 1: BGP neighbor 169.254.44.42 is not the AWS inside address 169.254.44.41")


def test_static_next_hop_is_aws_inside_address():
    conn = sample_connection(routing=Routing.STATIC)
    bad(tweak(conn, 1, static_next_hop=IP("169.254.45.62")), "tunnel 2: static next hop 169.254.45.62")


def test_routing_consistency(base):
    t = base.tunnels[0]
    bad(tweak(base, bgp=None), "tunnel 1: BGP routing needs BGP settings")
    bad(tweak(base, static_next_hop=t.inside.aws.ip), "no static next hop")
    static = sample_connection(routing=Routing.STATIC)
    bad(tweak(static, bgp=t.bgp), "static routing needs a next hop and no BGP settings")


@pytest.mark.parametrize("field, value, ok", [
    ("customer_asn", 1, True), ("customer_asn", 4294967295, True), ("customer_asn", None, True),
    ("customer_asn", 0, False), ("customer_asn", 4294967296, False),
    ("aws_asn", 0, False), ("aws_asn", 4200000000, True),
    ("hold_time_s", 0, True), ("hold_time_s", 2, False), ("hold_time_s", 90, True), ("hold_time_s", 70000, False),
])
def test_bgp_ranges(base, field, value, ok):
    conn = tweak(base, bgp=replace(base.tunnels[0].bgp, **{field: value}))
    if ok:
        checks.check(conn)
    else:
        bad(conn, "is outside")


def test_bgp_asns_differ(base):
    bad(tweak(base, bgp=replace(base.tunnels[0].bgp, aws_asn=65000)),
        "tunnel 1: the customer gateway ASN equals the AWS-side ASN 65000")


# -- inside addresses -------------------------------------------------------------------------

@pytest.mark.parametrize("customer, aws, message", [
    ("10.0.0.2/30", "10.0.0.1/30", "is not in 169.254.0.0/16"),
    ("169.254.44.42/29", "169.254.44.41/29", "is not a /30"),
    ("169.254.44.41/30", "169.254.44.41/30", "are both 169.254.44.41"),
    ("169.254.44.46/30", "169.254.44.41/30", "are not in the same prefix"),
    ("169.254.44.43/30", "169.254.44.41/30", "network or broadcast address"),
    ("169.254.3.2/30", "169.254.3.1/30", "169.254.3.0/30 is reserved by AWS"),
    ("169.254.169.254/30", "169.254.169.253/30", "169.254.169.252/30 is reserved by AWS"),
])
def test_inside_v4_rules(base, customer, aws, message):
    t = base.tunnels[0]
    conn = tweak(base, inside=replace(t.inside, customer=IF(customer), aws=IF(aws)),
                 bgp=replace(t.bgp, neighbor=IF(aws).ip))
    bad(conn, "tunnel 1", message)


def test_tunnels_use_distinct_inside_networks(base):
    t1 = base.tunnels[0]
    conn = tweak(base, 1, inside=t1.inside, bgp=t1.bgp)
    bad(conn, "tunnel 2 uses the same inside network 169.254.44.40/30")


@pytest.mark.parametrize("customer, aws, message", [
    ("fd00:0:0:1::2/126", "fd00:0:0:1::1/126", None),
    ("fe80::2/126", "fe80::1/126", "not a /126 in fd00::/8"),
    ("fd00:0:0:1::2/64", "fd00:0:0:1::1/64", "not a /126 in fd00::/8"),
    ("fd00:0:0:2::2/126", "fd00:0:0:1::1/126", "not in the same prefix"),
    ("fd00:0:0:1::1/126", "fd00:0:0:1::1/126", "are both"),
])
def test_inside_v6_rules(base, customer, aws, message):
    v6 = InsideV6(customer=ipaddress.IPv6Interface(customer), aws=ipaddress.IPv6Interface(aws))
    conn = tweak(base, inside_ipv6=v6)
    if message is None:
        checks.check(conn)
    else:
        bad(conn, message)


def test_outside_addresses_differ(base):
    bad(tweak(base, outside=Outside(customer=IP("198.51.100.7"), aws=IP("198.51.100.7"))), "outside addresses")
    checks.check(tweak(base, outside=Outside(customer=None, aws=None)))


# -- crypto, lifetimes, DPD, MTU/MSS ----------------------------------------------------------

@pytest.mark.parametrize("kw, message", [
    ({"lifetime_s": 899}, "IKE lifetime 899 s is outside 900..28800 s"),
    ({"lifetime_s": 28801}, "IKE lifetime 28801 s"),
    ({"dh_groups": (1,)}, "Diffie-Hellman group 1 is not one AWS supports"),
    ({"dh_groups": ()}, "no IKE Diffie-Hellman group"),
    ({"encryption": ()}, "no IKE encryption algorithm"),
    ({"integrity": ()}, "no IKE authentication algorithm"),
    ({"auth": "rsa"}, "unknown IKE authentication"),
])
def test_ike_rules(base, kw, message):
    bad(ike(base, **kw), "tunnel 1", message)


@pytest.mark.parametrize("kw, message", [
    ({"lifetime_s": 3601}, "IPSec lifetime 3601 s is outside 900..3600 s"),
    ({"lifetime_s": 899}, "IPSec lifetime"),
    ({"pfs_groups": (25,)}, "Diffie-Hellman group 25"),
    ({"pfs_groups": ()}, "no IPSec PFS group"),
    ({"integrity": ()}, "no IPSec authentication algorithm"),
    ({"protocol": "ah"}, "AWS uses esp"),
    ({"mode": "transport"}, "tunnel mode"),
])
def test_ipsec_rules(base, kw, message):
    bad(ipsec(base, **kw), message)


def test_gcm_esp_may_omit_integrity(base):
    checks.check(ipsec(base, encryption=(Encryption.AES256_GCM_16,), integrity=()))
    bad(ipsec(base, encryption=(Encryption.AES256_GCM_16, Encryption.AES128), integrity=()), "only AES-GCM")


@pytest.mark.parametrize("change, message", [
    ({"mtu": 575}, "MTU 575 bytes is outside 576..1500"),
    ({"mtu": 1501}, "MTU 1501"),
    ({"tcp_mss": 535}, "TCP MSS adjustment 535 bytes"),
    ({"tcp_mss": 1400}, "TCP MSS 1400 does not fit the MTU 1436"),
])
def test_mtu_mss(base, change, message):
    bad(tweak(base, **change), message)


@pytest.mark.parametrize("interval, retries, ok", [(10, 3, True), (0, 3, False), (10, 0, False), (3601, 3, False)])
def test_dpd(base, interval, retries, ok):
    conn = tweak(base, dpd=replace(base.tunnels[0].dpd, interval_s=interval, retries=retries))
    if ok:
        checks.check(conn)
    else:
        bad(conn, "DPD")


# -- PSK rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize("psk, ok", [
    ("abcdefgh", True), ("_starts.with.underscore", True), ("A" * 64, True), (None, True),
    ("short12", False), ("A" * 65, False), ("0startsWithZero", False), ("has-dash-inside", False),
    ("has space inside", False),
], ids=lambda v: "" if not isinstance(v, bool) else str(v))    # no key in test names
def test_psk_rule(base, psk, ok):
    conn = ike(base, psk=psk)
    if ok:
        checks.check(conn)
    else:
        err = bad(conn, "tunnel 1: the pre-shared key does not follow AWS's rule")
        assert psk not in err.render()


# -- positions from a parsed file -------------------------------------------------------------

def test_errors_point_at_the_value_in_the_source():
    text = SAMPLE.read_text()
    conn = read(text, path="aws.txt")
    t = conn.tunnels[1]
    broken = tweak(conn, 1, ipsec=replace(t.ipsec, lifetime_s=7200))
    err = bad(broken, "tunnel 2: IPSec lifetime 7200 s", text=text)
    pos = conn.origin["tunnels[1].ipsec.lifetime_s"]
    assert (err.file, err.line, err.column) == ("aws.txt", pos.line, pos.column)
    assert "Lifetime" in err.context
    # without the text there is still a line, just no context
    err = bad(broken, "IPSec lifetime")
    assert err.line == pos.line and err.context is None


def test_psk_error_context_is_masked():
    text = SAMPLE.read_text()
    conn = read(text, path="aws.txt")
    err = bad(ike(conn, psk="0" + conn.tunnels[0].ike.psk[1:]), "pre-shared key", text=text)
    assert conn.tunnels[0].ike.psk[1:] not in err.render()
    assert err.context.rstrip().endswith("***")


def test_values_without_origin_fall_back_to_the_tunnel_heading():
    text = SAMPLE.read_text()
    conn = read(text, path="aws.txt")
    origin = {k: v for k, v in conn.origin.items() if "dpd" not in k}
    conn = replace(conn, origin=origin)
    conn = tweak(conn, dpd=replace(conn.tunnels[0].dpd, retries=0))
    err = bad(conn, "DPD retries")
    assert err.line == conn.origin["tunnels[0]"].line


def test_checks_work_on_ir_without_origin():
    conn = replace(sample_connection(), source=Source(format="aws-xml", path="x.xml"))
    err = bad(ike(conn, lifetime_s=1), "IKE lifetime")
    assert err.file == "x.xml" and err.line is None


def test_bgp_customer_asn_none_is_fine(base):
    checks.check(tweak(base, bgp=Bgp(customer_asn=None, aws_asn=64512, neighbor=IP("169.254.44.41"),
                                     hold_time_s=30)))


def test_integrity_enum_is_accepted(base):
    checks.check(ike(base, integrity=(Integrity.SHA2_512, Integrity.SHA1)))
