"""The show-output parsers on the shapes each platform's documentation prints, in the releases where the
format changed. Expected values are read off the example text by hand.

Sources (shapes learnt, text written anew with documentation addresses):
- Cisco "IPsec Troubleshooting: Understanding and Using debug Commands"; IOS 12.4 prints a ``slot``
  column in ``show crypto isakmp sa``, IOS 15 / IOS-XE 16-17 do not. IOS-XE ``show crypto ipsec sa``
  prints ``plaintext mtu``; 12.4 only ``path mtu``.
- Cisco ASA command reference: ``show crypto ikev1 sa`` (9.x), ``show crypto isakmp sa`` (8.2),
  ``show crypto ikev2 sa``.
- Juniper "show security ike security-associations", "show security ipsec security-associations"
  (column orders of 12.1X and 20+), "show bgp summary".
- Fortinet "diagnose vpn tunnel list" (6.4, 7.x), "get router info bgp summary" (6.x, 7.x with "VRF 0").
- strongSwan docs "swanctl --list-sas" (5.9 / 6.0); FRR "show bgp summary" (7.x, 8.x); BIRD 1.6 / 2.x
  "show protocols [all]".
"""

from __future__ import annotations

import pytest

from vpncc.diagnose.shows import parse_show


def p(text, vendor=None):
    return parse_show(text, "t.txt", vendor)


# -- Cisco IOS ------------------------------------------------------------------------------------

IOS_ISAKMP_124 = """dst             src             state          conn-id slot status
192.0.2.40      192.0.2.20      QM_IDLE              1    0 ACTIVE
198.51.100.9    192.0.2.20      MM_KEY_EXCH          2    0 ACTIVE
"""
IOS_ISAKMP_XE = """IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
203.0.113.1     192.0.2.20      QM_IDLE           1033 ACTIVE
203.0.113.5     192.0.2.20      MM_NO_STATE       1032 ACTIVE

IPv6 Crypto ISAKMP SA

"""


@pytest.mark.parametrize("text,expect", [
    (IOS_ISAKMP_124, [("192.0.2.40", True, "QM_IDLE"), ("198.51.100.9", False, "MM_KEY_EXCH")]),
    (IOS_ISAKMP_XE, [("203.0.113.1", True, "QM_IDLE"), ("203.0.113.5", False, "MM_NO_STATE")]),
], ids=["ios-12.4-slot-column", "ios-xe-no-slot"])
def test_ios_isakmp(text, expect):
    r = p(text)
    assert (r.platform, r.command) == ("cisco-ios", "show crypto isakmp sa")
    assert [(s.peer, s.up, s.state) for s in r.ike] == expect
    assert all(s.version == 1 for s in r.ike)


def test_ios_ikev2():
    r = p(""" IPv4 Crypto IKEv2  SA

Tunnel-id Local                 Remote                fvrf/ivrf            Status
1         192.0.2.20/500        203.0.113.1/500       none/none            READY
      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
      Life/Active Time: 86400/1320 sec
2         192.0.2.20/500        203.0.113.5/500       none/none            IN-NEG
      Encr: Unknown - 0, PRF: Unknown - 0, Hash: None, DH Grp:0, Auth sign: Unknown - 0, Auth verify: Unknown - 0
""")
    assert r.command == "show crypto ikev2 sa"
    assert [(s.peer, s.local, s.up, s.state, s.version) for s in r.ike] == [
        ("203.0.113.1", "192.0.2.20", True, "READY", 2), ("203.0.113.5", "192.0.2.20", False, "IN-NEG", 2)]


IOS_IPSEC_124 = """interface: Tunnel1
    Crypto map tag: Tunnel1-head-0, local addr 192.0.2.20

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
   remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
   current_peer 203.0.113.1 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 41, #pkts encrypt: 41, #pkts digest: 41
    #pkts decaps: 40, #pkts decrypt: 40, #pkts verify: 40
    #send errors 0, #recv errors 0

     local crypto endpt.: 192.0.2.20, remote crypto endpt.: 203.0.113.1
     path mtu 1500, ip mtu 1500, ip mtu idb FastEthernet0/0
     current outbound spi: 0x3C0F5B1D(1007639325)
"""
IOS_IPSEC_XE = """interface: Tunnel2
    Crypto map tag: Tunnel2-head-0, local addr 192.0.2.20

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
   remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
   current_peer 203.0.113.5 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0
    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0

     local crypto endpt.: 192.0.2.20, remote crypto endpt.: 203.0.113.5
     plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1
     current outbound spi: 0x0(0)
     PFS (Y/N): N, DH group: none
"""


