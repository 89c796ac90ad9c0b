"""acronis_tenant and acronis_tenant_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json

from tests.client_factory import make_client
from tests.integration.module_direct import run_module_directly
from tests.integration.playbook import module_defaults_play, single_task_play


def play(**args):
    return single_task_play("acronis_tenant", **args)


def tenants_named(sim, name):
    return [t for t in sim.admin.state()["tenants"] if t["name"] == name and not t.get("deleted_at")]


def test_create_then_rerun_changes_nothing_and_writes_nothing(runner, sim):
    args = dict(name="Contoso", kind="customer", contact={"email": "it@contoso.example", "first_name": "Ada"},
                language="de", customer_id="CRM-1", internal_tag="ansible")
    first, writes = runner.writes_during(play(**args))
    created = first.result("acronis_tenant")
    assert created["changed"] and created["outcome"] == "created"
    assert created["tenant"]["parent_id"] == sim.conn["tenant_id"]
    assert created["tenant"]["contact"] == {"email": "it@contoso.example", "firstname": "Ada"}
    assert writes == 1
    stored = tenants_named(sim, "Contoso")
    assert len(stored) == 1 and stored[0]["language"] == "de" and stored[0]["customer_id"] == "CRM-1"

    second, writes = runner.writes_during(play(**args))
    again = second.result("acronis_tenant")
    assert not again["changed"] and again["outcome"] == "unchanged" and writes == 0
    assert again["tenant"]["id"] == created["tenant"]["id"]


def test_check_mode_predicts_the_real_run_without_writing(runner, sim):
    args = dict(name="Predicted", kind="customer", contact={"email": "a@b.example"})
    check, writes = runner.writes_during(play(**args), check=True, diff=True)
    predicted = check.result("acronis_tenant")
    assert writes == 0 and tenants_named(sim, "Predicted") == []
    assert predicted["changed"] and predicted["tenant"]["id"].startswith("planned:")
    real = runner.run(play(**args), diff=True).result("acronis_tenant")
    assert real["changed"] == predicted["changed"]

    def strip(view):
        return {k: v for k, v in view.items() if k not in ("id", "mfa_status", "has_children")}
    assert strip(predicted["diff"]["after"]) == strip(real["diff"]["after"])
    assert predicted["diff"]["before"] == real["diff"]["before"] == {}

    update = dict(args, customer_id="C-9", enabled=False)
    check_update, writes = runner.writes_during(play(**update), check=True, diff=True)
    assert writes == 0
    real_update = runner.run(play(**update), diff=True).result("acronis_tenant")
    assert check_update.result("acronis_tenant")["diff"] == real_update["diff"]
    assert real_update["diff"]["after"]["enabled"] is False


def test_rename_disable_enable_by_tenant_id(runner, sim):
    tenant = runner.run(play(name="Old Name", kind="customer")).result("acronis_tenant")["tenant"]
    predicted, writes = runner.writes_during(play(tenant_id=tenant["id"], name="New Name"), check=True, diff=True)
    renamed = runner.run(play(tenant_id=tenant["id"], name="New Name"), diff=True).result("acronis_tenant")
    assert writes == 0 and predicted.result("acronis_tenant")["diff"] == renamed["diff"]
    assert renamed["changed"] and renamed["tenant"]["name"] == "New Name"
    assert tenants_named(sim, "Old Name") == [] and len(tenants_named(sim, "New Name")) == 1
    disabled = runner.run(play(tenant_id=tenant["id"], enabled=False)).result("acronis_tenant")
    assert disabled["changed"] and tenants_named(sim, "New Name")[0]["enabled"] is False
    enabled = runner.run(play(name="New Name", enabled=True)).result("acronis_tenant")
    assert enabled["changed"] and tenants_named(sim, "New Name")[0]["enabled"] is True


def test_name_is_matched_without_regard_to_case_and_the_case_is_corrected(runner, sim):
    runner.run(play(name="acme", kind="customer"))
    result = runner.run(play(name="ACME", kind="customer")).result("acronis_tenant")
    assert result["outcome"] == "updated" and result["tenant"]["name"] == "ACME"
    assert len([t for t in sim.admin.state()["tenants"] if t["name"].lower() == "acme"]) == 1


def test_absent_refuses_children_without_cascade(runner, sim):
    runner.run(play(name="Reseller X", kind="reseller"))
    runner.run(play(name="Child Y", kind="customer", parent="Reseller X"))
    refused, writes = runner.writes_during(play(name="Reseller X", state="absent"))
    message = refused.result("acronis_tenant")["msg"]
    assert message.startswith("cascade:") and "Child Y" in message and writes == 0
    deleted = runner.run(play(name="Reseller X", state="absent", cascade=True)).result("acronis_tenant")
    assert deleted["changed"] and deleted["outcome"] == "deleted"
    assert tenants_named(sim, "Reseller X") == [] and tenants_named(sim, "Child Y") == []
    again = runner.run(play(name="Reseller X", state="absent")).result("acronis_tenant")
    assert not again["changed"] and again["outcome"] == "absent"


def test_absent_without_children_disables_then_deletes(runner, sim):
    runner.run(play(name="Leaf", kind="customer"))
    check, writes = runner.writes_during(play(name="Leaf", state="absent"), check=True, diff=True)
    assert check.result("acronis_tenant")["changed"] and writes == 0
    run, writes = runner.writes_during(play(name="Leaf", state="absent"), diff=True)
    assert run.result("acronis_tenant")["outcome"] == "deleted" and writes == 2
    assert check.result("acronis_tenant")["diff"] == run.result("acronis_tenant")["diff"]
    assert run.result("acronis_tenant")["diff"]["after"] == {}
    assert tenants_named(sim, "Leaf") == []


def test_parent_by_name_by_uuid_and_ambiguous(runner, sim):
    first = runner.run(play(name="Reseller A", kind="partner")).result("acronis_tenant")["tenant"]
    by_name = runner.run(play(name="Shop", kind="customer", parent="Reseller A")).result("acronis_tenant")
    assert by_name["tenant"]["parent_id"] == first["id"]
    by_uuid = runner.run(play(name="Shop", kind="customer", parent=first["id"])).result("acronis_tenant")
    assert not by_uuid["changed"] and by_uuid["tenant"]["id"] == by_name["tenant"]["id"]
    second = runner.run(play(name="Reseller B", kind="partner")).result("acronis_tenant")["tenant"]
    runner.run(play(name="Reseller A", kind="partner", parent=second["id"]))
    ambiguous, writes = runner.writes_during(play(name="Other", kind="customer", parent="Reseller A"))
    message = ambiguous.result("acronis_tenant")["msg"]
    assert message.startswith("parent: 2 tenants are named 'Reseller A'") and writes == 0
    assert first["id"] in message


def test_module_defaults_and_environment_variables(runner, sim):
    playbook = module_defaults_play(sim.conn, "localhost", """
      tasks:
        - acronis.cyber_cloud.acronis_tenant:
            name: Via defaults
            kind: customer
        - acronis.cyber_cloud.acronis_tenant_info:
            name: Via defaults
          register: info
        - ansible.builtin.assert:
            that: info.tenants | length == 1""")
    run = runner.run(playbook, connection_env=False)
    assert run.rc == 0, run.output
    by_env = runner.run(play(name="Via env", kind="customer"))
    assert by_env.rc == 0 and by_env.result("acronis_tenant")["changed"]


# Bad input (one case per wrong option) is checked by the catalogue in tests/reliability/catalogue.py,
# all cases in one playbook run: tests/reliability/test_bad_input.py.


def test_wrong_credentials_and_wrong_url(runner, sim):
    secret = "y" * len(sim.conn["client_secret"])
    bad_secret = runner.run(play(name="X", kind="customer"), env={"ACRONIS_CLIENT_SECRET": secret})
    message = bad_secret.result("acronis_tenant")["msg"]
    assert "authentication failed for client_id" in message and secret not in bad_secret.output
    bad_url = runner.run(play(name="X", kind="customer", datacenter_url="http://127.0.0.1:9"))
    assert "no answer from http://127.0.0.1:9" in bad_url.result("acronis_tenant")["msg"]
    not_url = runner.run(play(name="X", kind="customer", datacenter_url="eu2-cloud.acronis.com"))
    assert not_url.result("acronis_tenant")["msg"].startswith("datacenter_url: 'eu2-cloud.acronis.com' is not a URL")


def test_no_secret_in_output_at_vvvv(runner, sim, tmp_path):
    run = runner.run(play(name="Secretive", kind="customer"), verbosity=4, diff=True)
    assert run.rc == 0
    token = sim.admin.state().get("tokens") or []
    for secret in [sim.conn["client_secret"]] + [t.get("access_token") for t in token if isinstance(t, dict)]:
        if secret:
            assert secret not in run.output
            assert secret not in (run.workdir / "record.json").read_text()


def test_a_lost_create_answer_is_adopted_not_duplicated(runner, sim):
    sim.admin.faults(once=[{"match": "POST /api/2/tenants", "fault": "drop_after_commit", "count": 1}])
    result = runner.run(play(name="Lost Answer", kind="customer")).result("acronis_tenant")
    assert result["changed"] and result["tenant"]["name"] == "Lost Answer"
    assert len(tenants_named(sim, "Lost Answer")) == 1


def test_a_concurrent_creator_is_adopted(runner, sim):
    # The search index lags, so the module does not see the tenant another run just created, tries to
    # create it, gets the API's name conflict and takes the existing tenant over.
    client = make_client(sim.conn)
    other = client.post("/tenants", {"name": "Raced", "parent_id": client.home_tenant_id(), "kind": "customer"})
    sim.admin.faults(search_lag_s=60)
    result = runner.run(play(name="Raced", kind="customer", customer_id="ours")).result("acronis_tenant")
    assert result["tenant"]["id"] == other["id"] and result["adopted"]
    assert result["changed"] and result["tenant"]["customer_id"] == "ours"
    assert len(tenants_named(sim, "Raced")) == 1


def test_tenant_info_children_paginated_with_users_and_items(runner, sim):
    reseller = runner.run(play(name="Info Reseller", kind="partner")).result("acronis_tenant")["tenant"]
    for number in range(3):
        runner.run(play(name="Info C%d" % number, kind="customer", parent=reseller["id"]))
    playbook = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - acronis.cyber_cloud.acronis_tenant_info:
            parent: Info Reseller
            with_users: true
            with_offering_items: true
          register: children
        - acronis.cyber_cloud.acronis_tenant_info:
            tenant_id: "{{ children.tenants[0].id }}"
          register: one
    """
    run, writes = runner.writes_during(playbook, check=True)
    children = run.results("acronis_tenant_info")[0]["tenants"]
    assert sorted(t["name"] for t in children) == ["Info C0", "Info C1", "Info C2"]
    assert all(t["users"] == [] and isinstance(t["offering_items"], list) for t in children)
    assert writes == 0


