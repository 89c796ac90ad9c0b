"""Tokens expiring during a run (every 2 s, and all of them at once every second) never fail a task."""

from __future__ import annotations

import time
import types

import pytest

from tests.integration.playbook import run_playbook
from tests.reliability.checks import ONBOARD, cloud_problems, email_warnings, tenant_hosts
from tests.simulator.control import SimulatorAdmin, SimulatorProcess

TOKEN = "POST /api/2/idp/token"


@pytest.fixture(scope="module")
def short_lived():
    with SimulatorProcess(token_lifetime=2) as process:
        yield types.SimpleNamespace(conn=process.conn, admin=SimulatorAdmin(process.url))


def expire_every_second(admin):
    def watch(process):
        while process.poll() is None:
            time.sleep(1)
            admin.expire_tokens()
    return watch


def test_onboarding_with_tokens_expiring_mid_run_completes(short_lived, chaos_inventory, tmp_path, figures):
    short_lived.admin.reset()
    # Some latency keeps the run longer than a few token lifetimes however fast the machine is.
    short_lived.admin.faults(latency_ms=30)
    path, dummy = chaos_inventory
    run = run_playbook(tmp_path / "run", ONBOARD, conn=short_lived.conn, inventory=str(path),
                       while_running=expire_every_second(short_lived.admin))
    assert run.rc == 0 and run.failures() == [], run.output[-3000:]
    assert cloud_problems(short_lived, tenant_hosts(path), email_warnings(run)) == []
    tokens = short_lived.admin.stats()["requests"][TOKEN]
    assert tokens >= 3, "the run was too short to see its tokens expire"
    figures.update(tokens_fetched=tokens, requests=short_lived.admin.stats()["total"])
