"""`make demo` (tools/demo.py, run as the Makefile runs it): two onboardings of inventories/demo against a
simulator of its own, the second changing nothing, then the report."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.integration.inventory_state import inventory_hosts
from tests.integration.playbook import BIN, REPO
from tests.integration.test_onboard import DEMO


def run_demo(tmp_path):
    # As a shell would start it: no ACRONIS_* or ANSIBLE_* from the test session, the venv's tools first.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
    env.update(DEMO_REPORT_DIR=str(tmp_path / "reports"), PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    return subprocess.run([sys.executable, str(REPO / "tools" / "demo.py")], cwd=str(REPO), env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_make_demo_onboards_then_changes_nothing_and_prints_the_report(tmp_path):
    demo = run_demo(tmp_path)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    first, rest = demo.stdout.split("=== Second run: the same inventory again (expect no change) ===")
    second, report = rest.split("=== Report (%s) ===" % (tmp_path / "reports" / "onboarding.md"))

    hosts = inventory_hosts(DEMO)
    assert "Onboarding: 9 tenants - 9 created" in first
    recap = dict(re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", second, re.MULTILINE))
    assert recap == dict.fromkeys(hosts, "0")
    writes = re.search(r"API requests: first run \d+ \((\d+) writes, (\d+) activation e-mails\); second run \d+ "
                       r"\((\d+) writes\)", second)
    assert writes and int(writes[1]) > 0 and int(writes[2]) > 0 and writes[3] == "0"
    assert "# Onboarding" in report and "Onboarding: 9 tenants - 9 unchanged" in report
    assert "| Contoso | customer | northwind | unchanged |" in report
    assert "Demo-Passw0rd!" not in demo.stdout + demo.stderr
