"""vpncc: compile and validate AWS Site-to-Site VPN configurations.

Library API (typed, see ``py.typed``; docs/library.md has a worked example)::

    import vpncc
    conn = vpncc.parse("describe.json", connection="vpn-0a1b2c3d4e5f60718")   # one Connection
    conns = vpncc.load("aws/")                                                # every connection
    site = vpncc.profile_from_dict({"local_networks": ["10.10.0.0/16"]})      # or vpncc.load_profile(path)
    text = vpncc.compile(conn, "cisco-ios", site)                             # device config
    report = vpncc.validate(conn, "juniper", open("running.conf").read(), profile=site)

Every error raised on purpose is a :class:`vpncc.errors.VpnccError`: ``InputError`` (a file that cannot be
read, with file/line/column), ``ProfileError`` (a bad profile key or value), ``UnsupportedFeature`` (the
backend cannot express the connection), ``MissingValue`` (a redacted key or address nobody supplied) and
``UsageError`` (an unknown vendor or release, a connection id that is not in the input).

Imports are lazy so that ``vpncc --version`` and ``compile`` stay fast.
"""

from __future__ import annotations

from ._version import __version__

TYPE_CHECKING = False  # typing itself costs ~7 ms of start-up in a bare interpreter
if TYPE_CHECKING:  # pragma: no cover
    import os
    from typing import Any, Callable, Mapping, Sequence, Union

    from .diagnose.render import DiagnoseReport
    from .ir import Connection
    from .profile import Profile
    from .validate.report import Report

    #: what parse() and load() read: a path (str or os.PathLike), or the text/bytes of an input
    Source = Union[str, "os.PathLike[str]", bytes]

__all__ = ["__version__", "parse", "load", "compile", "compile_files", "validate", "diagnose", "list_backends",
           "Profile", "profile_from_dict", "load_profile"]


def parse(source: "Source", *, connection: str | None = None, path: str | None = None) -> "Connection":
    """Read one AWS VPN connection.

    Args:
        source: a file path (str or ``os.PathLike``), or the input's text or bytes. Any AWS form: the
            generic text, the XML, ``describe-vpn-connections`` JSON, Terraform JSON, vpncc IR JSON; a
            directory reads every file in it.
        connection: the VPN connection id to pick when the input holds several (an API JSON, a
            Terraform state, a directory).
        path: the name to use in messages when ``source`` is text.

    Returns:
        the checked :class:`vpncc.ir.Connection` (frozen dataclasses; ``vpncc.ir.to_dict`` for JSON).

    Raises:
        InputError: the input cannot be read, holds no connection, holds several and ``connection`` is
            not given, or has no connection ``connection``.
    """
    from .readers import load_one

    return load_one(source, path=path, connection=connection)


def load(source: "Source", *, path: str | None = None) -> "list[Connection]":
    """Read every connection of an input (an API JSON or a Terraform state may hold many; a directory holds
    files), in document order.

    Raises:
        InputError: as :func:`parse`.
    """
    from .readers import load_all

    return load_all(source, path=path)


def profile_from_dict(data: "Mapping[str, Any]", *, file: str | None = None) -> "Profile":
    """A site profile from a mapping with the keys ``vpncc profile --example`` documents (strings are
    converted: ``"10.10.0.0/16"`` becomes an ``IPv4Network``, ``"true"`` a bool; ``-`` in keys may be ``_``).

    Raises:
        ProfileError: an unknown key, or a value of the wrong type or out of range (the message names
            the key and, with ``file``, the file).
    """
    from .profile import from_mapping

    return from_mapping(data, file=file)


def load_profile(path: "str | os.PathLike[str]") -> "Profile":
    """A site profile from a YAML file.

    Raises:
        ProfileError: the file is missing or not YAML, or a key/value is bad (with its line number).
    """
    from .profile import load as _load

    return _load(path)


def compile_files(conn: "Connection", vendor: str, profile: "Profile | None" = None, *,
                  format: str | None = None, psks: "Mapping[int, str] | None" = None,
                  extra: "Mapping[str, Any] | None" = None, running: "str | None" = None,
                  warn: "Callable[[str, str], None] | None" = None) -> "dict[str, str]":
    """Every file of a device config: {file name: text}, the main config first.

    Args:
        conn: a connection from :func:`parse`.
        vendor: a backend name or alias (:func:`list_backends`).
        profile: a :class:`Profile` (:func:`profile_from_dict`, :func:`load_profile`); ``None``: the
            backend's defaults.
        format: the backend's output format (``vpncc vendors`` lists them); ``None``: its first.
        psks: pre-shared keys by tunnel number (1, 2) for a redacted input.
        extra: backend-specific options (``{"fortios_version": "7.2"}``, ``{"routing": "bird"}``).
        running: the device's current configuration text: numbers and names are allocated around it.
        warn: called as ``warn(code, message)`` for each warning of the crypto choice.

    Raises:
        UsageError: unknown vendor, format or release. UnsupportedFeature: the backend cannot express
        the connection (every reason listed). MissingValue: a redacted key or address not supplied.
    """
    from .compiler import compile_files as _compile_files

    return _compile_files(conn, vendor, profile, format=format, psks=psks, extra=extra,
                          running=running, warn=warn)


