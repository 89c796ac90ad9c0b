# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finds (and on request disables or deletes) what the cloud holds below the managed root that no inventory host
describes. In the controller: it reads every host's variables."""

from __future__ import annotations

from ansible_collections.acronis.cyber_cloud.plugins.action.acronis_onboarding_step import (
    QUOTAS_RESULT, RECORD_VARIABLE)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation, is_uuid
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._estate import handle_strays
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._action import AcronisAction

OPERATION = Operation(
    dict(root=dict(type="str"), state=dict(type="str", choices=["listed", "disabled", "absent"], default="listed"),
         inventory=dict(type="list", elements="dict", default=[])),
    handle_strays)


class ActionModule(AcronisAction):

    def run_task(self, task_vars):
        arguments = dict(self._task.args)
        hosts = arguments.pop("hosts", None)
        if not isinstance(hosts, list):
            return dict(failed=True, changed=False, msg="hosts: a list of the inventory's hosts is required")
        hostvars = task_vars["hostvars"]
        arguments["inventory"] = [self._described(host, hostvars[host]) for host in hosts if host in hostvars]
        return self.run_operation(OPERATION, arguments, task_vars)

    def _described(self, host, variables):
        """What identifies the host's tenant, its users and the items this run compared."""
        described = ("tenant_id", "tenant_name", "tenant_parent", "tenant_users")
        wanted = self._templar.template({key: variables[key] for key in described if key in variables})
        record = variables.get(RECORD_VARIABLE) or {}
        # The items the quota step compared, from each of its quota sets (the record merges the sets' views by
        # item name, so an item at two storage locations would appear once there).
        quotas = variables.get(QUOTAS_RESULT) or {}
        items = None
        if "results" in quotas:
            items = [[view.get("item"), view.get("storage")] for result in quotas["results"]
                     for view in (result.get("quotas") or {}).values()]
        return {"host": host, "name": wanted.get("tenant_name") or host, "parent": wanted.get("tenant_parent"),
                "id": next((found for found in (record.get("id"), wanted.get("tenant_id")) if is_uuid(found)), None),
                "logins": [entry.get("login") for entry in wanted.get("tenant_users") or [] if entry.get("login")],
                "items": items}
