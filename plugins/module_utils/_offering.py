# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offering items and quotas: find -> normalise -> compare -> plan -> apply. Plain dicts, no Ansible.

A quota is asked for by workload (an item's `usage_name`: storage, servers, ...) or by item name and
resolved against what the platform lists, never against names or ids written here: the tenant's own
items (`GET /tenants/{id}/offering_items?edition=*`, status 0 = off, 1 = on) and, when that list
lacks something or before anything is switched on, what the parent offers (`available_for_child`).
With the tenant id given and nothing to change, the whole task is that one list call.

A customer holds one edition per service: giving a customer another edition than the one it has on goes
through the platform's edition switch (a dry-run check, then the switch), never by switching the new
edition's items on next to the old ones.
"""

from __future__ import annotations

import re
from collections import namedtuple
from decimal import Decimal
from fractions import Fraction

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import (
    AcronisError, retry_on_version_conflict)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError, is_planned, is_uuid
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import (
    translate_read_error, resolve_tenant_ref, tenant_facts)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._users import search_users

UNLIMITED = "unlimited"
BYTES = "bytes"
FEATURE = "feature"
INFRA = "infra"
# Binary units, as the portal counts them (docs/api-notes.md, Units): 1 GB = 1024**3 bytes. GiB etc. mean the same.
SIZE_UNITS = (("PB", 1024 ** 5), ("TB", 1024 ** 4), ("GB", 1024 ** 3), ("MB", 1024 ** 2))
GB = dict(SIZE_UNITS)["GB"]
# Decimals of GB that tell any two byte counts apart: 10**-10 GB is about a tenth of a byte.
GB_PLACES = 10
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_SIZE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*([mgtp])i?b$", re.IGNORECASE)
# A planned tenant id (planned:<parent>/<name>, nested for planned parents) starts with a real ancestor.
_PLANNED_ANCESTOR = re.compile(r"^(?:planned:)+([0-9a-fA-F-]{36})(?:/|$)")
VALUE_HELP = ("use unlimited, a number (GB for storage, a count otherwise), a size such as 500 GB or 2 TB "
              "(MB, GB, TB, PB) for storage, or {value: ..., overage: ...} for a hard quota")

# kind: "unlimited", "number" (GB for byte items, a count otherwise) or "bytes" (a size string).
Amount = namedtuple("Amount", "kind number given")
# value and overage are Amounts; overage None makes a soft quota.
Limit = namedtuple("Limit", "value overage")


# -- values: what the user wrote -> what the API stores ----------------------------------------------

def parse_amount(option, raw):
    """One quota amount as written in the task, checked for syntax only (units come with the item)."""
    if isinstance(raw, str) and raw.strip().lower() == UNLIMITED:
        return Amount(UNLIMITED, None, raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise OptionError(option, "%r is not a quota; %s" % (raw, VALUE_HELP))
    size = _SIZE.match(raw.strip()) if isinstance(raw, str) else None
    text = size.group(1) if size else str(raw).strip()
    if isinstance(raw, str) and not _NUMBER.match(text):
        raise OptionError(option, "%r is not a quota; %s" % (raw, VALUE_HELP))
    number = Decimal(text) if isinstance(raw, str) else Decimal(repr(raw))
    if not number.is_finite():
        raise OptionError(option, "%r is not a quota; %s" % (raw, VALUE_HELP))
    if number < 0:
        raise OptionError(option, "%r is negative; a quota is 0 (nothing allowed) or more, or unlimited" % (raw,))
    if size:
        return Amount("bytes", to_bytes(number, dict(SIZE_UNITS)[size.group(2).upper() + "B"]), raw)
    return Amount("number", number, raw)


def parse_limit(option, raw):
    """A quota as written: an amount (soft quota) or {value, overage} (hard quota)."""
    if not isinstance(raw, dict):
        return Limit(parse_amount(option, raw), None)
    unknown = sorted(set(raw) - {"value", "overage"})
    if unknown:
        raise OptionError(option, "unknown key(s) %s; a hard quota is {value: ..., overage: ...}" % ", ".join(unknown))
    if raw.get("value") is None:
        raise OptionError(option, "value is required in {value: ..., overage: ...}")
    value = parse_amount(option + ".value", raw["value"])
    if raw.get("overage") is None:
        return Limit(value, None)
    overage = parse_amount(option + ".overage", raw["overage"])
    if overage.kind == UNLIMITED:
        raise OptionError(option + ".overage", "cannot be unlimited; leave overage out for a soft quota")
    if value.kind == UNLIMITED:
        raise OptionError(option, "an unlimited quota has no overage; give a value or leave overage out")
    return Limit(value, overage)


def api_amount(option, amount, item):
    """An Amount in the item's unit: bytes for byte items (numbers are GB), a whole count otherwise."""
    if amount is None or amount.kind == UNLIMITED:
        return None
    if item.get("measurement_unit") == BYTES:
        if amount.kind == "bytes":
            return amount.number
        return to_bytes(amount.number, GB)
    if amount.kind == "bytes":
        raise OptionError(option, "%r is a size, but %s (%s) is counted in %s; give a whole number"
                          % (amount.given, item["name"], item.get("usage_name"), item.get("measurement_unit")))
    if amount.number != amount.number.to_integral_value():
        raise OptionError(option, "%r is not a whole number; %s is counted in %s"
                          % (amount.given, item["name"], item.get("measurement_unit")))
    return int(amount.number)


def to_bytes(number, unit):
    """A Decimal number of `unit` (bytes per unit) as whole bytes: exact arithmetic, ties to even."""
    return round(Fraction(number) * unit)


def format_amount(number, unit):
    """What the API stores, exactly, as the portal shows it: unlimited, a whole count, or GB (500 GB, 1.5 GB).

    GB take the fewest decimals that give back the stored bytes when written in a task, so two different
    amounts never look the same; an odd byte count takes more (500 GB and 1 byte: 500.000000001 GB).
    """
    if number is None:
        return UNLIMITED
    if unit != BYTES:
        return int(number)
    candidates = (Decimal(round(Fraction(number * 10 ** places, GB))).scaleb(-places) for places in range(GB_PLACES + 1))
    gigabytes = next(candidate for candidate in candidates if to_bytes(candidate, GB) == number)
    return "%s GB" % format(gigabytes.normalize(), "f")


# -- items ---------------------------------------------------------------------------------------------

def identity(item):
    """An item is (service, name, storage) for the API (docs/api-notes.md, Offering items)."""
    return item["application_id"], item["name"], item.get("infra_id")


def is_on(item):
    return item.get("status") == 1


def quota_of(item):
    """(value, overage) of an enabled item; (None, None) = unlimited, also for disabled items."""
    quota = (item.get("quota") or {}) if is_on(item) else {}
    return quota.get("value"), quota.get("overage")


def item_view(item):
    """One item in user terms: workload, item, edition, on/off, limit as unlimited / 500 GB / a count."""
    view = {"workload": item.get("usage_name"), "item": item["name"], "edition": item.get("edition"),
            "enabled": is_on(item)}
    if item.get("infra_id"):
        view["storage"] = item["infra_id"]
    if is_on(item) and item.get("type") != FEATURE:
        value, overage = quota_of(item)
        unit = item.get("measurement_unit")
        view.update(limit=format_amount(value, unit), hard=overage is not None,
                    overage=None if overage is None else format_amount(overage, unit))
    return view


def switched(item, status, value=None, overage=None):
    """The item as it will be: on with a quota, or off (disabled items carry no quota)."""
    after = {key: val for key, val in item.items() if key != "quota"}
    after["status"] = status
    if status == 1 and item.get("type") != FEATURE:
        after["quota"] = {"value": value, "overage": overage, "version": (item.get("quota") or {}).get("version", 0)}
    return after


def put_entry(current, after):
    """The PUT entry that turns `current` into `after`, or None when they agree."""
    toggled = current.get("status") != after["status"]
    if not toggled and (not is_on(after) or quota_of(current) == quota_of(after) or after.get("type") == FEATURE):
        return None
    entry = {"application_id": after["application_id"], "name": after["name"], "status": after["status"]}
    if after.get("infra_id"):
        entry["infra_id"] = after["infra_id"]
    if is_on(after) and after.get("type") != FEATURE and not (toggled and quota_of(after) == (None, None)):
        value, overage = quota_of(after)
        version = (current.get("quota") or {}).get("version", 0) if is_on(current) else 0
        entry["quota"] = {"value": value, "overage": overage, "version": version}
    return entry


def knows(key, items):
    """Whether `key` is a workload (usage name) or an item name among `items`."""
    return any(key in (item.get("usage_name"), item["name"]) for item in items)


def editions(items):
    return sorted({item["edition"] for item in items if item.get("edition")})


def merged(items, updates):
    """`items` with `updates` laid over them by identity (new ones appended)."""
    by_id = {identity(item): item for item in items}
    by_id.update((identity(item), item) for item in updates)
    return list(by_id.values())


# -- the tenant, read lazily ---------------------------------------------------------------------------

class Tenant:
    """The tenant whose items are set. Only its item list is read on every run; the tenant record, its
    parent and the parent's catalogue are read on first use (switching items on, or failing)."""

    def __init__(self, client, tenant_id, option):
        self.client = client
        self.id = tenant_id
        self.option = option
        self._cache = {}

    def _once(self, key, read):
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def items(self, usage_names=None):
        params = {"edition": "*"}
        if usage_names:
            params["usage_names"] = ",".join(usage_names)
        try:
            page = self.client.get("/tenants/%s/offering_items" % self.id, params=params)
        except AcronisError as exc:
            raise translate_read_error(exc, self.option, self.id)
        return (page or {}).get("items", [])

    @property
    def record(self):
        return self._once("record", lambda: tenant_facts(self.client, self.id, self.option))

    @property
    def name(self):
        return self.record.get("name", self.id)

    @property
    def parent_id(self):
        return self.record["parent_id"]

    @property
    def parent_name(self):
        return self._once("parent", lambda: tenant_facts(self.client, self.parent_id))["name"]

    def catalogue(self):
        """What the parent can give this tenant, as disabled items of this tenant. Read once per playbook run
        and parent: siblings share it, and a parent's items are set in an earlier play than its children's."""
        def read():
            params = {"edition": "*"}
            if self.record.get("kind"):
                params["kind"] = self.record["kind"]
            path = "/tenants/%s/offering_items/available_for_child" % self.parent_id
            items = self.client.run_cached("catalogue:%s:%s" % (path, params.get("kind")),
                                           lambda: (self.client.get(path, params=params) or {}).get("items", []))
            return [switched(dict(item, tenant_id=self.id), 0) for item in items]
        return self._once("catalogue", read)

    def storage_names(self, infra_ids):
        """Names of storage locations by id; only for messages and names given by the user. Read once per
        playbook run (every tenant of an onboarding asks for the same locations)."""
        uuids = ",".join(sorted(infra_ids))

        def fetch():
            page = self.client.get("/infra", params={"uuids": uuids})
            return {infra["id"]: infra.get("name") for infra in (page or {}).get("items", [])}

        def read():
            try:
                return self.client.run_cached("infra:" + uuids, fetch)
            except AcronisError:
                return {}  # names are a courtesy: ids still identify the locations
        return self._once(("infra",) + tuple(sorted(infra_ids)), read)

    def workload_names(self):
        """Usage names of every service of the platform; only read to explain a failure."""
        return self._once("usages", lambda: platform_workloads(self.client))


def platform_workloads(client):
    """Usage names of every service of the platform (GET /applications), read once per playbook run."""
    def read():
        apps = (client.get("/applications") or {}).get("items", [])
        return sorted({usage for app in apps for usage in app.get("usages") or []})
    return set(client.run_cached("applications:usages", read))


class PlannedTenant(Tenant):
    """A tenant that a check-mode run would create: no API call on it, its parent's catalogue instead."""

    def __init__(self, client, planned, option):
        super().__init__(client, planned, option)
        match = _PLANNED_ANCESTOR.match(planned)
        ancestor = match.group(1).lower() if match else client.home_tenant_id()
        self._cache["record"] = {"id": planned, "name": planned, "parent_id": ancestor, "kind": None,
                                 "owner_id": None}

    def items(self, usage_names=None):
        return []


# -- resolving the task's keys to items ----------------------------------------------------------------

class Resolver:
    """Finds the items the task's keys mean, in the tenant's list and then in the parent's catalogue."""

    def __init__(self, tenant, items, params):
        self.tenant = tenant
        self.items = items
        self.params = params
        self.edition = None

    def pool_for(self, key):
        """The tenant's list if it knows `key`, else the parent's catalogue."""
        return self.items if knows(key, self.items) else self.tenant.catalogue()

    def workload_items(self, key, pool):
        return [item for item in pool if item.get("usage_name") == key]

    def needs_edition(self, key):
        return any(item.get("edition") for item in self.workload_items(key, self.pool_for(key)))

    def pools(self):
        """The tenant's own list first; the parent's catalogue only when that list lacks something."""
        yield self.items
        yield self.tenant.catalogue()

    def matches(self, key, pool):
        """What `key` names in `pool`: a workload's items in the chosen edition, or the items of that name."""
        workload = self.workload_items(key, pool)
        if workload:
            return [item for item in workload if item.get("edition") in (self.edition, None)]
        found = [item for item in pool if item["name"] == key]
        self._check_item_edition("quotas.%s" % key, found)
        return found

    def candidates(self, key):
        """The items `key` names (one per storage location), from the first pool that has any."""
        for pool in self.pools():
            found = self.matches(key, pool)
            if found:
                return found
        raise self._not_offered(key, "quotas.%s" % key)

    def enabled(self, key):
        """For state=absent: the items on that `key` names (those at the `storage` location, if given)."""
        if not any(knows(key, pool) for pool in self.pools()):
            raise self._not_offered(key, "quotas.%s" % key)
        on = [item for item in self.matches(key, self.items) if is_on(item)]
        if not self.params.get("storage"):
            return on
        located = at_location(self, on)
        return [item for item in on if item.get("type") != INFRA or item in located]

    def _check_item_edition(self, option, found):
        wanted = self.params.get("edition")
        for item in found:
            if wanted and item.get("edition") not in (None, wanted):
                raise OptionError(option, "item %s belongs to edition %s, not to the edition option's %s"
                                  % (item["name"], item["edition"], wanted))

    def _not_offered(self, key, option):
        known = self.items + self.tenant.catalogue()
        where = "tenant %r can get from its parent %r" % (self.tenant.name, self.tenant.parent_name)
        in_editions = editions(self.workload_items(key, known))
        if in_editions or key in self.tenant.workload_names():
            suffix = " in edition %s" % self.edition if self.edition else ""
            also = " (only in: %s)" % ", ".join(in_editions) if in_editions else ""
            return OptionError(option, "workload %r%s is not among the items %s%s; ask for the item to be "
                                       "enabled on %r first" % (key, suffix, where, also, self.tenant.parent_name))
        offered = sorted({item.get("usage_name") for item in known if item.get("edition") in (self.edition, None)})
        return OptionError(option, "%r is neither a workload nor an offering item that %s; workloads offered: %s"
                           % (key, where, ", ".join(offered) or "none"))


def choose_edition(resolver, keys, params):
    """The edition workloads are resolved in: given, the one the tenant has on, or the one offered."""
    tenant, items = resolver.tenant, resolver.items
    wanted = params.get("edition")
    if wanted:
        if wanted in editions(items) or wanted in editions(tenant.catalogue()):
            return wanted
        choices = sorted(set(editions(items)) | set(editions(tenant.catalogue())))
        raise OptionError("edition", "%r is not offered to tenant %r; choices: %s"
                          % (wanted, tenant.name, ", ".join(choices) or "none"))
    if not any(resolver.needs_edition(key) for key in keys):
        return None
    enabled = editions([item for item in items if is_on(item)])
    if len(enabled) > 1:
        raise OptionError("edition", "tenant %r has items of several editions on (%s); choose one with the "
                                     "edition option" % (tenant.name, ", ".join(enabled)))
    if enabled or params.get("state") == "absent":
        return enabled[0] if enabled else None
    offered = editions(tenant.catalogue())
    if len(offered) != 1:
        raise OptionError("edition", "required: tenant %r has no edition on yet and its parent %r offers %s; "
                                     "choose one" % (tenant.name, tenant.parent_name, ", ".join(offered) or "none"))
    return offered[0]


def choose_location(resolver, key, candidates):
    """The one item among storage variants: the `storage` option's, the one on, or the only one."""
    if candidates[0].get("type") != INFRA:
        if len(candidates) > 1:
            raise OptionError("quotas.%s" % key, "names several items (%s); use one item name as the key"
                              % ", ".join(sorted(item["name"] for item in candidates)))
        return candidates[0]
    if resolver.params.get("storage"):
        return _named_location(resolver, key, candidates)
    on = [item for item in candidates if is_on(item)]
    used = {item.get("infra_id") for item in resolver.items if item.get("type") == INFRA and is_on(item)}
    for choice in (candidates, on, [item for item in candidates if item.get("infra_id") in used]):
        if len(choice) == 1:
            return choice[0]
    raise OptionError("storage", "tenant %r can use %d storage locations for %s (%s); choose one with the "
                                 "storage option" % (resolver.tenant.name, len(candidates), candidates[0]["name"],
                                                     _locations(resolver.tenant, candidates)))


def _named_location(resolver, key, candidates):
    found = at_location(resolver, candidates)
    if len(found) != 1:
        raise OptionError("storage", "%r is not a storage location offered for %s (quotas.%s); choices: %s"
                          % (resolver.params["storage"], candidates[0]["name"], key,
                             _locations(resolver.tenant, candidates)))
    return found[0]


def at_location(resolver, items):
    """The storage items at the location the `storage` option names, by infrastructure uuid or name."""
    wanted = resolver.params["storage"].strip()
    if is_uuid(wanted):
        return [item for item in items if item.get("infra_id") == wanted.lower()]
    names = resolver.tenant.storage_names({item["infra_id"] for item in items if item.get("infra_id")})
    return [item for item in items if (names.get(item.get("infra_id")) or "").casefold() == wanted.casefold()]


def _locations(tenant, candidates):
    names = tenant.storage_names({item["infra_id"] for item in candidates})
    return ", ".join("%s (%s)" % (item["infra_id"], names.get(item["infra_id"]) or "name unknown")
                     for item in candidates)


# -- switching a customer's edition -------------------------------------------------------------------

class EditionSwitch:
    """The platform's switch of a customer from the edition(s) it has on to another one, per service
    (`GET /tenants/{id}/edition` is the dry run answering warnings, `PUT` switches). The switch moves every
    item of the old edition, in the customer and below it, to the new edition's item of the same workload and
    storage, quota included (Acronis' help on switching editions); an item without a counterpart goes off."""

    def __init__(self, tenant, application_ids, old, new):
        self.tenant = tenant
        self.application_ids = application_ids
        self.old = old
        self.new = new
        self.warnings = []

    def moves(self, item):
        return is_on(item) and item["application_id"] in self.application_ids and item.get("edition") in self.old

    def check(self):
        """The dry run, for every service concerned; refused switches fail naming the missing items."""
        for application_id in self.application_ids:
            try:
                answer = self.tenant.client.get("/tenants/%s/edition" % self.tenant.id,
                                                params={"target_edition": self.new, "application_id": application_id})
            except AcronisError as exc:
                raise self._refused(exc)
            self.warnings += [code for code in (answer or {}).get("warnings") or [] if code not in self.warnings]

    def apply(self):
        for application_id in self.application_ids:
            try:
                self.tenant.client.put("/tenants/%s/edition" % self.tenant.id,
                                       {"target_edition": self.new, "application_id": application_id})
            except AcronisError as exc:
                raise self._refused(exc)

    def predicted(self, items):
        """`items` as the switch will leave them (for check mode and for planning before the switch)."""
        pool = {(item["application_id"], item.get("usage_name"), item.get("infra_id")): item
                for item in merged(self.tenant.catalogue(), items) if item.get("edition") == self.new}
        after = []
        for item in items:
            if self.moves(item):
                after.append(switched(item, 0))
                target = pool.get((item["application_id"], item.get("usage_name"), item.get("infra_id")))
                if target is not None:
                    after.append(switched(target, 1, *quota_of(item)))
        return merged(items, after)

    def view(self):
        return {"from": ", ".join(self.old), "to": self.new, "warnings": list(self.warnings)}

    def message(self, check_mode):
        return ("edition: tenant %r %s from %s to %s; the platform's check warns: %s"
                % (self.tenant.name, "would switch" if check_mode else "switched", ", ".join(self.old), self.new,
                   ", ".join(self.warnings) or "nothing"))

    def _refused(self, exc):
        missing = ", ".join(item.get("name", "?") for item in exc.context.get("offering_items") or [])
        return OptionError("edition", "tenant %r cannot switch from %s to %s: %s%s%s"
                           % (self.tenant.name, ", ".join(self.old), self.new, exc,
                              "; items not available: %s" % missing if missing else "",
                              "; the check warned: %s" % ", ".join(self.warnings) if self.warnings else ""))


def edition_switch(tenant, items, params):
    """The switch the task needs, or None: only when the edition option names another edition than the one a
    customer has on, for a service that has that edition among the tenant's items."""
    wanted = params.get("edition")
    if not wanted or params.get("state") == "absent":
        return None
    services = {item["application_id"] for item in items if item.get("edition") == wanted}
    moving = [item for item in items if is_on(item) and item["application_id"] in services
              and item.get("edition") not in (None, wanted)]
    if not moving or tenant.record.get("kind") != "customer":
        return None
    return EditionSwitch(tenant, sorted({item["application_id"] for item in moving}),
                         sorted({item["edition"] for item in moving}), wanted)


# -- planning ------------------------------------------------------------------------------------------

class Plan:
    """The items the task concerns (as they are and as they will be) and the option that asked for each."""

    def __init__(self, edition):
        self.edition = edition
        self.current = {}
        self.after = {}
        self.option = {}

    def add(self, option, current, after):
        key = identity(current)
        if key in self.current:
            raise OptionError(option, "names item %s, which %s already names" % (current["name"], self.option[key]))
        self.current[key], self.after[key], self.option[key] = current, after, option

    def entries(self):
        return [entry for entry in (put_entry(self.current[key], self.after[key]) for key in self.current) if entry]


def parse_request(params):
    """The quotas option checked for syntax: {key: Limit} (present) or {key: None} (absent)."""
    quotas = params.get("quotas") or {}
    wanted = {}
    for key, raw in quotas.items():
        if not isinstance(key, str) or not key.strip():
            raise OptionError("quotas", "%r is not a workload or item name" % (key,))
        option = "quotas.%s" % key
        if params.get("state") == "absent":
            wanted[key] = None
        elif raw is None:
            raise OptionError(option, "no value; %s" % VALUE_HELP)
        else:
            wanted[key] = parse_limit(option, raw)
    return wanted


def plan_quotas(tenant, items, wanted, params):
    """Resolve every key, compute each item's desired state, and refuse what the API would refuse."""
    resolver = Resolver(tenant, items, params)
    resolver.edition = choose_edition(resolver, wanted, params)
    plan = Plan(resolver.edition)
    for key, limit in wanted.items():
        option = "quotas.%s" % key
        if limit is None:
            for item in resolver.enabled(key):
                plan.add(option, item, switched(item, 0))
            continue
        item = choose_location(resolver, key, resolver.candidates(key))
        if item.get("type") == FEATURE and limit.value.kind != UNLIMITED:
            raise OptionError(option, "%s is a feature without a quota; give unlimited to switch it on" % item["name"])
        value = api_amount(option, limit.value, item)
        overage = api_amount(option + ".overage", limit.overage, item)
        plan.add(option, item, switched(item, 1, value, overage))
    if params.get("purge") and params.get("state") != "absent":
        services = {key[0] for key in plan.current}
        for item in items:
            if is_on(item) and item["application_id"] in services and identity(item) not in plan.current:
                plan.add("purge", item, switched(item, 0))
    _check_switching(tenant, items, plan)
    return plan


def _check_switching(tenant, items, plan):
    """Before any write: personal tenants keep their items, the parent must offer what is switched on,
    and a customer uses one storage."""
    switching = [key for key in plan.current if plan.current[key].get("status") != plan.after[key]["status"]]
    if not switching:
        return
    record = tenant.record
    for key in switching:
        if record.get("owner_id") or plan.current[key].get("locked"):
            raise OptionError(plan.option[key], "cannot switch item %s %s in tenant %r: items of a personal tenant "
                                                "(or locked items) cannot be switched on or off, only the quotas of "
                                                "items already on can be changed"
                              % (key[1], "on" if plan.after[key]["status"] else "off", tenant.name))
    offered = {identity(item) for item in tenant.catalogue()}
    for key in switching:
        if plan.after[key]["status"] == 1 and key not in offered:
            raise OptionError(plan.option[key], "item %s%s is not available to tenant %r: its parent %r does not "
                                                "offer it" % (key[1], " on storage %s" % key[2] if key[2] else "",
                                                              tenant.name, tenant.parent_name))
    if record.get("kind") == "customer":
        after = merged(items, plan.after.values())
        storages = sorted({item["infra_id"] for item in after if item.get("type") == INFRA and is_on(item)})
        if len(storages) > 1:
            raise OptionError("storage", "customer %r can use only one storage location, but would have %s on; "
                                         "keep the one it uses, or switch the other off (state: absent) first"
                              % (tenant.name, " and ".join(storages)))


# -- applying ------------------------------------------------------------------------------------------

def apply_plan(tenant, items, plan, wanted, params):
    """Send the plan's differences (made against `items`) in one PUT; on a stale quota version read the items
    again, plan again and send once more. Returns (plan, items after)."""
    def send(planned):
        planned_items, planned_plan = planned
        entries = planned_plan.entries()
        if not entries:
            return planned_plan, planned_items
        answer = tenant.client.put("/tenants/%s/offering_items" % tenant.id, {"offering_items": entries})
        return planned_plan, merged(planned_items, (answer or {}).get("items", []))

    def plan_again():
        fresh = tenant.items()
        return fresh, plan_quotas(tenant, fresh, wanted, params)
    return retry_on_version_conflict(send, (items, plan), plan_again)


def _views(keys, items, fallback):
    by_id = {identity(item): item for item in items}
    labels = _labels(keys)
    return {labels[key]: item_view(by_id[key] if key in by_id else fallback[key]) for key in keys}


def _labels(keys):
    """Item names, with the storage id where two concerned items share a name."""
    names = [key[1] for key in keys]
    return {key: key[1] if names.count(key[1]) == 1 else "%s@%s" % (key[1], key[2]) for key in keys}


def _scope(client, params):
    """The tenant the quotas apply to: tenant_id, tenant (name or uuid), or a user's personal tenant."""
    if params.get("user"):
        return Tenant(client, personal_tenant_id(client, params["user"].strip()), "user")
    option = "tenant_id" if params.get("tenant_id") else "tenant"
    ref = params.get(option).strip()
    if option == "tenant_id" and not (is_uuid(ref) or is_planned(ref)):
        raise OptionError("tenant_id", "%r is not a tenant uuid" % ref)
    tenant_id = resolve_tenant_ref(client, ref, option)
    if is_planned(tenant_id):
        return PlannedTenant(client, tenant_id, option)
    return Tenant(client, tenant_id, option)


def personal_tenant_id(client, login):
    """The personal tenant of the user with this login (users of customers have one)."""
    hits = search_users(client, login)
    if not hits:
        raise OptionError("user", "no user with login %r in the API client's scope" % login)
    user = client.get("/users/%s" % hits[0]["id"])
    if not user.get("personal_tenant_id"):
        raise OptionError("user", "user %r has no personal tenant (only users of customer tenants have one); set "
                                  "the quotas on the tenant instead" % login)
    return user["personal_tenant_id"]


def current_items(tenant, wanted, params):
    """The tenant's items the task needs to see. With the edition given, only the asked workloads' items
    (a tenant can have hundreds of items) when one of them is on in that edition; everything when a key is an
    item name, or when the edition is to be inferred or may have to be switched, items are switched off
    (state=absent) or purged."""
    if not params.get("edition") or params.get("purge") or params.get("state") == "absent":
        return tenant.items()
    items = tenant.items(sorted(wanted))
    if (all(any(item.get("usage_name") == key for item in items) for key in wanted)
            and any(is_on(item) and item.get("edition") == params["edition"] for item in items)):
        return items
    return tenant.items()


def ensure_quotas(client, params, check_mode):
    wanted = parse_request(params)
    tenant = _scope(client, params)
    if isinstance(tenant, PlannedTenant) and not check_mode:
        raise OptionError(tenant.option, "%s is a tenant that only a check-mode run plans; run without check mode "
                                         "from the task that creates it" % tenant.id)
    items = current_items(tenant, wanted, params)
    switch = edition_switch(tenant, items, params)
    planned_items = items
    if switch:
        switch.check()
        planned_items = switch.predicted(items)
    # Everything is planned (and refused) before the first write, the switch included.
    plan = plan_quotas(tenant, planned_items, wanted, params)
    originals = {identity(item): item for item in items}
    # The views show the task's items and, with a switch, every item it turns off or on.
    touched = {identity(item): item for item in planned_items if switch and identity(item) not in plan.current
               and is_on(item) != is_on(originals.get(identity(item), {}))}
    keys = list(plan.current) + list(touched)
    # What is sent decides, not the views (a view may hide a difference the PUT carries), as planned against
    # the items first read: planned again after a stale version, the plan is empty if the first PUT was
    # applied and only its answer lost.
    changed = bool(switch) or bool(plan.entries())
    # Before: as first read; an item that only the predicted switch (or only the catalogue) lists was off.
    unseen = dict(plan.current)
    unseen.update(touched)
    before = _views(keys, items, {key: switched(item, 0) for key, item in unseen.items()})
    fallback = dict(touched)
    fallback.update(plan.after)
    if check_mode:
        after = merged(planned_items, plan.after.values())
    else:
        if switch:
            switch.apply()
            planned_items = tenant.items()
            plan = plan_quotas(tenant, planned_items, wanted, params)
        plan, after = apply_plan(tenant, planned_items, plan, wanted, params)
    fallback.update(plan.after)
    now = _views(keys, after, fallback)
    result = {"changed": changed, "outcome": "updated" if changed else "unchanged", "tenant_id": tenant.id,
              "edition": plan.edition, "quotas": now, "diff": {"before": before, "after": now}}
    if switch:
        result["edition_switch"] = switch.view()
        result["warnings"] = [switch.message(check_mode)]
    return result
