"""Offering items and quotas, editions, availability from the parent, services, storages."""

import pytest

from tests.simulator import catalogue
from tests.simulator_tests.helpers import (
    ACRONIS_STORAGE, BACKUP, GB, PARTNER_STORAGE, enable_per_workload, error, item,
    items_by_name, put_items, tenant, user)

FILES_CLOUD = catalogue.FILES_CLOUD_APP_ID


@pytest.fixture
def home(sim):
    return sim.conn["tenant_id"]


@pytest.fixture
def customer(api, home):
    return tenant(api, "Contoso", home)


def test_home_has_every_item_enabled_and_unlimited(api, home):
    items = api.ok("GET", f"/tenants/{home}/offering_items", params={"edition": "*"})["items"]
    backup = [i for i in items if i["application_id"] == BACKUP]
    assert backup and all(i["status"] == 1 for i in items)
    storage = [i for i in items if i["name"] == "storage"]
    assert {i["infra_id"] for i in storage} == {ACRONIS_STORAGE, PARTNER_STORAGE}
    for entry in items:
        if entry["type"] == "feature":
            assert "quota" not in entry
        else:
            assert entry["quota"] == {"value": None, "overage": None, "version": 0}


def test_edition_filter_defaults_to_standard(api, customer):
    names = {i["name"] for i in api.ok("GET", f"/tenants/{customer['id']}/offering_items")[
        "items"]}
    assert {"storage", "servers", "vms", "workstations", "mobiles"} <= names
    assert not any(n.startswith(("pw_", "pg_")) for n in names)
    assert "fc_seats" in names  # items without an edition are never filtered out
    per_gb = api.ok("GET", f"/tenants/{customer['id']}/offering_items",
                    params={"edition": "pck_per_gigabyte"})["items"]
    assert {i["edition"] for i in per_gb} == {"pck_per_gigabyte", None}
    assert "pg_base_storage" in {i["name"] for i in per_gb}
    every = api.ok("GET", f"/tenants/{customer['id']}/offering_items",
                   params={"edition": "*"})["items"]
    assert {"standard", "pck_per_workload", "pck_per_gigabyte", "bundled"} <= {
        i["edition"] for i in every}
    assert all(i["status"] == 0 and "quota" not in i for i in every)


def test_other_filters(api, customer):
    url = f"/tenants/{customer['id']}/offering_items"
    servers = api.ok("GET", url, params={"edition": "*", "usage_names": "servers,vms"})["items"]
    assert {i["usage_name"] for i in servers} == {"servers", "vms"} and len(servers) == 8
    infra = api.ok("GET", url, params={"edition": "*", "type": "infra",
                                       "infra_uuid": PARTNER_STORAGE})["items"]
    assert len(infra) == 4 and all(i["infra_id"] == PARTNER_STORAGE for i in infra)
    enable_per_workload(api, customer["id"])
    on = api.ok("GET", url, params={"edition": "*", "status": 1})["items"]
    assert len(on) == 5


def test_available_for_child_lists_what_the_parent_has(api, home):
    partner = tenant(api, "P", home, "partner")
    assert api.ok("GET", f"/tenants/{partner['id']}/offering_items/available_for_child",
                  params={"kind": "customer", "edition": "*"})["items"] == []
    enable_per_workload(api, partner["id"])
    offered = api.ok("GET", f"/tenants/{partner['id']}/offering_items/available_for_child",
                     params={"kind": "customer", "edition": "pck_per_workload"})["items"]
    assert sorted(i["name"] for i in offered) == [
        "pw_base_mobiles", "pw_base_servers", "pw_base_storage", "pw_base_vms",
        "pw_base_workstations"]
    error(api.get(f"/tenants/{partner['id']}/offering_items/available_for_child",
                  params={"kind": "unit"}), 400, 1027)


def test_item_not_enabled_on_parent_is_refused_with_1021(api, home):
    partner = tenant(api, "Reseller", home, "partner")
    customer = tenant(api, "C", partner["id"])
    body = error(api.put(f"/tenants/{customer['id']}/offering_items", json={
        "offering_items": [item("pw_base_servers")]}), 400, 1021)
    assert "pw_base_servers" in body["message"] and "'Reseller'" in body["message"]


