# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenants: find -> normalise -> compare -> plan -> apply. Plain dicts in and out, no Ansible."""

from __future__ import annotations

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import (
    CODE_NAME_CONFLICT, AcronisError, retry_on_version_conflict)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import (
    OptionError, check_email, check_language, check_text, is_planned, is_uuid, planned_id)

KINDS = ("partner", "folder", "customer", "unit")
KIND_ALIASES = {"reseller": "partner"}
# Which kinds a parent of each kind may hold (docs/api-notes.md, Tenant kinds).
CHILD_KINDS = {"root": ("partner", "folder", "customer"), "partner": ("partner", "folder", "customer"),
               "folder": ("partner", "folder", "customer"), "customer": ("unit",), "unit": ("unit",)}
# Only these kind changes are possible on an existing tenant.
KIND_CHANGES = {("partner", "folder"), ("folder", "partner")}
CONTACT_FIELDS = ("email", "firstname", "lastname", "phone", "address1", "address2", "country", "state",
                  "city", "zipcode", "title", "website", "industry", "organization_size", "fax")
# Tenant fields compared one to one with the options of the same name.
PLAIN_FIELDS = ("name", "enabled", "language", "customer_id", "internal_tag", "ancestral_access")
# What the platform fills in on create when the request leaves it out (docs/api-notes.md, Creating a tenant);
# check mode uses it.
CREATE_DEFAULTS = {"language": "en", "ancestral_access": True, "enabled": True, "customer_id": None,
                   "internal_tag": None, "has_children": False, "mfa_status": "disabled", "version": 1,
                   "settings": {"enhanced_security": False}}
VIEW_FIELDS = ("id", "name", "kind", "parent_id", "enabled", "language", "customer_id", "internal_tag",
               "pricing_mode", "ancestral_access", "mfa_status", "has_children")
# What a run remembers of each tenant it has seen (remember_tenant).
TENANT_FACTS = ("id", "name", "kind", "parent_id", "owner_id", "enabled", "pricing_mode")
NAME_MAX = 255
INTERNAL_TAG_MAX = 256
# A search page this full may have pushed the exact match out: then list the children instead.
SEARCH_LIMIT = 50
ATTEMPTS_AFTER_AMBIGUOUS_CREATE = 3


def normalise_kind(kind):
    return KIND_ALIASES.get(kind, kind)


def same_name(left, right):
    """Sibling names are unique without regard to case, so identity ignores case too."""
    return (left or "").casefold() == (right or "").casefold()


def tenant_view(tenant):
    """The user-facing fields of a tenant (what results and diffs show)."""
    if not tenant:
        return {}
    contact = tenant.get("contact") or {}
    view = {key: tenant.get(key) for key in VIEW_FIELDS}
    view["contact"] = {key: contact[key] for key in CONTACT_FIELDS if contact.get(key) not in (None, "")}
    view["enhanced_security"] = reported_enhanced_security(tenant)
    return view


def reported_enhanced_security(tenant):
    """The tenant's enhanced security mode, or None when the platform does not report it."""
    return (tenant.get("settings") or {}).get("enhanced_security")


# -- reading ----------------------------------------------------------------------------------------

def get_tenant(client, tenant_id, option="tenant_id", missing_ok=False):
    """The tenant; with `missing_ok`, None when it was deleted, for callers to whom that is fine."""
    try:
        return remember_tenant(client, client.get("/tenants/%s" % tenant_id))
    except AcronisError as exc:
        if not (missing_ok and exc.status == 404 and _was_deleted(client, tenant_id)):
            raise translate_read_error(exc, option, tenant_id)
    return None


def _was_deleted(client, tenant_id):
    """Whether a tenant that answers 404 is a deleted one of the client's scope. Some datacenters answer 404
    for tenants outside the scope too; only a deleted record, still readable with allow_deleted, tells."""
    try:
        found = client.get("/tenants/%s" % tenant_id, params={"allow_deleted": "true"}) or {}
    except AcronisError:
        return False
    return bool(found.get("deleted_at"))


