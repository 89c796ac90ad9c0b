# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client for the Acronis Account Management API v2.

Imports nothing from Ansible: errors travel as AcronisError and become task failures in the adapters.
One requests.Session per process (keep-alive), one access token per (datacenter, client) per playbook
run shared between forks through a 0600 file in the run's private temporary folder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import threading
import time
import traceback

try:
    import requests
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # reported by AcronisClient(), so ansible-doc and sanity work without it
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    import fcntl
except ImportError:  # not on Windows controllers; token sharing then falls back to one fetch per fork
    fcntl = None

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "acronis.cyber_cloud/%s (Ansible collection)" % COLLECTION_VERSION
API_PREFIX = "/api/2"

# Codes from the API's error list (docs/api-notes.md, Errors).
CODE_VERSION_MISMATCH = 1001
CODE_NAME_CONFLICT = 1004

# Statuses where the server says it did not process the request: safe to retry any method. A 503 says so
# only with Retry-After (the service asks to come back); without it, a gateway may answer 503 after the
# backend acted, so it is ambiguous like the other 5xx (see _not_processed).
NOT_PROCESSED_STATUSES = (429,)
# Statuses where it may or may not have processed it: retried only for idempotent methods.
AMBIGUOUS_STATUSES = (500, 502, 503, 504)
IDEMPOTENT_METHODS = ("GET", "PUT", "DELETE", "HEAD")
# Token-endpoint answers meaning the server is not an Acronis API (another web server, or a URL with a path).
NOT_THE_API_STATUSES = (404, 405)


