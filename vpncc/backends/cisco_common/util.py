"""Helpers shared by the IOS and ASA backends: addresses, name/key syntax checks, vendor sniffing."""

from __future__ import annotations

import ipaddress
import re

from ...errors import InputError

# -- addresses ---------------------------------------------------------------------------------

def mask(net: ipaddress.IPv4Network | ipaddress.IPv4Interface) -> str:
    return str(net.netmask)


def ip_or_none(text: str | None) -> ipaddress.IPv4Address | None:
    if text is None:
        return None
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def net_or_none(addr: str | None, netmask: str | None) -> ipaddress.IPv4Network | None:
    if addr is None:
        return None
    try:
        if netmask is None:
            return ipaddress.IPv4Network(addr, strict=False)
        return ipaddress.IPv4Network(f"{addr}/{netmask}", strict=False)
    except ValueError:
        return None


def iface_or_none(addr: str | None, netmask: str | None) -> ipaddress.IPv4Interface | None:
    try:
        return ipaddress.IPv4Interface(f"{addr}/{netmask}") if addr and netmask else None
    except ValueError:
        return None


def covers(addr: str | None, netmask: str | None, ip: ipaddress.IPv4Address | None) -> bool:
    """Does ``addr [mask]`` (a host when the mask is absent) cover ``ip``?"""
    if ip is None:
        return False
    n = net_or_none(addr, netmask if netmask and ip_or_none(netmask) else None)
    return n is not None and ip in n


# -- syntax checks for strings that reach a device -------------------------------------------

#: object names we emit: Cisco object names are single tokens; '?' opens CLI help
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: PSK characters both IOS and ASA carry as one token without quoting
PSK_BAD = re.compile(r"[\s?\"'\\]|[^\x21-\x7e]")


def bad_name(name: str, max_len: int) -> str | None:
    if not NAME_RE.match(name):
        return "may only contain letters, digits, '.', '_' and '-' and must start with a letter or digit"
    if len(name) > max_len:
        return f"is longer than {max_len} characters"
    return None


def psk_problem(psk: str | None) -> str | None:
    """Why a key cannot be written on one Cisco CLI line (never includes the key itself)."""
    if psk is None:
        return None
    if PSK_BAD.search(psk):
        return "contains spaces, quotes, '?', backslashes or non-ASCII characters, which the Cisco CLI cannot carry"
    if len(psk) > 128:
        return "is longer than 128 characters"
    if re.match(r"^[0-9]$", psk):
        return "is a single digit, which the CLI reads as an encryption type"
    return None


# -- vendor sniffing ---------------------------------------------------------------------------

_ASA = re.compile(r"(?m)^(ASA Version|\s+nameif |tunnel-group |crypto ikev[12] (policy|enable)|"
                  r"sysopt connection|group-policy |crypto ipsec ikev[12] )")
_IOS = re.compile(r"(?m)^(crypto keyring |crypto isakmp profile |ip route |crypto ikev2 (profile|keyring) |"
                  r"\s+tunnel source (?!interface)|version 1[2-7]\.)")
_CISCO = re.compile(r"(?m)^(crypto |interface |router |hostname |tunnel-group |route |ip route |version )")


def sniff(text: str, path: str | None, want: str) -> None:
    """Raise InputError when ``text`` is empty or clearly another vendor's config.
    ``want`` is ``"ios"`` or ``"asa"``."""
    label = {"ios": "Cisco IOS", "asa": "Cisco ASA"}[want]
    if not text.strip():
        raise InputError(f"the device configuration is empty (expected a {label} running-config)", path)
    head = text[:200_000]
    if not _CISCO.search(head):
        from ...readers import detect

        what = detect.foreign(head, ("cisco-ios", "cisco-asa"))
        if what:
            raise InputError(f"this looks like {what}, not {label}", path,
                             hint=f"choose the matching vendor, or give a {label} running-config")
        raise InputError(f"no {label} configuration found (no crypto, interface or router lines)", path)
    asa, ios = bool(_ASA.search(head)), bool(_IOS.search(head))
    if want == "ios" and asa and not ios:
        raise InputError("this looks like a Cisco ASA configuration, not Cisco IOS", path,
                         hint="use the cisco-asa vendor for ASA configs")
    if want == "asa" and ios and not asa:
        raise InputError("this looks like a Cisco IOS configuration, not Cisco ASA", path,
                         hint="use the cisco-ios vendor for IOS/IOS-XE configs")
