"""What a lab run leaves behind, recorded as it is created, so that ``vpncc lab --cleanup`` can remove
the namespaces, daemons and files of a run that was killed (SIGKILL, a crash, a reboot of the shell).

One JSON record per run in :data:`STATE_DIR` (root-only, 0700): the run's process id, its network
namespaces and its temporary directory. A normal end, Ctrl-C and failures remove the record with the
rest; ``--cleanup`` handles the records whose run is no longer alive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass, field

STATE_DIR = os.environ.get("VPNCC_LAB_STATE", "/run/vpncc-lab")


@dataclass
class Record:
    run_id: str
    owner: int
    namespaces: list[str] = field(default_factory=list)
    dir: str = ""

    @property
    def path(self) -> str:
        return os.path.join(STATE_DIR, f"{self.run_id}.json")

    def save(self) -> None:
        os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"run_id": self.run_id, "owner": self.owner, "namespaces": self.namespaces,
                       "dir": self.dir}, fh)
        os.replace(tmp, self.path)

    def forget(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def records() -> list[Record]:
    out: list[Record] = []
    try:
        names = sorted(os.listdir(STATE_DIR))
    except FileNotFoundError:
        return out
    for n in names:
        if not n.endswith(".json"):
            continue
        try:
            with open(os.path.join(STATE_DIR, n), encoding="utf-8") as fh:
                d = json.load(fh)
            out.append(Record(str(d["run_id"]), int(d["owner"]), [str(x) for x in d.get("namespaces", [])],
                              str(d.get("dir", ""))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def remove(rec: Record) -> list[str]:
    """Kill every process inside the run's namespaces, delete them and the run's directory. Returns
    what was removed, for the user."""
    done = []
    existing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    have = {line.split()[0] for line in existing.splitlines() if line.strip()}
    for ns in rec.namespaces:
        if not ns.startswith("vpncc-") or ns not in have:
            continue
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError, PermissionError):
                pass
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        done.append(f"namespace {ns}" + (f" ({len(pids)} process(es) stopped)" if pids else ""))
    base = os.path.basename(rec.dir.rstrip("/"))
    if rec.dir and base.startswith("vpncc-lab-") and os.path.isdir(rec.dir):
        shutil.rmtree(rec.dir, ignore_errors=True)
        done.append(f"directory {rec.dir}")
    rec.forget()
    return done


def cleanup_stale() -> list[str]:
    """Remove what runs that are no longer alive left behind."""
    out = []
    for rec in records():
        if rec.owner != os.getpid() and _alive(rec.owner):
            continue
        out += [f"run {rec.run_id}: {what}" for what in remove(rec)]
    return out
