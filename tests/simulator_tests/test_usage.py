"""Service usage: per tenant, batch, summed over children, hard quotas, check_usage."""

import pytest
import requests

from tests.simulator_tests.helpers import (
    ACRONIS_STORAGE, BACKUP, GB, enable_per_workload, error, item, put_items, set_usage, tenant, usage)


def by_name(usages):
    return {(u["name"], u.get("infra_id")): u for u in usages}


@pytest.mark.needs_openapi
def test_usage_objects_follow_the_schema_and_sum_over_children(api, sim, estate):
    partner, customer, person = estate
    set_usage(sim, usage(customer["id"], "pw_base_workstations", 3),
              usage(person["personal_tenant_id"], "pw_base_storage", 40 * GB, ACRONIS_STORAGE),
              usage(customer["id"], "pw_base_storage", 2 * GB, ACRONIS_STORAGE))
    own = by_name(api.ok("GET", f"/tenants/{customer['id']}/usages")["items"])
    storage = own[("pw_base_storage", ACRONIS_STORAGE)]
    assert storage["value"] == storage["absolute_value"] == 42 * GB
    assert storage["measurement_unit"] == "bytes" and storage["type"] == "infra"
    assert storage["usage_name"] == "storage" and storage["edition"] == "pck_per_workload"
    assert storage["offering_item"] == {"status": 1, "quota": {"value": None, "overage": None,
                                                               "version": 0}}
    assert storage["range_start"].endswith("-01T00:00:00")
    assert own[("pw_base_workstations", None)]["value"] == 3
    assert own[("pw_base_servers", None)]["value"] == 0  # enabled, nothing used
    personal = by_name(api.ok("GET", f"/tenants/{person['personal_tenant_id']}/usages")["items"])
    assert personal[("pw_base_storage", ACRONIS_STORAGE)]["value"] == 40 * GB
    up = by_name(api.ok("GET", f"/tenants/{partner['id']}/usages")["items"])
    assert up[("pw_base_storage", ACRONIS_STORAGE)]["value"] == 42 * GB
    filtered = api.ok("GET", f"/tenants/{partner['id']}/usages",
                      params={"usage_names": "workstations", "editions": "pck_per_workload"})
    assert [u["name"] for u in filtered["items"]] == ["pw_base_workstations"]
    assert set_usage(sim)["items"][0]["tenant_id"] in {customer["id"], person["personal_tenant_id"]}


@pytest.mark.needs_openapi
def test_batch_reads_many_tenants_in_one_call(api, sim, estate):
    partner, customer, person = estate
    set_usage(sim, usage(customer["id"], "pw_base_servers", 2))
    ids = [partner["id"], customer["id"], person["personal_tenant_id"]]
    body = api.ok("GET", "/tenants/usages", params={"tenants": ",".join(ids),
                                                    "usage_names": "servers"})
    assert [entry["tenant"] for entry in body["items"]] == ids
    values = [[u["value"] for u in entry["usages"]] for entry in body["items"]]
    assert values == [[2], [2], [0]]
    missing = api.get("/tenants/usages", params={"tenants": "00000000-0000-4000-8000-00000000dead"})
    error(missing, 404)
    error(api.get("/tenants/usages"), 400)  # tenants is required


def test_out_of_scope_tenant_is_refused(api, sim):
    state = sim.admin.state()
    other = next(t for t in state["tenants"] if t["name"] == "Other Distributor")
    error(api.get(f"/tenants/{other['id']}/usages"), 403)
    error(api.get("/tenants/usages", params={"tenants": other["id"]}), 403)


def test_hard_quota_refuses_usage_above_value_plus_overage(api, sim, estate):
    _partner, customer, person = estate
    put_items(api, customer["id"], item("pw_base_workstations",
                                        quota={"value": 5, "overage": 1, "version": 0}))
    set_usage(sim, usage(customer["id"], "pw_base_workstations", 6))  # within the overage
    refused = requests.put(sim.url + "/_sim/usages", json={"items": [
        usage(customer["id"], "pw_base_servers", 1),
        usage(person["personal_tenant_id"], "pw_base_workstations", 1)]}, timeout=10)
    assert error(refused, 400, 1022)["context"]["tenant_id"] == customer["id"]
    assert {(u["name"], u["value"]) for u in set_usage(sim)["items"]} == {("pw_base_workstations", 6)}
    # A soft quota (no overage) can be exceeded; lowering a quota below the usage is accepted.
    put_items(api, customer["id"], item("pw_base_servers", quota={"value": 1, "overage": None,
                                                                  "version": 0}))
    set_usage(sim, usage(customer["id"], "pw_base_servers", 4))
    current = by_name(api.ok("GET", f"/tenants/{customer['id']}/usages")["items"])
    version = current[("pw_base_workstations", None)]["offering_item"]["quota"]["version"]
    put_items(api, customer["id"], item("pw_base_workstations",
                                        quota={"value": 2, "overage": 0, "version": version}))


def test_admin_input_is_checked(sim, estate):
    _partner, customer, _person = estate
    for entry, word in ((usage(customer["id"], "no_such_item", 1), "unknown"),
                        (usage(customer["id"], "pw_base_storage", 1), "infra_id"),
                        (usage(customer["id"], "pw_base_servers", -1), "non-negative"),
                        (usage(customer["id"], "physical_data_shipping", 1), "feature")):
        response = requests.put(sim.url + "/_sim/usages", json={"items": [entry]}, timeout=10)
        assert response.status_code == 400 and word in response.text, response.text
    assert requests.put(sim.url + "/_sim/usages", json={"items": [usage(
        "00000000-0000-4000-8000-00000000dead", "pw_base_servers", 1)]}, timeout=10).status_code == 404


def test_check_usage_refuses_turning_off_a_used_item(api, sim, estate):
    partner, _customer, _person = estate
    customer = tenant(api, "Fabrikam", partner["id"])  # no users: nothing below depends on its items
    enable_per_workload(api, customer["id"])
    set_usage(sim, usage(customer["id"], "pw_base_mobiles", 1))
    body = {"offering_items": [item("pw_base_mobiles", status=0)], "check_usage": True}
    error(api.put(f"/tenants/{customer['id']}/offering_items", json=body), 400, 1016)
    body["check_usage"] = False
    api.ok("PUT", f"/tenants/{customer['id']}/offering_items", json=body)
    gone = by_name(api.ok("GET", f"/tenants/{customer['id']}/usages")["items"])
    assert gone[("pw_base_mobiles", None)]["offering_item"] == {"status": 0}
    assert gone[("pw_base_mobiles", None)]["application_id"] == BACKUP