def test_plain_module_main_gives_the_same_result_as_the_action(runner, sim, tmp_path):
    args = dict(name="Both Paths", kind="customer", customer_id="B-1")
    direct = run_module_directly("acronis_tenant", dict(args, **connection(sim)), tmp_path)
    assert direct["changed"] and direct["outcome"] == "created"
    via_action = runner.run(play(**args)).result("acronis_tenant")
    assert not via_action["changed"] and via_action["tenant"] == direct["tenant"]
    again = run_module_directly("acronis_tenant", dict(args, **connection(sim)), tmp_path)
    assert not again["changed"] and again["tenant"] == direct["tenant"]
    failure = run_module_directly("acronis_tenant", dict(name="", kind="customer", **connection(sim)), tmp_path)
    assert failure["failed"] and failure["msg"] == "name: must not be empty"
    assert sim.conn["client_secret"] not in str(direct)


def connection(sim):
    return {"datacenter_url": sim.conn["datacenter_url"], "client_id": sim.conn["client_id"],
            "client_secret": sim.conn["client_secret"]}


def test_connection_from_acronis_variables_and_compare_only(runner, sim):
    playbook = """
    - hosts: localhost
      gather_facts: false
      vars:
        acronis_datacenter_url: {url}
        acronis_client_id: {client_id}
        acronis_client_secret: "{{{{ lookup('ansible.builtin.env', 'SECRET_FROM_VAULT') }}}}"
      tasks:
        - name: compare only
          acronis.cyber_cloud.acronis_tenant:
            name: Via variables
            kind: customer
          vars:
            acronis_compare_only: true
          register: compared
        - name: for real
          acronis.cyber_cloud.acronis_tenant:
            name: Via variables
            kind: customer
    """.format(url=sim.conn["datacenter_url"], client_id=sim.conn["client_id"])
    run, writes = runner.writes_during(playbook, connection_env=False,
                                       env={"SECRET_FROM_VAULT": sim.conn["client_secret"]})
    assert run.rc == 0, run.output
    compared, real = run.results("acronis_tenant")
    assert compared["changed"] and compared["tenant"]["id"].startswith("planned:") and "diff" in compared
    assert real["changed"] and writes == 1 and len(tenants_named(sim, "Via variables")) == 1
    assert sim.conn["client_secret"] not in run.output


ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def requests_during(sim, run_play):
    """Run `run_play()` and return what it returned and the API requests it made, by "METHOD template"."""
    before = sim.admin.stats()["requests"]
    outcome = run_play()
    after = sim.admin.stats()["requests"]
    return outcome, {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}


