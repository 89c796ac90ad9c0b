# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the inventory's tenants as a static inventory, in the controller (it reads every host's variables)."""

from __future__ import annotations

import os

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._estate import (
    CUSTOMERS, FACTS, FACTS_PREFIX, NOTES, RESELLERS, ROOT_VARIABLE)
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._export import render, write_files
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._action import ControllerAction

ARGUMENT_SPEC = dict(
    hosts=dict(type="list", elements="str", required=True),
    dest=dict(type="path", required=True),
    source=dict(type="str", default="the inventory"),
)
FACT_NAMES = tuple(FACTS_PREFIX + fact for fact in FACTS) + (NOTES, ROOT_VARIABLE)


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def run_controller(self, args, task_vars):
        result = {}
        hostvars = task_vars["hostvars"]
        hosts, problems = [], []
        for name in args["hosts"]:
            variables = hostvars.raw_get(name)  # the inventory's own values: templates stay templates
            groups = [group for group in (RESELLERS, CUSTOMERS) if group in variables.get("group_names", [])]
            if not groups:
                problems.append("%s is in neither %s nor %s" % (name, RESELLERS, CUSTOMERS))
                continue
            raw = {key: variables[key] for key in variables if key.startswith("tenant_")}
            hosts.append({"name": name, "group": groups[0], "vars": raw,
                          "facts": {key: variables[key] for key in FACT_NAMES if key in variables}})
        if problems:
            return dict(result, failed=True, changed=False, msg="hosts: %s; nothing was written" % "; ".join(problems))
        folder = os.path.abspath(args["dest"])
        files = render(hosts, args["source"])
        before = {path: _read(os.path.join(folder, path)) for path in files}
        changed = any(before[path] != text for path, text in files.items())
        if self._task.check_mode:
            return dict(result, changed=changed, files=sorted(os.path.join(folder, path) for path in files))
        paths = write_files(folder, files) if changed else sorted(os.path.join(folder, path) for path in files)
        return dict(result, changed=changed, files=paths,
                    msg="%d tenants exported to %s" % (len(hosts), os.path.join(folder, "hosts.yml")))


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None
