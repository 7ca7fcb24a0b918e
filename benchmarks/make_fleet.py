"""A synthetic network repository: N devices, each terminating two AWS connections."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

from vpncc.compiler import compile as vcompile
from vpncc.ir import Connection
from vpncc.writers.aws_generic import write


def _second(conn: Connection, i: int) -> Connection:
    """Another connection of the same shape: other peers, other inside /30s, other id."""
    tunnels = []
    for t in conn.tunnels:
        shift = 64 + (i % 100) * 4 + t.number * 1024
        inside = replace(t.inside, customer=ipaddress.IPv4Interface((t.inside.customer.ip + shift, 30)),
                         aws=ipaddress.IPv4Interface((t.inside.aws.ip + shift, 30)))
        outside = replace(t.outside, aws=t.outside.aws + 1 + i % 50)
        bgp = replace(t.bgp, neighbor=inside.aws.ip) if t.bgp else None
        tunnels.append(replace(t, inside=inside, outside=outside, bgp=bgp,
                               static_next_hop=inside.aws.ip if t.static_next_hop else None))
    return replace(conn, vpn_connection_id=f"vpn-{i:017x}", tunnels=tuple(tunnels))


def make_fleet(root: Path, conn: Connection, profile, n_devices: int) -> Path:
    (root / "aws").mkdir(parents=True)
    (root / "configs").mkdir()
    second = _second(conn, 1)
    (root / "aws" / "a.txt").write_text(write(conn))
    (root / "aws" / "b.txt").write_text(write(second))
    vendors = ("cisco-ios", "juniper", "fortinet")
    texts = {}
    for v in vendors:
        p1 = replace(profile, tunnel_start=1, isakmp_policy_start=200, name_prefix="aws-a")
        p2 = replace(profile, tunnel_start=3, isakmp_policy_start=210, name_prefix="aws-b")
        texts[v] = vcompile(conn, v, p1) + "\n" + vcompile(second, v, p2)
    lines = ["connections:", "  - name: a", "    source: aws/a.txt", "  - name: b", "    source: aws/b.txt",
             "devices:"]
    for i in range(n_devices):
        v = vendors[i % len(vendors)]
        name = f"dev{i:03d}"
        (root / "configs" / f"{name}.cfg").write_text(texts[v])
        lines += [f"  - name: {name}", f"    vendor: {v}", f"    config: configs/{name}.cfg",
                  "    connections: [a, b]"]
    m = root / "vpncc.yaml"
    m.write_text("\n".join(lines) + "\n")
    return m
