"""Generates onboarding inventories of any size for the reliability tests.

Resellers (one of them a sub-reseller, so the run has three depths) hold customers; every tenant has
users with a mix of roles, notification levels and activation kinds, and customers have quotas in
one of the three editions, some hard, some with per-user quotas. Names are deterministic, so two
runs of one inventory describe the same tenants; a few are unicode on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

EDITIONS = ("standard", "pck_per_workload", "pck_per_gigabyte")
STORAGE = "Acronis Cloud Storage"
NOTIFICATIONS = ("errors", "all", "none", "errors_and_warnings")
ACTIVATIONS = ("email", "password", "none")
# Names that must work through the whole chain (search, exact match, report).
UNICODE_NAMES = ("Müller & Söhne GmbH", "Café Zürich 東京", "Škoda Ñandú Ørsted")
EVERYTHING = {"storage": "unlimited", "servers": "unlimited", "vms": "unlimited",
              "workstations": "unlimited", "mobiles": "unlimited"}
# The password every `activation: password` user gets unless the caller gives another (the tests look for it
# in outputs).
PASSWORD = "Rel-Passw0rd!unique-7f3a"


def reseller_count(tenants):
    return max(2, tenants // 10)


def _reseller(index, prefix):
    host = "%s-r%02d" % (prefix, index)
    host_vars = {"tenant_name": "%s Reseller %02d" % (prefix.title(), index),
                 "tenant_contact": {"email": "partners@r%02d.%s.example" % (index, prefix)},
                 "tenant_users": [{"login": "%s.r%02d.admin" % (prefix, index),
                                   "email": "admin@r%02d.%s.example" % (index, prefix),
                                   "notifications": NOTIFICATIONS[index % len(NOTIFICATIONS)],
                                   "quota_notifications": index % 2 == 0}]}
    if index == 1:  # a sub-reseller under the first one: a third level
        host_vars["tenant_parent"] = "%s-r00" % prefix
    return host, host_vars


def _user(prefix, number, slot, customer_index, password):
    login = "%s.c%03d.u%d" % (prefix, number, slot)
    activation = ACTIVATIONS[(number + slot) % len(ACTIVATIONS)]
    user = {"login": login, "email": "u%d@c%03d.%s.example" % (slot, number, prefix),
            "first_name": "User%d" % slot, "last_name": "Of %03d" % number,
            "notifications": NOTIFICATIONS[(number + slot) % len(NOTIFICATIONS)],
            "quota_notifications": (number + slot) % 3 != 0, "activation": activation}
    if activation == "password":
        user["password"] = password
    if slot == 0 and customer_index % 3 == 0:
        user["manage_other_users"] = True
    if slot == 0 and customer_index % 4 == 1:
        user["quotas"] = {"storage": "50 GB", "workstations": 1}
    return user


def _customer(number, parent, prefix, password):
    host = "%s-c%03d" % (prefix, number)
    edition = EDITIONS[number % len(EDITIONS)]
    name = (UNICODE_NAMES[number // 7 % len(UNICODE_NAMES)] if number % 7 == 3
            else "%s Customer %03d" % (prefix.title(), number))
    quotas = {"storage": "%d GB" % (100 + 10 * number), "servers": number % 5 + 1, "vms": "unlimited",
              "workstations": {"value": 10 + number, "overage": 2} if number % 2 else 10 + number}
    users = [_user(prefix, number, slot, number, password) for slot in range(1 + number % 2)]
    return host, {"tenant_name": name, "tenant_parent": parent, "tenant_edition": edition,
                  "tenant_customer_id": "CRM-%s-%03d" % (prefix, number), "tenant_quotas": quotas,
                  "tenant_users": users}


def generate(tenants, prefix="rel", password=PASSWORD):
    """An inventory (as a dict in ansible's YAML inventory layout) of `tenants` tenants."""
    resellers = dict(_reseller(index, prefix) for index in range(reseller_count(tenants)))
    parents = sorted(resellers)
    customers = dict(_customer(number, parents[number % len(parents)], prefix, password)
                     for number in range(tenants - len(resellers)))
    offerings = [{"edition": edition, "storage": STORAGE, "quotas": EVERYTHING} for edition in EDITIONS]
    return {"acronis_resellers": {"hosts": resellers, "vars": {"tenant_offerings": offerings}},
            "acronis_customers": {"hosts": customers, "vars": {"tenant_storage": STORAGE}}}


def write(folder, tenants, prefix="rel", password=PASSWORD):
    """Write the inventory into `folder`/hosts.yml (JSON is YAML); returns (path, inventory dict)."""
    inventory = generate(tenants, prefix, password)
    path = Path(folder) / "hosts.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inventory, indent=1, ensure_ascii=False))
    return path, inventory


def hosts_of(inventory):
    """{host: vars} with the group's vars and the kind the group gives, like ansible merges them."""
    hosts = {}
    for group, kind in (("acronis_resellers", "partner"), ("acronis_customers", "customer")):
        section = inventory.get(group, {})
        for host, host_vars in section.get("hosts", {}).items():
            hosts[host] = dict(section.get("vars", {}), _kind=kind, **host_vars)
    return hosts
