"""The usage benchmark's estate: 1 reseller x N customers, each with a backup user and usage against quota,
built directly through the API (an onboarding run of 1000 customers would dominate the benchmark)."""

from __future__ import annotations

import json

import requests

from bench.inventory import customer_host, reseller_host
from bench.script_onboard import Api
from tests.simulator.catalogue import ACRONIS_STORAGE_ID, BACKUP_APP_ID

GB = 1024 ** 3
ITEMS = ("pw_base_servers", "pw_base_vms", "pw_base_workstations", "pw_base_mobiles")
QUOTAS = {"pw_base_storage": 500 * GB, "pw_base_workstations": 20}


def offering_items(quotas):
    """The body of PUT offering_items that switches on the per-workload items with these quotas (soft)."""
    entries = []
    for name in ("pw_base_storage",) + ITEMS:
        entry = {"application_id": BACKUP_APP_ID, "name": name, "status": 1}
        if name == "pw_base_storage":
            entry["infra_id"] = ACRONIS_STORAGE_ID
        if name in quotas:
            entry["quota"] = {"value": quotas[name], "overage": None, "version": 0}
        entries.append(entry)
    return {"offering_items": entries}


def build_usage_estate(simulator, workdir, customers):
    """Writes the inventory and sets every customer's usage; returns (inventory path, tenants and users)."""
    conn = simulator.conn
    api = Api(conn["datacenter_url"], conn["client_id"], conn["client_secret"])
    reseller = api.call("POST", "/tenants", {"name": "Usage Reseller", "kind": "partner", "parent_id": api.home_id})
    api.call("PUT", "/tenants/%s/offering_items" % reseller["id"], offering_items({}))
    hosts, usages = {}, []
    for index in range(1, customers + 1):
        name = "Usage Customer %04d" % index
        customer = api.call("POST", "/tenants", {"name": name, "kind": "customer", "parent_id": reseller["id"]})
        api.call("PUT", "/tenants/%s/offering_items" % customer["id"], offering_items(QUOTAS))
        user = api.call("POST", "/users", {"tenant_id": customer["id"], "login": "usage.c%04d" % index,
                                           "contact": {"email": "backup@c%04d.usage.example" % index}})
        usages += [{"tenant_id": customer["id"], "name": "pw_base_workstations", "value": index % 25},
                   {"tenant_id": user["personal_tenant_id"], "name": "pw_base_storage",
                    "infra_id": ACRONIS_STORAGE_ID, "value": (index % 600) * GB}]
        hosts[customer_host(1, index)] = {"tenant_name": name, "tenant_parent": reseller_host(1)}
    requests.put(simulator.url + "/_sim/usages", json={"items": usages}, timeout=60).raise_for_status()
    inventory = {"acronis_resellers": {"hosts": {reseller_host(1): {"tenant_name": "Usage Reseller"}}},
                 "acronis_customers": {"hosts": hosts}}
    path = workdir / ("usage-inventory-%d.json" % customers)
    path.write_text(json.dumps(inventory, indent=1) + "\n")
    return path, 1 + 2 * customers