def test_absent_by_tenant_id_twice_is_idempotent_and_outside_scope_still_fails(runner, sim):
    tenant = runner.run(play(name="Offboarded", kind="customer")).result("acronis_tenant")["tenant"]
    first = runner.run(play(tenant_id=tenant["id"], state="absent")).result("acronis_tenant")
    assert first["changed"] and first["outcome"] == "deleted" and tenants_named(sim, "Offboarded") == []
    second, writes = runner.writes_during(play(tenant_id=tenant["id"], state="absent"))
    again = second.result("acronis_tenant")
    assert not again.get("failed") and not again["changed"] and again["outcome"] == "absent" and writes == 0
    outside = next(t["id"] for t in sim.admin.state()["tenants"] if t["name"] == "Other Distributor")
    refused, writes = runner.writes_during(play(tenant_id=outside, state="absent"))
    message = refused.result("acronis_tenant")["msg"]
    assert message.startswith("tenant_id: tenant %s is outside the API client's scope" % outside) and writes == 0


def test_pricing_mode_refused_before_any_write_when_the_platform_would_refuse_it(runner, sim):
    for check in (True, False):
        refused, writes = runner.writes_during(play(name="Trial Partner", kind="partner", pricing_mode="trial"),
                                               check=check)
        assert refused.result("acronis_tenant")["msg"] == (
            "pricing_mode: a new partner starts in production mode, which cannot go back to trial; allowed: "
            "production (or leave pricing_mode out)")
        assert writes == 0 and tenants_named(sim, "Trial Partner") == []
    runner.run(play(name="Paying", kind="customer", pricing_mode="production"))
    back, writes = runner.writes_during(play(name="Paying", kind="customer", pricing_mode="trial"), check=True)
    assert back.result("acronis_tenant")["msg"].startswith(
        "pricing_mode: tenant 'Paying' is in production mode, which cannot go back to trial") and writes == 0


