"""The onboarding job: role + onboard/offboard/report playbooks over whole inventories, against the simulator."""

from __future__ import annotations

import json
import random

import yaml

from tests.client_factory import make_client
from tests.integration.inventory_state import differences, inventory_hosts
from tests.integration.playbook import REPO

DEMO = REPO / "inventories" / "demo"
ONBOARD = REPO / "playbooks" / "onboard.yml"
OFFBOARD = REPO / "playbooks" / "offboard.yml"
DRIFT = REPO / "playbooks" / "report.yml"
TENANT_HOSTS_STATS = ("ok", "changed", "failures")


def onboard(runner, inventory, playbook=ONBOARD, **options):
    run = runner.run(playbook, inventory=str(inventory), **options)
    report_dir = run.workdir / "acronis-reports"
    name = {ONBOARD: "onboarding", OFFBOARD: "offboarding", DRIFT: "drift"}[playbook]
    report = json.loads((report_dir / ("%s.json" % name)).read_text()) if (report_dir / ("%s.json" % name)).exists() \
        else {"tenants": []}
    return run, report


def statuses(report):
    return {tenant["host"]: tenant["status"] for tenant in report["tenants"]}


def write_inventory(path, groups):
    """groups: {group: {host: vars}} -> an inventory file."""
    path.write_text(yaml.safe_dump({group: {"hosts": hosts} for group, hosts in groups.items()}, sort_keys=False))
    return path


def test_demo_inventory_is_onboarded_exactly_and_a_rerun_changes_nothing(runner, sim):
    run, report = onboard(runner, DEMO)
    assert run.rc == 0, run.output[-3000:]
    hosts = inventory_hosts(DEMO)
    assert differences(sim.admin.state(), hosts, sim.conn["tenant_id"]) == []
    assert statuses(report) == {host: "created" for host in hosts}
    assert "Onboarding: 9 tenants - 9 created" in run.output

    writes_before = sim.admin.stats()["writes"]
    since = sim.admin.requests(limit=0)["last_seq"]
    again, report = onboard(runner, DEMO)
    assert again.rc == 0
    assert sim.admin.stats()["writes"] == writes_before
    # What the rerun sent, request by request: reads only (and a token), none refused.
    sent = sim.admin.requests(since=since)
    assert 0 < len(sent["items"]) < sent["capacity"]
    assert {(e["method"], e["template"]) for e in sent["items"] if e["method"] != "GET"} <= {
        ("POST", "/api/2/idp/token")}
    assert [(e["path"], e["status"]) for e in sent["items"] if e["status"] >= 400] == []
    assert {host: again.stats[host]["changed"] for host in hosts} == {host: 0 for host in hosts}
    assert statuses(report) == {host: "unchanged" for host in hosts}
    markdown = (again.workdir / "acronis-reports" / "onboarding.md").read_text()
    assert "| Contoso | customer | northwind | unchanged |" in markdown
    assert "Demo-Passw0rd!" not in markdown + json.dumps(report)


def test_shuffled_inventory_order_gives_the_same_cloud(runner, sim, tmp_path):
    hosts = inventory_hosts(DEMO)
    order = list(hosts)
    random.Random(7).shuffle(order)
    groups = {"acronis_customers": {}, "acronis_resellers": {}}
    for host in order:
        host_vars = {key: value for key, value in hosts[host].items() if key.startswith("tenant_")}
        group = "acronis_resellers" if hosts[host]["_kind"] == "partner" else "acronis_customers"
        groups[group][host] = host_vars
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    write_inventory(inventory / "hosts.yml", groups)
    (inventory / "group_vars" / "all.yml").write_text((DEMO / "group_vars" / "all.yml").read_text())
    run, report = onboard(runner, inventory)
    assert run.rc == 0, run.output[-3000:]
    assert differences(sim.admin.state(), hosts, sim.conn["tenant_id"]) == []
    assert set(statuses(report).values()) == {"created"}


