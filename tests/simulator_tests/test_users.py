"""Users: login rules, create, personal tenants, list, update, delete, roles, activation."""

import pytest

from tests.simulator_tests.helpers import error, tenant, user


@pytest.fixture
def customer(sim, api):
    return tenant(api, "Contoso", sim.conn["tenant_id"])


def _check(api, login):
    return api.get("/users/check_login", params={"username": login})


def test_check_login_free_taken_anywhere_and_invalid(api, customer):
    assert _check(api, "new.person").status_code == 204
    taken = _check(api, "outside.user")  # lives outside the client's scope
    assert taken.status_code == 409
    assert _check(api, "OUTSIDE.user").status_code == 409  # case-insensitive
    for bad in ("ab", "spaces are bad", "ünïcode"):
        assert _check(api, bad).status_code == 406, bad
    assert _check(api, "a.b+c@x-y.example").status_code == 204


def test_create_user_errors(api, customer):
    user(api, customer["id"], "jane.doe")
    error(api.post("/users", json={"tenant_id": customer["id"], "login": "jane.doe",
                                   "contact": {"email": "x@example.com"}}), 409)
    error(api.post("/users", json={"tenant_id": customer["id"], "login": "outside.user",
                                   "contact": {"email": "x@example.com"}}), 409)
    body = error(api.post("/users", json={"tenant_id": customer["id"], "login": "x!",
                                          "contact": {"email": "x@example.com"}}), 400, 1033)
    assert "'x!'" in body["message"]
    body = error(api.post("/users", json={"tenant_id": customer["id"], "login": "no.mail",
                                          "contact": {"firstname": "No"}}), 400)
    assert "email" in body["message"]
    error(api.post("/users", json={"tenant_id": customer["id"], "login": "bad.notes",
                                   "contact": {"email": "n@example.com"},
                                   "notifications": ["quota", "spam"]}), 400)


def _personal_tenant(api, member):
    personal = api.ok("GET", f"/tenants/{member['personal_tenant_id']}")
    return personal["kind"], personal["owner_id"], personal["parent_id"]


def test_personal_tenant_only_in_customers_and_below(sim, api, customer):
    in_customer = user(api, customer["id"], "cust.user")
    assert _personal_tenant(api, in_customer) == ("unit", in_customer["id"], customer["id"])
    unit = tenant(api, "Dept", customer["id"], "unit")
    in_unit = user(api, unit["id"], "unit.user")
    assert _personal_tenant(api, in_unit) == ("unit", in_unit["id"], unit["id"])
    partner = tenant(api, "P", sim.conn["tenant_id"], "partner")
    assert user(api, partner["id"], "partner.admin")["personal_tenant_id"] is None
    # Personal tenants are not managed children.
    assert api.ok("GET", f"/tenants/{customer['id']}/children")["items"] == [unit["id"]]
    assert [t["id"] for t in api.ok("GET", "/tenants", params={"parent_id": customer["id"]})[
        "items"]] == [unit["id"]]
    assert api.ok("GET", f"/tenants/{unit['id']}/children")["items"] == []


def test_list_users_filters_paging_and_policies(api, customer):
    made = [user(api, customer["id"], f"user.{n}") for n in range(5)]
    ids = [u["id"] for u in made]
    pages, seen = 0, []
    body = api.ok("GET", "/users", params={"subtree_root_tenant_id": customer["id"], "limit": 2})
    while True:
        pages += 1
        seen += [u["id"] for u in body["items"]]
        after = body["paging"]["cursors"].get("after")
        if not after:
            break
        body = api.ok("GET", "/users", params={"after": after})
    assert pages == 3 and seen == ids
    api.ok("PUT", f"/users/{ids[0]}/access_policies",
           json={"items": [{"role_id": "company_admin", "tenant_id": customer["id"],
                            "trustee_id": ids[0], "trustee_type": "user", "id": "x",
                            "issuer_id": "y", "version": 0}]})
    batch = api.ok("GET", "/users", params={"uuids": f"{ids[1]},{ids[0]}",
                                            "with_access_policies": "true"})["items"]
    assert [u["id"] for u in batch] == [ids[1], ids[0]]
    assert [p["role_id"] for p in batch[1]["access_policies"]] == ["company_admin"]
    basic = api.ok("GET", "/users", params={"subtree_root_tenant_id": customer["id"],
                                            "lod": "basic"})["items"]
    assert len(basic) == 5 and "contact" not in basic[0] and "login" in basic[0]
    assert api.ok("GET", f"/tenants/{customer['id']}/users")["items"] == ids