def remember_tenant(client, tenant):
    """Share what a later task of the run needs to know of a tenant (its kind, parent, name) with every
    fork, so that the tasks after the tenant's own do not read it again."""
    if tenant and tenant.get("id"):
        client.run_store("tenant:" + tenant["id"], {key: tenant.get(key) for key in TENANT_FACTS})
    return tenant


def tenant_facts(client, tenant_id, option="tenant_id"):
    """Kind, parent, name, owner and enabled state of a tenant: as this run last saw it, else read."""
    return client.run_lookup("tenant:" + tenant_id) or get_tenant(client, tenant_id, option)


def translate_read_error(exc, option, value):
    if exc.status == 404:
        # Some datacenters answer 404 for tenants outside the client's scope, too: the message covers both.
        return OptionError(option, "no tenant with id %s exists in the API client's scope" % value)
    if exc.status == 403:
        return OptionError(option, "tenant %s is outside the API client's scope (it can manage only its own "
                                   "tenant and the tenants below it)" % value)
    return exc


# A tenant's users: its user ids, then the users by uuid, at most 100 a call. Not GET /users?tenant_id=,
# which lists far more: the document says of that parameter "Required when searching the users by
# `external_id`. Not used otherwise." (GET /users and GET /tenants/{tenant_id}/users in the OpenAPI document).
USERS_PER_BATCH = 100


def tenant_users(client, tenant_id, option="tenant_id"):
    """Every user of the tenant itself (not of its sub-tenants), with its access policies."""
    try:
        user_ids = (client.get("/tenants/%s/users" % tenant_id) or {}).get("items", [])
    except AcronisError as exc:
        raise translate_read_error(exc, option, tenant_id)
    return users_by_ids(client, user_ids)


def users_by_ids(client, user_ids, option="user_id"):
    """Users by uuid with their access policies, in one call per 100 ids; unknown ids are left out."""
    users = []
    for start in range(0, len(user_ids), USERS_PER_BATCH):
        chunk = ",".join(user_ids[start:start + USERS_PER_BATCH])
        try:
            users.extend(client.paginate("/users", {"uuids": chunk, "with_access_policies": "true"}))
        except AcronisError as exc:
            if exc.status in (403, 404):  # unknown ids are left out of the answer: this is about the scope
                raise OptionError(option, "user %s is outside the API client's scope" % chunk)
            raise
    return users


def search_tenants(client, root_id, name):
    """Tenants named `name` (ignoring case) in the subtree of `root_id`, and whether the list is complete."""
    page = client.get("/search", params={"tenant": root_id, "text": name, "limit": SEARCH_LIMIT}) or {}
    items = page.get("items", [])
    matches = [item for item in items if item.get("obj_type") == "tenant" and same_name(item.get("name"), name)]
    return matches, len(items) < SEARCH_LIMIT


def list_child_named(client, parent_id, name):
    """The authoritative (unlagged, unranked) lookup: walk the parent's children page by page."""
    for child in client.paginate("/tenants", {"parent_id": parent_id}):
        if same_name(child.get("name"), name) and not child.get("owner_id"):
            return child
    return None


def find_child(client, parent_id, name, confirm_missing=False):
    """The tenant named `name` directly under `parent_id`, or None. One search call when it exists.

    The search misses tenants created moments ago (its index lags) and may push the match off a full
    page; then, or with `confirm_missing` (callers for whom a miss is the answer, not a create that a
    name conflict would correct), the children are listed before concluding there is none.
    """
    matches, complete = search_tenants(client, parent_id, name)
    for match in matches:
        if match.get("parent_id") == parent_id:
            return get_tenant(client, match["id"])
    if complete and not confirm_missing:
        return None
    return list_child_named(client, parent_id, name)


