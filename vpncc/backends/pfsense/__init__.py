"""pfSense CE 2.6+/Plus 22.01+ backend: config.xml sections for route-based (VTI) IPsec, FRR BGP or
static routing, and a reader for full config.xml backups.

Formats: ``xml`` (default) is a ``<pfsense>`` document whose ``<ipsec>`` element Diagnostics > Backup &
Restore accepts for the IPSEC area (restore_config_section() in pfsense-utils.inc takes
``$xml['pfsense'][$area]``), with the connection's other sections for reference; ``merge`` splices
everything into the user's backup given as ``RenderOptions.extra["base"]`` (CLI: ``--base FILE``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Mapping, Sequence

from ...errors import MissingValue, UsageError
from ...ir import Connection, Routing
from ..base import Backend, Capabilities, RenderOptions
from . import names as N

if TYPE_CHECKING:  # pragma: no cover
    from ...profile import Profile
    from ...validate.findings import Finding
    from ...validate.model import DeviceConfig


class PfsenseBackend(Backend):
    name = "pfsense"
    aliases = ("pfsense-plus",)
    description = "pfSense CE 2.6+/Plus: config.xml (IPsec VTI, FRR BGP or static routes)"
    capabilities = Capabilities(formats=("xml", "merge"), ipv6_inside=False)
    config_kinds = ("pfsense",)
    #: pfSense CE 2.6 / 2.7 / 2.8 (Plus 22.01+ follows the same tables); see names.RELEASES
    releases = N.RELEASES
    profile_defaults: ClassVar[Mapping[str, object]] = {
        "outside_interface": "wan",   # the phase 1 interface (pfSense's own default)
        "lan_interface": "lan",       # static routing: the interface whose rules policy-route to AWS
        "ikeid_start": 1,             # first phase 1 ikeid (merge: the lowest free one from here)
        "nat_traversal": False,       # False: NAT-T "Auto" (on); True: "Force"
    }

    def comment(self, lines: Sequence[str]) -> str:
        from .xmlwrite import comment

        return comment(lines)

    # -- compile ------------------------------------------------------------------------------
    def crypto_capabilities(self, profile: "Profile", options: RenderOptions) -> Capabilities:
        """Every AWS algorithm and DH group is in $p1_ealgos/$p1_halgos/$p1_dhgroups/$p2_* of RELENG_2_6_0,
        RELENG_2_7_x and master alike (names.RELEASES): the release changes nothing inside AWS's set.
        AES-GCM in phase 1 only with IKEv2 (vpn_ipsec_phase1.php refuses it for IKEv1)."""
        from ..base import check_release

        check_release(self, getattr(profile, "release", None))
        return replace(self.capabilities, ikev1_gcm=False)

    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .render import IFACE_RE
        from .xmlwrite import survives_pfsense

        out = super().unsupported(conn, profile, options)
        for field in ("outside_interface", "lan_interface"):
            v = getattr(profile, field)
            if v is not None and not IFACE_RE.match(v):
                out.append(f"{field} {v!r}: not a pfSense interface name (wan, lan, optN, _vipN)")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            if not N.MTU_RANGE[0] <= t.mtu <= N.MTU_RANGE[1]:
                out.append(f"{p}: MTU {t.mtu} (pfSense accepts {N.MTU_RANGE[0]}..{N.MTU_RANGE[1]})")
            mss = t.tcp_mss + N.MSS_OFFSET
            if not N.MSS_RANGE[0] <= mss <= N.MSS_RANGE[1]:
                out.append(f"{p}: TCP MSS {t.tcp_mss} (pfSense clamps to its MSS field minus 40, "
                           f"field range {N.MSS_RANGE[0]}..{N.MSS_RANGE[1]})")
            psk = t.ike.psk
            if psk is not None and (not survives_pfsense(psk) or psk != psk.strip()):
                # xmlparse.inc decodes entities a second time and trims; ipsec_setup_secrets() trims too
                out.append(f"{p}: the pre-shared key has leading/trailing spaces, a TAB/CR/LF or another control "
                           "character, or an XML entity-like sequence (&amp; &#38; ...): pfSense would silently "
                           "change it")
            if t.bgp is not None and not 0 <= t.bgp.hold_time_s <= 65535:
                out.append(f"{p}: BGP hold time {t.bgp.hold_time_s} (FRR accepts 0..65535)")
        return out

    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        from . import merge as M
        from . import render as R
        from .xmlwrite import dump

        fmt = options.format or "xml"
        if fmt not in self.capabilities.formats:
            raise UsageError(f"pfsense: unknown format {fmt!r} (xml, merge)")
        if conn.routing is Routing.STATIC and not profile.remote_networks:
            raise MissingValue(["remote networks to route through the tunnels with static routing "
                                "(give --remote-networks, e.g. 10.0.0.0/16)"])
        if fmt == "merge":
            text = M.merge(options.extra.get("base"), conn, profile,
                           lambda s, p: self.comment(list(options.header) + _merge_notes(conn, s, p)))
            return {"config.xml": text}
        plan = options.extra.get("plan") or R.fixed_plan(conn, profile)  # --running: the free ids
        s = R.build(conn, profile, plan)
        if options.extra.get("keep_retransmit"):
            s.ipsec_global = []  # the firewall's own IKEv2 retransmit values stay
        if options.extra.get("bgp_reuse"):
            s.frrbgp = [n for n in s.frrbgp if n[0] != "routerid"]  # FRR keeps its router-id
        body: list = [("ipsec", s.ipsec_global + s.phase1 + s.phase2), ("interfaces", s.interfaces)]
        if conn.routing is Routing.BGP:
            body.append(("installedpackages", [
                ("frr", [("config", s.frr)]), ("frrbgp", [("config", s.frrbgp + s.frrbgp_rows)]),
                *([("frrbgpadvanced", [("config", s.frrbgpadvanced)])] if s.frrbgpadvanced else []),
                ("frrbgpneighbors", s.neighbors),
                *([("frrglobalroutemaps", s.routemaps)] if s.routemaps else []),
                ("frrglobalprefixes", s.prefixes)]))
        else:
            body += [("gateways", s.gateway_items + s.gateway_groups), ("staticroutes", s.routes)]
            if s.rules:
                body.append(("filter", s.rules))
        text = self.comment(list(options.header) + _xml_notes(conn, s, plan)) + dump([("pfsense", body)], 0)
        return {f"{profile.name_prefix or 'aws-vpn'}-pfsense.xml": text}

    # -- compile --running (docs/safe-changes.md) ------------------------------------------------
    def allocate(self, conn: Connection, profile: "Profile", running: "DeviceConfig",
                 options: RenderOptions) -> object:
        from .safe import allocate

        return allocate(conn, profile, running)

    def may_collide(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import may_collide

        return [] if (options.format or "xml") == "merge" else may_collide(conn, profile)

    def outside_changes(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        from .safe import outside_changes

        return outside_changes(conn, profile, bool(options.extra.get("keep_retransmit")),
                               bool(options.extra.get("bgp_reuse")))

    # -- lab ----------------------------------------------------------------------------------
    def lab_files(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        """The strongSwan bundle the compiled config.xml amounts to, for ``vpncc lab`` (see lab.py)."""
        from .lab import lab_files

        return lab_files(conn, profile, options)

    # -- validate -----------------------------------------------------------------------------
    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        from .read import read

        return read(text, path)

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        from .remediation import remediation

        return remediation(findings, conn, profile, device)


def _ids(s, plan) -> list[str]:
    return [f"  tunnel {i + 1}: phase 1 ikeid {k}, phase 2 reqid {r} -> VTI ipsec{r} assigned as {o}"
            for i, (k, r, o) in enumerate(zip(plan.ikeids, plan.reqids, plan.ifnames, strict=False))]


def _common(conn: Connection, s, profile: "Profile | None" = None) -> list[str]:
    out = []
    if profile is not None and profile.local_address is not None:
        cgw = conn.tunnels[0].outside.customer if conn.tunnels else None
        out += [f"pfSense sends IKE from the address of the phase 1 interface ({profile.outside_interface or 'wan'}):",
                f"it must hold {profile.local_address}; the IKE identity stays the customer gateway {cgw}",
                "(My identifier = IP address), as AWS expects behind NAT."]
    if conn.routing is Routing.BGP:
        out += ["BGP runs in the FRR package: install it (System > Package Manager) and set its master",
                "password (Services > FRR > Global Settings) before applying."]
    else:
        out += ["Static routing: each remote network is a static route via tunnel 1's gateway, and a",
                "LAN rule policy-routes it through a gateway group (tunnel 1 tier 1, tunnel 2 tier 2) so",
                "traffic fails over when tunnel 1's gateway monitor reports it down."]
    out += ["Allow the VPC's traffic on Firewall > Rules > IPsec (VTI traffic is filtered there)."]
    if s.notes:
        out += ["Notes:"] + [f"  - {n}" for n in s.notes]
    return out


def _xml_notes(conn: Connection, s, plan) -> list[str]:
    return ["",
            "Restore ONLY the IPsec area from this file: Diagnostics > Backup & Restore > Restore",
            "Backup, Restore area = IPSEC. That replaces every existing IPsec tunnel; to keep yours",
            "compile with the merge format and your config.xml backup as its base instead.",
            "The other sections are this connection's settings for reference: restoring their areas",
            "from this file would replace your interfaces, packages, gateways, routes and rules.",
            *_ids(s, plan), *_common(conn, s, plan.profile)]


def _merge_notes(conn: Connection, s, plan) -> list[str]:
    return ["",
            "Complete config.xml: restore it with Diagnostics > Backup & Restore, Restore area = All.",
            "Added to the base (everything else is unchanged):", *_ids(s, plan), *_common(conn, s, plan.profile)]
