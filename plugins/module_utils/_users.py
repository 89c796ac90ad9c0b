# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup users: find -> normalise -> compare -> plan -> apply. Plain dicts in and out, no Ansible.

The no-change path costs one call when the tenant id is known: the tenant's users are listed with
their access policies embedded, and everything is compared against that listing.
"""

from __future__ import annotations

import string

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import (
    AcronisError, retry_on_version_conflict)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import (
    OptionError, check_email, check_language, is_planned, is_uuid, planned_id, subset_differs)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    SEARCH_LIMIT, translate_read_error, resolve_tenant_ref, tenant_facts)

# Logins (docs/api-notes.md): ASCII letters, digits and these characters, at least 3 of them.
LOGIN_CHARS = frozenset(string.ascii_letters + string.digits + ".@_-+:!#$%^*={}'`/?")
LOGIN_MIN = 3
# The API's role enum (userRole; docs/api-notes.md, Roles).
ROLES = ("root_admin", "partner_admin", "company_admin", "unit_admin", "readonly_admin", "protection_admin",
         "protection_ro_admin", "restore_operator", "backup_user", "sync_share_admin", "sync_share_user",
         "sync_share_guest", "pds_operator", "pds_support", "notary_admin", "notary_user", "hci_admin",
         "omnivoice_admin", "omnivoice_user", "greathorn_admin", "greathorn_user", "greathorn_analyst",
         "greathorn_client_manager")
ALL_KINDS = ("partner", "folder", "customer", "unit")
# Tenant kinds where a management or protection role can be granted; other services' roles are
# left to the API to judge. root_admin cannot be granted through the API.
ROLE_KINDS = {
    "root_admin": (),
    "partner_admin": ("partner", "folder"),
    "company_admin": ("customer",),
    "unit_admin": ("unit",),
    "readonly_admin": ALL_KINDS,
    "backup_user": ("customer", "unit"),
    "protection_admin": ("customer", "unit"),
    "protection_ro_admin": ("customer", "unit"),
    "restore_operator": ("customer", "unit"),
}
# The seeds' "Reseller" and "User" roles.
DEFAULT_ROLES = {"partner": "partner_admin", "folder": "partner_admin", "customer": "backup_user",
                 "unit": "backup_user"}
# Shown instead of a role when a check-mode run plans the tenant too, so its kind is not known yet.
UNKNOWN_DEFAULT_ROLE = "(default role of the planned tenant's kind)"
MANAGE_OTHERS_ROLE = "protection_admin"
ZERO_UUID = "00000000-0000-0000-0000-000000000000"

# Every notification type, in the API's order (lists are shown in this order).
NOTIFICATION_TYPES = ("maintenance", "quota", "reports", "backup_error", "backup_warning", "backup_info",
                      "backup_daily_report", "backup_critical", "device_control_warning",
                      "certificate_management_error", "certificate_management_warning",
                      "certificate_management_info")
# What the API gives a user created without a notifications list (docs/api-notes.md, Notifications).
DEFAULT_NOTIFICATIONS = ("quota", "reports", "backup_daily_report")
QUOTA_NOTIFICATION = "quota"
BACKUP_PREFIX = "backup_"
# The backup values behind each level of the portal's "backup notifications" setting (docs/api-notes.md, Notifications):
# a level sets exactly these and removes every other backup_* value ("none" means none at all).
ALERT_LEVELS = {
    "none": frozenset(),
    "errors": frozenset(("backup_error", "backup_critical")),
    "errors_and_warnings": frozenset(("backup_error", "backup_critical", "backup_warning")),
    "all": frozenset(("backup_error", "backup_critical", "backup_warning", "backup_info", "backup_daily_report")),
}
# Option -> contact field of the API.
CONTACT_OPTIONS = (("email", "email"), ("first_name", "firstname"), ("last_name", "lastname"), ("phone", "phone"))
SECRET_PLACEHOLDER = "********"
ATTEMPTS_AFTER_AMBIGUOUS_CREATE = 3

EMAIL_SENT, EMAIL_UNKNOWN, EMAIL_NOT_SENT = "sent", "unknown", "not_sent"


def same_login(left, right):
    """Logins are unique without regard to case, so identity ignores case too."""
    return (left or "").strip().casefold() == (right or "").strip().casefold()


# -- normalising --------------------------------------------------------------------------------------

def roles_of(user):
    return frozenset(policy.get("role_id") for policy in (user or {}).get("access_policies") or [])


def ordered_notifications(values):
    known = [value for value in NOTIFICATION_TYPES if value in values]
    return known + sorted(set(values) - set(NOTIFICATION_TYPES))


def backup_values(values):
    """The backup_* values of a notification list: the ones the levels decide."""
    return {value for value in values if value.startswith(BACKUP_PREFIX)}


def alert_level(values):
    """The level whose backup_* values the list holds exactly (a task asking for it changes nothing), or `custom`."""
    alerts = backup_values(values)
    return next((level for level, wanted in ALERT_LEVELS.items() if alerts == wanted), "custom")


def user_view(user):
    """The user-facing fields of a user (what results and diffs show)."""
    if not user:
        return {}
    contact = user.get("contact") or {}
    notifications = ordered_notifications(user.get("notifications") or [])
    roles = roles_of(user)
    view = {key: user.get(key) for key in ("id", "login", "tenant_id", "personal_tenant_id", "language",
                                           "enabled", "activated")}
    view.update({option: contact.get(field) or None for option, field in CONTACT_OPTIONS})
    view.update(roles=sorted(roles), manage_other_users=MANAGE_OTHERS_ROLE in roles,
                notifications=alert_level(notifications), quota_notifications=QUOTA_NOTIFICATION in notifications,
                notification_values=notifications)
    return view


# -- checking input -----------------------------------------------------------------------------------

def check_login(login):
    if len(login) < LOGIN_MIN:
        raise OptionError("login", "%r is too short: at least %d characters are needed" % (login, LOGIN_MIN))
    bad = sorted(set(login) - LOGIN_CHARS)
    if bad:
        raise OptionError("login", "%r contains characters that are not allowed (%s); use ASCII letters, digits "
                                   "and . @ _ - + : ! # $ %% ^ * = { } ' ` / ?" % (login, " ".join(map(repr, bad))))


def check_params(params):
    """Refuse bad input before any API call."""
    check_login((params.get("login") or "").strip())
    tenant_id = params.get("tenant_id")
    if tenant_id is not None and not (is_uuid(tenant_id) or is_planned(tenant_id)):
        raise OptionError("tenant_id", "%r is not a tenant uuid" % tenant_id)
    check_email("email", params.get("email"))
    check_language("language", params.get("language"))
    unknown = [role for role in params.get("roles") or [] if role not in ROLES]
    if unknown:
        raise OptionError("roles", "unknown role(s) %s; allowed: %s" % (", ".join(map(repr, unknown)), ", ".join(ROLES)))
    if params.get("manage_other_users") is False and MANAGE_OTHERS_ROLE in (params.get("roles") or []):
        raise OptionError("manage_other_users", "false contradicts roles, which lists %s (the role that manages "
                                                "other users' backups)" % MANAGE_OTHERS_ROLE)
    _check_activation_options(params)


def _check_activation_options(params):
    activation = params.get("activation")
    if activation == "password" and not params.get("password"):
        raise OptionError("password", "required when activation is password")
    if activation != "password" and params.get("password") is not None:
        raise OptionError("password", "is only used with activation: password (activation is %s)" % activation)
    if params.get("resend_activation") and activation != "email":
        raise OptionError("resend_activation", "only applies to activation: email (activation is %s)" % activation)


def check_roles_fit(roles, kind, params):
    """Refuse roles the tenant's kind cannot hold, naming the option that asked for them."""
    if kind is None:  # the tenant is only planned by a check-mode run
        return
    for role in sorted(roles):
        allowed = ROLE_KINDS.get(role)
        if allowed is None or kind in allowed:
            continue
        implied = role == MANAGE_OTHERS_ROLE and role not in (params.get("roles") or [])
        option = "manage_other_users" if implied else "roles"
        where = ("allowed in: %s" % ", ".join(allowed)) if allowed else "it cannot be granted through the API"
        raise OptionError(option, "role %s cannot be granted to a user of a %s tenant (%s)" % (role, kind, where))


