"""acronis_quota through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._offering import ensure_quotas
from tests.client_factory import make_client
from tests.integration.module_direct import run_module_directly
from tests.integration.playbook import single_task_play
from tests.simulator.catalogue import ACRONIS_STORAGE_ID, BACKUP_APP_ID, PARTNER_STORAGE_ID

GIB = 1024 ** 3
TOKEN = "POST /api/2/idp/token"
ITEMS_PUT = "PUT /api/2/tenants/{tenant_id}/offering_items"
ITEMS_GET = "GET /api/2/tenants/{tenant_id}/offering_items"


def play(**args):
    return single_task_play("acronis_quota", **args)


def new_tenant(sim, name, kind="customer", parent=None):
    client = make_client(sim.conn)
    return client.post("/tenants", {"name": name, "parent_id": parent or client.home_tenant_id(), "kind": kind})


def stored_items(sim, tenant_id):
    """The tenant's enabled items in the simulator, by item name (and storage id for storage items)."""
    items = {}
    for item in sim.admin.state()["offering_items"]:
        if item["tenant_id"] == tenant_id and item["status"] == 1:
            items[item["name"] + ("@" + item["infra_id"] if item.get("infra_id") else "")] = item
    return items


def quota(item):
    return item["quota"]["value"], item["quota"]["overage"]


class Calls:
    """API calls the simulator served during a block (tokens left out: one per run, shared by tasks)."""

    def __init__(self, sim):
        self.sim = sim

    def __enter__(self):
        self.before = self.sim.admin.stats()["requests"]
        return self

    def __exit__(self, *exc):
        after = self.sim.admin.stats()["requests"]
        self.counts = {key: after[key] - self.before.get(key, 0) for key in after
                       if key != TOKEN and after[key] != self.before.get(key, 0)}

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def writes(self):
        return sum(n for key, n in self.counts.items() if not key.startswith("GET "))


def run_quota(runner, sim, check=False, diff=False, **args):
    with Calls(sim) as calls:
        result = runner.run(play(**args), check=check, diff=diff).result("acronis_quota")
    return result, calls


WORKLOADS = {"storage": "500 GB", "servers": 2, "vms": "unlimited", "workstations": {"value": 10, "overage": 2},
             "mobiles": 0}


@pytest.mark.parametrize("edition,prefix", [("standard", ""), ("pck_per_workload", "pw_base_"),
                                            ("pck_per_gigabyte", "pg_base_")])
def test_each_edition_sets_the_seeds_workloads_and_a_rerun_costs_one_call(runner, sim, edition, prefix):
    customer = new_tenant(sim, "Edition Co")
    args = dict(tenant_id=customer["id"], edition=edition, storage=ACRONIS_STORAGE_ID, quotas=WORKLOADS)
    first, calls = run_quota(runner, sim, **args)
    assert first["changed"] and first["outcome"] == "updated" and first["edition"] == edition
    # Nothing of the edition on yet: the whole list is read too (another edition may be on elsewhere).
    assert calls.counts == {ITEMS_GET: 2, "GET /api/2/tenants/{tenant_id}": 1, ITEMS_PUT: 1,
                            "GET /api/2/tenants/{tenant_id}/offering_items/available_for_child": 1}
    stored = stored_items(sim, customer["id"])
    assert quota(stored["%sstorage@%s" % (prefix, ACRONIS_STORAGE_ID)]) == (500 * GIB, None)
    assert quota(stored[prefix + "servers"]) == (2, None)
    assert quota(stored[prefix + "vms"]) == (None, None)
    assert quota(stored[prefix + "workstations"]) == (10, 2)
    assert quota(stored[prefix + "mobiles"]) == (0, None)
    assert len(stored) == 5
    view = first["quotas"][prefix + "storage"]
    assert view == {"workload": "storage", "item": prefix + "storage", "edition": edition, "enabled": True,
                    "storage": ACRONIS_STORAGE_ID, "limit": "500 GB", "hard": False, "overage": None}
    assert first["quotas"][prefix + "workstations"]["hard"] and first["quotas"][prefix + "vms"]["limit"] == "unlimited"

    again, calls = run_quota(runner, sim, **args)
    assert not again["changed"] and again["outcome"] == "unchanged" and again["quotas"] == first["quotas"]
    assert calls.counts == {ITEMS_GET: 1}
    # The edition and the storage in use are found on the tenant: still one call without them.
    plain, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas=WORKLOADS)
    assert not plain["changed"] and calls.counts == {ITEMS_GET: 1}


