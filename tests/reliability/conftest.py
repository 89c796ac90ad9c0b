"""Fixtures of the reliability tests: sizes (CHAOS_* environment), a TLS simulator, generated inventories.

`make test` runs these tests at a small size; `make chaos` runs them with CHAOS_TENANTS (default 50)
and a Retry-After of 1 s.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.integration.conftest import Runner
from tests.integration.playbook import REPO
from tests.reliability import inventory as generator
from tests.simulator.control import SimulatorProcess

# Tenants of the generated inventories, and the Retry-After the simulator sends with its 429s.
CHAOS_TENANTS = int(os.environ.get("CHAOS_TENANTS", "10"))
CHAOS_RETRY_AFTER = float(os.environ.get("CHAOS_RETRY_AFTER", "0.25"))
FIGURES = REPO / "tests" / "output" / "reliability"


@pytest.fixture
def runner(sim, tmp_path):
    """The integration tests' runner: ansible-playbook runs against the session simulator."""
    return Runner(sim, tmp_path)


@pytest.fixture(scope="session")
def tls_sim():
    with SimulatorProcess(tls=True) as process:
        yield process


@pytest.fixture
def chaos_inventory(tmp_path):
    """(path, {host: vars}) of a generated inventory of CHAOS_TENANTS tenants, outside any run's folder."""
    path, inventory = generator.write(tmp_path / "inventory", CHAOS_TENANTS)
    return path, inventory


@pytest.fixture
def figures(request):
    """A dict the test fills with what it counted; saved to tests/output/reliability/<test>.json,
    which `make chaos` prints at the end."""
    found = {}
    yield found
    if found:
        FIGURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        (FIGURES / ("%s.json" % name)).write_text(json.dumps(dict(found, tenants=CHAOS_TENANTS), indent=1))
