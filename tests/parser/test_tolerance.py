"""The reader keeps working on everything real copies do to the text: reworded prose, other
indentation, tabs and trailing blanks, line endings, BOM, no-break spaces, spelling and case of
headings and keys, missing group headings, API spellings of algorithms."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest

from vpncc import checks
from vpncc.ir import Source
from vpncc.readers.aws_generic import read

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BASE = (SAMPLES / "bgp-vgw-ikev1-2022.txt").read_text()
STRUCTURAL = re.compile(r"^\s*(-|Your |IPSec Tunnel|#\d:|Outside IP|Inside IP|Additional Notes)", re.I)


def same(text: str, base: str = BASE):
    """``text`` reads to the same connection as ``base`` (source and warnings aside)."""
    a, b = read(text), read(base)
    checks.check(a)
    assert replace(a, source=Source(), warnings=()) == replace(b, source=Source(), warnings=())
    return a


def test_reworded_prose_changes_nothing():
    words = iter(["Lorem ipsum dolor sit amet.", "Consectetur: adipiscing elit", "==== sed do ====",
                  "Tempor incididunt ut labore", "", "   ", "Configure the tunnels: like this"] * 100)
    lines = [line if STRUCTURAL.match(line) else next(words) for line in BASE.split("\n")]
    lines.insert(30, "Some brand-new AWS paragraph that did not exist before.")
    same("\n".join(lines))


@pytest.mark.parametrize("indent", ["    ", "\t", " \t "])
def test_any_indentation(indent):
    same("\n".join(indent + line for line in BASE.split("\n")))


def test_unindented_items_and_trailing_blanks():
    text = "\n".join(line.lstrip() + " \t " for line in BASE.split("\n"))
    conn = same(text)
    assert conn.source.layout == "docs"


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_line_endings(eol):
    text = BASE.replace("\n", eol)
    conn = same(text)
    assert conn.origin["tunnels[1]"] == read(BASE).origin["tunnels[1]"]


def test_bom_no_final_newline_and_no_break_spaces():
    text = "\ufeff" + BASE.rstrip("\n").replace("        :", "\u00a0\u00a0\u00a0\u00a0:")
    assert "\u00a0" in text
    same(text)


def test_heading_and_key_case_and_spelling():
    text = BASE.replace("IPSec Tunnel #", "IPSEC TUNNEL #").replace("#2: IPSec Configuration", "#2: IPsec Configuration")
    text = text.replace("Pre-Shared Key           :", "PRE-SHARED KEY :").replace("Inside IP Addresses", "inside ip addresses:")
    text = text.replace("Virtual Private  Gateway ASN", "Virtual   Private Gateway ASN")
    text = text.replace("Clear Don't Fragment Bit", "Clear Don\u2019t Fragment Bit")
    text = text.replace("Diffie-Hellman           :", "Diffie Hellman :").replace("DPD Interval ", "dpd   interval")
    same(text)


def test_annotated_tunnel_heading():
    same(BASE.replace("IPSec Tunnel #1\n", "IPSec Tunnel #1 (primary, eu-west-1a)\n"))


def test_markdown_wrapping_and_images():
    text = BASE.replace("IPSec Tunnel #1\n", "```\n![tunnel](img/t1.png)\nIPSec Tunnel #1\n")
    text = text.replace("#3: Tunnel Interface Configuration\n", "![[Image NOT FOUND]](x.png) \n#3: Tunnel Interface Configuration\n")
    conn = same("# My VPN\n\nSome notes.\n\n```\n" + text + "```\n")
    assert conn.source.layout == "docs"


def test_address_lines_without_group_headings():
    text = BASE.replace("Outside IP Addresses:\n", "").replace("Inside IP Addresses\n", "")
    same(text)


def test_ikev1_without_version_line_is_ikev1_and_old_pfs_is_phase1_dh():
    text = re.sub(r"  - IKE version .*\n", "", BASE)
    text = text.replace("  - Diffie-Hellman           : Group 2", "  - Perfect Forward Secrecy  : Diffie-Hellman Group 2")
    conn = same(text)
    assert conn.source.layout == "2011"


def test_api_and_alternative_spellings():
    text = BASE.replace("Encryption Algorithm     : aes-128-cbc", "Encryption Algorithm     : AES256-GCM-16, AES128")
    text = text.replace("Authentication Algorithm : sha1", "Authentication Algorithm : SHA2-384, sha1")
    text = text.replace("Authentication Algorithm : hmac-sha1-96", "Authentication Algorithm : hmac-sha2-512-256")
    text = text.replace("Diffie-Hellman           : Group 2", "Diffie-Hellman           : group14, Group 21, modp2048")
    text = text.replace("Perfect Forward Secrecy  : Diffie-Hellman Group 2", "Perfect Forward Secrecy  : DH Group 24")
    conn = read(text)
    checks.check(conn)
    t = conn.tunnels[0]
    assert [e.value for e in t.ike.encryption] == ["AES256-GCM-16", "AES128"]
    assert [i.value for i in t.ike.integrity] == ["SHA2-384", "SHA1"]
    assert [i.value for i in t.ipsec.integrity] == ["SHA2-512"]
    assert t.ike.dh_groups == (14, 21) and t.ipsec.pfs_groups == (24,)


def test_certificate_authentication_needs_no_psk():
    text = BASE.replace("Authentication Method    : Pre-Shared Key", "Authentication Method    : Certificate")
    text = re.sub(r"  - Pre-Shared Key .*\n", "", text)
    conn = read(text)
    checks.check(conn)
    assert {t.ike.auth for t in conn.tunnels} == {"certificate"} and {t.ike.psk for t in conn.tunnels} == {None}
    assert not conn.warnings


@pytest.mark.parametrize("value", ["vpn-AAAAAAAA", "vpn-xxxxxxxxxxxxxxxxx", "vpn-0999ab4ae3EXAMPLE"])
def test_placeholder_ids(value):
    conn = read(BASE.replace("vpn-0a1b2c3d4e5f60718", value))
    assert conn.vpn_connection_id is None
    assert [w.code for w in conn.warnings] == ["placeholder"]


def test_unusual_but_real_looking_id_is_kept_with_a_warning():
    conn = read(BASE.replace("vpn-0a1b2c3d4e5f60718", "vpn-0A1B2C3D4E5F60718"))
    assert conn.vpn_connection_id == "vpn-0A1B2C3D4E5F60718"
    assert [w.code for w in conn.warnings] == ["id-unusual"]


def test_fragmentation_absent_means_false_like_the_2009_xsl():
    conn = read(re.sub(r"  - Fragmentation .*\n", "", BASE))
    assert {t.fragment_before_encryption for t in conn.tunnels} == {False}


# -- the grammar and the parser factory --------------------------------------------------------

def test_grammar_is_conflict_free_lalr(caplog):
    from lark import Lark, logger

    from vpncc._resources import resource_dir

    grammar = (resource_dir("grammars") / "aws_generic.lark").read_text()
    logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, debug=True)
    finally:
        logger.setLevel(logging.CRITICAL)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]
