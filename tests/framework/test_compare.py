"""The comparison decides as IKE, IPsec and BGP negotiate (vpncc.validate.negotiation): each case below is
what the device and AWS's endpoint would do, written from the protocols and AWS's documentation."""

import ipaddress
from dataclasses import replace

from tests.strategies import sample_connection
from vpncc.ir import AcceptedSource, Encryption, IkeVersion, Integrity, NegotiationMode, Routing
from vpncc.profile import Profile
from vpncc.validate.compare import compare
from vpncc.validate.findings import Severity
from vpncc.validate.model import DeviceNote, Obs
from vpncc.validate.negotiation import DpdBehaviour, Proposal
from vpncc.validate.report import ConfigResult, Report

from .device_fixtures import mirror

NET = ipaddress.IPv4Network("10.0.0.0/16")
A128, A256, G256 = Encryption.AES128, Encryption.AES256, Encryption.AES256_GCM_16
S1, S256 = Integrity.SHA1, Integrity.SHA2_256


def rules(findings, category="compliance", min_severity=Severity.WARNING):
    return sorted((f.rule, f.tunnel) for f in findings
                  if f.category == category and f.severity.rank >= min_severity.rank)


def restricted(conn, **kw):
    """The connection with its tunnels' accepted sets restricted as TunnelOptions would."""
    def acc(t):
        a = t.accepted
        return replace(a, source=AcceptedSource.TUNNEL_OPTIONS, **kw)
    return replace(conn, tunnels=tuple(replace(t, accepted=acc(t)) for t in conn.tunnels))


def first(findings, rule):
    return next(f for f in findings if f.rule == rule)


def both(dev, key, value, line=50, **kw):
    for d in dev.tunnels:
        d.set(key, value, line, **kw)


def test_identical_device_is_compliant_and_weak_suite_is_a_security_finding():
    conn = sample_connection()  # AWS's example suite: AES128 / SHA1 / DH 2, IKEv1
    f = compare(conn, mirror(conn))
    assert rules(f) == []
    assert rules(f, "security") == [("VPN501", 1), ("VPN501", 1), ("VPN501", 2), ("VPN501", 2)]
    assert ("VPN502", 1) in rules(f, "security", Severity.INFO)  # IKEv1 while IKEv2 is accepted


def test_a_suite_other_than_the_files_example_negotiates_with_default_options():
    """AWS's file shows the minimum; a default-options tunnel accepts AES256 / SHA2-256 / DH 14."""
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "ike.proposals", (Proposal((A256,), (S256,), (14,), "policy 10", 20),))
    both(dev, "ipsec.proposals", (Proposal((A256,), (S256,), (14,), "ts-aws", 30),))
    assert rules(compare(conn, dev)) == []
    assert rules(compare(conn, dev), "security") == []
    # the same device against TunnelOptions that exclude that suite is an error on every tunnel
    tight = restricted(conn, ike_encryption=(A128,), ike_integrity=(S1,), ike_dh_groups=(2,))
    f = compare(tight, dev)
    assert rules(f) == [("VPN201", 1), ("VPN201", 2)]
    assert "policy 10" in first(f, "VPN201").message and "not accepted" in first(f, "VPN201").message


def test_union_of_policies_is_not_a_proposal():
    """IOS: policy 10 aes/sha/group 5 + policy 200 3des/md5/group 2: no single policy is acceptable."""
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "ike.proposals", (Proposal((A128,), (S1,), (5,), "policy 10", 11),
                                Proposal((Encryption.TDES,), (Integrity.MD5,), (2,), "policy 200", 15)))
    f = compare(conn, dev)
    assert rules(f) == [("VPN201", 1), ("VPN201", 2)]
    msg = first(f, "VPN201").message
    assert "policy 10" in msg and "DH group 5" in msg and "policy 200" in msg and "3DES" in msg
    assert first(f, "VPN201").line == 11


def test_one_acceptable_proposal_among_others_is_enough():
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "ike.proposals", (Proposal((Encryption.TDES,), (Integrity.MD5,), (1,), "p1"),
                                Proposal((A256, A128), (S256, S1), (20, 14), "p2")))
    assert rules(compare(conn, dev)) == []


