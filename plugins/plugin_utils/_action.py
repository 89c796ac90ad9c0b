# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs an acronis_* module's logic inside the controller's worker process.

A module upload costs a Python start per task and host; the API work itself is a few HTTP calls,
so running in-process is an order of magnitude faster for large inventories (docs/benchmark.md).
"""

from __future__ import annotations

from ansible import constants as C
from ansible.module_utils.errors import NoLogError, UnsupportedError
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import CONNECTION_ARGSPEC, execute
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._compat import validate_arguments

# Inventory or play variables that give a connection option a task leaves out (after module_defaults,
# before the ACRONIS_* environment): acronis_datacenter_url, acronis_client_id, ...
CONNECTION_VARIABLES = {option: "acronis_" + option for option in CONNECTION_ARGSPEC}
# A variable that makes every acronis task only compare (check mode with diff), as the drift report does.
COMPARE_ONLY_VARIABLE = "acronis_compare_only"


class AcronisAction(ActionBase):
    """Subclasses set OPERATION to the module's Operation, or override run_task."""

    OPERATION = None
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.pop("invocation", None)
        result.update(self.run_task(task_vars or {}))
        return result

    def run_task(self, task_vars):
        """The task's result: by default the module's operation on the task's arguments."""
        return self.run_operation(self.OPERATION, self._task.args, task_vars)

    def run_operation(self, operation, arguments, task_vars):
        """One module's logic on `arguments`, as the task result (secrets of the arguments removed)."""
        parameters, errors, no_log_values = validate_arguments(operation.validator_args(),
                                                               self._with_connection(arguments, task_vars))
        if errors:
            result = dict(failed=True, changed=False, msg=self._validation_message(errors))
        else:
            compare_only = self.compare_only(task_vars)
            result = execute(operation, parameters,
                             check_mode=bool(self._task.check_mode) or compare_only,
                             diff=bool(self._task.diff) or compare_only, token_cache_dir=C.DEFAULT_LOCAL_TMP)
        return remove_values(result, no_log_values)

    def compare_only(self, task_vars):
        return boolean(self._templar.template(task_vars.get(COMPARE_ONLY_VARIABLE, False)), strict=False)

    def _with_connection(self, arguments, task_vars):
        """The arguments, with connection options they leave out taken from acronis_* variables.

        Variables cost nothing per task, where module_defaults templated from variables cost a template
        each on every task and host.
        """
        arguments = dict(arguments)
        for option, variable in CONNECTION_VARIABLES.items():
            if arguments.get(option) is None and task_vars.get(variable) is not None:
                arguments[option] = self._templar.template(task_vars[variable])
        return arguments

    def _validation_message(self, errors):
        """The message AnsibleModule gives for the same input, so both paths fail alike.

        One exception: for a sub-options dict of the wrong type ansible reports first a NoLogError (its
        search for secrets in the value failed), which names no option; the error after it does.
        """
        first = next((error for error in errors if not isinstance(error, NoLogError)), errors[0])
        if isinstance(first, UnsupportedError):
            return "Unsupported parameters for (%s) module: %s" % (self._task.action.split(".")[-1], first.args[0])
        return first.args[0]


class ControllerAction(ActionBase):
    """An action that works in the controller on the run's variables: no module, no connection.
    Subclasses set ARGUMENT_SPEC and return the task's result from run_controller(args, task_vars)."""

    ARGUMENT_SPEC = {}
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)[1]
        result.update(self.run_controller(args, task_vars))
        return result

    def run_controller(self, args, task_vars):
        raise NotImplementedError
