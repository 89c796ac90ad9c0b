"""Request (and, when asked, response) validation against the published OpenAPI document.

The document is never copied into the repository: it is found through ACRONIS_OPENAPI_SPEC or by
walking up from the repository's parent folder to `shared/acronis/` (for a clone of a local
checkout, also from that checkout's parent). It is loaded once, with the
leniencies that Acronis' docs and examples show patched in (see `_lenient`), and every /api/2 request is checked
for path, query, header and body before a handler sees it. With `--validate-responses` every
answer of a served operation is checked too (`check_response`), see app.Simulator.
"""

import copy
import json
import os
import subprocess
import warnings
from pathlib import Path

from .errors import ApiError
from .handlers_reports import lenient_reports

SPEC_ENV = "ACRONIS_OPENAPI_SPEC"
SPEC_RELATIVE = Path("shared", "acronis", "account-management-v2.openapi.json")
REPO_ROOT = Path(__file__).resolve().parents[2]
API_PREFIX = "/api/2"

# openapi-core cannot check oauth2 and warns about it; the simulator authenticates by itself.
warnings.filterwarnings("ignore", message="Unsupported scheme type")


def find_spec(repo=REPO_ROOT):
    """Path of the OpenAPI document, or None when it cannot be found.

    Looked for in `shared/acronis/` above the repository's parent folder, then above the parent of
    the local checkout it was cloned from: a fresh `git clone /work/main /tmp/x` has no shared/
    above it.
    """
    env = os.environ.get(SPEC_ENV)
    if env:
        return Path(env) if Path(env).is_file() else None
    found = _spec_above(Path(repo).parent)
    if found is None:
        origin = origin_checkout(repo)
        found = _spec_above(origin.parent) if origin else None
    return found


def _spec_above(folder):
    for candidate in [folder, *folder.parents]:
        path = candidate / SPEC_RELATIVE
        if path.is_file():
            return path
    return None


def origin_checkout(repo):
    """The local folder `repo` was cloned from (its git `origin` remote), or None.

    None also when git is missing, `repo` is no checkout or the remote is not a local path.
    """
    try:
        url = subprocess.run(["git", "-C", str(repo), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url[len("file://"):] if url.startswith("file://") else url)
    return path if path.is_absolute() and path.is_dir() else None


def _lenient(spec):
    """The documented leniencies of the real API, patched into the loaded document.

    - Requests are looked up by path template (the router's), so the server entry only needs
      to be relative.
    - POST /tenants: the docs' tutorial sends a top-level `enhanced_security` (docs/api-notes.md, Creating a tenant).
    - PUT /users/{id}/access_policies: the docs' example body has no `timestamp` and no
      created_at/updated_at/deleted_at in its items (docs/api-notes.md, Roles).
    - PUT /tenants/{id}/pricing: Acronis' "switching tenant modes" tutorial sends back the GET's
      body with only `mode` changed, so `production_start_date` comes along, and `currency: null`,
      which the field's description allows ("can have a null value") but openapi-core refuses for a
      nullable allOf wrapper (docs/api-notes.md, Offering items).
    - PUT /tenants/{id}: Acronis' example scripts (lock/unlock, disable before delete) send
      `version` as a string of digits and `enabled`, `update_lock.enabled` as "true"/"false"
      [OBS]; the handler reads them as the integer and booleans they spell.
    - POST /reports: see handlers_reports.lenient_reports.
    """
    spec["servers"] = [{"url": "/api/2"}]
    schemas = spec["components"]["schemas"]
    schemas["tenantPost"]["properties"]["enhanced_security"] = {"type": "boolean"}
    tenant_put = schemas["tenantPut"]["properties"]
    tenant_put["version"] = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]}
    flag = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}]}
    tenant_put["enabled"] = flag
    tenant_put["update_lock"]["properties"]["enabled"] = flag
    pricing = schemas["tenantPricingSettingsPut"]["properties"]
    pricing["production_start_date"] = copy.deepcopy(
        schemas["tenantPricingSettings"]["properties"]["production_start_date"])
    _inline_nullable_refs(pricing, schemas)  # currency, production_start_date
    body = copy.deepcopy(schemas["accessPoliciesList"])
    body["required"] = ["items"]
    item = body["properties"]["items"]["items"]
    item["required"] = [r for r in item["required"]
                        if r not in ("created_at", "updated_at", "deleted_at")]
    op = spec["paths"]["/users/{user_id}/access_policies"]["put"]
    op["requestBody"]["content"]["application/json"]["schema"] = body
    lenient_reports(spec)
    return spec


# Where the simulator's responses knowingly differ from the document's response schemas, and why
# (tests/simulator/README.md, "Responses", lists the same): (schema, property, value allowed
# besides the schema's, reason); a path names nested properties (see _property_slot). A value of None makes the property nullable; a string is added
# to the property's enum.
RESPONSE_DEVIATIONS = [
    ("user", "origin_id", None,
     "null when unset: the same document's user listing schemas (userBatch, all lods) declare "
     "it required and nullable"),
    ("user", "origin_external_id", None, "as origin_id"),
    ("user", "disable_after", None, "as origin_id"),
    ("report", "parameters.formats.*", "json_v2_0",
     "the document's reportPost accepts the format `json_v2_0` (the one Acronis' usage-report guide "
     "reads), but report and storedReportParams leave it out of their enums"),
    ("storedReportParams", "items.*.report_format", "json_v2_0", "as for report"),
    ("tokenError", "error", "invalid_client",
     "wrong client credentials: 401 `invalid_client` as OAuth 2.0 (RFC 6749 section 5.2) says; "
     "the document's enum lists only the multi-factor and `invalid_request` cases"),
]


