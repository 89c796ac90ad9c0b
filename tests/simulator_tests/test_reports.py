"""Usage reports: created, generated, stored, downloaded in CSV and JSON; the documented refusals."""

import csv
import io
from datetime import date, timedelta

import pytest

from tests.simulator_tests.helpers import error, set_usage, usage


def report_body(tenant_id, **parameters):
    params = dict(tenant_id=tenant_id, kind="usage_current", level="accounts", formats=["csv_v2_0", "json_v2_0"])
    params.update(parameters)
    return {"parameters": params, "schedule": {"type": "once"}, "result_action": "save"}


@pytest.mark.needs_openapi
def test_once_report_is_stored_in_each_format_with_the_usage(api, sim, estate):
    partner, customer, _person = estate
    set_usage(sim, usage(customer["id"], "pw_base_servers", 2))
    # As Acronis' example script sends it: no recipients, flags as strings.
    body = report_body(partner["id"], hide_zero_usage="true", show_skus="false")
    report = api.ok("POST", "/reports", json=body)
    assert report["schedule"] == {"type": "once", "enabled": True} and report["version"] == 1
    assert api.ok("GET", f"/reports/{report['id']}")["parameters"]["hide_zero_usage"] is True
    assert report["id"] in api.ok("GET", f"/tenants/{partner['id']}/reports")["items"]
    stored = api.ok("GET", f"/reports/{report['id']}/stored")["items"]
    assert [s["report_format"] for s in stored] == ["csv_v2_0", "json_v2_0"]
    assert all(s["status"] == "saved" and s["size"] > 0 for s in stored)

    text = api.get(f"/reports/{report['id']}/stored/{stored[0]['id']}")
    assert text.status_code == 200 and text.headers["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text.text)))
    servers = {(r["tenant_name"], r["offering_item"]): r["usage_value"] for r in rows}
    assert servers == {("Reseller", "pw_base_servers"): "2", ("Contoso", "pw_base_servers"): "2"}
    data = api.ok("GET", f"/reports/{report['id']}/stored/{stored[1]['id']}")
    assert data["params"]["report_level"] == 3 and data["params"]["kind"] == 8
    assert {u["tenant_uuid"] for u in data["tenants"]} == {partner["id"], customer["id"]}

    api.ok("DELETE", f"/reports/{report['id']}", 204, params={"version": 1})
    error(api.get(f"/reports/{report['id']}"), 404)


def test_refusals_and_a_report_that_never_completes(api, sim, estate):
    partner, _customer, _person = estate
    future = (date.today() + timedelta(days=2)).isoformat()
    error(api.post("/reports", json=report_body(partner["id"], kind="usage_summary")), 400)  # no period
    error(api.post("/reports", json=report_body(partner["id"], kind="usage_summary",
                                                period={"start": date.today().isoformat(), "end": future})), 400)
    send = dict(report_body(partner["id"]), result_action="send")
    error(api.post("/reports", json=send), 400)  # recipients required to send
    monthly = dict(report_body(partner["id"]), schedule={"type": "monthly"})
    error(api.post("/reports", json=monthly), 400)  # monthly: csv and html only
    outside = next(t for t in sim.admin.state()["tenants"] if t["name"] == "Other Distributor")
    error(api.post("/reports", json=report_body(outside["id"])), 403)

    sim.admin.config(report_ready_after_s=None)
    report = api.ok("POST", "/reports", json=report_body(partner["id"]))
    stored = api.ok("GET", f"/reports/{report['id']}/stored")["items"]
    assert {s["status"] for s in stored} == {"in_progress"} and "size" not in stored[0]
    error(api.get(f"/reports/{report['id']}/stored/{stored[0]['id']}"), 404)
