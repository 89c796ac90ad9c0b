#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_usage_info
short_description: Read what tenants of Acronis Cyber Protect Cloud use against their quotas
version_added: 0.1.0
description:
  - Returns, for one tenant, a list of tenants or a whole subtree, the usage of each offering item (storage,
    servers, vms, workstations, mobiles and any other workload the platform reports) with its quota, overage,
    the percentage of the quota used and a state V(ok), V(near) or V(over).
  - A tenant's usage includes the usage of every tenant below it, and of its users. Each user's own usage
    (reported by the user's personal tenant) is listed under the user with O(with_users).
  - Reads in batches; a subtree costs three calls plus one per 100 tenants and users, whatever its depth.
  - The platform updates usage every few hours; for billing of a closed month use stored usage reports
    (the C(acronis.cyber_cloud.usage) playbook can export them).
  - Never changes anything, so it is safe in check mode and in drift reports.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Reads in check mode too.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  tenant:
    description:
      - One tenant, by uuid or by a name unique in the API client's scope.
    type: str
  tenants:
    description:
      - Several tenants, each by uuid or by a name unique in the API client's scope.
    type: list
    elements: str
  subtree_root:
    description:
      - The tenant whose whole subtree is read (itself included), by uuid or by a name unique in the API
        client's scope.
      - Used when neither O(tenant) nor O(tenants) is given; without it, the API client's own tenant is the root.
    type: str
  workloads:
    description:
      - Only these workloads (usage names such as V(storage), V(servers), V(vms), V(workstations), V(mobiles),
        V(mailboxes)) or offering items (such as V(pw_base_servers)). All when left out.
      - A name the platform's services do not report fails the task before any usage is read.
    type: list
    elements: str
  threshold:
    description:
      - Percentage of a quota (1 to 100) from which a usage is reported as V(near). Above the quota a usage is
        V(over), whether the quota is soft or hard.
    type: int
    default: 80
  with_users:
    description:
      - List each user's own usage (the user's personal tenant) under the user.
    type: bool
    default: true
  include_idle:
    description:
      - Also list offering items that are unlimited and unused (left out by default, as they say nothing).
    type: bool
    default: false
  month:
    description:
      - A closed month (V(YYYY-MM)) whose usage to read instead of the current one, for billing. The usage then
        comes from a one-time stored usage report (kind C(usage_summary) over that month, the tenants and user
        accounts below each tenant read) that the task creates, waits for, downloads and deletes, in check mode
        too (it changes no tenant). Quotas are the current ones.
    type: str
  report_timeout:
    description:
      - Seconds to wait for the stored report of O(month) to be generated; the task then fails naming the report.
    type: int
    default: 300
notes:
  - Quotas and usages are exact numbers in the item's unit (C(bytes) for storage, C(quantity) for devices,
    C(seconds) for compute points); C(usage) and C(limit) show them as the portal does (500 GB, 10, unlimited).
seealso:
  - module: acronis.cyber_cloud.acronis_quota
"""

EXAMPLES = r"""
- name: Who uses what below the reseller, near from 90 %
  acronis.cyber_cloud.acronis_usage_info:
    subtree_root: Reseller A
    threshold: 90
  register: usage

- name: Fail when a tenant is over a limit
  ansible.builtin.assert:
    that: usage.over | length == 0
    fail_msg: "Over a limit: {{ usage.over | join(', ') }}"

- name: Storage and workstations of two customers
  acronis.cyber_cloud.acronis_usage_info:
    tenants: [Contoso, Fabrikam]
    workloads: [storage, workstations]
"""

RETURN = r"""
threshold:
  description: The threshold the states were computed with.
  returned: always
  type: int
month:
  description: The month read from a stored report (O(month)); null for the current usage.
  returned: always
  type: str
over:
  description: "C(tenant: item) (or C(tenant / login: item)) for every usage above its quota."
  returned: always
  type: list
  elements: str
near:
  description: "C(tenant: item) (or C(tenant / login: item)) for every usage at or above the threshold."
  returned: always
  type: list
  elements: str
tenants:
  description: The tenants read, a subtree's root first and each level after the one above.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Uuid of the tenant.
      type: str
    name:
      description: Name of the tenant.
      type: str
    kind:
      description: Kind (partner, folder, customer, unit).
      type: str
    parent_id:
      description: Uuid of the parent tenant.
      type: str
    state:
      description: The worst state of the tenant's usages and of its users' (ok, near, over).
      type: str
    usages:
      description: One entry per offering item, with the fields described under RV(tenants[].usages[].value) and
        around it.
      type: list
      elements: dict
      contains:
        workload:
          description: Usage name (storage, servers, ...).
          type: str
        item:
          description: Offering item name (with its edition prefix, such as pw_base_servers).
          type: str
        edition:
          description: Edition of the item; null for items of services without editions.
          type: str
        storage:
          description: Uuid of the storage location, for storage items.
          type: str
        unit:
          description: Measurement unit (bytes, quantity, seconds).
          type: str
        value:
          description: Current usage, in the unit.
          type: int
        absolute_value:
          description: Accumulated usage as the platform reports it, in the unit.
          type: int
        quota:
          description: The quota in the unit; null when unlimited.
          type: int
        overage:
          description: Allowance above a hard quota; null for a soft quota.
          type: int
        hard:
          description: Whether the quota is hard (has an overage).
          type: bool
        enabled:
          description: Whether the item is on for the tenant.
          type: bool
        percentage:
          description: Usage as a percentage of the quota (one decimal); null when unlimited or the quota is 0.
          type: float
        state:
          description: ok, near (at or above the threshold) or over (above the quota).
          type: str
        usage:
          description: The usage as the portal shows it (42 GB, 3).
          type: raw
        limit:
          description: The quota as the portal shows it (500 GB, 10, unlimited).
          type: raw
        range_start:
          description: Start of the period the usage is collected over.
          type: str
    users:
      description: The tenant's users with a personal tenant and their own usages (same fields), when
        O(with_users) is true.
      type: list
      elements: dict
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._usage import usage_info

OPERATION = Operation(
    argument_spec=dict(
        tenant=dict(type="str"),
        tenants=dict(type="list", elements="str"),
        subtree_root=dict(type="str"),
        workloads=dict(type="list", elements="str"),
        threshold=dict(type="int", default=80),
        with_users=dict(type="bool", default=True),
        include_idle=dict(type="bool", default=False),
        month=dict(type="str"),
        report_timeout=dict(type="int", default=300),
    ),
    run=usage_info,
    mutually_exclusive=[("tenant", "tenants", "subtree_root")],
    read_only=True,
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
