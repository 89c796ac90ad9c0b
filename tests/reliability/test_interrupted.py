"""Interrupted runs: ansible-playbook killed with SIGKILL (with all its workers) mid-run; the next run converges.

A kill can fall anywhere, also between creating a user and sending its activation e-mail. The e-mail
goes out before the roles are given, so the next run recognises such a user (no roles yet), warns
that the e-mail may not have gone out, and never sends it twice.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.client_factory import make_client
from tests.integration.playbook import single_task_play
from tests.reliability.checks import (ONBOARD, cloud_problems, duplicates, email_warnings, expected_writes,
                                      tenant_hosts)


def test_a_user_left_without_roles_is_finished_with_a_warning_and_no_second_email(runner, sim):
    client = make_client(sim.conn)
    customer = client.post("/tenants", {"name": "Half Done", "parent_id": client.home_tenant_id(),
                                        "kind": "customer"})
    # What a run killed right after POST /users leaves behind (its e-mail may or may not have gone out).
    client.post("/users", {"tenant_id": customer["id"], "login": "half.done", "contact": {"email": "h@d.example"}})
    play = single_task_play("acronis_backup_user", login="half.done", tenant_id=customer["id"], email="h@d.example")
    run = runner.run(play)
    result = run.result("acronis_backup_user")
    assert result["changed"] and result["user"]["roles"] == ["backup_user"]
    assert result["activation_email"] == "unknown" and email_warnings(run) == {"half.done"}
    user = next(user for user in sim.admin.state()["users"] if user["login"] == "half.done")
    assert user["activation_emails"] == 0
    again, writes = runner.writes_during(play)
    assert not again.result("acronis_backup_user")["changed"] and writes == 0 and email_warnings(again) == set()


def kill_after_writes(sim, writes):
    """A while_running hook: SIGKILL the run's process group once the simulator has seen `writes` writes."""
    def watch(process):
        deadline = time.time() + 300
        while process.poll() is None and time.time() < deadline:
            if sim.admin.stats()["writes"] >= writes:
                os.killpg(process.pid, signal.SIGKILL)
                return
            time.sleep(0.02)
    return watch


@pytest.mark.parametrize("fraction", [0.05, 0.45, 0.85])
def test_a_run_killed_at_any_point_is_completed_by_the_next_run(runner, sim, chaos_inventory, fraction, figures):
    path, inventory = chaos_inventory
    kill_at = max(1, int(expected_writes(inventory) * fraction))
    killed = runner.run(ONBOARD, inventory=str(path), while_running=kill_after_writes(sim, kill_at))
    assert killed.rc == -signal.SIGKILL, killed.output[-2000:]
    written = sim.admin.stats()["writes"]
    assert kill_at <= written < expected_writes(inventory)

    after = runner.run(ONBOARD, inventory=str(path))
    assert after.rc == 0, after.output[-3000:]
    state = sim.admin.state()
    assert cloud_problems(sim, tenant_hosts(path), email_warnings(after), state) == []
    assert duplicates(state) == 0
    figures.update(writes_before_the_kill=written, writes_of_a_whole_run=expected_writes(inventory),
                   writes_of_the_next_run=sim.admin.stats()["writes"] - written, runs=2,
                   duplicates=0, lost_email_warnings=len(email_warnings(after)))
