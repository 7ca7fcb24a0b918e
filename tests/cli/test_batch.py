"""A batch survives one bad connection (vpncc/batch.py): the connection a backend cannot express is
named with its reason, every other output is written, and the exit code says some failed (1; 2 when
nothing could be written). Files of an input directory that are not AWS inputs are skipped with a note.
`-o` is a file for one connection and a directory for many, named `<connection>.<ext>`."""

from __future__ import annotations

import shutil

from tests.clirunner import ROOT, cli

S = ROOT / "samples"
NETS = ("--local-networks", "10.10.0.0/16", "--remote-networks", "10.0.0.0/16")
# ids written in the samples themselves
BGP, STATIC, CERT = "vpn-0a1b2c3d4e5f60718", "vpn-0e5d4c3b2a1908f7e", "vpn-0ce27ce27ce270004"


def _src(tmp_path, *names):
    src = tmp_path / "aws"
    src.mkdir()
    for n in names:
        shutil.copy(S / n, src / n)
    return src


def test_one_inexpressible_connection_the_others_are_written(tmp_path):
    # cisco-ios writes no PKI configuration: the certificate-authenticated connection is refused
    src = _src(tmp_path, "bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt", "api-certificate.json")
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "cisco-ios", *NETS, "-o", str(out))
    assert r.rc == 1, r.err
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{BGP}.cfg", f"{STATIC}.cfg"]), names
    assert f"{CERT}: error: cisco-ios: not compiled: certificate authentication" in r.err
    assert f"wrote 2 file(s) to {out}; 1 failed" in r.err


def test_every_connection_inexpressible_exits_2(tmp_path):
    src = _src(tmp_path, "api-certificate.json")
    r = cli("compile", str(src), "--vendor", "cisco-ios,fortinet", *NETS, "-o", str(tmp_path / "out"))
    assert r.rc == 2
    assert r.err.count(f"{CERT}: error:") == 2 and "; 2 failed" in r.err


def test_non_aws_files_in_the_directory_are_skipped_with_a_note(tmp_path):
    src = _src(tmp_path, "bgp-vgw-ikev1-2022.txt")
    (src / "README.md").write_text("# notes\n\nThese are our AWS files.\n")
    (src / "r1.cfg").write_text("hostname r1\ninterface Tunnel1\n ip address 169.254.10.2 255.255.255.252\n")
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "juniper", *NETS, "-o", str(out))
    assert r.rc == 0, r.err
    assert [p.name for p in out.iterdir()] == [f"{BGP}.set"]
    assert f"{src / 'r1.cfg'}: note: skipped: not an AWS VPN input (a Cisco IOS configuration)" in r.err
    assert f"{src / 'README.md'}: note: skipped" in r.err


def test_a_broken_aws_file_is_a_failure_not_a_skip(tmp_path):
    src = _src(tmp_path, "bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt")
    text = (S / "bgp-vgw-ikev1-2022.txt").read_text()
    (src / "broken.txt").write_text(text.split("#3: Tunnel Interface")[0][:1500])
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "cisco-ios", *NETS, "-o", str(out))
    assert r.rc == 1, r.err
    assert f"{src / 'broken.txt'}: error: not compiled:" in r.err
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{BGP}.cfg", f"{STATIC}.cfg"])


def test_output_is_a_file_for_one_connection_and_a_directory_for_many(tmp_path):
    one = tmp_path / "r1.cfg"
    r = cli("compile", str(S / "bgp-vgw-ikev1-2022.txt"), "--vendor", "cisco-ios", *NETS, "-o", str(one))
    assert r.rc == 0 and one.is_file()
    # one connection into an existing directory: the same name a batch gives it
    d = tmp_path / "d"
    d.mkdir()
    r = cli("compile", str(S / "bgp-vgw-ikev1-2022.txt"), "--vendor", "cisco-ios", *NETS, "-o", str(d))
    assert r.rc == 0 and [p.name for p in d.iterdir()] == [f"{BGP}.cfg"]
    # many connections cannot go into one file
    src = _src(tmp_path, "bgp-vgw-ikev1-2022.txt", "static-vgw-ikev2-2022.txt")
    r = cli("compile", str(src), "--vendor", "cisco-ios", *NETS, "-o", str(one))
    assert r.rc == 2 and "is a file" in r.err


def test_terraform_state_with_two_connections_compiles_each(tmp_path):
    out = tmp_path / "out"
    r = cli("compile", str(S / "terraform" / "two-connections.state.json"), "--vendor", "strongswan", *NETS,
            "-o", str(out))
    assert r.rc == 0, r.err
    assert sorted(p.name for p in out.iterdir()) == ["vpn-0a1b2c3d4e5f60101.conf", "vpn-0a1b2c3d4e5f60202.conf"]
