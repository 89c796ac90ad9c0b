"""Token endpoint, bearer tokens and their expiry, per-client subtree scope, search."""

import base64

import pytest
import requests

from tests.conftest import Api
from tests.simulator_tests.helpers import error, tenant, user


def _token(sim, **kwargs):
    return requests.post(sim.url + "/api/2/idp/token", **kwargs)


def test_basic_auth_and_post_form_credentials(sim):
    cid, secret = sim.conn["client_id"], sim.conn["client_secret"]
    assert _token(sim, auth=(cid, secret),
                  data={"grant_type": "client_credentials"}).status_code == 200
    form = _token(sim, data={"grant_type": "client_credentials", "client_id": cid,
                             "client_secret": secret})
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    # The spec's Basic pattern needs exactly one '=' of padding: secrets are made to give it.
    basic = base64.b64encode(f"{cid}:{secret}".encode()).decode()
    assert basic.endswith("=") and not basic.endswith("==")


def test_bad_credentials_are_oauth_errors(sim):
    wrong = _token(sim, auth=(sim.conn["client_id"], "x" * 40 + "y"),
                   data={"grant_type": "client_credentials"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client" and wrong.json()["error_description"]
    missing = _token(sim, data={"grant_type": "client_credentials"})
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_client"
    grant = _token(sim, data={"grant_type": "password", "client_id": sim.conn["client_id"],
                              "client_secret": sim.conn["client_secret"]})
    assert grant.status_code == 400 and grant.json()["error"] == "invalid_request"


def test_missing_unknown_and_expired_tokens_get_401(sim, api):
    error(requests.get(sim.url + "/api/2/applications"), 401)
    error(requests.get(sim.url + "/api/2/applications",
                       headers={"Authorization": "Bearer nope"}), 401)
    assert api.get("/applications").status_code == 200
    sim.admin.expire_tokens()
    body = error(api.get("/applications"), 401)
    assert "expired" in body["message"]
    api.fetch_token()
    assert api.get("/applications").status_code == 200


def test_get_client(sim, api):
    me = api.ok("GET", f"/clients/{sim.conn['client_id']}")
    assert (me["client_id"], me["tenant_id"], me["type"]) == (
        sim.conn["client_id"], sim.conn["tenant_id"], "api_client")
    error(api.get("/clients/00000000-0000-4000-8000-000000000000"), 404)


@pytest.fixture
def outside(sim):
    """Ids of the seeded sibling partner and its user, outside the client's scope."""
    state = sim.admin.state()
    other = [t for t in state["tenants"] if t["name"] == "Other Distributor"][0]
    person = [u for u in state["users"] if u["login"] == "outside.user"][0]
    return other, person


def test_everything_outside_the_subtree_is_403(sim, api, outside):
    other, person = outside
    body = error(api.get(f"/tenants/{other['id']}"), 403)
    assert "outside the scope" in body["message"]
    error(api.get(f"/tenants/{other['parent_id']}"), 403)  # the root, above the client
    error(api.post("/tenants", json={"name": "X", "parent_id": other["id"],
                                     "kind": "customer"}), 403)
    error(api.put(f"/tenants/{other['id']}", json={"version": 1, "name": "Mine"}), 403)
    error(api.get(f"/tenants/{other['id']}/offering_items"), 403)
    error(api.get(f"/users/{person['id']}"), 403)
    error(api.post("/users", json={"tenant_id": other["id"], "login": "sneaky",
                                   "contact": {"email": "s@example.com"}}), 403)
    error(api.get("/tenants", params={"uuids": other["id"]}), 403)
    error(api.get("/search", params={"tenant": other["id"], "text": "outside"}), 403)
    error(api.get("/tenants/00000000-0000-4000-8000-000000000000"), 404)


def test_out_of_scope_status_is_configurable(sim, api, outside):
    sim.admin.config(out_of_scope_status=404)
    error(api.get(f"/tenants/{outside[0]['id']}"), 404)


def test_a_client_scoped_to_a_customer_sees_only_that_subtree(sim, api):
    customer = tenant(api, "Scoped", sim.conn["tenant_id"])
    sibling = tenant(api, "Sibling", sim.conn["tenant_id"])
    creds = sim.admin.new_client(customer["id"])
    assert creds["tenant_id"] == customer["id"]
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode())
    assert basic.decode().endswith("=")
    scoped = Api(sim.conn, creds["client_id"], creds["client_secret"])
    assert scoped.ok("GET", f"/tenants/{customer['id']}")["name"] == "Scoped"
    error(scoped.get(f"/tenants/{sibling['id']}"), 403)
    error(scoped.get(f"/tenants/{sim.conn['tenant_id']}"), 403)


def test_search_is_case_insensitive_scoped_and_ordered(sim, api):
    home = sim.conn["tenant_id"]
    reseller = tenant(api, "Acme Reseller", home, "partner")
    exact = tenant(api, "ACME", reseller["id"])
    tenant(api, "Other", home, contact={"email": "boss@acme.example"})
    person = user(api, exact["id"], "acme", email="x@example.com")
    user(api, exact["id"], "jo.acme")
    hits = api.ok("GET", "/search", params={"tenant": home, "text": "acme"})["items"]
    kinds = [(h["obj_type"], h.get("name") or h.get("login")) for h in hits]
    assert kinds[:2] == [("tenant", "ACME"), ("user", "acme")]  # exact matches first
    assert kinds[2:] == [("tenant", "Acme Reseller"), ("tenant", "Other"), ("user", "jo.acme")]
    by_id = {h["id"]: h for h in hits}
    assert by_id[exact["id"]]["path"] == ["Ansible Distributor", "Acme Reseller"]
    assert by_id[person["id"]]["path"] == ["Ansible Distributor", "Acme Reseller", "ACME"]
    assert by_id[person["id"]]["parent_id"] == exact["id"]
    assert len(api.ok("GET", "/search", params={"tenant": home, "text": "acme",
                                                "limit": 2})["items"]) == 2
    none = api.ok("GET", "/search", params={"tenant": home, "text": "outside"})["items"]
    assert none == []  # outside.user exists, but not in this subtree