# -- planning -----------------------------------------------------------------------------------------

def wanted_roles(params, current, kind_of):
    """The role set to hold after the task.

    Explicit `roles` replace the set. Without them an existing user keeps its roles, and a user
    without any role (a new one) gets the default role of its tenant's kind.
    """
    if params.get("roles") is not None:
        wanted = set(params["roles"])
    elif current:
        wanted = set(current)
    else:
        kind = kind_of()
        wanted = {DEFAULT_ROLES.get(kind, UNKNOWN_DEFAULT_ROLE)}
    if params.get("manage_other_users") is True:
        wanted.add(MANAGE_OTHERS_ROLE)
    elif params.get("manage_other_users") is False:
        wanted.discard(MANAGE_OTHERS_ROLE)
    wanted = frozenset(wanted)
    if wanted != current:
        check_roles_fit(wanted, kind_of(), params)
    return wanted


def wanted_notifications(current, params):
    """The notification list after the task, or None when no notification option is given.

    Only the backup_* values (set by level) and `quota` are touched; everything else is kept.
    """
    level, quota = params.get("notifications"), params.get("quota_notifications")
    if level is None and quota is None:
        return None
    values = set(current)
    if level is not None:
        values = (values - backup_values(values)) | ALERT_LEVELS[level]
    if quota is True:
        values.add(QUOTA_NOTIFICATION)
    elif quota is False:
        values.discard(QUOTA_NOTIFICATION)
    return ordered_notifications(values)


