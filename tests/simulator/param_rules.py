"""Rules the OpenAPI document states in words, in query parameter descriptions, as data.

A schema says a parameter is a string; its description may add "Maximum of 100 UUIDs", "Is
mutually exclusive with `parent_id`", "Not used otherwise" or "It requires X to be set". Those
sentences bind the real API as much as the schema does, and openapi-core cannot read them. This
table holds one entry per (served operation, query parameter) whose description states such a
rule, and `apply` enforces it for every request before the handler runs, so no handler can
forget one:

- ("exclusive", other, ...): the parameter with any of the others -> 400 naming both.
- ("max_items", n): more than n comma-separated values -> 400.
- ("requires", other): the parameter without `other` -> 400 ([INF]: the document states the
  rule, not the answer; the error body is the platform's, code 400).
- ("ignored_unless", other): without `other` the parameter is dropped before the handler sees
  it, so no handler can filter by it ("Not used otherwise").

`flag: True` marks a boolean parameter: it counts as given only when true ("If true, ...").
`says` quotes the rule-bearing words of the description; `notes` says what the simulator does
beyond the rule (e.g. a filter it does not model). An entry with no rules is a phrase the
candidate scan (tests/tools/param_rule_candidates.py) finds that states no rule, reviewed by hand.
The simulator's README shows the table (`python -m tests.simulator.param_rules` prints it);
tests/simulator_tests/test_param_rules.py fails when a served operation has a rule phrase with
no entry here, or when the README's copy is stale.
"""

from .errors import ApiError

TENANTS = "GET /api/2/tenants"
USERS = "GET /api/2/users"

PARAMETERS = {
    (TENANTS, "uuids"): {
        "says": "Maximum of 100 UUIDs. Is mutually exclusive with `subtree_root_id` and "
                "`parent_id`.",
        "rules": [("max_items", 100), ("exclusive", "subtree_root_id", "parent_id")]},
    (TENANTS, "parent_id"): {
        "says": "Is mutually exclusive with `subtree_root_id` and `uuids`.",
        "rules": [("exclusive", "subtree_root_id", "uuids")]},
    (TENANTS, "subtree_root_id"): {
        "says": "Is mutually exclusive with `uuids` and `parent_id`.",
        "rules": [("exclusive", "uuids", "parent_id")]},
    (TENANTS, "include_relative_path"): {
        "says": "If true, fetches the hierarchy ... up to the tenants with the specified UUIDs. "
                "Is mutually exclusive with `subtree_root_id` and `parent_id`.",
        "flag": True,
        "rules": [("exclusive", "subtree_root_id", "parent_id")],
        "notes": "with `uuids` accepted, but the path tenants are not added (not modelled)"},
    (USERS, "uuids"): {
        "says": "Maximum of 100 UUIDs. Is mutually exclusive with `subtree_root_tenant_id`, "
                "`external_ids` and `tenant_id`.",
        "rules": [("max_items", 100),
                  ("exclusive", "subtree_root_tenant_id", "external_ids", "tenant_id")]},
    (USERS, "external_ids"): {
        "says": "Maximum of 100 UUIDs. Is mutually exclusive with `subtree_root_tenant_id` and "
                "`uuids`. (`tenant_id`: Required when searching the users by `external_id`.)",
        "rules": [("max_items", 100), ("exclusive", "subtree_root_tenant_id", "uuids"),
                  ("requires", "tenant_id")]},
    (USERS, "tenant_id"): {
        "says": "Required when searching the users by `external_id`. Not used otherwise.",
        "rules": [("ignored_unless", "external_ids")]},
    (USERS, "subtree_root_tenant_id"): {
        "says": "Is mutually exclusive with `uuids` and `tenant_id`.",
        "rules": [("exclusive", "uuids", "tenant_id")]},
    (USERS, "inside_organization"): {
        "says": "If true, only users that belong to the same organization will be returned. "
                "It requires 'subtree_root_tenant_id' to be specified.",
        "flag": True,
        "rules": [("requires", "subtree_root_tenant_id")],
        "notes": "the organization filter itself is not modelled"},
    (USERS, "access_policies"): {
        "says": "It requires 'inside_organization' to be set.",
        "rules": [("requires", "inside_organization")],
        "notes": "the filter itself is not modelled"},
    (USERS, "tenant_kinds"): {
        "says": "It requires 'inside_organization' to be set.",
        "rules": [("requires", "inside_organization")],
        "notes": "the filter itself is not modelled"},
    (USERS, "target_tenant_id"): {
        "says": "It requires 'inside_organization' to be set.",
        "rules": [("requires", "inside_organization")],
        "notes": "the filter itself is not modelled"},
    ("GET /api/2/tenants/{tenant_id}/users", "order"): {
        "says": "For storage-dependent usages, the storage UUID is not required.",
        "rules": [],
        "notes": "no rule: about the sort key's form (found by the word 'required'); "
                 "the simulator sorts by login whatever key is asked (`-` reverses)"},
    ("GET /api/2/search", "limit"): {
        "says": "Limit the number of found objects.",
        "rules": [],
        "notes": "no rule: names what the parameter does (found by the word 'limit')"},
}


