"""acronis_backup_user through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json

import pytest

from tests.client_factory import make_client
from tests.integration.module_direct import run_module_directly
from tests.integration.playbook import single_task_play


SECRET_PASSWORD = "Zq7-unguessable-Pw!42"
ZERO = "00000000-0000-0000-0000-000000000000"
TOKEN = "POST /api/2/idp/token"
# A tenant's users: its user ids, then those users by uuid (GET /users?tenant_id= would list every user).
LIST_IDS = "GET /api/2/tenants/{tenant_id}/users"
LISTING = {LIST_IDS: 1, "GET /api/2/users": 1}


def play(**args):
    return single_task_play("acronis_backup_user", **args)


def make_tenant(sim, name, kind="customer", parent_id=None):
    client = make_client(sim.conn)
    return client.post("/tenants", {"name": name, "kind": kind, "parent_id": parent_id or client.home_tenant_id()})


@pytest.fixture
def customer(sim):
    return make_tenant(sim, "Contoso")


@pytest.fixture
def partner(sim):
    return make_tenant(sim, "Reseller A", kind="partner")


def stored_users(sim, login):
    return [user for user in sim.admin.state()["users"]
            if user["login"].lower() == login.lower() and not user.get("deleted_at")]


def stored_user(sim, login):
    users = stored_users(sim, login)
    assert len(users) == 1, users
    return users[0]


def stored_roles(sim, user_id):
    return sorted(p["role_id"] for p in sim.admin.state()["access_policies"]
                  if p["trustee_id"] == user_id and not p.get("deleted_at"))


def without(record, *keys):
    return {key: value for key, value in record.items() if key not in keys}


def run_counting(runner, sim, playbook, **options):
    """Run and return (run, {request: count} of the API calls made during it, token fetch left out)."""
    before = sim.admin.stats()["requests"]
    run = runner.run(playbook, **options)
    after = sim.admin.stats()["requests"]
    calls = {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}
    calls.pop(TOKEN, None)
    return run, calls


def base(customer, **extra):
    args = {"login": "backup.contoso", "tenant_id": customer["id"], "email": "it@contoso.example"}
    args.update(extra)
    return args


def test_create_then_rerun_changes_nothing_with_one_call(runner, sim, customer):
    args = base(customer, first_name="Ada", last_name="Lovelace", phone="+1 555", language="de",
                notifications="errors_and_warnings", quota_notifications=False, manage_other_users=True)
    first, calls = run_counting(runner, sim, play(**args))
    created = first.result("acronis_backup_user")
    assert created["changed"] and created["outcome"] == "created", created
    # GET /clients reads the API client's home tenant (users there cannot be activated through the API);
    # in a playbook that ran acronis_tenant before, it comes from the shared token cache instead.
    # The tenant has no user yet: its (empty) list of user ids is the whole listing.
    assert calls == {LIST_IDS: 1, "GET /api/2/users/check_login": 1, "GET /api/2/tenants/{tenant_id}": 1,
                     "GET /api/2/clients/{client_id}": 1, "POST /api/2/users": 1, "PUT /api/2/users/{user_id}/access_policies": 1,
                     "POST /api/2/users/{user_id}/send-activation-email": 1}
    user = created["user"]
    assert user["roles"] == ["protection_admin"] and user["manage_other_users"]
    assert user["notifications"] == "errors_and_warnings" and not user["quota_notifications"]
    assert created["activation_email"] == "sent" and not created["password_set"]
    stored = stored_user(sim, "backup.contoso")
    assert stored["contact"]["firstname"] == "Ada" and stored["contact"]["phone"] == "+1 555"
    assert stored["language"] == "de" and stored["activation_emails"] == 1
    # errors_and_warnings removes the API default's backup_daily_report; quota_notifications: false its quota.
    assert sorted(stored["notifications"]) == ["backup_critical", "backup_error", "backup_warning", "reports"]

    second, calls = run_counting(runner, sim, play(**args))
    again = second.result("acronis_backup_user")
    assert not again["changed"] and again["outcome"] == "unchanged"
    assert calls == LISTING
    assert again["user"] == user and again["activation_email"] == "not_sent"


def test_activation_email_is_sent_once_over_three_runs(runner, sim, customer):
    for dummy in range(3):
        runner.run(play(**base(customer)))
    assert stored_user(sim, "backup.contoso")["activation_emails"] == 1
    assert sim.admin.stats()["emails_sent"] == 1


def test_default_roles_follow_the_tenant_kind(runner, sim, customer, partner):
    in_partner = runner.run(play(login="admin.reseller", tenant=partner["name"], email="a@reseller.example"))
    assert in_partner.result("acronis_backup_user")["user"]["roles"] == ["partner_admin"]
    in_customer = runner.run(play(**base(customer)))
    assert in_customer.result("acronis_backup_user")["user"]["roles"] == ["backup_user"]
    user_id = stored_user(sim, "admin.reseller")["id"]
    assert stored_roles(sim, user_id) == ["partner_admin"]


def test_the_default_role_in_a_unit_is_backup_user(runner, sim, customer):
    playbook = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - acronis.cyber_cloud.acronis_tenant:
            name: Contoso Sales
            kind: unit
            parent: %s
          register: unit
        - acronis.cyber_cloud.acronis_backup_user:
            login: sales.contoso
            tenant_id: "{{ unit.tenant.id }}"
            email: sales@contoso.example
    """ % customer["id"]
    run = runner.run(playbook)
    assert run.rc == 0, run.output
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["user"]["roles"] == ["backup_user"], result
    unit = run.result("acronis_tenant")["tenant"]
    assert unit["kind"] == "unit" and unit["parent_id"] == customer["id"]
    stored = stored_user(sim, "sales.contoso")
    assert stored["tenant_id"] == unit["id"] and stored_roles(sim, stored["id"]) == ["backup_user"]


