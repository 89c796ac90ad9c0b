# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage against quota: find the tenants -> read their usages in batches -> compare with the quotas.

The platform reports usage per offering item (`GET /tenants/usages?tenants=a,b,...`), each object with
its quota (`offering_item.quota`); a tenant's usage includes that of the tenants below it, and a user's
own usage is reported on the user's personal tenant. A subtree costs one tenant listing, one user
listing and one usage call per USAGE_BATCH tenants, whatever its size. Plain dicts, no Ansible.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._offering import (
    FEATURE, format_amount, platform_workloads)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    get_tenant, resolve_tenant_ref, translate_read_error)

# Tenant ids per usage call: the other batch reads of the API take at most 100 ids.
USAGE_BATCH = 100
OK, NEAR, OVER = "ok", "near", "over"
STATES = (OK, NEAR, OVER)  # worst last
TENANT_FIELDS = ("id", "name", "kind", "parent_id")


def check_threshold(value):
    if value is None or isinstance(value, bool) or not 1 <= value <= 100:
        raise OptionError("threshold", "%r is not a percentage from 1 to 100 (the share of a quota from which "
                                       "a usage is reported as near)" % (value,))


def percentage(value, quota):
    """Usage as a percentage of the quota, one decimal; None for unlimited (and for a zero quota)."""
    if not quota:
        return None
    return float((Decimal(value) * 100 / Decimal(quota)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def usage_state(value, quota, threshold):
    """over: above the quota (a hard quota's overage is usage above it too); near: at the threshold."""
    if quota is None:
        return OK
    if value > quota:
        return OVER
    share = percentage(value, quota)
    return NEAR if share is not None and share >= threshold else OK


def worst(states):
    return max(states, key=STATES.index) if states else OK


def usage_view(usage, threshold):
    """One usage object in user terms, exact numbers in the item's unit (bytes for storage)."""
    unit = usage.get("measurement_unit")
    item = usage.get("offering_item") or {}
    quota = item.get("quota") or {}
    value = usage.get("value") or 0
    limit, overage = quota.get("value"), quota.get("overage")
    view = {"workload": usage.get("usage_name"), "item": usage.get("name"), "edition": usage.get("edition"),
            "storage": usage.get("infra_id"), "unit": unit, "value": value,
            "absolute_value": usage.get("absolute_value", value), "quota": limit, "overage": overage,
            "hard": overage is not None, "enabled": item.get("status") == 1,
            "percentage": percentage(value, limit), "state": usage_state(value, limit, threshold),
            "usage": format_amount(value, unit), "limit": format_amount(limit, unit),
            "range_start": usage.get("range_start")}
    return view


def wanted_usage(usage, workloads, include_idle):
    if usage.get("type") == FEATURE:
        return False
    if workloads and not (usage.get("usage_name") in workloads or usage.get("name") in workloads):
        return False
    quota = ((usage.get("offering_item") or {}).get("quota") or {}).get("value")
    return include_idle or bool(usage.get("value")) or quota is not None


def check_workloads(client, workloads):
    """Every asked workload must be a usage name the platform's services report."""
    if not workloads:
        return
    known = platform_workloads(client)
    unknown = [name for name in workloads if name not in known]
    if unknown:
        raise OptionError("workloads", "%s %s not a usage name of the platform's services; known: %s"
                          % (", ".join(repr(name) for name in unknown), "is" if len(unknown) == 1 else "are",
                             ", ".join(sorted(known))))


# -- reading ---------------------------------------------------------------------------------------

def read_usages(client, tenant_ids, option):
    """{tenant id: [usage objects]}, USAGE_BATCH tenants per call."""
    found = {}
    for start in range(0, len(tenant_ids), USAGE_BATCH):
        chunk = tenant_ids[start:start + USAGE_BATCH]
        try:
            page = client.get("/tenants/usages", params={"tenants": ",".join(chunk)}) or {}
        except AcronisError as exc:
            if exc.status in (403, 404) and len(chunk) == 1:
                raise translate_read_error(exc, option, chunk[0])
            raise
        for entry in page.get("items", []):
            found[entry.get("tenant")] = entry.get("usages") or []
    return found


def _subtree(client, root_id, option):
    """The root and every tenant below it (users' personal tenants are not listed), and their users."""
    try:
        tenants = list(client.paginate("/tenants", {"subtree_root_id": root_id, "lod": "basic"}))
        users = list(client.paginate("/users", {"subtree_root_tenant_id": root_id, "lod": "basic"}))
    except AcronisError as exc:
        raise translate_read_error(exc, option, root_id)
    return [tenant for tenant in tenants if not tenant.get("owner_id")], users


def _listed(client, refs, option):
    """The tenants given one by one (each read once per run), and their users."""
    tenants, users = [], []
    for index, ref in enumerate(refs):
        where = "%s[%d]" % (option, index) if option == "tenants" else option
        tenant_id = resolve_tenant_ref(client, ref.strip(), where)
        tenants.append(get_tenant(client, tenant_id, where))
        try:
            users.extend(client.paginate("/users", {"tenant_id": tenant_id, "lod": "basic"}))
        except AcronisError as exc:
            raise translate_read_error(exc, where, tenant_id)
    return tenants, users


def usage_info(client, params, check_mode):
    """Read-only: usage against quota of one tenant, a list of tenants, or a subtree (default: the API
    client's own tenant and everything below it)."""
    threshold = params.get("threshold")
    check_threshold(threshold)
    workloads = [name.strip() for name in params.get("workloads") or []]
    check_workloads(client, workloads)
    if params.get("tenants"):
        tenants, users = _listed(client, params["tenants"], "tenants")
        option = "tenants"
    elif params.get("tenant"):
        tenants, users = _listed(client, [params["tenant"]], "tenant")
        option = "tenant"
    else:
        option = "subtree_root"
        root = resolve_tenant_ref(client, (params.get("subtree_root") or "").strip() or None, option)
        tenants, users = _subtree(client, root, option)
    with_users = [user for user in users if user.get("personal_tenant_id")] if params.get("with_users") else []
    ids = list(dict.fromkeys([tenant["id"] for tenant in tenants] +
                             [user["personal_tenant_id"] for user in with_users]))
    usages = read_usages(client, ids, option)
    include_idle = params.get("include_idle")

    def views(tenant_id):
        return [usage_view(usage, threshold) for usage in usages.get(tenant_id, [])
                if wanted_usage(usage, workloads, include_idle)]

    users_of = {}
    for user in with_users:
        own = views(user["personal_tenant_id"])
        users_of.setdefault(user.get("tenant_id"), []).append(
            {"id": user["id"], "login": user.get("login"), "personal_tenant_id": user["personal_tenant_id"],
             "state": worst([view["state"] for view in own]), "usages": own})
    result = []
    for tenant in tenants:
        own = views(tenant["id"])
        members = sorted(users_of.get(tenant["id"], []), key=lambda user: (user["login"] or "").casefold())
        entry = {key: tenant.get(key) for key in TENANT_FIELDS}
        entry.update(usages=own, users=members,
                     state=worst([view["state"] for view in own] + [user["state"] for user in members]))
        result.append(entry)
    return {"changed": False, "threshold": threshold, "tenants": result,
            "over": limits_reached(result, OVER), "near": limits_reached(result, NEAR)}


def limits_reached(tenants, state):
    """`tenant: workload` (or `tenant / login: workload`) for every usage in `state`, for messages."""
    found = []
    for tenant in tenants:
        for view in tenant["usages"]:
            if view["state"] == state:
                found.append("%s: %s" % (tenant["name"], view["item"]))
        for user in tenant["users"]:
            for view in user["usages"]:
                if view["state"] == state:
                    found.append("%s / %s: %s" % (tenant["name"], user["login"], view["item"]))
    return found
