"""ciscoconfparse2 as a test oracle for the Cisco device-config tree (vpncc.backends.cisco_common.tree).

The readers nest the kept lines themselves; ciscoconfparse2 (a test-only dependency) nests the same
cleaned kept lines here, keyword expansion is applied on its tree the way the reader did when it used
it, and every node is compared: line number, raw text, expanded words, children's line numbers.

Inputs: the Cisco IOS/ASA configs of the shared corpus, the compiled samples, a generated big config,
hand-made odd layouts and random indentation layouts (hypothesis), each with "keep everything" and
with the keep/light functions the IOS and ASA readers really pass.

Failure messages name line numbers only: raw lines may hold pre-shared keys.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

import vpncc
from vpncc.backends.cisco_asa import read as asa_read
from vpncc.backends.cisco_common import tree
from vpncc.backends.cisco_common.tree import Node
from vpncc.backends.cisco_ios import read as ios_read
from vpncc.errors import InputError

from ...conftest import shared_dir
from .cisco_test_helpers import compiled
from .test_cisco_compile import VARIANTS

ROOT = Path(__file__).resolve().parents[3]
READERS = {"cisco-ios": ios_read, "cisco-asa": asa_read}
SYNTAX = {"cisco-ios": "ios", "cisco-asa": "asa"}


class _Text(str):
    """Config text whose repr (in tracebacks) tells its size, never its lines (keys)."""

    def __repr__(self) -> str:
        return f"<config text, {self.count(chr(10))} lines>"


# -- the oracle ---------------------------------------------------------------------------------

def _oracle(text: str, vendor: str, keep, light=lambda h: False) -> list[Node]:
    """The reader's tree as ciscoconfparse2 nests the kept lines (light stanzas stay flat)."""
    from ciscoconfparse2 import CiscoConfParse

    mod = READERS[vendor]
    top, contexts = mod.TOP, mod.CONTEXTS
    kept: list[tuple[int, str]] = []
    out: list[Node] = []
    for head, lines in tree.stanzas(text, top, keep):
        if light(head):
            sub = tree._context(contexts, tuple(head))
            out.append(Node(head, lines[0][0], lines[0][1],
                            [Node(tree.expand(l.split(), sub), n, l) for n, l in lines[1:]]))
        else:
            kept.extend(lines)
    if not kept:
        return out
    conf = CiscoConfParse([l for _, l in kept], syntax=SYNTAX[vendor], loguru=False, ignore_blank_lines=True)
    objs = list(conf.objs)
    assert len(objs) == len(kept), "ciscoconfparse2 dropped or added lines"
    nodes: dict[int, Node] = {}
    for obj in objs:  # a parent always precedes its children
        n, raw = kept[obj.linenum]
        same_text = obj.text == raw
        assert same_text, f"ciscoconfparse2 changed the text of line {n}"
        if obj.parent is obj:
            node = Node(tree.expand(raw.split(), top), n, raw)
            if raw[:1] != " ":
                out.append(node)
        else:
            assert obj.parent.linenum < obj.linenum
            parent = nodes[obj.parent.linenum]
            node = Node(tree.expand(raw.split(), tree._context(contexts, tuple(parent.words))), n, raw)
        nodes[obj.linenum] = node
    for obj in objs:
        nodes[obj.linenum].children = [nodes[c.linenum] for c in obj.children]
    return sorted(out, key=lambda x: x.line)


def _ours(text: str, vendor: str, keep, light=lambda h: False) -> list[Node]:
    mod = READERS[vendor]
    return tree.parse(text, top=mod.TOP, contexts=mod.CONTEXTS, keep=keep, light=light)


def _shape(roots: list[Node]) -> tuple[list[int], dict[int, tuple[str, tuple[str, ...], tuple[int, ...]]]]:
    """(root line numbers, {line: (raw, words, children's lines)}) of every reachable node."""
    nodes: dict[int, tuple[str, tuple[str, ...], tuple[int, ...]]] = {}
    todo = list(roots)
    while todo:
        n = todo.pop()
        assert n.line not in nodes, f"line {n.line} appears twice in the tree"
        nodes[n.line] = (n.raw, tuple(n.words), tuple(c.line for c in n.children))
        todo.extend(n.children)
    return [n.line for n in roots], nodes


