# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup users: find -> normalise -> compare -> plan -> apply. Plain dicts in and out, no Ansible.

The no-change path costs two calls when the tenant id is known: the tenant's user ids, then those users
with their access policies embedded (one call per 100); everything is compared against that listing.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
import time

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import (
    AcronisError, retry_on_version_conflict)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import (
    OptionError, check_email, check_language, is_planned, is_uuid, planned_id, subset_differs)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    SEARCH_LIMIT, resolve_tenant_ref, tenant_facts, tenant_users, users_by_ids)

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
# "One user can have several roles but only one role per service" (Acronis' "User roles available for each
# service" page). Which role id belongs to which service is inferred from the roles' names and that page's
# per-service lists; company_admin and unit_admin span all services and are not counted. First listed:
# the role kept when a user holds several (only an earlier version of this collection made such users).
SERVICE_ROLES = {
    "Protection": ("protection_admin", "protection_ro_admin", "restore_operator", "backup_user"),
    "File Sync & Share": ("sync_share_admin", "sync_share_user", "sync_share_guest"),
    "Notary": ("notary_admin", "notary_user"),
}
# The portal's "manage backups of other users": the Protection service's administrator role instead of its
# user role.
MANAGE_OTHERS_ROLE = "protection_admin"
PROTECTION_USER_ROLE = "backup_user"
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
# What happened to an e-mail change of an activated user (see EmailChangeRequests).
EMAIL_CHANGE_REQUESTED, EMAIL_CHANGE_PENDING = "requested", "pending"
# Where the requests for such changes are remembered between runs.
STATE_DIR_VARIABLE = "ACRONIS_STATE_DIR"
DEFAULT_STATE_DIR = os.path.join("~", ".ansible", "acronis_cyber_cloud")


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
    doubled = services_held_twice(params.get("roles") or [])
    if doubled:
        service, held = doubled[0]
        raise OptionError("roles", "%s are roles of the same service (%s), and a user holds one role per "
                                   "service; keep one (manage_other_users: true stands for %s)"
                          % (", ".join(sorted(held)), service, MANAGE_OTHERS_ROLE))
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

def services_held_twice(roles):
    """(service, its roles in `roles`) for each service of which `roles` holds more than one."""
    return [(service, held) for service, held in
            ((service, [role for role in service_roles if role in roles]) for service, service_roles in
             SERVICE_ROLES.items()) if len(held) > 1]


def one_role_per_service(roles):
    """`roles` with only the first-listed role of each service it holds several of."""
    extra = {role for dummy, held in services_held_twice(roles) for role in held[1:]}
    return frozenset(roles) - extra


def wanted_roles(params, current, kind_of):
    """The role set to hold after the task.

    Explicit `roles` replace the set. Without them an existing user keeps its roles (one per service), and a
    user without any role (a new one) gets the default role of its tenant's kind. manage_other_users: true
    makes the Protection role protection_admin, false makes a protection_admin the Protection user.
    """
    if params.get("roles") is not None:
        wanted = set(params["roles"])
    elif current:
        wanted = set(one_role_per_service(current))
    else:
        kind = kind_of()
        wanted = {DEFAULT_ROLES.get(kind, UNKNOWN_DEFAULT_ROLE)}
    if params.get("manage_other_users") is True:
        wanted = (wanted - set(SERVICE_ROLES["Protection"])) | {MANAGE_OTHERS_ROLE}
    elif params.get("manage_other_users") is False and MANAGE_OTHERS_ROLE in wanted:
        wanted = (wanted - {MANAGE_OTHERS_ROLE}) | {PROTECTION_USER_ROLE}
    wanted = frozenset(wanted)
    if wanted != current:
        check_roles_fit(wanted, kind_of(), params)
    return wanted


def role_migration_warning(user, roles):
    """The warning for a user found with several roles of one service, as earlier versions left
    manage_other_users: true (backup_user and protection_admin), whose roles the task now replaces."""
    doubled = services_held_twice(roles_of(user))
    if not doubled or roles == roles_of(user):
        return None
    return ("user %r held %s; a user holds one role per service (earlier versions of this collection gave "
            "backup_user and protection_admin for manage_other_users: true), so its roles are now %s"
            % (user.get("login"), "; ".join("%s of the %s service" % (" and ".join(sorted(held)), service)
                                            for service, held in doubled), ", ".join(sorted(roles))))


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

