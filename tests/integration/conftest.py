"""Fixtures for tests that drive real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from tests.integration.playbook import run_playbook


class Runner:
    """`runner.run(playbook_yaml, **options)` in a fresh folder per call, with the simulator's credentials."""

    def __init__(self, sim, tmp_path):
        self.sim = sim
        self.tmp_path = tmp_path
        self.count = 0

    def run(self, playbook, **options):
        self.count += 1
        options.setdefault("conn", self.sim.conn)
        return run_playbook(self.tmp_path / ("run%d" % self.count), playbook, **options)

    def writes_during(self, playbook, **options):
        """Run and return (run, number of write requests the simulator saw during it)."""
        before = self.sim.admin.stats()["writes"]
        run = self.run(playbook, **options)
        return run, self.sim.admin.stats()["writes"] - before


@pytest.fixture
def runner(sim, tmp_path):
    return Runner(sim, tmp_path)
