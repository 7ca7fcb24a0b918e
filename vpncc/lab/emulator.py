"""The emulated AWS side, generated from the IR: per tunnel endpoint a strongSwan responder with the
tunnel's allowed proposals, PSK and DPD, and a BGP speaker (BIRD 2 or FRR) with the AWS ASN that
announces the VPC prefix. Static routing: the endpoint routes the customer's networks into its tunnel.
"""

from __future__ import annotations

import ipaddress

from ..backends.strongswan import names
from ..ir import Tunnel


def swanctl(t: Tunnel, *, psk: str, customer: str, aws: str, encap: bool = True) -> str:
    """AWS's endpoint: responder (start_action none), every algorithm the tunnel options allow."""
    v1 = t.ike.version.value == "ikev1"
    ike_enc = tuple(e for e in t.ike.encryption if not (v1 and e.is_gcm)) or t.ike.encryption
    ike = ",".join(names.proposal_strings(ike_enc, t.ike.integrity, t.ike.dh_groups, ike=True))
    esp = ",".join(names.proposal_strings(t.ipsec.encryption, t.ipsec.integrity, t.ipsec.pfs_groups, ike=False))
    return f"""connections {{
    aws-tunnel{t.number} {{
        version = {1 if v1 else 2}
        local_addrs = {aws}
        remote_addrs = {customer}
        proposals = {ike}
        rekey_time = {t.ike.lifetime_s}s
        dpd_delay = {t.dpd.interval_s}s
        dpd_timeout = {t.dpd.interval_s * t.dpd.retries}s
        encap = {'yes' if encap else 'no'}
        mobike = no
        local {{
            auth = psk
            id = {aws}
        }}
        remote {{
            auth = psk
            id = {customer}
        }}
        children {{
            aws-tunnel{t.number} {{
                local_ts = 0.0.0.0/0
                remote_ts = 0.0.0.0/0
                esp_proposals = {esp}
                life_time = {t.ipsec.lifetime_s}s
                rekey_time = {names.child_rekey_for(t.ipsec.lifetime_s)}s
                start_action = none
                dpd_action = clear
            }}
        }}
    }}
}}
secrets {{
    ike-aws {{
        id-aws = {aws}
        id-cgw = {customer}
        secret = {names.psk_literal(psk)}
    }}
}}
"""


def bird(t: Tunnel, *, vpc: ipaddress.IPv4Network, log: str) -> str:
    assert t.bgp is not None and t.bgp.customer_asn is not None
    hold = t.bgp.hold_time_s
    return f"""log "{log}" all;
router id {t.inside.aws.ip};
protocol device {{ scan time 10; }}
protocol kernel {{ ipv4 {{ import none; export where source = RTS_BGP; }}; }}
protocol static vpc {{ ipv4; route {vpc} blackhole; }}
protocol bgp customer {{
    local {t.inside.aws.ip} as {t.bgp.aws_asn};
    neighbor {t.inside.customer.ip} as {t.bgp.customer_asn};
    hold time {hold};
    keepalive time {max(hold // 3, 1)};
    connect delay time 0;
    connect retry time 2;
    error wait time 1, 5;
    ipv4 {{ import all; export where source = RTS_STATIC; }};
}}
"""


def frr(t: Tunnel, *, vpc: ipaddress.IPv4Network, log: str) -> str:
    assert t.bgp is not None and t.bgp.customer_asn is not None
    hold = t.bgp.hold_time_s
    n = t.inside.customer.ip
    return f"""frr defaults traditional
log file {log} informational
ip route {vpc} Null0
router bgp {t.bgp.aws_asn}
 bgp router-id {t.inside.aws.ip}
 no bgp ebgp-requires-policy
 neighbor {n} remote-as {t.bgp.customer_asn}
 neighbor {n} timers {max(hold // 3, 1)} {hold}
 neighbor {n} timers connect 2
 address-family ipv4 unicast
  network {vpc}
 exit-address-family
exit
"""
