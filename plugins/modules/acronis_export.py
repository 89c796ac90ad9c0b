#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_export
short_description: Write the inventory's tenants as a static inventory (hosts.yml and group_vars)
version_added: 0.1.0
description:
  - Writes O(dest)/hosts.yml with the hosts of the groups C(acronis_resellers) and C(acronis_customers) and their
    C(tenant_*) variables, and O(dest)/group_vars/acronis_resellers.yml and acronis_customers.yml with the values
    every host of the group shares, in the format of the collection's inventory documentation.
  - Meant for the inventory of the C(acronis.cyber_cloud.tenants) plugin (the C(acronis.cyber_cloud.export)
    playbook); any inventory of the two groups works. Onboarding the written inventory changes nothing that
    onboarding the source would not.
  - Never writes a password or a connection option. The read-only facts of the plugin (tenant id and path) and what
    it left out on purpose become comments. A string that looks like a template is written C(!unsafe).
  - All files are written to temporary files first and then moved into place, so an interrupted export never
    leaves a half-written file. Files whose content would not change are not touched.
  - Runs in the controller only, as an action plugin.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
attributes:
  check_mode:
    support: full
    description: Reports whether the files would change, writes nothing.
  diff_mode:
    support: none
    description: No diff is shown.
options:
  hosts:
    description: The hosts to export, in the order they are written (parents before children).
    type: list
    elements: str
    required: true
  dest:
    description: Folder of the static inventory; created if needed.
    type: path
    required: true
  source:
    description: Where the hosts come from, for the comment at the top of hosts.yml.
    type: str
    default: the inventory
"""

EXAMPLES = r"""
- name: Export the tenants
  acronis.cyber_cloud.acronis_export:
    hosts: "{{ groups['acronis_resellers'] + groups['acronis_customers'] }}"
    dest: inventory/
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
files:
  description: The files written (or, in check mode and when nothing changed, that would be).
  returned: always
  type: list
  elements: str
  sample: [inventory/group_vars/acronis_customers.yml, inventory/group_vars/acronis_resellers.yml, inventory/hosts.yml]
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        hosts=dict(type="list", elements="str", required=True), dest=dict(type="path", required=True),
        source=dict(type="str", default="the inventory")), supports_check_mode=True)
    module.fail_json(msg="acronis_export reads the other hosts' variables, so it runs only as the action plugin "
                         "of the same name (in a playbook), not as a module")


if __name__ == "__main__":
    main()