CHANGES = [
    (dict(first_name="Grace"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(last_name="Hopper"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(phone="+49 1"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(email="new@contoso.example"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(language="fr"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(enabled=False), {"PUT /api/2/users/{user_id}": 1}),
    (dict(notifications="all"), {"PUT /api/2/users/{user_id}": 1}),
    (dict(quota_notifications=False), {"PUT /api/2/users/{user_id}": 1}),
    (dict(manage_other_users=True), {"PUT /api/2/users/{user_id}/access_policies": 1}),
    (dict(roles=["company_admin"]), {"PUT /api/2/users/{user_id}/access_policies": 1}),
]


@pytest.mark.parametrize("change,expected", CHANGES, ids=[next(iter(change)) for change, dummy in CHANGES])
def test_each_option_changed_alone_makes_exactly_its_write(runner, sim, customer, change, expected):
    runner.run(play(**base(customer)))
    run, calls = run_counting(runner, sim, play(**base(customer, **change)), diff=True)
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["outcome"] == "updated", result
    writes = {key: count for key, count in calls.items() if not key.startswith("GET ")}
    assert writes == expected
    assert result["diff"]["before"] != result["diff"]["after"]
    again, calls = run_counting(runner, sim, play(**base(customer, **change)))
    assert not again.result("acronis_backup_user")["changed"]
    assert all(key.startswith("GET ") for key in calls)


NOTIFICATION_LEVELS = {
    "none": [],
    "errors": ["backup_critical", "backup_error"],
    "errors_and_warnings": ["backup_critical", "backup_error", "backup_warning"],
    "all": ["backup_critical", "backup_daily_report", "backup_error", "backup_info", "backup_warning"],
}


def test_notification_levels_and_quota_flag_keep_unrelated_values(runner, sim, customer):
    runner.run(play(**base(customer)))
    user_id = stored_user(sim, "backup.contoso")["id"]
    client = make_client(sim.conn)
    current = client.get("/users/%s" % user_id)
    kept = ["certificate_management_error", "device_control_warning", "maintenance", "reports"]
    noisy = kept + ["backup_daily_report", "quota", "backup_info", "backup_warning"]
    client.put("/users/%s" % user_id, {"version": current["version"], "notifications": noisy})
    for level, alerts in list(NOTIFICATION_LEVELS.items()) + [("none", [])]:
        for quota in (True, False):
            result = runner.run(play(**base(customer, notifications=level, quota_notifications=quota)))
            view = result.result("acronis_backup_user")["user"]
            stored = sorted(stored_user(sim, "backup.contoso")["notifications"])
            assert stored == sorted(kept + alerts + (["quota"] if quota else [])), (level, quota)
            assert view["notifications"] == level and view["quota_notifications"] is quota
    runner.run(play(**base(customer, notifications="all")))
    untouched = runner.run(play(**base(customer, first_name="X"))).result("acronis_backup_user")
    assert untouched["user"]["notification_values"] == [
        "maintenance", "reports", "backup_error", "backup_warning", "backup_info", "backup_daily_report",
        "backup_critical", "device_control_warning", "certificate_management_error"]
    assert untouched["user"]["notifications"] == "all"


def test_a_last_name_change_alone_is_one_put_of_that_field(runner, sim, customer):
    runner.run(play(**base(customer, first_name="Ada", last_name="Lovelace", phone="+1 555")))
    before = stored_user(sim, "backup.contoso")
    run, calls = run_counting(runner, sim, play(**base(customer, first_name="Ada", last_name="Byron")), diff=True)
    result = run.result("acronis_backup_user")
    assert result["changed"] and calls == dict(LISTING, **{"PUT /api/2/users/{user_id}": 1}), calls
    after = stored_user(sim, "backup.contoso")
    assert without(after["contact"], "updated_at") == dict(without(before["contact"], "updated_at"), lastname="Byron")
    assert after["version"] == before["version"] + 1
    assert without(after, "contact", "version", "updated_at") == without(before, "contact", "version", "updated_at")
    changed = {key for key in result["diff"]["after"] if result["diff"]["after"][key] != result["diff"]["before"][key]}
    assert changed == {"last_name"}


def test_manage_other_users_switches_the_protection_role(runner, sim, customer):
    """One role per service: protection_admin instead of backup_user, and back."""
    runner.run(play(**base(customer, manage_other_users=True)))
    user_id = stored_user(sim, "backup.contoso")["id"]
    assert stored_roles(sim, user_id) == ["protection_admin"]
    off = runner.run(play(**base(customer, manage_other_users=False))).result("acronis_backup_user")
    assert off["changed"] and off["user"]["roles"] == ["backup_user"]
    assert stored_roles(sim, user_id) == ["backup_user"]
    kept = runner.run(play(**base(customer))).result("acronis_backup_user")
    assert not kept["changed"] and kept["user"]["roles"] == ["backup_user"]


def test_a_user_with_both_protection_roles_is_migrated_with_one_put(runner, sim, customer):
    """Earlier versions gave backup_user and protection_admin; the simulator accepted that then."""
    runner.run(play(**base(customer, manage_other_users=False)))
    user_id = stored_user(sim, "backup.contoso")["id"]
    sim.admin.config(one_role_per_service=False)
    make_client(sim.conn).put("/users/%s/access_policies" % user_id, {"items": [
        {"id": ZERO, "issuer_id": ZERO, "role_id": role, "tenant_id": customer["id"], "trustee_id": user_id,
         "trustee_type": "user", "version": 0} for role in ("backup_user", "protection_admin")]})
    sim.admin.config(one_role_per_service=True)
    check, writes = runner.writes_during(play(**base(customer, manage_other_users=True)), check=True, diff=True)
    assert writes == 0 and check.result("acronis_backup_user")["user"]["roles"] == ["protection_admin"]
    run, calls = run_counting(runner, sim, play(**base(customer, manage_other_users=True)))
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["user"]["roles"] == ["protection_admin"], result
    assert calls == dict(LISTING, **{"PUT /api/2/users/{user_id}/access_policies": 1})
    assert [w for w in result["warnings"] if "held backup_user and protection_admin of the Protection" in w]
    assert stored_roles(sim, user_id) == ["protection_admin"]
    again, writes = runner.writes_during(play(**base(customer, manage_other_users=True)))
    assert not again.result("acronis_backup_user")["changed"] and writes == 0


def test_check_mode_predicts_create_and_update_without_writing(runner, sim, customer):
    args = base(customer, first_name="Ada", notifications="errors", manage_other_users=True)
    check, writes = runner.writes_during(play(**args), check=True, diff=True)
    predicted = check.result("acronis_backup_user")
    assert writes == 0 and stored_users(sim, "backup.contoso") == []
    assert predicted["changed"] and predicted["user"]["id"].startswith("planned:")
    real = runner.run(play(**args), diff=True).result("acronis_backup_user")

    def strip(view):
        return {k: v for k, v in view.items() if k not in ("id", "personal_tenant_id")}
    assert real["changed"] and strip(predicted["diff"]["after"]) == strip(real["diff"]["after"])
    assert predicted["diff"]["before"] == real["diff"]["before"] == {}
    assert predicted["activation_email"] == real["activation_email"] == "sent"

    update = dict(args, last_name="Lovelace", quota_notifications=False, roles=["company_admin"])
    check_update, writes = runner.writes_during(play(**update), check=True, diff=True)
    assert writes == 0
    real_update = runner.run(play(**update), diff=True).result("acronis_backup_user")
    assert check_update.result("acronis_backup_user")["diff"] == real_update["diff"]
    assert real_update["diff"]["after"]["roles"] == ["company_admin", "protection_admin"]


def test_check_mode_with_a_planned_tenant_predicts_a_create(runner, sim):
    args = dict(login="future.user", tenant_id="planned:%s/Future" % sim.conn["tenant_id"], email="f@x.example")
    run, writes = runner.writes_during(play(**args), check=True, diff=True)
    result = run.result("acronis_backup_user")
    assert writes == 0 and result["changed"] and result["outcome"] == "created", result
    assert result["user"]["id"].startswith("planned:")


def test_resend_activation_only_while_not_activated(runner, sim, customer):
    runner.run(play(**base(customer)))
    resend = runner.run(play(**base(customer, resend_activation=True))).result("acronis_backup_user")
    assert resend["changed"] and resend["activation_email"] == "sent"
    assert stored_user(sim, "backup.contoso")["activation_emails"] == 2
    make_client(sim.conn).post("/users/%s/password" % resend["user"]["id"], {"password": SECRET_PASSWORD})
    after = runner.run(play(**base(customer, resend_activation=True))).result("acronis_backup_user")
    assert not after["changed"] and after["activation_email"] == "not_sent"
    assert stored_user(sim, "backup.contoso")["activation_emails"] == 2


def test_password_activation_never_shows_the_password(runner, sim, customer):
    args = base(customer, activation="password", password=SECRET_PASSWORD)
    run = runner.run(play(**args), verbosity=4, diff=True)
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["password_set"] and result["activation_email"] == "not_sent"
    assert result["user"]["activated"] and result["diff"]["after"]["password"] == "********"
    stored = stored_user(sim, "backup.contoso")
    assert stored["activated"] and stored["password_set"] and stored["activation_emails"] == 0
    assert SECRET_PASSWORD not in run.output
    assert SECRET_PASSWORD not in (run.workdir / "record.json").read_text()

    again, writes = runner.writes_during(play(**args), verbosity=4, diff=True)
    assert not again.result("acronis_backup_user")["changed"] and writes == 0
    always, writes = runner.writes_during(play(**dict(args, update_password="always")), verbosity=4, diff=True)
    assert always.result("acronis_backup_user")["password_set"] and writes == 1
    for output in (again.output, always.output, (always.workdir / "record.json").read_text()):
        assert SECRET_PASSWORD not in output


def test_a_login_taken_outside_the_scope_fails_clearly(runner, sim, customer):
    run, writes = runner.writes_during(play(**base(customer, login="outside.user")))
    result = run.result("acronis_backup_user")
    assert result["failed"] and writes == 0
    assert result["msg"].startswith("login: 'outside.user' is already taken by a user outside the API client's scope")


def test_a_login_of_another_tenant_in_scope_is_not_moved(runner, sim, customer):
    other = make_tenant(sim, "Fabrikam")
    runner.run(play(**base(other)))
    run, writes = runner.writes_during(play(**base(customer, login="BACKUP.contoso")))
    result = run.result("acronis_backup_user")
    assert result["failed"] and writes == 0
    assert "Fabrikam" in result["msg"] and result["msg"].startswith("login: 'BACKUP.contoso' already belongs")
    assert stored_user(sim, "backup.contoso")["tenant_id"] == other["id"]


def test_a_lost_create_answer_is_adopted_not_duplicated(runner, sim, customer):
    sim.admin.faults(once=[{"match": "POST /api/2/users", "fault": "drop_after_commit", "count": 1}])
    result = runner.run(play(**base(customer))).result("acronis_backup_user")
    assert result["changed"] and result["outcome"] == "created" and result["adopted"], result
    stored = stored_user(sim, "backup.contoso")
    assert stored_roles(sim, stored["id"]) == ["backup_user"] and stored["activation_emails"] == 1


def test_a_lost_activation_email_answer_warns_and_is_not_repeated(runner, sim, customer):
    sim.admin.faults(once=[{"match": "POST /api/2/users/{user_id}/send-activation-email",
                            "fault": "drop_after_commit", "count": 1}])
    run = runner.run(play(**base(customer)))
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["activation_email"] == "unknown", result
    assert any("resend_activation: true" in warning for warning in result["warnings"])
    assert stored_user(sim, "backup.contoso")["activation_emails"] == 1
    assert sim.admin.stats()["requests"]["POST /api/2/users/{user_id}/send-activation-email"] == 1
    rerun = runner.run(play(**base(customer))).result("acronis_backup_user")
    assert not rerun["changed"] and stored_user(sim, "backup.contoso")["activation_emails"] == 1


def test_a_new_email_of_an_activated_user_is_asked_for_once_then_pending(runner, sim, customer, tmp_path):
    """The platform mails the old address and keeps the record: the first run asks, later ones only report."""
    state = {"ACRONIS_STATE_DIR": str(tmp_path / "state")}

    def args(email):
        return base(customer, activation="password", password=SECRET_PASSWORD, email=email)
    runner.run(play(**args("it@contoso.example")), env=state)
    before = stored_user(sim, "backup.contoso")
    new = args("new@contoso.example")
    check, writes = runner.writes_during(play(**new), check=True, diff=True, env=state)
    predicted = check.result("acronis_backup_user")
    assert writes == 0 and predicted["email_change"] == "requested" and predicted["changed"]
    first, calls = run_counting(runner, sim, play(**new), diff=True, env=state)
    asked = first.result("acronis_backup_user")
    assert asked["changed"] and asked["email_change"] == "requested", asked
    assert calls == dict(LISTING, **{"PUT /api/2/users/{user_id}": 1})
    assert [w for w in asked["warnings"] if "confirmation link the platform has now sent to the old address" in w]
    assert predicted["diff"] == asked["diff"] and asked["user"]["email"] == "it@contoso.example"
    assert sim.admin.stats()["email_confirmations_sent"] == 1
    assert stored_user(sim, "backup.contoso")["version"] == before["version"]
    assert "new@contoso.example" not in "".join(path.read_text() for path in (tmp_path / "state").iterdir())
    for dummy in range(2):
        later, writes = runner.writes_during(play(**new), env=state)
        pending = later.result("acronis_backup_user")
        assert not pending["changed"] and pending["email_change"] == "pending" and writes == 0, pending
        assert [w for w in pending["warnings"] if "is pending confirmation" in w]
    assert sim.admin.stats()["email_confirmations_sent"] == 1
    # Another address is a new request; the same task without email leaves the matter alone.
    other = runner.run(play(**args("other@contoso.example")), env=state).result("acronis_backup_user")
    assert other["changed"] and other["email_change"] == "requested"
    assert "email_change" not in runner.run(play(**args(None)), env=state).result("acronis_backup_user")


def test_absent_disables_then_deletes(runner, sim, customer):
    runner.run(play(**base(customer)))
    check, writes = runner.writes_during(play(**base(customer, state="absent")), check=True)
    assert check.result("acronis_backup_user")["changed"] and writes == 0
    run, calls = run_counting(runner, sim, play(**base(customer, state="absent")))
    assert run.result("acronis_backup_user")["outcome"] == "deleted"
    assert calls == dict(LISTING, **{"PUT /api/2/users/{user_id}": 1, "DELETE /api/2/users/{user_id}": 1})
    assert stored_users(sim, "backup.contoso") == []
    again = runner.run(play(**base(customer, state="absent"))).result("acronis_backup_user")
    assert not again["changed"] and again["outcome"] == "absent"


def test_users_of_the_api_clients_own_tenant_need_activation_none(runner, sim):
    args = dict(login="home.admin", tenant_id=sim.conn["tenant_id"], email="h@x.example", roles=["partner_admin"])
    refused, writes = runner.writes_during(play(**args))
    assert refused.result("acronis_backup_user")["msg"].startswith("activation: ") and writes == 0
    created = runner.run(play(**dict(args, activation="none"))).result("acronis_backup_user")
    assert created["changed"] and created["activation_email"] == "not_sent"


# Bad input (one case per wrong option) is checked by the catalogue in tests/reliability/catalogue.py,
# all cases in one playbook run: tests/reliability/test_bad_input.py.


def test_role_invalid_for_a_partner_through_manage_other_users(runner, partner):
    run, writes = runner.writes_during(play(login="admin.reseller", tenant_id=partner["id"], email="a@b.example",
                                            manage_other_users=True))
    message = run.result("acronis_backup_user")["msg"]
    assert message.startswith("manage_other_users: role protection_admin cannot be granted to a user of a partner")
    assert writes == 0


def test_plain_module_main_gives_the_same_result_as_the_action(runner, sim, customer, tmp_path):
    args = base(customer, notifications="errors", activation="password", password=SECRET_PASSWORD)
    direct = run_module_directly("acronis_backup_user", dict(args, **connection(sim)), tmp_path)
    assert direct["changed"] and direct["outcome"] == "created" and direct["password_set"]
    via_action = runner.run(play(**args)).result("acronis_backup_user")
    assert not via_action["changed"] and via_action["user"] == direct["user"]
    again = run_module_directly("acronis_backup_user", dict(args, **connection(sim)), tmp_path)
    assert not again["changed"] and again["user"] == direct["user"]
    failure = run_module_directly("acronis_backup_user", dict(base(customer, login="ab"), **connection(sim)), tmp_path)
    assert failure["failed"] and failure["msg"].startswith("login: 'ab' is too short")
    assert SECRET_PASSWORD not in json.dumps([direct, again]) and sim.conn["client_secret"] not in str(direct)


def connection(sim):
    return {"datacenter_url": sim.conn["datacenter_url"], "client_id": sim.conn["client_id"],
            "client_secret": sim.conn["client_secret"]}
