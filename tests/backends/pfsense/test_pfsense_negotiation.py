"""What the reader says a pfSense config negotiates: one proposal per phase 1 item, one phase 2 proposal,
DPD as charon runs it, (re)initiation, local address/identity, MSS clamping, BGP outbound filters.
Expected values come from pfSense's ipsec.inc / filter.inc / frr_bgp.inc and strongSwan's documentation
(cited in vpncc/backends/pfsense/names.py), not from vpncc's output."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest

import vpncc
from vpncc.backends import base
from vpncc.errors import UsageError
from vpncc.ir import Encryption as E
from vpncc.ir import IkeVersion, Routing
from vpncc.ir import Integrity as I

from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, from_php, to_php

B = base.get("pfsense")
BASE_TEXT = BASE.read_text(encoding="utf-8")


def base_php():
    return to_php(BASE_TEXT)


def vti(dc):
    """The base's VTI tunnel (phase1 ikeid 1, peer 203.0.113.200, IKEv2)."""
    return next(t for t in dc.tunnels if t.value("outside.aws") == ipaddress.IPv4Address("203.0.113.200"))


def read_php(php):
    return B.read(from_php(php), "config.xml")


def p1(php, ikeid="1"):
    return next(p for p in php["pfsense"]["ipsec"]["phase1"] if p["ikeid"] == ikeid)


def p2(php, ikeid="1"):
    return next(p for p in php["pfsense"]["ipsec"]["phase2"] if p["ikeid"] == ikeid)


def _item(name, keylen, h, dh):
    ea = {"name": name} if keylen is None else {"name": name, "keylen": keylen}
    return {"encryption-algorithm": ea, "hash-algorithm": h, "dhgroup": dh}


# -- proposals ---------------------------------------------------------------------------------

def test_each_phase1_item_is_its_own_proposal_never_a_union() -> None:
    php = base_php()
    p1(php)["encryption"] = {"item": [_item("aes", "256", "sha256", "5"), _item("3des", None, "md5", "14"),
                                      _item("blowfish", "128", "aesxcbc", "2")]}
    props = vti(read_php(php)).value("ike.proposals")
    assert [(p.encryption, p.integrity, p.dh_groups, p.unknown) for p in props] == [
        ((E.AES256,), (I.SHA2_256,), (5,), ()),
        ((E.TDES,), (I.MD5,), (14,), ()),
        ((), (), (2,), ("blowfish128", "aesxcbc")),
    ]


def test_gcm_keylen_is_the_icv_and_prf_only_when_selected() -> None:
    php = base_php()
    p1(php)["encryption"] = {"item": [dict(_item("aes256gcm", "128", "sha384", "20"), **{"prf-algorithm": "sha512"}),
                                      _item("aes128gcm", "64", "sha256", "19")]}
    props = vti(read_php(php)).value("ike.proposals")
    assert props[0].encryption == (E.AES256_GCM_16,) and props[0].prf == ()   # prfselect_enable unset
    assert props[1].encryption == () and props[1].unknown == ("aes128gcm64",)  # 8-byte ICV: not GCM-16
    p1(php)["prfselect_enable"] = "yes"
    assert vti(read_php(php)).value("ike.proposals")[0].prf == (I.SHA2_512,)


def test_incomplete_item_is_skipped_and_no_item_is_unverified() -> None:
    php = base_php()
    p1(php)["encryption"] = {"item": [{"encryption-algorithm": {"name": "aes", "keylen": "256"}, "dhgroup": "14"}]}
    t = vti(read_php(php))
    assert "ike.proposals" not in t.values
    assert "ike.proposals" in t.value("unverified")


def test_phase2_is_one_proposal_with_lists_and_pfs_zero_is_off() -> None:
    php = base_php()
    p2(php).update({"encryption-algorithm-option": [{"name": "aes", "keylen": "auto"},
                                                    {"name": "aes256gcm", "keylen": "128"}],
                    "hash-algorithm-option": ["hmac_sha1", "hmac_md5"], "pfsgroup": "0"})
    props = vti(read_php(php)).value("ipsec.proposals")
    assert len(props) == 1
    (p,) = props
    assert p.encryption == (E.AES256, E.AES192, E.AES128, E.AES256_GCM_16)
    assert p.integrity == (I.SHA1, I.MD5) and p.dh_groups == ()


def test_phase2_aead_only_takes_no_hash_and_ah_is_unknown() -> None:
    php = base_php()
    p2(php).update({"encryption-algorithm-option": [{"name": "aes128gcm", "keylen": "128"}],
                    "hash-algorithm-option": ["hmac_sha256"], "protocol": "ah"})
    (p,) = vti(read_php(php)).value("ipsec.proposals")
    assert p.encryption == (E.AES128_GCM_16,) and p.integrity == () and "ah" in p.unknown


