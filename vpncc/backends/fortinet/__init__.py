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

    #: ``release`` (``--release``) may name the FortiOS family as well; ``fortios_version`` wins
    releases: ClassVar[tuple[str, ...]] = names.VERSIONS

    @staticmethod
    def version(options: RenderOptions, profile: "Profile | None" = None) -> str | None:
        raw = (options.extra or {}).get("fortios_version")
        if raw in (None, "") and profile is not None and profile.release:
            raw = profile.release
        return names.normalize_version(raw)

    def crypto_capabilities(self, profile: "Profile", options: RenderOptions) -> Capabilities:
        """The algorithms and DH groups of the chosen FortiOS family (names.CRYPTO), inside AWS's."""
        from dataclasses import replace

        caps = names.CRYPTO.get(self.version(options, profile) or names.DEFAULT_VERSION,
                                names.CRYPTO[names.DEFAULT_VERSION])
        dh = frozenset(caps["dh"]) & _AWS_DH
        return replace(self.capabilities, ike_encryption=caps["encryption"], esp_encryption=caps["encryption"],
                       ike_integrity=caps["integrity"], esp_integrity=caps["integrity"], ike_dh_groups=dh,
                       pfs_groups=dh, ikev1_gcm=False)

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .render import NAME_RE, psk_problem

        out = super().unsupported(conn, profile, options)
        version = self.version(options, profile)
        if version is None:
            out.append(f"FortiOS version {(options.extra or {}).get('fortios_version')!r} "
                       f"(supported: {', '.join(names.VERSIONS)})")
        for label, value in (("outside interface", profile.outside_interface),
                             ("LAN interface", profile.lan_interface)):
            if value is not None and (not NAME_RE.match(value) or len(value) > names.NAME_MAX):
                out.append(f"{label} name {value!r}: FortiOS interface names are at most "
                           f"{names.NAME_MAX} characters of letters, digits, '-', '_' and '.'")
        # never silently ignore a profile key the FortiGate output does not honour (issue: vrf/zone)
        if profile.zone:
            out.append(f"profile zone {profile.zone!r}: vpncc does not yet put FortiGate tunnels in a zone "
                       "(`set interface` would replace the zone's members; add them with `append interface`)")
        if profile.vrf:
            out.append(f"profile vrf {profile.vrf!r}: vpncc does not yet write FortiOS `set vrf` on the tunnel "
                       "interfaces")
        opts = getattr(conn, "options", None)
        if opts is not None and opts.acceleration and profile.nat_traversal is False:
            out.append("nat_traversal false with an Accelerated VPN (AWS requires NAT-T on: FortiOS "
                       "`nattraversal forced`)")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            if getattr(t.ike, "auth", "psk") == "certificate":
                out.append(f"{p}: certificate authentication (FortiOS `authmethod signature` needs a local "
                           "certificate and AWS's CA imported on the FortiGate; vpncc has no site-profile key "
                           "for their names yet, so it writes no PKI configuration)")
            acc = getattr(t, "accepted", None)
            fam = names.DH_GROUPS.get(version or names.DEFAULT_VERSION, frozenset())
            for what, groups, allowed in (("phase 1 DH groups", t.ike.dh_groups, acc.ike_dh_groups if acc else None),
                                          ("PFS groups", t.ipsec.pfs_groups, acc.pfs_groups if acc else None)):
                left = [g for g in groups if g in fam]
                if allowed is not None and groups and left and not set(left) & set(allowed):
                    out.append(f"{p}: {what} {', '.join(map(str, groups))}: FortiOS lacks "
                               f"{', '.join(str(g) for g in groups if g not in fam) or 'none of them'} and AWS "
                               f"accepts none of {', '.join(map(str, left))} (use --crypto recommended)")
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

        version = self.version(options, profile) or names.DEFAULT_VERSION
        text = render(conn, profile, version, self.comment(options.header), dict(options.extra))
        stem = (profile.name_prefix or conn.vpn_connection_id or "aws-vpn")
        return {f"{stem}.fortios.conf": text}

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

        return outside_changes(conn, profile, bool(options.extra.get("bgp_reuse")))

    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(findings, conn, profile, device)


__all__ = ["FortinetBackend"]
