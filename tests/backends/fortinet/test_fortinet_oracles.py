"""Independent checks: Fortinet-derived schemas (Ansible fortinet.fortios per version, hfortix-fortios)
and a second parser (anyconfig-fortios-backend) over vpncc's FortiOS output."""

from __future__ import annotations

import re

import ansible_collections.fortinet.fortios  # noqa: E402,F401

# the checkers are test dependencies: a missing one must fail here, never skip
import anyconfig  # noqa: E402,F401
import hfortix_fortios  # noqa: E402,F401
import pytest

from tests.conftest import sample_paths
from vpncc.backends.fortinet import names
from vpncc.backends.fortinet.fortios_config import build, parser, prefilter

from .fortios_schema_check import check
from .test_fortinet_compile import VARIANTS, compile_

TABLES = {"vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "system interface", "firewall address",
          "firewall policy"}


def _cases():
    from vpncc.readers.aws_generic import read

    out = [(k, v) for k, v in sorted(VARIANTS.items())]
    for p in sample_paths():
        out.append((p.stem, read(p.read_text(encoding="utf-8"), str(p))))
    return out


CASES = _cases()


@pytest.mark.parametrize("version", names.VERSIONS)
@pytest.mark.parametrize("case", [c for c, _ in CASES])
def test_output_is_valid_for_the_version_and_both_parsers_agree(case: str, version: str) -> None:
    conn = dict(CASES)[case]
    text = compile_(conn, version)
    problems, parsed = check(text, version)
    assert problems == []
    theirs = {c["config"]: sorted(str(e["edit"]) for e in c.get("edits", []))
              for c in parsed["configs"] if c.get("config")}
    # BGP: the outbound prefix-list, and the active/standby route-maps of tunnel 2 (docs/safe-changes.md)
    routing = ({"router bgp", "router prefix-list"} | ({"router route-map"} if len(conn.tunnels) > 1 else set())
               if conn.routing.value == "bgp" else {"router static"})
    assert TABLES | routing == set(theirs)
    paths = tuple(theirs)
    pre = prefilter(text, paths)
    ours = {p: sorted(re.sub(r"#\d+$", "", k) for k in n.edits) for p, n in build(parser().parser.parse(pre.text),
                                                                                    pre.linemap).items()}
    assert ours == theirs and all(theirs[p] for p in TABLES)
    bgp = next((c for c in parsed["configs"] if c.get("config") == "router bgp"), None)
    if bgp is not None:
        nested = {c["config"]: [e["edit"] for e in c["edits"]] for c in bgp["configs"]}
        assert nested["neighbor"] == [str(t.bgp.neighbor) for t in conn.tunnels]


def _good() -> str:
    return compile_(VARIANTS["bgp-ikev1-classic"], "7.2")


@pytest.mark.parametrize("bad,expect", [
    ("set proposal aes256-sha999", "proposal 'aes256-sha999'"),
    ("set dhgrp 99", "dhgrp '99'"),
    ("set psk-secret \"Sample.Key_Tunnel1.a1b2c3d4e5f6g7h\"", "unknown field 'psk-secret'"),
])
def test_checker_catches_bad_values_and_unknown_fields(bad: str, expect: str) -> None:
    key = bad.split()[1].replace("psk-secret", "psksecret")
    text = re.sub(rf"set {key} [^\n]*", bad, _good(), count=1)
    problems, _ = check(text, "7.2")
    ansible = [p for p in problems if "hfortix" not in p and "not in [" not in p]
    hfortix = [p for p in problems if p not in ansible]
    assert any(expect in p for p in ansible) and hfortix, problems


def test_checker_is_version_aware() -> None:
    # `link-cost` exists in phase1-interface from FortiOS 7.2.1 on (Ansible v_range)
    text = _good().replace("set nattraversal enable\n", "set nattraversal enable\n        set link-cost 5\n", 1)
    assert any("link-cost" in p for p in check(text, "6.4")[0])
    assert check(text, "7.4")[0] == []


def test_checker_notices_the_second_parsers_silent_failures() -> None:
    text = _good()
    # a missing `end` between blocks: anyconfig-fortios-backend silently returns no table at all
    broken = text.replace("end\nconfig vpn ipsec phase2-interface", "config vpn ipsec phase2-interface", 1)
    assert check(broken, "7.2")[0] == ["the second parser read no config table at all"]
    # a missing final `end`: it silently drops the last table, which the table comparison above catches
    _, parsed = check(text[: text.rindex("end")], "7.2")
    assert "firewall policy" not in {c.get("config") for c in parsed["configs"]}


@pytest.mark.parametrize("version", names.VERSIONS)
@pytest.mark.parametrize("mode", ["recommended", "compatible"])
@pytest.mark.parametrize("case", [c for c, _ in CASES if c.endswith("2022")])
def test_chosen_suites_are_valid_for_every_family(case: str, mode: str, version: str) -> None:
    """What --crypto recommended/compatible chooses (names.CRYPTO) is accepted by each family's schema."""
    from dataclasses import replace

    from .test_fortinet_compile import PROFILE

    text = compile_(dict(CASES)[case], version, replace(PROFILE, crypto=mode))
    problems, _ = check(text, version)
    assert problems == []