class AcronisError(Exception):
    """A failed API call or a refused input, with a one-line message for the user.

    `ambiguous` is true when a write may have been applied although no answer arrived
    (dropped connection, timeout, gateway error): the domain layer re-reads before retrying.
    """

    def __init__(self, message, status=None, code=None, details=None, method=None, path=None,
                 ambiguous=False, context=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details or {}
        self.context = context or {}
        self.method = method
        self.path = path
        self.ambiguous = ambiguous

    def __str__(self):
        where = "%s %s: " % (self.method, self.path) if self.method else ""
        status = "%s " % self.status if self.status else ""
        code = " (%s)" % self.code if self.code not in (None, "", self.status) else ""
        return "%s%s%s%s" % (where, status, self.message, code)

    def has_code(self, code):
        """Matches the API's error code whatever the HTTP status (the contract infers some statuses)."""
        return str(self.code) == str(code)

    def to_result(self):
        """Fields added to a failed task result (never secrets: messages come from the API or us)."""
        api = {"status": self.status, "code": self.code, "method": self.method, "path": self.path}
        return {"api_error": {k: v for k, v in api.items() if v is not None}} if self.method else {}


class TokenCache:
    """Access tokens shared by every fork of one playbook run.

    Files live in a folder private to the run (mode 0700, removed by ansible at exit); each file is
    created 0600 and named by a hash, so neither the secret nor the client id appears in a path.
    A lock file makes concurrent forks fetch one token instead of one each.
    """

    _memory = {}

    def __init__(self, directory=None):
        self.directory = directory

    def _path(self, key, suffix):
        return os.path.join(self.directory, "acronis-token-%s%s" % (key, suffix))

    def load(self, key):
        entry = self._memory.get(key)
        if entry is None and self.directory:
            try:
                with open(self._path(key, ".json")) as handle:
                    entry = json.load(handle)
            except (OSError, ValueError):
                entry = None
        return entry

    def store(self, key, entry):
        self._memory[key] = entry
        if not self.directory:
            return
        final = self._path(key, ".json")
        temporary = self._path(key, ".%d.tmp" % os.getpid())
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(entry, handle)
        os.replace(temporary, final)

    def forget(self, key):
        self._memory.pop(key, None)

    def locked(self, key):
        return _FileLock(self._path(key, ".lock") if self.directory and fcntl else None)


class _FileLock:
    _thread_lock = threading.Lock()

    def __init__(self, path):
        self.path = path
        self.descriptor = None

    def __enter__(self):
        self._thread_lock.acquire()
        if self.path:
            self.descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.descriptor is not None:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            os.close(self.descriptor)
        self._thread_lock.release()


class RetryPolicy:
    """Capped exponential backoff with full jitter; Retry-After is honoured up to `max_retry_after`.

    `attempts` bounds tries after failures (5xx, lost connections). Answers where the server says it
    did not process the request and asks to come back (429, 503 with Retry-After) count against the larger
    `throttled_attempts`: a busy server must slow a run down, not fail it.
    """

    def __init__(self, attempts=6, base=0.25, cap=8.0, max_retry_after=60.0, throttled_attempts=20):
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.throttled_attempts = throttled_attempts

    def delay(self, attempt, retry_after=None):
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return random.uniform(0, min(self.cap, self.base * (2 ** attempt)))


_SESSIONS = {}


def _session(verify):
    """One keep-alive session per process and TLS setting."""
    if verify not in _SESSIONS:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        session.verify = verify
        _SESSIONS[verify] = session
    return _SESSIONS[verify]


class AcronisClient:
    """Authenticated access to one datacenter as one API client."""

    def __init__(self, datacenter_url, client_id, client_secret, validate_certs=True, timeout=30,
                 token_cache_dir=None, retry=None, sleep=time.sleep):
        if requests is None:
            raise AcronisError("the Python library 'requests' is required on the Ansible controller "
                               "(pip install requests): %s" % REQUESTS_IMPORT_ERROR.splitlines()[-1])
        self.datacenter_url = base_url(datacenter_url)
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._verify = bool(validate_certs)
        self._session = _session(self._verify)
        if not validate_certs:
            _silence_insecure_warning()
        self._cache = TokenCache(token_cache_dir)
        self._cache_key = hashlib.sha256(
            "\0".join((self.datacenter_url, client_id, client_secret)).encode("utf-8")).hexdigest()[:32]
        self._token = None

    # -- authentication -------------------------------------------------------------------------

    def _valid(self, entry):
        return bool(entry) and entry.get("refresh_at", 0) > time.time()

    def _access_token(self, force=False, fetch=False):
        """The token to send; `force` after a refused one (another fork's newer token is taken if there is
        one), `fetch` to get a new one whatever the cache holds."""
        if not force and self._valid(self._token):
            return self._token["access_token"]
        with self._cache.locked(self._cache_key):
            entry = None if force else self._cache.load(self._cache_key)
            if force and self._token and not fetch:
                stale = self._token["access_token"]
                cached = self._cache.load(self._cache_key)
                # Another fork may already have refreshed it: use theirs instead of fetching again.
                entry = cached if cached and cached.get("access_token") != stale else None
            if not self._valid(entry):
                entry = self._fetch_token()
                self._cache.store(self._cache_key, entry)
            self._token = entry
        return entry["access_token"]

    def _fetch_token(self):
        credentials = "%s:%s" % (self.client_id, self._client_secret)
        headers = {"Authorization": "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii"),
                   "Content-Type": "application/x-www-form-urlencoded"}
        response, tries = self._send("POST", "/idp/token", data={"grant_type": "client_credentials"},
                                     headers=headers, retry_ambiguous=True)
        if response.status_code != 200:
            raise self._token_error(response, tries)
        body = _json(response)
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise self._not_the_api("answered 200 without an access token")
        now = time.time()
        lifetime = body.get("expires_in") or max(body.get("expires_on", now + 7200) - now, 1)
        # Refresh a minute before expiry, or a quarter of the lifetime for very short-lived tokens.
        return {"access_token": body["access_token"], "refresh_at": now + lifetime - min(60, lifetime / 4.0)}

    def _token_error(self, response, tries):
        if response.status_code in NOT_THE_API_STATUSES:
            return self._not_the_api("answered %s %s" % (response.status_code, response.reason))
        body = _json(response)
        body = body if isinstance(body, dict) else {}
        description = next((text for text in (body.get("error_description"), body.get("error"))
                            if isinstance(text, str) and text), response.reason)
        if response.status_code in (400, 401, 403):
            message = ("authentication failed for client_id %s: %s; check client_id and client_secret"
                       % (self.client_id, description))
        else:
            message = "token request failed: %s%s" % (description, _tries_note(tries))
        return AcronisError(message, status=response.status_code, method="POST", path="/idp/token")

    def _not_the_api(self, answer):
        """A web server answered the token request that is not an Acronis datacenter's API."""
        return AcronisError("datacenter_url: %s is not the address of an Acronis datacenter: the token request "
                            "(POST %s/idp/token) %s; give the datacenter address such as "
                            "https://eu2-cloud.acronis.com, without a path such as /api/2"
                            % (self.datacenter_url, API_PREFIX, answer))

    def home_tenant_id(self):
        """The tenant of the API client itself (the default parent), cached with the token."""
        self._access_token()
        tenant_id = self._token.get("tenant_id")
        if not tenant_id:
            tenant_id = self.get("/clients/%s" % self.client_id)["tenant_id"]
            with self._cache.locked(self._cache_key):
                self._token = dict(self._token, tenant_id=tenant_id)
                self._cache.store(self._cache_key, self._token)
        return tenant_id

    def run_cached(self, name, read):
        """What `read()` returns (JSON data), read once per playbook run and API client and shared by
        every fork like the token. Only for platform data that an onboarding does not change."""
        value = self.run_lookup(name)
        if value is None:
            value = read()
            self.run_store(name, value)
        return value

    def run_lookup(self, name):
        """A value shared by the forks of this playbook run (None when nobody stored one)."""
        entry = self._cache.load(self._run_key(name))
        return None if entry is None else entry["value"]

    def run_store(self, name, value):
        self._cache.store(self._run_key(name), {"value": value})

    def _run_key(self, name):
        return "%s-%s" % (self._cache_key, hashlib.sha256(name.encode("utf-8")).hexdigest()[:16])

    # -- requests -------------------------------------------------------------------------------

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, body=None, params=None, retry_ambiguous=False):
        return self.request("POST", path, params=params, body=body, retry_ambiguous=retry_ambiguous)

    def put(self, path, body, params=None):
        return self.request("PUT", path, params=params, body=body)

    def delete(self, path, params=None):
        return self.request("DELETE", path, params=params)

    def request(self, method, path, params=None, body=None, retry_ambiguous=None):
        """One API call: JSON in and out, a token refresh on 401, retries as RetryPolicy says.

        A POST is retried after an ambiguous failure only when the caller says it is idempotent
        (`retry_ambiguous=True`); otherwise AcronisError(ambiguous=True) tells the caller to re-read.
        """
        if retry_ambiguous is None:
            retry_ambiguous = method in IDEMPOTENT_METHODS
        headers = {"Authorization": "Bearer " + self._access_token()}
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = json.dumps(body) if body is not None else None
        response, tries = self._send(method, path, params=params, data=data, headers=headers,
                                     retry_ambiguous=retry_ambiguous)
        # A refused token: take a newer one (another fork's), and if that is refused too (tokens revoked
        # meanwhile), fetch one now. A 401 means the request was not processed, so any method is resent.
        for fetch in (False, True):
            if response.status_code != 401:
                break
            headers["Authorization"] = "Bearer " + self._access_token(force=True, fetch=fetch)
            response, tries = self._send(method, path, params=params, data=data, headers=headers,
                                         retry_ambiguous=retry_ambiguous)
        if response.status_code >= 400:
            raise self._api_error(method, path, response, retry_ambiguous, tries)
        return _json(response) if response.content else None

    def _send(self, method, path, params=None, data=None, headers=None, retry_ambiguous=False):
        """The response after the retries RetryPolicy allows, and how many tries it took."""
        url = self.datacenter_url + API_PREFIX + path
        failures = throttled = 0
        while True:
            try:
                # `verify` on each request: requests lets REQUESTS_CA_BUNDLE override a Session's verify=False.
                response = self._session.request(method, url, params=params, data=data, headers=headers,
                                                 timeout=self.timeout, verify=self._verify)
            except requests.exceptions.SSLError as exc:
                raise AcronisError("TLS certificate of %s could not be verified (%s); install the CA "
                                   "certificate on the controller or set validate_certs: false"
                                   % (self.datacenter_url, _tls_reason(exc)), method=method, path=path)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                # A refused connection never reached the server; anything else may have.
                reached = not isinstance(exc, requests.exceptions.ConnectTimeout) and not _refused(exc)
                if (reached and not retry_ambiguous) or failures + 1 >= self.retry.attempts:
                    raise AcronisError("no answer from %s (%s)%s%s" % (
                        self.datacenter_url, _reason(exc), _tries_note(failures + throttled + 1),
                        "" if reached else "; check datacenter_url and the network"),
                        method=method, path=path, ambiguous=reached)
                self._sleep(self.retry.delay(failures))
                failures += 1
                continue
            if _not_processed(response):
                if throttled + 1 >= self.retry.throttled_attempts:
                    return response, failures + throttled + 1
                self._sleep(self.retry.delay(throttled, _retry_after(response)))
                throttled += 1
            elif response.status_code in AMBIGUOUS_STATUSES and retry_ambiguous and failures + 1 < self.retry.attempts:
                self._sleep(self.retry.delay(failures))
                failures += 1
            else:
                return response, failures + throttled + 1

    def _api_error(self, method, path, response, retry_ambiguous, tries=1):
        body = _json(response) or {}
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        details = error.get("details") or {}
        message = error.get("message") or response.reason or "request failed"
        info = details.get("info") if isinstance(details, dict) else None
        if info and info not in message:
            message = "%s: %s" % (message, info)
        if response.status_code in NOT_PROCESSED_STATUSES + AMBIGUOUS_STATUSES:
            message += _tries_note(tries)
        ambiguous = response.status_code in AMBIGUOUS_STATUSES and not retry_ambiguous and not _not_processed(response)
        context = error.get("context") if isinstance(error.get("context"), dict) else None
        return AcronisError(message, status=response.status_code, code=error.get("code"), details=details,
                            method=method, path=path, ambiguous=ambiguous, context=context)

    # -- helpers --------------------------------------------------------------------------------

    def paginate(self, path, params=None, limit=None):
        """Yield every item of a list call, following paging.cursors.after until it is absent."""
        params = dict(params or {})
        if limit:
            params["limit"] = limit
        while True:
            page = self.get(path, params=params) or {}
            yield from page.get("items", [])
            cursor = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not cursor:
                return
            params = {"after": cursor}


