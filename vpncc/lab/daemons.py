"""strongSwan, FRR and BIRD inside the lab's namespaces: configs for the daemons themselves, start,
status queries, and the failure causes charon logs.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from .env import FRR_DIR, IPSEC_DIR, Proc, Runner

CHARON_PLUGINS = ("random nonce openssl aes sha1 sha2 hmac kdf md5 gmp pem pkcs1 x509 pubkey kernel-libipsec "
                  "kernel-netlink socket-default updown vici")


@dataclass
class Charon:
    """One charon in a namespace, with its own /run (the pid file path is compiled in)."""

    name: str
    ns: str
    dir: str
    port: int = 500
    port_nat: int = 4500
    table: int = 220
    legacy_conf: str | None = None      # ipsec.conf for starter (legacy format)
    legacy_secrets: str | None = None
    proc: Proc | None = None
    #: extra lines for the charon { } section (the AWS side's retransmission timers)
    tuning: str = ""

    @property
    def uri(self) -> str:
        return f"unix://{self.dir}/charon.vici"

    @property
    def log(self) -> str:
        return f"{self.dir}/charon.log"

    @property
    def conf(self) -> str:
        return f"{self.dir}/strongswan.conf"

    def env(self) -> dict:
        return {**os.environ, "STRONGSWAN_CONF": self.conf}

    def write_conf(self) -> None:
        os.makedirs(f"{self.dir}/run", exist_ok=True)
        plugins = CHARON_PLUGINS + (" stroke" if self.legacy_conf else "")
        stroke = f"\n    stroke {{ secrets_file = {self.legacy_secrets} }}" if self.legacy_secrets else ""
        text = f"""charon {{
  load_modular = no
  load = {plugins}
  install_routes = no
  routing_table = {self.table}
  routing_table_prio = {self.table}
  port = {self.port}
  port_nat_t = {self.port_nat}
{self.tuning}  filelog {{
    lab {{
      path = {self.log}
      default = 1
      ike = 2
      cfg = 2
      flush_line = yes
      time_format = %s
      time_add_ms = yes
    }}
  }}
  plugins {{
    vici {{ socket = {self.uri} }}{stroke}
  }}
}}
starter {{ load_warning = no }}
"""
        with open(self.conf, "w", encoding="utf-8") as fh:
            fh.write(text)

    def start(self, runner: Runner) -> None:
        self.write_conf()
        if self.legacy_conf:
            exe = f"{IPSEC_DIR}/starter --nofork --conf {self.legacy_conf}"
        else:
            exe = f"{IPSEC_DIR}/charon"
        self.proc = runner.start(self.name, ["unshare", "-m", "--propagation", "private", "sh", "-c",
                                             f"mount --bind {self.dir}/run /run && exec {exe}"],
                                 ns=self.ns, log=f"{self.dir}/stdout.log", env=self.env())

    def ready(self) -> bool:
        return os.path.exists(f"{self.dir}/charon.vici")

    def load(self, runner: Runner, swanctl_file: str) -> None:
        runner.run(["swanctl", "--load-all", "--noprompt", "--file", swanctl_file, "--uri", self.uri],
                   env=self.env(), timeout=10)

    def sas(self, runner: Runner) -> dict[str, tuple[str, str]]:
        """IKE_SA name -> (IKE state, best CHILD_SA state)."""
        cp = runner.run(["swanctl", "--list-sas", "--uri", self.uri], env=self.env(), check=False, timeout=5)
        out: dict[str, tuple[str, str]] = {}
        current = None
        rank = {"INSTALLED": 3, "REKEYING": 2, "REKEYED": 2, "CREATED": 1}
        for line in cp.stdout.splitlines():
            m = re.match(r"^(\S+): #\d+, (\w+), IKEv\d", line)
            if m:
                current = m.group(1)
                prev = out.get(current, ("NONE", "NONE"))
                state = m.group(2) if prev[0] != "ESTABLISHED" else prev[0]
                out[current] = (state, prev[1])
                continue
            m = re.match(r"^\s+(\S+): #\d+, reqid \d+, (\w+),", line)
            if m and current:
                ike, child = out[current]
                if rank.get(m.group(2), 0) >= rank.get(child, 0):
                    out[current] = (ike, m.group(2))
        return out

    def pid_from_file(self) -> int | None:
        try:
            with open(f"{self.dir}/run/charon.pid", encoding="ascii") as fh:
                return int(fh.read().strip())
        except (OSError, ValueError):
            return None

    def log_text(self) -> str:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""


#: (pattern in a charon log, cause); the first that matches wins
CAUSES = (
    (re.compile(r"received AUTHENTICATION_FAILED|received AUTH_FAILED|MAC mismatched|"
                r"invalid ID_V1 payload length, decryption failed|integrity check failed|"
                r"generating INFORMATIONAL_V1 request \d+ \[ HASH N\(AUTH_FAILED\)"),
     "AUTH_FAILED: the pre-shared keys differ"),
    (re.compile(r"no shared key found"), "AUTH_FAILED: no pre-shared key for these identities"),
    (re.compile(r"no acceptable proposal found|NO_PROPOSAL_CHOSEN|N\(NO_PROP\)"), "NO_PROPOSAL_CHOSEN"),
    (re.compile(r"TS_UNACCEPTABLE|traffic selectors .* unacceptable"), "TS_UNACCEPTABLE: traffic selectors"),
    (re.compile(r"no IKE config found|no matching peer config found|found 0 matching config"),
     "the AWS endpoint has no configuration for these addresses/identities"),
    (re.compile(r"Network is unreachable|No route to host|error writing to socket"),
     "timeout: the peer address is unreachable"),
    (re.compile(r"giving up after \d+ retransmits|peer not responding"), "timeout: no answer from the peer"),
)


def cause_from_logs(*logs: str, ike_up: bool = False) -> str | None:
    for rx, cause in CAUSES:
        for text in logs:
            if rx.search(text):
                if cause == "NO_PROPOSAL_CHOSEN":
                    return cause + (" (ESP/PFS proposals: the CHILD_SA failed, the IKE_SA is up)" if ike_up
                                    else " (IKE proposals)")
                return cause
    return None


def evidence(aws_log: str, number: int) -> str | None:
    """The AWS endpoint's own log line that shows why a tunnel failed (its charon's view)."""
    lines = aws_log.splitlines()
    for rx, _ in CAUSES:
        for line in lines:
            if rx.search(line):
                return f"AWS endpoint {number}: " + _strip_log(line)
    if not any("received packet" in l for l in lines):
        return f"AWS endpoint {number}: no IKE packet from the customer gateway"
    return None


def _strip_log(line: str) -> str:
    # "1733338844.123 06[IKE] <aws-tunnel1|1> message": the time stamp and thread go, the rest stays
    return re.sub(r"^\S+\s+\d+\[\w+\]\s+", "", line.strip())[:240]


#: BIRD and FRR lines that say why AWS's BGP speaker refused or dropped the session
BGP_CAUSES = re.compile(r"Bad peer AS|bad remote AS|Bad OPEN|Hold timer expired|Received: .*|"
                        r"Connection refused|notification sent|NOTIFICATION", re.I)


def bgp_evidence(log: str) -> str | None:
    for line in log.splitlines():
        if BGP_CAUSES.search(line):
            return "AWS BGP: " + line.strip()[-240:]
    return None


@dataclass
class Frr:
    """zebra + staticd + bgpd in the foreground, sharing one integrated config file."""

    name: str
    ns: str
    dir: str
    daemons: tuple[str, ...] = ("zebra", "staticd", "bgpd")

    def start(self, runner: Runner, config: str) -> None:
        os.makedirs(self.dir, exist_ok=True)
        with open(f"{self.dir}/frr.conf", "w", encoding="utf-8") as fh:
            fh.write(config)
        open(f"{self.dir}/vtysh.conf", "w").close()
        _chown_frr(self.dir)
        for d in self.daemons:
            if d != "zebra":
                # staticd/bgpd retry a missing zebra only every 10 s: start them once zebra listens
                from .env import wait_for

                wait_for(lambda: os.path.exists(f"{self.dir}/zserv.api"), 5, 0.01)
            runner.start(f"{self.name}-{d}", [f"{FRR_DIR}/{d}", "-f", f"{self.dir}/frr.conf",
                                              "-i", f"{self.dir}/{d}.pid", "-z", f"{self.dir}/zserv.api",
                                              "--vty_socket", self.dir],
                         ns=self.ns, log=f"{self.dir}/{d}.out")

    def vtysh(self, runner: Runner, command: str) -> str:
        cp = runner.run(["vtysh", "--vty_socket", self.dir, "--config_dir", self.dir, "-c", command],
                        check=False, timeout=5)
        return cp.stdout

    def bgp_states(self, runner: Runner) -> dict[str, str]:
        try:
            data = json.loads(self.vtysh(runner, "show bgp ipv4 unicast summary json") or "{}")
        except json.JSONDecodeError:
            return {}
        peers = data.get("peers") or data.get("ipv4Unicast", {}).get("peers") or {}
        return {ip: p.get("state", "?") for ip, p in peers.items()}

    def bgp_routes(self, runner: Runner) -> dict[str, list[str]]:
        """neighbor -> prefixes learned from it (valid paths)."""
        try:
            data = json.loads(self.vtysh(runner, "show bgp ipv4 unicast json") or "{}")
        except json.JSONDecodeError:
            return {}
        out: dict[str, list[str]] = {}
        for prefix, paths in (data.get("routes") or {}).items():
            for p in paths:
                peer = p.get("peerId")
                if peer and peer != "(unspec)" and p.get("valid", True):
                    out.setdefault(peer, []).append(prefix)
        return out

    def static_routes(self, runner: Runner) -> list[tuple[str, str | None, str | None]]:
        """(prefix, next hop, interface) of every static route in FRR's RIB."""
        try:
            data = json.loads(self.vtysh(runner, "show ip route static json") or "{}")
        except json.JSONDecodeError:
            return []
        out = []
        for prefix, entries in data.items():
            for e in entries:
                for nh in e.get("nexthops", []):
                    out.append((prefix, nh.get("ip"), nh.get("interfaceName")))
        return out


