# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's services (applications) on and off by name: acronis_tenant's `services` option.

A service is named by its application's `type` (backup, files_cloud, notary, ...), as GET /applications lists
them. Switching one on binds the application to the tenant (POST /applications/{id}/bindings/tenants/{id});
switching it off unbinds it, which also stops it and its offering items in every sub-tenant
(DELETE, Acronis' guide "Disabling a service for a sub-tenant"). A tenant can have only services its parent has.
"""

from __future__ import annotations

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError, is_planned
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    ensure_tenant, resolve_tenant_ref, tenant_facts)

# The management portal itself: the API refuses to switch it off.
PLATFORM_SERVICE = "platform"


def application_ids(client):
    """Service name -> application id, read once per playbook run."""
    def read():
        apps = (client.get("/applications") or {}).get("items", [])
        return {app["type"]: app["id"] for app in apps if app.get("type")}
    return client.run_cached("applications:by-type", read)


def bound_applications(client, tenant_id):
    if is_planned(tenant_id):
        return set()
    return set((client.get("/tenants/%s/applications" % tenant_id) or {}).get("items", []))


def check_services(client, params):
    """Every problem with `services` in one message, before any write; returns name -> application id."""
    wanted = params["services"]
    by_name = application_ids(client)
    problems = ["%s: %r is not true or false" % (name, on) for name, on in sorted(wanted.items())
                if not isinstance(on, bool)]
    unknown = sorted(name for name in wanted if name not in by_name)
    if unknown:
        problems.append("unknown service %s; allowed: %s" % (", ".join(repr(name) for name in unknown),
                                                             ", ".join(sorted(by_name))))
    if wanted.get(PLATFORM_SERVICE) is False:
        problems.append("%s (the management portal) cannot be switched off" % PLATFORM_SERVICE)
    parent_id = _parent_id(client, params)
    if not unknown and parent_id and not is_planned(parent_id):
        parent_has = bound_applications(client, parent_id)
        lacking = sorted(name for name, on in wanted.items() if on is True and by_name[name] not in parent_has)
        if lacking:
            parent = tenant_facts(client, parent_id, "parent")
            problems.append("the parent %r does not have %s, so its tenants cannot; switch it on for the parent "
                            "first" % (parent.get("name"), ", ".join(lacking)))
    if problems:
        raise OptionError("services", "; ".join(problems))
    return by_name


def _parent_id(client, params):
    tenant_id = params.get("tenant_id")
    if tenant_id and not is_planned(tenant_id):
        facts = tenant_facts(client, tenant_id.lower())
        # The root tenant is its own parent and has every service.
        return None if facts.get("parent_id") in (None, facts.get("id")) else facts["parent_id"]
    return resolve_tenant_ref(client, params.get("parent"), "parent")


def ensure_tenant_with_services(client, params, check_mode):
    """acronis_tenant: the tenant, then its services."""
    if not params.get("services") or params.get("state") == "absent":
        return ensure_tenant(client, params, check_mode)
    by_name = check_services(client, params)
    result = ensure_tenant(client, params, check_mode)
    tenant_id = result["tenant"]["id"]
    bound = bound_applications(client, tenant_id)
    before = {name: by_name[name] in bound for name in params["services"]}
    after = dict(params["services"])
    changes = {name: on for name, on in after.items() if before[name] != on}
    if not check_mode:
        for name, on in sorted(changes.items()):
            path = "/applications/%s/bindings/tenants/%s" % (by_name[name], tenant_id)
            if on:
                client.post(path, retry_ambiguous=True)  # binding twice is harmless
            else:
                client.delete(path)
    if result["diff"]["before"]:
        result["diff"]["before"]["services"] = before
    result["diff"]["after"]["services"] = after
    result["tenant"]["services"] = after
    if changes:
        result["changed"] = True
        if result["outcome"] == "unchanged":
            result["outcome"] = "updated"
    return result
