"""The customer gateway: vpncc's compiled bundle, changed only where this kernel forces it.

Lab kernels have no kernel ESP, no XFRM and no VTI interfaces. strongSwan's userspace ESP
(kernel-libipsec) works, with one TUN device per charon and ESP in UDP only. So each tunnel runs in
its own charon, its TUN device (ipsecN) stands in for the tunnel's XFRM/VTI interface, and the
connections get ``encap = yes``. Every change is recorded as an adaptation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..backends.strongswan import settings


@dataclass
class Bundle:
    """The compiled files, by role."""

    main_kind: str                      # "swanctl" or "legacy"
    main: str
    secrets: str | None                 # ipsec.secrets (legacy)
    script: tuple[str, str] | None      # (name, text) of the Linux-side or updown script
    networkd: dict[str, str] = field(default_factory=dict)
    routing: tuple[str, str] | None = None   # ("frr"|"bird", text)
    nft: str | None = None
    sysctl: str | None = None


def split_bundle(files: dict[str, str]) -> Bundle:
    names_ = list(files)
    main_name = names_[0]
    kind = "legacy" if main_name == "ipsec.conf" else "swanctl"
    script = next(((n, files[n]) for n in names_ if n.endswith(".sh")), None)
    routing = ("bird", files["bird.conf"]) if "bird.conf" in files else \
        (("frr", files["frr.conf"]) if "frr.conf" in files else None)
    return Bundle(main_kind=kind, main=files[main_name], secrets=files.get("ipsec.secrets"), script=script,
                  networkd={n: t for n, t in files.items() if n.endswith((".netdev", ".network"))},
                  routing=routing, nft=files.get("vpncc-mss.nft"),
                  sysctl=next((t for n, t in files.items() if re.match(r"^\d+-vpncc\.conf$", n)), None))


#: charon settings of a config's strongswan.conf snippet that change how the tunnels behave (liveness,
#: retries) and that the lab therefore applies to the customer's charons; the rest stays the lab's own
CHARON_KEYS = ("retransmit_timeout", "retransmit_base", "retransmit_tries", "retransmit_jitter",
               "retransmit_limit", "keep_alive", "make_before_break", "ignore_acquire_ts")


def charon_settings(files: dict[str, str]) -> tuple[str, list[str]]:
    """The CHARON_KEYS set at the top level of ``charon { }`` in the bundle's strongswan.conf / charon*.conf
    files, as lines for the lab's strongswan.conf; and the adaptation notes."""
    found: dict[str, str] = {}
    names = []
    for name, text in files.items():
        if not re.match(r"^(strongswan|charon[\w.-]*)\.conf$", name):
            continue
        depth, inside = 0, False
        for line in text.splitlines():
            code = line.split("#", 1)[0].strip()
            if re.match(r"^charon\s*\{$", code) and depth == 0:
                inside, depth = True, 1
                continue
            if inside:
                depth += code.count("{") - code.count("}")
                m = re.match(r"^(\w+)\s*=\s*(\S+)$", code)
                if depth == 1 and m and m.group(1) in CHARON_KEYS:
                    found[m.group(1)] = m.group(2)
                    if name not in names:
                        names.append(name)
                if depth <= 0:
                    inside = False
    lines = "".join(f"  {k} = {v}\n" for k, v in found.items())
    notes = [f"{', '.join(names)}: its charon settings {', '.join(found)} applied to the lab's charons"] if found else []
    return lines, notes


def rename(text: str, mapping: dict[str, str]) -> str:
    """Interface names, also inside identifiers such as ``tunnel_xfrm1``."""
    for old, new in mapping.items():
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(old)}(?![0-9])", new, text)
    return text


def swanctl_for_tunnel(main: str, aws_address: str, *, script_path: str | None, lab_script: str | None,
                       ifmap: dict[str, str]) -> tuple[str, str | None]:
    """One tunnel's connection (and all secrets) from the compiled swanctl.conf, with encap forced and
    the updown script pointing at the lab's copy. Returns (text, connection name)."""
    root = settings.parse(main)
    conns = root.sub("connections")
    out = settings.Section("")
    name = None
    if conns is not None:
        for n, c in conns.sections.items():
            if (c.get("remote_addrs") or "").split(",")[0].strip() == aws_address:
                name = n
                c.settings["encap"] = settings.Setting("yes", None)
                children = c.sub("children")
                for ch in (children.sections.values() if children else ()):
                    up = ch.get("updown")
                    if up:
                        if script_path and lab_script:
                            up = up.replace(script_path, lab_script)
                        ch.settings["updown"] = settings.Setting(rename(up, ifmap), None)
                out.sections["connections"] = settings.Section("connections", sections={n: c})
                break
    secrets = root.sub("secrets")
    if secrets is not None:
        out.sections["secrets"] = secrets
    return out.dump(), name