def test_gcm_phase1_needs_ikev2():
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "ike.proposals", (Proposal((G256,), (S256,), (20,), "gcm"),))
    assert rules(compare(conn, dev)) == [("VPN201", 1), ("VPN201", 2)]
    both(dev, "ike.version", IkeVersion.IKEV2)
    assert rules(compare(conn, dev)) == []


def test_phase2_pfs_and_cipher():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("ipsec.proposals", (Proposal((A128,), (S1,), (), "ts"),), 40)  # PFS off
    dev.tunnels[1].set("ipsec.proposals", (Proposal((Encryption.TDES,), (S1,), (2,), "ts"),), 41)
    f = compare(conn, dev)
    assert rules(f) == [("VPN210", 2), ("VPN211", 1)]
    dev.tunnels[1].set("ipsec.proposals", (Proposal((A128,), (S1,), (1,), "ts"),), 41)  # DH 1: not accepted
    assert rules(compare(conn, dev)) == [("VPN211", 1), ("VPN211", 2)]


def test_gcm_esp_needs_no_integrity():
    conn = sample_connection(esp_encryption=(Encryption.AES256_GCM_16,))
    dev = mirror(conn)
    both(dev, "ipsec.proposals", (Proposal((G256,), (), (14,), "gcm"),))
    assert rules(compare(conn, dev)) == []


def test_flat_lists_from_older_readers_count_as_one_proposal():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[1].set("ike.encryption", (Encryption.DES,), 6)
    f = compare(conn, dev)
    assert rules(f) == [("VPN201", 2)] and first(f, "VPN201").line == 6


def test_ike_version_only_outside_the_accepted_versions():
    conn = sample_connection()  # generic file: aws-defaults accept ikev1 and ikev2
    dev = mirror(conn)
    dev.tunnels[0].set("ike.version", IkeVersion.IKEV2, 7)
    assert rules(compare(conn, dev)) == []
    only_v1 = restricted(conn, ike_versions=(IkeVersion.IKEV1,))
    f = compare(only_v1, dev)
    assert rules(f) == [("VPN200", 1)] and first(f, "VPN200").line == 7
    only_v2 = restricted(conn, ike_versions=(IkeVersion.IKEV2,))
    assert rules(compare(only_v2, mirror(conn))) == [("VPN200", 1), ("VPN200", 2)]


def test_aggressive_mode():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[1].set("ike.mode", NegotiationMode.AGGRESSIVE, 9)
    f = compare(conn, dev)
    assert rules(f) == [("VPN206", 2)]
    assert ("VPN503", 2) in rules(f, "security")


def test_lifetimes_inside_the_range_are_info():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("ike.lifetime_s", 86400, 3)    # IOS default: outside AWS's range
    dev.tunnels[1].set("ike.lifetime_s", 3600, 4)     # inside: the device rekeys first
    dev.tunnels[1].set("ipsec.lifetime_s", 1800, 5)
    f = compare(conn, dev)
    assert rules(f) == [("VPN202", 1)]
    infos = {(x.rule, x.tunnel): x for x in f if x.severity is Severity.INFO}
    assert "the device rekeys first" in infos[("VPN202", 2)].message
    assert ("VPN212", 2) in infos


def test_dpd_by_behaviour():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("dpd", DpdBehaviour(True, 60, "keepalive 10 s, 5 retries every 10 s"), 8)
    dev.tunnels[1].set("dpd", DpdBehaviour(True, 165, "IKEv2 retransmissions (defaults)"), 9)
    f = compare(conn, dev)
    assert rules(f) == [("VPN205", 2)] and "165 s" in first(f, "VPN205").message
    dev.tunnels[0].set("dpd", DpdBehaviour(False, None, "keepalive disabled"), 8)
    assert rules(compare(conn, dev)) == [("VPN205", 1), ("VPN205", 2)]
    dev = mirror(conn)
    del dev.tunnels[0].values["dpd.interval_s"], dev.tunnels[0].values["dpd.retries"]
    assert rules(compare(conn, dev)) == [("VPN205", 1)]


