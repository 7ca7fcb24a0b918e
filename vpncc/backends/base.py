"""The contract every backend implements, and the backend registry.

A backend is one folder under ``vpncc/backends/`` (plus ``templates/<name>/``) with a ``Backend``
subclass. It declares what it can express (:class:`Capabilities`), renders an IR + profile into
device text, reads device text back into IR terms (:class:`~vpncc.validate.model.DeviceConfig`),
and emits remediation commands for findings. Registration is one line in ``BUILTIN`` below, or an
entry point in the ``vpncc.backends`` group for third-party backends.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ..errors import UnsupportedFeature, UsageError
from ..ir import AWS_ENCRYPTION, AWS_INTEGRITY, DH_GROUPS, Connection, Encryption, IkeVersion, Integrity, Routing

if TYPE_CHECKING:  # pragma: no cover
    from ..profile import Profile
    from ..running import Allocation
    from ..validate.findings import Finding
    from ..validate.model import DeviceConfig


@dataclass(frozen=True)
class Capabilities:
    ike_versions: frozenset[IkeVersion] = frozenset(IkeVersion)
    routing: frozenset[Routing] = frozenset(Routing)
    ipv6_inside: bool = False
    formats: tuple[str, ...] = ("text",)
    ike_encryption: frozenset[Encryption] = frozenset(AWS_ENCRYPTION)
    ike_integrity: frozenset[Integrity] = frozenset(AWS_INTEGRITY)
    ike_dh_groups: frozenset[int] = frozenset(DH_GROUPS)
    esp_encryption: frozenset[Encryption] = frozenset(AWS_ENCRYPTION)
    esp_integrity: frozenset[Integrity] = frozenset(AWS_INTEGRITY)
    pfs_groups: frozenset[int] = frozenset(DH_GROUPS)
    #: AES-GCM for the IKEv1 SA (no standard defines it; every built-in platform offers GCM in IKE only with IKEv2)
    ikev1_gcm: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "ike_versions": sorted(v.value for v in self.ike_versions),
            "routing": sorted(r.value for r in self.routing),
            "ipv6_inside": self.ipv6_inside,
            "formats": list(self.formats),
        }


@dataclass(frozen=True)
class RenderOptions:
    """Options of one compile run. ``format`` is one of the backend's ``capabilities.formats``;
    ``extra`` carries backend-specific options (``fortios_version``, ``routing_daemon``, ``base``...)."""

    format: str | None = None
    header: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: only the main (first) file is wanted: a backend that renders a bundle may skip the rest
    main_only: bool = False


class Backend(ABC):
    #: registry name, e.g. ``cisco-ios``
    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: per-field defaults for :class:`vpncc.profile.Profile` (documented by ``vpncc profile --example``)
    profile_defaults: ClassVar[Mapping[str, Any]] = {}
    #: comment leader used for the output header
    comment_prefix: ClassVar[str] = "#"
    #: True when a device's configuration spans the companion files too (strongSwan: swanctl.conf plus the
    #: interface script and the routing daemon's config); validation then reads the whole bundle
    validates_bundle: ClassVar[bool] = False
    #: kinds from vpncc.readers.detect this backend's reader accepts; text detected as another known
    #: kind (a Junos config given to the Cisco reader, an AWS file given as --config) is refused
    config_kinds: ClassVar[tuple[str, ...]] = ()
    #: platform software releases the profile key ``release`` may name (``--release``), e.g. ("16.x", "17.11");
    #: empty: the backend has no per-release behaviour and ``release`` is refused for it
    releases: ClassVar[tuple[str, ...]] = ()

    # -- compile ------------------------------------------------------------------------------
    def unsupported(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str]:
        """Everything in ``conn`` this backend cannot express. The default checks capabilities;
        backends extend it for platform limits (name lengths, per-version algorithms...)."""
        caps = self.capabilities
        out: list[str] = []
        if options.format is not None and options.format not in caps.formats:
            out.append(f"output format {options.format!r} (supported: {', '.join(caps.formats)})")
        if conn.routing not in caps.routing:
            out.append(f"{conn.routing.value} routing")
        for t in conn.tunnels:
            p = f"tunnel {t.number}"
            if (t.ike.version is IkeVersion.IKEV1 and not caps.ikev1_gcm and t.ike.encryption
                    and all(e.is_gcm for e in t.ike.encryption)):
                out.append(f"{p}: IKE encryption {', '.join(e.value for e in t.ike.encryption)} with IKEv1 "
                           "(AES-GCM in phase 1 only with IKEv2)")
            if not t.ike.integrity:
                out.append(f"{p}: IKE needs at least one integrity/PRF algorithm")
            if any(not e.is_gcm for e in t.ipsec.encryption) and not t.ipsec.integrity:
                out.append(f"{p}: ESP {', '.join(e.value for e in t.ipsec.encryption if not e.is_gcm)} needs an "
                           "integrity algorithm")
            if t.ike.version not in caps.ike_versions:
                out.append(f"{p}: IKE version {t.ike.version.value}")
            if t.inside_ipv6 is not None and not caps.ipv6_inside:
                out.append(f"{p}: IPv6 inside addresses")
            for label, values, allowed in (
                ("IKE encryption", t.ike.encryption, caps.ike_encryption),
                ("IKE integrity", t.ike.integrity, caps.ike_integrity),
                ("IKE DH group", t.ike.dh_groups, caps.ike_dh_groups),
                ("ESP encryption", t.ipsec.encryption, caps.esp_encryption),
                ("ESP integrity", t.ipsec.integrity, caps.esp_integrity),
                ("PFS group", t.ipsec.pfs_groups, caps.pfs_groups),
            ):
                bad = [v for v in values if v not in allowed]
                if bad and len(bad) == len(values):
                    out.append(f"{p}: {label} " + ", ".join(str(getattr(v, 'value', v)) for v in bad))
        return out

    def crypto_capabilities(self, profile: "Profile", options: RenderOptions) -> Capabilities:
        """The algorithms and DH groups the chosen platform release offers (``profile.release``, or the
        backend's default release when it is None); ``--crypto`` chooses the suite inside them. Backends
        whose lists differ per release override this."""
        return self.capabilities

    def expressible(self, conn: Connection, profile: "Profile | None" = None,
                    options: RenderOptions | None = None) -> Connection:
        """The IR as the compiled config really holds it. Platforms that keep some settings device-wide
        (Cisco ISAKMP policies and their lifetime, the ASA's TCP MSS) merge the tunnels' values; the
        compiled output says so in a comment, and validation of that output is exact against this IR."""
        return conn

    @abstractmethod
    def render(self, conn: Connection, profile: "Profile", options: RenderOptions) -> dict[str, str]:
        """Device text. Returns ``{filename: text}``; the first entry is the main config (what
        ``compile`` prints), the others are companion files written by ``--bundle``."""

    def comment(self, lines: Sequence[str]) -> str:
        # every physical line gets the comment leader, even if a value smuggled a line break in
        return "".join(f"{self.comment_prefix} {part}".rstrip() + "\n"
                       for l in lines for part in str(l).splitlines() or [""])

    # -- compile against the running config (docs/safe-changes.md) ------------------------------
    def allocate(self, conn: Connection, profile: "Profile", running: "DeviceConfig",
                 options: RenderOptions) -> "Allocation":
        """Choose free numbers/names against ``running`` (what :meth:`read` returned, with its
        ``inventory``), reuse what the device shares (BGP AS, router-id, zones, VRFs), raise
        :class:`vpncc.running.RunningConflict` for what cannot coexist. Backends that adopt
        ``compile --running`` override this; the default refuses (exit 2)."""
        raise UsageError(f"--running is not supported for {self.name} yet")

    def may_collide(self, conn: Connection, profile: "Profile", options: RenderOptions) -> list[str] | None:
        """Without ``--running``: the fixed numbers and names the output uses that may already exist on
        the device (listed in the header). Default None: the backend has not declared them yet."""
        return None

    def outside_changes(self, conn: Connection, profile: "Profile",
                        options: RenderOptions) -> list[str] | None:
        """Statements of the output that change behaviour beyond these two tunnels (device-wide settings),
        listed in the header's "changes outside these tunnels" block ([] prints "none"). Default None:
        not declared yet (no block)."""
        return None

    # -- validate -----------------------------------------------------------------------------
    @abstractmethod
    def read(self, text: str, path: str | None = None) -> "DeviceConfig":
        """Read a device config into IR terms. Raise :class:`vpncc.errors.InputError` for text that
        is not this vendor's config; turn unknown lines into ``DeviceConfig.notes``, never crash."""

    # Optional: ``lab_files(conn, profile, options) -> dict[str, str]`` gives the strongSwan-style bundle
    # that ``vpncc lab --vendor <name>`` runs for this backend (see vpncc.lab).

    def remediation(self, findings: Sequence["Finding"], conn: Connection, profile: "Profile",
                    device: "DeviceConfig") -> str:
        """Commands that fix ``findings``, as one block to paste. Backends override."""
        raise NotImplementedError(f"{self.name} has no remediation")


# -- registry -------------------------------------------------------------------------------

#: name -> "module:attribute", imported only when used
BUILTIN: dict[str, str] = {
    "cisco-ios": "vpncc.backends.cisco_ios:CiscoIosBackend",
    "cisco-asa": "vpncc.backends.cisco_asa:CiscoAsaBackend",
    "juniper": "vpncc.backends.juniper:JuniperBackend",
    "fortinet": "vpncc.backends.fortinet:FortinetBackend",
    "pfsense": "vpncc.backends.pfsense:PfsenseBackend",
    "strongswan": "vpncc.backends.strongswan:StrongswanBackend",
}
ALIASES: dict[str, str] = {"cisco": "cisco-ios", "ios": "cisco-ios", "asa": "cisco-asa", "junos": "juniper",
                           "srx": "juniper", "fortigate": "fortinet", "fortios": "fortinet",
                           "swanctl": "strongswan", "pfsense-plus": "pfsense"}
# ALIASES holds every built-in Backend.aliases (kept in step by tests/cli/test_plugins.py), so a built-in
# resolves without importing any backend; a plugin's aliases are read from its class when asked for.

class PluginError(ImportError, UsageError):
    """A backend that cannot be loaded; the message names the backend and the package that provides it
    (an ImportError for library callers, exit code 2 with the message on the command line)."""


#: registry problems that do not stop vpncc (a name two packages claim): `vpncc vendors` shows them
PROBLEMS: list[str] = []
_owners: dict[str, str] = {}

_cache: dict[str, Backend] = {}
_table: dict[str, str] | None = None


def _load_table() -> dict[str, str]:
    global _table
    if _table is None:
        table = dict(BUILTIN)
        from importlib.metadata import entry_points

        _owners.update({n: f"vpncc (built-in {v})" for n, v in BUILTIN.items()})
        for ep in entry_points(group="vpncc.backends"):
            if ep.name in table or ep.name in ALIASES:
                first = _owners.get(ep.name) or f"vpncc (built-in alias of {ALIASES[ep.name]})"
                _problem(f"backend name {ep.name!r} is claimed by {first} and by {_owner(ep)}; "
                         f"the first is used (uninstall one, or ask its author to rename it)")
                continue
            table[ep.name] = ep.value
            _owners[ep.name] = _owner(ep)
        _table = table
    return _table


def _owner(ep: Any) -> str:
    """The distribution that registers an entry point, for messages: "vpncc-vyos (vpncc_vyos:Backend)"."""
    name = getattr(getattr(ep, "dist", None), "name", None)
    return f"{name} ({ep.value})" if name else f"the entry point {ep.value}"


def _problem(message: str) -> None:
    if message not in PROBLEMS:
        PROBLEMS.append(message)


def _plugin_alias(n: str) -> str | None:
    """The third-party backend whose ``aliases`` name ``n`` (imports the plugins, only for an unknown name)."""
    hits = []
    for name in _load_table():
        if name in BUILTIN:
            continue
        try:
            if n in get(name).aliases:
                hits.append(name)
        except ImportError:
            continue  # reported by `vpncc vendors` and when the plugin itself is asked for
    if len(hits) > 1:
        _problem(f"alias {n!r} is claimed by " + " and ".join(_owners.get(h, h) for h in hits)
                 + f"; {hits[0]} is used")
    return hits[0] if hits else None


def names() -> list[str]:
    return list(_load_table())


def canonical(name: str) -> str:
    n = name.strip().lower()
    n = ALIASES.get(n, n)
    if n in BUILTIN and _table is None:
        return n  # built-ins resolve without scanning installed distributions (costs ~50 ms)
    if n not in _load_table():
        plugin = _plugin_alias(n)
        if plugin is not None:
            return plugin
        raise UsageError(f"unknown vendor {name!r}; choose one of: "
                         + ", ".join(names()) + " (aliases: " + ", ".join(sorted(ALIASES)) + ")")
    return n


def get(name: str) -> Backend:
    n = canonical(name)
    if n not in _cache:
        mod_name, _, attr = (BUILTIN[n] if _table is None and n in BUILTIN else _load_table()[n]).partition(":")
        where = "" if n in BUILTIN else f" from {_owners.get(n, mod_name)}"
        try:
            cls = getattr(importlib.import_module(mod_name), attr)
        except AttributeError as e:
            raise PluginError(f"backend {n!r}{where}: {mod_name} has no {attr}") from e
        except ImportError as e:
            raise PluginError(f"backend {n!r}{where} cannot be imported: {e}") from e
        except Exception as e:  # a plugin's own bug at import time: name the plugin, not vpncc
            raise PluginError(f"backend {n!r}{where} failed to load: {e.__class__.__name__}: {e}") from e
        try:
            _cache[n] = cls()
        except Exception as e:
            raise PluginError(f"backend {n!r}{where} failed to start: {e.__class__.__name__}: {e}") from e
    return _cache[n]


def refuse_foreign(backend: Backend, text: str, path: str | None) -> None:
    """InputError when ``text`` is recognisably another vendor's config (or an AWS file)."""
    from ..errors import InputError
    from ..readers import detect

    if not text.strip():
        raise InputError("the device config is empty", path, 1, 1)
    kind = detect.guess(text)
    if kind is not None and backend.config_kinds and kind not in backend.config_kinds:
        raise InputError(f"this looks like {detect.describe(kind)}, not a {backend.name} configuration", path,
                         hint="check --vendor (vpncc vendors lists them) and --config")


def check_release(backend: Backend, release: str | None) -> None:
    """UsageError for a release this backend does not know (or any release for a backend without them)."""
    if release is None:
        return
    if not backend.releases:
        raise UsageError(f"{backend.name} has no platform releases to choose from; drop --release / 'release'")
    if release not in backend.releases:
        raise UsageError(f"unknown {backend.name} release {release!r}; choose one of: "
                         + ", ".join(backend.releases))


def check_supported(backend: Backend, conn: Connection, profile: "Profile", options: RenderOptions) -> None:
    items = backend.unsupported(conn, profile, options)
    cert = [t.number for t in conn.tunnels if getattr(t.ike, "auth", "psk") == "certificate"]
    if cert and not getattr(backend, "certificate_auth", False) and not any("certif" in i for i in items):
        # ACM private CA certificates (no PSK): a backend renders them only when it declares it can
        items.append(f"tunnel {', '.join(map(str, cert))}: certificate authentication (AWS private CA; "
                     f"{backend.name} compiles pre-shared keys only)")
    if items:
        raise UnsupportedFeature(backend.name, items)
