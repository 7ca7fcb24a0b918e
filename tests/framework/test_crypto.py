"""--crypto: which suite compile emits. Expected lists written by hand from the rules in vpncc/crypto.py's
docstring (strongest first: AES-GCM (IKE: IKEv2 only), AES-CBC; SHA2-384, SHA2-256; DH 20, 19, 14) and
AWS's accepted sets (VPNTunnels page: a default-options tunnel accepts both IKE versions, every listed
algorithm and DH groups 2, 14-24 in phase 1)."""

from __future__ import annotations

import difflib
import ipaddress
from dataclasses import replace

import pytest

import vpncc
from tests.conftest import GOLDEN, sample_paths
from tests.strategies import sample_connection
from vpncc import crypto
from vpncc.backends import base
from vpncc.backends.base import Capabilities
from vpncc.compiler import compile_files
from vpncc.errors import UsageError
from vpncc.ir import DH_GROUPS, Accepted, AcceptedSource, Encryption, IkeVersion, Integrity
from vpncc.profile import Profile

E, I = Encryption, Integrity
V1, V2 = IkeVersion.IKEV1, IkeVersion.IKEV2
ALL_ENC = (E.AES128, E.AES256, E.AES128_GCM_16, E.AES256_GCM_16)
ALL_INT = (I.SHA1, I.SHA2_256, I.SHA2_384, I.SHA2_512)
#: the sets of a default-options tunnel, written out from the VPNTunnels page (not from aws_defaults.py)
DEFAULTS = Accepted(source=AcceptedSource.AWS_DEFAULTS, ike_versions=(V1, V2), ike_encryption=ALL_ENC,
                    ike_integrity=ALL_INT, ike_dh_groups=(2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
                    esp_encryption=ALL_ENC, esp_integrity=ALL_INT,
                    pfs_groups=(2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
                    ike_lifetime_s=28800, esp_lifetime_s=3600)
CAPS = Capabilities()
STRONG_ENC = (E.AES256_GCM_16, E.AES128_GCM_16, E.AES256, E.AES128)
STRONG_INT = (I.SHA2_384, I.SHA2_256)
PROFILE = Profile(local_networks=[ipaddress.IPv4Network("10.10.0.0/16")],
                  remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])


def conn_with(accepted: Accepted, **kw):
    """The classic generic-file connection (IKEv1, AES128 / SHA1 / DH 2) with ``accepted`` on both tunnels."""
    return sample_connection(accepted=accepted, **kw)


def suite(t):
    return (t.ike.version, t.ike.encryption, t.ike.integrity, t.ike.dh_groups,
            t.ipsec.encryption, t.ipsec.integrity, t.ipsec.pfs_groups)


# -- choose() per mode ---------------------------------------------------------------------------

def test_recommended_on_a_default_options_tunnel():
    out = crypto.choose(conn_with(DEFAULTS), "recommended", CAPS)
    for t in out.tunnels:
        assert suite(t) == (V2, STRONG_ENC, STRONG_INT, (20, 19, 14), STRONG_ENC, STRONG_INT, (20, 19, 14))
        assert (t.ike.lifetime_s, t.ipsec.lifetime_s) == (28800, 3600)  # the file's lifetimes stay


def test_compatible_appends_the_file_suite_last():
    out = crypto.choose(conn_with(DEFAULTS), "compatible", CAPS)
    for t in out.tunnels:
        assert suite(t) == (V2, STRONG_ENC, STRONG_INT + (I.SHA1,), (20, 19, 14, 2),
                            STRONG_ENC, STRONG_INT + (I.SHA1,), (20, 19, 14, 2))


def test_file_is_exactly_the_input():
    conn = conn_with(DEFAULTS)
    assert crypto.choose(conn, "file", CAPS) == conn
    t = crypto.choose(conn, "file", CAPS).tunnels[0]
    assert suite(t) == (V1, (E.AES128,), (I.SHA1,), (2,), (E.AES128,), (I.SHA1,), (2,))


def test_restricted_tunnel_options_are_respected():
    # modify-vpn-tunnel-options: IKEv2 only, AES128 / SHA2-256 / DH 14 in phase 1, AES128-GCM-16 with PFS
    # 14 or 19 in phase 2 (the API IR shows the same lists)
    acc = replace(DEFAULTS, source=AcceptedSource.TUNNEL_OPTIONS, ike_versions=(V2,), ike_encryption=(E.AES128,),
                  ike_integrity=(I.SHA2_256,), ike_dh_groups=(14,), esp_encryption=(E.AES128_GCM_16,),
                  esp_integrity=(I.SHA2_256,), pfs_groups=(14, 19))
    conn = conn_with(acc, ike_version=V2, encryption=(E.AES128,), integrity=(I.SHA2_256,), dh_groups=(14,),
                     esp_encryption=(E.AES128_GCM_16,), esp_integrity=(I.SHA2_256,), pfs_groups=(14, 19))
    t = crypto.choose(conn, "recommended", CAPS).tunnels[0]
    # GCM-only ESP carries no integrity; the PFS groups strongest first
    assert suite(t) == (V2, (E.AES128,), (I.SHA2_256,), (14,), (E.AES128_GCM_16,), (), (19, 14))
    choice = crypto.plan(conn, "recommended", CAPS)
    assert crypto.CONFIRM not in choice.header and not choice.warnings


def test_ikev1_only_tunnel_gets_cbc_in_phase1():
    acc = replace(DEFAULTS, source=AcceptedSource.TUNNEL_OPTIONS, ike_versions=(V1,))
    t = crypto.choose(conn_with(acc), "recommended", CAPS).tunnels[0]
    assert t.ike.version is V1 and t.ike.encryption == (E.AES256, E.AES128)
    assert t.ipsec.encryption == STRONG_ENC  # ESP GCM is fine with IKEv1
    # a platform that offers GCM for the IKEv1 SA may use it
    t = crypto.choose(conn_with(acc), "recommended", replace(CAPS, ikev1_gcm=True)).tunnels[0]
    assert t.ike.encryption == STRONG_ENC


def test_platform_without_gcm_or_dh20_or_ikev2():
    no_gcm = replace(CAPS, ike_encryption=frozenset({E.AES128, E.AES256}),
                     esp_encryption=frozenset({E.AES128, E.AES256}))
    t = crypto.choose(conn_with(DEFAULTS), "recommended", no_gcm).tunnels[0]
    assert suite(t) == (V2, (E.AES256, E.AES128), STRONG_INT, (20, 19, 14), (E.AES256, E.AES128), STRONG_INT,
                        (20, 19, 14))
    no20 = replace(CAPS, ike_dh_groups=frozenset(DH_GROUPS) - {20}, pfs_groups=frozenset(DH_GROUPS) - {20})
    t = crypto.choose(conn_with(DEFAULTS), "recommended", no20).tunnels[0]
    assert t.ike.dh_groups == (19, 14) and t.ipsec.pfs_groups == (19, 14)
    v1_only = replace(CAPS, ike_versions=frozenset({V1}))
    t = crypto.choose(conn_with(DEFAULTS), "recommended", v1_only).tunnels[0]
    assert t.ike.version is V1 and t.ike.encryption == (E.AES256, E.AES128)


def test_compatible_leaves_out_file_values_the_platform_lacks():
    no_dh2 = replace(CAPS, ike_dh_groups=frozenset(DH_GROUPS) - {2}, pfs_groups=frozenset(DH_GROUPS) - {2})
    t = crypto.choose(conn_with(DEFAULTS), "compatible", no_dh2).tunnels[0]
    assert t.ike.dh_groups == (20, 19, 14) and t.ipsec.pfs_groups == (20, 19, 14)
    assert t.ike.integrity == STRONG_INT + (I.SHA1,)


def test_other_strong_values_when_the_tunnel_allows_only_those():
    # a tunnel restricted to SHA2-512 and DH 15/16/21: strong, just not on the first lists
    acc = replace(DEFAULTS, source=AcceptedSource.TUNNEL_OPTIONS, ike_integrity=(I.SHA2_512,), ike_dh_groups=(15, 21),
                  esp_integrity=(I.SHA2_512,), pfs_groups=(16, 15))
    choice = crypto.plan(conn_with(acc), "recommended", CAPS)
    t = choice.conn.tunnels[0]
    assert (t.ike.integrity, t.ike.dh_groups) == ((I.SHA2_512,), (21, 15))
    assert (t.ipsec.integrity, t.ipsec.pfs_groups) == ((I.SHA2_512,), (16, 15))
    assert choice.warnings == ()


def test_nothing_recommended_fits_falls_back_to_the_file_with_a_warning():
    # a tunnel restricted to DH 2 in phase 1 and SHA1-only CBC in phase 2
    acc = replace(DEFAULTS, source=AcceptedSource.TUNNEL_OPTIONS, ike_dh_groups=(2,), esp_encryption=(E.AES128,),
                  esp_integrity=(I.SHA1,))
    choice = crypto.plan(conn_with(acc), "recommended", CAPS)
    t = choice.conn.tunnels[0]
    assert suite(t) == (V1, (E.AES128,), (I.SHA1,), (2,), (E.AES128,), (I.SHA1,), (2,))
    codes = [w.code for w in choice.warnings]
    assert codes.count("crypto-fallback") == 4  # two phases, two tunnels
    assert "crypto-weak" in codes  # the fallback is weak and says so


def test_weak_warnings_only_for_weak_suites():
    choice = crypto.plan(conn_with(DEFAULTS), "recommended", CAPS)
    assert choice.warnings == ()
    assert choice.header[0] == "crypto: recommended"
    assert crypto.CONFIRM in choice.header  # aws-defaults: the header says how to confirm
    comp = crypto.plan(conn_with(DEFAULTS), "compatible", CAPS)
    assert [w.code for w in comp.warnings] == ["crypto-weak", "crypto-weak"]
    msg = comp.warnings[0].message
    assert "SHA1" in msg and "2" in msg and "lowest value" in msg and "modify-vpn-tunnel-options" in msg
    assert any(l.startswith("WARNING: tunnel 1") for l in comp.header)
    f = crypto.plan(conn_with(DEFAULTS), "file", CAPS)
    assert [w.code for w in f.warnings] == ["crypto-weak", "crypto-weak"] and "--crypto file" in f.warnings[0].message
    strong_file = sample_connection(ike_version=V2, encryption=(E.AES256,), integrity=(I.SHA2_256,), dh_groups=(14,))
    assert crypto.plan(strong_file, "file", CAPS).warnings == ()


def test_unknown_mode_is_a_usage_error():
    with pytest.raises(UsageError):
        crypto.choose(conn_with(DEFAULTS), "strongest", CAPS)


def test_default_mode_is_the_module_constant():
    assert crypto.resolve_mode(None) == crypto.DEFAULT_CRYPTO


# -- compile: header, release check ---------------------------------------------------------------

def test_compile_header_and_warning_callback():
    seen = []
    text = vpncc.compile(sample_connection(), "strongswan", replace(PROFILE, crypto="compatible"),
                         warn=lambda code, msg: seen.append(code))
    head = text.split("\nconnections", 1)[0]
    assert "# crypto: compatible" in head and "# WARNING: tunnel 1:" in head
    assert seen == ["crypto-weak", "crypto-weak"]
    rec = vpncc.compile(sample_connection(), "strongswan", replace(PROFILE, crypto="recommended"))
    assert "# tunnel 1: ikev2 AES256-GCM-16,AES128-GCM-16,AES256,AES128 / SHA2-384,SHA2-256 / DH20,DH19,DH14" in rec
    assert "# " + crypto.CONFIRM in rec


def test_release_is_checked_against_the_backend():
    b = base.get("strongswan")
    with pytest.raises(UsageError) as e:
        vpncc.compile(sample_connection(), "strongswan", replace(PROFILE, release="0.0-none"))
    if b.releases:
        assert all(r in str(e.value) for r in b.releases)
    else:
        assert "no platform releases" in str(e.value)


def test_check_release_lists_the_valid_ones():
    class Fake(base.Backend):
        name = "fake"
        releases = ("1.0", "2.0")

        def render(self, conn, profile, options):  # pragma: no cover
            return {}

        def read(self, text, path=None):  # pragma: no cover
            raise NotImplementedError

    base.check_release(Fake(), None)
    base.check_release(Fake(), "2.0")
    with pytest.raises(UsageError) as e:
        base.check_release(Fake(), "3.0")
    assert "'3.0'" in str(e.value) and "1.0, 2.0" in str(e.value)


def test_crypto_capabilities_default_is_the_capabilities():
    b = base.get("strongswan")
    assert b.crypto_capabilities(Profile(), base.RenderOptions()) is not None


# -- every backend, every sample ------------------------------------------------------------------

SAMPLES = sample_paths()


def _golden_cases():
    """(sample, vendor, golden path, compile keywords) of the sample goldens the backend tests keep."""
    from vpncc.backends.fortinet import names as fortios

    cases = []
    for s in SAMPLES:
        stem = s.stem
        cases += [(s, "cisco-ios", f"cisco-ios/{stem}.ios.cfg", {}), (s, "cisco-asa", f"cisco-asa/{stem}.asa.cfg", {}),
                  (s, "pfsense", f"pfsense/{stem}.xml", {}), (s, "strongswan", f"strongswan/{stem}.swanctl.txt", {}),
                  (s, "juniper", f"juniper/{stem}.set", {"format": "set"}),
                  (s, "juniper", f"juniper/{stem}.conf", {"format": "curly"})]
        cases += [(s, "fortinet", f"fortinet/{v}/{stem}.conf", {"extra": {"fortios_version": v}})
                  for v in fortios.VERSIONS]
    return [pytest.param(*c, id=c[2]) for c in cases]


def _text(conn, vendor, profile, kw):
    files = compile_files(conn, vendor, profile, **kw)
    return "".join(files.values()) if vendor == "strongswan" else next(iter(files.values()))


@pytest.mark.parametrize("sample, vendor, golden_path, kw", _golden_cases())
def test_crypto_file_reproduces_the_goldens(sample, vendor, golden_path, kw):
    """--crypto file: the body is the golden's byte for byte; at most the header gains the crypto lines
    (goldens written before the crypto choice existed lack them)."""
    conn = vpncc.parse(sample)
    prof = replace(PROFILE, crypto="file")
    text = _text(conn, vendor, prof, kw)
    expected = (GOLDEN / golden_path).read_text(encoding="utf-8")
    choice = crypto.plan(conn, "file", base.get(vendor).crypto_capabilities(prof, base.RenderOptions()))
    wanted = {l.strip() for l in choice.header}
    got, exp = text.splitlines(True), expected.splitlines(True)
    inserted = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, exp, got, autojunk=False).get_opcodes():
        assert op in ("equal", "insert"), \
            f"{golden_path}: body differs:\n{''.join(exp[i1:i2])}->\n{''.join(got[j1:j2])}"
        if op == "insert":
            inserted += got[j1:j2]
    # goldens pinned with an explicit crypto="file" already hold the crypto lines (then nothing is inserted)
    assert "crypto: file (the AWS file's suite)" in text
    for line in inserted:  # each inserted line is a comment holding one crypto header line
        body = line.strip().lstrip("!#/").strip().replace("- -", "--")
        assert body in wanted, f"{golden_path}: unexpected line {line!r}"


