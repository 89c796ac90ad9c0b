"""Admin endpoints under /_sim (no authentication; loopback only; never counted or faulted).

GET  /_sim/stats          request counts by "METHOD /api/2/template", totals
POST /_sim/stats/reset    zero the counters
POST /_sim/reset          back to the seed (same printed credentials), stats/faults/config cleared
GET  /_sim/state          every tenant, user, access policy, offering item (deleted ones too), token
POST /_sim/clients        {"tenant_id"} -> new API client credentials scoped to that tenant
POST /_sim/tokens/expire  every issued token expires now
GET|PUT /_sim/faults      injected faults (PUT replaces the whole configuration)
GET|PUT /_sim/config      switches for [INF] behaviours (PUT merges)
GET  /_sim/requests       the last /api/2 requests received: ?since=SEQ, ?limit=N
POST /_sim/requests/clear forget them (numbering goes on)
GET  /_sim/violations     responses that did not match the document (--validate-responses)
POST /_sim/violations/clear
GET  /_sim/health         {"ok": true}
GET|PUT /_sim/usages      tenants' own usage per offering item (see handlers_usage)
"""

import json
import time
from urllib.parse import parse_qsl

from . import catalogue
from . import handlers_usage
from .errors import ApiError
from .faults import FaultError
from .seed import new_secret
from .store import new_id, now_iso
from .views import item_view, tenant_view, user_view


def handle(sim, method, path, query_string, raw_body):
    from .app import Response

    route = _ROUTES.get((method, path.rstrip("/")))
    try:
        if route is None:
            raise ApiError(404, f"Unknown admin endpoint {method} {path}.")
        body = json.loads(raw_body) if raw_body else {}
        if method == "GET" and query_string:
            body = dict(parse_qsl(query_string))  # GETs take their arguments in the query
        status, payload = route(sim, body)
    except ApiError as exc:
        return Response(exc.status, exc.body())
    except (ValueError, FaultError) as exc:
        return Response(400, ApiError(400, f"Bad admin request: {exc}").body())
    return Response(status, payload)


def _stats(sim, body):
    return 200, sim.stats.view()


def _stats_reset(sim, body):
    sim.stats.reset()
    return 200, sim.stats.view()


def _reset(sim, body):
    sim.reset()
    return 200, {"ok": True}


def _state(sim, body):
    store = sim.store
    with store.lock:
        tenants = [dict(tenant_view(store, t), enhanced_security=t["enhanced_security"],
                        pricing_version=t["pricing_version"], currency=t["currency"],
                        applications=list(store.bindings.get(t["id"], [])))
                   for t in sorted(store.tenants.values(), key=lambda r: r["seq"])]
        users = [dict(user_view(store, u), activation_emails=u["activation_emails"],
                      password_set=u["password_hash"] is not None)
                 for u in sorted(store.users.values(), key=lambda r: r["seq"])]
        policies = [p for plist in store.policies.values() for p in plist]
        items = []
        for tenant_id, states in store.items.items():
            for key, state in states.items():
                item = catalogue.ITEMS_BY_KEY.get(key)
                if item is not None:
                    items.append(item_view(item, tenant_id, state))
        clients = [{"client_id": c["client_id"], "tenant_id": c["tenant_id"]}
                   for c in store.clients.values()]
        # Issued tokens, so tests can check that none of them leaks into logs or files.
        tokens = [dict(entry, access_token=token) for token, entry in store.tokens.items()]
        registration_tokens = [dict(rec) for rec in store.registration_tokens.values()]
    return 200, {"tenants": tenants, "users": users, "access_policies": policies,
                 "offering_items": items, "clients": clients, "tokens": tokens,
                 "registration_tokens": registration_tokens}


def _new_client(sim, body):
    store = sim.store
    tenant_id = body.get("tenant_id")
    with store.lock:
        if store.tenant(tenant_id or "") is None:
            raise ApiError(404, f"Tenant '{tenant_id}' was not found.")
        client_id = new_id()
        secret = new_secret(client_id)
        store.clients[client_id] = {
            "client_id": client_id, "client_secret": secret, "tenant_id": tenant_id,
            "name": body.get("name") or "sim-client", "created_at": now_iso(),
            "last_access_at": None, "last_access_from_ip": None}
        store.changed()
    return 201, {"client_id": client_id, "client_secret": secret, "tenant_id": tenant_id}


def _expire_tokens(sim, body):
    store = sim.store
    now = time.time()
    with store.lock:
        for entry in store.tokens.values():
            entry["expires_at"] = min(entry["expires_at"], now)
        store.changed()
    return 200, {"expired": len(store.tokens)}


def _get_faults(sim, body):
    return 200, sim.faults.view()


def _put_faults(sim, body):
    sim.faults.replace(body)
    return 200, sim.faults.view()


def _get_config(sim, body):
    return 200, dict(sim.config)


def _put_config(sim, body):
    unknown = sorted(set(body) - set(sim.config))
    if unknown:
        raise ApiError(400, f"Unknown config key(s): {', '.join(unknown)}; known: "
                       f"{', '.join(sorted(sim.config))}.")
    if body.get("out_of_scope_status", 403) not in (403, 404):
        raise ApiError(400, "out_of_scope_status must be 403 or 404.")
    sim.config.update(body)
    return 200, dict(sim.config)


def _requests(sim, body):
    since = _non_negative(body, "since", 0)
    limit = _non_negative(body, "limit", None)
    return 200, sim.requests.view(since, limit)


def _non_negative(args, name, default):
    if name not in args:
        return default
    try:
        value = int(args[name])
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise ApiError(400, f"'{name}' must be a non-negative integer, not {args[name]!r}.")
    return value


def _requests_clear(sim, body):
    sim.requests.clear()
    return 200, sim.requests.view()


def _violations(sim, body):
    return 200, dict(sim.violations.view(), enabled=sim.validate_responses)


def _violations_clear(sim, body):
    sim.violations.clear()
    return 200, dict(sim.violations.view(), enabled=sim.validate_responses)


def _health(sim, body):
    return 200, {"ok": True}


_ROUTES = {
    ("GET", "/_sim/stats"): _stats,
    ("POST", "/_sim/stats/reset"): _stats_reset,
    ("POST", "/_sim/reset"): _reset,
    ("GET", "/_sim/state"): _state,
    ("POST", "/_sim/clients"): _new_client,
    ("POST", "/_sim/tokens/expire"): _expire_tokens,
    ("GET", "/_sim/faults"): _get_faults,
    ("PUT", "/_sim/faults"): _put_faults,
    ("GET", "/_sim/config"): _get_config,
    ("PUT", "/_sim/config"): _put_config,
    ("GET", "/_sim/requests"): _requests,
    ("POST", "/_sim/requests/clear"): _requests_clear,
    ("GET", "/_sim/violations"): _violations,
    ("POST", "/_sim/violations/clear"): _violations_clear,
    ("GET", "/_sim/health"): _health,
    ("GET", "/_sim/usages"): handlers_usage.get_usages,
    ("PUT", "/_sim/usages"): handlers_usage.put_usages,
}