def user_changes(current, params):
    """API fields of PUT /users whose desired value differs (contact: only the differing keys)."""
    changes = subset_differs({"language": params.get("language"), "enabled": params.get("enabled")}, current)
    current_contact = current.get("contact") or {}
    contact = {field: params[option] for option, field in CONTACT_OPTIONS
               if params.get(option) is not None and (current_contact.get(field) or None) != params[option]}
    if contact:
        changes["contact"] = contact
    notifications = wanted_notifications(current.get("notifications") or [], params)
    if notifications is not None and set(notifications) != set(current.get("notifications") or []):
        changes["notifications"] = notifications
    return changes


def activation_step(params, user, created):
    """`email`, `password` or None: what the task does to activate the account."""
    activation = params.get("activation")
    if activation == "email" and (created or (params.get("resend_activation") and not user.get("activated"))):
        return "email"
    if activation == "password" and (created or params.get("update_password") == "always"
                                     or not user.get("activated")):
        return "password"
    return None


def predicted(user, changes, roles, step):
    after = dict(user, **{key: value for key, value in changes.items() if key != "contact"})
    after["contact"] = dict(user.get("contact") or {}, **changes.get("contact", {}))
    after["access_policies"] = [{"role_id": role} for role in sorted(roles)]
    if step == "password":  # a password activates the account
        after["activated"] = True
    return after


def create_body(params, tenant_id, login):
    contact = {field: params[option] for option, field in CONTACT_OPTIONS if params.get(option) is not None}
    body = {"tenant_id": tenant_id, "login": login, "contact": contact}
    if params.get("language") is not None:
        body["language"] = params["language"]
    if params.get("enabled") is False:
        body["enabled"] = False
    notifications = wanted_notifications(DEFAULT_NOTIFICATIONS, params)
    if notifications is not None:
        body["notifications"] = notifications
    return body


def planned_user(body, tenant_id):
    user = dict(body, id=planned_id(tenant_id, body["login"]), version=0, activated=False, personal_tenant_id=None,
                enabled=body.get("enabled", True), language=body.get("language", "en"))
    user.setdefault("notifications", list(DEFAULT_NOTIFICATIONS))
    return user


# -- reading ------------------------------------------------------------------------------------------