def test_unlimited_and_limits_both_ways(runner, sim):
    customer = new_tenant(sim, "Transitions")
    base = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID)
    key = "storage@" + ACRONIS_STORAGE_ID
    steps = [("unlimited", (None, None), "unlimited"), (100, (100 * GIB, None), "100 GB"),
             ({"value": 100, "overage": 10}, (100 * GIB, 10 * GIB), "100 GB"), ("2 TB", (2048 * GIB, None), "2048 GB"),
             ("unlimited", (None, None), "unlimited")]
    for value, expected, shown in steps:
        result, calls = run_quota(runner, sim, diff=True, quotas={"storage": value}, **base)
        assert result["changed"] and quota(stored_items(sim, customer["id"])[key]) == expected, value
        assert result["quotas"]["storage"]["limit"] == shown and calls.writes == 1
    assert stored_items(sim, customer["id"])[key]["quota"]["version"] == 0
    servers = dict(base, quotas={"servers": 3})
    run_quota(runner, sim, **servers)
    run_quota(runner, sim, **dict(base, quotas={"servers": "unlimited"}))
    assert quota(stored_items(sim, customer["id"])["servers"]) == (None, None)


@pytest.mark.parametrize("value,expected", [("2 TB", 2 * 1024 ** 4), ("1.5tb", 1536 * GIB), ("512 MB", 512 * 1024 ** 2),
                                            ("3GiB", 3 * GIB), (1.5, 1536 * 1024 ** 2), ("250", 250 * GIB),
                                            ("1 PB", 1024 ** 5)])
def test_sizes_and_gb_numbers_store_exact_binary_bytes(runner, sim, value, expected):
    customer = new_tenant(sim, "Bytes")
    result = run_quota(runner, sim, tenant_id=customer["id"], edition="pck_per_gigabyte",
                       storage=ACRONIS_STORAGE_ID, quotas={"storage": value})[0]
    assert result["changed"], result
    assert quota(stored_items(sim, customer["id"])["pg_base_storage@" + ACRONIS_STORAGE_ID]) == (expected, None)


def test_a_limit_one_byte_off_is_a_change_sent_once_shown_and_predicted(runner, sim):
    customer = new_tenant(sim, "Odd Bytes Co")
    args = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID, quotas={"storage": "500 GB"})
    runner.run(play(**args))
    key = "storage@" + ACRONIS_STORAGE_ID
    stored = stored_items(sim, customer["id"])[key]
    # Someone else sets the limit one byte above 500 GB.
    make_client(sim.conn).put("/tenants/%s/offering_items" % customer["id"], {"offering_items": [{
        "application_id": BACKUP_APP_ID, "name": "storage", "infra_id": ACRONIS_STORAGE_ID, "status": 1,
        "quota": {"value": 500 * GIB + 1, "overage": None, "version": stored["quota"]["version"]}}]})

    check, calls = run_quota(runner, sim, check=True, diff=True, **args)
    assert check["changed"] and check["outcome"] == "updated" and calls.writes == 0
    assert check["diff"]["before"]["storage"]["limit"] == "500.000000001 GB"
    assert check["diff"]["after"]["storage"]["limit"] == "500 GB"
    real, calls = run_quota(runner, sim, diff=True, **args)
    assert real["changed"] and real["diff"] == check["diff"]
    assert calls.writes == 1 and calls.counts[ITEMS_PUT] == 1
    assert quota(stored_items(sim, customer["id"])[key]) == (500 * GIB, None)
    again, calls = run_quota(runner, sim, check=True, **args)
    assert not again["changed"] and calls.counts == {ITEMS_GET: 1}


