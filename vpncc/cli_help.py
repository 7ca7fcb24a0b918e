"""What `vpncc COMMAND --help` teaches: a description and examples per subcommand, a help text and the
default for every option, and the options every reporting command shares (--ignore, --color).

``decorate(parser)`` runs once on the parser vpncc.cli builds; the commands' own code stays in cli.py.
"""

from __future__ import annotations

import argparse
import textwrap

#: command -> (description, examples); a description already set in cli.py is kept
TEXT: dict[str, tuple[str, str]] = {
    "parse": ("Read any AWS input (generic text, XML, describe-vpn-connections JSON, Terraform JSON, vpncc IR "
              "JSON) into vpncc's vendor-neutral IR and print it. docs/ir.md documents every field.",
              "vpncc parse aws.txt\n"
              "vpncc parse describe.json --connection vpn-0a1b2c3d4e5f60718 --format yaml\n"
              "terraform show -json | vpncc parse - --redact"),
    "schema": ("Print a JSON Schema: the IR (default), the site profile, the vpncc.yaml manifest, the findings "
               "report of validate/check --format json, or the diagnose report.",
               "vpncc schema > ir.schema.json\nvpncc schema report"),
    "vendors": ("List every backend (built-in and installed plugins), its aliases, formats and releases.",
                "vpncc vendors\nvpncc vendors --json"),
    "rules": ("List the validation rules: id, name, severity and meaning. Ids are stable.",
              "vpncc rules\nvpncc rules --json"),
    "explain": ("What a rule means: what you see on the device, the likely cause and what to check.",
                "vpncc explain VPN201"),
    "profile": ("Print a commented site profile with every field and each vendor's default, or its JSON "
                "Schema. A profile holds what the AWS file does not say (interfaces, local networks, zones).",
                "vpncc profile --example --vendor juniper > site.yaml\nvpncc profile --schema"),
    "compile": ("Compile an AWS VPN connection into a complete device configuration. Many connections (a "
                "directory, an API JSON or a Terraform state) or several vendors need -o DIR: one file per "
                "connection named <connection>.<ext> (under <vendor>/ with several vendors). A connection a "
                "backend cannot express is reported and the others are still written.\n\n"
                "exit codes: 0 written; 1 some connections failed, the others were written; 2 usage or "
                "input error, or nothing could be written",
                "vpncc compile aws.txt --vendor cisco --local-networks 10.10.0.0/16 -o r1.cfg\n"
                "vpncc compile aws.txt --vendor strongswan --bundle out/\n"
                "vpncc compile aws/ --vendor cisco-ios,juniper -o configs/\n"
                "terraform show -json > tf.json && vpncc compile tf.json --vendor fortinet -o configs/"),
    "validate": ("Check device configs against an AWS VPN connection: what the device would negotiate, route "
                 "and detect, compared with what AWS's endpoint accepts. Findings name the rule, the tunnel and "
                 "the config line.\n\n"
                 "exit codes: 0 compliant; 1 a finding at or above --fail-on; 2 usage or input error",
                 "vpncc validate aws.txt --vendor juniper --config running.conf\n"
                 "vpncc validate describe.json --vendor cisco --config r1.cfg --config r2.cfg --format sarif -o "
                 "vpncc.sarif\n"
                 "vpncc validate aws.txt --vendor cisco --config r1.cfg --ignore VPN221 --remediation"),
    "lab": ("", ""),
    "check": ("Validate every device of a network repository's manifest (vpncc.yaml, found in the current "
              "directory or the nearest parent) against the AWS connections it terminates. A device's "
              "'ignore: {VPN221: reason}' in the manifest drops that rule for it, with the reason shown in "
              "every report.\n\n"
              "exit codes: 0 every device compliant; 1 a finding at or above --fail-on; 2 a broken manifest "
              "or unreadable file",
              "vpncc check\n"
              "vpncc check --format github --changed-since origin/main\n"
              "vpncc check --format junit -o vpncc-junit.xml"),
    "diagnose": ("", ""),
}

#: option dest -> help, for options cli.py adds without one
HELP = {
    "format": "output format",
    "json": "print JSON instead of text",
    "fail_on": "lowest severity of a compliance finding that makes the run exit 1",
    "report_format": "report format: text for people, json for scripts (vpncc schema report), junit, sarif "
                     "(GitHub code scanning), github (workflow annotations)",
    "vendor": "the device's backend (vpncc vendors lists names and aliases)",
    "output": "write the report to this file instead of standard output (the summary line still goes to stderr)",
    "manifest": "the manifest (default: vpncc.yaml in the current directory or the nearest parent)",
    "json_lab": "print the lab report as JSON",
    "aws_bgp": "the emulated AWS side's BGP daemon",
    "rule": "rule id, e.g. VPN201",
    "what": "which schema",
    "quiet": "no progress notes or warnings on stderr",
}


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more (leave --jobs out to use every core)")
    return n


def rule_id(value: str) -> str:
    from .validate.rules import BY_ID

    rid = value.strip().upper()
    if rid not in BY_ID:
        raise argparse.ArgumentTypeError(f"unknown rule {value!r} (vpncc rules lists them)")
    return rid


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples keep their line breaks; options wrap."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def _subparsers(ap: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for a in ap._actions:
        if isinstance(a, argparse._SubParsersAction):
            return dict(a.choices)
    return {}


def _shown_default(a: argparse.Action) -> str | None:
    if a.default in (None, False, [], argparse.SUPPRESS) or a.nargs == 0 or a.help == argparse.SUPPRESS:
        return None
    return str(a.default)


def decorate(ap: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Descriptions, examples, helps with defaults, --jobs >= 1, and --ignore / --color on the reporting
    commands. Returns ``ap``."""
    for name, p in _subparsers(ap).items():
        desc, examples = TEXT.get(name, ("", ""))
        if desc and not p.description:
            p.description = "\n\n".join(textwrap.fill(par, 98) for par in desc.split("\n\n"))
        if examples and not p.epilog:
            p.epilog = "examples:\n" + "\n".join("  " + line for line in examples.splitlines())
        p.formatter_class = Formatter
        if name in ("validate", "check"):
            p.add_argument("--ignore", action="append", metavar="RULE", default=[], type=rule_id,
                           help="leave this rule's findings out of the verdict (repeatable); reports still "
                                "list them as ignored")
            p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                           help="colour the text report: auto = on a terminal unless NO_COLOR is set or "
                                "TERM=dumb")
        for a in p._actions:
            if isinstance(a, (argparse._HelpAction, argparse._VersionAction)):
                continue
            if a.dest == "jobs":
                a.type, a.default = positive_int, None
                a.help = (a.help or "worker processes") + " (default: one per core)"
                continue
            if a.dest == "manifest":
                a.default = None
            if a.dest == "file" and (a.help or "").startswith("AWS generic text, XML or API JSON"):
                a.help = ("any AWS input: generic text, XML, describe-vpn-connections JSON, Terraform JSON "
                          "(docs/inputs.md), vpncc IR JSON; a directory of them; '-' for stdin")
            if not a.help:
                a.help = HELP.get("json_lab" if (name, a.dest) == ("lab", "json") else a.dest, a.dest.replace("_", " "))
            shown = _shown_default(a)
            if shown is not None and "default" not in a.help:
                a.help += f" (default: {shown})"
    return ap

