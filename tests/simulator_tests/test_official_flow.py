"""The issue's done-criterion: the official onboarding flow end to end, as docs/api-notes.md describes it."""

from tests.simulator_tests.helpers import ACRONIS_STORAGE, BACKUP, GB, item, put_items


def test_official_flow_end_to_end(sim, api):
    token = api.fetch_token()
    assert token["token_type"] == "bearer" and token["expires_in"] == 7200
    assert {"access_token", "id_token", "expires_on"} <= set(token)

    me = api.ok("GET", f"/clients/{sim.conn['client_id']}")
    assert me["tenant_id"] == sim.conn["tenant_id"] and me["type"] == "api_client"

    partner = api.ok("POST", "/tenants", 201, json={
        "name": "Reseller A", "parent_id": me["tenant_id"], "kind": "partner",
        "contact": {"email": "ops@reseller-a.example", "firstname": "Ann"}})
    assert (partner["version"], partner["enabled"], partner["pricing_mode"]) == (1, True,
                                                                                 "production")
    offer = api.ok("GET", f"/tenants/{me['tenant_id']}/offering_items/available_for_child",
                   params={"kind": "partner", "edition": "pck_per_workload"})["items"]
    assert offer and all(i["status"] == 1 and "quota" not in i for i in offer)
    api.ok("PUT", f"/tenants/{partner['id']}/offering_items", json={"offering_items": offer})

    customer = api.ok("POST", "/tenants", 201, json={
        "name": "Contoso", "parent_id": partner["id"], "kind": "customer"})
    assert customer["pricing_mode"] == "trial" and customer["parent_id"] == partner["id"]

    assert api.get("/users/check_login", params={"username": "jane.doe"}).status_code == 204
    user = api.ok("POST", "/users", 200, json={
        "tenant_id": customer["id"], "login": "jane.doe",
        "contact": {"email": "jane@contoso.example", "firstname": "Jane", "lastname": "Doe"}})
    assert (user["version"], user["activated"], user["enabled"]) == (1, False, True)
    assert user["notifications"] == ["quota", "reports", "backup_daily_report"]
    assert user["personal_tenant_id"]
    assert api.get("/users/check_login", params={"username": "jane.doe"}).status_code == 409

    policies = api.ok("PUT", f"/users/{user['id']}/access_policies", json={"items": [{
        "id": "00000000-0000-0000-0000-000000000000",
        "issuer_id": "00000000-0000-0000-0000-000000000000", "role_id": "backup_user",
        "tenant_id": customer["id"], "trustee_id": user["id"], "trustee_type": "user",
        "version": 0}]})["items"]
    assert [p["role_id"] for p in policies] == ["backup_user"]
    assert policies[0]["id"] != "00000000-0000-0000-0000-000000000000"

    sent = api.post(f"/users/{user['id']}/send-activation-email", json={})
    assert sent.status_code == 204 and sent.content == b""

    updated = put_items(api, customer["id"],
                        item("pw_base_storage", infra_id=ACRONIS_STORAGE,
                             quota={"value": 500 * GB, "overage": None, "version": 0}),
                        item("pw_base_servers", quota={"value": 10, "overage": None,
                                                       "version": 0}))["items"]
    assert [(i["name"], i["quota"]["value"]) for i in updated] == [
        ("pw_base_storage", 500 * GB), ("pw_base_servers", 10)]

    # Read everything back.
    assert api.ok("GET", f"/tenants/{customer['id']}")["name"] == "Contoso"
    assert api.ok("GET", f"/users/{user['id']}")["login"] == "jane.doe"
    roles = api.ok("GET", f"/users/{user['id']}/access_policies")["items"]
    assert [(p["role_id"], p["tenant_id"], p["trustee_id"]) for p in roles] == [
        ("backup_user", customer["id"], user["id"])]
    enabled = api.ok("GET", f"/tenants/{customer['id']}/offering_items",
                     params={"edition": "pck_per_workload", "status": 1})["items"]
    got = {i["name"]: i for i in enabled}
    assert set(got) == {"pw_base_storage", "pw_base_servers"}
    storage = got["pw_base_storage"]
    assert (storage["application_id"], storage["infra_id"], storage["measurement_unit"],
            storage["usage_name"], storage["type"]) == (BACKUP, ACRONIS_STORAGE, "bytes",
                                                        "storage", "infra")
    assert storage["quota"]["value"] == 500 * GB and storage["quota"]["version"] > 0
    assert got["pw_base_servers"]["quota"]["value"] == 10
    state = sim.admin.state()
    assert [u["activation_emails"] for u in state["users"] if u["login"] == "jane.doe"] == [1]
    assert sim.admin.stats()["emails_sent"] == 1