def resolve_tenant_ref(client, ref, option):
    """A tenant given by uuid (or a planned id) or by a name unique in the API client's scope -> its id."""
    if ref is None:
        return client.home_tenant_id()
    if is_uuid(ref) or is_planned(ref):
        return ref.lower() if is_uuid(ref) else ref
    matches = search_tenants(client, client.home_tenant_id(), ref)[0]
    if not matches:
        raise OptionError(option, "no tenant named %r in the API client's scope; give an existing tenant's "
                                  "name or uuid" % ref)
    if len(matches) > 1:
        # A search hit's path holds the names from the search root down to its parent.
        candidates = ", ".join("%s (%s)" % ("/".join((m.get("path") or []) + [m.get("name", "")]), m["id"])
                               for m in matches)
        raise OptionError(option, "%d tenants are named %r: %s; give the uuid of the one you mean"
                          % (len(matches), ref, candidates))
    return matches[0]["id"]


# -- planning ---------------------------------------------------------------------------------------

def desired_state(params):
    """The options as API fields; None means 'leave as it is'."""
    given = params.get("contact") or {}
    # Validated parameters keep alias keys (first_name) next to the option (firstname): take the options only.
    contact = {key: given[key] for key in CONTACT_FIELDS if given.get(key) is not None}
    desired = {key: params.get(key) for key in PLAIN_FIELDS}
    desired.update(kind=normalise_kind(params.get("kind")), contact=contact or None,
                   pricing_mode=params.get("pricing_mode"), enhanced_security=params.get("enhanced_security"))
    return desired


def check_params(params):
    """Refuse bad input before any API call."""
    if params.get("tenant_id") is None:
        if params.get("name") is None:
            raise OptionError("name", "required unless tenant_id is given")
    elif not (is_uuid(params["tenant_id"]) or is_planned(params["tenant_id"])):
        raise OptionError("tenant_id", "%r is not a tenant uuid" % params["tenant_id"])
    check_text("name", params.get("name"), NAME_MAX)
    check_text("internal_tag", params.get("internal_tag"), INTERNAL_TAG_MAX, allow_empty=True)
    check_language("language", params.get("language"))
    check_email("contact.email", (params.get("contact") or {}).get("email"))


def tenant_changes(current, desired, parent_id=None):
    """API fields whose desired value differs from `current` (contact: only the differing keys)."""
    changes = {key: desired[key] for key in PLAIN_FIELDS
               if desired.get(key) is not None and current.get(key) != desired[key]}
    if desired.get("kind") and desired["kind"] != current.get("kind"):
        if (current.get("kind"), desired["kind"]) not in KIND_CHANGES:
            raise OptionError("kind", "tenant %r is a %s and cannot become a %s (only partner <-> folder can "
                                      "change); create a new tenant instead"
                              % (current.get("name"), current.get("kind"), desired["kind"]))
        changes["kind"] = desired["kind"]
    current_contact = current.get("contact") or {}
    contact = {key: value for key, value in (desired.get("contact") or {}).items()
               if (current_contact.get(key) or None) != value}
    if contact:
        changes["contact"] = contact
    if parent_id and parent_id != current.get("parent_id"):
        changes["parent_id"] = parent_id
    return changes


def initial_pricing_mode(kind, parent):
    """The mode the platform gives a new tenant (docs/api-notes.md, Pricing mode): customers start in trial,
    units in their parent's mode (trial when the parent is only planned), partners and folders in production."""
    if kind == "customer":
        return "trial"
    if kind == "unit":
        return (parent or {}).get("pricing_mode") or "trial"
    return "production"


def check_pricing_mode(wanted, mode, subject):
    """Refuse what the platform refuses before writing anything: a tenant out of trial cannot go back."""
    if wanted == "trial" and mode != "trial":
        raise OptionError("pricing_mode", "%s %s mode, which cannot go back to trial; allowed: production (or leave "
                                          "pricing_mode out)" % (subject, mode))