def test_flat_pre_2_4_4_phase1_is_one_proposal() -> None:
    """Config < 17.5 kept encryption-algorithm/hash-algorithm/dhgroup on the phase 1 itself
    (upgrade_174_to_175() turns them into one item)."""
    php = base_php()
    ph = p1(php)
    del ph["encryption"]
    ph.update({"encryption-algorithm": {"name": "aes", "keylen": "128"}, "hash-algorithm": "sha1", "dhgroup": "2"})
    props = vti(read_php(php)).value("ike.proposals")
    assert [(p.encryption, p.integrity, p.dh_groups) for p in props] == [((E.AES128,), (I.SHA1,), (2,))]


# -- DPD -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("iketype,delay,fail,extra,detect", [
    ("ikev1", "10", "5", {}, 60.0),                       # dpd_timeout = 10 x (5 + 1)
    ("ikev1", "10", "3", {}, 40.0),                       # AWS's own pfSense values
    ("ikev2", "10", "5", {}, 175.1),                      # 10 + charon's 165.1 s (4 x (1.8^6 - 1) / 0.8)
    ("ikev2", "10", "5", {"ikev2_retransmit_tries": "4"}, 99.5),
    ("ikev2", "10", "5", {"ikev2_retransmit_limit": "10"}, 61.2),  # 4 + 7.2 + 10 x 4
    ("auto", "30", "2", {"ikev2_retransmit_tries": "2", "ikev2_retransmit_timeout": "2"}, 30 + 2 + 3.6 + 6.5),
])
def test_dpd_detection_time(iketype, delay, fail, extra, detect) -> None:
    php = base_php()
    p1(php).update(iketype=iketype, dpd_delay=delay, dpd_maxfail=fail)
    php["pfsense"]["ipsec"].update(extra)
    d = vti(read_php(php)).value("dpd")
    assert d.enabled and d.detect_s == pytest.approx(detect, abs=0.1)


def test_dpd_unticked_is_off() -> None:
    php = base_php()
    for k in ("dpd_delay", "dpd_maxfail"):
        p1(php).pop(k)
    assert vti(read_php(php)).value("dpd").enabled is False


# -- (re)initiation ------------------------------------------------------------------------------

@pytest.mark.parametrize("start,close,keepalive,want", [
    ("", "", "disabled", "on-demand"),       # VTI, strongSwan close_action none: nothing restarts it
    ("", "none", "disabled", "on-demand"),
    ("", "trap", "disabled", "on-demand"),   # a VTI has no trap policy
    ("", "start", "disabled", "always"),
    ("none", "", "disabled", "never"),       # Responder Only
    ("none", "start", "disabled", "never"),
    ("none", "", "enabled", "always"),       # Keep Alive ignores the start action
    ("", "", "enabled", "always"),
])
def test_vti_initiation(start, close, keepalive, want) -> None:
    php = base_php()
    p1(php).update(startaction=start, closeaction=close)
    p2(php)["keepalive"] = keepalive
    assert vti(read_php(php)).value("initiates") == want


@pytest.mark.parametrize("start,close,pinghost,want", [
    ("", "", "", "on-demand"),              # trap policy: back only when traffic comes
    ("", "", "10.20.0.5", "always"),        # ping_hosts.sh every 240 s hits the trap
    ("start", "", "10.20.0.5", "on-demand"),  # no trap policy after close: pings go nowhere
    ("start", "trap", "10.20.0.5", "always"),
])
def test_tunnel_mode_initiation(start, close, pinghost, want) -> None:
    php = base_php()
    p1(php, "3").update(startaction=start, closeaction=close)
    p2(php, "3")["pinghost"] = pinghost
    t = next(t for t in read_php(php).tunnels if t.value("outside.aws") == ipaddress.IPv4Address("198.51.100.200"))
    assert t.value("initiates") == want and t.value("policy_based") is True


# -- local address and identity -----------------------------------------------------------------

def test_local_address_is_the_interface_and_identity_only_when_explicit() -> None:
    php = base_php()
    t = vti(read_php(php))
    assert t.value("local.address") == ipaddress.IPv4Address("192.0.2.10") and "local.identity" not in t.values
    php["pfsense"]["interfaces"]["wan"]["ipaddr"] = "10.0.0.2"          # behind NAT
    p1(php).update(myid_type="address", myid_data="192.0.2.10")
    t = vti(read_php(php))
    assert t.value("local.address") == ipaddress.IPv4Address("10.0.0.2")
    assert t.value("local.identity") == ipaddress.IPv4Address("192.0.2.10")
    p1(php).update(myid_type="fqdn", myid_data="fw.branch.example")
    assert vti(read_php(php)).value("local.identity") == "fw.branch.example"


