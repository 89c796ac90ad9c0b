"""Compares the simulator's state with an onboarding inventory: is the cloud exactly what it describes?

`inventory_hosts()` reads the inventory as ansible does (group_vars merged); `differences()` lists every
mismatch in words (an empty list means the cloud equals the inventory): missing or wrong tenants, users and
quotas, duplicates, and what the inventory does not describe (tenants, users and enabled offering items
below its tenants).
"""

from __future__ import annotations

import json
import subprocess

from tests.integration.playbook import BIN

GB = 1024 ** 3
SIZES = {"MB": 1024 ** 2, "GB": GB, "TB": 1024 ** 4, "PB": 1024 ** 5}
ALERTS = {"none": set(), "errors": {"backup_error", "backup_critical"},
          "errors_and_warnings": {"backup_error", "backup_critical", "backup_warning"},
          "all": {"backup_error", "backup_critical", "backup_warning", "backup_info", "backup_daily_report"}}
# Inventory contact keys -> the API's contact fields.
CONTACT_FIELDS = {"first_name": "firstname", "last_name": "lastname"}
USER_CONTACT_KEYS = ("email", "first_name", "last_name", "phone")
# Roles whose grant gives the user's personal tenant the customer's enabled items (docs/api-notes.md, Roles).
PROVISIONING_ROLES = {"backup_user", "company_admin"}


def inventory_hosts(inventory):
    """{host: vars} of the tenant groups, with group_vars applied (templates left as text)."""
    listing = json.loads(subprocess.run([str(BIN / "ansible-inventory"), "-i", str(inventory), "--list"],
                                        capture_output=True, text=True, check=True).stdout)
    hostvars = listing["_meta"]["hostvars"]
    hosts = {}
    for group, kind in (("acronis_resellers", "partner"), ("acronis_customers", "customer")):
        for host in listing.get(group, {}).get("hosts", []):
            hosts[host] = dict(hostvars.get(host, {}), _kind=hostvars.get(host, {}).get("tenant_kind", kind))
    return hosts


def _amount(raw, in_bytes):
    if isinstance(raw, str) and raw.strip().lower() == "unlimited":
        return None
    if isinstance(raw, str):
        number, unit = raw.split()[0], (raw.split() + ["GB"])[1].upper().replace("IB", "B")
        return int(float(number) * SIZES[unit]) if in_bytes else int(number)
    return int(raw * GB) if in_bytes else int(raw)


def expected_quota(raw, in_bytes):
    """(value, overage) the API should store for a quota written in the inventory."""
    if isinstance(raw, dict):
        overage = raw.get("overage")
        return _amount(raw["value"], in_bytes), None if overage is None else _amount(overage, in_bytes)
    return _amount(raw, in_bytes), None


class Cloud:
    """The simulator's state, indexed the way the comparison needs it."""

    def __init__(self, state, emails_maybe_lost=()):
        self.emails_maybe_lost = {login.casefold() for login in emails_maybe_lost}
        self.tenants = [t for t in state["tenants"] if not t.get("deleted_at")]
        self.users = [u for u in state["users"] if not u.get("deleted_at")]
        self.roles = {}
        for policy in state["access_policies"]:
            if not policy.get("deleted_at"):
                self.roles.setdefault(policy["trustee_id"], set()).add(policy["role_id"])
        self.items = {}
        for item in state["offering_items"]:
            self.items.setdefault(item["tenant_id"], []).append(item)

    def children(self, parent_id, name=None):
        """Live tenants directly under `parent_id` (named `name` if given), users' personal tenants left out."""
        return [t for t in self.tenants if t["parent_id"] == parent_id and not t.get("owner_id")
                and (name is None or t["name"] == name)]

    def users_with_login(self, login):
        return [u for u in self.users if u["login"].casefold() == login.casefold()]

    def enabled_items(self, tenant_id):
        return [item for item in self.items.get(tenant_id, []) if item["status"] == 1]


def item_identity(item):
    """What tells offering items apart (docs/api-notes.md, Offering items)."""
    return item["application_id"], item["name"], item.get("infra_id")


