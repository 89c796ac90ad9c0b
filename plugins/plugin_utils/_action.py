# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs an acronis_* module's logic inside the controller's worker process.

A module upload costs a Python start per task and host; the API work itself is a few HTTP calls,
so running in-process is an order of magnitude faster for large inventories (DESIGN.md section 3).
"""

from __future__ import annotations

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import NoLogError, UnsupportedError
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import execute


class AcronisAction(ActionBase):
    """Subclasses set OPERATION to the module's Operation."""

    OPERATION = None
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.pop("invocation", None)
        validation = ArgumentSpecValidator(**self.OPERATION.validator_args()).validate(dict(self._task.args))
        no_log_values = validation._no_log_values
        if validation.error_messages:
            result.update(failed=True, changed=False, msg=self._validation_message(validation.errors))
            return remove_values(result, no_log_values)
        outcome = execute(self.OPERATION, validation.validated_parameters, check_mode=bool(self._task.check_mode),
                          diff=bool(self._task.diff), token_cache_dir=C.DEFAULT_LOCAL_TMP)
        result.update(outcome)
        return remove_values(result, no_log_values)

    def _validation_message(self, errors):
        """The message AnsibleModule gives for the same input, so both paths fail alike.

        One exception: for a sub-options dict of the wrong type ansible reports first a NoLogError (its
        search for secrets in the value failed), which names no option; the error after it does.
        """
        first = next((error for error in errors if not isinstance(error, NoLogError)), errors[0])
        if isinstance(first, UnsupportedError):
            return "Unsupported parameters for (%s) module: %s" % (self._task.action.split(".")[-1], first.args[0])
        return first.args[0]
