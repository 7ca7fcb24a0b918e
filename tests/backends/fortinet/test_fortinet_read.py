"""FortiOS reader: grammar features, defaults, wrong vendor, AWS's own example, speed."""

from __future__ import annotations

import ipaddress

import pytest

from vpncc.backends import base
from vpncc.backends.fortinet.fortios_config import build, parser, prefilter
from vpncc.errors import InputError
from vpncc.ir import (
    Bgp,
    Connection,
    Dpd,
    Encryption,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    Integrity,
    Ipsec,
    NegotiationMode,
    Outside,
    Routing,
    Tunnel,
)
from vpncc.validate.compare import validate

READ = base.get("fortinet").read
A = ipaddress.IPv4Address

BACKUP = """\
#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
#conf_file_ver=1234567890
#buildno=1517
#global_vdom=1
config system global
    set hostname "fw1"
    set post-login-banner "line one
end here \\" still inside
next end config"
end
config system interface
    edit "wan1"
        set ip 192.0.2.10 255.255.255.0
    next
    edit "t1"
        set vdom "root"
        set ip 169.254.44.42 255.255.255.255
        set type tunnel
        set remote-ip 169.254.44.41 255.255.255.252
        set tcp-mss 1379
        set mtu-override enable
        set mtu 1436
        set status down
        config ipv6
            set ip6-mode static
        end
        set interface "wan1"
    next
end
config vpn ipsec phase1-interface
    edit "t1"
        set interface "wan1"
        set peertype any
        set net-device disable
        set proposal aes128-sha1 aes256-sha256 des-md5
        set remote-gw 198.51.100.7
        set psksecret ENC Qk9HVVMgRU5DUllQVEVEIEtFWQ==+/abc=
    next
end
config vpn ipsec phase2-interface
    edit "t1-p2"
        set phase1name "t1"
        set proposal aes128gcm aes256-sha512
    next
end
config router bgp
    set as 1.10
    set holdtime-timer 90
    config neighbor
        edit "169.254.44.41"
            set remote-as 64512
            set shutdown enable
        next
    end
end
config router static
    edit 7
        set dst 10.0.0.0 255.255.0.0
        set gateway 169.254.44.41
    next
    edit 8
        set dst 10.9.0.0/16
        set device "t1"
        set status disable
    next
end
"""


def test_backup_with_defaults_enc_nested_multiline_and_asdot() -> None:
    dev = READ(BACKUP, "fw1.conf")
    (t,) = dev.tunnels
    v = {k: o.value for k, o in t.values.items()}
    assert t.name == "t1" and t.line == 31
    assert v["outside.aws"] == A("198.51.100.7") and "outside.customer" not in v
    assert v["ike.version"] is IkeVersion.IKEV1 and v["ike.mode"] is NegotiationMode.MAIN
    assert v["ike.encryption"] == (Encryption.AES128, Encryption.AES256)
    assert v["ike.integrity"] == (Integrity.SHA1, Integrity.SHA2_256)
    assert v["ike.dh_groups"] == (14, 5)                      # 7.2 default from the header
    assert v["ike.lifetime_s"] == 86400 and v["ipsec.lifetime_s"] == 43200
    assert v["dpd.interval_s"] == 20 and v["dpd.retries"] == 3
    assert t.values["ike.psk"].verifiable is False and v["ike.psk"] is None
    assert v["ipsec.encryption"] == (Encryption.AES128_GCM_16, Encryption.AES256)
    assert v["ipsec.integrity"] == (Integrity.SHA2_512,) and v["ipsec.pfs_groups"] == (14, 5)
    assert v["inside.customer"] == ipaddress.IPv4Interface("169.254.44.42/30")
    assert v["tcp_mss"] == 1379 and v["mtu"] == 1436 and v["enabled"] is False
    assert v["static_routes"] == (ipaddress.IPv4Network("10.0.0.0/16"),)
    (nb,) = dev.bgp_neighbors
    assert nb["customer_asn"].value == 65546 and nb["aws_asn"].value == 64512
    assert nb["hold_time_s"].value == 90 and nb["enabled"].value is False
    assert t.values["ike.encryption"].line == 35
    # one proposal per pair, with the (default) dhgrp list; des-md5 is a device-only pair AWS never picks
    p1 = v["ike.proposals"]
    assert [(p.encryption, p.integrity, p.dh_groups, p.line) for p in p1] == [
        ((Encryption.AES128,), (Integrity.SHA1,), (14, 5), 35),
        ((Encryption.AES256,), (Integrity.SHA2_256,), (14, 5), 35),
        ((Encryption.DES,), (Integrity.MD5,), (14, 5), 35)]
    p2 = v["ipsec.proposals"]
    assert [(p.encryption, p.integrity, p.dh_groups) for p in p2] == [
        ((Encryption.AES128_GCM_16,), (), (14, 5)), ((Encryption.AES256,), (Integrity.SHA2_512,), (14, 5))]
    assert v["nat_t"] is True and v["mtu_derived"] is False and v["local.address"] == A("192.0.2.10")
    # no local-gw and wan1 has a static address: IKE leaves from it
    assert dev.notes == []