def tenant_users(client, tenant_id, option="tenant_id"):
    """Every user of the tenant with its access policies (all pages)."""
    try:
        return list(client.paginate("/users", {"tenant_id": tenant_id, "with_access_policies": "true"}))
    except AcronisError as exc:
        raise translate_read_error(exc, option, tenant_id)


def find_user(client, tenant_id, login, option="tenant_id"):
    return next((user for user in tenant_users(client, tenant_id, option) if same_login(user.get("login"), login)),
                None)


def users_by_ids(client, user_ids, option="user_id"):
    """Users by uuid with their access policies, in one call per 100 ids; unknown ids are left out."""
    users = []
    for start in range(0, len(user_ids), 100):
        chunk = ",".join(user_ids[start:start + 100])
        try:
            users.extend(client.paginate("/users", {"uuids": chunk, "with_access_policies": "true"}))
        except AcronisError as exc:
            if exc.status in (403, 404):  # unknown ids are left out of the answer: this is about the scope
                raise OptionError(option, "user %s is outside the API client's scope" % chunk)
            raise
    return users


def search_users(client, login):
    """Search hits of users with exactly this login in the API client's scope (the index may lag)."""
    page = client.get("/search", params={"tenant": client.home_tenant_id(), "text": login, "limit": SEARCH_LIMIT})
    return [item for item in (page or {}).get("items", [])
            if item.get("obj_type") == "user" and same_login(item.get("login"), login)]


def login_free(client, login):
    """Whether no user holds the login anywhere on the platform (an unacceptable login fails here)."""
    try:
        client.get("/users/check_login", params={"username": login})
        return True
    except AcronisError as exc:
        if exc.status == 406:
            raise OptionError("login", "%r is not accepted by the API: %s" % (login, exc.message))
        if exc.status != 409:
            raise
    return False


def taken_login_error(client, login, tenant_id):
    holders = search_users(client, login)
    if not holders:
        return OptionError("login", "%r is already taken by a user outside the API client's scope (logins are "
                                    "unique on the whole platform); choose another login" % login)
    holder = holders[0]
    where = "/".join(holder.get("path") or []) or holder.get("parent_id")
    return OptionError("login", "%r already belongs to a user of tenant %r (%s), not of tenant %s; users are not "
                                "moved between tenants: give that tenant, or choose another login"
                       % (login, where, holder.get("parent_id"), tenant_id))


# -- writing ------------------------------------------------------------------------------------------

def create_user(client, body):
    """POST a user without ever creating it twice.

    A lost answer (the POST may have been applied) or a login conflict (another run may have created
    it) is followed by a fresh listing of the tenant's users; a user found there is adopted.
    Returns (user, created_by_us, adopted): after a lost answer the user found is taken to be ours.
    """
    for attempt in range(ATTEMPTS_AFTER_AMBIGUOUS_CREATE):
        try:
            return dict(client.post("/users", body), access_policies=[]), True, False
        except AcronisError as exc:
            if not (exc.ambiguous or exc.status == 409):
                raise
            existing = find_user(client, body["tenant_id"], body["login"])
            if existing:
                return existing, exc.ambiguous, True
            if not exc.ambiguous:
                raise taken_login_error(client, body["login"], body["tenant_id"])
            if attempt + 1 == ATTEMPTS_AFTER_AMBIGUOUS_CREATE:
                raise


def update_user(client, user, changes_of):
    """PUT `changes_of(user)` with the current version; on a stale version re-read and recompute once."""
    def apply(current):
        changes = changes_of(current)
        if not changes:
            return current
        return client.put("/users/%s" % current["id"], dict(changes, version=current["version"]))
    answer = retry_on_version_conflict(apply, user, lambda: client.get("/users/%s" % user["id"]))
    return dict(answer, access_policies=user.get("access_policies") or [])


def assign_roles(client, user, roles):
    """Replace the user's role set (the API takes the whole set) with policies on the user's tenant."""
    items = [{"id": ZERO_UUID, "issuer_id": ZERO_UUID, "role_id": role, "tenant_id": user["tenant_id"],
              "trustee_id": user["id"], "trustee_type": "user", "version": 0} for role in sorted(roles)]
    answer = client.put("/users/%s/access_policies" % user["id"], {"items": items}) or {}
    return dict(user, access_policies=answer.get("items", items))


