"""Fortinet FortiGate (FortiOS 6.4 / 7.0 / 7.2 / 7.4): route-based IPsec, CLI output.

Options: ``RenderOptions.extra["fortios_version"]`` (``--fortios-version``), one of
:data:`names.VERSIONS`, default :data:`names.DEFAULT_VERSION`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ...ir import Connection
from ..base import Backend, Capabilities, RenderOptions
from . import names

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig

_AWS_DH = frozenset({2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
_FORTI_DH = frozenset.intersection(*names.DH_GROUPS.values())


class FortinetBackend(Backend):
    name: ClassVar[str] = "fortinet"
    aliases: ClassVar[tuple[str, ...]] = ("fortigate", "fortios")
    description: ClassVar[str] = "Fortinet FortiGate, FortiOS 6.4-7.4 CLI (route-based IPsec, BGP or static)"
    comment_prefix: ClassVar[str] = "#"
    capabilities: ClassVar[Capabilities] = Capabilities(
        formats=("cli",),
        ike_dh_groups=_AWS_DH & _FORTI_DH,
        pfs_groups=_AWS_DH & _FORTI_DH,
    )
    profile_defaults: ClassVar[Mapping[str, Any]] = {
        "outside_interface": "wan1",     # FortiGate desktop models' first WAN port
        "lan_interface": "internal",     # the LAN switch interface on desktop models (AWS's example too)
        "tunnel_start": 0,               # tunnel names end in -0 / -1, as in AWS's FortiGate example
        "nat_traversal": True,           # FortiOS default; safe behind NAT (AWS: disable if not behind NAT)
    }

    @staticmethod
    def version(options: RenderOptions) -> str | None:
        return names.normalize_version((options.extra or {}).get("fortios_version"))

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .render import NAME_RE, psk_problem

        out = super().unsupported(conn, profile, options)
        version = self.version(options)
        if version is None:
            out.append(f"FortiOS version {(options.extra or {}).get('fortios_version')!r} "
                       f"(supported: {', '.join(names.VERSIONS)})")
        for label, value in (("outside interface", profile.outside_interface),
                             ("LAN interface", profile.lan_interface)):
            if value is not None and (not NAME_RE.match(value) or len(value) > names.NAME_MAX):
                out.append(f"{label} name {value!r}: FortiOS interface names are at most "
                           f"{names.NAME_MAX} characters of letters, digits, '-', '_' and '.'")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            if t.ike.psk is not None:
                why = psk_problem(t.ike.psk)
                if why:
                    out.append(f"{p}: the pre-shared key {why}")
            for what, value, lo, hi in (("IKE lifetime", t.ike.lifetime_s, 120, 172800),
                                        ("IPsec lifetime", t.ipsec.lifetime_s, 120, 172800),
                                        ("DPD interval", t.dpd.interval_s, 1, 3600),
                                        ("DPD retries", t.dpd.retries, 0, 10),
                                        ("MTU", t.mtu, 576, 9216), ("TCP MSS", t.tcp_mss, 48, 65535)):
                if not lo <= value <= hi:
                    out.append(f"{p}: {what} {value} (FortiOS range {lo}-{hi})")
            if t.bgp is not None and not 3 <= t.bgp.hold_time_s <= 65535:
                out.append(f"{p}: BGP hold time {t.bgp.hold_time_s} (FortiOS range 3-65535)")
        return out

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        from .render import render

        version = self.version(options) or names.DEFAULT_VERSION
        text = render(conn, profile, version, self.comment(options.header))
        stem = (profile.name_prefix or conn.vpn_connection_id or "aws-vpn")
        return {f"{stem}.fortios.conf": text}

    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(findings, conn, profile, device)


__all__ = ["FortinetBackend"]
