"""Keys in the library: where they come from (arguments only, never the environment), how supplied keys
meet the input's, how they are replaced in text, and the modes of the files that hold them."""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import replace

import pytest

from tests.strategies import sample_connection
from vpncc import atomic
from vpncc.compiler import compile_files
from vpncc.errors import MissingValue, UsageError
from vpncc.profile import Profile
from vpncc.secrets import Scrubber, env_psks, placeholder, psk_file_text, read_psk_file, resolve_psks

PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")])
ENV_KEY = "Env.Key_From_The_Environment_01"
FILE_KEY = "File.Key_From_The_Psk_File_0001"


def redacted(conn):
    return replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk=None)) for t in conn.tunnels))


# -- sources ----------------------------------------------------------------------------------

def test_env_keys_fill_only_what_the_input_lacks():
    conn = redacted(sample_connection())
    assert resolve_psks(conn, environ={"VPNCC_PSK_1": ENV_KEY, "VPNCC_PSK": "Shared.Env_Key_for_all_02"}) == {
        1: ENV_KEY, 2: "Shared.Env_Key_for_all_02"}  # VPNCC_PSK_N first, VPNCC_PSK for the others


def test_env_key_against_the_input_key_is_an_error_naming_both_sources():
    conn = sample_connection()
    with pytest.raises(UsageError) as e:
        resolve_psks(conn, environ={"VPNCC_PSK_2": ENV_KEY})
    msg = str(e.value)
    assert "tunnel 2" in msg and "VPNCC_PSK_2" in msg and "the input" in msg and "--psk-override" in msg
    assert ENV_KEY not in msg and conn.tunnels[1].ike.psk not in msg


def test_psk_file_against_the_input_key_is_an_error_too():
    conn = sample_connection()
    with pytest.raises(UsageError) as e:
        resolve_psks(conn, file_psks={1: FILE_KEY}, file_name="keys.txt")
    assert "--psk-file keys.txt" in str(e.value) and FILE_KEY not in str(e.value)


def test_psk_file_against_the_environment_is_an_error():
    conn = redacted(sample_connection())
    with pytest.raises(UsageError) as e:
        resolve_psks(conn, file_psks={1: FILE_KEY}, environ={"VPNCC_PSK_1": ENV_KEY})
    assert "--psk-file" in str(e.value) and "VPNCC_PSK_1" in str(e.value)


def test_the_same_key_twice_is_no_conflict():
    conn = sample_connection()
    same = conn.tunnels[0].ike.psk
    assert resolve_psks(conn, environ={"VPNCC_PSK_1": same}, file_psks={1: same}) == {1: same}


def test_override_takes_psk_file_then_env_then_input():
    conn = sample_connection()
    got = resolve_psks(conn, file_psks={1: FILE_KEY}, environ={"VPNCC_PSK": ENV_KEY}, override=True)
    assert got == {1: FILE_KEY, 2: ENV_KEY}


def test_certificate_tunnels_take_no_key():
    conn = sample_connection()
    conn = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, auth="certificate", psk=None))
                                       for t in conn.tunnels))
    assert resolve_psks(conn, environ={"VPNCC_PSK": ENV_KEY}) == {}


def test_env_psks_reads_only_the_mapping_it_is_given():
    assert env_psks([1, 2], {"VPNCC_PSK_2": ENV_KEY}) == {2: (ENV_KEY, "VPNCC_PSK_2")}


class Watched(dict):
    """An environment that records every VPNCC_PSK* lookup."""

    def __init__(self, base):
        super().__init__(base)
        self.seen: list[str] = []

    def _note(self, key):
        if str(key).startswith("VPNCC_PSK"):
            self.seen.append(str(key))

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def test_the_library_never_reads_keys_from_the_environment(monkeypatch, tmp_path):
    env = Watched(os.environ)
    env["VPNCC_PSK_1"] = ENV_KEY
    env["VPNCC_PSK"] = ENV_KEY
    monkeypatch.setattr(os, "environ", env)
    conn = sample_connection()
    text = "".join(compile_files(conn, "cisco-ios", PROFILE).values())
    assert ENV_KEY not in text and conn.tunnels[0].ike.psk in text
    with pytest.raises(MissingValue):
        compile_files(redacted(conn), "cisco-ios", PROFILE)
    from vpncc.lab.plan import prepare

    with pytest.raises(MissingValue):
        prepare(redacted(conn), PROFILE, fmt=None, routing=None, aws_bgp="bird", psks=None, aws_conn=None,
                fail_psk=False, fail_proposal=False, fail_peer=False)
    cfg = tmp_path / "r1.cfg"
    cfg.write_text(text)
    from vpncc.validate.run import validate_configs

    validate_configs(conn, "cisco-ios", [str(cfg)], profile=PROFILE, remediation=True, jobs=1)
    assert env.seen == []


def test_keys_given_as_arguments_reach_the_config():
    text = "".join(compile_files(redacted(sample_connection()), "cisco-ios", PROFILE,
                                 psks={1: FILE_KEY, 2: ENV_KEY}).values())
    assert FILE_KEY in text and ENV_KEY in text


def test_psk_file_refuses_a_tunnel_given_twice(tmp_path):
    f = tmp_path / "keys"
    f.write_text(f"1: {FILE_KEY}\n1: {ENV_KEY}\n")
    with pytest.raises(Exception) as e:
        read_psk_file(str(f))
    assert "twice" in str(e.value) and FILE_KEY not in str(e.value)


# -- scrubbing --------------------------------------------------------------------------------

KEY = "Abc.Def_0123456789"


