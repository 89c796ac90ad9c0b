"""execution-environment.yml: the build context ansible-builder makes from it holds what an AWX job needs.

No container engine here: `ansible-builder create` writes the context (Containerfile and _build/), then
the two steps of the image build that concern the collection are replayed on this machine - the galaxy
stage's `ansible-galaxy collection install -r requirements.yml` (offline, from the tarball in the context)
and the builder stage's introspection of the installed collections for their Python requirements.
"""

from __future__ import annotations

import shutil
import sys

import pytest
import yaml

from tests.build_tests.test_build_install import BIN, GALAXY, REPO, _env, _run

# The newest ansible-core, and 2.16 as in AAP 2.4 / 2.5: {file: the ansible-core requirement it installs}.
EE_FILES = {"execution-environment.yml": "ansible-core>=2.21,<2.22",
            "execution-environment-2.16.yml": "ansible-core>=2.16,<2.17"}
TARBALL = "%s-%s-%s.tar.gz" % (GALAXY["namespace"], GALAXY["name"], GALAXY["version"])

if not (BIN / "ansible-builder").exists():
    pytest.skip("ansible-builder is installed in the 3.11 leg only", allow_module_level=True)


@pytest.fixture(scope="module", params=sorted(EE_FILES))
def context(request, tmp_path_factory):
    """The build context, made as docs/awx.md says: tarball into build/ee/, then ansible-builder create."""
    root = tmp_path_factory.mktemp("ee")
    shutil.copy(REPO / request.param, root)
    env = _env(root / "none")
    _run([str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(root / "build" / "ee")],
         cwd=root, env=env)
    _run([str(BIN / "ansible-builder"), "create", "-f", request.param, "-c", "build/ee/context",
          "--output-filename", "Containerfile"], cwd=root, env=env)
    return request.param, root / "build" / "ee" / "context"


def test_containerfile_builds_on_the_base_image_with_ansible_core_runner_and_the_collection(context):
    ee_file, context = context
    definition = yaml.safe_load((REPO / ee_file).read_text())
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="%s"' % definition["images"]["base_image"]["name"] in containerfile
    install_refs = next(line for line in containerfile.splitlines() if line.startswith("ARG ANSIBLE_INSTALL_REFS="))
    assert EE_FILES[ee_file] in install_refs and "ansible-runner" in install_refs
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile


def test_context_holds_the_collection_tarball_of_this_version(context):
    context = context[1]
    assert (context / "_build" / "collections" / TARBALL).is_file()
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"] == [{"name": "collections/" + TARBALL, "type": "file"}], (
        "execution-environment.yml must install the tarball of version %s (galaxy.yml)" % GALAXY["version"])


def test_image_build_would_install_the_collection_and_requests(context, tmp_path):
    context = context[1]
    build = context / "_build"
    installed = tmp_path / "collections"
    # The galaxy stage: COPY _build /build, WORKDIR /build, install from requirements.yml.
    _run([str(BIN / "ansible-galaxy"), "collection", "install", "-r", "requirements.yml", "-p", str(installed),
          "--offline"], cwd=build, env=_env(installed))
    assert (installed / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"] / "MANIFEST.json").is_file()
    # The builder stage: Python requirements of every installed collection (meta/execution-environment.yml).
    output = _run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(installed)],
                  cwd=build, env=_env(installed))
    python = yaml.safe_load(output.split("---", 1)[1])["python"]
    assert any(line.startswith("requests") and "acronis.cyber_cloud" in line for line in python), python


@pytest.mark.parametrize("engine, written", [("podman", "Containerfile"), ("docker", "Dockerfile")])
def test_create_writes_the_file_the_container_engine_on_path_reads(engine, written, tmp_path):
    """docs/awx.md: ansible-builder 3 writes a Containerfile where podman is found, otherwise (docker) a
    Dockerfile. Only the venv's tools and a stand-in engine are on PATH."""
    engines = tmp_path / "engines"
    engines.mkdir()
    (engines / engine).write_text("#!/bin/sh\nexit 0\n")
    (engines / engine).chmod(0o755)
    shutil.copy(REPO / "execution-environment.yml", tmp_path)
    env = dict(_env(tmp_path / "none"), PATH="%s:%s" % (engines, BIN))
    _run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context"],
         cwd=tmp_path, env=env)
    assert sorted(path.name for path in (tmp_path / "context").iterdir()) == sorted([written, "_build"])
