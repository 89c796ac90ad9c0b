"""Pure logic of _users: notification levels, role sets, activation steps, create-or-adopt."""

from __future__ import annotations

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils import _users


def params(**given):
    defaults = dict(roles=None, manage_other_users=None, notifications=None, quota_notifications=None,
                    activation="email", password=None, update_password="on_create", resend_activation=False)
    return dict(defaults, **given)


LEVELS = [
    ("none", []),
    ("errors", ["backup_error", "backup_critical"]),
    ("errors_and_warnings", ["backup_error", "backup_warning", "backup_critical"]),
    ("all", ["backup_error", "backup_warning", "backup_info", "backup_daily_report", "backup_critical"]),
]


@pytest.mark.parametrize("level,alerts", LEVELS)
def test_levels_set_every_backup_value_and_keep_the_others(level, alerts):
    current = ["maintenance", "quota", "reports", "backup_info", "backup_daily_report", "device_control_warning",
               "certificate_management_info"]
    wanted = _users.wanted_notifications(current, params(notifications=level))
    assert set(wanted) == {"maintenance", "quota", "reports", "device_control_warning",
                           "certificate_management_info"} | set(alerts)
    assert _users.alert_level(wanted) == level


@pytest.mark.parametrize("values,level", [
    (["quota", "reports"], "none"),
    (["quota", "reports", "backup_daily_report"], "custom"),  # the API's default list
    (["backup_error"], "custom"),
    (["backup_error", "backup_critical", "backup_daily_report"], "custom"),
    (["backup_error", "backup_critical", "backup_warning", "backup_info"], "custom"),
    (["reports", "backup_critical", "backup_error", "backup_warning"], "errors_and_warnings"),
])
def test_alert_level_needs_exactly_the_levels_backup_values(values, level):
    assert _users.alert_level(values) == level


def test_quota_flag_and_no_options():
    assert _users.wanted_notifications(["reports"], params()) is None
    assert _users.wanted_notifications(["reports"], params(quota_notifications=True)) == ["quota", "reports"]
    assert _users.wanted_notifications(["quota", "reports"], params(quota_notifications=False)) == ["reports"]
    assert _users.wanted_notifications(["backup_daily_report"], params(quota_notifications=True)) == [
        "quota", "backup_daily_report"]


def test_roles_default_keep_replace_and_manage_others():
    def kind():
        return "customer"
    assert _users.wanted_roles(params(), frozenset(), kind) == {"backup_user"}
    assert _users.wanted_roles(params(), frozenset(), lambda: "folder") == {"partner_admin"}
    assert _users.wanted_roles(params(), frozenset({"company_admin"}), kind) == {"company_admin"}
    assert _users.wanted_roles(params(roles=["readonly_admin"]), frozenset({"backup_user"}), kind) == {"readonly_admin"}
    assert _users.wanted_roles(params(manage_other_users=True), frozenset({"backup_user"}), kind) == {
        "backup_user", "protection_admin"}
    assert _users.wanted_roles(params(manage_other_users=False), frozenset({"backup_user", "protection_admin"}),
                               kind) == {"backup_user"}
    with pytest.raises(OptionError, match="^roles: role unit_admin cannot be granted to a user of a customer"):
        _users.wanted_roles(params(roles=["unit_admin"]), frozenset(), kind)


def test_unchanged_roles_do_not_need_the_tenant_kind():
    def no_kind():
        raise AssertionError("the kind was read although nothing changes")
    assert _users.wanted_roles(params(roles=["backup_user"]), frozenset({"backup_user"}), no_kind) == {"backup_user"}


@pytest.mark.parametrize("given,user,created,step", [
    (dict(), {}, True, "email"),
    (dict(), {"activated": False}, False, None),
    (dict(resend_activation=True), {"activated": False}, False, "email"),
    (dict(resend_activation=True), {"activated": True}, False, None),
    (dict(activation="password", password="p"), {"activated": True}, False, None),
    (dict(activation="password", password="p"), {"activated": False}, False, "password"),
    (dict(activation="password", password="p", update_password="always"), {"activated": True}, False, "password"),
    (dict(activation="none"), {}, True, None),
])
def test_activation_step(given, user, created, step):
    assert _users.activation_step(params(**given), user, created) == step


class FakeClient:
    """Answers POST /users with `error` and lists `listed` as the tenant's users."""

    def __init__(self, error, listed):
        self.error = error
        self.listed = listed
        self.posts = 0

    def post(self, path, body, **kwargs):
        self.posts += 1
        raise self.error

    def paginate(self, path, params):
        return iter(self.listed)


BODY = {"tenant_id": "t", "login": "raced.user", "contact": {"email": "r@x.example"}}


def test_a_conflict_with_the_same_login_in_the_tenant_is_adopted_as_not_ours():
    existing = {"id": "u1", "login": "Raced.User", "access_policies": []}
    client = FakeClient(AcronisError("conflict", status=409, method="POST", path="/users"), [existing])
    assert _users.create_user(client, BODY) == (existing, False, True)
    assert client.posts == 1


def test_a_lost_answer_is_retried_only_while_nothing_was_created():
    client = FakeClient(AcronisError("no answer", method="POST", path="/users", ambiguous=True), [])
    with pytest.raises(AcronisError, match="no answer"):
        _users.create_user(client, BODY)
    assert client.posts == _users.ATTEMPTS_AFTER_AMBIGUOUS_CREATE
