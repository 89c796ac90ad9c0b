"""The estate as inventory hosts: host names, quota sets, roles, identity of inventory hosts, strays and their
removal, and the export's files. Plain data and a fake client; the real runs are in
tests/integration/test_inventory_plugin.py."""

from __future__ import annotations

import pytest
import yaml

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19 there is no trust to test: the 2.19 and 2.21 legs test it
    pytest.skip("trusted templates are ansible-core 2.19's", allow_module_level=True)

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._estate import (
    host_names, inventory_tenant_ids, quota_sets, remove_strays, role_options, slug, strays)
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._export import render, write_files

APP = "backup-app"
HOME, RESELLER, CUSTOMER, STRAY, INNER = ("00000000-0000-4000-8000-00000000000%d" % n for n in range(5))


def _tenant(tenant_id, name, parent, kind="customer", created="2026-01-01", **fields):
    return dict(id=tenant_id, name=name, parent_id=parent, kind=kind, created_at=created, enabled=True, version=3,
                **fields)


def _item(name, usage, edition, status=1, value=None, overage=None, infra=None, unit="quantity", tenant=CUSTOMER):
    item = {"application_id": APP, "name": name, "usage_name": usage, "edition": edition, "status": status,
            "type": "infra" if infra else "count", "measurement_unit": unit, "tenant_id": tenant}
    if infra:
        item["infra_id"] = infra
    if status == 1:
        item["quota"] = {"value": value, "overage": overage, "version": 1}
    return item


def test_host_names_are_readable_unique_and_stable_when_a_tenant_is_added():
    assert slug("Café Müller & Söhne GmbH") == "cafe-muller-sohne-gmbh"
    older = _tenant("b" * 36, "Contoso Ltd.", HOME, created="2026-01-01")
    younger = _tenant("a" * 36, "contoso ltd", HOME, created="2026-02-01")
    tokyo = _tenant("c" * 36, "東京", HOME)
    assert host_names([younger, older, tokyo]) == {older["id"]: "contoso-ltd", younger["id"]: "contoso-ltd-2",
                                                   tokyo["id"]: "tenant-cccccccc"}
    newest = _tenant("0" * 36, "Contoso-Ltd", HOME, created="2026-03-01")
    assert host_names([younger, older, newest])[younger["id"]] == "contoso-ltd-2"


def test_quota_sets_one_per_edition_and_storage_workloads_where_they_name_one_item():
    items = [_item("pw_storage", "storage", "per_workload", value=500 * 1024 ** 3, unit="bytes", infra="s1"),
             _item("pw_servers", "servers", "per_workload", value=10, overage=2),
             _item("pw_vms", "vms", "per_workload", status=0),
             _item("pw_storage", "storage", "per_workload", unit="bytes", infra="s2"),
             _item("std_a", "websites", "standard"), _item("std_b", "websites", "standard", status=0)]
    notes = []
    sets = quota_sets(items, {"s1": "Cloud Storage"}, notes)
    assert sets["tenant_edition"] == "per_workload" and sets["tenant_storage"] == "Cloud Storage"
    assert sets["tenant_quotas"] == {"storage": "500 GB", "servers": {"value": 10, "overage": 2}}
    # Two items of the standard edition count websites: the item name says which one.
    assert sets["tenant_offerings"] == [{"edition": "per_workload", "storage": "s2", "quotas": {"storage": "unlimited"}},
                                        {"edition": "standard", "quotas": {"std_a": "unlimited"}}]
    assert quota_sets([_item("x", "servers", "e", status=0)], {}, notes) == {} and notes == []


def test_role_options_follow_the_module_s_planning():
    assert role_options(frozenset({"backup_user"}), "customer") == {"manage_other_users": False}
    # One role per service: managing the other users' backups is the Protection administrator role alone.
    assert role_options(frozenset({"protection_admin"}), "customer") == {"manage_other_users": True}
    assert role_options(frozenset({"partner_admin"}), "partner") == {}
    assert role_options(frozenset({"company_admin"}), "customer") == {"roles": ["company_admin"]}


def _estate():
    tenants = [_tenant(HOME, "Home", HOME, kind="partner"), _tenant(RESELLER, "Reseller", HOME, kind="partner"),
               _tenant(CUSTOMER, "Contoso", RESELLER), _tenant(STRAY, "Shadow", RESELLER),
               _tenant(INNER, "Shadow Unit", STRAY, kind="unit"),
               _tenant("p" * 36, "contoso.user", CUSTOMER, kind="unit", owner_id="u1")]
    users = [{"id": "u1", "login": "contoso.user", "tenant_id": CUSTOMER, "enabled": True, "version": 1},
             {"id": "u2", "login": "intruder", "tenant_id": CUSTOMER, "enabled": True, "version": 1},
             {"id": "u3", "login": "shadow.user", "tenant_id": STRAY, "enabled": True, "version": 1}]
    items = [_item("servers", "servers", None, value=5), _item("vms", "vms", None, value=2)]
    return {"root": tenants[0], "home_id": HOME, "tenants": tenants, "users": users, "items": items, "storages": {}}


