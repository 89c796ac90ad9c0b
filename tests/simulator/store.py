"""The simulator's state: tenants, users, roles, offering items, clients and tokens.

Everything lives in plain dicts guarded by ONE re-entrant lock (`Store.lock`); handlers run while
holding it, so every request sees and leaves a consistent state. Records keep API field names plus
a few private ones (seq, created_ts, password_hash, ...) that views never show.
"""

import json
import os
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone

PERSONAL_KIND = "unit"


def now_iso():
    # RFC 3339 with an explicit offset: matches the spec's timestamp pattern (max 32 chars).
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id():
    return str(uuid.uuid4())


class Store:
    """State plus the indexes needed to answer quickly (children, users per tenant, logins)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.generation = 0  # bumped on every change; the saver thread compares it
        self.clear()

    # ------------------------------------------------------------------ life cycle
    def clear(self):
        self.tenants = {}
        self.users = {}
        self.policies = {}      # user id -> list of access policies (API shape)
        self.items = {}         # tenant id -> {item key: {status, value, overage, version, ...}}
        self.bindings = {}      # tenant id -> list of application ids
        self.clients = {}       # client id -> {client_id, client_secret, tenant_id, ...}
        self.tokens = {}        # access token -> {client_id, expires_at}
        self.identities = {}    # ids and secrets of the seed, kept across /_sim/reset
        self.usages = {}        # tenant id -> {item key: the tenant's own usage} (handlers_usage)
        self.reports = {}       # report id -> report record with its stored reports (handlers_reports)
        self.registration_tokens = {}  # token id (str) -> agent registration token (handlers_agents)
        self.seq = 0
        self.quota_clock = 0
        self._children = {}
        self._users_by_tenant = {}
        self._logins = {}

    def changed(self):
        self.generation += 1

    def next_seq(self):
        self.seq += 1
        return self.seq

    def next_quota_version(self):
        # Versions of quotas and of pricing settings are millisecond timestamps that must strictly
        # increase (the document's examples of both, e.g. 1497533157730).
        self.quota_clock = max(int(time.time() * 1000), self.quota_clock + 1)
        return self.quota_clock

    # ------------------------------------------------------------------ tenants
    def add_tenant(self, rec):
        self.tenants[rec["id"]] = rec
        if rec["parent_id"] != rec["id"]:
            self._children.setdefault(rec["parent_id"], []).append(rec["id"])

    def move_tenant(self, rec, new_parent_id):
        self._children[rec["parent_id"]].remove(rec["id"])
        self._children.setdefault(new_parent_id, []).append(rec["id"])
        rec["parent_id"] = new_parent_id

    def tenant(self, tenant_id, allow_deleted=False):
        rec = self.tenants.get(tenant_id)
        if rec is None or (rec["deleted_at"] and not allow_deleted):
            return None
        return rec

    def child_ids(self, tenant_id):
        return self._children.get(tenant_id, [])

    def children(self, tenant_id, allow_deleted=False, include_personal=False):
        out = []
        for cid in self._children.get(tenant_id, ()):
            rec = self.tenants[cid]
            if rec["deleted_at"] and not allow_deleted:
                continue
            if rec["owner_id"] and not include_personal:
                continue
            out.append(rec)
        return out

    def subtree(self, root_id, allow_deleted=False, include_personal=False):
        """The root and its descendants, level by level (the API orders subtrees by level)."""
        root = self.tenant(root_id, allow_deleted)
        if root is None:
            return []
        out, level = [root], [root]
        while level:
            nxt = []
            for rec in level:
                nxt.extend(self.children(rec["id"], allow_deleted, include_personal))
            out.extend(nxt)
            level = nxt
        return out

    def ancestors(self, tenant_id):
        """Ids from the tenant itself up to the root, inclusive."""
        chain = []
        rec = self.tenants.get(tenant_id)
        while rec is not None:
            chain.append(rec["id"])
            if rec["parent_id"] == rec["id"]:
                break
            rec = self.tenants.get(rec["parent_id"])
        return chain

    def is_within(self, tenant_id, root_id):
        return root_id in self.ancestors(tenant_id)

    def level(self, tenant_id):
        return len(self.ancestors(tenant_id)) - 1

    def has_children(self, tenant_id):
        return bool(self.children(tenant_id))

    # ------------------------------------------------------------------ users
    def add_user(self, rec):
        self.users[rec["id"]] = rec
        self._users_by_tenant.setdefault(rec["tenant_id"], []).append(rec["id"])
        self._logins[rec["login"].lower()] = rec["id"]

    def user(self, user_id, allow_deleted=False):
        rec = self.users.get(user_id)
        if rec is None or (rec["deleted_at"] and not allow_deleted):
            return None
        return rec

    def user_by_login(self, login):
        uid = self._logins.get(login.strip().lower())
        return self.users.get(uid) if uid else None

    def rename_login(self, rec, new_login):
        self._logins.pop(rec["login"].lower(), None)
        rec["login"] = new_login
        self._logins[new_login.lower()] = rec["id"]

    def release_login(self, rec):
        # Logins of deleted users become free again [INF].
        if self._logins.get(rec["login"].lower()) == rec["id"]:
            del self._logins[rec["login"].lower()]

    def users_of(self, tenant_id, allow_deleted=False):
        out = []
        for uid in self._users_by_tenant.get(tenant_id, ()):
            rec = self.users[uid]
            if allow_deleted or not rec["deleted_at"]:
                out.append(rec)
        return out

    # ------------------------------------------------------------------ offering items
    def item_state(self, tenant_id, key):
        return self.items.get(tenant_id, {}).get(key)

    def item_enabled(self, tenant_id, key):
        state = self.item_state(tenant_id, key)
        return bool(state and state["status"] == 1)

    def set_item(self, tenant_id, key, status, value=None, overage=None, version=0):
        self.items.setdefault(tenant_id, {})[key] = {
            "status": status, "value": value, "overage": overage, "version": version,
            "updated_at": now_iso()}

    def bind(self, tenant_id, app_id):
        apps = self.bindings.setdefault(tenant_id, [])
        if app_id not in apps:
            apps.append(app_id)

    # ------------------------------------------------------------------ persistence
    _SAVED = ("tenants", "users", "policies", "items", "bindings", "clients", "tokens",
              "identities", "seq", "quota_clock", "usages", "reports", "registration_tokens")

    def to_dict(self):
        return {name: getattr(self, name) for name in self._SAVED}

    def load_dict(self, data):
        self.clear()
        for name in self._SAVED:
            if name in data:
                setattr(self, name, data[name])
        tenants, users = self.tenants, self.users
        self.tenants, self.users = {}, {}
        for rec in sorted(tenants.values(), key=lambda r: r["seq"]):
            self.add_tenant(rec)
        for rec in sorted(users.values(), key=lambda r: r["seq"]):
            self.add_user(rec)
            if rec["deleted_at"]:
                self.release_login(rec)

    def save(self, path):
        """Atomic write: a reader never sees a half-written file."""
        with self.lock:
            text = json.dumps(self.to_dict(), separators=(",", ":"))
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".sim-state-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)

    def load(self, path):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        with self.lock:
            self.load_dict(data)
