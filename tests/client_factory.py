"""Builds the collection's own API client for tests that arrange or inspect state directly."""

from __future__ import annotations

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisClient, RetryPolicy


def make_client(conn, token_cache_dir=None, sleep=None, retry=None, **overrides):
    options = dict(validate_certs=False, timeout=10, token_cache_dir=token_cache_dir,
                   retry=retry or RetryPolicy(attempts=4, base=0.01, cap=0.05, max_retry_after=2))
    if sleep is not None:
        options["sleep"] = sleep
    options.update(overrides)
    return AcronisClient(conn["datacenter_url"], conn["client_id"], conn["client_secret"], **options)
