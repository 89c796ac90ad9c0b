"""Query parameters of the served operations whose OpenAPI description states a rule.

    .venv/bin/python -m tests.tools.param_rule_candidates [--missing]

Scans the description of every query parameter of every operation the simulator serves
(tests/simulator/routes.py) for phrases that state a rule: "mutually exclusive", "requires",
"required when", "not used", "ignored", "maximum", "at most", "limit", ... and prints one line
per hit with the description. Each hit needs an entry in tests/simulator/param_rules.py, written
by hand after reading the description (an entry with no rules for a phrase that states none).
`--missing` prints only the hits without an entry and exits 1 when there are any.
"""

import argparse
import json
import re
import sys

RULE_PHRASES = re.compile(
    r"mutually exclusive|\brequire[sd]?\b|required (?:when|with|if)|not used|\bignored\b|"
    r"\bmaximum\b|\bmax\b|\bat most\b|\bup to\b|\blimit\b|only (?:if|when|with)|"
    r"cannot be (?:used|combined)|together with|in conjunction with|must (?:be|not)|"
    r"\bdeprecated\b|\bunless\b", re.IGNORECASE)


def load_spec(path=None):
    from tests.simulator.validation import find_spec

    path = path or find_spec()
    if path is None:
        raise SystemExit("the OpenAPI document was not found (see tests/simulator/README.md)")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def served_operations():
    """("METHOD /api/2/template", method, template without /api/2) for every served route."""
    from tests.simulator.routes import ROUTES
    from tests.simulator.validation import API_PREFIX

    return [(f"{method} {template}", method, template[len(API_PREFIX):])
            for method, template, _handler, _auth in ROUTES]


def query_parameters(spec, method, template):
    """The (name, description) of each declared query parameter of one operation."""
    path = spec["paths"].get(template, {})
    declared = list(path.get(method.lower(), {}).get("parameters", [])) + list(
        path.get("parameters", []))
    found = []
    for param in declared:
        if "$ref" in param:
            param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        if param.get("in") == "query":
            description = param.get("description") or param.get("schema", {}).get(
                "description") or ""
            found.append((param["name"], description))
    return found


def candidates(spec):
    """[(operation key, parameter, description, phrases found)] for every hit."""
    hits = []
    for key, method, template in served_operations():
        for name, description in query_parameters(spec, method, template):
            phrases = sorted({m.group(0).lower() for m in RULE_PHRASES.finditer(description)})
            if phrases:
                hits.append((key, name, description, phrases))
    return hits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--missing", action="store_true",
                        help="only hits without an entry in tests/simulator/param_rules.py")
    parser.add_argument("--spec", help="path of the OpenAPI document (default: found)")
    args = parser.parse_args(argv)
    from tests.simulator.param_rules import PARAMETERS

    missing = 0
    for key, name, description, phrases in candidates(load_spec(args.spec)):
        known = (key, name) in PARAMETERS
        missing += not known
        if args.missing and known:
            continue
        mark = "ok " if known else "NEW"
        print(f"{mark} {key} ?{name} [{', '.join(phrases)}]: {' '.join(description.split())}")
    return 1 if args.missing and missing else 0


if __name__ == "__main__":
    sys.exit(main())