def test_quota_versions(api, customer):
    tid = customer["id"]
    enabled = put_items(api, tid, item("servers"))["items"][0]
    assert enabled["quota"] == {"value": None, "overage": None, "version": 0}
    error(api.put(f"/tenants/{tid}/offering_items", json={"offering_items": [
        item("servers", quota={"value": 5, "overage": None, "version": 3})]}), 409, 1001)
    first = put_items(api, tid, item("servers", quota={
        "value": 5, "overage": 1, "version": 0}))["items"][0]["quota"]
    assert first["value"] == 5 and first["overage"] == 1 and first["version"] > 0
    error(api.put(f"/tenants/{tid}/offering_items", json={"offering_items": [
        item("servers", quota={"value": 6, "overage": None, "version": 0})]}), 409, 1001)
    second = put_items(api, tid, item("servers", quota={
        "value": 6, "overage": None, "version": first["version"]}))["items"][0]["quota"]
    assert second["version"] > first["version"]
    same = put_items(api, tid, item("servers", quota=dict(second)))["items"][0]["quota"]
    assert same == second  # an unchanged quota keeps its version
    unlimited = put_items(api, tid, item("servers", quota={
        "value": None, "overage": 3, "version": second["version"]}))
    assert unlimited["items"][0]["quota"] == {"value": None, "overage": None, "version": 0}


def test_put_is_a_partial_update_and_status_can_be_omitted(api, customer):
    tid = customer["id"]
    put_items(api, tid, item("servers"), item("vms"))
    put_items(api, tid, {"application_id": BACKUP, "name": "vms",
                         "quota": {"value": 2, "overage": None, "version": 0}})
    got = items_by_name(api, tid, status=1)
    assert got[("vms", None)]["quota"]["value"] == 2
    assert got[("servers", None)]["quota"]["value"] is None
    put_items(api, tid, item("servers", status=0))
    assert ("servers", None) not in items_by_name(api, tid, status=1)


def test_storage_needs_infra_and_customer_gets_one_storage(api, customer):
    tid = customer["id"]
    body = error(api.put(f"/tenants/{tid}/offering_items",
                         json={"offering_items": [item("storage")]}), 400)
    assert "infra_id" in body["message"]
    put_items(api, tid, item("storage", infra_id=ACRONIS_STORAGE,
                             quota={"value": 500 * GB, "overage": None, "version": 0}))
    body = error(api.put(f"/tenants/{tid}/offering_items", json={"offering_items": [
        item("pw_base_storage", infra_id=PARTNER_STORAGE)]}), 400, 1027)
    assert "only one storage" in body["message"] and "Partner Hosted Storage" in body["message"]
    # Switching storage in one request is fine.
    put_items(api, tid, item("storage", status=0, infra_id=ACRONIS_STORAGE),
              item("storage", infra_id=PARTNER_STORAGE))


def test_partner_may_have_both_storages(api, home):
    partner = tenant(api, "P", home, "partner")
    put_items(api, partner["id"], item("storage", infra_id=ACRONIS_STORAGE),
              item("storage", infra_id=PARTNER_STORAGE))


def test_cannot_disable_an_item_a_child_uses(api, home):
    partner = tenant(api, "P", home, "partner")
    customer = tenant(api, "C", partner["id"])
    put_items(api, partner["id"], item("servers"))
    put_items(api, customer["id"], item("servers"))
    body = error(api.put(f"/tenants/{partner['id']}/offering_items",
                         json={"offering_items": [item("servers", status=0)]}), 400, 1023)
    assert "'C'" in body["message"]


def test_backup_user_role_provisions_the_personal_tenant(api, customer):
    tid = customer["id"]
    put_items(api, tid, item("pw_base_storage", infra_id=ACRONIS_STORAGE,
                             quota={"value": 100 * GB, "overage": None, "version": 0}),
              item("pw_base_servers", quota={"value": 3, "overage": None, "version": 0}),
              item("fc_seats", app=FILES_CLOUD))
    made = user(api, tid, "backup.person")
    personal = made["personal_tenant_id"]
    assert items_by_name(api, personal, status=1) == {}
    api.ok("PUT", f"/users/{made['id']}/access_policies", json={"items": [{
        "id": "0", "issuer_id": "0", "version": 0, "role_id": "backup_user", "tenant_id": tid,
        "trustee_id": made["id"], "trustee_type": "user"}]})
    got = items_by_name(api, personal, status=1)
    assert set(got) == {("pw_base_storage", ACRONIS_STORAGE), ("pw_base_servers", None)}
    storage = got[("pw_base_storage", ACRONIS_STORAGE)]
    assert storage["quota"]["value"] == 100 * GB and storage["locked"] is True
    # Personal tenant items: quotas yes, on/off no.
    put_items(api, personal, item("pw_base_servers", quota={
        "value": 1, "overage": None, "version": got[("pw_base_servers", None)]["quota"][
            "version"]}))
    error(api.put(f"/tenants/{personal}/offering_items", json={
        "offering_items": [item("pw_base_servers", status=0)]}), 400, 1027)
    error(api.put(f"/tenants/{personal}/offering_items", json={
        "offering_items": [item("pw_base_vms")]}), 400, 1027)


