"""GET /search: case-insensitive substring search over a subtree's tenants and users.

Order [INF]: exact (case-insensitive) name/login matches first, then other tenants, then users.
With the `search_lag_s` fault, objects younger than that many seconds are not found yet, like
a search index that lags behind writes.
"""

import time

from .errors import bad_request


def _tenant_hit(rec, path):
    contact = rec["contact"]
    return {"obj_type": "tenant", "id": rec["id"], "parent_id": rec["parent_id"], "path": path,
            "kind": rec["kind"], "name": rec["name"], "first_name": contact.get("firstname"),
            "last_name": contact.get("lastname"), "deleted_at": rec["deleted_at"]}


def _user_hit(rec, path):
    contact = rec["contact"]
    return {"obj_type": "user", "id": rec["id"], "parent_id": rec["tenant_id"], "path": path,
            "login": rec["login"], "first_name": contact.get("firstname"),
            "last_name": contact.get("lastname"), "deleted_at": rec["deleted_at"]}


def _contains(text, *fields):
    return any(text in (f or "").lower() for f in fields)


def search(ctx):
    store = ctx.store
    text = (ctx.q("text") or "").strip().lower()
    if not text:
        raise bad_request("Query parameter 'text' must not be empty.")
    limit = ctx.q_int("limit", 10, minimum=1)
    root = ctx.tenant(ctx.q("tenant") or "")
    allow_deleted = ctx.q_bool("allow_deleted")
    newest = time.time() - ctx.sim.faults.search_lag_s()
    exact, tenants, users = [], [], []
    paths = {}
    for rec in store.subtree(root["id"], allow_deleted):
        parent_path = paths.get(rec["parent_id"], [])
        paths[rec["id"]] = parent_path + [rec["name"]]
        if rec["created_ts"] > newest:
            continue
        contact = rec["contact"]
        if _contains(text, rec["name"], rec["customer_id"], contact.get("firstname"),
                     contact.get("lastname"), contact.get("email")):
            hit = _tenant_hit(rec, parent_path if rec["id"] != root["id"] else [])
            (exact if rec["name"].lower() == text else tenants).append(hit)
        for user in store.users_of(rec["id"], allow_deleted):
            if user["created_ts"] > newest:
                continue
            contact = user["contact"]
            if _contains(text, user["login"], contact.get("email"), contact.get("firstname"),
                         contact.get("lastname")):
                hit = _user_hit(user, paths[rec["id"]])
                (exact if user["login"].lower() == text else users).append(hit)
    return 200, {"items": (exact + tenants + users)[:limit]}