def test_a_failing_reseller_skips_only_its_own_customers(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", {
        "acronis_resellers": {
            "bad-reseller": {"tenant_contact": {"email": "not an e-mail"}},
            "bad-sub": {"tenant_parent": "bad-reseller"},
            "good-reseller": {},
        },
        "acronis_customers": {
            "bad-child": {"tenant_parent": "bad-reseller"},
            "bad-grandchild": {"tenant_parent": "bad-sub"},
            "good-child": {"tenant_parent": "good-reseller"},
            "direct": {},
        },
    })
    run, report = onboard(runner, inventory)
    assert run.rc != 0 and "7 tenants - 3 created, 3 skipped, 1 failed; failed: bad-reseller; see " in run.output
    found = statuses(report)
    assert found == {"bad-reseller": "failed", "bad-sub": "skipped", "bad-child": "skipped",
                     "bad-grandchild": "skipped", "good-reseller": "created", "good-child": "created",
                     "direct": "created"}
    reasons = {tenant["host"]: tenant["reason"] for tenant in report["tenants"]}
    assert reasons["bad-reseller"].startswith("Tenant: contact.email: 'not an e-mail' is not a valid e-mail")
    assert reasons["bad-child"].startswith("parent bad-reseller failed: Tenant: contact.email")
    assert reasons["bad-grandchild"].startswith("parent bad-sub skipped: parent bad-reseller failed")
    names = {tenant["name"] for tenant in sim.admin.state()["tenants"]}
    assert {"good-reseller", "good-child", "direct"} <= names and not names & {"bad-reseller", "bad-child"}


def test_per_user_quotas_for_a_reseller_s_user_fail_before_any_write(runner, sim, tmp_path):
    """A reseller's users have no personal tenant: their own quotas are refused before anything is created."""
    inventory = write_inventory(tmp_path / "hosts.yml", {"acronis_resellers": {"reseller": {"tenant_users": [
        {"login": "reseller.first", "email": "first@reseller.example", "quotas": {"servers": 1}},
        {"login": "reseller.second", "email": "second@reseller.example"}]}}})
    before = sim.admin.stats()["writes"]
    run, report = onboard(runner, inventory)
    assert run.rc != 0 and report == {"tenants": []} and sim.admin.stats()["writes"] == before
    assert "host reseller: tenant_users.quotas: users of a partner tenant have no personal tenant, so per-user " \
           "quotas (given for reseller.first) apply only to users of customers; set the quotas on the tenant " \
           "instead" in run.output


def test_typos_and_wrong_types_are_refused_together_before_any_api_call(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", {"acronis_customers": {
        "misspelt-var": {"tenant_qoutas": {"storage": "1 TB"}},
        "misspelt-user-key": {"tenant_users": [{"login": "someone", "email": "a@b.example", "notificatons": "all"}]},
        "wrong-type": {"tenant_users": "someone"},
        "wrong-choice": {"tenant_kind": "reseler"},
    }})
    sent = sim.admin.requests(limit=0)["last_seq"]
    run, writes_during = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert run.rc != 0 and writes_during == 0 and sim.admin.requests(since=sent)["items"] == []
    plan = next(event["result"]["problems"] for event in run.events if "problems" in event["result"])
    said = {}
    for line in plan:
        host, problem = line.split(": ", 1)
        said[host] = said.get(host, "") + problem
    assert set(said) == {"host misspelt-var", "host misspelt-user-key", "host wrong-type", "host wrong-choice"}
    assert "unknown variable tenant_qoutas" in said["host misspelt-var"]
    assert "tenant_users[0].notificatons" in said["host misspelt-user-key"]
    assert "tenant_users" in said["host wrong-type"] and "dict" in said["host wrong-type"]
    assert "tenant_kind" in said["host wrong-choice"] and "reseler" in said["host wrong-choice"]


SMALL = {
    "acronis_resellers": {"off-reseller": {"tenant_name": "Off Reseller"},
                          "off-sub": {"tenant_name": "Off Sub", "tenant_parent": "off-reseller"}},
    "acronis_customers": {"off-a": {"tenant_name": "Off A", "tenant_parent": "off-reseller",
                                    "tenant_users": [{"login": "off.user", "email": "off@user.example"}]},
                          "off-b": {"tenant_name": "Off B", "tenant_parent": "off-sub"}},
}


def live(sim, *names):
    tenants = [t for t in sim.admin.state()["tenants"] if t["name"] in names and not t.get("deleted_at")]
    return {t["name"]: t["enabled"] for t in tenants}


