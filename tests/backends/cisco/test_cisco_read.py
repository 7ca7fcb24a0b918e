"""The IOS and ASA readers on running-config noise, abbreviations, encrypted keys, other forms."""

from __future__ import annotations

import ipaddress

import pytest

from vpncc.backends import base
from vpncc.errors import InputError
from vpncc.ir import Encryption, IkeVersion, Integrity, NegotiationMode

from ...strategies import sample_connection
from .cisco_test_helpers import compiled, expressed, findings

IP = ipaddress.IPv4Address
IOS = base.get("cisco-ios")
ASA = base.get("cisco-asa")

RUNNING = """Building configuration...

Current configuration : 5123 bytes
!
! Last configuration change at 10:00:00 UTC Mon Jan 1 2024
version 17.3
service timestamps debug datetime msec
hostname edge1
!
banner motd ^C
crypto isakmp policy 1
 encr des
interface Tunnel99
^C
!
crypto pki certificate chain TP-self-signed-1
 certificate self-signed 01
  3082024E 30820237 A0030201 02020101 300D0609 2A864886 F70D0101 05050030
  	quit
!
cry isa pol 10
 encr aes 256
 hash sha256
 auth pre-share
 group 14
 lifetime 28800
crypto isakmp policy 20
 encr aes
 authentication rsa-sig
 group 2
crypto keyring KR-AWS
  local-address GigabitEthernet1
  pre-shared-key address 198.51.100.7 key 6 FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB
  pre-shared-key address 203.0.113.129 key 7 070C285F4D06
crypto isakmp profile IKMP-AWS
   keyring KR-AWS
   match identity address 198.51.100.7 255.255.255.255
   match identity address 203.0.113.129 255.255.255.255
   keepalive 10 retry 3
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto ipsec profile IPSEC-AWS
 set transform-set TS
 set pfs group14
!
int tu1
 ip add 169.254.44.42 255.255.255.252
 ip mtu 1436
 ip tcp adjust-mss 1379
 tunnel src Gi1
 tunnel mode ipsec ipv4
 tunnel dest 198.51.100.7
 tunnel prot ipsec prof IPSEC-AWS
!
interface Tunnel 2
 ip address 169.254.45.62 255.255.255.252
 ip mtu 1436
 ip tcp adjust-mss 1379
 shutdown
 tunnel source GigabitEthernet1
 tunnel mode ipsec ipv4
 tunnel destination 203.0.113.129
 tunnel protection ipsec profile IPSEC-AWS
!
interface GigabitEthernet1
 ip address 192.0.2.10 255.255.255.0
!
router bgp 65000
 bgp log-neighbor-changes
 neighbor 169.254.44.41 remote-as 64512
 neighbor 169.254.44.41 timers 10 30 30
 neighbor 169.254.45.61 remote-as 64512
 !
 address-family ipv4
  neighbor 169.254.44.41 activate
  neighbor 169.254.45.61 activate
 exit-address-family
!
line vty 0 4
 transport input ssh
end
"""


def test_ios_running_config_noise_and_abbreviations():
    dev = IOS.read(RUNNING, "r.cfg")
    assert [t.name for t in dev.tunnels] == ["Tunnel1", "Tunnel2"]  # not the Tunnel99 inside the banner
    t1, t2 = dev.tunnels
    assert t1.get("outside.aws").value == IP("198.51.100.7") and t1.get("outside.aws").line == 52
    assert t1.get("inside.customer").value == ipaddress.IPv4Interface("169.254.44.42/30")
    # policy 20 is rsa-sig (not usable with a key), policy 1 was banner text: only policy 10 counts
    assert t1.get("ike.encryption").value == (Encryption.AES256,)
    assert t1.get("ike.integrity").value == (Integrity.SHA2_256,)
    assert t1.get("ike.dh_groups").value == (14,) and t1.get("ike.lifetime_s").value == 28800
    assert t1.get("ipsec.lifetime_s").value == 3600  # IOS default filled in
    assert t1.get("ipsec.encryption").value == (Encryption.AES256,)
    # local-address GigabitEthernet1 resolves through the interface's address
    assert t1.get("outside.customer").value == IP("192.0.2.10")
    assert t1.get("ike.mode").value is NegotiationMode.MAIN
    assert t2.get("enabled").value is False
    assert {nb["neighbor"].value: nb["hold_time_s"].value for nb in dev.bgp_neighbors} == {
        IP("169.254.44.41"): 30, IP("169.254.45.61"): 180}
    assert dev.notes == []


