"""Every reference in README.md and docs/*.md resolves: relative Markdown links (and their #anchors), and
`code` spans that name a repository path (they start with one of the repository's top-level folders or
name a top-level file). A placeholder part (`<vendor>`) or a glob (`*`) is checked up to where it starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.clirunner import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_DIRS = ("vpncc/", "tests/", "docs/", "samples/", "examples/", "templates/", "grammars/", "schemas/",
            "benchmarks/", ".ci/")
TOP_FILES = ("README.md", "CHANGELOG.md", "LICENSE", "BENCHMARKS.md", "SECURITY.md", "pyproject.toml",
             ".pre-commit-hooks.yaml")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"`([^`\n]+)`")


def _prose(text: str) -> str:
    """The text without fenced code blocks (their commands name files of the reader's own machine)."""
    return _FENCE.sub("", text)


def _anchors(md: Path) -> set[str]:
    out = set()
    for title in re.findall(r"^#+\s+(.+?)\s*$", _prose(md.read_text(encoding="utf-8")), re.M):
        slug = re.sub(r"[^\w\- ]", "", title.replace("`", "").strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def _exists(rel: str) -> bool:
    """``rel`` (repository-relative) exists; placeholders and globs are checked up to where they start."""
    cut = min((i for i in (rel.find("<"), rel.find("{"), rel.find("...")) if i >= 0), default=-1)
    if cut >= 0:
        rel = rel[:cut].rsplit("/", 1)[0] + "/" if "/" in rel[:cut] else ""
        return rel == "" or (ROOT / rel).exists()
    if any(c in rel for c in "*?["):
        return any(ROOT.glob(rel))
    return (ROOT / rel.rstrip("/")).exists()


def _code_paths(text: str) -> list[str]:
    out = []
    for span in _CODE.findall(_prose(text)):
        for word in span.split():
            word = word.strip(".,;:()'\"")
            word = re.sub(r":\d+$|::.*$", "", word)  # file:line, a pytest node id
            if word.startswith(TOP_DIRS) or word in TOP_FILES:
                out.append(word)
    return out


def _links(md: Path) -> list[str]:
    return [t for t in _LINK.findall(_prose(md.read_text(encoding="utf-8")))
            if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]  # http:, https:, mailto:


@pytest.mark.parametrize("md", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(md: Path):
    broken = []
    for target in _links(md):
        path, _, anchor = target.partition("#")
        dest = (md.parent / path).resolve() if path else md
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert broken == [], f"{md.name}: links that do not resolve: {broken}"


@pytest.mark.parametrize("md", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_paths_in_code_spans_exist(md: Path):
    missing = sorted({p for p in _code_paths(md.read_text(encoding="utf-8")) if not _exists(p)})
    assert missing == [], f"{md.name}: paths that are not in the repository: {missing}"


#: top-level folders of a developer's or CI machine (never of a user's install): a doc naming a path under
#: one of them is a working note, not documentation
MACHINE_ROOTS = ("work", "farm", "tmp")


def test_no_internal_notes_in_docs():
    # machine paths and working notes do not belong in what users read
    # ("helper" as a word for code is fine; "the parser helper" as a person writing the code is not)
    roots = "|".join(f"/{d}/" for d in MACHINE_ROOTS)
    bad = re.compile(roots + r"|\bTODO\b|\bthe lead\b|\b(the|another|each|your) [\w-]+ helper\b|"
                     r"\bhelpers? (is|are|will|has|have|own)\b|\bthis session\b", re.I)
    hits = [f"{md.name}:{n}: {line.strip()[:80]}" for md in DOCS
            for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), 1) if bad.search(line)]
    assert hits == []


def test_the_checker_sees_a_broken_reference(tmp_path):
    # the checks above can fail: a made-up path and link are caught
    assert not _exists("docs/no-such-page.md") and _exists("docs/") and _exists("samples/*.txt")
    assert _exists("tests/conformance/<vendor>/same/") and not _exists("nope/<x>/")
    assert _code_paths("see `vpncc/no_such.py` and `aws.txt`") == ["vpncc/no_such.py"]
    md = tmp_path / "x.md"
    md.write_text("[a](missing.md) [b](https://example.com)\n```\n[c](also-missing.md)\n```\n")
    assert _links(md) == ["missing.md"]
