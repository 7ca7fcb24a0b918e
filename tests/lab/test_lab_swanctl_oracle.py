"""The real strongSwan as the oracle of the generated swanctl.conf: one charon in a private namespace
loads the compiled config of every DH group, every AWS suite and many generated IRs (``swanctl
--load-all`` refuses unknown keywords, bad proposals, bad values). Marker ``lab`` (root)."""

from __future__ import annotations

import ipaddress
import os
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings

from tests.strategies import connections, sample_connection
from vpncc.backends import base
from vpncc.compiler import compile_files, resolve_profile
from vpncc.ir import AWS_ENCRYPTION, AWS_INTEGRITY, DH_GROUPS, Connection, Encryption, IkeVersion
from vpncc.lab import env
from vpncc.lab.daemons import Charon
from vpncc.profile import Profile

pytestmark = pytest.mark.lab
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])


@pytest.fixture(scope="module")
def charon(tmp_path_factory):
    try:
        env.check_prerequisites(["ip", "unshare", "charon", "swanctl", "vici", "kernel-libipsec", "openssl"])
    except env.LabPrerequisiteError as e:
        if os.environ.get("CI"):
            pytest.fail(str(e))
        pytest.skip(str(e))
    ns = f"vpncc-oracle-{os.getpid()}"
    runner = env.Runner()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    d = tmp_path_factory.mktemp("charon")
    os.chmod(d, 0o755)
    c = Charon("oracle", ns, str(d))
    try:
        c.start(runner)
        assert env.wait_for(c.ready, 5), "charon did not start"
        yield runner, c
    finally:
        runner.stop_all()
        subprocess.run(["ip", "netns", "del", ns])


def load(charon, conn: Connection, tmp_path, fmt: str = "swanctl") -> None:
    runner, c = charon
    text = compile_files(conn, "strongswan", PROFILE, format=fmt)["swanctl.conf"]
    f = tmp_path / "swanctl.conf"
    f.write_text(text)
    cp = runner.run(["swanctl", "--load-all", "--noprompt", "--file", str(f), "--uri", c.uri], env=c.env(),
                    check=False)
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, out
    assert f"successfully loaded {len(conn.tunnels)} connections" in out, out
    assert "loaded ike secret" in out


@pytest.mark.parametrize("group", DH_GROUPS)
def test_every_dh_group_loads(charon, group: int, tmp_path) -> None:
    load(charon, sample_connection(ike_version=IkeVersion.IKEV2, dh_groups=(group,)), tmp_path)


@pytest.mark.parametrize("version", list(IkeVersion), ids=lambda v: v.value)
@pytest.mark.parametrize("enc", list(AWS_ENCRYPTION), ids=lambda e: e.value)
@pytest.mark.parametrize("integ", list(AWS_INTEGRITY), ids=lambda i: i.value)
def test_every_algorithm_loads(charon, version, enc, integ, tmp_path) -> None:
    ike_enc = (enc,) if not (version is IkeVersion.IKEV1 and enc.is_gcm) else (Encryption.AES128,)
    conn = sample_connection(ike_version=version, encryption=ike_enc, integrity=(integ,), dh_groups=(14,),
                             esp_encryption=(enc,), esp_integrity=(integ,))
    load(charon, conn, tmp_path)


def test_networkd_format_loads(charon, tmp_path) -> None:
    load(charon, sample_connection(ike_version=IkeVersion.IKEV2, ipv6=True), tmp_path, fmt="networkd")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(conn=connections(ipv6=None))
def test_generated_connections_load(charon, conn: Connection, tmp_path) -> None:
    b = base.get("strongswan")
    prof, _ = resolve_profile(conn, b, PROFILE)
    if b.unsupported(conn, prof, base.RenderOptions()):
        return
    load(charon, conn, tmp_path)