def test_ios_encrypted_keys_are_unverifiable_info():
    """Type 6 (AES with the router's master key) cannot be compared: info. Type 7 is a published reversible
    encoding: `070C285F4D06` is "cisco" (Cisco's own documentation example), compared like a clear key."""
    dev = IOS.read(RUNNING, "r.cfg")
    t1, t2 = dev.tunnels
    assert t1.get("ike.psk").verifiable is False
    assert t2.get("ike.psk").verifiable is True and t2.get("ike.psk").value == "cisco"
    conn = sample_connection(encryption=(Encryption.AES256,), integrity=(Integrity.SHA2_256,), dh_groups=(14,),
                             esp_integrity=(Integrity.SHA2_256,))
    found = findings(conn, "cisco-ios", RUNNING)
    assert {(f.rule, f.tunnel) for f in found if f.rule in ("VPN203", "VPN204")} == {("VPN204", 1), ("VPN203", 2)}
    assert all(f.severity.value == "info" for f in found if f.rule == "VPN204")
    assert all("cisco" not in f.message for f in found)  # a decoded key is never shown
    assert ("VPN103", 2) in {(f.rule, f.tunnel) for f in found}


IKEV2_IOS = """crypto ikev2 proposal PROP-1
 encryption aes-cbc-256 aes-cbc-128
 integrity sha256
 group 19 14
crypto ikev2 proposal PROP-GCM
 encryption aes-gcm-256
 prf sha384
 group 20
crypto ikev2 policy POL
 match address local 192.0.2.10
 proposal PROP-1
 proposal PROP-GCM
crypto ikev2 keyring KR
 peer aws1
  address 198.51.100.7
  pre-shared-key local 0 Local.Key_12345678
  pre-shared-key remote 0 Remote.Key_12345678
crypto ikev2 profile PROF1
 match identity remote address 198.51.100.7 255.255.255.255
 identity local address 192.0.2.10
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
 dpd 10 3 on-demand
crypto ipsec transform-set T1 esp-gcm 256
 mode tunnel
crypto ipsec profile P1
 set transform-set T1
 set ikev2-profile PROF1
interface Tunnel100
 ip address 169.254.44.42 255.255.255.252
 tunnel source 192.0.2.10
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.7
 tunnel protection ipsec profile P1
"""


def test_ios_ikev2_forms():
    (t,) = IOS.read(IKEV2_IOS, "v2.cfg").tunnels
    assert t.get("ike.version").value is IkeVersion.IKEV2 and t.get("ike.mode") is None
    assert t.get("ike.encryption").value == (Encryption.AES256, Encryption.AES128, Encryption.AES256_GCM_16)
    assert t.get("ike.integrity").value == (Integrity.SHA2_256, Integrity.SHA2_384)
    assert t.get("ike.dh_groups").value == (19, 14, 20)
    assert t.get("ike.lifetime_s").value == 86400  # IKEv2 profile default
    assert t.get("ike.psk").value == "Local.Key_12345678"
    assert t.get("ipsec.encryption").value == (Encryption.AES256_GCM_16,) and t.get("ipsec.integrity").value == ()
    assert t.get("ipsec.pfs_groups").value == ()  # no `set pfs`: PFS off
    assert (t.get("dpd.interval_s").value, t.get("dpd.retries").value) == (10, 3)


ASA_RUNNING = """: Saved
:
: Serial Number: 9A1234567
: Hardware:   ASA5516, 8192 MB RAM
:
ASA Version 9.12(4)
!
hostname fw1
names
name 198.51.100.7 aws-t1
!
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address 192.0.2.10 255.255.255.0
!
interface Tunnel10
 nameif aws-1
 ip address 169.254.44.42 255.255.255.252
 tunnel source interface outside
 tunnel destination aws-t1
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile PROF-A
!
crypto ipsec ikev2 ipsec-proposal AES256
 protocol esp encryption aes-256
 protocol esp integrity sha-256 sha-1
crypto ipsec profile PROF-A
 set ikev2 ipsec-proposal AES256
 set pfs group14
crypto ikev2 policy 5
 encryption aes-256
 integrity sha256
 group 14
 prf sha256
 lifetime seconds 28800
crypto ikev2 enable outside
tunnel-group 198.51.100.7 type ipsec-l2l
tunnel-group 198.51.100.7 ipsec-attributes
 ikev2 remote-authentication pre-shared-key *****
 ikev2 local-authentication pre-shared-key *****
mtu aws-1 1436
sysopt connection tcpmss 1379
router bgp 65000
 address-family ipv4 unicast
  neighbor 169.254.44.41 remote-as 64512
  neighbor 169.254.44.41 timers 10 30
  neighbor 169.254.44.41 activate
 exit-address-family
!
crypto ca certificate chain ASDM_TrustPoint0
 certificate 3082
    308204a3 3082038b a0030201
  quit
Cryptochecksum:0123456789abcdef
: end
"""


