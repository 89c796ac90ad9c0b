# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An existing estate as inventory hosts: read the subtree of a root with the API's batch reads, and describe
each tenant with the tenant role's variables (tenant_*) so that onboarding that inventory changes nothing.

Three batch reads, whatever the size of the estate (each paged): the tenants of the subtree
(GET /tenants?subtree_root_id=), its users with their roles (GET /users?subtree_root_tenant_id=) and the
offering items of its tenants (GET /tenants/offering_items?subtree_root_tenant_id=). What the variables
mean is decided by the modules' own planning functions (wanted_roles, alert_level, format_amount), so the
description follows the modules. Plain data in and out; no Ansible.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError, is_uuid
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._offering import (
    FEATURE, INFRA, format_amount, is_on, quota_of)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    CONTACT_FIELDS, delete_tenant, get_tenant, normalise_kind, resolve_tenant_ref, translate_read_error, update_tenant)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._users import (
    CONTACT_OPTIONS, MANAGE_OTHERS_ROLE, QUOTA_NOTIFICATION, ROLE_KINDS, alert_level, delete_user, ordered_notifications,
    roles_of, update_user, wanted_roles)

RESELLERS, CUSTOMERS = "acronis_resellers", "acronis_customers"
# The onboarding playbooks' groups: a group gives tenant_kind its default, so only other kinds say theirs.
GROUP_OF_KIND = {"partner": RESELLERS, "folder": RESELLERS, "customer": CUSTOMERS, "unit": CUSTOMERS}
DEFAULT_KIND_OF_GROUP = {RESELLERS: "partner", CUSTOMERS: "customer"}
HOST_KINDS = ("partner", "folder", "customer")
FACTS_PREFIX = "acronis_"
# Read-only facts of each host, next to its tenant_* variables.
FACTS = ("id", "path", "enabled", "created")
NOTES = FACTS_PREFIX + "notes"
# A variable of every host when the plugin's root is not the API client's tenant: what the drift report and
# the offboarding of strays take as the managed root.
ROOT_VARIABLE = "acronis_root"


def read_estate(client, root=None):
    """The tenants, users and offering items of the subtree of `root` (a name or uuid; the API client's tenant
    when None): {"root": tenant, "home_id", "tenants": [...] parents first, "users": [...], "items": [...]}."""
    root_id = resolve_tenant_ref(client, root, "root")
    try:
        tenants = list(client.paginate("/tenants", {"subtree_root_id": root_id}))
    except AcronisError as exc:
        raise translate_read_error(exc, "root", root_id)
    root_tenant = next((tenant for tenant in tenants if tenant["id"] == root_id), None)
    if root_tenant is None:
        raise OptionError("root", "no tenant with id %s exists in the API client's scope" % root_id)
    users = list(client.paginate("/users", {"subtree_root_tenant_id": root_id, "with_access_policies": "true"}))
    items = list(client.paginate("/tenants/offering_items", {"subtree_root_tenant_id": root_id}))
    infra_ids = sorted({item["infra_id"] for item in items if item.get("infra_id") and is_on(item)})
    storages = _storage_names(client, infra_ids)
    return {"root": root_tenant, "home_id": client.home_tenant_id(), "tenants": tenants, "users": users,
            "items": items, "storages": storages}


def _storage_names(client, infra_ids):
    """Storage location names by id, to write a readable tenant_storage; ids stand in when they cannot be read."""
    names = {}
    for start in range(0, len(infra_ids), 100):
        page = client.get("/infra", params={"uuids": ",".join(infra_ids[start:start + 100])}) or {}
        names.update((infra["id"], infra.get("name")) for infra in page.get("items", []))
    return names


# -- host names -------------------------------------------------------------------------------------

