"""Pre-shared keys: where they come from (``--psk-file``, the environment) and how they are kept out of
reports, findings and remediation. Keys never appear in messages.

Sources. The input (AWS file, API JSON, IR) may carry keys; ``--psk-file`` and ``VPNCC_PSK_N`` /
``VPNCC_PSK`` supply them. Supplied keys fill only what the input lacks: two sources that give different
keys for one tunnel are an error naming both, unless ``--psk-override`` (then --psk-file beats
VPNCC_PSK_N beats VPNCC_PSK beats the input). The library never reads the environment: the CLI reads it
(``env_psks``) and passes the keys as arguments.

Scrubbing. ``Scrubber`` replaces every key of a connection (and the keys read from the device) in any
text with a placeholder that says where to get the key, in each form a backend writes a key: verbatim,
backslash-quoted (Junos, FortiOS, strongSwan), PHP single-quoted (pfSense), XML/JSON-escaped, and
strongSwan's ``0x`` hex and ``0s`` base64 encodings.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import InputError, UsageError


def _xml_escape(text: str, entities: Mapping[str, str]) -> str:
    """xml.sax.saxutils.escape without importing it (it pulls in urllib, http and email: ~20 ms of start-up)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for k, v in entities.items():
        text = text.replace(k, v)
    return text

_LINE = re.compile(r"^\s*(?:tunnel\s*)?([12])\s*[:=]\s*(\S.*?)\s*$", re.I)
#: AWS's own keys are 8 to 64 characters (CreateVpnConnection, VpnTunnelOptionsSpecification.PreSharedKey);
#: shorter device keys are replaced only where they stand as a whole word, not inside other words
MIN_BLIND = 8
_WORD = "A-Za-z0-9._-"
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def read_psk_file(path: str) -> dict[int, str]:
    """``TUNNEL: KEY`` per line (``1: abc...``), or two bare lines (tunnel 1, tunnel 2).
    Comments start with ``#``."""
    from .readers import read_text

    text = read_text(path, what="PSK")
    keys: dict[int, str] = {}
    bare: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            if int(m.group(1)) in keys:
                raise InputError(f"tunnel {m.group(1)} is given twice", path, n)
            keys[int(m.group(1))] = m.group(2)
        elif " " not in line and ":" not in line:
            bare.append(line)
        else:
            raise InputError("expected 'TUNNEL: KEY' (tunnel 1 or 2)", path, n)
    if bare and keys:
        raise InputError("mix of 'TUNNEL: KEY' lines and bare keys", path)
    if bare:
        if len(bare) > 2:
            raise InputError(f"{len(bare)} bare keys; give at most two (tunnel 1, tunnel 2)", path)
        keys = {i + 1: k for i, k in enumerate(bare)}
    for t, k in keys.items():
        if any(c in k for c in "\r\n\x00"):
            raise InputError(f"the key for tunnel {t} contains a control character", path)
    return keys


# -- sources --------------------------------------------------------------------------------

def env_psks(tunnels: Iterable[int], environ: Mapping[str, str]) -> dict[int, tuple[str, str]]:
    """Keys from ``VPNCC_PSK_N`` (tunnel N) or ``VPNCC_PSK`` (every tunnel): {tunnel: (key, variable)}.
    ``environ`` is passed in: the library does not read ``os.environ``."""
    out = {}
    for n in tunnels:
        for var in (f"VPNCC_PSK_{n}", "VPNCC_PSK"):
            if environ.get(var):
                out[n] = (environ[var], var)
                break
    return out


def psks_from_env(conn: Any, environ: Mapping[str, str]) -> dict[int, str]:
    """{tunnel: key} of the environment for the tunnels of ``conn`` (no precedence rules applied)."""
    return {n: k for n, (k, _) in env_psks([t.number for t in conn.tunnels], environ).items()}


def resolve_psks(conn: Any, *, file_psks: Mapping[int, str] | None = None, file_name: str | None = None,
                 environ: Mapping[str, str] | None = None, override: bool = False) -> dict[int, str]:
    """The keys to give ``compile_files``/``fill_missing`` for ``conn``: supplied keys for the tunnels whose
    input has none, and (only with ``override``) for the ones whose input has another. Raises UsageError
    when two sources give different keys for one tunnel and ``override`` is not set; the message names
    the sources, never the keys. A supplied key equal to the input's is no conflict."""
    where = conn.source.path if getattr(conn, "source", None) is not None and conn.source.path else "the input"
    label = f" of {conn.vpn_connection_id}" if getattr(conn, "vpn_connection_id", None) else ""
    env = env_psks([t.number for t in conn.tunnels], environ or {})
    out: dict[int, str] = {}
    problems = []
    for t in conn.tunnels:
        if getattr(t.ike, "auth", "psk") == "certificate":
            continue
        cands = []  # (source name, key), strongest first
        if file_psks and t.number in file_psks:
            cands.append((f"--psk-file {file_name}" if file_name else "--psk-file", file_psks[t.number]))
        if t.number in env:
            cands.append((env[t.number][1], env[t.number][0]))
        if t.ike.psk is not None:
            cands.append((f"the input ({where})", t.ike.psk))
        if not cands or (len(cands) == 1 and t.ike.psk is not None):
            continue
        if len({k for _, k in cands}) > 1 and not override:
            problems.append(f"tunnel {t.number}{label}: {' and '.join(s for s, _ in cands)} give different "
                            "pre-shared keys")
            continue
        out[t.number] = cands[0][1]
    if problems:
        raise UsageError("; ".join(problems) + ". Keep one source, or give --psk-override to use the first "
                         "named (--psk-file, then VPNCC_PSK_N, then VPNCC_PSK) instead of the input's key")
    return out


