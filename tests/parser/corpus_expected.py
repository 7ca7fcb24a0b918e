"""Expected IR values for every file in ../shared/corpus/generic, written by hand from the files.

Nothing here comes from vpncc. Values were read off the files with grep/less; every real file
uses AWS's default suite (aes-128-cbc / sha1 / hmac-sha1-96 / Group 2, 28800 s / 3600 s, DPD 10/3,
MTU 1436, hold time 30, clear DF enabled, fragmentation before encryption, main mode), which
``tunnel()`` spells out once; per-file differences are listed per file. PSKs are never written
here: ``psk`` is True when the file carries a real key (32 characters), None when it is redacted
or a placeholder.
"""

from __future__ import annotations

from typing import Any


def tunnel(number: int, outside: tuple[str | None, str | None], inside: tuple[str, str], *,
           psk: bool | None, mss: int, bgp: tuple[int | None, int, str] | None = None,
           next_hop: str | None = None) -> dict[str, Any]:
    """outside/inside = (customer, aws); bgp = (customer_asn, aws_asn, neighbor)."""
    return {
        "number": number,
        "outside": {"customer": outside[0], "aws": outside[1]},
        "inside": {"customer": inside[0], "aws": inside[1]},
        "inside_ipv6": None,
        "ike": {"version": "ikev1", "auth": "psk", "psk": psk, "mode": "main", "encryption": ["AES128"],
                "integrity": ["SHA1"], "dh_groups": [2], "lifetime_s": 28800},
        "ipsec": {"protocol": "esp", "mode": "tunnel", "encryption": ["AES128"], "integrity": ["SHA1"],
                  "pfs_groups": [2], "lifetime_s": 3600},
        "dpd": {"interval_s": 10, "retries": 3},
        "mtu": 1436,
        "tcp_mss": mss,
        "clear_df": True,
        "fragment_before_encryption": True,
        "bgp": None if bgp is None else {"customer_asn": bgp[0], "aws_asn": bgp[1], "neighbor": bgp[2],
                                         "hold_time_s": 30},
        "static_next_hop": next_hop,
    }


def conn(vpn: str | None, cgw: str | None, gateway: tuple[str, str | None], routing: str, layout: str,
         tunnels: list[dict], warnings: list[str]) -> dict[str, Any]:
    return {"vpn_connection_id": vpn, "customer_gateway_id": cgw,
            "gateway": {"kind": gateway[0], "id": gateway[1]}, "routing": routing, "layout": layout,
            "tunnels": tunnels, "warnings": sorted(warnings)}


TGW = ("tgw", None)

