"""Show-output parsers: the registry (platform -> module) and the ntc-templates helper.

Each backend's parsers live in ``vpncc/backends/<platform>/show.py`` (architecture.md: vendor
knowledge stays in the backend); this table names them, so a backend's ``__init__`` does not have to.
Each module has ``parse(text, file) -> ShowResult | None``: it recognises its commands from the
output's content (headers, field names), never from a file name, and returns None for text that is
not one of them.

Parser library: ntc-templates (TextFSM templates kept by Network to Code, used by netmiko/napalm) is
used where it has a template for the command and the template keeps what a diagnosis needs — Cisco IOS
``show ip bgp summary``, ASA ``show bgp summary`` and ``show crypto ipsec sa``, FortiOS ``get router
info bgp summary``. It is a run-time dependency; textfsm costs ~20 ms to import, so it is imported here
on first use, only by ``vpncc diagnose`` (``vpncc --version`` and compile never load it). The other
commands have no template (or one that loses what matters); each module says why next to its own parser.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from .state import ShowResult

#: platform (backend name) -> module with ``parse``; pfSense runs strongSwan and FRR underneath
PARSERS: dict[str, str] = {
    "cisco-ios": "vpncc.backends.cisco_ios.show",
    "cisco-asa": "vpncc.backends.cisco_asa.show",
    "juniper": "vpncc.backends.juniper.show",
    "fortinet": "vpncc.backends.fortinet.show",
    "strongswan": "vpncc.backends.strongswan.show",
    "pfsense": "vpncc.backends.strongswan.show",
}


def ntc(template: str, text: str) -> list[dict[str, Any]]:
    """Rows of an ntc-templates TextFSM template (lower-case keys). Raises ValueError when the template
    rejects the text (its ``-> Error`` rules), so a caller can report the output as unrecognised."""
    import ntc_templates  # the package only ships the templates; its parse module is not needed
    import textfsm

    path = os.path.join(os.path.dirname(ntc_templates.__file__), "templates", template + ".textfsm")
    with open(path, encoding="utf-8") as fh:
        fsm = textfsm.TextFSM(fh)
    try:
        rows = fsm.ParseText(text)
    except textfsm.TextFSMError as e:
        raise ValueError(f"{template}: {e}") from None
    return [{k.lower(): v for k, v in zip(fsm.header, r, strict=True)} for r in rows]


def parse_show(text: str, file: str, vendor: str | None = None) -> ShowResult:
    """Recognise and parse one captured show output. With ``vendor`` only that platform's parsers are
    tried; without it every platform's, in table order. Unknown text gives a result with a note."""
    from ..backends import base

    order = list(dict.fromkeys(PARSERS.values()))
    if vendor:
        order = [PARSERS[base.canonical(vendor)]] if base.canonical(vendor) in PARSERS else []
    for mod in order:
        try:
            r = importlib.import_module(mod).parse(text, file)
        except ValueError as e:  # recognised, but the ntc template rejects a line of it
            return ShowResult(file=file, notes=[f"{file}: looks like {mod.rsplit('.', 2)[-2]} output, but it could "
                                                f"not be read ({e}); ignored"])
        if r is not None:
            return r
    what = f" for {base.canonical(vendor)}" if vendor else ""
    return ShowResult(file=file, notes=[f"{file}: not a show output vpncc recognises{what} (see `vpncc diagnose "
                                        "--help` for the commands); ignored"])
