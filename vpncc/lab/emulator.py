"""The emulated AWS side, built from its own specification (``aws_side.yaml``, written from AWS's
documentation) and the IR's AWS values only: the tunnel's accepted sets and options, its PSK, its
addresses and ASN. Nothing here imports a vpncc backend: the customer config under test is compiled by
vpncc, the side it must negotiate with is not (a test checks the imports).

Per tunnel endpoint: a strongSwan responder (or initiator, with startup action ``start``) accepting any
combination of the accepted sets, DPD and rekeying as AWS runs them, and a BGP speaker (BIRD 2 or FRR)
with AWS's timers announcing the VPC prefix.
"""

from __future__ import annotations

import functools
import ipaddress
from importlib import resources
from typing import Any

from ..ir import Connection, Tunnel


@functools.lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    """``aws_side.yaml``, parsed once."""
    import yaml

    text = resources.files(__package__).joinpath("aws_side.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _v(x: Any) -> str:
    return str(getattr(x, "value", x))


def _join(*parts: list[str]) -> str:
    return "-".join(p for part in parts for p in part)


def ike_proposals(t: Tunnel) -> list[str]:
    """Every combination of the tunnel's phase-1 sets, as strongSwan proposals: one non-AEAD proposal
    (cipher-integrity-DH) and, when IKEv2 is accepted, one AEAD proposal (cipher-PRF-DH)."""
    s, a = spec(), t.accepted
    dh = [s["dh_groups"][g] for g in a.ike_dh_groups]
    cbc = [s["encryption"][_v(e)] for e in a.ike_encryption if not e.is_gcm]
    gcm = [s["encryption"][_v(e)] for e in a.ike_encryption if e.is_gcm]
    out = []
    if cbc and a.ike_integrity:
        out.append(_join(cbc, [s["integrity"][_v(i)] for i in a.ike_integrity], dh))
    if gcm and any(_v(v) == "ikev2" for v in a.ike_versions):
        out.append(_join(gcm, [s["prf"][_v(i)] for i in a.ike_integrity], dh))
    return out


def esp_proposals(t: Tunnel) -> list[str]:
    """Every combination of the phase-2 sets; the DH groups make PFS mandatory, as on AWS's endpoint."""
    s, a = spec(), t.accepted
    dh = [s["dh_groups"][g] for g in a.pfs_groups]
    cbc = [s["encryption"][_v(e)] for e in a.esp_encryption if not e.is_gcm]
    gcm = [s["encryption"][_v(e)] for e in a.esp_encryption if e.is_gcm]
    out = []
    if cbc and a.esp_integrity:
        out.append(_join(cbc, [s["integrity"][_v(i)] for i in a.esp_integrity], dh))
    if gcm:
        out.append(_join(gcm, dh))
    return out


def _quote(secret: str) -> str:
    return '"' + secret.replace("\\", "\\\\").replace('"', '\\"') + '"'


def charon_tuning() -> str:
    """strongswan.conf lines for AWS's charon: IKEv2 liveness as AWS's DPD timeout behaves."""
    r = spec()["endpoint"]["retransmit"]
    return (f"  retransmit_timeout = {r['timeout_s']}\n  retransmit_base = {r['base']}\n"
            f"  retransmit_tries = {r['tries']}\n")


def swanctl(t: Tunnel, conn: Connection | None = None, *, psk: str, customer: str, aws: str,
            encap: bool = True) -> str:
    """AWS's endpoint for one tunnel, as swanctl.conf."""
    s = spec()
    a, o = t.accepted, t.aws_options
    versions = {_v(v) for v in a.ike_versions}
    version = 0 if versions == {"ikev1", "ikev2"} else (1 if versions == {"ikev1"} else 2)
    dpd = s["endpoint"]["dpd"]
    interval = int(dpd["interval_s"])
    starts = _v(o.startup_action) == "start"
    margin = max(int(o.rekey_margin_s), 1)
    life = int(a.esp_lifetime_s)
    opts = getattr(conn, "options", None)
    local_ts = str(getattr(opts, "remote_ipv4_cidr", None) or "0.0.0.0/0")   # the AWS side's networks
    remote_ts = str(getattr(opts, "local_ipv4_cidr", None) or "0.0.0.0/0")  # the customer side's
    return f"""connections {{
    aws-tunnel{t.number} {{
        version = {version}
        local_addrs = {aws}
        remote_addrs = {customer}
        proposals = {', '.join(ike_proposals(t))}
        rekey_time = {int(a.ike_lifetime_s)}s
        dpd_delay = {interval}s
        dpd_timeout = {max(int(o.dpd_timeout_s) - interval, interval)}s
        encap = {'yes' if encap else 'no'}
        mobike = {'yes' if s['endpoint']['mobike'] else 'no'}
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
                local_ts = {local_ts}
                remote_ts = {remote_ts}
                esp_proposals = {', '.join(esp_proposals(t))}
                life_time = {life}s
                rekey_time = {max(life - margin, 60)}s
                rand_time = {max(margin * int(o.rekey_fuzz_pct) // 100, 0)}s
                replay_window = {int(o.replay_window)}
                start_action = {'start' if starts else 'none'}
                dpd_action = {dpd['action'][_v(o.dpd_timeout_action)]}
            }}
        }}
    }}
}}
secrets {{
    ike-aws {{
        id-aws = {aws}
        id-cgw = {customer}
        secret = {_quote(psk)}
    }}
}}
"""


def _timers(t: Tunnel) -> tuple[int, int]:
    b = spec()["bgp"]
    hold = t.bgp.hold_time_s if t.bgp is not None and t.bgp.hold_time_s else int(b["hold_time_s"])
    return hold, min(int(b["keepalive_s"]), max(hold // 3, 1))


def bird(t: Tunnel, *, vpc: ipaddress.IPv4Network, log: str) -> str:
    assert t.bgp is not None and t.bgp.customer_asn is not None
    hold, keepalive = _timers(t)
    limit = int(spec()["bgp"]["max_prefixes_accepted"])
    return f"""log "{log}" all;
router id {t.inside.aws.ip};
protocol device {{ scan time 10; }}
protocol kernel {{ ipv4 {{ import none; export where source = RTS_BGP; }}; }}
protocol static vpc {{ ipv4; route {vpc} blackhole; }}
protocol bgp customer {{
    local {t.inside.aws.ip} as {t.bgp.aws_asn};
    neighbor {t.inside.customer.ip} as {t.bgp.customer_asn};
    hold time {hold};
    keepalive time {keepalive};
    connect delay time 0;
    connect retry time 2;
    error wait time 1, 5;
    ipv4 {{ import all; import limit {limit} action disable; export where source = RTS_STATIC; }};
}}
"""


def frr(t: Tunnel, *, vpc: ipaddress.IPv4Network, log: str) -> str:
    assert t.bgp is not None and t.bgp.customer_asn is not None
    hold, keepalive = _timers(t)
    limit = int(spec()["bgp"]["max_prefixes_accepted"])
    n = t.inside.customer.ip
    return f"""frr defaults traditional
log file {log} informational
ip route {vpc} Null0
router bgp {t.bgp.aws_asn}
 bgp router-id {t.inside.aws.ip}
 no bgp ebgp-requires-policy
 neighbor {n} remote-as {t.bgp.customer_asn}
 neighbor {n} timers {keepalive} {hold}
 neighbor {n} timers connect 2
 address-family ipv4 unicast
  network {vpc}
  neighbor {n} maximum-prefix {limit}
 exit-address-family
exit
"""
