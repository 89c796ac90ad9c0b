"""Responses checked against the document (--validate-responses): violations recorded, deviations listed."""

import json
from pathlib import Path

import pytest

from tests.simulator.app import Simulator
from tests.simulator.routes import Router
from tests.simulator.validation import RESPONSE_DEVIATIONS, RequestValidator, find_spec
from tests.simulator_tests.helpers import tenant

pytestmark = pytest.mark.needs_openapi

TENANT = "/api/2/tenants/{tenant_id}"


@pytest.fixture(scope="module")
def checker():
    return RequestValidator(find_spec())


def test_the_suite_runs_with_response_validation_on(sim, api):
    tenant(api, "Checked", sim.conn["tenant_id"])
    found = sim.admin.violations()
    assert found["enabled"] is True and found["total"] == 0, found


def test_a_response_the_schema_refuses_is_described(checker):
    good = {"items": ["00000000-0000-4000-8000-000000000001"]}
    assert checker.check_response("GET", TENANT + "/children", 200, json.dumps(good).encode()) == []
    problems = checker.check_response("GET", TENANT + "/children", 200, b'{"items": [1]}')
    assert problems and "items.0" in problems[0]
    # A status the operation does not list: a 2xx is a violation, an error needs the error shape.
    assert checker.check_response("GET", TENANT + "/children", 201, b"{}") == [
        "status 201 is not among the documented responses"]
    error = {"error": {"code": 409, "message": "m", "details": {"info": "m"}, "domain": "d",
                       "context": {}}}
    assert checker.check_response("POST", "/api/2/tenants", 409, json.dumps(error).encode()) == []
    assert checker.check_response("POST", "/api/2/tenants", 409, b'{"message": "m"}')
    # Documented without a body: a body is a violation.
    assert checker.check_response("POST", "/api/2/users/{user_id}/password", 204, b"") == []
    assert checker.check_response("POST", "/api/2/users/{user_id}/password", 204, b"{}")


def test_nullable_references_take_null_and_deviations_only_what_they_list(checker):
    stamps = {"id": "00000000-0000-4000-8000-000000000001", "version": 1,
              "tenant_id": "00000000-0000-4000-8000-000000000002",
              "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
              "deleted_at": None, "access_policies": [], "origin_id": None,
              "origin_external_id": None, "disable_after": None}
    listing = {"timestamp": "2026-01-01T00:00:00Z", "items": [stamps]}
    assert checker.check_response("GET", "/api/2/users", 200, json.dumps(listing).encode()) == []
    del stamps["access_policies"]  # required at every lod
    assert checker.check_response("GET", "/api/2/users", 200, json.dumps(listing).encode())
    token = {"error": "invalid_client", "error_description": "wrong secret"}
    assert checker.check_response("POST", "/api/2/idp/token", 401, json.dumps(token).encode()) == []
    token["error"] = "made_up"
    assert checker.check_response("POST", "/api/2/idp/token", 401, json.dumps(token).encode())
    assert all(len(entry) == 4 and entry[3] for entry in RESPONSE_DEVIATIONS)


def test_a_non_conforming_answer_is_recorded_and_reported(checker):
    # In process, with a handler that answers what GET /tenants/{id}/children never may.
    sim = Simulator(validator=checker, validate_responses=True)
    sim.router = Router([("GET", TENANT + "/children", lambda ctx: (200, {"items": [7]}), False)])
    response = sim.handle("GET", "/api/2/tenants/00000000-0000-4000-8000-000000000001/children",
                          {}, b"")
    assert response.status == 200  # the client still gets the answer
    found = sim.violations.view()
    assert found["total"] == 1
    assert found["items"][0]["template"] == TENANT + "/children"
    assert "items.0" in found["items"][0]["problems"][0]
    sim.reset()
    assert sim.violations.view()["total"] == 0


def test_the_admin_endpoints_show_and_clear_the_record(sim):
    assert sim.admin.clear_violations() == {"enabled": True, "items": [], "dropped": 0, "total": 0}


def test_the_readme_lists_every_kept_deviation():
    readme = (Path(__file__).resolve().parents[1] / "simulator" / "README.md").read_text()
    for schema, prop, _value, _why in RESPONSE_DEVIATIONS:
        assert f"| `{schema}` | `{prop}` |" in readme, (schema, prop)
