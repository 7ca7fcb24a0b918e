"""What the lab needs from the machine (root, Linux, packages) and how it runs processes.

Every process the lab starts is a direct child (daemons run in the foreground), started in its own
session so that a Ctrl-C on the terminal reaches only vpncc, which then stops them by PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import IO, Sequence

from ..errors import UsageError, VpnccError


class LabError(VpnccError):
    """The lab itself could not run (a command failed while building the namespaces...)."""


class LabPrerequisiteError(UsageError):
    """Not root, not Linux, or packages missing."""


class LabNamespaceInUse(UsageError):
    """A network namespace with the lab's name exists already."""


IPSEC_DIR = "/usr/lib/ipsec"
FRR_DIR = "/usr/lib/frr"

#: file -> Debian package that ships it (what the lab asks the user to install)
_FILES = {
    "charon": (f"{IPSEC_DIR}/charon", "strongswan-charon"),
    "starter": (f"{IPSEC_DIR}/starter", "strongswan-starter"),
    "swanctl": ("swanctl", "strongswan-swanctl"),
    "vici": (f"{IPSEC_DIR}/plugins/libstrongswan-vici.so", "strongswan-swanctl"),
    "stroke": (f"{IPSEC_DIR}/plugins/libstrongswan-stroke.so", "strongswan-starter"),
    "kernel-libipsec": (f"{IPSEC_DIR}/plugins/libstrongswan-kernel-libipsec.so", "libcharon-extra-plugins"),
    "openssl": (f"{IPSEC_DIR}/plugins/libstrongswan-openssl.so", "libstrongswan-standard-plugins"),
    "kdf": (f"{IPSEC_DIR}/plugins/libstrongswan-kdf.so", "libstrongswan"),
    "ip": ("ip", "iproute2"),
    "unshare": ("unshare", "util-linux"),
    "ping": ("ping", "iputils-ping"),
    "zebra": (f"{FRR_DIR}/zebra", "frr"),
    "bgpd": (f"{FRR_DIR}/bgpd", "frr"),
    "staticd": (f"{FRR_DIR}/staticd", "frr"),
    "vtysh": ("vtysh", "frr"),
    "bird": ("bird", "bird2"),
    "birdc": ("birdc", "bird2"),
}
#: the packages CI installs for the whole lab suite
APT_PACKAGES = ("strongswan-swanctl", "strongswan-charon", "libcharon-extra-plugins", "libstrongswan-extra-plugins",
                "libstrongswan-standard-plugins", "frr", "bird2", "iputils-ping", "nftables")


def which(name: str) -> str | None:
    path, _ = _FILES.get(name, (name, None))
    if path.startswith("/"):
        return path if os.access(path, os.X_OK) or (path.endswith(".so") and os.path.exists(path)) else None
    return shutil.which(path) or next((p for d in ("/usr/sbin", "/sbin", "/usr/bin", "/bin")
                                       if os.access(p := os.path.join(d, path), os.X_OK)), None)


def check_prerequisites(needed: Sequence[str]) -> None:
    if not os.uname().sysname == "Linux":
        raise LabPrerequisiteError("vpncc lab needs Linux (network namespaces)")
    if os.geteuid() != 0:
        raise LabPrerequisiteError("vpncc lab needs root: it creates network namespaces and runs strongSwan, "
                                   "FRR and BIRD in them (try: sudo vpncc lab ...)")
    if not os.path.exists("/proc/self/ns/net"):
        raise LabPrerequisiteError("this kernel has no network namespaces (CONFIG_NET_NS)")
    missing = sorted({_FILES[n][1] for n in needed if which(n) is None})
    if missing:
        raise LabPrerequisiteError(
            "vpncc lab needs packages that are not installed: " + ", ".join(missing)
            + "\n  install them with: apt-get install -y --no-install-recommends " + " ".join(missing))


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: str | None = None


@dataclass
class Runner:
    """Runs commands and keeps every started process for cleanup (by PID)."""

    verbose: IO[str] | None = None
    procs: list[Proc] = field(default_factory=list)

    def run(self, argv: Sequence[str], *, ns: str | None = None, timeout: float = 10, check: bool = True,
            env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
        full = (["ip", "netns", "exec", ns] if ns else []) + list(argv)
        try:
            cp = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=env, input=input)
        except subprocess.TimeoutExpired:
            raise LabError(f"command timed out after {timeout:g} s: {' '.join(full)}") from None
        except FileNotFoundError:
            raise LabPrerequisiteError(f"command not found: {full[0]}") from None
        if check and cp.returncode != 0:
            raise LabError(f"command failed ({cp.returncode}): {' '.join(full)}\n  {cp.stderr.strip()[:500]}")
        return cp

    def start(self, name: str, argv: Sequence[str], *, ns: str | None = None, log: str | None = None,
              env: dict | None = None) -> Proc:
        full = (["ip", "netns", "exec", ns] if ns else []) + list(argv)
        out = open(log, "ab") if log else subprocess.DEVNULL
        try:
            p = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                 start_new_session=True)
        finally:
            if log:
                out.close()  # type: ignore[union-attr]
        proc = Proc(name, p, log)
        self.procs.append(proc)
        return proc

    def stop(self, proc: Proc, timeout: float = 3.0) -> None:
        p = proc.popen
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(2)

    def stop_all(self) -> None:
        # signal every process first, then wait: shutdown takes the longest one's time, not the sum
        for proc in reversed(self.procs):
            if proc.popen.poll() is None:
                try:
                    os.kill(proc.popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 3.0
        for proc in self.procs:
            try:
                proc.popen.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                try:
                    os.kill(proc.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    proc.popen.wait(2)
                except subprocess.TimeoutExpired:
                    pass
        self.procs.clear()


def wait_for(predicate, timeout: float, interval: float = 0.02):
    """Poll ``predicate`` until it returns something truthy or ``timeout`` passes; returns its value."""
    end = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= end:
            return v
        time.sleep(interval)
