"""A small estate with usages set through /_sim/usages, shared by the usage module's and playbook's tests.

Usage Reseller (partner)
  Near Co   storage quota 100 GB, 95 GB used (40 of them by user near.backup); servers unlimited, 3 used
  Over Co   workstations quota 5 (soft), 7 used; storage unlimited, 1 GB used
"""

from __future__ import annotations

import requests

from bench.usage_estate import offering_items
from tests.client_factory import make_client
from tests.simulator.catalogue import ACRONIS_STORAGE_ID

GB = 1024 ** 3


def _enable(client, tenant_id, quotas=None):
    client.put("/tenants/%s/offering_items" % tenant_id, offering_items(quotas or {}))


def set_usages(sim, *entries):
    items = []
    for tenant_id, name, value in entries:
        entry = {"tenant_id": tenant_id, "name": name, "value": value}
        if name.endswith("storage"):
            entry["infra_id"] = ACRONIS_STORAGE_ID
        items.append(entry)
    response = requests.put(sim.url + "/_sim/usages", json={"items": items}, timeout=10)
    response.raise_for_status()


def build(sim):
    client = make_client(sim.conn)
    partner = client.post("/tenants", {"name": "Usage Reseller", "kind": "partner",
                                       "parent_id": client.home_tenant_id()})
    _enable(client, partner["id"])
    near = client.post("/tenants", {"name": "Near Co", "kind": "customer", "parent_id": partner["id"]})
    _enable(client, near["id"], {"pw_base_storage": 100 * GB})
    over = client.post("/tenants", {"name": "Over Co", "kind": "customer", "parent_id": partner["id"]})
    _enable(client, over["id"], {"pw_base_workstations": 5})
    user = client.post("/users", {"tenant_id": near["id"], "login": "near.backup",
                                  "contact": {"email": "near.backup@near.example"}})
    client.put("/users/%s/access_policies" % user["id"], {"items": [{
        "id": "00000000-0000-0000-0000-000000000000", "issuer_id": "00000000-0000-0000-0000-000000000000",
        "role_id": "backup_user", "tenant_id": near["id"], "trustee_id": user["id"], "trustee_type": "user",
        "version": 0}]})
    set_usages(sim, (near["id"], "pw_base_storage", 55 * GB), (user["personal_tenant_id"], "pw_base_storage", 40 * GB),
               (near["id"], "pw_base_servers", 3), (over["id"], "pw_base_workstations", 7),
               (over["id"], "pw_base_storage", GB))
    return {"partner": partner, "near": near, "over": over, "user": user}
