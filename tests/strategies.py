"""Hypothesis strategies of valid IRs, and a deterministic builder for hand-made connections.

Valid means: passes vpncc.checks (two tunnels, inside /30s in 169.254.0.0/16 with AWS = .1 and
customer = .2, BGP neighbor = AWS inside address, AWS key rules, AWS value ranges).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import strategies as st

from vpncc.aws_defaults import PHASE1_DH_GROUPS
from vpncc.ir import (
    AWS_ENCRYPTION,
    AWS_INTEGRITY,
    DH_GROUPS,
    Bgp,
    Connection,
    Dpd,
    Encryption,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    InsideV6,
    Integrity,
    Ipsec,
    NegotiationMode,
    Outside,
    Routing,
    Source,
    Tunnel,
)

PSK_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"


def _psk() -> st.SearchStrategy[str]:
    from vpncc.readers.aws_generic_names import placeholder_kind

    # keys that read as AWS placeholders/redactions (32 x "X", "...EXAMPLE") are not real keys
    return st.text(PSK_CHARS, min_size=8, max_size=64).filter(
        lambda s: not s.startswith("0") and placeholder_kind(s) is None)


def _ordered_subset(values, min_size=1, max_size=None):
    return st.lists(st.sampled_from(list(values)), min_size=min_size, max_size=max_size or len(values),
                    unique=True).map(tuple)


def _inside_blocks(n: int):
    # /30 blocks of 169.254.6.0 - 169.254.168.255 (AWS reserves 169.254.0-5.x and 169.254.169.252/30)
    block = st.integers(min_value=(6 * 256) // 4, max_value=(169 * 256) // 4 - 1)
    return st.lists(block, min_size=n, max_size=n, unique=True)


def _v4_in(net: str):
    n = ipaddress.IPv4Network(net)
    return st.integers(1, n.num_addresses - 2).map(lambda i: n.network_address + i)


@st.composite
def connections(draw, *, ipv6: bool | None = False, multi: bool = True,
                routing: Routing | None = None, ike_version: IkeVersion | None = None) -> Connection:
    routing = routing or draw(st.sampled_from(list(Routing)))
    version = ike_version or draw(st.sampled_from(list(IkeVersion)))
    kind = draw(st.sampled_from(list(GatewayKind)))
    hexid = st.text("0123456789abcdef", min_size=17, max_size=17)
    customer_outside = draw(_v4_in("192.0.2.0/24"))
    aws_outside = draw(st.lists(st.one_of(_v4_in("198.51.100.0/24"), _v4_in("203.0.113.0/24")),
                                min_size=2, max_size=2, unique=True))
    blocks = draw(_inside_blocks(2))
    max_n = None if multi else 1
    customer_asn = draw(st.one_of(st.integers(1, 64495), st.integers(64512, 65534),
                                  st.integers(4200000000, 4294967294)))
    aws_asn = draw(st.sampled_from([64512, 7224, 65000, 4200000001]).filter(lambda a: a != customer_asn))
    with_v6 = draw(st.booleans()) if ipv6 is None else ipv6
    tunnels = []
    for i in range(2):
        net = ipaddress.IPv4Network((ipaddress.IPv4Address("169.254.0.0") + blocks[i] * 4, 30))
        aws_in = ipaddress.IPv4Interface((net.network_address + 1, 30))
        cgw_in = ipaddress.IPv4Interface((net.network_address + 2, 30))
        v6 = None
        if with_v6:
            base = ipaddress.IPv6Address(f"fd00:0:0:{draw(st.integers(1, 0xffff)):x}::")
            v6 = InsideV6(customer=ipaddress.IPv6Interface((base + 2, 126)),
                          aws=ipaddress.IPv6Interface((base + 1, 126)))
        mtu = draw(st.integers(1300, 1446))
        tunnels.append(Tunnel(
            number=i + 1,
            outside=Outside(customer=customer_outside, aws=aws_outside[i]),
            inside=Inside(customer=cgw_in, aws=aws_in),
            inside_ipv6=v6,
            ike=Ike(
                version=version, psk=draw(_psk()),
                mode=NegotiationMode.MAIN,
                encryption=draw(_ordered_subset(AWS_ENCRYPTION, max_size=max_n)),
                integrity=draw(_ordered_subset(AWS_INTEGRITY, max_size=max_n)),
                dh_groups=draw(_ordered_subset(PHASE1_DH_GROUPS, max_size=max_n)),  # AWS: no DH 5 in phase 1
                lifetime_s=draw(st.integers(900, 28800)),
            ),
            ipsec=Ipsec(
                encryption=draw(_ordered_subset(AWS_ENCRYPTION, max_size=max_n)),
                integrity=draw(_ordered_subset(AWS_INTEGRITY, max_size=max_n)),
                pfs_groups=draw(_ordered_subset(DH_GROUPS, max_size=max_n)),
                lifetime_s=draw(st.integers(900, 3600)),
            ),
            dpd=Dpd(interval_s=draw(st.integers(10, 30)), retries=draw(st.integers(3, 5))),
            mtu=mtu,
            tcp_mss=draw(st.integers(1200, mtu - 57)),
            bgp=Bgp(customer_asn=customer_asn, aws_asn=aws_asn, neighbor=aws_in.ip,
                    hold_time_s=draw(st.sampled_from([30, 30, 60, 90]))) if routing is Routing.BGP else None,
            static_next_hop=aws_in.ip if routing is Routing.STATIC else None,
        ))
    return Connection(
        vpn_connection_id="vpn-" + draw(hexid),
        customer_gateway_id="cgw-" + draw(hexid),
        gateway=Gateway(kind=kind, id=("vgw-" + draw(hexid)) if kind is GatewayKind.VGW else None),
        routing=routing,
        tunnels=tuple(with_accepted_lifetimes(t) for t in tunnels),
        source=Source(format="aws-generic", path=None, layout="2022"),
    )


def with_accepted_lifetimes(t: Tunnel) -> Tunnel:
    """A generic file's tunnel: AWS's default accepted sets, the lifetimes the file states."""
    from dataclasses import replace

    return replace(t, accepted=replace(t.accepted, ike_lifetime_s=t.ike.lifetime_s,
                                       esp_lifetime_s=t.ipsec.lifetime_s))


def sample_connection(*, routing: Routing = Routing.BGP, ike_version: IkeVersion = IkeVersion.IKEV1,
                      encryption=(Encryption.AES128,), integrity=(Integrity.SHA1,), dh_groups=(2,),
                      esp_encryption=None, esp_integrity=None, pfs_groups=None,
                      ipv6: bool = False, gateway: GatewayKind = GatewayKind.VGW, **tunnel_overrides: Any,
                      ) -> Connection:
    """The classic AWS example connection (documentation addresses, made-up keys), overridable."""
    psks = ("Sample.Key_Tunnel1.a1b2c3d4e5f6g7h", "Sample.Key_Tunnel2.h7g6f5e4d3c2b1a")
    tunnels = []
    for i, (aws_out, net) in enumerate((("198.51.100.7", "169.254.44.40/30"),
                                        ("203.0.113.129", "169.254.45.60/30"))):
        n = ipaddress.IPv4Network(net)
        aws_in = ipaddress.IPv4Interface((n.network_address + 1, 30))
        t = Tunnel(
            number=i + 1,
            outside=Outside(customer=ipaddress.IPv4Address("192.0.2.10"), aws=ipaddress.IPv4Address(aws_out)),
            inside=Inside(customer=ipaddress.IPv4Interface((n.network_address + 2, 30)), aws=aws_in),
            inside_ipv6=InsideV6(customer=ipaddress.IPv6Interface(f"fd00:0:0:{i + 1}::2/126"),
                                 aws=ipaddress.IPv6Interface(f"fd00:0:0:{i + 1}::1/126")) if ipv6 else None,
            ike=Ike(version=ike_version, psk=psks[i], mode=NegotiationMode.MAIN, encryption=tuple(encryption),
                    integrity=tuple(integrity), dh_groups=tuple(dh_groups), lifetime_s=28800),
            ipsec=Ipsec(encryption=tuple(esp_encryption or encryption), integrity=tuple(esp_integrity or integrity),
                        pfs_groups=tuple(pfs_groups or dh_groups), lifetime_s=3600),
            dpd=Dpd(interval_s=10, retries=3),
            mtu=1436, tcp_mss=1379,
            bgp=Bgp(customer_asn=65000, aws_asn=64512, neighbor=aws_in.ip, hold_time_s=30)
            if routing is Routing.BGP else None,
            static_next_hop=aws_in.ip if routing is Routing.STATIC else None,
        )
        if tunnel_overrides:
            from dataclasses import replace
            t = replace(t, **tunnel_overrides)
        tunnels.append(t)
    return Connection(
        vpn_connection_id="vpn-0a1b2c3d4e5f60718", customer_gateway_id="cgw-0f1e2d3c4b5a69788",
        gateway=Gateway(kind=gateway, id="vgw-01234abcd5678ef90" if gateway is GatewayKind.VGW else None),
        routing=routing, tunnels=tuple(tunnels), source=Source(format="aws-generic", path=None, layout="2022"),
    )
