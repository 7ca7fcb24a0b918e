"""Lab errors that need no root: not root, missing packages, unknown vendor (no `lab` marker)."""

from __future__ import annotations

import pytest

from tests.strategies import sample_connection
from vpncc import lab
from vpncc.errors import UsageError
from vpncc.lab import env
from vpncc.lab.report import LabReport, TunnelResult


def test_not_root(monkeypatch) -> None:
    monkeypatch.setattr(env.os, "geteuid", lambda: 1000)
    with pytest.raises(lab.LabPrerequisiteError, match="needs root"):
        lab.run(sample_connection())


def test_missing_packages_are_named(monkeypatch) -> None:
    monkeypatch.setattr(env.os, "geteuid", lambda: 0)
    real = env.which
    monkeypatch.setattr(env, "which", lambda n: None if n in ("bird", "kernel-libipsec") else real(n))
    with pytest.raises(lab.LabPrerequisiteError) as e:
        env.check_prerequisites(["bird", "kernel-libipsec", "ip"])
    msg = str(e.value)
    assert "bird2" in msg and "libcharon-extra-plugins" in msg
    assert "apt-get install -y --no-install-recommends bird2 libcharon-extra-plugins" in msg


def test_prerequisite_errors_are_usage_errors() -> None:
    assert issubclass(lab.LabPrerequisiteError, UsageError)
    assert issubclass(lab.LabNamespaceInUse, UsageError)


def test_unknown_vendor() -> None:
    with pytest.raises(UsageError, match="no lab adapter"):
        lab.run(sample_connection(), vendor="cisco-ios")


def test_report_ok_rules() -> None:
    good = [TunnelResult(n, "ESTABLISHED", "INSTALLED", "Established", ["10.0.0.0/16"], True) for n in (1, 2)]
    r = LabReport(tunnels=good, failover=True, vpc_ping=True)
    assert r.ok
    assert not LabReport(tunnels=good, failover=False, vpc_ping=True).ok
    static = [TunnelResult(n, "ESTABLISHED", "INSTALLED", None, ["10.0.0.0/16"], True) for n in (1, 2)]
    assert LabReport(tunnels=static, routing="static", failover=True, vpc_ping=True).ok
    assert not LabReport(tunnels=static, routing="bgp", failover=True, vpc_ping=True).ok
    assert list(r.to_dict())[:5] == ["ok", "tunnels", "failover", "adaptations", "seconds"]


def test_apt_packages_cover_every_requirement() -> None:
    needed = {pkg for _, pkg in env._FILES.values()} - {"strongswan-starter", "libstrongswan", "iproute2",
                                                        "util-linux", "strongswan-libcharon"}
    assert needed <= set(env.APT_PACKAGES)