def test_pricing_mode_create_rerun_and_change(runner, sim):
    created = runner.run(play(name="On Trial", kind="customer", pricing_mode="trial")).result("acronis_tenant")
    assert created["changed"] and created["tenant"]["pricing_mode"] == "trial"
    again, writes = runner.writes_during(play(name="On Trial", kind="customer", pricing_mode="trial"))
    assert not again.result("acronis_tenant")["changed"] and writes == 0
    check, writes = runner.writes_during(play(name="On Trial", pricing_mode="production"), check=True, diff=True)
    assert writes == 0
    changed, writes = runner.writes_during(play(name="On Trial", pricing_mode="production"), diff=True)
    result = changed.result("acronis_tenant")
    assert result["changed"] and result["tenant"]["pricing_mode"] == "production" and writes == 1
    assert check.result("acronis_tenant")["diff"] == result["diff"]
    assert tenants_named(sim, "On Trial")[0]["pricing_mode"] == "production"


def test_a_sub_partner_the_account_may_not_create_fails_naming_the_cause_and_the_folder_alternative(runner, sim):
    sim.admin.config(sub_partners=False)  # a partner account without the option for sub-partners
    refused, writes = runner.writes_during(play(name="Sub Reseller", kind="reseller"))
    message = refused.result("acronis_tenant")["msg"]
    assert message.startswith("kind: the platform refused to create the partner 'Sub Reseller' under 'Ansible "
                              "Distributor' (POST /tenants: 403 ")
    assert message.endswith("a partner below a partner needs the partner account's option for sub-partners, which "
                            "many accounts lack; ask your Acronis contact to enable it, or create a folder (kind: "
                            "folder) to group the customers instead")
    assert writes == 1 and tenants_named(sim, "Sub Reseller") == []
    folder = runner.run(play(name="Sub Reseller", kind="folder")).result("acronis_tenant")
    assert folder["changed"] and folder["tenant"]["kind"] == "folder"


