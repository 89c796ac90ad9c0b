"""GET /_sim/requests: the last /api/2 requests, without bodies or headers."""

import json

import pytest
import requests

from tests.simulator.control import SimulatorError
from tests.simulator_tests.helpers import tenant, user

TENANTS = "POST /api/2/tenants"


def test_log_lists_method_path_query_and_status_and_no_secrets(sim, api):
    home = sim.conn["tenant_id"]
    customer = tenant(api, "Logged", home)
    person = user(api, customer["id"], "logged.user")
    assert api.post(f"/users/{person['id']}/password",
                    json={"password": "Sup3r-Secret-Pw!"}).status_code in (204, 403)
    api.get("/tenants", params=[("uuids", customer["id"]), ("lod", "basic")])
    api.get("/nope")
    sim.admin.stats()  # admin requests are not logged
    log = sim.admin.requests()
    items = log["items"]
    assert [(e["method"], e["template"], e["status"]) for e in items] == [
        ("POST", "/api/2/idp/token", 200), ("POST", "/api/2/tenants", 201),
        ("POST", "/api/2/users", 200),
        ("POST", "/api/2/users/{user_id}/password", items[3]["status"]),
        ("GET", "/api/2/tenants", 200), ("GET", None, 404)]
    assert items[4]["path"] == "/api/2/tenants"
    assert items[4]["query"] == [["uuids", customer["id"]], ["lod", "basic"]]
    assert items[5]["path"] == "/api/2/nope"
    assert [e["seq"] - items[0]["seq"] for e in items] == list(range(6))
    assert log["last_seq"] == items[-1]["seq"]
    dumped = json.dumps(log)
    for secret in ("Sup3r-Secret-Pw!", sim.conn["client_secret"], api.token, "Bearer"):
        assert secret not in dumped


def test_since_limit_clear_and_reset(sim, api):
    api.get("/applications")
    api.get("/infra")
    first = sim.admin.requests()
    assert len(first["items"]) == 3
    start = first["items"][0]["seq"]  # numbering goes on across resets and clears
    assert [e["path"] for e in sim.admin.requests(since=start + 1)["items"]] == ["/api/2/infra"]
    assert [e["path"] for e in sim.admin.requests(limit=1)["items"]] == ["/api/2/infra"]
    assert sim.admin.requests(limit=0)["items"] == []
    cleared = sim.admin.clear_requests()
    assert cleared["items"] == [] and cleared["last_seq"] == start + 2
    api.get("/applications")
    assert [e["seq"] for e in sim.admin.requests(since=start + 2)["items"]] == [start + 3]
    sim.admin.reset()
    assert sim.admin.requests()["items"] == []
    with pytest.raises(SimulatorError, match="400"):
        sim.admin.requests(since=-1)
    assert requests.get(sim.url + "/_sim/requests?limit=x").status_code == 400


def test_faulted_and_dropped_requests_are_logged(sim, api):
    home = sim.conn["tenant_id"]
    api.fetch_token()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "429"},
                           {"match": TENANTS, "fault": "drop_before"},
                           {"match": TENANTS, "fault": "drop_after_commit"}])
    body = {"name": "Faulted", "parent_id": home, "kind": "customer"}
    assert api.post("/tenants", json=body).status_code == 429
    for _attempt in range(2):
        with pytest.raises(requests.ConnectionError):
            api.post("/tenants", json=body)
    entries = [(e["status"], e["dropped"]) for e in sim.admin.requests()["items"]
               if e["template"] == "/api/2/tenants"]
    assert entries == [(429, False), (None, True), (201, True)]


def test_log_is_a_bounded_ring(sim, api):
    capacity = sim.admin.requests()["capacity"]
    assert capacity == 1000
    session = requests.Session()
    for _index in range(capacity + 5):
        session.get(sim.url + "/api/2/nope")
    log = sim.admin.requests()
    assert len(log["items"]) == capacity
    assert log["items"][0]["seq"] == log["last_seq"] - capacity + 1
