"""Third-party backends as users install them: distributions with a `vpncc.backends` entry point (here
written as dist-info folders on PYTHONPATH, which importlib.metadata reads exactly like installed ones).
Aliases are honoured, a name two packages claim is a warning naming both, and a plugin that fails to load
is named in the error."""

from __future__ import annotations

import importlib

from tests.clirunner import ROOT, cli
from vpncc.backends import base

SAMPLE = str(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt")

PLUGIN = '''
from vpncc.backends.base import Backend


class Backend_(Backend):
    name = "vyos"
    aliases = ("vyatta", "edgeos")
    description = "VyOS (test plugin)"
    comment_prefix = "#"

    def render(self, conn, profile, options):
        return {"vyos.conf": "set vpn ipsec esp-group aws\\n"}

    def read(self, text, path=None):
        raise NotImplementedError
'''


def _dist(root, dist: str, module: str, entry: str, code: str = PLUGIN) -> None:
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[vpncc.backends]\n{entry}\n")
    (root / f"{module}.py").write_text(code)


def _env(root) -> dict:
    return {"PYTHONPATH": f"{ROOT}:{root}"}


def test_every_builtin_alias_resolves_without_importing_backends():
    for name, spec in base.BUILTIN.items():
        mod, _, attr = spec.partition(":")
        cls = getattr(importlib.import_module(mod), attr)
        for alias in cls.aliases:
            assert base.ALIASES.get(alias) == name, f"{name}: alias {alias!r} missing from base.ALIASES"


def test_builtin_alias_pfsense_plus_on_the_command_line():
    r = cli("compile", SAMPLE, "--vendor", "pfsense-plus", "--local-networks", "10.10.0.0/16", may_print_psk=True)
    assert r.rc == 0, r.err
    assert "<ipsec>" in r.out


def test_plugin_is_listed_with_its_aliases_and_an_alias_selects_it(tmp_path):
    _dist(tmp_path, "vpncc-vyos", "vpncc_vyos", "vyos = vpncc_vyos:Backend_")
    r = cli("vendors", env=_env(tmp_path))
    assert r.rc == 0, r.err
    assert "vyos (alias: edgeos, vyatta)" in r.out
    r = cli("compile", SAMPLE, "--vendor", "vyatta", env=_env(tmp_path), may_print_psk=True)
    assert r.rc == 0, r.err
    assert "set vpn ipsec esp-group aws" in r.out


def test_a_name_two_packages_claim_is_a_warning_naming_both(tmp_path):
    _dist(tmp_path, "vpncc-vyos", "vpncc_vyos", "vyos = vpncc_vyos:Backend_")
    _dist(tmp_path, "acme-vyos-backend", "acme_vyos", "vyos = acme_vyos:Backend_")
    _dist(tmp_path, "acme-cisco", "acme_cisco", "cisco-ios = acme_cisco:Backend_")
    r = cli("vendors", env=_env(tmp_path))
    assert r.rc == 0, r.err
    assert "cisco-ios" in r.out and "vyos" in r.out
    vyos = [line for line in r.err.splitlines() if "'vyos'" in line]
    assert len(vyos) == 1 and "vpncc-vyos" in vyos[0] and "acme-vyos-backend" in vyos[0], r.err
    assert any("'cisco-ios'" in line and "acme-cisco" in line and "built-in" in line for line in r.err.splitlines())


def test_a_plugin_that_fails_to_load_is_named(tmp_path):
    _dist(tmp_path, "vpncc-broken", "vpncc_broken", "broken = vpncc_broken:Backend_",
          code="raise RuntimeError('needs libfoo 2')\n")
    r = cli("compile", SAMPLE, "--vendor", "broken", env=_env(tmp_path))
    assert r.rc == 2
    assert "backend 'broken' from vpncc-broken" in r.err and "needs libfoo 2" in r.err
    assert "internal error" not in r.err
    r = cli("vendors", env=_env(tmp_path))
    assert r.rc == 0 and "broken" in r.out and "vpncc-broken" in r.out
