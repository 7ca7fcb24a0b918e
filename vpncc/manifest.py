"""The network-CI manifest (``vpncc.yaml``) and ``vpncc check``.

connections: what AWS says (any input vpncc reads); devices: the configs that terminate them.
Paths are relative to the manifest's folder. Every error names the key and its line. Without
``--manifest``, ``vpncc check`` uses the vpncc.yaml of the current directory or of the nearest parent
(as git finds .git). A device's ``ignore: {VPN221: "why"}`` leaves that rule out of its verdict; every
report lists the ignored findings with the reason.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError, ProfileError, UsageError

CONNECTION_KEYS = {"name": str, "source": str, "connection": str, "tunnel_options": str}
DEVICE_KEYS = {"name": str, "vendor": str, "config": str, "connections": list, "profile": str, "ignore": dict}
MANIFEST_NAME = "vpncc.yaml"
TOP_KEYS = {"connections", "devices", "version"}


@dataclass(frozen=True)
class ConnectionEntry:
    name: str
    source: Path
    line: int
    connection: str | None = None
    tunnel_options: Path | None = None


@dataclass(frozen=True)
class DeviceEntry:
    name: str
    vendor: str
    config: Path
    connections: tuple[str, ...]
    line: int
    profile: Path | None = None
    #: (rule id, reason) the device's ``ignore:`` names
    ignore: tuple[tuple[str, str], ...] = ()


@dataclass
class Manifest:
    path: Path
    connections: dict[str, ConnectionEntry] = field(default_factory=dict)
    devices: list[DeviceEntry] = field(default_factory=list)


def json_schema() -> dict[str, Any]:
    s = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://vpncc.invalid/schemas/manifest.json",
        "title": "vpncc manifest (vpncc.yaml)",
        "type": "object", "additionalProperties": False, "required": ["connections", "devices"],
        "properties": {
            "version": {"const": 1},
            "connections": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": False, "required": ["name", "source"],
                "properties": {"name": s, "source": s, "connection": s, "tunnel_options": s}}},
            "devices": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["name", "vendor", "config", "connections"],
                "properties": {"name": s, "vendor": s, "config": s, "profile": s,
                               "connections": {"type": "array", "minItems": 1, "items": s},
                               "ignore": {"type": "object", "propertyNames": {"pattern": "^VPN[0-9]{3}$"},
                                          "additionalProperties": s,
                                          "description": "rule id -> why it is ignored for this device"}}}},
        },
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2) + "\n"


def _lines(node: Any) -> dict[int, dict[str, int]]:
    """id(yaml mapping node) -> {key: line}, for every mapping in the document."""
    import yaml

    out: dict[int, dict[str, int]] = {}

    def walk(n: Any) -> None:
        if isinstance(n, yaml.MappingNode):
            out[id(n)] = {str(k.value): k.start_mark.line + 1 for k, _ in n.value}
            for _, v in n.value:
                walk(v)
        elif isinstance(n, yaml.SequenceNode):
            for v in n.value:
                walk(v)
    walk(node)
    return out


def load(path: str | os.PathLike[str]) -> Manifest:
    import yaml

    p = Path(path)
    from .readers import read_text

    try:
        text = read_text(p, what="manifest")
    except InputError as e:
        raise ProfileError(e.message, str(p), hint="create vpncc.yaml or pass --manifest FILE") from None
    try:
        # libyaml's parser when PyYAML has it (same nodes and marks, ~5x faster on a 10,000-device manifest)
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ProfileError(f"invalid YAML: {getattr(e, 'problem', None) or e}", str(p),
                           mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    if not isinstance(root, yaml.MappingNode):
        raise ProfileError("the manifest must be a mapping with 'connections' and 'devices'", str(p), 1)
    base = p.parent
    m = Manifest(path=p)

    def err(msg: str, node: Any) -> ProfileError:
        return ProfileError(msg, str(p), node.start_mark.line + 1, node.start_mark.column + 1)

    top = {str(k.value): (k, v) for k, v in root.value}
    for k, (knode, _) in top.items():
        if k not in TOP_KEYS:
            raise err(f"unknown key {k!r} (known: connections, devices)", knode)
    for req in ("connections", "devices"):
        if req not in top:
            raise ProfileError(f"missing key {req!r}", str(p), 1)

    def entries(key: str, allowed: dict[str, type], required: tuple[str, ...]):
        seq = top[key][1]
        if not isinstance(seq, yaml.SequenceNode):
            raise err(f"{key!r} must be a list", seq)
        for item in seq.value:
            if not isinstance(item, yaml.MappingNode):
                raise err(f"each entry of {key!r} must be a mapping", item)
            d: dict[str, Any] = {}
            for knode, vnode in item.value:
                k = str(knode.value)
                if k not in allowed:
                    raise err(f"{key}: unknown key {k!r} (known: {', '.join(allowed)})", knode)
                if allowed[k] is dict:
                    if not isinstance(vnode, yaml.MappingNode) or not vnode.value:
                        raise err(f"{key}: {k!r} must be a mapping of rule id to reason", vnode)
                    d[k] = {}
                    for rk, rv in vnode.value:
                        if str(rk.value).strip().upper() not in _rule_ids():
                            raise err(f"{key}: {k}: unknown rule {rk.value!r} (vpncc rules lists them)", rk)
                        if not isinstance(rv, yaml.ScalarNode) or not str(rv.value).strip():
                            raise err(f"{key}: {k}: {rk.value} needs a reason (why this rule does not apply)",
                                      rv)
                        d[k][str(rk.value).strip().upper()] = str(rv.value).strip()
                elif allowed[k] is list:
                    if not isinstance(vnode, yaml.SequenceNode) or not vnode.value:
                        raise err(f"{key}: {k!r} must be a non-empty list", vnode)
                    d[k] = [str(x.value) for x in vnode.value]
                else:
                    if not isinstance(vnode, yaml.ScalarNode) or not str(vnode.value).strip():
                        raise err(f"{key}: {k!r} must be a non-empty string", vnode)
                    d[k] = str(vnode.value)
            for r in required:
                if r not in d:
                    raise err(f"{key}: entry lacks {r!r}", item)
            yield d, item

    def file(rel: str, node: Any, what: str) -> Path:
        fp = (base / rel)
        if not fp.exists():
            raise err(f"{what} {rel!r} does not exist", node)
        return fp

    for d, node in entries("connections", CONNECTION_KEYS, ("name", "source")):
        if d["name"] in m.connections:
            raise err(f"connection {d['name']!r} is defined twice", node)
        m.connections[d["name"]] = ConnectionEntry(
            d["name"], file(d["source"], node, "connection source"), node.start_mark.line + 1,
            d.get("connection"), file(d["tunnel_options"], node, "tunnel options") if "tunnel_options" in d else None)
    names: set[str] = set()
    from .backends import base as backends

    for d, node in entries("devices", DEVICE_KEYS, ("name", "vendor", "config", "connections")):
        if d["name"] in names:
            raise err(f"device {d['name']!r} is defined twice", node)
        names.add(d["name"])
        try:
            vendor = backends.canonical(d["vendor"])
        except UsageError as e:
            raise err(str(e), node) from None
        for c in d["connections"]:
            if c not in m.connections:
                raise err(f"device {d['name']!r} names unknown connection {c!r} "
                          f"(defined: {', '.join(m.connections)})", node)
        m.devices.append(DeviceEntry(
            d["name"], vendor, file(d["config"], node, "device config"), tuple(d["connections"]),
            node.start_mark.line + 1, file(d["profile"], node, "profile") if "profile" in d else None,
            tuple(d.get("ignore", {}).items())))
    return m


def _rule_ids() -> set[str]:
    from .validate.rules import BY_ID

    return set(BY_ID)


def find(start: str | os.PathLike[str] | None = None) -> Path:
    """The vpncc.yaml of ``start`` (default: the current directory) or of its nearest parent."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / MANIFEST_NAME).is_file():
            return d / MANIFEST_NAME
    raise ProfileError(f"no {MANIFEST_NAME} in {here} or any parent directory", None,
                       hint="create vpncc.yaml at the repository root, or pass --manifest FILE")