def new_backup_user(sim, tenant_id, login):
    client = make_client(sim.conn)
    user = client.post("/users", {"tenant_id": tenant_id, "login": login, "contact": {"email": login + "@x.example"}})
    client.put("/users/%s/access_policies" % user["id"], {"items": [{
        "id": "00000000-0000-0000-0000-000000000000", "issuer_id": "00000000-0000-0000-0000-000000000000",
        "role_id": "backup_user", "tenant_id": tenant_id, "trustee_id": user["id"], "trustee_type": "user",
        "version": 0}]})
    return client.get("/users/%s" % user["id"])


def test_per_user_quota_on_the_personal_tenant(runner, sim):
    customer = new_tenant(sim, "Per User Co")
    runner.run(play(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID,
                    quotas={"storage": 100, "workstations": 5}))
    user = new_backup_user(sim, customer["id"], "jane.backup")
    personal = user["personal_tenant_id"]
    assert quota(stored_items(sim, personal)["storage@" + ACRONIS_STORAGE_ID]) == (100 * GIB, None)

    by_login, calls = run_quota(runner, sim, user="jane.backup", quotas={"storage": "10 GB", "workstations": 1})
    assert by_login["changed"] and by_login["tenant_id"] == personal and calls.writes == 1
    stored = stored_items(sim, personal)
    assert quota(stored["storage@" + ACRONIS_STORAGE_ID]) == (10 * GIB, None) and quota(stored["workstations"]) == (1, None)
    assert quota(stored_items(sim, customer["id"])["storage@" + ACRONIS_STORAGE_ID]) == (100 * GIB, None)

    by_id, calls = run_quota(runner, sim, tenant_id=personal, quotas={"storage": "10 GB", "workstations": 1})
    assert not by_id["changed"] and calls.counts == {ITEMS_GET: 1}

    # An item the customer got after the user cannot be switched on in the personal tenant.
    runner.run(play(tenant_id=customer["id"], quotas={"mobiles": 3}))
    refused, calls = run_quota(runner, sim, user="jane.backup", quotas={"mobiles": 1})
    assert refused["msg"].startswith("quotas.mobiles: cannot switch item mobiles on in tenant")
    assert "personal tenant" in refused["msg"] and calls.writes == 0
    off, calls = run_quota(runner, sim, tenant_id=personal, quotas={"workstations": None}, state="absent")
    assert off["msg"].startswith("quotas.workstations: cannot switch item workstations off") and calls.writes == 0
    outside = run_quota(runner, sim, user="outside.user", quotas={"storage": 1})[0]
    assert outside["msg"].startswith("user: no user with login 'outside.user'")
    reseller = new_tenant(sim, "Per User Reseller", kind="partner")
    make_client(sim.conn).post("/users", {"tenant_id": reseller["id"], "login": "reseller.admin",
                                          "contact": {"email": "admin@reseller.example"}})
    no_personal = run_quota(runner, sim, user="reseller.admin", quotas={"storage": 1})[0]
    assert no_personal["msg"].startswith("user: user 'reseller.admin' has no personal tenant")


def test_check_mode_predicts_the_real_run_without_writing(runner, sim):
    customer = new_tenant(sim, "Check Co")
    args = dict(tenant_id=customer["id"], edition="pck_per_workload", storage=ACRONIS_STORAGE_ID, quotas=WORKLOADS)
    for step in ("switch items on", "update quotas"):
        check, calls = run_quota(runner, sim, check=True, diff=True, **args)
        assert check["changed"] and calls.writes == 0, step
        real = run_quota(runner, sim, diff=True, **args)[0]
        assert real["changed"] and check["diff"] == real["diff"] and check["quotas"] == real["quotas"]
        args["quotas"] = dict(WORKLOADS, storage="1 TB", servers={"value": 2, "overage": 1})
    assert real["diff"]["before"]["pw_base_storage"]["limit"] == "500 GB"
    assert real["diff"]["after"]["pw_base_storage"]["limit"] == "1024 GB"
    assert real["diff"]["after"]["pw_base_servers"] == {
        "workload": "servers", "item": "pw_base_servers", "edition": "pck_per_workload", "enabled": True,
        "limit": 2, "hard": True, "overage": 1}
    unchanged, calls = run_quota(runner, sim, check=True, diff=True, **args)
    assert not unchanged["changed"] and calls.counts == {ITEMS_GET: 1}


