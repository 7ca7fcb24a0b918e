"""Reader for AWS's XML form of a VPN connection (``CustomerGatewayConfiguration``).

The XML is what ``aws ec2 describe-vpn-connections`` embeds in each connection and what Terraform
exposes as ``customer_gateway_configuration``: ``<vpn_connection id="vpn-...">`` with one
``<ipsec_tunnel>`` per tunnel (element tree in docs/aws-generic-format.md section 5).

Hardening: the document is parsed by :mod:`vpncc.readers.xml_doc` (defusedxml, no DTD, bounded depth).

Decisions (the XML is silent on these):
- IKE version: no element exists in any XML seen; ``ikev1`` (what AWS generates the file for).
- MTU: no element; 1436, the constant every AWS generic file prints ("Tunnel interface MTU 1436").
  No warning: it is AWS's fixed value, and the IR of the XML must equal the IR of the generic text
  of the same connection.
- ``ike/perfect_forward_secrecy`` is the phase-1 DH group (as the old generic layout's IKE
  "Perfect Forward Secrecy" line), ``ipsec/perfect_forward_secrecy`` the phase-2 PFS group.
- IPv6 inside addresses come as ``prefix_length 128`` per address; AWS allocates a /126
  (TunnelInsideIpv6Cidr), so two addresses in one /126 are stored with /126 (warning
  ``ipv6-prefix-widened``), matching the contract's "/126 for IPv6".
- Tolerated oddities: no XML declaration, whitespace before it, whitespace around values,
  ``<vpn_gateway_id />``, XML stored with literal ``\\n`` sequences (CloudWanderer) or as a quoted
  JSON string, a bare ``<REDACTED_FOR_SECURITY>`` pasted over a value.

Warning codes (placeholders as the generic reader names them): ``psk-redacted``, ``redacted``,
``placeholder``, ``id-truncated``, ``id-unusual``, ``id-invalid``, ``value-defaulted``, ``xml-escaped``,
``ipv6-prefix-widened``, ``routing-inconsistent``, ``bgp-hold-time-differs``,
``unknown-connection-type``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Callable

from .. import aws_defaults
from ..errors import InputError
from ..ir import (
    AWS_ENCRYPTION,
    DH_GROUPS,
    Bgp,
    Connection,
    Dpd,
    Encryption,
    Gateway,
    GatewayKind,
    Ike,
    IkeVersion,
    Inside,
    InsideV6,
    Integrity,
    Ipsec,
    NegotiationMode,
    Outside,
    Position,
    Routing,
    Source,
    Tunnel,
    Warning,
)

FORMAT = "aws-xml"
#: AWS's tunnel interface MTU, printed in every generic file and absent from the XML.
AWS_MTU = 1436

# -- vocabulary (shared with aws_json): any AWS spelling -> IR enum -----------------------------

_ENC = {"aes128": Encryption.AES128, "aes256": Encryption.AES256,
        "aes128gcm16": Encryption.AES128_GCM_16, "aes256gcm16": Encryption.AES256_GCM_16}
_INT = {"sha1": Integrity.SHA1, "sha2256": Integrity.SHA2_256, "sha2384": Integrity.SHA2_384,
        "sha2512": Integrity.SHA2_512, "sha256": Integrity.SHA2_256, "sha384": Integrity.SHA2_384,
        "sha512": Integrity.SHA2_512}


def encryption(value: str) -> Encryption:
    """``aes-128-cbc``, ``AES128``, ``aes-256-gcm-16``... -> Encryption (ValueError if unknown)."""
    key = re.sub(r"[-_ ]", "", value.strip().lower())
    key = key.removesuffix("cbc")
    if key in _ENC:
        return _ENC[key]
    raise ValueError(f"unknown encryption algorithm {short(value.strip())} (AWS offers "
                     + ", ".join(e.value for e in AWS_ENCRYPTION) + ")")


def integrity(value: str) -> Integrity:
    """``sha1``, ``hmac-sha1-96``, ``SHA2-256``, ``hmac-sha2-256-128``... -> Integrity."""
    v = value.strip().lower()
    # ESP spellings carry the truncated ICV length: hmac-sha1-96, hmac-sha2-256-128
    m = re.fullmatch(r"hmac-(sha1|sha2-\d{3})(?:-\d+)?", v)
    if m:
        v = m.group(1)
    key = re.sub(r"[-_ ]", "", v)
    if key in _INT:
        return _INT[key]
    raise ValueError(f"unknown integrity algorithm {short(value.strip())} (AWS offers "
                     + ", ".join(i.value for i in Integrity) + ")")


def dh_group(value: object) -> int:
    """``group2``, ``Group 14``, ``Diffie-Hellman Group 14``, ``14``, 14 -> 14."""
    if isinstance(value, bool):
        raise ValueError(f"not a Diffie-Hellman group: {short(value)}")
    if isinstance(value, int):
        n = value
    else:
        m = re.fullmatch(r"(?:diffie-hellman\s*)?(?:group\s*|modp)?(\d+)", str(value).strip().lower())
        if not m:
            raise ValueError(f"not a Diffie-Hellman group: {short(str(value).strip())}")
        n = int(m.group(1))
    if n not in DH_GROUPS:
        raise ValueError(f"Diffie-Hellman group {n} is not one AWS offers ("
                         + ", ".join(map(str, DH_GROUPS)) + ")")
    return n


def ike_version(value: str) -> IkeVersion:
    v = value.strip().lower()
    if v in ("ikev1", "ikev2"):
        return IkeVersion(v)
    raise ValueError(f"unknown IKE version {short(value.strip())} (ikev1 or ikev2)")


def short(value: object, limit: int = 60) -> str:
    """repr of a value for a message, cut to ``limit`` characters."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 4] + "...'"


