"""The tenant role's own logic: parents, the modules' arguments from the variables, and the record."""

from __future__ import annotations

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._onboarding import (
    check_user_quotas, parent_reference, quota_arguments, quota_warnings, storage_location, tenant_arguments, tenant_record, unknown_variables,
    user_arguments, user_quota_arguments)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._report import RECORD_KEYS, build_report

KNOWN = ["tenant_name", "tenant_quotas", "tenant_onboarding"]


def test_misspelt_role_variables_are_found_and_the_role_s_own_are_not():
    names = ["tenant_name", "tenant_qoutas", "tenant__result", "tenant_onboarding", "tenants", "other", "tenant_X"]
    assert unknown_variables(names, KNOWN) == ["tenant_qoutas"]


@pytest.mark.parametrize("parent, hosts, expected", [
    (None, {}, {"ref": None, "blocked_by": ""}),
    ("Reseller A", {}, {"ref": "Reseller A", "blocked_by": ""}),
    ("r1", {"r1": (None, "Reseller One")}, {"ref": "Reseller One", "blocked_by": ""}),
    ("r1", {"r1": (None, None)}, {"ref": "r1", "blocked_by": ""}),
    ("r1", {"r1": ({"status": "unchanged", "id": "id-1"}, "R")}, {"ref": "id-1", "blocked_by": ""}),
    ("r1", {"r1": ({"status": "failed", "reason": "Tenant: boom"}, "R")},
     {"ref": None, "blocked_by": "parent r1 failed: Tenant: boom"}),
    ("r1", {"r1": ({"status": "skipped", "reason": ""}, "R")}, {"ref": None, "blocked_by": "parent r1 skipped"}),
    ("me", {"me": ({"status": "created", "id": "x"}, "Me")}, {"ref": "me", "blocked_by": ""}),
])
def test_parent_reference(parent, hosts, expected):
    assert parent_reference(parent, "me", hosts.get) == expected


def test_tenant_arguments_leave_out_what_is_not_set_and_follow_tenant_state():
    variables = {"tenant_name": "Contoso", "tenant_kind": "customer", "tenant_state": "disabled",
                 "tenant_language": "de", "tenant_contact": None}
    assert tenant_arguments(variables, "id-1") == {"name": "Contoso", "kind": "customer", "parent": "id-1",
                                                   "state": "present", "enabled": False, "language": "de"}
    absent = tenant_arguments(dict(variables, tenant_state="absent"), None)
    assert absent["state"] == "absent" and "enabled" not in absent and "parent" not in absent


def test_quota_sets_purge_only_tenant_quotas_and_only_without_offerings():
    variables = {"tenant_quotas": {"servers": 5}, "tenant_edition": "standard", "tenant_quota_purge": True}
    assert quota_arguments(variables, "t") == [{"quotas": {"servers": 5}, "edition": "standard", "purge": True,
                                                "tenant_id": "t"}]
    offering = {"edition": "pck_per_gigabyte", "quotas": {"vms": 2}}
    sets = quota_arguments(dict(variables, tenant_offerings=[offering]), "t")
    assert [entry["purge"] for entry in sets[:1]] == [False] and sets[1] == dict(offering, tenant_id="t")
    assert quota_warnings(dict(variables, tenant_offerings=[offering]))[0].startswith(
        "tenant_quota_purge is ignored because tenant_offerings is set too")
    assert quota_warnings(variables) == []
    assert quota_arguments({"tenant_quotas": {}}, "t") == []
    assert quota_arguments({"tenant_quota_purge": True}, "t")[0]["quotas"] == {}


def test_user_arguments_and_their_own_quotas():
    entry = {"login": "a.user", "email": "a@b.example", "quotas": {"storage": "10 GB"}}
    assert user_arguments(entry, "t") == {"login": "a.user", "email": "a@b.example", "tenant_id": "t"}
    created = {"user": {"id": "u-1", "login": "a.user", "personal_tenant_id": "p-1"}}
    assert user_quota_arguments(entry, created, "standard", "infra-1") == {
        "tenant_id": "p-1", "quotas": {"storage": "10 GB"}, "edition": "standard", "storage": "infra-1"}
    assert user_quota_arguments(dict(entry, quotas=None), created, None, None) is None
    assert user_quota_arguments(entry, {"failed": True}, None, None) is None
    with pytest.raises(OptionError, match="^tenant_users.quotas: user 'a.user' has no personal tenant"):
        user_quota_arguments(entry, {"user": {"id": "u-1", "login": "a.user"}}, None, None)


