#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_tenant_info
short_description: Read tenants of Acronis Cyber Protect Cloud
version_added: 0.1.0
description:
  - Returns one tenant by O(tenant_id) or by O(name) under O(parent), or every child tenant of O(parent)
    (all pages), optionally with their users and enabled offering items.
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
  tenant_id:
    description:
      - Uuid of the tenant to read.
    type: str
  name:
    description:
      - Name of the tenant to read, directly under O(parent). Matched without regard to case.
      - A tenant created moments before is found too (the API's search lags behind; the children are then
        listed to be sure).
    type: str
  parent:
    description:
      - Uuid, or name unique in the API client's scope, of the parent. Defaults to the API client's tenant.
      - Without O(tenant_id) and O(name), all children of this tenant are returned.
    type: str
    aliases: [parent_id]
  with_users:
    description:
      - Also return each tenant's users with their roles and activation state.
    type: bool
    default: false
  with_offering_items:
    description:
      - Also return each tenant's enabled offering items (services, editions and quotas) as the API
        reports them.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read one customer
  acronis.cyber_cloud.acronis_tenant_info:
    name: Contoso
    parent: Reseller A
  register: contoso

- name: List every direct child of the API client's tenant with users
  acronis.cyber_cloud.acronis_tenant_info:
    with_users: true
  register: children

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ children.tenants | map(attribute='name') | list }}"
"""

RETURN = r"""
tenants:
  description: The tenants found; empty when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Uuid.
      type: str
    name:
      description: Name.
      type: str
    kind:
      description: Kind (partner, folder, customer, unit).
      type: str
    parent_id:
      description: Uuid of the parent.
      type: str
    enabled:
      description: Whether the tenant is enabled.
      type: bool
    contact:
      description: The contact fields that are set.
      type: dict
    pricing_mode:
      description: Pricing mode.
      type: str
    enhanced_security:
      description: Whether the tenant is in enhanced security mode (null when the platform does not report it).
      type: bool
    users:
      description: Users of the tenant with C(id), C(login), C(email), C(enabled), C(activated) and C(roles).
      returned: when O(with_users=true)
      type: list
      elements: dict
    offering_items:
      description: Enabled offering items as returned by the API.
      returned: when O(with_offering_items=true)
      type: list
      elements: dict
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import tenant_info

OPERATION = Operation(
    argument_spec=dict(
        tenant_id=dict(type="str"),
        name=dict(type="str"),
        parent=dict(type="str", aliases=["parent_id"]),
        with_users=dict(type="bool", default=False),
        with_offering_items=dict(type="bool", default=False),
    ),
    run=tenant_info,
    mutually_exclusive=[("tenant_id", "name")],
    read_only=True,
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