def _values(dev_tunnel, phase):
    """Every encryption / integrity / DH value the device offers for one phase (proposals or flat keys)."""
    props = dev_tunnel.values.get(f"{phase}.proposals")
    enc, integ, dh = set(), set(), set()
    if props is not None:
        for p in props.value:
            enc |= set(p.encryption)
            integ |= set(p.integrity) | set(p.prf)
            dh |= set(p.dh_groups)
    else:
        groups = "dh_groups" if phase == "ike" else "pfs_groups"
        for key, acc in (("encryption", enc), ("integrity", integ), (groups, dh)):
            obs = dev_tunnel.values.get(f"{phase}.{key}")
            if obs is not None:
                acc |= set(obs.value)
    return enc, integ, dh


VENDORS = ("cisco-ios", "cisco-asa", "juniper", "fortinet", "pfsense", "strongswan")


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_recommended_emits_no_weak_values_and_ikev2(sample, vendor):
    """The output read back with the backend's own reader: no DH 1/2/5, no SHA1/MD5, no 3DES/DES, and
    IKEv2 on every tunnel whose accepted set has it (all samples: AWS defaults, both versions)."""
    conn = vpncc.parse(sample)
    text = _text(conn, vendor, replace(PROFILE, crypto="recommended"), {})
    dev = base.get(vendor).read(text, f"out.{vendor}")
    by_peer = {t.outside.aws: t for t in conn.tunnels}
    assert len(dev.tunnels) == len(conn.tunnels)
    for dt in dev.tunnels:
        peer = dt.values["outside.aws"].value
        assert V2 in by_peer[peer].accepted.ike_versions
        assert dt.values["ike.version"].value is V2, f"{vendor}: tunnel to {peer} is not IKEv2"
        for phase in ("ike", "ipsec"):
            enc, integ, dh = _values(dt, phase)
            assert enc, f"{vendor}: {phase}: no encryption read back"
            assert not enc & {E.TDES, E.DES}, f"{vendor}: {phase} encryption {enc}"
            assert not integ & {I.SHA1, I.MD5}, f"{vendor}: {phase} integrity {integ}"
            assert dh and not dh & {1, 2, 5}, f"{vendor}: {phase} DH/PFS groups {dh}"
