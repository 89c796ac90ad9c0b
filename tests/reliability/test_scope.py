"""Scope: an API client of reseller A can neither read nor change anything under reseller B."""

from __future__ import annotations

import json

import pytest

from tests.client_factory import make_client

# What a refusal must say. When the API answers 403 for an object given by id: outside the scope. A 404 may
# mean outside it or absent, and a name or login searched for is simply not found: "... in the API client's scope".
OUTSIDE = ("outside the API client's scope",)
NOT_IN_SCOPE = OUTSIDE + ("in the API client's scope",)
BY_NAME = ("create under B by name", "quotas of B's user")


def wording(task, status):
    return OUTSIDE if status == 403 and task not in BY_NAME else NOT_IN_SCOPE


def scoped_world(sim):
    client = make_client(sim.conn)
    home = client.home_tenant_id()
    reseller_a = client.post("/tenants", {"name": "Scope A", "parent_id": home, "kind": "partner"})
    reseller_b = client.post("/tenants", {"name": "Scope B", "parent_id": home, "kind": "partner"})
    customer_b = client.post("/tenants", {"name": "Scope B Customer", "parent_id": reseller_b["id"],
                                          "kind": "customer"})
    user_b = client.post("/users", {"tenant_id": customer_b["id"], "login": "scope.b.user",
                                    "contact": {"email": "b@scope.example"}})
    return reseller_a, reseller_b, customer_b, user_b


# The API answers 403 for objects outside the client's scope; some datacenters may answer 404 [INF].
@pytest.mark.parametrize("status", [403, 404])
def test_a_client_scoped_to_reseller_a_cannot_touch_reseller_b(runner, sim, status):
    sim.admin.config(out_of_scope_status=status)
    reseller_a, reseller_b, customer_b, user_b = scoped_world(sim)
    scoped = dict(sim.conn, **sim.admin.new_client(reseller_a["id"]))
    tasks = {
        "create under B": ("acronis_tenant", {"name": "Intruder", "kind": "customer", "parent": reseller_b["id"]}),
        "create under B by name": ("acronis_tenant", {"name": "Intruder", "kind": "customer", "parent": "Scope B"}),
        "disable B's customer": ("acronis_tenant", {"tenant_id": customer_b["id"], "enabled": False}),
        "delete B's customer": ("acronis_tenant", {"tenant_id": customer_b["id"], "state": "absent"}),
        "user in B's customer": ("acronis_backup_user", {"tenant_id": customer_b["id"], "login": "intruder",
                                                         "email": "i@scope.example"}),
        "quotas of B's customer": ("acronis_quota", {"tenant_id": customer_b["id"], "quotas": {"servers": 1}}),
        "quotas of B's user": ("acronis_quota", {"user": "scope.b.user", "quotas": {"servers": 1}}),
        "read B": ("acronis_tenant_info", {"tenant_id": reseller_b["id"]}),
        "read B's user": ("acronis_user_info", {"user_id": user_b["id"]}),
    }
    playbook = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": name, "acronis.cyber_cloud." + module: args, "ignore_errors": True}
        for name, (module, args) in tasks.items()]}]
    before = sim.admin.state()
    run, writes = runner.writes_during(json.dumps(playbook), conn=scoped)
    messages = {event["task"]: event["result"].get("msg", "") for event in run.events}
    failed = {event["task"] for event in run.events if event["result"].get("failed")}
    not_refused = {name: messages.get(name) for name in tasks
                   if name not in failed or not any(words in messages.get(name, "") for words in wording(name, status))}
    assert not_refused == {}, json.dumps(not_refused, indent=1)
    assert writes == 0 and sim.admin.state()["tenants"] == before["tenants"]
