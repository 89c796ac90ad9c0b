"""Runs a module file as a plain Python program (the non-action path), the way ansible would run it remotely."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.integration.playbook import COLLECTIONS, REPO


def run_module_directly(module, args, workdir, check_mode=False, diff=False):
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    path = workdir / ("%s-args.json" % module)
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    process = subprocess.run([sys.executable, str(REPO / "plugins" / "modules" / (module + ".py")), str(path)],
                             capture_output=True, text=True, env={"PYTHONPATH": str(COLLECTIONS)}, timeout=120)
    path.unlink()
    try:
        return json.loads(process.stdout)
    except ValueError:
        raise AssertionError("module printed no JSON:\n%s\n%s" % (process.stdout, process.stderr))