def test_mtu_and_mss_at_or_below_the_bound_are_compliant():
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "mtu", 1427)      # AWS's FortiGate template
    both(dev, "tcp_mss", 1387)  # AWS's SRX template: AES-CBC/SHA1 without NAT-T carries MSS 1398
    assert rules(compare(conn, dev)) == []
    dev.tunnels[0].set("tcp_mss", 1460, 4)
    dev.tunnels[1].set("mtu", 1500, 5)
    f = compare(conn, dev)
    assert rules(f) == [("VPN221", 2), ("VPN222", 1)]
    dev = mirror(conn)
    del dev.tunnels[0].values["tcp_mss"]
    dev.tunnels[1].set("mtu_derived", True)
    del dev.tunnels[1].values["mtu"]
    assert rules(compare(conn, dev)) == [("VPN222", 1)]


def test_nat_is_info_and_nat_t_off_is_an_error():
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "local.address", ipaddress.IPv4Address("10.10.0.5"))
    both(dev, "outside.customer", ipaddress.IPv4Address("10.10.0.5"))
    f = compare(conn, dev)
    assert rules(f) == []
    nat = [x for x in f if x.rule == "VPN112"]
    assert len(nat) == 2 and "UDP 500 and 4500" in nat[0].message
    dev.tunnels[1].set("nat_t", False, 12)
    assert rules(compare(conn, dev)) == [("VPN113", 2)]
    dev = mirror(conn)
    dev.tunnels[0].set("local.address", ipaddress.IPv4Address("198.51.100.200"), 13)
    assert rules(compare(conn, dev)) == [("VPN111", 1)]


def test_local_address_option_names_the_private_address():
    conn = sample_connection()
    dev = mirror(conn)
    both(dev, "local.address", ipaddress.IPv4Address("10.10.0.5"))
    ok = Profile(local_address=ipaddress.IPv4Address("10.10.0.5"))
    assert rules(compare(conn, dev, ok)) == []
    other = Profile(local_address=ipaddress.IPv4Address("10.10.0.6"))
    assert rules(compare(conn, dev, other)) == [("VPN111", 1), ("VPN111", 2)]


def test_bgp_hold_time_is_negotiated():
    conn = sample_connection()
    dev = mirror(conn)
    dev.bgp_neighbors[0]["hold_time_s"] = Obs(180, 77)   # BGP uses min(180, 30)
    assert rules(compare(conn, dev)) == []
    dev.bgp_neighbors[1]["hold_time_s"] = Obs(0, 78)
    dev.bgp_neighbors[1]["aws_asn"] = Obs(7224, 79)
    dev.tunnels[1].set("enabled", False, 40)
    assert rules(compare(conn, dev)) == [("VPN103", 2), ("VPN302", 2), ("VPN304", 2)]


def test_bgp_filters_are_security_findings():
    conn = sample_connection()
    dev = mirror(conn)
    dev.bgp_neighbors[0]["outbound_filter"] = Obs(False, 70)
    dev.bgp_neighbors[1]["export_policy_defined"] = Obs(False, 71, note="policy-statement EXPORT is not defined")
    f = compare(conn, dev)
    assert rules(f) == [("VPN306", 2)] and "EXPORT" in [x for x in f if x.rule == "VPN306"][0].message
    assert ("VPN506", 1) in rules(f, "security")


def test_device_facts():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("forwarding", False, 60, note="no firewall policy from the tunnel to the LAN")
    dev.tunnels[1].set("ike_permitted", False, 61)
    f = compare(conn, dev)
    assert rules(f) == [("VPN120", 2), ("VPN130", 1)]
    assert "no firewall policy from the tunnel" in [x for x in f if x.rule == "VPN130"][0].message


def test_nobody_starts_the_tunnel():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("initiates", "never", 5)
    dev.tunnels[1].set("initiates", "on-demand", 6)
    f = compare(conn, dev)
    assert [(x.rule, x.tunnel, x.severity.value) for x in f if x.rule == "VPN207"] == [
        ("VPN207", 1, "error"), ("VPN207", 2, "warning")]
    from vpncc.ir import DpdTimeoutAction, StartupAction
    starts = replace(conn, tunnels=tuple(replace(t, aws_options=replace(
        t.aws_options, startup_action=StartupAction.START, dpd_timeout_action=DpdTimeoutAction.RESTART))
        for t in conn.tunnels))
    assert rules(compare(starts, dev)) == []   # AWS starts and restarts: a responder-only device is fine


