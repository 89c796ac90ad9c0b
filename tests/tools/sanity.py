"""Run ``ansible-test sanity`` on this checkout without containers and without the internet.

ansible-test only works from inside ``.../ansible_collections/<namespace>/<name>/``, so the working
tree (tracked files plus untracked files that git does not ignore, i.e. exactly what a commit would
contain; .venv, caches and build output stay out) is copied to a temporary directory with that shape.

Usage: python tests/tools/sanity.py [--releases PYTHON,PYTHON...] [extra ansible-test sanity arguments]
The Python running this script must have ansible-core (and so ansible-test) installed. --releases runs
the sanity tests of the ansible-core of each virtual environment's Python given, side by side (each run
is mostly one process: two of them use both cores), and prints each run's output after the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

REPO = Path(__file__).resolve().parents[2]
STAND_IN = Path(__file__).resolve().parent / "get_pip_offline.py"


def install_get_pip_stand_in(python_version):
    """Put the offline get-pip stand-in where ansible-test looks before it tries to download one."""
    from ansible_test._internal.python_requirements import get_venv_packages

    pip_version = get_venv_packages(SimpleNamespace(version=python_version))["pip"]
    cache = Path.home() / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / ("get_pip_%s.py" % pip_version.replace(".", "_"))
    if not target.exists() or target.read_bytes() != STAND_IN.read_bytes():
        shutil.copyfile(STAND_IN, target)


def working_tree_files():
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=REPO, check=True, capture_output=True).stdout.decode()
    return sorted({name for name in listing.split("\0") if name and (REPO / name).is_file()})


def stage(root):
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    dest = Path(root) / "ansible_collections" / galaxy["namespace"] / galaxy["name"]
    for name in working_tree_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target, follow_symlinks=False)
    return dest


def side_by_side(pythons, argv):
    """Run this script under each Python at once; print each run's output in turn; the worst exit code."""
    runs = []
    for python in pythons:
        log = tempfile.TemporaryFile()
        runs.append((python, log, time.monotonic(), subprocess.Popen(
            [python, __file__] + argv, stdout=log, stderr=subprocess.STDOUT)))
    worst = 0
    for python, log, start, process in runs:
        rc = process.wait()
        log.seek(0)
        version = subprocess.run([python, "-c", "import ansible; print(ansible.__version__)"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        print("=============== ansible-test sanity of ansible-core %s (%s): rc %d, %ds" % (
            version, python, rc, time.monotonic() - start), flush=True)
        sys.stdout.buffer.write(log.read())
        sys.stdout.flush()
        worst = max(worst, rc)
    return worst


def main(argv):
    if argv[:1] == ["--releases"]:
        return side_by_side(argv[1].split(","), argv[2:])
    python_version = "%d.%d" % sys.version_info[:2]
    install_get_pip_stand_in(python_version)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    # ansible-test looks up "python3.X" on PATH: make that the interpreter running this script.
    env["PATH"] = "%s:%s" % (bin_dir, env.get("PATH", ""))
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    with tempfile.TemporaryDirectory(prefix="acronis-sanity-") as root:
        dest = stage(root)
        # --local: run in this virtual environment. Each sanity test still gets its own managed virtual
        # environment under ~/.ansible/test/venv (pinned requirements from the package index, pip from
        # the stand-in above). --docker needs a container engine (none here) and --venv would rebuild
        # the controller environment (ansible-core's own requirements) for no gain; this venv already
        # has ansible-core from requirements-dev.txt.
        command = [str(bin_dir / "ansible-test"), "sanity", "--local", "--python", python_version,
                   "--color", "no"] + argv
        print("+ (cd %s && %s)" % (dest, " ".join(command)), flush=True)
        return subprocess.run(command, cwd=dest, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
