"""The command line: a thin layer over the library API. No vendor knowledge here.

Exit codes: 0 success/compliant, 1 findings at or above --fail-on (or a failed lab run),
2 usage or input error. No traceback for any user error.
"""

from __future__ import annotations

import os
import sys

from ._version import __version__

# Start-up: `vpncc --version` imports nothing beyond this module; argparse, pathlib and vpncc's error
# types load when a command runs (each costs milliseconds in a bare interpreter).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import argparse
    from typing import Any, Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _out(text: str, dest: str | None, *, secret: bool = True) -> None:
    if dest in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from .atomic import write_atomic

        write_atomic(dest, text, 0o600 if secret else None)  # None: 0666 less the umask


def _load(args: argparse.Namespace):
    """FILE (a path, never guessed to be text), a directory, or '-' for standard input."""
    from pathlib import Path

    from . import readers
    from .errors import UsageError

    if args.file == "-":
        name = "<stdin>"
        conn_list = readers.load_all(readers.decode(sys.stdin.buffer.read(), name), path=name)
    else:
        name = args.file
        conn_list = readers.load_all(Path(args.file))
    if getattr(args, "tunnel_options", None):
        from .readers import merge

        opts = merge.load(Path(args.tunnel_options))
        conn_list = [merge.merge(c, merge.pick(c, opts)) for c in conn_list]
    wanted = getattr(args, "connection", None)
    if wanted:
        conn_list = [c for c in conn_list if c.vpn_connection_id == wanted]
        if not conn_list:
            raise UsageError(f"no connection {wanted!r} in {name}")
    return conn_list, name


def _one(conns: list, name: str):
    from .errors import UsageError

    if len(conns) != 1:
        raise UsageError(f"{name} holds {len(conns)} connections; choose one with --connection ID"
                         " or write them all with -o DIR")
    return conns[0]


def _warn(conns: Sequence[Any], quiet: bool) -> None:
    if quiet:
        return
    for c in conns:
        for w in c.warnings:
            where = f"{c.source.path or '<input>'}:{w.line}: " if w.line else f"{c.source.path or '<input>'}: "
            sys.stderr.write(f"{where}warning: {w.message} [{w.code}]\n")


# -- parse / schema -------------------------------------------------------------------------

def cmd_parse(args: argparse.Namespace) -> int:
    """`vpncc parse`: the IR of an AWS input as JSON or YAML."""
    conns, name = _load(args)
    _warn(conns, args.quiet)
    docs = [(c.redacted() if args.redact else c).to_dict() for c in conns]
    data: Any = docs[0] if len(docs) == 1 else docs
    if args.format == "yaml":
        import yaml

        text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
    else:
        from .ir_codec import dumps

        text = dumps(data)
    _out(text, args.output, secret=not args.redact and any(t.ike.psk for c in conns for t in c.tunnels))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """`vpncc schema`: a JSON Schema (IR, profile, manifest, report, diagnose)."""
    if args.what == "profile":
        from .profile import schema_text
        sys.stdout.write(schema_text())
    elif args.what == "manifest":
        from .manifest import schema_text as manifest_schema
        sys.stdout.write(manifest_schema())
    elif args.what == "report":
        import json

        from .validate.reports.ignores import json_schema as report_schema
        sys.stdout.write(json.dumps(report_schema(), indent=2) + "\n")
    elif args.what == "diagnose":
        from ._resources import resource_dir
        sys.stdout.write((resource_dir("schemas") / "diagnose.schema.json").read_text(encoding="utf-8"))
    else:
        from .readers.ir_schema import schema_text as ir_schema
        sys.stdout.write(ir_schema())
    return EXIT_OK


# -- vendors / rules / explain / profile ----------------------------------------------------

