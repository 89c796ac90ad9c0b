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

import re
import time
from datetime import date, datetime, timezone
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
# A month's usage comes from a stored report in this format: the guide documents its structure.
REPORT_FORMAT = "json_v2_0"
REPORT_POLL_SECONDS = 2
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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


# -- a closed month, from a stored usage report --------------------------------------------------------

def month_period(month, today=None):
    """(first day, last day) of a closed month given as YYYY-MM."""
    found = _MONTH.match((month or "").strip())
    today = today or datetime.now(timezone.utc).date()
    if not found:
        raise OptionError("month", "%r is not a month; give it as YYYY-MM, such as %s" % (month, _previous(today)))
    first = date(int(found.group(1)), int(found.group(2)), 1)
    if first >= today.replace(day=1):
        raise OptionError("month", "%s is not over yet; a billing export reads a closed month, such as %s"
                          % (month.strip(), _previous(today)))
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first.isoformat(), date.fromordinal(following.toordinal() - 1).isoformat()


def _previous(today):
    last = date.fromordinal(today.replace(day=1).toordinal() - 1)
    return "%04d-%02d" % (last.year, last.month)


def report_usages(client, root_ids, month, timeout, sleep=time.sleep, clock=time.monotonic):
    """{tenant id: [usage objects]} of a closed month: one usage_summary report per root (its whole subtree
    and user accounts), waited for at most `timeout` seconds, downloaded, then deleted."""
    start, end = month_period(month)
    found = {}
    for root_id in root_ids:
        report = client.post("/reports", {
            "parameters": {"tenant_id": root_id, "kind": "usage_summary", "level": "accounts",
                           "period": {"start": start, "end": end}, "formats": [REPORT_FORMAT],
                           "hide_zero_usage": False},
            "schedule": {"type": "once"}, "result_action": "save"})
        try:
            stored = _wait_for(client, report["id"], month, timeout, sleep, clock)
            data = client.get("/reports/%s/stored/%s" % (report["id"], stored["id"])) or {}
        finally:
            _forget(client, report)
        of_report = {}
        for usage in data.get("tenants") or []:
            of_report.setdefault(usage.get("tenant_uuid"), []).append(dict(usage, range_start=start + "T00:00:00"))
        for tenant_id, usages in of_report.items():  # a root inside an earlier root's subtree adds nothing
            found.setdefault(tenant_id, usages)
    return found


def _wait_for(client, report_id, month, timeout, sleep, clock):
    deadline = clock() + timeout
    while True:
        items = (client.get("/reports/%s/stored" % report_id) or {}).get("items") or []
        ours = next((item for item in items if item.get("report_format") == REPORT_FORMAT), {})
        if ours.get("status") == "saved":
            return ours
        if ours.get("status") == "failed":
            raise AcronisError("the usage report of %s (report %s) failed on the platform; run again later"
                               % (month, report_id))
        left = deadline - clock()
        if left <= 0:
            raise OptionError("report_timeout", "the usage report of %s (report %s) was not ready after %s s "
                                                "(status %s); run again later or allow more seconds"
                              % (month, report_id, timeout, ours.get("status") or "not listed"))
        sleep(min(REPORT_POLL_SECONDS, left))


def _forget(client, report):
    """Delete the one-time report: its data was downloaded (or will never be)."""
    try:
        client.delete("/reports/%s" % report["id"], params={"version": report.get("version", 1)})
    except AcronisError:
        pass  # a leftover one-time report configuration harms nothing


def usage_info(client, params, check_mode):
    """Read-only: usage against quota of one tenant, a list of tenants, or a subtree (default: the API
    client's own tenant and everything below it)."""
    threshold = params.get("threshold")
    check_threshold(threshold)
    workloads = [name.strip() for name in params.get("workloads") or []]
    check_workloads(client, workloads)
    if params.get("month"):
        month_period(params["month"])
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
    if params.get("month"):
        roots = [tenants[0]["id"]] if option == "subtree_root" and tenants else [tenant["id"] for tenant in tenants]
        usages = report_usages(client, roots, params["month"], params.get("report_timeout"))
    else:
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
    return {"changed": False, "threshold": threshold, "month": params.get("month"), "tenants": result,
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
