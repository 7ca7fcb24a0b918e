"""``vpncc lab``: prove a compiled strongSwan config against an emulated AWS side, on one Linux
machine, as root, with real IKE, ESP (strongSwan's userspace ESP) and BGP.

::

    report = vpncc.lab.run(conn, "strongswan", profile)      # LabReport
    report.ok, report.to_dict(), report.text()

It creates network namespaces (one per AWS tunnel endpoint, one router, one customer gateway),
generates the AWS side from the IR (strongSwan responders with AWS's proposals, PSK and DPD; BIRD or
FRR announcing a VPC prefix), runs the compiled customer bundle changed only where this kernel
forces it (listed in ``report.adaptations``), brings both tunnels up, waits for BGP (or checks the
static routes), pings from a local network address to the VPC through tunnel 1, fails tunnel 1 and
checks that traffic moves to tunnel 2. Every namespace and process is removed afterwards (by PID),
also on Ctrl-C and on failure, unless ``keep=True``.

Negative runs: ``fail_psk``, ``fail_proposal`` (the AWS side accepts another IKE cipher) and
``fail_peer`` (the customer config points at a wrong AWS address) report the failure and its cause
(AUTH_FAILED, NO_PROPOSAL_CHOSEN, timeout) instead of hanging; ``aws_conn`` generates the AWS side from
another IR than the customer config.
"""

from __future__ import annotations

from .env import APT_PACKAGES, LabError, LabNamespaceInUse, LabPrerequisiteError
from .report import LabReport, TunnelResult


def run(*args, **kwargs) -> LabReport:
    from .session import run as _run

    return _run(*args, **kwargs)


run.__doc__ = __doc__

__all__ = ["run", "LabReport", "TunnelResult", "LabError", "LabPrerequisiteError", "LabNamespaceInUse",
           "APT_PACKAGES"]
