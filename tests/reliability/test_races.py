"""Races: two runs at the same time never duplicate anything, and quotas end as the last writer set them."""

from __future__ import annotations

import threading
import time

from tests.client_factory import make_client
from tests.integration.playbook import run_playbook, single_task_play
from tests.reliability.checks import ONBOARD, cloud_problems, duplicates, email_warnings, tenant_hosts


def run_together(sim, workdirs, playbooks, **options):
    """Start one run per playbook at the same moment; returns [(run, time it ended)] in that order."""
    ended = [None] * len(playbooks)
    start = threading.Barrier(len(playbooks))

    def one(index):
        start.wait()
        run = run_playbook(workdirs[index], playbooks[index], conn=sim.conn, **options)
        ended[index] = (run, time.monotonic())
    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(playbooks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ended


def test_two_onboarding_runs_at_once_create_everything_once(runner, sim, chaos_inventory, tmp_path, figures):
    path, dummy = chaos_inventory
    both = run_together(sim, [tmp_path / "a", tmp_path / "b"], [ONBOARD, ONBOARD], inventory=str(path))
    for run, dummy in both:
        assert run.rc == 0, run.output[-3000:]
    state = sim.admin.state()
    hosts = tenant_hosts(path)
    warned = email_warnings(*(run for run, dummy in both))
    assert cloud_problems(sim, hosts, warned, state) == [] and duplicates(state) == 0
    third, writes = runner.writes_during(ONBOARD, inventory=str(path))
    assert third.rc == 0 and writes == 0 and not any(third.stats[host]["changed"] for host in hosts)
    figures.update(runs=3, duplicates=duplicates(state), lost_email_warnings=len(warned),
                   adopted=sum(1 for run, dummy in both for event in run.events if event["result"].get("adopted")))


def test_two_runs_setting_one_tenants_quotas_end_with_the_last_writers_values(sim, tmp_path):
    client = make_client(sim.conn)
    tenant = client.post("/tenants", {"name": "Contested", "parent_id": client.home_tenant_id(), "kind": "customer"})
    wanted = [{"servers": 5, "workstations": 50, "storage": "100 GB"},
              {"servers": 7, "workstations": 70, "storage": "200 GB"}]
    plays = [single_task_play("acronis_quota", tenant_id=tenant["id"], edition="standard",
                              storage="Acronis Cloud Storage", quotas=quotas) for quotas in wanted]
    # The first PUT of the two is told to come back in 2 s: the other one's PUT lands meanwhile, so the
    # deferred run writes last - over a version the other run changed, which it must re-read.
    sim.admin.faults(once=[{"match": "PUT /api/2/tenants/{tenant_id}/offering_items", "fault": "429",
                            "retry_after_s": 2}])
    both = run_together(sim, [tmp_path / "x", tmp_path / "y"], plays)
    for run, dummy in both:
        assert run.rc == 0 and run.failures() == [], run.output[-3000:]
    last = max(range(2), key=lambda index: both[index][1])
    assert sim.admin.stats()["requests"]["PUT /api/2/tenants/{tenant_id}/offering_items"] >= 3
    items = {item["name"]: item["quota"]["value"] for item in sim.admin.state()["offering_items"]
             if item["tenant_id"] == tenant["id"] and item["status"] == 1}
    assert items == {"servers": wanted[last]["servers"], "workstations": wanted[last]["workstations"],
                     "storage": int(wanted[last]["storage"].split()[0]) * 1024 ** 3}


class OvertakenClient:
    """The collection's client, except that another run creates `login` right after this one listed the
    tenant's users and found it missing: the narrowest race between two runs creating one user."""

    def __init__(self, client, other, body):
        self.client, self.other, self.body = client, other, body

    def __getattr__(self, name):
        return getattr(self.client, name)

    def get(self, path, params=None):
        answer = self.client.get(path, params)
        if path == "/tenants/%s/users" % (self.body or {}).get("tenant_id"):  # the tenant's user ids
            self.other.post("/users", self.body)
            self.body = None
        return answer


def test_a_user_created_by_another_run_meanwhile_is_adopted_not_refused(sim):
    from ansible_collections.acronis.cyber_cloud.plugins.module_utils._users import ensure_backup_user

    client = make_client(sim.conn)
    tenant = client.post("/tenants", {"name": "Overtaken", "parent_id": client.home_tenant_id(), "kind": "customer"})
    body = {"tenant_id": tenant["id"], "login": "raced.user", "contact": {"email": "r@u.example"}}
    overtaken = OvertakenClient(client, make_client(sim.conn), body)
    params = {"login": "raced.user", "tenant_id": tenant["id"], "email": "r@u.example", "activation": "email",
              "state": "present", "update_password": "on_create"}
    result = ensure_backup_user(overtaken, params, check_mode=False)
    assert result["adopted"] and result["user"]["roles"] == ["backup_user"]
    assert [user["login"] for user in sim.admin.state()["users"]].count("raced.user") == 1
