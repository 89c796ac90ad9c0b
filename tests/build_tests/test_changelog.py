"""CHANGELOG.md and changelogs/changelog.yaml are what `make changelog` makes of the fragments and plugins.

`antsibull-changelog lint` checks each file alone; this catches a fragment or a module added without
regenerating the changelog. The release is regenerated in a copy, so the checkout is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What antsibull-changelog reads (galaxy.yml for the version; plugins and roles for new ones) and writes.
INPUTS = ("galaxy.yml", "changelogs", "plugins", "roles", "meta")
OUTPUTS = ("CHANGELOG.md", "changelogs/changelog.yaml")


def test_changelog_is_regenerated_from_every_fragment(tmp_path):
    if not (BIN / "antsibull-changelog").exists():
        pytest.skip("antsibull-changelog is installed in the 3.11 leg only (requirements-dev.txt)")
    for name in INPUTS:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, tmp_path / name)
    shutil.copy(REPO / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    done = subprocess.run([str(BIN / "antsibull-changelog"), "release", "--reload-plugins", "--refresh"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    stale = [name for name in OUTPUTS if (tmp_path / name).read_text() != (REPO / name).read_text()]
    assert not stale, "%s out of date: run `make changelog` and commit the result" % ", ".join(stale)
