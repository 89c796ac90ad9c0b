"""The API client against the simulator's fault switches: retries, token handling, pagination, versions."""

from __future__ import annotations

import http.server
import os
import stat
import threading

import pytest

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import (
    AcronisError, TokenCache, retry_on_version_conflict)
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import set_pricing_mode
from tests.client_factory import make_client

TOKEN = "POST /api/2/idp/token"
TENANTS = "POST /api/2/tenants"
TENANT = "GET /api/2/tenants/{tenant_id}"
TENANT_PUT = "PUT /api/2/tenants/{tenant_id}"


@pytest.fixture(autouse=True)
def fresh_memory_cache():
    TokenCache._memory.clear()
    yield
    TokenCache._memory.clear()


def count(sim, key):
    return sim.admin.stats()["requests"].get(key, 0)


def new_customer(client, name, parent=None):
    parent = parent or client.home_tenant_id()
    return client.post("/tenants", {"name": name, "parent_id": parent, "kind": "customer"})


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def test_429_with_retry_after_is_waited_out_and_retried(sim):
    sleeps = Sleeps()
    client = make_client(sim.conn, sleep=sleeps)
    home = client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANT, "fault": "429", "count": 2, "retry_after_s": 1}])
    assert client.get("/tenants/%s" % home)["id"] == home
    assert sleeps == [1.0, 1.0]
    assert count(sim, TENANT) == 3


def test_a_post_is_retried_after_429_because_it_was_not_processed(sim):
    client = make_client(sim.conn, sleep=Sleeps())
    client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "429", "count": 1, "retry_after_s": 0}])
    assert new_customer(client, "After 429")["name"] == "After 429"
    assert count(sim, TENANTS) == 2


@pytest.mark.parametrize("fault", ["500", "502", "503", "504"])
def test_5xx_on_a_read_is_retried_with_backoff(sim, fault):
    sleeps = Sleeps()
    client = make_client(sim.conn, sleep=sleeps)
    home = client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANT, "fault": fault, "count": 2}])
    assert client.get("/tenants/%s" % home)["id"] == home
    assert len(sleeps) == 2 and all(0 <= pause <= 0.05 for pause in sleeps)


def test_503_honours_retry_after_even_for_a_post(sim):
    sleeps = Sleeps()
    client = make_client(sim.conn, sleep=sleeps)
    client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "503", "count": 1, "retry_after_s": 2}])
    assert new_customer(client, "After 503")["name"] == "After 503"
    assert sleeps == [2.0] and count(sim, TENANTS) == 2


# A 503 without Retry-After may come from a gateway after the backend created the tenant: ambiguous.
@pytest.mark.parametrize("fault", ["500", "502", "503", "504"])
def test_an_ambiguous_5xx_on_a_post_is_not_retried(sim, fault):
    client = make_client(sim.conn, sleep=Sleeps())
    client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANTS, "fault": fault, "count": 1}])
    with pytest.raises(AcronisError) as caught:
        new_customer(client, "Ambiguous")
    assert caught.value.ambiguous and caught.value.status == int(fault)
    assert count(sim, TENANTS) == 1


def test_the_simulators_random_503_has_no_retry_after_so_a_post_is_not_resent(sim):
    client = make_client(sim.conn, sleep=Sleeps())
    client.home_tenant_id()
    sim.admin.faults(rate_5xx=1, codes_5xx=[503])
    with pytest.raises(AcronisError) as caught:
        new_customer(client, "Random 503")
    sim.admin.clear_faults()
    assert caught.value.ambiguous and caught.value.status == 503
    assert count(sim, TENANTS) == 1


def test_a_dropped_answer_after_a_committed_post_is_reported_as_ambiguous(sim):
    client = make_client(sim.conn, sleep=Sleeps())
    home = client.home_tenant_id()
    sim.admin.faults(once=[{"match": TENANTS, "fault": "drop_after_commit", "count": 1}])
    with pytest.raises(AcronisError) as caught:
        new_customer(client, "Dropped")
    assert caught.value.ambiguous and caught.value.status is None
    names = [t["name"] for t in client.paginate("/tenants", {"parent_id": home})]
    assert names.count("Dropped") == 1, "the write was applied although no answer came"


def test_a_dropped_answer_to_a_put_is_retried_and_the_stale_version_is_handled(sim):
    client = make_client(sim.conn, sleep=Sleeps())
    tenant = new_customer(client, "Put twice")
    sim.admin.faults(once=[{"match": TENANT_PUT, "fault": "drop_after_commit", "count": 1}])
    with pytest.raises(AcronisError) as caught:
        client.put("/tenants/%s" % tenant["id"], {"customer_id": "X1", "version": tenant["version"]})
    # The retry carries the old version, which the applied first attempt made stale.
    assert caught.value.has_code(1001)
    assert client.get("/tenants/%s" % tenant["id"])["customer_id"] == "X1"


def test_token_is_fetched_once_and_refreshed_once_after_expiry(sim):
    client = make_client(sim.conn)
    home = client.home_tenant_id()
    client.get("/tenants/%s" % home)
    assert count(sim, TOKEN) == 1
    sim.admin.expire_tokens()
    client.get("/tenants/%s" % home)
    client.get("/tenants/%s" % home)
    assert count(sim, TOKEN) == 2


