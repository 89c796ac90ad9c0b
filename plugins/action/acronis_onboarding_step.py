# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of the acronis.cyber_cloud.tenant role, in the controller.

Each step reads the host's tenant_* variables itself and runs the modules' operations in process, so the
role's tasks carry no templated arguments (module_utils/_onboarding.py says why).
"""

from __future__ import annotations

import os

import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import CONNECTION_ARGSPEC, OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._onboarding import (
    check_user_quotas, check_variables, parent_reference, plan_problems, quota_arguments, quota_warnings,
    storage_location, tenant_arguments, tenant_record, user_arguments, user_quota_arguments)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import normalise_kind
from ansible_collections.acronis.cyber_cloud.plugins.modules import acronis_backup_user, acronis_quota, acronis_tenant
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._action import AcronisAction
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._compat import OMITTED, template_variable

# The role's argument spec, which the plan checks every host against (the role checks only its own host).
ROLE_SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "roles", "tenant", "meta", "argument_specs.yml")
STEPS = ("plan", "tenant", "quotas", "users", "record")
# The role's list of its variables (roles/tenant/vars/main.yml) and the record, one of them.
KNOWN_VARIABLES = "tenant__known_vars"
RECORD_VARIABLE = "tenant_onboarding"
# The results of the earlier steps, registered by the role's tasks: plain task results, so they are read
# as they are (templating walks every value of a structure, which costs more than the step itself).
TENANT_RESULT = "tenant__result"
QUOTAS_RESULT = "tenant__quotas"
USERS_RESULT = "tenant__users"
# The role variables each step reads; they are templated (tenant_name's default is a template).
STEP_VARIABLES = {
    "tenant": ("tenant_id", "tenant_name", "tenant_kind", "tenant_parent", "tenant_state", "tenant_contact", "tenant_language",
               "tenant_customer_id", "tenant_internal_tag", "tenant_pricing_mode", "tenant_enhanced_security",
               "tenant_ancestral_access", "tenant_users", "tenant_services"),
    "quotas": ("tenant_state", "tenant_quotas", "tenant_edition", "tenant_storage", "tenant_quota_purge",
               "tenant_offerings"),
    "users": ("tenant_state", "tenant_users", "tenant_edition"),
    "record": ("tenant_id", "tenant_name", "tenant_kind", "tenant_parent"),
    "plan": (),
}
# The options of a tenant_users entry: acronis_backup_user's, but the tenant, which is the host's.
USER_OPTIONS = tuple(sorted(set(acronis_backup_user.OPERATION.argument_spec) - set(CONNECTION_ARGSPEC)
                            - {"tenant", "tenant_id"}))


class ActionModule(AcronisAction):

    def run_task(self, task_vars):
        arguments = dict(self._task.args)
        step = arguments.pop("step", None)
        unknown = sorted(set(arguments) - set(CONNECTION_ARGSPEC))
        if step not in STEPS or unknown:
            return dict(failed=True, changed=False, msg="step: one of %s is required%s" % (
                ", ".join(STEPS), "; unsupported parameters: %s" % ", ".join(unknown) if unknown else ""))
        # Connection options given to the step (module_defaults of the acronis group) go to every operation.
        self._connection_options = arguments
        variables = self._variables(task_vars, STEP_VARIABLES[step])
        return getattr(self, "_" + step)(task_vars, variables)

    def _plan(self, task_vars, variables):
        """Every host of the play checked before the first write; all problems of all hosts in one message."""
        known = sorted(set(name for names in STEP_VARIABLES.values() for name in names) | {RECORD_VARIABLE})
        with open(ROLE_SPEC) as spec_file:
            validator = ArgumentSpecValidator(yaml.safe_load(spec_file)["argument_specs"]["main"]["options"])
        problems = []
        for host in task_vars["ansible_play_hosts_all"]:
            # Untemplated (raw_get): hostvars[host] would template each value, and fail on an omit.
            host_vars = task_vars["hostvars"].raw_get(host)
            names = [name for name in host_vars if name.startswith("tenant_")]
            own = self._variables(dict({name: host_vars[name] for name in names}, omit=task_vars.get("omit")), names)
            kind = own.get("tenant_kind") or ("partner" if "acronis_resellers" in host_vars.get("group_names", [])
                                              else "customer")
            problems.extend(plan_problems(host, own, known, USER_OPTIONS, normalise_kind(kind)))
            problems.extend("host %s: %s" % (host, error) for error in _type_errors(validator, own))
        if problems:
            return dict(failed=True, changed=False, problems=problems,
                        msg="the plan found %d problem(s), nothing was written:\n%s"
                            % (len(problems), "\n".join(problems)))
        return dict(changed=False, problems=[])

    def _tenant(self, task_vars, variables):
        host = task_vars["inventory_hostname"]
        try:
            check_variables(task_vars, task_vars[KNOWN_VARIABLES], host)
            check_user_quotas(normalise_kind(variables.get("tenant_kind")), variables.get("tenant_users"))
        except AcronisError as exc:
            return dict(failed=True, changed=False, msg=str(exc))
        hostvars = task_vars["hostvars"]

        def inventory_parent(name):
            if name not in hostvars:
                return None
            parent = hostvars[name]
            return parent.get(RECORD_VARIABLE), parent.get("tenant_name")

        parent = parent_reference(variables.get("tenant_parent"), host, inventory_parent)
        if parent["blocked_by"]:
            return dict(skipped=True, changed=False, blocked_by=parent["blocked_by"],
                        msg="skipped: %s" % parent["blocked_by"])
        return self._run(acronis_tenant.OPERATION, tenant_arguments(variables, parent["ref"]), task_vars)

    def _quotas(self, task_vars, variables):
        tenant = self._usable_tenant(task_vars, variables)
        if tenant is None:
            return dict(skipped=True, changed=False)
        result = _combined([("quotas " + (arguments.get("edition") or ""),
                             self._run(acronis_quota.OPERATION, arguments, task_vars))
                            for arguments in quota_arguments(variables, tenant["id"])])
        warnings = quota_warnings(variables)
        if warnings:
            result["warnings"] = result.get("warnings", []) + warnings
        return result

    def _users(self, task_vars, variables):
        """Each user, then the user's own quotas; a failing user does not stop the others."""
        tenant = self._usable_tenant(task_vars, variables)
        if tenant is None:
            return dict(skipped=True, changed=False)
        results = []
        for entry in variables.get("tenant_users") or []:
            result = self._run(acronis_backup_user.OPERATION, user_arguments(entry, tenant["id"]), task_vars)
            if not result.get("failed"):
                result = self._with_user_quotas(result, entry, variables, task_vars)
            results.append(("user " + entry.get("login", ""), result))
        return _combined(results)

    def _with_user_quotas(self, result, entry, variables, task_vars):
        """The user's result with the result of its own quotas (`user_quotas`), when it has any."""
        try:
            arguments = user_quota_arguments(entry, result, variables.get("tenant_edition"),
                                             storage_location(task_vars.get(QUOTAS_RESULT)))
        except OptionError as exc:
            return dict(result, failed=True, msg=str(exc))
        if not arguments:
            return result
        quotas = self._run(acronis_quota.OPERATION, arguments, task_vars)
        result = dict(result, user_quotas=quotas, changed=result.get("changed") or quotas.get("changed", False))
        result["warnings"] = result.get("warnings", []) + quotas.pop("warnings", [])
        return dict(result, failed=True, msg=quotas["msg"]) if quotas.get("failed") else result

    def _record(self, task_vars, variables):
        tenant = task_vars.get(TENANT_RESULT)
        record = tenant_record(task_vars["inventory_hostname"], variables, tenant, task_vars.get(QUOTAS_RESULT),
                               task_vars.get(USERS_RESULT), (tenant or {}).get("blocked_by", ""))
        return dict(record, changed=False)

    # -- helpers ------------------------------------------------------------------------------------

    def _run(self, operation, arguments, task_vars):
        return self.run_operation(operation, dict(self._connection_options, **arguments), task_vars)

    def _usable_tenant(self, task_vars, variables):
        """The tenant of the step before, or None when there is none to work on (skipped, deleted)."""
        result = task_vars.get(TENANT_RESULT) or {}
        if result.get("skipped") or variables.get("tenant_state") == "absent" or not result.get("tenant"):
            return None
        return result["tenant"]

    def _variables(self, task_vars, names):
        """The role variables `names` that are set, templated; `omit` (also inside them) means not set."""
        variables = {}
        for name in names:
            if name in task_vars:
                value = template_variable(self._templar, task_vars[name], task_vars.get("omit"))
                if value is not OMITTED:
                    variables[name] = value
        return variables


