"""Framework properties every registered backend must satisfy.

1. Round trip: validate(compile(ir)) has no compliance finding at all (security findings, VPN5xx, are
   judged on their own), for every sample, every --crypto mode and generated IRs.
2. Mutation: compile a config from one IR, validate it against an IR that differs in one way — AWS
   accepts less on one tunnel (its TunnelOptions exclude what the device offers), or an address, key,
   ASN differs, or the device was compiled with a value above AWS's bound: the findings are exactly
   the rule for that difference, on that tunnel.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpncc
from tests.conftest import sample_paths
from vpncc.backends import base
from vpncc.compiler import resolve_profile
from vpncc.errors import UnsupportedFeature
from vpncc.ir import (
    AWS_ENCRYPTION,
    AWS_INTEGRITY,
    DH_GROUPS,
    Connection,
    Encryption,
    IkeVersion,
    Inside,
    Integrity,
    Routing,
    Tunnel,
)
from vpncc.profile import Profile

from ..strategies import connections, sample_connection

ROOT = Path(__file__).resolve().parents[2]
# --crypto file: the compiled config offers the IR's own suite, so a mutation of what AWS accepts is
# measured against exactly what the config offers (the round trip covers every mode)
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="file")
BACKENDS = base.names()


def _backend_or_skip(name: str) -> base.Backend:
    try:
        return base.get(name)
    except ImportError as e:  # pragma: no cover - a backend that is not written yet
        pytest.fail(f"backend {name} does not import: {e}")


def _supported(backend: base.Backend, conn: Connection) -> bool:
    prof, _ = resolve_profile(conn, backend, PROFILE)
    return not backend.unsupported(conn, prof, base.RenderOptions())


def _expressible(backend: base.Backend, conn: Connection) -> Connection:
    """What the compiled config can hold (device-wide settings merged), see Backend.expressible."""
    prof, _ = resolve_profile(conn, backend, PROFILE)
    return backend.expressible(conn, prof, base.RenderOptions())


def _reads_back_local_address(vendor: str, conn: Connection, tunnel: int) -> bool:
    from vpncc.validate.compare import match_tunnels

    backend = base.get(vendor)
    from vpncc.compiler import compile_files

    files = compile_files(conn, vendor, PROFILE)
    device = backend.read("".join(files.values()) if backend.validates_bundle else next(iter(files.values())),
                          "device.cfg")
    d = match_tunnels(conn, device).get(tunnel)
    return d is not None and d.get("outside.customer") is not None


def _findings(conn_compiled: Connection, conn_expected: Connection, vendor: str, profile: Profile = PROFILE):
    """Compliance findings (any severity) of the config compiled from ``conn_compiled``."""
    from vpncc.compiler import compile_files

    files = compile_files(conn_compiled, vendor, profile)
    # a strongSwan gateway's interfaces, MTU/MSS and BGP live in the bundle's companion files
    text = "".join(files.values()) if base.get(vendor).validates_bundle else next(iter(files.values()))
    report = vpncc.validate(conn_expected, vendor, text, profile=profile, path="device.cfg")
    return [f for f in report.findings if f.category == "compliance"]


CRYPTO_MODES = ("recommended", "compatible", "file")

def _serious(findings):
    """Errors and warnings: what validate(compile(ir)) must never give (info such as who rekeys first
    may appear where a platform keeps a setting device-wide)."""
    return [(f.rule, f.tunnel, f.message) for f in findings if f.severity.value != "info"]


# -- 1. round trip --------------------------------------------------------------------------

HAND_MADE = {
    "bgp-v1-classic": sample_connection(),
    "static-v1-classic": sample_connection(routing=Routing.STATIC),
    "bgp-v2-aes256-sha256-g14": sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256,),
                                                  integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
    "bgp-v2-gcm-g20": sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16,),
                                        integrity=(Integrity.SHA2_256,), dh_groups=(20,)),
    "static-v2-multi": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                         encryption=(Encryption.AES256, Encryption.AES128),
                                         integrity=(Integrity.SHA2_256, Integrity.SHA1), dh_groups=(14, 2)),
}


@pytest.mark.parametrize("vendor", BACKENDS)
@pytest.mark.parametrize("case", sorted(HAND_MADE))
def test_round_trip_hand_made(vendor: str, case: str) -> None:
    backend = _backend_or_skip(vendor)
    conn = HAND_MADE[case]
    if not _supported(backend, conn):
        with pytest.raises(UnsupportedFeature):
            vpncc.compile(conn, vendor, PROFILE)
        return
    assert _serious(_findings(conn, _expressible(backend, conn), vendor)) == []


@pytest.mark.parametrize("vendor", BACKENDS)
@pytest.mark.parametrize("sample", [p.name for p in sample_paths()])
@pytest.mark.parametrize("crypto", CRYPTO_MODES)
def test_round_trip_samples(vendor: str, sample: str, crypto: str) -> None:
    backend = _backend_or_skip(vendor)
    conn = vpncc.parse(ROOT / "samples" / sample)
    profile = replace(PROFILE, crypto=crypto)
    if not _supported(backend, conn):
        with pytest.raises(UnsupportedFeature):
            vpncc.compile(conn, vendor, profile)
        return
    assert _serious(_findings(conn, conn, vendor, profile)) == []


@pytest.mark.parametrize("vendor", BACKENDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_generated(vendor: str, data: st.DataObject) -> None:
    backend = _backend_or_skip(vendor)
    conn = data.draw(connections(ipv6=None if backend.capabilities.ipv6_inside else False))
    if not _supported(backend, conn):
        with pytest.raises(UnsupportedFeature):
            vpncc.compile(conn, vendor, PROFILE)
        return
    assert _serious(_findings(conn, _expressible(backend, conn), vendor)) == []


# -- 2. mutations ---------------------------------------------------------------------------

def _tun(conn: Connection, n: int, **changes) -> Connection:
    tunnels = tuple(replace(t, **changes) if t.number == n else t for t in conn.tunnels)
    return replace(conn, tunnels=tunnels)


#: a mutation: (old IR, tunnel) -> (IR to compile, IR to validate against, expected rules) or None
Mutation = Callable[[Connection, Tunnel], "tuple[Connection, Connection, set[str]] | None"]


def _accept(slot: str, shown: str, universe, rule: str) -> Mutation:
    """AWS accepts, on one tunnel, only values the compiled config does not offer."""
    def m(conn, t):
        phase, name = shown.split(".")
        offered = getattr(getattr(t, phase), name)
        if slot in ("esp_integrity",) and any(e.is_gcm for e in t.ipsec.encryption):
            return None  # an AES-GCM proposal carries its own integrity: it still fits
        rest = tuple(v for v in universe if v not in offered)
        if not rest:
            return None
        return conn, _tun(conn, t.number, accepted=replace(t.accepted, **{slot: rest})), {rule}
    return m


def _mut_version(conn, t):
    other = IkeVersion.IKEV2 if t.ike.version is IkeVersion.IKEV1 else IkeVersion.IKEV1
    return conn, _tun(conn, t.number, accepted=replace(t.accepted, ike_versions=(other,))), {"VPN200"}


def _mut_peer(conn, t):
    return conn, _tun(conn, t.number, outside=replace(t.outside, aws=ipaddress.IPv4Address("198.18.0.1"))), {"VPN110"}


def _mut_local(conn, t):
    return conn, _tun(conn, t.number, outside=replace(t.outside, customer=ipaddress.IPv4Address("198.18.0.2"))), \
        {"VPN111"}


def _mut_psk(conn, t):
    return conn, _tun(conn, t.number, ike=replace(t.ike, psk="Mutated.Key_" + "z" * 20)), {"VPN203"}


def _mut_inside(conn, t):
    net = ipaddress.IPv4Network("169.254.250.0/30") if t.number == 1 else ipaddress.IPv4Network("169.254.251.4/30")
    aws = ipaddress.IPv4Interface((net.network_address + 1, 30))
    cgw = ipaddress.IPv4Interface((net.network_address + 2, 30))
    changes: dict = {"inside": Inside(customer=cgw, aws=aws)}
    expected = {"VPN220"}
    if t.bgp is not None:
        changes["bgp"] = replace(t.bgp, neighbor=aws.ip)
        expected.add("VPN301")
    else:
        changes["static_next_hop"] = aws.ip
    return conn, _tun(conn, t.number, **changes), expected


def _mut_lifetime(phase: str, rule: str) -> Mutation:
    """AWS's configured lifetime differs, both inside AWS's range: info on who rekeys first."""
    def m(conn, t):
        mine = getattr(t, phase).lifetime_s
        key = "ike_lifetime_s" if phase == "ike" else "esp_lifetime_s"
        other = 900 if mine != 900 else 1800
        return conn, _tun(conn, t.number, accepted=replace(t.accepted, **{key: other})), {rule}
    return m


def _mut_compiled(field: str, value: int, rule: str) -> Mutation:
    """The device was compiled with a value above what the suite carries (1500-byte MTU, MSS 1460)."""
    def m(conn, t):
        return _tun(conn, t.number, **{field: value}), conn, {rule}
    return m


def _mut_bgp(field: str, rule: str) -> Mutation:
    def m(conn, t):
        if t.bgp is None:
            return None
        value = getattr(t.bgp, field)
        new = {"aws_asn": 65123 if value != 65123 else 65124, "customer_asn": 65321 if value != 65321 else 65322}[field]
        return conn, _tun(conn, t.number, bgp=replace(t.bgp, **{field: new})), {rule}
    return m


MUTATIONS: dict[str, Mutation] = {
    "peer": _mut_peer, "local-address": _mut_local, "psk": _mut_psk, "ike-version": _mut_version,
    "ike-encryption": _accept("ike_encryption", "ike.encryption", AWS_ENCRYPTION, "VPN201"),
    "ike-integrity": _accept("ike_integrity", "ike.integrity", AWS_INTEGRITY, "VPN201"),
    "ike-dh": _accept("ike_dh_groups", "ike.dh_groups", DH_GROUPS, "VPN201"),
    "ike-lifetime": _mut_lifetime("ike", "VPN202"),
    "esp-encryption": _accept("esp_encryption", "ipsec.encryption", AWS_ENCRYPTION, "VPN210"),
    "esp-integrity": _accept("esp_integrity", "ipsec.integrity", AWS_INTEGRITY, "VPN210"),
    "pfs": _accept("pfs_groups", "ipsec.pfs_groups", DH_GROUPS, "VPN211"),
    "esp-lifetime": _mut_lifetime("ipsec", "VPN212"),
    "inside": _mut_inside,
    "mtu": _mut_compiled("mtu", 1500, "VPN221"), "mss": _mut_compiled("tcp_mss", 1460, "VPN222"),
    "bgp-aws-asn": _mut_bgp("aws_asn", "VPN302"), "bgp-customer-asn": _mut_bgp("customer_asn", "VPN303"),
}


def _mutate(vendor: str, old: Connection, name: str, tunnel: int):
    """Mutate what the old config expresses; None when the mutation cannot apply."""
    exp = _expressible(base.get(vendor), old)
    if name == "local-address" and not _reads_back_local_address(vendor, old, tunnel):
        return None  # the platform derives its identity from the interface: nothing to compare
    res = MUTATIONS[name](exp, exp.tunnel(tunnel))
    if res is not None and name in ("mtu", "mss"):
        field = "mtu" if name == "mtu" else "tcp_mss"
        held = _expressible(base.get(vendor), res[0]).tunnel(tunnel)
        if getattr(held, field) != getattr(res[0].tunnel(tunnel), field):
            return None  # the platform keeps it device-wide (ASA sysopt tcpmss): the config holds another value
    return res


def _found(findings, rules) -> set:
    """Errors and warnings, and the info findings a mutation expects (a lifetime AWS runs differently
    inside its range is info): a platform that keeps a setting device-wide may add other info."""
    return {(f.rule, f.tunnel) for f in findings if f.severity.value != "info" or f.rule in rules}


MUTATION_BASES = {
    "bgp-v1": sample_connection(),
    "static-v2": sample_connection(routing=Routing.STATIC, ike_version=IkeVersion.IKEV2,
                                   encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,), dh_groups=(14,)),
}


@pytest.mark.parametrize("vendor", BACKENDS)
@pytest.mark.parametrize("base_name", sorted(MUTATION_BASES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_single_mutation_is_found(vendor: str, base_name: str, mutation: str, tunnel: int) -> None:
    backend = _backend_or_skip(vendor)
    old = MUTATION_BASES[base_name]
    assert _supported(backend, old)
    res = _mutate(vendor, old, mutation, tunnel)
    if res is None:
        return  # mutation does not apply to this base (e.g. BGP ASN on a static connection)
    compiled, expected, rules = res
    found = _found(_findings(compiled, expected, vendor), rules)
    assert found == {(r, tunnel) for r in rules}


@pytest.mark.parametrize("vendor", BACKENDS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_generated_mutation_is_found(vendor: str, data: st.DataObject) -> None:
    backend = _backend_or_skip(vendor)
    old = data.draw(connections(multi=False))
    if not _supported(backend, old):
        return
    name = data.draw(st.sampled_from(sorted(MUTATIONS)))
    tunnel = data.draw(st.sampled_from([1, 2]))
    res = _mutate(vendor, old, name, tunnel)
    if res is None:
        return
    compiled, expected, rules = res
    found = _found(_findings(compiled, expected, vendor), rules)
    assert found == {(r, tunnel) for r in rules}, name
