#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_onboarding_step
short_description: One step of the acronis.cyber_cloud.tenant role (internal)
version_added: 0.1.0
description:
  - Internal to the C(acronis.cyber_cloud.tenant) role, whose tasks it runs; use the role, or the modules
    M(acronis.cyber_cloud.acronis_tenant), M(acronis.cyber_cloud.acronis_quota) and
    M(acronis.cyber_cloud.acronis_backup_user) in your own playbooks. Its interface may change.
  - Each step reads the host's C(tenant_*) variables itself and runs the same logic as those modules, in the
    controller, so the role's tasks need no templated arguments (templating is what an onboarding of many
    tenants spends most of its time on).
  - V(plan), run once for the play, checks every host of the play before the first write and refuses them all
    with every problem found, one line each (misspelt C(tenant_*) variables, unknown keys of C(tenant_users)
    entries, items named by both C(tenant_quotas) and C(tenant_offerings), per-user quotas that cannot apply).
  - V(tenant) refuses misspelt C(tenant_*) variables and per-user quotas for users of a tenant kind that has
    no personal tenants, works out the parent (the tenant of a parent host onboarded earlier in the run; a
    parent host that failed or was skipped skips this tenant, with the reason in RV(blocked_by)), and
    creates, updates, disables or deletes the tenant as M(acronis.cyber_cloud.acronis_tenant) does.
  - V(quotas) sets the tenant's quotas (C(tenant_quotas), then each of C(tenant_offerings)) as
    M(acronis.cyber_cloud.acronis_quota) does.
  - V(users) onboards each of C(tenant_users) as M(acronis.cyber_cloud.acronis_backup_user) does, then that
    user's own C(quotas) on its personal tenant. A failing user does not stop the others.
  - V(record) returns the host's line in the report (the role registers it as C(tenant_onboarding)).
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: As the modules it runs; nothing is written.
  diff_mode:
    support: full
    description: The diffs of the modules it runs, one per tenant, quota set or user.
options:
  step:
    description: Which step to run.
    type: str
    required: true
    choices: [plan, tenant, quotas, users, record]
"""

EXAMPLES = r"""
# The role's tasks (roles/tenant/tasks/main.yml):
- name: Tenant
  acronis.cyber_cloud.acronis_onboarding_step:
    step: tenant
  register: tenant__result
"""

RETURN = r"""
blocked_by:
  description: With V(tenant), why the tenant was skipped (its parent host failed or was skipped).
  returned: when skipped because of the parent
  type: str
  sample: "parent northwind failed: Tenant: parent: no tenant named 'Northwind' in the API client's scope"
results:
  description: With V(quotas) and V(users), the result of each operation, as the module would return it; a
    user's result has the result of its own quotas under C(user_quotas).
  returned: with quotas and users
  type: list
  elements: dict
status:
  description: With V(record), the tenant's status in the report.
  returned: with record
  type: str
  sample: created
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import CONNECTION_ARGSPEC


def main():
    module = AnsibleModule(argument_spec=dict(CONNECTION_ARGSPEC, step=dict(
        type="str", required=True, choices=["plan", "tenant", "quotas", "users", "record"])), supports_check_mode=True)
    module.fail_json(msg="acronis_onboarding_step reads the tenant role's variables and the other hosts' records, "
                         "so it runs only as the action plugin of the same name, inside the acronis.cyber_cloud.tenant "
                         "role")


if __name__ == "__main__":
    main()
