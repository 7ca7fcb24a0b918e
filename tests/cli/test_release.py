"""Release bookkeeping: the version in vpncc/_version.py, the git tag vX.Y.Z, CHANGELOG.md, LICENSE and the
tag the CI and pre-commit examples pin agree. A clone without tags (the usual CI checkout) still passes:
the tag checks apply to the tags the clone has."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import vpncc
from tests.clirunner import ROOT

PINNED = [ROOT / ".pre-commit-hooks.yaml", *(ROOT / "examples" / "network-repo").glob(".*.yml"),
          *(ROOT / "examples" / "network-repo").glob(".*.yaml"),
          ROOT / "examples" / "network-repo" / ".github" / "workflows" / "vpncc.yml",
          ROOT / "examples" / "network-repo" / "Jenkinsfile"]
_REF = re.compile(r"(?:rev:\s*|vpncc@v?|/vpncc@)v?(\d+\.\d+\.\d+)")


def _changelog_versions() -> list[str]:
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)


def _git_tags() -> list[str] | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    r = subprocess.run(["git", "-C", str(ROOT), "tag", "--list", "v*"], capture_output=True, text=True)
    return r.stdout.split() if r.returncode == 0 else None


def test_version_has_a_changelog_section():
    assert vpncc.__version__ in _changelog_versions()
    assert re.search(r"^## \[Unreleased\]", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_head_tag_equals_the_version():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist)")
    r = subprocess.run(["git", "-C", str(ROOT), "tag", "--points-at", "HEAD", "--list", "v*"],
                       capture_output=True, text=True)
    for tag in r.stdout.split():
        assert tag == f"v{vpncc.__version__}", f"HEAD is tagged {tag} but vpncc/_version.py says {vpncc.__version__}"


def test_every_tag_has_a_changelog_section():
    versions = _changelog_versions()
    for tag in _git_tags() or ():
        assert tag.lstrip("v") in versions, f"tag {tag} has no section in CHANGELOG.md"


def test_examples_pin_a_released_version():
    released = _changelog_versions()
    tags = _git_tags()
    found = []
    for p in PINNED:
        for v in _REF.findall(p.read_text()):
            found.append((p.name, v))
            assert v in released, f"{p}: pins v{v}, which CHANGELOG.md does not list as released"
            if tags:  # a clone with tags: the pinned one must exist
                assert f"v{v}" in tags, f"{p}: pins v{v}, but the repository has no such tag"
    assert len({name for name, _ in found}) >= 4, found


def test_license_is_the_apache_license_the_metadata_names():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert 'license = { text = "Apache-2.0" }' in (ROOT / "pyproject.toml").read_text()


def test_sdist_carries_every_top_level_path_the_tests_read():
    # (a regex, not tomllib: the tests run on Python 3.10 too)
    section = (ROOT / "pyproject.toml").read_text().split("[tool.hatch.build.targets.sdist]", 1)[1]
    include = set(re.findall(r'"([^"]+)"', re.search(r"^include = \[(.*?)\]", section, re.M | re.S).group(1)))
    used = set()
    for f in (ROOT / "tests").rglob("*.py"):
        for m in re.finditer(r'ROOT\s*/\s*"([^"/]+)', f.read_text(encoding="utf-8", errors="replace")):
            used.add(m.group(1))
    used |= {"README.md", "LICENSE", "CHANGELOG.md", ".pre-commit-hooks.yaml"}  # read by these tests and docs tests
    used.discard(".git")  # a checkout's, never shipped: the tag checks above skip without it
    missing = sorted(u for u in used if u not in include and (ROOT / u).exists())
    assert missing == [], f"the sdist lacks {missing}: its tests would fail from the unpacked sdist"
