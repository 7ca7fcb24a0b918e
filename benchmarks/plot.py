"""The scaling picture for BENCHMARKS.md: time against fleet size and against config size.

matplotlib is a test extra (pyproject.toml), not a run-time dependency; imported only here.
"""

from __future__ import annotations

from pathlib import Path


def plot(fleet: list[dict], shapes: list[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no display
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), dpi=80)
    curve = sorted((r for r in fleet if r["format"] == "json"), key=lambda r: r["devices"])
    if curve:
        n = [r["devices"] for r in curve]
        ax1.plot(n, [r["wall_s"] for r in curve], "o-", label="wall (2 cores, shared)")
        ax1.plot(n, [r["cpu_s"] for r in curve], "s--", label="CPU, all processes")
        lo, hi = n[0], n[-1]
        per = curve[-1]["cpu_s"] / hi
        ax1.plot([lo, hi], [per * lo, per * hi], ":", color="grey", label="linear (largest fleet's cost/device)")
        ax1.axhline(15, color="red", linewidth=0.8, label="target: 15 s at 10,000")
        ax1.set_xscale("log")
        ax1.set_yscale("log")
        ax1.set_xlabel("devices (two connections each)")
        ax1.set_ylabel("seconds")
        ax1.set_title("vpncc check --format json")
        ax1.legend(fontsize=7)
    for r in (r for r in shapes if not r.get("error")):
        ax2.plot([r["lines"]], [r["cpu_s"]], "o")
        ax2.annotate(r["case"].split()[0], (r["lines"], r["cpu_s"]), fontsize=7, xytext=(4, 4),
                     textcoords="offset points")
        if r.get("baseline"):
            ax2.plot([r["lines"]], [r["baseline"]["cpu_s"]], "x", color="black")
            ax2.annotate("ciscoconfparse2", (r["lines"], r["baseline"]["cpu_s"]), fontsize=6, xytext=(4, -8),
                         textcoords="offset points")
    ax2.axhline(2, color="red", linewidth=0.8, label="target for 1M lines: 2 s")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("config lines")
    ax2.set_ylabel("CPU seconds (whole process)")
    ax2.set_title("vpncc validate on big configs")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})  # no matplotlib version stamp: the PNG stays stable
    plt.close(fig)
    return path
