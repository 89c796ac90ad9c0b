"""Secrets: at -vvvv the client secret, user passwords and the issued tokens appear in no output (with
ansible-core's default callback in either result format), in no file of the run and in no file the run
left in ~/.ansible/tmp or the system temp folder; the token cache file is private while it exists and gone
after the run."""

from __future__ import annotations

import os
import secrets as random_secrets
import stat
import tempfile
import time
from pathlib import Path

import pytest

from tests.integration.playbook import run_playbook
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