def placeholder_kind(value: str | None) -> str | None:
    """``"empty"``, ``"redacted"``, ``"placeholder"`` or None: the generic reader's rules, so all AWS
    forms treat ``<REDACTED_FOR_SECURITY>``, all-X, ``YOUR_UPLINK_ADDRESS``... alike (format notes s6)."""
    from .aws_generic_names import placeholder_kind as kind

    return "empty" if value is None else kind(value)


def aws_id(prefix: str, value: str | None, label: str) -> tuple[str | None, tuple[str, str] | None]:
    """An AWS identifier checked as the generic reader does: (kept value or None, (code, message))."""
    v = (value or "").strip()
    if re.fullmatch(rf"{prefix}-[0-9a-f]{{8}}(?:[0-9a-f]{{9}})?", v):
        return v, None
    if not v or v.lower() in (prefix, prefix + "-"):
        return None, ("id-truncated", f"{label} is empty or truncated")
    suffix = v[len(prefix) + 1:]
    if re.fullmatch(rf"{prefix}-[A-Za-z0-9]+", v):
        if len(set(suffix.lower())) == 1 or "example" in suffix.lower():
            # vpn-11111111 (CloudWanderer), vgw-xxxxxxxx, vpn-0999ab4ae3EXAMPLE: edited or documentation ids
            return None, ("placeholder", f"{label} {short(v)} is a placeholder, not a real identifier")
        return v, ("id-unusual", f"{label} {short(v)} is not a usual AWS identifier ({prefix}- and 8 or 17 hex "
                                 "digits); kept as written")
    return None, ("id-invalid", f"{label} {short(v)} is not an AWS {prefix}- identifier; ignored")


def is_placeholder(value: str | None) -> bool:
    return placeholder_kind(value) is not None


_STATE = {"empty": "is empty", "redacted": "is redacted", "placeholder": "is a placeholder, not a real value"}

from .xml_doc import Doc, Node, parse