def test_a_planned_tenant_is_predicted_from_its_parent_without_calls_on_it(runner, sim):
    playbook = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - acronis.cyber_cloud.acronis_tenant:
            name: Not Yet
            kind: customer
          register: customer
        - acronis.cyber_cloud.acronis_quota:
            tenant_id: "{{ customer.tenant.id }}"
            edition: standard
            storage: Partner Hosted Storage
            quotas: {storage: 20, servers: 1}
    """
    with Calls(sim) as calls:
        run = runner.run(playbook, check=True, diff=True)
    predicted = run.result("acronis_quota")
    assert run.rc == 0, run.output
    assert predicted["changed"] and predicted["tenant_id"].startswith("planned:")
    assert predicted["quotas"]["storage"]["limit"] == "20 GB"
    assert predicted["quotas"]["storage"]["storage"] == PARTNER_STORAGE_ID
    assert predicted["quotas"]["servers"]["limit"] == 1
    assert calls.writes == 0 and ITEMS_GET not in calls.counts
    assert calls.counts["GET /api/2/tenants/{tenant_id}/offering_items/available_for_child"] == 1
    real_run = run_quota(runner, sim, tenant_id=predicted["tenant_id"], quotas={"servers": 1})[0]
    assert real_run["msg"].startswith("tenant_id: planned:") and "check-mode" in real_run["msg"]


def test_stale_quota_version_after_a_lost_answer_is_reread_and_settled(runner, sim):
    # The first PUT is applied but its answer is lost; the client repeats it with the old quota version,
    # the API answers 409/1001, the module reads the items again and finds nothing left to do.
    customer = new_tenant(sim, "Lost Answer Co")
    base = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID)
    runner.run(play(quotas={"servers": 5}, **base))
    sim.admin.faults(once=[{"match": ITEMS_PUT, "fault": "drop_after_commit", "count": 1}])
    result, calls = run_quota(runner, sim, diff=True, quotas={"servers": 7}, **base)
    assert result["changed"] and result["diff"]["before"]["servers"]["limit"] == 5
    assert result["quotas"]["servers"]["limit"] == 7
    assert calls.counts[ITEMS_PUT] == 2 and calls.counts[ITEMS_GET] == 2
    assert quota(stored_items(sim, customer["id"])["servers"]) == (7, None)


class ChangedBehindTheBack:
    """A client whose first PUT is preceded by another administrator's quota change."""

    def __init__(self, client, other, tenant_id):
        self.client, self.other, self.tenant_id, self.puts = client, other, tenant_id, 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def put(self, path, body, params=None):
        self.puts += 1
        if self.puts == 1:
            self.other.put("/tenants/%s/offering_items" % self.tenant_id, {"offering_items": [{
                "application_id": BACKUP_APP_ID, "name": "servers", "status": 1,
                "quota": {"value": 9, "overage": None, "version": 0}}]})
        return self.client.put(path, body, params=params)


def test_a_concurrent_quota_change_is_reread_recomputed_and_retried_once(sim):
    customer = new_tenant(sim, "Concurrent Co")
    client = make_client(sim.conn)
    params = dict(tenant_id=customer["id"], edition="standard", storage=None, state="present", purge=False,
                  quotas={"servers": 4, "vms": 2})
    ensure_quotas(client, dict(params, quotas={"servers": "unlimited", "vms": 1}), False)
    racing = ChangedBehindTheBack(client, make_client(sim.conn), customer["id"])
    result = ensure_quotas(racing, params, False)
    assert racing.puts == 2 and result["changed"]
    assert result["diff"]["before"]["servers"]["limit"] == "unlimited" and result["quotas"]["servers"]["limit"] == 4
    stored = stored_items(sim, customer["id"])
    assert quota(stored["servers"]) == (4, None) and quota(stored["vms"]) == (2, None)


