"""Where the simulator finds the OpenAPI document, and ACRONIS_REQUIRE_OPENAPI=1 failing the
needs_openapi tests when it finds none."""

import os
import subprocess
import sys

import pytest

from tests.simulator.control import REPO_ROOT
from tests.simulator.validation import SPEC_ENV, SPEC_RELATIVE, find_spec

ROUTE_TEST = ("tests/simulator_tests/test_validation.py::"
              "test_every_route_is_an_operation_of_the_document")


def git(*args):
    subprocess.run(["git", *args], check=True, capture_output=True)


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """`work/shared/acronis/<document>` beside the checkout `work/main`, and `elsewhere/clone`, a
    checkout with no shared/ above it."""
    monkeypatch.delenv(SPEC_ENV, raising=False)
    spec = tmp_path / "work" / SPEC_RELATIVE
    spec.parent.mkdir(parents=True)
    spec.write_text("{}")
    main, clone = tmp_path / "work" / "main", tmp_path / "elsewhere" / "clone"
    for checkout in (main, clone):
        git("init", "-q", str(checkout))
    return spec, main, clone


def test_found_above_the_checkout(layout):
    spec, main, dummy = layout
    assert find_spec(main) == spec


@pytest.mark.parametrize("url", ["{main}", "file://{main}"])
def test_found_above_the_local_checkout_a_clone_was_made_from(layout, url):
    spec, main, clone = layout
    assert find_spec(clone) != spec
    git("-C", str(clone), "remote", "add", "origin", url.format(main=main))
    assert find_spec(clone) == spec


def test_a_remote_that_is_no_local_folder_is_ignored(layout, tmp_path):
    spec, dummy, clone = layout
    git("-C", str(clone), "remote", "add", "origin", "https://example.invalid/main.git")
    assert find_spec(clone) != spec
    assert find_spec(tmp_path / "not-a-checkout") != spec


def test_the_environment_variable_wins(layout, tmp_path, monkeypatch):
    spec, main, dummy = layout
    monkeypatch.setenv(SPEC_ENV, str(tmp_path / "absent.json"))
    assert find_spec(main) is None
    monkeypatch.setenv(SPEC_ENV, str(spec))
    assert find_spec(tmp_path) == spec


@pytest.mark.parametrize("required,outcome", [("", "1 skipped"), ("1", "1 failed")])
def test_require_openapi_fails_instead_of_skipping(tmp_path, required, outcome):
    env = dict(os.environ, ACRONIS_OPENAPI_SPEC=str(tmp_path / "absent.json"),
               ACRONIS_REQUIRE_OPENAPI=required)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfs",
                          ROUTE_TEST], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    assert outcome in run.stdout and "is absent" in run.stdout, run.stdout + run.stderr
    assert run.returncode == (1 if required else 0)
    assert ("ACRONIS_REQUIRE_OPENAPI=1 requires it" in run.stdout) == bool(required)