def _chown_frr(path: str) -> None:
    import grp
    import pwd

    try:
        uid, gid = pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid
    except KeyError:
        return
    for root, _dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)


@dataclass
class Bird:
    name: str
    ns: str
    dir: str

    @property
    def sock(self) -> str:
        return f"{self.dir}/bird.ctl"

    def start(self, runner: Runner, config: str) -> None:
        os.makedirs(self.dir, exist_ok=True)
        with open(f"{self.dir}/bird.conf", "w", encoding="utf-8") as fh:
            fh.write(config)
        runner.start(self.name, ["bird", "-f", "-c", f"{self.dir}/bird.conf", "-s", self.sock,
                                 "-P", f"{self.dir}/bird.pid"], ns=self.ns, log=f"{self.dir}/bird.out")

    def birdc(self, runner: Runner, command: str) -> str:
        return runner.run(["birdc", "-s", self.sock, *command.split()], check=False, timeout=5).stdout

    def protocols(self, runner: Runner) -> dict[str, str]:
        out = {}
        for line in self.birdc(runner, "show protocols all").splitlines():
            m = re.match(r"^(\S+)\s+BGP\s+\S+\s+\S+\s+\S+\s*(\S+)?", line)
            if m:
                current = m.group(1)
                out[current] = m.group(2) or "?"
            m = re.match(r"^\s+Neighbor address:\s+(\S+)", line)
            if m and out:
                out[m.group(1)] = out[list(out)[-1]]
        return out

    def routes(self, runner: Runner, protocol: str) -> list[str]:
        text = self.birdc(runner, f"show route protocol {protocol}")
        return [m.group(1) for m in re.finditer(r"^(\d+\.\d+\.\d+\.\d+/\d+)\s", text, re.M)]