def test_purge_switches_off_unlisted_items_of_the_same_service(runner, sim):
    customer = new_tenant(sim, "Purge Co")
    base = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID)
    runner.run(play(quotas={"storage": 10, "servers": 1, "vms": 2, "mobiles": 3}, **base))
    kept, calls = run_quota(runner, sim, diff=True, quotas={"storage": 10, "servers": 1}, **base)
    assert not kept["changed"] and sorted(stored_items(sim, customer["id"])) == sorted(
        ["storage@" + ACRONIS_STORAGE_ID, "servers", "vms", "mobiles"])
    purged, calls = run_quota(runner, sim, diff=True, purge=True, quotas={"storage": 10, "servers": 1}, **base)
    assert purged["changed"] and calls.writes == 1
    assert sorted(stored_items(sim, customer["id"])) == ["servers", "storage@" + ACRONIS_STORAGE_ID]
    assert purged["diff"]["before"]["vms"]["enabled"] and purged["diff"]["after"]["vms"] == {
        "workload": "vms", "item": "vms", "edition": "standard", "enabled": False}
    again, calls = run_quota(runner, sim, purge=True, quotas={"storage": 10, "servers": 1}, **base)
    assert not again["changed"] and calls.counts == {ITEMS_GET: 1}


def test_state_absent_switches_listed_items_off(runner, sim):
    customer = new_tenant(sim, "Absent Co")
    base = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID)
    runner.run(play(quotas={"storage": 10, "servers": 1, "mobiles": 3}, **base))
    other_storage, calls = run_quota(runner, sim, state="absent", tenant_id=customer["id"],
                                     storage="Partner Hosted Storage", quotas={"storage": None})
    assert not other_storage["changed"] and other_storage["quotas"] == {} and calls.writes == 0
    off, calls = run_quota(runner, sim, state="absent", tenant_id=customer["id"], storage=ACRONIS_STORAGE_ID,
                           quotas={"mobiles": None, "storage": None})
    assert off["changed"] and calls.writes == 1
    assert off["quotas"]["storage"] == {"workload": "storage", "item": "storage", "edition": "standard",
                                        "enabled": False, "storage": ACRONIS_STORAGE_ID}
    assert sorted(stored_items(sim, customer["id"])) == ["servers"]
    again, calls = run_quota(runner, sim, state="absent", tenant_id=customer["id"], quotas={"mobiles": None})
    assert not again["changed"] and calls.writes == 0


def partner_with(sim, name, item_names):
    """A reseller that has only the given items (of the per-workload edition) switched on."""
    reseller = new_tenant(sim, name, kind="partner")
    entries = [{"application_id": BACKUP_APP_ID, "name": item, "status": 1} for item in item_names]
    entries.append({"application_id": BACKUP_APP_ID, "name": "pw_base_storage", "status": 1,
                    "infra_id": ACRONIS_STORAGE_ID})
    make_client(sim.conn).put("/tenants/%s/offering_items" % reseller["id"], {"offering_items": entries})
    return reseller


