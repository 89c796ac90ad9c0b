"""Injected faults: latency, 429 + Retry-After, 5xx, dropped connections, search lag, `once`."""

import time

import pytest
import requests

from tests.simulator.control import SimulatorError
from tests.simulator_tests.helpers import error, tenant

TENANTS = "POST /api/2/tenants"


def _names_under(api, parent_id):
    return [t["name"] for t in api.ok("GET", "/tenants", params={"parent_id": parent_id})["items"]]


def test_latency(sim, api):
    api.fetch_token()
    sim.admin.faults(latency_ms=150, latency_jitter_ms=50)
    started = time.monotonic()
    api.ok("GET", "/applications")
    assert 0.15 <= time.monotonic() - started < 1.5


def test_latency_jitter_spreads_the_delays(sim, api):
    api.fetch_token()
    sim.admin.faults(latency_ms=100, latency_jitter_ms=500)
    took = []
    for dummy in range(12):
        started = time.monotonic()
        api.ok("GET", "/applications")
        took.append(time.monotonic() - started)
    # Twelve delays drawn from 100-600 ms span less than 100 ms once in five million runs;
    # without jitter they would differ by a few milliseconds.
    assert min(took) >= 0.1 and max(took) < 2 and max(took) - min(took) >= 0.1, took


def test_rate_429_with_retry_after_also_on_the_token_endpoint(sim, api):
    api.fetch_token()
    sim.admin.faults(rate_429=1, retry_after_s=2)
    throttled = api.get("/applications")
    body = error(throttled, 429, 429)
    assert throttled.headers["Retry-After"] == "2" and "retry" in body["message"].lower()
    token = requests.post(sim.url + "/api/2/idp/token",
                          auth=(sim.conn["client_id"], sim.conn["client_secret"]),
                          data={"grant_type": "client_credentials"})
    assert token.status_code == 429


def test_rate_5xx(sim, api):
    api.fetch_token()
    sim.admin.faults(rate_5xx=1)
    statuses = {api.get("/applications").status_code for _attempt in range(12)}
    assert statuses <= {502, 503, 504} and statuses
    sim.admin.faults(rate_5xx=1, codes_5xx=[500])
    error(api.get("/applications"), 500)


def test_drop_after_commit_applies_the_write(sim, api):
    home = sim.conn["tenant_id"]
    api.fetch_token()
    sim.admin.faults(drop_after_commit_rate=1)
    assert api.get("/applications").status_code == 200  # reads are not dropped
    with pytest.raises(requests.ConnectionError):
        api.post("/tenants", json={"name": "Ghost", "parent_id": home, "kind": "customer"})
    sim.admin.clear_faults()
    assert _names_under(api, home) == ["Ghost"]  # committed although no answer came back
    assert sim.admin.stats()["requests"][TENANTS] == 1


def test_drop_before_does_not_apply_the_write(sim, api):
    home = sim.conn["tenant_id"]
    api.fetch_token()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "drop_before"}])
    with pytest.raises(requests.ConnectionError):
        api.post("/tenants", json={"name": "Never", "parent_id": home, "kind": "customer"})
    assert _names_under(api, home) == []


def test_once_is_consumed_in_order_and_only_by_matching_requests(sim, api):
    home = sim.conn["tenant_id"]
    api.fetch_token()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "429", "count": 2, "retry_after_s": 1},
                           {"match": TENANTS, "fault": "503"},
                           {"match": "GET /api/2/tenants/{tenant_id}", "fault": "502"}])
    body = {"name": "Later", "parent_id": home, "kind": "customer"}
    first = api.post("/tenants", json=body)
    assert first.status_code == 429 and first.headers["Retry-After"] == "1"
    assert api.post("/tenants", json=body).status_code == 429
    unavailable = api.post("/tenants", json=body)
    assert unavailable.status_code == 503 and "Retry-After" not in unavailable.headers
    assert api.get("/tenants", params={"parent_id": home}).status_code == 200
    assert api.get(f"/tenants/{home}").status_code == 502
    assert api.post("/tenants", json=body).status_code == 201
    assert sim.admin.get_faults()["once"] == []


def test_once_match_may_be_a_glob(sim, api):
    api.fetch_token()
    sim.admin.faults(once=[{"match": "GET /api/2/tenants*", "fault": "504", "count": 1}])
    assert api.get(f"/tenants/{sim.conn['tenant_id']}").status_code == 504
    assert api.get(f"/tenants/{sim.conn['tenant_id']}").status_code == 200


def test_search_lag(sim, api):
    home = sim.conn["tenant_id"]
    sim.admin.faults(search_lag_s=30)
    tenant(api, "Fresh Corp", home)
    assert api.ok("GET", "/search", params={"tenant": home, "text": "fresh"})["items"] == []
    seeded = api.ok("GET", "/search", params={"tenant": home, "text": "distributor"})["items"]
    assert [h["name"] for h in seeded] == ["Ansible Distributor"]
    sim.admin.clear_faults()
    found = api.ok("GET", "/search", params={"tenant": home, "text": "fresh"})["items"]
    assert [h["name"] for h in found] == ["Fresh Corp"]


def test_fault_config_is_replaced_and_validated(sim):
    sim.admin.faults(rate_429=0.5)
    current = sim.admin.faults(latency_ms=5)
    assert current["rate_429"] == 0 and current["latency_ms"] == 5
    for bad in ({"rate_429": 2}, {"nonsense": 1}, {"once": [{"match": "x", "fault": "418"}]}):
        with pytest.raises(SimulatorError, match="400"):
            sim.admin.faults(**bad)


def test_reset_clears_faults(sim, api):
    sim.admin.faults(rate_429=1)
    sim.admin.reset()
    assert api.get("/applications").status_code == 200


def test_once_entries_apply_in_the_order_given(sim, api):
    home = sim.conn["tenant_id"]
    api.fetch_token()
    sim.admin.faults(once=[{"match": "* /api/2/tenants", "fault": "drop_after_commit"},
                           {"match": TENANTS, "fault": "429"}])
    assert api.get("/tenants", params={"parent_id": home}).status_code == 200  # reads skip it
    with pytest.raises(requests.ConnectionError):
        api.post("/tenants", json={"name": "First", "parent_id": home, "kind": "customer"})
    assert api.post("/tenants", json={"name": "Second", "parent_id": home,
                                      "kind": "customer"}).status_code == 429
    assert _names_under(api, home) == ["First"]
