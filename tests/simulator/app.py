"""The request pipeline, independent of HTTP transport.

For each /api/2 request: count it, apply injected faults, route, parse the body, authenticate,
validate against the OpenAPI document, run the handler under the state lock, maybe drop the
response after the commit. /_sim/* admin requests go to `admin` and are neither counted nor
faulted.
"""

import json
import os
import sys
import threading
import time
import traceback
from urllib.parse import parse_qsl

from . import admin, param_rules
from . import seed as seeding
from .context import Ctx
from .errors import ApiError, OAuthError
from .faults import Faults
from .handlers_auth import authenticate, authenticate_client
from .request_log import RequestLog
from .routes import Router
from .store import Store

TOKEN_TEMPLATE = "/api/2/idp/token"


class Response:
    __slots__ = ("status", "headers", "body", "drop")

    def __init__(self, status, payload=None, headers=None, drop=False):
        self.status = status
        self.headers = headers or {}
        if hasattr(payload, "content_type"):  # a download (handlers_reports.RawBody), not JSON
            self.body = payload.data
            self.headers.setdefault("Content-Type", payload.content_type)
        else:
            self.body = b"" if payload is None else json.dumps(payload,
                                                               separators=(",", ":")).encode()
        self.drop = drop


class Stats:
    COUNTERS = ("total", "writes", "bytes_out", "emails_sent", "passwords_set", "email_confirmations_sent")

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.requests = {}
            self.counters = dict.fromkeys(self.COUNTERS, 0)
            self.faults = {}  # injected faults by kind: "429", "5xx", "drop_before", "drop_after_commit"

    def request(self, key, write):
        with self._lock:
            self.requests[key] = self.requests.get(key, 0) + 1
            self.counters["total"] += 1
            if write:
                self.counters["writes"] += 1

    def add(self, name, amount=1):
        with self._lock:
            self.counters[name] += amount

    def fault(self, kind):
        with self._lock:
            self.faults[kind] = self.faults.get(kind, 0) + 1

    def view(self):
        with self._lock:
            return dict(self.counters, requests=dict(self.requests), faults=dict(self.faults))


class Violations:
    """Responses that did not match the document (the first 100; `dropped` counts the rest)."""

    LIMIT = 100

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        with self._lock:
            self.items, self.dropped = [], 0

    def add(self, entry):
        with self._lock:
            if len(self.items) < self.LIMIT:
                self.items.append(entry)
            else:
                self.dropped += 1

    def view(self):
        with self._lock:
            return {"items": list(self.items), "dropped": self.dropped,
                    "total": len(self.items) + self.dropped}


def default_config(token_lifetime_s=7200, sub_partners=True):
    """Behaviour switches for [INF] choices; GET/PUT /_sim/config reads and changes them."""
    return {"token_lifetime_s": token_lifetime_s, "tenants_default_limit": 5000,
            "users_default_limit": 2000, "children_page_size": 1000,
            "out_of_scope_status": 403, "list_personal_tenants": False,
            "sub_partners": sub_partners, "one_role_per_service": True, "email_change_confirmation": True,
            "report_ready_after_s": 0}