def test_asa_running_config_masked_keys_names_defaults():
    dev = ASA.read(ASA_RUNNING, "fw1.cfg")
    (t,) = dev.tunnels
    assert t.get("outside.aws").value == IP("198.51.100.7")  # through `name`
    assert t.get("outside.customer").value == IP("192.0.2.10")  # the outside nameif's address
    assert t.get("ike.psk").verifiable is False
    assert t.get("ike.version").value is IkeVersion.IKEV2
    # ASA L2L default threshold 10 retry 2: the retry is an interval (three retransmissions, 2 s apart)
    assert (t.get("dpd").value.enabled, t.get("dpd").value.detect_s) == (True, 18.0)
    assert t.get("ipsec.lifetime_s").value == 28800  # ASA default
    assert t.get("ipsec.integrity").value == (Integrity.SHA2_256, Integrity.SHA1)
    assert t.get("mtu").value == 1436 and t.get("tcp_mss").value == 1379
    assert dev.bgp_neighbors[0]["hold_time_s"].value == 30
    assert dev.notes == []


@pytest.mark.parametrize("vendor,text,what", [
    ("cisco-ios", "", "empty"),
    ("cisco-ios", "   \n\n", "empty"),
    ("cisco-ios", "interfaces {\n    st0 {\n        unit 1;\n    }\n}\nset security ike policy x", "Juniper"),
    ("cisco-ios", "config vpn ipsec phase1-interface\n    edit \"x\"\n    next\nend\n", "FortiGate"),
    ("cisco-ios", ASA_RUNNING, "Cisco ASA configuration, not Cisco IOS"),
    ("cisco-asa", RUNNING, "Cisco IOS configuration, not Cisco ASA"),
    ("cisco-asa", "conn aws\n  left=%any\n  right=1.2.3.4\n", "strongSwan"),
])
def test_wrong_vendor_or_empty_is_a_clear_error(vendor, text, what):
    with pytest.raises(InputError, match=what):
        base.get(vendor).read(text, "x.cfg")


def test_unknown_lines_never_crash():
    junk = "crypto isakmp policy\n crypto\ninterface Tunnel\n tunnel destination\n ip address 1.2.3\n" \
           "router bgp\n neighbor\n neighbor 1.1.1.1 remote-as x\nip route 10.0.0.0\n" \
           "crypto ipsec profile\ncrypto keyring\n pre-shared-key address\n"
    IOS.read(junk, "j.cfg")
    ASA.read("tunnel-group\ninterface Tunnel1\n tunnel destination\ncrypto map M 1 set peer\nroute x\n", "j.cfg")


@pytest.mark.parametrize("vendor", ["cisco-ios", "cisco-asa"])
def test_foreign_policy_numbers_and_extra_policies(vendor):
    conn = sample_connection()
    text = compiled(conn, vendor).replace(" policy 200", " policy 7")
    extra = ("crypto isakmp policy 1\n encr 3des\n hash md5\n authentication pre-share\n group 1\n"
             if vendor == "cisco-ios" else "crypto ikev1 policy 1\n encryption 3des\n hash md5\n group 1\n")
    assert findings(expressed(conn, vendor), vendor, extra + text) == []


def _big_ios(lines: int) -> str:
    head = ["version 17.3", "hostname big"]
    body = []
    i = 0
    while len(body) < lines:
        body += [f"interface GigabitEthernet0/0/{i}", f" description port {i}", " no ip address", " shutdown", "!"]
        body += [f"ip access-list extended ACL-{i}"] + [f" permit tcp any host 10.{i % 250}.{k}.1 eq {k + 1}"
                                                        for k in range(40)]
        i += 1
    return "\n".join(head + body) + "\n" + compiled(sample_connection(), "cisco-ios")


def test_100k_line_ios_config_is_read_correctly():
    text = _big_ios(100_000)
    assert text.count("\n") > 100_000
    dev = IOS.read(text, "big.cfg")
    assert len(dev.tunnels) == 2 and findings(expressed(sample_connection(), "cisco-ios"), "cisco-ios", text) == []
    # speed is measured in benchmarks/run.py, not asserted here