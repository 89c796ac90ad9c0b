"""`make try` (tools/try.py): the user's own inventory against a simulator whose state outlives the run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.integration.playbook import BIN, REPO

INVENTORY = """\
acronis_customers:
  hosts:
    fabrikam:
      tenant_name: Fabrikam
      tenant_users:
        - login: fabrikam.backup
          email: backup@fabrikam.example
"""


def make_try(state_dir, *args):
    # As a shell would start it: no ACRONIS_* or ANSIBLE_* from the test session, the venv's tools first.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
    env["PATH"] = "%s:%s" % (BIN, os.environ.get("PATH", ""))
    return subprocess.run([sys.executable, str(REPO / "tools" / "try.py"), "--dir", str(state_dir), *args],
                          cwd=str(REPO), env=env, capture_output=True, text=True, timeout=600, check=False)


def requests_of(run):
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    found = re.search(r"API requests of this run: \d+ \((\d+) writes, (\d+) activation e-mails\)", run.stdout)
    assert found, run.stdout[-3000:]
    return int(found[1]), int(found[2])


def test_make_try_keeps_the_state_between_runs_until_reset(tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(INVENTORY)
    state = tmp_path / "state"

    assert requests_of(make_try(state, "--inventory", str(inventory))) >= (3, 1)
    assert (state / "reports" / "onboarding.md").is_file()
    # The second run meets the tenant and user the first one made: no write, no second e-mail.
    assert requests_of(make_try(state, "--inventory", str(inventory))) == (0, 0)
    assert state.stat().st_mode & 0o077 == 0  # the state holds the simulated API client's secret

    assert make_try(state, "--reset").returncode == 0 and not state.exists()
    missing = make_try(state, "--inventory", str(tmp_path / "nope.yml"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
