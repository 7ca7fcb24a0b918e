"""strongSwan reader: real configs from the corpus, grammar features (nested sections, includes,
comments, references, quoting), strongSwan defaults, bundles, wrong input, large files."""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import pytest

from tests.strategies import sample_connection
from vpncc.backends import base
from vpncc.backends.strongswan import names
from vpncc.compiler import compile_files
from vpncc.errors import InputError
from vpncc.ir import Encryption, IkeVersion, Integrity, NegotiationMode
from vpncc.profile import Profile

R = base.get("strongswan")
IP = ipaddress.IPv4Address
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])


def v(t, key):
    o = t.get(key)
    return None if o is None else o.value


@pytest.fixture
def corpus(shared) -> Path:
    return shared / "corpus"


def _read(*paths: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") + "\n" for p in paths)


# -- the corpus --------------------------------------------------------------------------------

def test_tyskj_swanctl_two_tunnels(corpus) -> None:
    path = corpus / "devices/strongswan/tyskj-tgw-swanctl.tgw.conf.vtiver"
    dev = R.read(path.read_text(), str(path))
    assert [t.name for t in dev.tunnels] == ["tgw-tunnel1", "tgw-tunnel2"]
    t1, t2 = dev.tunnels
    assert v(t1, "outside.aws") == IP("35.73.210.15") and v(t2, "outside.aws") == IP("52.192.199.148")
    # local_addrs is the private address behind NAT; the identity is the public one
    assert v(t1, "outside.customer") == IP("54.150.56.236")
    for t in dev.tunnels:
        assert v(t, "ike.version") is IkeVersion.IKEV2
        assert v(t, "ike.encryption") == (Encryption.AES256,)
        assert v(t, "ike.integrity") == (Integrity.SHA2_256,)
        assert v(t, "ike.dh_groups") == (14,)
        assert v(t, "ipsec.pfs_groups") == (14,)
        assert v(t, "ike.lifetime_s") == names.SWANCTL_IKE_REKEY       # not set: strongSwan's 4 h
        assert v(t, "ipsec.lifetime_s") == 28800                       # life_time = 28800 (rekey_time 3600)
        assert t.get("dpd.interval_s") is None                         # no dpd_delay: DPD off
        assert v(t, "ike.psk") == ""                                   # the file's blanked secret
    assert (t1.line, t1.get("outside.aws").line, t2.get("outside.aws").line) == (6, 12, 56)
    assert dev.notes == []


def test_jonxrojas_ipsec_conf_secrets_quagga(corpus) -> None:
    d = corpus / "devices/strongswan"
    text = _read(d / "jonxrojas-strongswan.ipsec.conf", d / "jonxrojas-strongswan.ipsec.secrets",
                 d / "jonxrojas-strongswan.bgpd.conf")
    dev = R.read(text)
    assert [t.name for t in dev.tunnels] == ["AWS-VPC-GW1", "AWS-VPC-GW2"]
    for t, peer in zip(dev.tunnels, ("75.2.24.106", "76.223.50.16"), strict=False):
        assert v(t, "outside.aws") == IP(peer)
        assert t.get("outside.customer") is None                      # left=%any, no leftid
        assert v(t, "ike.version") is IkeVersion.IKEV1                # from conn %default
        assert v(t, "ike.mode") is NegotiationMode.MAIN
        assert v(t, "ike.encryption") == (Encryption.AES128,)         # "!" = strict: no defaults added
        assert v(t, "ike.dh_groups") == (2,)
        assert (v(t, "ike.lifetime_s"), v(t, "ipsec.lifetime_s")) == (28800, 3600)
        assert (v(t, "dpd.interval_s"), v(t, "dpd.retries")) == (10, 3)
        assert len(v(t, "ike.psk")) == 32
    nbs = {str(n["neighbor"].value): n for n in dev.bgp_neighbors}
    assert set(nbs) == {"169.254.120.193", "169.254.40.41"}
    assert nbs["169.254.40.41"]["aws_asn"].value == 64512
    assert nbs["169.254.40.41"]["customer_asn"].value == 65000
    assert nbs["169.254.40.41"]["hold_time_s"].value == 180           # Quagga/FRR default


def test_sandipgangdhar_updown_inside_and_unknown_keywords(corpus) -> None:
    d = corpus / "devices/strongswan"
    dev = R.read(_read(d / "sandipgangdhar-linode-aws.ipsec.conf", d / "sandipgangdhar-linode-aws.ipsec.secrets"))
    t1, t2 = dev.tunnels
    # AWS's aws-updown.sh convention: -ll is the customer inside address
    assert v(t1, "inside.customer") == ipaddress.IPv4Interface("169.254.211.190/30")
    assert v(t2, "inside.customer") == ipaddress.IPv4Interface("169.254.91.58/30")
    assert v(t1, "ike.version") is IkeVersion.IKEV2
    # no "!": charon appends its default proposals
    assert Encryption.AES256 in v(t1, "ike.encryption") and Encryption.AES128_GCM_16 in v(t1, "ike.encryption")
    assert v(t1, "ipsec.pfs_groups") == ()                             # esp=aes256-sha256: no PFS
    assert (v(t1, "dpd.interval_s"), v(t1, "dpd.retries")) == (30, 4)
    assert {n.message.split(": ")[1] for n in dev.notes} == {"unknown keyword 'leftkeepalive' (starter would refuse it)",
                                                             "unknown keyword 'rightkeepalive' (starter would refuse it)"}


@pytest.mark.parametrize("name", ["heo001997-workshop-openswan-ec2.md", "leonardschuler-site-to-site-vpn-README.md"])
def test_markdown_pages_do_not_crash(corpus, name) -> None:
    dev = R.read((corpus / "devices/strongswan" / name).read_text())
    assert len(dev.tunnels) == 1
    assert dev.notes  # the prose lines


def test_aws_example_vti_mtu_mss(shared) -> None:
    """AWS's own strongSwan example: ipsec.conf conns plus the VTI/iptables commands."""
    text = (shared / "corpus/vendor/strongswan/jrdalino-README-strongswan-ubuntu.extracted.txt").read_text()
    dev = R.read(text)
    t1, t2 = dev.tunnels
    assert v(t1, "inside.customer") == ipaddress.IPv4Interface("169.254.163.250/30")   # vti key 100 = mark 100
    assert v(t2, "inside.customer") == ipaddress.IPv4Interface("169.254.99.22/30")
    assert v(t1, "mtu") == 1419
    assert v(t1, "tcp_mss") == 1379                                   # --clamp-mss-to-pmtu: MTU - 40


# -- grammar features ----------------------------------------------------------------------------

SWANCTL = """\
# comment at the top
connections {
    base {                      # a template section referenced below
        version = 1
        proposals = aes256-sha256-modp2048 # trailing comment
    }
    t1 : connections.base {
        remote_addrs = 198.51.100.7
        local { auth = psk
                id = 192.0.2.10 }
        remote { id = 198.51.100.7 }
        children { c1 { esp_proposals = aes128gcm16-ecp256
                        if_id_out = 0x64 } }
    }
}
include conf.d/*.conf
secrets {
    ike-1 {
        id = 198.51.100.7
        secret = "a \\"quoted\\" key # not a comment"
    }
}
"""


def test_nested_sections_refs_includes_comments(tmp_path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "10-more.conf").write_text(
        "connections {\n    t1 {\n        rekey_time = 2h\n        dpd_delay = 10s\n    }\n}\n")
    main = tmp_path / "swanctl.conf"
    main.write_text(SWANCTL)
    dev = R.read(SWANCTL, str(main))
    t = next(t for t in dev.tunnels if t.name == "t1")
    assert v(t, "ike.version") is IkeVersion.IKEV1                     # inherited from base
    assert v(t, "ike.encryption") == (Encryption.AES256,)
    assert v(t, "ike.lifetime_s") == 7200                              # from the included file
    assert (v(t, "dpd.interval_s"), v(t, "dpd.retries")) == (10, names.CHARON_RETRANSMIT_TRIES)
    assert v(t, "ipsec.encryption") == (Encryption.AES128_GCM_16,)
    assert v(t, "ipsec.integrity") == ()                               # GCM-only ESP
    assert v(t, "ipsec.lifetime_s") == 3960                            # default rekey 1 h + 10 %
    assert v(t, "ike.psk") == 'a "quoted" key # not a comment'
    assert t.get("ike.encryption").line == 5


def test_include_without_path_is_a_note() -> None:
    dev = R.read(SWANCTL)
    assert any("include conf.d/*.conf" in n.message for n in dev.notes)


def test_syntax_error_has_line() -> None:
    with pytest.raises(InputError) as e:
        R.read("connections {\n  a {\n    version = 2\n}\n", "x.conf")
    assert e.value.file == "x.conf" and e.value.line is not None


def test_secret_never_in_syntax_error() -> None:
    with pytest.raises(InputError) as e:
        R.read("secrets {\n  ike {\n    secret TopSecretValue1\n  }\n}\n")
    assert "TopSecretValue1" not in str(e.value)


def test_defaults_when_omitted() -> None:
    dev = R.read("connections {\n  c {\n    remote_addrs = 198.51.100.7\n    children { c { } }\n  }\n}\n")
    t = dev.tunnels[0]
    assert v(t, "ike.version") is IkeVersion.IKEV2
    assert Encryption.AES128 in v(t, "ike.encryption") and 14 in v(t, "ike.dh_groups")   # "default" proposals
    assert v(t, "ipsec.pfs_groups") == ()
    assert v(t, "ike.lifetime_s") == 14400
    assert t.get("dpd.interval_s") is None and t.get("ike.psk") is None


def test_unknown_settings_and_foreign_algorithms_are_notes() -> None:
    dev = R.read("connections {\n  c {\n    remote_addrs = 198.51.100.7\n    proposals = 3des-md5-modp1024,aes999\n"
                 "    colour = blue\n  }\n}\n")
    msgs = " | ".join(n.message for n in dev.notes)
    assert "unknown setting 'colour'" in msgs
    assert "aes999 is no AWS algorithm" in msgs
    # 3DES and MD5 are device-only IR values: the proposal holds them, AWS accepts neither
    first, second = dev.tunnels[0].value("ike.proposals")
    assert (first.encryption, first.integrity, first.dh_groups) == ((Encryption.TDES,), (Integrity.MD5,), (2,))
    assert second.unknown == ("aes999",)


@pytest.mark.parametrize("text,what", [
    ("", "empty"),
    ("interface GigabitEthernet1\n ip address 10.0.0.1 255.255.255.0\ncrypto isakmp policy 10\n", "Cisco IOS"),
    ("set security ike proposal p1 authentication-method pre-shared-keys\n", "Junos"),
    ("hello world\n", "not a strongSwan file"),
])
def test_wrong_input(text: str, what: str) -> None:
    with pytest.raises(InputError, match=what):
        R.read(text, "device.cfg")


# -- bundles -------------------------------------------------------------------------------------

def test_bundle_directory_siblings(tmp_path) -> None:
    files = compile_files(sample_connection(), "strongswan", PROFILE)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    main = tmp_path / "swanctl.conf"
    dev = R.read(main.read_text(), str(main))
    t1 = dev.tunnels[0]
    assert v(t1, "inside.customer") == ipaddress.IPv4Interface("169.254.44.42/30")
    assert (v(t1, "mtu"), v(t1, "tcp_mss")) == (1436, 1379)
    assert len(dev.bgp_neighbors) == 2


def test_legacy_reads_secrets_next_to_ipsec_conf(tmp_path) -> None:
    files = compile_files(sample_connection(), "strongswan", PROFILE, format="legacy")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    dev = R.read(files["ipsec.conf"], str(tmp_path / "ipsec.conf"))
    assert v(dev.tunnels[0], "ike.psk") == sample_connection().tunnels[0].ike.psk


def test_main_file_alone_lacks_the_linux_side() -> None:
    main = compile_files(sample_connection(), "strongswan", PROFILE)["swanctl.conf"]
    t1 = R.read(main).tunnels[0]
    assert t1.get("inside.customer") is None and t1.get("mtu") is None
    assert v(t1, "outside.aws") == IP("198.51.100.7")


# -- large files ---------------------------------------------------------------------------------

def _big_swanctl(lines: int) -> str:
    one = compile_files(sample_connection(), "strongswan", PROFILE)["swanctl.conf"]
    block = one[one.index("    vpn-0a1b2c3d4e5f60718-tunnel1 {"):one.index("    # Tunnel 2")]
    out = ["connections {\n"]
    n = count = 0
    while count < lines:
        n += 1
        out.append(block.replace("vpn-0a1b2c3d4e5f60718-tunnel1", f"conn{n}"))
        count += block.count("\n")
    out.append("}\n")
    return "".join(out)


def test_100k_line_swanctl_is_read_correctly() -> None:
    text = _big_swanctl(100_000)
    t0 = time.perf_counter()
    dev = R.read(text)
    took = time.perf_counter() - t0
    assert len(dev.tunnels) > 2000
    print(f"100k-line swanctl.conf: {took:.2f} s")
    # speed is measured in benchmarks/run.py, not asserted here


def test_100k_line_ipsec_conf_is_read_correctly() -> None:
    one = compile_files(sample_connection(), "strongswan", PROFILE, format="legacy")["ipsec.conf"]
    block = one[one.index("conn vpn-0a1b2c3d4e5f60718-tunnel1"):one.index("# Tunnel 2")]
    parts = []
    n = count = 0
    while count < 100_000:
        n += 1
        parts.append(block.replace("vpn-0a1b2c3d4e5f60718-tunnel1", f"conn{n}"))
        count += block.count("\n")
    t0 = time.perf_counter()
    dev = R.read("".join(parts))
    took = time.perf_counter() - t0
    assert len(dev.tunnels) == n
    print(f"100k-line ipsec.conf: {took:.2f} s")
    # speed is measured in benchmarks/run.py, not asserted here