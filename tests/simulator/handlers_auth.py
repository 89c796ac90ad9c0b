"""OAuth2 client credentials (POST /idp/token), bearer authentication and GET /clients/{id}."""

import base64
import binascii
import hmac
import json
import secrets
import time

from .errors import ApiError, OAuthError, not_found
from .store import now_iso


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _credentials(headers, form):
    """(client_id, secret) from the Basic header, else from the form (client_secret_post)."""
    header = headers.get("Authorization") or ""
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "The Basic authorization header is not "
                             "valid base64 of 'client_id:client_secret'.")
        client_id, _sep, secret = decoded.partition(":")
        return client_id, secret
    form = form or {}
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    raise OAuthError(401, "invalid_client", "Client authentication is required: send HTTP Basic "
                     "credentials (client_id:client_secret) or client_id and client_secret "
                     "form fields.")


def authenticate_client(store, headers, form):
    """The API client named by the token request's credentials, or 401 invalid_client.

    Run before OpenAPI validation too, so that wrong credentials get 401 even when their
    Basic value misses the '=' padding the spec's header pattern demands.
    """
    client_id, secret = _credentials(headers, form)
    client = store.clients.get(client_id)
    if client is None or not hmac.compare_digest(client["client_secret"].encode(),
                                                 secret.encode()):
        raise OAuthError(401, "invalid_client", "Client authentication failed: unknown client "
                         "id or wrong client secret.", domain="Access", reason="InvalidClient")
    if store.tenant(client["tenant_id"]) is None:
        raise OAuthError(401, "invalid_client", "The API client's tenant has been deleted.",
                         domain="Access", reason="InvalidClient")
    return client


def issue_token(ctx):
    store = ctx.store
    client = authenticate_client(store, ctx.headers, ctx.body)
    client_id = client["client_id"]
    grant = (ctx.body or {}).get("grant_type")
    if grant != "client_credentials":
        raise OAuthError(400, "invalid_request", f"grant_type '{grant}' is not supported for API "
                         f"clients; use grant_type=client_credentials.")
    now = time.time()
    lifetime = int(ctx.config["token_lifetime_s"])
    token = secrets.token_urlsafe(32)
    store.tokens[token] = {"client_id": client_id, "expires_at": now + lifetime}
    _prune_tokens(store, now)
    client["last_access_at"] = now_iso()
    client["last_access_from_ip"] = ctx.headers.get("X-Sim-Peer") or "127.0.0.1"
    claims = {"iss": "acronis-simulator", "sub": client_id, "iat": int(now),
              "exp": int(now) + lifetime, "tenant_id": client["tenant_id"]}
    id_token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.sim"
    store.changed()
    return 200, {"access_token": token, "token_type": "bearer", "id_token": id_token,
                 "expires_in": lifetime, "expires_on": int(now) + lifetime,
                 "scope": "openid"}


def _prune_tokens(store, now):
    # Keep memory bounded: forget tokens that expired more than an hour ago.
    if len(store.tokens) > 1000:
        for token in [t for t, v in store.tokens.items() if v["expires_at"] < now - 3600]:
            del store.tokens[token]


def authenticate(store, header):
    """The API client behind a bearer token, or a 401 in the API's error format."""
    challenge = {"WWW-Authenticate": 'Bearer realm="acronis-simulator"'}
    if not header or header[:7].lower() != "bearer ":
        raise ApiError(401, "Authentication required: send 'Authorization: Bearer <token>' with "
                       "a token from POST /api/2/idp/token.", headers=challenge)
    entry = store.tokens.get(header[7:].strip())
    if entry is None:
        raise ApiError(401, "The access token is not valid.", headers=challenge)
    if entry["expires_at"] <= time.time():
        raise ApiError(401, "The access token has expired: request a new one.",
                       headers=challenge)
    client = store.clients.get(entry["client_id"])
    if client is None or store.tenant(client["tenant_id"]) is None:
        raise ApiError(401, "The API client of this token no longer exists.", headers=challenge)
    return client


def client_view(client):
    return {"client_id": client["client_id"], "tenant_id": client["tenant_id"],
            "type": "api_client", "client_secret_expires_at": 0,
            "token_endpoint_auth_method": "client_secret_basic",
            "created_at": client["created_at"], "created_by": client["tenant_id"],
            "last_access_at": client["last_access_at"],
            "last_access_from_ip": client["last_access_from_ip"], "status": "enabled",
            "data": {"client_name": client["name"]}, "redirect_uris": []}


def get_client(ctx):
    client = ctx.store.clients.get(ctx.path["client_id"])
    if client is None:
        raise not_found("API client", ctx.path["client_id"])
    if not ctx.in_scope(client["tenant_id"]):
        raise ctx.out_of_scope("API client", client["client_id"])
    return 200, client_view(client)
