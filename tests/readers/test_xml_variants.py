"""XML variants seen in the wild (aws-generic-format.md s5), vocabulary, placeholders, hostile input."""

from __future__ import annotations

import json
import time
from ipaddress import IPv4Address as A

import pytest

from vpncc.errors import InputError
from vpncc.ir import Encryption, GatewayKind, IkeVersion, Integrity, Routing
from vpncc.readers import aws_xml

PSK1 = "Example.Key_Tunnel1.abcdefgh"


def tunnel(psk=PSK1, outside="192.0.2.10", aws="198.51.100.7", inside=("169.254.44.42", "169.254.44.41"),
           bgp=True, ws="") -> str:
    b = (f"<bgp><asn>{ws}65000{ws}</asn><hold_time>30</hold_time></bgp>", "<bgp><asn>64512</asn>"
         "<hold_time>30</hold_time></bgp>") if bgp else ("", "")
    return f"""
  <ipsec_tunnel>
    <customer_gateway>
      <tunnel_outside_address><ip_address>{ws}{outside}{ws}</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>{inside[0]}</ip_address><network_mask>255.255.255.252</network_mask>
        <network_cidr>30</network_cidr></tunnel_inside_address>
      {b[0]}
    </customer_gateway>
    <vpn_gateway>
      <tunnel_outside_address><ip_address>{aws}</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>{inside[1]}</ip_address><network_cidr>30</network_cidr>
      </tunnel_inside_address>
      {b[1]}
    </vpn_gateway>
    <ike>
      <authentication_protocol>sha1</authentication_protocol>
      <encryption_protocol>{ws}aes-128-cbc{ws}</encryption_protocol>
      <lifetime>28800</lifetime>
      <perfect_forward_secrecy>group2</perfect_forward_secrecy>
      <mode>main</mode>
      <pre_shared_key>{psk}</pre_shared_key>
    </ike>
    <ipsec>
      <protocol>esp</protocol>
      <authentication_protocol>hmac-sha1-96</authentication_protocol>
      <encryption_protocol>aes-128-cbc</encryption_protocol>
      <lifetime>3600</lifetime>
      <perfect_forward_secrecy>group2</perfect_forward_secrecy>
      <mode>tunnel</mode>
      <clear_df_bit>true</clear_df_bit>
      <fragmentation_before_encryption>true</fragmentation_before_encryption>
      <tcp_mss_adjustment>1379</tcp_mss_adjustment>
      <dead_peer_detection><interval>10</interval><retries>3</retries></dead_peer_detection>
    </ipsec>
  </ipsec_tunnel>"""


def doc(*tunnels: str, decl=True, vgw="<vpn_gateway_id>vgw-01234567</vpn_gateway_id>", extra="", ws="") -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if decl else ""
    return (f'{head}<vpn_connection id="vpn-0a1b2c3d">\n'
            f"  <customer_gateway_id>{ws}cgw-0f1e2d3c{ws}</customer_gateway_id>\n"
            f"  {vgw}\n  <vpn_connection_type>ipsec.1</vpn_connection_type>{extra}"
            + "".join(tunnels) + "\n</vpn_connection>\n")


def test_minimal_document_reads():
    c = aws_xml.read(doc(tunnel()), "x.xml")
    assert c.vpn_connection_id == "vpn-0a1b2c3d"
    assert c.gateway.kind is GatewayKind.VGW and c.gateway.id == "vgw-01234567"
    assert c.routing is Routing.BGP
    t = c.tunnels[0]
    assert t.ike.psk == PSK1 and t.outside.customer == A("192.0.2.10")
    assert t.bgp.neighbor == A("169.254.44.41")
    assert [w.code for w in c.warnings] == ["single-tunnel", "tunnel-options-assumed"]  # the minimal document has one tunnel


def test_moto_style_no_declaration_leading_spaces_and_padded_values():
    text = "\n   " + doc(tunnel(ws=" "), decl=False, vgw="<vpn_gateway_id> vgw-01234567 </vpn_gateway_id>", ws=" ")
    c = aws_xml.read(text)
    assert c.gateway.id == "vgw-01234567" and c.customer_gateway_id == "cgw-0f1e2d3c"
    assert c.tunnels[0].outside.customer == A("192.0.2.10")
    assert c.tunnels[0].ike.encryption == (Encryption.AES128,)
    assert c.tunnels[0].bgp.customer_asn == 65000


