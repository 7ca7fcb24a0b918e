"""Many connections at once: a directory (or an API JSON) compiles to one file per connection and
validates a fleet of device configs in one run with one report."""

from __future__ import annotations

import json
import shutil
import stat

from tests.clirunner import ROOT, cli

EX = ROOT / "examples" / "network-repo" / "aws"


def test_compile_directory_to_directory_and_validate_fleet(tmp_path):
    src = tmp_path / "aws"
    src.mkdir()
    for name in ("hq.txt", "dc.txt"):
        shutil.copy(EX / name, src / name)
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "juniper", "--local-networks", "10.10.0.0/16", "-o", str(out))
    assert r.rc == 0, r.err
    files = sorted(p.name for p in out.iterdir())
    assert files == ["vpn-0e1a2b3c4d5e6f701.set", "vpn-0f9e8d7c6b5a4f3e2.set"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    stray = tmp_path / "other.conf"
    stray.write_text("set security ike gateway x address 198.18.7.7\n")
    r = cli("validate", str(src), "--vendor", "juniper", "--format", "json", "--local-networks", "10.10.0.0/16",
            *[a for f in sorted(out.iterdir()) for a in ("--config", str(f))], "--config", str(stray))
    doc = json.loads(r.out)
    pairs = [(c["file"].rsplit("/", 1)[-1], c["connection"], c["compliant"]) for c in doc["configs"]]
    assert pairs == [("vpn-0e1a2b3c4d5e6f701.set", "vpn-0e1a2b3c4d5e6f701", True),
                     ("vpn-0f9e8d7c6b5a4f3e2.set", "vpn-0f9e8d7c6b5a4f3e2", True),
                     ("other.conf", None, False)]
    # security findings (a weak example suite, IKEv1) are counted apart from compliance
    assert [(f["rule"], f["tunnel"]) for f in doc["findings"] if f.get("category") != "security"] == [("VPN101", None)]
    assert r.rc == 1


def test_api_json_with_many_connections_compiles_each(tmp_path, shared):
    corpus = shared / "corpus" / "xml"
    merged = {"VpnConnections": []}
    for name in ("batfish-VpnConnectionWithTunnelOptions.json", "batfish-test-private-subnet-VpnConnections.json",
                 "batfish-test-public-private-subnet-VpnConnections.json"):
        merged["VpnConnections"] += json.loads((corpus / name).read_text())["VpnConnections"]
    src = tmp_path / "describe.json"
    src.write_text(json.dumps(merged))
    r = cli("parse", str(src), "--redact", "-q")
    ids = sorted(d["vpn_connection_id"] for d in json.loads(r.out))
    assert len(ids) == 3
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "strongswan", "--local-networks", "10.10.0.0/16",
            "--remote-networks", "10.0.0.0/16", "-o", str(out), "-q")
    assert r.rc == 0, r.err
    assert sorted(p.name.rsplit(".", 1)[0] for p in out.iterdir()) == ids


def test_many_connections_need_a_directory(tmp_path):
    src = tmp_path / "aws"
    src.mkdir()
    for name in ("hq.txt", "dc.txt"):
        shutil.copy(EX / name, src / name)
    r = cli("compile", str(src), "--vendor", "cisco-ios")
    assert r.rc == 2 and "-o DIR" in r.err
    r = cli("compile", str(src), "--vendor", "cisco-ios", "--connection", "vpn-0f9e8d7c6b5a4f3e2",
            "--local-networks", "10.10.0.0/16", may_print_psk=True)
    assert r.rc == 0 and "vpn-0f9e8d7c6b5a4f3e2" in r.out


def test_several_vendors_into_one_directory_and_nothing_lands_on_failure(tmp_path):
    src = tmp_path / "aws"
    src.mkdir()
    for name in ("hq.txt", "dc.txt"):
        shutil.copy(EX / name, src / name)
    out = tmp_path / "out"
    r = cli("compile", str(src), "--vendor", "cisco-ios,juniper,fortinet", "--local-networks", "10.10.0.0/16",
            "-o", str(out))
    assert r.rc == 0, r.err
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "cisco-ios/vpn-0e1a2b3c4d5e6f701.cfg", "cisco-ios/vpn-0f9e8d7c6b5a4f3e2.cfg",
        "fortinet/vpn-0e1a2b3c4d5e6f701.conf", "fortinet/vpn-0f9e8d7c6b5a4f3e2.conf",
        "juniper/vpn-0e1a2b3c4d5e6f701.set", "juniper/vpn-0f9e8d7c6b5a4f3e2.set"]
    # a duplicate id: refused, and the directory keeps exactly what it had
    shutil.copy(EX / "hq.txt", src / "hq-copy.txt")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    r = cli("compile", str(src), "--vendor", "cisco-ios,juniper", "--local-networks", "10.10.0.0/16", "-o", str(out))
    assert r.rc == 2 and "share an id" in r.err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_batch_says_where_bundle_backends_keep_the_rest(tmp_path):
    src = tmp_path / "aws"
    src.mkdir()
    for name in ("hq.txt", "dc.txt"):
        shutil.copy(EX / name, src / name)
    r = cli("compile", str(src), "--vendor", "juniper,strongswan", "--local-networks", "10.10.0.0/16",
            "-o", str(tmp_path / "out"))
    assert r.rc == 0, r.err
    notes = [line for line in r.err.splitlines() if line.startswith("note:")]
    assert notes == ["note: strongswan: only each connection's main file was written; its companion files "
                     "(interfaces, routing) come with: vpncc compile FILE --vendor strongswan --bundle DIR"]
    assert sorted(p.name for p in (tmp_path / "out" / "strongswan").iterdir()) == [
        "vpn-0e1a2b3c4d5e6f701.conf", "vpn-0f9e8d7c6b5a4f3e2.conf"]
