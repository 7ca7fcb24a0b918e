"""`pip install .` into a fresh venv, then `vpncc` from another directory: grammars and templates ship."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.clirunner import ROOT


@pytest.mark.slow
def test_pip_install_into_fresh_venv_and_run_elsewhere(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    src = tmp_path / "src"
    # install from a copy so that nothing of the checkout (no editable path) can leak in
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "*.pyc", "__pycache__", ".hypothesis",
                                                             ".pytest_cache", "*.egg-info", "build", "dist"))
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    shutil.rmtree(src)
    work = tmp_path / "elsewhere"
    work.mkdir()
    sample = work / "aws.txt"
    sample.write_text((ROOT / "samples" / "bgp-vgw-ikev1-2022.txt").read_text())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    exe = venv / "bin" / "vpncc"
    r = subprocess.run([str(exe), "--version"], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0 and r.stdout.startswith("vpncc ")
    r = subprocess.run([str(exe), "parse", "aws.txt", "--redact"], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe), "schema"], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0 and '"$schema"' in r.stdout
    for vendor in ("cisco-ios", "juniper", "fortinet", "strongswan"):
        r = subprocess.run([str(exe), "compile", "aws.txt", "--vendor", vendor, "--local-networks", "10.10.0.0/16",
                            "--redact"], capture_output=True, text=True, cwd=work, env=env)
        assert r.returncode == 0, (vendor, r.stderr)
    r = subprocess.run([str(py), "-m", "vpncc", "--version"], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0
    # the package really came from site-packages, with its data folders inside
    r = subprocess.run([str(py), "-c", "import vpncc, os; d = os.path.dirname(vpncc.__file__); "
                        "print(d); print(sorted(os.listdir(d)))"], capture_output=True, text=True, cwd=work, env=env)
    assert "site-packages" in r.stdout and "'grammars'" in r.stdout and "'templates'" in r.stdout