def test_whitespace_before_xml_declaration_keeps_line_numbers():
    text = "\n\n  " + doc(tunnel())
    c = aws_xml.read(text)
    # the vpn_connection element is on line 2 of doc(), line 4 of the padded text
    assert c.position("vpn_connection_id").line == 4


def test_self_closing_and_empty_vpn_gateway_id_is_tgw():
    for vgw in ("<vpn_gateway_id />", "<vpn_gateway_id></vpn_gateway_id>", ""):
        c = aws_xml.read(doc(tunnel(), vgw=vgw))
        assert c.gateway.kind is GatewayKind.TGW and c.gateway.id is None
    c = aws_xml.read(doc(tunnel(), vgw="<transit_gateway_id>tgw-0abc1234</transit_gateway_id>"))
    assert c.gateway.kind is GatewayKind.TGW and c.gateway.id == "tgw-0abc1234"


def test_nobgp_attribute_is_static_even_with_bgp_elements():
    c = aws_xml.read(doc(tunnel(bgp=False), extra="\n  <vpn_connection_attributes>NoBGPVPNConnection"
                                                  "</vpn_connection_attributes>"))
    assert c.routing is Routing.STATIC and c.tunnels[0].bgp is None
    assert c.tunnels[0].static_next_hop == A("169.254.44.41")
    c = aws_xml.read(doc(tunnel(bgp=True), extra="<vpn_connection_attributes>NoBGPVPNConnection"
                                                 "</vpn_connection_attributes>"))
    assert c.routing is Routing.STATIC
    assert [w.code for w in c.warnings] == ["routing-inconsistent", "single-tunnel", "tunnel-options-assumed"]


def test_xml_as_quoted_json_string():
    text = json.dumps(doc(tunnel()))
    c = aws_xml.read(text)
    assert c.tunnels[0].ike.psk == PSK1
    assert [w.code for w in c.warnings] == ["xml-escaped", "single-tunnel", "tunnel-options-assumed"]


def test_placeholders_become_null_with_warnings():
    xml = doc(tunnel(psk="", outside="YOUR_UPLINK_ADDRESS"),
              tunnel(psk="&lt;REDACTED_FOR_SECURITY&gt;", outside="<REDACTED_FOR_SECURITY>", aws="198.51.100.8",
                     inside=("169.254.45.62", "169.254.45.61")))
    c = aws_xml.read(xml, "r.xml")
    assert [t.ike.psk for t in c.tunnels] == [None, None]
    assert [t.outside.customer for t in c.tunnels] == [None, None]
    codes = [w.code for w in c.warnings]
    assert codes.count("psk-redacted") == 2
    assert codes.count("placeholder") == 1 and codes.count("redacted") == 1  # YOUR_UPLINK_ADDRESS, <REDACTED...>
    assert all(w.line for w in c.warnings)
    xs = aws_xml.read(doc(tunnel(psk="X" * 32)))
    assert xs.tunnels[0].ike.psk is None


@pytest.mark.parametrize("value,expected", [
    ("aes-128-cbc", Encryption.AES128), ("AES128", Encryption.AES128), ("aes-256-cbc", Encryption.AES256),
    ("aes-128-gcm-16", Encryption.AES128_GCM_16), ("AES256-GCM-16", Encryption.AES256_GCM_16),
])
def test_encryption_vocabulary(value, expected):
    assert aws_xml.encryption(value) is expected


@pytest.mark.parametrize("value,expected", [
    ("sha1", Integrity.SHA1), ("hmac-sha1-96", Integrity.SHA1), ("SHA2-256", Integrity.SHA2_256),
    ("hmac-sha2-256-128", Integrity.SHA2_256), ("sha2-384", Integrity.SHA2_384),
    ("hmac-sha2-512-256", Integrity.SHA2_512),
])
def test_integrity_vocabulary(value, expected):
    assert aws_xml.integrity(value) is expected


@pytest.mark.parametrize("value,expected", [("group2", 2), ("Group 14", 14), ("Diffie-Hellman Group 14", 14),
                                            ("group14", 14), (24, 24), ("5", 5)])
def test_dh_vocabulary(value, expected):
    assert aws_xml.dh_group(value) == expected


@pytest.mark.parametrize("fn,value", [(aws_xml.encryption, "3des"), (aws_xml.integrity, "md5"),
                                      (aws_xml.dh_group, "group1"), (aws_xml.dh_group, "modp"),
                                      (aws_xml.ike_version, "ikev3")])
