"""IR + profile -> template contexts and the bundle of files (all decisions are made here).

Layout of a compiled connection (``--format swanctl``, the default):

* ``swanctl.conf``: one connection per tunnel, route-based children (0.0.0.0/0 selectors) bound to
  an XFRM interface through ``if_id_in``/``if_id_out``, and a ``secrets`` section;
* ``vpncc-<prefix>.sh``: the Linux side: XFRM interfaces with the inside addresses and MTU, the
  sysctls, TCP MSS clamping; charon also calls it as each child's ``updown`` script so that a
  tunnel's interface is up exactly while its CHILD_SA is (static routes and BGP then fail over);
* ``frr.conf`` (or ``bird.conf``): BGP to both AWS neighbors, tunnel 1 preferred in both directions
  (tunnel 2 gets a lower local-preference inbound and a prepended AS path outbound), or static
  routes through both tunnels (tunnel 2 with a higher distance);
* ``charon-vpncc.conf`` (for /etc/strongswan.d): ``install_routes = no``;
* ``README.md``.

``--format legacy`` writes ipsec.conf + ipsec.secrets with ``mark`` and VTI interfaces instead;
``--format networkd`` replaces the shell script by systemd-networkd units, a sysctl.d file, an
nftables file and a small updown script.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...ir import Connection, Routing, Tunnel
from ...profile import Profile
from . import names

FORMATS = ("swanctl", "legacy", "networkd")
ROUTING_DAEMONS = ("frr", "bird")
FIREWALLS = ("nftables", "iptables")
#: where the bundle's files go on the gateway (README and the updown path use these)
SCRIPT_DIR = "/usr/local/sbin"
#: FRR/BIRD route preference of tunnel 1 over tunnel 2
LOCAL_PREF_BACKUP = 90
STATIC_DISTANCE = (10, 15)
BIRD_PREFERENCE = (200, 190)


def marker(name: str, leader: str = "#") -> str:
    """First line of every bundle file; lets the reader split a concatenated bundle."""
    return f"{leader} --- vpncc file: {name} ---\n"


@lru_cache(maxsize=None)
def _env():
    import jinja2

    from ..._resources import resource_dir

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(resource_dir("templates") / "strongswan")),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, autoescape=False)


def template(name: str, **ctx: Any) -> str:
    return _env().get_template(name).render(**ctx)


def options_of(extra: dict | None) -> tuple[str, str]:
    extra = dict(extra or {})
    routing = str(extra.get("routing") or extra.get("routing_daemon") or "frr").lower()
    firewall = str(extra.get("firewall") or "nftables").lower()
    return routing, firewall


def interface_number(profile: Profile, index: int) -> int:
    start = profile.tunnel_start if profile.tunnel_start is not None else 1
    return start + index


def ike_proposals(t: Tunnel) -> tuple[str, list[str]]:
    """IKE proposal string and the values left out (IKEv1 has no AEAD IKE SAs in strongSwan)."""
    enc = t.ike.encryption
    left: list[str] = []
    if t.ike.version.value == "ikev1":
        left = [e.value for e in enc if e.is_gcm]
        enc = tuple(e for e in enc if not e.is_gcm)
    return ",".join(names.proposal_strings(enc, t.ike.integrity, t.ike.dh_groups, ike=True)), left


def esp_proposals(t: Tunnel) -> str:
    return ",".join(names.proposal_strings(t.ipsec.encryption, t.ipsec.integrity, t.ipsec.pfs_groups, ike=False))


def tunnel_context(conn: Connection, profile: Profile, index: int, t: Tunnel, fmt: str) -> dict[str, Any]:
    prefix = profile.name_prefix or "aws-vpn"
    n = interface_number(profile, index)
    legacy = fmt == "legacy"
    ifname = f"vti{n}" if legacy else f"xfrm{n}"
    key = 100 * n
    ike, left = ike_proposals(t)
    assert t.outside.customer is not None and t.outside.aws is not None and t.ike.psk is not None
    hold = t.bgp.hold_time_s if t.bgp else 30
    return {
        "number": t.number,
        "index": index,
        "conn": f"{prefix}-tunnel{t.number}",
        "child": f"{prefix}-tunnel{t.number}",
        "secret": f"ike-{prefix}-tunnel{t.number}",
        "version": 1 if t.ike.version.value == "ikev1" else 2,
        "aggressive": t.ike.mode is not None and t.ike.mode.value == "aggressive",
        "local_id": str(t.outside.customer),
        "remote": str(t.outside.aws),
        "ike_proposals": ike,
        "ike_left_out": left,
        "esp_proposals": esp_proposals(t),
        "ike_rekey": names.fmt_time(t.ike.lifetime_s),
        "child_life": names.fmt_time(t.ipsec.lifetime_s),
        "child_rekey": names.fmt_time(names.child_rekey_for(t.ipsec.lifetime_s)),
        "dpd_delay": names.fmt_time(t.dpd.interval_s),
        "dpd_timeout": names.fmt_time(names.dpd_timeout_for(t.dpd.interval_s, t.dpd.retries)),
        "clear_df": t.clear_df,
        "psk": names.psk_literal(t.ike.psk),
        "key": key,
        "ifname": ifname,
        "inside": t.inside.customer.with_prefixlen,
        "inside_peer": str(t.inside.aws.ip),
        "inside6": t.inside_ipv6.customer.with_prefixlen if t.inside_ipv6 else None,
        "mtu": t.mtu,
        "mss": t.tcp_mss,
        "updown": f"{SCRIPT_DIR}/{script_name(profile, fmt)} updown {ifname}",
        "neighbor": str(t.bgp.neighbor) if t.bgp else None,
        "aws_asn": t.bgp.aws_asn if t.bgp else None,
        "customer_asn": t.bgp.customer_asn if t.bgp else None,
        "hold": hold,
        "keepalive": max(hold // 3, 1),
        "next_hop": str(t.static_next_hop or t.inside.aws.ip),
        "distance": STATIC_DISTANCE[min(index, 1)],
        "preference": BIRD_PREFERENCE[min(index, 1)],
        "backup": index > 0,
    }


def script_name(profile: Profile, fmt: str) -> str:
    prefix = profile.name_prefix or "aws-vpn"
    return f"vpncc-{prefix}-updown.sh" if fmt == "networkd" else f"vpncc-{prefix}.sh"


def context(conn: Connection, profile: Profile, fmt: str, header: tuple[str, ...], routing: str,
            firewall: str, extra: dict | None = None) -> dict[str, Any]:
    """``extra["system_as"]`` (compile --running): the gateway's BGP AS, kept with its router-id."""
    extra = extra or {}
    tunnels = [tunnel_context(conn, profile, i, t, fmt) for i, t in enumerate(conn.tunnels)]
    prefix = profile.name_prefix or "aws-vpn"
    bgp = conn.routing is Routing.BGP
    asns = {t["customer_asn"] for t in tunnels if t["customer_asn"] is not None}
    system_as = extra.get("system_as")
    router_asn = (system_as if system_as is not None and routing == "frr" else tunnels[0]["customer_asn"]) if bgp \
        else None
    ecmp = profile.bgp_mode == "ecmp"
    for t in tunnels:
        t["backup"] = t["backup"] and not ecmp
        # a tunnel whose customer ASN differs from the router's uses local-as towards its neighbor
        t["local_as"] = t["customer_asn"] if bgp and t["customer_asn"] != router_asn else None
    local = [str(n) for n in profile.local_networks]
    remote = [str(n) for n in profile.remote_networks]
    return {
        # one comment line per physical line: a value with a newline must not end the comment
        "header": [part for line in header for part in str(line).replace("\r", "\n").split("\n")],
        # the id reaches comments and FRR/BIRD descriptions: only a plain id, never raw input
        "connection": conn.vpn_connection_id if conn.vpn_connection_id
        and names.NAME_RE.match(conn.vpn_connection_id) else prefix,
        "prefix": prefix,
        "tunnels": tunnels,
        "bgp": bgp,
        "router_asn": router_asn,
        "several_asns": len(asns) > 1,
        "router_id": str(profile.bgp_router_id or conn.tunnels[0].inside.customer.ip),
        # compile --running on a gateway that runs BGP: its router-id (and BIRD's global protocols) stay
        "own_router": system_as is None, "ecmp": names.BGP_ECMP_PATHS if ecmp else None,
        "max_prefix": names.BGP_MAX_PREFIX, "max_prefix_restart": names.BGP_MAX_PREFIX_RESTART_MIN,
        "local_networks": local,
        "remote_networks": remote,
        # --local-address: the host's own address (behind NAT the private one); the IKE identity stays the
        # customer gateway address
        "local_address": str(profile.local_address) if profile.local_address else None,
        "outside_interface": profile.outside_interface or "eth0",
        "encap": bool(profile.nat_traversal),
        "fmt": fmt,
        "legacy": fmt == "legacy",
        "routing": routing,
        "firewall": firewall,
        "script": script_name(profile, fmt),
        "script_dir": SCRIPT_DIR,
        "nft_table": "vpncc_" + names.nft_ident(prefix),
        "sysctl": names.sysctl_key,
        "local_pref_backup": LOCAL_PREF_BACKUP,
        "ipv6": any(t["inside6"] for t in tunnels),
        "retransmit": names.COMPILED_RETRANSMIT if any(t["version"] == 2 for t in tunnels) else {},
        "retransmit_total": round(_retransmit_total()),
    }


