"""playbooks/onboard.yml run the way AWX / Automation Controller runs a job: through ansible-runner.

AWX writes a private data dir (the project, the inventory, env/envvars with what the job's credentials
inject, env/extravars with the survey answers) and calls ansible_runner.run() on it. The credentials
reach the collection only as ACRONIS_* environment variables, as the custom credential type in
extensions/awx/credential_type.yml injects them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import CONNECTION_ARGSPEC
from tests.integration.inventory_state import differences, inventory_hosts
from tests.integration.playbook import BIN, COLLECTIONS, REPO

CREDENTIAL_TYPE = yaml.safe_load((REPO / "extensions" / "awx" / "credential_type.yml").read_text())

# What a job template's project holds: a playbook that runs the collection's playbook.
PROJECT_PLAYBOOK = """\
---
- name: Onboard the tenants of the inventory
  ansible.builtin.import_playbook: acronis.cyber_cloud.onboard
"""

# Two resellers (one under the other) and four customers. `north` has a tenant name that differs from
# its host name; `north-east` does not (see test_parents_first_workflow_with_job_slices).
INVENTORY = {
    "acronis_resellers": {
        "vars": {"tenant_offerings": [{"edition": "standard", "storage": "Acronis Cloud Storage",
                                       "quotas": {"storage": "unlimited", "servers": "unlimited"}}]},
        "hosts": {
            "north": {"tenant_name": "North Reseller",
                      "tenant_users": [{"login": "north.admin", "email": "admin@north.example"}]},
            "north-east": {"tenant_parent": "north"},
        },
    },
    "acronis_customers": {
        "vars": {"tenant_edition": "standard", "tenant_storage": "Acronis Cloud Storage"},
        "hosts": {
            "alpha": {"tenant_name": "Alpha Ltd", "tenant_parent": "north", "tenant_quotas": {"storage": "100 GB"},
                      "tenant_users": [{"login": "alpha.backup", "email": "backup@alpha.example",
                                        "notifications": "errors", "quotas": {"storage": 10}}]},
            "bravo": {"tenant_parent": "north-east", "tenant_quotas": {"servers": 2},
                      "tenant_users": [{"login": "bravo.backup", "email": "backup@bravo.example",
                                        "manage_other_users": True}]},
            "charlie": {"tenant_parent": "north-east", "tenant_quotas": {"storage": "1 TB", "servers": 5}},
            "delta": {"tenant_quotas": {}, "tenant_users": [{"login": "delta.backup",
                                                             "email": "backup@delta.example"}]},
        },
    },
}
TENANT_HOSTS = sorted(host for group in INVENTORY.values() for host in group["hosts"])


def injected_environment(inputs):
    """The environment AWX gives a job for a credential of our type: each env injector rendered with the
    credential's inputs (AWX renders them with a sandboxed Jinja2 and passes a boolean left out as false)."""
    namespace = {field["id"]: False for field in CREDENTIAL_TYPE["inputs"]["fields"] if field["type"] == "boolean"}
    namespace.update(inputs)
    jinja = SandboxedEnvironment()
    return {name: jinja.from_string(template).render(**namespace)
            for name, template in CREDENTIAL_TYPE["injectors"]["env"].items()}


def credential_inputs(conn):
    return {"datacenter_url": conn["datacenter_url"], "client_id": conn["client_id"],
            "client_secret": conn["client_secret"], "validate_certs": True}


def test_credential_type_injects_every_connection_option_the_modules_read():
    fallbacks = {option: spec["fallback"][1][0] for option, spec in CONNECTION_ARGSPEC.items() if "fallback" in spec}
    fields = {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}
    assert set(fields) == set(fallbacks) and fields["client_secret"]["secret"]
    assert set(CREDENTIAL_TYPE["inputs"]["required"]) == set(fallbacks) - {"validate_certs"}
    inputs = {"datacenter_url": "https://dc.example", "client_id": "id", "client_secret": "s3cret",
              "validate_certs": True}
    assert injected_environment(inputs) == {fallbacks[option]: str(value) for option, value in inputs.items()}
    # AWX injects a boolean that a credential leaves out as false: hence `default: true`, which the form shows.
    assert fields["validate_certs"]["default"] is True
    del inputs["validate_certs"]
    assert injected_environment(inputs)["ACRONIS_VALIDATE_CERTS"] == "False"


