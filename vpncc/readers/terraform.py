"""Reader for Terraform's JSON: ``terraform show -json`` (state or saved plan), a raw ``terraform.tfstate``
(format version 4) and ``terraform output -json``, with ``aws_vpn_connection`` resources of the AWS provider.

Each connection is turned into the EC2 API's shape and read by vpncc.readers.aws_json, so a Terraform
state gives the same IR as the equivalent ``aws ec2 describe-vpn-connections`` output:

- ``customer_gateway_configuration`` (the XML AWS returns) is the base, as the API's embedded XML;
- the provider's ``tunnel1_*`` / ``tunnel2_*`` arguments are the tunnel options (authoritative, like the
  API's ``TunnelOptions``): ``tunnelN_address`` -> OutsideIpAddress, ``tunnelN_inside_cidr``,
  ``tunnelN_inside_ipv6_cidr``, ``tunnelN_preshared_key``, ``tunnelN_phase1|2_encryption_algorithms``,
  ``..._integrity_algorithms``, ``..._dh_group_numbers``, ``..._lifetime_seconds``, ``tunnelN_ike_versions``,
  ``tunnelN_dpd_timeout_seconds|action``, ``tunnelN_rekey_margin_time_seconds``,
  ``tunnelN_rekey_fuzz_percentage``, ``tunnelN_replay_window_size``, ``tunnelN_startup_action``,
  ``tunnelN_enable_tunnel_lifecycle_control``, ``tunnelN_log_options``;
- the connection's ``static_routes_only``, ``enable_acceleration``, ``local|remote_ipv4|ipv6_network_cidr``,
  ``outside_ip_address_type``, ``tunnel_inside_ip_version``, ``transport_transit_gateway_attachment_id``,
  ``routes`` are its Options and Routes.

Attribute names: the AWS provider's resource reference, "aws_vpn_connection"
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpn_connection), the same
names as Pulumi's generated VpnConnection (https://pub.dev/documentation/pulumi_aws/latest/ec2/VpnConnection/
VpnConnection.html, tunnel1DpdTimeoutAction ... tunnel1RekeyFuzzPercentage).

Terraform writes an argument the configuration leaves unset as ``[]``, ``0``, ``""`` or ``null`` in the
state: such a value is treated as omitted (AWS's defaults: every value it allows, as an API TunnelOptions
entry that omits a list). ``terraform show -json`` prints sensitive values (the PSKs) in plain text;
``sensitive_values`` only marks them. In a plan, ``customer_gateway_configuration`` of a connection that
does not exist yet is "known after apply": that connection is skipped with a note.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Iterator

#: a position in the JSON document: keys and list indexes from the root
Path_ = tuple[Any, ...]

from ..errors import InputError
from ..ir import Connection, Source
from . import aws_json
from .aws_json_doc import Ctx

FORMAT = "terraform"
RESOURCE = "aws_vpn_connection"

# connection attribute -> key of the API's VpnConnection / VpnConnectionOptions
_TOP = {"id": "VpnConnectionId", "customer_gateway_id": "CustomerGatewayId", "vpn_gateway_id": "VpnGatewayId",
        "transit_gateway_id": "TransitGatewayId", "type": "Type", "category": "Category",
        "customer_gateway_configuration": "CustomerGatewayConfiguration", "preshared_key_arn": "PreSharedKeyArn"}
_OPTIONS = {"static_routes_only": "StaticRoutesOnly", "enable_acceleration": "EnableAcceleration",
            "local_ipv4_network_cidr": "LocalIpv4NetworkCidr", "remote_ipv4_network_cidr": "RemoteIpv4NetworkCidr",
            "local_ipv6_network_cidr": "LocalIpv6NetworkCidr", "remote_ipv6_network_cidr": "RemoteIpv6NetworkCidr",
            "outside_ip_address_type": "OutsideIpAddressType", "tunnel_inside_ip_version": "TunnelInsideIpVersion",
            "transport_transit_gateway_attachment_id": "TransportTransitGatewayAttachmentId"}
# tunnelN_<suffix> -> TunnelOptions key
_TUNNEL = {"address": "OutsideIpAddress", "inside_cidr": "TunnelInsideCidr",
           "inside_ipv6_cidr": "TunnelInsideIpv6Cidr", "preshared_key": "PreSharedKey",
           "phase1_encryption_algorithms": "Phase1EncryptionAlgorithms",
           "phase2_encryption_algorithms": "Phase2EncryptionAlgorithms",
           "phase1_integrity_algorithms": "Phase1IntegrityAlgorithms",
           "phase2_integrity_algorithms": "Phase2IntegrityAlgorithms",
           "phase1_dh_group_numbers": "Phase1DHGroupNumbers", "phase2_dh_group_numbers": "Phase2DHGroupNumbers",
           "phase1_lifetime_seconds": "Phase1LifetimeSeconds", "phase2_lifetime_seconds": "Phase2LifetimeSeconds",
           "ike_versions": "IkeVersions", "dpd_timeout_seconds": "DpdTimeoutSeconds",
           "dpd_timeout_action": "DpdTimeoutAction", "rekey_margin_time_seconds": "RekeyMarginTimeSeconds",
           "rekey_fuzz_percentage": "RekeyFuzzPercentage", "replay_window_size": "ReplayWindowSize",
           "startup_action": "StartupAction", "enable_tunnel_lifecycle_control": "EnableTunnelLifecycleControl",
           "log_options": "LogOptions"}


class _Ctx(Ctx):
    """Positions in the Terraform document for paths of the API-shaped object built from it."""

    def __init__(self, text: str, path: str | None) -> None:
        super().__init__(text, path)
        self.alias: dict[Path_, Path_] = {}

    def pos(self, jpath: Path_) -> Any:
        for n in range(len(jpath), 0, -1):
            real = self.alias.get(jpath[:n])
            if real is not None:
                return self.index.position(real + jpath[n:]) or self.index.position(real)
        return None


def _unset(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {} or (isinstance(v, int) and not isinstance(v, bool) and v == 0)


def _block(v: Any) -> Any:
    """A nested block is a one-item list in Terraform's JSON: the item, recursively, with API key names."""
    while isinstance(v, list) and len(v) == 1 and isinstance(v[0], dict):
        v = v[0]
    if isinstance(v, dict):
        return {k: _block(x) for k, x in v.items()}
    return v