def test_offboard_disables_without_confirmation_and_deletes_children_first_with_it(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", SMALL)
    assert onboard(runner, inventory)[0].rc == 0
    names = ("Off Reseller", "Off Sub", "Off A", "Off B")

    run, report = onboard(runner, inventory, OFFBOARD)
    assert run.rc == 0 and set(statuses(report).values()) == {"disabled"}
    assert live(sim, *names) == {name: False for name in names}

    run, report = onboard(runner, inventory, OFFBOARD, extra_vars={"acronis_offboard_confirm": "delete"})
    assert run.rc == 0, run.output[-3000:]
    assert set(statuses(report).values()) == {"deleted"} and live(sim, *names) == {}
    # Children were deleted before their parents: a parent with children would have been refused.
    deleted = sorted((t["deleted_at"], t["name"]) for t in sim.admin.state()["tenants"] if t["name"] in names)
    order = [name for dummy, name in deleted]
    assert order.index("Off B") < order.index("Off Sub") < order.index("Off Reseller")
    assert order.index("Off A") < order.index("Off Reseller")


def requests_during(runner, inventory, playbook, **options):
    """Run and return (run, number of API requests the simulator saw during it)."""
    before = runner.sim.admin.stats()["total"]
    run = runner.run(playbook, inventory=str(inventory), **options)
    return run, runner.sim.admin.stats()["total"] - before


def changed_hosts(run):
    return {host: stats["changed"] for host, stats in run.stats.items() if stats["changed"]}


def test_offboard_refuses_a_confirmation_other_than_delete_before_any_api_call(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", SMALL)
    assert onboard(runner, inventory)[0].rc == 0
    run, requests = requests_during(runner, inventory, OFFBOARD, extra_vars={"acronis_offboard_confirm": "yes"})
    assert run.rc != 0 and requests == 0
    assert ("acronis_offboard_confirm is 'yes'; allowed: delete (deletes the tenants), suspend (suspends them, "
            "without strays), or leave it unset") in run.output
    assert set(live(sim, "Off Reseller", "Off Sub", "Off A", "Off B").values()) == {True}


def test_offboarding_tenants_that_are_gone_reports_them_absent_and_changes_nothing(runner, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", SMALL)
    assert onboard(runner, inventory)[0].rc == 0
    assert onboard(runner, inventory, OFFBOARD, extra_vars={"acronis_offboard_confirm": "delete"})[0].rc == 0

    for extra_vars in ({}, {"acronis_offboard_confirm": "delete"}):
        run, writes = runner.writes_during(OFFBOARD, inventory=str(inventory), extra_vars=extra_vars)
        assert run.rc == 0, run.output[-3000:]
        assert writes == 0 and changed_hosts(run) == {}
        report = json.loads((run.workdir / "acronis-reports" / "offboarding.json").read_text())
        assert set(statuses(report).values()) == {"absent"}
        reasons = {tenant["host"]: tenant["reason"] for tenant in report["tenants"]}
        # Its parent is the API client's tenant, which is there; the others' parents are gone too.
        assert reasons["off-reseller"] == "not found"
        assert reasons["off-b"] == "not found: its parent Off Sub does not exist"
        assert "Offboarding: 4 tenants - 4 absent" in run.output


def test_tenant_state_disabled_onboards_the_tenant_disabled_and_a_rerun_changes_nothing(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", {"acronis_customers": {"dormant": {
        "tenant_state": "disabled", "tenant_edition": "standard", "tenant_storage": "Acronis Cloud Storage",
        "tenant_quotas": {"servers": 2}, "tenant_users": [{"login": "dormant.user", "email": "user@dormant.example"}]}}})
    run, report = onboard(runner, inventory)
    assert run.rc == 0, run.output[-3000:]
    assert statuses(report) == {"dormant": "created"} and live(sim, "dormant") == {"dormant": False}
    assert differences(sim.admin.state(), inventory_hosts(inventory), sim.conn["tenant_id"]) == []

    again, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert again.rc == 0 and writes == 0 and changed_hosts(again) == {}
    assert live(sim, "dormant") == {"dormant": False}


ABSENT = {"acronis_resellers": {"gone-reseller": {"tenant_name": "Gone Reseller"}},
          "acronis_customers": {"gone-a": {"tenant_name": "Gone A", "tenant_parent": "gone-reseller",
                                           "tenant_users": [{"login": "gone.user", "email": "user@gone.example"}]},
                                "gone-b": {"tenant_name": "Gone B", "tenant_parent": "gone-reseller"}}}


def with_state(groups, state, *hosts):
    """A copy of the inventory `groups` with tenant_state `state` on `hosts`."""
    return {group: {host: dict(host_vars, tenant_state=state) if host in hosts else host_vars
                    for host, host_vars in members.items()} for group, members in groups.items()}


