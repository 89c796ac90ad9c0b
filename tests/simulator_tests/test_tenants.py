"""Tenants: kinds, names, versions, enable/disable, delete, listing and paging, pricing, MFA."""

import uuid

import pytest

from tests.simulator_tests.helpers import error, tenant, user


@pytest.fixture
def home(sim):
    return sim.conn["tenant_id"]


def test_create_shows_the_documented_defaults(api, home):
    created = tenant(api, "Contoso", home, enhanced_security=True, internal_tag="ansible:1",
                     contact={"email": "it@contoso.example", "lastname": "Admin"})
    assert created["version"] == 1 and created["enabled"] is True
    assert created["has_children"] is False and created["ancestral_access"] is True
    assert created["customer_type"] == "default" and created["owner_id"] is None
    assert created["update_lock"] == {"enabled": False, "owner_id": None}
    assert created["pricing_mode"] == "trial" and created["mfa_status"] == "disabled"
    assert created["language"] == "en" and created["internal_tag"] == "ansible:1"
    assert created["contact"]["email"] == "it@contoso.example"
    assert created["settings"] == {"enhanced_security": True}
    assert api.ok("GET", f"/tenants/{home}")["has_children"] is True


def test_settings_enhanced_security_is_accepted(api, home):
    created = tenant(api, "Secure", home, settings={"enhanced_security": True})
    assert created["settings"]["enhanced_security"] is True


@pytest.mark.parametrize("parent_kind,child_kind", [
    ("partner", "unit"), ("customer", "customer"), ("customer", "partner"), ("unit", "folder")])
def test_kind_matrix_refuses_with_1027(api, home, parent_kind, child_kind):
    parent = tenant(api, "P", home, "partner")
    if parent_kind in ("customer", "unit"):
        parent = tenant(api, "C", parent["id"], "customer")
    if parent_kind == "unit":
        parent = tenant(api, "U", parent["id"], "unit")
    body = error(api.post("/tenants", json={"name": "X", "parent_id": parent["id"],
                                            "kind": child_kind}), 400, 1027)
    assert child_kind in body["message"] and parent_kind in body["message"]


def test_units_nest_under_customers_and_units(api, home):
    customer = tenant(api, "C", home)
    unit = tenant(api, "Dept", customer["id"], "unit")
    assert tenant(api, "Team", unit["id"], "unit")["kind"] == "unit"


def test_name_conflict_is_case_insensitive_among_siblings(api, home):
    tenant(api, "Contoso", home)
    body = error(api.post("/tenants", json={"name": "CONTOSO", "parent_id": home,
                                            "kind": "partner"}), 409, 1004)
    assert body["message"] == ("Tenant name conflict: a tenant named 'Contoso' already exists "
                               "under 'Ansible Distributor'.")
    other = tenant(api, "Elsewhere", home, "partner")
    assert tenant(api, "Contoso", other["id"])["name"] == "Contoso"


def test_update_versions_and_stale_version(api, home):
    created = tenant(api, "Acme", home, contact={"email": "a@acme.example", "phone": "1"})
    updated = api.ok("PUT", f"/tenants/{created['id']}",
                     json={"version": 1, "contact": {"phone": "2"}, "customer_id": "CRM-7"})
    assert updated["version"] == 2 and updated["customer_id"] == "CRM-7"
    assert updated["contact"]["phone"] == "2"
    assert updated["contact"]["email"] == "a@acme.example"  # merged, not replaced
    body = error(api.put(f"/tenants/{created['id']}", json={"version": 1, "name": "B"}), 409,
                 1001)
    assert "version 2" in body["message"]
    tenant(api, "Taken", home)
    error(api.put(f"/tenants/{created['id']}", json={"version": 2, "name": "taken"}), 409, 1004)


def test_kind_changes_only_between_partner_and_folder(api, home):
    partner = tenant(api, "P", home, "partner")
    assert api.ok("PUT", f"/tenants/{partner['id']}",
                  json={"version": 1, "kind": "folder"})["kind"] == "folder"
    error(api.put(f"/tenants/{partner['id']}", json={"version": 2, "kind": "customer"}), 400,
          1027)


def test_move_rules(api, home):
    a = tenant(api, "A", home, "partner")
    b = tenant(api, "B", a["id"], "partner")
    customer = tenant(api, "C", home)
    moved = api.ok("PUT", f"/tenants/{customer['id']}",
                   json={"version": 1, "parent_id": b["id"]})
    assert moved["parent_id"] == b["id"]
    error(api.put(f"/tenants/{a['id']}", json={"version": 1, "parent_id": b["id"]}), 400, 1007)
    api.ok("PUT", f"/tenants/{b['id']}", json={"version": 1, "enabled": False})
    other = tenant(api, "D", home)
    error(api.put(f"/tenants/{other['id']}", json={"version": 1, "parent_id": b["id"]}), 400,
          1013)


