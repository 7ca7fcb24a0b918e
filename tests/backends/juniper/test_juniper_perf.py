"""Large configs: a 100,000-line SRX config (both forms) with the AWS tunnels and 300 other VPNs inside
reads fast, because unrelated hierarchies are dropped before tokenizing/interpreting."""

from __future__ import annotations

import re
import time

import vpncc
from vpncc.backends import base

from ...strategies import sample_connection
from .test_juniper_properties import PROFILE

LINES = 100_000


def big_set(lines: int = LINES) -> str:
    conn = sample_connection()
    ours = [l for l in vpncc.compile(conn, "juniper", PROFILE).splitlines() if l.startswith("set ")]
    other_vpns = []
    for i in range(300):   # other site-to-site VPNs: they pass the pre-filter and are fully interpreted
        g = f"partner-{i}"
        other_vpns += [f"set security ike proposal {g} authentication-algorithm sha-256",
                       f"set security ike proposal {g} encryption-algorithm aes-256-cbc",
                       f"set security ike proposal {g} dh-group group14",
                       f"set security ike policy {g} proposals {g}",
                       f"set security ike policy {g} pre-shared-key ascii-text \"$9$abc{i}\"",
                       f"set security ike gateway {g} ike-policy {g}",
                       f"set security ike gateway {g} address 100.64.{i // 250}.{i % 250 + 1}",
                       f"set security ipsec vpn {g} bind-interface st0.{i + 100}",
                       f"set security ipsec vpn {g} ike gateway {g}",
                       f"set interfaces st0 unit {i + 100} family inet address 172.31.{i // 64}.{(i % 64) * 4 + 1}/30"]
    out: list[str] = []
    i = 0
    while len(out) < lines - len(ours) - len(other_vpns):
        i += 1
        out += [f"set interfaces ge-0/0/{i % 48} unit {i} description \"customer {i}\"",
                f"set interfaces ge-0/0/{i % 48} unit {i} vlan-id {i % 4000 + 1}",
                f"set interfaces ge-0/0/{i % 48} unit {i} family inet address 10.{(i >> 8) & 255}.{i & 255}.1/24",
                f"set security policies from-zone trust to-zone untrust policy p{i} match source-address any",
                f"set firewall family inet filter F-{i} term t1 from source-address 10.{i & 255}.0.0/16",
                f"set policy-options policy-statement P-{i} term a then accept"]
    half = len(out) // 2
    body = out[:half] + other_vpns + ours + out[half:]
    return "\n".join(body[:lines]) + "\n"


def to_curly(set_text: str) -> str:
    """Nest every `set a b ... k v` line as a { b { ... k v; } } (syntactically what the curly reader
    flattens back; one block per line is the worst case for the parser)."""
    out = []
    for line in set_text.splitlines():
        toks = re.findall(r'"[^"]*"|\S+', line)[1:]
        if len(toks) < 2:
            continue
        path, leaf = toks[:-2], " ".join(toks[-2:])
        out.append(" ".join(f"{p} {{" for p in path) + f" {leaf}; " + "}" * len(path))
    return "\n".join(out) + "\n"


def to_curly_tree(set_text: str) -> str:
    """The hierarchical form as `show configuration` prints it: one statement per line, indented."""
    tree: dict = {}
    for line in set_text.splitlines():
        toks = re.findall(r'"[^"]*"|\S+', line)[1:]
        node = tree
        for p in toks[:-2]:
            node = node.setdefault(p, {})
        node.setdefault(" ".join(toks[-2:]), None)
    out: list[str] = []

    def emit(node: dict, indent: str) -> None:
        for k, v in node.items():
            if v is None:
                out.append(f"{indent}{k};")
            else:
                out.append(f"{indent}{k} {{")
                emit(v, indent + "    ")
                out.append(f"{indent}}}")
    emit(tree, "")
    return "\n".join(out) + "\n"


def _timed(text: str):
    backend = base.get("juniper")
    start = time.perf_counter()
    dev = backend.read(text)
    return time.perf_counter() - start, dev


def test_100k_line_set_config_is_read_correctly() -> None:
    text = big_set()
    assert len(text.splitlines()) == LINES
    elapsed, dev = _timed(text)
    assert len(dev.tunnels) == 302
    report = vpncc.validate(sample_connection(), "juniper", text, profile=PROFILE)
    assert [f for f in report.findings if f.category != "security"] == []
    # speed is measured in benchmarks/run.py, not asserted here


def test_100k_statement_hierarchical_config_is_read_correctly() -> None:
    text = to_curly_tree(big_set())
    elapsed, dev = _timed(text)
    assert len(dev.tunnels) == 302 and dev.form == "curly"
    assert [f for f in vpncc.validate(sample_connection(), "juniper", text, profile=PROFILE).findings
            if f.category != "security"] == []
    # speed is measured in benchmarks/run.py, not asserted here


def test_100k_line_curly_worst_case_is_read_correctly() -> None:
    """Every statement nested on its own line (`a { b { c d; } }`): no subtree can be skipped by lines."""
    text = to_curly(big_set())
    elapsed, dev = _timed(text)
    assert len(dev.tunnels) == 302 and dev.form == "curly"
    assert [f for f in vpncc.validate(sample_connection(), "juniper", text, profile=PROFILE).findings
            if f.category != "security"] == []
    # speed is measured in benchmarks/run.py, not asserted here