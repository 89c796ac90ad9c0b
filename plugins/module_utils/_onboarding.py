# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant role's own logic: what each step asks of the modules for one inventory host, and the
host's record for the report. Plain data in and out; no Ansible.

This was Jinja in the role's variables and task arguments. Ansible compiles a template anew each time
a task of a host uses it, which made templating the largest cost of an onboarding (docs/benchmark.md).
"""

from __future__ import annotations

import re

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError, is_planned, planned_id

ROLE_VARIABLE = re.compile(r"^tenant_[a-z]")
# Outcomes after which a tenant can hold children.
USABLE_OUTCOMES = ("created", "updated", "unchanged")
# Outcomes that are the tenant's status in the report whatever else changed.
TENANT_STATUSES = ("created", "deleted", "absent")
# acronis_tenant options set from the variable tenant_<option> of the same name.
TENANT_OPTIONS = ("contact", "language", "customer_id", "internal_tag", "pricing_mode", "enhanced_security",
                  "ancestral_access", "services")
# Keys of a tenant_users entry that are not acronis_backup_user options.
USER_QUOTAS_KEY = "quotas"
# Tenant kinds whose users have a personal tenant (docs/api-notes.md, Personal tenants).
PERSONAL_TENANT_KINDS = ("customer", "unit")
# The roles that give a user's personal tenant the customer's backup items (and so the items per-user quotas
# limit): backup_user and company_admin (docs/api-notes.md, Roles). manage_other_users: true replaces backup_user
# with protection_admin, which is not one of them.
ITEM_GIVING_ROLES = ("backup_user", "company_admin")


def unknown_variables(names, known):
    """Misspelt role variables (tenant_qoutas) among `names`: tenant_* names the role does not know."""
    return sorted(name for name in names if ROLE_VARIABLE.match(name) and name not in known)


def check_variables(names, known, host):
    """Refuse misspelt role variables before any API call."""
    unknown = unknown_variables(names, known)
    if unknown:
        raise AcronisError("unknown variable %s on host %s; the tenant role knows %s"
                           % (", ".join(unknown), host, ", ".join(known)))


def plan_problems(host, variables, known, user_options, kind):
    """Every problem of one host that the plan refuses before any write, one line each, naming the variable
    the user wrote: misspelt tenant_* variables, unknown keys of tenant_users entries, items named by both
    tenant_quotas and tenant_offerings (each run would set one and then the other), per-user quotas that
    cannot apply."""
    problems = []
    unknown = unknown_variables(variables, known)
    if unknown:
        problems.append("unknown variable %s; the tenant role knows %s" % (", ".join(unknown), ", ".join(known)))
    users = variables.get("tenant_users")
    for index, entry in enumerate(users if isinstance(users, list) else []):
        if not isinstance(entry, dict):
            problems.append("tenant_users[%d]: a user is a dict with at least login" % index)
            continue
        allowed = sorted(set(user_options) | {USER_QUOTAS_KEY})
        problems.extend("tenant_users[%d].%s: unknown option; allowed: %s" % (index, key, ", ".join(allowed))
                        for key in sorted(set(entry) - set(allowed)))
    quotas = variables.get("tenant_quotas")
    offerings = variables.get("tenant_offerings")
    # The same item is the same name in the same edition at the same storage location (as written).
    where = (variables.get("tenant_edition"), variables.get("tenant_storage"))
    for index, offering in enumerate(offerings if isinstance(offerings, list) else []):
        if not isinstance(offering, dict) or (offering.get("edition"), offering.get("storage")) != where:
            continue
        both = sorted(set(quotas if isinstance(quotas, dict) else {}) & set(offering.get("quotas") or {}))
        if both:
            problems.append("tenant_quotas and tenant_offerings[%d].quotas both set %s in the same edition and "
                            "storage; set each item in one of them" % (index, ", ".join(both)))
    try:
        check_user_quotas(kind, [entry for entry in users or [] if isinstance(entry, dict)]
                          if isinstance(users, list) else [])
    except OptionError as exc:
        problems.append(str(exc))
    return ["host %s: %s" % (host, problem) for problem in problems]


def parent_reference(parent, host, inventory_parent):
    """Where to create the tenant: {ref, blocked_by}.

    `inventory_parent(name)` gives (record, tenant name) of an inventory host, or None for a name that
    is not one. A parent host onboarded earlier in this run gives its id; one that failed or was skipped
    blocks its children; one not onboarded in this run (--limit, another job slice) is looked up by its
    tenant name. A parent that is not an inventory host is a tenant name or uuid to look up.
    """
    found = inventory_parent(parent) if parent and parent != host else None
    if found is None:
        return {"ref": parent, "blocked_by": ""}
    record, name = found
    if not record:
        return {"ref": name or parent, "blocked_by": ""}
    if record.get("status") in USABLE_OUTCOMES:
        return {"ref": record.get("id"), "blocked_by": ""}
    reason = ": " + record["reason"] if record.get("reason") else ""
    return {"ref": None, "blocked_by": "parent %s %s%s" % (parent, record.get("status"), reason)}


def tenant_arguments(variables, parent_ref):
    """The acronis_tenant arguments of the host (options left out are not managed)."""
    state = variables.get("tenant_state") or "present"
    arguments = {"tenant_id": variables.get("tenant_id"), "name": variables.get("tenant_name"), "kind": variables.get("tenant_kind"), "parent": parent_ref,
                 "state": "absent" if state == "absent" else "present",
                 "enabled": None if state == "absent" else state == "present"}
    arguments.update((option, variables.get("tenant_" + option)) for option in TENANT_OPTIONS)
    return _without_none(arguments)


def quota_arguments(variables, tenant_id):
    """The arguments of each acronis_quota call on the tenant: tenant_quotas (with tenant_edition and
    tenant_storage), then each of tenant_offerings. Purging with several sets would switch off the other
    sets' items of the same service, so purge applies to tenant_quotas alone, without tenant_offerings."""
    offerings = variables.get("tenant_offerings") or []
    purge = bool(variables.get("tenant_quota_purge"))
    sets = []
    if variables.get("tenant_quotas") or purge:
        sets.append({"quotas": variables.get("tenant_quotas") or {}, "edition": variables.get("tenant_edition"),
                     "storage": variables.get("tenant_storage"), "purge": purge and not offerings})
    return [dict(_without_none(entry), tenant_id=tenant_id) for entry in sets + list(offerings)]


