"""The strongSwan reader in the negotiation model's terms: one Proposal per configured proposal, DPD as
charon really runs it, who (re)starts a tunnel, SA-to-interface binding, local address vs identity,
Libreswan/Openswan read with their own meaning. Expected values come from the strongSwan/Libreswan
documentation cited in vpncc/backends/strongswan/semantics.py and proposals.py."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from vpncc.backends.strongswan import proposals as P
from vpncc.backends.strongswan import read as R
from vpncc.backends.strongswan.semantics import Retransmit
from vpncc.ir import Encryption as E
from vpncc.ir import Integrity as I

CONF = Path(__file__).parents[2] / "conformance" / "strongswan"


def _conn(body: str, child: str = "", name: str = "t1") -> str:
    return (f"connections {{\n {name} {{\n  remote_addrs = 198.51.100.7\n{body}\n  children {{\n   c {{\n{child}\n"
            "   }\n  }\n }\n}\n")


def test_each_proposal_is_one_proposal_in_order() -> None:
    got = P.strongswan("aes256-sha256-modp2048, aes128-sha1-modp1024", ike=True).proposals
    assert [(p.encryption, p.integrity, p.dh_groups) for p in got] == [
        ((E.AES256,), (I.SHA2_256,), (14,)), ((E.AES128,), (I.SHA1,), (2,))]
    assert got[0].label == "aes256-sha256-modp2048"


def test_ikev2_proposal_holds_lists_ikev1_strips() -> None:
    v2 = P.strongswan("aes128-aes256-sha1-sha256-modp2048-modp1024", ike=True).proposals[0]
    assert v2.encryption == (E.AES128, E.AES256) and v2.integrity == (I.SHA1, I.SHA2_256)
    assert v2.dh_groups == (14, 2)
    # "IKEv1 only supports one algorithm of each kind per proposal. Additional algorithms are implicitly stripped."
    v1 = P.strongswan("aes128-aes256-sha1-sha256-modp2048-modp1024", ike=True, ikev1=True)
    assert (v1.proposals[0].encryption, v1.proposals[0].integrity, v1.proposals[0].dh_groups) == \
        ((E.AES128,), (I.SHA1,), (14,))
    assert any("drops" in n for n in v1.notes)


@pytest.mark.parametrize("text", ["aes256gcm16-prfsha256-ecp384", "aes256gcm16-sha256-ecp384"])
def test_aead_ike_prf_spelled_either_way(text: str) -> None:
    p = P.strongswan(text, ike=True).proposals[0]
    assert (p.encryption, p.integrity, p.dh_groups, p.unknown) == ((E.AES256_GCM_16,), (I.SHA2_256,), (20,), ())


def test_aead_ike_without_prf_and_mixed_proposals_are_refused() -> None:
    assert P.strongswan("aes256gcm16-ecp384", ike=True).proposals[0].unknown == ("no PRF",)
    mixed = P.strongswan("aes256-aes256gcm16-sha256-modp2048", ike=False).proposals[0]
    assert "AEAD and classic ciphers in one proposal" in mixed.unknown


def test_esp_groups_are_pfs_and_aead_drops_integrity() -> None:
    a, b = P.strongswan("aes128gcm16-sha256-modp2048,aes256-sha256", ike=False).proposals
    assert (a.encryption, a.integrity, a.dh_groups) == ((E.AES128_GCM_16,), (), (14,))
    assert b.dh_groups == ()   # no key exchange method: PFS off


def test_device_only_and_unknown_algorithms() -> None:
    p = P.strongswan("3des-md5-modp768,aes192-sha1-ecp224,camellia256-sha256-x25519", ike=True).proposals
    assert (p[0].encryption, p[0].integrity, p[0].dh_groups) == ((E.TDES,), (I.MD5,), (1,))
    assert (p[1].encryption, p[1].dh_groups) == ((E.AES192,), (26,))
    assert p[2].unknown == ("camellia256",) and p[2].dh_groups == (31,)


def test_defaults_esp_has_no_pfs() -> None:
    props = P.strongswan(None, ike=False).proposals
    assert props and all(p.dh_groups == () for p in props)
    assert all(p.dh_groups for p in P.strongswan("default", ike=True).proposals)


def test_ipsec_conf_without_strict_appends_defaults() -> None:
    text = ("conn a\n\tright=198.51.100.7\n\tkeyexchange=ikev2\n\tike=aes256-sha256-modp2048\n"
            "\tesp=aes256-sha256-modp2048!\n\tauto=start\n")
    t = R.read(text).tunnels[0]
    ike = t.value("ike.proposals")
    assert ike[0].label == "aes256-sha256-modp2048" and ike[1].label.startswith("default")
    assert [p.label for p in t.value("ipsec.proposals")] == ["aes256-sha256-modp2048"]


def test_libreswan_syntax_and_pfs_from_phase1() -> None:
    text = ("config setup\n\tprotostack=netkey\n\nconn a\n\tright=198.51.100.7\n\tikev2=no\n"
            "\tike=aes256-sha2;dh14,aes128-sha1;modp1024\n\tphase2alg=aes256-sha2_256\n\tauto=start\n")
    t = R.read(text).tunnels[0]
    assert t.value("ike.version").value == "ikev1"
    assert [(p.encryption, p.integrity, p.dh_groups) for p in t.value("ike.proposals")] == [
        ((E.AES256,), (I.SHA2_256,), (14,)), ((E.AES128,), (I.SHA1,), (2,))]
    # pfs=yes (default): the phase-1 group when phase2alg names none
    assert t.value("ipsec.proposals")[0].dh_groups == (14,)
    off = R.read(text.replace("\tauto=start", "\tpfs=no\n\tauto=start")).tunnels[0]
    assert off.value("ipsec.proposals")[0].dh_groups == ()


def test_openswan_keyexchange_ike_is_ikev1() -> None:
    text = "conn a\n\tright=198.51.100.7\n\tkeyexchange=ike\n\tike=aes128-sha1;modp1024\n\tauto=start\n"
    assert R.read(text).tunnels[0].value("ike.version").value == "ikev1"
    # the same line without pluto's keywords is strongSwan's: keyexchange=ike = IKEv2
    assert R.read(text.replace(";", "-")).tunnels[0].value("ike.version").value == "ikev2"


def test_retransmission_total_matches_the_docs_table() -> None:
    assert round(Retransmit().total()) == 165          # docs "Retransmission": giving up after 165 s
    assert round(Retransmit(2.0, 1.5, 3).total()) == 16
    assert Retransmit(4.0, 1.8, 5, limit=10).total() == 4 + 7.2 + 10 * 4


def test_dpd_ikev2_uses_retransmission_ikev1_dpd_timeout() -> None:
    v2 = R.read(_conn("  version = 2\n  dpd_delay = 10s\n  dpd_timeout = 30s")).tunnels[0].value("dpd")
    assert v2.enabled and round(v2.detect_s) == 175 and "ignores dpd_timeout" in v2.how
    v1 = R.read(_conn("  version = 1\n  dpd_delay = 10s\n  dpd_timeout = 30s")).tunnels[0].value("dpd")
    assert v1.detect_s == 40
    off = R.read(_conn("  version = 2")).tunnels[0].value("dpd")
    assert not off.enabled


def test_tuned_retransmission_from_the_bundle() -> None:
    text = ("# --- vpncc file: swanctl.conf ---\n" + _conn("  version = 2\n  dpd_delay = 10s")
            + "# --- vpncc file: strongswan.conf ---\ncharon {\n retransmit_timeout = 2\n retransmit_base = 1.5\n"
            " retransmit_tries = 3\n}\n")
    assert round(R.read(text).tunnels[0].value("dpd").detect_s) == 26


@pytest.mark.parametrize("start,close,want", [
    ("start", "start", "always"), ("start", "trap", "always"), ("start", "none", "on-demand"),
    ("trap", "start", "on-demand"), ("none", "none", "never"), (None, None, "never")])
def test_initiates_swanctl(start, close, want) -> None:
    child = "".join(f"    {k} = {v}\n" for k, v in (("start_action", start), ("close_action", close)) if v)
    t = R.read(_conn("  version = 2", child)).tunnels[0]
    assert t.value("initiates") == want and t.get("initiates").note


@pytest.mark.parametrize("auto,close,want", [("start", "restart", "always"), ("start", None, "on-demand"),
                                             ("route", "restart", "on-demand"), ("add", "restart", "never")])
def test_initiates_ipsec_conf(auto, close, want) -> None:
    text = f"conn a\n\tright=198.51.100.7\n\tauto={auto}\n" + (f"\tcloseaction={close}\n" if close else "")
    assert R.read(text).tunnels[0].value("initiates") == want


def _bundle(child: str, script: str) -> str:
    return ("# --- vpncc file: swanctl.conf ---\n" + _conn("  version = 2", child)
            + "# --- vpncc file: up.sh ---\n" + script)


def test_binding_if_id() -> None:
    ok = R.read(_bundle("    if_id_in = 100\n    if_id_out = 100",
                        "ip link add xfrm1 type xfrm dev eth0 if_id 100\n")).tunnels[0]
    assert ok.value("binding") is True
    bad = R.read(_bundle("    if_id_in = 100\n    if_id_out = 100\n    updown = /x.sh updown xfrm1",
                         "ip link add xfrm1 type xfrm dev eth0 if_id 101\n")).tunnels[0]
    assert bad.value("binding") is False and "101" in bad.get("binding").note
    split = R.read(_bundle("    if_id_in = 200\n    if_id_out = 100",
                           "ip link add xfrm1 type xfrm dev eth0 if_id 100\n")).tunnels[0]
    assert split.value("binding") is False
    # nothing about interfaces in the input: binding is not judged
    assert R.read(_conn("  version = 2", "    if_id_in = 100\n    if_id_out = 100")).tunnels[0].get("binding") is None


def test_shared_interface_id_is_a_note() -> None:
    text = ("connections {\n a { remote_addrs = 198.51.100.7\n  children { c { if_id_out = 100 } } }\n"
            " b { remote_addrs = 203.0.113.129\n  children { c { if_id_out = 100 } } }\n}\n")
    assert any("also used by a" in n.message for n in R.read(text).notes)


def test_local_address_and_identity_are_separate() -> None:
    t = R.read(_conn("  local_addrs = 10.0.1.5\n  local { id = 192.0.2.10 }")).tunnels[0]
    assert t.value("local.address") == ipaddress.IPv4Address("10.0.1.5")
    assert t.value("local.identity") == ipaddress.IPv4Address("192.0.2.10")
    fqdn = R.read(_conn("  local { id = @cgw.example.com }")).tunnels[0]
    assert fqdn.value("local.identity") == "cgw.example.com" and fqdn.get("local.address") is None


def test_defaultroute_resolved_from_the_script() -> None:
    text = ("# --- vpncc file: ipsec.conf ---\nconn a\n\tleft=%defaultroute\n\tright=198.51.100.7\n\tauto=start\n"
            "# --- vpncc file: net.sh ---\nip addr add 10.0.1.5/24 dev eth0\n")
    assert R.read(text).tunnels[0].value("local.address") == ipaddress.IPv4Address("10.0.1.5")


def test_mss_rule_shapes() -> None:
    def mss(script: str):
        return R.read(_bundle("    if_id_out = 100\n    if_id_in = 100",
                              "ip link add xfrm1 type xfrm if_id 100\nip link set xfrm1 mtu 1400\n" + script)
                      ).tunnels[0].value("tcp_mss")

    assert mss('nft add rule inet f fwd oifname { "xfrm1", "xfrm2" } tcp flags syn tcp option maxseg size set 1350\n') == 1350
    assert mss("iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n") == 1360
    assert mss("iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1300\n") == 1300
    assert mss("") is None


def test_aws_updown_template_script() -> None:
    main = CONF / "same/aws-updown-script/ipsec.conf"
    t = R.read(main.read_text(), str(main)).tunnels[0]
    assert t.value("mtu") == 1419 and t.value("tcp_mss") == 1379 and t.value("binding") is True
    assert t.value("inside.customer") == ipaddress.IPv4Interface("169.254.44.42/30")


def test_debian_confd_and_directory_input() -> None:
    d = CONF / "same/debian-confd"
    by_file = R.read((d / "swanctl.conf").read_text(), str(d / "swanctl.conf"))
    by_dir = R.read("", str(d))
    for dev in (by_file, by_dir):
        assert [str(t.value("outside.aws")) for t in dev.tunnels] == ["198.51.100.7", "203.0.113.129"]
        assert all(t.value("ike.psk") for t in dev.tunnels) and dev.tunnels[0].value("mtu") == 1436


# -- compile and remediation --------------------------------------------------------------------

def _compiled(conn, fmt="swanctl", profile=None):
    from vpncc.compiler import compile_files
    from vpncc.profile import Profile

    prof = profile or Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                              remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")], crypto="recommended")
    return compile_files(conn, "strongswan", prof, format=fmt)


@pytest.mark.parametrize("fmt", ["swanctl", "legacy", "networkd"])
def test_compiled_ikev2_detects_a_dead_peer_within_40_s(fmt: str) -> None:
    from tests.strategies import sample_connection
    from vpncc.ir import IkeVersion

    files = _compiled(sample_connection(ike_version=IkeVersion.IKEV2), fmt)
    dev = R.read("".join(files.values()))
    for t in dev.tunnels:
        d = t.value("dpd")
        assert d.enabled and d.detect_s <= 40, d


def test_legacy_script_keeps_policy_checks_on_the_uplink() -> None:
    from tests.strategies import sample_connection

    script = next(v for k, v in _compiled(sample_connection(), "legacy").items() if k.endswith(".sh"))
    assert "eth0.disable_policy" not in script and "eth0.disable_xfrm=1" in script


def test_local_address_from_the_profile_never_the_nat_address() -> None:
    from dataclasses import replace

    from tests.strategies import sample_connection
    from vpncc.profile import Profile

    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")], crypto="file",
                   local_address=ipaddress.IPv4Address("10.0.1.5"))
    main = _compiled(sample_connection(), profile=prof)["swanctl.conf"]
    assert "local_addrs = 10.0.1.5" in main and "id = 192.0.2.10" in main
    # remediation of a wrong public source address: %any (or --local-address), never the CGW address
    from vpncc.backends import base
    from vpncc.validate.compare import compare

    conn = sample_connection()
    wrong = main.replace("local_addrs = 10.0.1.5", "local_addrs = 203.0.113.200")
    dev = base.get("strongswan").read(wrong)
    fs = [f for f in compare(conn, dev, replace(prof, local_address=None)) if f.rule == "VPN111"]
    assert fs
    fix = base.get("strongswan").remediation(fs, conn, replace(prof, local_address=None), dev)
    assert "local_addrs = %any" in fix and "local_addrs = 192.0.2.10" not in fix


def test_etc_tree_given_as_directory() -> None:
    dev = R.read("", str(CONF / "same/etc-tree"))
    t1 = dev.tunnels[0]
    assert t1.value("inside.customer") == ipaddress.IPv4Interface("169.254.44.42/30")   # network/interfaces
    assert (t1.value("mtu"), t1.value("tcp_mss")) == (1436, 1379)                      # ifupdown + rules.v4
    assert round(t1.value("dpd").detect_s) == 30                                       # strongswan.d/
    assert {str(n["neighbor"].value) for n in dev.bgp_neighbors} == {"169.254.44.41", "169.254.45.61"}
