"""Remediation: running config + remediation == intended (hier_config's circular test).

For every single mutation of the IR (the framework's list), the bundle compiled from the OLD IR is
validated against the NEW IR; the remediation for those findings is applied the way its header says
(swanctl/ipsec.conf/FRR fragments appended to their file: sections of the same name merge and later
settings win; shell commands appended to the Linux-side script; BIRD protocols replaced by name), and
re-validating the result against the NEW IR gives no findings.
"""

from __future__ import annotations

import pytest

from tests.properties.test_backend_properties import MUTATION_BASES, MUTATIONS, PROFILE
from vpncc.backends import base
from vpncc.backends.strongswan.read import split
from vpncc.compiler import compile_files, resolve_profile
from vpncc.validate.compare import compare

B = base.get("strongswan")
FORMATS = [("swanctl", "frr"), ("legacy", "frr"), ("swanctl", "bird"), ("networkd", "frr")]


def _counted(f) -> bool:
    """Security findings (VPN5xx, weak algorithms of the sample's own suite) are their own category."""
    return str(getattr(f, "category", "") or "") != "security" and not f.rule.startswith("VPN5")


def apply(bundle: str, fix: str) -> str:
    parts = split(bundle)
    by_kind: dict[str, list] = {}
    for p in parts:
        by_kind.setdefault(p.kind or "", []).append(p)
    texts = {id(p): p.text for p in parts}
    for f in split(fix):
        kind = {"ipsec.conf": "ipsec.conf"}.get(f.kind or "", f.kind or "")
        target = (by_kind.get(kind) or by_kind.get("networkd" if kind == "shell" else "") or [None])[0]
        assert target is not None, f"no {kind} file in the bundle for the fix"
        texts[id(target)] += "\n" + f.text
    return "".join(texts[id(p)] for p in parts)


def _run(old, new, fmt, routing):
    prof, _ = resolve_profile(new, B, PROFILE)
    bundle = "".join(compile_files(old, "strongswan", PROFILE, format=fmt, extra={"routing": routing}).values())
    device = B.read(bundle)
    findings = compare(new, device, PROFILE)
    return bundle, device, findings, prof


@pytest.mark.parametrize("fmt,routing", FORMATS)
@pytest.mark.parametrize("base_name", sorted(MUTATION_BASES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("tunnel", [1, 2])
def test_remediation_fixes_mutation(fmt, routing, base_name, mutation, tunnel) -> None:
    base_conn = MUTATION_BASES[base_name]
    res = MUTATIONS[mutation](base_conn, base_conn.tunnel(tunnel))
    if res is None:
        return
    old, new, rules = res
    bundle, device, findings, prof = _run(old, new, fmt, routing)
    actionable = [f for f in findings if f.severity.value in ("error", "warning") and _counted(f)]
    if not actionable:
        return  # info only (who rekeys first): nothing to fix
    findings = actionable
    fix = B.remediation(findings, new, prof, device)
    assert fix.strip()
    fixed = apply(bundle, fix)
    after = compare(new, B.read(fixed), PROFILE)
    assert [(f.rule, f.tunnel, f.message) for f in after
            if f.severity.value in ("error", "warning") and _counted(f)] == []


def test_missing_tunnel_is_added() -> None:
    old = MUTATION_BASES["bgp-v1"]
    files = compile_files(old, "strongswan", PROFILE)
    # drop tunnel 2 from the swanctl.conf: a single-tunnel device
    main = files["swanctl.conf"]
    cut = main[main.index("    # Tunnel 2"):main.index("\n}\n\nsecrets")]
    files["swanctl.conf"] = main.replace(cut, "")
    bundle = "".join(files.values())
    prof, _ = resolve_profile(old, B, PROFILE)
    device = B.read(bundle)
    findings = [f for f in compare(old, device, PROFILE) if _counted(f) and f.severity.value != "info"]
    assert {f.rule for f in findings} == {"VPN102", "VPN101"}
    fix = B.remediation(findings, old, prof, device)
    assert "vpn-0a1b2c3d4e5f60718-tunnel2 {" in fix
    assert [f for f in compare(old, B.read(apply(bundle, fix)), PROFILE)
            if _counted(f) and f.severity.value != "info"] == []


def test_no_psk_in_remediation_header_or_for_unverifiable() -> None:
    old = MUTATION_BASES["bgp-v1"]
    old, new, _ = MUTATIONS["mtu"](old, old.tunnel(1))
    bundle, device, findings, prof = _run(old, new, "swanctl", "frr")
    fix = B.remediation(findings, new, prof, device)
    assert old.tunnels[0].ike.psk not in fix
    assert "ip link set dev xfrm1 mtu 1436" in fix
