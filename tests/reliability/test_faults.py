"""Onboarding through a misbehaving API: throttling, server errors, requests dropped before they are handled
and answers lost after committed writes (each kind injected at least once).

The run ends with every tenant onboarded (or, where retries ran out, a clear per-tenant error and a
second run that completes); the cloud then equals the inventory with nothing duplicated and no
activation e-mail sent twice, and a further run changes and writes nothing.
"""

from __future__ import annotations

import json
import re

from tests.reliability.checks import ONBOARD, cloud_problems, duplicates, email_warnings, tenant_hosts
from tests.reliability.conftest import CHAOS_RETRY_AFTER

# Besides the rolled faults, fixed ones, so that also a small run (the rolls may spare its few writes) meets
# every kind: lost answers to the first tenant create, user create and quota write, the second tenant create
# dropped before it is handled, and a 502 on the first read.
ONCE = [("POST /api/2/tenants", "drop_after_commit"), ("POST /api/2/users", "drop_after_commit"),
        ("PUT /api/2/tenants/{tenant_id}/offering_items", "drop_after_commit"),
        ("POST /api/2/tenants", "drop_before"), ("GET /api/2/*", "502")]
KINDS = ("429", "5xx", "drop_before", "drop_after_commit")
FAULTS = dict(rate_429=0.3, retry_after_s=CHAOS_RETRY_AFTER, rate_5xx=0.05, drop_after_commit_rate=0.05,
              latency_jitter_ms=20, once=[{"match": match, "fault": fault} for match, fault in ONCE])
# What a tenant's failure may say when the API kept failing: retries ran out, with the request named.
EXHAUSTED = re.compile(r"^[\w -]+: (GET|PUT|POST|DELETE) /\S+: .*\(gave up after \d+ attempts\)")
MAX_RUNS = 3


def failed_reasons(run):
    report = json.loads((run.workdir / "acronis-reports" / "onboarding.json").read_text())
    return {tenant["host"]: tenant["reason"] for tenant in report["tenants"] if tenant["status"] == "failed"}


def test_onboarding_under_faults_ends_equal_to_the_inventory_without_duplicates(runner, sim, chaos_inventory,
                                                                                figures):
    path, dummy = chaos_inventory
    sim.admin.faults(**FAULTS)
    runs = [runner.run(ONBOARD, inventory=str(path))]
    while runs[-1].rc != 0 and len(runs) < MAX_RUNS:
        unclear = {host: reason for host, reason in failed_reasons(runs[-1]).items() if not EXHAUSTED.match(reason)}
        assert unclear == {} and failed_reasons(runs[-1]), runs[-1].output[-3000:]
        runs.append(runner.run(ONBOARD, inventory=str(path)))
    assert runs[-1].rc == 0, runs[-1].output[-3000:]
    stats, state = sim.admin.stats(), sim.admin.state()
    assert [kind for kind in KINDS if not stats["faults"].get(kind)] == [], stats["faults"]
    assert sim.admin.get_faults()["once"] == [] and stats["faults"]["drop_after_commit"] >= 3
    warned = email_warnings(*runs)
    assert cloud_problems(sim, tenant_hosts(path), warned, state) == []
    assert duplicates(state) == 0

    final, writes = runner.writes_during(ONBOARD, inventory=str(path))
    assert final.rc == 0 and writes == 0, final.output[-3000:]
    assert not any(counts["changed"] for counts in final.stats.values())
    figures.update(faults_injected=dict(stats["faults"], total=sum(stats["faults"].values())),
                   requests=stats["total"], runs=len(runs) + 1, runs_to_converge=len(runs),
                   failed_hosts_first_run=len(failed_reasons(runs[0])) if runs[0].rc else 0,
                   duplicates=duplicates(state), lost_email_warnings=len(warned),
                   emails_sent=sum(user["activation_emails"] for user in state["users"]))
