import ipaddress
from dataclasses import replace

from vpncc.ir import Encryption, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import compare
from vpncc.validate.findings import Severity
from vpncc.validate.model import Obs

from tests.strategies import sample_connection
from .device_fixtures import mirror

NET = ipaddress.IPv4Network("10.0.0.0/16")


def rules(findings):
    return sorted((f.rule, f.tunnel) for f in findings)


def test_identical_device_has_no_findings():
    conn = sample_connection()
    assert compare(conn, mirror(conn)) == []


def test_static_identical_with_routes():
    conn = sample_connection(routing=Routing.STATIC)
    assert compare(conn, mirror(conn, [NET]), Profile(remote_networks=[NET])) == []


def test_static_route_missing():
    conn = sample_connection(routing=Routing.STATIC)
    dev = mirror(conn, [])
    f = compare(conn, dev, Profile(remote_networks=[NET]))
    assert rules(f) == [("VPN401", 1), ("VPN401", 2)]


def test_missing_tunnel_and_single_tunnel():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels.pop(1)
    dev.bgp_neighbors.pop(1)
    assert rules(compare(conn, dev)) == [("VPN101", 2), ("VPN102", None)]  # no BGP finding for a missing tunnel


def test_proposals_compare_as_sets():
    conn = sample_connection(encryption=(Encryption.AES256, Encryption.AES128))
    dev = mirror(conn)
    dev.tunnels[0].set("ike.encryption", (Encryption.AES128,), 5)   # overlap: fine
    dev.tunnels[1].set("ike.encryption", (Encryption.AES128_GCM_16,), 6)  # no overlap
    f = compare(conn, dev)
    assert rules(f) == [("VPN201", 2)]
    assert f[0].path == "tunnels[1].ike.encryption"
    assert f[0].expected == [Encryption.AES256, Encryption.AES128] and f[0].line == 6


def test_psk_never_printed_and_unverifiable_is_info():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("ike.psk", "WrongKeyButSecret123", 3)
    dev.tunnels[1].set("ike.psk", "0x1234", 4, verifiable=False)
    f = compare(conn, dev)
    assert rules(f) == [("VPN203", 1), ("VPN204", 2)]
    assert f[1].severity is Severity.INFO
    for x in f:
        blob = repr(x) + str(x.to_dict())
        assert "WrongKeyButSecret123" not in blob and conn.tunnels[0].ike.psk not in blob
        assert x.expected is None and x.actual is None


def test_match_by_inside_when_peer_differs():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("outside.aws", ipaddress.IPv4Address("198.18.0.9"), 2)
    f = compare(conn, dev)
    assert rules(f) == [("VPN110", 1)]
    assert f[0].actual == ipaddress.IPv4Address("198.18.0.9")


def test_disabled_tunnel_and_bgp_fields():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[1].set("enabled", False, 40)
    dev.bgp_neighbors[0]["hold_time_s"] = Obs(180, 77)
    dev.bgp_neighbors[1]["aws_asn"] = Obs(7224, 78)
    f = compare(conn, dev)
    assert rules(f) == [("VPN103", 2), ("VPN302", 2), ("VPN304", 1)]
    hold = [x for x in f if x.rule == "VPN304"][0]
    assert (hold.expected, hold.actual, hold.line, hold.severity) == (30, 180, 77, Severity.WARNING)


def test_not_configured_values_are_findings():
    conn = sample_connection()
    dev = mirror(conn)
    del dev.tunnels[0].values["dpd.interval_s"]
    del dev.tunnels[0].values["tcp_mss"]
    assert rules(compare(conn, dev)) == [("VPN205", 1), ("VPN222", 1)]


def test_gcm_esp_needs_no_integrity():
    conn = sample_connection(esp_encryption=(Encryption.AES256_GCM_16,))
    dev = mirror(conn)
    for d in dev.tunnels:
        d.set("ipsec.integrity", (), 1)
    assert compare(conn, dev) == []


def test_notes_become_info_findings():
    from vpncc.validate.model import DeviceNote

    conn = sample_connection()
    dev = mirror(conn)
    dev.notes.append(DeviceNote(12, "unknown command under crypto map"))
    f = compare(conn, dev)
    assert [(x.rule, x.severity, x.line) for x in f] == [("VPN901", Severity.INFO, 12)]


def test_inside_mutation_changes_two_rules():
    conn = sample_connection()
    dev = mirror(conn)
    net = ipaddress.IPv4Network("169.254.99.0/30")
    t = conn.tunnels[0]
    new = replace(conn, tunnels=(replace(t, inside=replace(t.inside, customer=ipaddress.IPv4Interface("169.254.99.2/30"),
                                                           aws=ipaddress.IPv4Interface("169.254.99.1/30")),
                                        bgp=replace(t.bgp, neighbor=net.network_address + 1)), conn.tunnels[1]))
    assert rules(compare(new, dev)) == [("VPN220", 1), ("VPN301", 1)]


def test_any_ike_version_aws_accepts_is_compliant():
    """The API lists the IKE versions a tunnel accepts (default: both); the IR compiles one of them."""
    from vpncc.ir import IkeVersion, NegotiationMode

    conn = sample_connection()  # ikev1
    both = replace(conn, tunnels=tuple(
        replace(t, ike=replace(t.ike, allowed_versions=(IkeVersion.IKEV1, IkeVersion.IKEV2))) for t in conn.tunnels))
    dev = mirror(conn)
    dev.tunnels[0].set("ike.version", IkeVersion.IKEV2, 7)
    assert rules(compare(both, dev)) == []
    assert rules(compare(conn, dev)) == [("VPN200", 1)]  # one version known: it must match
    only_v2 = replace(conn, tunnels=tuple(
        replace(t, ike=replace(t.ike, version=IkeVersion.IKEV2, mode=None, allowed_versions=(IkeVersion.IKEV2,)))
        for t in conn.tunnels))
    f = compare(only_v2, mirror(conn))  # the device speaks IKEv1, AWS accepts IKEv2 only
    assert rules(f) == [("VPN200", 1), ("VPN200", 2)]
    # IKEv1 settings are still checked when the device speaks IKEv1 and AWS accepts it
    dev = mirror(conn)
    dev.tunnels[1].set("ike.mode", NegotiationMode.AGGRESSIVE, 9)
    both_v2 = replace(both, tunnels=tuple(replace(t, ike=replace(t.ike, version=IkeVersion.IKEV2, mode=None))
                                          for t in both.tunnels))
    from vpncc.validate.rules import BY_KEY

    assert rules(compare(both_v2, dev)) == [(BY_KEY["ike.mode"].id, 2)]
