"""Shared test fixtures: golden files, the shared corpus location, lab prerequisites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "samples"


def corpus_dir() -> Path | None:
    """The public corpus (real AWS files and device configs), when ``VPNCC_CORPUS`` names it.

    Tests over it form their own set (marker ``corpus``): without ``VPNCC_CORPUS`` they are not
    collected, so a fresh clone passes on its own test data; ``.ci/run`` points it at the corpus and
    fails when that set runs nothing."""
    env = os.environ.get("VPNCC_CORPUS")
    return Path(env).resolve() if env else None


def shared_dir() -> Path:
    """The folder that holds the corpus (tests address files as ``shared / "corpus" / ...``)."""
    d = corpus_dir()
    return d.parent if d is not None else ROOT.parent / "shared"


def corpus_enabled() -> bool:
    return corpus_dir() is not None


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
    d = corpus_dir()
    if d is None or not d.is_dir():
        pytest.fail(f"the public corpus is not at {d} (VPNCC_CORPUS must name its folder)")
    return d.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test over the public corpus (it uses the ``shared`` fixture, or its module is marked
    ``corpus``) belongs to the corpus set; without VPNCC_CORPUS that set is left out, not skipped."""
    corpus, rest = [], []
    for item in items:
        if "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)
        (corpus if item.get_closest_marker("corpus") else rest).append(item)
    if not corpus_enabled() and corpus:
        config.hook.pytest_deselected(items=corpus)
        items[:] = rest
        config._vpncc_corpus_left_out = len(corpus)  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> str:
    d = corpus_dir()
    return f"public corpus: {d}" if d else "public corpus: not set (VPNCC_CORPUS); the corpus set is left out"


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Scan every CLI output of this session for pre-shared keys (see tests/clirunner.py)."""
    from tests import clirunner

    left = getattr(session.config, "_vpncc_corpus_left_out", 0)
    tr0 = session.config.pluginmanager.get_plugin("terminalreporter")
    if left and tr0:
        tr0.write_line(f"corpus set: {left} test(s) left out (set VPNCC_CORPUS=PATH to the public corpus to run them)")
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