def _inline_nullable_refs(node, schemas):
    """`{"nullable": true, "allOf": [{"$ref": X}]}` -> X's schema, nullable. The document writes
    nullable references so (OpenAPI 3.0 allows no siblings to a $ref); openapi-schema-validator
    would check null against X alone and refuse it. Also lets null pass `nullable` enums, which
    it refuses unless null is listed."""
    if isinstance(node, dict):
        refs = node.get("allOf")
        if node.get("nullable") and isinstance(refs, list) and len(refs) == 1 and "$ref" in refs[0]:
            target = copy.deepcopy(schemas[refs[0]["$ref"].rsplit("/", 1)[-1]])
            node.pop("allOf")
            node.update({k: v for k, v in target.items() if k not in node})
        if node.get("nullable") and "enum" in node and None not in node["enum"]:
            node["enum"] = list(node["enum"]) + [None]
        for value in node.values():
            _inline_nullable_refs(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _inline_nullable_refs(value, schemas)


def _property_slot(schema, path):
    """(dict, key) holding the schema of `path` in `schema`: names of properties separated by dots,
    `*` for the items of an array (`parameters.formats.*`)."""
    parent, key = {"root": schema}, "root"
    for name in path.split("."):
        node = parent[key]
        parent, key = (node, "items") if name == "*" else (node["properties"], name)
    return parent, key


def _for_responses(spec):
    """A copy of the (lenient) document as response checks read it: RESPONSE_DEVIATIONS patched
    in, nullable references made checkable."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for schema, path, value, _why in RESPONSE_DEVIATIONS:
        parent, key = _property_slot(schemas[schema], path)
        prop = parent[key]
        if value is None:
            parent[key] = ({"nullable": True, "allOf": [prop]} if "$ref" in prop
                           else dict(prop, nullable=True))
        else:
            parent[key] = dict(prop, enum=list(prop["enum"]) + [value])
    _inline_nullable_refs(spec, copy.deepcopy(schemas))
    return spec


def _resolve(node, schemas, seen=()):
    """`node` with every $ref inlined; a reference back into itself is left open (any value)."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return {} if name in seen else _resolve(schemas[name], schemas, seen + (name,))
        return {key: _resolve(value, schemas, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, schemas, seen) for value in node]
    return node


def _short(text, limit=300):
    return text if len(text) <= limit else text[:limit] + "..."


class _Request:
    """The request shape openapi-core reads; path_pattern skips its own route search."""

    def __init__(self, method, template, path_params, query_pairs, headers, body, content_type):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.method = method.lower()
        self.host_url = "http://simulator"
        self.path = template
        self.path_pattern = template
        self.parameters = RequestParameters(query=ImmutableMultiDict(query_pairs),
                                            header=Headers(list(headers.items())),
                                            path=dict(path_params))
        self.body = body or None
        self.content_type = content_type


def _validator_class():
    from openapi_core.templating.datatypes import TemplateResult
    from openapi_core.templating.paths.datatypes import PathOperationServer
    from openapi_core.validation.request.exceptions import (
        MissingRequestBody, MissingRequiredParameter, RequestBodyValidationError)
    from openapi_core.validation.request.validators import V30RequestValidator

    class Validator(V30RequestValidator):
        """Security is the simulator's business; absent optional parameters are skipped.

        openapi-core walks every declared parameter even when it is absent, at ~0.1 ms each
        (GET /tenants declares 13). Here each operation's parameter list is read once, absent
        optional parameters are skipped, and every parameter that IS sent still goes through
        openapi-core's own deserialising and schema check.
        """

        _params = {}
        _paths = {}

        def _find_path(self, request):
            # The router already knows the operation: look it up directly by template. (Given a
            # path_pattern, openapi-core matches with endswith(), so /tenants/{id}/applications
            # would resolve to /applications.)
            key = (request.method, request.path_pattern)
            found = self._paths.get(key)
            if found is None:
                template = request.path_pattern[len(API_PREFIX):]
                path = self.spec / "paths" / template
                found = PathOperationServer(path, path / request.method, None,
                                            TemplateResult(template, {}), None)
                self._paths[key] = found
            return found

        def _declared(self, request, operation, path):
            key = (request.method, request.path_pattern)
            if key not in self._params:
                declared = []
                for param in (list(operation.get("parameters", [])) +
                              list(path.get("parameters", []))):
                    declared.append(((param / "name").read_str(), (param / "in").read_str(),
                                     (param / "required").read_bool(default=False), param))
                self._params[key] = declared
            return self._params[key]

        def _iter_errors(self, request, operation, path):
            for name, where, required, param in self._declared(request, operation, path):
                if name not in request.parameters[where]:
                    if required:
                        yield MissingRequiredParameter(name, where)
                    continue
                try:
                    self._get_parameter(request.parameters, param)
                except Exception as exc:  # openapi-core's per-parameter error types
                    yield exc
            try:
                self._get_body(request.body, request.content_type, operation)
            except MissingRequestBody:
                pass
            except RequestBodyValidationError as exc:
                yield exc

    return Validator


class RequestValidator:
    """Loads the document once and answers `check(...)` with None or a 400 ApiError."""

    def __init__(self, path):
        from openapi_core import OpenAPI

        with open(path, encoding="utf-8") as fh:
            spec = _lenient(json.load(fh))
        self.path = Path(path)
        self._app = OpenAPI.from_dict(spec)
        self._validator = _validator_class()(self._app.spec)
        self._cache = {}
        self._spec = spec
        self._response_spec = None  # made on the first check_response
        self._response_checks = {}

    def check_response(self, method, template, status, data):
        """The ways a response differs from the document (an empty list when it conforms).

        Checked with openapi-schema-validator (what openapi-core uses underneath, read
        direction) against the documented schema with its references inlined, made once per
        operation and status: openapi-core's own response path resolves references lazily on
        every call and costs a hundred times more.
        """
        key = (method, template, status)
        check = self._response_checks.get(key)
        if check is None:
            check = self._response_checks[key] = self._response_check(method, template, status)
        return check(data)

    def _response_check(self, method, template, status):
        from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

        if self._response_spec is None:
            self._response_spec = _for_responses(self._spec)
        spec = self._response_spec
        schemas = spec["components"]["schemas"]
        responses = spec["paths"][template[len(API_PREFIX):]][method.lower()]["responses"]
        documented = (responses.get(str(status)) or responses.get(f"{status // 100}XX")
                      or responses.get("default"))
        if documented is None and status < 400:
            return lambda data: [f"status {status} is not among the documented responses"]
        if documented is None:
            # Errors the operation does not list still take the platform's error shape.
            schema = schemas["tokenError" if template.endswith("/idp/token") else "errorScheme"]
        else:
            content = _resolve(documented, schemas).get("content") or {}
            if not content:
                return lambda data: ([f"status {status} is documented without a body, but one "
                                      f"was sent"] if data else [])
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                return lambda data: []
        validator = OAS30ReadValidator(_resolve(schema, schemas),
                                       format_checker=oas30_format_checker)

        def check(data):
            try:
                value = json.loads(data) if data else None
            except ValueError:
                return ["the body is not JSON"]
            return [_short((f"field '{'.'.join(str(p) for p in err.absolute_path)}': "
                            if err.absolute_path else "") + err.message)
                    for err in validator.iter_errors(value)]
        return check

    def check(self, method, template, path_params, query_pairs, headers, body, content_type):
        # Requests without a body are fully determined by these values: remember the verdict.
        cache_key = None
        if not body:
            cache_key = (method, template, tuple(sorted(path_params.items())),
                         tuple(query_pairs), headers.get("Authorization") if
                         template.endswith("/idp/token") else None)
            cached = self._cache.get(cache_key, self)  # self = "not cached"; None = valid
            if cached is not self:
                return cached
        request = _Request(method, template, path_params, query_pairs, headers,
                           body, content_type)
        error = None
        for exc in self._validator.iter_errors(request):
            error = describe(exc)
            break
        if cache_key is not None:
            if len(self._cache) > 20000:
                self._cache.clear()
            self._cache[cache_key] = error
        return error


def _schema_problems(exc):
    cause = exc.__cause__
    problems = []
    for err in getattr(cause, "schema_errors", ()) or ():
        where = ".".join(str(p) for p in err.absolute_path)
        problems.append(f"field '{where}': {err.message}" if where else err.message)
    return problems


def describe(exc):
    """A 400 ApiError naming what does not match, from an openapi-core exception."""
    from openapi_core.validation.request.exceptions import (
        MissingParameter, MissingRequiredParameter, ParameterValidationError,
        RequestBodyValidationError)

    name = type(exc).__name__
    if isinstance(exc, (MissingRequiredParameter, MissingParameter)):
        message = f"Missing required {exc.location} parameter '{exc.name}'."
        return ApiError(400, message, context={"parameter": exc.name})
    if isinstance(exc, ParameterValidationError):
        problems = _schema_problems(exc) or [str(exc.__cause__ or exc)]
        message = (f"Invalid {exc.location} parameter '{exc.name}': {'; '.join(problems)}.")
        return ApiError(400, message, context={"parameter": exc.name})
    if isinstance(exc, RequestBodyValidationError):
        cause = exc.__cause__
        if type(cause).__name__ == "MediaTypeNotFound":
            return ApiError(415, f"Unsupported Content-Type: {cause}")
        problems = _schema_problems(exc) or [str(cause or exc)]
        return ApiError(400, "Request body does not match the API schema: "
                        + "; ".join(problems), schema_errors=problems)
    return ApiError(400, f"Request does not match the API: {name}: {exc}")