def slug(name):
    """A readable ASCII host name for a tenant name (`Contoso Ltd.` -> `contoso-ltd`), '' when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def host_names(tenants):
    """{tenant id: host name}: the slug of the name, unique. Two tenants whose names slug the same are told
    apart by creation order (the older keeps the plain slug, the next gets -2, ...), so a tenant added later
    never renames an existing host; a name with no ASCII letter or digit takes the start of its id."""
    names, taken = {}, set()
    ordered = sorted(tenants, key=lambda tenant: (tenant.get("created_at") or "", tenant["id"]))
    for tenant in ordered:
        base = slug(tenant.get("name")) or "tenant-" + tenant["id"][:8]
        name, number = base, 1
        while name in taken:
            number += 1
            name = "%s-%d" % (base, number)
        taken.add(name)
        names[tenant["id"]] = name
    return names


# -- selecting --------------------------------------------------------------------------------------

def check_selection(kinds, include_names, exclude_names):
    problems = []
    unknown = sorted(set(normalise_kind(kind) for kind in kinds or []) - set(HOST_KINDS))
    if unknown:
        problems.append("kinds: %s not allowed; allowed: %s, reseller (units come with include_units)"
                        % (", ".join(unknown), ", ".join(HOST_KINDS)))
    for option, patterns in (("include_names", include_names), ("exclude_names", exclude_names)):
        if not isinstance(patterns or [], list) or not all(isinstance(p, str) for p in patterns or []):
            problems.append("%s: a list of name patterns (shell-style, such as 'Contoso*') is required" % option)
    if problems:
        raise OptionError(problems[0].split(":")[0], "; ".join(p.split(": ", 1)[1] for p in problems))


def selected(tenant, kinds, include_units, include_names, exclude_names):
    """Whether a tenant of the estate becomes a host."""
    kind = tenant.get("kind")
    if tenant.get("owner_id") or not (kind in kinds or (kind == "unit" and include_units)):
        return False
    name = (tenant.get("name") or "").casefold()
    if include_names and not any(fnmatch.fnmatchcase(name, pattern.casefold()) for pattern in include_names):
        return False
    return not any(fnmatch.fnmatchcase(name, pattern.casefold()) for pattern in exclude_names or [])


# -- describing -------------------------------------------------------------------------------------

def estate_hosts(estate, kinds=HOST_KINDS, include_units=False, include_names=None, exclude_names=None,
                 include_users=True):
    """The hosts of the estate, parents before children: [{"name", "group", "vars"}]."""
    kinds = [normalise_kind(kind) for kind in kinds]
    root = estate["root"]
    by_id = {tenant["id"]: tenant for tenant in estate["tenants"]}
    hosts = [tenant for tenant in estate["tenants"]
             if tenant["id"] != root["id"] and selected(tenant, kinds, include_units, include_names, exclude_names)]
    names = host_names(hosts)
    items_of = {}
    for item in estate["items"]:
        items_of.setdefault(item.get("tenant_id"), []).append(item)
    users_of = {}
    for user in estate["users"]:
        users_of.setdefault(user.get("tenant_id"), []).append(user)
    out = []
    for tenant in _parents_first(hosts, by_id):
        group = GROUP_OF_KIND[tenant["kind"]]
        notes = []
        variables = tenant_variables(tenant, group, parent_ref(tenant, root, estate["home_id"], names))
        sets = quota_sets(items_of.get(tenant["id"], []), estate["storages"], notes)
        variables.update(sets)
        if include_users:
            users = [user_entry(user, tenant["kind"], items_of, sets, notes)
                     for user in sorted(users_of.get(tenant["id"], []), key=lambda user: user.get("login", ""))]
            variables["tenant_users"] = users
        variables.update({FACTS_PREFIX + "id": tenant["id"], FACTS_PREFIX + "path": _path(tenant, by_id, root),
                          FACTS_PREFIX + "enabled": bool(tenant.get("enabled")),
                          FACTS_PREFIX + "created": tenant.get("created_at")})
        if notes:
            variables[NOTES] = notes
        if root["id"] != estate["home_id"]:
            variables[ROOT_VARIABLE] = root["id"]
        out.append({"name": names[tenant["id"]], "group": group, "vars": variables})
    return out


def _parents_first(hosts, by_id):
    """Depth first from the root, siblings by name: a parent always comes before its children."""
    chains = {}

    def chain(tenant):
        if tenant["id"] not in chains:
            parent = by_id.get(tenant.get("parent_id"))
            own = ((tenant.get("name") or "").casefold(), tenant["id"])
            chains[tenant["id"]] = (chain(parent) if parent and parent["id"] != tenant["id"] else ()) + (own,)
        return chains[tenant["id"]]
    return sorted(hosts, key=chain)


def _path(tenant, by_id, root):
    """Names from the root down to the tenant: `Northwind Reseller/Contoso`."""
    names, current = [], tenant
    while current is not None and current["id"] != root["id"]:
        names.append(current.get("name") or current["id"])
        current = by_id.get(current.get("parent_id"))
    return "/".join(reversed(names))


def parent_ref(tenant, root, home_id, names):
    """tenant_parent: the parent's host name; the root's uuid when the root is not the API client's tenant
    (the default parent); a tenant that is no host (filtered out) by uuid."""
    parent_id = tenant.get("parent_id")
    if parent_id in names:
        return names[parent_id]
    if parent_id == home_id:
        return None
    return parent_id


def tenant_variables(tenant, group, parent):
    """The tenant_* variables of the tenant itself (quotas and users come apart)."""
    contact = tenant.get("contact") or {}
    # tenant_id keeps the host on this tenant when its name or parent is changed in the inventory.
    variables = {"tenant_id": tenant["id"], "tenant_name": tenant["name"]}
    if tenant["kind"] != DEFAULT_KIND_OF_GROUP[group]:
        variables["tenant_kind"] = tenant["kind"]
    if parent:
        variables["tenant_parent"] = parent
    if not tenant.get("enabled", True):
        variables["tenant_state"] = "disabled"
    contact = {key: contact[key] for key in CONTACT_FIELDS if contact.get(key) not in (None, "")}
    if contact:
        variables["tenant_contact"] = contact
    for key in ("language", "customer_id", "internal_tag", "pricing_mode"):
        if tenant.get(key) not in (None, ""):
            variables["tenant_" + key] = tenant[key]
    if (tenant.get("settings") or {}).get("enhanced_security"):
        variables["tenant_enhanced_security"] = True
    if tenant.get("ancestral_access") is False:
        variables["tenant_ancestral_access"] = False
    return variables


# -- quotas -----------------------------------------------------------------------------------------

def quota_value(item):
    """What tenant_quotas says for an enabled item: unlimited, a count, a size, or {value, overage}."""
    if item.get("type") == FEATURE:
        return "unlimited"
    value, overage = quota_of(item)
    unit = item.get("measurement_unit")
    if overage is None:
        return format_amount(value, unit)
    return {"value": format_amount(value, unit), "overage": format_amount(overage, unit)}


def quota_key(item, items):
    """The workload (usage name) when it names this item alone among the tenant's items of its edition, as the
    quota module resolves workloads; else the item's name, which the module takes as well."""
    usage = item.get("usage_name")
    same_usage = {other["name"] for other in items if other.get("usage_name") == usage
                  and other.get("edition") in (item.get("edition"), None)}
    return usage if usage and same_usage == {item["name"]} else item["name"]


