"""Validation: device config -> IR terms -> findings -> reports.

``vpncc.validate`` is both this package and the library function ``vpncc.validate(conn, vendor, text)``:
importing a submodule makes Python bind the package over the function of the same name on ``vpncc``,
so the package itself is callable and forwards to :func:`vpncc.validate.compare.validate`.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..ir import Connection
    from ..profile import Profile
    from .report import Report


class _CallableModule(types.ModuleType):
    def __call__(self, conn: "Connection", vendor: str, config_text: str, *, profile: "Profile | None" = None,
                 path: str | None = None) -> "Report":
        """Validate one device config (text) against one connection; returns a
        :class:`vpncc.validate.report.Report`. Raises :class:`vpncc.errors.InputError` for text that is
        not this vendor's config and :class:`vpncc.errors.UsageError` for an unknown vendor."""
        from .compare import validate

        return validate(conn, vendor, config_text, profile=profile, path=path)


sys.modules[__name__].__class__ = _CallableModule
