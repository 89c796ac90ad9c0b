"""Secrets: at -vvvv the client secret, user passwords and the issued tokens appear in no output and in no
file of the run; the token cache file is private while it exists and gone after the run."""

from __future__ import annotations

import os
import stat
import time

from tests.integration.playbook import run_playbook
from tests.reliability.checks import ONBOARD
from tests.reliability.inventory import PASSWORD, write

TOKEN_FILE_PREFIX = "acronis-token-"


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


def files_under(folder):
    return [os.path.join(root, name) for root, dummy, names in os.walk(folder) for name in names]


def test_no_secret_at_vvvv_in_outputs_reports_or_files_and_the_token_file_is_private(sim, tmp_path):
    path, inventory = write(tmp_path / "inventory", 4)
    workdir = tmp_path / "run"
    modes = {}
    run = run_playbook(workdir, ONBOARD, conn=sim.conn, inventory=str(path), verbosity=4, diff=True,
                       while_running=watch_token_files(workdir / "ansible-local", modes))
    assert run.rc == 0, run.output[-3000:]
    state = sim.admin.state()
    assert any(user["password_set"] for user in state["users"]), "the inventory must set a password"
    tokens = [entry["access_token"] for entry in state["tokens"] if entry["client_id"] == sim.conn["client_id"]]
    secrets = {"client secret": sim.conn["client_secret"], "user password": PASSWORD}
    secrets.update(("token %d" % number, token) for number, token in enumerate(tokens))
    leftovers = files_under(workdir)
    places = {"stdout": run.stdout, "stderr": run.stderr}
    places.update((name, open(name, encoding="utf-8", errors="replace").read()) for name in leftovers)
    assert any(name.endswith("onboarding.json") for name in places) and any(
        name.endswith("record.json") for name in places)
    leaks = ["%s in %s" % (what, where) for what, secret in secrets.items() for where, text in places.items()
             if secret in text]
    assert leaks == [] and tokens
    assert modes and set(modes.values()) == {0o600}, modes
    assert not [name for name in leftovers if TOKEN_FILE_PREFIX in name]
    # ansible removes the run's own folder under its local tmp at exit, token cache and lock with it.
    assert os.listdir(workdir / "ansible-local") == []
