"""vpncc.readers.detect: the one table of format marks every reader asks "what does this look like?"."""

from __future__ import annotations

import pytest

from tests.conftest import shared_dir
from vpncc.readers import detect

SHARED = shared_dir()
CORPUS = SHARED / "corpus"
#: corpus folder -> the kind its files must be recognised as
BY_FOLDER = {"generic": "aws-generic", "vendor/cisco-ios": "cisco-ios", "devices/cisco-ios": "cisco-ios",
             "vendor/cisco-asa": "cisco-asa", "vendor/fortinet": "fortios", "vendor/juniper": "junos",
             "vendor/mikrotik": "routeros", "vendor/vyos": "vyos"}


def corpus_cases():
    out = []
    for p in sorted(CORPUS.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(CORPUS)
        folder = str(rel.parent)
        if p.suffix == ".json":
            out.append((rel, "aws-json"))
        elif p.suffix == ".xml":
            out.append((rel, "aws-xml"))
        elif folder in BY_FOLDER:
            out.append((rel, BY_FOLDER[folder]))
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("rel,kind", corpus_cases(), ids=lambda v: str(v))
def test_corpus_files_are_recognised(rel, kind):
    assert detect.guess((CORPUS / rel).read_text(encoding="utf-8", errors="replace")) == kind


@pytest.mark.corpus
def test_corpus_is_there():
    assert len(corpus_cases()) >= 40


@pytest.mark.parametrize("text,kind", [
    ("set vpn ipsec site-to-site peer 198.51.100.7 authentication mode pre-shared-secret\n"
     "set interfaces vti vti1 address 169.254.44.42/30\n", "vyos"),
    ("set network ike gateway aws-1 authentication pre-shared-key key x\n", "panos"),
    ("/ip ipsec peer add address=198.51.100.7\n", "routeros"),
    ("set security ike gateway gw-1 address 198.51.100.7\nset interfaces st0 unit 1 family inet\n", "junos"),
    ("Amazon Web Services\nVirtual Private Cloud\n\nVPN Connection Configuration\n", "aws-generic"),
    # AWS's vendor examples carry the same heading behind a comment mark: not the generic file
    ("! Amazon Web Services\n! Virtual Private Cloud\ncrypto isakmp policy 200\n", "cisco-ios"),
    ("hello\n", None),
])
def test_marks(text, kind):
    assert detect.guess(text) == kind


def test_foreign_names_other_kinds_only():
    cisco = "crypto isakmp policy 10\ninterface Tunnel1\n"
    assert detect.foreign(cisco, ("junos",)) == "a Cisco IOS configuration"
    assert detect.foreign(cisco, ("cisco-ios", "cisco-asa")) is None
    assert detect.foreign("nothing known\n", ("junos",)) is None


def test_hits_count_lines_within_the_head():
    text = "set vpn ipsec a\nset vpn ipsec b\n" + "x\n" * (detect.HEAD // 2) + "set vpn ipsec c\n"
    assert detect.hits(text, "vyos") == 2
    assert set(detect.KINDS) <= set(detect.NAMES)