@pytest.mark.parametrize("written, expected", [
    (f"key {KEY} address 192.0.2.1", "key <P> address 192.0.2.1"),                       # IOS
    (f'ascii-text "{KEY}"', 'ascii-text "<P>"'),                                         # Junos
    (f"secret = 0x{KEY.encode().hex()}", 'secret = "<P>"'),                              # strongSwan hex
    (f"secret = 0X{KEY.encode().hex().upper()}", 'secret = "<P>"'),
])
def test_plain_key_forms(written, expected):
    s = Scrubber([(KEY, "<P>")])
    assert s.text(written) == expected


def test_quoted_forms_get_a_quoted_placeholder():
    key = 'q"u\\o\'te&<x>_12345'
    s = Scrubber([(key, "<P k>")])
    junos = '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    php = "'" + key.replace("\\", "\\\\").replace("'", "\\'") + "'"
    xml = key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&apos;")
    assert s.text(f"set psksecret {junos}") == 'set psksecret "<P k>"'
    assert s.text(f"$c['psk'] = {php};") == "$c['psk'] = '<P k>';"
    assert s.text(f"<pre-shared-key>{xml}</pre-shared-key>") == "<pre-shared-key>&lt;P k&gt;</pre-shared-key>"
    assert s.text(f"key {key} x") == "key <P k> x"
    import base64

    assert s.text("secret = 0s" + base64.b64encode(key.encode()).decode()) == 'secret = "<P k>"'


def test_a_short_key_is_replaced_only_as_a_word_of_its_own():
    s = Scrubber([("aws", "<P>")])  # a weak device key: "aws-vpn-1" is a name, not the key
    assert s.text("crypto isakmp key aws address 192.0.2.1\ninterface aws-vpn-1") == (
        "crypto isakmp key <P> address 192.0.2.1\ninterface aws-vpn-1")


def test_longer_keys_first():
    s = Scrubber([("Abc.Def_0123", "<one>"), ("Abc.Def_0123456789", "<two>")])
    assert s.text("k Abc.Def_0123456789 k Abc.Def_0123") == "k <two> k <one>"


def test_placeholder_reads_the_same_in_every_syntax():
    for p in (placeholder(1, "vpn-0123abcd"), placeholder(2, None, "out/keys.txt"), placeholder(None),
              placeholder(1, 'vpn"; evil', 'k"e\\y\'s')):
        assert not set(p) & set("\"'\\\n"), p
    assert "vpn-0123abcd" in placeholder(1, "vpn-0123abcd") and "describe-vpn-connections" in placeholder(1)


def test_for_connection_covers_the_device_keys():
    from vpncc.validate.model import DeviceConfig, DeviceTunnel

    dev = DeviceConfig("cisco-ios", None, [DeviceTunnel("Tunnel1")])
    dev.tunnels[0].set("ike.psk", "Old.Device_Key_000111", 3)
    s = Scrubber.for_connection(sample_connection(), dev)
    assert s.text("no crypto isakmp key Old.Device_Key_000111 address 192.0.2.1") == (
        "no crypto isakmp key <PSK: the key now on the device> address 192.0.2.1")


def test_finding_values_are_scrubbed():
    s = Scrubber([(KEY, "<P>")])
    assert s.value(("aes128", KEY)) == '["aes128", "<P>"]'
    assert s.value(("aes128", "sha1")) == ("aes128", "sha1")  # no key: the value itself, untouched
    assert s.value(None) is None and s.value(3) == 3


def test_psk_out_file_is_a_psk_file(tmp_path):
    conn = sample_connection()
    f = tmp_path / "keys.txt"
    f.write_text(psk_file_text([conn]))
    assert read_psk_file(str(f)) == {t.number: t.ike.psk for t in conn.tunnels}


# -- file modes -------------------------------------------------------------------------------

@pytest.fixture
def umask027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_public_files_keep_the_umask(tmp_path, umask027):
    atomic.write_atomic(tmp_path / "report.txt", "no key\n", None)
    atomic.write_atomic(tmp_path / "r1.cfg", "a key\n")
    assert mode(tmp_path / "report.txt") == 0o640 and mode(tmp_path / "r1.cfg") == 0o600


def test_replacing_a_private_file_with_a_public_one_and_back(tmp_path, umask027):
    p = tmp_path / "out.txt"
    atomic.write_atomic(p, "key\n", atomic.SECRET)
    atomic.write_atomic(p, "report\n", atomic.PUBLIC)
    assert mode(p) == 0o640
    atomic.write_atomic(p, "key\n", atomic.SECRET)
    assert mode(p) == 0o600


def test_write_tree_by_content(tmp_path, umask027):
    files = {"swanctl.conf": f"secret = {KEY}\n", "50-vpncc-xfrm1.netdev": "[NetDev]\n", "up.sh": "ip link\n",
             "keys.sh": KEY}
    s = Scrubber([(KEY, "")])
    atomic.write_tree(tmp_path / "b", files, secret=lambda _n, text: s.holds(text))
    modes = {n: mode(tmp_path / "b" / n) for n in files}
    assert modes == {"swanctl.conf": 0o600, "50-vpncc-xfrm1.netdev": 0o640, "up.sh": 0o750, "keys.sh": 0o700}
    assert mode(tmp_path / "b") == 0o700  # it holds a key
    atomic.write_tree(tmp_path / "c", {"a.network": "[Match]\n"}, secret=lambda _n, _t: False)
    assert mode(tmp_path / "c") == 0o750 and mode(tmp_path / "c" / "a.network") == 0o640


def test_umask_is_read_without_changing_it(umask027):
    assert atomic.umask() == 0o027
    assert os.umask(0o027) == 0o027