def test_check_mode_predicts_a_units_pricing_mode_from_its_parent(runner, sim):
    for customer, mode in (("Trial Co", "trial"), ("Paid Co", "production")):
        runner.run(play(name=customer, kind="customer", pricing_mode=mode))
        unit = dict(name="Unit of " + customer, kind="unit", parent=customer)
        predicted = runner.run(play(**unit), check=True).result("acronis_tenant")["tenant"]
        real = runner.run(play(**unit)).result("acronis_tenant")["tenant"]
        assert predicted["pricing_mode"] == real["pricing_mode"] == mode


def test_enhanced_security_is_set_on_create_and_a_different_value_later_fails_before_any_write(runner, sim):
    secure = dict(name="Secure Co", kind="customer", enhanced_security=True)
    created = runner.run(play(**secure)).result("acronis_tenant")
    assert created["changed"] and created["tenant"]["enhanced_security"] is True
    assert tenants_named(sim, "Secure Co")[0]["enhanced_security"] is True
    again, writes = runner.writes_during(play(**secure))
    assert not again.result("acronis_tenant")["changed"] and writes == 0
    switch_off = dict(name="Secure Co", kind="customer", enhanced_security=False, customer_id="X")
    off, writes = runner.writes_during(play(**switch_off))
    assert off.result("acronis_tenant")["msg"] == (
        "enhanced_security: tenant 'Secure Co' is in enhanced security mode, which cannot be switched off (it is "
        "one-way); remove enhanced_security: false")
    assert writes == 0 and tenants_named(sim, "Secure Co")[0]["customer_id"] is None
    runner.run(play(name="Plain Co", kind="customer"))
    on, writes = runner.writes_during(play(name="Plain Co", enhanced_security=True), check=True)
    assert on.result("acronis_tenant")["msg"].startswith(
        "enhanced_security: tenant 'Plain Co' is not in enhanced security mode, and the API can set it only when a "
        "tenant is created") and writes == 0


def test_ancestral_access_create_rerun_and_change(runner, sim):
    created = runner.run(play(name="Self Service", kind="customer", ancestral_access=False)).result("acronis_tenant")
    assert created["changed"] and tenants_named(sim, "Self Service")[0]["ancestral_access"] is False
    again, writes = runner.writes_during(play(name="Self Service", ancestral_access=False))
    assert not again.result("acronis_tenant")["changed"] and writes == 0
    changed, writes = runner.writes_during(play(name="Self Service", ancestral_access=True), diff=True)
    result = changed.result("acronis_tenant")
    assert result["changed"] and writes == 1 and result["diff"]["before"]["ancestral_access"] is False
    assert tenants_named(sim, "Self Service")[0]["ancestral_access"] is True


def test_a_tenant_the_lagging_search_misses_is_still_found_by_absent_and_info(runner, sim):
    client = make_client(sim.conn)
    for name in ("Just Made", "Just Deleted"):
        client.post("/tenants", {"name": name, "parent_id": client.home_tenant_id(), "kind": "customer"})
    sim.admin.faults(search_lag_s=60)
    info = runner.run(single_task_play("acronis_tenant_info", name="just made")).result("acronis_tenant_info")
    assert [t["name"] for t in info["tenants"]] == ["Just Made"]
    deleted = runner.run(play(name="Just Deleted", state="absent")).result("acronis_tenant")
    assert deleted["changed"] and deleted["outcome"] == "deleted" and tenants_named(sim, "Just Deleted") == []
    gone = runner.run(single_task_play("acronis_tenant_info", name="Just Deleted")).result("acronis_tenant_info")
    assert gone["tenants"] == []