def test_local_address_of_a_vip() -> None:
    php = base_php()
    php["pfsense"]["virtualip"] = {"vip": [{"mode": "carp", "interface": "wan", "uniqid": "abc123",
                                            "subnet": "192.0.2.20", "subnet_bits": "24"}]}
    p1(php)["interface"] = "_vipabc123"
    assert vti(read_php(php)).value("local.address") == ipaddress.IPv4Address("192.0.2.20")


def test_nat_t_is_always_on() -> None:
    php = base_php()
    assert vti(read_php(php)).value("nat_t") is True
    p1(php)["nat_traversal"] = "force"
    assert vti(read_php(php)).value("nat_t") is True


# -- MTU/MSS ------------------------------------------------------------------------------------

def test_interface_mss_needs_scrub() -> None:
    php = base_php()
    php["pfsense"]["interfaces"]["opt2"]["mss"] = "1419"
    assert vti(read_php(php)).value("tcp_mss") == 1379
    php["pfsense"].setdefault("system", {})["disablescrub"] = ""
    assert "tcp_mss" not in vti(read_php(php)).values


def test_global_maxmss_clamps_policy_based_tunnels_only() -> None:
    php = base_php()
    php["pfsense"].setdefault("system", {}).update(maxmss_enable="yes", maxmss="")
    dc = read_php(php)
    policy = next(t for t in dc.tunnels if t.value("policy_based"))
    assert policy.value("tcp_mss") == 1400                     # filter.inc default, no -40
    assert "tcp_mss" not in vti(dc).values                      # <vpn_networks> has only the VTI /30


# -- layouts and disabled entries ---------------------------------------------------------------

def test_2_4_4_names_vtis_ipsec_ikeid_000() -> None:
    php = base_php()
    php["pfsense"]["version"] = "18.9"
    php["pfsense"]["interfaces"]["opt2"]["if"] = "ipsec1000"
    php["pfsense"]["interfaces"]["opt2"]["mss"] = "1400"
    assert vti(read_php(php)).value("tcp_mss") == 1360


def test_disabled_copy_next_to_the_live_phase1_is_skipped() -> None:
    php = base_php()
    old = dict(p1(php), ikeid="8", disabled="", **{"pre-shared-key": "Old.Key_aaaaaaaaaaaaaaaaaaaa"})
    php["pfsense"]["ipsec"]["phase1"].append(old)
    dc = read_php(php)
    same_peer = [t for t in dc.tunnels if t.value("outside.aws") == ipaddress.IPv4Address("203.0.113.200")]
    assert len(same_peer) == 1 and same_peer[0].value("enabled") is True


def test_psk_is_trimmed_like_ipsec_setup_secrets() -> None:
    php = base_php()
    key = p1(php)["pre-shared-key"]
    p1(php)["pre-shared-key"] = f"  {key} "
    assert vti(read_php(php)).value("ike.psk") == key


# -- BGP outbound filter ------------------------------------------------------------------------

def _bgp_php():
    return to_php(vpncc.compile(sample_connection(), "pfsense", replace(PROFILE, crypto="file")))


def _nb(dc, peer):
    return next(n for n in dc.bgp_neighbors if str(n["neighbor"].value) == peer)


def test_outbound_filter_must_name_a_defined_object() -> None:
    php = _bgp_php()
    pk = php["pfsense"]["installedpackages"]
    nbs = pk["frrbgpneighbors"]["config"]
    assert _nb(read_php(php), "169.254.44.41")["outbound_filter"].value is True   # compile's prefix list
    nbs[0]["prefixfilter_out"] = "none"
    del pk["frrglobalprefixes"]
    dc = read_php(php)
    assert _nb(dc, "169.254.44.41")["outbound_filter"].value is False   # routemap_out and prefixfilter_out none
    assert _nb(dc, "169.254.45.61")["outbound_filter"].value is True    # its defined route-map
    nbs[0]["prefixfilter_out"] = "ONLY_LAN"
    assert _nb(read_php(php), "169.254.44.41")["outbound_filter"].value is False  # FRR's package drops it
    pk["frrglobalprefixes"] = {"config": [{"name": "ONLY_LAN", "row": [{"seq": "10", "action": "permit",
                                                                         "source": "10.10.0.0/16"}]}]}
    assert _nb(read_php(php), "169.254.44.41")["outbound_filter"].value is True


# -- compile ------------------------------------------------------------------------------------