def _api_object(values: dict[str, Any], real: Path_, ctx: _Ctx, syn: Path_) -> dict[str, Any]:
    """The API's VpnConnection for one resource's attribute values (``real``: their JSON path)."""
    obj: dict[str, Any] = {}
    opts: dict[str, Any] = {}
    for tf, api in _TOP.items():
        if not _unset(values.get(tf)):
            obj[api] = values[tf]
            ctx.alias[syn + (api,)] = real + (tf,)
    for tf, api in _OPTIONS.items():
        v = values.get(tf)
        if isinstance(v, bool) or not _unset(v):
            opts[api] = v
            ctx.alias[syn + ("Options", api)] = real + (tf,)
    routes = values.get("routes")
    if isinstance(routes, list) and routes:
        obj["Routes"] = routes
        ctx.alias[syn + ("Routes",)] = real + ("routes",)
    tunnels: list[Any] = []
    for n in (1, 2):
        entry: dict[str, Any] = {}
        for suffix, api in _TUNNEL.items():
            tf = f"tunnel{n}_{suffix}"
            v = values.get(tf)
            if suffix == "enable_tunnel_lifecycle_control" and isinstance(v, bool):
                entry[api] = v
            elif not _unset(v):
                entry[api] = _block(v) if suffix == "log_options" else v
            else:
                continue
            ctx.alias[syn + ("Options", "TunnelOptions", len(tunnels), api)] = real + (tf,)
        if "OutsideIpAddress" in entry:
            tunnels.append(entry)
    if tunnels:
        opts["TunnelOptions"] = tunnels
    obj["Options"] = opts
    ctx.alias[syn] = real
    return obj


