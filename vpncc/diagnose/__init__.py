"""``vpncc diagnose``: from "my tunnel is down" to the likely cause.

Joins, per tunnel, the AWS side's telemetry (``VgwTelemetry`` of describe-vpn-connections JSON), the
device's own show output (IKE/IPsec SAs, BGP peers, tunnel interfaces; parsers per platform in
``vpncc/backends/<platform>/show.py``, registered in ``shows.PARSERS``) and the config findings of
``vpncc validate``, into a verdict with ranked causes, the evidence for each and the next check.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..profile import Profile
    from .render import DiagnoseReport

__all__ = ["diagnose"]


def diagnose(aws_input: str | os.PathLike, *, connection: str | None = None, vendor: str | None = None,
             config: str | os.PathLike | None = None, shows: Sequence[str | os.PathLike] = (),
             profile: "Profile | None" = None) -> "DiagnoseReport":
    """See :func:`vpncc.diagnose` (arguments, return value and errors are documented there)."""
    from ..backends import base
    from ..errors import UsageError
    from ..readers import load_all, read_text
    from . import core, telemetry
    from .render import DiagnoseReport
    from .shows import parse_show

    if config is not None and not vendor:
        raise UsageError("--config needs --vendor (the platform the config is for)")
    if vendor:
        vendor = base.canonical(vendor)
    path = Path(aws_input)
    conns = load_all(path)
    tel_all = telemetry.read(read_text(str(path), what="AWS input")) if path.is_file() else None
    if connection:
        conns = [c for c in conns if c.vpn_connection_id == connection]
        if not conns:
            raise UsageError(f"no connection {connection!r} in {aws_input}")
    if len(conns) > 1 and (config is not None or shows):
        raise UsageError(f"{aws_input} holds {len(conns)} connections; choose the one the device terminates "
                         "with --connection ID")
    results = [parse_show(read_text(str(s), what="show output"), os.path.basename(str(s)), vendor) for s in shows]
    out = []
    for c in conns:
        findings = None
        if config is not None:
            from ..validate.run import check_device  # only with a config: the readers are heavy

            assert vendor is not None  # checked above
            r = check_device(str(config), vendor, {c.vpn_connection_id or "": c}, profile=profile)
            findings = r[0].findings if r else []
        tel = None if tel_all is None else tel_all.get(c.vpn_connection_id or "", {})
        out.append(core.build(c, tel, results, findings, config=os.path.basename(str(config)) if config else None,
                              vendor=vendor))
    return DiagnoseReport(out, conns)


# ``vpncc.diagnose`` is both this package and the library function of vpncc/__init__.py: importing the
# package makes Python bind ``vpncc.diagnose`` to the module, so the module itself is callable and
# ``vpncc.diagnose(...)`` means the same before and after the first import.
import sys as _sys
import types as _types


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return diagnose(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
