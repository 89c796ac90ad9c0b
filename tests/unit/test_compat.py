"""plugins/plugin_utils/_compat.py: each release branch, whichever ansible-core runs the tests.

The branch of the running release is also exercised for real by the role runs of each test leg.
"""

from __future__ import annotations

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils import _compat

PLACEHOLDER = "__omit_place_holder__0123"
USERS = [{"login": "a", "first_name": PLACEHOLDER, "roles": [PLACEHOLDER, "backup_user"]}, PLACEHOLDER]


class PlaceholderTemplar:
    """A templar of ansible-core before 2.19: returns the value with `omit` as the play's placeholder."""

    def template(self, value):
        return value


class OmittedError(Exception):
    pass


class RaisingTemplar:
    """A templar of 2.19 and later: raises for an omitted value, has dropped omitted items itself."""

    def template(self, value):
        if value == PLACEHOLDER:
            raise OmittedError()
        return value


def test_before_2_19_the_placeholder_is_dropped_as_a_whole_and_inside_dicts_and_lists(monkeypatch):
    monkeypatch.setattr(_compat, "AnsibleValueOmittedError", None)
    templar = PlaceholderTemplar()
    assert _compat.template_variable(templar, PLACEHOLDER, PLACEHOLDER) is _compat.OMITTED
    assert _compat.template_variable(templar, USERS, PLACEHOLDER) == [{"login": "a", "roles": ["backup_user"]}]
    assert _compat.template_variable(templar, {"phone": PLACEHOLDER, "city": "Rome"}, PLACEHOLDER) == {"city": "Rome"}
    # Values that only look alike, and values without any placeholder, stay as they are.
    assert _compat.template_variable(templar, PLACEHOLDER + "x", PLACEHOLDER) == PLACEHOLDER + "x"
    assert _compat.template_variable(templar, {"n": 1, "b": False, "s": None}, PLACEHOLDER) == {"n": 1, "b": False,
                                                                                                "s": None}
    # No `omit` variable known: nothing to drop.
    assert _compat.template_variable(templar, USERS, None) == USERS


def test_from_2_19_on_the_templar_s_omitted_error_means_not_set(monkeypatch):
    monkeypatch.setattr(_compat, "AnsibleValueOmittedError", OmittedError)
    templar = RaisingTemplar()
    assert _compat.template_variable(templar, PLACEHOLDER, None) is _compat.OMITTED
    # The templar has already dropped nested omitted values: nothing is looked for by this module.
    assert _compat.template_variable(templar, {"phone": PLACEHOLDER}, None) == {"phone": PLACEHOLDER}


def test_the_running_release_s_templar_drops_omit_at_the_top_and_inside():
    """The real Templar of the installed ansible-core, with `omit` as a play gives it."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager

    variables = VariableManager(loader=DataLoader()).get_vars()
    try:
        from ansible.template import trust_as_template  # 2.19 and later: only trusted strings are templates
    except ImportError:
        def trust_as_template(value):
            return value
    omit = trust_as_template("{{ omit }}")
    templar = Templar(loader=DataLoader(), variables=variables)
    placeholder = variables.get("omit")
    assert _compat.template_variable(templar, omit, placeholder) is _compat.OMITTED
    users = [{"login": "a", "first_name": omit, "roles": [omit, "backup_user"]}, omit]
    assert _compat.template_variable(templar, users, placeholder) == [{"login": "a", "roles": ["backup_user"]}]


@pytest.mark.parametrize("arguments, errors", [
    ({"name": "x", "secret": "s3cret"}, 0),
    ({"name": 1, "bogus": True}, 1),
])
def test_argument_validation_gives_parameters_errors_and_the_values_to_hide(arguments, errors):
    spec = dict(argument_spec={"name": {"type": "str", "required": True}, "secret": {"type": "str", "no_log": True}})
    parameters, found, no_log_values = _compat.validate_arguments(spec, arguments)
    assert len(found) == errors and isinstance(found, list)
    if not errors:
        assert parameters == arguments and no_log_values == {"s3cret"}
    else:
        assert "bogus" in str(found[0])


def test_values_an_inventory_plugin_reads_from_the_api_are_never_templates():
    # Each leg checks its release's branch: tagged data from 2.19 on, AnsibleUnsafe before.
    variables = _compat.untrusted({"tenant_name": "{{ lookup('pipe', 'id') }}", "tenant_users": [{"login": "{{ x }}"}]})
    assert not _compat.is_trusted_as_template(variables["tenant_name"])
    assert not _compat.is_trusted_as_template(variables["tenant_users"][0]["login"])