def check_enhanced_security(current, wanted):
    """Refuse a change the API cannot make (the mode is set on create only, and is one-way).

    Returns the warnings: none, or that the platform does not report the mode, so it was not compared."""
    reported = reported_enhanced_security(current)
    if wanted is None or reported == wanted:
        return []
    if reported is None:
        return ["enhanced_security: the platform does not report it for the existing tenant %r, so it was not "
                "compared; it is applied only when a tenant is created" % current.get("name")]
    if reported:
        raise OptionError("enhanced_security", "tenant %r is in enhanced security mode, which cannot be switched off "
                                               "(it is one-way); remove enhanced_security: false" % current.get("name"))
    raise OptionError("enhanced_security", "tenant %r is not in enhanced security mode, and the API can set it only "
                                           "when a tenant is created; leave enhanced_security out for this tenant, or "
                                           "create a new tenant with it" % current.get("name"))


def predicted(current, changes, pricing_mode=None):
    after = dict(current, **{key: value for key, value in changes.items() if key != "contact"})
    after["contact"] = dict(current.get("contact") or {}, **changes.get("contact", {}))
    if pricing_mode:
        after["pricing_mode"] = pricing_mode
    return after


# -- writing ----------------------------------------------------------------------------------------

def create_tenant(client, body):
    """POST a tenant without ever creating it twice.

    A name conflict (another run created it first) or a lost answer (the POST may have been applied)
    is followed by an authoritative read; what is found is adopted instead of created again.
    Returns (tenant, created_by_us).
    """
    for attempt in range(ATTEMPTS_AFTER_AMBIGUOUS_CREATE):
        try:
            return remember_tenant(client, client.post("/tenants", body)), True
        except AcronisError as exc:
            if not (exc.ambiguous or exc.has_code(CODE_NAME_CONFLICT)):
                raise
            existing = list_child_named(client, body["parent_id"], body["name"])
            if existing:
                return existing, exc.ambiguous
            if not exc.ambiguous or attempt + 1 == ATTEMPTS_AFTER_AMBIGUOUS_CREATE:
                raise


def update_tenant(client, tenant, desired, parent_id=None):
    """PUT only the differing fields with the current version; on a stale version re-read and redo."""
    def apply(current):
        changes = tenant_changes(current, desired, parent_id)
        if not changes:
            return current
        return remember_tenant(client, client.put("/tenants/%s" % current["id"],
                                                  dict(changes, version=current["version"])))
    return retry_on_version_conflict(apply, tenant, lambda: get_tenant(client, tenant["id"]))


def set_pricing_mode(client, tenant_id, mode):
    """PUT the mode with the pricing's current version; on a stale version re-read and redo once."""
    path = "/tenants/%s/pricing" % tenant_id

    def apply(pricing):
        if pricing.get("mode") != mode:
            client.put(path, {"mode": mode, "version": pricing["version"]})
    retry_on_version_conflict(apply, client.get(path), lambda: client.get(path))


def delete_tenant(client, tenant):
    """Disable (the API deletes only disabled tenants), then delete with the fresh version."""
    if tenant.get("enabled"):
        tenant = update_tenant(client, tenant, {"enabled": False})
    try:
        client.delete("/tenants/%s" % tenant["id"], params={"version": tenant["version"]})
    except AcronisError as exc:
        if exc.status != 404:  # a retried DELETE whose first attempt was applied
            raise


def child_tenants(client, tenant_id):
    """Child tenants, leaving out users' personal tenants (they go with their users)."""
    return [child for child in client.paginate("/tenants", {"parent_id": tenant_id}) if not child.get("owner_id")]


# -- the module's operation -------------------------------------------------------------------------

def ensure_tenant(client, params, check_mode):
    check_params(params)
    desired = desired_state(params)
    explicit_parent = params.get("parent") is not None
    parent_id = resolve_tenant_ref(client, params.get("parent"), "parent")
    current = _find(client, params, parent_id)

    if params.get("state") == "absent":
        return _absent(client, current, params, check_mode)
    if current is None:
        return _create(client, params, desired, parent_id, check_mode)
    return _update(client, current, desired, parent_id if explicit_parent and params.get("tenant_id") else None,
                   check_mode)


