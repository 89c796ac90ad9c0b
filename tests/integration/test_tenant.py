"""acronis_tenant and acronis_tenant_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations


from tests.client_factory import make_client
from tests.integration.module_direct import run_module_directly
from tests.integration.playbook import single_task_play


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
    renamed = runner.run(play(tenant_id=tenant["id"], name="New Name")).result("acronis_tenant")
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
    check, writes = runner.writes_during(play(name="Leaf", state="absent"), check=True)
    assert check.result("acronis_tenant")["changed"] and writes == 0
    run, writes = runner.writes_during(play(name="Leaf", state="absent"))
    assert run.result("acronis_tenant")["outcome"] == "deleted" and writes == 2
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
    playbook = """
    - hosts: localhost
      gather_facts: false
      module_defaults:
        group/acronis.cyber_cloud.acronis:
          datacenter_url: {url}
          client_id: {client_id}
          client_secret: {secret}
      tasks:
        - acronis.cyber_cloud.acronis_tenant:
            name: Via defaults
            kind: customer
        - acronis.cyber_cloud.acronis_tenant_info:
            name: Via defaults
          register: info
        - ansible.builtin.assert:
            that: info.tenants | length == 1
    """.format(url=sim.conn["datacenter_url"], client_id=sim.conn["client_id"], secret=sim.conn["client_secret"])
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