def _by_operation(table):
    grouped = {}
    for (operation, name), entry in table.items():
        grouped.setdefault(operation, {})[name] = entry
    return grouped


_BY_OPERATION = _by_operation(PARAMETERS)
_TRUE = {"true", "1", "yes"}


def apply(operation, query, table=None):
    """Enforce the described rules on one request's query (name -> first value).

    Returns the query the handler sees (ignored parameters dropped; the same dict when nothing
    is dropped) or raises a 400 ApiError listing every broken rule. `table` is for tests.
    """
    entries = (_BY_OPERATION if table is None else _by_operation(table)).get(operation)
    if not entries or not query:
        return query

    def given(name):
        if name not in query:
            return False
        entry = entries.get(name)
        return not (entry and entry.get("flag")) or query[name].lower() in _TRUE

    problems, dropped, pairs_seen = [], [], set()
    for name, entry in entries.items():
        if not given(name):
            continue
        for kind, *args in entry["rules"]:
            if kind == "exclusive":
                for other in args:
                    pair = frozenset((name, other))
                    if given(other) and pair not in pairs_seen:
                        pairs_seen.add(pair)
                        problems.append(((name, other),
                                         f"'{name}' and '{other}' are mutually exclusive"))
            elif kind == "max_items":
                count = len([v for v in query[name].split(",") if v])
                if count > args[0]:
                    problems.append(((name,),
                                     f"'{name}' takes at most {args[0]} values, got {count}"))
            elif kind == "requires":
                if not given(args[0]):
                    problems.append(((name, args[0]),
                                     f"'{name}' requires '{args[0]}' to be set"))
            elif kind == "ignored_unless":
                if not given(args[0]):
                    dropped.append(name)
            else:
                raise ValueError(f"unknown parameter rule {kind!r} for {operation} {name}")
    if problems:
        raise ApiError(400, f"Invalid query parameters for {operation}: "
                       + "; ".join(text for _names, text in problems) + ".",
                       context={"parameters": sorted({n for names, _text in problems
                                                      for n in names})})
    if not dropped:
        return query
    return {name: value for name, value in query.items() if name not in dropped}


def describe(entry):
    """What the simulator does with an entry, in words (for the README table)."""
    actions = []
    for kind, *args in entry["rules"]:
        if kind == "exclusive":
            actions.append("with " + " or ".join(f"`{a}`" for a in args) + ": 400")
        elif kind == "max_items":
            actions.append(f"more than {args[0]} values: 400")
        elif kind == "requires":
            actions.append(f"without `{args[0]}`: 400 [INF]")
        elif kind == "ignored_unless":
            actions.append(f"without `{args[0]}`: ignored, not passed to the handler")
    if entry.get("notes"):
        actions.append(entry["notes"])
    return "; ".join(actions)


def markdown_table():
    """The table as Markdown, as tests/simulator/README.md shows it (a test keeps them equal)."""
    rows = ["| operation | parameter | the description says | the simulator |",
            "|---|---|---|---|"]
    rows += [f"| `{operation}` | `{name}` | {entry['says']} | {describe(entry)} |"
             for (operation, name), entry in PARAMETERS.items()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