def test_a_tenant_the_search_finds_costs_no_listing(runner, sim):
    runner.run(play(name="Found Co", kind="customer"))
    info_task = single_task_play("acronis_tenant_info", name="Found Co")
    info, requests = requests_during(sim, lambda: runner.run(info_task))
    assert len(info.result("acronis_tenant_info")["tenants"]) == 1
    reads = {key: number for key, number in requests.items() if "/tenants" in key or "/search" in key}
    assert reads == {"GET /api/2/search": 1, "GET /api/2/tenants/{tenant_id}": 1}
    unchanged, requests = requests_during(sim, lambda: runner.run(play(name="Found Co", kind="customer")))
    assert not unchanged.result("acronis_tenant")["changed"]
    assert "GET /api/2/tenants" not in requests and requests["GET /api/2/search"] == 1


def test_tenant_info_lists_children_and_users_over_several_pages(runner, sim):
    client = make_client(sim.conn)
    reseller = client.post("/tenants", {"name": "Paged Reseller", "parent_id": client.home_tenant_id(),
                                        "kind": "partner"})
    names = ["Paged %d" % number for number in range(5)]
    customers = [client.post("/tenants", {"name": name, "parent_id": reseller["id"], "kind": "customer"})
                 for name in names]
    for login, role in (("paged.admin", "company_admin"), ("paged.user", "backup_user")):
        user = client.post("/users", {"tenant_id": customers[0]["id"], "login": login,
                                      "contact": {"email": login + "@paged.example"}})
        client.put("/users/%s/access_policies" % user["id"], {"items": [
            {"id": ZERO_UUID, "issuer_id": ZERO_UUID, "version": 0, "role_id": role, "tenant_id": customers[0]["id"],
             "trustee_id": user["id"], "trustee_type": "user"}]})
    sim.admin.config(tenants_default_limit=2, users_default_limit=1)
    task = single_task_play("acronis_tenant_info", parent="Paged Reseller", with_users=True)
    run, requests = requests_during(sim, lambda: runner.run(task))
    tenants = run.result("acronis_tenant_info")["tenants"]
    assert sorted(t["name"] for t in tenants) == names
    assert requests["GET /api/2/tenants"] == 3  # 5 children, 2 a page
    # Each tenant's user ids, then its users by uuid (1 a page): GET /users?tenant_id= would list both users
    # under every customer.
    assert requests["GET /api/2/tenants/{tenant_id}/users"] == 5 and requests["GET /api/2/users"] == 2
    users = {t["name"]: t["users"] for t in tenants}
    assert [(u["login"], u["roles"], u["email"]) for u in users["Paged 0"]] == [
        ("paged.admin", ["company_admin"], "paged.admin@paged.example"),
        ("paged.user", ["backup_user"], "paged.user@paged.example")]
    assert all(users[name] == [] for name in names[1:])


def test_validate_certs_from_the_environment(runner, sim):
    task = single_task_play("acronis_tenant_info")
    unchecked = runner.run(task, env={"ACRONIS_VALIDATE_CERTS": "false"}).result("acronis_tenant_info")
    assert unchecked["warnings"] == ["validate_certs is false: the TLS certificate of %s is not checked" % sim.url]
    checked = runner.run(task, env={"ACRONIS_VALIDATE_CERTS": "true"}).result("acronis_tenant_info")
    assert "warnings" not in checked and not checked.get("failed")


def test_six_forks_fetch_one_token(runner, sim, tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"host%d" % number: {} for number in range(6)},
                                             "vars": {"ansible_connection": "local"}}}))
    playbook = """
    - hosts: all
      gather_facts: false
      tasks:
        - acronis.cyber_cloud.acronis_tenant_info:
            tenant_id: {home}
    """.format(home=sim.conn["tenant_id"])
    sim.admin.reset_stats()
    run = runner.run(playbook, inventory=str(inventory), args=("--forks", "6"))
    assert run.rc == 0 and len(run.results("acronis_tenant_info", status="ok")) == 6, run.output
    requests = sim.admin.stats()["requests"]
    assert requests["POST /api/2/idp/token"] == 1
    assert requests["GET /api/2/tenants/{tenant_id}"] == 6
