"""Bad input gives an InputError with file, line (column where it makes sense), a clear message and
a hint; redacted/placeholder values give warnings, not errors; a PSK never shows in a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpncc import checks
from vpncc.errors import InputError
from vpncc.readers.aws_generic import read
from vpncc.readers.aws_generic_syntax import lark_error as _lark_error
from vpncc.readers.aws_generic_syntax import parser

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BASE = (SAMPLES / "bgp-vgw-ikev1-2022.txt").read_text()
LINES = BASE.split("\n")
PSK1 = "Qx7.mZp2_Lr9TkV4wYb8Nc3Hd6Jf1Gs5"     # the made-up key of tunnel 1 in that sample


def line_of(fragment: str, text: str = BASE, nth: int = 1) -> int:
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if fragment in line]
    return hits[nth - 1]


def load(text: str, path: str = "aws.txt"):
    """What vpncc does with a file: read, then the semantic checks (with context lines)."""
    conn = read(text, path=path)
    checks.check(conn, text=text)
    return conn


def fails(text: str, *fragments: str, path: str = "aws.txt") -> InputError:
    with pytest.raises(InputError) as info:
        load(text, path)
    err = info.value
    assert err.file == path
    for f in fragments:
        assert f in err.message, f"{f!r} not in {err.message!r}"
    assert PSK1 not in err.render()
    assert "Traceback" not in err.render()
    return err


def replace_line(fragment: str, new: str, nth: int = 1, text: str = BASE) -> str:
    lines = text.split("\n")
    i = line_of(fragment, text, nth) - 1
    lines[i] = new
    return "\n".join(lines)


def test_base_sample_is_valid():
    load(BASE)


@pytest.mark.parametrize("text", ["", "   \n\t\n\n"])
def test_empty_file(text):
    err = fails(text, "empty")
    assert err.line == 1 and err.hint


def test_binary_file():
    blob = bytes(range(256)).decode("latin-1") * 20
    err = fails(blob, "binary")
    assert err.line == 1


def test_cut_off_in_the_middle_of_tunnel_2():
    cut = "\n".join(LINES[: line_of("Protocol                 : esp", nth=2)])
    err = fails(cut, "incomplete", "tunnel 2: missing", "IPSec authentication algorithm", "DPD interval",
                "section #3", "section #4", "cut off")
    assert "tunnel 1" not in err.message
    assert err.line == line_of("IPSec Tunnel #2")
    assert err.context.strip() == "IPSec Tunnel #2"
    assert "download" in err.hint


def test_cut_off_in_tunnel_1_names_both_problems():
    cut = "\n".join(LINES[:60])
    err = fails(cut, "tunnel 1: missing section #3", "tunnel 2 is missing", "the file ends at line 60")
    assert err.line == line_of("IPSec Tunnel #1")


CISCO = """\
! Amazon Web Services
! Virtual Private Cloud
!
! AWS utilizes unique identifiers to manipulate the configuration of
! a VPN Connection. Each VPN Connection is assigned an identifier and is
! associated with two other identifiers, namely the
! Customer Gateway Identifier and Virtual Private Gateway Identifier.
!
! Your VPN Connection ID                  : vpn-0a1b2c3d4e5f60718
!
! --------------------------------------------------------------------------------
! IPSec Tunnel #1
! --------------------------------------------------------------------------------
crypto isakmp policy 200
  encryption aes 128
  authentication pre-share
  group 2
  lifetime 28800
  hash sha
exit
interface Tunnel1
  ip address 169.254.44.42 255.255.255.252
"""


def test_cisco_config_given_by_mistake():
    err = fails(CISCO, "this looks like a Cisco IOS configuration", "not an AWS generic configuration")
    assert err.line == 1 and err.hint


def test_juniper_and_fortigate_given_by_mistake():
    fails("set security ike proposal ike-prop-vpn-1 authentication-method pre-shared-keys\n"
          "set security ike proposal ike-prop-vpn-1 dh-group group2\n", "Juniper")
    fails("config vpn ipsec phase1-interface\n    edit \"vpn-1\"\n        set proposal aes128-sha1\n    next\nend\n",
          "FortiGate")


XML = """<?xml version="1.0" encoding="UTF-8"?>
<vpn_connection id="vpn-0a1b2c3d4e5f60718">
  <customer_gateway_id>cgw-0123456789abcdef0</customer_gateway_id>
  <vpn_gateway_id>vgw-0f1e2d3c4b5a69788</vpn_gateway_id>
  <vpn_connection_type>ipsec.1</vpn_connection_type>
  <ipsec_tunnel>
    <customer_gateway><tunnel_outside_address><ip_address>192.0.2.10</ip_address></tunnel_outside_address></customer_gateway>
  </ipsec_tunnel>
