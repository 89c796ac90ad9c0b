# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything the controller-side code does differently on the ansible-core releases it supports (2.16 to
2.21), in one place: nothing else in the collection knows which release it runs on.

- Templating `{{ omit }}`: from 2.19 on the templar raises AnsibleValueOmittedError for an omitted value
  and drops omitted keys and items inside dicts and lists itself. Before 2.19 it returns the play's
  placeholder string (the `omit` variable) wherever it stood, and only a task's own arguments are cleaned
  of it; a role variable such as a key of a `tenant_users` entry is cleaned here, the same way.
- Trust of strings as templates: from 2.19 on a value is a template only when trusted (inventory plugins'
  values are not, by default). Before 2.19 every string is a template unless wrapped as unsafe, so the
  values an inventory plugin reads from the API are wrapped here.
- Argument validation and no_log bookkeeping: ArgumentSpecValidator is the same on every supported
  release, but the values it found to hide are a private attribute of its result; only this module reads it.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.utils.unsafe_proxy import AnsibleUnsafe, wrap_var

try:
    from ansible.errors import AnsibleValueOmittedError
    from ansible.template import is_trusted_as_template as _trusted_by_tags
except ImportError:  # ansible-core before 2.19
    AnsibleValueOmittedError = None
    _trusted_by_tags = None


def is_trusted_as_template(value):
    """Whether templating `value` would run it as a template."""
    if _trusted_by_tags is not None:
        return _trusted_by_tags(value)
    return isinstance(value, str) and not isinstance(value, AnsibleUnsafe)


def untrusted(value):
    """`value` (from the API) as data that is never templated, for an inventory plugin's host variables."""
    return value if AnsibleValueOmittedError is not None else wrap_var(value)


# What template_variable returns for a value that is `omit` as a whole: the variable counts as not set.
OMITTED = object()


def template_variable(templar, value, omit_placeholder):
    """`value` templated, omitted keys and items of its dicts and lists left out; OMITTED if it is `omit`.

    omit_placeholder is the play's `omit` variable (task_vars.get("omit")); only releases before 2.19 use it.
    """
    if AnsibleValueOmittedError is not None:
        try:
            return templar.template(value)
        except AnsibleValueOmittedError:
            return OMITTED
    return _without_placeholder(templar.template(value), omit_placeholder)


def _without_placeholder(value, placeholder):
    if placeholder is None:
        return value
    if isinstance(value, str):
        return OMITTED if value == placeholder else value
    if isinstance(value, dict):
        cleaned = ((key, _without_placeholder(item, placeholder)) for key, item in value.items())
        return {key: item for key, item in cleaned if item is not OMITTED}
    if isinstance(value, (list, tuple)):
        cleaned = (_without_placeholder(item, placeholder) for item in value)
        return [item for item in cleaned if item is not OMITTED]
    return value


def validate_arguments(validator_args, arguments):
    """(validated parameters, errors, values to hide) of `arguments` against a module's argument spec."""
    validation = ArgumentSpecValidator(**validator_args).validate(arguments)
    return validation.validated_parameters, list(validation.errors.errors), validation._no_log_values