def test_ios_ipsec_versions():
    old, new = p(IOS_IPSEC_124), p(IOS_IPSEC_XE)
    assert old.command == new.command == "show crypto ipsec sa"
    (a,), (b,) = old.child, new.child
    assert (a.peer, a.up, a.packets_in, a.packets_out, a.path_mtu) == ("203.0.113.1", True, 40, 41, 1500)
    assert (b.peer, b.up, b.path_mtu, b.pfs) == ("203.0.113.5", False, 1438, "none")


IOS_BGP = """BGP router identifier 192.0.2.20, local AS number 65000
BGP table version is 9, main routing table version 9
2 network entries using 496 bytes of memory

Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
169.254.10.1    4        64512     310     305        9    0    0 00:50:12        3
169.254.11.1    4        64512       0       0        1    0    0 never    Idle (Admin)
169.254.12.1    4        64512       0       0        1    0    0 00:00:09 Active
"""


def test_ios_bgp_summary_via_ntc_templates():
    r = p(IOS_BGP)
    assert r.parser == "ntc-templates:cisco_ios_show_ip_bgp_summary"
    assert [(b.neighbor, b.established, b.state, b.remote_as, b.prefixes_received) for b in r.bgp] == [
        ("169.254.10.1", True, "Established", 64512, 3), ("169.254.11.1", False, "Idle (Admin)", 64512, None),
        ("169.254.12.1", False, "Active", 64512, None)]


def test_ios_interfaces_tunnel():
    r = p("""Tunnel1 is up, line protocol is up
  Hardware is Tunnel
  Internet address is 169.254.10.2/30
  MTU 17912 bytes, BW 100 Kbit/sec, DLY 50000 usec,
  Tunnel source 192.0.2.20 (GigabitEthernet1), destination 203.0.113.1
  Tunnel protocol/transport IPSEC/IP
  Tunnel transport MTU 1438 bytes
  Tunnel protection via IPSec (profile "AWS")
Tunnel2 is up, line protocol is down
  Tunnel source 192.0.2.20, destination 203.0.113.5
""")
    assert r.command == "show interfaces tunnel"
    assert [(i.name, i.up, i.destination, i.source, i.transport_mtu) for i in r.interfaces] == [
        ("Tunnel1", True, "203.0.113.1", "192.0.2.20", 1438), ("Tunnel2", False, "203.0.113.5", "192.0.2.20", None)]


# -- Cisco ASA ------------------------------------------------------------------------------------

ASA_IKEV1_9 = """IKEv1 SAs:

   Active SA: 2
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 2

1   IKE Peer: 203.0.113.1
    Type    : L2L             Role    : initiator
    Rekey   : no              State   : MM_ACTIVE

2   IKE Peer: 203.0.113.5
    Type    : user            Role    : initiator
    Rekey   : no              State   : MM_WAIT_MSG2
"""
ASA_ISAKMP_82 = """   Active SA: 1
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 1

1   IKE Peer: 198.51.100.33
    Type    : L2L             Role    : responder
    Rekey   : no              State   : MM_ACTIVE
"""


@pytest.mark.parametrize("text,expect", [
    (ASA_IKEV1_9, [("203.0.113.1", True), ("203.0.113.5", False)]),
    (ASA_ISAKMP_82, [("198.51.100.33", True)]),
], ids=["asa-9.x-ikev1", "asa-8.2-isakmp"])
def test_asa_ikev1(text, expect):
    r = p(text, "cisco-asa")
    assert r.command == "show crypto ikev1 sa"
    assert [(s.peer, s.up) for s in r.ike] == expect


