"""Run a command with a fresh local simulator: `python tools/with_simulator.py [--no-validate] -- CMD ...`.

The command gets ACRONIS_DATACENTER_URL / ACRONIS_CLIENT_ID / ACRONIS_CLIENT_SECRET (and ACRONIS_SIM_URL
for the admin endpoints) in its environment; the simulator stops when the command ends, and its exit
status is the command's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.simulator.control import SimulatorProcess  # noqa: E402


def main(argv):
    if "--" not in argv:
        sys.exit("usage: with_simulator.py [--no-validate] -- COMMAND [ARGS...]")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    with SimulatorProcess(validate="--no-validate" not in options) as simulator:
        env = dict(os.environ, ACRONIS_DATACENTER_URL=simulator.conn["datacenter_url"],
                   ACRONIS_CLIENT_ID=simulator.conn["client_id"],
                   ACRONIS_CLIENT_SECRET=simulator.conn["client_secret"], ACRONIS_SIM_URL=simulator.url)
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