def test_tenant_state_absent_deletes_the_tenant_and_a_rerun_changes_nothing(runner, sim, tmp_path):
    assert onboard(runner, write_inventory(tmp_path / "present.yml", ABSENT))[0].rc == 0
    inventory = write_inventory(tmp_path / "absent.yml", with_state(ABSENT, "absent", "gone-a"))

    run, report = onboard(runner, inventory)
    assert run.rc == 0, run.output[-3000:]
    assert statuses(report) == {"gone-reseller": "unchanged", "gone-a": "deleted", "gone-b": "unchanged"}
    assert differences(sim.admin.state(), inventory_hosts(inventory), sim.conn["tenant_id"]) == []
    assert not [user for user in sim.admin.state()["users"] if user["login"] == "gone.user" and not user["deleted_at"]]

    again, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert again.rc == 0 and writes == 0 and changed_hosts(again) == {}
    assert statuses(json.loads((again.workdir / "acronis-reports" / "onboarding.json").read_text()))["gone-a"] == "absent"


def test_tenant_state_absent_refuses_a_parent_whose_children_are_still_there(runner, sim, tmp_path):
    assert onboard(runner, write_inventory(tmp_path / "present.yml", ABSENT))[0].rc == 0
    inventory = write_inventory(tmp_path / "absent.yml", with_state(ABSENT, "absent", *ABSENT["acronis_customers"],
                                                                    "gone-reseller"))
    # Parents first: the reseller is refused while its customers exist, and they wait for it.
    run, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    report = json.loads((run.workdir / "acronis-reports" / "onboarding.json").read_text())
    assert run.rc != 0 and writes == 0
    assert statuses(report) == {"gone-reseller": "failed", "gone-a": "skipped", "gone-b": "skipped"}
    reason = next(tenant["reason"] for tenant in report["tenants"] if tenant["host"] == "gone-reseller")
    assert "cascade: tenant 'Gone Reseller' has 2 child tenant(s) (Gone A, Gone B)" in reason
    assert set(live(sim, "Gone Reseller", "Gone A", "Gone B").values()) == {True}


def test_check_mode_on_an_empty_cloud_predicts_every_creation_and_writes_nothing(runner, sim):
    run, writes = runner.writes_during(ONBOARD, inventory=str(DEMO), check=True, diff=True)
    assert run.rc == 0, run.output[-3000:]
    assert writes == 0
    report = json.loads((run.workdir / "acronis-reports" / "onboarding.json").read_text())
    assert report["check_mode"] and set(statuses(report).values()) == {"created"} and len(report["tenants"]) == 9
    contoso = next(t for t in report["tenants"] if t["host"] == "contoso")
    assert {user["login"] for user in contoso["users"]} == {"contoso.backup", "contoso.laptops"}
    assert contoso["quotas"]["pw_base_storage"]["limit"] == "500 GB"
    # The user's own quotas are predicted too, on the personal tenant the user would get.
    own = next(change for change in contoso["changes"] if change["what"] == "quotas of user contoso.laptops")
    assert own["diff"]["after"]["pw_base_storage"]["limit"] == "100 GB"
    assert own["diff"]["after"]["pw_base_workstations"]["limit"] == 2


def test_drift_report_shows_what_differs_and_never_writes(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", {"acronis_customers": {
        "in-sync": {"tenant_edition": "standard", "tenant_storage": "Acronis Cloud Storage",
                    "tenant_quotas": {"servers": 3}},
        "drifted": {"tenant_edition": "standard", "tenant_storage": "Acronis Cloud Storage",
                    "tenant_quotas": {"servers": 5}, "tenant_customer_id": "C-1"},
    }})
    assert onboard(runner, inventory)[0].rc == 0
    client = make_client(sim.conn)
    drifted = next(t for t in sim.admin.state()["tenants"] if t["name"] == "drifted")
    client.put("/tenants/%s" % drifted["id"], {"customer_id": "changed in the portal", "version": drifted["version"]})

    run, writes = runner.writes_during(DRIFT, inventory=str(inventory))
    assert run.rc == 0 and writes == 0
    report = json.loads((run.workdir / "acronis-reports" / "drift.json").read_text())
    assert statuses(report) == {"in-sync": "unchanged", "drifted": "updated"}
    change = next(t for t in report["tenants"] if t["host"] == "drifted")["changes"][0]
    assert change["what"] == "tenant"
    assert change["diff"]["before"]["customer_id"] == "changed in the portal"
    assert change["diff"]["after"]["customer_id"] == "C-1"
    assert "# Drift report (check mode: nothing was changed)" in (
        run.workdir / "acronis-reports" / "drift.md").read_text()