def test_applications_and_bindings(api, home, customer):
    apps = api.ok("GET", "/applications")["items"]
    # Ids as in the document's applicationsList example.
    assert {a["type"]: a["id"] for a in apps} == {
        "backup": BACKUP, "files_cloud": "dfd85a5f-a464-32ab-81fd-99bcc66a070f",
        "notary": "f9c5744e-bd1a-36b6-b0f0-ecd7483e1796",
        "platform": "7459244f-68f3-3bf4-9f53-5f63ecc1d91f"}
    assert api.ok("GET", f"/tenants/{customer['id']}/applications")["items"] == []
    put_items(api, customer["id"], item("servers"))
    assert api.ok("GET", f"/tenants/{customer['id']}/applications")["items"] == [BACKUP]
    url = f"/applications/{FILES_CLOUD}/bindings/tenants/{customer['id']}"
    assert api.post(url).status_code == 204
    assert FILES_CLOUD in api.ok("GET", f"/tenants/{customer['id']}/applications")["items"]
    assert api.delete(url).status_code == 204
    assert FILES_CLOUD not in api.ok("GET", f"/tenants/{customer['id']}/applications")["items"]
    # The management portal cannot be disabled.
    platform = catalogue.PLATFORM_APP_ID
    assert api.post(f"/applications/{platform}/bindings/tenants/{customer['id']}").status_code == 204
    error(api.delete(f"/applications/{platform}/bindings/tenants/{customer['id']}"), 400, 1027)


def test_disabling_a_service_cascades_to_the_subtree(api, home):
    reseller = tenant(api, "Reseller", home, "partner")
    customer = tenant(api, "C", reseller["id"])
    for tid in (reseller["id"], customer["id"]):
        put_items(api, tid, item("servers", quota={"value": 3, "overage": None, "version": 0}),
                  item("fc_seats", app=FILES_CLOUD))
    made = user(api, customer["id"], "cascade.user")
    api.ok("PUT", f"/users/{made['id']}/access_policies", json={"items": [{
        "id": "0", "issuer_id": "0", "version": 0, "role_id": "backup_user",
        "tenant_id": customer["id"], "trustee_id": made["id"], "trustee_type": "user"}]})
    personal = made["personal_tenant_id"]
    assert ("servers", None) in items_by_name(api, personal, status=1)
    assert api.delete(f"/applications/{BACKUP}/bindings/tenants/{reseller['id']}").status_code == 204
    for tid in (reseller["id"], customer["id"], personal):
        on = items_by_name(api, tid, status=1)
        assert not any(name != "fc_seats" for name, _infra in on), (tid, on)
        assert BACKUP not in api.ok("GET", f"/tenants/{tid}/applications")["items"]
    assert ("fc_seats", None) in items_by_name(api, customer["id"], status=1)


def test_a_customer_holds_one_edition_per_service(api, customer):
    tid = customer["id"]
    put_items(api, tid, item("pg_base_servers"), item("local_storage"), item("fc_seats", app=FILES_CLOUD))
    body = error(api.put(f"/tenants/{tid}/offering_items", json={
        "offering_items": [item("pw_base_servers")]}), 400, 1027)
    assert "pck_per_gigabyte, pck_per_workload" in body["message"]
    # One PUT that switches the old items off and the new ones on is fine (the legacy way).
    put_items(api, tid, item("pg_base_servers", status=0), item("pw_base_servers"))
    partner = tenant(api, "Multi", customer["parent_id"], "partner")
    put_items(api, partner["id"], item("pg_base_servers"), item("pw_base_servers"), item("servers"))