EXPECTED: dict[str, dict[str, Any]] = {
    # 2025/26 TGW download, PSKs and outside addresses replaced by <REDACTED_FOR_SECURITY>
    "ahmad-soud-tgw-bgp-CONNECTION1CONFIG.redactedpsk.txt": conn(
        "vpn-02315a9c089bedba4", "cgw-09f1ce9df67a9d995", TGW, "bgp", "2022",
        [tunnel(1, (None, None), ("169.254.144.174/30", "169.254.144.173/30"), psk=None, mss=1379,
                bgp=(65016, 64512, "169.254.144.173")),
         tunnel(2, (None, None), ("169.254.213.222/30", "169.254.213.221/30"), psk=None, mss=1379,
                bgp=(65016, 64512, "169.254.213.221"))],
        ["psk-redacted"] * 2 + ["redacted"] * 4),
    "ahmad-soud-tgw-bgp-CONNECTION2CONFIG.redactedpsk.txt": conn(
        "vpn-05eed6e87761ea1c3", "cgw-034200ac8aa9640c6", TGW, "bgp", "2022",
        [tunnel(1, (None, None), ("169.254.41.62/30", "169.254.41.61/30"), psk=None, mss=1379,
                bgp=(65016, 64512, "169.254.41.61")),
         tunnel(2, (None, None), ("169.254.200.206/30", "169.254.200.205/30"), psk=None, mss=1379,
                bgp=(65016, 64512, "169.254.200.205"))],
        ["psk-redacted"] * 2 + ["redacted"] * 4),
    # AWS documentation copy (BGP): placeholders for the uplink address, CGW ASN and PSKs
    "awsdocs-nag-GenericConfig.extracted.txt": conn(
        "vpn-44a8938f", "cgw-b4dc3961", ("vgw", "vgw-8db04f81"), "bgp", "docs",
        [tunnel(1, (None, "72.21.209.193"), ("169.254.255.2/30", "169.254.255.1/30"), psk=None, mss=1387,
                bgp=(None, 7224, "169.254.255.1")),
         tunnel(2, (None, "72.21.209.193"), ("169.254.255.6/30", "169.254.255.5/30"), psk=None, mss=1387,
                bgp=(None, 7224, "169.254.255.5"))],
        ["psk-redacted"] * 2 + ["placeholder"] * 4),
    # AWS documentation copy (static)
    "awsdocs-nag-GenericConfigNoBGP.extracted.txt": conn(
        "vpn-44a8938f", "cgw-ff628496", ("vgw", "vgw-8db04f81"), "static", "docs",
        [tunnel(1, (None, "72.21.209.193"), ("169.254.255.74/30", "169.254.255.73/30"), psk=None, mss=1387,
                next_hop="169.254.255.73"),
         tunnel(2, (None, "72.21.209.225"), ("169.254.255.78/30", "169.254.255.77/30"), psk=None, mss=1387,
                next_hop="169.254.255.77")],
        ["psk-redacted"] * 2 + ["placeholder"] * 2),
    # pristine 2022 TGW download, no final newline
    "chimezdev-tgw-bgp-CONNECTION1CONFIG.original.txt": conn(
        "vpn-0c6b44b27cb67a89a", "cgw-000b3a477946ddfb8", TGW, "bgp", "2022",
        [tunnel(1, ("44.209.199.51", "75.2.40.238"), ("169.254.123.14/30", "169.254.123.13/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.123.13")),
         tunnel(2, ("44.209.199.51", "99.83.240.177"), ("169.254.19.102/30", "169.254.19.101/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.19.101"))],
        []),
    # the same file after the user prepended a '#Use file for reference...' comment line
    "chimezdev-tgw-bgp-CONNECTION1CONFIG.txt": conn(
        "vpn-0c6b44b27cb67a89a", "cgw-000b3a477946ddfb8", TGW, "bgp", "2022",
        [tunnel(1, ("44.209.199.51", "75.2.40.238"), ("169.254.123.14/30", "169.254.123.13/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.123.13")),
         tunnel(2, ("44.209.199.51", "99.83.240.177"), ("169.254.19.102/30", "169.254.19.101/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.19.101"))],
        []),
    "chimezdev-tgw-bgp-CONNECTION2CONFIG.txt": conn(
        "vpn-0d1d372d090725874", "cgw-0b298c756fc494e4c", TGW, "bgp", "2022",
        [tunnel(1, ("3.90.170.14", "15.197.175.253"), ("169.254.230.214/30", "169.254.230.213/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.230.213")),
         tunnel(2, ("3.90.170.14", "99.83.145.135"), ("169.254.215.250/30", "169.254.215.249/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.215.249"))],
        []),
    # June 2020 static VGW download with XSL footer
    "cloudneta-static-vpn-006dfdf3f4989c4df.txt": conn(
        "vpn-006dfdf3f4989c4df", "cgw-0cef15691adbb1b85", ("vgw", "vgw-047b3d3d74ddad1f7"), "static", "2020",
        [tunnel(1, ("54.255.135.113", "13.209.231.134"), ("169.254.191.154/30", "169.254.191.153/30"), psk=True,
                mss=1379, next_hop="169.254.191.153"),
         tunnel(2, ("54.255.135.113", "15.164.154.116"), ("169.254.213.202/30", "169.254.213.201/30"), psk=True,
                mss=1379, next_hop="169.254.213.201")],
        []),
    "kiwonyoon-aws-oci-vpn-08d8a884e441e5e96.original.txt": conn(
        "vpn-08d8a884e441e5e96", "cgw-0e418ab28f36e4464", ("vgw", "vgw-05271d186d592299a"), "static", "2020",
        [tunnel(1, ("132.145.95.50", "52.199.177.210"), ("169.254.180.122/30", "169.254.180.121/30"), psk=True,
                mss=1379, next_hop="169.254.180.121"),
         tunnel(2, ("132.145.95.50", "54.238.86.111"), ("169.254.118.2/30", "169.254.118.1/30"), psk=True,
                mss=1379, next_hop="169.254.118.1")],
        []),
    # the same file after the user truncated the three ids to bare 'vpn-', 'vgw-', 'cgw-'
    "kiwonyoon-aws-oci-vpn-08d8a884e441e5e96.redacted.txt": conn(
        None, None, ("vgw", None), "static", "2020",
        [tunnel(1, ("132.145.95.50", "52.199.177.210"), ("169.254.180.122/30", "169.254.180.121/30"), psk=True,
                mss=1379, next_hop="169.254.180.121"),
         tunnel(2, ("132.145.95.50", "54.238.86.111"), ("169.254.118.2/30", "169.254.118.1/30"), psk=True,
                mss=1379, next_hop="169.254.118.1")],
        ["id-truncated"] * 3),
    "rvvittal-tgw-bgp-connection1config.txt": conn(
        "vpn-0973f04ab3aaf1566", "cgw-0eaf538f4759a4e39", TGW, "bgp", "2020",
        [tunnel(1, ("54.242.149.229", "13.248.186.45"), ("169.254.97.158/30", "169.254.97.157/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.97.157")),
         tunnel(2, ("54.242.149.229", "76.223.83.1"), ("169.254.29.170/30", "169.254.29.169/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.29.169"))],
        []),
    "rvvittal-tgw-bgp-connection2config.txt": conn(
        "vpn-030499315d8e86c02", "cgw-016ed329ee34aea82", TGW, "bgp", "2020",
        [tunnel(1, ("34.229.16.130", "13.248.134.241"), ("169.254.189.202/30", "169.254.189.201/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.189.201")),
         tunnel(2, ("34.229.16.130", "76.223.84.99"), ("169.254.201.14/30", "169.254.201.13/30"), psk=True,
                mss=1379, bgp=(65016, 64512, "169.254.201.13"))],
        []),
    # Damaged copies: the right answer is a clear error naming what is missing.
    # Re-indented blog copy of the c.2011 layout with only tunnel #1.
    "jp-fortigate-blog-old-layout-redacted.md": {
        "error": ["tunnel 2 is missing", "exactly two tunnels"],
    },
    # Elided excerpt: only headings and the customer inside addresses survive.
    "rh-mobb-rosa-s2s-vpn-ikev2-elided.extracted.txt": {
        "error": ["incomplete", "tunnel 1: missing", "tunnel 2: missing",
                  "section #1 (Internet Key Exchange Configuration)", "section #2 (IPSec Configuration)",
                  "AWS inside IP address", "section #4"],
        "line": 4,
    },
}

#: Markdown wrappers whose fenced code block was extracted byte-exact into a twin file.
MARKDOWN_TWINS = {
    "awsdocs-nag-GenericConfig.md": "awsdocs-nag-GenericConfig.extracted.txt",
    "awsdocs-nag-GenericConfigNoBGP.md": "awsdocs-nag-GenericConfigNoBGP.extracted.txt",
    "rh-mobb-rosa-s2s-vpn-ikev2-elided.md": "rh-mobb-rosa-s2s-vpn-ikev2-elided.extracted.txt",
}
