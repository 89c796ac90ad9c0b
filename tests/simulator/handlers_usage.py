"""Service usage: GET /tenants/{id}/usages, the batch GET /tenants/usages, and the admin side.

Sources (OpenAPI FetchTenantUsages, FetchTenantsUsagesBatch, schema `usageOutput`; Acronis' guide
"Fetching a service usage of a tenant"):
- one usage object per offering item: `name` (with edition prefix), `usage_name`, `edition`,
  `type`, `measurement_unit`, `infra_id` (infra items only), `value` (current value),
  `absolute_value` (accumulated value), `range_start` (start of collection, by default the first day
  of the current month), `offering_item` {status, quota} only when the tenant has the item [DOC];
- tenants and personal tenants both report usage; a parent's usage is the total of its children's
  (the portal's "Current usage" report: "the parent tenant's usage may differ from the sum of the
  child tenants' usages" only through billing periods, which are not modelled) [DOC, summing INF];
- `absolute_value` equals `value`: no history is kept [INF]; feature items have no usage [INF].

Usage is set with PUT /_sim/usages (admin, see admin.py): each item replaces the tenant's OWN usage
of one offering item. A value that would take the tenant's or an ancestor's usage above a hard quota
(value + overage, docs/api-notes.md, Offering items) is refused with 400 and the documented code 1022 "hard quota
exceeded" (status [INF]): the platform stops further consumption there. Lowering a quota below the
usage is accepted (the usage is then over quota); `check_usage: true` on PUT offering_items refuses
turning off an item that still has usage ("check whether offering items being turned off have no
usage", OpenAPI tenantOfferingItemsPut) with 400/1016 (code from docs/api-notes.md, Offering items, status [INF]).
"""

from datetime import datetime, timezone

from . import catalogue
from .errors import ApiError, bad_request

HARD_QUOTA_EXCEEDED = 1022
ITEM_HAS_USAGE = 1016


def _key(item):
    return catalogue.item_key(item["application_id"], item["name"], item.get("infra_id"))


def _range_start():
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-01T00:00:00")


def subtree_usage(store, tenant_id, key):
    """The tenant's own usage of one item plus that of every tenant below it (personal ones too)."""
    total = 0
    for rec in store.subtree(tenant_id, include_personal=True):
        total += store.usages.get(rec["id"], {}).get(key, 0)
    return total


def _used_keys(store, tenant_id):
    keys = set()
    for rec in store.subtree(tenant_id, include_personal=True):
        keys.update(k for k, v in store.usages.get(rec["id"], {}).items() if v)
    return keys


def _csv(value):
    return set(filter(None, (value or "").split(","))) or None


def usage_objects(store, tenant_id, usage_names=None, editions=None):
    """The tenant's usage objects: every item it has on or that has usage in its subtree."""
    states = store.items.get(tenant_id, {})
    keys = {k for k, state in states.items() if state["status"] == 1} | _used_keys(store, tenant_id)
    out = []
    for item in catalogue.ITEMS:
        key = _key(item)
        if key not in keys or item["type"] == "feature":
            continue
        if usage_names and item["usage_name"] not in usage_names:
            continue
        if editions and item["edition"] is not None and item["edition"] not in editions:
            continue
        value = subtree_usage(store, tenant_id, key)
        usage = {"application_id": item["application_id"], "name": item["name"],
                 "edition": item["edition"], "usage_name": item["usage_name"],
                 "type": item["type"], "measurement_unit": item["measurement_unit"],
                 "tenant_uuid": tenant_id, "range_start": _range_start(),
                 "absolute_value": value, "value": value}
        if item.get("infra_id"):
            usage["infra_id"] = item["infra_id"]
        state = states.get(key)
        if state is not None:
            usage["offering_item"] = {"status": state["status"]}
            if state["status"] == 1:
                usage["offering_item"]["quota"] = {"value": state["value"],
                                                   "overage": state["overage"],
                                                   "version": state["version"]}
        out.append(usage)
    return out


