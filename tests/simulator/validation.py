"""Request validation against the published OpenAPI document, with openapi-core.

The document is never copied into the repository: it is found through ACRONIS_OPENAPI_SPEC or by
walking up from the repository's parent folder to `shared/acronis/` (for a clone of a local
checkout, also from that checkout's parent). It is loaded once, with the
leniencies CONTRACT.md documents patched in (see `_lenient`), and every /api/2 request is checked
for path, query, header and body before a handler sees it.
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
    - POST /tenants: the docs' tutorial sends a top-level `enhanced_security` (CONTRACT 2.2).
    - PUT /users/{id}/access_policies: the docs' example body has no `timestamp` and no
      created_at/updated_at/deleted_at in its items (CONTRACT 3.5).
    - POST /reports: see handlers_reports.lenient_reports.
    """
    spec["servers"] = [{"url": "/api/2"}]
    schemas = spec["components"]["schemas"]
    schemas["tenantPost"]["properties"]["enhanced_security"] = {"type": "boolean"}
    body = copy.deepcopy(schemas["accessPoliciesList"])
    body["required"] = ["items"]
    item = body["properties"]["items"]["items"]
    item["required"] = [r for r in item["required"]
                        if r not in ("created_at", "updated_at", "deleted_at")]
    op = spec["paths"]["/users/{user_id}/access_policies"]["put"]
    op["requestBody"]["content"]["application/json"]["schema"] = body
    lenient_reports(spec)
    return spec


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
