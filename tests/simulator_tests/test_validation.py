"""Requests that do not match the OpenAPI document get 400 (415 for the media type)."""

import pytest
import requests

from tests.simulator_tests.helpers import BACKUP, error, tenant

pytestmark = pytest.mark.needs_openapi


def test_unknown_body_field_is_named(sim, api):
    body = error(api.post("/tenants", json={"name": "X", "parent_id": sim.conn["tenant_id"],
                                            "kind": "customer", "colour": "blue"}), 400)
    assert "'colour' was unexpected" in body["message"]


def test_missing_required_field_is_named(sim, api):
    body = error(api.post("/tenants", json={"name": "X", "parent_id": sim.conn["tenant_id"]}),
                 400)
    assert "'kind' is a required property" in body["message"]
    body = error(api.put(f"/tenants/{sim.conn['tenant_id']}", json={"name": "Y"}), 400)
    assert "'version'" in body["message"]


def test_enum_and_nested_fields(sim, api):
    body = error(api.post("/tenants", json={"name": "X", "parent_id": sim.conn["tenant_id"],
                                            "kind": "reseller"}), 400)
    assert "field 'kind'" in body["message"] and "'reseller'" in body["message"]
    body = error(api.post("/tenants", json={"name": "X", "parent_id": sim.conn["tenant_id"],
                                            "kind": "customer",
                                            "contact": {"first_name": "Ada"}}), 400)
    assert "field 'contact'" in body["message"] and "first_name" in body["message"]


def test_quota_needs_all_three_keys(sim, api):
    customer = tenant(api, "C", sim.conn["tenant_id"])
    body = error(api.put(f"/tenants/{customer['id']}/offering_items", json={"offering_items": [
        {"application_id": BACKUP, "name": "servers", "status": 1,
         "quota": {"value": 5}}]}), 400)
    assert "'overage' is a required property" in body["message"]


def test_items_copied_from_a_get_are_tolerated(sim, api):
    customer = tenant(api, "C", sim.conn["tenant_id"])
    listed = api.ok("GET", f"/tenants/{customer['id']}/offering_items",
                    params={"usage_names": "servers"})["items"]
    copied = [dict(i, status=1) for i in listed]
    assert api.put(f"/tenants/{customer['id']}/offering_items",
                   json={"offering_items": copied}).status_code == 200


def test_path_and_query_parameters(sim, api):
    body = error(api.get("/tenants/not-a-uuid"), 400)
    assert "'tenant_id'" in body["message"]
    body = error(api.get("/tenants", params={"parent_id": sim.conn["tenant_id"],
                                             "limit": "many"}), 400)
    assert "'limit'" in body["message"]
    body = error(api.get("/search", params={"tenant": sim.conn["tenant_id"]}), 400)
    assert "Missing required query parameter 'text'" in body["message"]
    body = error(api.get(f"/tenants/{sim.conn['tenant_id']}/offering_items",
                         params={"type": "gadget"}), 400)
    assert "'type'" in body["message"]


def test_wrong_media_type_is_415(sim, api):
    error(api.post("/tenants", data="name=X", headers={"Content-Type": "text/plain"}), 415)


def test_token_endpoint_validation_answers_in_oauth_format(sim):
    response = requests.post(sim.url + "/api/2/idp/token",
                             auth=(sim.conn["client_id"], sim.conn["client_secret"]),
                             data={"grant_type": "bogus"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "grant_type" in response.json()["error_description"]


def test_every_route_is_an_operation_of_the_document():
    import json

    from tests.simulator.routes import ROUTES
    from tests.simulator.validation import find_spec

    paths = json.loads(find_spec().read_text())["paths"]
    for method, template, _handler, _auth in ROUTES:
        assert method.lower() in paths[template[len("/api/2"):]], (method, template)


def test_sub_resources_are_validated_as_themselves(sim, api):
    # /tenants/{id}/applications must not be checked as /applications (no tenant_id there).
    body = error(api.get(f"/tenants/{sim.conn['tenant_id']}/applications",
                         params={"for_ui": "maybe"}), 400)
    assert "'for_ui'" in body["message"]