def quota_sets(items, storages, notes):
    """tenant_quotas (with tenant_edition and tenant_storage) and tenant_offerings from the enabled items: one set
    per edition and storage location; items of no edition go with the first set."""
    enabled = [item for item in items if is_on(item)]
    if not enabled:
        return {}
    groups = {}
    for item in enabled:
        groups.setdefault((item.get("edition") or "", item.get("infra_id") or "" if item.get("type") == INFRA else ""),
                          []).append(item)
    # Within an edition, the items that need no storage go with its first storage location.
    for edition in {key[0] for key in groups}:
        located = sorted(key for key in groups if key[0] == edition and key[1])
        if located and (edition, "") in groups:
            groups[located[0]] = groups.pop((edition, "")) + groups[located[0]]
    editionless = [key for key in groups if not key[0]]
    if editionless and len(groups) > len(editionless):
        first = sorted(key for key in groups if key[0])[0]
        for key in editionless:
            if key[1] in ("", first[1]):
                groups[first] = groups.pop(key) + groups[first]
    sets = []
    for (edition, infra) in sorted(groups):
        quotas = {}
        for item in sorted(groups[(edition, infra)], key=lambda entry: entry["name"]):
            quotas[quota_key(item, items)] = quota_value(item)
        entry = {"edition": edition or None, "storage": storages.get(infra) or infra or None, "quotas": quotas}
        sets.append({key: value for key, value in entry.items() if value is not None})
    first, rest = sets[0], sets[1:]
    variables = {"tenant_quotas": first["quotas"]}
    if first.get("edition"):
        variables["tenant_edition"] = first["edition"]
    if first.get("storage"):
        variables["tenant_storage"] = first["storage"]
    if rest:
        variables["tenant_offerings"] = rest
    return variables


