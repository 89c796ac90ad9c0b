"""Tenants: create, read, list, update, enable/disable, delete, children, users, pricing, MFA."""

import time

from . import errors as E
from .context import decode_cursor, encode_cursor, paginate
from .errors import ApiError, bad_request, conflict, version_mismatch
from .seed import merge_contact, new_contact, tenant_record
from .store import now_iso
from .views import item_view, tenant_view
from . import catalogue

# Which kinds a tenant of each kind may contain [INF], docs/api-notes.md, Tenant kinds.
CHILD_KINDS = {
    "root": ("partner", "folder", "customer"),
    "partner": ("partner", "folder", "customer"),
    "folder": ("partner", "folder", "customer"),
    "customer": ("unit",),
    "unit": ("unit",),
}
LANGUAGES = {"bg", "zh", "zh-TW", "cs", "da", "nl", "en", "en-US", "fi", "fr", "de", "hu", "id",
             "it", "ja", "ko", "ms", "nb", "pl", "pt", "pt-BR", "ru", "sr", "es", "es-419", "sv",
             "tr"}
LODS = ("stamps", "basic", "full")
LIST_FILTERS = ("parent_id", "subtree_root_id", "uuids")


# ---------------------------------------------------------------------- shared checks
def check_language(language):
    if language is not None and language not in LANGUAGES:
        raise bad_request(f"Unsupported language '{language}'. Use one of: "
                          f"{', '.join(sorted(LANGUAGES))}.")


def check_child_kind(parent, kind):
    if parent["owner_id"]:
        raise bad_request(f"Tenants cannot be created under the personal tenant "
                          f"'{parent['name']}'.", code=E.BUSINESS_RULES)
    allowed = CHILD_KINDS.get(parent["kind"], ())
    if kind not in allowed:
        raise bad_request(
            f"A tenant of kind '{kind}' cannot be placed under the {parent['kind']} tenant "
            f"'{parent['name']}' (allowed there: {', '.join(allowed) or 'none'}).",
            code=E.BUSINESS_RULES, context={"parent_id": parent["id"], "kind": kind})


def check_sub_partner(ctx, parent, kind):
    """A partner below a partner needs a partnership option of the account that many partner accounts
    lack (Acronis' partner guide, "managing tenants"); the refusal's status and code are unknown:
    403/1002 with the `sub_partners` switch off [INF]."""
    if kind != "partner" or ctx.config["sub_partners"]:
        return
    store = ctx.store
    above = [store.tenants[i] for i in store.ancestors(parent["id"])]
    partner = next((t for t in above if t["kind"] == "partner"), None)
    if partner is not None:
        raise ApiError(403, f"A partner tenant cannot be placed under '{parent['name']}': the partner "
                       f"account '{partner['name']}' has no option to create sub-partners.",
                       code=E.ACCESS_DENIED, context={"parent_id": parent["id"], "kind": kind})


def check_name_free(store, parent, name, own_id=None):
    """Names are unique, case-insensitively, among non-deleted siblings [INF]."""
    for sibling in store.children(parent["id"]):
        if sibling["id"] != own_id and sibling["name"].lower() == name.lower():
            raise conflict(f"Tenant name conflict: a tenant named '{sibling['name']}' already "
                           f"exists under '{parent['name']}'.", code=E.NAME_CONFLICT,
                           context={"id": sibling["id"], "parent_id": parent["id"]})


def check_version(rec, given, what="tenant"):
    if not isinstance(given, int) or isinstance(given, bool):
        raise bad_request("Request body: required integer field 'version' is missing.")
    if given != rec["version"]:
        raise version_mismatch(what, rec.get("name") or rec.get("login"), rec["version"], given)


def check_unlocked(ctx, rec):
    lock = rec["update_lock"]
    if lock["enabled"] and lock["owner_id"] != ctx.client["client_id"]:
        raise ApiError(403, f"Tenant '{rec['name']}' is locked for changes by its owner.",
                       code=E.TENANT_LOCKED, context={"id": rec["id"]})


