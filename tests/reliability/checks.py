"""What the reliability tests check after a run: the cloud equals the inventory, nothing is duplicated or
extra, and which users a run warned about (their activation e-mail may not have gone out)."""

from __future__ import annotations

import json
import re

from tests.integration.inventory_state import differences, inventory_hosts
from tests.integration.playbook import REPO

ONBOARD = REPO / "playbooks" / "onboard.yml"
# Both warnings of acronis_backup_user that say an activation e-mail may not have been sent.
_EMAIL_WARNING = re.compile(r"(?:request for user|user) '([^']+)' (?:was lost|was found without roles)")


def tenant_hosts(inventory_path):
    return inventory_hosts(inventory_path)


def email_warnings(*runs):
    """Logins that the runs warned about: their activation e-mail may or may not have gone out."""
    logins = set()
    for run in runs:
        logins.update(_EMAIL_WARNING.findall(run.output + json.dumps(run.events)))
    return logins


def _live(objects):
    return [item for item in objects if not item.get("deleted_at")]


def below(state, root_id):
    """Live tenants (not users' personal ones) anywhere below `root_id`, and the users in them."""
    children = {}
    for tenant in _live(state["tenants"]):
        if not tenant.get("owner_id"):
            children.setdefault(tenant["parent_id"], []).append(tenant)
    found, pending = [], [root_id]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child["id"])
    ids = {tenant["id"] for tenant in found}
    return found, [user for user in _live(state["users"]) if user["tenant_id"] in ids]


def cloud_problems(sim, hosts, emails_maybe_lost=(), state=None):
    """Every difference between the cloud and the inventory, including duplicates and extra objects."""
    state = state or sim.admin.state()
    home = sim.conn["tenant_id"]
    problems = differences(state, hosts, home, emails_maybe_lost)
    tenants, users = below(state, home)
    wanted_users = sum(len(host_vars.get("tenant_users") or []) for host_vars in hosts.values())
    if len(tenants) != len(hosts):
        problems.append("%d tenants below the API client's tenant, the inventory has %d" % (len(tenants), len(hosts)))
    if len(users) != wanted_users:
        problems.append("%d users below the API client's tenant, the inventory has %d" % (len(users), wanted_users))
    return problems


def duplicates(state):
    """How many tenants (same parent and name) and users (same login) exist more than once."""
    tenants, logins = {}, {}
    for tenant in _live(state["tenants"]):
        key = (tenant["parent_id"], tenant["name"].casefold(), bool(tenant.get("owner_id")))
        tenants[key] = tenants.get(key, 0) + 1
    for user in _live(state["users"]):
        logins[user["login"].casefold()] = logins.get(user["login"].casefold(), 0) + 1
    return sum(count - 1 for count in tenants.values()) + sum(count - 1 for count in logins.values())


def expected_writes(inventory):
    """The writes a fault-free first run of a generated inventory makes (see tests/reliability/inventory.py)."""
    writes = 0
    for group in inventory.values():
        offerings = len(group.get("vars", {}).get("tenant_offerings") or [])
        for host_vars in group["hosts"].values():
            writes += 1 + offerings + (1 if host_vars.get("tenant_quotas") else 0)
            for user in host_vars.get("tenant_users") or []:
                activation = user.get("activation", "email")
                writes += 2 + (activation in ("email", "password")) + (1 if user.get("quotas") else 0)
    return writes
