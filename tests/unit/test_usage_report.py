"""The usage report's files without matplotlib, and the usage states at their edges."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils import _usage_report
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._usage import (
    month_period, percentage, report_usages, usage_state)

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


class ReportClient:
    """A report that stays in `status` for `polls` status reads, then is saved; records the calls."""

    def __init__(self, polls, status="in_progress"):
        self.polls, self.status, self.calls = polls, status, []

    def post(self, path, body):
        self.calls.append(("POST", path, body["parameters"]["period"]))
        return {"id": "r1", "version": 1}

    def get(self, path, params=None):
        self.calls.append(("GET", path))
        if path.endswith("/stored"):
            self.polls -= 1
            status = self.status if self.polls >= 0 else "saved"
            return {"items": [{"id": "s1", "report_format": "json_v2_0", "status": status}]}
        return {"tenants": [{"tenant_uuid": "t1", "usage_name": "servers", "value": 3}]}

    def delete(self, path, params=None):
        self.calls.append(("DELETE", path, params))


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_month_report_is_waited_for_downloaded_and_deleted():
    client, clock = ReportClient(polls=2), Clock()
    found = report_usages(client, ["root"], "2025-02", timeout=60, sleep=clock.sleep, clock=clock)
    assert found == {"t1": [{"tenant_uuid": "t1", "usage_name": "servers", "value": 3,
                             "range_start": "2025-02-01T00:00:00"}]}
    assert client.calls[0] == ("POST", "/reports", {"start": "2025-02-01", "end": "2025-02-28"})
    assert client.calls[-1] == ("DELETE", "/reports/r1", {"version": 1}) and clock.now == 4


def test_a_report_that_never_completes_fails_after_the_timeout_and_is_deleted():
    client, clock = ReportClient(polls=10 ** 6), Clock()
    with pytest.raises(OptionError) as raised:
        report_usages(client, ["root"], "2025-02", timeout=5, sleep=clock.sleep, clock=clock)
    assert str(raised.value).startswith("report_timeout: the usage report of 2025-02 (report r1) was not ready "
                                        "after 5 s (status in_progress)")
    assert client.calls[-1][0] == "DELETE" and clock.now == 5
    failed = ReportClient(polls=1, status="failed")
    with pytest.raises(AcronisError, match="failed on the platform"):
        report_usages(failed, ["root"], "2025-02", timeout=5, sleep=clock.sleep, clock=clock)


def test_months_and_hosts():
    assert month_period("2024-02", today=date(2024, 3, 1)) == ("2024-02-01", "2024-02-29")
    assert month_period("2024-12", today=date(2025, 1, 15)) == ("2024-12-01", "2024-12-31")
    with pytest.raises(OptionError, match="^month: 2025-01 is not over yet; .* such as 2024-12$"):
        month_period("2025-01", today=date(2025, 1, 15))
    tenants = [{"id": "root", "name": "Home", "parent_id": "up"}, {"id": "r", "name": "Reseller", "parent_id": "root"},
               {"id": "c", "name": "Contoso", "parent_id": "r"}, {"id": "c2", "name": "Contoso", "parent_id": "root"}]
    hosts = {"reseller": ("Reseller", None), "contoso": ("CONTOSO", "reseller"), "direct": ("Contoso", None),
             "by-name": ("contoso", "Reseller"), "loop-a": ("A", "loop-b"), "loop-b": ("B", "loop-a")}
    found, missing = _usage_report.match_hosts(tenants, hosts, "root")
    assert found == {"r": "reseller", "c": "contoso", "c2": "direct"} and missing == ["loop-a", "loop-b"]