def touch(store, rec):
    rec["version"] += 1
    rec["updated_at"] = now_iso()
    store.changed()


# ---------------------------------------------------------------------- create / read
def create_tenant(ctx):
    body, store = ctx.body, ctx.store
    name = ctx.field("name", str, required=True).strip()
    kind = ctx.field("kind", str, required=True)
    parent = ctx.tenant(ctx.field("parent_id", str, required=True))
    if not name:
        raise bad_request("Request body: field 'name' must not be empty.")
    check_child_kind(parent, kind)
    check_sub_partner(ctx, parent, kind)
    if not parent["enabled"]:
        raise bad_request(f"Parent tenant '{parent['name']}' is disabled: enable it before "
                          f"creating tenants under it.", code=E.PARENT_DISABLED,
                          context={"parent_id": parent["id"]})
    check_name_free(store, parent, name)
    check_language(body.get("language"))
    enhanced = bool((body.get("settings") or {}).get("enhanced_security")
                    or body.get("enhanced_security"))
    lock_on = bool((body.get("update_lock") or {}).get("enabled"))
    rec = tenant_record(
        store, name, kind, parent["id"], enabled=body.get("enabled", True),
        customer_id=body.get("customer_id"), internal_tag=body.get("internal_tag"),
        language=body.get("language") or "en", contact=new_contact(body.get("contact")),
        ancestral_access=body.get("ancestral_access", True), enhanced_security=enhanced,
        update_lock={"enabled": lock_on,
                     "owner_id": ctx.client["client_id"] if lock_on else None},
        created_ts=time.time())
    if body.get("default_idp_id"):
        rec["default_idp_id"] = body["default_idp_id"]
    store.add_tenant(rec)
    store.changed()
    return 201, tenant_view(store, rec)


def get_tenant(ctx):
    rec = ctx.tenant(ctx.path["tenant_id"], allow_deleted=ctx.q_bool("allow_deleted"))
    return 200, tenant_view(ctx.store, rec, embed_path=ctx.q_bool("embed_path"))


def _list_spec(ctx):
    """The listing's filters: from the cursor when paging, else from the query."""
    if ctx.q("after"):
        return decode_cursor(ctx.q("after"))
    given = [f for f in LIST_FILTERS if ctx.q(f) is not None]
    if len(given) != 1:
        raise bad_request("GET /tenants needs exactly one of the filters parent_id, "
                          "subtree_root_id or uuids (they are mutually exclusive); got "
                          f"{', '.join(given) or 'none'}.")
    lod = ctx.q("lod", "full")
    if lod not in LODS:
        raise bad_request(f"Query parameter 'lod' must be one of {', '.join(LODS)}.")
    since = ctx.q_time("updated_since")
    return {"f": given[0], "v": ctx.q(given[0]), "lod": lod,
            "limit": ctx.q_int("limit", ctx.config["tenants_default_limit"], minimum=1),
            "del": ctx.q_bool("allow_deleted"),
            "since": since.isoformat(timespec="microseconds") if since else None,
            "oi": ctx.q_bool("with_offering_items"),
            "ioi": ctx.q_bool("with_infra_offering_items")}


def _listed_tenants(ctx, spec):
    store, personal = ctx.store, ctx.config["list_personal_tenants"]
    if spec["f"] == "parent_id":
        parent = ctx.tenant(spec["v"])
        recs = store.children(parent["id"], spec["del"], personal)
        return [(rec["seq"], rec) for rec in recs]
    if spec["f"] == "subtree_root_id":
        ctx.tenant(spec["v"])
        recs = store.subtree(spec["v"], spec["del"], personal)
        return sorted(([store.level(r["id"]), r["seq"]], r) for r in recs)
    ids = [i for i in spec["v"].split(",") if i]
    if len(ids) > 100:
        raise bad_request("Query parameter 'uuids' accepts at most 100 ids.")
    keyed = []
    for index, tenant_id in enumerate(ids):
        rec = store.tenant(tenant_id, spec["del"])
        if rec is None:
            continue  # unknown ids are simply absent from a batch [DOC]
        if not ctx.in_scope(tenant_id):
            raise ctx.out_of_scope("Tenant", tenant_id, rec["name"])
        keyed.append((index, rec))
    return keyed


