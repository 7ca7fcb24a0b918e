"""The site profile: everything a device config needs that the AWS file does not say.

Every field has a documented default per vendor (backends declare ``profile_defaults``), and every
field can be given on the command line as ``--<field-name-with-dashes> VALUE``. A profile is YAML;
unknown keys and wrong types are errors that name the key and its line.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ProfileError

_NET = "ipv4-network-list"


def _f(default: Any, kind: str, help: str, **extra: Any) -> Any:
    meta = {"kind": kind, "help": help} | extra
    if isinstance(default, list):
        return field(default_factory=lambda d=default: list(d), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Profile:
    """Site profile. ``None`` means "use the backend's default" (see ``vpncc profile --example``)."""

    outside_interface: str | None = _f(None, "name", "WAN/outside interface that terminates the tunnels")
    local_address: ipaddress.IPv4Address | None = _f(
        None, "ipv4", "customer outside address to use as IKE local address/identity when the AWS file "
        "has none or the device sits behind NAT (default: the file's Customer Gateway outside address)")
    tunnel_start: int | None = _f(None, "int", "number of the first tunnel interface (Tunnel1, st0.1, ...)",
                                  minimum=0, maximum=65535)
    name_prefix: str | None = _f(None, "name", "prefix for object names (default: the connection id)")
    local_networks: list[ipaddress.IPv4Network] = _f(
        [], _NET, "on-premises networks to advertise over BGP or to route/permit through the tunnels")
    remote_networks: list[ipaddress.IPv4Network] = _f(
        [], _NET, "VPC/remote networks routed through the tunnels with static routing")
    bgp_router_id: ipaddress.IPv4Address | None = _f(
        None, "ipv4", "BGP router-id (default: tunnel 1's customer inside address)")
    customer_asn: int | None = _f(None, "int", "customer BGP ASN when the AWS file has a placeholder",
                                  minimum=1, maximum=4294967295)
    vrf: str | None = _f(None, "name", "Cisco VRF / FortiGate VRF for the tunnels (default: none)")
    zone: str | None = _f(None, "name", "Junos security zone for st0 units / FortiGate zone")
    outside_zone: str | None = _f(None, "name", "Junos security zone of the outside interface")
    lan_zone: str | None = _f(None, "name", "Junos security zone of the local networks (policies to/from the tunnels)")
    routing_instance: str | None = _f(None, "name", "Junos routing-instance (default: master)")
    isakmp_policy_start: int | None = _f(None, "int", "first Cisco ISAKMP/IKEv2 policy number",
                                         minimum=1, maximum=65535)
    lan_interface: str | None = _f(None, "name", "LAN interface for FortiGate policies / pfSense rules")
    ikeid_start: int | None = _f(None, "int", "pfSense first ikeid", minimum=1, maximum=65535)
    crypto: str | None = _f(
        None, "choice", "which IKE/ESP suite compile emits: 'recommended' (IKEv2 where AWS accepts it and the "
        "strongest suites both AWS and the platform release accept, strongest first), 'compatible' (those, "
        "then the AWS file's example suite as a last resort) or 'file' (exactly the AWS file's suite)",
        choices=("recommended", "compatible", "file"), metavar="MODE")
    release: str | None = _f(
        None, "release", "platform software release the config is for, e.g. 17.11+ for cisco-ios (valid values per "
        "vendor: vpncc vendors); it selects syntax and the algorithms offered",
        metavar="RELEASE")
    nat_traversal: bool | None = _f(None, "bool", "force NAT-T on (true) or off (false); default per vendor")
    bgp_mode: str | None = _f(
        None, "choice", "BGP with two tunnels: 'active-standby' (tunnel 2 less preferred both ways: AS-path "
        "prepend out, lower local preference in) or 'ecmp' (both tunnels equal: multipath; a Transit Gateway "
        "with ECMP support uses both, a virtual private gateway still picks one)",
        choices=("active-standby", "ecmp"), metavar="MODE")

    # -- helpers --------------------------------------------------------------------------------
    def with_defaults(self, defaults: Mapping[str, Any]) -> "Profile":
        """Fill every ``None``/empty field that ``defaults`` names."""
        changes = {k: v for k, v in defaults.items() if getattr(self, k) in (None, [])}
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, list):
                v = [str(x) for x in v]
            elif isinstance(v, ipaddress.IPv4Address):
                v = str(v)
            out[f.name] = v
        return out


FIELDS = {f.name: f for f in fields(Profile)}


def coerce(name: str, value: Any, *, file: str | None = None, line: int | None = None) -> Any:
    """Check and convert one profile value; raise :class:`ProfileError` naming the key."""
    f = FIELDS.get(name)
    if f is None:
        raise ProfileError(f"unknown profile key {name!r}", file, line,
                           hint="known keys: " + ", ".join(sorted(FIELDS)))
    kind = f.metadata["kind"]
    if value is None:
        return [] if kind == _NET else None

    def bad(expected: str) -> ProfileError:
        return ProfileError(f"profile key {name!r}: expected {expected}, got {value!r}", file, line)

    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
            return value.lower() in ("true", "yes", "on", "1")
        raise bad("true or false")
    if kind == "int":
        if isinstance(value, bool):
            raise bad("an integer")
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise bad("an integer") from None
        lo, hi = f.metadata.get("minimum"), f.metadata.get("maximum")
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            raise bad(f"an integer in {lo}..{hi}")
        return n
    if kind == "ipv4":
        try:
            return ipaddress.IPv4Address(str(value))
        except ValueError:
            raise bad("an IPv4 address") from None
    if kind == _NET:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            raise bad("a list of IPv4 prefixes")
        try:
            return [ipaddress.IPv4Network(str(i).strip()) for i in items if str(i).strip()]
        except ValueError:
            raise bad("a list of IPv4 prefixes such as 10.0.0.0/16") from None
    if kind == "choice":
        choices = f.metadata["choices"]
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise bad("one of " + ", ".join(choices))
        return value.strip().lower()
    if kind == "release":
        # YAML reads an unquoted 17.11 as a number; load() passes the scalar's own text (17.10 stays 17.10)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,31}", value.strip()):
            raise bad("a release such as 17.11 (letters, digits, '.', '_', '+', '-')")
        return value.strip()
    if kind == "name":
        if not isinstance(value, str) or not value:
            raise bad("a non-empty name")
        # Names reach device configs; backends quote/check them again per vendor syntax.
        if any(c in value for c in "\r\n\t\"'`;{}<>&|\\#!$") or len(value) > 63 or value != value.strip():
            raise bad("a name of at most 63 characters without spaces at the ends, quotes, newlines "
                      "or any of ;{}<>&|\\#!$")
        return value
    raise AssertionError(kind)


def from_mapping(data: Mapping[str, Any], *, file: str | None = None,
                 lines: Mapping[str, int] | None = None) -> Profile:
    if not isinstance(data, Mapping):
        raise ProfileError("a profile must be a mapping of keys to values", file, 1)
    values = {}
    for k, v in data.items():
        key = str(k).replace("-", "_")
        values[key] = coerce(key, v, file=file, line=(lines or {}).get(str(k)))
    return Profile(**values)


def load(path: str | Path) -> Profile:
    """Read a YAML profile, with line numbers in every error."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("profile file not found", str(p)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(f"cannot read profile: {e.__class__.__name__}", str(p)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ProfileError(f"invalid YAML: {getattr(e, 'problem', None) or e}", str(p),
                           mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    if data is None:
        return Profile()
    lines = {}
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        for knode, vnode in node.value:
            lines[str(knode.value)] = knode.start_mark.line + 1
            f = FIELDS.get(str(knode.value).replace("-", "_"))
            if (f is not None and f.metadata["kind"] == "release" and isinstance(vnode, yaml.ScalarNode)
                    and data.get(knode.value) is not None):
                data[knode.value] = vnode.value  # the text as written, not YAML's float
    return from_mapping(data, file=str(p), lines=lines)