def find_user(client, tenant_id, login, option="tenant_id"):
    """The tenant's user with this login, or None. A user of another tenant is never adopted."""
    user = next((user for user in tenant_users(client, tenant_id, option) if same_login(user.get("login"), login)),
                None)
    if user is not None and user.get("tenant_id") != tenant_id:
        raise taken_login_error(client, login, tenant_id, user.get("tenant_id"))
    return user


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


def taken_login_error(client, login, tenant_id, holder_tenant_id=None):
    """The error for a login held elsewhere: by a user of another tenant in the scope (found by search, or
    `holder_tenant_id` when a listing showed it), or outside the scope."""
    holders = search_users(client, login)
    if holders:
        holder_tenant_id = holders[0].get("parent_id")
        where = "/".join(holders[0].get("path") or []) or holder_tenant_id
    elif holder_tenant_id:
        where = holder_tenant_id
    else:
        return OptionError("login", "%r is already taken by a user outside the API client's scope (logins are "
                                    "unique on the whole platform); choose another login" % login)
    return OptionError("login", "%r already belongs to a user of tenant %r (%s), not of tenant %s; users are not "
                                "moved between tenants: give that tenant, or choose another login"
                       % (login, where, holder_tenant_id, tenant_id))


class EmailChangeRequests:
    """The e-mail changes of activated users this controller has asked for, kept between runs.

    The API changes an activated user's address only once the user opens a confirmation link that it
    mails to the old address; until then the user record, version included, keeps the old address and
    shows no trace of the request (Acronis' "Changing a user account email" guide; the user schema has
    no such field). Comparing the record with the task cannot tell a change asked for from one never
    asked, so the controller remembers what it asked: one file per datacenter and user in
    $ACRONIS_STATE_DIR (default ~/.ansible/acronis_cyber_cloud), mode 0600, holding a hash of the address
    asked for and the time, never the address. A controller without that folder (a new AWX container)
    asks once more.
    """

    def __init__(self, datacenter_url, directory=None):
        self.datacenter_url = datacenter_url
        self.directory = os.path.expanduser(directory or os.environ.get(STATE_DIR_VARIABLE) or DEFAULT_STATE_DIR)

    def _path(self, user_id):
        key = hashlib.sha256(("%s|%s" % (self.datacenter_url, user_id)).encode("utf-8")).hexdigest()[:32]
        return os.path.join(self.directory, "email-change-%s.json" % key)

    @staticmethod
    def _digest(email):
        return hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()

    def asked(self, user_id, email):
        """When this controller asked to change the user's address to `email` (an ISO time), or None."""
        try:
            with open(self._path(user_id)) as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        return entry.get("asked_at") if entry.get("email_sha256") == self._digest(email) else None

    def remember(self, user_id, email):
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        final = self._path(user_id)
        temporary = "%s.%d.tmp" % (final, os.getpid())
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"email_sha256": self._digest(email),
                       "asked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, handle)
        os.replace(temporary, final)

    def forget(self, user_id):
        try:
            os.remove(self._path(user_id))
        except OSError:
            pass


def without_email(changes):
    """The changes without the contact's e-mail address."""
    contact = {key: value for key, value in (changes.get("contact") or {}).items() if key != "email"}
    changes = {key: value for key, value in changes.items() if key != "contact"}
    return dict(changes, contact=contact) if contact else changes


def email_change(user, changes, requests):
    """(changes to send, EMAIL_CHANGE_REQUESTED / EMAIL_CHANGE_PENDING / None, when it was asked for).

    A new address for an activated user is asked for once; after that the change is pending and left out
    of the changes, until the user confirms it or the task gives another address."""
    email = (changes.get("contact") or {}).get("email")
    if email is None or not user.get("activated"):
        return changes, None, None
    asked = requests.asked(user["id"], email)
    if asked is None:
        return changes, EMAIL_CHANGE_REQUESTED, None
    return without_email(changes), EMAIL_CHANGE_PENDING, asked


