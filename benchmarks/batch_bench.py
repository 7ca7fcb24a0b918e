#!/usr/bin/env python3
"""Batch benchmark: N connections in one describe-vpn-connections JSON.

Generates N connections (embedded CustomerGatewayConfiguration XML + TunnelOptions lists, the shape
`aws ec2 describe-vpn-connections` prints), then measures in this process:
  - reading them with vpncc.readers.aws_json.read_all (median of repeats),
  - the same through vpncc.readers.load_all (reader + semantic checks), when vpncc.checks imports,
  - peak Python memory of one read (tracemalloc) and the process's peak RSS,
  - compiling all N for every registered backend that imports (vpncc.compiler.compile_files).

    python benchmarks/batch_bench.py              # N = 1000
    python benchmarks/batch_bench.py -n 200 --json
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_TUNNEL = """  <ipsec_tunnel>
    <customer_gateway>
      <tunnel_outside_address>
        <ip_address>{cgw_out}</ip_address>
      </tunnel_outside_address>
      <tunnel_inside_address>
        <ip_address>{cgw_in}</ip_address>
        <network_mask>255.255.255.252</network_mask>
        <network_cidr>30</network_cidr>
      </tunnel_inside_address>
      <bgp>
        <asn>65000</asn>
        <hold_time>30</hold_time>
      </bgp>
    </customer_gateway>
    <vpn_gateway>
      <tunnel_outside_address>
        <ip_address>{aws_out}</ip_address>
      </tunnel_outside_address>
      <tunnel_inside_address>
        <ip_address>{aws_in}</ip_address>
        <network_mask>255.255.255.252</network_mask>
        <network_cidr>30</network_cidr>
      </tunnel_inside_address>
      <bgp>
        <asn>64512</asn>
        <hold_time>30</hold_time>
      </bgp>
    </vpn_gateway>
    <ike>
      <authentication_protocol>sha1</authentication_protocol>
      <encryption_protocol>aes-128-cbc</encryption_protocol>
      <lifetime>28800</lifetime>
      <perfect_forward_secrecy>group2</perfect_forward_secrecy>
      <mode>main</mode>
      <pre_shared_key>{psk}</pre_shared_key>
    </ike>
    <ipsec>
      <protocol>esp</protocol>
      <authentication_protocol>hmac-sha1-96</authentication_protocol>
      <encryption_protocol>aes-128-cbc</encryption_protocol>
      <lifetime>3600</lifetime>
      <perfect_forward_secrecy>group2</perfect_forward_secrecy>
      <mode>tunnel</mode>
      <clear_df_bit>true</clear_df_bit>
      <fragmentation_before_encryption>true</fragmentation_before_encryption>
      <tcp_mss_adjustment>1379</tcp_mss_adjustment>
      <dead_peer_detection>
        <interval>10</interval>
        <retries>3</retries>
      </dead_peer_detection>
    </ipsec>
  </ipsec_tunnel>
