"""Build the collection tarball, install it offline into an empty collections path and use it from there.

Catches what tests against the checkout cannot: files left out of (or leaking into) the tarball,
documentation that does not load from an installed copy, and FQCN resolution of the installed modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text())
FQCN = "%s.%s" % (GALAXY["namespace"], GALAXY["name"])
MODULES = sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
ROLES = sorted(path.name for path in (REPO / "roles").iterdir() if path.is_dir()) if (REPO / "roles").is_dir() else []

# Path components and name patterns that must never reach the tarball.
FORBIDDEN_DIRS = {".venv", ".venv312", ".git", ".ci", ".cache", ".ansible", ".pytest_cache", "__pycache__",
                  "htmlcov", "build", "dist", ".tox", ".mypy_cache", "acronis-reports"}
FORBIDDEN_PREFIXES = ("bench/results/", "tests/output/")


def _env(collections_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
    })
    return env


def _run(command, cwd, env, timeout=300):
    process = subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout,
                             check=False)
    assert process.returncode == 0, "%s failed (%d):\n%s\n%s" % (" ".join(command), process.returncode,
                                                                 process.stdout, process.stderr)
    return process.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tarball that `ansible-galaxy collection build` makes from this checkout."""
    out = tmp_path_factory.mktemp("build")
    # Run outside the checkout so that its ansible.cfg and collections path play no part.
    _run([str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(out)],
         cwd=out, env=_env(out / "none"))
    tarballs = list(out.glob("*.tar.gz"))
    expected = "%s-%s-%s.tar.gz" % (GALAXY["namespace"], GALAXY["name"], GALAXY["version"])
    assert [path.name for path in tarballs] == [expected]
    return tarballs[0]


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """A collections path holding only the collection installed from the tarball, without network."""
    root = tmp_path_factory.mktemp("installed")
    collections = root / "collections"
    _run([str(BIN / "ansible-galaxy"), "collection", "install", str(built), "-p", str(collections), "--offline"],
         cwd=root, env=_env(collections))
    target = collections / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"]
    assert (target / "MANIFEST.json").is_file()
    return collections


def test_tarball_holds_no_caches_environments_or_build_output(built):
    with tarfile.open(built) as tar:
        names = tar.getnames()
    leaked = [name for name in names
              if FORBIDDEN_DIRS.intersection(Path(name).parts)
              or name.startswith(FORBIDDEN_PREFIXES) or name in ("bench/results", "tests/output")
              or name.endswith((".pyc", ".pyo", ".tar.gz"))
              or Path(name).name.startswith(".coverage")]
    assert not leaked, "these should be in build_ignore of galaxy.yml: %s" % leaked


def test_tarball_holds_every_plugin_role_and_metadata_file(built):
    with tarfile.open(built) as tar:
        names = set(tar.getnames())
    expected = {"MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml", "CHANGELOG.md",
                "changelogs/changelog.yaml"}
    # What a commit would hold under these folders (tracked, or untracked and not ignored by git).
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                             "plugins", "roles", "playbooks"], cwd=str(REPO), capture_output=True, check=True).stdout
    expected.update(name for name in listed.decode().split("\0") if name and (REPO / name).is_file())
    missing = sorted(expected - names)
    assert not missing, "missing from the tarball: %s" % missing


@pytest.mark.parametrize("module", MODULES)
def test_installed_module_documentation_loads(installed, module, tmp_path):
    name = "%s.%s" % (FQCN, module)
    output = _run([str(BIN / "ansible-doc"), "-t", "module", "--json", name], cwd=tmp_path, env=_env(installed))
    doc = json.loads(output)[name]["doc"]
    assert doc["module"] == module
    assert doc["short_description"]
    assert Path(doc["filename"]).resolve().is_relative_to(installed.resolve()), doc["filename"]


def test_installed_module_list_is_complete(installed, tmp_path):
    output = _run([str(BIN / "ansible-doc"), "-t", "module", "--list", "--json", FQCN], cwd=tmp_path,
                  env=_env(installed))
    assert sorted(json.loads(output)) == ["%s.%s" % (FQCN, module) for module in MODULES]


@pytest.mark.parametrize("role", ROLES)
def test_installed_role_documentation_loads(installed, role, tmp_path):
    name = "%s.%s" % (FQCN, role)
    output = _run([str(BIN / "ansible-doc"), "-t", "role", "--json", name], cwd=tmp_path, env=_env(installed))
    entry_points = json.loads(output)[name]["entry_points"]
    assert "main" in entry_points, entry_points
    assert entry_points["main"].get("short_description")


def test_installed_collection_runs_by_fqcn(installed, sim, tmp_path):
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(textwrap.dedent("""\
        - name: Use the installed collection
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Create a customer
              %(fqcn)s.acronis_tenant:
                name: Build test customer
                kind: customer
              register: created

            - name: Create it again
              %(fqcn)s.acronis_tenant:
                name: Build test customer
                kind: customer
              register: again

            - name: The first run created it, the second changed nothing
              ansible.builtin.assert:
                that:
                  - created is changed
                  - again is not changed
                  - again.tenant.id == created.tenant.id
        """ % {"fqcn": FQCN}))
    env = _env(installed)
    env.update({"ACRONIS_DATACENTER_URL": sim.conn["datacenter_url"], "ACRONIS_CLIENT_ID": sim.conn["client_id"],
                "ACRONIS_CLIENT_SECRET": sim.conn["client_secret"], "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable})
    _run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)], cwd=tmp_path, env=env)
