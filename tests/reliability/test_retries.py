"""The client's retry budget: a throttling server slows a run down but does not fail it quickly."""

from __future__ import annotations

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError, RetryPolicy, TokenCache
from tests.client_factory import make_client

TENANT = "GET /api/2/tenants/{tenant_id}"


def client_with(sim, **policy):
    return make_client(sim.conn, sleep=lambda seconds: None, retry=RetryPolicy(**policy))


def test_throttling_is_waited_out_beyond_the_failure_budget(sim):
    client = client_with(sim, attempts=2, throttled_attempts=8)
    home = client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANT, "fault": "429", "count": 4, "retry_after_s": 0},
                           {"match": TENANT, "fault": "503", "count": 3, "retry_after_s": 0}])
    assert client.get("/tenants/%s" % home)["id"] == home
    assert sim.admin.stats()["requests"][TENANT] == 8


def test_exhausted_retries_say_how_often_they_were_tried(sim):
    client = client_with(sim, attempts=3, throttled_attempts=3)
    home = client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANT, "fault": "429", "count": 3, "retry_after_s": 0}])
    with pytest.raises(AcronisError) as throttled:
        client.get("/tenants/%s" % home)
    assert throttled.value.status == 429 and str(throttled.value).endswith("(gave up after 3 attempts)")
    sim.admin.faults(once=[{"match": TENANT, "fault": "502", "count": 3}])
    with pytest.raises(AcronisError) as failing:
        client.get("/tenants/%s" % home)
    assert failing.value.status == 502 and "(gave up after 3 attempts)" in str(failing.value)


def test_a_refusal_after_retries_is_not_called_giving_up(sim):
    client = client_with(sim, attempts=3)
    client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANT, "fault": "429", "count": 1, "retry_after_s": 0}])
    with pytest.raises(AcronisError) as missing:
        client.get("/tenants/11111111-2222-3333-4444-555555555555")
    assert missing.value.status == 404 and "gave up" not in str(missing.value)


def test_a_token_another_fork_refreshed_but_that_was_revoked_too_is_replaced(sim, tmp_path):
    TokenCache._memory.clear()
    first, second = (make_client(sim.conn, token_cache_dir=str(tmp_path)) for dummy in range(2))
    home = first.home_tenant_id()
    second.get("/tenants/%s" % home)
    sim.admin.expire_tokens()
    TokenCache._memory.clear()  # each fork has its own memory; only the file is shared
    first.get("/tenants/%s" % home)  # refreshes the shared token
    sim.admin.expire_tokens()  # ... which is revoked before the other fork uses it
    TokenCache._memory.clear()
    assert second.get("/tenants/%s" % home)["id"] == home
