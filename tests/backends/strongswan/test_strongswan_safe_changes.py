"""strongswan: compile --running (interface numbers, if_ids, connection names, BGP AS and router-id kept,
refusals), the header's collision and "outside these tunnels" blocks, install_routes scoped to the VTI
format, BGP that cannot leak (FRR and BIRD), the README never replacing the router's routing config, and the
NAT compile."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

import pytest

from tests.backends.cisco.test_asa_safe_changes import second
from tests.conftest import SAMPLES
from vpncc.backends import base
from vpncc.compiler import compile_files
from vpncc.profile import Profile
from vpncc.readers import load_one
from vpncc.running import RunningConflict
from vpncc.validate.compare import compare

NETS = [ipaddress.IPv4Network("10.10.0.0/16")]
PROFILE = Profile(local_networks=NETS, remote_networks=[ipaddress.IPv4Network("10.0.0.0/16")])


def first(sample: str = "bgp-vgw-ikev1-2022.txt"):
    return load_one(str(SAMPLES / sample))


def bundle(conn, profile: Profile = PROFILE, **kw) -> dict[str, str]:
    return compile_files(conn, "strongswan", profile, **kw)


def text(files: dict[str, str]) -> str:
    """The bundle as `cat bundle/*` gives it (each file carries its vpncc marker)."""
    return "".join(v if v.endswith("\n") else v + "\n" for k, v in files.items() if k != "README.md")


def read(t: str):
    return base.get("strongswan").read(t, None)


def problems(conn, t: str, profile: Profile = PROFILE):
    return [f for f in compare(conn, read(t), profile)
            if getattr(f, "category", None) != "security" and f.severity.value in ("error", "warning")]


@pytest.mark.parametrize("sample,fmt", [("bgp-vgw-ikev1-2022.txt", None), ("static-vgw-ikev2-2022.txt", None),
                                        ("bgp-vgw-ikev1-2022.txt", "legacy")])
def test_second_connection_against_the_first_does_not_collide(sample, fmt):
    c1, c2 = first(sample), second(first(sample))
    running = text(bundle(c1, format=fmt))
    b2 = bundle(c2, format=fmt, running=running)
    after = running + text(b2)
    inv = read(after).inventory
    kind = "vti" if fmt == "legacy" else "xfrm"
    assert inv.interfaces == {f"{kind}{n}" for n in (1, 2, 3, 4)}
    assert inv.used("if_id") == {100, 200, 300, 400}
    assert len(inv.taken("connection")) >= 4
    dev = read(after)
    assert len(dev.tunnels) == 4
    if c1.tunnels[0].bgp:
        frr = b2["frr.conf"]
        assert not re.search(r"(?m)^ bgp router-id", frr) and "router bgp 65000" in frr
    assert problems(c1, after) == []
    assert problems(c2, after) == []


def test_allocation_is_named_in_the_header():
    b2 = bundle(second(first()), running=text(bundle(first())))
    head = b2["swanctl.conf"]
    assert "# allocated against the running config:" in head
    assert "#   interfaces xfrm3-xfrm4, if_id 300-400" in head
    assert "if_id_in = 300" in head and "ip link add xfrm3 type xfrm" in next(v for k, v in b2.items() if k.endswith(".sh"))


def test_other_as_keeps_the_router_as_and_uses_local_as():
    running = text(bundle(first())).replace("router bgp 65000", "router bgp 65100")
    frr = bundle(second(first()), running=running)["frr.conf"]
    assert "router bgp 65100" in frr and not re.search(r"(?m)^ bgp router-id", frr)
    assert re.search(r"neighbor 169\.254\.90\.1 local-as 65000 no-prepend replace-as", frr)


def test_bird_with_running_writes_only_the_aws_protocols():
    running = text(bundle(first(), extra={"routing": "bird"}))
    bird = bundle(second(first()), extra={"routing": "bird"}, running=running)["bird.conf"]
    assert not re.search(r"(?m)^router id", bird)
    assert not re.search(r"(?m)^protocol (device|kernel)", bird)
    assert re.search(r"(?m)^protocol bgp aws_tunnel1 ", bird)


def test_same_peer_already_configured_is_one_clear_error():
    with pytest.raises(RunningConflict) as e:
        bundle(first(), running=text(bundle(first())))
    assert str(e.value).count("already configured") == 2 and e.value.exit_code == 2


def test_without_running_the_header_names_collisions_and_host_wide_changes():
    head = bundle(first("static-vgw-ikev2-2022.txt"))["swanctl.conf"]
    assert "objects that may already exist on the device" in head and "interfaces xfrm1-xfrm2 with if_id 100-200" in head
    assert "changes outside these tunnels:" in head and "net.ipv4.ip_forward = 1" in head
    assert "retransmit_timeout" in head  # IKEv2: charon-wide timers, listed


def test_install_routes_only_where_it_matters():
    # XFRM interfaces: charon installs no routes for if_id SAs unless kernel-netlink's install_routes_xfrmi
    assert "install_routes" not in re.sub(r"(?m)^#.*\n", "", bundle(first())["charon-vpncc.conf"])
    legacy = bundle(first(), format="legacy")
    assert "install_routes = no" in legacy["charon-vpncc.conf"]
    assert "install_routes = no: charon installs no routes for any connection" in legacy["ipsec.conf"]


def test_bgp_filters_what_it_announces_and_limits_what_it_accepts():
    frr = bundle(first())["frr.conf"]
    assert "ip prefix-list vpn-0a1b2c3d4e5f60718-local seq 5 permit 10.10.0.0/16" in frr
    for n in ("169.254.44.41", "169.254.45.61"):
        assert f"neighbor {n} route-map vpn-0a1b2c3d4e5f60718-tunnel" in frr
        assert f"  neighbor {n} maximum-prefix 1000 restart 5" in frr
    bird = bundle(first(), extra={"routing": "bird"})["bird.conf"]
    assert bird.count("import limit 1000 action restart;") == 2
    ecmp = bundle(first(), replace(PROFILE, bgp_mode="ecmp"))["frr.conf"]
    assert "maximum-paths 2" in ecmp and "as-path prepend" not in ecmp and "local-preference" not in ecmp


def test_readme_never_replaces_the_routers_frr_conf():
    readme = bundle(first())["README.md"]
    assert "vtysh -f /etc/frr/vpncc-vpn-0a1b2c3d4e5f60718.conf" in readme
    assert "never copy it over" in bundle(first())["frr.conf"]
    assert "/etc/sysctl.d/90-vpncc-" in bundle(first(), format="networkd")["README.md"]


def test_nat_compile_keeps_the_public_identity():
    c = first()
    prof = replace(PROFILE, local_address=ipaddress.IPv4Address("10.0.0.10"))
    files = bundle(c, prof)
    swan = files["swanctl.conf"]
    assert "local_addrs = 10.0.0.10" in swan and f"id = {c.tunnels[0].outside.customer}" in swan
    found = [f for f in compare(c, read(text(files)), prof) if getattr(f, "category", None) != "security"]
    assert [f.rule for f in found if f.severity.value in ("error", "warning")] == []
    assert "VPN112" in {f.rule for f in found}


def test_the_reader_sees_the_inbound_limit():
    t = text(bundle(first()))
    assert [nb["inbound_limit"].value for nb in read(t).bgp_neighbors] == [True, True]
    bare = "\n".join(x for x in t.splitlines() if "maximum-prefix" not in x) + "\n"
    assert [nb["inbound_limit"].value for nb in read(bare).bgp_neighbors] == [False, False]