def test_edition_switch_dry_run_then_switch(api, customer):
    tid = customer["id"]
    put_items(api, tid, item("pg_base_storage", infra_id=ACRONIS_STORAGE,
                             quota={"value": 50 * GB, "overage": 5 * GB, "version": 0}),
              item("pg_base_m365_seats", quota={"value": 4, "overage": None, "version": 0}),
              item("pg_base_servers"), item("local_storage"))
    made = user(api, tid, "switch.user")
    api.ok("PUT", f"/users/{made['id']}/access_policies", json={"items": [{
        "id": "0", "issuer_id": "0", "version": 0, "role_id": "backup_user", "tenant_id": tid,
        "trustee_id": made["id"], "trustee_type": "user"}]})
    query = {"target_edition": "pck_per_workload", "application_id": BACKUP}
    before = items_by_name(api, tid, status=1)
    check = api.ok("GET", f"/tenants/{tid}/edition", params=query)
    assert check["warnings"] and all(isinstance(w, str) for w in check["warnings"])
    assert items_by_name(api, tid, status=1) == before  # a dry run
    error(api.get(f"/tenants/{tid}/edition", params={"application_id": BACKUP}), 400)
    error(api.get(f"/tenants/{tid}/edition", params=dict(query, target_edition="gold")), 400, 1021)
    switched = api.ok("PUT", f"/tenants/{tid}/edition", json=query)["items"]
    assert {i["name"] for i in switched if i["status"] == 1} >= {
        "pw_base_storage", "pw_base_m365_seats", "pw_base_servers"}
    on = items_by_name(api, tid, status=1)
    assert set(on) == {("pw_base_storage", ACRONIS_STORAGE), ("pw_base_m365_seats", None),
                       ("pw_base_servers", None), ("local_storage", None)}
    assert on[("pw_base_storage", ACRONIS_STORAGE)]["quota"]["value"] == 50 * GB
    assert on[("pw_base_storage", ACRONIS_STORAGE)]["quota"]["overage"] == 5 * GB
    assert on[("pw_base_m365_seats", None)]["usage_name"] == "mailboxes"
    assert {name for name, _i in items_by_name(api, made["personal_tenant_id"], status=1)} == {
        "pw_base_storage", "pw_base_m365_seats", "pw_base_servers", "local_storage"}
    # Again: nothing left to switch.
    assert api.ok("GET", f"/tenants/{tid}/edition", params=query) == {"warnings": []}


def test_edition_switch_needs_the_parent_to_offer_the_edition(api, home):
    reseller = tenant(api, "Thin", home, "partner")
    put_items(api, reseller["id"], item("pg_base_servers"), item("pw_base_vms"))
    customer = tenant(api, "C", reseller["id"])
    put_items(api, customer["id"], item("pg_base_servers"))
    body = error(api.get(f"/tenants/{customer['id']}/edition", params={
        "target_edition": "pck_per_workload", "application_id": BACKUP}), 400, 1021)
    assert body["context"]["offering_items"] == [{"name": "pw_base_servers", "infra_id": None}]
    error(api.put(f"/tenants/{customer['id']}/edition", json={
        "target_edition": "pck_per_workload", "application_id": BACKUP}), 400, 1021)
    error(api.get(f"/tenants/{reseller['id']}/edition", params={
        "target_edition": "pck_per_workload", "application_id": BACKUP}), 400, 1027)


def test_catalogue_names(api, customer):
    every = items_by_name(api, customer["id"])
    assert every[("local_storage", None)]["edition"] is None
    assert every[("pg_base_web_hosting_servers", None)]["usage_name"] == "web_hosting_servers"
    assert every[("pw_base_m365_seats", None)]["usage_name"] == "mailboxes"
    assert any(name.startswith("bndl_") and i["edition"] == "bundled"
               for (name, _infra), i in every.items())


def test_a_service_the_parent_lacks_cannot_be_bound(api, home):
    reseller = tenant(api, "Reseller", home, "partner")
    customer = tenant(api, "C", reseller["id"])
    platform = [a["id"] for a in api.ok("GET", "/applications")["items"]
                if a["type"] == "platform"][0]
    body = error(api.post(f"/applications/{platform}/bindings/tenants/{customer['id']}"),
                 403, 1027)
    assert "'Reseller' does not have it" in body["message"]
    assert api.ok("GET", f"/tenants/{customer['id']}/applications")["items"] == []
    assert api.post(f"/applications/{platform}/bindings/tenants/{reseller['id']}"
                    ).status_code == 204
    assert api.post(f"/applications/{platform}/bindings/tenants/{customer['id']}"
                    ).status_code == 204


def test_storage_names_via_infra(api):
    infra = api.ok("GET", f"/infra/{PARTNER_STORAGE}")
    assert infra["name"] == "Partner Hosted Storage"
    both = api.ok("GET", "/infra", params={"uuids": f"{ACRONIS_STORAGE},{PARTNER_STORAGE}"})
    assert len(both["items"]) == 2