def test_tenant_id_keeps_a_host_on_its_tenant_through_rename_and_move_and_users_follow(runner, sim, tmp_path):
    groups = {
        "acronis_resellers": {"north": {"tenant_name": "North"}, "south": {"tenant_name": "South"}},
        "acronis_customers": {
            "acme": {"tenant_name": "Acme", "tenant_parent": "north",
                     "tenant_users": [{"login": "acme.admin", "email": "admin@acme.example"}]},
            "globex": {"tenant_name": "Globex", "tenant_parent": "north"},
        },
    }
    inventory = write_inventory(tmp_path / "hosts.yml", groups)
    run, report = onboard(runner, inventory)
    assert run.rc == 0, run.output[-3000:]
    ids = {tenant["host"]: tenant["id"] for tenant in report["tenants"]}
    tenants_before = len(sim.admin.state()["tenants"])

    # Day two: acme renamed, globex moved, north renamed and south taking acme: each host names its tenant_id.
    customers = groups["acronis_customers"]
    for host in ids:
        (groups["acronis_resellers"].get(host) or customers.get(host))["tenant_id"] = ids[host]
    customers["acme"].update(tenant_name="Acme Industries", tenant_parent="south")
    customers["globex"]["tenant_parent"] = "south"
    groups["acronis_resellers"]["north"]["tenant_name"] = "North Reseller"
    write_inventory(inventory, groups)
    run, report = onboard(runner, inventory)
    assert run.rc == 0, run.output[-3000:]
    assert statuses(report) == {"north": "updated", "south": "unchanged", "acme": "updated", "globex": "updated"}
    by_id = {tenant["id"]: tenant for tenant in sim.admin.state()["tenants"]}
    assert len(by_id) == tenants_before  # renamed and moved, never created again
    assert by_id[ids["acme"]]["name"] == "Acme Industries" and by_id[ids["acme"]]["parent_id"] == ids["south"]
    assert by_id[ids["globex"]]["parent_id"] == ids["south"] and by_id[ids["north"]]["name"] == "North Reseller"
    users = [user for user in sim.admin.state()["users"] if user["login"] == "acme.admin"]
    assert [user["tenant_id"] for user in users] == [ids["acme"]]
    markdown = (run.workdir / "acronis-reports" / "onboarding.md").read_text()
    assert "changed tenant: renamed: Acme → Acme Industries" in markdown
    assert "changed tenant: moved: North Reseller → South" in markdown  # north was renamed at depth 0

    writes = sim.admin.stats()["writes"]
    again, report = onboard(runner, inventory)
    assert again.rc == 0 and sim.admin.stats()["writes"] == writes
    assert set(statuses(report).values()) == {"unchanged"}


def test_the_plan_reports_every_problem_of_every_host_before_any_write(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", {
        "acronis_resellers": {"north": {"tenant_qoutas": {"storage": "1 TB"},
                                        "tenant_users": [{"login": "north.admin", "quotas": {"storage": "1 GB"}}]}},
        "acronis_customers": {
            "acme": {"tenant_parent": "north", "tenant_quotas": {"storage": "500 GB", "pw_base_vms": 2},
                     "tenant_offerings": [{"quotas": {"storage": "1 TB"}}, {"edition": "standard", "quotas": {"storage": 1}}],
                     "tenant_users": [{"login": "a1"}, {"login": "a2"}, {"login": "a3", "notifcations": "all"}]},
        },
    })
    writes = sim.admin.stats()["writes"]
    run = onboard(runner, inventory)[0]
    assert run.rc != 0 and sim.admin.stats()["writes"] == writes
    assert "the plan found 4 problem(s), nothing was written" in run.output
    assert "host north: unknown variable tenant_qoutas; the tenant role knows " in run.output
    assert "host north: tenant_users.quotas: users of a partner tenant have no personal tenant" in run.output
    assert "host acme: tenant_users[2].notifcations: unknown option; allowed: activation, email, " in run.output
    assert "host acme: tenant_quotas and tenant_offerings[0].quotas both set storage in the same edition and " \
           "storage; set each item in one of them" in run.output and "tenant_offerings[1]" not in run.output
    assert len(run.output) < 7000