def _same(ours: list[Node], oracle: list[Node]) -> dict[int, tuple]:
    """Assert both trees are equal; return the shape (for non-triviality checks)."""
    roots_a, a = _shape(ours)
    roots_b, b = _shape(oracle)
    assert roots_a == roots_b, f"top-level lines differ: ours {roots_a[:20]}, ciscoconfparse2 {roots_b[:20]}"
    missing = sorted(set(b) - set(a))
    extra = sorted(set(a) - set(b))
    assert not missing and not extra, f"lines only in ciscoconfparse2's tree {missing[:20]}, only in ours {extra[:20]}"
    raw = sorted(k for k in a if a[k][0] != b[k][0])
    words = sorted(k for k in a if a[k][1] != b[k][1])
    kids = [(k, a[k][2], b[k][2]) for k in sorted(a) if a[k][2] != b[k][2]]
    assert not raw and not words and not kids, (
        f"raw text differs at lines {raw[:10]}, expanded words at {words[:10]}, "
        f"children (line, ours, ciscoconfparse2) {kids[:5]}")
    return a


def _reader_args(vendor: str, text: str) -> dict:
    """keep/light exactly as the reader passes them for this text (ASA's depend on the text)."""
    mod = READERS[vendor]
    seen: dict = {}

    class Captured(Exception):
        pass

    def spy(t, **kw):
        seen.update(kw)
        raise Captured

    # the wrong-vendor sniff is not under test here: the keep/light of every input are wanted
    with mock.patch.object(mod, "sniff", lambda *a, **k: None), mock.patch.object(mod, "parse", spy):
        with pytest.raises(Captured):
            mod.read(text, "device.cfg")
    assert seen["top"] is mod.TOP and seen["contexts"] is mod.CONTEXTS
    return {"keep": seen["keep"], "light": seen.get("light", lambda h: False)}


def _check(text: str, vendor: str, *, min_parents: int = 1) -> None:
    """Compare with keep-everything and with the reader's own keep/light."""
    keep_all = lambda h: True  # noqa: E731
    shape = _same(_ours(text, vendor, keep_all), _oracle(text, vendor, keep_all))
    parents = sum(1 for v in shape.values() if v[2])
    assert parents >= min_parents, f"only {parents} nodes with children: the comparison proves little"
    args = _reader_args(vendor, text)
    _same(_ours(text, vendor, **args), _oracle(text, vendor, **args))


def _reference_stanzas(text: str, top, keep):
    """The line filter as first written: clean every line, then group into stanzas (no skipping)."""
    lines = []
    banner = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.expandtabs(8).rstrip()
        if banner is not None:
            if banner in line:
                banner = None
            continue
        s = line.lstrip()
        if not s or s.startswith("!") or tree._NOISE.match(s):
            continue
        if line[0] != " ":
            m = tree._BANNER.match(line)
            if m:
                if m.group(1) and m.group(1) not in (m.group(2) or ""):
                    banner = m.group(1)
                continue
        lines.append((n, line))
    groups: list[list[tuple[int, str]]] = []
    for n, line in lines:
        if line[0] != " ":
            groups.append([])
        elif not groups:
            continue
        groups[-1].append((n, line))
    out = []
    for g in groups:
        head = tree.expand(g[0][1].split(), top)
        if keep(head):
            out.append((head, g))
    return out


def _check_stanzas(text: str, vendor: str) -> None:
    mod = READERS[vendor]
    for keep in (lambda h: True, _reader_args(vendor, text)["keep"]):
        got = list(tree.stanzas(text, mod.TOP, keep))
        want = _reference_stanzas(text, mod.TOP, keep)
        assert [[n for n, _ in g] for _, g in got] == [[n for n, _ in g] for _, g in want]
        same = got == want
        assert same, "same line numbers, but different head words or line text"


# -- inputs -------------------------------------------------------------------------------------

def _corpus() -> list[tuple[str, str]]:
    base = shared_dir() / "corpus"
    out = []
    dirs = {"cisco-ios": ("vendor/cisco-ios", "devices/cisco-ios"), "cisco-asa": ("vendor/cisco-asa",)}
    for vendor in dirs:
        for d in dirs[vendor]:
            out += [(vendor, str(p.relative_to(base))) for p in sorted((base / d).glob("*")) if p.suffix != ".json"]
    return out


CORPUS = _corpus()
SAMPLES = sorted(p.name for p in (ROOT / "samples").glob("*.txt"))


def test_corpus_is_there(shared):
    assert len([c for c in CORPUS if c[0] == "cisco-ios"]) >= 10
    assert len([c for c in CORPUS if c[0] == "cisco-asa"]) >= 6


