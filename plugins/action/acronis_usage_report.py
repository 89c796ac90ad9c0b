# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the usage report in the controller from a registered acronis_usage_info result."""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._usage_report import (
    build_usage_report, write_usage_report)

ARGUMENT_SPEC = dict(
    usage=dict(type="dict", required=True),
    hosts=dict(type="list", elements="str", default=[]),
    folder=dict(type="path", default="acronis-reports"),
    name=dict(type="str", default="usage"),
    on_over=dict(type="str", default="fail", choices=["fail", "warn"]),
    chart=dict(type="bool", default=True),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        if args["usage"].get("failed") or "tenants" not in args["usage"]:
            result.update(failed=True, msg="usage: not a successful acronis_usage_info result: %s"
                          % args["usage"].get("msg", "it has no tenants"))
            return result
        hostvars = task_vars["hostvars"]
        hosts = {}
        for host in args["hosts"]:
            name, parent = (self._templar.template(hostvars[host].get(key)) for key in ("tenant_name", "tenant_parent"))
            hosts[host] = (str(host if name is None else name), None if parent is None else str(parent))
        report = build_usage_report(args["usage"], hosts)
        paths, note = write_usage_report(os.path.abspath(args["folder"]), args["name"], report, args["chart"])
        result.update(changed=False, summary=report["summary"], over=report["over"], near=report["near"],
                      not_found=report["not_found"], paths=paths, msg=report["summary"])
        warnings = [note] if note else []
        if report["over"]:
            message = "over a limit: %s; see %s" % ("; ".join(report["over"]), paths["md"])
            if args["on_over"] == "fail":
                result.update(failed=True, msg="%s; %s" % (report["summary"], message))
            else:
                warnings.append(message)
        if warnings:
            result["warnings"] = warnings
        return result
