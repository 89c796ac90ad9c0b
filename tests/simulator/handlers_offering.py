"""Offering items and quotas, services (applications) and their tenant bindings, storages."""

from . import catalogue
from . import errors as E
from .context import decode_cursor, paginate
from .errors import ApiError, bad_request, conflict, not_found
from .handlers_tenants import CHILD_KINDS
from .handlers_usage import check_turned_off
from .store import now_iso
from .views import item_view

_TYPES = ("count", "feature", "infra")


def _offerable(store, tenant):
    """Catalogue items a tenant could have: those enabled on its parent (all for the root)."""
    if tenant["parent_id"] == tenant["id"]:
        return list(catalogue.ITEMS)
    parent_id = tenant["parent_id"]
    return [i for i in catalogue.ITEMS
            if store.item_enabled(parent_id, catalogue.item_key(i["application_id"], i["name"],
                                                                i.get("infra_id")))]


def _key(item):
    return catalogue.item_key(item["application_id"], item["name"], item.get("infra_id"))


def _filter(ctx, items, states):
    edition = ctx.q("edition", "standard")
    usages = set(filter(None, (ctx.q("usage_names") or "").split(","))) or None
    status = ctx.q_int("status")
    item_type = ctx.q("type")
    if item_type is not None and item_type not in _TYPES:
        raise bad_request(f"Query parameter 'type' must be one of {', '.join(_TYPES)}.")
    infra = ctx.q("infra_uuid")
    out = []
    for item in items:
        state = states.get(_key(item))
        if not catalogue.edition_matches(item, edition):
            continue
        if usages and item["usage_name"] not in usages:
            continue
        if status is not None and (state["status"] if state else 0) != status:
            continue
        if item_type and item["type"] != item_type:
            continue
        if infra and item.get("infra_id") != infra:
            continue
        out.append(item)
    return out


