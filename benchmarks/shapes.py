"""Large device configs shaped like real ones: big for reasons other than VPN.

Each generator takes vpncc's compiled config for the connection (so the two tunnels are really there)
and surrounds it with the bulk that real configs carry: on IOS and ASA thousands of ACLs, object groups,
route-maps and prefix-lists referenced from interfaces; on Junos policy-statement and firewall-filter
hierarchies with many terms and a zone-based policy set; on FortiOS a multi-VDOM backup whose VDOMs
hold thousands of address objects, groups and policies; on pfSense thousands of filter and NAT rules
with aliases. Addresses stay inside the documentation and private ranges. Deterministic (seeded).
"""

from __future__ import annotations

import random
import re


def _net(i: int) -> str:
    return f"10.{(i >> 8) & 255}.{i & 255}"


def ios_acl(vpn_config: str, lines: int = 100_000, seed: int = 11) -> str:
    """An IOS-XE edge router: object groups, ~4,000 extended ACLs of 20 entries on subinterfaces,
    route-maps and prefix-lists for BGP, the VPN config between the interfaces and the ACLs."""
    rnd = random.Random(seed)
    out = ["Building configuration...", "", "Current configuration : 4711 bytes", "!", "version 17.9",
           "service timestamps log datetime msec", "hostname edge-acl-1", "!"]
    budget = lines - 200
    groups = max(10, budget // 100)
    for g in range(groups):
        out.append(f"object-group network OG-NET-{g}")
        out += [f" {_net(g * 4 + k)}.0 255.255.255.0" for k in range(4)]
        out.append(f"object-group service OG-SVC-{g}")
        out += [f" tcp eq {p}" for p in rnd.sample([22, 25, 53, 80, 110, 143, 443, 993, 8080, 8443], 3)]
    out.append("!")
    n_acl = max(10, (budget - len(out)) * 4 // 5 // 22)
    for i in range(n_acl // 4):  # one subinterface for every four ACLs (in, out, and two for route-maps)
        out += [f"interface GigabitEthernet0/0/{i % 4}.{i + 100}", f" description cust-{i} circuit {rnd.randrange(10**6)}",
                f" encapsulation dot1Q {i % 4000 + 1}", f" ip address 172.{16 + i % 16}.{(i >> 4) & 255}.1 255.255.255.0",
                f" ip access-group ACL-{4 * i} in", f" ip access-group ACL-{4 * i + 1} out", " no shutdown", "!"]
    out += [l.rstrip() for l in vpn_config.splitlines() if not l.startswith("!")]
    out.append("!")
    for a in range(n_acl):
        out.append(f"ip access-list extended ACL-{a}")
        for s in range(1, 21):
            r = rnd.random()
            if r < 0.3:
                out.append(f" {s * 10} permit tcp object-group OG-NET-{rnd.randrange(groups)} any "
                           f"object-group OG-SVC-{rnd.randrange(groups)}")
            elif r < 0.7:
                out.append(f" {s * 10} permit tcp {_net(rnd.randrange(65536))}.0 0.0.0.255 host "
                           f"192.0.2.{rnd.randrange(1, 255)} eq {rnd.choice([22, 80, 443, 8443])}")
            elif r < 0.9:
                out.append(f" {s * 10} permit udp any {_net(rnd.randrange(65536))}.0 0.0.0.255 range 1024 65535")
            else:
                out.append(f" {s * 10} deny ip any any log")
    n = 0
    while len(out) < lines - 3:
        n += 1
        out += [f"ip prefix-list PL-CUST-{n} seq 5 permit 172.{16 + n % 16}.{n & 255}.0/24 le 28",
                f"ip prefix-list PL-CUST-{n} seq 10 deny 0.0.0.0/0 le 32",
                f"route-map RM-CUST-{n} permit 10", f" match ip address prefix-list PL-CUST-{n}",
                f" set local-preference {100 + n % 50}", f" set community 65000:{n % 65535}", "!"]
    out += ["!", "end"]
    return "\n".join(out[:lines - 1] + ["end"]) + "\n"


def asa_acl(vpn_config: str, lines: int = 100_000, seed: int = 13) -> str:
    """An ASA 9.x firewall: network/service objects and object-groups, thousands of access-lists bound
    with access-group, NAT rules, prefix-lists and route-maps, the VPN config after the interfaces."""
    rnd = random.Random(seed)
    out = [": Saved", ":", ": Serial Number: FGL000000X0", ": Hardware:   ASA5525", ":", "ASA Version 9.16(4)",
           "!", "hostname fw-acl-1", "domain-name example.invalid", "names", "!"]
    for i in range(40):
        out += [f"interface GigabitEthernet0/1.{i + 10}", f" vlan {i + 10}", f" nameif dmz{i}",
                f" security-level {50 + i % 40}", f" ip address 172.{16 + i % 16}.{i}.1 255.255.255.0", "!"]
    budget = lines - 300
    objs = max(10, budget // 40)
    for o in range(objs):
        out += [f"object network HOST-{o}", f" host {_net(o)}.{1 + o % 250}",
                f"object network NET-{o}", f" subnet {_net(o)}.0 255.255.255.0"]
    for g in range(objs // 4):
        out.append(f"object-group network GRP-{g}")
        out += [f" network-object object NET-{(g * 4 + k) % objs}" for k in range(4)]
        out += [f"object-group service SVC-{g} tcp", f" port-object eq {rnd.choice([22, 80, 443, 8443])}"]
    out += [l.rstrip() for l in vpn_config.splitlines() if not l.startswith("!")]
    n_lists = 0
    while len(out) < lines - budget // 10:
        n_lists += 1
        name = f"ACL-DMZ{n_lists % 40}-{n_lists}"
        for s in range(20):
            out.append(f"access-list {name} extended permit tcp object-group GRP-{rnd.randrange(objs // 4)} "
                       f"object NET-{rnd.randrange(objs)} object-group SVC-{rnd.randrange(objs // 4)}"
                       if s % 3 else f"access-list {name} extended deny ip any4 any4 log")
        if n_lists <= 40:
            out.append(f"access-group {name} in interface dmz{n_lists - 1}")
    n = 0
    while len(out) < lines - 2:
        n += 1
        out += [f"nat (dmz{n % 40},outside) source static NET-{n % objs} NET-{n % objs} no-proxy-arp",
                f"prefix-list PL-{n} seq 5 permit 172.{16 + n % 16}.{n & 255}.0/24",
                f"route-map RM-{n} permit 10", f" match ip address prefix-list PL-{n}"]
    return "\n".join(out[:lines - 1] + [": end"]) + "\n"


def junos_big(vpn_config: str, lines: int = 1_000_000, seed: int = 17) -> str:
    """Junos set lines: policy-statements with many terms, firewall filters with many terms, a large
    address book and zone policies, interfaces; the VPN's set lines in the middle."""
    rnd = random.Random(seed)
    out = ["set version 21.4R3", "set system host-name srx-big-1"]
    q = lines // 4
    i = 0
    while len(out) < q:
        i += 1
        out += [f"set interfaces ge-0/0/{i % 48} unit {i} description \"customer {i}\"",
                f"set interfaces ge-0/0/{i % 48} unit {i} vlan-id {i % 4000 + 1}",
                f"set interfaces ge-0/0/{i % 48} unit {i} family inet address 172.{16 + i % 16}.{(i >> 4) & 255}.1/28",
                f"set interfaces ge-0/0/{i % 48} unit {i} family inet filter input F-{i % 5000}"]
    out += [l for l in vpn_config.splitlines() if l.startswith(("set ", "deactivate "))]
    f = 0
    while len(out) < 2 * q:
        f += 1
        for t in range(10):
            base = f"set firewall family inet filter F-{f} term T{t}"
            out += [f"{base} from source-address {_net(rnd.randrange(65536))}.0/24",
                    f"{base} from protocol tcp", f"{base} from destination-port {rnd.choice([22, 80, 443])}",
                    f"{base} then count F-{f}-T{t}", f"{base} then {rnd.choice(['accept', 'discard'])}"]
    p = 0
    while len(out) < 3 * q:
        p += 1
        out.append(f"set policy-options prefix-list PL-{p} 172.{16 + p % 16}.{p & 255}.0/24")
        for t in range(5):
            base = f"set policy-options policy-statement P-{p} term T{t}"
            out += [f"{base} from protocol bgp", f"{base} from prefix-list PL-{p}",
                    f"{base} from route-filter {_net(rnd.randrange(65536))}.0/24 orlonger",
                    f"{base} then local-preference {100 + t}", f"{base} then accept"]
    a = 0
    while len(out) < lines:
        a += 1
        out += [f"set security address-book global address A-{a} {_net(a % 65536)}.{a % 250 + 1}/32",
                f"set security policies from-zone trust to-zone untrust policy P-{a} match source-address A-{a}",
                f"set security policies from-zone trust to-zone untrust policy P-{a} match destination-address any",
                f"set security policies from-zone trust to-zone untrust policy P-{a} match application junos-https",
                f"set security policies from-zone trust to-zone untrust policy P-{a} then permit"]
    return "\n".join(out[:lines]) + "\n"


def fortios_vdoms(vpn_config: str, lines: int = 1_000_000, vdoms: int = 20, seed: int = 19) -> str:
    """A multi-VDOM FortiGate backup: `config global` (interfaces of every VDOM), then each VDOM with
    thousands of address objects, address groups and firewall policies; the VPN lives in VDOM root."""
    rnd = random.Random(seed)
    names = ["root"] + [f"VD{k}" for k in range(1, vdoms)]
    out = ["#config-version=FG1K0F-7.2.5-FW-build1517-230606:opmode=0:vdom=1:user=admin",
           "#conf_file_ver=4711", "#buildno=1517", "#global_vdom=1", "config vdom"]
    for n in names:
        out += [f"edit {n}", "next"]
    out += ["end", "config global", "config system global", "    set hostname \"fgt-vdoms\"", "end",
            "config system interface"]
    for k, n in enumerate(names):
        out += [f"    edit \"port{k + 2}\"", f"        set vdom \"{n}\"",
                f"        set ip 172.{16 + k % 16}.{k}.1 255.255.255.0", "        set allowaccess ping", "    next"]
    out += ["end", "end", "config vdom"]
    per_vdom = (lines - len(out) - 200) // vdoms
    body = [l for l in vpn_config.splitlines() if not l.startswith("#")]
    for k, n in enumerate(names):
        start = len(out)
        out += [f"edit {n}", "config system settings", "    set opmode nat", "end", "config firewall address"]
        a = 0
        while len(out) - start < per_vdom * 0.45:
            a += 1
            out += [f"    edit \"{n}-net-{a}\"", f"        set subnet {_net(a % 65536)}.0 255.255.255.0",
                    f"        set comment \"site {rnd.randrange(10**6)}\"", "    next"]
        out += ["end", "config firewall addrgrp"]
        g = 0
        while len(out) - start < per_vdom * 0.55:
            g += 1
            members = " ".join(f"\"{n}-net-{rnd.randrange(1, a + 1)}\"" for _ in range(4))
            out += [f"    edit \"{n}-grp-{g}\"", f"        set member {members}", "    next"]
        out.append("end")
        if n == "root":
            out += body
        out.append("config firewall policy")
        p = 0
        while len(out) - start < per_vdom - 2:
            p += 1
            out += [f"    edit {1000 + p}", f"        set name \"{n}-pol-{p}\"", f"        set srcintf \"port{k + 2}\"",
                    "        set dstintf \"port1\"", f"        set srcaddr \"{n}-grp-{rnd.randrange(1, g + 1)}\"",
                    "        set dstaddr \"all\"", "        set action accept", "        set schedule \"always\"",
                    "        set service \"HTTPS\"", "        set logtraffic all", "    next"]
        out += ["end", "next"]
    out.append("end")
    return "\n".join(out) + "\n"


def pfsense_rules(vpn_config_xml: str, rules: int = 10_000, seed: int = 23) -> str:
    """A pfSense config.xml with ``rules`` filter rules, a tenth as many aliases and port forwards, and the
    generated IPsec section merged in."""
    rnd = random.Random(seed)
    inner = re.sub(r"^<\?xml[^>]*>\s*", "", vpn_config_xml.strip())
    inner = re.sub(r"^<!--.*?-->\s*", "", inner, flags=re.S)
    m = re.match(r"<pfsense>(.*)</pfsense>\s*$", inner, re.S)
    inner = m.group(1) if m else inner
    aliases = "".join(f"\t\t<alias>\n\t\t\t<name>NET_{a}</name>\n\t\t\t<type>network</type>\n\t\t\t<address>"
                      f"{_net(a)}.0/24 {_net(a + 1)}.0/24</address>\n\t\t\t<descr><![CDATA[site {a}]]></descr>\n"
                      "\t\t</alias>\n" for a in range(max(1, rules // 10)))
    nat = "".join(f"\t\t<rule>\n\t\t\t<source><any></any></source>\n\t\t\t<destination><network>wanip</network>"
                  f"<port>{20000 + r}</port></destination>\n\t\t\t<protocol>tcp</protocol>\n\t\t\t<target>"
                  f"172.16.{(r >> 8) & 255}.{r & 255}</target>\n\t\t\t<local-port>443</local-port>\n\t\t\t"
                  f"<interface>wan</interface>\n\t\t\t<descr><![CDATA[fwd {r}]]></descr>\n\t\t</rule>\n"
                  for r in range(max(1, rules // 10)))
    rows = []
    for i in range(rules):
        src = f"<address>NET_{rnd.randrange(max(1, rules // 10))}</address>" if i % 3 else "<network>lan</network>"
        rows.append(f"\t\t<rule>\n\t\t\t<id></id>\n\t\t\t<tracker>{1000000 + i}</tracker>\n\t\t\t<type>"
                    f"{'pass' if i % 7 else 'block'}</type>\n\t\t\t<interface>{rnd.choice(['lan', 'opt3', 'opt4'])}"
                    f"</interface>\n\t\t\t<ipprotocol>inet</ipprotocol>\n\t\t\t<protocol>tcp</protocol>\n\t\t\t"
                    f"<source>{src}</source>\n\t\t\t<destination><address>{_net(i % 65536)}.0/24</address><port>"
                    f"{rnd.choice([22, 80, 443])}</port></destination>\n\t\t\t<log></log>\n\t\t\t"
                    f"<descr><![CDATA[rule {i}]]></descr>\n\t\t</rule>\n")
    return ('<?xml version="1.0"?>\n<pfsense>\n\t<version>23.3</version>\n\t<system><hostname>pfsense-big'
            '</hostname></system>\n\t<aliases>\n' + aliases + "\t</aliases>\n\t<nat>\n" + nat + "\t</nat>\n"
            "\t<filter>\n" + "".join(rows) + "\t</filter>\n" + inner + "\n</pfsense>\n")