def test_tenant_id_filters_only_an_external_ids_search(sim, api, customer):
    """`tenant_id`: "Required when searching the users by `external_id`. Not used otherwise."
    So GET /users?tenant_id= lists the users of other tenants too (what the collection once
    relied on); GET /tenants/{id}/users then ?uuids= is the tenant's own users."""
    other = tenant(api, "Fabrikam", sim.conn["tenant_id"])
    mine = user(api, customer["id"], "mine.user", external_id="sid-1")
    theirs = user(api, other["id"], "their.user", external_id="sid-1")
    listed = api.ok("GET", "/users", params={"tenant_id": customer["id"]})["items"]
    assert {mine["id"], theirs["id"]} <= {u["id"] for u in listed}
    assert {u["tenant_id"] for u in listed} > {customer["id"]}
    by_external = api.ok("GET", "/users", params={"tenant_id": customer["id"],
                                                  "external_ids": "sid-1"})["items"]
    assert [u["id"] for u in by_external] == [mine["id"]]
    ids = api.ok("GET", f"/tenants/{customer['id']}/users")["items"]
    assert ids == [mine["id"]]
    batch = api.ok("GET", "/users", params={"uuids": ",".join(ids),
                                            "with_access_policies": "true"})["items"]
    assert [(u["id"], u["access_policies"]) for u in batch] == [(mine["id"], [])]


def test_update_user_version_contact_and_notifications(api, customer):
    made = user(api, customer["id"], "jo.user", language="de")
    updated = api.ok("PUT", f"/users/{made['id']}", json={
        "version": 1, "contact": {"firstname": "Jo"}, "notifications": ["backup_error"],
        "enabled": False})
    assert updated["version"] == 2 and updated["enabled"] is False
    assert updated["contact"]["firstname"] == "Jo"
    assert updated["contact"]["email"] == "jo.user@example.com"
    assert updated["notifications"] == ["backup_error"]
    error(api.put(f"/users/{made['id']}", json={"version": 1, "enabled": True}), 409, 1001)
    error(api.put(f"/users/{made['id']}", json={"version": 2, "notifications": ["nope"]}), 400)


def test_delete_user_needs_version_and_removes_personal_tenant(api, customer):
    made = user(api, customer["id"], "bye.user")
    error(api.delete(f"/users/{made['id']}", params={"version": 7}), 409, 1001)
    assert api.delete(f"/users/{made['id']}", params={"version": 1}).status_code == 204
    error(api.get(f"/users/{made['id']}"), 404)
    error(api.get(f"/tenants/{made['personal_tenant_id']}"), 404)
    assert api.ok("GET", f"/users/{made['id']}", params={"allow_deleted": "true"})["deleted_at"]
    assert _check(api, "bye.user").status_code == 204


def _policy(role, tenant_id, user_id):
    return {"id": "00000000-0000-0000-0000-000000000000", "version": 0, "role_id": role,
            "issuer_id": "00000000-0000-0000-0000-000000000000", "tenant_id": tenant_id,
            "trustee_id": user_id, "trustee_type": "user"}


def test_access_policies_replace_the_whole_set(api, customer):
    made = user(api, customer["id"], "roles.user")
    url = f"/users/{made['id']}/access_policies"
    first = api.ok("PUT", url, json={"items": [_policy("backup_user", customer["id"], made["id"]),
                                               _policy("sync_share_user", customer["id"],
                                                       made["id"])]})["items"]
    assert sorted(p["role_id"] for p in first) == ["backup_user", "sync_share_user"]
    second = api.ok("PUT", url, json={"items": [_policy("backup_user", customer["id"],
                                                        made["id"])]})["items"]
    assert [p["role_id"] for p in second] == ["backup_user"]
    assert second[0]["id"] == [p for p in first if p["role_id"] == "backup_user"][0]["id"]
    assert api.ok("PUT", url, json={"items": []})["items"] == []
    assert api.ok("GET", url)["items"] == []


@pytest.mark.parametrize("roles", [("backup_user", "protection_admin"),
                                   ("restore_operator", "protection_ro_admin"),
                                   ("sync_share_admin", "sync_share_user"),
                                   ("notary_admin", "notary_user")])