def quota_warnings(variables):
    """What the quota sets leave out of what the variables ask."""
    if variables.get("tenant_quota_purge") and variables.get("tenant_offerings"):
        return ["tenant_quota_purge is ignored because tenant_offerings is set too (purging one quota set would "
                "switch off the other sets' items); nothing was purged"]
    return []


def user_arguments(entry, tenant_id):
    """The acronis_backup_user arguments of one tenant_users entry (its per-user quotas set apart)."""
    return dict({key: value for key, value in entry.items() if key != USER_QUOTAS_KEY}, tenant_id=tenant_id)


def check_user_quotas(kind, users):
    """Refuse per-user quotas that cannot apply, before anything is written: for users that will have no
    personal tenant, or whose personal tenant will get no items."""
    with_quotas = [entry for entry in users or [] if entry.get(USER_QUOTAS_KEY)]
    logins = [entry.get("login") for entry in with_quotas]
    if logins and kind not in PERSONAL_TENANT_KINDS:
        raise OptionError("tenant_users.quotas", "users of a %s tenant have no personal tenant, so per-user quotas "
                                                 "(given for %s) apply only to users of customers; set the quotas "
                                                 "on the tenant instead" % (kind, ", ".join(logins)))
    itemless = [entry.get("login") for entry in with_quotas if not _personal_tenant_gets_items(entry)]
    if itemless:
        raise OptionError("tenant_users.quotas", "the personal tenant of %s gets no backup items to limit: only the "
                                                 "roles %s give it the customer's items, and manage_other_users: "
                                                 "true gives protection_admin instead of backup_user; drop the "
                                                 "per-user quotas of these users"
                          % (", ".join(itemless), " and ".join(ITEM_GIVING_ROLES)))


