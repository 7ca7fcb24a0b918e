"""What strongSwan (and Libreswan/Openswan) settings DO, in the comparison's terms: dead-peer detection
time, whether the gateway (re)starts a tunnel by itself, charon's retransmission timers.

Sources:
- strongSwan docs, "Retransmission" (https://docs.strongswan.org/docs/latest/config/retransmission.html):
  ``relative timeout = retransmit_timeout * retransmit_base ^ (n-1)``; defaults timeout 4.0 s, base 1.8,
  5 tries: the peer is given up 165 s after the first request. ``retransmit_limit`` caps each step.
- swanctl.conf(5), ``dpd_timeout``: "Charon by default uses the normal retransmission mechanism and
  timeouts to check the liveness of a peer ... For compatibility reasons, with IKEv1 a custom interval
  may be specified; this option has no effect on IKEv2 connections." ``dpd_delay`` 0 = DPD off;
  ``dpd_action`` clear (default) | trap | restart; ``start_action`` none (default) | trap | start;
  ``close_action`` none (default) | clear | trap | start.
- ipsec.conf(5) (strongSwan starter): ``dpdaction`` none (default) | clear | hold | restart, ``dpddelay``
  30 s, ``dpdtimeout`` 150 s "only applies to IKEv1, in IKEv2 the default retransmission timeout
  applies"; ``auto`` ignore | add | route | start; ``closeaction`` none (default) | clear | hold | restart.
- Libreswan ipsec.conf(5): ``dpddelay``/``dpdtimeout`` (both needed; the peer is declared dead after
  dpdtimeout without traffic or R_U_THERE_ACK, IKEv1 and IKEv2 alike), ``dpdaction`` hold (default) |
  clear | restart | restart_by_peer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...validate.negotiation import DpdBehaviour


@dataclass
class Retransmit:
    """charon's retransmission settings (strongswan.conf ``charon { retransmit_* }``)."""

    timeout: float = 4.0
    base: float = 1.8
    tries: int = 5
    limit: float | None = None
    #: where they were tuned (file line), None = charon's defaults
    line: int | None = None

    def total(self) -> float:
        """Seconds from the first request until charon gives up (the request plus ``tries``
        retransmissions, then the last wait)."""
        out = 0.0
        for n in range(max(self.tries, 0) + 1):
            step = self.timeout * self.base ** n
            out += min(step, self.limit) if self.limit else step
        return out

    def describe(self) -> str:
        what = "charon's defaults" if self.line is None else "tuned"
        return (f"{what}: retransmit_timeout {self.timeout:g} s, base {self.base:g}, {self.tries} tries "
                f"= {self.total():.0f} s")


def read_retransmit(root) -> Retransmit:
    """From a parsed strongswan.conf / charon.conf tree (settings.Section). charon-systemd reads its
    own section name first."""
    r = Retransmit()
    for name in ("charon", "charon-systemd"):
        sec = root.sub(name) if root is not None else None
        if sec is None:
            continue
        for key, attr, conv in (("retransmit_timeout", "timeout", float), ("retransmit_base", "base", float),
                                ("retransmit_tries", "tries", int), ("retransmit_limit", "limit", float)):
            v = sec.get(key)
            if v is None:
                continue
            try:
                setattr(r, attr, conv(v))
            except ValueError:
                continue
            r.line = sec.line_of(key)
    return r


_ACTION = {"restart": "restart", "start": "restart", "clear": "clear", "trap": "hold", "hold": "hold",
           "none": None, "restart_by_peer": "clear"}


def dpd_strongswan(*, ikev1: bool, delay: int, timeout: int | None, action: str | None,
                   retransmit: Retransmit, legacy: bool) -> DpdBehaviour:
    """charon's DPD: off without a delay (swanctl) or without a dpdaction (ipsec.conf, the caller passes
    delay 0 then). IKEv1 with a timeout: dead after the timeout without traffic, checked every delay;
    IKEv2 (and IKEv1 without timeout in swanctl): the DPD request is retransmitted and the peer given up
    when retransmission gives up."""
    act = _ACTION.get((action or ("none" if legacy else "clear")).lower(), None)
    if delay <= 0:
        return DpdBehaviour(False, None, "dpd_delay is 0 (off)" if not legacy else "dpdaction=none (off)", act)
    if ikev1 and timeout:
        key = "dpdtimeout" if legacy else "dpd_timeout"
        return DpdBehaviour(True, float(delay + timeout), f"IKEv1: DPD every {delay} s, {key} {timeout} s", act)
    why = "IKEv2 ignores dpd_timeout; " if not ikev1 and timeout else ""
    return DpdBehaviour(True, delay + retransmit.total(),
                        f"{why}DPD after {delay} s idle, then retransmissions ({retransmit.describe()})", act)


def dpd_libreswan(delay: int | None, timeout: int | None, action: str | None) -> DpdBehaviour:
    act = _ACTION.get((action or "hold").lower(), None)
    if not delay or not timeout:
        return DpdBehaviour(False, None, "dpddelay and dpdtimeout are both needed (pluto)", act)
    return DpdBehaviour(True, float(delay + timeout), f"pluto: R_U_THERE every {delay} s, dead after "
                                                      f"{timeout} s without a reply", act)


def initiates_swanctl(start: str | None, close: str | None, dpd_action: str | None) -> tuple[str, str]:
    """("always" | "on-demand" | "never", why). AWS's endpoint with startup action ``add`` never
    initiates: the gateway must start the tunnel and start it again after AWS closes it."""
    start = (start or "none").lower()
    close = (close or "none").lower()
    if start == "none":
        return "never", "start_action = none (the default): charon only responds and AWS does not initiate"
    if start == "trap":
        return "on-demand", "start_action = trap: the tunnel comes up only when traffic matches its policy"
    if close in ("start", "trap"):
        return "always", f"start_action = start, close_action = {close}"
    return "on-demand", (f"close_action = {close}: after AWS closes the SA (e.g. an endpoint replacement) "
                         "charon does not initiate it again")


def initiates_ipsec_conf(auto: str | None, closeaction: str | None) -> tuple[str, str]:
    auto = (auto or "ignore").lower()
    close = (closeaction or "none").lower()
    if auto in ("add", "ignore"):
        return "never", f"auto={auto}: the gateway only responds and AWS does not initiate"
    if auto == "route":
        return "on-demand", "auto=route: the tunnel comes up only when traffic matches its policy"
    if close in ("restart", "hold"):
        return "always", f"auto=start, closeaction={close}"
    return "on-demand", (f"closeaction={close}: after AWS closes the SA (e.g. an endpoint replacement) the "
                         "gateway does not initiate it again")


def initiates_libreswan(auto: str | None) -> tuple[str, str]:
    """pluto with ``auto=start`` re-initiates a connection the peer deleted (it stays "up" in pluto's
    terms: Libreswan ipsec.conf(5), auto=start "load and initiate"; keyingtries %forever by default)."""
    auto = (auto or "ignore").lower()
    if auto in ("start", "up"):
        return "always", f"auto={auto}"
    if auto in ("route", "ondemand"):
        return "on-demand", f"auto={auto}: the tunnel comes up only when traffic matches its policy"
    return "never", f"auto={auto}: pluto only responds and AWS does not initiate"
