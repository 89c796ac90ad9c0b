#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_quota
short_description: Switch on offering items and set backup quotas of a tenant or of a user
version_added: 0.1.0
description:
  - Sets the Cyber Protection quotas of a tenant (cloud backup storage, servers, virtual machines,
    workstations, mobile devices, or any other offering item), switching items on where needed, as the
    portal's "Unlimited" box or a limit in GB does.
  - Per-user quotas live on the user's personal tenant; give O(user) (or that tenant's O(tenant_id)).
  - Items are found by workload (the item's usage name) and edition in what the platform lists for the
    tenant, never by names or ids built into the module. Before an item is switched on, the parent's
    catalogue is read, so an item the parent cannot grant fails, naming the parent, before anything is
    written.
  - Only differing items are sent, in one request, with each quota's current version. If the quotas are
    changed by someone else in between, they are read again and the comparison redone once.
  - With O(tenant_id) and nothing to change the task makes one API call.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Predicts the same C(changed) and diff as a real run without writing. C(changed) means that
      items are (or would be) sent to the API. For a tenant that a check-mode run plans (a C(planned:...) id
      from M(acronis.cyber_cloud.acronis_tenant)) the prediction is made from its parent's catalogue, without
      calls on the planned tenant.
  diff_mode:
    support: full
    description: Shows each concerned item before and after, with limits in GB or counts, exact (see RV(quotas.limit)).
options:
  tenant:
    description:
      - The tenant, by uuid or by a name that is unique in the API client's scope.
      - Exactly one of O(tenant), O(tenant_id) and O(user) is required.
    type: str
  tenant_id:
    description:
      - Uuid of the tenant, for example the id returned by M(acronis.cyber_cloud.acronis_tenant), or the
        personal tenant id of a user. Cheapest way to name the tenant (no search call).
    type: str
  user:
    description:
      - Login of a user of a customer tenant; the quotas are set on the user's personal tenant (per-user
        quotas). That tenant gets its items from the customer when the user gets a backup role; its items
        cannot be switched on or off, only their quotas changed.
    type: str
  quotas:
    description:
      - Quota per workload or offering item.
      - Keys are workloads (usage names) V(storage) (cloud backup storage), V(servers), V(vms),
        V(workstations), V(mobiles), or any other usage name the platform lists (V(websites),
        V(mailboxes), ...), resolved in O(edition); or offering item names such as V(pw_base_servers),
        which carry their own edition.
      - Values are V(unlimited); a number, GB for storage and other items measured in bytes (binary,
        1 GB = 1024**3 bytes), a count otherwise; a size such as V(500 GB), V(2TB) or V(1.5 tb) (units MB,
        GB, TB, PB, case-insensitive, GiB etc. meaning the same) for items measured in bytes; or a dict
        C({value, overage}) for a hard quota, the overage in the same unit as the value. A number or size
        alone is a soft quota. V(0) allows nothing.
      - A feature item (no quota) takes V(unlimited) to be switched on.
      - With O(state=absent) only the keys count; values are ignored.
    type: dict
    required: true
  edition:
    description:
      - Edition the workloads are resolved in, for example V(standard), V(pck_per_workload) or
        V(pck_per_gigabyte); the choices are those the platform lists for the tenant.
      - When not given, the edition the tenant already has items of switched on, else the one its parent
        offers; if that is not one edition, the task fails listing the choices.
      - A customer holds one edition per service. Given another edition than the one a customer has items
        of on, the task switches the customer the platform's way (C(GET /tenants/{id}/edition) checks and
        answers warnings, shown as a task warning in check mode too; then C(PUT /tenants/{id}/edition)), in
        which every item of the old edition, in the customer and below it (personal tenants of its users), is
        replaced by the new edition's item of the same workload and storage, with its quota. The quotas of
        the task are then set. A switch the platform refuses (the parent lacks items of the new edition)
        fails before any write, naming the missing items. Partners can hold several editions and are never
        switched.
    type: str
  storage:
    description:
      - Storage location of the storage items, by infrastructure uuid or by name.
      - Needed only when several locations are offered and none is in use yet; otherwise the location
        in use (or the only one) is taken. A customer can use one storage location only.
      - With O(state=absent), limits which storage's items are switched off.
    type: str
  state:
    description:
      - V(present) switches the listed items on and sets their quotas.
      - V(absent) switches the listed items off (not possible on a personal tenant).
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also switch off the items of the same service (Cyber Protection) that are on
        and not listed, so the tenant has exactly the listed items.
    type: bool
    default: false
notes:
  - Switching an item off fails while a child tenant still has it on; the API's message says which child.
  - Storage items are per location. A customer can have one storage location; switch the items of the
    old location off (O(state=absent) with O(storage)) before choosing another.
  - An edition switch also shows, in RV(quotas) and the diff, the items it turns off and on besides those
    the task names.
