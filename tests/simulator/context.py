"""Per-request context handed to every handler: parsed input, the caller, scope checks."""

import base64
import binascii
import json
from datetime import datetime, timezone

from .errors import ApiError, bad_request, not_found

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class Ctx:
    def __init__(self, sim, method, template, path_params, query, headers, body, client=None):
        self.sim = sim
        self.store = sim.store
        self.config = sim.config
        self.method = method
        self.template = template
        self.path = path_params
        self.query = query          # name -> first value (str)
        self.headers = headers
        self.body = body            # parsed JSON (or form dict for the token endpoint)
        self.client = client        # the authenticated API client record, if any

    # ------------------------------------------------------------------ query parameters
    def q(self, name, default=None):
        return self.query.get(name, default)

    def q_bool(self, name, default=False):
        raw = self.query.get(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise bad_request(f"Query parameter '{name}' must be true or false, not '{raw}'.")

    def q_int(self, name, default=None, minimum=None):
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"Query parameter '{name}' must be an integer, not '{raw}'.")
        if minimum is not None and value < minimum:
            raise bad_request(f"Query parameter '{name}' must be at least {minimum}.")
        return value

    def q_time(self, name):
        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"Query parameter '{name}' must be an RFC 3339 timestamp.")
        # Compared as text with stored UTC timestamps, so normalise to the same form.
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    # ------------------------------------------------------------------ body
    def field(self, name, types, required=False, default=None):
        """A body field checked by type, for when OpenAPI validation is switched off."""
        body = self.body if isinstance(self.body, dict) else {}
        if name not in body:
            if required:
                raise bad_request(f"Request body: required field '{name}' is missing.")
            return default
        value = body[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
            raise bad_request(f"Request body: field '{name}' has the wrong type.")
        return value

    # ------------------------------------------------------------------ scope
    @property
    def home_id(self):
        return self.client["tenant_id"]

    def in_scope(self, tenant_id):
        return self.store.is_within(tenant_id, self.home_id)

    def out_of_scope(self, what, obj_id, name=None):
        home = self.store.tenants[self.home_id]["name"]
        label = f"{what} '{name}' ({obj_id})" if name else f"{what} '{obj_id}'"
        message = (f"{label} is outside the scope of API client {self.client['client_id']}, "
                   f"which may only act on tenant '{home}' and its subtree.")
        status = self.config["out_of_scope_status"]
        return ApiError(status, message, code=status, context={"id": obj_id})

    def tenant(self, tenant_id, allow_deleted=False):
        """The tenant if it exists (404) and is inside the caller's subtree (403)."""
        rec = self.store.tenant(tenant_id, allow_deleted)
        if rec is None:
            raise not_found("Tenant", tenant_id)
        if not self.in_scope(tenant_id):
            raise self.out_of_scope("Tenant", tenant_id, rec["name"])
        return rec

    def user(self, user_id, allow_deleted=False):
        rec = self.store.user(user_id, allow_deleted)
        if rec is None:
            raise not_found("User", user_id)
        if not self.in_scope(rec["tenant_id"]):
            raise self.out_of_scope("User", user_id, rec["login"])
        return rec


def _tuple(types):
    return types if isinstance(types, tuple) else (types,)


def encode_cursor(data):
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, binascii.Error):
        raise bad_request(f"Invalid paging cursor 'after={cursor}'.")
    if not isinstance(data, dict):
        raise bad_request(f"Invalid paging cursor 'after={cursor}'.")
    return data


def paginate(keyed, limit, after_key, cursor_base):
    """Key-set paging: `keyed` is a sorted list of (key, value); returns (values, paging)."""
    if after_key is not None:
        after_key = _as_key(after_key)
        keyed = [kv for kv in keyed if _as_key(kv[0]) > after_key]
    page = keyed[:limit]
    paging = {"cursors": {}}
    if len(keyed) > limit:
        paging["cursors"]["after"] = encode_cursor(dict(cursor_base, k=page[-1][0]))
    return [value for _key, value in page], paging


def _as_key(key):
    return tuple(key) if isinstance(key, list) else key