def test_an_item_the_parent_cannot_grant_fails_naming_parent_and_item_before_writing(runner, sim):
    reseller = partner_with(sim, "Thin Reseller", ["pw_base_servers"])
    customer = new_tenant(sim, "Thin Customer", parent=reseller["id"])
    refused, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas={"servers": 1, "mobiles": 2})
    assert refused["msg"].startswith("quotas.mobiles: workload 'mobiles' in edition pck_per_workload")
    assert "'Thin Reseller'" in refused["msg"] and calls.writes == 0
    by_name, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas={"pw_base_mobiles": 2})
    assert by_name["msg"].startswith("quotas.pw_base_mobiles: 'pw_base_mobiles' is neither a workload nor an")
    assert "'Thin Reseller'" in by_name["msg"] and calls.writes == 0
    # What the reseller offers is found without naming the edition or the storage.
    granted, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas={"servers": 1, "storage": "1 TB"})
    assert granted["changed"] and granted["edition"] == "pck_per_workload" and calls.writes == 1
    assert granted["quotas"]["pw_base_storage"]["storage"] == ACRONIS_STORAGE_ID


class WithdrawnMeanwhile:
    """A client that sees the tenant's list from before its parent switched an item off (another administrator
    does so just before the parent's catalogue is read), and counts its own writes."""

    def __init__(self, client, other, parent_id, item):
        self.client, self.other, self.parent_id, self.item, self.writes = client, other, parent_id, item, 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def get(self, path, params=None):
        if path.endswith("/available_for_child") and self.item:
            self.other.put("/tenants/%s/offering_items" % self.parent_id, {"offering_items": [{
                "application_id": BACKUP_APP_ID, "name": self.item, "status": 0}]})
            self.item = None
        return self.client.get(path, params=params)

    def put(self, path, body, params=None):
        self.writes += 1
        return self.client.put(path, body, params=params)

    def post(self, path, body=None, params=None, retry_ambiguous=False):
        self.writes += 1
        return self.client.post(path, body, params=params, retry_ambiguous=retry_ambiguous)


def test_an_item_the_parent_no_longer_offers_is_refused_before_writing(sim):
    reseller = partner_with(sim, "Withdrawing Reseller", ["pw_base_servers", "pw_base_mobiles"])
    customer = new_tenant(sim, "Late Customer", parent=reseller["id"])
    client = WithdrawnMeanwhile(make_client(sim.conn), make_client(sim.conn), reseller["id"], "pw_base_mobiles")
    params = dict(tenant_id=customer["id"], edition="pck_per_workload", storage=None, state="present", purge=False,
                  quotas={"mobiles": 2})
    with pytest.raises(OptionError) as refused:
        ensure_quotas(client, params, False)
    assert str(refused.value) == ("quotas.mobiles: item pw_base_mobiles is not available to tenant 'Late Customer': "
                                  "its parent 'Withdrawing Reseller' does not offer it")
    assert client.writes == 0 and stored_items(sim, customer["id"]) == {}


def test_edition_must_be_clear(runner, sim):
    # A partner may hold several editions (a customer cannot: see the edition switch test).
    customer = new_tenant(sim, "Which Edition", kind="partner")
    ambiguous, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas={"servers": 1})
    assert ambiguous["msg"] == ("edition: required: tenant 'Which Edition' has no edition on yet and its parent "
                                "'Ansible Distributor' offers bundled, pck_per_gigabyte, pck_per_workload, standard; "
                                "choose one") and calls.writes == 0
    unknown, calls = run_quota(runner, sim, tenant_id=customer["id"], edition="gold", quotas={"servers": 1})
    assert unknown["msg"].startswith("edition: 'gold' is not offered to tenant 'Which Edition'; choices: "
                                     "bundled, pck_per_gigabyte, pck_per_workload, standard") and calls.writes == 0
    runner.run(play(tenant_id=customer["id"], edition="standard", quotas={"servers": 1}))
    runner.run(play(tenant_id=customer["id"], edition="pck_per_workload", quotas={"vms": 1}))
    several, calls = run_quota(runner, sim, tenant_id=customer["id"], quotas={"servers": 2})
    assert several["msg"].startswith("edition: tenant 'Which Edition' has items of several editions on "
                                     "(pck_per_workload, standard)") and calls.writes == 0
    # An item name carries its edition.
    by_item = run_quota(runner, sim, tenant_id=customer["id"], quotas={"pw_base_vms": 3})[0]
    assert by_item["changed"] and by_item["edition"] is None
    clash = run_quota(runner, sim, tenant_id=customer["id"], edition="standard", quotas={"pw_base_vms": 3})[0]
    assert clash["msg"].startswith("quotas.pw_base_vms: item pw_base_vms belongs to edition pck_per_workload")


