"""acronis_tenant after onboarding, through real ansible-playbook runs: services on and off by name,
suspension and reactivation through the pricing mode."""

from __future__ import annotations

from tests.integration.playbook import single_task_play
from tests.integration.test_onboard import OFFBOARD, ONBOARD, SMALL, onboard, statuses, write_inventory
from tests.simulator.catalogue import FILES_CLOUD_APP_ID, NOTARY_APP_ID


def play(**args):
    return single_task_play("acronis_tenant", **args)


def stored(sim, name):
    [tenant] = [t for t in sim.admin.state()["tenants"] if t["name"] == name and not t["deleted_at"]]
    return tenant


def test_services_are_switched_on_and_off_by_name_check_mode_predicts_and_a_rerun_writes_nothing(runner, sim):
    args = dict(name="Services Co", kind="customer", services={"files_cloud": True, "notary": True})
    check, writes = runner.writes_during(play(**args), check=True, diff=True)
    predicted = check.result("acronis_tenant")
    assert writes == 0 and predicted["changed"] and predicted["diff"]["after"]["services"] == args["services"]
    first, writes = runner.writes_during(play(**args), diff=True)
    created = first.result("acronis_tenant")
    assert writes == 3 and created["outcome"] == "created", first.output[-2000:]
    assert created["diff"]["after"]["services"] == predicted["diff"]["after"]["services"]
    assert {FILES_CLOUD_APP_ID, NOTARY_APP_ID} <= set(stored(sim, "Services Co")["applications"])

    again, writes = runner.writes_during(play(**args))
    assert writes == 0 and not again.result("acronis_tenant")["changed"]

    off = {**args, "services": {"notary": False}}
    check, writes = runner.writes_during(play(**off), check=True, diff=True)
    assert writes == 0
    real, writes = runner.writes_during(play(**off), diff=True)
    result = real.result("acronis_tenant")
    assert writes == 1 and result["outcome"] == "updated"
    assert result["diff"] == check.result("acronis_tenant")["diff"]
    assert result["diff"]["before"]["services"] == {"notary": True}
    assert NOTARY_APP_ID not in stored(sim, "Services Co")["applications"]


def test_bad_services_are_refused_together_before_any_write(runner, sim):
    run, writes = runner.writes_during(play(name="Bad Services", kind="customer",
                                            services={"filescloud": True, "platform": False}))
    result = run.result("acronis_tenant")
    assert writes == 0 and result["failed"]
    assert result["msg"].startswith("services: unknown service 'filescloud'; allowed: backup, files_cloud, notary")
    assert "platform (the management portal) cannot be switched off" in result["msg"]
    assert [t for t in sim.admin.state()["tenants"] if t["name"] == "Bad Services"] == []

    # A service the parent lacks: the parent is created without it first.
    runner.run(play(name="Bare Reseller", kind="reseller"))
    bare = stored(sim, "Bare Reseller")
    assert NOTARY_APP_ID not in bare["applications"]
    run, writes = runner.writes_during(play(name="Child", kind="customer", parent=bare["id"],
                                            services={"notary": True}))
    result = run.result("acronis_tenant")
    assert writes == 0 and result["msg"] == ("services: the parent 'Bare Reseller' does not have notary, so its "
                                             "tenants cannot; switch it on for the parent first")


def test_suspend_and_reactivate_keep_the_tenant_and_a_rerun_writes_nothing(runner, sim):
    runner.run(play(name="Late Payer", kind="customer", pricing_mode="production"))
    suspend = dict(name="Late Payer", kind="customer", pricing_mode="suspended")
    check, writes = runner.writes_during(play(**suspend), check=True, diff=True)
    assert writes == 0
    real, writes = runner.writes_during(play(**suspend), diff=True)
    result = real.result("acronis_tenant")
    assert writes == 1 and result["diff"] == check.result("acronis_tenant")["diff"]
    assert result["tenant"]["pricing_mode"] == "suspended" and stored(sim, "Late Payer")["pricing_mode"] == "suspended"
    again, writes = runner.writes_during(play(**suspend))
    assert writes == 0 and not again.result("acronis_tenant")["changed"]

    back, writes = runner.writes_during(play(**{**suspend, "pricing_mode": "trial"}))
    assert writes == 0 and back.result("acronis_tenant")["msg"].startswith("pricing_mode: tenant 'Late Payer' is in "
                                                                           "suspended mode, which cannot go back")
    reactivated, writes = runner.writes_during(play(**{**suspend, "pricing_mode": "production"}))
    assert writes == 1 and stored(sim, "Late Payer")["pricing_mode"] == "production"


def test_the_role_switches_services_and_suspends_from_tenant_variables(runner, sim, tmp_path):
    host = {"tenant_name": "Role Services", "tenant_services": {"notary": True}, "tenant_pricing_mode": "production"}
    inventory = write_inventory(tmp_path / "hosts.yml", {"acronis_customers": {"rolesvc": host}})
    run, report = onboard(runner, inventory)
    assert run.rc == 0 and statuses(report) == {"rolesvc": "created"}, run.output[-2000:]
    assert NOTARY_APP_ID in stored(sim, "Role Services")["applications"]
    host.update(tenant_services={"notary": False}, tenant_pricing_mode="suspended")
    write_inventory(inventory, {"acronis_customers": {"rolesvc": host}})
    run, report = onboard(runner, inventory)
    assert run.rc == 0 and statuses(report) == {"rolesvc": "updated"}, run.output[-2000:]
    tenant = stored(sim, "Role Services")
    assert NOTARY_APP_ID not in tenant["applications"] and tenant["pricing_mode"] == "suspended"
    run, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert run.rc == 0 and writes == 0


def test_offboard_suspends_every_tenant_with_suspend_and_a_rerun_writes_nothing(runner, sim, tmp_path):
    inventory = write_inventory(tmp_path / "hosts.yml", SMALL)
    assert onboard(runner, inventory)[0].rc == 0
    names = ("Off Reseller", "Off Sub", "Off A", "Off B")
    suspend = {"acronis_offboard_confirm": "suspend"}
    run, report = onboard(runner, inventory, OFFBOARD, extra_vars=suspend)
    assert run.rc == 0 and set(statuses(report).values()) == {"suspended"}, run.output[-3000:]
    tenants = {t["name"]: t for t in sim.admin.state()["tenants"] if t["name"] in names}
    assert {(t["pricing_mode"], t["enabled"]) for t in tenants.values()} == {("suspended", True)}
    run, writes = runner.writes_during(OFFBOARD, inventory=str(inventory), extra_vars=suspend)
    assert run.rc == 0 and writes == 0
    run, writes = runner.writes_during(OFFBOARD, inventory=str(inventory),
                                       extra_vars=dict(suspend, acronis_offboard_strays=True))
    assert run.rc != 0 and writes == 0 and "suspend (suspends them, without strays)" in run.output