def test_asa_ikev2_with_and_without_child():
    r = p("""IKEv2 SAs:

Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1

Tunnel-id                 Local                                               Remote                                                  Status         Role
 45213331 192.0.2.20/500                                     203.0.113.1/500                                        READY    INITIATOR
      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
      Life/Active Time: 86400/120 sec
Child sa: local selector  0.0.0.0/0 - 255.255.255.255/65535
          remote selector 0.0.0.0/0 - 255.255.255.255/65535
          ESP spi in/out: 0x1a2b3c4d/0x5e6f7a8b

Session-id:2, Status:UP-ACTIVE, IKE count:1, CHILD count:0

Tunnel-id                 Local                                               Remote                                                  Status         Role
 45213332 192.0.2.20/500                                     203.0.113.5/500                                        READY    INITIATOR
      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
""", "cisco-asa")
    assert r.command == "show crypto ikev2 sa"
    assert [(s.peer, s.up) for s in r.ike] == [("203.0.113.1", True), ("203.0.113.5", True)]
    assert [(c.peer, c.up) for c in r.child] == [("203.0.113.1", True), ("203.0.113.5", False)]


def test_asa_ipsec_empty_and_bgp():
    assert p("There are no ipsec sas\n", "cisco-asa").command == "show crypto ipsec sa"
    r = p(IOS_BGP.replace("2 network entries using 496 bytes of memory\n", ""), "cisco-asa")
    assert r.command == "show bgp summary" and r.parser == "ntc-templates:cisco_asa_show_bgp_summary"
    assert [b.state for b in r.bgp] == ["Established", "Idle (Admin)", "Active"]


# -- Junos ----------------------------------------------------------------------------------------

def test_junos_ike_ikev1_and_ikev2():
    r = p("""Index   State  Initiator cookie  Responder cookie  Mode           Remote Address
4295070 UP     a2c4e6f8a1b3c5d7  0f1e2d3c4b5a6978  Main           203.0.113.1
4295071 DOWN   b2c4e6f8a1b3c5d7  0000000000000000  Main           203.0.113.5
4295072 UP     c2c4e6f8a1b3c5d7  1f1e2d3c4b5a6978  IKEv2          198.51.100.33
""")
    assert [(s.peer, s.up, s.version) for s in r.ike] == [
        ("203.0.113.1", True, 1), ("203.0.113.5", False, 1), ("198.51.100.33", True, 2)]
    assert p("No IKE security associations found\n", "juniper").ike == []


@pytest.mark.parametrize("text", [
    """  Total active tunnels: 1
  ID    Gateway          Port  Algorithm       SPI      Life:sec/kb  Mon vsys
  <131073 203.0.113.1     500   ESP:aes-128/sha1 1a2b3c4d 3321/ unlim   -   root
  >131073 203.0.113.1     500   ESP:aes-128/sha1 5e6f7a8b 3321/ unlim   -   root
""", """  Total active tunnels: 1     Total Ipsec sas: 1
  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway
  <131073 ESP:aes-cbc-128/sha1 1a2b3c4d 3321/ unlim - root 500 203.0.113.1
  >131073 ESP:aes-cbc-128/sha1 5e6f7a8b 3321/ unlim - root 500 203.0.113.1
"""], ids=["junos-12.1x-columns", "junos-20-columns"])
def test_junos_ipsec_both_column_orders(text):
    r = p(text)
    assert r.command == "show security ipsec security-associations"
    assert [(c.peer, c.up) for c in r.child] == [("203.0.113.1", True)]


def test_junos_bgp_keeps_peers_that_are_down():
    r = p("""Threading mode: BGP I/O
Groups: 1 Peers: 3 Down peers: 1
Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending
inet.0                 3          3          0          0          0          0
Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/Received/Accepted/Damped...
169.254.10.1          64512        310        305       0       0       50:12 Establ
  inet.0: 2/3/3/0
169.254.11.1          64512          0          0       0       0       51:00 Active
169.254.12.1          64512         20         22       0       1        9:41 1/1/1/0              0/0/0/0
""")
    assert [(b.neighbor, b.established, b.state, b.prefixes_received) for b in r.bgp] == [
        ("169.254.10.1", True, "Established", 3), ("169.254.11.1", False, "Active", None),
        ("169.254.12.1", True, "Established", 1)]