# -- scrubbing ------------------------------------------------------------------------------

def _ident(s: str) -> str:
    return s


def _backslash(q: str) -> Callable[[str], str]:
    return lambda s: s.replace("\\", "\\\\").replace(q, "\\" + q)


def _forms(key: str) -> list[tuple[str, Callable[[str], str]]]:
    """(the key as a backend may write it, how to write the placeholder in that place). Verbatim first."""
    xml = lambda s: _xml_escape(s, {'"': "&quot;", "'": "&apos;"})  # noqa: E731
    xml_num = lambda s: _xml_escape(s, {'"': "&#34;", "'": "&#39;"})  # noqa: E731
    quoted = lambda s: f'"{s}"'  # noqa: E731 strongSwan: an encoded key becomes a quoted placeholder
    raw = key.encode("utf-8")
    forms: list[tuple[str, Callable[[str], str]]] = [
        (key, _ident), (_backslash('"')(key), _backslash('"')), (_backslash("'")(key), _backslash("'")),
        (xml(key), xml), (xml_num(key), xml_num), (json.dumps(key)[1:-1], lambda s: json.dumps(s)[1:-1]),
        *((p + h, quoted) for p in ("0x", "0X") for h in (raw.hex(), raw.hex().upper())),
        ("0s" + base64.b64encode(raw).decode("ascii"), quoted),
    ]
    seen, out = set(), []
    for f, enc in forms:
        if f and f not in seen:
            seen.add(f)
            out.append((f, enc))
    # the longest form first: a quoted form holds the verbatim one when the key has a quote
    return sorted(out, key=lambda fe: -len(fe[0]))


def _safe_id(value: str | None) -> str | None:
    return value if value and _SAFE_ID.match(value) else None


def placeholder(tunnel: int | None, connection: str | None = None, psk_out: str | None = None) -> str:
    """What stands in a remediation where a key would be. No quote or backslash: it reads the same in
    every device syntax. Unquoted (IOS, ASA) it is several words, so a paste without the key fails."""
    conn = _safe_id(connection)
    who = f"tunnel {tunnel}" + (f" of {conn}" if conn else "") if tunnel else "the key now on the device"
    if psk_out:
        return f"<PSK {who}: see {re.sub(r'[^A-Za-z0-9._/-]', '_', psk_out)}>"
    if tunnel is None:
        return "<PSK: the key now on the device>"
    return (f"<PSK {who}: Pre-Shared Key of tunnel {tunnel} in the AWS configuration file, or PreSharedKey "
            "in aws ec2 describe-vpn-connections>")


class Scrubber:
    """Replaces keys with placeholders in text and in finding values."""

    def __init__(self, keys: Sequence[tuple[str, str]]):
        """``keys``: (key, placeholder) pairs; longer keys are replaced first."""
        self.pairs = sorted({k: p for k, p in keys if k}.items(), key=lambda kp: -len(kp[0]))
        self._forms = [(key, ph, _forms(key)) for key, ph in self.pairs]

    def __bool__(self) -> bool:
        return bool(self.pairs)

    @classmethod
    def for_connection(cls, conn: Any, device: Any = None, psk_out: str | None = None) -> "Scrubber":
        pairs = []
        for t in conn.tunnels:
            if t.ike.psk:
                pairs.append((t.ike.psk, placeholder(t.number, conn.vpn_connection_id, psk_out)))
        known = {k for k, _ in pairs}
        for k in device_keys(device):
            if k not in known:
                pairs.append((k, placeholder(None)))
        return cls(pairs)

    def text(self, text: str) -> str:
        for key, ph, forms in self._forms:
            for form, enc in forms:
                if form not in text:
                    continue
                if len(key) >= MIN_BLIND:
                    text = text.replace(form, enc(ph))
                else:  # a short key: only as a word of its own, not inside a keyword or a name
                    text = re.sub(f"(?<![{_WORD}]){re.escape(form)}(?![{_WORD}])", _Const(enc(ph)), text)
        return text

    def holds(self, text: str) -> bool:
        """Whether ``text`` holds a key in any form the scrubber knows."""
        return any(form in text for _, _, forms in self._forms for form, _ in forms)

    def value(self, value: Any) -> Any:
        """A finding's expected/actual: unchanged when it holds no key, else its text scrubbed."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        from .validate.findings import jsonable

        shown = json.dumps(jsonable(value), sort_keys=True) if not isinstance(value, str) else value
        if not self.holds(shown):
            return value
        return self.text(value if isinstance(value, str) else shown)


class _Const:
    """A re.sub replacement that is taken literally (no backslash or group processing)."""

    def __init__(self, text: str):
        self.value = text

    def __call__(self, _m: "re.Match[str]") -> str:
        return self.value


def device_keys(device: Any) -> list[str]:
    """The keys a reader saw on the device (clear, encrypted or masked: all kept out of outputs)."""
    out = []
    for d in getattr(device, "tunnels", None) or ():
        o = d.get("ike.psk") if hasattr(d, "get") else None
        v = getattr(o, "value", None)
        if isinstance(v, str) and v.strip() and v not in out:
            out.append(v)
    return out


def psk_file_text(conns: Sequence[Any]) -> str:
    """The ``--psk-out`` file: ``TUNNEL: KEY`` lines (readable by --psk-file for one connection), under a
    comment naming each connection."""
    lines = ["# pre-shared keys referenced by vpncc's remediation; keep this file private (mode 0600)"]
    for c in conns:
        keyed = [t for t in c.tunnels if t.ike.psk]
        if not keyed:
            continue
        lines.append(f"# {_safe_id(c.vpn_connection_id) or 'connection'}")
        lines.extend(f"{t.number}: {t.ike.psk}" for t in keyed)
    return "\n".join(lines) + "\n"
