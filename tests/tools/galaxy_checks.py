"""The checks a collection gets where it is published, run on this working tree, offline.

  python tests/tools/galaxy_checks.py import   galaxy-importer (what Galaxy and Automation Hub run on an
                                               upload) on the tarball built from the working tree, its
                                               ansible-test step off (make sanity runs that);
  python tests/tools/galaxy_checks.py docs     antsibull-docs lint-collection-docs --plugin-docs (what a
                                               collection's docs site is built with).

Either fails on any error and on any warning. The Python running this script must have galaxy-importer
and antsibull-docs installed (requirements-galaxy.txt).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sanity import stage  # noqa: E402  (the working tree, as a commit would hold it)

BIN = Path(sys.executable).parent
# Galaxy refuses a collection without a `repository` URL; galaxy.yml has none until the collection has a
# public home, so the import check stands this one in (and says so).
STAND_IN_REPOSITORY = "https://example.invalid/acronis/cyber_cloud"
IMPORTER_CONFIG = "[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\nOFFLINE_ANSIBLE_LINT = True\n"


def _env(root):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), ANSIBLE_LOCAL_TEMP=str(Path(root) / "tmp"),
               ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", PYTHONWARNINGS="ignore::DeprecationWarning")
    return env


def galaxy_import(root):
    source = stage(root)
    galaxy_file = source / "galaxy.yml"
    galaxy = yaml.safe_load(galaxy_file.read_text())
    if not galaxy.get("repository"):
        print("galaxy.yml has no repository URL, which Galaxy requires: checking with %s" % STAND_IN_REPOSITORY)
        galaxy_file.write_text(galaxy_file.read_text() + "repository: %s\n" % STAND_IN_REPOSITORY)
    env = _env(root)
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", str(source), "--output-path", root],
                   cwd=root, env=env, check=True, capture_output=True)
    tarball = next(Path(root).glob("*.tar.gz"))
    config = Path(root) / "galaxy-importer.cfg"
    config.write_text(IMPORTER_CONFIG)
    process = subprocess.run([sys.executable, "-m", "galaxy_importer.main", str(tarball)], cwd=root,
                             env=dict(env, GALAXY_IMPORTER_CONFIG=str(config)), capture_output=True, text=True,
                             check=False)
    output = process.stdout + process.stderr
    print(output)
    problems = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if process.returncode or problems or "Importer processing completed successfully" not in output:
        print("galaxy-importer: %d warning(s) or error(s), rc %d" % (len(problems), process.returncode))
        return 1
    return 0


def docs_lint(root):
    source = stage(root)
    process = subprocess.run([str(BIN / "antsibull-docs"), "lint-collection-docs", "--plugin-docs", "."],
                             cwd=source, env=_env(root), capture_output=True, text=True, check=False)
    print(process.stdout + process.stderr)
    return 1 if process.returncode or process.stdout.strip() else 0


def main(argv):
    check = {"import": galaxy_import, "docs": docs_lint}[argv[0]]
    with tempfile.TemporaryDirectory(prefix="acronis-galaxy-") as root:
        return check(root)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