def email_change_warning(user, params, state, asked):
    old = (user.get("contact") or {}).get("email")
    if state == EMAIL_CHANGE_REQUESTED:
        return ("user %r is activated, so its e-mail address changes only once the user opens the confirmation "
                "link the platform has now sent to the old address (%s); until then the user keeps %s, and later "
                "runs report the change to %s as pending without asking again"
                % (user.get("login"), old, old, params["email"]))
    return ("user %r: the change of its e-mail address to %s, asked for on %s, is pending confirmation (the link "
            "went to %s); it is not asked again" % (user.get("login"), params["email"], asked, old))


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
    requests = EmailChangeRequests(client.datacenter_url)

    def changes_of(current):
        return email_change(current, user_changes(current, params), requests)[0]
    changes, email_change_state, asked = email_change(user, user_changes(user, params), requests)
    if email_change_state is None and params.get("email") and user.get("activated"):
        requests.forget(user["id"])  # confirmed (or never asked): nothing is pending any more
    roles = wanted_roles(params, roles_of(user), kind_of)
    step = activation_step(params, user, created)
    _check_activation_possible(client, user["tenant_id"], step)
    before = None if created else user
    outcome = "created" if created else "updated"
    email, warnings = EMAIL_NOT_SENT, []
    if email_change_state:
        warnings.append(email_change_warning(user, params, email_change_state, asked))
    if not (created or changes or roles != roles_of(user) or step):
        return _result("unchanged", user, user, False, adopted=adopted, warnings=warnings,
                       email_change=email_change_state)
    migration = role_migration_warning(user, roles)
    if migration:
        warnings.append(migration)
    if not created and step != "email" and left_unfinished(user, params, roles):
        email = EMAIL_UNKNOWN
        warnings.append(_email_warning("user %r was found without roles, as a run leaves it that stopped after "
                                       "creating it (or that is creating it right now)" % user["login"]))
    # The record of an activated user keeps its address until the user confirms the change.
    shown = without_email(changes) if email_change_state else changes
    if check_mode:
        return _result(outcome, before, predicted(user, shown, roles, step), True, step=step, warnings=warnings,
                       email_change=email_change_state)
    if changes:
        user = update_user(client, user, changes_of)
        if email_change_state == EMAIL_CHANGE_REQUESTED:
            requests.remember(user["id"], params["email"])
    if step == "email":  # before the roles: a user without them is one whose creation did not finish
        email = send_activation_email(client, user)
        if email == EMAIL_UNKNOWN:
            warnings.append(_email_warning("the answer to the activation e-mail request for user %r was lost"
                                           % user["login"]))
    if roles != roles_of(user):
        user = assign_roles(client, user, roles)
    if step == "password":
        user = set_password(client, user, params["password"])
    return _result(outcome, before, user, True, step=step, email=email, adopted=adopted, warnings=warnings,
                   email_change=email_change_state)


def left_unfinished(user, params, roles):
    """Whether a run stopped between creating the user and giving it its roles, the last step of a creation.

    The activation e-mail goes out between the two, so it may or may not have been sent.
    """
    return params.get("activation") == "email" and not user.get("activated") and not roles_of(user) and bool(roles)


def _email_warning(what_happened):
    return ("%s, so the activation e-mail may or may not have been sent; it is not repeated automatically, to avoid "
            "sending it twice. If it does not arrive, run the task again with resend_activation: true (it re-sends "
            "only while the account is not activated)" % what_happened)


def _result(outcome, before, after, changed, step=None, email=None, adopted=None, warnings=None, email_change=None):
    view = user_view(after)
    diff_after = dict(view, password=SECRET_PLACEHOLDER) if step == "password" else view
    if email is None:  # a prediction: the e-mail would be sent
        email = EMAIL_SENT if step == "email" else EMAIL_NOT_SENT
    result = dict(changed=changed, outcome=outcome, user=view, diff={"before": user_view(before), "after": diff_after},
                  activation_email=email, password_set=step == "password")
    if adopted is not None:
        result["adopted"] = adopted
    if email_change:
        result["email_change"] = email_change
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
