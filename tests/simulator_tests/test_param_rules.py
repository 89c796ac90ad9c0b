"""Rules stated in the OpenAPI document's parameter descriptions (tests/simulator/param_rules.py)."""

from pathlib import Path

import pytest

from tests.simulator import param_rules
from tests.simulator.errors import ApiError
from tests.simulator.routes import ROUTES
from tests.simulator_tests.helpers import error, tenant, user
from tests.tools import param_rule_candidates as scan

OTHER = "00000000-0000-4000-8000-000000000000"


@pytest.mark.needs_openapi
def test_every_rule_phrase_of_a_served_operation_has_an_entry():
    spec = scan.load_spec()
    hits = {(key, name) for key, name, _text, _phrases in scan.candidates(spec)}
    missing = sorted(hits - set(param_rules.PARAMETERS))
    assert missing == [], ("described parameters with a rule phrase and no entry in "
                           f"tests/simulator/param_rules.py: {missing}")
    # No stale entries: each names a served operation and one of its query parameters.
    served = {f"{method} {template}": template for method, template, _h, _a in ROUTES}
    for key, name in param_rules.PARAMETERS:
        method = key.split()[0]
        declared = [n for n, _d in scan.query_parameters(spec, method, served[key][len("/api/2"):])]
        assert name in declared, (key, name)


def test_every_entry_quotes_words_and_uses_known_rules():
    known = {"exclusive", "max_items", "requires", "ignored_unless"}
    for key, entry in param_rules.PARAMETERS.items():
        assert entry["says"], key
        assert {rule[0] for rule in entry["rules"]} <= known, key
        assert entry["rules"] or entry.get("notes", "").startswith("no rule"), key
        assert param_rules.describe(entry), key


def test_the_scan_finds_a_phrase_in_a_new_description():
    spec = {"paths": {"/tenants": {"get": {"parameters": [
        {"name": "foo", "in": "query", "description": "Not used unless `bar` is given."},
        {"name": "bar", "in": "query", "description": "A filter."}]}}}}
    assert [(k, n) for k, n, _d, _p in scan.candidates(spec)] == [("GET /api/2/tenants", "foo")]


def test_apply_drops_an_ignored_parameter_and_lists_every_broken_rule():
    table = {("GET /x", "a"): {"says": "", "rules": [("ignored_unless", "b")]},
             ("GET /x", "b"): {"says": "", "rules": [("max_items", 2), ("exclusive", "c")]},
             ("GET /x", "c"): {"says": "", "rules": [("exclusive", "b")]},
             ("GET /x", "d"): {"says": "", "flag": True, "rules": [("requires", "c")]}}
    assert param_rules.apply("GET /x", {"a": "1", "z": "2"}, table) == {"z": "2"}
    assert param_rules.apply("GET /x", {"a": "1", "b": "1"}, table) == {"a": "1", "b": "1"}
    assert param_rules.apply("GET /x", {"d": "false"}, table) == {"d": "false"}  # not true
    with pytest.raises(ApiError) as raised:
        param_rules.apply("GET /x", {"b": "1,2,3", "c": "x", "d": "true"}, table)
    assert raised.value.status == 400
    assert raised.value.message == (
        "Invalid query parameters for GET /x: 'b' takes at most 2 values, got 3; 'b' and 'c' "
        "are mutually exclusive.")  # d requires c, which is given
    assert raised.value.context == {"parameters": ["b", "c"]}


def _ids(count):
    return ",".join(f"00000000-0000-4000-8000-{index:012d}" for index in range(count))


def test_the_simulator_refuses_what_the_descriptions_rule_out(sim, api):
    home = sim.conn["tenant_id"]
    customer = tenant(api, "Rules", home)
    person = user(api, customer["id"], "rules.user")
    refused = {
        "/tenants": [{"uuids": home, "parent_id": home}, {"parent_id": home, "subtree_root_id": home},
                     {"subtree_root_id": home, "include_relative_path": "true"},
                     {"uuids": _ids(101)}],
        "/users": [{"uuids": person["id"], "tenant_id": customer["id"]},
                   {"uuids": person["id"], "external_ids": "x"},
                   {"subtree_root_tenant_id": home, "tenant_id": customer["id"]},
                   {"external_ids": "x"}, {"uuids": _ids(101)},
                   {"subtree_root_tenant_id": home, "access_policies": "company_admin"},
                   {"uuids": person["id"], "inside_organization": "true"}],
    }
    for path, queries in refused.items():
        for query in queries:
            body = error(api.get(path, params=query), 400)
            assert "Invalid query parameters" in body["message"], (path, query)
            assert set(body["context"]["parameters"]) & set(query), (path, query)
    # Allowed: a false flag is no conflict; uuids at the maximum; the documented pairs.
    assert api.get("/tenants", params={"parent_id": home, "include_relative_path": "false"}
                   ).status_code == 200
    assert api.get("/tenants", params={"uuids": _ids(99) + "," + home}).status_code == 200
    listed = api.ok("GET", "/users", params={"subtree_root_tenant_id": home, "inside_organization": "true",
                                             "tenant_kinds": "customer"})
    assert person["id"] in [u["id"] for u in listed["items"]]
    assert api.get("/users", params={"external_ids": OTHER, "tenant_id": customer["id"]}
                   ).status_code == 200


def test_the_readme_shows_the_table_as_it_is():
    readme = (Path(__file__).resolve().parents[1] / "simulator" / "README.md").read_text()
    assert param_rules.markdown_table() in readme, (
        "tests/simulator/README.md: paste the output of python -m tests.simulator.param_rules")
