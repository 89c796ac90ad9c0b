"""acronis_user_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from tests.client_factory import make_client
from tests.integration.playbook import single_task_play


def play(**args):
    return single_task_play("acronis_user_info", **args)


@pytest.fixture
def people(sim):
    """A customer with two users (one activated protection admin, one waiting for activation), and a
    neighbour customer with a user of its own that no listing of the first may show."""
    client = make_client(sim.conn)
    tenant = client.post("/tenants", {"name": "Info Co", "kind": "customer", "parent_id": client.home_tenant_id()})
    users = {}
    neighbour = client.post("/tenants", {"name": "Next Door", "kind": "customer",
                                         "parent_id": client.home_tenant_id()})
    for login, roles, where in (("info.admin", ["protection_admin"], tenant), ("info.user", ["backup_user"], tenant),
                                ("next.door", ["backup_user"], neighbour)):
        user = client.post("/users", {"tenant_id": where["id"], "login": login,
                                      "contact": {"email": login + "@info.example"}})
        client.put("/users/%s/access_policies" % user["id"], {"items": [
            {"id": "00000000-0000-0000-0000-000000000000", "issuer_id": "00000000-0000-0000-0000-000000000000",
             "role_id": role, "tenant_id": where["id"], "trustee_id": user["id"], "trustee_type": "user",
             "version": 0} for role in roles]})
        users[login] = user
    client.post("/users/%s/password" % users["info.admin"]["id"], {"password": "Secret-123456"})
    return tenant, users


def test_by_login_by_id_and_all_users_of_a_tenant(runner, people):
    tenant, users = people
    by_login, writes = runner.writes_during(play(login="INFO.ADMIN"))
    found = by_login.result("acronis_user_info")["users"]
    assert writes == 0 and [u["login"] for u in found] == ["info.admin"]
    assert found[0]["roles"] == ["protection_admin"] and found[0]["manage_other_users"]
    assert found[0]["activated"] is True and found[0]["email"] == "info.admin@info.example"

    by_id = runner.run(play(user_id=users["info.user"]["id"])).result("acronis_user_info")["users"]
    assert [u["login"] for u in by_id] == ["info.user"]
    assert by_id[0]["roles"] == ["backup_user"] and by_id[0]["activated"] is False

    everyone = runner.run(play(tenant="Info Co"), check=True).result("acronis_user_info")["users"]
    assert sorted(u["login"] for u in everyone) == ["info.admin", "info.user"]
    one = runner.run(play(tenant_id=tenant["id"], login="info.user")).result("acronis_user_info")["users"]
    assert [u["id"] for u in one] == [users["info.user"]["id"]]


def test_unknown_login_or_id_gives_an_empty_list_and_out_of_scope_fails(runner, sim, people):
    none = runner.run(play(login="nobody.here")).result("acronis_user_info")
    assert none["users"] == [] and not none.get("failed")
    unknown_id = runner.run(play(user_id="11111111-2222-3333-4444-555555555555")).result("acronis_user_info")
    assert unknown_id["users"] == []
    outside = [u for u in sim.admin.state()["users"] if u["login"] == "outside.user"][0]
    refused = runner.run(play(user_id=outside["id"])).result("acronis_user_info")
    assert refused["failed"] and refused["msg"].startswith("user_id: user %s is outside" % outside["id"])
    # A login outside the scope is not visible to the API client at all.
    assert runner.run(play(login="outside.user")).result("acronis_user_info")["users"] == []


def test_option_rules(runner, people):
    missing = runner.run(play()).result("acronis_user_info")
    assert missing["failed"] and "one of the following is required" in missing["msg"]
    bad_id = runner.run(play(user_id="nope")).result("acronis_user_info")
    assert bad_id["msg"] == "user_id: 'nope' is not a user uuid"


ALL_BACKUP = ["backup_error", "backup_warning", "backup_info", "backup_daily_report", "backup_critical"]


@pytest.mark.parametrize("admin_values,admin_level,user_values,user_level", [
    (["quota", "reports"], "none", None, "custom"),  # None: the API's default list, with backup_daily_report
    (["reports"] + ALL_BACKUP, "all", ["backup_error", "backup_warning", "backup_info", "backup_critical"], "custom"),
])
def test_the_level_shown_is_the_one_whose_backup_values_the_user_has(runner, sim, people, admin_values, admin_level,
                                                                     user_values, user_level):
    tenant, users = people
    client = make_client(sim.conn)
    for login, values in (("info.admin", admin_values), ("info.user", user_values)):
        if values is not None:
            current = client.get("/users/%s" % users[login]["id"])
            client.put("/users/%s" % current["id"], {"version": current["version"], "notifications": values})
    found = runner.run(play(tenant_id=tenant["id"])).result("acronis_user_info")["users"]
    levels = {user["login"]: user["notifications"] for user in found}
    assert levels == {"info.admin": admin_level, "info.user": user_level}