def compile(conn: "Connection", vendor: str, profile: "Profile | None" = None, *,
            format: str | None = None, psks: "Mapping[int, str] | None" = None,
            extra: "Mapping[str, Any] | None" = None, running: "str | None" = None,
            warn: "Callable[[str, str], None] | None" = None) -> str:
    """The main device config for ``vendor`` (arguments and errors as :func:`compile_files`)."""
    from .compiler import compile_files as _compile_files

    files = _compile_files(conn, vendor, profile, format=format, psks=psks, extra=extra,
                           running=running, warn=warn, main_only=True)
    return next(iter(files.values()))


def validate(conn: "Connection", vendor: str, config_text: str, *,
             profile: "Profile | None" = None, path: str | None = None) -> "Report":
    """Validate a device config against a connection.

    Args:
        conn: a connection from :func:`parse`.
        vendor: the device's backend name or alias.
        config_text: the device's configuration (its text, as ``show running-config`` prints it).
        profile: the site profile the device was built with (interfaces, local networks), if any.
        path: the config's file name for findings.

    Returns:
        a :class:`vpncc.validate.report.Report`: ``.findings`` (each with ``rule``, ``name``,
        ``severity``, ``tunnel``, ``path``, ``expected``, ``actual``, ``line``, ``message``),
        ``.compliant()``, ``.exit_code()``, ``.to_dict()`` (the JSON of ``--format json``).

    Raises:
        UsageError: unknown vendor. InputError: the text is empty or another vendor's config.
    """
    from .validate.compare import validate as _validate

    return _validate(conn, vendor, config_text, profile=profile, path=path)


def diagnose(aws_input: "str | os.PathLike[str]", *, connection: str | None = None, vendor: str | None = None,
             config: "str | os.PathLike[str] | None" = None, shows: "Sequence[str | os.PathLike[str]]" = (),
             profile: "Profile | None" = None) -> "DiagnoseReport":
    """Why a tunnel is down: join AWS's telemetry, the device's show output and its config findings.

    Args:
        aws_input: path of the AWS input; describe-vpn-connections JSON carries the telemetry
            (VgwTelemetry), any other AWS input gives a diagnosis without it (said in its notes).
        connection: the VpnConnectionId to diagnose when the JSON holds several.
        vendor: the device's platform (``list_backends()``): picks its show parsers and config reader.
        config: path of the device config; adds ``vpncc validate``'s findings (needs ``vendor``).
        shows: paths of captured show output (IKE/IPsec SAs, BGP summary, tunnel interfaces).
        profile: site profile for the config comparison (e.g. remote_networks of a static connection).

    Returns:
        a ``vpncc.diagnose.render.DiagnoseReport``: ``.diagnoses`` (one per connection, each with
        per-tunnel verdicts and ranked causes), ``.text()``, ``.json()``, ``.to_dict()``, ``.exit_code``
        (0 healthy, 1 problems found).

    Raises:
        InputError: an unreadable AWS input, config or show file.
        UsageError: an unknown vendor or connection, ``config`` without ``vendor``, or show output /
            config given for an input with several connections and no ``connection``.
    """
    # importing vpncc/diagnose/ rebinds vpncc.diagnose to that package; the package is callable with
    # this same signature (see its __init__), so vpncc.diagnose(...) works either way
    from .diagnose import diagnose as _diagnose

    return _diagnose(aws_input, connection=connection, vendor=vendor, config=config, shows=shows, profile=profile)


def list_backends() -> list[str]:
    """Names of every backend, built-in and installed plugins (aliases resolve too)."""
    from .backends.base import names

    return names()


def __getattr__(name: str) -> Any:
    # vpncc.Profile without importing the profile module (and its dependencies) at start-up
    if name == "Profile":
        from .profile import Profile as _Profile

        return _Profile
    raise AttributeError(f"module 'vpncc' has no attribute {name!r}")