def test_disabled_parent_blocks_children_and_enabling(api, home):
    parent = tenant(api, "P", home, "partner")
    child = tenant(api, "C", parent["id"])
    api.ok("PUT", f"/tenants/{child['id']}", json={"version": 1, "enabled": False})
    api.ok("PUT", f"/tenants/{parent['id']}", json={"version": 1, "enabled": False})
    error(api.post("/tenants", json={"name": "D", "parent_id": parent["id"],
                                     "kind": "customer"}), 400, 1003)
    error(api.put(f"/tenants/{child['id']}", json={"version": 2, "enabled": True}), 400, 1003)


def test_delete_requires_disabled_and_version_then_cascades(sim, api, home):
    parent = tenant(api, "P", home, "partner")
    child = tenant(api, "C", parent["id"])
    member = user(api, child["id"], "member.one")
    body = error(api.delete(f"/tenants/{parent['id']}", params={"version": 1}), 400, 1006)
    assert body["message"] == "It is prohibited to delete a non-disabled tenant."
    assert body["details"]["addition"] == [{"id": parent["id"]}]
    api.ok("PUT", f"/tenants/{parent['id']}", json={"version": 1, "enabled": False})
    error(api.delete(f"/tenants/{parent['id']}", params={"version": 1}), 409, 1001)
    assert api.delete(f"/tenants/{parent['id']}", params={"version": 2}).status_code == 204
    for path in (f"/tenants/{parent['id']}", f"/tenants/{child['id']}",
                 f"/users/{member['id']}"):
        error(api.get(path), 404)
    gone = api.ok("GET", f"/tenants/{child['id']}", params={"allow_deleted": "true"})
    assert gone["deleted_at"]
    assert api.get("/users/check_login", params={"username": "member.one"}).status_code == 204
    assert api.ok("GET", "/tenants", params={"parent_id": home})["items"] == []
    state = {t["id"]: t for t in sim.admin.state()["tenants"]}
    assert state[member["personal_tenant_id"]]["deleted_at"]


def test_home_tenant_cannot_be_deleted(api, home):
    error(api.delete(f"/tenants/{home}", params={"version": 1}), 403)


def test_list_filters_are_mutually_exclusive(api, home):
    error(api.get("/tenants", params={"parent_id": home, "subtree_root_id": home}), 400)
    error(api.get("/tenants"), 400)


def _walk(api, params):
    pages, names = 0, []
    body = api.ok("GET", "/tenants", params=params)
    while True:
        pages += 1
        names += [t["name"] for t in body["items"]]
        after = body["paging"]["cursors"].get("after")
        if not after:
            return pages, names
        body = api.ok("GET", "/tenants", params={"after": after})


def test_pagination_over_several_pages_with_opaque_cursor(api, home):
    for n in range(7):
        tenant(api, f"T{n}", home)
    pages, names = _walk(api, {"parent_id": home, "limit": 3, "lod": "basic"})
    assert pages == 3 and names == [f"T{n}" for n in range(7)]
    pages, names = _walk(api, {"subtree_root_id": home, "limit": 5})
    assert pages == 2 and names[0] == "Ansible Distributor" and len(names) == 8
    last = api.ok("GET", "/tenants", params={"parent_id": home})
    assert "after" not in last["paging"]["cursors"]


def test_lod_levels_and_batch_by_uuids(api, home):
    a, b = tenant(api, "A", home), tenant(api, "B", home)
    stamps = api.ok("GET", "/tenants", params={
        "uuids": f"{b['id']},{a['id']}", "lod": "stamps"})["items"]
    assert [t["id"] for t in stamps] == [b["id"], a["id"]]
    assert "name" not in stamps[0] and {"version", "offering_items", "contacts"} <= set(stamps[0])
    basic = api.ok("GET", "/tenants", params={"uuids": a["id"], "lod": "basic"})["items"][0]
    assert set(basic) >= {"name", "kind", "enabled"} and "pricing_mode" not in basic
    unknown = "00000000-0000-4000-8000-000000000000"
    assert api.ok("GET", "/tenants", params={"uuids": unknown})["items"] == []


def test_uuids_exclude_the_other_filters_and_take_at_most_100(api, home):
    own = tenant(api, "A", home)["id"]
    for other in ("parent_id", "subtree_root_id"):
        body = error(api.get("/tenants", params={"uuids": own, other: home}), 400)
        assert "mutually exclusive" in body["message"] and other in body["message"]
    many = [str(uuid.uuid4()) for dummy in range(100)]
    assert api.ok("GET", "/tenants", params={"uuids": ",".join(many)})["items"] == []
    body = error(api.get("/tenants", params={"uuids": ",".join(many + [own])}), 400)
    assert "at most 100" in body["message"]


