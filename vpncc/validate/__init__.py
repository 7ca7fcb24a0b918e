"""Validation: device config -> IR terms -> findings -> reports.

``vpncc.validate`` is both this package and the library function ``vpncc.validate(conn, vendor, text)``:
importing a submodule makes Python bind the package over the function of the same name on ``vpncc``,
so the package itself is callable and forwards to :func:`vpncc.validate.compare.validate`.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .compare import validate

        return validate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