def retry_on_version_conflict(apply, current, reread):
    """`apply(current)`; on a stale version (1001) re-read, recompute through `apply` and try once more."""
    try:
        return apply(current)
    except AcronisError as exc:
        if not exc.has_code(CODE_VERSION_MISMATCH):
            raise
    return apply(reread())


def base_url(datacenter_url):
    """The datacenter address without a trailing slash or API path (`https://host/api/2/` -> `https://host`)."""
    url = datacenter_url.rstrip("/")
    return url[:-len(API_PREFIX)] if url.endswith(API_PREFIX) else url


def _not_processed(response):
    return response.status_code in NOT_PROCESSED_STATUSES or (
        response.status_code == 503 and "Retry-After" in response.headers)


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response):
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _reason(exc):
    """The innermost cause of a requests exception, without the URL noise around it."""
    while exc.__context__ is not None and exc.__context__ is not exc:
        exc = exc.__context__
    return str(exc).split(": ", 1)[-1] if ": " in str(exc) else (str(exc) or exc.__class__.__name__)


def _tries_note(tries):
    return " (gave up after %d attempts)" % tries if tries > 1 else ""


def _tls_reason(exc):
    """`certificate verify failed: self-signed certificate` out of OpenSSL's bracketed text."""
    text = str(exc)
    start = text.find("certificate verify failed")
    if start < 0:
        return _reason(exc)
    return re.sub(r"\s*\(_ssl\.c:\d+\).*$", "", text[start:]).rstrip(")'\"")


def _refused(exc):
    text = repr(exc)
    return "NewConnectionError" in text or "Connection refused" in text or "NameResolutionError" in text


def _silence_insecure_warning():
    try:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    except (ImportError, AttributeError):
        pass
