#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_strays
short_description: Find what exists below the managed root but is in no inventory host, and optionally remove it
version_added: 0.1.0
description:
  - Reads the subtree of O(root) with the API's batch reads and lists the tenants, users and enabled offering items
    that none of O(hosts) describes - made in the portal or by another tool behind the inventory's back.
  - An inventory host describes the tenant named C(tenant_name) (ignoring case) under its C(tenant_parent), as
    onboarding finds it; a user by its login in any host's C(tenant_users); an offering item when this run's
    onboarding record of the host (C(tenant_onboarding), set by the C(acronis.cyber_cloud.tenant) role) lists it.
    Without a record the host's items are not looked at.
  - O(state=disabled) disables the stray tenants and users; O(state=absent) deletes them, the deepest tenants first.
    Only tenants and users of the subtree of O(root), never the root itself, are touched; personal tenants go with
    their users. Offering items are only listed (C(tenant_quota_purge) switches off items a host does not list).
  - Used by the C(acronis.cyber_cloud.report) playbook (the drift report's strays) and by
    C(acronis.cyber_cloud.offboard) with C(acronis_offboard_strays=true).
  - Runs in the controller only, as an action plugin (it reads the other hosts' variables).
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Lists the strays and says whether O(state) would change them, without writing.
  diff_mode:
    support: none
    description: The strays are the result; no diff is shown.
options:
  hosts:
    description: The inventory's hosts (all of them, whatever C(--limit) says, so that none is taken for a stray).
    type: list
    elements: str
    required: true
  root:
    description: The managed root, by name or uuid; defaults to the API client's own tenant.
    type: str
  state:
    description: V(listed) only lists; V(disabled) disables the strays; V(absent) deletes them.
    type: str
    choices: [listed, disabled, absent]
    default: listed
"""

EXAMPLES = r"""
- name: List what the inventory does not describe
  acronis.cyber_cloud.acronis_strays:
    hosts: "{{ groups['acronis_resellers'] + groups['acronis_customers'] }}"
  run_once: true
  delegate_to: localhost
  register: found
"""

RETURN = r"""
strays:
  description:
    - C(root) (id, name), and lists C(tenants) (id, name, kind, path from the root, enabled, inside_stray - its parent
      is a stray too), C(users) (id, login, tenant_id, path of the tenant, enabled) and C(items) (tenant_id, path,
      item, workload, edition, storage, limit).
  returned: always
  type: dict
summary:
  description: One line with the numbers of strays.
  returned: always
  type: str
  sample: "1 tenants, 1 users and 0 enabled offering items below 'Ansible Distributor' are not in the inventory"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import CONNECTION_ARGSPEC


def main():
    module = AnsibleModule(argument_spec=dict(
        CONNECTION_ARGSPEC, hosts=dict(type="list", elements="str", required=True), root=dict(type="str"),
        state=dict(type="str", choices=["listed", "disabled", "absent"], default="listed")), supports_check_mode=True)
    module.fail_json(msg="acronis_strays reads the other hosts' variables, so it runs only as the action plugin "
                         "of the same name (in a playbook), not as a module")


if __name__ == "__main__":
    main()
