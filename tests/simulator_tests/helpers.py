"""Small builders shared by the simulator's tests (all over real HTTP)."""

import requests

from tests.simulator import catalogue

BACKUP = catalogue.BACKUP_APP_ID
ACRONIS_STORAGE = catalogue.ACRONIS_STORAGE_ID
PARTNER_STORAGE = catalogue.PARTNER_STORAGE_ID
GB = 1024 ** 3


def tenant(api, name, parent_id, kind="customer", **fields):
    body = dict(name=name, parent_id=parent_id, kind=kind, **fields)
    return api.ok("POST", "/tenants", 201, json=body)


def user(api, tenant_id, login, email=None, **fields):
    body = dict(tenant_id=tenant_id, login=login,
                contact={"email": email or f"{login}@example.com"}, **fields)
    return api.ok("POST", "/users", 200, json=body)


def item(name, status=1, quota=None, infra_id=None, app=BACKUP):
    entry = {"application_id": app, "name": name, "status": status}
    if infra_id:
        entry["infra_id"] = infra_id
    if quota is not None:
        entry["quota"] = quota
    return entry


def put_items(api, tenant_id, *entries, status=200):
    return api.ok("PUT", f"/tenants/{tenant_id}/offering_items", status,
                  json={"offering_items": list(entries)})


def items_by_name(api, tenant_id, edition="*", **params):
    body = api.ok("GET", f"/tenants/{tenant_id}/offering_items",
                  params=dict(params, edition=edition))
    return {(i["name"], i.get("infra_id")): i for i in body["items"]}


def enable_per_workload(api, tenant_id, storage=ACRONIS_STORAGE):
    """Enable the per-workload storage (one location) and device items, unlimited."""
    names = ["pw_base_servers", "pw_base_vms", "pw_base_workstations", "pw_base_mobiles"]
    return put_items(api, tenant_id, item("pw_base_storage", infra_id=storage),
                     *[item(n) for n in names])


def error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()["error"]
    assert set(body) >= {"code", "message", "details", "domain", "context"}
    assert body["domain"] == "PlatformAccountServer"
    if code is not None:
        assert body["code"] == code, body
    return body


def set_usage(sim, *entries, status=200):
    response = requests.put(sim.url + "/_sim/usages", json={"items": list(entries)}, timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def usage(tenant_id, name, value, infra_id=None):
    entry = {"tenant_id": tenant_id, "name": name, "value": value}
    if infra_id:
        entry["infra_id"] = infra_id
    return entry