@pytest.mark.parametrize("vendor, rel", CORPUS, ids=[r for _, r in CORPUS])
def test_corpus_configs(shared, vendor, rel):
    text = _Text((shared / "corpus" / rel).read_text(encoding="utf-8"))
    _check(text, vendor, min_parents=3)
    _check_stanzas(text, vendor)


@pytest.mark.parametrize("vendor", sorted(READERS))
@pytest.mark.parametrize("sample", SAMPLES)
def test_compiled_samples(vendor, sample):
    text = _Text(compiled(vpncc.parse(ROOT / "samples" / sample), vendor))
    _check(text, vendor, min_parents=5)
    _check_stanzas(text, vendor)


@pytest.mark.parametrize("vendor", sorted(READERS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_compiled_variants(vendor, variant):
    _check(_Text(compiled(VARIANTS[variant], vendor)), vendor, min_parents=5)


def test_compiled_asa_policy_based():
    _check(_Text(compiled(VARIANTS["static-ikev1-classic"], "cisco-asa", format="policy")), "cisco-asa", min_parents=3)


def test_generated_big_config():
    from benchmarks import gen

    text = _Text(gen.ios(compiled(vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"), "cisco-ios"), 5000))
    assert text.count("\n") >= 4990
    _check(text, "cisco-ios", min_parents=500)
    _check_stanzas(text, "cisco-ios")


# -- odd layouts, with the structure written out by hand -----------------------------------------

def _lines(roots: list[Node]) -> list:
    """Nested [line, [children...]] form of a tree."""
    return [[n.line, _lines(n.children)] for n in roots]


ODD = {
    # a child less indented than its previous sibling but more than the head still hangs under the head;
    # a line between two sibling indents hangs under the nearest less indented line before it
    "uneven-siblings": ("crypto isakmp policy 10\n    encr aes\n  hash sha\n      group 2\n   lifetime 5\n"
                        "crypto isakmp policy 20\n encr aes\n",
                        [[1, [[2, []], [3, [[4, []], [5, []]]]]], [6, [[7, []]]]]),
    # a tab counts 8 columns: the tab line is deeper than the 2-space line after it
    "tabs": ("interface Tunnel1\n\tip address 169.254.1.2 255.255.255.252\n  tunnel source Gi1\n\t  no shutdown\n",
             [[1, [[2, []], [3, [[4, []]]]]]]),
    # blank lines, `!` and `exit` neither end a stanza nor take part in nesting
    "blanks-and-comments": ("router bgp 65000\n\n neighbor 169.254.1.1 remote-as 64512\n !\n address-family ipv4\n"
                            "\n  neighbor 169.254.1.1 activate\n exit-address-family\n  network 10.0.0.0\n",
                            [[1, [[3, []], [5, [[7, []], [9, []]]]]]]),
    # indented text before any head line belongs to nothing and is dropped
    "first-line-indented": ("  encr aes\n    hash sha\ncrypto isakmp policy 10\n encr aes\n",
                            [[3, [[4, []]]]]),
    # a head pasted with a leading no-break space counts as indented (as ciscoconfparse2 sees it)
    "nbsp-head": ("crypto isakmp policy 10\n encr aes\n\u00a0crypto isakmp policy 20\n  hash sha\n",
                  [[1, [[2, []], [3, [[4, []]]]]]]),
    # a deep staircase within the indentation limit
    "staircase": ("crypto isakmp policy 10\n" + "".join(" " * i + f"x{i}\n" for i in range(1, 65)),
                  None),
}


@pytest.mark.parametrize("vendor", sorted(READERS))
@pytest.mark.parametrize("case", sorted(ODD))
def test_odd_layouts(vendor, case):
    text, want = ODD[case]
    keep_all = lambda h: True  # noqa: E731
    ours, oracle = _ours(text, vendor, keep_all), _oracle(text, vendor, keep_all)
    _same(ours, oracle)
    if want is not None:
        assert _lines(ours) == want
    else:
        depth, node = 0, ours[0]
        while node.children:
            depth, node = depth + 1, node.children[0]
        assert depth == 64
    _check_stanzas(text, vendor)


def test_children_words_use_the_parent_context():
    text = "cry isa pol 10\n enc aes\n  au pre\n ha sha\nint tu1\n ip add 169.254.1.2 255.255.255.252\n"
    nodes = _ours(text, "cisco-ios", lambda h: True)
    assert [n.words[:3] for n in nodes] == [["crypto", "isakmp", "policy"], ["interface", "tu1"]]
    assert [c.words[0] for c in nodes[0].children] == ["encryption", "hash"]
    assert nodes[1].children[0].words[:2] == ["ip", "address"]
    _same(nodes, _oracle(text, "cisco-ios", lambda h: True))


def test_comparison_can_fail():
    """A wrong tree (children moved to their grandparent) is caught, with line numbers only."""
    text, _ = ODD["uneven-siblings"]
    ours = _ours(text, "cisco-ios", lambda h: True)
    hash_sha = ours[0].children[1]
    ours[0].children += hash_sha.children
    hash_sha.children = []
    with pytest.raises(AssertionError, match=r"children .*\(3, \(\), \(4, 5\)\)"):
        _same(ours, _oracle(text, "cisco-ios", lambda h: True))


def test_indentation_limit_is_kept():
    text = "crypto isakmp policy 10\n" + "".join(" " * i + "x\n" for i in range(1, 70))
    for vendor in READERS:
        with pytest.raises(InputError, match="indented 65 columns") as e:
            _ours(text, vendor, lambda h: True)
        assert e.value.line == 66
    # light stanzas are flat: their indentation is not limited
    flat = _ours("interface Gi1\n" + " " * 200 + "description x\n", "cisco-ios", lambda h: True, lambda h: True)
    assert [c.line for c in flat[0].children] == [2]


# -- random indentation layouts -------------------------------------------------------------------

_WORDS = ["crypto", "isakmp", "policy", "10", "keyring", "interface", "Tunnel1", "tu1", "router", "bgp", "65000",
          "neighbor", "address-family", "ipv4", "encr", "aes", "hash", "ip", "add", "tunnel", "source", "route",
          "tunnel-group", "ikev1", "x", "description"]
#: lines that are noise, comments or banners in a running-config
_ODD_LINES = ["", "  ", "!", " !", "end", " exit", "#", " quit", "banner motd ^C", "banner exec X", "^C", "X"]
_INDENT = st.one_of(st.just(""), st.integers(1, 8).map(lambda i: " " * i),
                    st.sampled_from(["\t", " \t", "\t ", "\t\t", "\u00a0", " \u00a0"]))
_CMD = st.tuples(_INDENT, st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4)).map(
    lambda t: t[0] + " ".join(t[1]))
_LINE = st.one_of(_CMD, st.sampled_from(_ODD_LINES))
_BODY = st.one_of(st.integers(1, 8).map(lambda i: " " * i), _INDENT)
#: a head line and lines at random (often uneven) indents under it
_STANZA = st.tuples(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3),
                    st.lists(st.tuples(_BODY, st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3)), max_size=10),
                    ).map(lambda t: [" ".join(t[0])] + [i + " ".join(w) for i, w in t[1]])
_TEXT = st.lists(st.one_of(_STANZA, _STANZA, _LINE.map(lambda l: [l])), min_size=1, max_size=10).map(
    lambda parts: "\n".join(l for p in parts for l in p))


def _depth(roots: list[Node]) -> int:
    deepest, todo = 0, [(n, 0) for n in roots]
    while todo:
        n, d = todo.pop()
        deepest = max(deepest, d)
        todo.extend((c, d + 1) for c in n.children)
    return deepest


@pytest.mark.parametrize("vendor", sorted(READERS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_random_layouts(vendor, text):
    keep_all = lambda h: True  # noqa: E731
    ours = _ours(text, vendor, keep_all)
    target(float(_depth(ours)))  # steer towards deeply nested layouts
    _same(ours, _oracle(text, vendor, keep_all))
    args = _reader_args(vendor, text)
    _same(_ours(text, vendor, **args), _oracle(text, vendor, **args))
    _check_stanzas(text, vendor)


# -- run-time imports -----------------------------------------------------------------------------

def test_reading_does_not_import_ciscoconfparse2():
    text = _Text(compiled(vpncc.parse(ROOT / "samples" / "bgp-vgw-ikev1-2022.txt"), "cisco-ios"))
    code = ("import sys; from vpncc.backends import base; "
            "dev = base.get('cisco-ios').read(sys.stdin.read(), 'device.cfg'); "
            "assert dev.tunnels; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ciscoconfparse2', 'typeguard', 'httpx', 'rich', 'loguru')))")
    r = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[]"