def _personal_tenant_gets_items(entry):
    roles = set(entry.get("roles") or ["backup_user"])
    if entry.get("manage_other_users"):
        roles.discard("backup_user")
    return bool(roles & set(ITEM_GIVING_ROLES))


def user_quota_arguments(entry, user_result, edition, storage):
    """The acronis_quota arguments of a user's own quotas (on the user's personal tenant, in the tenant's
    edition and storage location, which the personal tenant gets from the tenant), or None.

    A user that a check-mode run would create has no personal tenant yet: a planned one stands in for it,
    so the run still predicts its quotas.
    """
    if not entry.get(USER_QUOTAS_KEY) or "user" not in user_result:
        return None
    user = user_result["user"]
    personal = user.get("personal_tenant_id")
    if not personal:
        if not is_planned(user.get("id")):
            raise OptionError("tenant_users.quotas", "user %r has no personal tenant, so its own quotas cannot be "
                                                     "set" % user.get("login"))
        personal = planned_id(user["id"], "personal")
    return _without_none({"tenant_id": personal, "quotas": entry[USER_QUOTAS_KEY], "edition": edition,
                          "storage": storage})


def storage_location(quota_results):
    """The storage location (infrastructure id) that the tenant's quota sets use, or None."""
    for result in _results(quota_results):
        for view in (result.get("quotas") or {}).values():
            if view.get("storage"):
                return view["storage"]
    return None


def tenant_record(host, variables, tenant, quotas, users, blocked_by=""):
    """The host's line in the report: what exists now and what this run changed, or why it was skipped.

    `tenant`, `quotas` and `users` are the results of the role's steps; a user's result carries its
    per-user quotas' result under `user_quotas`. Results never hold a password.
    """
    record = {"host": host, "name": variables.get("tenant_name"), "kind": variables.get("tenant_kind"),
              "parent": variables.get("tenant_parent") or ""}
    if not tenant or tenant.get("skipped"):
        return dict(record, status="skipped", reason=blocked_by)
    changes = [dict(_change("tenant", tenant), summary=tenant.get("identity_changes") or [])] \
        if tenant.get("changed") else []
    quota_views = {}
    for result in _results(quotas):
        quota_views.update(result.get("quotas") or {})
        if result.get("changed"):
            changes.append(_change("quotas", result))
    user_lines = []
    for result in _results(users):
        if "user" not in result:
            continue
        user = result["user"]
        user_lines.append({"login": user.get("login"), "roles": user.get("roles") or [],
                           "activated": bool(user.get("activated")), "outcome": result.get("outcome") or "",
                           "activation_email": result.get("activation_email") or "",
                           "quotas": (result.get("user_quotas") or {}).get("quotas") or {}})
        if result.get("changed"):
            changes.append(_change("user " + user.get("login", ""), result))
        if (result.get("user_quotas") or {}).get("changed"):
            changes.append(_change("quotas of user " + user.get("login", ""), result["user_quotas"]))
    outcome = tenant.get("outcome")
    status = outcome if outcome in TENANT_STATUSES else ("updated" if changes else "unchanged")
    view = tenant.get("tenant") or {}
    return dict(record, name=view.get("name") or record["name"], id=view.get("id") or "", status=status,
                reason="", users=user_lines, quotas=quota_views, changes=changes)


def _change(what, result):
    return {"what": what, "diff": result.get("diff") or {}}


def _results(step):
    return (step or {}).get("results") or []


def _without_none(arguments):
    return {key: value for key, value in arguments.items() if value is not None}
