"""`make bench` at its smallest size: it runs, its results have the documented shape, the collection's
re-run writes nothing, and the uri playbook and the script leave the same cloud as the collection.
No timing is asserted: the figures are the benchmark's, not the tests'."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.integration.playbook import REPO

pytest.importorskip("psutil", reason="the benchmark's requirements (requirements-dev.txt) are not installed")
pytest.importorskip("matplotlib", reason="the benchmark's requirements (requirements-dev.txt) are not installed")

RUNS = ("collection", "uri", "script", "ansible_floor")
RUN_KEYS = {"wall_s", "peak_rss_mb", "api_calls"}


def test_bench_runs_the_four_ways_and_they_do_the_same_job(tmp_path):
    output = tmp_path / "latest.json"
    process = subprocess.run([sys.executable, str(REPO / "bench" / "bench.py"), "--resellers", "1", "--customers",
                              "2", "--output", str(output)], cwd=str(REPO), capture_output=True, text=True,
                             timeout=300, check=False)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    results = json.loads(output.read_text())
    assert results["scenario"]["tenants"] == 3 and set(results["runs"]) == set(RUNS)
    runs = results["runs"]
    for name in RUNS:
        assert RUN_KEYS <= set(runs[name]), name
        assert runs[name]["wall_s"] > 0 and runs[name]["peak_rss_mb"] > 0
    collection = runs["collection"]
    assert {"rerun_wall_s", "rerun_writes", "rerun_calls_per_tenant"} <= set(collection)
    assert collection["rerun_writes"] == 0
    assert collection["final_state"] == runs["uri"]["final_state"] == runs["script"]["final_state"]
    assert collection["final_state"]["quota_items"] > 0
    # The floor has as many tasks per host as the onboarding.
    assert runs["ansible_floor"]["tasks_per_host"] == collection["tasks_per_host"]
    assert (tmp_path / "latest.png").stat().st_size > 0
    assert "collection_over_uri" in process.stdout


def test_bench_usage_mode_counts_the_calls_of_the_playbook_and_the_script(tmp_path):
    output = tmp_path / "latest.json"
    process = subprocess.run([sys.executable, str(REPO / "bench" / "bench.py"), "--usage", "3", "--output",
                              str(output)], cwd=str(REPO), capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    usage = json.loads(output.read_text())["usage"]
    assert usage["tenants"] == 7 and usage["calls"] == usage["script_calls"] == 5
    assert usage["collection_over_script"] > 0