def send_activation_email(client, user):
    """EMAIL_SENT, or EMAIL_UNKNOWN when the answer was lost: never retried, as it is not idempotent."""
    try:
        client.post("/users/%s/send-activation-email" % user["id"], {})
    except AcronisError as exc:
        if exc.ambiguous:
            return EMAIL_UNKNOWN
        raise AcronisError("sending the activation e-mail to user %r failed: %s; run the task again with "
                           "resend_activation: true" % (user["login"], exc.message),
                           status=exc.status, code=exc.code, method=exc.method, path=exc.path)
    return EMAIL_SENT


def set_password(client, user, password):
    # Setting the same password twice has the same effect, so a lost answer may be retried.
    client.post("/users/%s/password" % user["id"], {"password": password}, retry_ambiguous=True)
    return dict(user, activated=True)


def delete_user(client, user):
    """Disable first (as the API's documentation asks), then delete with the fresh version."""
    user = update_user(client, user, lambda current: {"enabled": False} if current.get("enabled") else {})

    def apply(current):
        try:
            client.delete("/users/%s" % current["id"], params={"version": current["version"]})
        except AcronisError as exc:
            if exc.status != 404:  # a retried DELETE whose first attempt was applied
                raise
    retry_on_version_conflict(apply, user, lambda: client.get("/users/%s" % user["id"]))


# -- the module's operation ---------------------------------------------------------------------------

def ensure_backup_user(client, params, check_mode):
    check_params(params)
    login = params["login"].strip()
    tenant_id, option = _tenant_ref(client, params)
    current = None if is_planned(tenant_id) else find_user(client, tenant_id, login, option)
    if params.get("state") == "absent":
        return _absent(client, current, check_mode)
    if current is None:
        return _create(client, params, tenant_id, login, option, check_mode)
    return _converge(client, params, current, _kind_reader(client, current), check_mode)


def _tenant_ref(client, params):
    if params.get("tenant_id"):
        tenant_id = params["tenant_id"]
        return (tenant_id.lower() if is_uuid(tenant_id) else tenant_id), "tenant_id"
    return resolve_tenant_ref(client, params["tenant"], "tenant"), "tenant"


def _kind_reader(client, user):
    """The kind of the user's tenant, read at most once and only when needed.

    The API's user object carries `tenant_kind`; the tenant is read only if it does not.
    """
    known = {"kind": user.get("tenant_kind")}

    def kind():
        if not known["kind"]:
            known["kind"] = tenant_facts(client, user["tenant_id"])["kind"]
        return known["kind"]
    return kind


def _check_activation_possible(client, tenant_id, step):
    """The API activates only users below the API client's own tenant: refuse before writing."""
    if step and not is_planned(tenant_id) and tenant_id == client.home_tenant_id():
        action = "send activation e-mails" if step == "email" else "set passwords"
        raise OptionError("activation", "the API can %s only for users of tenants below the API client's own "
                                        "tenant, and this user is in the API client's tenant; use activation: none"
                          % action)


def _create(client, params, tenant_id, login, option, check_mode):
    if not login_free(client, login):
        # Taken since the tenant's users were listed: by another run creating this very user (adopted), or
        # by a user elsewhere (refused before any write).
        existing = None if is_planned(tenant_id) else find_user(client, tenant_id, login, option)
        if existing is None:
            raise taken_login_error(client, login, tenant_id)
        return _converge(client, params, existing, _kind_reader(client, existing), check_mode, adopted=True)
    if not params.get("email"):
        raise OptionError("email", "required to create user %r" % login)
    kind = None if is_planned(tenant_id) else tenant_facts(client, tenant_id, option)["kind"]
    roles = wanted_roles(params, frozenset(), lambda: kind)
    step = activation_step(params, {}, created=True)
    _check_activation_possible(client, tenant_id, step)
    body = create_body(params, tenant_id, login)
    if check_mode:
        return _result("created", None, predicted(planned_user(body, tenant_id), {}, roles, step), True, step=step)
    user, created, adopted = create_user(client, body)
    return _converge(client, params, user, lambda: kind, check_mode, created=created, adopted=adopted)


