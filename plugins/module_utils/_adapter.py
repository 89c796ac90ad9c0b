# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module-side adapter: the same Operation as the action plugin, run as a plain module."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import execute


def run_module(operation):
    module = AnsibleModule(supports_check_mode=True, **operation.validator_args())
    result = execute(operation, module.params, check_mode=module.check_mode, diff=module._diff)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