def differences(state, hosts, home_tenant_id, emails_maybe_lost=()):
    """Every way the cloud differs from the inventory hosts (from inventory_hosts()).

    `emails_maybe_lost`: logins for which a run warned that the activation e-mail may not have gone out;
    they may have one e-mail or none (never two).
    """
    cloud = Cloud(state, emails_maybe_lost)
    found, problems = {}, []
    # Parents before children: walk the hosts by depth.
    pending = dict(hosts)
    while pending:
        ready = [h for h, v in pending.items() if v.get("tenant_parent") not in pending]
        if not ready:
            return problems + ["tenant_parent cycle among %s" % sorted(pending)]
        for host in ready:
            host_vars = pending.pop(host)
            problems += _check_tenant(cloud, host, host_vars, hosts, found, home_tenant_id)
    problems += _undescribed_tenants(cloud, found)
    names = {}
    for tenant in cloud.tenants:
        key = (tenant["parent_id"], tenant["name"].casefold(), bool(tenant.get("owner_id")))
        names[key] = names.get(key, 0) + 1
    problems += ["duplicate tenant %r" % key[1] for key, count in names.items() if count > 1]
    logins = [u["login"].casefold() for u in cloud.users]
    problems += ["duplicate login %r" % login for login in set(logins) if logins.count(login) > 1]
    return problems


def _undescribed_tenants(cloud, found):
    """Child tenants of the inventory's tenants that no host describes."""
    described = set(found.values())
    return ["%s: child tenant %r is not in the inventory" % (host, child["name"])
            for host, tenant_id in found.items() for child in cloud.children(tenant_id)
            if child["id"] not in described]


def _check_tenant(cloud, host, host_vars, hosts, found, home_tenant_id):
    name = host_vars.get("tenant_name", host)
    parent = host_vars.get("tenant_parent")
    parent_id = found.get(parent) if parent in hosts else home_tenant_id
    matches = cloud.children(parent_id, name)
    state = host_vars.get("tenant_state", "present")
    if state == "absent":
        return ["%s: tenant_state is absent but %r exists" % (host, name)] if matches else []
    if len(matches) != 1:
        return ["%s: %d tenants named %r under its parent" % (host, len(matches), name)]
    tenant = matches[0]
    found[host] = tenant["id"]
    problems = []
    if tenant["kind"] != {"reseller": "partner"}.get(host_vars["_kind"], host_vars["_kind"]):
        problems.append("%s: kind %s" % (host, tenant["kind"]))
    if tenant["enabled"] != (state == "present"):
        problems.append("%s: enabled is %s (tenant_state: %s)" % (host, tenant["enabled"], state))
    for key, field in (("tenant_language", "language"), ("tenant_customer_id", "customer_id"),
                       ("tenant_pricing_mode", "pricing_mode")):
        if key in host_vars and tenant[field] != host_vars[key]:
            problems.append("%s: %s is %r, not %r" % (host, field, tenant[field], host_vars[key]))
    problems += _check_contact(host, tenant.get("contact"), host_vars.get("tenant_contact") or {})
    sets = [{"quotas": host_vars.get("tenant_quotas") or {}, "edition": host_vars.get("tenant_edition")}]
    sets += host_vars.get("tenant_offerings") or []
    asked = set()
    for quota_set in sets:
        set_problems, set_items = _check_quotas(cloud, host, tenant["id"], quota_set["quotas"], quota_set.get("edition"))
        problems += set_problems
        asked |= set_items
    problems += _unasked_items(cloud, host, tenant["id"], asked)
    users = host_vars.get("tenant_users") or []
    for user in users:
        problems += _check_user(cloud, host, tenant, user, host_vars.get("tenant_edition"))
    listed = {user["login"].casefold() for user in users}
    problems += ["%s: user %r is not in the inventory" % (host, user["login"]) for user in cloud.users
                 if user["tenant_id"] == tenant["id"] and user["login"].casefold() not in listed]
    return problems


def _check_contact(where, contact, wanted):
    """Contact fields the inventory gives (with its key names) that the cloud holds otherwise."""
    problems = []
    for key, value in wanted.items():
        field = CONTACT_FIELDS.get(key, key)
        if (contact or {}).get(field) != value:
            problems.append("%s: contact.%s is %r, not %r" % (where, field, (contact or {}).get(field), value))
    return problems