def _module_resources(module: Any, jp: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """(path of ``values``, values) of every aws_vpn_connection in a show -json module, child modules too."""
    if not isinstance(module, dict):
        return
    for i, r in enumerate(module.get("resources") or ()):
        if isinstance(r, dict) and r.get("type") == RESOURCE and r.get("mode", "managed") == "managed" \
                and isinstance(r.get("values"), dict):
            yield jp + ("resources", i, "values"), r["values"]
    for i, child in enumerate(module.get("child_modules") or ()):
        yield from _module_resources(child, jp + ("child_modules", i))


def _looks_like_connection(v: Any) -> bool:
    return isinstance(v, dict) and ("customer_gateway_configuration" in v or "tunnel1_address" in v)


def _outputs(data: dict[str, Any]) -> Iterator[tuple[Path_, Any]]:
    """``terraform output -json``: {name: {sensitive, type, value}}; a value may be a whole resource, a map
    or list of them (for_each/count), or the customer_gateway_configuration XML string."""
    for name, out in data.items():
        if not isinstance(out, dict) or "value" not in out:
            continue
        v, jp = out["value"], (name, "value")
        if _looks_like_connection(v) or (isinstance(v, str) and "<vpn_connection" in v):
            yield jp, v
        elif isinstance(v, dict):
            for k, item in v.items():
                if _looks_like_connection(item):
                    yield jp + (k,), item
        elif isinstance(v, list):
            for i, item in enumerate(v):
                if _looks_like_connection(item):
                    yield jp + (i,), item


def _resources(data: Any, ctx: _Ctx) -> Iterator[tuple[Path_, Any]]:
    if not isinstance(data, dict):
        raise ctx.err("the Terraform JSON is not an object", ())
    if isinstance(data.get("values"), dict):                          # terraform show -json (state)
        yield from _module_resources(data["values"].get("root_module"), ("values", "root_module"))
    elif isinstance(data.get("planned_values"), dict):                # terraform show -json PLANFILE
        yield from _module_resources(data["planned_values"].get("root_module"), ("planned_values", "root_module"))
    elif isinstance(data.get("resources"), list):                     # terraform.tfstate, version 4
        for i, r in enumerate(data["resources"]):
            if isinstance(r, dict) and r.get("type") == RESOURCE and r.get("mode", "managed") == "managed":
                for j, inst in enumerate(r.get("instances") or ()):
                    if isinstance(inst, dict) and isinstance(inst.get("attributes"), dict):
                        yield ("resources", i, "instances", j, "attributes"), inst["attributes"]
    else:                                                             # terraform output -json
        yield from _outputs(data)


def read_all(text: str, path: str | None = None, *, skipped: list[tuple[str | None, str]] | None = None,
             ) -> list[Connection]:
    """Every aws_vpn_connection in a Terraform JSON document, in document order.

    Raises InputError when the document holds none that can be read; connections whose
    customer_gateway_configuration is not known (a plan before apply) go to ``skipped`` as (id, reason)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path, e.lineno, e.colno) from None
    except (RecursionError, ValueError):
        raise InputError("invalid JSON", path) from None
    ctx = _Ctx(text, path)
    out: list[Connection] = []
    dropped: list[tuple[str | None, str]] = []
    for k, (real, values) in enumerate(_resources(data, ctx)):
        syn = ("terraform", k)
        if isinstance(values, str):                                    # an output holding only the XML
            ctx.alias[syn + ("CustomerGatewayConfiguration",)] = real
            obj: dict[str, Any] = {"CustomerGatewayConfiguration": values}
        else:
            obj = _api_object(values, real, ctx, syn)
        if "CustomerGatewayConfiguration" not in obj:
            dropped.append((obj.get("VpnConnectionId"), "customer_gateway_configuration is not known (a plan "
                            "before apply?): run vpncc on `terraform show -json` after apply"))
            continue
        conn = aws_json._connection(obj, syn, ctx, [], dropped, {})
        if conn is not None:
            out.append(replace(conn, source=Source(format=FORMAT, path=path, layout=None)))
    if skipped is not None:
        skipped.extend(dropped)
    if not out:
        why = "; ".join(f"{i or 'connection'}: {r}" for i, r in dropped) or f"no {RESOURCE} resource in it"
        raise InputError(f"no usable VPN connection in the Terraform JSON ({why})", path,
                         hint="give `terraform show -json` (state or plan), terraform.tfstate or "
                              "`terraform output -json` of an output holding the aws_vpn_connection")
    return out
