"""Users: login check, create, read, list, update, delete, roles, activation e-mail, password."""

import hashlib
import os
import string
import time

from . import catalogue
from . import errors as E
from .context import decode_cursor, paginate
from .errors import ApiError, bad_request, conflict
from .handlers_tenants import check_language, check_version, touch
from .seed import merge_contact, tenant_record, user_record
from .store import new_id, now_iso
from .views import user_view

# docs/api-notes.md, Logins: ASCII letters, digits and these characters; at least 3 of them.
LOGIN_CHARS = frozenset(string.ascii_letters + string.digits + ".@_-+:!#$%^*={}'`/?")
NOTIFICATIONS = ("maintenance", "quota", "reports", "backup_error", "backup_warning",
                 "backup_info", "backup_daily_report", "backup_critical",
                 "device_control_warning", "certificate_management_error",
                 "certificate_management_warning", "certificate_management_info")
# Tenant kinds where each management/protection role can be granted [INF]; other roles of the
# spec's enum (sync_share_*, notary_*, ...) are accepted anywhere; root_admin nowhere.
ROLE_KINDS = {
    "partner_admin": ("partner", "folder"),
    "company_admin": ("customer",),
    "unit_admin": ("unit",),
    "readonly_admin": ("root", "partner", "folder", "customer", "unit"),
    "backup_user": ("customer", "unit"),
    "protection_admin": ("customer", "unit"),
    "protection_ro_admin": ("customer", "unit"),
    "restore_operator": ("customer", "unit"),
    "root_admin": (),
}
# "One user can have several roles but only one role per service" (Acronis' "User roles available
# for each service" page). Which role id belongs to which service is [INF], from the roles' names
# and that page's per-service lists; company_admin and unit_admin span all services and
# partner_admin, readonly_admin and the other roles of the enum are left out of the check.
# Two roles of one service on a user: 400 with code 1027 [INF: the status and code are not documented;
# config one_role_per_service: false accepts them, as this simulator once did].
SERVICE_ROLES = {
    "Protection": ("protection_admin", "protection_ro_admin", "restore_operator", "backup_user"),
    "File Sync & Share": ("sync_share_admin", "sync_share_user", "sync_share_guest"),
    "Notary": ("notary_admin", "notary_user"),
}
# Roles that give the user's personal tenant the customer's backup items (docs/api-notes.md, Roles).
PROVISIONING_ROLES = ("backup_user", "company_admin")
# The filters of GET /users, in the order this simulator picks one (combinations are refused earlier).
USER_FILTERS = ("uuids", "external_ids", "subtree_root_tenant_id")


def login_problem(login):
    if len(login) < 3:
        return "it must be at least 3 characters long"
    bad = sorted({c for c in login if c not in LOGIN_CHARS})
    if bad:
        return (f"it contains characters that are not allowed ({' '.join(map(repr, bad))}); "
                f"use ASCII letters, digits and . @ _ - + : ! # $ % ^ * = {{ }} ' ` / ?")
    return None


def check_notifications(values):
    if values is None:
        return
    unknown = [v for v in values if v not in NOTIFICATIONS]
    if unknown:
        raise bad_request(f"Unknown notification type(s) {', '.join(map(repr, unknown))}; "
                          f"allowed: {', '.join(NOTIFICATIONS)}.")


def _check_new_login(store, login, own_id=None):
    problem = login_problem(login)
    if problem:
        raise bad_request(f"Invalid login '{login}': {problem}.", code=E.INVALID_LOGIN)
    holder = store.user_by_login(login)
    if holder is not None and holder["id"] != own_id:
        raise conflict(f"Login '{login}' is already taken: logins are unique on the whole "
                       f"platform.", context={"login": login})


# ---------------------------------------------------------------------- login check / create
def check_login(ctx):
    login = (ctx.q("username") or "").strip()
    problem = login_problem(login)
    if problem:
        raise ApiError(406, f"Login '{login}' is not acceptable: {problem}.",
                       code=E.INVALID_LOGIN)
    if ctx.store.user_by_login(login) is not None:
        raise conflict(f"Login '{login}' is already taken.", context={"login": login})
    return 204, None


