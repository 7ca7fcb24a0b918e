"""Juniper SRX (Junos) backend: route-based VPN on st0 units, `set` and hierarchical output."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ...ir import Connection, Integrity
from ..base import Backend, Capabilities, RenderOptions
from . import names as N

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig

_AWS_JUNOS_DH = frozenset(g for g in N.DH_GROUPS if g != 1)


class JuniperBackend(Backend):
    name: ClassVar[str] = "juniper"
    aliases: ClassVar[tuple[str, ...]] = ("junos", "srx")
    description: ClassVar[str] = ("Juniper SRX / vSRX (Junos 15.1X49 and later): route-based VPN on st0 units, "
                                  "`set` commands or the hierarchical form")
    capabilities: ClassVar[Capabilities] = Capabilities(
        ipv6_inside=True,
        formats=("set", "curly"),
        ike_encryption=frozenset(N.IKE_ENCRYPTION),
        esp_encryption=frozenset(N.ESP_ENCRYPTION),
        ike_integrity=frozenset(N.IKE_INTEGRITY),
        ike_dh_groups=_AWS_JUNOS_DH,
        esp_integrity=frozenset(N.ESP_INTEGRITY),
        pfs_groups=_AWS_JUNOS_DH,
    )
    profile_defaults: ClassVar[Mapping[str, Any]] = {
        "outside_interface": "ge-0/0/0.0",   # AWS's own SRX example
        "tunnel_start": 1,                    # st0.1, st0.2
        "zone": "vpn",                        # security zone of the st0 units
        "outside_zone": "untrust",            # SRX factory-default zone of the WAN port
        "lan_zone": "trust",                  # SRX factory-default zone of the LAN ports
        "local_networks": [],
        "remote_networks": [],
    }
    comment_prefix: ClassVar[str] = "#"
    releases: ClassVar[tuple[str, ...]] = N.RELEASES

    def crypto_capabilities(self, profile: "Profile", options: RenderOptions) -> Capabilities:
        """What the chosen Junos release offers (names.py RELEASE_*: DH 15/16/21 and IKE sha-512 from the
        current CLI Reference, "21.x+"; the older list for 15.1X49..20.x)."""
        rel = profile.release or N.DEFAULT_RELEASE
        dh = frozenset(g for g in N.RELEASE_DH[rel] if g != 1)
        integ = frozenset(i for i in N.IKE_INTEGRITY if N.RELEASE_SHA512_IKE[rel] or i is not Integrity.SHA2_512)
        return replace(self.capabilities, ike_dh_groups=dh, pfs_groups=dh, ike_integrity=integ)

    # -- compile ------------------------------------------------------------------------------
    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .render import longest_name, outside_interface

        out = super().unsupported(conn, profile, options)
        rel = profile.release or N.DEFAULT_RELEASE
        caps = self.crypto_capabilities(profile, options)
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            for label, values, allowed, base_allowed in (
                    ("IKE integrity", t.ike.integrity, caps.ike_integrity, self.capabilities.ike_integrity),
                    ("IKE DH group", t.ike.dh_groups, caps.ike_dh_groups, self.capabilities.ike_dh_groups),
                    ("PFS group", t.ipsec.pfs_groups, caps.pfs_groups, self.capabilities.pfs_groups)):
                # the release narrows what the class capabilities (the newest release) allow
                if values and all(v not in allowed for v in values) and any(v in base_allowed for v in values):
                    out.append(f"{p}: {label} " + ", ".join(str(getattr(v, "value", v)) for v in values)
                               + f" (not in Junos {rel})")
            lo, hi = N.LIFETIME_RANGE
            if not lo <= t.ike.lifetime_s <= hi:
                out.append(f"{p}: IKE lifetime {t.ike.lifetime_s} s (Junos: {lo}..{hi})")
            if not lo <= t.ipsec.lifetime_s <= hi:
                out.append(f"{p}: IPsec lifetime {t.ipsec.lifetime_s} s (Junos: {lo}..{hi})")
            lo, hi = N.DPD_INTERVAL_RANGE
            if not lo <= t.dpd.interval_s <= hi:
                out.append(f"{p}: DPD interval {t.dpd.interval_s} s (Junos: {lo}..{hi})")
            lo, hi = N.DPD_THRESHOLD_RANGE
            if not lo <= t.dpd.retries <= hi:
                out.append(f"{p}: DPD retries {t.dpd.retries} (Junos threshold: {lo}..{hi})")
            if t.ike.psk is not None and not N.psk_ok(t.ike.psk):
                out.append(f"{p}: the pre-shared key has characters a Junos ascii-text key cannot carry "
                           "(only printable ASCII)")
        prefix = profile.name_prefix or "aws-vpn"
        if not N.OBJECT_NAME.fullmatch(prefix) or longest_name(prefix) > 32:
            out.append(f"name prefix {prefix!r}: Junos IKE/IPsec object names are letters, digits, '-' and '_' "
                       f"and at most 32 characters (the prefix may have at most {32 - len('-99-108')})")
        for label, value in (("zone", profile.zone), ("outside_zone", profile.outside_zone),
                             ("routing_instance", profile.routing_instance),
                             ("lan_zone", profile.lan_zone)):
            if value is not None and not N.GENERIC_NAME.fullmatch(str(value)):
                out.append(f"{label} {value!r} is not a valid Junos name")
        zones = [profile.zone or "vpn", profile.outside_zone or "untrust", profile.lan_zone or "trust"]
        if len(set(zones)) != 3:
            out.append("zone, outside_zone and lan_zone must be three different security zones "
                       f"(got {', '.join(map(str, zones))})")
        if not N.INTERFACE.fullmatch(outside_interface(profile)):
            out.append(f"outside interface {profile.outside_interface!r} is not a Junos logical interface name "
                       "(such as ge-0/0/0.0)")
        return out

    # -- compile --running (docs/safe-changes.md) ------------------------------------------------
    def allocate(self, conn: Connection, profile: "Profile", running: "DeviceConfig",
                 options: RenderOptions) -> Any:
        from .safe import allocate

        return allocate(conn, profile, running)

    def may_collide(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import may_collide

        return may_collide(conn, profile)

    def outside_changes(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import outside_changes

        return outside_changes(conn, profile, dict(options.extra))

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        from .render import build, render_text

        form = options.format or "set"
        context = build(conn, profile, dict(options.extra))
        text = self.comment(options.header) + render_text(context, form)
        ext = "conf" if form == "curly" else "set"
        stem = profile.name_prefix or "aws-vpn"
        return {f"{stem}.junos.{ext}": text}

    # -- validate -----------------------------------------------------------------------------
    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(self, findings, conn, profile, device)