def test_one_role_per_service(api, customer, roles):
    made = user(api, customer["id"], "two.roles")
    url = f"/users/{made['id']}/access_policies"
    body = error(api.put(url, json={"items": [_policy(role, customer["id"], made["id"])
                                              for role in roles]}), 400, 1027)
    assert all(role in body["message"] for role in roles)
    assert api.ok("GET", url)["items"] == []
    # Roles of different services, and the all-services company_admin, go together.
    api.ok("PUT", url, json={"items": [_policy(role, customer["id"], made["id"]) for role in
                                       ("company_admin", "protection_admin", "sync_share_admin")]})


@pytest.mark.parametrize("role,kind", [("partner_admin", "customer"),
                                       ("company_admin", "partner"),
                                       ("backup_user", "partner"),
                                       ("unit_admin", "customer")])
def test_roles_are_checked_against_the_tenant_kind(sim, api, role, kind):
    where = tenant(api, "Where", sim.conn["tenant_id"], kind)
    made = user(api, where["id"], "role.check")
    body = error(api.put(f"/users/{made['id']}/access_policies",
                         json={"items": [_policy(role, where["id"], made["id"])]}), 400, 1027)
    assert role in body["message"] and kind in body["message"]


def test_policy_must_be_on_the_users_tenant(sim, api, customer):
    made = user(api, customer["id"], "wrong.tenant")
    body = error(api.put(f"/users/{made['id']}/access_policies",
                         json={"items": [_policy("readonly_admin", sim.conn["tenant_id"],
                                                 made["id"])]}), 400, 1027)
    assert "own tenant" in body["message"]


def test_activation_email_and_password(sim, api, customer):
    made = user(api, customer["id"], "activate.me")
    for _attempt in range(2):
        assert api.post(f"/users/{made['id']}/send-activation-email",
                        json={}).status_code == 204
    assert api.post(f"/users/{made['id']}/password",
                    json={"password": "S3cret-pass"}).status_code == 204
    assert api.ok("GET", f"/users/{made['id']}")["activated"] is True
    state = [u for u in sim.admin.state()["users"] if u["id"] == made["id"]][0]
    assert state["activation_emails"] == 2 and state["password_set"] is True
    assert "S3cret-pass" not in str(sim.admin.state())
    stats = sim.admin.stats()
    assert stats["emails_sent"] == 2 and stats["passwords_set"] == 1


def test_activation_only_below_the_clients_tenant(sim, api):
    own = user(api, sim.conn["tenant_id"], "own.tenant.user")
    error(api.post(f"/users/{own['id']}/send-activation-email", json={}), 403)


def test_email_change_of_an_activated_user_only_mails_the_old_address(sim, api, customer):
    """Acronis' "Changing a user account email" guide: an activated user gets a confirmation link at
    the old address; the record, version included, stays as it was."""
    fresh = user(api, customer["id"], "fresh.user")
    changed = api.ok("PUT", f"/users/{fresh['id']}",
                     json={"version": 1, "contact": {"email": "new@example.com"}})
    assert changed["contact"]["email"] == "new@example.com" and changed["version"] == 2
    made = user(api, customer["id"], "active.user")
    assert api.post(f"/users/{made['id']}/password", json={"password": "Pw-12345678"}).status_code == 204
    before = api.ok("GET", f"/users/{made['id']}")
    kept = api.ok("PUT", f"/users/{made['id']}", json={"version": before["version"],
                                                       "contact": {"email": "new@example.com"}})
    assert kept == before
    assert sim.admin.stats()["email_confirmations_sent"] == 1
    both = api.ok("PUT", f"/users/{made['id']}", json={"version": before["version"],
                                                       "contact": {"email": "new@example.com",
                                                                   "firstname": "Al"}})
    assert both["contact"]["email"] == "active.user@example.com" and both["contact"]["firstname"] == "Al"
    assert both["version"] == before["version"] + 1
    sim.admin.config(email_change_confirmation=False)
    now = api.ok("PUT", f"/users/{made['id']}", json={"version": both["version"],
                                                      "contact": {"email": "new@example.com"}})
    assert now["contact"]["email"] == "new@example.com"
    assert sim.admin.stats()["email_confirmations_sent"] == 2
