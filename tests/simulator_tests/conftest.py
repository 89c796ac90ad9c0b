"""Fixtures of the simulator's usage and report tests."""

import pytest

from tests.simulator_tests.helpers import enable_per_workload, tenant, user


@pytest.fixture
def estate(api, sim):
    """A partner with a customer that has a backup user (so a personal tenant)."""
    home = sim.conn["tenant_id"]
    partner = tenant(api, "Reseller", home, kind="partner")
    enable_per_workload(api, partner["id"])
    customer = tenant(api, "Contoso", partner["id"])
    enable_per_workload(api, customer["id"])
    person = user(api, customer["id"], "contoso.backup")
    api.ok("PUT", f"/users/{person['id']}/access_policies", json={"items": [{
        "id": "0", "issuer_id": "0", "version": 0, "role_id": "backup_user",
        "tenant_id": customer["id"], "trustee_id": person["id"], "trustee_type": "user"}]})
    return partner, customer, person
