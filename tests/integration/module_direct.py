"""Runs a module file as a plain Python program (the non-action path), the way ansible would run it remotely."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.integration.playbook import COLLECTIONS, REPO


def coverage_env():
    """Only the import path, plus coverage's switches when the suite measures child processes."""
    env = {"PYTHONPATH": str(COLLECTIONS)}
    env.update({key: value for key, value in os.environ.items()
                if key.startswith("COVERAGE_") or key == "CYBER_CLOUD_ROOT"})
    return env


def run_module_directly(module, args, workdir, check_mode=False, diff=False):
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    path = workdir / ("%s-args.json" % module)
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    process = subprocess.run([sys.executable, str(REPO / "plugins" / "modules" / (module + ".py")), str(path)],
                             capture_output=True, text=True, env=coverage_env(), timeout=120, check=False)
    path.unlink()
    try:
        return json.loads(process.stdout)
    except ValueError:
        raise AssertionError("module printed no JSON:\n%s\n%s" % (process.stdout, process.stderr))
