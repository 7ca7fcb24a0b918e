"""IR -> AWS "Generic" configuration text, in the current (2022+) layout.

Used by tests (``read(write(ir)) == ir``) and by the lab's AWS-side emulator. The text follows a
real 2022 download line for line (tab padding in key lines, no trailing blanks, no XSL footer).
Where the IR can hold more than a download ever shows, the writer extends the format in ways the
reader understands:

* lists of several algorithms/groups are written comma-separated in one value;
* ``IKE version : IKEv2`` for IKEv2;
* IPv6 inside addresses as ``Customer Gateway IPv6`` / ``Virtual Private Gateway IPv6`` lines under
  ``Inside IP Addresses`` (no real generic file with IPv6 inside addresses has been seen);
* a Transit Gateway with a known id adds ``Your Transit Gateway ID`` (a download leaves the VGW id
  empty and names no TGW);
* ``None`` values (redacted PSK, placeholder addresses/ASN) are written empty, an unknown
  id as its bare prefix (``vpn-``); the reader turns both back into ``None`` with a warning;
* ``fragment_before_encryption = False`` omits the Fragmentation line (as AWS's XSL did), an unset
  phase-1 mode omits the negotiation mode line.
"""

from __future__ import annotations

from ..ir import Connection, GatewayKind, Routing, Tunnel
from ..readers.aws_generic_names import (
    ENCRYPTION_TEXT,
    IKE_INTEGRITY_TEXT,
    IKE_VERSION_TEXT,
    IPSEC_INTEGRITY_TEXT,
    dh_text,
    pfs_text,
)

RULE = "=" * 80

_HEADER = """\
Amazon Web Services
Virtual Private Cloud

VPN Connection Configuration
{rule}
AWS utilizes unique identifiers to manipulate the configuration of
a VPN Connection. Each VPN Connection is assigned a VPN Connection Identifier
and is associated with two other identifiers, namely the
Customer Gateway Identifier and the Virtual Private Gateway Identifier.

Your VPN Connection ID\t\t         : {vpn_id}
Your Virtual Private Gateway ID          : {vgw_id}
{tgw_line}Your Customer Gateway ID    \t\t : {cgw_id}

A VPN Connection consists of a pair of IPSec tunnel security associations (SAs).
It is important that both tunnel security associations be configured.

"""

_TUNNEL = """
IPSec Tunnel #{number}
{rule}
#1: Internet Key Exchange Configuration

Configure the IKE SA as follows:
Please note, these sample configurations are for the minimum requirement of AES128, SHA1, and DH Group 2.
Category "VPN" connections in the GovCloud region have a minimum requirement of AES128, SHA2, and DH Group 14.
You will need to modify these sample configuration files to take advantage of AES256, SHA256, or other DH groups like 2, 14-18, 22, 23, and 24.
NOTE: If you customized tunnel options when creating or modifying your VPN connection, you may need to modify these sample configurations to match the custom settings for your tunnels.

Higher parameters are only available for VPNs of category "VPN," and not for "VPN-Classic".
The address of the external interface for your customer gateway must be a static address.
Your customer gateway may reside behind a device performing network address translation (NAT).
To ensure that NAT traversal (NAT-T) can function, you must adjust your firewall !rules to unblock UDP port 4500.
If not behind NAT, and you are not using an Accelerated VPN, we recommend disabling NAT-T. If you are using an Accelerated VPN, make sure that NAT-T is enabled.
  - IKE version              : {ike_version}
  - Authentication Method    : {auth}
  - Pre-Shared Key           : {psk}
  - Authentication Algorithm : {ike_integrity}
  - Encryption Algorithm     : {ike_encryption}
  - Lifetime                 : {ike_lifetime} seconds
{mode_line}  - Diffie-Hellman           : {dh}

#2: IPSec Configuration

Configure the IPSec SA as follows:
Category "VPN" connections in the GovCloud region have a minimum requirement of AES128, SHA2, and DH Group 14.
Please note, you may use these additionally supported IPSec parameters for encryption like AES256 and other DH groups like 2, 5, 14-18, 22, 23, and 24.
NOTE: If you customized tunnel options when creating or modifying your VPN connection, you may need to modify these sample configurations to match the custom settings for your tunnels.

Higher parameters are only available for VPNs of category "VPN," and not for "VPN-Classic".
  - Protocol                 : {protocol}
  - Authentication Algorithm : {ipsec_integrity}
  - Encryption Algorithm     : {ipsec_encryption}
  - Lifetime                 : {ipsec_lifetime} seconds
  - Mode                     : {ipsec_mode}
  - Perfect Forward Secrecy  : {pfs}

IPSec Dead Peer Detection (DPD) will be enabled on the AWS Endpoint. We
recommend configuring DPD on your endpoint as follows:
  - DPD Interval             : {dpd_interval}
  - DPD Retries              : {dpd_retries}

IPSec ESP (Encapsulating Security Payload) inserts additional
headers to transmit packets. These headers require additional space,
which reduces the amount of space available to transmit application data.
To limit the impact of this behavior, we recommend the following
configuration on your Customer Gateway:
  - TCP MSS Adjustment       : {mss} bytes
  - Clear Don't Fragment Bit : {clear_df}
{fragmentation_line}
#3: Tunnel Interface Configuration

Your Customer Gateway must be configured with a tunnel interface that is
associated with the IPSec tunnel. All traffic transmitted to the tunnel
interface is encrypted and transmitted to the Virtual Private Gateway.



The Customer Gateway and Virtual Private Gateway each have two addresses that relate
to this IPSec tunnel. Each contains an outside address, upon which encrypted
traffic is exchanged. Each also contain an inside address associated with
the tunnel interface.

The Customer Gateway outside IP address was provided when the Customer Gateway
was created. Changing the IP address requires the creation of a new
Customer Gateway.

The Customer Gateway inside IP address should be configured on your tunnel
interface.

Outside IP Addresses:
  - Customer Gateway \t\t        : {outside_customer}
  - Virtual Private Gateway\t        : {outside_aws}

Inside IP Addresses
  - Customer Gateway         \t\t: {inside_customer}
  - Virtual Private Gateway             : {inside_aws}
{inside_v6_lines}
Configure your tunnel to fragment at the optimal size:
  - Tunnel interface MTU     : {mtu} bytes

{routing}
"""