</vpn_connection>
"""


def test_xml_form_given_by_mistake():
    err = fails(XML, "this looks like the AWS VPN connection XML", "not an AWS generic configuration")
    assert err.line == 1


def test_prose_only_file():
    fails("Hello,\nplease find the VPN settings attached.\n", "no 'IPSec Tunnel #1' heading")


def test_invalid_ip():
    text = replace_line("Virtual Private Gateway\t        : 198.51.100.7",
                        "  - Virtual Private Gateway\t        : 198.51.100.300")
    err = fails(text, "tunnel 1", "AWS outside IP address", "'198.51.100.300' is not a valid IPv4 address")
    assert err.line == line_of("198.51.100.300", text)
    assert err.column == text.split("\n")[err.line - 1].index("198.51.100.300") + 1
    assert "^" in err.render()


def test_invalid_cidr():
    text = replace_line("169.254.44.42/30", "  - Customer Gateway         \t\t: 169.254.44.42/33")
    err = fails(text, "customer gateway inside IP address", "not a valid IPv4 address with prefix length")
    assert err.line == line_of("169.254.44.42/33", text)
    assert err.column is not None


def test_inside_address_without_prefix():
    text = replace_line("169.254.44.41/30", "  - Virtual Private Gateway             : 169.254.44.41")
    fails(text, "has no prefix length")


@pytest.mark.parametrize("asn, fragments", [
    ("65000x", ("customer gateway ASN", "'65000x' is not an AS number")),
    ("-1", ("is not an AS number",)),
    ("0", ("customer gateway ASN 0 is outside 1..4294967295",)),
    ("4294967296", ("customer gateway ASN 4294967296 is outside 1..4294967295",)),
])
def test_invalid_asn(asn, fragments):
    text = replace_line("Customer Gateway ASN", f"  - Customer Gateway ASN\t          : {asn}")
    err = fails(text, *fragments)
    assert err.line == line_of("Customer Gateway ASN", text)
    assert err.column == text.split("\n")[err.line - 1].index(asn) + 1


def _tunnel2_block(text: str = BASE) -> str:
    start = text.index("IPSec Tunnel #2")
    end = text.index("Additional Notes and Questions")
    return text[start:end]


def test_third_tunnel():
    block = _tunnel2_block().replace("IPSec Tunnel #2", "IPSec Tunnel #3")
    pos = BASE.index("Additional Notes and Questions")
    text = BASE[:pos] + block + BASE[pos:]
    err = fails(text, "IPSec Tunnel #3: an AWS connection has exactly two tunnels")
    assert err.line == line_of("IPSec Tunnel #3", text)
    assert err.context.strip() == "IPSec Tunnel #3"


def test_bare_third_tunnel_heading():
    pos = BASE.index("Additional Notes and Questions")
    text = BASE[:pos] + "IPSec Tunnel #3\n" + "=" * 80 + "\n\n" + BASE[pos:]
    fails(text, "IPSec Tunnel #3: an AWS connection has exactly two tunnels")


def test_duplicate_tunnel_number():
    text = BASE.replace("IPSec Tunnel #2", "IPSec Tunnel #1")
    err = fails(text, "IPSec Tunnel #1 appears twice", "the first is at line")
    assert err.line == line_of("IPSec Tunnel #1", text, nth=2)


def test_two_connection_files_pasted_together():
    other = (SAMPLES / "bgp-tgw-ikev1-2022.txt").read_text()
    err = fails(BASE + other, "more than one VPN connection")
    assert err.line == len(LINES) + line_of("Your VPN Connection ID", other) - 1


def test_tunnel_2_missing():
    text = BASE[: BASE.index("IPSec Tunnel #2")]
    err = fails(text, "tunnel 2 is missing")
    assert err.line is not None


def test_section_outside_any_tunnel():
    text = BASE.replace("IPSec Tunnel #1\n", "")
    err = fails(text, "'#1: Internet Key Exchange Configuration' is not under an 'IPSec Tunnel #N' heading")
    assert err.line == line_of("#1: Internet Key Exchange Configuration", text)


def test_duplicate_section_and_duplicate_key():
    text = replace_line("#3: Tunnel Interface Configuration", "#2: IPSec Configuration")
    fails(text, "tunnel 1 has a second section '#2: IPSec Configuration'")
    text = replace_line("DPD Retries", "  - DPD Interval             : 10")
    err = fails(text, "'DPD Interval' appears twice")
    assert err.line == line_of("DPD Retries", BASE)


def test_mixed_routing():
    static = (SAMPLES / "static-vgw-ikev2-2022.txt").read_text()
    text = BASE[: BASE.index("IPSec Tunnel #2")] + _tunnel2_block(static) + "Additional Notes and Questions\n"
    fails(text, "tunnel 2 uses static routing but tunnel 1 uses bgp")


def test_no_routing_section_at_all():
    text = BASE
    for _ in range(2):
        start = text.index("#4: Border Gateway Protocol")
        end = text.index("assigned to the VPC at creation time.") + len("assigned to the VPC at creation time.")
        text = text[:start] + text[end:]
    err = fails(text, "no routing section", "#4: Border Gateway Protocol (BGP) Configuration:",
                "#4: Static Routing Configuration:")
    assert err.line == line_of("IPSec Tunnel #1", text)


def test_unknown_algorithm_names_the_value_and_spellings():
    text = replace_line("Encryption Algorithm     : aes-128-cbc", "  - Encryption Algorithm     : 3des-cbc")
    err = fails(text, "tunnel 1: IKE encryption algorithm: unknown encryption algorithm '3des-cbc'")
    assert "aes-128-cbc" in err.hint and err.column == 32


def test_bad_psk_is_reported_without_showing_it():
    bad = "0" + PSK1[1:]
    text = BASE.replace(PSK1, bad)
    err = fails(text, "tunnel 1: the pre-shared key does not follow AWS's rule")
    assert bad not in err.render() and "***" in err.render()
    assert err.line == line_of("Pre-Shared Key           :", text)
    assert "8 to 64 characters" in err.hint


def test_lark_errors_become_input_errors():
    # the grammar accepts every line, so only a text without its final newline can fail: the reader
    # always adds one; feed the raw parser to check the mapping
    grammar = parser()
    with pytest.raises(grammar.UnexpectedInput) as info:
        grammar.parser.parse("IPSec Tunnel #1")
    err = _lark_error(info.value, "x.txt", ["IPSec Tunnel #1"])
    assert isinstance(err, InputError) and err.file == "x.txt" and err.line == 1 and err.column == 1
    assert err.context == "IPSec Tunnel #1" and err.hint


# -- tolerated input: warnings, not errors ----------------------------------------------------

def test_placeholders_and_redactions_are_warnings():
    text = BASE
    text = text.replace(PSK1, "<REDACTED_FOR_SECURITY>")
    text = text.replace("b2Kd9_Xv.Tn4Qm7Ws1Rf8Hy3Lc6Pz0Ja", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
    text = replace_line("Customer Gateway \t\t        : 192.0.2.10", "  - Customer Gateway \t\t        : YOUR_UPLINK_ADDRESS", text=text)
    text = replace_line("Customer Gateway \t\t        : 192.0.2.10", "  - Customer Gateway \t\t        : xxx.xxx.xxx.xxx", text=text)
    text = replace_line("Customer Gateway ASN", "  - Customer Gateway ASN\t          : YOUR_BGP_ASN", text=text)
    text = text.replace("vgw-0f1e2d3c4b5a69788", "vgw-")
    conn = load(text)
    t1, t2 = conn.tunnels
    assert t1.ike.psk is None and t2.ike.psk is None
    assert t1.outside.customer is None and t2.outside.customer is None
    assert t1.bgp.customer_asn is None and t2.bgp.customer_asn == 65000
    assert conn.gateway.kind.value == "vgw" and conn.gateway.id is None
    codes = sorted(w.code for w in conn.warnings)
    assert codes == ["id-truncated", "placeholder", "placeholder", "placeholder", "psk-redacted", "psk-redacted"]
    for w in conn.warnings:
        assert w.line is not None and w.message


@pytest.mark.parametrize("value", ["", "[ hidden ]", "plain-text-password1", "PRE-SHARED-KEY-IN-PLAIN-TEXT",
                                   "abcdefEXAMPLE"], ids=["empty", "hidden", "docs", "docs-nobgp", "example"])
def test_psk_placeholders(value):
    conn = load(BASE.replace(PSK1, value).replace(": \n", ":\n"))
    assert conn.tunnels[0].ike.psk is None
    assert [w.code for w in conn.warnings] == ["psk-redacted"]


def test_unknown_key_in_a_known_section_is_a_warning():
    text = replace_line("DPD Retries", "  - DPD Retries              : 3\n  - Startup Action           : start")
    conn = load(text)
    (w,) = conn.warnings
    assert w.code == "unknown-key" and "Startup Action" in w.message and w.line == line_of("Startup Action", text)


def test_quoted_psk_from_a_copied_doc():
    conn = load(BASE.replace(PSK1, f"\u201c{PSK1}\u201d"))
    assert conn.tunnels[0].ike.psk == PSK1
