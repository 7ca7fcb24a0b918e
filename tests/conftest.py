"""Shared test fixtures: golden files, the shared corpus location, lab prerequisites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "samples"


def shared_dir() -> Path:
    env = os.environ.get("VPNCC_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output instead of comparing")
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the fuzz suite with many more examples")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    update = request.config.getoption("--update-golden")

    def check(relpath: str, text: str) -> None:
        path = GOLDEN / relpath
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.exists(), f"golden file {relpath} missing: run pytest --update-golden and review it"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from tests/golden/{relpath} (pytest --update-golden to accept)"

    return check


@pytest.fixture(scope="session")
def shared() -> Path:
    d = shared_dir()
    if not (d / "corpus").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared corpus not found at {d} (set VPNCC_SHARED)")
        pytest.skip(f"shared corpus not found at {d}")
    return d


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Scan every CLI output of this session for pre-shared keys (see tests/clirunner.py)."""
    from tests import clirunner

    if not clirunner.RUNS:
        return
    found = clirunner.leaks()
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if found:
        if tr:
            tr.write_line(f"SECRET SCAN FAILED: a pre-shared key appeared in {len(found)} output(s):", red=True)
            for f in sorted(set(found)):
                tr.write_line(f"  {f}", red=True)
        session.exitstatus = 1
    elif tr:
        tr.write_line(f"secret scan: {len(clirunner.RUNS)} CLI runs, {len(clirunner.known_psks())} keys, no leak")