def _embedded_items(store, rec, with_infra):
    items = []
    for key, state in store.items.get(rec["id"], {}).items():
        item = catalogue.ITEMS_BY_KEY.get(key)
        if item and state["status"] == 1 and (with_infra or item["type"] != "infra"):
            items.append(item_view(item, rec["id"], state))
    return items


def list_tenants(ctx):
    spec = _list_spec(ctx)
    keyed = _listed_tenants(ctx, spec)
    if spec["since"]:
        keyed = [(k, r) for k, r in keyed if r["updated_at"] > spec["since"]]
    after_key = spec.pop("k", None)
    recs, paging = paginate(keyed, spec["limit"], after_key, spec)
    store = ctx.store
    items = [tenant_view(store, r, spec["lod"],
                         offering_items=_embedded_items(store, r, spec["ioi"]) if spec["oi"]
                         else []) for r in recs]
    return 200, {"timestamp": now_iso(), "items": items, "paging": paging}


# ---------------------------------------------------------------------- update
def _apply_kind(ctx, rec, kind):
    if kind == rec["kind"]:
        return
    if {rec["kind"], kind} != {"partner", "folder"}:
        raise bad_request(f"The kind of tenant '{rec['name']}' cannot change from "
                          f"'{rec['kind']}' to '{kind}': only partner <-> folder is allowed.",
                          code=E.BUSINESS_RULES)
    check_sub_partner(ctx, ctx.store.tenants[rec["parent_id"]], kind)
    rec["kind"] = kind


def _apply_move(ctx, rec, parent_id):
    store = ctx.store
    if parent_id == rec["parent_id"]:
        return
    if rec["id"] == ctx.home_id:
        raise ctx.out_of_scope("Tenant", rec["id"], rec["name"])
    target = ctx.tenant(parent_id)
    if rec["kind"] not in ("partner", "folder", "customer") or target["kind"] not in (
            "partner", "folder"):
        raise bad_request(f"Tenant '{rec['name']}' ({rec['kind']}) cannot be moved under the "
                          f"{target['kind']} tenant '{target['name']}'.", code=E.BUSINESS_RULES)
    if store.is_within(target["id"], rec["id"]):
        raise bad_request(f"Tenant '{rec['name']}' cannot be moved under its own descendant "
                          f"'{target['name']}'.", code=E.MOVE_UNDER_CHILD)
    if not target["enabled"]:
        raise bad_request(f"Tenant '{rec['name']}' cannot be moved under the disabled tenant "
                          f"'{target['name']}'.", code=E.MOVE_UNDER_DISABLED)
    check_name_free(store, target, rec["name"], rec["id"])
    check_sub_partner(ctx, target, rec["kind"])
    store.move_tenant(rec, target["id"])


_SIMPLE_FIELDS = ("customer_type", "customer_id", "internal_tag", "language", "default_idp_id",
                  "ancestral_access", "external_operation_status")


def _spelled_out(body):
    """The body with `version` and the `enabled` flags as Acronis' example scripts send them too: "3",
    "true", "false" [OBS] (see validation._lenient)."""
    body = dict(body)
    if isinstance(body.get("version"), str) and body["version"].isdigit():
        body["version"] = int(body["version"])
    flags = {"true": True, "false": False}
    if body.get("enabled") in flags:
        body["enabled"] = flags[body["enabled"]]
    if isinstance(body.get("update_lock"), dict) and body["update_lock"].get("enabled") in flags:
        body["update_lock"] = dict(body["update_lock"], enabled=flags[body["update_lock"]["enabled"]])
    return body