def _type_errors(validator, variables):
    """What the role's argument check would say of the host's variables, but unknown names and user keys,
    which plan_problems reports one line each."""
    params = {name: value for name, value in variables.items() if name in validator.argument_spec}
    if isinstance(params.get("tenant_users"), list):
        params["tenant_users"] = [
            {key: value for key, value in entry.items() if key in USER_OPTIONS or key == "quotas"}
            if isinstance(entry, dict) else entry for entry in params["tenant_users"]]
    return validator.validate(params).error_messages


def _combined(labelled):
    """One task result for several operations (what a loop's result would be): `results` in order, changed
    when any changed, failed when any failed with the first failure's message, diffs and warnings of all."""
    results, diffs, warnings = [], [], []
    for label, result in labelled:
        if result.get("failed"):
            result["msg"] = "%s: %s" % (label.strip(), result.get("msg", "failed"))
        for header, diff in ((label, result.get("diff")),
                             ("quotas of " + label, (result.get("user_quotas") or {}).get("diff"))):
            if diff:
                diffs.append(dict(diff, before_header=header.strip(), after_header=header.strip()))
        warnings.extend(result.pop("warnings", []))
        results.append(result)
    combined = dict(changed=any(result.get("changed") for result in results), results=results)
    failures = [result["msg"] for result in results if result.get("failed")]
    if failures:
        combined.update(failed=True, msg=failures[0])
    if diffs:
        combined["diff"] = diffs
    if warnings:
        combined["warnings"] = warnings
    return combined
