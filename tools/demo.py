"""`make demo`: start the local simulator, onboard inventories/demo twice, show the report, stop.

The second run is the proof of idempotence: every tenant reports `unchanged` and the simulator counts
zero write requests. DEMO_REPORT_DIR sets the folder of the report (default: a new temporary folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# The venv running the demo (.venv or .venv312) and the collections folder where it links this checkout.
from tests.integration.playbook import BIN, COLLECTIONS  # noqa: E402
from tests.simulator.control import SimulatorAdmin, SimulatorProcess  # noqa: E402


def onboard(conn, report_dir, quiet):
    env = dict(os.environ, ACRONIS_DATACENTER_URL=conn["datacenter_url"], ACRONIS_CLIENT_ID=conn["client_id"],
               ACRONIS_CLIENT_SECRET=conn["client_secret"],
               ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS))
    command = [str(BIN / "ansible-playbook"), "-i", str(REPO / "inventories" / "demo"),
               str(REPO / "playbooks" / "onboard.yml"), "-e", "acronis_report_dir=%s" % report_dir]
    sys.stdout.flush()  # our headings before ansible-playbook's output, which shares our stdout
    if not quiet:
        return subprocess.run(command, env=env, cwd=REPO, check=False).returncode
    process = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    recap = process.stdout[process.stdout.rfind("PLAY RECAP"):]
    print(recap if process.returncode == 0 else process.stdout + process.stderr)
    return process.returncode


def main():
    report_dir = Path(os.environ.get("DEMO_REPORT_DIR") or tempfile.mkdtemp(prefix="acronis-demo-"))
    with SimulatorProcess() as simulator:
        admin = SimulatorAdmin(simulator.url)
        print("Simulator of the Acronis API at %s (client %s)\n" % (simulator.url, simulator.conn["client_id"]))
        print("=== First run: onboard inventories/demo ===")
        if onboard(simulator.conn, report_dir, quiet=False) != 0:
            return 1
        first = admin.stats()
        admin.reset_stats()
        print("\n=== Second run: the same inventory again (expect no change) ===")
        if onboard(simulator.conn, report_dir, quiet=True) != 0:
            return 1
        second = admin.stats()
        print("API requests: first run %d (%d writes, %d activation e-mails); second run %d (%d writes)"
              % (first["total"], first["writes"], first["emails_sent"], second["total"], second["writes"]))
        print("\n=== Report (%s) ===\n" % (report_dir / "onboarding.md"))
        print((report_dir / "onboarding.md").read_text())
        return 0 if second["writes"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