def update_tenant(ctx):
    store, body = ctx.store, _spelled_out(ctx.body if isinstance(ctx.body, dict) else {})
    rec = ctx.tenant(ctx.path["tenant_id"])
    check_unlocked(ctx, rec)
    check_version(rec, body.get("version"))
    parent = store.tenants[rec["parent_id"]]
    if "name" in body and body["name"].strip() != rec["name"]:
        if not body["name"].strip():
            raise bad_request("Request body: field 'name' must not be empty.")
        check_name_free(store, parent, body["name"].strip(), rec["id"])
    check_language(body.get("language"))
    if body.get("enabled") is True and not rec["enabled"] and not parent["enabled"]:
        raise bad_request(f"Tenant '{rec['name']}' cannot be enabled while its parent "
                          f"'{parent['name']}' is disabled.", code=E.PARENT_DISABLED)
    if "kind" in body:
        _apply_kind(ctx, rec, body["kind"])
    if "parent_id" in body:
        _apply_move(ctx, rec, body["parent_id"])
    if "name" in body:
        rec["name"] = body["name"].strip()
    if "enabled" in body:
        rec["enabled"] = bool(body["enabled"])
    for key in _SIMPLE_FIELDS:
        if key in body:
            rec[key] = body[key]
    if rec["external_operation_status"] == "no_operation":
        rec["external_operation_status"] = None
    if body.get("contact"):
        merge_contact(rec["contact"], body["contact"])
    if "update_lock" in body:
        lock_on = bool(body["update_lock"].get("enabled"))
        rec["update_lock"] = {"enabled": lock_on,
                              "owner_id": ctx.client["client_id"] if lock_on else None}
    touch(store, rec)
    return 200, tenant_view(store, rec)


# ---------------------------------------------------------------------- delete
def soft_delete_tenant(store, rec, when):
    """Cascade: the tenant, its whole subtree (personal tenants too) and their users."""
    for sub in store.subtree(rec["id"], include_personal=True):
        sub["deleted_at"] = when
        sub["updated_at"] = when
        sub["enabled"] = False
        for user in store.users_of(sub["id"]):
            user["deleted_at"] = when
            user["updated_at"] = when
            store.release_login(user)


def delete_tenant(ctx):
    store = ctx.store
    rec = ctx.tenant(ctx.path["tenant_id"])
    if rec["id"] == ctx.home_id:
        raise ctx.out_of_scope("Tenant", rec["id"], rec["name"])
    version = ctx.q_int("version")
    if version is None:
        raise bad_request("Query parameter 'version' is required to delete a tenant.")
    check_unlocked(ctx, rec)
    check_version(rec, version)
    if rec["enabled"]:
        raise bad_request("It is prohibited to delete a non-disabled tenant.",
                          code=E.DELETE_ENABLED, context={"id": rec["id"]},
                          addition=[{"id": rec["id"]}])
    soft_delete_tenant(store, rec, now_iso())
    rec["version"] += 1
    store.changed()
    return 204, None


# ---------------------------------------------------------------------- children and users
_CHILD_ORDERS = {"name": lambda r: (r["name"].lower(), r["seq"]),
                 "as_is": lambda r: r["seq"], "usage": lambda r: r["seq"],
                 "status": lambda r: (not r["enabled"], r["seq"])}