def _create_personal_tenant(store, tenant, user):
    rec = tenant_record(store, user["login"], "unit", tenant["id"], owner_id=user["id"],
                        created_ts=time.time(), language=user["language"])
    rec["contact"] = dict(rec["contact"], email=user["contact"]["email"])
    store.add_tenant(rec)
    user["personal_tenant_id"] = rec["id"]


def create_user(ctx):
    store, body = ctx.store, ctx.body
    tenant = ctx.tenant(ctx.field("tenant_id", str, required=True))
    if tenant["owner_id"]:
        raise bad_request(f"Users cannot be created in the personal tenant '{tenant['name']}'.",
                          code=E.BUSINESS_RULES)
    login = ctx.field("login", str)
    if login is None:
        raise bad_request("Request body: field 'login' is required.", code=E.INVALID_LOGIN)
    login = login.strip()
    _check_new_login(store, login)
    contact = ctx.field("contact", dict)
    if not contact or not contact.get("email"):
        raise bad_request("Request body: 'contact.email' is required to create a user.")
    check_notifications(body.get("notifications"))
    check_language(body.get("language"))
    user = user_record(store, tenant["id"], login, contact, enabled=body.get("enabled", True),
                       language=body.get("language") or "en", created_ts=time.time(),
                       business_types=list(body.get("business_types") or []),
                       external_id=body.get("external_id"))
    if body.get("notifications") is not None:
        user["notifications"] = list(dict.fromkeys(body["notifications"]))
    if tenant["kind"] in ("customer", "unit"):
        _create_personal_tenant(store, tenant, user)
    store.add_user(user)
    store.changed()
    return 200, user_view(store, user)


# ---------------------------------------------------------------------- read / list
def get_user(ctx):
    rec = ctx.user(ctx.path["user_id"], allow_deleted=ctx.q_bool("allow_deleted"))
    return 200, user_view(ctx.store, rec)


def _users_spec(ctx):
    """What GET /users lists. `tenant_id` is "Required when searching the users by `external_id`.
    Not used otherwise." (its description in the OpenAPI document), so it narrows only an
    `external_ids` search; a request without `uuids`, `external_ids` or `subtree_root_tenant_id`
    lists every user in the API client's scope, whatever `tenant_id` says [INF: the document names
    no default filter]. Mutually exclusive combinations are refused before this handler runs."""
    if ctx.q("after"):
        return decode_cursor(ctx.q("after"))
    lod = ctx.q("lod", "full")
    if lod not in ("stamps", "basic", "full"):
        raise bad_request("Query parameter 'lod' must be one of stamps, basic, full.")
    spec = {"f": None, "v": None, "lod": lod,
            "limit": ctx.q_int("limit", ctx.config["users_default_limit"], minimum=1),
            "del": ctx.q_bool("allow_deleted"), "ap": ctx.q_bool("with_access_policies")}
    given = next((name for name in USER_FILTERS if ctx.q(name) is not None), None)
    if given is not None:
        spec.update(f=given, v=ctx.q(given))
    if given == "external_ids" and ctx.q("tenant_id") is not None:
        spec["t"] = ctx.q("tenant_id")
    return spec


def _listed_users(ctx, spec):
    store = ctx.store
    if spec["f"] == "uuids":
        ids = [i for i in spec["v"].split(",") if i]
        if len(ids) > 100:
            raise bad_request("Query parameter 'uuids' accepts at most 100 ids.")
        keyed = []
        for index, user_id in enumerate(ids):
            rec = store.user(user_id, spec["del"])
            if rec is not None:
                if not ctx.in_scope(rec["tenant_id"]):
                    raise ctx.out_of_scope("User", user_id, rec["login"])
                keyed.append((index, rec))
        return keyed
    root = spec["v"] if spec["f"] == "subtree_root_tenant_id" else spec.get("t", ctx.home_id)
    ctx.tenant(root)
    if spec.get("t"):  # an external_ids search within one tenant
        tenants = [root]
    else:
        tenants = [t["id"] for t in store.subtree(root, spec["del"], True)]
    recs = [u for tid in tenants for u in store.users_of(tid, spec["del"])]
    if spec["f"] == "external_ids":
        wanted = {value for value in spec["v"].split(",") if value}
        recs = [u for u in recs if u["external_id"] in wanted]
    return sorted(((u["seq"], u) for u in recs), key=lambda kv: kv[0])


