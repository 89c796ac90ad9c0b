"""The onboarding report: statuses, Markdown and the files written."""

from __future__ import annotations

import json
import os
import stat

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._report import build_report, to_markdown, write_report

RECORDS = {
    "a": {"host": "a", "name": "A | Co", "kind": "customer", "parent": "", "id": "1", "status": "created", "reason": "",
          "users": [{"login": "a.user", "roles": ["backup_user"], "activated": False,
                     "quotas": {"servers": {"workload": "servers", "limit": 2, "edition": "standard"}}}],
          "quotas": {"pw_base_storage": {"workload": "storage", "item": "pw_base_storage", "edition": "pck_per_workload",
                                         "limit": "500 GB", "hard": True, "overage": "50 GB"}},
          "changes": [{"what": "tenant", "diff": {}}]},
    "b": {"host": "b", "name": "B", "status": "failed", "reason": "Tenant: name: must not be empty"},
}


def test_statuses_are_counted_in_a_fixed_order_and_missing_records_explained():
    report = build_report(["b", "a", "c", "d"], RECORDS, {"c": "C"}, "Onboarding", False, cycle=["d"])
    assert report["summary"] == "Onboarding: 4 tenants - 1 created, 2 failed, 1 not run"
    missing = {tenant["host"]: tenant for tenant in report["tenants"]}
    assert missing["c"]["name"] == "C" and missing["c"]["status"] == "not run"
    assert missing["d"]["status"] == "failed" and missing["d"]["reason"].startswith("tenant_parent:")


def test_markdown_escapes_table_cells_and_lists_users_quotas_and_changes():
    text = to_markdown(build_report(["a", "b"], RECORDS, {}, "Drift report", True))
    assert text.startswith("# Drift report (check mode: nothing was changed)\n")
    assert "| A \\| Co | customer |  | created | 1 | a.user |  |" in text
    assert "- quotas: storage 500 GB (hard, +50 GB) [pck_per_workload]" in text
    assert "- user `a.user`: roles backup_user; not activated yet; own quotas: servers 2 [standard]" in text
    assert "- would change tenant" in text and "| B |" in text and "must not be empty |" in text


def test_files_are_private_to_the_group_and_replaced_whole(tmp_path):
    report = build_report(["a"], RECORDS, {}, "Onboarding", False)
    paths = write_report(str(tmp_path / "reports"), "onboarding", report)
    assert json.loads(open(paths["json"]).read())["counts"] == {"created": 1}
    assert stat.S_IMODE(os.stat(paths["json"]).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(paths["md"]).st_mode) == 0o640
    write_report(str(tmp_path / "reports"), "onboarding", report)
    assert sorted(os.listdir(tmp_path / "reports")) == ["onboarding.json", "onboarding.md"]