def tenant_usages(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    return 200, {"items": usage_objects(ctx.store, tenant["id"], _csv(ctx.q("usage_names")),
                                        _csv(ctx.q("editions")))}


def tenants_usages(ctx):
    # Every listed tenant must exist and be in the caller's scope, like the other batch reads.
    ids = list(dict.fromkeys(ctx.q("tenants").split(",")))
    tenants = [ctx.tenant(tenant_id) for tenant_id in ids]
    names, editions = _csv(ctx.q("usage_names")), _csv(ctx.q("editions"))
    return 200, {"items": [{"tenant": rec["id"],
                            "usages": usage_objects(ctx.store, rec["id"], names, editions)}
                           for rec in tenants]}


# ---------------------------------------------------------------------- offering items hook
def check_turned_off(store, tenant, plan, check_usage):
    """With check_usage, refuse turning off an item that still has usage in the tenant's subtree."""
    if not check_usage:
        return
    for item, key, state in plan:
        current = store.item_state(tenant["id"], key)
        if state[0] == 0 and current and current["status"] == 1:
            used = subtree_usage(store, tenant["id"], key)
            if used:
                raise bad_request(f"Offering item '{item['name']}' cannot be turned off for "
                                  f"'{tenant['name']}': it has usage {used} "
                                  f"({item['measurement_unit']}).", code=ITEM_HAS_USAGE,
                                  context={"name": item["name"], "usage": used})


# ---------------------------------------------------------------------- admin: /_sim/usages
def _resolve(entry, index):
    where = f"items[{index}]"
    if not isinstance(entry, dict):
        raise ApiError(400, f"{where} must be an object.")
    name, infra_id, value = entry.get("name"), entry.get("infra_id"), entry.get("value")
    variants = [i for i in catalogue.ITEMS if i["name"] == name]
    if not variants:
        raise ApiError(400, f"{where}.name: unknown offering item '{name}'.")
    if variants[0]["type"] == "feature":
        raise ApiError(400, f"{where}.name: '{name}' is a feature and has no usage.")
    if variants[0]["type"] == "infra":
        found = [i for i in variants if i["infra_id"] == infra_id]
        if not found:
            raise ApiError(400, f"{where}.infra_id: '{name}' is a storage item; give one of "
                           f"{', '.join(i['infra_id'] for i in variants)}.")
        item = found[0]
    elif infra_id is not None:
        raise ApiError(400, f"{where}.infra_id: '{name}' is not a storage item.")
    else:
        item = variants[0]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApiError(400, f"{where}.value must be a non-negative integer in "
                       f"{item['measurement_unit']}.")
    return item


def _check_hard_quotas(store, tenant_id, key, item, own_after):
    """Refuse usage above value + overage of a hard quota on the tenant or any ancestor."""
    delta = own_after - store.usages.get(tenant_id, {}).get(key, 0)
    if delta <= 0:
        return
    for ancestor in store.ancestors(tenant_id):
        state = store.item_state(ancestor, key)
        if not state or state["status"] != 1 or state["value"] is None or state["overage"] is None:
            continue
        limit = state["value"] + state["overage"]
        after = subtree_usage(store, ancestor, key) + delta
        if after > limit:
            name = store.tenants[ancestor]["name"]
            raise ApiError(400, f"Hard quota exceeded: usage of '{item['name']}' in tenant "
                           f"'{name}' would be {after}, above its quota {state['value']} plus "
                           f"overage {state['overage']}.", code=HARD_QUOTA_EXCEEDED,
                           context={"tenant_id": ancestor, "name": item["name"]})


def put_usages(sim, body):
    store = sim.store
    entries = body.get("items")
    if not isinstance(entries, list):
        raise ApiError(400, "Body must be {\"items\": [{\"tenant_id\", \"name\", \"infra_id\"?, "
                       "\"value\"}]}.")
    with store.lock:
        plan = []
        for index, entry in enumerate(entries):
            item = _resolve(entry, index)
            tenant_id = entry.get("tenant_id")
            if store.tenant(tenant_id or "") is None:
                raise ApiError(404, f"items[{index}].tenant_id: tenant '{tenant_id}' was not found.")
            plan.append((tenant_id, _key(item), item, entry["value"]))
        # Checked one after the other against the state the earlier entries leave; nothing is kept
        # when one is refused.
        saved = {tid: dict(values) for tid, values in store.usages.items()}
        try:
            for tenant_id, key, item, value in plan:
                _check_hard_quotas(store, tenant_id, key, item, value)
                own = store.usages.setdefault(tenant_id, {})
                if value:
                    own[key] = value
                else:
                    own.pop(key, None)
        except ApiError:
            store.usages = saved
            raise
        store.changed()
    return get_usages(sim, {})


def get_usages(sim, body):
    store = sim.store
    out = []
    with store.lock:
        for tenant_id, values in store.usages.items():
            for key, value in sorted(values.items()):
                item = catalogue.ITEMS_BY_KEY[key]
                entry = {"tenant_id": tenant_id, "application_id": item["application_id"],
                         "name": item["name"], "usage_name": item["usage_name"], "value": value}
                if item.get("infra_id"):
                    entry["infra_id"] = item["infra_id"]
                out.append(entry)
    return 200, {"items": out}
