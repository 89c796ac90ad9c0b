"""Pure logic of _users: notification levels, role sets, activation steps, create-or-adopt."""

from __future__ import annotations

import re

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
    with pytest.raises(OptionError, match="^roles: role unit_admin cannot be granted to a user of a customer"):
        _users.wanted_roles(params(roles=["unit_admin"]), frozenset(), kind)


def test_manage_other_users_picks_the_protection_role_one_per_service():
    def kind():
        return "customer"
    # Instead of the Protection user role, not next to it; and back.
    assert _users.wanted_roles(params(manage_other_users=True), frozenset(), kind) == {"protection_admin"}
    assert _users.wanted_roles(params(manage_other_users=True), frozenset({"backup_user"}), kind) == {
        "protection_admin"}
    assert _users.wanted_roles(params(manage_other_users=True, roles=["restore_operator", "sync_share_user"]),
                               frozenset(), kind) == {"protection_admin", "sync_share_user"}
    assert _users.wanted_roles(params(manage_other_users=False), frozenset({"protection_admin"}), kind) == {
        "backup_user"}
    assert _users.wanted_roles(params(manage_other_users=False), frozenset({"company_admin"}), kind) == {
        "company_admin"}
    assert _users.wanted_roles(params(manage_other_users=True), frozenset({"company_admin"}), kind) == {
        "company_admin", "protection_admin"}
    # Users of earlier versions hold both: they keep the administrator role (one PUT, with a warning).
    both = frozenset({"backup_user", "protection_admin"})
    for manage, expected in ((None, {"protection_admin"}), (True, {"protection_admin"}), (False, {"backup_user"})):
        assert _users.wanted_roles(params(manage_other_users=manage), both, kind) == expected, manage
    user = {"login": "old.user", "access_policies": [{"role_id": "backup_user"}, {"role_id": "protection_admin"}]}
    warning = _users.role_migration_warning(user, frozenset({"protection_admin"}))
    assert warning.startswith("user 'old.user' held backup_user and protection_admin of the Protection service")
    assert _users.role_migration_warning({"access_policies": [{"role_id": "backup_user"}]},
                                         frozenset({"protection_admin"})) is None


@pytest.mark.parametrize("roles", [["backup_user", "protection_admin"], ["sync_share_admin", "sync_share_user"]])
def test_explicit_roles_of_one_service_are_refused(roles):
    with pytest.raises(OptionError, match="^roles: %s are roles of the same service" % ", ".join(roles)):
        _users.check_params(params(login="two.roles", roles=roles))


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
    """Answers POST /users with `error` and lists `listed` as the tenant's users; records the reads."""

    def __init__(self, error, listed, search=()):
        self.error = error
        self.listed = listed
        self.search = list(search)
        self.posts = 0
        self.reads = []

    def post(self, path, body, **kwargs):
        self.posts += 1
        raise self.error

    def get(self, path, params=None):
        self.reads.append((path, params))
        if path == "/search":
            return {"items": self.search}
        return {"items": [user["id"] for user in self.listed]}

    def paginate(self, path, params):
        self.reads.append((path, params))
        wanted = params["uuids"].split(",")
        return iter([user for user in self.listed if user["id"] in wanted])

    def home_tenant_id(self):
        return "home"


BODY = {"tenant_id": "t", "login": "raced.user", "contact": {"email": "r@x.example"}}


def test_a_conflict_with_the_same_login_in_the_tenant_is_adopted_as_not_ours():
    existing = {"id": "u1", "login": "Raced.User", "tenant_id": "t", "access_policies": []}
    client = FakeClient(AcronisError("conflict", status=409, method="POST", path="/users"), [existing])
    assert _users.create_user(client, BODY) == (existing, False, True)
    assert client.posts == 1


def test_a_lost_answer_is_retried_only_while_nothing_was_created():
    client = FakeClient(AcronisError("no answer", method="POST", path="/users", ambiguous=True), [])
    with pytest.raises(AcronisError, match="no answer"):
        _users.create_user(client, BODY)
    assert client.posts == _users.ATTEMPTS_AFTER_AMBIGUOUS_CREATE


def test_the_tenants_users_are_its_ids_then_batches_of_100_never_tenant_id():
    listed = [{"id": "u%03d" % n, "login": "user.%d" % n, "tenant_id": "t"} for n in range(205)]
    client = FakeClient(None, listed)
    assert _users.find_user(client, "t", "USER.204")["id"] == "u204"
    assert client.reads[0] == ("/tenants/t/users", None)
    batches = [params for path, params in client.reads[1:]]
    assert [len(params["uuids"].split(",")) for params in batches] == [100, 100, 5]
    assert all(set(params) == {"uuids", "with_access_policies"} for params in batches)


@pytest.mark.parametrize("search,where", [
    ([{"obj_type": "user", "login": "shared.login", "parent_id": "other", "path": ["Root", "Fabrikam"]}],
     "'Root/Fabrikam' (other)"),
    ([], "'other' (other)"),  # the search index lags: the listing's tenant id is named
])
def test_a_user_of_another_tenant_is_never_adopted(search, where):
    """A listing that holds another tenant's user (as GET /users?tenant_id= did) fails instead of adopting it."""
    stranger = {"id": "u1", "login": "shared.login", "tenant_id": "other", "access_policies": []}
    client = FakeClient(AcronisError("conflict", status=409, method="POST", path="/users"), [stranger], search)
    message = "^login: 'shared.login' already belongs to a user of tenant %s, not of tenant t;" % re.escape(where)
    with pytest.raises(OptionError, match=message):
        _users.find_user(client, "t", "shared.login")
    with pytest.raises(OptionError, match=message):
        _users.create_user(client, dict(BODY, login="shared.login"))


def test_email_change_requests_are_remembered_privately_per_datacenter_and_user(tmp_path):
    requests = _users.EmailChangeRequests("https://dc.example", str(tmp_path / "state"))
    assert requests.asked("u1", "new@x.example") is None
    requests.remember("u1", "New@X.example")
    assert requests.asked("u1", "new@x.example")  # addresses compare without regard to case
    assert requests.asked("u1", "other@x.example") is None
    assert requests.asked("u2", "new@x.example") is None
    assert _users.EmailChangeRequests("https://other.example", str(tmp_path / "state")).asked(
        "u1", "new@x.example") is None
    (path,) = (tmp_path / "state").iterdir()
    assert path.stat().st_mode & 0o777 == 0o600 and (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert "new@" not in path.read_text().lower() and "u1" not in path.name
    requests.forget("u1")
    assert requests.asked("u1", "new@x.example") is None


def test_an_activated_users_new_email_is_asked_once_then_left_out(tmp_path):
    requests = _users.EmailChangeRequests("https://dc.example", str(tmp_path))
    changes = {"contact": {"email": "new@x.example", "firstname": "Al"}, "language": "de"}
    assert _users.email_change({"id": "u1", "activated": False}, changes, requests) == (changes, None, None)
    assert _users.email_change({"id": "u1", "activated": True}, changes, requests) == (changes, "requested", None)
    requests.remember("u1", "new@x.example")
    left, state, asked = _users.email_change({"id": "u1", "activated": True}, changes, requests)
    assert left == {"contact": {"firstname": "Al"}, "language": "de"} and state == "pending" and asked
    assert _users.without_email({"contact": {"email": "a@b.example"}}) == {}
