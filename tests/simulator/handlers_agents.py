"""Agent registration tokens of a tenant (GET/POST /tenants/{id}/registration_tokens, DELETE
/registration_tokens/{id}).

What the OpenAPI document says: a token is three groups of four upper-case letters or digits
(registrationToken.token's pattern); `expires_in` "should be less than or equal to one year"
(registrationTokenPostV2), both `expires_in` and `scopes` are required; a created token answers 200 on
the tenant's path. Acronis' console documentation: a token passes a user's identity to the agent setup
program, and its default lifetime is 3 days. [INF]: expired tokens leave the list (the console shows only
usable ones); the numeric `tenant_id` of a token is the simulator's sequence number of the tenant.
"""

import secrets
import string
import time
from datetime import datetime, timezone

from .errors import bad_request, not_found

MAX_EXPIRES_IN = 365 * 24 * 3600
_ALPHABET = string.ascii_uppercase + string.digits


def _iso(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def _new_token():
    return "-".join("".join(secrets.choice(_ALPHABET) for dummy in range(4)) for dummy in range(3))


def _view(rec, tenant):
    return {"id": rec["id"], "token": rec["token"], "tenant_id": str(tenant["seq"]), "tenant_uuid": tenant["id"],
            "created_at": _iso(rec["created_ts"]), "expires_at": _iso(rec["expires_ts"]),
            "scopes": list(rec["scopes"])}


def list_tokens(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    now = time.time()
    items = [_view(rec, tenant) for rec in ctx.store.registration_tokens.values()
             if rec["tenant_id"] == tenant["id"] and rec["expires_ts"] > now]
    return 200, {"items": items}


def create_token(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    expires_in = ctx.field("expires_in", int, required=True)
    scopes = ctx.field("scopes", list, required=True)
    if isinstance(expires_in, bool) or expires_in <= 0 or expires_in > MAX_EXPIRES_IN:
        raise bad_request("Request body: 'expires_in' must be a number of seconds from 1 to %d (one year)."
                          % MAX_EXPIRES_IN)
    if not all(isinstance(scope, str) for scope in scopes):
        raise bad_request("Request body: 'scopes' must be a list of strings.")
    store = ctx.store
    now = time.time()
    rec = {"id": store.next_seq(), "token": _new_token(), "tenant_id": tenant["id"], "created_ts": now,
           "expires_ts": now + expires_in, "scopes": scopes}
    store.registration_tokens[str(rec["id"])] = rec
    store.changed()
    return 200, _view(rec, tenant)


def delete_token(ctx):
    rec = ctx.store.registration_tokens.get(ctx.path["token_id"])
    if rec is None or not ctx.in_scope(rec["tenant_id"]):
        raise not_found("Registration token", ctx.path["token_id"])
    del ctx.store.registration_tokens[ctx.path["token_id"]]
    ctx.store.changed()
    return 204, None