def cmd_vendors(args: argparse.Namespace) -> int:
    """`vpncc vendors`: the backends and what each supports."""
    from .backends import base

    rows = []
    for n in base.names():
        try:
            b = base.get(n)
        except ImportError as e:  # a third-party backend that fails to import
            rows.append({"name": n, "error": str(e)})
            continue
        aliases = sorted({a for a, t in base.ALIASES.items() if t == n} | set(b.aliases))
        rows.append({"name": n, "aliases": aliases, "description": b.description} | b.capabilities.summary()
                    | {"releases": list(b.releases)})
    for problem in base.PROBLEMS:  # e.g. two packages claim one name: a warning, the listing goes on
        sys.stderr.write(f"vpncc: warning: {problem}\n")
    if args.json:
        import json
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    for r in rows:
        if "error" in r:
            sys.stdout.write(f"{r['name']:<12} (cannot load: {r['error']})\n")
            continue
        al = f" (alias: {', '.join(r['aliases'])})" if r["aliases"] else ""
        sys.stdout.write(f"{r['name']}{al}\n  {r['description']}\n"
                         f"  IKE: {', '.join(r['ike_versions'])}; routing: {', '.join(r['routing'])}; "
                         f"IPv6 inside: {'yes' if r['ipv6_inside'] else 'no'}; formats: {', '.join(r['formats'])}\n"
                         + (f"  releases (--release): {', '.join(r['releases'])}\n" if r["releases"] else ""))
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    """`vpncc rules`: the finding catalogue (text, JSON or the RULES.md markdown)."""
    from .validate.rules import CATALOGUE, markdown

    if args.markdown:
        sys.stdout.write(markdown())
        return EXIT_OK
    if args.json:
        import json
        sys.stdout.write(json.dumps([{"id": r.id, "name": r.name, "severity": r.severity.value,
                                      "summary": r.summary, "symptom": r.symptom, "cause": r.cause,
                                      "check": r.check} for r in CATALOGUE], indent=2) + "\n")
        return EXIT_OK
    for r in CATALOGUE:
        sys.stdout.write(f"{r.id}  {r.name:<26} {r.severity.value:<8} {r.summary}\n")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """`vpncc explain RULE`: one rule with its symptom, cause, check and why its severity."""
    from .validate.rules import lookup

    r = lookup(args.rule)
    cat = f", {r.category}" if r.category != "compliance" else ""
    sys.stdout.write(f"{r.id} {r.name} ({r.severity.value}{cat})\n  {r.summary}\n\n"
                     f"What you see:  {r.symptom}\nLikely cause:  {r.cause}\nWhat to check: {r.check}\n"
                     + (f"Why {r.severity.value}:{' ' * max(1, 6 - len(r.severity.value))}{r.why}\n" if r.why else "")
                     + ("Fails a run:   only with --fail-on-security (security findings are their own category)\n"
                        if r.category == "security" else ""))
    if r.id in ("VPN201", "VPN210", "VPN211", "VPN200"):
        sys.stdout.write("Tunnel options: a generic or XML file never states them; vpncc then assumes AWS's defaults "
                         "(aws-defaults).\n               Confirm with `aws ec2 describe-vpn-connections` or give "
                         "--tunnel-options describe.json.\n")
    return EXIT_OK


def cmd_profile(args: argparse.Namespace) -> int:
    """`vpncc profile`: an example site profile, or its JSON Schema."""
    from .profile import example_text, schema_text

    if args.schema:
        sys.stdout.write(schema_text())
    else:
        sys.stdout.write(example_text(args.vendor))
    return EXIT_OK


# -- compile / validate ---------------------------------------------------------------------

def _profile(args: argparse.Namespace):
    from dataclasses import replace

    from . import profile as prof

    p = prof.load(args.profile) if args.profile else prof.Profile()
    overrides = {}
    for name in prof.FIELDS:
        v = getattr(args, "p_" + name, None)
        if v is not None:
            overrides[name] = prof.coerce(name, v, file="<command line>")
    return replace(p, **overrides) if overrides else p


def _psks(args: argparse.Namespace) -> dict[int, str]:
    if not getattr(args, "psk_file", None):
        return {}
    from .secrets import read_psk_file

    return read_psk_file(args.psk_file)


def _supplied(args: argparse.Namespace, conn: Any, file_psks: dict[int, str] | None = None) -> dict[int, str]:
    """The keys --psk-file and VPNCC_PSK_N / VPNCC_PSK give for ``conn``: they fill keys the input lacks;
    one that differs from the input's (or from the other source) is an error unless --psk-override."""
    from .secrets import resolve_psks

    return resolve_psks(conn, file_psks=_psks(args) if file_psks is None else file_psks,
                        file_name=getattr(args, "psk_file", None), environ=os.environ,
                        override=bool(getattr(args, "psk_override", False)))


def _extra(args: argparse.Namespace) -> dict[str, Any]:
    extra = {}
    for k in ("fortios_version", "routing", "base"):
        v = getattr(args, k, None)
        if v is not None:
            extra[k] = v
    return extra


#: compile options that only one backend reads: given for another vendor they would be silently ignored
VENDOR_OPTIONS = (("fortios_version", "--fortios-version", "fortinet"), ("routing", "--routing", "strongswan"),
                  ("base", "--base", "pfsense"))


def _check_vendor_options(args: argparse.Namespace, vendors: list[str], profile: Any) -> None:
    from .backends import base
    from .errors import UsageError

    names = [base.canonical(v) for v in vendors]
    for attr, flag, owner in VENDOR_OPTIONS:
        if getattr(args, attr, None) is not None and any(n != owner for n in names):
            raise UsageError(f"{flag} is an option of --vendor {owner} only; drop it for "
                             + ", ".join(n for n in names if n != owner))
    if args.fortios_version is not None and profile.release is not None and args.fortios_version != profile.release:
        raise UsageError(f"--fortios-version {args.fortios_version} and release {profile.release!r} name different "
                         "FortiOS versions; give one of them")
    for n in names:  # before any work: a release is one vendor's (exit 2 naming the valid ones)
        base.check_release(base.get(n), profile.release)


