"""Shared pytest fixtures: one simulator per test session, reset before each test that uses it.

- `simulator` (session): the running SimulatorProcess (requests validated when the OpenAPI
  document is found).
- `sim` (function): resets state, stats, faults and config, then yields .conn, .url, .admin;
  afterwards fails the test if a response did not match the document (responses are validated
  unless ACRONIS_SIM_VALIDATE_RESPONSES=0).
- `api` (function): a small authenticated HTTP helper for the simulator's own tests.
- marker `needs_openapi`: skips a test, with the reason, when the OpenAPI document is absent
  (fails it instead when ACRONIS_REQUIRE_OPENAPI=1, so a CI job cannot pass without validation).
"""

import os
import types

import pytest

from tests.simulator.control import SimulatorAdmin, SimulatorProcess, spec_available

SPEC_MISSING = ("the OpenAPI document (shared/acronis/account-management-v2.openapi.json or "
                "$ACRONIS_OPENAPI_SPEC) is absent, so the simulator does not validate requests")
REQUIRE_ENV = "ACRONIS_REQUIRE_OPENAPI"
RESPONSES_ENV = "ACRONIS_SIM_VALIDATE_RESPONSES"
OPENAPI_MISSING = pytest.StashKey[bool]()  # set on needs_openapi tests that must fail


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_openapi: needs the OpenAPI document to validate "
                                       "requests; skipped with the reason when it is absent (failed "
                                       "when ACRONIS_REQUIRE_OPENAPI=1)")


def pytest_collection_modifyitems(config, items):
    marked = [item for item in items if item.get_closest_marker("needs_openapi")]
    if marked and not spec_available():
        required = os.environ.get(REQUIRE_ENV) == "1"
        for item in marked:
            if required:
                item.stash[OPENAPI_MISSING] = True
            else:
                item.add_marker(pytest.mark.skip(reason=SPEC_MISSING))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # Failed in the call phase (not skipped, not a setup error): the test did not run as asked.
    if item.stash.get(OPENAPI_MISSING, False):
        pytest.fail(f"{SPEC_MISSING}, and {REQUIRE_ENV}=1 requires it", pytrace=False)


@pytest.fixture(scope="session")
def simulator():
    # Responses are validated too unless ACRONIS_SIM_VALIDATE_RESPONSES=0 (e.g. to time a run).
    check = os.environ.get(RESPONSES_ENV, "1") != "0"
    with SimulatorProcess(validate=True, validate_responses=check) as process:
        yield process


@pytest.fixture
def sim(simulator):
    """Reset before the test; after it, fail if the simulator sent a response the document's
    schemas do not allow (tests/simulator/README.md, "Responses")."""
    admin = SimulatorAdmin(simulator.url)
    admin.reset()
    yield types.SimpleNamespace(conn=simulator.conn, url=simulator.url, admin=admin,
                                process=simulator)
    found = admin.violations()
    if found["total"]:
        admin.clear_violations()
        lines = ["%s %s -> %s: %s" % (v["method"], v["path"], v["status"], "; ".join(v["problems"]))
                 for v in found["items"]]
        pytest.fail("the simulator sent %d response(s) that do not match the OpenAPI document:\n%s"
                    % (found["total"], "\n".join(lines)), pytrace=False)


class Api:
    """requests.Session against /api/2 with a bearer token; returns raw responses."""

    def __init__(self, conn, client_id=None, client_secret=None, verify=True):
        import requests

        self.conn = conn
        self.base = conn["datacenter_url"] + "/api/2"
        self.session = requests.Session()
        # Passed with each request: REQUESTS_CA_BUNDLE in the environment would override a
        # Session-level `verify`.
        self.verify = verify
        self.client_id = client_id or conn["client_id"]
        self.client_secret = client_secret or conn["client_secret"]
        self.token = None

    def fetch_token(self):
        response = self.session.post(self.base + "/idp/token",
                                     auth=(self.client_id, self.client_secret),
                                     data={"grant_type": "client_credentials"},
                                     verify=self.verify)
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        self.session.headers["Authorization"] = "Bearer " + self.token
        return response.json()

    def request(self, method, path, **kwargs):
        if self.token is None and not path.startswith("/idp/token"):
            self.fetch_token()
        kwargs.setdefault("verify", self.verify)
        return self.session.request(method, self.base + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def ok(self, method, path, status=200, **kwargs):
        """The JSON body of a request that must answer `status`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code,
                                                response.text)
        return response.json() if response.content else None


@pytest.fixture
def api(sim):
    return Api(sim.conn)