def test_inventory_hosts_are_found_by_name_under_their_parent_and_the_rest_is_stray():
    estate = _estate()
    ids = inventory_tenant_ids(estate, {"reseller": {"name": "RESELLER", "parent": None},
                                        "contoso": {"name": "contoso", "parent": "reseller"},
                                        "loop": {"name": "x", "parent": "loop"},
                                        "gone": {"name": "Gone", "parent": RESELLER}})
    assert ids == {"reseller": RESELLER, "contoso": CUSTOMER, "loop": None, "gone": None}
    found = strays(estate, {RESELLER, CUSTOMER}, ["Contoso.User"], {CUSTOMER: {("servers", None)}})
    assert [(t["path"], t["inside_stray"]) for t in found["tenants"]] == [("Reseller/Shadow", False),
                                                                          ("Reseller/Shadow/Shadow Unit", True)]
    assert [user["login"] for user in found["users"]] == ["intruder"]
    assert [(item["item"], item["limit"]) for item in found["items"]] == [("vms", 2)]


class FakeClient:
    """Answers reads from a dict and records writes."""

    def __init__(self, records):
        self.records = records
        self.writes = []

    def run_store(self, name, value):
        pass

    def get(self, path, params=None):
        return dict(self.records[path.rsplit("/", 1)[-1]])

    def put(self, path, body, params=None):
        self.writes.append(("PUT", path, body))
        return dict(self.records[path.rsplit("/", 1)[-1]], **body)

    def delete(self, path, params=None):
        self.writes.append(("DELETE", path, params))


def test_removing_strays_disables_top_ones_or_deletes_the_deepest_first():
    estate = _estate()
    found = strays(estate, {RESELLER, CUSTOMER}, ["contoso.user"], {})
    records = {tenant["id"]: tenant for tenant in estate["tenants"]}
    records.update((user["id"], user) for user in estate["users"])
    disabling = FakeClient(records)
    remove_strays(disabling, found, "disabled")
    disabled = [(method, path) for method, path, _body in disabling.writes]
    assert disabled == [("PUT", "/users/u2"), ("PUT", "/tenants/%s" % STRAY)]
    deleting = FakeClient(records)
    remove_strays(deleting, found, "absent")
    deleted = [path for method, path, _body in deleting.writes if method == "DELETE"]
    assert deleted == ["/users/u2", "/tenants/%s" % INNER, "/tenants/%s" % STRAY]


def test_export_shares_group_values_comments_facts_and_never_writes_secrets(tmp_path):
    hosts = [{"name": name, "group": "acronis_customers",
              "vars": {"tenant_name": name.title(), "tenant_language": "en", "tenant_users": [
                  {"login": name + ".user", "password": "s3cret", "activation": "password"}],
                  "tenant_internal_tag": "{{ lookup('pipe', 'id') }}"},
              "facts": {"acronis_id": "id-" + name, "acronis_path": "R/" + name, "acronis_notes": ["a note"]}}
             for name in ("a", "b")]
    files = render(hosts, "x.acronis.yml")
    written = write_files(str(tmp_path), files)
    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.yml")) == [
        "group_vars/acronis_customers.yml", "group_vars/acronis_resellers.yml", "hosts.yml"]
    assert len(written) == 3 and "s3cret" not in "".join(files.values())
    text = files["hosts.yml"]
    assert "# R/a\n" in text and "# left out: a note" in text
    assert "# left out: tenant_users a.user: password, a secret; give it from a vault variable" in text
    shared = yaml.safe_load(files["group_vars/acronis_customers.yml"].replace("!unsafe ", ""))
    assert shared == {"tenant_language": "en", "tenant_internal_tag": "{{ lookup('pipe', 'id') }}"}
    assert "!unsafe" in files["group_vars/acronis_customers.yml"]
    inventory = yaml.safe_load(text)
    assert inventory["acronis_customers"]["hosts"]["a"] == {
        "tenant_name": "A", "tenant_users": [{"login": "a.user", "activation": "password"}]}
    # A password given as a template of a vault variable is a reference, not a secret: it stays a template.
    hosts[0]["vars"]["tenant_users"][0]["password"] = trust_as_template("{{ vault_a_password }}")
    again = yaml.safe_load(render(hosts, "static")["hosts.yml"])
    assert again["acronis_customers"]["hosts"]["a"]["tenant_users"][0]["password"] == "{{ vault_a_password }}"