def list_users(ctx):
    spec = _users_spec(ctx)
    keyed = _listed_users(ctx, spec)
    recs, paging = paginate(keyed, spec["limit"], spec.pop("k", None), spec)
    store = ctx.store
    items = [user_view(store, u, spec["lod"],
                       # A listing always has the key (userBatch requires it at every lod),
                       # filled only with_access_policies.
                       policies=store.policies.get(u["id"], []) if spec["ap"] else [])
             for u in recs]
    return 200, {"timestamp": now_iso(), "items": items, "paging": paging}


# ---------------------------------------------------------------------- update / delete
def update_user(ctx):
    store, body = ctx.store, ctx.body if isinstance(ctx.body, dict) else {}
    rec = ctx.user(ctx.path["user_id"])
    check_version(rec, body.get("version"), "user")
    check_notifications(body.get("notifications"))
    check_language(body.get("language"))
    if "login" in body and body["login"].strip() != rec["login"]:
        new_login = body["login"].strip()
        _check_new_login(store, new_login, rec["id"])
        store.rename_login(rec, new_login)
    contact = dict(body.get("contact") or {})
    if _email_change_needs_confirmation(ctx, rec, contact):
        # The platform mails a confirmation link to the old address and keeps the record as it is.
        rec["email_confirmations"] = rec.get("email_confirmations", 0) + 1
        rec["pending_email"] = contact.pop("email")
        ctx.sim.stats.add("email_confirmations_sent")
        if not contact and set(body) <= {"version", "contact"}:
            ctx.store.changed()
            return 200, user_view(store, rec)
    if contact:
        merge_contact(rec["contact"], contact)
    if "notifications" in body:
        rec["notifications"] = list(dict.fromkeys(body["notifications"]))
    for key in ("enabled", "language", "external_id", "idp_id", "disable_after"):
        if key in body:
            rec[key] = body[key]
    touch(store, rec)
    return 200, user_view(store, rec)


def _email_change_needs_confirmation(ctx, rec, contact):
    """Acronis' "Changing a user account email" guide: "the email will change if the user account was
    not activated. If the user account was activated, an email confirmation link will be sent to the
    old user account email address", and the address changes once the user opens it (not modelled:
    the record keeps the old address). Config `email_change_confirmation: false` changes it at once."""
    email = contact.get("email")
    return (ctx.config["email_change_confirmation"] and rec["activated"] and email is not None
            and email != rec["contact"].get("email"))


def delete_user(ctx):
    store = ctx.store
    rec = ctx.user(ctx.path["user_id"])
    version = ctx.q_int("version")
    if version is None:
        raise bad_request("Query parameter 'version' is required to delete a user.")
    check_version(rec, version, "user")
    when = now_iso()
    rec["deleted_at"] = rec["updated_at"] = when
    store.release_login(rec)
    personal = store.tenants.get(rec["personal_tenant_id"] or "")
    if personal is not None:
        personal["deleted_at"] = personal["updated_at"] = when
    store.changed()
    return 204, None


# ---------------------------------------------------------------------- roles
def get_policies(ctx):
    rec = ctx.user(ctx.path["user_id"])
    return 200, {"timestamp": now_iso(), "items": ctx.store.policies.get(rec["id"], [])}