def test_children_and_users_give_ids(sim, api, home):
    sim.admin.config(children_page_size=2)
    kids = [tenant(api, n, home)["id"] for n in ("b", "a", "c")]
    first = api.ok("GET", f"/tenants/{home}/children")
    assert len(first["items"]) == 2
    rest = api.ok("GET", f"/tenants/{home}/children",
                  params={"after": first["paging"]["cursors"]["after"]})
    assert first["items"] + rest["items"] == [kids[1], kids[0], kids[2]]  # ordered by name
    member = user(api, kids[0], "kid.user")
    assert api.ok("GET", f"/tenants/{kids[0]}/users")["items"] == [member["id"]]
    assert member["id"] in api.ok("GET", f"/tenants/{home}/users",
                                  params={"include_grand_children": "true"})["items"]


def test_pricing_has_its_own_version(api, home):
    customer = tenant(api, "C", home)
    pricing = api.ok("GET", f"/tenants/{customer['id']}/pricing")
    # A trial tenant knows when it becomes production; versions are millisecond timestamps, as in
    # the document's examples.
    assert pricing["mode"] == "trial" and pricing["production_start_date"] > customer["created_at"]
    assert pricing["version"] > 1_500_000_000_000 and pricing["currency"] is None
    # Acronis' tutorial sends the GET's body back with only the mode changed.
    done = api.ok("PUT", f"/tenants/{customer['id']}/pricing", json=dict(pricing, mode="production"))
    assert done["mode"] == "production" and done["production_start_date"] < pricing[
        "production_start_date"]
    assert done["version"] > pricing["version"]
    error(api.put(f"/tenants/{customer['id']}/pricing",
                  json={"mode": "suspended", "version": pricing["version"]}), 409, 1001)
    assert api.ok("GET", f"/tenants/{customer['id']}")["pricing_mode"] == "production"


def test_put_takes_version_and_flags_spelled_as_strings_as_acronis_examples_send_them(api, home):
    made = tenant(api, "Spelled", home, "partner")
    locked = api.ok("PUT", f"/tenants/{made['id']}", json={
        "update_lock": {"owner_id": home, "enabled": "true"}, "version": str(made["version"])})
    assert locked["update_lock"]["enabled"] is True
    unlocked = api.ok("PUT", f"/tenants/{made['id']}", json={
        "update_lock": {"enabled": "false"}, "version": str(locked["version"])})
    assert unlocked["update_lock"]["enabled"] is False
    disabled = api.ok("PUT", f"/tenants/{made['id']}", json={"enabled": "false",
                                                             "version": str(unlocked["version"])})
    assert disabled["enabled"] is False
    error(api.put(f"/tenants/{made['id']}", json={"enabled": "no", "version": disabled["version"]}),
          400)


def test_sub_partners_need_the_partnership_option(api, sim, home):
    reseller = tenant(api, "Reseller", home, "partner")
    assert tenant(api, "Sub", reseller["id"], "partner")["kind"] == "partner"
    sim.admin.config(sub_partners=False)
    body = error(api.post("/tenants", json={"name": "Sub 2", "parent_id": reseller["id"],
                                            "kind": "partner"}), 403, 1002)
    assert "no option to create sub-partners" in body["message"]
    folder = tenant(api, "Group", reseller["id"], "folder")
    error(api.post("/tenants", json={"name": "Under folder", "parent_id": folder["id"],
                                     "kind": "partner"}), 403, 1002)
    error(api.put(f"/tenants/{folder['id']}", json={"kind": "partner", "version": folder["version"]}),
          403, 1002)
    # Reset brings the default (allowed) back.
    sim.admin.reset()
    assert sim.admin.config()["sub_partners"] is True


def test_mfa_status_on_customer_not_on_folder(api, home):
    customer = tenant(api, "C", home)
    assert api.ok("PUT", f"/tenants/{customer['id']}/mfa/status",
                  json={"enabled": True})["mfa_status"] == "enabled"
    assert api.ok("GET", f"/tenants/{customer['id']}")["mfa_status"] == "enabled"
    folder = tenant(api, "F", home, "folder")
    error(api.put(f"/tenants/{folder['id']}/mfa/status", json={"enabled": True}), 400, 1027)


def test_update_lock_belongs_to_the_client_that_set_it(sim, api, home):
    locked = tenant(api, "Locked", home, update_lock={"enabled": True})
    other = sim.admin.new_client(home)
    from tests.conftest import Api
    stranger = Api(sim.conn, other["client_id"], other["client_secret"])
    error(stranger.put(f"/tenants/{locked['id']}", json={"version": 1, "name": "X"}), 403, 1012)
    assert api.ok("PUT", f"/tenants/{locked['id']}", json={"version": 1, "name": "X"})
