"""Bad input: every case of tests/reliability/catalogue.py fails with its message and writes nothing.

All module cases run as tasks of one playbook, all role cases as hosts of one onboarding run, so the
catalogue costs two ansible-playbook runs. Unicode names, which must work, get their own run.
"""

from __future__ import annotations

import json
import textwrap

from tests.client_factory import make_client
from tests.integration.playbook import REPO
from tests.reliability.catalogue import MODULE_CASES, ROLE_CASES, RUNTIME_ROLE_CASES, normalise, shown_part, table, task_args

ONBOARD = REPO / "playbooks" / "onboard.yml"
TROUBLESHOOTING = REPO / "docs" / "troubleshooting.md"


def catalogue_world(sim):
    """The tenants the cases refer to, made before the writes are counted."""
    client = make_client(sim.conn)
    home = client.home_tenant_id()
    customer = client.post("/tenants", {"name": "Cat Customer", "parent_id": home, "kind": "customer"})
    reseller = client.post("/tenants", {"name": "Cat Reseller", "parent_id": home, "kind": "partner"})
    client.post("/tenants", {"name": "Cat Child", "parent_id": reseller["id"], "kind": "customer"})
    return {"home": home, "customer": customer["id"], "reseller": reseller["id"]}


def cases_playbook(ids):
    tasks = [{"name": item.name, "acronis.cyber_cloud.%s" % item.module: task_args(item, ids), "ignore_errors": True}
             for item in MODULE_CASES]
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], ensure_ascii=False)


def test_every_module_case_fails_naming_the_option_with_zero_writes(runner, sim, tls_sim):
    ids = dict(catalogue_world(sim), tls_url=tls_sim.url)
    run, writes = runner.writes_during(cases_playbook(ids))
    messages = {event["task"]: event["result"].get("msg", "") for event in run.events}
    wrong = {}
    for item in MODULE_CASES:
        message = normalise(messages.get(item.name, "(no result)"), (sim.url, tls_sim.url))
        failed = [event["result"].get("failed") for event in run.events if event["task"] == item.name]
        if failed != [True] or not message.startswith(shown_part(item.shows)) or "\n" in message or not all(
                name in message for name in item.names):
            wrong[item.name] = message
    assert wrong == {}, json.dumps(wrong, indent=1, ensure_ascii=False)
    assert writes == 0 and len(MODULE_CASES) + len(ROLE_CASES) >= 40


def test_role_cases_are_all_refused_by_the_plan_before_any_write(runner, sim, tmp_path):
    planned = [item for item in ROLE_CASES if item[0] not in RUNTIME_ROLE_CASES]
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"acronis_customers": {"hosts": dict(
        {name: host_vars for name, host_vars, dummy, dummy2, dummy3 in planned}, **{"role-good": {}})}}))
    run, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert run.rc != 0 and writes == 0 and "nothing was written" in run.output
    plan = next(event["result"]["problems"] for event in run.events if "problems" in event["result"])
    lines = [" ".join(line.split()) for line in plan]
    wrong = {name: [line for line in lines if line.startswith("host %s:" % name)]
             for name, dummy, shows, names, dummy2 in planned
             if not any(shown_part(shows) in line and all(word in line for word in names) for line in lines)}
    assert wrong == {}, json.dumps(plan, indent=1)
    assert not [line for line in lines if line.startswith("host role-good:")]


def test_runtime_role_cases_fail_their_host_alone_and_other_hosts_go_on(runner, sim, tmp_path):
    hosts = {name: host_vars for name, host_vars, dummy, dummy2, dummy3 in ROLE_CASES if name in RUNTIME_ROLE_CASES}
    first = next(iter(hosts))
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"acronis_customers": {"hosts": dict(hosts, **{
        "role-good": {"tenant_name": "Role Good"}, "role-child-of-bad": {"tenant_parent": first}})}}))
    run, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    report = json.loads((run.workdir / "acronis-reports" / "onboarding.json").read_text())
    found = {tenant["host"]: tenant for tenant in report["tenants"]}
    assert run.rc != 0 and ", %d failed; failed: " % len(hosts) in run.output
    assert found["role-good"]["status"] == "created" and writes == 1, run.output[-3000:]
    assert found["role-child-of-bad"]["status"] == "skipped"
    reasons = {host: " ".join(tenant["reason"].split()) for host, tenant in found.items()}
    wrong = {name: reasons[name] for name, dummy, shows, names, dummy2 in ROLE_CASES if name in hosts
             and (found[name]["status"] != "failed" or shown_part(shows) not in reasons[name]
                  or not all(word in reasons[name] for word in names))}
    assert wrong == {}, json.dumps(wrong, indent=1)


UNICODE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: reseller
      acronis.cyber_cloud.acronis_tenant:
        name: Müller & Söhne Vertrieb GmbH
        kind: reseller
        contact: {email: vertrieb@mueller.example, firstname: Zoë, lastname: Ørsted, city: Zürich}
      register: reseller
    - name: customer
      acronis.cyber_cloud.acronis_tenant:
        name: 東京支店 Café ☕
        kind: customer
        parent: Müller & Söhne Vertrieb GmbH
        internal_tag: "Ünïcødé tag"
    - name: user
      acronis.cyber_cloud.acronis_backup_user:
        tenant: 東京支店 Café ☕
        login: tokyo.cafe
        email: tokyo@cafe.example
        first_name: José
        last_name: Müller-Lüdenscheidt 田中
    - name: by name
      acronis.cyber_cloud.acronis_tenant_info:
        name: 東京支店 Café ☕
        parent: "{{ reseller.tenant.id }}"
      register: found
    - name: found
      ansible.builtin.assert:
        that: found.tenants | length == 1
"""


def test_unicode_names_work_and_a_rerun_changes_nothing(runner, sim):
    first = runner.run(textwrap.dedent(UNICODE))
    assert first.rc == 0 and first.stats["localhost"]["changed"] == 3, first.output[-3000:]
    again, writes = runner.writes_during(textwrap.dedent(UNICODE))
    assert again.rc == 0 and again.stats["localhost"]["changed"] == 0 and writes == 0
    names = {tenant["name"] for tenant in sim.admin.state()["tenants"]}
    assert {"Müller & Söhne Vertrieb GmbH", "東京支店 Café ☕"} <= names
    user = next(user for user in sim.admin.state()["users"] if user["login"] == "tokyo.cafe")
    assert user["contact"]["lastname"] == "Müller-Lüdenscheidt 田中"


def test_the_troubleshooting_page_lists_every_case():
    assert table() in TROUBLESHOOTING.read_text(encoding="utf-8"), (
        "docs/troubleshooting.md is out of date: run python -m tests.reliability.catalogue --write")
