"""Fixtures of the reliability tests: sizes (CHAOS_* environment), a TLS simulator, generated inventories.

`make test` runs these tests at a small size; `make chaos` runs them with CHAOS_TENANTS (default 50)
and a Retry-After of 1 s.
"""

from __future__ import annotations

import os

import pytest

from tests.integration.conftest import runner  # noqa: F401  (the same fixture as the integration tests)
from tests.reliability import inventory as generator
from tests.simulator.control import SimulatorProcess

# Tenants of the generated inventories, and the Retry-After the simulator sends with its 429s.
CHAOS_TENANTS = int(os.environ.get("CHAOS_TENANTS", "10"))
CHAOS_RETRY_AFTER = float(os.environ.get("CHAOS_RETRY_AFTER", "0.25"))


@pytest.fixture(scope="module")
def tls_sim():
    with SimulatorProcess(tls=True) as process:
        yield process


@pytest.fixture
def chaos_inventory(tmp_path):
    """(path, {host: vars}) of a generated inventory of CHAOS_TENANTS tenants, outside any run's folder."""
    path, inventory = generator.write(tmp_path / "inventory", CHAOS_TENANTS)
    return path, inventory
