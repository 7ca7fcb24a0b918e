"""What a device's show output says, platform-neutral: IKE SAs, child (IPsec) SAs, BGP peers and tunnel
interfaces, each keyed by the address that matches it to an AWS tunnel (the AWS outside address for
IKE/IPsec/interfaces, the AWS inside address for BGP)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class IkeSa:
    peer: str                     #: the remote (AWS) outside address
    up: bool
    state: str                    #: the device's own word (QM_IDLE, READY, ESTABLISHED, MM_KEY_EXCH, ...)
    version: int | None = None
    local: str | None = None


@dataclass(frozen=True)
class ChildSa:
    peer: str
    up: bool
    state: str
    packets_in: int | None = None
    packets_out: int | None = None
    path_mtu: int | None = None   #: the MTU the device computed for the SA, when it prints one
    pfs: str | None = None


@dataclass(frozen=True)
class BgpPeer:
    neighbor: str | None          #: None when the command does not print it (birdc show protocols)
    established: bool
    state: str
    remote_as: int | None = None
    prefixes_received: int | None = None
    name: str | None = None
    #: FRR's "(Policy)": an eBGP session without an import/export policy exchanges no routes (RFC 8212)
    policy_blocked: bool = False


@dataclass(frozen=True)
class TunnelInterface:
    name: str
    up: bool
    state: str
    destination: str | None = None
    source: str | None = None
    mtu: int | None = None        #: the IP MTU of the tunnel interface, when printed
    transport_mtu: int | None = None


@dataclass
class ShowResult:
    """One --show file: the command recognised (or None) and what it says."""

    file: str
    platform: str | None = None
    command: str | None = None
    parser: str | None = None     #: "ntc-templates:<template>" or "vpncc"
    ike: list[IkeSa] = field(default_factory=list)
    child: list[ChildSa] = field(default_factory=list)
    bgp: list[BgpPeer] = field(default_factory=list)
    interfaces: list[TunnelInterface] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        """Which kinds of state this output covers: an empty list then means "none on the device"."""
        return KINDS.get(self.command or "", set())

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "platform": self.platform, "command": self.command, "parser": self.parser,
                "notes": list(self.notes)}


#: command -> kinds of state it lists completely (so a tunnel absent from it has none of that kind)
KINDS: dict[str, set[str]] = {}


def command(name: str, *kinds: str) -> str:
    KINDS[name] = set(kinds)
    return name


def as_dict(obj: Any) -> dict[str, Any]:
    return asdict(obj)