class _Reader:
    def __init__(self, doc: Doc, path: str | None, fmt: str) -> None:
        self.doc = doc
        self.path = path
        self.fmt = fmt
        self.warnings: list[Warning] = list(doc.warnings)
        self.origin: dict[str, Position] = {}

    # helpers
    def err(self, message: str, node: Node | None, hint: str | None = None) -> InputError:
        pos = self.doc.position(node)
        line = pos.line if pos else None
        return InputError(message, self.path, line, pos.column if pos else None, self.doc.line_text(line), hint)

    def warn(self, code: str, message: str, node: Node | None) -> None:
        pos = self.doc.position(node)
        self.warnings.append(Warning(code, message, pos.line if pos else None))

    def mark(self, ir_path: str, node: Node | None) -> None:
        pos = self.doc.position(node)
        if pos is not None:
            self.origin[ir_path] = pos

    def need(self, parent: Node, *tags: str, where: str) -> Node:
        node = parent.path(*tags)
        if node is None:
            raise self.err(f"{where}: missing <{'/'.join(tags)}>", parent)
        return node

    def conv(self, node: Node, fn: Callable[[str], Any], what: str) -> Any:
        try:
            return fn(node.text)
        except ValueError as e:
            msg = str(e) if str(e) else f"bad {what}"
            raise self.err(f"{what}: {msg}" if what not in msg else msg, node) from None

    def integer(self, node: Node, what: str, lo: int = 0, hi: int = 2**32 - 1) -> int:
        t = node.text
        if not re.fullmatch(r"\d+", t):
            raise self.err(f"{what} must be a whole number, not {short(t)}", node)
        n = int(t)
        if not lo <= n <= hi:
            raise self.err(f"{what} {n} is out of range ({lo}-{hi})", node)
        return n

    def boolean(self, node: Node | None, what: str, default: bool, ir_path: str, where: str) -> bool:
        if node is None:
            self.warn("value-defaulted", f"{where}: no <{what}>; using {str(default).lower()}", None)
            return default
        self.mark(ir_path, node)
        t = node.text.lower()
        if t in ("true", "yes", "1", "enabled"):
            return True
        if t in ("false", "no", "0", "disabled"):
            return False
        raise self.err(f"{what} must be true or false, not {short(node.text)}", node)

    def ipv4(self, node: Node, what: str, ir_path: str,
             where: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        self.mark(ir_path, node)
        t = node.text
        kind = placeholder_kind(t)
        if kind is not None:
            self.warn("placeholder" if kind == "placeholder" else "redacted",
                      f"{where}: the {what} {_STATE[kind]}; supply it when compiling", node)
            return None
        try:
            return ipaddress.IPv4Address(t)
        except ValueError:
            pass
        try:
            # an IPv6 outside address: OutsideIpAddressType Ipv6 (transit gateway connections)
            return ipaddress.IPv6Address(t)
        except ValueError:
            raise self.err(f"{where}: {what} {short(t)} is not an IPv4 (or IPv6) address", node) from None

    # the document
    def connections(self) -> list[Connection]:
        root = self.doc.root
        if root.tag == "vpn_connection":
            return [self.connection(root)]
        found = [n for n in root.children if n.tag == "vpn_connection"]
        if not found:
            raise self.err(f"no <vpn_connection> element (the root element is <{root.tag}>)", root,
                           hint="give the CustomerGatewayConfiguration XML of a VPN connection")
        out = []
        for n in found:
            sub = _Reader(self.doc, self.path, self.fmt)
            sub.warnings = list(self.warnings)
            out.append(sub.connection(n))
        return out

    def ident(self, prefix: str, value: str | None, label: str, node: Node | None) -> str | None:
        checked, note = aws_id(prefix, value, label)
        if note:
            self.warn(note[0], note[1], node)
        return checked

    def connection(self, root: Node) -> Connection:
        vpn_id = self.ident("vpn", root.attrib.get("id"), "vpn_connection id", root)
        self.mark("vpn_connection_id", root)
        cgw = root.find("customer_gateway_id")
        cgw_id = self.ident("cgw", cgw.text if cgw is not None else None, "customer_gateway_id", cgw or root)
        self.mark("customer_gateway_id", cgw)
        vgw = root.find("vpn_gateway_id")
        tgw = root.find("transit_gateway_id")
        if vgw is not None and vgw.text:
            gateway = Gateway(GatewayKind.VGW, self.ident("vgw", vgw.text, "vpn_gateway_id", vgw))
            self.mark("gateway.id", vgw)
        else:
            # an empty <vpn_gateway_id/> is a Transit Gateway attachment; only hand-written XML names it
            tgw_id = None
            if tgw is not None and tgw.text:
                tgw_id = self.ident("tgw", tgw.text, "transit_gateway_id", tgw)
            gateway = Gateway(GatewayKind.TGW, tgw_id)
            self.mark("gateway.id", tgw if tgw is not None else vgw)
        ctype = root.find("vpn_connection_type")
        if ctype is not None and ctype.text and ctype.text != "ipsec.1":
            self.warn("unknown-connection-type", f"connection type {short(ctype.text)} (expected ipsec.1)", ctype)
        attrs = root.find("vpn_connection_attributes")
        no_bgp = attrs is not None and "NoBGPVPNConnection" in attrs.text
        tunnels_xml = root.findall("ipsec_tunnel")
        if not tunnels_xml:
            raise self.err("no <ipsec_tunnel> element in <vpn_connection>", root)
        has_bgp = any(t.path("vpn_gateway", "bgp") is not None for t in tunnels_xml)
        if no_bgp:
            routing = Routing.STATIC
            if has_bgp:
                self.warn("routing-inconsistent", "vpn_connection_attributes says NoBGPVPNConnection but tunnels "
                          "carry <bgp>: static routing used", attrs)
        else:
            routing = Routing.BGP if has_bgp else Routing.STATIC
        self.mark("routing", attrs if attrs is not None else root)
        tunnels = tuple(self.tunnel(t, i, routing) for i, t in enumerate(tunnels_xml))
        if len(tunnels) == 1:
            self.warn("single-tunnel", "the document declares one tunnel; AWS connections have two "
                      "(hand-written or edited input?)", tunnels_xml[0])
        for t, tx in zip(tunnels, tunnels_xml, strict=True):
            if t.outside.customer is not None and t.outside.customer == t.outside.aws:
                self.warn("outside-same", f"tunnel {t.number}: the customer and AWS outside addresses are both "
                          f"{t.outside.aws} (anonymised?); a device config built from this would peer with itself",
                          tx)
        if self.fmt == FORMAT:
            # the API JSON reader says this itself, after looking at TunnelOptions
            self.warn("tunnel-options-assumed", "the XML names no accepted IKE versions or algorithm sets (it "
                      "shows one example suite, IKEv1): AWS's defaults are assumed (both IKE versions, every "
                      "algorithm and DH group AWS lists); confirm with `aws ec2 describe-vpn-connections` "
                      "and --tunnel-options", root)
        return Connection(
            vpn_connection_id=vpn_id, customer_gateway_id=cgw_id, gateway=gateway, routing=routing,
            tunnels=tunnels, options=aws_defaults.options_from_tunnels(tunnels), source=Source(format=self.fmt, path=self.path, layout=None),
            warnings=tuple(self.warnings), origin=dict(self.origin),
        )

    def tunnel(self, tx: Node, i: int, routing: Routing) -> Tunnel:
        n = i + 1
        p = f"tunnels[{i}]"
        where = f"tunnel {n}"
        self.mark(p, tx)
        cg = self.need(tx, "customer_gateway", where=where)
        vg = self.need(tx, "vpn_gateway", where=where)
        ike_x = self.need(tx, "ike", where=where)
        esp_x = self.need(tx, "ipsec", where=where)

        outside = Outside(
            customer=self.ipv4(self.need(cg, "tunnel_outside_address", "ip_address", where=where),
                               "customer gateway outside address", f"{p}.outside.customer", where),
            aws=self.ipv4(self.need(vg, "tunnel_outside_address", "ip_address", where=where),
                          "AWS outside address", f"{p}.outside.aws", where))
        inside = Inside(customer=self.inside(cg, f"{p}.inside.customer", where, "customer gateway"),
                        aws=self.inside(vg, f"{p}.inside.aws", where, "AWS"))
        v6 = self.inside_v6(cg, vg, p, where)

        psk_x = ike_x.find("pre_shared_key")
        auth = "psk" if psk_x is not None else "certificate"
        if psk_x is None:
            # certificate authentication (ACM private CA): the XML then carries no key
            self.warn("auth-certificate", f"{where}: no <pre_shared_key>: certificate authentication "
                      "(the device needs its certificate; name it in the site profile)", ike_x)
        ike = Ike(
            version=IkeVersion.IKEV1,
            auth=auth,
            psk=self.psk(ike_x, p, where) if psk_x is not None else None,
            mode=self.mode(ike_x, p, where),
            encryption=(self.conv(self.marked(f"{p}.ike.encryption", self.need(ike_x, "encryption_protocol",
                                                                               where=where)),
                                  encryption, "IKE encryption"),),
            integrity=(self.conv(self.marked(f"{p}.ike.integrity", self.need(ike_x, "authentication_protocol",
                                                                             where=where)),
                                 integrity, "IKE integrity"),),
            dh_groups=(self.conv(self.marked(f"{p}.ike.dh_groups", self.need(ike_x, "perfect_forward_secrecy",
                                                                             where=where)),
                                 dh_group, "IKE Diffie-Hellman group"),),
            lifetime_s=self.integer(self.marked(f"{p}.ike.lifetime_s", self.need(ike_x, "lifetime", where=where)),
                                    "IKE lifetime", 1, 86400 * 7),
        )
        proto = esp_x.find("protocol")
        self.mark(f"{p}.ipsec.protocol", proto)
        emode = esp_x.find("mode")
        self.mark(f"{p}.ipsec.mode", emode)
        esp = Ipsec(
            encryption=(self.conv(self.marked(f"{p}.ipsec.encryption", self.need(esp_x, "encryption_protocol",
                                                                                 where=where)),
                                  encryption, "IPsec encryption"),),
            integrity=(self.conv(self.marked(f"{p}.ipsec.integrity", self.need(esp_x, "authentication_protocol",
                                                                               where=where)),
                                 integrity, "IPsec integrity"),),
            pfs_groups=(self.conv(self.marked(f"{p}.ipsec.pfs_groups", self.need(esp_x, "perfect_forward_secrecy",
                                                                                 where=where)),
                                  dh_group, "IPsec PFS group"),),
            lifetime_s=self.integer(self.marked(f"{p}.ipsec.lifetime_s", self.need(esp_x, "lifetime", where=where)),
                                    "IPsec lifetime", 1, 86400 * 7),
            protocol=(proto.text.lower() if proto is not None and proto.text else "esp"),
            mode=(emode.text.lower() if emode is not None and emode.text else "tunnel"),
        )
        dpd_x = esp_x.find("dead_peer_detection")
        if dpd_x is None:
            self.warn("value-defaulted", f"{where}: no <dead_peer_detection>; using interval 10 s, 3 retries",
                      esp_x)
            dpd = Dpd(10, 3)
        else:
            self.mark(f"{p}.dpd", dpd_x)
            dpd = Dpd(self.integer(self.marked(f"{p}.dpd.interval_s", self.need(dpd_x, "interval", where=where)),
                                   "DPD interval", 1, 3600),
                      self.integer(self.marked(f"{p}.dpd.retries", self.need(dpd_x, "retries", where=where)),
                                   "DPD retries", 1, 100))
        mss_x = esp_x.find("tcp_mss_adjustment")
        if mss_x is None:
            self.warn("value-defaulted", f"{where}: no <tcp_mss_adjustment>; using 1379", esp_x)
            mss = 1379
        else:
            self.mark(f"{p}.tcp_mss", mss_x)
            mss = self.integer(mss_x, "TCP MSS", 500, 9000)

        bgp = None
        next_hop = None
        if routing is Routing.BGP:
            bgp = self.bgp(cg, vg, inside, p, where)
        else:
            next_hop = inside.aws.ip
            self.mark(f"{p}.static_next_hop", self.origin_node(vg, "tunnel_inside_address", "ip_address"))
        return Tunnel(
            number=n, outside=outside, inside=inside, inside_ipv6=v6, ike=ike, ipsec=esp, dpd=dpd,
            mtu=AWS_MTU, tcp_mss=mss,
            clear_df=self.boolean(esp_x.find("clear_df_bit"), "clear_df_bit", True, f"{p}.clear_df", where),
            fragment_before_encryption=self.boolean(esp_x.find("fragmentation_before_encryption"),
                                                    "fragmentation_before_encryption", True,
                                                    f"{p}.fragment_before_encryption", where),
            bgp=bgp, static_next_hop=next_hop,
            # the XML shows one example suite, never the accepted sets: AWS's documented defaults
            accepted=aws_defaults.default_accepted_with_lifetimes(ike.lifetime_s, esp.lifetime_s),
        )

    def marked(self, ir_path: str, node: Node) -> Node:
        self.mark(ir_path, node)
        return node

    @staticmethod
    def origin_node(parent: Node, *tags: str) -> Node | None:
        return parent.path(*tags)

    def inside(self, side: Node, ir_path: str, where: str, who: str) -> ipaddress.IPv4Interface:
        ia = self.need(side, "tunnel_inside_address", where=where)
        ip = self.need(ia, "ip_address", where=where)
        self.mark(ir_path, ip)
        cidr, mask = ia.find("network_cidr"), ia.find("network_mask")
        prefix = None
        if cidr is not None and cidr.text:
            prefix = self.integer(cidr, "network_cidr", 0, 32)
        if mask is not None and mask.text:
            try:
                from_mask = ipaddress.IPv4Network(f"0.0.0.0/{mask.text}").prefixlen
            except ValueError:
                raise self.err(f"{where}: network_mask {short(mask.text)} is not a netmask", mask) from None
            if prefix is not None and from_mask != prefix:
                raise self.err(f"{where}: network_mask {mask.text} disagrees with network_cidr {prefix}", mask)
            prefix = from_mask
        if prefix is None:
            prefix = 30
            self.warn("value-defaulted", f"{where}: no network_cidr for the {who} inside address; using /30", ia)
        try:
            return ipaddress.IPv4Interface(f"{ip.text}/{prefix}")
        except ValueError:
            raise self.err(f"{where}: {who} inside address {short(ip.text)} is not an IPv4 address", ip) from None

    def inside_v6(self, cg: Node, vg: Node, p: str, where: str) -> InsideV6 | None:
        c6, a6 = cg.find("tunnel_inside_ipv6_address"), vg.find("tunnel_inside_ipv6_address")
        if c6 is None and a6 is None:
            return None
        if c6 is None or a6 is None:
            raise self.err(f"{where}: tunnel_inside_ipv6_address on one side only", c6 or a6)
        addrs = []
        for node, who in ((c6, "customer"), (a6, "aws")):
            ip = self.need(node, "ip_address", where=where)
            self.mark(f"{p}.inside_ipv6.{who}", ip)
            plen_x = node.find("prefix_length")
            plen = self.integer(plen_x, "prefix_length", 0, 128) if plen_x is not None else 126
            try:
                addrs.append(ipaddress.IPv6Interface(f"{ip.text}/{plen}"))
            except ValueError:
                raise self.err(f"{where}: {short(ip.text)} is not an IPv6 address", ip) from None
        cust, aws = addrs
        if cust.network.prefixlen > 126 and aws.network.prefixlen > 126:
            net_c = ipaddress.IPv6Network((cust.ip, 126), strict=False)
            if aws.ip in net_c:
                self.warn("ipv6-prefix-widened", f"{where}: the XML gives the IPv6 inside addresses as /"
                          f"{cust.network.prefixlen}; using the /126 AWS allocates ({net_c})", c6)
                cust = ipaddress.IPv6Interface((cust.ip, 126))
                aws = ipaddress.IPv6Interface((aws.ip, 126))
        return InsideV6(customer=cust, aws=aws)

    def psk(self, ike_x: Node, p: str, where: str) -> str | None:
        node = self.need(ike_x, "pre_shared_key", where=where)
        self.mark(f"{p}.ike.psk", node)
        value = node.text
        kind = placeholder_kind(value)
        if kind is not None:
            self.warn("psk-redacted", f"{where}: the pre-shared key {_STATE[kind]}; supply it when compiling", node)
            return None
        return value

    def mode(self, ike_x: Node, p: str, where: str) -> NegotiationMode:
        node = ike_x.find("mode")
        if node is None or not node.text:
            return NegotiationMode.MAIN
        self.mark(f"{p}.ike.mode", node)
        try:
            return NegotiationMode(node.text.lower())
        except ValueError:
            raise self.err(f"{where}: IKE mode {short(node.text)} (main or aggressive)", node) from None

    def bgp(self, cg: Node, vg: Node, inside: Inside, p: str, where: str) -> Bgp:
        cb, ab = cg.find("bgp"), vg.find("bgp")
        if ab is None:
            raise self.err(f"{where}: BGP routing but no <vpn_gateway>/<bgp>", vg)
        aws_asn = self.integer(self.marked(f"{p}.bgp.aws_asn", self.need(ab, "asn", where=where)),
                               "AWS BGP ASN", 1, 2**32 - 1)
        customer_asn = None
        cnode = cb.find("asn") if cb is not None else None
        kind = "empty" if cnode is None else placeholder_kind(cnode.text)
        if kind is not None:
            self.warn("placeholder" if kind == "placeholder" else "redacted",
                      f"{where}: the customer gateway BGP ASN {_STATE[kind]}; supply it when compiling",
                      cnode if cnode is not None else cg)
        else:
            assert cnode is not None  # kind is "empty" when there is no <asn>
            customer_asn = self.integer(cnode, "customer gateway BGP ASN", 1, 2**32 - 1)
        self.mark(f"{p}.bgp.customer_asn", cnode)
        hold_a, hold_c = ab.find("hold_time"), cb.find("hold_time") if cb is not None else None
        hold_node = hold_a if hold_a is not None else hold_c
        if hold_node is None:
            self.warn("value-defaulted", f"{where}: no BGP hold_time; using 30", ab)
            hold = 30
        else:
            hold = self.integer(hold_node, "BGP hold time", 0, 65535)
            if hold_a is not None and hold_c is not None and hold_c.text != hold_a.text:
                self.warn("bgp-hold-time-differs", f"{where}: BGP hold time {hold_c.text} (customer side) vs "
                          f"{hold_a.text} (AWS side); using AWS's", hold_c)
        self.mark(f"{p}.bgp.hold_time_s", hold_node)
        self.mark(f"{p}.bgp.neighbor", vg.path("tunnel_inside_address", "ip_address"))
        return Bgp(customer_asn=customer_asn, aws_asn=aws_asn, neighbor=inside.aws.ip, hold_time_s=hold)


def read_doc(doc: Doc, path: str | None = None, fmt: str = FORMAT) -> list[Connection]:
    """The connections of a parsed document (used by the JSON reader for embedded XML)."""
    return _Reader(doc, path, fmt).connections()


def read_all(text: str, path: str | None = None) -> list[Connection]:
    """Every ``<vpn_connection>`` in the XML text (normally one)."""
    return read_doc(parse(text, path), path)


def read(text: str, path: str | None = None) -> Connection:
    conns = read_all(text, path)
    if len(conns) != 1:
        raise InputError(f"the XML holds {len(conns)} connections; expected one", path)
    return conns[0]

