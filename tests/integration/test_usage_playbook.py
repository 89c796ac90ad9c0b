"""The usage playbook over an onboarding inventory: report files, CSV round trip, fail or warn when over."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import yaml

from tests.integration import usage_estate
from tests.integration.playbook import REPO
from tests.integration.usage_estate import GB

USAGE = REPO / "playbooks" / "usage.yml"
INVENTORY = {
    "acronis_resellers": {"hosts": {"reseller": {"tenant_name": "Usage Reseller"}}},
    "acronis_customers": {"hosts": {
        "near": {"tenant_name": "Near Co", "tenant_parent": "reseller"},
        "over": {"tenant_name": "OVER CO", "tenant_parent": "reseller"},
        "ghost": {"tenant_name": "Ghost Co", "tenant_parent": "reseller"}}},
}


def test_usage_playbook_writes_the_report_and_fails_naming_the_tenant_over(runner, sim, tmp_path):
    estate = usage_estate.build(sim)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": INVENTORY}}))
    run, writes = runner.writes_during(USAGE, inventory=str(inventory), extra_vars={"acronis_usage_threshold": 90})
    assert writes == 0 and run.rc != 0
    [failure] = run.failures()
    assert "over a limit: Over Co: pw_base_workstations" in failure["result"]["msg"]
    folder = run.workdir / "acronis-reports"
    assert sorted(path.name for path in folder.iterdir()) == ["usage.csv", "usage.json", "usage.md", "usage.png"]

    with open(folder / "usage.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    report = json.loads((folder / "usage.json").read_text())
    assert {row["host"] for row in rows} == {"reseller", "near", "over"} and report["not_found"] == ["ghost"]
    # Exact numbers both ways: every CSV row is the JSON row, as text.
    assert rows == [{key: "" if value is None else str(value) for key, value in row.items()} for row in report["rows"]]
    storage = {(row["tenant_name"], row["user_login"]): row for row in rows if row["workload"] == "storage"}
    near = storage[("Near Co", "")]
    assert (int(near["value"]), int(near["quota"]), float(near["percentage"]), near["state"]) == \
        (95 * GB, 100 * GB, 95.0, "near")
    user = storage[("Near Co", "near.backup")]
    assert user["tenant_kind"] == "user" and user["usage_tenant_id"] == estate["user"]["personal_tenant_id"]
    assert int(user["value"]) == 40 * GB and user["quota"] == str(100 * GB)  # copied to the personal tenant
    markdown = (folder / "usage.md").read_text()
    assert "Over a limit: Over Co: pw_base_workstations" in markdown and "Ghost Co" not in markdown
    assert "ghost" in markdown

    warned = runner.run(USAGE, inventory=str(inventory), extra_vars={"acronis_usage_on_over": "warn"})
    assert warned.rc == 0, warned.output
    assert "over a limit: Over Co: pw_base_workstations" in warned.output


def test_monthly_billing_export_from_a_stored_report_has_the_same_columns(runner, sim, tmp_path):
    usage_estate.build(sim)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": INVENTORY}}))
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    sim.admin.reset_stats()
    sim.admin.faults(once=[{"match": "GET /api/2/reports/*/stored", "fault": "429", "count": 1}])
    run = runner.run(USAGE, inventory=str(inventory),
                     extra_vars={"acronis_usage_month": last_month, "acronis_usage_on_over": "warn"})
    assert run.rc == 0, run.output
    stats = sim.admin.stats()
    requests_seen = stats["requests"]
    assert stats["faults"] == {"429": 1}  # waited for and retried
    assert requests_seen["POST /api/2/reports"] == 1 and requests_seen["DELETE /api/2/reports/{report_id}"] == 1
    assert "GET /api/2/tenants/usages" not in requests_seen
    with open(run.workdir / "acronis-reports" / ("usage-%s.csv" % last_month), newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == _usage_columns()
    assert {row["period_start"] for row in rows} == {last_month + "-01T00:00:00"}
    values = {(row["tenant_name"], row["user_login"], row["workload"]): int(row["value"]) for row in rows}
    assert values[("Near Co", "", "storage")] == 95 * GB and values[("Near Co", "near.backup", "storage")] == 40 * GB
    assert values[("Over Co", "", "workstations")] == 7


def _usage_columns():
    from ansible_collections.acronis.cyber_cloud.plugins.module_utils._usage_report import CSV_COLUMNS
    return CSV_COLUMNS


def test_a_server_that_keeps_failing_fails_the_run_and_writes_no_report(runner, sim, tmp_path):
    usage_estate.build(sim)
    sim.admin.faults(once=[{"match": "GET /api/2/tenants/usages", "fault": "503", "count": 50}])
    run = runner.run(USAGE, inventory="localhost,")
    assert run.rc != 0
    [failure] = run.failures()
    assert failure["result"]["msg"].startswith("GET /tenants/usages: 503 ")
    assert "gave up after" in failure["result"]["msg"]
    assert not (run.workdir / "acronis-reports").exists()