def tenant_children(ctx):
    if ctx.q("after"):
        spec = decode_cursor(ctx.q("after"))
    else:
        spec = {"order": ctx.q("order", "name"), "del": ctx.q_bool("allow_deleted"), "o": 0}
    rec = ctx.tenant(ctx.path["tenant_id"])
    order = spec["order"]
    key = _CHILD_ORDERS.get(order.lstrip("-"))
    if key is None:
        raise bad_request(f"Query parameter 'order' must be one of "
                          f"{', '.join(_CHILD_ORDERS)} (prefix '-' for descending).")
    kids = sorted(ctx.store.children(rec["id"], spec["del"], ctx.config["list_personal_tenants"]),
                  key=key, reverse=order.startswith("-"))
    size, start = ctx.config["children_page_size"], spec["o"]
    page = kids[start:start + size]
    body = {"items": [k["id"] for k in page]}
    if start + size < len(kids):
        body["paging"] = {"cursors": {"after": encode_cursor(dict(spec, o=start + size))}}
    return 200, body


def tenant_users(ctx):
    rec = ctx.tenant(ctx.path["tenant_id"])
    allow_deleted = ctx.q_bool("allow_deleted")
    tenants = (ctx.store.subtree(rec["id"], allow_deleted, include_personal=True)
               if ctx.q_bool("include_grand_children") else [rec])
    users = [u for t in tenants for u in ctx.store.users_of(t["id"], allow_deleted)]
    users.sort(key=lambda u: u["login"].lower(), reverse=ctx.q("order", "").startswith("-"))
    return 200, {"items": [u["id"] for u in users]}


# ---------------------------------------------------------------------- pricing and MFA
def _pricing_view(rec):
    return {"mode": rec["pricing_mode"], "currency": rec["currency"],
            "version": rec["pricing_version"],
            "production_start_date": rec["production_start_date"]}


def get_pricing(ctx):
    return 200, _pricing_view(ctx.tenant(ctx.path["tenant_id"]))


def put_pricing(ctx):
    """The body of Acronis' tutorial is accepted: the GET's answer with `mode` changed. Its
    `production_start_date` is the platform's to set, so a value sent back is ignored [INF]."""
    rec = ctx.tenant(ctx.path["tenant_id"])
    body = ctx.body if isinstance(ctx.body, dict) else {}
    given = body.get("version")
    if not isinstance(given, int) or isinstance(given, bool):
        raise bad_request("Request body: required integer field 'version' is missing.")
    if given != rec["pricing_version"]:
        raise version_mismatch("pricing of tenant", rec["name"], rec["pricing_version"], given)
    mode = body.get("mode", rec["pricing_mode"])
    if mode == "trial" and rec["pricing_mode"] != "trial":
        raise bad_request(f"Tenant '{rec['name']}' is in {rec['pricing_mode']} mode and cannot "
                          f"go back to trial.", code=E.BUSINESS_RULES)
    if mode == "production" and rec["pricing_mode"] == "trial":
        rec["production_start_date"] = now_iso()
    rec["pricing_mode"] = mode
    if "currency" in body:
        rec["currency"] = body["currency"]
    rec["pricing_version"] = ctx.store.next_quota_version()
    rec["updated_at"] = now_iso()
    ctx.store.changed()
    return 200, _pricing_view(rec)


def _mfa_view(store, rec):
    users = store.users_of(rec["id"])
    return {"mfa_status": "enabled" if rec["mfa_status"] == "enabled" else "disabled",
            "update_allowed": rec["kind"] not in ("folder", "unit"), "users_count": len(users),
            "users_with_totp_enabled_count": 0}


def get_mfa(ctx):
    return 200, _mfa_view(ctx.store, ctx.tenant(ctx.path["tenant_id"]))


def put_mfa(ctx):
    rec = ctx.tenant(ctx.path["tenant_id"])
    enabled = ctx.field("enabled", bool, required=True)
    if rec["kind"] in ("folder", "unit"):
        raise bad_request(f"MFA cannot be managed on the {rec['kind']} tenant '{rec['name']}'; "
                          f"set it on a partner or customer.", code=E.BUSINESS_RULES)
    rec["mfa_status"] = "enabled" if enabled else "disabled"
    rec["updated_at"] = now_iso()
    ctx.store.changed()
    return 200, _mfa_view(ctx.store, rec)