"""

EXAMPLES = r"""
- name: Cloud backup quotas of a customer (the control panel's "Backup quota" settings)
  acronis.cyber_cloud.acronis_quota:
    tenant_id: "{{ customer.tenant.id }}"
    edition: pck_per_workload
    quotas:
      storage: 500 GB
      servers: 2
      vms: unlimited
      workstations: 10
      mobiles: 0

- name: Hard storage quota of 2 TB with 100 GB allowed above it
  acronis.cyber_cloud.acronis_quota:
    tenant: Contoso
    quotas:
      storage:
        value: 2 TB
        overage: 100

- name: Choose the storage location of a new customer when several are offered
  acronis.cyber_cloud.acronis_quota:
    tenant: Contoso
    edition: standard
    storage: Partner Hosted Storage
    quotas:
      storage: 1000

- name: Per-user quota on the personal tenant of a backup user
  acronis.cyber_cloud.acronis_quota:
    user: jane.doe@contoso.example
    quotas:
      storage: 50
      workstations: 1

- name: Items by name, and nothing else of Cyber Protection switched on
  acronis.cyber_cloud.acronis_quota:
    tenant_id: "{{ customer.tenant.id }}"
    quotas:
      pw_base_servers: 5
      pw_base_websites: unlimited
    purge: true

- name: Switch mobile devices off
  acronis.cyber_cloud.acronis_quota:
    tenant: Contoso
    quotas:
      mobiles:
    state: absent
"""

RETURN = r"""
tenant_id:
  description: Uuid of the tenant whose items were set (the personal tenant for O(user)).
  returned: success
  type: str
  sample: 3f1c6f0e-2b1d-4c55-9a43-6b8e0b0c1d2e
edition:
  description: The edition workloads were resolved in; null when only item names or edition-less items were asked for.
  returned: success
  type: str
  sample: pck_per_workload
edition_switch:
  description: The edition switch the task made (or would make in check mode), with the warning codes of the
    platform's check.
  returned: when a customer's edition is switched
  type: dict
  sample: {"from": "pck_per_gigabyte", "to": "pck_per_workload", "warnings": ["AllDevicesWithBackupsPreserved"]}
  contains:
    from:
      description: The edition (or editions, comma-separated) the customer had on.
      type: str
    to:
      description: The edition it has now.
      type: str
    warnings:
      description: Warning codes of the platform's dry-run check, as the API answers them.
      type: list
      elements: str
outcome:
  description: Whether the items were changed.
  returned: success
  type: str
  choices: [updated, unchanged]
quotas:
  description:
    - The concerned items after the task (predicted in check mode), by item name (with C(@<storage id>)
      where two concerned items share a name). The diff shows the same before and after.
  returned: success
  type: dict
  sample:
    pw_base_storage:
      workload: storage
      item: pw_base_storage
      edition: pck_per_workload
      enabled: true
      storage: 3a0f5c2e-7b1d-4e8a-9c6f-1d2e3f4a5b01
      limit: 500 GB
      hard: false
      overage: null
    pw_base_servers:
      workload: servers
      item: pw_base_servers
      edition: pck_per_workload
      enabled: true
      limit: 2
      hard: true
      overage: 1
  contains:
    workload:
      description: Usage name of the item (storage, servers, vms, workstations, mobiles, ...).
      type: str
    item:
      description: Offering item name.
      type: str
    edition:
      description: Edition of the item; null for items of services without editions.
      type: str
    enabled:
      description: Whether the item is switched on.
      type: bool
    storage:
      description: Storage location (infrastructure uuid) of a storage item.
      type: str
      returned: for storage items
    limit:
      description:
        - C(unlimited); a count (an integer); or, for items measured in bytes, GB as the portal shows them
          (C(500 GB), C(1.5 GB), C(2048 GB) for 2 TB).
        - GB take the fewest decimals (at most 10, which tell any two byte counts apart) that give back exactly
          the stored bytes when written in a task, so a limit that differs by one byte shows differently
          (500 GB and 1 byte is C(500.000000001 GB)).
      type: raw
      returned: for items that are on and have a quota
    hard:
      description: Whether the quota is hard (has an overage).
      type: bool
      returned: for items that are on and have a quota
    overage:
      description: Allowance above the limit of a hard quota, in the unit of the limit; null for a soft quota.
      type: raw
      returned: for items that are on and have a quota
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._offering import ensure_quotas

OPERATION = Operation(
    argument_spec=dict(
        tenant=dict(type="str"),
        tenant_id=dict(type="str"),
        user=dict(type="str"),
        quotas=dict(type="dict", required=True),
        edition=dict(type="str"),
        storage=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        purge=dict(type="bool", default=False),
    ),
    run=ensure_quotas,
    mutually_exclusive=[("tenant", "tenant_id", "user")],
    required_one_of=[("tenant", "tenant_id", "user")],
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
