"""strongSwan on Linux (5.9+): route-based IPsec with XFRM interfaces (swanctl) or VTIs (ipsec.conf),
FRR or BIRD for BGP/static routing.

Formats (``--format``): ``swanctl`` (default), ``legacy`` (ipsec.conf + ipsec.secrets, marks and VTIs,
the layout of AWS's own strongSwan example), ``networkd`` (swanctl.conf with systemd-networkd units
instead of the shell script). Options (``RenderOptions.extra``): ``routing`` = ``frr`` (default) or
``bird`` (``--routing``); ``firewall`` = ``nftables`` (default) or ``iptables`` for MSS clamping.
``render`` returns the whole bundle: the main file first, then the companion files (``--bundle DIR``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ...errors import MissingValue
from ...ir import Connection, Routing
from ..base import Backend, Capabilities, RenderOptions
from . import names

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig


class StrongswanBackend(Backend):
    name: ClassVar[str] = "strongswan"
    aliases: ClassVar[tuple[str, ...]] = ("swanctl",)
    description: ClassVar[str] = ("strongSwan 5.9+ on Linux: swanctl.conf with XFRM interfaces (or ipsec.conf "
                                  "with VTIs), FRR or BIRD, as a bundle of files")
    comment_prefix: ClassVar[str] = "#"
    capabilities: ClassVar[Capabilities] = Capabilities(ipv6_inside=True, formats=("swanctl", "legacy", "networkd"))
    # FRR configs look like Cisco IOS to the generic detector (router bgp, ip route): a bundle has one
    config_kinds: ClassVar[tuple[str, ...]] = ("swanctl", "ipsec-conf", "cisco-ios")
    #: validate() needs the whole bundle (interfaces, MTU, MSS and BGP live in the companion files):
    #: read() accepts the files concatenated (their "--- vpncc file" markers split them) or a path
    #: whose directory holds them
    validates_bundle: ClassVar[bool] = True
    profile_defaults: ClassVar[Mapping[str, Any]] = {
        "outside_interface": "eth0",   # the uplink the XFRM interfaces sit on (and, for VTIs, the sysctls)
        "tunnel_start": 1,             # xfrm1/xfrm2 (vti1/vti2) with if_id/mark 100 and 200, as AWS's example
    }

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .render import FIREWALLS, ROUTING_DAEMONS, options_of

        out = super().unsupported(conn, profile, options)
        routing, firewall = options_of(dict(options.extra or {}))
        if routing not in ROUTING_DAEMONS:
            out.append(f"routing daemon {routing!r} (supported: {', '.join(ROUTING_DAEMONS)})")
        if firewall not in FIREWALLS:
            out.append(f"firewall {firewall!r} (supported: {', '.join(FIREWALLS)})")
        prefix = profile.name_prefix or "aws-vpn"
        if not names.NAME_RE.match(prefix):
            out.append(f"name prefix {prefix!r}: strongSwan connection names here are letters, digits, '.', '_' "
                       "and '-' (at most 48, starting with a letter or digit)")
        iface = profile.outside_interface or "eth0"
        if not names.IFNAME_RE.match(iface):
            out.append(f"outside interface {iface!r}: Linux interface names are 1-15 letters, digits, '.', '_' "
                       "or '-'")
        start = profile.tunnel_start if profile.tunnel_start is not None else 1
        if start < 1:
            out.append(f"tunnel_start {start}: the tunnels' if_id/mark is 100 x the interface number and 0 means "
                       "'none' to the kernel; use 1 or more")
        elif start + len(conn.tunnels) - 1 > 99999:
            out.append(f"tunnel_start {start}: interface names xfrmN must stay within 15 characters")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            for what, value in (("IKE lifetime", t.ike.lifetime_s), ("IPsec lifetime", t.ipsec.lifetime_s),
                                ("DPD interval", t.dpd.interval_s), ("MTU", t.mtu), ("TCP MSS", t.tcp_mss)):
                if value < 1:
                    out.append(f"{p}: {what} {value}")
            if t.ike.psk is not None and (t.ike.psk == "" or "\x00" in t.ike.psk):
                out.append(f"{p}: the pre-shared key is empty or contains a NUL character")
        return out

    # -- compile --running (docs/safe-changes.md) ------------------------------------------------
    def allocate(self, conn: Connection, profile: "Profile", running: "DeviceConfig",
                 options: RenderOptions) -> Any:
        from .safe import allocate

        return allocate(conn, profile, running, options.format or "swanctl", dict(options.extra or {}))

    def may_collide(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import may_collide

        return may_collide(conn, profile, options.format or "swanctl")

    def outside_changes(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import outside_changes

        return outside_changes(conn, profile, options.format or "swanctl", dict(options.extra or {}))

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        from .render import render_files

        if conn.routing is Routing.STATIC and not profile.remote_networks:
            raise MissingValue(["remote networks to route through the tunnels (give --remote-networks, or "
                                "remote_networks in a site profile): a static configuration without routes "
                                "carries no traffic"])
        return render_files(conn, profile, options.format or "swanctl", tuple(options.header),
                            dict(options.extra or {}), main_only=options.main_only)

    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(findings, conn, profile, device)
