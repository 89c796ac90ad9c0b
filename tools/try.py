"""`make try INVENTORY=FILE [PLAYBOOK=onboard|report|offboard] [ARGS='--check --diff']`: one of the
collection's playbooks on your own inventory, against a local simulator of the Acronis API.

The simulator's state is kept in .try/ between runs, so what a datacenter would show on day two can be
tried here first: run it again (nothing should change), rename or move a tenant, make a typo, offboard.
`make try-reset` forgets the state. Reports go to .try/reports/.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.playbook import BIN, COLLECTIONS  # noqa: E402
from tests.simulator.control import SimulatorAdmin, SimulatorProcess  # noqa: E402

PLAYBOOKS = ("onboard", "report", "offboard")
STATE_DIR = REPO / ".try"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="make try", description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--inventory", help="your inventory (a file or a folder, as for ansible-playbook -i)")
    parser.add_argument("--playbook", default="onboard", choices=PLAYBOOKS)
    parser.add_argument("--args", default="", help="more ansible-playbook arguments, e.g. '--check --diff'")
    parser.add_argument("--dir", type=Path, default=STATE_DIR, help="where the state and reports are kept")
    parser.add_argument("--reset", action="store_true", help="forget the simulator's state and reports")
    return parser.parse_args(argv)


def run_playbook(conn, inventory, playbook, extra, reports):
    env = dict(os.environ, ACRONIS_DATACENTER_URL=conn["datacenter_url"], ACRONIS_CLIENT_ID=conn["client_id"],
               ACRONIS_CLIENT_SECRET=conn["client_secret"], ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS))
    command = [str(BIN / "ansible-playbook"), "-i", inventory, str(REPO / "playbooks" / (playbook + ".yml")),
               "-e", "acronis_report_dir=%s" % reports] + shlex.split(extra)
    print("$ " + " ".join(shlex.quote(part) for part in command[1:]), flush=True)
    return subprocess.run(command, env=env, check=False).returncode


def main(argv):
    args = parse_args(argv)
    if args.reset:
        shutil.rmtree(args.dir, ignore_errors=True)
        print("forgot the simulator's state (%s)" % args.dir)
        return 0
    if not args.inventory:
        print("make try: give your inventory: make try INVENTORY=path/to/hosts.yml", file=sys.stderr)
        return 2
    inventory = Path(args.inventory).expanduser().resolve()
    if not inventory.exists():
        print("make try: INVENTORY=%s does not exist" % args.inventory, file=sys.stderr)
        return 2
    args.dir.mkdir(mode=0o700, exist_ok=True)
    reports = args.dir / "reports"
    with SimulatorProcess(state_file=args.dir / "simulator.json") as simulator:
        admin = SimulatorAdmin(simulator.url)
        admin.reset_stats()
        print("Simulator of the Acronis API at %s, state in %s\n" % (simulator.url, args.dir), flush=True)
        rc = run_playbook(simulator.conn, str(inventory), args.playbook, args.args, reports)
        stats = admin.stats()
    print("\nAPI requests of this run: %d (%d writes, %d activation e-mails); reports in %s"
          % (stats["total"], stats["writes"], stats["emails_sent"], reports))
    print("Run it again, change the inventory, or `make try-reset` to start from an empty datacenter.")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