def _find(client, params, parent_id):
    """The tenant, or None. For state absent a miss is the answer (a tenant deleted before is gone),
    so a 404 is no error and a missed search is confirmed."""
    absent = params.get("state") == "absent"
    tenant_id = params.get("tenant_id")
    if tenant_id:
        if is_planned(tenant_id):
            return None
        return get_tenant(client, tenant_id.lower(), missing_ok=absent)
    if is_planned(parent_id):
        return None
    try:
        return find_child(client, parent_id, params["name"], confirm_missing=absent)
    except AcronisError as exc:
        raise translate_read_error(exc, "parent", parent_id)


def _result(outcome, before, after, changed, **extra):
    view = tenant_view(after)
    return dict(changed=changed, outcome=outcome, tenant=view,
                diff={"before": tenant_view(before), "after": view}, **extra)


def _create(client, params, desired, parent_id, check_mode):
    if params.get("tenant_id"):
        raise OptionError("tenant_id", "no tenant with id %s exists; to create a tenant give name and parent "
                                       "instead" % params["tenant_id"])
    kind = desired["kind"]
    if not kind:
        raise OptionError("kind", "required to create tenant %r; allowed: %s" % (params["name"], ", ".join(KINDS)))
    body = _create_body(params, desired, parent_id)
    parent = None if is_planned(parent_id) else _check_parent_accepts(client, parent_id, kind, params)
    start_mode = initial_pricing_mode(kind, parent)
    check_pricing_mode(desired["pricing_mode"], start_mode, "a new %s starts in" % kind)
    if check_mode:
        planned = dict(CREATE_DEFAULTS, id=planned_id(parent_id, params["name"]),
                       pricing_mode=desired["pricing_mode"] or start_mode)
        planned.update(body)
        return _result("created", None, planned, True)
    try:
        tenant, created = create_tenant(client, body)
    except AcronisError as exc:
        if exc.status == 403 and kind == "partner":
            raise _sub_partner_refused(exc, params["name"], parent)
        raise
    if not created:  # found instead: it may differ from what was asked
        return _update(client, tenant, desired, None, check_mode, adopted=True)
    if desired["pricing_mode"] and tenant.get("pricing_mode") != desired["pricing_mode"]:
        set_pricing_mode(client, tenant["id"], desired["pricing_mode"])
        tenant = get_tenant(client, tenant["id"])
    return _result("created", None, tenant, True)


def _create_body(params, desired, parent_id):
    body = {"name": params["name"], "parent_id": parent_id, "kind": desired["kind"]}
    for key in ("customer_id", "internal_tag", "language", "ancestral_access"):
        if desired.get(key) is not None:
            body[key] = desired[key]
    if desired["enabled"] is False:
        body["enabled"] = False
    if desired["contact"]:
        body["contact"] = desired["contact"]
    if desired["enhanced_security"] is not None:
        body["settings"] = {"enhanced_security": desired["enhanced_security"]}
    return body


def _sub_partner_refused(exc, name, parent):
    """A 403 on creating a partner in a parent the client can read: a partner below a partner needs an option
    of the partner account that many accounts lack (docs/troubleshooting.md, "Sub-partners")."""
    return OptionError("kind", "the platform refused to create the partner %r under %r (%s): a partner below a "
                               "partner needs the partner account's option for sub-partners, which many accounts "
                               "lack; ask your Acronis contact to enable it, or create a folder (kind: folder) to "
                               "group the customers instead" % (name, (parent or {}).get("name"), exc))


def _check_parent_accepts(client, parent_id, kind, params):
    """The parent's facts, if it can hold a new tenant of `kind`."""
    parent = tenant_facts(client, parent_id, option="parent")
    allowed = CHILD_KINDS.get(parent.get("kind"), ())
    if kind not in allowed:
        raise OptionError("kind", "a %s cannot be created under %r, which is a %s (it can hold: %s)"
                          % (kind, parent.get("name"), parent.get("kind"), ", ".join(allowed) or "nothing"))
    if not parent.get("enabled", True):
        raise OptionError("parent", "%r is disabled; enable it before creating %r under it"
                          % (parent.get("name"), params["name"]))
    return parent


