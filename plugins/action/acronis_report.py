# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the onboarding report in the controller: one task instead of a module process per file."""

from __future__ import annotations

import os

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._report import build_report, write_report
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._action import ControllerAction

ARGUMENT_SPEC = dict(
    hosts=dict(type="list", elements="str", required=True),
    looping=dict(type="list", elements="str", default=[]),
    folder=dict(type="path", default="acronis-reports"),
    name=dict(type="str", default="onboarding"),
    title=dict(type="str", default="Onboarding"),
    compared_only=dict(type="bool", default=False),
    strays=dict(type="dict", default={}),
)


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def run_controller(self, args, task_vars):
        result = {}
        hostvars = task_vars["hostvars"]
        records = {host: hostvars[host].get("tenant_onboarding") for host in args["hosts"]}
        names = {host: hostvars[host].get("tenant_name", host) for host in args["hosts"]}
        report = build_report(args["hosts"], {host: record for host, record in records.items() if record},
                              names, args["title"], self._compared_only(args, task_vars),
                              cycle=args["looping"], strays=args["strays"])
        paths = write_report(os.path.abspath(args["folder"]), args["name"], report)
        result.update(changed=False, summary=report["summary"], counts=report["counts"], paths=paths,
                      msg=report["summary"])
        failed = [tenant["host"] for tenant in report["tenants"] if tenant["status"] == "failed"]
        if failed:
            result.update(failed=True, msg="%s; failed: %s; see %s"
                          % (report["summary"], ", ".join(failed), paths["md"]))
        return result

    def _compared_only(self, args, task_vars):
        """In check mode, or under the acronis_compare_only variable (the drift report), nothing changed."""
        variable = self._templar.template(task_vars.get("acronis_compare_only", False))
        return args["compared_only"] or bool(self._task.check_mode) or boolean(variable, strict=False)