def ipsec_conf_for_tunnel(main: str, aws_address: str, *, script_path: str | None, lab_script: str | None,
                          ifmap: dict[str, str]) -> tuple[str, str | None]:
    """One tunnel's conn from the compiled ipsec.conf (``%default``/``also`` resolved), encap forced."""
    from ..backends.strongswan.read_ipsec_conf import _effective, parse
    from ..validate.model import DeviceConfig

    conns: dict = {}
    parse(main, 0, None, DeviceConfig("strongswan", None), conns, [])
    for n in conns:
        if n == "%default":
            continue
        s = _effective(conns, n)
        if s.get("right", ("",))[0] != aws_address:
            continue
        s["forceencaps"] = ("yes", 0)
        if "leftupdown" in s:
            up = s["leftupdown"][0]
            if script_path and lab_script:
                up = up.replace(script_path, lab_script)
            s["leftupdown"] = (rename(up, ifmap), 0)
        lines = ["config setup\n    uniqueids = no\n", f"conn {n}\n"]
        for k, (v, _) in s.items():
            lines.append(f'    {k} = "{v}"\n' if (" " in v or "#" in v) else f"    {k} = {v}\n")
        return "".join(lines), n
    return "", None


def adapt_script(text: str, ifmap: dict[str, str], *, have_nft: bool) -> tuple[str, list[str]]:
    """The Linux-side script with the interface creation removed (charon's TUN exists already)."""
    notes = []
    out = []
    for line in text.splitlines(keepends=True):
        m = re.search(r"ip link add (\S+) type (xfrm|vti)\b", line)
        if m and m.group(1) in ifmap:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}:  # vpncc lab: {m.group(1)} is charon's TUN device {ifmap[m.group(1)]}\n")
            continue
        out.append(line)
    text = "".join(out)
    # kernel-libipsec installs a route on its TUN device before it installs an SA: a TUN device set down
    # when its tunnel went down would keep the tunnel from coming back. Taking the addresses away has the
    # same effect on routing (the /30 and the BGP session go), and the script's "up" puts them back.
    def saved(dev: str) -> str:
        return f'"$(dirname "$0")/.addr-{dev.strip(chr(34))}"'

    downed = re.sub(r"ip link set (dev )?(\S+) down",
                    lambda m: f"ip addr save dev {m.group(2)} > {saved(m.group(2))} 2>/dev/null; "
                              f"ip addr flush dev {m.group(2)}", text)
    if downed != text:
        # ... and "up" puts them back (a script that re-adds them itself finds them there already)
        text = re.sub(r"ip link set (dev )?(\S+) up\b",
                      lambda m: f"{{ [ -f {saved(m.group(2))} ] && ip addr restore < {saved(m.group(2))} 2>/dev/null || true; "
                                f"rm -f {saved(m.group(2))}; }}; ip link set dev {m.group(2)} up", downed)
        notes.append("updown 'down': the tunnel interface's addresses are flushed instead of setting it down "
                     "(kernel-libipsec needs its TUN device up to bring the tunnel back)")
    if not have_nft and "nft -f -" in text:
        text = text.replace("nft -f -", "cat >/dev/null")
        notes.append("TCP MSS clamping not applied: nft (package nftables) is not installed")
    return rename(text, ifmap), notes


def networkd_commands(units: dict[str, str], ifmap: dict[str, str]) -> list[list[str]]:
    """systemd-networkd units as ip commands (addresses and MTU; the netdev itself is charon's TUN)."""
    from ..backends.strongswan.linux_side import LinuxSide, read_networkd

    side = LinuxSide()
    for text in units.values():
        read_networkd(text, side)
    cmds = []
    for name, i in side.ifaces.items():
        dev = ifmap.get(name, name)
        if i.inside:
            cmds.append(["ip", "addr", "replace", i.inside[0].with_prefixlen, "dev", dev])
        if i.inside6:
            cmds.append(["ip", "-6", "addr", "replace", i.inside6[0].with_prefixlen, "dev", dev])
        if i.mtu:
            cmds.append(["ip", "link", "set", "dev", dev, "mtu", str(i.mtu[0])])
    return cmds


def sysctl_commands(text: str, ifmap: dict[str, str]) -> list[list[str]]:
    cmds = []
    for line in rename(text, ifmap).splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            k, v = (x.strip() for x in line.split("=", 1))
            cmds.append(["sysctl", "-qw", f"{k}={v}"])
    return cmds


def adapt_routing(kind: str, text: str, ifmap: dict[str, str], log: str) -> str:
    text = rename(text, ifmap)
    if kind == "frr":
        return re.sub(r"^(frr defaults \S+\n)", rf"\1log file {log} informational\n", text, count=1, flags=re.M) \
            if re.search(r"^frr defaults", text, re.M) else f"log file {log} informational\n" + text
    return f'log "{log}" all;\n' + text