def test_unknown_vocabulary_is_refused(fn, value):
    with pytest.raises(ValueError):
        fn(value)


def test_unknown_algorithm_in_xml_points_at_the_element():
    text = doc(tunnel()).replace("<encryption_protocol>aes-128-cbc</encryption_protocol>",
                                 "<encryption_protocol>3des-cbc</encryption_protocol>", 1)
    with pytest.raises(InputError) as e:
        aws_xml.read(text, "bad.xml")
    line = text.splitlines().index("      <encryption_protocol>3des-cbc</encryption_protocol>") + 1
    assert (e.value.file, e.value.line, e.value.column) == ("bad.xml", line, 7)
    assert "3des" in e.value.message


def test_missing_element_names_it():
    text = doc(tunnel()).replace("<lifetime>3600</lifetime>", "")
    with pytest.raises(InputError, match=r"tunnel 1: missing <lifetime>"):
        aws_xml.read(text)


def test_root_without_vpn_connection():
    with pytest.raises(InputError, match="no <vpn_connection>"):
        aws_xml.read("<config><x/></config>")


def test_wrapper_with_two_connections_reads_both():
    one = doc(tunnel(), decl=False)
    two = one.replace("vpn-0a1b2c3d", "vpn-0a1c2c3d")
    conns = aws_xml.read_all(f"<connections>{one}{two}</connections>")
    assert [c.vpn_connection_id for c in conns] == ["vpn-0a1b2c3d", "vpn-0a1c2c3d"]
    with pytest.raises(InputError, match="holds 2 connections"):
        aws_xml.read(f"<connections>{one}{two}</connections>")


# -- malformed and hostile --------------------------------------------------------------------

def test_malformed_xml_gives_line_and_column_and_masks_the_key():
    text = doc(tunnel()).replace(f"<pre_shared_key>{PSK1}</pre_shared_key>",
                                 f"<pre_shared_key>{PSK1}</pre_shared_kex>")
    with pytest.raises(InputError) as e:
        aws_xml.read(text, "m.xml")
    err = e.value
    assert err.line == text.splitlines().index(f"      <pre_shared_key>{PSK1}</pre_shared_kex>") + 1
    assert err.column is not None and err.column > 1
    assert "mismatched tag" in err.message
    assert PSK1 not in str(err)
    assert "<pre_shared_key>***" in str(err)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<vpn_connection id="&lol9;"><customer_gateway_id>&lol9;</customer_gateway_id></vpn_connection>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE vpn_connection [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<vpn_connection id="vpn-1"><customer_gateway_id>&xxe;</customer_gateway_id></vpn_connection>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<vpn_connection id="vpn-1"/>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE vpn_connection SYSTEM "http://127.0.0.1:9/x.dtd">
<vpn_connection id="vpn-1"/>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"])
def test_hostile_dtds_are_refused_fast(text):
    start = time.perf_counter()
    with pytest.raises(InputError) as e:
        aws_xml.read(text, "evil.xml")
    assert time.perf_counter() - start < 1.0
    assert "DOCTYPE" in e.value.message
    assert (e.value.line, e.value.column) == (2, 1)
    assert "root:" not in str(e.value)  # nothing of /etc/passwd


def test_very_deep_nesting_is_refused_fast():
    depth = 200_000
    text = "<vpn_connection>" + "<a>" * depth + "</a>" * depth + "</vpn_connection>"
    start = time.perf_counter()
    with pytest.raises(InputError, match="nested deeper"):
        aws_xml.read(text, "deep.xml")
    assert time.perf_counter() - start < 1.0


def test_huge_text_node_is_bounded_in_time():
    text = doc(tunnel()).replace("<vpn_connection_type>ipsec.1", "<vpn_connection_type>" + "A" * 5_000_000)
    start = time.perf_counter()
    c = aws_xml.read(text)
    assert time.perf_counter() - start < 1.0
    assert [w.code for w in c.warnings] == ["unknown-connection-type", "single-tunnel", "tunnel-options-assumed"]


def test_undefined_entity_is_malformed():
    with pytest.raises(InputError, match="undefined entity") as e:
        aws_xml.read('<vpn_connection id="x">&foo;</vpn_connection>')
    assert (e.value.line, e.value.column) == (1, 24)


def test_ike_version_is_ikev1_and_mtu_1436():
    t = aws_xml.read(doc(tunnel())).tunnels[0]
    assert t.ike.version is IkeVersion.IKEV1 and t.mtu == 1436
