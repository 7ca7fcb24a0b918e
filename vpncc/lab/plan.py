"""What a lab run is made of: the customer connection (compiled), the AWS side's connection, the
profile with the lab's inputs (a local network, a VPC prefix), and the negative-run changes."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from ..ir import AWS_ENCRYPTION, Connection, Routing
from ..profile import Profile

DEFAULT_LOCAL = ipaddress.IPv4Network("10.10.0.0/16")
#: bundle entry in which a lab_files() backend lists the changes it made for the lab (one per line)
ADAPTATIONS_FILE = "lab-adaptations.txt"
VPC_CANDIDATES = ("10.0.0.0/16", "172.31.0.0/16", "100.64.0.0/16", "192.168.0.0/16")


@dataclass
class Plan:
    cust: Connection            # what the customer config is compiled from
    aws: Connection             # what the emulated AWS side is generated from
    profile: Profile
    files: dict[str, str]
    fmt: str
    routing_daemon: str
    aws_bgp: str
    local: ipaddress.IPv4Network
    vpc: ipaddress.IPv4Network
    adaptations: list[str] = field(default_factory=list)


def first_host(net: ipaddress.IPv4Network, n: int = 1) -> ipaddress.IPv4Address:
    return net.network_address + min(n, max(net.num_addresses - 2, 1))


def prepare(conn: Connection, profile: Profile | None, *, fmt: str | None, routing: str | None,
            aws_bgp: str, psks: dict | None, aws_conn: Connection | None, fail_psk: bool,
            fail_proposal: bool, fail_peer: bool, vendor: str = "strongswan",
            config_files: dict[str, str] | None = None) -> Plan:
    from ..backends import base
    from ..compiler import compile_files, fill_missing, resolve_profile

    backend = base.get(vendor)
    prof, _ = resolve_profile(conn, backend, profile)
    notes: list[str] = []
    if not prof.local_networks:
        prof = replace(prof, local_networks=[DEFAULT_LOCAL])
        notes.append(f"lab input: local network {DEFAULT_LOCAL} (the profile names none)")
    local = prof.local_networks[0]
    if prof.remote_networks:
        vpc = prof.remote_networks[0]
    else:
        vpc = next(n for n in map(ipaddress.IPv4Network, VPC_CANDIDATES)
                   if not any(n.overlaps(l) for l in prof.local_networks))
        if conn.routing is Routing.STATIC:
            prof = replace(prof, remote_networks=[vpc])
            notes.append(f"lab input: remote network {vpc} (the profile names none)")
    supplied = dict(psks or {})  # the CLI passes --psk-file and VPNCC_PSK* keys (the library reads no environment)
    cust = fill_missing(conn, prof, supplied)
    # AWS's side keeps the keys AWS has (the input's): a key given on the command line reaches only the
    # customer config, so a wrong --psk-file fails here as it would against AWS. Only where the input has
    # no key (redacted) does the supplied one stand in for AWS's.
    src = aws_conn or conn
    aws = fill_missing(src, prof, {t.number: supplied[t.number] for t in src.tunnels
                                   if t.ike.psk is None and t.number in supplied})
    if any(t.ike.psk is None and t.number in supplied for t in src.tunnels):
        notes.append("lab input: the AWS file has no pre-shared key; the emulated AWS side uses the one you gave")
    if fail_psk:
        aws = replace(aws, tunnels=tuple(replace(t, ike=replace(t.ike, psk=(t.ike.psk or "") + "Wrong"))
                                         for t in aws.tunnels))
    if fail_proposal:
        # the AWS side's tunnel options accept only a phase-1 cipher (or DH group) the customer config
        # does not offer: what a restricted TunnelOptions set does to a device configured for another
        from ..crypto import choose
        offered = choose(cust, prof.crypto, backend.crypto_capabilities(prof, base.RenderOptions()))
        tunnels = []
        for t, ct in zip(aws.tunnels, offered.tunnels, strict=False):
            v1 = ct.ike.version.value == "ikev1"
            others = tuple(e for e in AWS_ENCRYPTION if e not in ct.ike.encryption and not (v1 and e.is_gcm))
            if others:
                acc = replace(t.accepted, ike_encryption=others[:1])
            else:
                acc = replace(t.accepted, ike_dh_groups=tuple(g for g in (14, 19, 20, 2)
                                                              if g not in ct.ike.dh_groups)[:1])
            tunnels.append(replace(t, accepted=acc))
        aws = replace(aws, tunnels=tuple(tunnels))
    if fail_peer:
        cust = replace(cust, tunnels=tuple(
            replace(t, outside=replace(t.outside, aws=ipaddress.IPv4Address("198.18.0.1") + i))
            for i, t in enumerate(cust.tunnels)))
    routing = (routing or "frr").lower()
    if config_files:
        files, given_notes = user_files(config_files, vendor, prof)
        notes += given_notes
    elif vendor == "strongswan":
        files = compile_files(cust, "strongswan", prof, format=fmt, extra={"routing": routing})
    else:
        # another strongSwan-based platform (pfSense): its backend hands over the strongSwan bundle its
        # config amounts to (swanctl.conf first, then the Linux-side script and frr.conf/bird.conf)
        # only pfSense's backend has lab_files (the lab adapters are to move under vpncc/lab/)
        files = dict(backend.lab_files(cust, prof,  # type: ignore[attr-defined]
                                       base.RenderOptions(format=fmt, extra={"routing": routing})))
        notes.append(f"{vendor}: the strongSwan files its configuration amounts to are run")
        # the backend's own changes to its platform's config, one per line, go into report.adaptations
        notes += [line for line in files.pop(ADAPTATIONS_FILE, "").splitlines() if line.strip()]
    return Plan(cust=cust, aws=aws, profile=prof, files=files, fmt=fmt or "swanctl", routing_daemon=routing,
                aws_bgp=aws_bgp, local=local, vpc=vpc, adaptations=notes)


def user_files(given: dict[str, str], vendor: str, prof: Profile) -> tuple[dict[str, str], list[str]]:
    """The user's own config as the bundle the lab runs: strongSwan files by their roles (swanctl.conf or
    ipsec.conf first, ipsec.secrets, frr.conf/bird.conf, the *.sh interface/updown script), or a pfSense
    config.xml through pfSense's own swanctl mapping."""
    from ..errors import UsageError

    names = list(given)
    notes = [f"your configuration as given ({', '.join(names)}); only the changes below were made"]
    if vendor == "pfsense":
        xml = [n for n in names if n.endswith(".xml")]
        if len(xml) != 1:
            raise UsageError("vpncc lab --vendor pfsense --config takes one config.xml")
        import re

        from ..backends.pfsense.lab import build

        prefix = re.sub(r"[^A-Za-z0-9._-]", "-", prof.name_prefix or "aws-vpn")
        b = build(given[xml[0]], script_name=f"vpncc-{prefix}-pfsense.sh", lan=prof.local_networks)
        return dict(b.files), notes + b.adaptations
    main = next((n for n in names if n == "ipsec.conf"), None) or next(
        (n for n in names if n == "swanctl.conf"), None) or next((n for n in names if n.endswith(".conf")
                                                                   and n not in ("frr.conf", "bird.conf")), None)
    if main is None:
        raise UsageError("vpncc lab --config: give the swanctl.conf or ipsec.conf (and its companions: "
                         "ipsec.secrets, frr.conf or bird.conf, the interface script)")
    files = {("ipsec.conf" if main == "ipsec.conf" else "swanctl.conf"): given[main]}
    files.update({n: t for n, t in given.items() if n != main})
    return files, notes


def needed_programs(plan: Plan) -> list[str]:
    need = ["ip", "unshare", "ping", "charon", "swanctl", "vici", "kernel-libipsec", "openssl"]
    if plan.fmt == "legacy":
        need += ["starter", "stroke"]
    daemons = {plan.routing_daemon} | ({plan.aws_bgp} if plan.cust.routing is Routing.BGP else set())
    if "frr" in daemons:
        need += ["zebra", "bgpd", "staticd", "vtysh"]
    if "bird" in daemons:
        need += ["bird", "birdc"]
    return need
