"""The lab run: namespaces, the emulated AWS side, the compiled customer side, checks, cleanup.

Topology (all private, nothing routed out of it)::

    aws1 (AWS tunnel 1 endpoint: charon + BGP speaker, VPC address on lo) --+
    aws2 (AWS tunnel 2 endpoint: charon + BGP speaker, VPC address on lo) --+-- inet (router) -- cgw
    cgw  (customer gateway: one charon per tunnel, the compiled Linux side and routing daemon,
          a local-network address on lo; its uplink has the profile's outside interface name)
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import shutil
import signal
import tempfile
import time
from typing import IO

from ..atomic import write_atomic
from ..ir import Routing
from . import customer, emulator
from .daemons import Bird, Charon, Frr, bgp_evidence, cause_from_logs, evidence
from .env import LabError, LabNamespaceInUse, Runner, wait_for, which
from .plan import Plan
from .plan import first_host as _first_host
from .report import LabReport, TunnelResult

#: customer charon i listens on these IKE ports (two charons share the customer namespace)
CGW_PORTS = ((500, 4500), (10500, 14500), (11500, 15500), (12500, 16500))


class Lab:
    def __init__(self, plan: Plan, *, name: str | None, progress: IO[str] | None, keep: bool,
                 ike_timeout: float, bgp_timeout: float) -> None:
        self.plan = plan
        self.keep = keep
        self.progress = progress
        self.ike_timeout = ike_timeout
        self.bgp_timeout = bgp_timeout
        self.runner = Runner()
        suffix = name or f"{os.getpid() % 100000}{secrets.token_hex(2)}"
        self.ns = {role: f"vpncc-{suffix}-{role}" for role in ("inet", "cgw", "aws1", "aws2")}
        self.created_ns: list[str] = []
        self.dir = tempfile.mkdtemp(prefix=f"vpncc-lab-{suffix}-")
        os.chmod(self.dir, 0o755)
        self.t0 = time.monotonic()
        self.report = LabReport(tunnels=[TunnelResult(t.number) for t in plan.cust.tunnels],
                                routing=plan.cust.routing.value, adaptations=list(plan.adaptations))
        self.aws_charons: list[Charon] = []
        self.cgw_charons: list[Charon] = []
        self.tun: dict[str, str] = {}            # compiled interface name -> TUN device
        self.conn_names: list[str | None] = []
        self.cust_routing: Frr | Bird | None = None
        from .runs import Record

        self.record = Record(suffix, os.getpid(), dir=self.dir)

    # -- helpers ---------------------------------------------------------------------------------
    def say(self, msg: str) -> None:
        if self.progress is not None:
            self.progress.write(f"lab [{time.monotonic() - self.t0:5.2f}s] {msg}\n")
            self.progress.flush()

    def ip(self, ns: str, *args: str, check: bool = True):
        return self.runner.run(["ip", "-n", self.ns[ns], *args], check=check)

    def batch(self, ns: str, commands: list[str]) -> None:
        self.runner.run(["ip", "-n", self.ns[ns], "-batch", "-"], input="\n".join(commands) + "\n")

    def adapt(self, text: str) -> None:
        if text not in self.report.adaptations:
            self.report.adaptations.append(text)

    # -- building ----------------------------------------------------------------------------------
    def build_network(self) -> None:
        existing = self.runner.run(["ip", "netns", "list"]).stdout
        have = {line.split()[0] for line in existing.splitlines() if line.strip()}
        for n in self.ns.values():
            if n in have:
                raise LabNamespaceInUse(f"network namespace {n} exists already (left by `vpncc lab --keep`?); "
                                        f"remove it with: ip netns del {n}")
        self.record.namespaces = list(self.ns.values())
        self.record.save()   # before anything exists: a killed run can always be cleaned up
        for n in self.ns.values():
            self.runner.run(["ip", "netns", "add", n])
            self.created_ns.append(n)
        p = self.plan
        ext = p.profile.outside_interface or "eth0"
        inet = self.ns["inet"]
        self.runner.run(["ip", "link", "add", "name", ext, "netns", self.ns["cgw"], "type", "veth", "peer",
                         "name", "c0", "netns", inet])
        for i in (1, 2):
            self.runner.run(["ip", "link", "add", "name", "eth0", "netns", self.ns[f"aws{i}"], "type", "veth",
                             "peer", "name", f"a{i}", "netns", inet])
        self.batch("inet", ["link set lo up", "link set c0 up", "link set a1 up", "link set a2 up"])
        # proxy ARP answers for the other side's addresses; without a delay (default: up to 0.8 s)
        self.runner.run(["sysctl", "-qw", "net.ipv4.ip_forward=1"]
                        + [f"net.ipv4.conf.{l}.proxy_arp=1" for l in ("c0", "a1", "a2")]
                        + [f"net.ipv4.neigh.{l}.proxy_delay=0" for l in ("c0", "a1", "a2")], ns=inet)
        cust_out = list(dict.fromkeys(str(t.outside.customer) for t in p.cust.tunnels))
        self.batch("inet", [f"route add {a}/32 dev c0" for a in cust_out]
                   + [f"route add {t.outside.aws}/32 dev a{i}" for i, t in enumerate(p.aws.tunnels[:2], 1)])
        self.batch("cgw", ["link set lo up", f"link set {ext} up"] + [f"addr add {a}/32 dev {ext}" for a in cust_out]
                   + [f"route add default dev {ext}", f"addr add {_first_host(p.local)}/32 dev lo"])
        for i, t in enumerate(p.aws.tunnels[:2], 1):
            self.batch(f"aws{i}", ["link set lo up", "link set eth0 up", f"addr add {t.outside.aws}/32 dev eth0",
                                   "route add default dev eth0", f"addr add {_first_host(p.vpc, 10)}/32 dev lo"])

    def start_ipsec(self) -> None:
        p = self.plan
        for i, _t in enumerate(p.aws.tunnels[:2], 1):
            c = Charon(f"aws{i}-charon", self.ns[f"aws{i}"], f"{self.dir}/aws{i}", tuning=emulator.charon_tuning())
            os.makedirs(c.dir, exist_ok=True)
            c.start(self.runner)
            self.aws_charons.append(c)
        bundle = customer.split_bundle(p.files)
        self.bundle = bundle
        legacy = bundle.main_kind == "legacy"
        script_name = bundle.script[0] if bundle.script else None
        from ..backends.strongswan.render import SCRIPT_DIR

        script_path = f"{SCRIPT_DIR}/{script_name}" if script_name else None
        cgw_dir = f"{self.dir}/cgw"
        os.makedirs(cgw_dir, exist_ok=True)
        lab_script = f"{cgw_dir}/{script_name}" if script_name else None
        # the compiled interface of each tunnel (as vpncc's reader finds it in the bundle), in tunnel order,
        # and the TUN device each charon will create
        from ..backends.strongswan.read import read as read_bundle

        device = read_bundle(_joined(p.files))
        for i, t in enumerate(p.cust.tunnels):
            d = next((d for d in device.tunnels
                      if (o := d.get("outside.aws")) is not None and o.value == t.outside.aws), None)
            s = d.get("strongswan") if d is not None else None
            iface = s.value.get("iface") if s else None
            if iface:
                self.tun[iface] = f"ipsec{i}"
        # AWS side configs
        for c, t in zip(self.aws_charons, p.aws.tunnels, strict=False):  # the first two tunnels
            wait_for(c.ready, 5)
            if not c.ready():
                raise LabError(f"charon in {c.ns} did not start: {_tail(c.dir + '/stdout.log')}")
            f = f"{c.dir}/swanctl.conf"
            write_atomic(f, emulator.swanctl(t, p.aws, psk=t.ike.psk or "", customer=str(t.outside.customer),
                                             aws=str(t.outside.aws)))   # holds the key: 0600
            c.load(self.runner, f)
        # customer side: one charon per tunnel, started one after the other so that tunnel i gets ipsec<i>
        tuning, notes = customer.charon_settings(p.files)
        for note in notes:
            self.adapt(note)
        for i, t in enumerate(p.cust.tunnels):
            port, nat = CGW_PORTS[i]
            c = Charon(f"cgw{i + 1}-charon", self.ns["cgw"], f"{cgw_dir}/charon{i + 1}", port=port, port_nat=nat,
                       table=221 + i, tuning=tuning)
            os.makedirs(c.dir, exist_ok=True)
            aws_addr = str(t.outside.aws)
            if legacy:
                text, name = customer.ipsec_conf_for_tunnel(bundle.main, aws_addr, script_path=script_path,
                                                            lab_script=lab_script, ifmap=self.tun)
                c.legacy_conf = f"{c.dir}/ipsec.conf"
                c.legacy_secrets = f"{c.dir}/ipsec.secrets"
                write_atomic(c.legacy_conf, text)
                write_atomic(c.legacy_secrets, bundle.secrets or "")
            else:
                text, name = customer.swanctl_for_tunnel(bundle.main, aws_addr, script_path=script_path,
                                                         lab_script=lab_script, ifmap=self.tun)
                write_atomic(f"{c.dir}/swanctl.conf", text)   # the connection's keys: 0600
            if name is None:
                res = self.report.tunnels[i]
                res.phase, res.cause = "config", f"the configuration has no connection to AWS endpoint {aws_addr}"
                res.aws_log = f"AWS endpoint {t.number} ({aws_addr}): no IKE packet from the customer gateway"
                raise LabError(f"tunnel {t.number}: the configuration has no connection to {aws_addr}")
            self.conn_names.append(name)
            before = self._tun_devices()
            # the Linux side must exist before the first CHILD_SA calls the updown script
            if i == 0:
                self._write_script(lab_script)
            c.start(self.runner)
            self.cgw_charons.append(c)
            if not wait_for(lambda before=before, c=c: (self._tun_devices() - before) and c.ready(), 5):
                raise LabError(f"charon for tunnel {t.number} did not start: {_tail(c.dir + '/stdout.log')}")
            new = sorted(self._tun_devices() - before)
            if new != [f"ipsec{i}"]:
                raise LabError(f"expected charon's TUN device ipsec{i}, got {', '.join(new) or 'none'}")
            # charon's own policy routing (kernel-libipsec routes everything into its TUN) stays unused
            self.ip("cgw", "rule", "del", "pref", str(221 + i), check=False)
        self._linux_side(lab_script)
        for c in self.cgw_charons:
            if not legacy:
                c.load(self.runner, f"{c.dir}/swanctl.conf")
        self.loaded_at = time.monotonic()
        for i, t in enumerate(p.aws.tunnels[:2], 1):
            self.ip(f"aws{i}", "addr", "add", t.inside.aws.with_prefixlen, "dev", "ipsec0")
            if p.cust.routing is Routing.STATIC:
                for net in p.profile.local_networks:
                    self.ip(f"aws{i}", "route", "add", str(net), "dev", "ipsec0")
        n = len(p.cust.tunnels)
        self.adapt("kernel-libipsec (userspace ESP through a TUN device) instead of kernel ESP: this kernel has no "
                   "ESP, XFRM or VTI interfaces")
        self.adapt(("forceencaps = yes" if legacy else "encap = yes") + " on every tunnel: kernel-libipsec carries "
                   "ESP only in UDP (port 4500)")
        # interface kind and the key binding it to the SA: mark (VTIs), if_id (XFRM interfaces); pfSense's
        # bundle binds VTIs by reqid, which stays in use
        kind, key = ("VTIs", "mark") if legacy else (("XFRM interfaces", "if_id_in/if_id_out")
                                                      if "if_id_in" in bundle.main else ("VTIs", None))
        self.adapt(", ".join(f"{k} -> {v}" for k, v in self.tun.items()) + f": charon's TUN devices take the "
                   f"{kind}' place (addresses, MTU, sysctls, MSS clamping and routes apply to them)"
                   + (f"; {key} stays in the config and kernel-libipsec ignores it" if key else ""))
        if n > 1:
            self.adapt(f"each tunnel runs in its own charon (kernel-libipsec has one TUN device per charon); "
                       f"tunnel 2's charon uses IKE ports {CGW_PORTS[1][0]}/{CGW_PORTS[1][1]} instead of 500/4500 "
                       "(the charons share the customer namespace)")
        if script_path:
            self.adapt(f"updown script {script_path} -> the lab's copy of it (with the interface names above)")
        self.adapt("charon's own policy routing rule (tables 221/222) removed: routes come from the routing "
                   "daemon, as with install_routes = no")

    def _tun_devices(self) -> set[str]:
        out = self.ip("cgw", "-o", "link", "show", check=False).stdout
        return set(re.findall(r"^\d+: (ipsec\d+)[:@]", out, re.M))

    def _write_script(self, lab_script: str | None) -> None:
        b = self.bundle
        if not b.script or not lab_script:
            return
        text, notes = customer.adapt_script(b.script[1], self.tun, have_nft=which("nft") is not None)
        for note in notes:
            self.adapt(note)
        with open(lab_script, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(lab_script, 0o755)

    def _linux_side(self, lab_script: str | None) -> None:
        b = self.bundle
        cgw = self.ns["cgw"]
        if b.networkd:
            self.adapt("systemd-networkd units applied as ip commands (no networkd in the lab)")
            for cmd in customer.networkd_commands(b.networkd, self.tun):
                self.runner.run(cmd, ns=cgw)
            if b.sysctl:
                for cmd in customer.sysctl_commands(b.sysctl, self.tun):
                    self.runner.run(cmd, ns=cgw)
            if b.nft and which("nft"):
                self.runner.run(["nft", "-f", "-"], ns=cgw, input=customer.rename(b.nft, self.tun))
            elif b.nft:
                self.adapt("TCP MSS clamping not applied: nft (package nftables) is not installed")
        elif lab_script:
            cp = self.runner.run(["sh", lab_script, "start"], ns=cgw, check=False)
            if cp.returncode != 0:
                raise LabError(f"the compiled Linux-side script failed: {cp.stderr.strip()[:300]}")

    def start_routing(self) -> None:
        p = self.plan
        b = self.bundle
        if b.routing is not None:
            kind, text = b.routing
            d = f"{self.dir}/cgw/{kind}"
            log = f"{d}/{kind}.log"
            adapted = customer.adapt_routing(kind, text, self.tun, log)
            self.adapt(f"{'frr.conf' if kind == 'frr' else 'bird.conf'}: a log file line added" +
                       (" and interface names renamed" if any(k in text for k in self.tun) else ""))
            self.cust_routing = Frr("cgw-frr", self.ns["cgw"], d) if kind == "frr" else Bird("cgw-bird",
                                                                                          self.ns["cgw"], d)
            self.cust_routing.start(self.runner, adapted)
        if p.cust.routing is Routing.BGP:
            for i, t in enumerate(p.aws.tunnels[:2], 1):
                d = f"{self.dir}/aws{i}/{p.aws_bgp}"
                os.makedirs(d, exist_ok=True)
                if p.aws_bgp == "frr":
                    Frr(f"aws{i}-frr", self.ns[f"aws{i}"], d, daemons=("zebra", "staticd", "bgpd")).start(
                        self.runner, emulator.frr(t, vpc=p.vpc, log=f"{d}/frr.log"))
                else:
                    Bird(f"aws{i}-bird", self.ns[f"aws{i}"], d).start(
                        self.runner, emulator.bird(t, vpc=p.vpc, log=f"{d}/bird.log"))
        self.routing_started = time.monotonic()

    # -- checks ------------------------------------------------------------------------------------
    def wait_tunnels(self) -> list[int]:
        """Wait for every tunnel's IKE and CHILD SA, or a failure cause; returns the tunnels that are up."""
        deadline = self.loaded_at + self.ike_timeout
        pending = set(range(len(self.cgw_charons)))
        while pending:
            for i in sorted(pending):
                res = self.report.tunnels[i]
                sas = self.cgw_charons[i].sas(self.runner)
                ike, child = sas.get(self.conn_names[i] or "", ("NONE", "NONE"))
                now = time.monotonic() - self.loaded_at
                if ike == "ESTABLISHED" and "ike_s" not in res.timings:
                    res.timings["ike_s"] = now
                res.ike, res.child = ike, child
                if child == "INSTALLED":
                    res.timings["child_s"] = now
                    pending.discard(i)
                    continue
                logs = [self.cgw_charons[i].log_text()] + \
                       ([self.aws_charons[i].log_text()] if i < len(self.aws_charons) else [])
                cause = cause_from_logs(*logs, ike_up=ike == "ESTABLISHED")
                if cause and not cause.startswith("timeout"):
                    res.cause = cause
                    res.phase = "child" if ike == "ESTABLISHED" else "ike"
                    res.aws_log = evidence(logs[1:] and logs[1] or "", self.plan.aws.tunnels[i].number)
                    pending.discard(i)
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(0.03)
        for i in pending:
            res = self.report.tunnels[i]
            logs = [self.cgw_charons[i].log_text()] + \
                   ([self.aws_charons[i].log_text()] if i < len(self.aws_charons) else [])
            what = "CHILD_SA" if res.ike == "ESTABLISHED" else "IKE_SA"
            cause = cause_from_logs(*logs, ike_up=res.ike == "ESTABLISHED") or "timeout"
            if cause.startswith("timeout"):
                cause += f" (no {what} after {self.ike_timeout:g} s; peer {self.plan.cust.tunnels[i].outside.aws})"
            res.cause = cause
            res.phase = "child" if res.ike == "ESTABLISHED" else "ike"
            res.aws_log = evidence(logs[1] if len(logs) > 1 else "", self.plan.aws.tunnels[i].number)
        up = [i for i, r in enumerate(self.report.tunnels) if r.child == "INSTALLED"]
        for i in up:
            t = self.plan.cust.tunnels[i]
            res = self.report.tunnels[i]
            res.ping = self.ping(t.inside.customer.ip, t.inside.aws.ip)
            self.say(f"tunnel {t.number}: IKE {res.ike}, CHILD {res.child}, inside ping "
                     f"{'ok' if res.ping else 'FAILED'}")
        for r in self.report.tunnels:
            if r.cause:
                self.say(f"tunnel {r.number}: {r.ike}/{r.child}: {r.cause}")
        return up

    def ping(self, src, dst, count: int = 1) -> bool:
        cp = self.runner.run(["ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-W", "2", "-I", str(src),
                              str(dst)], ns=self.ns["cgw"], check=False, timeout=10)
        return cp.returncode == 0

    def route_dev(self) -> str | None:
        cp = self.ip("cgw", "route", "get", str(_first_host(self.plan.vpc, 10)), "from",
                     str(_first_host(self.plan.local)), check=False)
        m = re.search(r"\bdev (\S+)", cp.stdout)
        return m.group(1) if m else None

    def wait_routing(self, up: list[int]) -> None:
        p = self.plan
        tuns = [f"ipsec{i}" for i in range(len(p.cust.tunnels))]
        # the compiled config prefers tunnel 1: wait until the best route is through the first tunnel up
        preferred = tuns[up[0]]
        deadline = time.monotonic() + self.bgp_timeout
        if p.cust.routing is Routing.BGP:
            while True:
                states = self._bgp_states()
                for i in up:
                    res = self.report.tunnels[i]
                    bgp = p.cust.tunnels[i].bgp
                    nb = str(bgp.neighbor) if bgp else ""
                    res.bgp = states.get(nb, "Idle")
                    if res.bgp == "Established" and "bgp_s" not in res.timings:
                        res.timings["bgp_s"] = time.monotonic() - self.routing_started
                learned = self._learned()
                for i in up:
                    bgp = p.cust.tunnels[i].bgp
                    nb = str(bgp.neighbor) if bgp else ""
                    self.report.tunnels[i].routes_learned = sorted(learned.get(nb, []))
                done = all(self.report.tunnels[i].bgp == "Established" and self.report.tunnels[i].routes_learned
                           for i in up)
                if (done and self.route_dev() == preferred) or time.monotonic() > deadline or self._daemon_died():
                    break
                time.sleep(0.1)
            for i in range(len(p.cust.tunnels)):
                if i not in up:
                    self.report.tunnels[i].bgp = self.report.tunnels[i].bgp or "Idle"
                elif self.report.tunnels[i].bgp != "Established":
                    res = self.report.tunnels[i]
                    res.phase = "bgp"
                    line = bgp_evidence(self._aws_bgp_log(i + 1))
                    res.cause = f"BGP {res.bgp}: " + (line or f"no session after {self.bgp_timeout:g} s")
                    res.aws_log = line
            self._check_daemons()
            for i in up:
                res = self.report.tunnels[i]
                self.say(f"tunnel {res.number}: BGP {res.bgp}, routes {', '.join(res.routes_learned) or 'none'}")
        else:
            wait_for(lambda: self.route_dev() == preferred, self.bgp_timeout, 0.05)
            statics = self._static()
            for i in up:
                t = p.cust.tunnels[i]
                res = self.report.tunnels[i]
                res.routes_learned = sorted({pfx for pfx, via, dev in statics
                                             if dev == tuns[i] or (via and ipaddress.IPv4Address(via) in
                                                                   t.inside.customer.network)})
                res.timings["routes_s"] = time.monotonic() - self.routing_started
                self.say(f"tunnel {res.number}: static routes {', '.join(res.routes_learned) or 'none'}")
            self._check_daemons()

    def _aws_bgp_log(self, n: int) -> str:
        p = self.plan
        path = f"{self.dir}/aws{n}/{p.aws_bgp}/{'frr' if p.aws_bgp == 'frr' else 'bird'}.log"
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def _daemon_died(self) -> bool:
        return any(pr.name.startswith("cgw-") and pr.popen.poll() is not None for pr in self.runner.procs)

    def _check_daemons(self) -> None:
        """A routing daemon that exited (a config it refused) is an error, with its last words."""
        for pr in self.runner.procs:
            if pr.name.startswith("cgw-") and pr.popen.poll() is not None:
                self.report.errors.append(f"{pr.name} exited with code {pr.popen.returncode}: "
                                          f"{_tail(pr.log or '', 300)}")

    def _bgp_states(self) -> dict[str, str]:
        r = self.cust_routing
        if isinstance(r, Frr):
            return r.bgp_states(self.runner)
        if isinstance(r, Bird):
            return r.protocols(self.runner)
        return {}

    def _learned(self) -> dict[str, list[str]]:
        r = self.cust_routing
        if isinstance(r, Frr):
            return r.bgp_routes(self.runner)
        if isinstance(r, Bird):
            out = {}
            for t in self.plan.cust.tunnels:
                if t.bgp:
                    out[str(t.bgp.neighbor)] = r.routes(self.runner, f"aws_tunnel{t.number}")
            return out
        return {}

    def _static(self) -> list[tuple[str, str | None, str | None]]:
        r = self.cust_routing
        if isinstance(r, Frr):
            return r.static_routes(self.runner)
        if isinstance(r, Bird):
            out: list[tuple[str, str | None, str | None]] = []
            for t in self.plan.cust.tunnels:
                for pfx in r.routes(self.runner, f"aws_tunnel{t.number}"):
                    out.append((pfx, str(t.inside.aws.ip), None))
            return out
        return []

    def vpc_ping_and_failover(self, up: list[int], scenarios: tuple[str, ...] = ("graceful",)) -> None:
        from . import scenarios as sc

        p = self.plan
        local, vpc = _first_host(p.local), _first_host(p.vpc, 10)
        dev = self.route_dev()
        self.report.vpc_ping = self.ping(local, vpc, count=2)
        self.say(f"ping {local} -> {vpc} (VPC) via {dev}: {'ok' if self.report.vpc_ping else 'FAILED'}")
        if len(p.cust.tunnels) < 2 or up != [0, 1] or dev != "ipsec0":
            if len(p.cust.tunnels) > 1 and up == [0, 1] and dev != "ipsec0":
                self.report.errors.append(f"traffic to the VPC uses {dev}, not tunnel 1 (ipsec0)")
            return
        for name in scenarios:
            res = sc.run(self, name, local, vpc)
            self.report.scenarios.append(res)
            if name == scenarios[0]:
                self.report.failover = res.move_s is not None
                self.report.failover_seconds = res.move_s
            if not res.ok:
                break  # the lab is not back to its starting point: later scenarios would measure nothing

    # -- outages (vpncc.lab.scenarios) ---------------------------------------------------------------
    def stop_aws_endpoint(self, n: int) -> None:
        """AWS endpoint n goes away as in maintenance: its charon deletes the SAs as it stops."""
        self.runner.stop(next(pr for pr in reversed(self.runner.procs) if pr.name == f"aws{n}-charon"
                              and pr.popen.poll() is None))

    def start_aws_endpoint(self, n: int) -> None:
        """The replaced endpoint comes back with the same configuration (a new charon, a new TUN device)."""
        c = self.aws_charons[n - 1]
        t = self.plan.aws.tunnels[n - 1]
        try:
            os.unlink(f"{c.dir}/charon.vici")
        except FileNotFoundError:
            pass
        c.start(self.runner)
        if not wait_for(c.ready, 5) or not wait_for(lambda: "ipsec0" in self.ip(
                f"aws{n}", "-o", "link", "show", check=False).stdout, 5):
            raise LabError(f"AWS endpoint {n} did not come back: {_tail(c.dir + '/stdout.log')}")
        c.load(self.runner, f"{c.dir}/swanctl.conf")
        self.ip(f"aws{n}", "addr", "add", t.inside.aws.with_prefixlen, "dev", "ipsec0", check=False)
        self.ip(f"aws{n}", "link", "set", "ipsec0", "up", check=False)
        if self.plan.cust.routing is Routing.STATIC:
            for net in self.plan.profile.local_networks:
                self.ip(f"aws{n}", "route", "replace", str(net), "dev", "ipsec0", check=False)

    def blackhole_aws_endpoint(self, n: int, on: bool) -> None:
        """Drop every packet to and from AWS endpoint n, silently (blackhole routes: no ICMP)."""
        aws = str(self.plan.aws.tunnels[n - 1].outside.aws)
        cust = sorted({str(t.outside.customer) for t in self.plan.cust.tunnels})
        if on:
            self.ip("inet", "route", "replace", "blackhole", f"{aws}/32")
            for c in cust:
                self.ip(f"aws{n}", "route", "add", "blackhole", f"{c}/32")
        else:
            self.ip("inet", "route", "replace", f"{aws}/32", "dev", f"a{n}")
            for c in cust:
                self.ip(f"aws{n}", "route", "del", "blackhole", f"{c}/32", check=False)

    # -- teardown ----------------------------------------------------------------------------------
    def cleanup(self) -> None:
        self.runner.stop_all()
        for c in self.cgw_charons + self.aws_charons:
            pid = c.pid_from_file()  # starter's charon (legacy) is not our direct child
            if pid and _is_charon(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        for n in self.created_ns:
            self.runner.run(["ip", "netns", "del", n], check=False)
        self.created_ns.clear()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.record.forget()

    def keep_note(self) -> str:
        pids = [str(pr.popen.pid) for pr in self.runner.procs if pr.popen.poll() is None]
        script = f"{self.dir}/cleanup.sh"
        with open(script, "w", encoding="utf-8") as fh:
            fh.write("#!/bin/sh\n# stop what `vpncc lab --keep` left running\n")
            if pids:
                fh.write(f"kill {' '.join(pids)} 2>/dev/null\nsleep 1\n")
            for c in self.cgw_charons + self.aws_charons:
                fh.write(f"[ -f {c.dir}/run/charon.pid ] && kill $(cat {c.dir}/run/charon.pid) 2>/dev/null\n")
            for n in self.created_ns:
                fh.write(f"ip netns del {n}\n")
            fh.write(f"rm -rf {self.dir}\n")
        os.chmod(script, 0o755)
        return f"{self.dir} (namespaces {', '.join(self.created_ns)}; clean up with sh {script})"


def _joined(files: dict[str, str]) -> str:
    """The bundle as one text for the strongSwan reader, each file behind its name mark (compiled files
    carry the mark already; a user's own files get it here)."""
    out = []
    for name, text in files.items():
        mark = f"# --- vpncc file: {name} ---"
        out.append(text if text.lstrip().startswith("# --- vpncc file:") else f"{mark}\n{text}")
        if not out[-1].endswith("\n"):
            out.append("\n")
    return "".join(out)


def _is_charon(pid: int) -> bool:
    """Only a pid that still belongs to a charon (pid files outlive their process)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"charon" in fh.read()
    except OSError:
        return False


def _tail(path: str, n: int = 400) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()[-n:].strip() or "(no output)"
    except OSError:
        return "(no output)"
