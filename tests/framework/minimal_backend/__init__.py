"""A minimal backend for a made-up platform ("ToyOS"): the worked example of docs/new-backend.md.

It is complete in the sense the framework asks for: it renders every connection it accepts, reads its own
output back, passes the shared properties (tests/properties) and has a conformance table (cases.yaml).
A built-in backend has the same rooms under vpncc/backends/<platform>/ and its layout in templates/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from vpncc.backends.base import Backend, Capabilities, RenderOptions
from vpncc.ir import Connection, IkeVersion, Routing

from . import names, read, render

if TYPE_CHECKING:
    from vpncc.profile import Profile
    from vpncc.validate.model import DeviceConfig


class MinimalBackend(Backend):
    """ToyOS: route-based tunnels, IKEv1 and IKEv2, BGP or static routing, IPv4 inside only."""

    name: ClassVar[str] = "minimal"
    aliases: ClassVar[tuple[str, ...]] = ("toyos",)
    description: ClassVar[str] = "ToyOS (the new-backend example)"
    capabilities: ClassVar[Capabilities] = Capabilities(ike_versions=frozenset(IkeVersion),
                                                         routing=frozenset(Routing), ipv6_inside=False)
    comment_prefix: ClassVar[str] = "#"

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        """The base checks, plus ToyOS's ranges from names.RANGES."""
        out = super().unsupported(conn, profile, options)
        for t in conn.tunnels:
            for path, value in (("dpd.interval_s", t.dpd.interval_s), ("dpd.retries", t.dpd.retries),
                                ("mtu", t.mtu)):
                low, high = names.RANGES[path]
                if not low <= value <= high:
                    out.append(f"tunnel {t.number}: {path} {value} (ToyOS accepts {low}-{high})")
        return out

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        """One file, ``toyos.conf``."""
        return {"toyos.conf": render.render(conn, profile, self.comment(options.header))}

    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        """ToyOS text -> DeviceConfig."""
        return read.read(text, path)
