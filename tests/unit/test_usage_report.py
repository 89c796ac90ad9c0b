"""The usage report's files without matplotlib, and the usage states at their edges."""

from __future__ import annotations

import sys

from ansible_collections.acronis.cyber_cloud.plugins.module_utils import _usage_report
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._usage import percentage, usage_state

USAGE = {"threshold": 80, "tenants": [{"id": "t1", "name": "Solo", "kind": "customer", "parent_id": "p", "users": [],
                                       "usages": [{"workload": "servers", "item": "servers", "edition": "standard",
                                                   "storage": None, "unit": "quantity", "value": 9, "quota": 10,
                                                   "overage": None, "percentage": 90.0, "state": "near",
                                                   "usage": 9, "limit": 10, "range_start": "2026-12-01T00:00:00"}]}]}


def test_without_matplotlib_the_report_says_so_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    report = _usage_report.build_usage_report(USAGE)
    paths, note = _usage_report.write_usage_report(str(tmp_path), "usage", report)
    assert note == _usage_report.CHART_NOTE and "png" not in paths
    assert sorted(path.name for path in tmp_path.iterdir()) == ["usage.csv", "usage.json", "usage.md"]
    assert note in (tmp_path / "usage.md").read_text()
    assert report["near"] == ["Solo: servers"] and report["over"] == []


def test_states_and_percentages():
    assert usage_state(80, 100, 80) == "near" and usage_state(79, 100, 80) == "ok"
    assert usage_state(101, 100, 100) == "over" and usage_state(100, 100, 100) == "near"
    assert usage_state(5, None, 1) == "ok" and percentage(5, None) is None
    assert usage_state(1, 0, 80) == "over" and percentage(0, 0) is None
    assert percentage(1, 3) == 33.3
