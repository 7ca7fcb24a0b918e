"""Independent check of FortiOS CLI text against Fortinet-derived schema data (test-only).

* Parser: anyconfig-fortios-backend (not vpncc's reader) turns the text into nested dicts.
* Schema 1: Fortinet's own ``fortinet.fortios`` Ansible collection (module ``versioned_schema`` with
  per-version ``v_range``): every table, field and enum value must exist in the chosen FortiOS family
  (checked at the family's first and last patch release).
* Schema 2: hfortix-fortios CMDB helpers (``FIELD_TYPES``, ``VALID_BODY_*``, ``NESTED_SCHEMAS``,
  ``FIELD_CONSTRAINTS``): field exists, option values, integer ranges, address syntax.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Any

#: CLI table -> (Ansible module, hfortix helper module, key field of an `edit`)
TABLES: dict[str, tuple[str, str, str | None]] = {
    "vpn ipsec phase1-interface": ("fortios_vpn_ipsec_phase1_interface", "vpn.ipsec._helpers.phase1_interface", "name"),
    "vpn ipsec phase2-interface": ("fortios_vpn_ipsec_phase2_interface", "vpn.ipsec._helpers.phase2_interface", "name"),
    "system interface": ("fortios_system_interface", "system._helpers.interface", "name"),
    "router bgp": ("fortios_router_bgp", "router._helpers.bgp", None),
    "router static": ("fortios_router_static", "router._helpers.static", "seq-num"),
    "firewall address": ("fortios_firewall_address", "firewall._helpers.address", "name"),
    "firewall policy": ("fortios_firewall_policy", "firewall._helpers.policy", "policyid"),
    "router prefix-list": ("fortios_router_prefix_list", "router._helpers.prefix_list", "name"),
    "router route-map": ("fortios_router_route_map", "router._helpers.route_map", "name"),
}
#: key field of nested tables
NESTED_KEYS = {"neighbor": "ip", "network": "id", "rule": "id"}


@lru_cache(maxsize=None)
def ansible_schema(module: str) -> dict[str, Any]:
    spec = importlib.util.find_spec("ansible_collections.fortinet.fortios")
    assert spec is not None and spec.submodule_search_locations, "ansible fortinet.fortios collection missing"
    path = Path(list(spec.submodule_search_locations)[0]) / "plugins" / "modules" / f"{module}.py"
    src = path.read_text(encoding="utf-8")
    start = src.index("versioned_schema = ") + len("versioned_schema = ")
    end = src.index("\n\n\n", start)
    return ast.literal_eval(src[start:end])


def _vt(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.lstrip("v").split("."))


def _in_range(node: dict, ver: tuple[int, ...]) -> bool:
    vr = node.get("v_range")
    if not vr:
        return True
    return any(_vt(lo) <= ver and (hi == "" or ver <= _vt(hi)) for lo, hi in vr)


def _family_ends(version: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    major, minor = (int(x) for x in version.split("."))
    return (major, minor, 0), (major, minor, 99)


def _values(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def check_ansible(parsed: dict, version: str) -> list[str]:
    problems: list[str] = []
    ends = _family_ends(version)

    def field(where: str, schema: dict, key: str, value: Any) -> None:
        child = (schema.get("children") or {}).get(key.replace("-", "_"))
        if child is None or not all(_in_range(child, e) for e in ends):
            problems.append(f"{where}: unknown field {key!r} in FortiOS {version}")
            return
        opts = child.get("options")
        if opts:
            allowed = {o["value"] for o in opts if all(_in_range(o, e) for e in ends)}
            for v in _values(value):
                if v not in allowed:
                    problems.append(f"{where}: {key} {v!r} is not a FortiOS {version} value")
        elif child.get("type") == "integer":
            for v in _values(value):
                if not v.isdigit():
                    problems.append(f"{where}: {key} {v!r} is not an integer")

    def entry(where: str, schema: dict, d: dict, key_field: str | None) -> None:
        for k, v in d.items():
            if k in ("edit", "config", "edits", "comments"):
                continue
            if k == "configs":
                for sub in v:
                    name = sub["config"]
                    child = (schema.get("children") or {}).get(name.replace("-", "_"))
                    if child is None or not all(_in_range(child, e) for e in ends):
                        problems.append(f"{where}: unknown sub-table {name!r}")
                        continue
                    for e in sub.get("edits", []):
                        entry(f"{where} > {name} {e.get('edit')}", child, e, NESTED_KEYS.get(name))
                continue
            field(where, schema, k, v)
        if key_field is not None and "edit" in d:
            field(where, schema, key_field, d["edit"])

    for cfg in parsed.get("configs", []):
        path = cfg.get("config")
        if path is None:
            continue  # the #config-version header record
        if path not in TABLES:
            problems.append(f"table {path!r} is not covered by the checker")
            continue
        module, _, key = TABLES[path]
        schema = ansible_schema(module)
        if not all(_in_range(schema, e) for e in ends):
            problems.append(f"table {path!r} does not exist in FortiOS {version}")
        if key is None:
            entry(path, schema, cfg, None)
        for e in cfg.get("edits", []):
            entry(f"{path} {e.get('edit')}", schema, e, key)
    return problems


def _hf(helper: str):
    return importlib.import_module("hfortix_fortios.api.v2.cmdb." + helper)


def check_hfortix(parsed: dict) -> list[str]:
    problems: list[str] = []

    def one(where: str, key: str, value: Any, ftype: str | None, options, lo=None, hi=None) -> None:
        if ftype is None:
            problems.append(f"{where}: unknown field {key!r} (hfortix CMDB schema)")
            return
        vals = _values(value)
        if options is not None:
            bad = [v for v in vals if v not in options]
            if bad:
                problems.append(f"{where}: {key} {' '.join(bad)!r} not in {sorted(options)[:6]}...")
        elif ftype == "integer":
            for v in vals:
                if not v.isdigit() or (lo is not None and int(v) < lo) or (hi is not None and int(v) > hi):
                    problems.append(f"{where}: {key} {v!r} out of range {lo}-{hi}")
        elif ftype.startswith("ipv4-classnet"):
            try:
                ipaddress.IPv4Interface("/".join(vals[:2]))
            except ValueError:
                problems.append(f"{where}: {key} {' '.join(vals)!r} is not 'address mask'")
        elif ftype.startswith("ipv4-address"):
            try:
                ipaddress.IPv4Address(vals[0])
            except ValueError:
                problems.append(f"{where}: {key} {vals[0]!r} is not an IPv4 address")

    def top(where: str, m, d: dict) -> None:
        for k, v in d.items():
            if k in ("edit", "config", "edits", "comments"):
                continue
            if k == "configs":
                for sub in v:
                    nested = getattr(m, "NESTED_SCHEMAS", {}).get(sub["config"])
                    if nested is None:
                        problems.append(f"{where}: unknown sub-table {sub['config']!r} (hfortix)")
                        continue
                    for e in sub.get("edits", []):
                        for nk, nv in e.items():
                            if nk == "edit":
                                continue
                            spec = nested.get(nk)
                            one(f"{where} > {sub['config']} {e.get('edit')}", nk, nv,
                                spec.get("type") if spec else None, spec.get("options") if spec else None,
                                spec.get("min_value") if spec else None, spec.get("max_value") if spec else None)
                continue
            ftype = m.FIELD_TYPES.get(k)
            options = getattr(m, "VALID_BODY_" + k.upper().replace("-", "_"), None)
            cons = m.FIELD_CONSTRAINTS.get(k, {})
            one(where, k, v, ftype, options, cons.get("min"), cons.get("max"))

    for cfg in parsed.get("configs", []):
        path = cfg.get("config")
        if path is None or path not in TABLES:
            continue
        m = _hf(TABLES[path][1])
        if TABLES[path][2] is None:
            top(path, m, cfg)
        for e in cfg.get("edits", []):
            top(f"{path} {e.get('edit')}", m, e)
    return problems


def parse(text: str) -> dict:
    import anyconfig

    return anyconfig.loads(text, ac_parser="fortios")


def check(text: str, version: str) -> tuple[list[str], dict]:
    parsed = parse(text)
    if not [c for c in parsed.get("configs", []) if c.get("config")]:
        # anyconfig-fortios-backend returns nothing at all when a block lacks its `end`
        return ["the second parser read no config table at all"], parsed
    return check_ansible(parsed, version) + check_hfortix(parsed), parsed