def changed_files(ref: str, cwd: Path) -> set[Path]:
    def git(*args: str) -> str:
        try:
            res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
        except FileNotFoundError:
            raise UsageError("--changed-since needs git on PATH") from None
        if res.returncode != 0:
            raise UsageError(f"git {' '.join(args)} failed: {res.stderr.strip().splitlines()[-1:] or ['?']}")
        return res.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    names = git("diff", "--name-only", ref, "--").splitlines()
    names += git("ls-files", "--others", "--exclude-standard").splitlines()
    return {(top / n).resolve() for n in names if n}


def _load_connection(entry: ConnectionEntry):
    from .readers import load_all

    loaded = load_all(entry.source)
    if entry.tunnel_options is not None:
        from .readers import merge

        opts = load_all(entry.tunnel_options)
        loaded = [merge.merge(c, merge.pick(c, opts)) for c in loaded]
    if entry.connection:
        loaded = [c for c in loaded if c.vpn_connection_id == entry.connection]
    if len(loaded) != 1:
        raise InputError(f"connection {entry.name!r}: the source holds {len(loaded)} matching connections; "
                         "set 'connection: vpn-...'", str(entry.source))
    return loaded[0]


def _check_device(dev: DeviceEntry, conns: dict) -> list:
    from . import profile as prof
    from .validate.run import check_device

    p = prof.load(dev.profile) if dev.profile else None
    return check_device(str(dev.config), dev.vendor, {c: conns[c] for c in dev.connections}, profile=p)


