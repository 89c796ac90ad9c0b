"""acronis_usage_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.integration import usage_estate
from tests.integration.playbook import single_task_play
from tests.integration.usage_estate import GB

USAGE_CALLS = ("GET /api/2/tenants/usages", "GET /api/2/tenants", "GET /api/2/users")


def play(**args):
    return single_task_play("acronis_usage_info", **args)


@pytest.fixture
def estate(sim):
    return usage_estate.build(sim)


def by_name(result):
    return {tenant["name"]: tenant for tenant in result["tenants"]}


def usage_of(tenant, workload):
    return next(view for view in tenant["usages"] if view["workload"] == workload)


def test_subtree_states_units_users_and_batched_reads(runner, sim, estate):
    sim.admin.reset_stats()
    run, writes = runner.writes_during(play(subtree_root="Usage Reseller", threshold=90))
    result = run.result("acronis_usage_info")
    assert writes == 0 and not result.get("failed"), result
    tenants = by_name(result)
    assert [t["name"] for t in result["tenants"]] == ["Usage Reseller", "Near Co", "Over Co"]

    near = usage_of(tenants["Near Co"], "storage")
    assert (near["value"], near["quota"], near["percentage"], near["state"]) == (95 * GB, 100 * GB, 95.0, "near")
    assert near["usage"] == "95 GB" and near["limit"] == "100 GB" and near["unit"] == "bytes"
    servers = usage_of(tenants["Near Co"], "servers")  # unlimited: usage, no percentage
    assert (servers["value"], servers["quota"], servers["percentage"], servers["state"]) == (3, None, None, "ok")
    assert servers["limit"] == "unlimited"
    workstations = usage_of(tenants["Over Co"], "workstations")
    assert (workstations["value"], workstations["quota"], workstations["state"]) == (7, 5, "over")
    assert workstations["percentage"] == 140.0 and tenants["Over Co"]["state"] == "over"
    # Unused unlimited items are left out; the user's own usage appears under the user.
    assert {view["workload"] for view in tenants["Over Co"]["usages"]} == {"storage", "workstations"}
    [user] = tenants["Near Co"]["users"]
    assert user["login"] == "near.backup" and usage_of(user, "storage")["value"] == 40 * GB
    assert usage_of(tenants["Usage Reseller"], "storage")["value"] == 96 * GB  # the subtree's total
    assert result["over"] == ["Over Co: pw_base_workstations"]
    assert result["near"] == ["Near Co: pw_base_storage"]
    # Batched: one listing of tenants, one of users, one usage call for the whole subtree.
    requests_seen = sim.admin.stats()["requests"]
    assert {key: requests_seen.get(key, 0) for key in USAGE_CALLS} == dict.fromkeys(USAGE_CALLS, 1)

    listed = runner.run(play(tenants=["Near Co", estate["over"]["id"]], workloads=["storage"], threshold=96,
                             with_users=False)).result("acronis_usage_info")
    assert [t["name"] for t in listed["tenants"]] == ["Near Co", "Over Co"]
    assert usage_of(listed["tenants"][0], "storage")["state"] == "ok" and listed["tenants"][0]["users"] == []
    assert all(view["workload"] == "storage" for t in listed["tenants"] for view in t["usages"])


def test_bad_input_is_refused_with_the_option_named(runner, sim, estate):
    outside = next(t for t in sim.admin.state()["tenants"] if t["name"] == "Other Distributor")
    this_month = date.today().strftime("%Y-%m")
    sim.admin.config(report_ready_after_s=None)  # stored reports never complete
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    cases = [
        (dict(tenant="Near Co", month="2026-13"), "month: '2026-13' is not a month; give it as YYYY-MM"),
        (dict(tenant="Near Co", month=this_month), "month: %s is not over yet" % this_month),
        (dict(tenant="Near Co", month=last_month, report_timeout=1),
         "report_timeout: the usage report of %s (report " % last_month),
        (dict(tenant="Near Co", threshold=0), "threshold: 0 is not a percentage from 1 to 100"),
        (dict(tenant="Near Co", threshold=101), "threshold: 101 is not a percentage from 1 to 100"),
        (dict(tenant="Near Co", workloads=["storage", "floppies"]), "workloads: 'floppies' is not a usage name"),
        (dict(tenant=outside["id"]), "tenant: tenant %s is outside the API client's scope" % outside["id"]),
        (dict(tenants=["Near Co", "No Such Co"]), "tenants[1]: no tenant named 'No Such Co'"),
    ]
    playbook = "\n".join(play(**args) for args, _message in cases)
    results = runner.run(playbook).results("acronis_usage_info")
    assert len(results) == len(cases)
    for result, (_args, message) in zip(results, cases):
        assert result["failed"] and result["msg"].startswith(message), result["msg"]