def _check_quotas(cloud, where, tenant_id, quotas, edition):
    """(problems, identities of the items that serve these quotas)."""
    problems, asked = [], set()
    items = cloud.enabled_items(tenant_id)
    for key, raw in quotas.items():
        on = [i for i in items if i["usage_name"] == key and i.get("edition") in (edition, None)]
        on = on or [i for i in items if i["name"] == key]
        if len(on) != 1:
            problems.append("%s: %d items on for quotas.%s" % (where, len(on), key))
            continue
        asked.add(item_identity(on[0]))
        quota = on[0].get("quota") or {}
        wanted = expected_quota(raw, on[0]["measurement_unit"] == "bytes")
        if (quota.get("value"), quota.get("overage")) != wanted:
            found = (quota.get("value"), quota.get("overage"))
            problems.append("%s: quotas.%s is %r, not %r" % (where, key, found, wanted))
    return problems, asked


def _unasked_items(cloud, where, tenant_id, allowed):
    """Enabled items of a tenant beyond the identities in `allowed`."""
    return ["%s: item %s is on but not asked for" % (where, item["name"]) for item in cloud.enabled_items(tenant_id)
            if item_identity(item) not in allowed]


def _check_user(cloud, host, tenant, wanted, edition):
    where = "%s user %s" % (host, wanted["login"])
    users = cloud.users_with_login(wanted["login"])
    if wanted.get("state") == "absent":
        return ["%s: exists although its state is absent" % where] if users else []
    if len(users) != 1 or users[0]["tenant_id"] != tenant["id"]:
        return ["%s: %d users with that login in the tenant" % (where, len(users))]
    user, problems = users[0], []
    default_role = "partner_admin" if tenant["kind"] in ("partner", "folder") else "backup_user"
    roles = set(wanted.get("roles") or [default_role])
    if wanted.get("manage_other_users"):  # the Protection service's administrator instead of its user
        roles = (roles - {"backup_user", "protection_ro_admin", "restore_operator"}) | {"protection_admin"}
    if cloud.roles.get(user["id"], set()) != roles:
        problems.append("%s: roles %s, not %s" % (where, sorted(cloud.roles.get(user["id"], [])), sorted(roles)))
    problems += _check_contact(where, user.get("contact"), {key: wanted[key] for key in USER_CONTACT_KEYS if key in wanted})
    if "language" in wanted and user.get("language") != wanted["language"]:
        problems.append("%s: language is %r, not %r" % (where, user.get("language"), wanted["language"]))
    notifications = set(user.get("notifications") or [])
    backup = {value for value in notifications if value.startswith("backup_")}
    if "notifications" in wanted and backup != ALERTS[wanted["notifications"]]:
        problems.append("%s: notifications %s" % (where, sorted(notifications)))
    if "quota_notifications" in wanted and ("quota" in notifications) != wanted["quota_notifications"]:
        problems.append("%s: quota notifications %s" % (where, "quota" in notifications))
    if user.get("enabled") != wanted.get("enabled", True):
        problems.append("%s: enabled is %s" % (where, user.get("enabled")))
    problems += _check_activation(cloud, where, user, wanted.get("activation", "email"))
    if user.get("personal_tenant_id"):
        problems += _check_personal_tenant(cloud, where, tenant, user, wanted, edition)
    return problems


def _check_activation(cloud, where, user, activation):
    emails, activated = user.get("activation_emails", 0), user.get("activated")
    allowed = [{"email": (1, False), "password": (0, True), "none": (0, False)}[activation]]
    if activation == "email" and user["login"].casefold() in cloud.emails_maybe_lost:
        allowed.append((0, False))
    if (emails, activated) not in allowed:
        return ["%s: %d activation e-mails, activated %s (activation: %s)" % (where, emails, activated, activation)]
    return []


def _check_personal_tenant(cloud, where, tenant, user, wanted, edition):
    """Per-user quotas, and no item on beyond what the role gave: the customer's enabled items (docs/api-notes.md, Roles)."""
    problems, allowed = _check_quotas(cloud, where, user["personal_tenant_id"], wanted.get("quotas") or {}, edition)
    if cloud.roles.get(user["id"], set()) & PROVISIONING_ROLES:
        allowed |= {item_identity(item) for item in cloud.enabled_items(tenant["id"])}
    return problems + _unasked_items(cloud, where, user["personal_tenant_id"], allowed)