def test_unverified_suppresses_what_it_would_cause():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("ike.proposals", (Proposal((), (), (), "policy 10", 20, unknown=("group 99",)),), 20)
    dev.tunnels[0].set("unverified", {"ike": "crypto isakmp policy 10 (line 20): 'group 99'"}, 20)
    f = compare(conn, dev)
    assert rules(f) == []
    assert [(x.rule, x.tunnel, x.severity) for x in f if x.rule == "VPN902"] == [("VPN902", 1, Severity.INFO)]
    assert "unverified" in [x for x in f if x.rule == "VPN902"][0].message


def test_psk_never_printed_and_unverifiable_is_info():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("ike.psk", "WrongKeyButSecret123", 3)
    dev.tunnels[1].set("ike.psk", "0x1234", 4, verifiable=False)
    f = compare(conn, dev)
    assert rules(f, min_severity=Severity.INFO) == [("VPN203", 1), ("VPN204", 2)]
    for x in f:
        blob = repr(x) + str(x.to_dict())
        assert "WrongKeyButSecret123" not in blob and conn.tunnels[0].ike.psk not in blob
        assert x.rule not in ("VPN203", "VPN204") or (x.expected is None and x.actual is None)


def test_weak_and_shared_keys_are_security_findings():
    conn = sample_connection()
    same = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk="Same.Key_For.Both_1234567"))
                                       for t in conn.tunnels))
    dev = mirror(same)
    dev.tunnels[0].set("ike.psk", "short_key1", 3)
    f = compare(same, dev)
    assert ("VPN505", None) in rules(f, "security") and ("VPN504", 1) in rules(f, "security")
    assert all("short_key1" not in x.message and "Same.Key" not in x.message for x in f)


def test_security_findings_fail_only_with_their_own_level():
    conn = sample_connection()
    findings = compare(conn, mirror(conn))
    report = Report(conn.vpn_connection_id, [ConfigResult("r1.cfg", "test", findings)])
    assert report.exit_code(Severity.WARNING) == 0
    report.fail_on_security = Severity.WARNING
    assert report.exit_code(Severity.ERROR) == 1


def test_static_routes_covered_by_a_supernet():
    conn = sample_connection(routing=Routing.STATIC)
    dev = mirror(conn, [ipaddress.IPv4Network("10.0.0.0/8")])
    assert rules(compare(conn, dev, Profile(remote_networks=[NET]))) == []
    dev = mirror(conn, [])
    assert rules(compare(conn, dev, Profile(remote_networks=[NET]))) == [("VPN401", 1), ("VPN401", 2)]


def test_missing_tunnel_and_single_tunnel():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels.pop(1)
    dev.bgp_neighbors.pop(1)
    assert rules(compare(conn, dev)) == [("VPN101", 2), ("VPN102", None)]


def test_match_by_inside_when_peer_differs():
    conn = sample_connection()
    dev = mirror(conn)
    dev.tunnels[0].set("outside.aws", ipaddress.IPv4Address("198.18.0.9"), 2)
    f = compare(conn, dev)
    assert rules(f) == [("VPN110", 1)]


def test_notes_become_info_findings():
    conn = sample_connection()
    dev = mirror(conn)
    dev.notes.append(DeviceNote(12, "unknown command under crypto map"))
    f = compare(conn, dev)
    assert [(x.rule, x.severity, x.line) for x in f if x.rule == "VPN901"] == [("VPN901", Severity.INFO, 12)]


def test_inside_mutation_changes_two_rules():
    conn = sample_connection()
    dev = mirror(conn)
    net = ipaddress.IPv4Network("169.254.99.0/30")
    t = conn.tunnels[0]
    new = replace(conn, tunnels=(replace(t, inside=replace(t.inside, customer=ipaddress.IPv4Interface("169.254.99.2/30"),
                                                           aws=ipaddress.IPv4Interface("169.254.99.1/30")),
                                        bgp=replace(t.bgp, neighbor=net.network_address + 1)), conn.tunnels[1]))
    assert rules(compare(new, dev)) == [("VPN220", 1), ("VPN301", 1)]