def private_data_dir(root, conn, inventory):
    """The folder AWX hands to ansible-runner: project, inventory, env (injected credentials, extra vars)."""
    root = Path(root)
    (root / "project").mkdir(parents=True)
    (root / "project" / "onboard.yml").write_text(PROJECT_PLAYBOOK)
    (root / "inventory").mkdir()
    (root / "inventory" / "hosts").write_text(yaml.safe_dump(inventory, sort_keys=False))
    (root / "env").mkdir()
    envvars = dict(injected_environment(credential_inputs(conn)), ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
                   ANSIBLE_PYTHON_INTERPRETER=str(BIN / "python"))
    (root / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    (root / "env" / "extravars").write_text(yaml.safe_dump({"acronis_report_dir": str(root / "reports")}))
    return root


@pytest.fixture
def clean_environment(monkeypatch):
    """Like an execution environment: ansible-playbook on PATH, no ACRONIS_* or ANSIBLE_* variables besides
    the ones the job injects."""
    for name in list(os.environ):
        if name.startswith(("ACRONIS_", "ANSIBLE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", "%s:%s" % (BIN, os.environ.get("PATH", "")))


def run_job(data_dir, limit=None):
    ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is installed in the 3.11 leg only")
    return ansible_runner.run(private_data_dir=str(data_dir), playbook="onboard.yml", limit=limit, quiet=True)


def assert_successful(job, hosts, changed):
    stats = job.stats
    assert job.status == "successful" and job.rc == 0, job.stdout.read()
    assert not stats["failures"] and not stats["dark"] and not stats["rescued"], stats
    for host in hosts:
        assert stats["ok"].get(host, 0) > 0, (host, stats)
        assert (stats["changed"].get(host, 0) > 0) == changed, (host, stats)


def cloud_differs(sim, data_dir):
    """How the simulator's state differs from the job's inventory (an empty list: it is what it describes)."""
    hosts = inventory_hosts(Path(data_dir) / "inventory" / "hosts")
    return differences(sim.admin.state(), hosts, sim.conn["tenant_id"])


def artifact_texts(data_dir):
    """Every file ansible-runner wrote for the job except `command`, its copy of the environment it was
    given (which holds the injected credential by design, as the job's environment does)."""
    for path in sorted((Path(data_dir) / "artifacts").rglob("*")):
        if path.is_file() and path.name != "command":
            yield path, path.read_text(errors="replace")


@pytest.mark.usefixtures("clean_environment")
def test_onboard_through_ansible_runner_like_awx(sim, tmp_path):
    conn = sim.conn
    data_dir = private_data_dir(tmp_path / "job", conn, INVENTORY)

    first = run_job(data_dir)
    assert_successful(first, TENANT_HOSTS, changed=True)
    assert cloud_differs(sim, data_dir) == []
    report = json.loads((data_dir / "reports" / "onboarding.json").read_text())
    assert {tenant["host"]: tenant["status"] for tenant in report["tenants"]} == dict.fromkeys(TENANT_HOSTS, "created")

    secret = conn["client_secret"]
    leaks = [str(path) for path, text in artifact_texts(data_dir) if secret in text]
    assert not leaks, "the client secret is written to %s" % leaks
    assert secret not in json.dumps(list(first.events))
    assert list((data_dir / "artifacts").rglob("job_events/*.json")), "no job events were written"

    second = run_job(data_dir)
    assert_successful(second, TENANT_HOSTS, changed=False)


def awx_slice(inventory, number, count):
    """The inventory AWX gives slice `number` of `count`: every count-th host in name order, nothing else."""
    hosts = sorted(host for group in inventory.values() for host in group["hosts"])[number - 1::count]
    return {name: dict(group, hosts={host: host_vars for host, host_vars in group["hosts"].items() if host in hosts})
            for name, group in inventory.items()}


@pytest.mark.usefixtures("clean_environment")
def test_parents_first_workflow_with_job_slices(sim, tmp_path):
    """docs/awx.md: a workflow onboards the resellers unsliced, then the customers in job slices.

    A slice holds only its own hosts, so a customer's parent host is either there but left out by the limit
    (found through its tenant_name) or not there at all (found by the tenant_parent value, which is then the
    parent's tenant name: `north-east` has no tenant_name).
    """
    resellers = run_job(private_data_dir(tmp_path / "resellers", sim.conn, INVENTORY), limit="acronis_resellers")
    assert_successful(resellers, ["north", "north-east"], changed=True)
    customers = set()
    for number in (1, 2):
        piece = awx_slice(INVENTORY, number, 2)
        job = run_job(private_data_dir(tmp_path / ("slice%d" % number), sim.conn, piece), limit="acronis_customers")
        hosts = sorted(piece["acronis_customers"]["hosts"])
        assert_successful(job, hosts, changed=True)
        assert sorted(job.stats["processed"]) == hosts
        customers.update(hosts)
    assert customers == set(INVENTORY["acronis_customers"]["hosts"])

    # The same cloud as one full run makes: what the inventory describes, and a full run changes nothing.
    data_dir = private_data_dir(tmp_path / "full", sim.conn, INVENTORY)
    assert cloud_differs(sim, data_dir) == []
    assert_successful(run_job(data_dir), TENANT_HOSTS, changed=False)


@pytest.mark.usefixtures("clean_environment")
def test_a_limited_job_still_reports_and_fails_when_a_tenant_fails(sim, tmp_path):
    """A job limited to the customers whose resellers do not exist yet: the job fails and says why."""
    data_dir = private_data_dir(tmp_path / "job", sim.conn, INVENTORY)
    job = run_job(data_dir, limit="acronis_customers")
    assert job.status == "failed" and job.rc != 0
    report = json.loads((data_dir / "reports" / "onboarding.json").read_text())
    assert {tenant["host"]: tenant["status"] for tenant in report["tenants"]} == {
        "alpha": "failed", "bravo": "failed", "charlie": "failed", "delta": "created"}
    assert "no tenant named 'North Reseller'" in next(t["reason"] for t in report["tenants"] if t["host"] == "alpha")
