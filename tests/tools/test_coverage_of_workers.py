"""The coverage set-up must count code that ansible-playbook runs in its forked worker processes.

The action plugins run the collection's code inside ansible-playbook's workers, which are forked
(multiprocessing) and end through os._exit(); without .coveragerc's settings and the .pth files that
`make venv` installs, none of those lines would be counted. A task that fails input validation runs
AcronisAction.run() in a worker without needing the simulator.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import coverage

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COLLECTIONS = BIN.parent / "collections"  # linked to this checkout by `make venv` / `make venv312`
ACTION_BASE = REPO / "plugins" / "plugin_utils" / "_action.py"


def _statement_lines_of(path, class_name, method_name):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method_name:
                    return {stmt.lineno for body_stmt in item.body for stmt in ast.walk(body_stmt)
                            if isinstance(stmt, ast.stmt)}
    raise AssertionError("%s.%s not found in %s" % (class_name, method_name, path))


def test_lines_run_in_ansible_playbook_workers_are_counted(tmp_path):
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(textwrap.dedent("""\
        - name: One task that fails input validation in a worker process
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Invalid kind
              acronis.cyber_cloud.acronis_tenant:
                name: Coverage probe
                kind: not-a-kind
                datacenter_url: http://127.0.0.1:9
                client_id: probe
                client_secret: probe
              ignore_errors: true
        """))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "ACRONIS_", "COVERAGE_"))}
    env.update({
        "COVERAGE_PROCESS_START": str(REPO / ".coveragerc"),
        "COVERAGE_FILE": str(tmp_path / ".coverage"),
        "CYBER_CLOUD_ROOT": str(REPO),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
    })
    process = subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)],
                             cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "not-a-kind" in process.stdout, process.stdout

    # One data file per process: the controller and at least one worker.
    assert len(list(tmp_path.glob(".coverage.*"))) >= 2, sorted(path.name for path in tmp_path.glob(".coverage*"))
    cov = coverage.Coverage(data_file=str(tmp_path / ".coverage"), config_file=str(REPO / ".coveragerc"))
    cov.combine(data_paths=[str(tmp_path)])
    data = cov.get_data()
    measured = [name for name in data.measured_files() if Path(name).resolve() == ACTION_BASE.resolve()]
    assert measured, "nothing recorded for %s; measured: %s" % (ACTION_BASE, sorted(data.measured_files()))
    run_lines = _statement_lines_of(ACTION_BASE, "AcronisAction", "run")
    counted = run_lines & set(data.lines(measured[0]))
    assert counted, "AcronisAction.run() ran in a worker but none of its lines %s were counted" % sorted(run_lines)