def cmd_compile(args: argparse.Namespace) -> int:
    """`vpncc compile`: device config for one connection, or many connections into a directory."""
    from pathlib import Path

    from .compiler import compile_files

    vendors = [v for v in args.vendor.split(",") if v.strip()]
    if args.bundle and args.output:
        from .errors import UsageError

        raise UsageError("-o and --bundle: choose one (-o FILE: the main config; --bundle DIR: every file)")
    profile = _profile(args)
    _check_vendor_options(args, vendors, profile)
    file_psks = _psks(args)
    kw = dict(format=args.format, profile_path=args.profile, psks={}, extra=_extra(args))
    if getattr(args, "running", None) and (os.path.isdir(args.file) or len(vendors) > 1):
        from .errors import UsageError

        raise UsageError("--running compiles one connection for one vendor (the second one against the "
                         "config after the first)")
    if os.path.isdir(args.file) and not args.connection and not args.tunnel_options:
        # a directory of AWS files: the workers read them (nothing is parsed twice or pickled)
        _refuse_supplied_keys(args, file_psks)
        files = sorted(str(p) for p in Path(args.file).iterdir() if p.is_file() and not p.name.startswith("."))
        return _compile_many(args, files, vendors, profile, kw)
    conns, name = _load(args)
    _warn(conns, args.quiet)
    supplied = [_supplied(args, c, file_psks) for c in conns]  # each conflict is an error
    if len(conns) > 1 and any(supplied):
        _refuse_supplied_keys(args, file_psks)
    conns = [_with_psks(c, k) for c, k in zip(conns, supplied, strict=True)]
    if len(conns) > 1 or len(vendors) > 1 or (args.output and os.path.isdir(args.output)):
        if getattr(args, "running", None):
            from .errors import UsageError

            raise UsageError("--running compiles one connection for one vendor (the second one against the "
                             "config after the first)")
        return _compile_many(args, conns, vendors, profile, kw)
    conn = conns[0]
    files = compile_files(conn, vendors[0], profile, warn=_compile_warner(conn.source.path or name, args.quiet),
                          running=_running_config(args, vendors[0]), **kw)
    redact = (lambda t: _redact_text(t, conns)) if args.redact else (lambda t: t)
    from .secrets import Scrubber

    keys = Scrubber.for_connection(conn)  # a file that holds one of these is 0600, any other keeps the umask
    if args.bundle:
        from .atomic import write_tree

        written = write_tree(args.bundle, {k: redact(v) for k, v in files.items()},
                             secret=lambda _name, text: keys.holds(text))
        if not args.quiet:
            sys.stderr.write("".join(f"wrote {p}\n" for p in written))
        return EXIT_OK
    main_text = redact(next(iter(files.values())))
    _out(main_text, args.output, secret=keys.holds(main_text))
    if len(files) > 1 and not args.quiet and args.output not in (None, "-"):
        sys.stderr.write(f"note: {len(files) - 1} companion file(s) not written; use --bundle DIR for all of them\n")
    return EXIT_OK


def _running_config(args: argparse.Namespace, vendor: str):
    """``--running CONFIG``: the device config read by the vendor's reader (None without the option)."""
    path = getattr(args, "running", None)
    if path is None:
        return None
    from .backends import base
    from .errors import InputError

    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise InputError(f"cannot read the --running config: {e.strerror or e.__class__.__name__}", path) from None
    backend = base.get(vendor)
    base.refuse_foreign(backend, text, path)
    return backend.read(text, path)


def _refuse_supplied_keys(args: argparse.Namespace, file_psks: dict[int, str]) -> None:
    """Many connections: --psk-file and VPNCC_PSK* would give every connection the same keys."""
    from .errors import UsageError

    given = ([f"--psk-file {args.psk_file}"] if file_psks else []) + sorted(
        v for v in os.environ if (v == "VPNCC_PSK" or v.startswith("VPNCC_PSK_")) and os.environ[v])
    if given:
        raise UsageError(f"{' and '.join(given)} {'give' if len(given) > 1 else 'gives'} the keys of one connection; "
                         "the input holds many: keep the keys in the AWS files, or compile one connection at a "
                         "time (--connection ID)")


def _compile_warner(where: str, quiet: bool):
    """Warnings of compile itself (the crypto choice), in the format of the input's warnings."""
    if quiet:
        return None
    return lambda code, message: sys.stderr.write(f"{where}: warning: {message} [{code}]\n")


