"""TunnelOptions of the AWS API JSON -> Tunnel fields: the accepted sets (``Tunnel.accepted``, source
``tunnel-options``; AWS's defaults for omitted lists), the suite shown (``ike``/``ipsec``), DPD from
DpdTimeoutSeconds, and every other tunnel option into ``Tunnel.aws_options`` (see the module docstring
of vpncc.readers.aws_json for the rules)."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import replace
from typing import Any, Callable, NoReturn

from .. import aws_defaults as D
from ..ir import (
    Accepted,
    AcceptedSource,
    AwsOptions,
    Connection,
    Dpd,
    DpdTimeoutAction,
    Inside,
    InsideV6,
    LogOptions,
    LogOutputFormat,
    StartupAction,
    Tunnel,
)
from . import aws_xml
from .aws_json_doc import Ctx, lookup, val

# Allowed values, API reference VpnTunnelOptionsSpecification / ModifyVpnTunnelOptionsSpecification
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html):
# Phase1/2EncryptionAlgorithms AES128 | AES256 | AES128-GCM-16 | AES256-GCM-16,
# Phase1/2IntegrityAlgorithms SHA1 | SHA2-256 | SHA2-384 | SHA2-512,
# Phase1DHGroupNumbers 2 | 14-24, Phase2DHGroupNumbers 2 | 5 | 14-24, IKEVersions ikev1 | ikev2
# (defaults "ikev1, ikev2" on the VPNTunnels page). All of them apply when the list is omitted.
# The table itself is vpncc.aws_defaults (with GovCloud's minimum).
DEFAULT_ENCRYPTION = D.ENCRYPTION
DEFAULT_INTEGRITY = D.INTEGRITY
DEFAULT_P1_DH = D.PHASE1_DH_GROUPS
DEFAULT_P2_DH = D.PHASE2_DH_GROUPS
DEFAULT_IKE_VERSIONS = D.IKE_VERSIONS
DPD_INTERVAL = 10


def dpd_from_timeout(timeout: int) -> Dpd:
    """DpdTimeoutSeconds -> IR DPD (see the module docstring)."""
    return Dpd(DPD_INTERVAL, max(1, math.ceil((timeout - DPD_INTERVAL) / DPD_INTERVAL)))


def apply_all(conn: Connection, topts: list[Any], tp: tuple[Any, ...], ctx: Ctx, classic: bool, arn: Any,
              warn: Callable[..., None], mark: Callable[[str, tuple[Any, ...]], None],
              govcloud: bool = False) -> Connection:
    tunnels = list(conn.tunnels)
    by_outside = {str(t.outside.aws): i for i, t in enumerate(tunnels) if t.outside.aws is not None}
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for j, o in enumerate(topts):
        addr = val(o, "OutsideIpAddress")
        i = by_outside.get(addr) if isinstance(addr, str) else None
        if i is not None and i not in used:
            pairs.append((j, i))
            used.add(i)
    if len(pairs) < len(topts) and len(topts) == len(tunnels):
        # addresses anonymised or redacted on one side: fall back to document order
        for j in range(len(topts)):
            if all(j != pj for pj, _ in pairs) and j not in used:
                pairs.append((j, j))
                used.add(j)
    for j, o in enumerate(topts):
        if all(j != pj for pj, _ in pairs):
            warn("tunnel-options-unmatched", f"TunnelOptions entry {j + 1} (outside address "
                 f"{val(o, 'OutsideIpAddress')}) matches no tunnel of the XML: ignored", tp + (j,))
    for j, i in sorted(pairs, key=lambda p: p[1]):
        if not isinstance(topts[j], dict):
            raise ctx.err(f"TunnelOptions entry {j + 1} is not an object", tp + (j,))
        tunnels[i] = _apply(conn, tunnels[i], i, topts[j], tp + (j,), ctx, classic, arn, warn, mark, govcloud)
    return replace(conn, tunnels=tuple(tunnels))


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return []
    return [v.get("Value", v.get("value")) if isinstance(v, dict) else v for v in value]


def _apply(conn: Connection, t: Tunnel, i: int, o: dict[str, Any], jp: tuple[Any, ...], ctx: Ctx, classic: bool, arn: Any,
           warn: Callable[..., None], mark: Callable[[str, tuple[Any, ...]], None], govcloud: bool = False) -> Tunnel:
    where = f"tunnel {t.number}"
    p = f"tunnels[{i}]"

    def key(name: str) -> tuple[tuple[Any, ...], Any]:
        k, v = lookup(o, name)
        return jp + (k,), v

    def conv(name: str, fn: Callable[[Any], Any], default: tuple[Any, ...], ir_path: str) -> tuple[Any, ...]:
        kp, v = key(name)
        items = _items(v)
        if not items:
            return default
        try:
            out = tuple(dict.fromkeys(fn(x) if isinstance(x, (str, int)) and not isinstance(x, bool) else _bad(x)
                                      for x in items))  # the API's order, each value once
        except ValueError as e:
            raise ctx.err(f"{where}: {name}: {e}", kp) from None
        mark(ir_path, kp)
        return out

    def integer(name: str, lo: int, hi: int) -> int | None:
        kp, v = key(name)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ctx.err(f"{where}: {name} must be a whole number from {lo} to {hi}, not {aws_xml.short(v)}", kp)
        return v

    def choice(name: str, enum_cls: Any, default: Any, ir_path: str) -> Any:
        kp, v = key(name)
        if v is None or v == "":
            return default
        try:
            out = enum_cls(v.lower()) if isinstance(v, str) else _bad(v)
        except ValueError:
            raise ctx.err(f"{where}: {name} {aws_xml.short(v)} is not one of "
                          + " | ".join(e.value for e in enum_cls), kp) from None
        mark(ir_path, kp)
        return out

    def flag(name: str, default: bool, ir_path: str) -> bool:
        kp, v = key(name)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise ctx.err(f"{where}: {name} must be true or false, not {aws_xml.short(v)}", kp)
        mark(ir_path, kp)
        return v

    ike, esp, outside, inside, v6, dpd = t.ike, t.ipsec, t.outside, t.inside, t.inside_ipv6, t.dpd
    kp, addr = key("OutsideIpAddress")
    if isinstance(addr, str) and addr:
        try:
            # IPv6 for an OutsideIpAddressType Ipv6 connection (transit gateway)
            outside = replace(outside, aws=ipaddress.ip_address(addr))
        except ValueError:
            raise ctx.err(f"{where}: OutsideIpAddress {aws_xml.short(addr)} is not an IP address", kp) from None
        mark(f"{p}.outside.aws", kp)
    kp, cidr = key("TunnelInsideCidr")
    if isinstance(cidr, str) and cidr:
        try:
            net = ipaddress.IPv4Network(cidr, strict=False)
        except ValueError:
            raise ctx.err(f"{where}: TunnelInsideCidr {aws_xml.short(cidr)} is not an IPv4 CIDR", kp) from None
        if net.prefixlen != 30:
            raise ctx.err(f"{where}: TunnelInsideCidr {cidr} is not a /30", kp)
        # AWS takes the first usable address of the /30, the customer gateway the second
        inside = Inside(customer=ipaddress.IPv4Interface((net.network_address + 2, 30)),
                        aws=ipaddress.IPv4Interface((net.network_address + 1, 30)))
        mark(f"{p}.inside.customer", kp)
        mark(f"{p}.inside.aws", kp)
    kp, cidr6 = key("TunnelInsideIpv6Cidr")
    if isinstance(cidr6, str) and cidr6:
        try:
            net6 = ipaddress.IPv6Network(cidr6, strict=False)
        except ValueError:
            raise ctx.err(f"{where}: TunnelInsideIpv6Cidr {aws_xml.short(cidr6)} is not an IPv6 CIDR", kp) from None
        v6 = InsideV6(customer=ipaddress.IPv6Interface((net6.network_address + 2, net6.prefixlen)),
                      aws=ipaddress.IPv6Interface((net6.network_address + 1, net6.prefixlen)))
        mark(f"{p}.inside_ipv6.customer", kp)
        mark(f"{p}.inside_ipv6.aws", kp)

    kp, psk = key("PreSharedKey")
    tunnel_arn = val(o, "PreSharedKeyArn") or arn
    if isinstance(psk, str) and psk and ike.auth == "certificate":
        warn("psk-ignored", f"{where}: the tunnel uses certificate authentication; its PreSharedKey is "
             "not used", kp)
    elif isinstance(psk, str) and psk:
        mark(f"{p}.ike.psk", kp)
        if aws_xml.is_placeholder(psk):
            warn("psk-redacted", f"{where}: PreSharedKey is redacted or a placeholder; supply it to compile", kp)
            ike = replace(ike, psk=None)
        else:
            ike = replace(ike, psk=psk)
    elif isinstance(tunnel_arn, str) and tunnel_arn and ike.psk is None and ike.auth != "certificate":
        warn("psk-in-secrets-manager", f"{where}: the pre-shared key is kept in AWS Secrets Manager ({tunnel_arn}); "
             "vpncc does not fetch it: supply it to compile", kp if kp[-1] else jp)

    keep = classic  # VPN-Classic: omitted lists mean the XML's suite, not "everything"
    dflt = D.default_accepted(govcloud=govcloud)
    ike = replace(
        ike,
        encryption=conv("Phase1EncryptionAlgorithms", aws_xml.encryption,
                        ike.encryption if keep else dflt.ike_encryption, f"{p}.ike.encryption"),
        integrity=conv("Phase1IntegrityAlgorithms", aws_xml.integrity,
                       ike.integrity if keep else dflt.ike_integrity, f"{p}.ike.integrity"),
        dh_groups=conv("Phase1DHGroupNumbers", aws_xml.dh_group,
                       ike.dh_groups if keep else dflt.ike_dh_groups, f"{p}.ike.dh_groups"),
    )
    esp = replace(
        esp,
        encryption=conv("Phase2EncryptionAlgorithms", aws_xml.encryption,
                        esp.encryption if keep else dflt.esp_encryption, f"{p}.ipsec.encryption"),
        integrity=conv("Phase2IntegrityAlgorithms", aws_xml.integrity,
                       esp.integrity if keep else dflt.esp_integrity, f"{p}.ipsec.integrity"),
        pfs_groups=conv("Phase2DHGroupNumbers", aws_xml.dh_group,
                        esp.pfs_groups if keep else dflt.pfs_groups, f"{p}.ipsec.pfs_groups"),
    )
    versions = conv("IkeVersions", aws_xml.ike_version, (ike.version,) if keep else dflt.ike_versions,
                    f"{p}.ike.version")
    ike = replace(ike, version=ike.version if ike.version in versions else versions[0], allowed_versions=versions)
    life1 = integer("Phase1LifetimeSeconds", 900, 28800)
    if life1 is not None:
        ike = replace(ike, lifetime_s=life1)
        mark(f"{p}.ike.lifetime_s", key("Phase1LifetimeSeconds")[0])
    life2 = integer("Phase2LifetimeSeconds", 900, 3600)
    if life2 is not None:
        esp = replace(esp, lifetime_s=life2)
        mark(f"{p}.ipsec.lifetime_s", key("Phase2LifetimeSeconds")[0])
    timeout = integer("DpdTimeoutSeconds", D.DPD_TIMEOUT_MIN, 3600)
    if timeout is not None:
        dpd = dpd_from_timeout(timeout)
        mark(f"{p}.dpd", key("DpdTimeoutSeconds")[0])
        mark(f"{p}.aws_options.dpd_timeout_s", key("DpdTimeoutSeconds")[0])
    accepted = Accepted(
        source=AcceptedSource.TUNNEL_OPTIONS, ike_versions=versions, ike_encryption=ike.encryption,
        ike_integrity=ike.integrity, ike_dh_groups=ike.dh_groups, esp_encryption=esp.encryption,
        esp_integrity=esp.integrity, pfs_groups=esp.pfs_groups,
        ike_lifetime_s=ike.lifetime_s if life1 is not None else _in(ike.lifetime_s, D.PHASE1_LIFETIME_RANGE,
                                                                     D.PHASE1_LIFETIME_S),
        esp_lifetime_s=esp.lifetime_s if life2 is not None else _in(esp.lifetime_s, D.PHASE2_LIFETIME_RANGE,
                                                                     D.PHASE2_LIFETIME_S))
    margin_max = D.rekey_margin_max(accepted.esp_lifetime_s)
    margin = integer("RekeyMarginTimeSeconds", D.REKEY_MARGIN_MIN, margin_max)
    fuzz = integer("RekeyFuzzPercentage", *D.REKEY_FUZZ_RANGE)
    window = integer("ReplayWindowSize", *D.REPLAY_WINDOW_RANGE)
    for name, v, sub in (("RekeyMarginTimeSeconds", margin, "rekey_margin_s"),
                         ("RekeyFuzzPercentage", fuzz, "rekey_fuzz_pct"),
                         ("ReplayWindowSize", window, "replay_window")):
        if v is not None:
            mark(f"{p}.aws_options.{sub}", key(name)[0])
    aws_opts = AwsOptions(
        startup_action=choice("StartupAction", StartupAction, StartupAction.ADD, f"{p}.aws_options.startup_action"),
        dpd_timeout_s=timeout if timeout is not None else t.aws_options.dpd_timeout_s,
        dpd_timeout_action=choice("DpdTimeoutAction", DpdTimeoutAction, DpdTimeoutAction.CLEAR,
                                  f"{p}.aws_options.dpd_timeout_action"),
        rekey_margin_s=margin if margin is not None else min(D.REKEY_MARGIN_S, margin_max),
        rekey_fuzz_pct=fuzz if fuzz is not None else D.REKEY_FUZZ_PCT,
        replay_window=window if window is not None else D.REPLAY_WINDOW,
        lifecycle_control=flag("EnableTunnelLifecycleControl", D.LIFECYCLE_CONTROL,
                               f"{p}.aws_options.lifecycle_control"),
        log=_log_options(o, jp, ctx, where, mark, f"{p}.aws_options.log"),
    )

    bgp, next_hop = t.bgp, t.static_next_hop
    if bgp is not None:
        bgp = replace(bgp, neighbor=inside.aws.ip)
    if next_hop is not None:
        next_hop = inside.aws.ip
    return replace(t, outside=outside, inside=inside, inside_ipv6=v6, ike=ike, ipsec=esp, dpd=dpd, bgp=bgp,
                   static_next_hop=next_hop, accepted=accepted, aws_options=aws_opts)


def _in(value: int, rng: tuple[int, int], default: int) -> int:
    return value if rng[0] <= value <= rng[1] else default


def _log_options(o: dict[str, Any], jp: tuple[Any, ...], ctx: Ctx, where: str,
                 mark: Callable[[str, tuple[Any, ...]], None], ir_path: str) -> LogOptions | None:
    """LogOptions.CloudWatchLogOptions {LogEnabled, LogGroupArn, LogOutputFormat json|text} (API
    VpnTunnelLogOptions / CloudWatchLogOptions)."""
    lk, lo = lookup(o, "LogOptions")
    if not isinstance(lo, dict):
        return None
    ck, cw = lookup(lo, "CloudWatchLogOptions")
    if not isinstance(cw, dict):
        return None
    kp = jp + (lk, ck)
    enabled = val(cw, "LogEnabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ctx.err(f"{where}: LogEnabled must be true or false, not {aws_xml.short(enabled)}", kp)
    arn = val(cw, "LogGroupArn")
    fmt = val(cw, "LogOutputFormat")
    try:
        out_fmt = LogOutputFormat(fmt.lower()) if isinstance(fmt, str) and fmt else None
    except ValueError:
        raise ctx.err(f"{where}: LogOutputFormat {aws_xml.short(fmt)} is not json | text", kp) from None
    mark(ir_path, kp)
    return LogOptions(enabled=bool(enabled), log_group_arn=arn if isinstance(arn, str) and arn else None,
                      output_format=out_fmt)


def _bad(x: Any) -> NoReturn:
    raise ValueError(f"unexpected value {aws_xml.short(x)}")
