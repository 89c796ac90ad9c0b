"""The `ansible_floor` run: a playbook shaped like playbooks/onboard.yml whose every task is a set_fact.

It has the same plays (plan, one per depth with the same strategy, report) over the same hosts and, per
host, as many tasks as onboard.yml runs: the plan's tasks, the role's tasks (skipped ones too, and the
argument-validation task that ansible inserts for a role with meta/argument_specs.yml) and the report's
tasks. The counts are read from the playbook files each time, so the floor follows the role.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PLAYBOOKS = REPO / "playbooks"
ROLE = REPO / "roles" / "tenant"
LEVELS = 8


def count_tasks(tasks):
    """Tasks a host runs when nothing fails: blocks count their tasks (not rescue/always), imported task
    files (relative to playbooks/) theirs."""
    total = 0
    for task in tasks or []:
        if "block" in task:
            total += count_tasks(task["block"])
        elif "ansible.builtin.import_tasks" in task:
            total += count_tasks(_load(PLAYBOOKS / task["ansible.builtin.import_tasks"]))
        else:
            total += 1
    return total


def _load(path):
    return yaml.safe_load(path.read_text())


def level_strategy():
    """The strategy of onboard.yml's per-depth plays (the floor uses the same)."""
    plays = _load(PLAYBOOKS / "onboard.yml")
    return next((play.get("strategy", "linear") for play in plays if "depth" in play.get("name", "")), "linear")


def task_counts():
    """{"plan": n, "role": n, "report": n} as onboard.yml runs them."""
    role = count_tasks(_load(ROLE / "tasks" / "main.yml"))
    if (ROLE / "meta" / "argument_specs.yml").exists():
        role += 1  # ansible inserts "Validating arguments against arg spec 'main'"
    plan_play = _load(PLAYBOOKS / "onboard.yml")[0]
    return {"plan": count_tasks(plan_play["tasks"]), "role": role,
            "report": count_tasks(_load(PLAYBOOKS / "tasks" / "report.yml"))}


def _set_facts(prefix, count):
    return [{"name": "%s %d" % (prefix, number), "ansible.builtin.set_fact": {
        "floor_%s_%d" % (prefix.lower(), number): "{{ inventory_hostname }}"}} for number in range(count)]


def floor_playbook(counts, strategy):
    """The playbook as data: once-per-run tasks run once on the controller, like onboard.yml's."""
    once = {"run_once": True, "delegate_to": "localhost"}
    plan = [dict(task, **once) for task in _set_facts("Plan", counts["plan"])]
    plan[0]["delegate_facts"] = True
    plan[0]["ansible.builtin.set_fact"]["floor_levels"] = "{{ lookup('ansible.builtin.template', 'levels.j2') }}"
    plays = [{"name": "Plan", "hosts": "acronis_resellers:acronis_customers", "gather_facts": False,
              "tasks": plan}]
    for level in range(LEVELS):
        plays.append({"name": "Depth %d" % level, "gather_facts": False, "strategy": strategy,
                      "tasks": _set_facts("Role", counts["role"]),
                      "hosts": "{{ (hostvars.localhost.floor_levels | from_json)['%d'] | default([]) }}" % level})
    plays.append({"name": "Report", "hosts": "acronis_resellers:acronis_customers", "gather_facts": False,
                  "tasks": [dict(task, **once) for task in _set_facts("Report", counts["report"])]})
    return plays


def write_floor(folder):
    """floor.yml (and the levels template it shares with onboard.yml) in `folder`; returns its path and counts."""
    counts = task_counts()
    folder.mkdir(parents=True, exist_ok=True)
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "levels.j2").write_text((PLAYBOOKS / "templates" / "levels.j2").read_text())
    path = folder / "floor.yml"
    strategy = level_strategy()
    path.write_text(json.dumps(floor_playbook(counts, strategy), indent=1) + "\n")
    return path, dict(counts, strategy=strategy)