# -- users ------------------------------------------------------------------------------------------

def role_options(roles, kind):
    """The options that give a new user of a `kind` tenant exactly `roles`: the default role with
    manage_other_users true or false, as the module plans it, else the roles by name."""
    for manage in (False, True):
        try:
            if wanted_roles({"manage_other_users": manage}, frozenset(), lambda: kind) == roles:
                # Said only where the kind can hold the role it adds.
                return {"manage_other_users": manage} if kind in ROLE_KINDS[MANAGE_OTHERS_ROLE] else {}
        except OptionError:  # the kind cannot hold the role manage_other_users adds
            continue
    return {"roles": sorted(roles)}


def user_entry(user, kind, items_of, sets, notes):
    """One tenant_users entry: contact, roles, notifications, state and the user's own quotas."""
    contact = user.get("contact") or {}
    entry = {"login": user["login"]}
    for option, field in CONTACT_OPTIONS:
        if contact.get(field):
            entry[option] = contact[field]
    if user.get("language"):
        entry["language"] = user["language"]
    entry.update(role_options(roles_of(user), kind))
    values = ordered_notifications(user.get("notifications") or [])
    level = alert_level(values)
    if level == "custom":
        notes.append("tenant_users %s: notifications, as its backup notifications (%s) match no level"
                     % (user["login"], ", ".join(value for value in values if value.startswith("backup_")) or "none"))
    else:
        entry["notifications"] = level
    entry["quota_notifications"] = QUOTA_NOTIFICATION in values
    if user.get("enabled") is False:
        entry["enabled"] = False
    own = personal_quotas(items_of.get(user.get("personal_tenant_id")) or [], items_of, user, sets)
    if own:
        entry["quotas"] = own
    return entry


def personal_quotas(personal_items, items_of, user, sets):
    """The quotas of the user's personal tenant that differ from the tenant's own items (a personal tenant
    gets the tenant's quotas when the user gets its role, so only differences are the user's)."""
    tenant_items = {(item["name"], item.get("infra_id")): item for item in items_of.get(user.get("tenant_id")) or []}
    edition = sets.get("tenant_edition")
    own = {}
    for item in personal_items:
        if not is_on(item) or item.get("type") == FEATURE or item.get("edition") not in (edition, None):
            continue
        tenant_item = tenant_items.get((item["name"], item.get("infra_id")))
        if tenant_item is not None and is_on(tenant_item) and quota_of(tenant_item) == quota_of(item):
            continue
        own[quota_key(item, personal_items)] = quota_value(item)
    return own


# -- drift: what the cloud holds that the inventory does not ---------------------------------------------

def inventory_tenant_ids(estate, described):
    """{host: tenant id} of the inventory's hosts found in the estate, by the collection's identity rule: the name
    (ignoring case) under the parent. `described`: {host: {"name", "parent", "id"}}, where `id` is what this run's
    onboarding found (a uuid), else None; `parent` is another host, a uuid, a tenant name or None (the API
    client's tenant)."""
    children = {}
    for tenant in estate["tenants"]:
        if not tenant.get("owner_id"):
            children.setdefault((tenant.get("parent_id"), (tenant.get("name") or "").casefold()), tenant["id"])
    names = {}
    for tenant in estate["tenants"]:
        names.setdefault((tenant.get("name") or "").casefold(), []).append(tenant["id"])
    found, visiting = {}, set()

    def parent_id(parent):
        if parent is None:
            return estate["home_id"]
        if parent in described:
            return resolve(parent)
        if is_uuid(parent):
            return parent.lower()
        matches = names.get(str(parent).casefold(), [])
        return matches[0] if len(matches) == 1 else None

    def resolve(host):
        if host not in found:
            if host in visiting:  # a tenant_parent loop: the onboarding refuses it, nothing to find
                return None
            visiting.add(host)
            entry = described[host]
            if is_uuid(entry.get("id")):
                found[host] = entry["id"]
            else:
                found[host] = children.get((parent_id(entry.get("parent")), (entry.get("name") or host).casefold()))
        return found[host]
    return {host: resolve(host) for host in described}