def _compile_many(args: argparse.Namespace, source: list, vendors: list[str], profile: Any, kw: dict) -> int:
    from .batch import compile_batch
    from .errors import UsageError

    if not args.output:
        raise UsageError("write many outputs with -o DIR (one file per connection and vendor)")
    if args.bundle:
        raise UsageError("--bundle writes one connection's files; use -o DIR for many connections")
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        raise UsageError(f"-o {args.output} is a file; many outputs need a directory (-o DIR)")
    def warn(path: str, code: str, message: str) -> None:
        sys.stderr.write(f"{path}: warning: {message} [{code}]\n")

    failed: list = []
    skipped: list = []
    written = compile_batch(source, vendors, profile, args.output, jobs=args.jobs, redact=args.redact,
                            warn=None if args.quiet else warn, failed=failed, skipped=skipped, **kw)
    for path, why in skipped:
        if not args.quiet:
            sys.stderr.write(f"{path}: note: skipped: {why}\n")
    for who, vendor, reason in failed:  # always shown: these outputs are missing
        sys.stderr.write(f"{who}: error: " + (f"{vendor}: " if vendor else "") + f"not compiled: {reason}\n")
    if failed:
        # exit 1: some outputs were written, some not; 2: none could be (see batch.py's docstring)
        sys.stderr.write(f"wrote {len(written)} file(s) to {args.output}; {len(failed)} failed\n")
        return EXIT_FINDINGS if written else EXIT_ERROR
    if not args.quiet:
        from .backends import base

        sys.stderr.write(f"wrote {len(written)} file(s) to {args.output}\n")
        for v in vendors:
            if base.get(v).validates_bundle:  # the main file is not the whole device configuration
                sys.stderr.write(f"note: {base.canonical(v)}: only each connection's main file was written; its "
                                 "companion files (interfaces, routing) come with: vpncc compile FILE --vendor "
                                 f"{base.canonical(v)} --bundle DIR\n")
    return EXIT_OK


def _redact_text(text: str, conns: Sequence[Any]) -> str:
    for c in conns:
        for t in c.tunnels:
            if t.ike.psk:
                text = text.replace(t.ike.psk, "***")
    return text


def cmd_validate(args: argparse.Namespace) -> int:
    """`vpncc validate`: findings of device configs against an AWS connection; exit 1 on failing findings."""
    from .backends import base
    from .validate.findings import Severity
    from .validate.report import Report
    from .validate.reports import render
    from .validate.run import validate_configs

    profile = _profile(args)
    base.check_release(base.get(args.vendor), profile.release)
    conns, name = _load(args)
    _warn(conns, args.quiet)
    file_psks = _psks(args)
    supplied = [_supplied(args, c, file_psks) for c in conns]
    if len(conns) > 1 and any(supplied):
        _refuse_supplied_keys(args, file_psks)
    conns = [_with_psks(c, k) for c, k in zip(conns, supplied, strict=True)]
    psk_out = _psk_out(args, conns)
    secrets = dict(show_secrets=args.show_secrets, psk_out=psk_out)
    args.config, stdin_tmp = _stdin_configs(args.config)
    if len(conns) == 1:
        conn = conns[0]
        results = validate_configs(conn, args.vendor, args.config, profile=profile, remediation=args.remediation,
                                   jobs=args.jobs, **secrets)
        report = Report(conn.vpn_connection_id, results)
    else:  # an API JSON or a directory with many connections: each config against the ones it terminates
        from .validate.run import validate_fleet

        results = validate_fleet(conns, args.vendor, args.config,
                                 profile=profile, remediation=args.remediation, jobs=args.jobs, **secrets)
        report = Report(None, results)
    if stdin_tmp:
        from dataclasses import replace

        for r in report.results:
            if r.file == stdin_tmp:
                r.file = "<stdin>"
                r.findings = [replace(f, file="<stdin>") for f in r.findings]
    fail_on = Severity(args.fail_on)
    report.fail_on_security = None if args.fail_on_security == "never" else Severity(args.fail_on_security)
    from .validate.reports import ignores

    ignores.apply(report.results, {r: ignores.COMMAND_LINE for r in ignores.check_rules(args.ignore)})
    color = ignores.use_color(args.color, args.output, sys.stdout)
    text = render(report, args.report_format, fail_on, color=color)
    if psk_out and any(r.remediation for r in report.results):
        from .atomic import write_atomic
        from .secrets import psk_file_text

        write_atomic(psk_out, psk_file_text(conns), 0o600)
    shown = args.show_secrets and any(r.remediation for r in report.results)  # it may hold the device's keys too
    _out(text, args.output, secret=shown or _holds_key(text, conns))
    if args.output not in (None, "-"):  # the report went to a file: the verdict still shows here
        sys.stderr.write(ignores.summary(report, fail_on))
    return report.exit_code(fail_on)