def _retransmit_total() -> float:
    from .semantics import Retransmit

    r = names.COMPILED_RETRANSMIT
    return Retransmit(float(r["retransmit_timeout"]), float(r["retransmit_base"]), int(r["retransmit_tries"])).total()


def render_files(conn: Connection, profile: Profile, fmt: str, header: tuple[str, ...],
                 extra: dict | None, main_only: bool = False) -> dict[str, str]:
    routing, firewall = options_of(extra)
    ctx = context(conn, profile, fmt, header, routing, firewall, extra)
    files: dict[str, str] = {}
    if fmt == "legacy":
        files["ipsec.conf"] = template("ipsec.conf.j2", **ctx)
        if main_only:
            return files
        files["ipsec.secrets"] = template("ipsec.secrets.j2", **ctx)
    else:
        files["swanctl.conf"] = template("swanctl.conf.j2", **ctx)
        if main_only:
            return files
    if fmt == "networkd":
        for t in ctx["tunnels"]:
            files[f"50-vpncc-{t['ifname']}.netdev"] = template("netdev.j2", t=t, **ctx)
            files[f"50-vpncc-{t['ifname']}.network"] = template("network.j2", t=t, **ctx)
        files["90-vpncc.conf"] = template("sysctl.conf.j2", **ctx)
        files["vpncc-mss.nft"] = template("mss.nft.j2", **ctx)
        files[ctx["script"]] = template("updown.sh.j2", **ctx)
    else:
        files[ctx["script"]] = template("linux.sh.j2", **ctx)
    files["bird.conf" if routing == "bird" else "frr.conf"] = template(f"{routing}.conf.j2", **ctx)
    files["charon-vpncc.conf"] = template("charon.conf.j2", **ctx)
    files["README.md"] = template("README.md.j2", files=list(files) + ["README.md"], **ctx)
    return files