def _converge(client, params, user, kind_of, check_mode, created=False, adopted=False):
    """Bring an existing (or just created) user to the options: fields, activation, roles."""
    changes = user_changes(user, params)
    roles = wanted_roles(params, roles_of(user), kind_of)
    step = activation_step(params, user, created)
    _check_activation_possible(client, user["tenant_id"], step)
    before = None if created else user
    outcome = "created" if created else "updated"
    if not (created or changes or roles != roles_of(user) or step):
        return _result("unchanged", user, user, False, adopted=adopted)
    email, warnings = EMAIL_NOT_SENT, []
    if not created and step != "email" and left_unfinished(user, params, roles):
        email = EMAIL_UNKNOWN
        warnings.append(_email_warning("user %r was found without roles, as a run leaves it that stopped after "
                                       "creating it (or that is creating it right now)" % user["login"]))
    if check_mode:
        return _result(outcome, before, predicted(user, changes, roles, step), True, step=step, warnings=warnings)
    if changes:
        user = update_user(client, user, lambda current: user_changes(current, params))
    if step == "email":  # before the roles: a user without them is one whose creation did not finish
        email = send_activation_email(client, user)
        if email == EMAIL_UNKNOWN:
            warnings.append(_email_warning("the answer to the activation e-mail request for user %r was lost"
                                           % user["login"]))
    if roles != roles_of(user):
        user = assign_roles(client, user, roles)
    if step == "password":
        user = set_password(client, user, params["password"])
    return _result(outcome, before, user, True, step=step, email=email, adopted=adopted, warnings=warnings)


def left_unfinished(user, params, roles):
    """Whether a run stopped between creating the user and giving it its roles, the last step of a creation.

    The activation e-mail goes out between the two, so it may or may not have been sent.
    """
    return params.get("activation") == "email" and not user.get("activated") and not roles_of(user) and bool(roles)


def _email_warning(what_happened):
    return ("%s, so the activation e-mail may or may not have been sent; it is not repeated automatically, to avoid "
            "sending it twice. If it does not arrive, run the task again with resend_activation: true (it re-sends "
            "only while the account is not activated)" % what_happened)


def _result(outcome, before, after, changed, step=None, email=None, adopted=None, warnings=None):
    view = user_view(after)
    diff_after = dict(view, password=SECRET_PLACEHOLDER) if step == "password" else view
    if email is None:  # a prediction: the e-mail would be sent
        email = EMAIL_SENT if step == "email" else EMAIL_NOT_SENT
    result = dict(changed=changed, outcome=outcome, user=view, diff={"before": user_view(before), "after": diff_after},
                  activation_email=email, password_set=step == "password")
    if adopted is not None:
        result["adopted"] = adopted
    if warnings:
        result["warnings"] = warnings
    return result


def _absent(client, current, check_mode):
    """Delete the user; the result still shows the user as it was, so its ids remain at hand."""
    if current is not None and not check_mode:
        delete_user(client, current)
    return dict(_result("deleted" if current else "absent", current, None, current is not None),
                user=user_view(current))


# -- acronis_user_info --------------------------------------------------------------------------------

def user_info(client, params, check_mode):
    """Read-only: users by id, by login, or every user of a tenant, with roles and activation state."""
    if params.get("user_id"):
        if not is_uuid(params["user_id"]):
            raise OptionError("user_id", "%r is not a user uuid" % params["user_id"])
        users = users_by_ids(client, [params["user_id"].lower()])
    elif params.get("tenant") is None and params.get("tenant_id") is None:
        users = users_by_ids(client, [hit["id"] for hit in search_users(client, params["login"].strip())], "login")
    else:
        tenant_id, option = _tenant_ref(client, params)
        users = [] if is_planned(tenant_id) else tenant_users(client, tenant_id, option)
    if params.get("login"):
        users = [user for user in users if same_login(user.get("login"), params["login"])]
    return {"changed": False, "users": [user_view(user) for user in users]}
