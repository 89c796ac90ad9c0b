#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_report
short_description: Write the onboarding report of a run in Markdown and JSON
version_added: 0.1.0
description:
  - Collects the record that the C(acronis.cyber_cloud.tenant) role leaves on each host (variable
    C(tenant_onboarding) - kind, parent, id, status, users, quotas, what changed) and writes
    O(folder)/O(name).json and O(folder)/O(name).md on the controller.
  - A host without a record is listed as C(not run) (it failed before the role recorded anything).
  - Fails, after writing, when any tenant failed, so the run's result tells that something needs attention.
  - Runs in the controller only, in process; the files are an output of the run, so they are written in
    check mode too and the task never reports a change.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
attributes:
  check_mode:
    support: full
    description: Writes the report in check mode too; it then says that nothing was changed.
  diff_mode:
    support: none
    description: Nothing managed changes.
options:
  hosts:
    description: The hosts (tenants) of the run, in the order the report lists them.
    type: list
    elements: str
    required: true
  looping:
    description: Hosts whose C(tenant_parent) chain loops; they are listed as failed with that reason.
    type: list
    elements: str
    default: []
  folder:
    description: Folder of the report files; a relative path is taken from the directory ansible-playbook runs in.
    type: path
    default: acronis-reports
  name:
    description: Base name of the two files.
    type: str
    default: onboarding
  title:
    description: Title of the report.
    type: str
    default: Onboarding
  compared_only:
    description:
      - The run only compared; the report says nothing was changed. Also the case in check mode and when the
        variable C(acronis_compare_only) is true (the drift report).
    type: bool
    default: false
  strays:
    description:
      - What exists below the managed root but in no inventory host (the C(strays) result of
        M(acronis.cyber_cloud.acronis_strays)); listed in the report when not empty.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Report on the tenants of this run
  acronis.cyber_cloud.acronis_report:
    hosts: "{{ ansible_play_hosts_all }}"
    folder: /var/log/acronis
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
summary:
  description: One line with the number of tenants per status.
  returned: always
  type: str
  sample: "Onboarding: 9 tenants - 8 created, 1 failed"
counts:
  description: Number of tenants per status (created, updated, unchanged, deleted, disabled, skipped, failed, not run).
  returned: always
  type: dict
  sample: {"created": 8, "failed": 1}
paths:
  description: The files written, by format.
  returned: always
  type: dict
  sample: {"json": /work/acronis-reports/onboarding.json, "md": /work/acronis-reports/onboarding.md}
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        hosts=dict(type="list", elements="str", required=True), looping=dict(type="list", elements="str", default=[]),
        folder=dict(type="path", default="acronis-reports"), name=dict(type="str", default="onboarding"),
        title=dict(type="str", default="Onboarding"), compared_only=dict(type="bool", default=False),
        strays=dict(type="dict", default={})),
        supports_check_mode=True)
    module.fail_json(msg="acronis_report reads the other hosts' variables, so it runs only as the action plugin "
                         "of the same name (in a playbook), not as a module")


if __name__ == "__main__":
    main()