def _psk_out(args: argparse.Namespace, conns: list) -> str | None:
    from .errors import UsageError

    if args.psk_out and not args.remediation:
        raise UsageError("--psk-out writes the keys the remediation needs: give it with --remediation")
    if args.psk_out and args.show_secrets:
        raise UsageError("--psk-out and --show-secrets: choose one (keys in a separate file, or in the report)")
    if args.psk_out and args.output and os.path.abspath(args.psk_out) == os.path.abspath(args.output):
        raise UsageError("--psk-out and -o name the same file")
    return args.psk_out


def _holds_key(text: str, conns: list) -> bool:
    """Whether an output holds a key of ``conns``: such a file is 0600, any other keeps the umask."""
    from .secrets import Scrubber

    return any(Scrubber.for_connection(c).holds(text) for c in conns)


def _stdin_configs(paths: list[str]) -> tuple[list[str], str | None]:
    """``--config -``: standard input spooled to a private temporary file (readers take paths).
    Returns the paths and the temporary name to report as ``<stdin>``."""
    from .errors import UsageError

    if "-" not in paths:
        return paths, None
    if paths.count("-") > 1:
        raise UsageError("--config - can be given once")
    import atexit
    import tempfile

    from .readers import decode

    data = decode(sys.stdin.buffer.read(), "<stdin>")
    fd, tmp = tempfile.mkstemp(prefix="vpncc-stdin-", suffix=".cfg")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
    atexit.register(lambda: os.path.exists(tmp) and os.unlink(tmp))
    return [tmp if p == "-" else p for p in paths], tmp


def _with_psks(conn: Any, psks: dict[int, str]) -> Any:
    """``conn`` with the keys ``_supplied`` resolved (they fill redacted keys; replace only with --psk-override)."""
    from dataclasses import replace

    if not psks:
        return conn
    return replace(conn, tunnels=tuple(replace(t, ike=replace(t.ike, psk=psks.get(t.number, t.ike.psk)))
                                       for t in conn.tunnels))


#: exit code of a lab run interrupted by Ctrl-C / SIGTERM (128 + SIGINT), after its cleanup
EXIT_INTERRUPTED = 130


def _lab_files(paths: list[str]) -> dict[str, str]:
    """--config FILE_OR_DIR ... -> {file name: text}; a directory adds its regular files."""
    import glob
    import re

    from .errors import UsageError
    from .readers import read_text

    out: dict[str, str] = {}
    for p in paths:
        items = [os.path.join(p, n) for n in sorted(os.listdir(p))] if os.path.isdir(p) else [p]
        for f in items:
            if os.path.isfile(f):
                name = os.path.basename(f)
                if name in out:
                    raise UsageError(f"--config: two files named {name}")
                text = read_text(f, what="device config")
                if name == "swanctl.conf":
                    # Debian's layout: swanctl.conf holds "include conf.d/*.conf"; the lab runs what it includes
                    def inline(m: "re.Match[str]", base: str = os.path.dirname(f)) -> str:
                        hits = sorted(glob.glob(os.path.join(base, m.group(1).strip())))
                        return "".join(read_text(h, what="device config") + "\n" for h in hits)
                    text = re.sub(r"^[ \t]*include[ \t]+(\S+)[ \t]*$", inline, text, flags=re.M)
                out[name] = text
    return out


def cmd_lab(args: argparse.Namespace) -> int:
    """`vpncc lab`: run a config against an emulated AWS side (root); exit 0 only when all works."""
    from . import lab

    if args.cleanup:
        from .lab.runs import cleanup_stale

        done = cleanup_stale()
        sys.stdout.write("".join(f"removed {d}\n" for d in done) or "nothing to clean up\n")
        return EXIT_OK
    if args.file is None:
        from .errors import UsageError

        raise UsageError("vpncc lab needs the AWS file (or --cleanup)")
    conns, name = _load(args)
    _warn(conns, args.quiet)
    conn = _one(conns, name)
    files = _lab_files(args.config) if args.config else None
    try:
        report = lab.run(conn, vendor=args.vendor, profile=_profile(args), keep=args.keep,
                         psks=_supplied(args, conn), format=args.format, routing=args.routing, aws_bgp=args.aws_bgp,
                         progress=None if args.json or args.quiet else sys.stderr, config_files=files,
                         scenarios=args.scenarios)
    except KeyboardInterrupt:
        sys.stderr.write("vpncc lab: interrupted; namespaces, daemons and files removed\n")
        return EXIT_INTERRUPTED
    if args.json:
        import json
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(report.text())
    return EXIT_OK if report.ok else EXIT_FINDINGS