# -- FortiOS --------------------------------------------------------------------------------------

FORTI_LIST_64 = """list all ipsec tunnel in vd 0
------------------------------------------------------
name=aws1 ver=1 serial=1 192.0.2.20:0->203.0.113.1:0 dst_mtu=1500
bound_if=4 lgwy=static/1 tun=intf/0 mode=auto/1 encap=none/512 options[0200]=frag-rfc  accept_traffic=1

proxyid_num=1 child_num=0 refcnt=12 ilast=1 olast=1 ad=/0
stat: rxp=40 txp=41 rxb=4800 txb=4920
dpd: mode=on-demand on=1 idle=20000ms retry=3 count=0 seqno=0
natt: mode=none draft=0 interval=0 remote_port=0
proxyid=aws1 proto=0 sa=1 ref=2 serial=1
  src: 0:0.0.0.0/0.0.0.0:0
  dst: 0:0.0.0.0/0.0.0.0:0
  SA:  ref=3 options=18227 type=00 soft=0 mtu=1438 expire=3000/0B replaywin=2048
------------------------------------------------------
name=aws2 ver=2 serial=2 192.0.2.20:0->203.0.113.5:0 dst_mtu=0
proxyid_num=1 child_num=0 refcnt=8 ilast=40 olast=40 ad=/0
stat: rxp=0 txp=0 rxb=0 txb=0
proxyid=aws2 proto=0 sa=0 ref=1 serial=1
"""


def test_forti_tunnel_list():
    r = p(FORTI_LIST_64)
    assert r.command == "diagnose vpn tunnel list"
    assert [(c.peer, c.up, c.path_mtu, c.packets_in) for c in r.child] == [
        ("203.0.113.1", True, 1438, 40), ("203.0.113.5", False, None, 0)]
    assert [(s.peer, s.version) for s in r.ike] == [("203.0.113.1", 1)]  # sa=0 says nothing about IKE


def test_forti_tunnel_summary():
    r = p("""'aws1' 203.0.113.1:0  selectors(total,up): 1/1  rx(pkt,err): 40/0  tx(pkt,err): 41/0
'aws2' 203.0.113.5:4500  selectors(total,up): 1/0  rx(pkt,err): 0/0  tx(pkt,err): 0/2
""")
    assert [(c.peer, c.up) for c in r.child] == [("203.0.113.1", True), ("203.0.113.5", False)]


@pytest.mark.parametrize("prefix", ["", "VRF 0 "], ids=["fortios-6.x", "fortios-7.x-vrf"])
def test_forti_bgp_both_headers(prefix):
    r = p(f"""{prefix}BGP router identifier 192.0.2.20, local AS number 65000
BGP table version is 4
1 BGP AS-PATH entries
0 BGP community entries

Neighbor        V         AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
169.254.10.1    4      64512     310     305        3    0    0 00:50:12        2
169.254.11.1    4      64512       0       0        0    0    0 never    Connect

Total number of neighbors 2
""")
    assert r.parser == "ntc-templates:fortinet_get_router_info_bgp_summary"
    assert [(b.neighbor, b.established, b.state, b.prefixes_received) for b in r.bgp] == [
        ("169.254.10.1", True, "Established", 2), ("169.254.11.1", False, "Connect", None)]