@pytest.mark.parametrize("header,groups", [("FGT60F-6.4.12-FW-build2060-230202", (14, 5)),
                                            ("FGT60F-7.0.15-FW-build0632-240308", (14, 5)),
                                            ("FGVM64-7.6.1-FW-build3462-241127", (20,)),
                                            (None, (14, 5)),  # no header: the default family, 7.2
                                            ("FGT60F-7.4.3-FW-build2573-240201", None)])
def test_omitted_dhgrp_uses_the_family_default_from_the_header(header, groups) -> None:
    text = (f"#config-version={header}:opmode=0:vdom=0:user=admin\n" if header else "") + \
        "config vpn ipsec phase1-interface\n    edit t\n        set remote-gw 1.2.3.4\n    next\nend\n"
    dev = READ(text)
    obs = dev.tunnels[0].get("ike.dh_groups")
    assert (obs.value if obs else None) == groups
    # an unknown default is said once, as "unverified" (its findings are then suppressed)
    unverified = dev.tunnels[0].value("unverified") or {}
    assert ("default is not known" in unverified.get("ike.proposals", "")) == (groups is None)


def test_grammar_parses_escapes_and_multi_value() -> None:
    pre = prefilter('config vpn ipsec phase1-interface\n edit "a\\"b"\n  set proposal x y z\n'
                    '  set psksecret "q\\\\w\\"e"\n  unset dhgrp\n next\nend\n', ("vpn ipsec phase1-interface",))
    tables = build(parser().parser.parse(pre.text), pre.linemap)
    entry = tables["vpn ipsec phase1-interface"].edits['a"b']
    assert entry.get("proposal").values == ["x", "y", "z"]
    assert entry.get("psksecret").values == ['q\\w"e'] and entry.line == 2


def test_parser_is_cached() -> None:
    assert parser() is parser()


def test_empty_and_wrong_vendor() -> None:
    with pytest.raises(InputError, match="empty"):
        READ("  \n", "x")
    with pytest.raises(InputError, match="Cisco IOS"):
        READ("crypto isakmp policy 10\n encryption aes\ninterface Tunnel1\n", "r1.cfg")
    with pytest.raises(InputError, match="Juniper"):
        READ("set security ike proposal p1 dh-group group14\n", "srx.set")
    with pytest.raises(InputError, match="not a FortiGate"):
        READ("hello world\n", "x")


def test_unknown_lines_are_notes_not_crashes() -> None:
    dev = READ("show firewall policy\nconfig vpn ipsec phase1-interface\n edit t\n  set remote-gw 1.2.3.4\n"
               "  purge\n next\nend\nend\n", "x")
    assert [n.line for n in dev.notes] == [1, 5, 8]
    assert dev.tunnels[0].get("outside.aws").value == A("1.2.3.4")


def test_psk_in_clear_and_unverifiable_never_leaks_in_repr() -> None:
    dev = READ('config vpn ipsec phase1-interface\n edit t\n  set psksecret "Secret.Key.123"\n next\nend\n')
    obs = dev.tunnels[0].get("ike.psk")
    assert obs.value == "Secret.Key.123" and "Secret" not in repr(obs)


def test_unclosed_blocks_are_repaired_with_notes() -> None:
    dev = READ("config vpn ipsec phase1-interface\n edit t\n  set remote-gw 1.2.3.4\n next\n"
               "config system interface\n edit t\n  set ip 169.254.1.2 255.255.255.255\n"
               "  set remote-ip 169.254.1.1\n end\n")
    assert dev.tunnels[0].get("inside.customer").value == ipaddress.IPv4Interface("169.254.1.2/30")
    assert len(dev.notes) == 1 and "not closed" in dev.notes[0].message and dev.notes[0].line == 1


# -- AWS's own FortiGate example -------------------------------------------------------------------