def cmd_check(args: argparse.Namespace) -> int:
    """`vpncc check`: every device of a vpncc.yaml manifest, for network CI."""
    from .manifest import run_check

    return run_check(args)


def cmd_diagnose(args: argparse.Namespace) -> int:
    """``vpncc diagnose``: per-tunnel verdicts from telemetry, show output and config findings."""
    from .diagnose import diagnose
    from .errors import UsageError

    if args.file == "-":
        raise UsageError("vpncc diagnose reads the AWS input from a file (its telemetry is read from it again)")
    report = diagnose(args.file, connection=args.connection, vendor=args.vendor, config=args.config,
                      shows=args.show or (), profile=_profile(args) if args.profile else None)
    if args.format == "json":
        sys.stdout.write(report.json())
    else:
        sys.stdout.write(report.text(color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    return report.exit_code


# -- argument parser ------------------------------------------------------------------------

def _add_input(p: argparse.ArgumentParser, optional: bool = False) -> None:
    p.add_argument("file", metavar="FILE", nargs="?" if optional else None,
                   help="AWS generic text, XML or API JSON ('-' for stdin)")
    p.add_argument("--connection", metavar="ID", help="pick one connection from a multi-connection input")
    p.add_argument("--tunnel-options", metavar="JSON",
                   help="describe-vpn-connections JSON whose TunnelOptions override the file")
    p.add_argument("-q", "--quiet", action="store_true", help="no warnings on stderr")


#: profile fields that only change what compile emits: not offered by commands that do not compile
COMPILE_ONLY_FIELDS = ("crypto",)


def _field_default(name: str) -> str:
    if name == "crypto":
        from .crypto import DEFAULT_CRYPTO

        return DEFAULT_CRYPTO
    if name == "release":
        return "the vendor's default release"
    return "per vendor, see `vpncc profile --example --vendor V`"


def _add_profile_options(p: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    import argparse

    from .profile import FIELDS

    p.add_argument("--profile", metavar="YAML", help="site profile (see `vpncc profile --example`)")
    p.add_argument("--psk-file", metavar="FILE",
                   help="pre-shared keys, one per line as 'TUNNEL: KEY' (or set VPNCC_PSK_1 / VPNCC_PSK_2); they "
                        "fill keys the input lacks")
    p.add_argument("--psk-override", action="store_true",
                   help="let --psk-file / VPNCC_PSK* replace keys the input has (otherwise a different key is "
                        "an error naming both sources)")
    g = p.add_argument_group("site profile fields (override the profile file)")
    for name, f in FIELDS.items():
        if name in skip:
            continue
        flag = "--" + name.replace("_", "-")
        kind = f.metadata["kind"]
        # '%' would be read as an argparse format directive
        text = f.metadata["help"]
        if "default" not in text:
            text += f" (default: {_field_default(name)})"
        text = text.replace("%", "%%")
        if kind == "bool":
            g.add_argument(flag, dest="p_" + name, action=argparse.BooleanOptionalAction, default=None, help=text)
        elif kind == "choice":
            g.add_argument(flag, dest="p_" + name, choices=f.metadata["choices"], default=None, help=text)
        else:
            meta = f.metadata.get("metavar") or {"ipv4-network-list": "CIDR[,CIDR]", "int": "N",
                                                  "ipv4": "IP"}.get(kind, "NAME")
            g.add_argument(flag, dest="p_" + name, metavar=meta, default=None, help=text)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole CLI. With ``only``, the ~20 site-profile options are added to that command alone
    (they are most of the parser's build time, and a run uses one command)."""
    import argparse

    def _add_profile(p: argparse.ArgumentParser, command: str) -> None:
        if only in (None, command):
            _add_profile_options(p, () if command in ("compile", "lab") else COMPILE_ONLY_FIELDS)

    ap = argparse.ArgumentParser(prog="vpncc", description="Compile and validate AWS Site-to-Site VPN configurations.")
    ap.add_argument("--version", action="version", version=f"vpncc {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("parse", help="read an AWS VPN file into the neutral IR (JSON/YAML)")
    _add_input(p)
    p.add_argument("--format", choices=("json", "yaml"), default="json")
    p.add_argument("--redact", action="store_true", help="replace pre-shared keys with ***")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write here (atomically; mode 0600 when it holds a key, else 0666 less the umask)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("schema", help="print a JSON Schema (IR by default)")
    p.add_argument("what", nargs="?", choices=("ir", "profile", "manifest", "report", "diagnose"), default="ir")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("vendors", help="list backends and what each supports")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_vendors)

    p = sub.add_parser("rules", help="list the validation rule catalogue")
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help="the catalogue as docs/RULES.md")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("explain", help="what a rule means: symptom, cause, what to check")
    p.add_argument("rule", metavar="RULE")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("profile", help="print an example site profile (or its JSON Schema)")
    p.add_argument("--example", action="store_true", help="print a commented example (default)")
    p.add_argument("--schema", action="store_true", help="print the JSON Schema instead")
    p.add_argument("--vendor", metavar="V", help="show this vendor's defaults")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("compile", help="compile an AWS VPN file into a device config")
    _add_input(p)
    p.add_argument("--vendor", "-v", required=True, metavar="V",
                   help="backend (vpncc vendors); several, comma-separated, with -o DIR")
    p.add_argument("--format", metavar="F", help="backend output format (vpncc vendors lists them)")
    p.add_argument("-o", "--output", metavar="OUT", help="file (atomic; 0600 when it holds a key) or, for many connections, a directory")
    p.add_argument("--bundle", metavar="DIR", help="write the config and all companion files into DIR (the "
                   "files holding a key 0600, the others 0666 less the umask)")
    p.add_argument("--redact", action="store_true", help="replace pre-shared keys with *** in the output")
    p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes for many connections")
    p.add_argument("--fortios-version", choices=("6.4", "7.0", "7.2", "7.4"), help="FortiOS syntax (fortinet)")
    p.add_argument("--routing", choices=("frr", "bird"), help="routing daemon (strongswan)")
    p.add_argument("--base", metavar="CONFIG_XML", help="existing config.xml to merge into (pfsense --format merge)")
    p.add_argument("--running", metavar="CONFIG",
                   help="the device's current config: allocate free numbers and names against it, reuse its BGP AS "
                        "and router-id, refuse what cannot coexist (docs/safe-changes.md)")
    _add_profile(p, "compile")
    p.set_defaults(func=cmd_compile)

    p = sub.add_parser("validate", help="check device configs against an AWS VPN file")
    _add_input(p)
    p.add_argument("--vendor", "-v", required=True, metavar="V")
    p.add_argument("--config", "-c", required=True, action="append", metavar="DEVICE_CONFIG",
                   help="device config (repeat for a fleet; '-' reads standard input)")
    p.add_argument("--format", dest="report_format", choices=("text", "json", "junit", "sarif", "github"),
                   default="text")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    p.add_argument("--fail-on-security", choices=("error", "warning", "info", "never"), default="never",
                   help="lowest severity of a security finding (VPN5xx) that fails the run (default: never)")
    p.add_argument("--remediation", action="store_true", help="include commands that fix the findings")
    p.add_argument("--show-secrets", action="store_true",
                   help="print pre-shared keys in the remediation (default: a placeholder saying where to get each)")
    p.add_argument("--psk-out", metavar="FILE",
                   help="with --remediation: write the keys it needs to FILE (0600) and name that file in it")
    p.add_argument("-o", "--output", metavar="REPORT", help="write the report here")
    p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes for many configs")
    _add_profile(p, "validate")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("lab", help="prove a compiled config against an emulated AWS side (root, Linux)",
                       description="Run the compiled (or your own, --config) strongSwan or pfSense config against "
                       "an emulated AWS side built from AWS's documented endpoint behaviour: real IKE, ESP and BGP "
                       "in network namespaces. Exit 0 only if both tunnels, routing, traffic and failover work; "
                       "1 with the phase that failed and the AWS side's log line; 2 for bad input; 130 when "
                       "interrupted (everything is removed first).",
                       epilog="examples:\n  sudo \"$(command -v vpncc)\" lab aws.txt\n"
                              "  sudo \"$(command -v vpncc)\" lab aws.txt --config /etc/swanctl/swanctl.conf "
                              "--config /etc/frr/frr.conf --config vti.sh\n"
                              "  sudo \"$(command -v vpncc)\" lab --cleanup",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_input(p, optional=True)
    p.add_argument("--config", "-c", action="append", metavar="FILE_OR_DIR",
                   help="run this config instead of a compiled one (repeat: swanctl.conf or ipsec.conf, "
                        "ipsec.secrets, frr.conf or bird.conf, the interface/updown script; or a pfSense "
                        "config.xml; a directory adds its files)")
    p.add_argument("--scenarios", metavar="LIST", default="graceful",
                   help="outages to play against tunnel 1, in order: graceful (AWS endpoint replaced: DELETE, "
                        "then back), blackhole (the endpoint drops packets silently, then heals); each reports "
                        "the time to move traffic, to restore the tunnel and to fail back (default: graceful)")
    p.add_argument("--cleanup", action="store_true",
                   help="remove namespaces, daemons and files left by lab runs that were killed, then exit")
    p.add_argument("--vendor", "-v", default="strongswan", choices=("strongswan", "pfsense"))
    p.add_argument("--keep", action="store_true", help="leave namespaces and daemons running for inspection")
    p.add_argument("--json", action="store_true")
    p.add_argument("--format", choices=("swanctl", "legacy", "networkd"), help="strongSwan bundle format to run")
    p.add_argument("--routing", choices=("frr", "bird"), help="customer-side routing daemon")
    p.add_argument("--aws-bgp", choices=("bird", "frr"), default="bird", help="the emulated AWS side's BGP daemon")
    _add_profile(p, "lab")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("check", help="validate every device in a manifest (vpncc.yaml)")
    p.add_argument("--manifest", "-m", default="vpncc.yaml", metavar="FILE")
    p.add_argument("--format", dest="report_format", choices=("text", "json", "junit", "sarif", "github"),
                   default="text")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    p.add_argument("--fail-on-security", choices=("error", "warning", "info", "never"), default="never",
                   help="lowest severity of a security finding (VPN5xx) that fails the run (default: never)")
    p.add_argument("--changed-since", metavar="GIT_REF", help="only devices whose files changed since REF")
    p.add_argument("-o", "--output", metavar="REPORT")
    p.add_argument("--jobs", "-j", type=int, default=0)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("diagnose", help="why a tunnel is down: AWS telemetry + device show output + config",
                       description="Join AWS's tunnel telemetry (describe-vpn-connections JSON), the device's\n"
                       "show output (--show) and its config findings (--vendor, --config) into a verdict per\n"
                       "tunnel with ranked likely causes, their evidence and the next check.\n"
                       "Exit 0 healthy, 1 problems found, 2 input error.",
                       epilog="show output vpncc reads (recognised from its content):\n"
                              "  cisco-ios   show crypto isakmp sa | show crypto ikev2 sa | show crypto ipsec sa |\n"
                              "              show ip bgp summary | show interfaces tunnel N\n"
                              "  cisco-asa   show crypto ikev1 sa | show crypto ikev2 sa | show crypto ipsec sa |\n"
                              "              show bgp summary\n"
                              "  juniper     show security ike security-associations |\n"
                              "              show security ipsec security-associations | show bgp summary\n"
                              "  fortinet    diagnose vpn tunnel list | get vpn ipsec tunnel summary |\n"
                              "              get router info bgp summary\n"
                              "  strongswan  swanctl --list-sas | vtysh -c \"show bgp summary\" | birdc show protocols [all]\n"
                              "example:\n  aws ec2 describe-vpn-connections > aws.json\n"
                              "  vpncc diagnose aws.json --connection vpn-0123 --show isakmp.txt --show bgp.txt "
                              "--vendor cisco-ios --config router.cfg",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="AWS_INPUT", help="describe-vpn-connections JSON (telemetry) or any AWS input")
    p.add_argument("--connection", metavar="ID", help="the connection to diagnose in a multi-connection JSON")
    p.add_argument("--show", action="append", metavar="FILE", help="captured show output (repeatable)")
    p.add_argument("--vendor", "-v", metavar="V", help="the device's platform (vpncc vendors)")
    p.add_argument("--config", "-c", metavar="DEVICE_CONFIG", help="the device config: adds vpncc validate's findings")
    p.add_argument("--profile", metavar="YAML", help="site profile (e.g. remote_networks for static routing)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_diagnose)
    from .cli_help import decorate

    return decorate(ap)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv); returns the exit code (0, 1, 2 or 130)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv in (["--version"], ["-V"]):  # fast path: no argparse tree
        sys.stdout.write(f"vpncc {__version__}\n")
        return EXIT_OK
    from .errors import VpnccError

    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=command)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else EXIT_ERROR
    try:
        return args.func(args)
    except VpnccError as e:
        sys.stderr.write(f"vpncc: {e.render() if hasattr(e, 'render') else e}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("vpncc: interrupted\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except OSError as e:
        import errno

        if e.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
            if os.environ.get("VPNCC_DEBUG"):
                raise
            sys.stderr.write(f"vpncc: internal error ({e.__class__.__name__}); rerun with VPNCC_DEBUG=1 "
                             "and report it\n")
            return EXIT_ERROR
        # a full disk, quota or read-only file system (files vpncc writes itself are atomic: InputError)
        where = f" {e.filename}" if e.filename else " the output"
        sys.stderr.write(f"vpncc: cannot write{where}: {e.strerror}\n")
        return EXIT_ERROR
    except Exception as e:  # a bug in vpncc: say so without a traceback unless asked
        if os.environ.get("VPNCC_DEBUG"):
            raise
        sys.stderr.write(f"vpncc: internal error ({e.__class__.__name__}); rerun with VPNCC_DEBUG=1 "
                         "and report it\n")
        return EXIT_ERROR


def entry() -> None:
    """Console-script entry point: ``vpncc``."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