class Simulator:
    def __init__(self, seed="default", validator=None, token_lifetime_s=7200, state_file=None,
                 random_seed=None, validate_responses=False, sub_partners=True):
        self.seed = seed
        self.validator = validator
        # Responses are checked against the document too (needs the validator); what differs is
        # recorded for GET /_sim/violations (the test fixtures fail a test that caused one).
        self.validate_responses = validate_responses and validator is not None
        self.violations = Violations()
        self.state_file = state_file
        self.store = Store()
        self.stats = Stats()
        self.faults = Faults(random_seed)
        self.defaults = default_config(token_lifetime_s, sub_partners)
        self.config = dict(self.defaults)
        self.router = Router()
        self.requests = RequestLog()
        self._saved_generation = -1
        if state_file and os.path.isfile(state_file):
            self.store.load(state_file)
        else:
            seeding.build(self.store, seeding.new_identities(), seed)

    # ------------------------------------------------------------------ admin helpers
    def reset(self):
        """Back to the seed with the same ids and credentials; stats, faults, config cleared.

        Issued tokens stay valid, like the printed credentials.
        """
        with self.store.lock:
            tokens = self.store.tokens
            seeding.build(self.store, self.store.identities, self.seed)
            self.store.tokens = tokens
        self.stats.reset()
        self.requests.clear()
        self.violations.clear()
        self.faults.reset()
        self.config = dict(self.defaults)

    def connection_info(self, url):
        ids = self.store.identities
        return {"datacenter_url": url, "client_id": ids["home_client_id"],
                "client_secret": ids["home_client_secret"], "tenant_id": ids["home_id"]}

    def save_if_changed(self):
        if not self.state_file:
            return
        generation = self.store.generation
        if generation != self._saved_generation:
            self.store.save(self.state_file)
            self._saved_generation = generation

    # ------------------------------------------------------------------ pipeline
    def handle(self, method, target, headers, body):
        path, _sep, query_string = target.partition("?")
        if path.startswith("/_sim/") or path == "/_sim":
            return admin.handle(self, method, path, query_string, body)
        route, params, allowed, template = self.router.match(method, path)
        key = f"{method} {template or path}"
        write = method != "GET" and template != TOKEN_TEMPLATE
        decision = None
        if path.startswith("/api/2/"):
            self.stats.request(key, write)
            decision = self.faults.decide(key, write)
            if decision.fault is not None:
                self.stats.fault(_fault_kind(decision.fault))
            early = _apply_early(decision)
            if early is not None:
                self.stats.add("bytes_out", len(early.body))
                self._log(method, path, template, query_string, early)
                return early
        try:
            response = self._serve(route, allowed, template, params, method, path,
                                   query_string, headers, body)
        except ApiError as exc:
            response = Response(exc.status, exc.body(), exc.headers)
        except OAuthError as exc:
            response = Response(exc.status, exc.body(), {"Cache-Control": "no-store"})
        except Exception:  # a simulator bug: answer like the API would, and say where
            traceback.print_exc(file=sys.stderr)
            response = Response(500, ApiError(500, "Internal simulator error.", code=1000)
                                .body())
        if self.validate_responses and route is not None and (
                decision is None or decision.fault is None):
            self._check_response(method, path, template, response)
        if decision is not None and decision.drop_after and route is not None:
            response.drop = True
            self.stats.fault("drop_after_commit")
        if path.startswith("/api/2/"):
            if not response.drop:
                self.stats.add("bytes_out", len(response.body))
            self._log(method, path, template, query_string, response)
        return response

    def _check_response(self, method, path, template, response):
        problems = self.validator.check_response(method, template, response.status,
                                                 response.body)
        if problems:
            self.violations.add({"method": method, "path": path, "template": template,
                                 "status": response.status, "problems": problems})
            print(f"simulator: response does not match the document: {method} {template} "
                  f"{response.status}: {'; '.join(problems)}", file=sys.stderr, flush=True)

    def _log(self, method, path, template, query_string, response):
        status = response.status or None  # 0: dropped before any handler ran
        self.requests.add(method, path, template, parse_qsl(query_string, keep_blank_values=True),
                          status, dropped=response.drop)

    def _serve(self, route, allowed, template, params, method, path, query_string, headers,
               raw_body):
        if route is None:
            if allowed:
                raise ApiError(405, f"Method {method} is not allowed on {template}; allowed: "
                               f"{', '.join(allowed)}.", headers={"Allow": ", ".join(allowed)})
            raise ApiError(404, f"Unknown endpoint {method} {path} (not served by the "
                           f"simulator).")
        pairs = parse_qsl(query_string, keep_blank_values=True)
        query = {}
        for name, value in pairs:
            query.setdefault(name, value)
        content_type = headers.get("Content-Type") or ""
        body = _parse_body(template, content_type, raw_body)
        client = None
        with self.store.lock:
            if route.auth:
                client = authenticate(self.store, headers.get("Authorization"))
            elif template == TOKEN_TEMPLATE:
                authenticate_client(self.store, headers, body)
        if self.validator is not None:
            error = self.validator.check(method, template, params, pairs, headers, raw_body,
                                         content_type.split(";")[0].strip().lower())
            if error is not None:
                if template == TOKEN_TEMPLATE and error.status == 400:
                    raise OAuthError(400, "invalid_request", error.message)
                raise error
        query = param_rules.apply(f"{method} {template}", query)
        ctx = Ctx(self, method, template, params, query, headers, body, client)
        with self.store.lock:
            status, payload = route.handler(ctx)
        return Response(status, payload, {"Cache-Control": "no-store"}
                        if template == TOKEN_TEMPLATE else None)


def _apply_early(decision):
    """Sleep for injected latency; a Response when the request fails before handling."""
    if decision.delay > 0:
        time.sleep(decision.delay)
    if decision.fault is None:
        return None
    if decision.fault == "drop":
        return Response(0, drop=True)
    retry_after = decision.retry_after
    headers = {} if retry_after is None else {"Retry-After": _seconds(retry_after)}
    message = ("Too many requests: slow down and retry after the Retry-After delay."
               if decision.fault == 429 else "Injected server error (simulator fault).")
    return Response(decision.fault, ApiError(decision.fault, message).body(), headers)


def _fault_kind(fault):
    return "drop_before" if fault == "drop" else "429" if fault == 429 else "5xx"


def _seconds(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def _parse_body(template, content_type, raw):
    mime = content_type.split(";")[0].strip().lower()
    if template == TOKEN_TEMPLATE:
        if raw and mime != "application/x-www-form-urlencoded":
            raise ApiError(415, "The token endpoint takes an "
                           "application/x-www-form-urlencoded body.")
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if not raw:
        return {}
    if mime != "application/json" and not mime.endswith("+json"):
        raise ApiError(415, f"Unsupported Content-Type '{mime or '(none)'}': send "
                       f"application/json.")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}.")
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body