def test_another_edition_on_a_customer_goes_through_the_switch(runner, sim):
    customer = new_tenant(sim, "Switch Co")
    args = dict(tenant_id=customer["id"], storage=ACRONIS_STORAGE_ID)
    runner.run(play(edition="pck_per_gigabyte", quotas={"storage": "500 GB", "servers": 2, "mobiles": 1}, **args))
    wanted = dict(args, edition="pck_per_workload", quotas={"servers": 5})
    checked, calls = run_quota(runner, sim, check=True, diff=True, **wanted)
    assert checked["changed"] and calls.writes == 0
    assert calls.counts["GET /api/2/tenants/{tenant_id}/edition"] == 1
    assert checked["edition_switch"]["from"] == "pck_per_gigabyte"
    assert checked["edition_switch"]["to"] == "pck_per_workload"
    assert checked["edition_switch"]["warnings"] and checked["warnings"][0].startswith(
        "edition: tenant 'Switch Co' would switch from pck_per_gigabyte to pck_per_workload; the platform's check "
        "warns: ")
    predicted = checked["quotas"]
    assert predicted["pw_base_servers"]["limit"] == 5 and not predicted["pg_base_servers"]["enabled"]
    # The items the switch moves are shown too, with the quotas it carries over.
    assert predicted["pw_base_storage"]["limit"] == "500 GB" and predicted["pw_base_mobiles"]["limit"] == 1
    assert checked["diff"]["before"]["pg_base_servers"]["limit"] == 2
    assert not checked["diff"]["before"]["pw_base_servers"]["enabled"]
    assert not predicted["pg_base_storage"]["enabled"]

    switched_run, calls = run_quota(runner, sim, diff=True, **wanted)
    assert switched_run["changed"] and switched_run["quotas"] == predicted
    assert calls.counts["PUT /api/2/tenants/{tenant_id}/edition"] == 1
    stored = stored_items(sim, customer["id"])
    assert sorted(stored) == ["pw_base_mobiles", "pw_base_servers", "pw_base_storage@" + ACRONIS_STORAGE_ID]
    # The switch carried the quotas over; the task then set its own.
    assert quota(stored["pw_base_storage@" + ACRONIS_STORAGE_ID]) == (500 * GIB, None)
    assert quota(stored["pw_base_mobiles"]) == (1, None) and quota(stored["pw_base_servers"]) == (5, None)
    again, calls = run_quota(runner, sim, **wanted)
    assert not again["changed"] and calls.counts == {ITEMS_GET: 1} and "warnings" not in again

    # A switch the parent cannot serve fails before any write, naming what is missing.
    reseller = new_tenant(sim, "Half Reseller", kind="partner")
    make_client(sim.conn).put("/tenants/%s/offering_items" % reseller["id"], {"offering_items": [
        {"application_id": BACKUP_APP_ID, "name": name, "status": 1} for name in ("pg_base_servers", "pw_base_vms")]})
    stuck = new_tenant(sim, "Stuck Co", parent=reseller["id"])
    runner.run(play(tenant_id=stuck["id"], edition="pck_per_gigabyte", quotas={"servers": 1}))
    refused, calls = run_quota(runner, sim, tenant_id=stuck["id"], edition="pck_per_workload", quotas={"vms": 1})
    assert refused["msg"].startswith("edition: tenant 'Stuck Co' cannot switch from pck_per_gigabyte to "
                                     "pck_per_workload: GET /tenants/%s/edition: 400 " % stuck["id"])
    assert refused["msg"].endswith("; items not available: pw_base_servers") and calls.writes == 0


