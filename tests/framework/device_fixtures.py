"""A DeviceConfig that says exactly what an IR says: the starting point of compare/report tests."""

from __future__ import annotations

from vpncc.ir import Connection, Routing
from vpncc.validate.model import DeviceConfig, DeviceTunnel, Obs

KEYS = ("outside.aws", "outside.customer", "inside.customer", "ike.version", "ike.psk", "ike.encryption",
        "ike.integrity", "ike.dh_groups", "ike.lifetime_s", "ipsec.encryption", "ipsec.integrity",
        "ipsec.pfs_groups", "ipsec.lifetime_s", "dpd.interval_s", "dpd.retries", "mtu", "tcp_mss")


def mirror(conn: Connection, remote_networks=()) -> DeviceConfig:
    from vpncc.ir import get_path

    dev = DeviceConfig(vendor="test", path="r1.cfg")
    line = 10
    for t in conn.tunnels:
        d = DeviceTunnel(name=f"Tunnel{t.number}", line=line)
        for k in KEYS:
            line += 1
            d.set(k, get_path(t, k), line)
        if t.ike.version.value == "ikev1":
            d.set("ike.mode", t.ike.mode, line)
        if conn.routing is Routing.STATIC:
            d.set("static_routes", tuple(remote_networks), line + 1)
        if t.bgp is not None:
            dev.bgp_neighbors.append({"neighbor": Obs(t.bgp.neighbor, 100 + t.number),
                                      "aws_asn": Obs(t.bgp.aws_asn, 100 + t.number),
                                      "customer_asn": Obs(t.bgp.customer_asn, 90),
                                      "hold_time_s": Obs(t.bgp.hold_time_s, 110 + t.number)})
        dev.tunnels.append(d)
    return dev
