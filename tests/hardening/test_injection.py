"""No value from any input or profile reaches a device config unvalidated.

For every backend: a hostile PSK or profile name is either refused with a vpncc error, or rendered so
that no injected line appears and the device reader reads the original value back.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest

from tests.strategies import sample_connection
from vpncc.backends import base
from vpncc.compiler import compile_files
from vpncc.errors import VpnccError
from vpncc.profile import Profile

BACKENDS = base.names()
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
PAYLOAD = "username admin privilege 15 secret 0 pwned"

HOSTILE_PSKS = [
    "abc12345\n" + PAYLOAD,
    "abc12345\r\n" + PAYLOAD,
    'abc"12345\n' + PAYLOAD,
    'quote"inside',
    "single'quote",
    "back\\slash\\",
    "semi;colon & amp <lt> ]]>",
    "end\nconfig system admin\nedit evil\nend",
    "x\" ; set system root-authentication plain-text-password",
    "percent%s{}$(reboot)`id`",
]

HOSTILE_NAMES = [
    "Gi1\n" + PAYLOAD,
    "Gi1\r" + PAYLOAD,
    'ge-0/0/0" ; delete security',
    "wan</if><if>evil",
    "port1\nend\nconfig system admin",
    "eth0; reboot",
    "x" * 300,
]


def _lines(text: str) -> list[str]:
    return [l.strip() for l in text.replace("\r", "\n").splitlines()]


def _no_injected_line(text: str) -> None:
    for l in _lines(text):
        assert not l.startswith(PAYLOAD), "injected line in output"
        assert not l.startswith("config system admin"), "injected FortiOS block in output"
        assert l != "edit evil"


@pytest.mark.parametrize("vendor", BACKENDS)
@pytest.mark.parametrize("index", range(len(HOSTILE_PSKS)))
def test_hostile_psk(vendor: str, index: int) -> None:
    psk = HOSTILE_PSKS[index]
    conn = sample_connection()
    try:
        files = compile_files(conn, vendor, PROFILE, psks={1: psk, 2: psk})
    except VpnccError:
        return  # refused: fine
    for text in files.values():
        _no_injected_line(text)
    main = next(iter(files.values()))
    # what the device would store is exactly the key we meant
    from vpncc.validate.compare import validate_one

    expected = replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk=psk)) for t in conn.tunnels))
    result = validate_one(expected, vendor, main, profile=PROFILE, path="out.cfg")
    assert [f.rule for f in result.findings if f.rule == "VPN203"] == []


@pytest.mark.parametrize("vendor", BACKENDS)
@pytest.mark.parametrize("field", ["outside_interface", "name_prefix", "lan_interface", "zone", "vrf"])
@pytest.mark.parametrize("index", range(len(HOSTILE_NAMES)))
def test_hostile_profile_names(vendor: str, field: str, index: int) -> None:
    name = HOSTILE_NAMES[index]
    prof = replace(PROFILE, **{field: name})  # bypasses vpncc.profile.coerce on purpose
    try:
        files = compile_files(sample_connection(), vendor, prof)
    except VpnccError:
        return
    for text in files.values():
        _no_injected_line(text)


def test_profile_loader_refuses_hostile_names(tmp_path) -> None:
    from vpncc.errors import ProfileError
    from vpncc.profile import load

    p = tmp_path / "p.yaml"
    p.write_text('outside_interface: "Gi1\\nusername admin privilege 15"\n')
    with pytest.raises(ProfileError):
        load(p)
