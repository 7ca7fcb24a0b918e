"""Fuzzing every reader: random bytes and structured mutations of real files.

Only vpncc's own error types may escape, and every case finishes within a bound (hypothesis
deadline). ``--fuzz-long`` runs many more examples. Crashers found are kept in tests/hardening/crashers/
and replayed by test_crashers_stay_fixed.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from vpncc.errors import VpnccError

CRASHERS = Path(__file__).with_name("crashers")


def _long(request) -> bool:
    return bool(request.config.getoption("--fuzz-long"))


# -- readers --------------------------------------------------------------------------------

def _read_any(data: bytes) -> None:
    from vpncc.readers import decode, load_all

    load_all(decode(data, "fuzz"), path="fuzz")


def _read_profile(data: bytes, tmp=Path("/tmp")) -> None:
    import tempfile

    from vpncc.profile import load

    with tempfile.NamedTemporaryFile("wb", suffix=".yaml", delete=False) as fh:
        fh.write(data)
    try:
        load(fh.name)
    finally:
        Path(fh.name).unlink()


def _device_reader(vendor: str) -> Callable[[bytes], None]:
    def read(data: bytes) -> None:
        from tests.strategies import sample_connection
        from vpncc.readers import decode
        from vpncc.validate.compare import validate_one

        validate_one(sample_connection(), vendor, decode(data, "fuzz.cfg"), path="fuzz.cfg")
    return read


def _seed_texts(kind: str) -> list[bytes]:
    """Seeds: the project's own samples, and the public corpus's files too when VPNCC_CORPUS names it."""
    from tests.conftest import corpus_dir

    corpus = corpus_dir()
    extra = (lambda sub, pat: sorted((corpus / sub).glob(pat))) if corpus else (lambda sub, pat: [])
    own = ROOT / "samples"
    if kind == "generic":
        files = extra("generic", "*.txt") + sorted(own.glob("*.txt"))
    elif kind == "xml":
        files = extra("xml", "*.xml") + sorted(own.glob("**/*.xml")) + sorted((ROOT / "tests").glob("readers/data/*.xml"))
    elif kind == "json":
        files = extra("xml", "*.json") + sorted(own.glob("*.json"))
    elif kind == "profile":
        return [b"outside_interface: Gi1\nlocal_networks: [10.0.0.0/16]\ntunnel_start: 5\ncrypto: recommended\nrelease: 17.11+\n"]
    else:
        return _compiled(kind)
    return [f.read_bytes() for f in files]


def _compiled(vendor: str) -> list[bytes]:
    import vpncc
    from tests.strategies import sample_connection
    from vpncc.ir import Routing
    from vpncc.profile import Profile

    prof = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                   remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])
    return [vpncc.compile(sample_connection(routing=r), vendor, prof).encode() for r in Routing]


READERS: dict[str, Callable[[bytes], None]] = {
    "generic": _read_any, "xml": _read_any, "json": _read_any, "profile": _read_profile,
    **{v: _device_reader(v) for v in ("cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan")},
}


def _mutate(draw, data: bytes) -> bytes:
    lines = data.split(b"\n")
    op = draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "flip", "crlf", "latin1", "utf16",
                               "huge", "insert", "nul"]))
    i = draw(st.integers(0, max(0, len(lines) - 1)))
    j = draw(st.integers(0, max(0, len(lines) - 1)))
    if op == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "flip" and data:
        k = draw(st.integers(0, len(data) - 1))
        b = bytearray(data)
        b[k] = draw(st.integers(0, 255))
        return bytes(b)
    elif op == "crlf":
        return b"\n".join(l + (b"\r" if draw(st.booleans()) else b"") for l in lines)
    elif op == "latin1":
        return data.decode("utf-8", "replace").replace("a", "\u00e9", 3).encode("latin-1", "replace")
    elif op == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    elif op == "huge":
        lines[i] = lines[i] + b" " + b"9" * draw(st.sampled_from([400, 5000, 100_000]))
    elif op == "insert":
        lines.insert(i, draw(st.binary(max_size=80)).replace(b"\n", b" "))
    elif op == "nul":
        lines[i] = lines[i] + b"\x00"
    return b"\n".join(lines)


def _check(reader: Callable[[bytes], None], data: bytes, kind: str | None = None) -> None:
    try:
        reader(data)
    except VpnccError:
        pass  # the only errors allowed out of the library
    except Exception:
        if kind is not None:  # keep the crasher so it is replayed forever (review and commit it)
            import hashlib

            CRASHERS.mkdir(exist_ok=True)
            (CRASHERS / f"{kind}--{hashlib.sha256(data).hexdigest()[:16]}").write_bytes(data)
        raise


@pytest.mark.parametrize("kind", sorted(READERS))
def test_structured_mutations(kind: str, request) -> None:
    seeds = _seed_texts(kind)
    assert seeds, f"no seed files for {kind}"
    n = 400 if _long(request) else 25

    @settings(max_examples=n, deadline=5000, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        seed = data.draw(st.sampled_from(seeds))
        mutated = seed
        for _ in range(data.draw(st.integers(1, 3))):
            mutated = _mutate(data.draw, mutated)
        _check(READERS[kind], mutated, kind)

    run()


@pytest.mark.parametrize("kind", sorted(READERS))
def test_random_bytes(kind: str, request) -> None:
    n = 300 if _long(request) else 20

    @settings(max_examples=n, deadline=5000, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=4096) | st.text(max_size=2048).map(str.encode))
    def run(blob):
        _check(READERS[kind], blob, kind)

    run()


def test_crashers_stay_fixed() -> None:
    files = sorted(CRASHERS.glob("*"))
    assert files, "the crasher corpus is empty"
    for f in files:
        kind = f.name.split("--", 1)[0]
        _check(READERS[kind], f.read_bytes())