def test_a_planned_user_gets_a_planned_personal_tenant():
    planned = {"user": {"id": "planned:p/C/a.user", "login": "a.user", "personal_tenant_id": None}}
    arguments = user_quota_arguments({"login": "a.user", "quotas": {"servers": 1}}, planned, None, None)
    assert arguments == {"tenant_id": "planned:planned:p/C/a.user/personal", "quotas": {"servers": 1}}


def test_per_user_quotas_are_refused_before_any_write_where_users_have_no_personal_tenant():
    users = [{"login": "a", "quotas": {"servers": 1}}, {"login": "b"}, {"login": "c", "quotas": {"vms": 1}}]
    check_user_quotas("customer", users)
    check_user_quotas("partner", [{"login": "b"}])
    with pytest.raises(OptionError, match="^tenant_users.quotas: users of a partner tenant have no personal tenant, "
                                          "so per-user quotas \\(given for a, c\\) apply only to users of customers"):
        check_user_quotas("partner", users)


def test_storage_location_is_the_one_the_tenant_s_quotas_use():
    quotas = {"results": [{"quotas": {"servers": {"limit": 1}}}, {"quotas": {"storage": {"storage": "infra-2"}}}]}
    assert storage_location(quotas) == "infra-2"
    assert storage_location({"skipped": True}) is None


def test_record_of_a_skipped_tenant_gives_the_reason():
    variables = {"tenant_name": "C", "tenant_kind": "customer", "tenant_parent": "r1"}
    record = tenant_record("c", variables, {"skipped": True}, None, None, blocked_by="parent r1 failed")
    assert record == {"host": "c", "name": "C", "kind": "customer", "parent": "r1", "status": "skipped",
                      "reason": "parent r1 failed"}


def test_record_lists_users_quotas_and_every_change_and_keeps_the_tenant_s_outcome():
    variables = {"tenant_name": "C", "tenant_kind": "customer"}
    tenant = {"changed": False, "outcome": "unchanged", "tenant": {"id": "t-1", "name": "C Renamed"}}
    quotas = {"results": [{"changed": True, "diff": {"before": 1}, "quotas": {"servers": {"limit": 5}}}]}
    users = {"results": [
        {"changed": False, "outcome": "unchanged", "user": {"login": "u1", "roles": ["backup_user"], "activated": True},
         "user_quotas": {"changed": True, "diff": {"after": 2}, "quotas": {"servers": {"limit": 1}}}},
        {"changed": True, "outcome": "created", "activation_email": "sent", "diff": {"after": 3},
         "user": {"login": "u2"}},
        {"failed": True, "msg": "user u3: boom"},
    ]}
    record = tenant_record("c", variables, tenant, quotas, users)
    assert record["status"] == "updated" and record["id"] == "t-1" and record["name"] == "C Renamed"
    assert record["parent"] == "" and record["quotas"] == {"servers": {"limit": 5}}
    assert [user["login"] for user in record["users"]] == ["u1", "u2"]
    assert record["users"][0]["quotas"] == {"servers": {"limit": 1}}
    assert record["users"][1] == {"login": "u2", "roles": [], "activated": False, "outcome": "created",
                                  "activation_email": "sent", "quotas": {}}
    assert [change["what"] for change in record["changes"]] == ["quotas", "quotas of user u1", "user u2"]
    created = tenant_record("c", variables, dict(tenant, changed=True, outcome="created"), None, None)
    assert created["status"] == "created" and created["changes"] == [{"what": "tenant", "diff": {}, "summary": []}]
    assert tenant_record("c", variables, dict(tenant, outcome="absent"), None, None)["status"] == "absent"


def test_the_report_keeps_only_the_record_s_fields_of_a_registered_result():
    registered = dict(tenant_record("c", {"tenant_name": "C"}, {"skipped": True}, None, None),
                      changed=False, failed=False)
    tenant = build_report(["c"], {"c": registered}, {}, "Onboarding", False)["tenants"][0]
    assert set(tenant) <= set(RECORD_KEYS) and "changed" not in tenant