def _aws_example_ir() -> Connection:
    """Built by hand from the values the example itself shows (vpn-44a8938f, AWS ASN 7224)."""
    tunnels = []
    for n, (peer, cgw, aws, psk) in enumerate((("72.21.209.193", "169.254.255.2", "169.254.255.1",
                                                "plain-text-password1"),
                                               ("72.21.209.225", "169.254.255.6", "169.254.255.5",
                                                "plain-text-password2")), 1):
        tunnels.append(Tunnel(
            number=n, outside=Outside(customer=None, aws=A(peer)),
            inside=Inside(customer=ipaddress.IPv4Interface(cgw + "/30"), aws=ipaddress.IPv4Interface(aws + "/30")),
            ike=Ike(version=IkeVersion.IKEV1, psk=psk, encryption=(Encryption.AES128,), integrity=(Integrity.SHA1,),
                    dh_groups=(2,), lifetime_s=28800),
            ipsec=Ipsec(encryption=(Encryption.AES128,), integrity=(Integrity.SHA1,), pfs_groups=(2,), lifetime_s=3600),
            dpd=Dpd(interval_s=10, retries=3), mtu=1427, tcp_mss=1387,
            bgp=Bgp(customer_asn=None, aws_asn=7224, neighbor=A(aws), hold_time_s=30)))
    return Connection(vpn_connection_id="vpn-44a8938f", customer_gateway_id="cgw-b4dc3961",
                      gateway=Gateway(GatewayKind.VGW, "vgw-8db04f81"), routing=Routing.BGP, tunnels=tuple(tunnels))


def test_aws_fortigate_example_validates_without_errors(shared) -> None:
    path = shared / "corpus" / "vendor" / "fortinet" / "awsdocs-nag-Fortigate-bgp.extracted.txt"
    report = validate(_aws_example_ir(), "fortinet", path.read_text(encoding="utf-8"), path=str(path))
    got = sorted((f.rule, f.tunnel, f.severity.value) for f in report.findings
                 if f.rule != "VPN901" and f.category != "security")
    # Pasted verbatim, all four firewall policies are `edit 5`: FortiOS applies them to ONE policy, which
    # ends as internal -> tunnel 2. Tunnel 1 has no policy, tunnel 2 none from the tunnel to the LAN.
    # Everything else is fine: `set mtu 1427` without mtu-override leaves FortiOS deriving the tunnel MTU,
    # tcp-mss 1387 is below what AES-CBC/SHA1 carries, the default BGP hold time 180 negotiates down to 30.
    assert got == [("VPN130", 1, "error"), ("VPN130", 2, "error")]
    assert any("LAN to AWS" in f.message for f in report.findings if f.rule == "VPN130" and f.tunnel == 1)
    notes = [f.message for f in report.findings if f.rule == "VPN901"]
    # info notes: placeholders (YOUR_UPLINK_ADDRESS), `show` commands, blocks left open, FortiOS 5.x `dpd enable`
    assert any("YOUR_UPLINK_ADDRESS" in m for m in notes) and any("not closed" in m for m in notes)
    assert any("dpd enable" in m for m in notes)
    assert sum("firewall policy id 5 is edited again" in m for m in notes) == 3


# -- speed ----------------------------------------------------------------------------------------

def _big_backup(n_lines: int) -> str:
    import vpncc
    from tests.strategies import sample_connection
    from vpncc.profile import Profile

    vpn = vpncc.compile(sample_connection(), "fortinet", Profile(local_networks=[ipaddress.IPv4Network("10.1.0.0/16")]))
    out = ["#config-version=FGT100F-7.4.3-FW-build2573-240201:opmode=0:vdom=0:user=admin", "config firewall address"]
    i = 0
    while len(out) < n_lines - 900:
        i += 1
        out += [f'    edit "host-{i}"', f'        set comment "server {i} \\"prod\\""',
                f"        set subnet 10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256} 255.255.255.255", "    next"]
    out.append("end")
    out.append("config system interface")
    for j in range(150):
        out += [f'    edit "port{j}"', "        set vdom \"root\"", f"        set ip 10.200.{j}.1 255.255.255.0",
                "        set allowaccess ping https ssh", "    next"]
    out.append("end")
    return "\n".join(out) + "\n" + vpn


def test_100k_line_backup_is_read_correctly() -> None:
    text = _big_backup(100_000)
    assert text.count("\n") >= 100_000
    READ(text)  # warm the parser cache
    dev = READ(text, "big.conf")
    assert len(dev.tunnels) == 2 and not dev.notes
    # speed is measured in benchmarks/run.py, not asserted here