"""The benchmark's chart: wall time of each run as a horizontal bar, drawn with matplotlib (Agg, no display)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"collection": "#2a7ab9", "uri": "#c0504d", "script": "#7f7f7f", "ansible_floor": "#9bbb59"}
LABELS = {"collection": "collection (onboard.yml)", "uri": "ansible.builtin.uri playbook",
          "script": "Python script (API floor)", "ansible_floor": "set_fact playbook (Ansible floor)"}


def write_chart(path, scenario, runs):
    names = [name for name in ("uri", "collection", "ansible_floor", "script") if name in runs]
    walls = [runs[name]["wall_s"] for name in names]
    figure, axes = plt.subplots(figsize=(8, 3.2), dpi=100)
    bars = axes.barh([LABELS[name] for name in names], walls, color=[COLOURS[name] for name in names])
    axes.invert_yaxis()
    axes.bar_label(bars, labels=["%.1f s" % wall for wall in walls], padding=4)
    axes.set_xlim(0, max(walls) * 1.18)
    axes.set_xlabel("wall time, seconds (lower is better)")
    axes.set_title("Onboarding %(tenants)d tenants (%(resellers)d resellers x %(customers)d customers), "
                   "forks %(forks)d, latency %(latency_ms)d ms" % scenario, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