_BGP = """\
#4: Border Gateway Protocol (BGP) Configuration:

The Border Gateway Protocol (BGPv4) is used within the tunnel, between the inside
IP addresses, to exchange routes from the VPC to your home network. Each
BGP router has an Autonomous System Number (ASN). Your ASN was provided
to AWS when the Customer Gateway was created.

BGP Configuration Options:
  - Customer Gateway ASN\t          : {customer_asn}
  - Virtual Private  Gateway ASN          : {aws_asn}
  - Neighbor IP Address     \t\t  : {neighbor}
  - Neighbor Hold Time       : {hold_time}

Configure BGP to announce routes to the Virtual Private Gateway. The gateway
will announce prefixes to your customer gateway based upon the prefix you
assigned to the VPC at creation time.

"""

_STATIC = """\
#4: Static Routing Configuration:

To route traffic between your internal network and your VPC,
you will need a static route added to your router.

Static Route Configuration Options:

  - Next hop       : {next_hop}

You should add static routes towards your internal network on the VGW.
The VGW will then send traffic towards your internal network over
the tunnels.

"""

_FOOTER = """

Additional Notes and Questions
{rule}

  - Amazon Virtual Private Cloud Getting Started Guide:
      http://docs.amazonwebservices.com/AmazonVPC/latest/GettingStartedGuide
  - Amazon Virtual Private Cloud Network Administrator Guide:
      http://docs.amazonwebservices.com/AmazonVPC/latest/NetworkAdminGuide
"""


def _opt(value: object) -> str:
    return "" if value is None else str(value)


def _join(values) -> str:
    return ", ".join(values)


def _tunnel(t: Tunnel, routing: Routing) -> str:
    ike, ipsec = t.ike, t.ipsec
    if routing is Routing.BGP and t.bgp is not None:
        route = _BGP.format(customer_asn=_opt(t.bgp.customer_asn), aws_asn=t.bgp.aws_asn,
                            neighbor=t.bgp.neighbor, hold_time=t.bgp.hold_time_s)
    else:
        route = _STATIC.format(next_hop=_opt(t.static_next_hop))
    v6 = ""
    if t.inside_ipv6 is not None:
        v6 = (f"  - Customer Gateway IPv6              : {t.inside_ipv6.customer.with_prefixlen}\n"
              f"  - Virtual Private Gateway IPv6       : {t.inside_ipv6.aws.with_prefixlen}\n")
    return _TUNNEL.format(
        number=t.number, rule=RULE,
        ike_version=IKE_VERSION_TEXT[ike.version],
        auth="Pre-Shared Key" if ike.auth == "psk" else ike.auth.title(),
        psk=_opt(ike.psk),
        ike_integrity=_join(IKE_INTEGRITY_TEXT[i] for i in ike.integrity),
        ike_encryption=_join(ENCRYPTION_TEXT[e] for e in ike.encryption),
        ike_lifetime=ike.lifetime_s,
        mode_line="" if ike.mode is None else f"  - Phase 1 Negotiation Mode : {ike.mode.value}\n",
        dh=_join(dh_text(g) for g in ike.dh_groups),
        protocol=ipsec.protocol,
        ipsec_integrity=_join(IPSEC_INTEGRITY_TEXT[i] for i in ipsec.integrity),
        ipsec_encryption=_join(ENCRYPTION_TEXT[e] for e in ipsec.encryption),
        ipsec_lifetime=ipsec.lifetime_s, ipsec_mode=ipsec.mode,
        pfs=_join(pfs_text(g) for g in ipsec.pfs_groups),
        dpd_interval=t.dpd.interval_s, dpd_retries=t.dpd.retries,
        mss=t.tcp_mss, clear_df="enabled" if t.clear_df else "disabled",
        fragmentation_line="  - Fragmentation            : Before encryption\n" if t.fragment_before_encryption
        else "",
        outside_customer=_opt(t.outside.customer), outside_aws=_opt(t.outside.aws),
        inside_customer=t.inside.customer.with_prefixlen, inside_aws=t.inside.aws.with_prefixlen,
        inside_v6_lines=v6, mtu=t.mtu, routing=route,
    )


def write(conn: Connection) -> str:
    """The generic text of ``conn`` (2022 layout, LF line ends, final newline)."""
    gw = conn.gateway
    tgw = gw.kind is GatewayKind.TGW
    out = [_HEADER.format(
        rule=RULE,
        vpn_id=conn.vpn_connection_id or "vpn-",
        # A TGW attachment leaves the VGW id empty; an unknown VGW id is the bare prefix.
        vgw_id="" if tgw else (gw.id or "vgw-"),
        tgw_line=f"Your Transit Gateway ID                  : {gw.id}\n" if tgw and gw.id else "",
        cgw_id=conn.customer_gateway_id or "cgw-",
    )]
    out += [_tunnel(t, conn.routing) for t in conn.tunnels]
    out.append(_FOOTER.format(rule=RULE))
    return "".join(out)