"""


def generate(n: int) -> str:
    """describe-vpn-connections JSON with n connections (documentation addresses, made-up keys)."""
    base = int(ipaddress.IPv4Address("169.254.6.0"))
    conns = []
    for i in range(n):
        vpn_id = f"vpn-{i:017x}"
        tunnels, options = [], []
        for k in range(2):
            net = base + (2 * i + k) * 4
            aws_in, cgw_in = ipaddress.IPv4Address(net + 1), ipaddress.IPv4Address(net + 2)
            aws_out = f"{'198.51.100' if k == 0 else '203.0.113'}.{1 + i % 254}"
            psk = f"Bench.Key_{i:06d}_{k}abcdefgh"
            tunnels.append(_TUNNEL.format(cgw_out=f"192.0.2.{1 + i % 254}", cgw_in=cgw_in, aws_out=aws_out,
                                          aws_in=aws_in, psk=psk))
            options.append({
                "OutsideIpAddress": aws_out, "TunnelInsideCidr": f"{ipaddress.IPv4Address(net)}/30",
                "PreSharedKey": psk, "Phase1LifetimeSeconds": 28800, "Phase2LifetimeSeconds": 3600,
                "DpdTimeoutSeconds": 40, "DpdTimeoutAction": "clear", "StartupAction": "add",
                "Phase1EncryptionAlgorithms": [{"Value": "AES256"}, {"Value": "AES128"}],
                "Phase2EncryptionAlgorithms": [{"Value": "AES256"}, {"Value": "AES128"}],
                "Phase1IntegrityAlgorithms": [{"Value": "SHA2-256"}, {"Value": "SHA1"}],
                "Phase2IntegrityAlgorithms": [{"Value": "SHA2-256"}, {"Value": "SHA1"}],
                "Phase1DHGroupNumbers": [{"Value": 14}, {"Value": 2}],
                "Phase2DHGroupNumbers": [{"Value": 14}, {"Value": 2}],
                "IkeVersions": [{"Value": "ikev1"}, {"Value": "ikev2"}],
            })
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<vpn_connection id="{vpn_id}">\n'
               f"  <customer_gateway_id>cgw-0f1e2d3c4b5a69788</customer_gateway_id>\n"
               f"  <vpn_gateway_id>vgw-01234abcd5678ef90</vpn_gateway_id>\n"
               f"  <vpn_connection_type>ipsec.1</vpn_connection_type>\n" + "".join(tunnels) + "</vpn_connection>")
        conns.append({
            "Category": "VPN", "CustomerGatewayConfiguration": xml, "CustomerGatewayId": "cgw-0f1e2d3c4b5a69788",
            "State": "available", "Type": "ipsec.1", "VpnConnectionId": vpn_id,
            "VpnGatewayId": "vgw-01234abcd5678ef90",
            "Options": {"EnableAcceleration": False, "StaticRoutesOnly": False,
                        "LocalIpv4NetworkCidr": "0.0.0.0/0", "RemoteIpv4NetworkCidr": "0.0.0.0/0",
                        "TunnelInsideIpVersion": "ipv4", "TunnelOptions": options},
            "Routes": [], "Tags": [], "VgwTelemetry": [],
        })
    return json.dumps({"VpnConnections": conns}, indent=4)


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="connections (default 1000)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from vpncc.readers import aws_json

    rows: list[dict] = []

    def row(what: str, value: str, **extra) -> None:
        rows.append({"what": what, "value": value, **extra})

    t0 = time.perf_counter()
    text = generate(args.n)
    row(f"generate {args.n} connections", f"{time.perf_counter() - t0:.2f} s",
        bytes=len(text.encode()))
    row("JSON size", f"{len(text) / 1e6:.1f} MB")

    conns = aws_json.read_all(text, "bench.json")
    assert len(conns) == args.n, len(conns)
    t = median_time(lambda: aws_json.read_all(text, "bench.json"), args.repeats)
    row("aws_json.read_all (median)", f"{t:.3f} s", per_connection_ms=round(t / args.n * 1000, 3), seconds=t)

    try:
        from vpncc.readers import load_all

        load_all(text, path="bench.json")
        t = median_time(lambda: load_all(text, path="bench.json"), args.repeats)
        row("readers.load_all = read + checks (median)", f"{t:.3f} s",
            per_connection_ms=round(t / args.n * 1000, 3), seconds=t)
    except ImportError as e:  # vpncc.checks not there yet
        row("readers.load_all", f"unavailable ({e})")

    gc.collect()
    tracemalloc.start()
    kept = aws_json.read_all(text, "bench.json")
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row("tracemalloc during one read: peak / kept", f"{peak / 1e6:.1f} MB / {current / 1e6:.1f} MB",
        peak_bytes=peak, kept_bytes=current)
    del kept

    if not args.no_compile:
        try:
            from vpncc.backends import base
            from vpncc.compiler import compile_files
            names = base.names()
        except ImportError as e:
            names = []
            row("compile", f"unavailable ({e})")
        for name in names:
            try:
                base.get(name)
            except Exception as e:  # a backend that does not import yet
                row(f"compile x{args.n} {name}", f"backend unavailable: {type(e).__name__}: {e}"[:160])
                continue
            try:
                compile_files(conns[0], name)
            except Exception as e:
                row(f"compile x{args.n} {name}", f"fails: {type(e).__name__}: {str(e).splitlines()[0]}"[:160])
                continue
            t0 = time.perf_counter()
            for c in conns:
                compile_files(c, name)
            w = time.perf_counter() - t0
            row(f"compile x{args.n} {name} (one process)", f"{w:.2f} s",
                per_connection_ms=round(w / args.n * 1000, 2), seconds=w)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row("process peak RSS (ru_maxrss)", f"{rss_mb:.0f} MB")
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    if args.json:
        print(json.dumps({"machine": machine, "n": args.n, "rows": rows}, indent=2))
    else:
        print(f"# batch benchmark, {args.n} connections ({machine})")
        width = max(len(r["what"]) for r in rows)
        for r in rows:
            print(f"{r['what']:<{width}}  {r['value']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
