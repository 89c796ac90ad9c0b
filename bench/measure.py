"""Runs one command and measures its wall time and peak memory.

Memory is sampled with psutil every SAMPLE_S seconds over the command's whole process tree (for
ansible-playbook: the controller, its forked workers and any module processes):
- `peak_rss_mb`: the largest sum of resident set sizes seen at one sample. Forked workers share most
  of their pages with the controller (copy-on-write), so the sum counts shared pages once per process:
  an upper bound of what the tree really occupies.
- `controller_rss_mb`: the largest resident set of the command's own process (the controller).
A process living shorter than one sample interval may be missed; the controller never is.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass

import psutil

SAMPLE_S = 0.1
MB = 1024 * 1024


@dataclass
class Measurement:
    returncode: int
    wall_s: float
    peak_rss_mb: float
    controller_rss_mb: float


def _tree_rss(process):
    """(sum of RSS over the process and its descendants, RSS of the process itself) in bytes."""
    try:
        own = process.memory_info().rss
        children = process.children(recursive=True)
    except psutil.Error:
        return 0, 0
    total = own
    for child in children:
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass  # ended between listing and reading
    return total, own


def run_measured(command, env, cwd, log_path):
    """Run `command` with its output in `log_path`; sample memory until it exits."""
    peak_tree = peak_own = 0
    start = time.perf_counter()
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            tree, own = _tree_rss(watched)
            peak_tree, peak_own = max(peak_tree, tree), max(peak_own, own)
            time.sleep(SAMPLE_S)
    wall = time.perf_counter() - start
    return Measurement(process.returncode, round(wall, 2), round(peak_tree / MB, 1), round(peak_own / MB, 1))
