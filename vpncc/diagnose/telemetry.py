"""The AWS side's view of each tunnel: ``VgwTelemetry`` of ``aws ec2 describe-vpn-connections``.

Read here from the JSON document itself (the IR has no place for run-time state): one entry per tunnel
with Status UP|DOWN, StatusMessage, AcceptedRouteCount, LastStatusChange and the AWS OutsideIpAddress,
which matches it to an IR tunnel (API reference, "VgwTelemetry": "lastStatusChange ... is updated when
changes in IKE (Phase 1), IPSec (Phase 2), or BGP status are detected"; StatusMessage is only "a
description of the error"). For a BGP connection the tunnel counts as up only with BGP established (the
CloudWatch TunnelState metric, AWS Site-to-Site VPN User Guide "Monitoring your Site-to-Site VPN
tunnels": "For BGP VPNs, 1 indicates ESTABLISHED and 0 is used for all other states"); vpncc reads DOWN
with the message "IPSEC IS UP" as IPsec up and BGP down. Any other input (generic text, XML): no
telemetry, and the diagnosis says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Telemetry:
    outside: str
    status: str            #: "UP" | "DOWN" (as AWS writes it)
    message: str           #: "" when AWS gave none
    accepted_routes: int | None
    last_change: str | None

    @property
    def up(self) -> bool:
        return self.status.upper() == "UP"

    @property
    def ipsec_up(self) -> bool:
        """IPsec up: UP, or DOWN saying "IPSEC IS UP" (BGP down), or a message counting BGP routes."""
        msg = self.message.upper()
        return self.up or "IPSEC IS UP" in msg

    def to_dict(self) -> dict[str, Any]:
        return {"outside_address": self.outside, "status": self.status, "message": self.message,
                "accepted_routes": self.accepted_routes, "last_status_change": self.last_change}


def _key(d: dict, name: str) -> Any:
    want = name.lower().replace("_", "")
    for k, v in d.items():
        if isinstance(k, str) and k.lower().replace("_", "") == want:
            return v
    return None


def _connections(doc: Any) -> list[dict]:
    if isinstance(doc, list):
        return [c for c in doc if isinstance(c, dict)]
    if isinstance(doc, dict):
        many = _key(doc, "VpnConnections")
        if isinstance(many, list):
            return [c for c in many if isinstance(c, dict)]
        one = _key(doc, "VpnConnection")
        if isinstance(one, dict):
            return [one]
        if _key(doc, "VpnConnectionId") is not None:
            return [doc]
    return []


def read(text: str) -> dict[str, dict[str, Telemetry]] | None:
    """connection id -> {AWS outside address: Telemetry}; None when the text is not API JSON."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    out: dict[str, dict[str, Telemetry]] = {}
    for c in _connections(doc):
        cid = str(_key(c, "VpnConnectionId") or "")
        rows = _key(c, "VgwTelemetry")
        if not isinstance(rows, list):
            continue
        tel = {}
        for row in rows:
            if not isinstance(row, dict) or not _key(row, "OutsideIpAddress"):
                continue
            routes = _key(row, "AcceptedRouteCount")
            tel[str(_key(row, "OutsideIpAddress"))] = Telemetry(
                outside=str(_key(row, "OutsideIpAddress")), status=str(_key(row, "Status") or "").upper(),
                message=str(_key(row, "StatusMessage") or ""),
                accepted_routes=routes if isinstance(routes, int) else None,
                last_change=str(_key(row, "LastStatusChange")) if _key(row, "LastStatusChange") else None)
        out[cid] = tel
    return out
