#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_usage_report
short_description: Write a usage report (Markdown, JSON, CSV and a chart) from acronis_usage_info's result
version_added: 0.1.0
description:
  - Takes the registered result of M(acronis.cyber_cloud.acronis_usage_info) and writes O(folder)/O(name).md,
    .json, .csv (one row per tenant or user and workload, for a billing import) and .png (the usages closest to
    their limits, when the Python library matplotlib is on the controller; otherwise a warning and a note in the
    Markdown file).
  - Each file is written to a temporary file and renamed, so no reader ever sees a partial file.
  - With O(hosts), only the inventory's tenants are reported, each found by C(tenant_name) and C(tenant_parent)
    as the onboarding playbook creates them; hosts not found are listed as such.
  - Fails, after writing, when a usage is over its quota (or warns, with O(on_over=warn)), naming the tenants.
  - Runs in the controller only; the files are an output of the run, written in check mode too, and the task
    never reports a change.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
attributes:
  check_mode:
    support: full
    description: Writes the report in check mode too.
  diff_mode:
    support: none
    description: Nothing managed changes.
options:
  usage:
    description: The registered result of M(acronis.cyber_cloud.acronis_usage_info).
    type: dict
    required: true
  hosts:
    description: Inventory hosts (tenants) to report; every tenant of O(usage) when empty.
    type: list
    elements: str
    default: []
  folder:
    description: Folder of the report files; a relative path is taken from the directory ansible-playbook runs in.
    type: path
    default: acronis-reports
  name:
    description: Base name of the files.
    type: str
    default: usage
  on_over:
    description: V(fail) the task (after writing) or only V(warn) when a usage is over its quota.
    type: str
    choices: [fail, warn]
    default: fail
  chart:
    description: Draw the PNG chart (needs matplotlib on the controller).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Read the usage of everything below the API client's tenant
  acronis.cyber_cloud.acronis_usage_info:
    threshold: 90
  register: usage

- name: Write acronis-reports/usage.md, .json, .csv and .png, warn when over
  acronis.cyber_cloud.acronis_usage_report:
    usage: "{{ usage }}"
    on_over: warn
"""

RETURN = r"""
summary:
  description: "One line, such as C(Usage: 3 tenants, 1 over a limit, 1 near one (threshold 80 %))."
  returned: always
  type: str
over:
  description: "C(tenant: item) or C(tenant / login: item) of every usage above its quota."
  returned: always
  type: list
  elements: str
near:
  description: The same for usages at or above the threshold.
  returned: always
  type: list
  elements: str
not_found:
  description: Hosts whose tenant was not found among the tenants read.
  returned: always
  type: list
  elements: str
paths:
  description: Paths of the files written, by suffix (json, csv, md, png).
  returned: always
  type: dict
"""