def get_items(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    states = ctx.store.items.get(tenant["id"], {})
    items = _filter(ctx, _offerable(ctx.store, tenant), states)
    locked = bool(tenant["owner_id"])
    return 200, {"timestamp": now_iso(),
                 "items": [item_view(i, tenant["id"], states.get(_key(i)), locked)
                           for i in items]}


def batch_items(ctx):
    """GET /tenants/offering_items: "a batch of the offering items with their states and associated
    quotas" of every tenant of the subtree of `subtree_root_tenant_id` ("sorting by tenant level is always
    assumed"), filtered by `usage_names`, `editions` and `offering_items` [DOC]. Each tenant's items are
    what GET /tenants/{id}/offering_items?edition=* lists; personal tenants are included (the operation
    names no exception) [INF]. Without a root the caller's home tenant is the root [INF]."""
    if ctx.q("after"):
        spec = decode_cursor(ctx.q("after"))
    else:
        spec = {"root": ctx.q("subtree_root_tenant_id") or ctx.home_id,
                "usages": ctx.q("usage_names"), "editions": ctx.q("editions"), "names": ctx.q("offering_items"),
                "limit": ctx.q_int("limit", ctx.config["tenants_default_limit"], minimum=1)}
    ctx.tenant(spec["root"])
    wanted = {key: set(filter(None, (spec[key] or "").split(","))) for key in ("usages", "editions", "names")}
    store, keyed = ctx.store, []
    for tenant in store.subtree(spec["root"], include_personal=True):
        states = store.items.get(tenant["id"], {})
        for index, item in enumerate(_offerable(store, tenant)):
            if ((wanted["usages"] and item["usage_name"] not in wanted["usages"])
                    or (wanted["editions"] and item["edition"] not in wanted["editions"])
                    or (wanted["names"] and item["name"] not in wanted["names"])):
                continue
            keyed.append(([store.level(tenant["id"]), tenant["seq"], index],
                          item_view(item, tenant["id"], states.get(_key(item)), bool(tenant["owner_id"]))))
    keyed.sort(key=lambda pair: pair[0])
    items, paging = paginate(keyed, spec["limit"], spec.pop("k", None), spec)
    return 200, {"timestamp": now_iso(), "items": items, "paging": paging}


def available_for_child(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    kind = ctx.q("kind")
    if kind is not None and kind not in CHILD_KINDS.get(tenant["kind"], ()):
        raise bad_request(f"A child of kind '{kind}' cannot exist under the {tenant['kind']} "
                          f"tenant '{tenant['name']}'.", code=E.BUSINESS_RULES)
    states = ctx.store.items.get(tenant["id"], {})
    enabled = [i for i in catalogue.ITEMS if states.get(_key(i), {}).get("status") == 1]
    items = _filter(ctx, enabled, {})
    # Shaped so that a client can copy them into the child's PUT: status 1, no quota (the new
    # child's quotas start unlimited at version 0) [INF].
    views = []
    for item in items:
        template = {"status": 1, "value": None, "overage": None, "version": 0,
                    "updated_at": None}
        view = item_view(item, tenant["id"], template)
        view.pop("quota", None)
        views.append(view)
    return 200, {"timestamp": now_iso(), "items": views}


# ---------------------------------------------------------------------- PUT offering items
def _resolve(entry):
    app_id, name = entry.get("application_id"), entry.get("name")
    variants = catalogue.items_named(app_id, name)
    if not variants:
        app = catalogue.APPLICATIONS_BY_ID.get(app_id, {}).get("name", app_id)
        raise bad_request(f"Offering item '{name}' does not exist for application '{app}'.",
                          code=E.ITEM_NOT_AVAILABLE)
    if variants[0]["type"] != "infra":
        return variants[0]
    infra_id = entry.get("infra_id")
    for item in variants:
        if item["infra_id"] == infra_id:
            return item
    choices = ", ".join(f"{i['infra_id']} ({catalogue.INFRAS_BY_ID[i['infra_id']]['name']})"
                        for i in variants)
    raise bad_request(f"Offering item '{name}' is a storage item: it needs an infra_id naming "
                      f"the storage, one of: {choices}.", code=E.ITEM_NOT_AVAILABLE)


def _new_quota(store, item, entry, current, enabling):
    """The item's (value, overage, version) after the request, checking the quota version."""
    quota = entry.get("quota")
    cur = (None, None, 0)
    if current:
        cur = (current["value"], current["overage"], current["version"])
    if quota is None:
        return (None, None, 0) if enabling else cur
    if item["type"] == "feature":
        raise bad_request(f"Offering item '{item['name']}' is a feature and has no quota.")
    missing = [k for k in ("value", "overage", "version") if k not in quota]
    if missing:
        raise bad_request(f"The quota of offering item '{item['name']}' must contain value, "
                          f"overage and version; missing: {', '.join(missing)}.")
    for key in ("value", "overage"):
        if quota[key] is not None and (not isinstance(quota[key], int) or quota[key] < 0):
            raise bad_request(f"quota.{key} of offering item '{item['name']}' must be null or "
                              f"a non-negative integer.")
    if quota["version"] != cur[2]:
        raise conflict(f"Quota version mismatch for offering item '{item['name']}': it is at "
                       f"version {cur[2]}, the request carried {quota['version']}. Read the "
                       f"items again and retry.", code=E.VERSION_MISMATCH,
                       current_version=cur[2])
    if quota["value"] is None:
        return (None, None, 0)  # unlimited also clears overage and version (docs/api-notes.md, Offering items)
    if (quota["value"], quota["overage"]) == cur[:2]:
        return cur
    return (quota["value"], quota["overage"], store.next_quota_version())


def _plan_entry(ctx, tenant, entry, seen):
    store = ctx.store
    item = _resolve(entry)
    key = _key(item)
    if key in seen:
        raise bad_request(f"Offering item '{item['name']}' is listed twice in the request.")
    seen.add(key)
    current = store.item_state(tenant["id"], key)
    old_status = current["status"] if current else 0
    status = entry.get("status", old_status)
    if status not in (0, 1):
        raise bad_request(f"status of offering item '{item['name']}' must be 0 or 1.")
    if tenant["owner_id"] and status != old_status:
        raise bad_request(f"Offering items of the personal tenant '{tenant['name']}' cannot be "
                          f"switched on or off; only their quotas can be changed.",
                          code=E.BUSINESS_RULES)
    if status == 1 and old_status == 0:
        _check_parent_has(store, tenant, item, key)
    if status == 0 and old_status == 1:
        _check_no_dependants(store, tenant, item, key)
    if status == 0:
        if entry.get("quota") is not None:
            raise bad_request(f"Offering item '{item['name']}' is disabled: send status 1 to "
                              f"enable it together with its quota.")
        return item, key, (0, None, None, 0)
    value, overage, version = _new_quota(store, item, entry, current if old_status else None,
                                         enabling=old_status == 0)
    return item, key, (1, value, overage, version)


def _check_parent_has(store, tenant, item, key):
    parent = store.tenants[tenant["parent_id"]]
    if parent["id"] != tenant["id"] and not store.item_enabled(parent["id"], key):
        where = f" on storage '{catalogue.INFRAS_BY_ID[item['infra_id']]['name']}'" if item.get(
            "infra_id") else ""
        raise bad_request(f"Offering item '{item['name']}'{where} is not available: the parent "
                          f"tenant '{parent['name']}' does not have it enabled.",
                          code=E.ITEM_NOT_AVAILABLE,
                          context={"name": item["name"], "parent_id": parent["id"]})


def _check_no_dependants(store, tenant, item, key):
    for child in store.children(tenant["id"], include_personal=True):
        if store.item_enabled(child["id"], key):
            raise bad_request(f"Offering item '{item['name']}' cannot be disabled on "
                              f"'{tenant['name']}': its child tenant '{child['name']}' still "
                              f"has it enabled.", code=E.ITEM_DEPENDENCY,
                              context={"child_id": child["id"]})


def _check_one_storage(store, tenant, plan):
    """A customer may have only one storage enabled (docs/api-notes.md, Offering items)."""
    if tenant["kind"] != "customer":
        return
    planned = {key: state[0] for _item, key, state in plan}
    infras = set()
    for item in catalogue.ITEMS:
        if item["type"] != "infra":
            continue
        key = _key(item)
        on = planned[key] == 1 if key in planned else store.item_enabled(tenant["id"], key)
        if on:
            infras.add(item["infra_id"])
    if len(infras) > 1:
        names = " and ".join(f"'{catalogue.INFRAS_BY_ID[i]['name']}'" for i in sorted(infras))
        raise bad_request(f"A customer tenant can use only one storage, but '{tenant['name']}' "
                          f"would have {names} enabled. Disable the items of one storage "
                          f"(status 0) before enabling the other.", code=E.BUSINESS_RULES)


def _check_one_edition(store, tenant, plan):
    """A customer holds one edition per service (docs/api-notes.md, Offering items [DOC]); another one is reached through
    PUT /tenants/{id}/edition, never by switching its items on. Status and code [INF]."""
    if tenant["kind"] != "customer":
        return
    planned = {key: state[0] for _item, key, state in plan}
    by_app = {}
    for item in catalogue.ITEMS:
        if item["edition"] is None:
            continue
        key = _key(item)
        if planned[key] == 1 if key in planned else store.item_enabled(tenant["id"], key):
            by_app.setdefault(item["application_id"], set()).add(item["edition"])
    for app_id, held in by_app.items():
        if len(held) > 1:
            app = catalogue.APPLICATIONS_BY_ID[app_id]["name"]
            raise bad_request(f"A customer tenant holds one edition per service, but '{tenant['name']}' "
                              f"would have items of {', '.join(sorted(held))} of '{app}' on. Switch "
                              f"the edition with PUT /tenants/{{tenant_id}}/edition instead.",
                              code=E.BUSINESS_RULES, context={"editions": sorted(held)})


def put_items(ctx):
    store = ctx.store
    tenant = ctx.tenant(ctx.path["tenant_id"])
    entries = ctx.field("offering_items", list, required=True)
    seen, plan = set(), []
    for entry in entries:
        if not isinstance(entry, dict):
            raise bad_request("Request body: 'offering_items' must be a list of objects.")
        plan.append(_plan_entry(ctx, tenant, entry, seen))
    _check_one_storage(store, tenant, plan)
    _check_one_edition(store, tenant, plan)
    check_turned_off(store, tenant, plan, ctx.body.get("check_usage"))
    views = []
    for item, key, (status, value, overage, version) in plan:
        current = store.item_state(tenant["id"], key)
        if current is None or (current["status"], current["value"], current["overage"],
                               current["version"]) != (status, value, overage, version):
            store.set_item(tenant["id"], key, status, value, overage, version)
        if status == 1:
            store.bind(tenant["id"], item["application_id"])
        views.append(item_view(item, tenant["id"], store.item_state(tenant["id"], key),
                               bool(tenant["owner_id"])))
    store.changed()
    return 200, {"timestamp": now_iso(), "items": views}


# ---------------------------------------------------------------------- services and storages
def list_applications(ctx):
    return 200, {"items": [dict(a) for a in catalogue.APPLICATIONS]}


def get_application(ctx):
    app = catalogue.APPLICATIONS_BY_ID.get(ctx.path["application_id"])
    if app is None:
        raise not_found("Application", ctx.path["application_id"])
    return 200, dict(app)


def tenant_applications(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    return 200, {"items": list(ctx.store.bindings.get(tenant["id"], []))}


def _binding_target(ctx):
    app = catalogue.APPLICATIONS_BY_ID.get(ctx.path["application_id"])
    if app is None:
        raise not_found("Application", ctx.path["application_id"])
    return app, ctx.tenant(ctx.path["tenant_id"])


def bind_application(ctx):
    store = ctx.store
    app, tenant = _binding_target(ctx)
    parent_id = tenant["parent_id"]
    if parent_id != tenant["id"] and app["id"] not in store.bindings.get(parent_id, []):
        parent = store.tenants[parent_id]
        raise ApiError(403, f"Service '{app['name']}' cannot be enabled for '{tenant['name']}': "
                       f"its parent '{parent['name']}' does not have it.",
                       code=E.BUSINESS_RULES)
    store.bind(tenant["id"], app["id"])
    store.changed()
    return 204, None


def unbind_application(ctx):
    """Disabling a service stops it and disables its offering items in the tenant and all its
    sub-tenants; the platform service (the management portal) cannot be disabled (Acronis' guide
    "Disabling a service for a sub-tenant"). Status and code of that refusal [INF]."""
    store = ctx.store
    app, tenant = _binding_target(ctx)
    if app["type"] == "platform":
        raise bad_request(f"Service '{app['name']}' is the management portal and cannot be disabled.",
                          code=E.BUSINESS_RULES)
    for sub in store.subtree(tenant["id"], include_personal=True):
        apps = store.bindings.get(sub["id"], [])
        if app["id"] in apps:
            apps.remove(app["id"])
        for key, state in store.items.get(sub["id"], {}).items():
            if key.startswith(app["id"] + "|") and state["status"] == 1:
                store.set_item(sub["id"], key, 0)
    store.changed()
    return 204, None


# ---------------------------------------------------------------------- edition switch
# Warning codes of the document's editionSwitchWarnings example; which apply when is [INF].
_SWITCH_WARNINGS = ("AllDevicesWithBackupsPreserved", "UsageStatisticsWillMigrate")
_DROPPED_WARNING = "OldFeaturesBecomeUnavailable"


def _counterpart(item, edition):
    """The item of `edition` for the same workload (and storage) as `item`, or None."""
    for other in catalogue.ITEMS:
        if (other["application_id"] == item["application_id"] and other["edition"] == edition
                and other["usage_name"] == item["usage_name"]
                and other.get("infra_id") == item.get("infra_id")):
            return other
    return None


def _switch_plan(ctx, tenant, app_id, edition):
    """What switching `tenant` (a customer) and its sub-tenants to `edition` of the service does:
    [(tenant id, old key, new item or None, old state)], and the warnings. Quotas go over to the
    new items (Acronis' "switching between editions" help page); an old item without a counterpart
    is switched off. Refused with the unavailable items in error.context (the operation's 400)."""
    store = ctx.store
    app = catalogue.APPLICATIONS_BY_ID.get(app_id)
    if app is None:
        raise not_found("Application", app_id)
    if tenant["kind"] != "customer":
        raise bad_request(f"Editions are switched on customer tenants; '{tenant['name']}' is a "
                          f"{tenant['kind']}.", code=E.BUSINESS_RULES)  # [INF]
    if not any(i["application_id"] == app_id and i["edition"] == edition for i in catalogue.ITEMS):
        raise bad_request(f"Service '{app['name']}' has no edition '{edition}'.",
                          code=E.ITEM_NOT_AVAILABLE, context={"target_edition": edition})
    steps, unavailable, dropped = [], [], False
    for sub in store.subtree(tenant["id"], include_personal=True):
        for key, state in store.items.get(sub["id"], {}).items():
            item = catalogue.ITEMS_BY_KEY.get(key)
            if (item is None or item["application_id"] != app_id or state["status"] != 1
                    or item["edition"] in (None, edition)):
                continue
            new = _counterpart(item, edition)
            dropped = dropped or new is None
            if sub["id"] == tenant["id"] and new is not None and not store.item_enabled(
                    tenant["parent_id"], _key(new)):
                unavailable.append({"name": new["name"], "infra_id": new.get("infra_id")})
            steps.append((sub["id"], key, new, state))
    if unavailable:
        parent = store.tenants[tenant["parent_id"]]
        raise bad_request(f"Edition '{edition}' cannot be switched on for '{tenant['name']}': its "
                          f"parent '{parent['name']}' does not offer "
                          f"{', '.join(u['name'] for u in unavailable)}.",
                          code=E.ITEM_NOT_AVAILABLE, context={"offering_items": unavailable})
    warnings = list(_SWITCH_WARNINGS) if steps else []
    if dropped:
        warnings.insert(0, _DROPPED_WARNING)
    return steps, warnings


def check_edition_switch(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    _steps, warnings = _switch_plan(ctx, tenant, ctx.q("application_id"), ctx.q("target_edition"))
    return 200, {"warnings": warnings}


def switch_edition(ctx):
    store = ctx.store
    tenant = ctx.tenant(ctx.path["tenant_id"])
    app_id = ctx.field("application_id", str, required=True)
    steps, _warnings = _switch_plan(ctx, tenant, app_id,
                                    ctx.field("target_edition", str, required=True))
    for tenant_id, old_key, new, state in steps:
        store.set_item(tenant_id, old_key, 0)
        if new is not None:
            version = store.next_quota_version() if state["value"] is not None else 0
            store.set_item(tenant_id, _key(new), 1, state["value"], state["overage"], version)
    store.changed()
    states = store.items.get(tenant["id"], {})
    items = [item_view(i, tenant["id"], states[_key(i)]) for i in catalogue.ITEMS
             if i["application_id"] == app_id and _key(i) in states]
    return 200, {"timestamp": now_iso(), "items": items}


def _infra_view(infra, owner_id):
    return {"id": infra["id"], "owner_tenant_id": owner_id, "location_id": infra["id"],
            "platform_owned": True, "name": infra["name"], "url": infra["url"],
            "capabilities": ["backup"], "backend_type": infra["backend_type"], "version": 1,
            "readonly": False}


def list_infra(ctx):
    wanted = set(filter(None, (ctx.q("uuids") or "").split(","))) or None
    root = ctx.store.identities.get("root_id")
    return 200, {"items": [_infra_view(i, root) for i in catalogue.INFRAS
                           if wanted is None or i["id"] in wanted]}


def get_infra(ctx):
    infra = catalogue.INFRAS_BY_ID.get(ctx.path["infra_id"])
    if infra is None:
        raise not_found("Storage infrastructure", ctx.path["infra_id"])
    return 200, _infra_view(infra, ctx.store.identities.get("root_id"))