def _check_policy(store, user, entry):
    tenant = store.tenants[user["tenant_id"]]
    role = entry.get("role_id")
    if not isinstance(role, str):
        raise bad_request("Each access policy needs a 'role_id'.")
    if entry.get("tenant_id", tenant["id"]) != tenant["id"]:
        raise bad_request(f"The access policy for role '{role}' must be on the user's own tenant "
                          f"'{tenant['name']}' ({tenant['id']}), not on "
                          f"'{entry.get('tenant_id')}'.", code=E.BUSINESS_RULES)
    if entry.get("trustee_id", user["id"]) != user["id"]:
        raise bad_request(f"The access policy for role '{role}' must name the user "
                          f"({user['id']}) as trustee_id.", code=E.BUSINESS_RULES)
    if entry.get("trustee_type", "user") != "user":
        raise bad_request("trustee_type must be 'user' for a user's access policy.",
                          code=E.BUSINESS_RULES)
    kinds = ROLE_KINDS.get(role)
    if kinds is not None and tenant["kind"] not in kinds:
        where = ", ".join(kinds) if kinds else "no tenant through this API"
        raise bad_request(f"Role '{role}' cannot be granted in the {tenant['kind']} tenant "
                          f"'{tenant['name']}' (it is allowed in: {where}).",
                          code=E.BUSINESS_RULES, context={"role_id": role})
    return role


def _check_one_role_per_service(user, roles):
    for service, service_roles in SERVICE_ROLES.items():
        held = [role for role in service_roles if role in roles]
        if len(held) > 1:
            raise bad_request(f"User '{user['login']}' can hold only one role of the {service} "
                              f"service; the request gives {' and '.join(held)}.",
                              code=E.BUSINESS_RULES, context={"role_id": held})


def _provision_personal_tenant(store, user):
    """Give the personal tenant the customer's enabled backup items with their quotas."""
    personal_id = user["personal_tenant_id"]
    for key, state in store.items.get(user["tenant_id"], {}).items():
        item = catalogue.ITEMS_BY_KEY.get(key)
        if item and item["application_id"] == catalogue.BACKUP_APP_ID and state["status"] == 1:
            version = store.next_quota_version() if state["value"] is not None else 0
            store.set_item(personal_id, key, 1, state["value"], state["overage"], version)
    store.bind(personal_id, catalogue.BACKUP_APP_ID)


def put_policies(ctx):
    store = ctx.store
    user = ctx.user(ctx.path["user_id"])
    entries = ctx.field("items", list, required=True)
    old = {p["role_id"]: p for p in store.policies.get(user["id"], [])}
    now, new = now_iso(), {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise bad_request("Request body: 'items' must be a list of access policies.")
        role = _check_policy(store, user, entry)
        policy = old.get(role) or {
            "id": new_id(), "version": 1, "created_at": now, "updated_at": now,
            "deleted_at": None, "trustee_id": user["id"], "trustee_type": "user",
            "issuer_id": ctx.client["client_id"], "tenant_id": user["tenant_id"],
            "role_id": role}
        for key in ("resource_namespace", "resource_server_id", "resource_path"):
            if entry.get(key):
                policy[key] = entry[key]
        new[role] = policy
    if ctx.config["one_role_per_service"]:
        _check_one_role_per_service(user, new)
    store.policies[user["id"]] = list(new.values())
    gained = [r for r in PROVISIONING_ROLES if r in new and r not in old]
    if gained and user["personal_tenant_id"]:
        _provision_personal_tenant(store, user)
    store.changed()
    return 200, {"timestamp": now, "items": store.policies[user["id"]]}


# ---------------------------------------------------------------------- activation
def _below_home(ctx, user, action):
    if user["tenant_id"] == ctx.home_id:
        raise ApiError(403, f"{action} is only allowed for users in sub-tenants of the API "
                       f"client's tenant; user '{user['login']}' is in the client's own tenant.")


def send_activation_email(ctx):
    user = ctx.user(ctx.path["user_id"])
    _below_home(ctx, user, "Sending an activation e-mail")
    user["activation_emails"] += 1
    ctx.sim.stats.add("emails_sent")
    ctx.store.changed()
    return 204, None


def set_password(ctx):
    user = ctx.user(ctx.path["user_id"])
    _below_home(ctx, user, "Setting a password")
    password = ctx.field("password", str, required=True)
    if not password:
        raise bad_request("Request body: 'password' must not be empty.")
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)
    user["password_hash"] = salt.hex() + ":" + digest.hex()  # never the password itself
    user["activated"] = True
    user["updated_at"] = now_iso()
    ctx.sim.stats.add("passwords_set")
    ctx.store.changed()
    return 204, None