def _update(client, current, desired, parent_id, check_mode, adopted=False):
    changes = tenant_changes(current, desired, parent_id)
    pricing = desired["pricing_mode"] if desired["pricing_mode"] not in (None, current.get("pricing_mode")) else None
    check_pricing_mode(pricing, current.get("pricing_mode"), "tenant %r is in" % current.get("name"))
    warnings = check_enhanced_security(current, desired["enhanced_security"])
    if not changes and not pricing:
        return _result("unchanged", current, current, False, adopted=adopted, warnings=warnings)
    identity = identity_changes(client, current, changes)
    if check_mode:
        return _result("updated", current, predicted(current, changes, pricing), True, warnings=warnings,
                       identity_changes=identity)
    tenant = update_tenant(client, current, desired, parent_id) if changes else current
    if pricing:
        set_pricing_mode(client, tenant["id"], pricing)
        tenant = get_tenant(client, tenant["id"])
    return _result("updated", current, tenant, True, adopted=adopted, warnings=warnings, identity_changes=identity)


def identity_changes(client, current, changes):
    """A rename or a move of an existing tenant, in words: ["renamed: Acme → Acme Industries",
    "moved: North → South"] (what the report says besides the diff)."""
    lines = []
    if "name" in changes:
        lines.append("renamed: %s → %s" % (current.get("name"), changes["name"]))
    if "parent_id" in changes:
        lines.append("moved: %s → %s" % (_tenant_name(client, current.get("parent_id")),
                                         _tenant_name(client, changes["parent_id"])))
    return lines


def _tenant_name(client, tenant_id):
    if is_planned(tenant_id):
        return tenant_id
    return tenant_facts(client, tenant_id, option="parent").get("name") or tenant_id


def _absent(client, current, params, check_mode):
    if current is None:
        return _result("absent", None, None, False)
    if current.get("has_children") and not params.get("cascade"):
        children = child_tenants(client, current["id"])
        if children:
            names = ", ".join(sorted(child.get("name", child["id"]) for child in children)[:10])
            raise OptionError("cascade", "tenant %r has %d child tenant(s) (%s); delete them first or set "
                                         "cascade: true to delete the whole subtree"
                              % (current["name"], len(children), names))
    if not check_mode:
        delete_tenant(client, current)
    result = _result("deleted", current, None, True)
    result["tenant"] = tenant_view(current)
    return result


# -- acronis_tenant_info ----------------------------------------------------------------------------

def tenant_info(client, params, check_mode):
    """Read-only: one tenant by id or by name, or the children of a tenant (all pages)."""
    if params.get("tenant_id") and not is_uuid(params["tenant_id"]):
        raise OptionError("tenant_id", "%r is not a tenant uuid" % params["tenant_id"])
    parent_id = resolve_tenant_ref(client, params.get("parent"), "parent")
    if params.get("tenant_id"):
        tenants = [get_tenant(client, params["tenant_id"].lower())]
    elif params.get("name"):
        found = None if is_planned(parent_id) else find_child(client, parent_id, params["name"], confirm_missing=True)
        tenants = [found] if found else []
    else:
        tenants = [] if is_planned(parent_id) else child_tenants(client, parent_id)
    views = []
    for tenant in tenants:
        view = tenant_view(tenant)
        if params.get("with_users"):
            view["users"] = [_user_summary(user) for user in tenant_users(client, tenant["id"])]
        if params.get("with_offering_items"):
            view["offering_items"] = (client.get("/tenants/%s/offering_items" % tenant["id"],
                                                 params={"edition": "*", "status": 1}) or {}).get("items", [])
        views.append(view)
    return {"changed": False, "tenants": views}


def _user_summary(user):
    roles = sorted({policy.get("role_id") for policy in user.get("access_policies") or []})
    return {"id": user["id"], "login": user.get("login"), "email": (user.get("contact") or {}).get("email"),
            "enabled": user.get("enabled"), "activated": user.get("activated"), "roles": roles}