def test_compile_restarts_what_aws_closes_and_tunes_ikev2_dpd() -> None:
    prof = replace(PROFILE, crypto="file")
    v1 = vpncc.compile(sample_connection(), "pfsense", prof)
    assert v1.count("<closeaction>start</closeaction>") == 2 and v1.count("<keepalive>enabled</keepalive>") == 2
    assert "ikev2_retransmit" not in v1
    v2 = vpncc.compile(sample_connection(ike_version=IkeVersion.IKEV2), "pfsense", prof)
    assert v2.count("<ikev2_retransmit_tries>4</ikev2_retransmit_tries>") == 1
    head = v2.split("<pfsense>")[0]
    assert "changes outside these tunnels:" in head and "IKEv2 Retransmit tries 4 (charon-wide" in head
    assert "IKEv2 Retransmit" not in v1.split("changes outside these tunnels:")[1].split("Restore ONLY")[0]
    dc = B.read(v2, "config.xml")
    assert all(t.value("initiates") == "always" and t.value("dpd").detect_s < 120 for t in dc.tunnels)


def test_esp_lists_keep_their_order_and_values() -> None:
    conn = sample_connection(esp_encryption=(E.AES128, E.AES256))
    text = vpncc.compile(conn, "pfsense", replace(PROFILE, crypto="file"))
    (p,) = B.read(text, "config.xml").tunnels[0].value("ipsec.proposals")
    assert p.encryption == (E.AES128, E.AES256)                       # no AES192 from keylen auto


def test_releases() -> None:
    assert B.releases == ("2.6", "2.7", "2.8")
    conn = sample_connection()
    for r in B.releases:
        assert vpncc.compile(conn, "pfsense", replace(PROFILE, release=r))
    with pytest.raises(UsageError):
        vpncc.compile(conn, "pfsense", replace(PROFILE, release="2.3"))


# -- remediation never writes an address the firewall does not own -------------------------------

def _remediate(conn, text):
    res = vpncc.validate(conn, "pfsense", text, profile=PROFILE, path="config.xml").results[0]
    return B.remediation(res.findings, conn, PROFILE, res.device)


def test_local_address_remediation_is_safe() -> None:
    conn = sample_connection(routing=Routing.STATIC)
    php = to_php(vpncc.compile(conn, "pfsense", replace(PROFILE, crypto="file")))
    cfg = php["pfsense"]
    cfg["interfaces"]["wan"] = {"if": "em0", "enable": "", "ipaddr": "198.51.100.50", "subnet": "24"}
    for ph in cfg["ipsec"]["phase1"]:
        ph.update(myid_type="myaddress", myid_data="")
    out = _remediate(conn, from_php(php))
    assert "VPN111" not in out and "myid_data" not in out and "does not own" in out
    # the CGW address is on another interface: move the phase 1 there
    cfg["interfaces"]["opt9"] = {"if": "em5", "enable": "", "ipaddr": str(conn.tunnels[0].outside.customer),
                                 "subnet": "28"}
    out = _remediate(conn, from_php(php))
    assert "['interface'] = 'opt9'" in out and "myid_data" not in out


@pytest.mark.parametrize("close,want", [("restart", "always"), ("hold", "on-demand"), ("clear", "on-demand"),
                                        ("start", "on-demand")])
def test_2_4_close_action_words(close, want) -> None:
    """Before upgrade_203_to_204 (config 20.4) Close Action held ipsec.conf's words: restart = Restart/
    Reconnect; "start" meant nothing there (RELENG_2_4_4 $ipsec_closeactions)."""
    php = base_php()
    php["pfsense"]["version"] = "18.9"
    php["pfsense"]["interfaces"]["opt2"]["if"] = "ipsec1000"
    p1(php).update(closeaction=close)
    assert vti(read_php(php)).value("initiates") == want


def test_2_4_responder_only_does_not_stop_a_vti() -> None:
    """RELENG_2_4_4 vpn.inc: a VTI phase 2 sets auto = start whatever <responderonly/> says."""
    php = base_php()
    php["pfsense"]["version"] = "18.9"
    p1(php).update(closeaction="restart", responderonly="")
    assert vti(read_php(php)).value("initiates") == "always"
    p1(php, "3").update(responderonly="", closeaction="")
    t = next(t for t in read_php(php).tunnels if t.value("policy_based"))
    assert t.value("initiates") == "never"


@pytest.mark.parametrize("ikeid,close,action", [("1", "", "restart"), ("1", "none", "clear"), ("1", "trap", "restart"),
                                                ("3", "", "hold"), ("3", "start", "restart"), ("3", "none", "clear")])
def test_dpd_action(ikeid, close, action) -> None:
    """ipsec_setup_tunnels(): dpd_action trap (tunnel mode) unless Close Action is set; a VTI turns trap
    into restart (ikeid 1 is the base's VTI, ikeid 3 its tunnel-mode phase 1)."""
    php = base_php()
    p1(php, ikeid).update(closeaction=close, dpd_delay="10", dpd_maxfail="5")
    dc = read_php(php)
    t = vti(dc) if ikeid == "1" else next(t for t in dc.tunnels if t.value("policy_based"))
    assert t.value("dpd").action == action