def test_token_file_is_private_and_shared_between_clients(sim, tmp_path):
    cache = tmp_path / "run-tmp"
    cache.mkdir(mode=0o700)
    first = make_client(sim.conn, token_cache_dir=str(cache))
    first.home_tenant_id()
    TokenCache._memory.clear()  # a second fork starts with an empty memory
    second = make_client(sim.conn, token_cache_dir=str(cache))
    assert second.home_tenant_id() == sim.conn["tenant_id"]
    assert count(sim, TOKEN) == 1
    assert count(sim, "GET /api/2/clients/{client_id}") == 1
    files = [path for path in cache.iterdir() if path.suffix == ".json"]
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert sim.conn["client_secret"] not in files[0].name and sim.conn["client_id"] not in files[0].name
    assert sim.conn["client_secret"] not in files[0].read_text()


def test_wrong_secret_is_a_clear_authentication_error(sim):
    conn = dict(sim.conn, client_secret="x" * len(sim.conn["client_secret"]))
    with pytest.raises(AcronisError) as caught:
        make_client(conn).home_tenant_id()
    assert "authentication failed" in str(caught.value) and "client_secret" in str(caught.value)
    assert conn["client_secret"] not in str(caught.value)


def test_unreachable_url_says_so(sim):
    conn = dict(sim.conn, datacenter_url="http://127.0.0.1:9")
    with pytest.raises(AcronisError) as caught:
        make_client(conn, sleep=Sleeps()).home_tenant_id()
    assert "no answer from http://127.0.0.1:9" in str(caught.value)
    assert "check datacenter_url" in str(caught.value)


def test_a_url_that_is_not_the_api_names_datacenter_url(sim):
    url = sim.url + "/nothing"
    with pytest.raises(AcronisError) as caught:
        make_client(dict(sim.conn, datacenter_url=url), sleep=Sleeps()).home_tenant_id()
    assert str(caught.value) == (
        "datacenter_url: %s is not the address of an Acronis datacenter: the token request (POST /api/2/idp/token) "
        "answered 404 Not Found; give the datacenter address such as https://eu2-cloud.acronis.com, without a "
        "path such as /api/2" % url)


@pytest.mark.parametrize("suffix", ["/", "/api/2", "/api/2/"])
def test_a_trailing_slash_or_api_path_is_ignored(sim, suffix):
    client = make_client(dict(sim.conn, datacenter_url=sim.url + suffix))
    assert client.datacenter_url == sim.url
    assert client.home_tenant_id() == sim.conn["tenant_id"]


class WebPage(http.server.BaseHTTPRequestHandler):
    """A web server that is not the API: a 200 page for every request, like a portal's login page."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = b"<html><body>Sign in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_page():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_200_without_a_token_names_datacenter_url(sim, web_page):
    with pytest.raises(AcronisError) as caught:
        make_client(dict(sim.conn, datacenter_url=web_page)).home_tenant_id()
    text = str(caught.value)
    assert text.startswith("datacenter_url: %s is not the address of an Acronis datacenter" % web_page)
    assert "answered 200 without an access token" in text and "\n" not in text


def test_pagination_follows_cursors_across_pages(sim):
    client = make_client(sim.conn)
    parent = client.post("/tenants", {"name": "Pages", "parent_id": client.home_tenant_id(), "kind": "partner"})
    names = {"Child %02d" % number for number in range(7)}
    for name in names:
        new_customer(client, name, parent["id"])
    before = count(sim, "GET /api/2/tenants")
    seen = [t["name"] for t in client.paginate("/tenants", {"parent_id": parent["id"]}, limit=3)]
    assert sorted(seen) == sorted(names)
    assert count(sim, "GET /api/2/tenants") - before == 3


def test_stale_version_is_reread_and_retried_once(sim):
    client = make_client(sim.conn)
    tenant = new_customer(client, "Versioned")
    client.put("/tenants/%s" % tenant["id"], {"customer_id": "changed elsewhere", "version": tenant["version"]})
    attempts = []

    def apply(current):
        attempts.append(current["version"])
        return client.put("/tenants/%s" % current["id"], {"internal_tag": "ours", "version": current["version"]})

    updated = retry_on_version_conflict(apply, tenant, lambda: client.get("/tenants/%s" % tenant["id"]))
    assert attempts == [tenant["version"], tenant["version"] + 1]
    assert updated["internal_tag"] == "ours" and updated["customer_id"] == "changed elsewhere"


class ConcurrentPricingWriter:
    """Changes a tenant's pricing (as another run would) right after the first read of it."""

    def __init__(self, client, tenant_id):
        self.client, self.path, self.reads = client, "/tenants/%s/pricing" % tenant_id, 0
        self.get = client.get
        client.get = self.read

    def read(self, path, params=None):
        pricing = self.get(path, params)
        self.reads += 1
        if path == self.path and self.reads == 1:
            self.client.put(path, {"mode": "trial", "currency": "EUR", "version": pricing["version"]})
        return pricing


def test_set_pricing_mode_rereads_a_stale_version_once(sim):
    client = make_client(sim.conn)
    tenant = new_customer(client, "Priced")
    writer = ConcurrentPricingWriter(client, tenant["id"])
    set_pricing_mode(client, tenant["id"], "production")
    assert writer.reads == 2
    assert writer.get("/tenants/%s/pricing" % tenant["id"])["mode"] == "production"
    assert count(sim, "PUT /api/2/tenants/{tenant_id}/pricing") == 3  # the other writer's, the stale, the retry


def test_api_errors_are_one_line_with_method_path_status_and_code(sim):
    client = make_client(sim.conn)
    new_customer(client, "Twice")
    with pytest.raises(AcronisError) as caught:
        new_customer(client, "Twice")
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith("POST /tenants: 409 ") and text.endswith("(1004)")
    assert caught.value.to_result()["api_error"] == {"status": 409, "code": 1004, "method": "POST",
                                                     "path": "/tenants"}