def test_storage_location_ambiguity_and_choice(runner, sim):
    first = new_tenant(sim, "Storage One")
    ambiguous, calls = run_quota(runner, sim, tenant_id=first["id"], edition="standard", quotas={"storage": 10})
    assert ambiguous["msg"].startswith("storage: tenant 'Storage One' can use 2 storage locations for storage")
    assert ACRONIS_STORAGE_ID in ambiguous["msg"] and "Partner Hosted Storage" in ambiguous["msg"]
    assert calls.writes == 0
    by_id = run_quota(runner, sim, tenant_id=first["id"], edition="standard", storage=PARTNER_STORAGE_ID,
                      quotas={"storage": 10})[0]
    assert by_id["changed"] and "storage@" + PARTNER_STORAGE_ID in stored_items(sim, first["id"])
    # Once one is in use, it is the one.
    in_use, calls = run_quota(runner, sim, tenant_id=first["id"], quotas={"storage": 10})
    assert not in_use["changed"] and calls.counts == {ITEMS_GET: 1}
    second_storage, calls = run_quota(runner, sim, tenant_id=first["id"], storage=ACRONIS_STORAGE_ID,
                                      quotas={"storage": 10})
    assert second_storage["msg"].startswith("storage: customer 'Storage One' can use only one storage location")
    assert calls.writes == 0

    second = new_tenant(sim, "Storage Two")
    by_name = run_quota(runner, sim, tenant_id=second["id"], edition="standard",
                        storage="acronis cloud storage", quotas={"storage": 10})[0]
    assert by_name["changed"] and by_name["quotas"]["storage"]["storage"] == ACRONIS_STORAGE_ID
    unknown, calls = run_quota(runner, sim, tenant_id=second["id"], storage="Moon Storage", quotas={"storage": 10})
    assert unknown["msg"].startswith("storage: 'Moon Storage' is not a storage location offered for storage")
    assert calls.writes == 0


# Bad input (one case per wrong option) is checked by the catalogue in tests/reliability/catalogue.py,
# all cases in one playbook run: tests/reliability/test_bad_input.py.


def test_tenant_by_name(runner, sim):
    new_tenant(sim, "Named Co")
    result = run_quota(runner, sim, tenant="Named Co", edition="standard", storage=ACRONIS_STORAGE_ID,
                       quotas={"workstations": 4})[0]
    assert result["changed"] and result["quotas"]["workstations"]["limit"] == 4
    again, calls = run_quota(runner, sim, tenant="Named Co", quotas={"workstations": 4})
    # The search needs the API client's home tenant: read once per playbook run, then kept with the token.
    assert not again["changed"] and calls.counts == {"GET /api/2/clients/{client_id}": 1, "GET /api/2/search": 1,
                                                     ITEMS_GET: 1}


def test_plain_module_main_gives_the_same_result_as_the_action(runner, sim, tmp_path):
    customer = new_tenant(sim, "Both Paths")
    args = dict(tenant_id=customer["id"], edition="standard", storage=ACRONIS_STORAGE_ID,
                quotas={"storage": "1 TB", "servers": {"value": 3, "overage": 1}})
    connection = {key: sim.conn[key] for key in ("datacenter_url", "client_id", "client_secret")}
    direct = run_module_directly("acronis_quota", dict(args, **connection), tmp_path, diff=True)
    assert direct["changed"] and direct["quotas"]["storage"]["limit"] == "1024 GB"
    via_action = run_quota(runner, sim, diff=True, **args)[0]
    assert not via_action["changed"] and via_action["quotas"] == direct["quotas"]
    again = run_module_directly("acronis_quota", dict(args, **connection), tmp_path)
    assert not again["changed"] and again["quotas"] == direct["quotas"] and "diff" not in again
    failure = run_module_directly("acronis_quota", dict(args, quotas={"servers": -2}, **connection), tmp_path)
    assert failure["failed"] and failure["msg"] == via_action_failure(runner, sim, args)
    assert sim.conn["client_secret"] not in json.dumps(direct)


def via_action_failure(runner, sim, args):
    result = run_quota(runner, sim, **dict(args, quotas={"servers": -2}))[0]
    return result["msg"]