def strays(estate, known_ids, logins, listed_items):
    """Tenants, users and enabled offering items below the root that no inventory host describes.

    `known_ids`: tenant ids of the inventory's hosts; `logins`: every host's tenant_users logins; `listed_items`:
    {tenant id: {(item name, storage id)}} of the items this run compared (a tenant missing there is not looked
    at). Personal tenants go with their users and are never strays; nothing outside the root is ever listed.
    """
    root = estate["root"]
    by_id = {tenant["id"]: tenant for tenant in estate["tenants"]}
    tenants = [tenant for tenant in estate["tenants"]
               if tenant["id"] != root["id"] and not tenant.get("owner_id") and tenant["id"] not in known_ids]
    stray_ids = {tenant["id"] for tenant in tenants}
    wanted_logins = {login.casefold() for login in logins}
    users = [user for user in estate["users"] if user.get("tenant_id") in known_ids
             and (user.get("login") or "").casefold() not in wanted_logins]
    items = [item for item in estate["items"] if is_on(item) and item.get("tenant_id") in listed_items
             and (item["name"], item.get("infra_id")) not in listed_items[item["tenant_id"]]]

    def path(tenant_id):
        return _path(by_id[tenant_id], by_id, root)
    return {
        "root": {"id": root["id"], "name": root.get("name")},
        "tenants": [{"id": tenant["id"], "name": tenant.get("name"), "kind": tenant.get("kind"),
                     "path": path(tenant["id"]), "enabled": tenant.get("enabled"), "version": tenant.get("version"),
                     "inside_stray": tenant.get("parent_id") in stray_ids} for tenant in tenants],
        "users": [{"id": user["id"], "login": user.get("login"), "tenant_id": user["tenant_id"],
                   "path": path(user["tenant_id"]), "enabled": user.get("enabled"), "version": user.get("version")}
                  for user in users],
        "items": [{"tenant_id": item["tenant_id"], "path": path(item["tenant_id"]), "item": item["name"],
                   "workload": item.get("usage_name"), "edition": item.get("edition"),
                   "storage": item.get("infra_id"), "limit": quota_value(item)} for item in items],
    }


def handle_strays(client, params, check_mode):
    """The acronis_strays operation: list the strays below the root; with state disabled or absent also disable
    or delete them (children before parents), never anything outside the root."""
    estate = read_estate(client, params.get("root"))
    described = {entry["host"]: entry for entry in params.get("inventory") or []}
    ids = inventory_tenant_ids(estate, described)
    known = {tenant_id for tenant_id in ids.values() if tenant_id}
    logins = [login for entry in described.values() for login in entry.get("logins") or []]
    listed = {ids[host]: {tuple(item) for item in entry["items"]} for host, entry in described.items()
              if ids.get(host) and entry.get("items") is not None}
    found = strays(estate, known, logins, listed)
    state = params.get("state") or "listed"
    changed = state != "listed" and bool(found["tenants"] or found["users"])
    if changed and not check_mode:
        remove_strays(client, found, state)
    return {"changed": changed, "strays": found, "state": state,
            "summary": "%d tenants, %d users and %d enabled offering items below %r are not in the inventory"
                       % (len(found["tenants"]), len(found["users"]), len(found["items"]), estate["root"].get("name"))}


def remove_strays(client, found, state):
    """Disable or delete the stray users, then the stray tenants, the deepest first."""
    stray_tenants = {tenant["id"] for tenant in found["tenants"]}
    for user in found["users"]:
        if user["tenant_id"] in stray_tenants:
            continue  # goes with its tenant
        current = client.get("/users/%s" % user["id"])
        if state == "absent":
            delete_user(client, current)
        elif current.get("enabled"):
            update_user(client, current, lambda latest: {"enabled": False} if latest.get("enabled") else {})
    for tenant in sorted(found["tenants"], key=lambda entry: -entry["path"].count("/")):
        if state == "disabled" and tenant["inside_stray"]:
            continue  # disabled with its stray parent
        current = get_tenant(client, tenant["id"], "root", missing_ok=True)
        if current is None:
            continue
        if state == "absent":
            delete_tenant(client, current)
        elif current.get("enabled"):
            update_tenant(client, current, {"enabled": False})
