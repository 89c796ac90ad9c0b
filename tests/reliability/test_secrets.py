"""Secrets: at -vvvv the client secret, user passwords, the issued tokens and agent registration tokens appear
in no output (with ansible-core's default callback in either result format), in no file of the run and in no file the run
left in ~/.ansible/tmp or the system temp folder; the token cache file is private while it exists and gone
after the run."""

from __future__ import annotations

import json
import os
import secrets as random_secrets
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.client_factory import make_client
from tests.integration.playbook import REPO, run_playbook
from tests.reliability.checks import ONBOARD
from tests.reliability.inventory import write

TOKEN_FILE_PREFIX = "acronis-token-"
# Where ansible (remote_tmp of the local connection) and Python's tempfile put files by default.
SHARED_TEMP = (Path.home() / ".ansible" / "tmp", Path(tempfile.gettempdir()))
# How a changed result looks in each format of the default callback.
CHANGED = {"json": '"changed": true', "yaml": "changed: true"}


def watch_token_files(local_tmp, modes):
    """A while_running hook: the mode of every token cache file seen under ansible's local tmp."""
    def watch(process):
        while process.poll() is None:
            for folder, dummy, files in os.walk(local_tmp):
                for name in files:
                    if name.startswith(TOKEN_FILE_PREFIX):
                        try:
                            modes[name] = stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode)
                        except FileNotFoundError:  # replaced or removed meanwhile
                            pass
            time.sleep(0.05)
    return watch


def files_under(folder, since=None, skip=()):
    """Regular files under `folder` (modified at or after `since`, when given), not descending into `skip`."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if os.path.join(root, name) not in skip]
        for name in names:
            path = os.path.join(root, name)
            try:
                if stat.S_ISREG(os.lstat(path).st_mode) and (since is None or os.path.getmtime(path) >= since):
                    found.append(path)
            except OSError:  # removed meanwhile, or not ours to read
                pass
    return found


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:  # removed meanwhile, or not ours to read
        return ""


@pytest.mark.parametrize("result_format", ["json", "yaml"])
def test_no_secret_at_vvvv_in_outputs_reports_or_files_and_the_token_file_is_private(sim, tmp_path, result_format):
    # A password of this test only: other runs on the machine may leave the inventory's default one around.
    password = "Rel-Passw0rd!" + random_secrets.token_hex(8)
    path, dummy = write(tmp_path / "inventory", 4, password=password)
    workdir = tmp_path / "run"
    modes = {}
    # A second of slack for file systems with coarse timestamps.
    started = time.time() - 1
    run = run_playbook(workdir, ONBOARD, conn=sim.conn, inventory=str(path), verbosity=4, diff=True,
                       env={"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
                            "ANSIBLE_CALLBACK_RESULT_FORMAT": result_format},
                       while_running=watch_token_files(workdir / "ansible-local", modes))
    assert run.rc == 0, run.output[-3000:]
    assert CHANGED[result_format] in run.stdout, "the results are not printed in %s" % result_format
    state = sim.admin.state()
    assert any(user["password_set"] for user in state["users"]), "the inventory must set a password"
    tokens = [entry["access_token"] for entry in state["tokens"] if entry["client_id"] == sim.conn["client_id"]]
    secrets = {"client secret": sim.conn["client_secret"], "user password": password}
    secrets.update(("token %d" % number, token) for number, token in enumerate(tokens))
    leftovers = files_under(workdir)
    # This test's own folder is not the run's doing (the inventory holds the password); the run's part of
    # it is in `leftovers`.
    left_in_temp = [name for folder in SHARED_TEMP for name in files_under(folder, started, skip=(str(tmp_path),))]
    places = {"stdout": run.stdout, "stderr": run.stderr}
    places.update((name, read(name)) for name in leftovers + left_in_temp)
    assert any(name.endswith("onboarding.json") for name in places) and any(
        name.endswith("record.json") for name in places)
    leaks = ["%s in %s" % (what, where) for what, secret in secrets.items() for where, text in places.items()
             if secret in text]
    assert leaks == [] and tokens
    assert modes and set(modes.values()) == {0o600}, modes
    assert not [name for name in leftovers if TOKEN_FILE_PREFIX in name]
    # ansible removes the run's own folder under its local tmp at exit, token cache and lock with it.
    assert os.listdir(workdir / "ansible-local") == []


FAKE_INSTALLER = """#!{python}
# Stands in for the agent's setup program: keeps its arguments where the test (not the run) looks.
import json, os, sys
with open(os.path.join({folder!r}, str(os.getpid())), "w") as out:
    json.dump(sys.argv[1:], out)
"""


def test_the_registration_token_reaches_each_protected_host_and_appears_nowhere_at_vvvv(sim, tmp_path):
    client = make_client(sim.conn)
    home = client.home_tenant_id()
    customers = {host: client.post("/tenants", {"name": "Agent %s" % host, "parent_id": home, "kind": "customer"})
                 for host in ("north", "south")}
    received = tmp_path / "installer-saw"
    received.mkdir()
    installer = tmp_path / "installer.py"
    installer.write_text(FAKE_INSTALLER.format(python=sys.executable, folder=str(received)))
    installer.chmod(0o700)
    machines = {"m1": "north", "m2": "north", "m3": "south"}
    inventory = tmp_path / "agents.yml"
    inventory.write_text(json.dumps({"all": {"vars": {"ansible_connection": "local",
                                                      "acronis_agent_installer": str(installer)},
                                             "children": {
        "acronis_customers": {"hosts": {host: {"tenant_name": tenant["name"]} for host, tenant in customers.items()}},
        "acronis_protected": {"hosts": {machine: {"acronis_customer": customer}
                                        for machine, customer in machines.items()}}}}}))
    playbook = REPO / "playbooks" / "agent.yml"
    for attempt in ("first", "rerun"):
        run = run_playbook(tmp_path / attempt, playbook, conn=sim.conn, inventory=str(inventory), verbosity=4,
                           diff=True, env={"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default"})
        assert run.rc == 0, run.output[-3000:]
        tokens = {customer: [rec["token"] for rec in sim.admin.state()["registration_tokens"]
                             if rec["tenant_id"] == tenant["id"]] for customer, tenant in customers.items()}
        # One token per customer, reused by the second run.
        assert all(len(found) == 1 for found in tokens.values()), tokens
        places = {"stdout": run.stdout, "stderr": run.stderr}
        places.update((name, read(name)) for name in files_under(tmp_path / attempt))
        leaks = ["%s's token in %s" % (customer, where) for customer, found in tokens.items()
                 for where, text in places.items() if found[0] in text]
        assert leaks == []
    calls = [json.loads(path.read_text()) for path in received.iterdir()]
    assert len(calls) == 6  # three machines, two runs
    expected = ["--token=" + tokens[customer][0] for customer in machines.values()] * 2
    assert sorted(arguments[-1] for arguments in calls) == sorted(expected)
    assert all(arguments[0] == "-a" and arguments[1] == "--rain=" + sim.conn["datacenter_url"] for arguments in calls)
