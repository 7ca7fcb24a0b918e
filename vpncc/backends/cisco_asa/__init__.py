"""Cisco ASA 9.8+: route-based VTI tunnels, or policy-based crypto maps (`--format policy`, static)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ...ir import AWS_ENCRYPTION, AWS_INTEGRITY, Connection, IkeVersion, Routing
from ..base import Backend, Capabilities, RenderOptions
from . import names as N

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig

NAMEIF_RE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


class CiscoAsaBackend(Backend):
    name = "cisco-asa"
    aliases = ("asa",)
    description = "Cisco ASA 9.8+ route-based VTI (IKEv1 or IKEv2, BGP or static); crypto maps with --format policy"
    comment_prefix = "!"
    #: both Cisco readers sniff IOS vs ASA themselves (vpncc.backends.cisco_common.util.sniff)
    config_kinds = ("cisco-ios", "cisco-asa")
    capabilities = Capabilities(
        ike_versions=frozenset(IkeVersion), routing=frozenset(Routing), ipv6_inside=False,
        formats=("text", "vti", "policy"),
        ike_encryption=frozenset(AWS_ENCRYPTION), ike_integrity=frozenset(AWS_INTEGRITY), ike_dh_groups=N.DH_GROUPS,
        esp_encryption=frozenset(AWS_ENCRYPTION), esp_integrity=frozenset(AWS_INTEGRITY), pfs_groups=N.DH_GROUPS,
    )
    #: `release` values (names.py RELEASES): ASA 9.8-9.14, and 9.15 and later (weak groups removed)
    releases: ClassVar[tuple[str, ...]] = N.RELEASES
    profile_defaults: ClassVar[Mapping[str, Any]] = {
        "outside_interface": "outside",  # the nameif of the interface facing the Internet
        "tunnel_start": 1,
        "isakmp_policy_start": 200,  # AWS's own examples use 200/201
    }

    def crypto_capabilities(self, profile: "Profile", options: RenderOptions) -> Capabilities:
        """ASA 9.15 and later dropped DH 2, 5 and 24 (names.py RELEASE_DH_GROUPS, with the Cisco sources);
        without a release the 9.8-9.14 lists apply."""
        dh = N.RELEASE_DH_GROUPS.get(profile.release or N.DEFAULT_RELEASE, N.DH_GROUPS)
        return replace(self.capabilities, ike_dh_groups=dh, pfs_groups=dh)

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from ..cisco_common.util import bad_name, psk_problem

        out = super().unsupported(conn, profile, options)
        opts = getattr(conn, "options", None)
        if opts is not None and opts.acceleration and profile.nat_traversal is False:
            # IKEv1 NAT-T is on by default on the ASA and IKEv2 always detects NAT (names.py): an accelerated
            # VPN works unless NAT-T is turned off on purpose
            out.append("an accelerated VPN always uses NAT-T (UDP 4500): drop nat_traversal: false / "
                       "--no-nat-traversal")
        if opts is not None and getattr(opts.outside_ip_type, "value", opts.outside_ip_type) == "Ipv6":
            out.append("IPv6 outside addresses: vpncc generates IPv4 VTIs for the ASA (`tunnel mode ipsec ipv4`)")
        if any(getattr(t.ike, "auth", "psk") == "certificate" for t in conn.tunnels):
            out.append("certificate authentication: vpncc does not generate the ASA trustpoint and "
                       "`ikev2 local-authentication certificate` configuration yet (use a pre-shared key tunnel)")
        prefix = profile.name_prefix or "aws-vpn"
        why = bad_name(prefix + "-backup-out", N.MAX_NAME)
        if why:
            out.append(f"name prefix {prefix!r}: an ASA object name {why}")
        elif len(prefix) + 6 > N.MAX_NAMEIF:
            out.append(f"name prefix {prefix!r}: ASA nameifs are at most {N.MAX_NAMEIF} characters")
        if profile.outside_interface and not NAMEIF_RE.match(profile.outside_interface):
            out.append(f"outside interface {profile.outside_interface!r} is not an ASA nameif")
        if profile.vrf:
            out.append("profile 'vrf': the ASA has no VRF-aware VTI in 9.8")
        if options.format == "policy":
            if conn.routing is Routing.BGP:
                out.append("--format policy: crypto maps carry no BGP (use the default route-based format)")
            if len({t.ike.version for t in conn.tunnels}) > 1:
                out.append("--format policy: one crypto map entry serves both tunnels; they need one IKE version")
            pairs = max(len(profile.local_networks), 1) * len(profile.remote_networks)
            if pairs > N.POLICY_SA_PAIRS:
                # AWS: a policy-based customer gateway must use one SA pair per tunnel (names.py)
                out.append(f"--format policy: {pairs} local/remote network pairs would make {pairs} security "
                           "associations per tunnel, AWS accepts one: give one summary network on each side "
                           "(or none locally, for any4), or use the route-based format")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            v1 = t.ike.version is IkeVersion.IKEV1
            for label, values, allowed in (
                    ("IKEv1 encryption", t.ike.encryption, N.IKEV1_ENC),
                    ("IKEv1 integrity", t.ike.integrity, N.IKEV1_HASH),
                    ("IKEv1 DH group", t.ike.dh_groups, N.RELEASE_IKEV1_GROUPS[profile.release or N.DEFAULT_RELEASE]),
                    ("IKEv1 ESP encryption", t.ipsec.encryption, N.V1_ESP_ENC),
                    ("IKEv1 ESP integrity", t.ipsec.integrity, N.V1_ESP_HASH)):
                if v1 and values and not any(v in allowed for v in values):
                    out.append(f"{p}: {label} " + ", ".join(str(getattr(v, 'value', v)) for v in values)
                               + " (not available with IKEv1 on the ASA: use IKEv2)")
            if not N.DPD_RANGE[0] <= t.dpd.interval_s <= N.DPD_RANGE[1]:
                out.append(f"{p}: DPD interval {t.dpd.interval_s} s (ASA: {N.DPD_RANGE[0]}-{N.DPD_RANGE[1]})")
            if not N.DPD_RETRY_RANGE[0] <= t.dpd.retries <= N.DPD_RETRY_RANGE[1]:
                out.append(f"{p}: DPD retries {t.dpd.retries} (ASA: {N.DPD_RETRY_RANGE[0]}-{N.DPD_RETRY_RANGE[1]})")
            why = psk_problem(t.ike.psk)
            if why:
                out.append(f"{p}: the pre-shared key {why}")
            if t.ike.mode is not None and t.ike.mode.value == "aggressive":
                out.append(f"{p}: IKEv1 aggressive mode (vpncc generates main mode only)")
        return out

    def expressible(self, conn: Connection, profile: "Profile | None" = None,
                    options: RenderOptions | None = None) -> Connection:
        """The IR as the compiled config holds it: what validating the compiled config reads back
        (device-wide IKE policies, lifetimes and TCP MSS merged; values the ASA lacks left out)."""
        from .render import expressible

        return expressible(conn, profile, options.format if options else None).conn

    # -- compile --running (docs/safe-changes.md) ------------------------------------------------
    def allocate(self, conn: Connection, profile: "Profile", running: "DeviceConfig",
                 options: RenderOptions) -> Any:
        from .safe import allocate

        return allocate(conn, profile, running, options.format)

    def may_collide(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import may_collide

        return may_collide(conn, profile, options.format)

    def outside_changes(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import outside_changes

        return outside_changes(conn, profile, options.format, dict(options.extra))

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        from ..cisco_common.templating import render
        from .render import context

        ctx = context(conn, profile, self.comment(options.header), options.format, extra=dict(options.extra))
        return {f"{profile.name_prefix or 'aws-vpn'}.asa.cfg": render("cisco-asa", "main.j2", ctx)}

    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(findings, conn, profile, device)


__all__ = ["CiscoAsaBackend"]
