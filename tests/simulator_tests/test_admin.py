"""The /_sim admin endpoints: stats, reset, state, clients, config."""

import pytest
import requests

from tests.simulator.control import SimulatorError
from tests.simulator_tests.helpers import error, tenant, user


def test_stats_count_by_template_and_writes_exclude_the_token(sim, api):
    home = sim.conn["tenant_id"]
    created = tenant(api, "A", home)
    api.ok("PUT", f"/tenants/{created['id']}", json={"version": 1, "name": "B"})
    api.ok("GET", f"/tenants/{created['id']}")
    api.get("/nope")
    sim.admin.state()  # admin calls are not counted
    stats = sim.admin.stats()
    assert stats["requests"] == {
        "POST /api/2/idp/token": 1, "POST /api/2/tenants": 1,
        "PUT /api/2/tenants/{tenant_id}": 1, "GET /api/2/tenants/{tenant_id}": 1,
        "GET /api/2/nope": 1}
    assert stats["total"] == 5 and stats["writes"] == 2 and stats["bytes_out"] > 1000
    assert sim.admin.reset_stats()["total"] == 0
    assert sim.admin.stats()["requests"] == {}


def test_reset_restores_the_seed_and_keeps_credentials(sim, api):
    tenant(api, "Temporary", sim.conn["tenant_id"])
    sim.admin.faults(latency_ms=1)
    sim.admin.reset()
    names = sorted(t["name"] for t in sim.admin.state()["tenants"])
    assert names == ["Ansible Distributor", "Other Distributor", "root"]
    assert sim.admin.get_faults()["latency_ms"] == 0
    assert api.get("/applications").status_code == 200  # the old token still works
    token = requests.post(sim.url + "/api/2/idp/token",
                          auth=(sim.conn["client_id"], sim.conn["client_secret"]),
                          data={"grant_type": "client_credentials"})
    assert token.status_code == 200
    assert api.ok("GET", f"/tenants/{sim.conn['tenant_id']}")["name"] == "Ansible Distributor"


def test_state_shows_everything_including_deleted(sim, api):
    customer = tenant(api, "Gone Soon", sim.conn["tenant_id"])
    person = user(api, customer["id"], "state.user")
    api.ok("PUT", f"/tenants/{customer['id']}", json={"version": 1, "enabled": False})
    assert api.delete(f"/tenants/{customer['id']}", params={"version": 2}).status_code == 204
    state = sim.admin.state()
    assert set(state) >= {"tenants", "users", "access_policies", "offering_items", "clients"}
    gone = [t for t in state["tenants"] if t["id"] == customer["id"]][0]
    assert gone["deleted_at"]
    listed = [u for u in state["users"] if u["id"] == person["id"]][0]
    assert listed["deleted_at"] and listed["activation_emails"] == 0
    assert listed["activated"] is False
    assert any(i["tenant_id"] == sim.conn["tenant_id"] for i in state["offering_items"])
    assert "client_secret" not in str(state["clients"])


def test_new_client_needs_an_existing_tenant(sim):
    with pytest.raises(SimulatorError, match="404"):
        sim.admin.new_client("00000000-0000-4000-8000-000000000000")


def test_config_switches(sim):
    config = sim.admin.config()
    assert config["token_lifetime_s"] == 7200 and config["out_of_scope_status"] == 403
    with pytest.raises(SimulatorError, match="400"):
        sim.admin.config(no_such_switch=1)
    assert sim.admin.config(tenants_default_limit=2)["tenants_default_limit"] == 2
    sim.admin.reset()
    assert sim.admin.config()["tenants_default_limit"] == 5000


def test_default_tenant_limit_applies(sim, api):
    sim.admin.config(tenants_default_limit=2)
    for name in "abc":
        tenant(api, name, sim.conn["tenant_id"])
    page = api.ok("GET", "/tenants", params={"parent_id": sim.conn["tenant_id"]})
    assert len(page["items"]) == 2 and page["paging"]["cursors"]["after"]


def test_unknown_endpoint_and_wrong_method(sim, api):
    body = api.get("/users/me")
    assert body.status_code in (400, 404)
    wrong = api.request("PATCH", "/tenants")
    assert wrong.headers["Allow"] == "GET, POST"
    body = error(wrong, 405, 405)
    assert body["message"] == body["details"]["info"] and "PATCH" in body["message"]


def test_stats_count_injected_faults_by_kind_and_state_lists_issued_tokens(sim, api):
    token = api.fetch_token()["access_token"]
    sim.admin.faults(once=[{"match": "GET /api/2/tenants/{tenant_id}", "fault": "429", "count": 1},
                           {"match": "GET /api/2/tenants/{tenant_id}", "fault": "502", "count": 1},
                           {"match": "POST /api/2/tenants", "fault": "drop_after_commit", "count": 1}])
    home = sim.conn["tenant_id"]
    for dummy in range(3):
        api.get("/tenants/%s" % home)
    with pytest.raises(requests.ConnectionError):
        api.post("/tenants", json={"name": "Dropped", "parent_id": home, "kind": "customer"})
    assert sim.admin.stats()["faults"] == {"429": 1, "5xx": 1, "drop_after_commit": 1}
    assert token in [entry["access_token"] for entry in sim.admin.state()["tokens"]]
