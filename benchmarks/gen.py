"""Generators of large, realistic device configs with the two AWS tunnels somewhere inside.

Each generator takes the compiled vpncc config for the connection (so the tunnels are really there)
and surrounds it with unrelated config of the same vendor until the target size is reached.
"""

from __future__ import annotations

import random


def ios(vpn_config: str, lines: int = 100_000, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = ["Building configuration...", "", "Current configuration : 4711 bytes", "!", "version 17.9",
           "hostname edge-1", "!"]
    half = lines // 2
    i = 0
    while len(out) < half:
        i += 1
        out += [f"interface GigabitEthernet0/{i // 48}/{i % 48}.{i}",
                f" description customer-{i} link {rnd.randrange(10**6)}",
                f" encapsulation dot1Q {i % 4000 + 1}",
                f" ip address 10.{(i >> 8) & 255}.{i & 255}.1 255.255.255.0",
                " ip access-group EDGE-IN in", " no shutdown", "!"]
        out += [f"ip access-list extended ACL-{i}",
                f" permit tcp 10.{i & 255}.0.0 0.0.255.255 any eq {rnd.choice([22, 80, 443, 8443])}",
                f" deny ip host 192.0.2.{i & 255} any log", "!"]
    out += [l.rstrip() for l in vpn_config.splitlines() if not l.startswith("!")]
    out.append("!")
    n = 0
    while len(out) < lines - 3:
        n += 1
        out += [f"route-map RM-{n} permit 10", f" match ip address prefix-list PL-{n}",
                f" set local-preference {100 + n % 50}", "!",
                f"ip prefix-list PL-{n} seq 5 permit 172.{16 + n % 16}.{n & 255}.0/24"]
    out += ["!", "end"]
    return "\n".join(out[:lines]) + "\n"


def junos_set(vpn_config: str, lines: int = 100_000, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out: list[str] = []
    i = 0
    while len(out) < lines // 2:
        i += 1
        out += [f"set interfaces ge-0/0/{i % 48} unit {i} description \"customer {i}\"",
                f"set interfaces ge-0/0/{i % 48} unit {i} vlan-id {i % 4000 + 1}",
                f"set interfaces ge-0/0/{i % 48} unit {i} family inet address 10.{(i >> 8) & 255}.{i & 255}.1/24",
                f"set firewall family inet filter F-{i} term t1 from source-address 10.{i & 255}.0.0/16",
                f"set firewall family inet filter F-{i} term t1 then {rnd.choice(['accept', 'discard'])}"]
    out += [l for l in vpn_config.splitlines() if l.startswith(("set ", "deactivate "))]
    n = 0
    while len(out) < lines:
        n += 1
        out += [f"set policy-options prefix-list PL-{n} 172.{16 + n % 16}.{n & 255}.0/24",
                f"set policy-options policy-statement P-{n} term a from prefix-list PL-{n}",
                f"set policy-options policy-statement P-{n} term a then accept"]
    return "\n".join(out[:lines]) + "\n"


def fortios(vpn_config: str, lines: int = 100_000, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = ["#config-version=FGVM64-7.2.5-FW-build1517-230606:opmode=0:vdom=0", "config system global",
           "    set hostname \"fgt-edge\"", "end", "config firewall address"]
    i = 0
    while len(out) < lines // 2:
        i += 1
        out += [f"    edit \"net-{i}\"", f"        set subnet 10.{(i >> 8) & 255}.{i & 255}.0 255.255.255.0",
                f"        set comment \"site {rnd.randrange(10**6)}\"", "    next"]
    out.append("end")
    body = [l for l in vpn_config.splitlines() if not l.startswith("#")]
    out += body
    out.append("config firewall service custom")
    n = 0
    while len(out) < lines - 1:
        n += 1
        out += [f"    edit \"svc-{n}\"", f"        set tcp-portrange {1024 + n % 60000}", "    next"]
    out.append("end")
    return "\n".join(out) + "\n"


def pfsense(vpn_config_xml: str, size_bytes: int = 20_000_000, seed: int = 7) -> str:
    """A config.xml of about ``size_bytes`` with the generated IPsec section merged in."""
    import re

    rnd = random.Random(seed)
    inner = re.sub(r"^<\?xml[^>]*>\s*", "", vpn_config_xml.strip())
    inner = re.sub(r"^<!--.*?-->\s*", "", inner, flags=re.S)
    m = re.match(r"<pfsense>(.*)</pfsense>\s*$", inner, re.S)
    inner = m.group(1) if m else inner
    rules = []
    total = 0
    i = 0
    while total < size_bytes:
        i += 1
        r = (f"<rule><id></id><tracker>{1000000 + i}</tracker><type>pass</type><interface>lan</interface>"
             f"<ipprotocol>inet</ipprotocol><tag></tag><tagged></tagged><max></max><max-src-nodes></max-src-nodes>"
             f"<protocol>tcp</protocol><source><network>lan</network></source><destination><address>"
             f"10.{(i >> 8) & 255}.{i & 255}.0/24</address><port>{rnd.choice([22, 80, 443])}</port></destination>"
             f"<descr><![CDATA[rule {i}]]></descr></rule>\n")
        rules.append(r)
        total += len(r)
    return ('<?xml version="1.0"?>\n<pfsense>\n<version>23.3</version>\n<system><hostname>pfsense</hostname>'
            '</system>\n<filter>\n' + "".join(rules) + "</filter>\n" + inner + "\n</pfsense>\n")
