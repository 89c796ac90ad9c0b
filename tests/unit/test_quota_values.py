"""Quota values as users write them -> what the API stores, and back (no API, no Ansible run)."""

from __future__ import annotations

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._offering import (
    api_amount, ensure_quotas, format_amount, item_view, parse_amount, parse_limit, put_entry, switched)

GIB = 1024 ** 3
STORAGE = {"application_id": "app", "name": "pw_base_storage", "usage_name": "storage", "type": "infra",
           "measurement_unit": "bytes", "edition": "pck_per_workload", "infra_id": "infra-1"}
SERVERS = {"application_id": "app", "name": "pw_base_servers", "usage_name": "servers", "type": "count",
           "measurement_unit": "quantity", "edition": "pck_per_workload"}


def to_api(raw, item=None, option="quotas.x"):
    item = item or STORAGE
    limit = parse_limit(option, raw)
    return api_amount(option, limit.value, item), api_amount(option, limit.overage, item)


@pytest.mark.parametrize("raw,expected", [
    ("unlimited", None), ("UNLIMITED", None), (" Unlimited ", None),
    (500, 500 * GIB), ("500", 500 * GIB), (0, 0), ("0", 0), (1.5, 1536 * 1024 ** 2),
    ("500 GB", 500 * GIB), ("500GB", 500 * GIB), ("500 gb", 500 * GIB), ("2 TB", 2 * 1024 ** 4),
    ("2TiB", 2 * 1024 ** 4), ("1.5 tb", 1536 * GIB), ("512 MB", 512 * 1024 ** 2), ("1 PB", 1024 ** 5),
    ("3 GiB", 3 * GIB), ("0.5 GB", GIB // 2), ("1.1", 1181116006),
])
def test_storage_values_become_binary_bytes(raw, expected):
    assert to_api(raw) == (expected, None)


@pytest.mark.parametrize("raw,expected", [(3, 3), ("3", 3), (0, 0), ("unlimited", None), (2.0, 2)])
def test_count_values_become_whole_counts(raw, expected):
    assert to_api(raw, SERVERS) == (expected, None)


def test_hard_quota_has_overage_in_the_same_unit():
    assert to_api({"value": "1 TB", "overage": 100}) == (1024 ** 4, 100 * GIB)
    assert to_api({"value": 10, "overage": "512 MB"}) == (10 * GIB, 512 * 1024 ** 2)
    assert to_api({"value": 5, "overage": 1}, SERVERS) == (5, 1)
    assert to_api({"value": 5, "overage": None}, SERVERS) == (5, None)
    assert to_api({"value": "unlimited"}, SERVERS) == (None, None)


@pytest.mark.parametrize("raw,message", [
    (-1, "quotas.x: -1 is negative"),
    ("-5", "quotas.x: '-5' is negative"),
    ("-5 GB", "quotas.x: '-5 GB' is negative"),
    ("lots", "quotas.x: 'lots' is not a quota; use unlimited, a number"),
    ("3 XB", "quotas.x: '3 XB' is not a quota"),
    ("500 G", "quotas.x: '500 G' is not a quota"),
    ("1e3", "quotas.x: '1e3' is not a quota"),
    ("", "quotas.x: '' is not a quota"),
    (True, "quotas.x: True is not a quota"),
    ([1], "quotas.x: [1] is not a quota"),
    (float("nan"), "quotas.x: nan is not a quota"),
    ({"value": 1, "limit": 2}, "quotas.x: unknown key(s) limit"),
    ({"overage": 2}, "quotas.x: value is required"),
    ({"value": "unlimited", "overage": 2}, "quotas.x: an unlimited quota has no overage"),
    ({"value": 2, "overage": "unlimited"}, "quotas.x.overage: cannot be unlimited"),
    ({"value": -2, "overage": 1}, "quotas.x.value: -2 is negative"),
    ({"value": 2, "overage": "-1"}, "quotas.x.overage: '-1' is negative"),
])
def test_bad_values_fail_naming_the_option(raw, message):
    with pytest.raises(OptionError) as failure:
        to_api(raw)
    assert str(failure.value).startswith(message)


@pytest.mark.parametrize("raw,message", [
    ("500 GB", "quotas.x: '500 GB' is a size, but pw_base_servers (servers) is counted in quantity"),
    (2.5, "quotas.x: 2.5 is not a whole number"),
    ({"value": 2, "overage": "1 GB"}, "quotas.x: '1 GB' is a size"),
])
def test_counts_refuse_sizes_and_fractions(raw, message):
    with pytest.raises(OptionError) as failure:
        to_api(raw, SERVERS)
    assert str(failure.value).startswith(message)


def test_parse_amount_keeps_what_was_written_for_messages():
    amount = parse_amount("quotas.storage", " 2 TB ")
    assert (amount.kind, amount.number, amount.given) == ("bytes", 2 * 1024 ** 4, " 2 TB ")


@pytest.mark.parametrize("number,expected", [
    (None, "unlimited"), (0, "0 GB"), (500 * GIB, "500 GB"), (1536 * 1024 ** 2, "1.5 GB"), (1024 * GIB, "1024 GB"),
    (1024 ** 5, "1048576 GB"), (512 * 1024 ** 2, "0.5 GB"), (100 * 1024 ** 2, "0.09765625 GB"),
    (1181116006, "1.1 GB"), (500 * GIB + 1, "500.000000001 GB"), (3, "0.000000003 GB"),
])
def test_sizes_are_shown_in_gb_as_the_portal_does(number, expected):
    assert format_amount(number, "bytes") == expected


@pytest.mark.parametrize("number", [500 * GIB, 500 * GIB + 1, 500 * GIB - 1, 1181116006, 1, 7 * 1024 ** 2 + 3,
                                    2 ** 63 - 1])
def test_shown_sizes_are_exact_written_back_they_store_the_same_bytes(number):
    shown = format_amount(number, "bytes")
    assert to_api(shown) == (number, None)
    assert format_amount(number + 1, "bytes") != shown


def test_counts_are_shown_as_integers():
    assert format_amount(7, "quantity") == 7 and format_amount(None, "quantity") == "unlimited"
    assert isinstance(format_amount(7.0, "quantity"), int)


def test_item_view_in_user_terms():
    on = dict(STORAGE, status=1, quota={"value": 500 * GIB, "overage": 50 * GIB, "version": 12})
    assert item_view(on) == {"workload": "storage", "item": "pw_base_storage", "edition": "pck_per_workload",
                             "enabled": True, "storage": "infra-1", "limit": "500 GB", "hard": True,
                             "overage": "50 GB"}
    off = dict(SERVERS, status=0)
    assert item_view(off) == {"workload": "servers", "item": "pw_base_servers", "edition": "pck_per_workload",
                              "enabled": False}
    feature = {"application_id": "app", "name": "physical_data_shipping", "usage_name": "physical_data_shipping",
               "type": "feature", "measurement_unit": "n/a", "edition": "standard", "status": 1}
    assert "limit" not in item_view(feature)


def test_put_entries_send_only_what_differs_with_the_right_quota_version():
    off = dict(SERVERS, status=0)
    on = dict(SERVERS, status=1, quota={"value": 5, "overage": None, "version": 77})
    base = {"application_id": "app", "name": "pw_base_servers"}
    assert put_entry(on, switched(on, 1, 5, None)) is None
    assert put_entry(off, switched(off, 0)) is None
    assert put_entry(on, switched(on, 1, 6, None)) == dict(base, status=1, quota={"value": 6, "overage": None,
                                                                                  "version": 77})
    assert put_entry(on, switched(on, 1, None, None)) == dict(base, status=1, quota={"value": None, "overage": None,
                                                                                     "version": 77})
    assert put_entry(off, switched(off, 1, 3, 1)) == dict(base, status=1, quota={"value": 3, "overage": 1,
                                                                                 "version": 0})
    assert put_entry(off, switched(off, 1, None, None)) == dict(base, status=1)
    assert put_entry(on, switched(on, 0)) == dict(base, status=0)
    storage_off = dict(STORAGE, status=0)
    assert put_entry(storage_off, switched(storage_off, 1))["infra_id"] == "infra-1"


TENANT_ID = "5b2c1a4e-0d3f-4c6b-9a8e-7f1e2d3c4b5a"
QUOTA_PARAMS = dict(tenant_id=TENANT_ID, edition="pck_per_workload", storage=None, state="present", purge=False,
                    quotas={"storage": "500 GB"})


class OneItemClient:
    """Lists one storage item that is on with `value` bytes, and records the PUTs (answering with the items)."""

    def __init__(self, value):
        self.item = dict(STORAGE, tenant_id=TENANT_ID, application_id="app", status=1,
                         quota={"value": value, "overage": None, "version": 4})
        self.puts = []

    def get(self, path, params=None):
        assert path == "/tenants/%s/offering_items" % TENANT_ID, path
        return {"items": [self.item]}

    def put(self, path, body, params=None):
        self.puts.append(body)
        entry = body["offering_items"][0]
        return {"items": [dict(self.item, quota=dict(entry["quota"], version=5))]}


@pytest.mark.parametrize("check_mode", [True, False])
def test_changed_follows_what_is_sent_even_for_one_byte(check_mode):
    client = OneItemClient(500 * GIB + 1)
    result = ensure_quotas(client, QUOTA_PARAMS, check_mode)
    assert result["changed"] and result["outcome"] == "updated"
    assert result["diff"]["before"]["pw_base_storage"]["limit"] == "500.000000001 GB"
    assert result["diff"]["after"]["pw_base_storage"]["limit"] == "500 GB"
    expected_puts = [] if check_mode else [{"offering_items": [{
        "application_id": "app", "name": "pw_base_storage", "status": 1, "infra_id": "infra-1",
        "quota": {"value": 500 * GIB, "overage": None, "version": 4}}]}]
    assert client.puts == expected_puts


def test_nothing_to_send_is_unchanged():
    client = OneItemClient(500 * GIB)
    result = ensure_quotas(client, QUOTA_PARAMS, False)
    assert not result["changed"] and client.puts == [] and result["diff"]["before"] == result["diff"]["after"]
