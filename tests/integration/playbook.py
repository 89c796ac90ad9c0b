"""Runs real ansible-playbook processes against the simulator and reads back what happened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The venv running the tests (.venv or .venv312) links this checkout as a collection.
COLLECTIONS = BIN.parent / "collections"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"


class PlaybookRun:
    def __init__(self, process, record, workdir):
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.events = record.get("events", [])
        self.stats = record.get("stats", {})
        self.workdir = workdir

    def results(self, action=None, host=None, status=None):
        return [event["result"] for event in self.events
                if (action is None or event["action"].endswith(action))
                and (host is None or event["host"] == host)
                and (status is None or event["status"] == status)]

    def result(self, action=None, host=None):
        found = self.results(action, host)
        assert len(found) == 1, "expected one %s result, got %d:\n%s" % (action, len(found), self.output)
        return found[0]

    def failures(self):
        return [event for event in self.events if event["status"] in ("failed", "item_failed", "unreachable")]

    @property
    def output(self):
        return self.stdout + self.stderr


def single_task_play(module, **args):
    """A play with one acronis task (failures ignored, so the result is recorded)."""
    return textwrap.dedent("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: {module}
              acronis.cyber_cloud.{module}: {args}
              ignore_errors: true
        """).format(module=module, args=json.dumps(args))


def acronis_env(conn):
    return {"ACRONIS_DATACENTER_URL": conn["datacenter_url"], "ACRONIS_CLIENT_ID": conn["client_id"],
            "ACRONIS_CLIENT_SECRET": conn["client_secret"]}


def module_defaults_play(conn, hosts, body):
    """A play whose only connection is module_defaults for the acronis group; `body` is its tasks/roles YAML."""
    return """
    - hosts: {hosts}
      gather_facts: false
      module_defaults:
        group/acronis.cyber_cloud.acronis:
          datacenter_url: {url}
          client_id: {client_id}
          client_secret: {secret}
{body}
    """.format(hosts=hosts, url=conn["datacenter_url"], client_id=conn["client_id"], secret=conn["client_secret"],
               body=body)


def run_playbook(workdir, playbook, conn=None, inventory="localhost,", check=False, diff=False, verbosity=0,
                 extra_vars=None, env=None, args=(), connection_env=True, timeout=600, while_running=None):
    """Write `playbook` (YAML text, or a path) into `workdir` and run it; returns a PlaybookRun.

    `while_running(process)`, if given, is called in a thread as soon as ansible-playbook started (in a
    process group of its own, so a test can kill it with all its workers).
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if isinstance(playbook, Path):
        playbook_path = playbook
    else:
        playbook_path = workdir / "playbook.yml"
        playbook_path.write_text(textwrap.dedent(playbook))
    record_path = workdir / "record.json"
    if record_path.exists():
        record_path.unlink()
    local_tmp = workdir / "ansible-local"
    run_env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
    run_env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
        "ANSIBLE_CALLBACKS_ENABLED": "record",
        "ANSIBLE_LOCAL_TEMP": str(local_tmp),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "RECORD_PATH": str(record_path),
        "PWD": str(workdir),
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
    })
    if conn and connection_env:
        run_env.update(acronis_env(conn))
    run_env.update(env or {})
    command = [str(BIN / "ansible-playbook"), "-i", inventory, str(playbook_path)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if verbosity:
        command.append("-" + "v" * verbosity)
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    command += list(args)
    if while_running is None:
        process = subprocess.run(command, cwd=str(workdir), env=run_env, capture_output=True, text=True,
                                 timeout=timeout, check=False)
    else:
        process = _run_watched(command, workdir, run_env, timeout, while_running)
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    return PlaybookRun(process, record, workdir)


def _run_watched(command, workdir, run_env, timeout, while_running):
    process = subprocess.Popen(command, cwd=str(workdir), env=run_env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    watcher = threading.Thread(target=while_running, args=(process,), daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    finally:
        watcher.join(timeout)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