# -- strongSwan / FRR / BIRD ----------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["TUNNEL", "TUNNEL-in-UDP"], ids=["strongswan-5.x", "strongswan-5.9-natt"])
def test_swanctl_list_sas(mode):
    r = p(f"""aws1: #1, ESTABLISHED, IKEv2, 6fd55d95f66b4a67_i* cea64d4a303e0ca2_r
  local  '192.0.2.20' @ 192.0.2.20[4500]
  remote '203.0.113.1' @ 203.0.113.1[4500]
  AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
  established 1s ago, rekeying in 14043s
  aws1: #1, reqid 1, INSTALLED, {mode}, ESP:AES_GCM_16-128
    installed 1s ago, rekeying in 3397s, expires in 3959s
    in  c8931e89,     84 bytes,     1 packets,     0s ago
    out cee78125,    168 bytes,     2 packets,     0s ago
    local  0.0.0.0/0
    remote 0.0.0.0/0
aws2: #2, CONNECTING, IKEv1, 1e2f3a4b5c6d7e8f_i* 0000000000000000_r
  local  '192.0.2.20' @ 192.0.2.20[500]
  remote '%any' @ 203.0.113.5[500]
  establishing 12s ago
""")
    assert [(s.peer, s.up, s.version) for s in r.ike] == [("203.0.113.1", True, 2), ("203.0.113.5", False, 1)]
    assert [(c.peer, c.up, c.packets_in, c.packets_out) for c in r.child] == [("203.0.113.1", True, 1, 2)]


@pytest.mark.parametrize("extra", ["", "   PfxSnt Desc"], ids=["frr-7", "frr-8"])
def test_frr_bgp_summary(extra):
    rows = ["169.254.10.1    4      64512       310       305        0    0    0 00:50:12            2",
            "169.254.11.1    4      64512        12        10        0    0    0 00:01:40     (Policy)",
            "169.254.12.1    4      64512         0         0        0    0    0    never       Active"]
    if extra:
        rows = [rows[0] + "        1 N/A", rows[1] + " (Policy) N/A", rows[2] + "        0 N/A"]
    r = p("IPv4 Unicast Summary (VRF default):\nBGP router identifier 192.0.2.20, local AS number 65000 vrf-id 0\n"
          "BGP table version 3\n\nNeighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down "
          f"State/PfxRcd{extra}\n" + "\n".join(rows) + "\n\nTotal number of neighbors 3\n")
    assert r.command == 'vtysh -c "show bgp summary"'
    assert [(b.neighbor, b.established, b.policy_blocked, b.prefixes_received) for b in r.bgp] == [
        ("169.254.10.1", True, False, 2), ("169.254.11.1", True, True, 0), ("169.254.12.1", False, False, None)]


def test_bird_versions():
    b16 = p("""BIRD 1.6.8 ready.
name     proto    table    state  since       info
""".replace("name     proto    table    state  since       info",
            "Name     Proto    Table    State  Since       Info") + """kernel1  Kernel   master   up     08:15:00
aws1     BGP      master   up     08:15:00    Established
aws2     BGP      master   start  08:15:00    Active       Socket: Connection refused
""")
    assert [(b.name, b.established, b.state, b.neighbor) for b in b16.bgp] == [
        ("aws1", True, "Established", None), ("aws2", False, "Active", None)]
    assert any("show protocols all" in n for n in b16.notes)
    b2 = p("""BIRD 2.0.8 ready.
Name       Proto      Table      State  Since         Info
aws1       BGP        ---        up     2026-12-01 08:15:00  Established
  BGP state:          Established
    Neighbor address: 169.254.10.1
    Neighbor AS:      64512
  Channel ipv4
    Routes:         2 imported, 1 exported, 2 preferred
""")
    assert [(b.neighbor, b.remote_as, b.established, b.prefixes_received) for b in b2.bgp] == [
        ("169.254.10.1", 64512, True, 2)]
    assert b2.notes == []


def test_unknown_text_is_a_note_not_an_error():
    r = p("Router uptime is 3 weeks\n")
    assert r.command is None and r.ike == [] and r.bgp == []
    assert r.notes and "not a show output vpncc recognises" in r.notes[0]
    r = p(IOS_BGP, "juniper")  # only the named platform's parsers are tried
    assert r.command is None and "for juniper" in r.notes[0]


def test_a_table_the_template_rejects_is_a_note():
    # ASA's ntc template refuses any line it does not know: the output is reported, not a crash
    text = IOS_BGP.replace("2 network entries using 496 bytes of memory\n", "") + "Some trailing banner\n"
    r = p(text, "cisco-asa")
    assert r.command is None and r.bgp == []
    assert "could not be read" in r.notes[0]
