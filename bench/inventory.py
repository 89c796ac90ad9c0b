"""The benchmark's inventory: R resellers x C customers each, written once and read by every run.

Each customer has one backup user (activation e-mail, notification settings) and five quota items;
each reseller has the same five items, unlimited, so that it can grant them. The settings shared by
all tenants of a kind are group variables, as a partner would write them.
"""

from __future__ import annotations

import json

EDITION = "standard"
STORAGE = "Acronis Cloud Storage"
# Storage in GB (a plain number means GB to the collection), the other workloads as counts.
RESELLER_QUOTAS = {"storage": "unlimited", "servers": "unlimited", "vms": "unlimited",
                   "workstations": "unlimited", "mobiles": "unlimited"}
CUSTOMER_QUOTAS = {"storage": 500, "servers": 5, "vms": 5, "workstations": 20, "mobiles": 10}
USER_SETTINGS = {"activation": "email", "notifications": "errors", "quota_notifications": True}


def reseller_host(index):
    return "bench-r%02d" % index


def customer_host(reseller, index):
    return "bench-r%02d-c%04d" % (reseller, index)


def _reseller(index):
    return {"tenant_name": "Bench Reseller %02d" % index,
            "tenant_contact": {"email": "partners@r%02d.bench.example" % index}}


def _customer(reseller, index):
    domain = "c%04d.r%02d.bench.example" % (index, reseller)
    login = "bench.r%02d.c%04d" % (reseller, index)
    return {"tenant_name": "Bench Customer %02d-%04d" % (reseller, index),
            "tenant_parent": reseller_host(reseller),
            "tenant_contact": {"email": "it@" + domain},
            "tenant_users": [dict(USER_SETTINGS, login=login, email="backup@" + domain)]}


def inventory(resellers, customers):
    """The inventory as a dict (YAML inventories are a superset of JSON, so it is written as JSON)."""
    shared = {"tenant_edition": EDITION, "tenant_storage": STORAGE}
    return {
        "acronis_resellers": {
            "vars": dict(shared, tenant_quotas=RESELLER_QUOTAS),
            "hosts": {reseller_host(r): _reseller(r) for r in range(1, resellers + 1)},
        },
        "acronis_customers": {
            "vars": dict(shared, tenant_quotas=CUSTOMER_QUOTAS),
            "hosts": {customer_host(r, c): _customer(r, c)
                      for r in range(1, resellers + 1) for c in range(1, customers + 1)},
        },
    }


def write_inventory(path, resellers, customers):
    path.write_text(json.dumps(inventory(resellers, customers), indent=1) + "\n")
    return path


def tenants_of(data):
    """Every tenant of the inventory with its variables merged over its group's, parents first."""
    result = []
    for group in ("acronis_resellers", "acronis_customers"):
        for host, variables in data[group]["hosts"].items():
            result.append(dict(data[group]["vars"], host=host, kind="partner" if group == "acronis_resellers"
                               else "customer", **variables))
    return result