def run_check(args: Any) -> int:
    from .validate.findings import Severity
    from .validate.report import Report
    from .validate.reports import ignores, render

    command_line = {r: ignores.COMMAND_LINE for r in ignores.check_rules(getattr(args, "ignore", None) or ())}
    m = load(args.manifest if args.manifest else find())
    devices = m.devices
    if args.changed_since:
        changed = changed_files(args.changed_since, m.path.parent)
        devices = [d for d in devices if _touched(d, m, changed)]
    jobs = args.jobs or (os.cpu_count() or 1)
    needed = {c for d in devices for c in d.connections}
    conns = {name: _load_connection(e) for name, e in m.connections.items() if name in needed}
    results = []
    with _no_gc():  # the results only grow: full collections over them made 10,000 devices superlinear
        if len(devices) >= 8 and jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs, initializer=gc.enable) as ex:  # workers collect
                per_device = list(ex.map(_check_device, devices, [conns] * len(devices), chunksize=8))
        else:
            per_device = [_check_device(d, conns) for d in devices]
    for d, rs in zip(devices, per_device, strict=False):
        ignores.apply(rs, {**command_line, **dict(d.ignore)})  # the manifest's reason wins over the flag's
        results.extend(rs)
    reused = shared_keys(conns, str(m.path))
    if reused is not None:
        ignores.apply([reused], command_line)
        results.append(reused)
    # report paths relative to where vpncc runs (the repository root in CI): what annotations need
    from dataclasses import replace

    rel: dict = {}  # one relpath per file, not per finding (a fleet has ~20 findings per device)
    for r in results:
        r.file = rel[r.file] if r.file in rel else rel.setdefault(r.file, _rel(r.file))
        r.findings = [f if (rel[f.file] if f.file in rel else rel.setdefault(f.file, _rel(f.file))) == f.file
                      else replace(f, file=rel[f.file]) for f in r.findings]
    report = Report(None, results)
    sec = getattr(args, "fail_on_security", None)
    report.fail_on_security = Severity(sec) if sec and sec != "never" else None
    fail_on = Severity(args.fail_on)
    with _no_gc():
        out = render(report, args.report_format, fail_on,
                     color=ignores.use_color(getattr(args, "color", None), args.output, sys.stdout))
    if not args.quiet and args.changed_since and args.report_format == "text":
        out = f"checked {len(devices)} of {len(m.devices)} device(s) changed since {args.changed_since}\n" + out
    if args.output in (None, "-"):
        sys.stdout.write(out)
    else:
        from .atomic import write_atomic
        write_atomic(args.output, out, 0o644)
        sys.stderr.write(ignores.summary(report, fail_on))  # the verdict still shows on the console
    return report.exit_code(fail_on)


def shared_keys(conns: dict, manifest_path: str):
    """VPN505 across connections: one pre-shared key on tunnels of different connections (one leak
    opens them all). Names connections and tunnels, never the key."""
    from .validate.findings import Finding
    from .validate.report import ConfigResult
    from .validate.rules import BY_ID

    users: dict[str, list[str]] = {}
    for name, conn in sorted(conns.items()):
        for t in conn.tunnels:
            if t.ike.psk:
                users.setdefault(t.ike.psk, []).append(f"{name} tunnel {t.number}")
    rule = BY_ID["VPN505"]
    findings = [Finding(rule.id, rule.name, rule.severity, None, "tunnels", None, None, manifest_path, None,
                        "the same pre-shared key is used by " + ", ".join(where), rule.category)
                for where in users.values() if len({w.rsplit(" tunnel ", 1)[0] for w in where}) > 1]
    return ConfigResult(file=manifest_path, vendor="manifest", findings=findings) if findings else None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while a fleet's results pile up (they hold no cycles to free, and every
    full collection walks all of them again)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rel(path: str | None) -> str | None:
    if not path:
        return path
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _touched(dev: DeviceEntry, m: Manifest, changed: set[Path]) -> bool:
    files = [dev.config, *(p for p in [dev.profile] if p)]
    for c in dev.connections:
        e = m.connections[c]
        files.append(e.source)
        if e.tunnel_options:
            files.append(e.tunnel_options)
    return any(f.resolve() in changed for f in files) or m.path.resolve() in changed
