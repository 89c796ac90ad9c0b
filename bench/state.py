"""What an onboarding left in the simulator, in a form that two runs can be compared by.

Tenants below the API client's tenant are named by their path of names; users by login; offering
items by their tenant's path (a personal tenant by its user's login). Ids, versions and timestamps
differ between runs and are left out.
"""

from __future__ import annotations

import hashlib
import json


def _paths(tenants, home_id):
    """{tenant id: "/name/name"} for the tenants below `home_id` (the others are left out)."""
    by_id = {tenant["id"]: tenant for tenant in tenants}
    paths = {}
    for tenant_id in by_id:
        names, current = [], by_id[tenant_id]
        while current and current["id"] != home_id and len(names) <= len(by_id):
            names.append(current["name"])
            current = by_id.get(current.get("parent_id"))
        if current and names:
            paths[tenant_id] = "/" + "/".join(reversed(names))
    return paths


def summary(state, home_id):
    """{"tenants": {...}, "users": {...}, "items": {...}} of the live objects below `home_id`."""
    tenants = [tenant for tenant in state["tenants"] if not tenant.get("deleted_at")]
    paths = _paths(tenants, home_id)
    users = [user for user in state["users"] if not user.get("deleted_at") and paths.get(user["tenant_id"])]
    personal = {user["personal_tenant_id"]: "user:" + user["login"] for user in users if user.get("personal_tenant_id")}
    roles = {}
    for policy in state.get("access_policies", []):
        if not policy.get("deleted_at"):
            roles.setdefault(policy.get("trustee_id"), set()).add(policy.get("role_id"))
    result = {"tenants": {}, "users": {}, "items": {}}
    for tenant in tenants:
        if paths.get(tenant["id"]) and tenant["id"] not in personal:
            result["tenants"][paths[tenant["id"]]] = {
                "kind": tenant["kind"], "enabled": tenant["enabled"],
                "email": (tenant.get("contact") or {}).get("email")}
    for user in users:
        result["users"][user["login"]] = {
            "tenant": paths[user["tenant_id"]], "email": (user.get("contact") or {}).get("email"),
            "enabled": user["enabled"], "notifications": sorted(user.get("notifications") or []),
            "roles": sorted(roles.get(user["id"], ())), "activation_emails": user.get("activation_emails")}
    for item in state["offering_items"]:
        owner = personal.get(item["tenant_id"]) or paths.get(item["tenant_id"])
        if owner and item.get("status") == 1:
            quota = item.get("quota") or {}
            key = "%s %s@%s" % (owner, item["name"], item.get("infra_id") or "")
            result["items"][key] = [quota.get("value"), quota.get("overage")]
    return result


def digest(summary_):
    """Counts and a hash of the summary: equal hashes mean the same tenants, users and quotas."""
    text = json.dumps(summary_, sort_keys=True)
    return {"tenants": len(summary_["tenants"]), "users": len(summary_["users"]),
            "quota_items": len(summary_["items"]), "sha256": hashlib.sha256(text.encode()).hexdigest()[:16]}