def json_schema() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for f in fields(Profile):
        kind = f.metadata["kind"]
        desc = f.metadata["help"]
        if kind == "bool":
            s: dict[str, Any] = {"type": ["boolean", "null"]}
        elif kind == "int":
            s = {"type": ["integer", "null"]}
            for m in ("minimum", "maximum"):
                if m in f.metadata:
                    s[m] = f.metadata[m]
        elif kind == "ipv4":
            s = {"type": ["string", "null"], "format": "ipv4"}
        elif kind == _NET:
            s = {"type": "array", "items": {"type": "string", "pattern": r"^\d+\.\d+\.\d+\.\d+/\d+$"}}
        elif kind == "choice":
            s = {"enum": [*f.metadata["choices"], None]}
        elif kind == "release":
            s = {"type": ["string", "number", "null"], "pattern": r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$"}
        else:
            s = {"type": ["string", "null"], "minLength": 1, "maxLength": 63}
        s["description"] = desc
        props[f.name] = s
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://vpncc.invalid/schemas/profile.json",
        "title": "vpncc site profile",
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


def example_text(vendor: str | None = None) -> str:
    """A commented example profile. With a vendor, shows that backend's defaults; otherwise all of them."""
    from .backends import base

    vendors = [base.canonical(vendor)] if vendor else base.names()
    defaults: dict[str, dict[str, Any]] = {}
    for v in vendors:
        try:
            for k, val in base.get(v).profile_defaults.items():
                defaults.setdefault(k, {})[v] = val
        except ImportError:
            continue
    out = ["# vpncc site profile: what the AWS file does not say but a device config needs.",
           "# Every key is optional; every key can also be given on the command line",
           "# (--outside-interface GigabitEthernet1 ...). Values shown are examples.", ""]
    examples = {
        "outside_interface": "GigabitEthernet1", "local_address": "203.0.113.10", "tunnel_start": 1,
        "name_prefix": "aws-hq", "local_networks": ["10.10.0.0/16"], "remote_networks": ["10.0.0.0/16"],
        "bgp_router_id": "10.10.0.1", "customer_asn": 65000, "vrf": "AWS", "zone": "vpn",
        "outside_zone": "untrust", "lan_zone": "trust", "routing_instance": "aws", "isakmp_policy_start": 200,
        "lan_interface": "internal", "ikeid_start": 1, "crypto": "recommended", "release": _example_release(vendors),
        "nat_traversal": True, "bgp_mode": "active-standby",
    }
    for f in fields(Profile):
        out.append(f"# {f.metadata['help']}")
        d = defaults.get(f.name)
        if d:
            out.append("#   default: " + "; ".join(f"{v}: {_show(x)}" for v, x in d.items()))
        elif f.name == "name_prefix":
            out.append("#   default: the VPN connection id")
        elif f.name == "bgp_router_id":
            out.append("#   default: tunnel 1's customer inside address")
        elif f.name == "crypto":
            from .crypto import DEFAULT_CRYPTO

            out.append(f"#   default: {DEFAULT_CRYPTO}")
        elif f.name == "bgp_mode":
            out.append("#   default: active-standby")
        elif f.name == "release":
            out.append("#   default: the vendor's default release; valid: " + (_releases(vendors) or "none"))
        else:
            out.append("#   default: none")
        ex = examples.get(f.name)
        if isinstance(ex, list):
            out.append(f"# {f.name}:")
            out.extend(f"#   - {x}" for x in ex)
        else:
            out.append(f"# {f.name}: {_show(ex)}")
        out.append("")
    return "\n".join(out)


def _example_release(vendors: list[str]) -> str | None:
    """The newest release of the one vendor shown (None when it has none), else cisco-ios's (backends list
    releases oldest first)."""
    from .backends import base

    try:
        rel = base.get(vendors[0] if len(vendors) == 1 else "cisco-ios").releases
    except ImportError:
        return None
    return rel[-1] if rel else None


def _releases(vendors: list[str]) -> str:
    from .backends import base

    parts = []
    for v in vendors:
        try:
            rel = base.get(v).releases
        except ImportError:
            continue
        if rel:
            parts.append(f"{v}: {', '.join(rel)}")
    return "; ".join(parts)


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return "null" if v is None else str(v)
