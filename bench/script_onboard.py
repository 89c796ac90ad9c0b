"""The benchmark's `script` run: the onboarding job as a plain Python script with requests.

The floor of the API work: one token, the lookups every tenant needs done once (home tenant, storage,
item catalogue), each parent's children listed once, then per tenant only the calls its state needs.
It is idempotent like the collection (a second run only reads) and runs `--workers` tenants of one
depth at a time, as Ansible runs `forks` hosts.

    ACRONIS_DATACENTER_URL=... ACRONIS_CLIENT_ID=... ACRONIS_CLIENT_SECRET=... \
        python bench/script_onboard.py inventory.json --workers 20
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.inventory import tenants_of  # noqa: E402

GB = 1024 ** 3
ZERO = "00000000-0000-0000-0000-000000000000"
ALERTS = {"none": [], "errors": ["backup_error", "backup_critical"],
          "errors_and_warnings": ["backup_error", "backup_critical", "backup_warning"],
          "all": ["backup_error", "backup_critical", "backup_warning", "backup_info", "backup_daily_report"]}
ROLES = {"partner": "partner_admin", "customer": "backup_user"}


class Api:
    """One keep-alive session per thread, one token for all."""

    def __init__(self, url, client_id, secret):
        self.base = url.rstrip("/") + "/api/2"
        self.local = threading.local()
        answer = requests.post(self.base + "/idp/token", auth=(client_id, secret),
                               data={"grant_type": "client_credentials"}, timeout=30)
        answer.raise_for_status()
        self.token = answer.json()["access_token"]
        self.home_id = self.call("GET", "/clients/%s" % client_id)["tenant_id"]

    def call(self, method, path, body=None, params=None):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.headers["Authorization"] = "Bearer " + self.token
        answer = session.request(method, self.base + path, json=body, params=params, timeout=30)
        if answer.status_code >= 400:
            raise RuntimeError("%s %s: %s %s" % (method, path, answer.status_code, answer.text[:300]))
        return answer.json() if answer.content else None


class Onboarding:
    def __init__(self, api):
        self.api = api
        self.storages = {infra["name"]: infra["id"] for infra in api.call("GET", "/infra")["items"]}
        self.catalogue = api.call("GET", "/tenants/%s/offering_items/available_for_child" % api.home_id,
                                  params={"kind": "partner", "edition": "*"})["items"]
        self.ids = {}  # inventory host -> tenant id
        self.created = set()  # tenants this run created (no children or items to read yet)

    def children(self, parent_id):
        """The parent's children by name, listed once per parent (nothing to list under a new tenant)."""
        if parent_id in self.created:
            return {}
        return {child["name"]: child for child in
                self.api.call("GET", "/tenants", params={"parent_id": parent_id})["items"]}

    def item_entries(self, tenant, current):
        """The PUT entries that bring the tenant's items to its quotas (none when they agree)."""
        entries = []
        for usage, limit in tenant["tenant_quotas"].items():
            item = next(found for found in self.catalogue if found["usage_name"] == usage
                        and found["edition"] == tenant["tenant_edition"]
                        and found.get("infra_id") in (None, self.storages[tenant["tenant_storage"]]))
            value = None if limit == "unlimited" else limit * GB if usage == "storage" else limit
            now = current.get((item["name"], item.get("infra_id")), {})
            quota = now.get("quota") or {}
            if now.get("status") != 1 or quota.get("value") != value or quota.get("overage") is not None:
                entry = {"application_id": item["application_id"], "name": item["name"], "status": 1,
                         "quota": {"value": value, "overage": None, "version": quota.get("version", 0)}}
                if item.get("infra_id"):
                    entry["infra_id"] = item["infra_id"]
                entries.append(entry)
        return entries

    def tenant(self, tenant, siblings, parent_id):
        found = siblings.get(tenant["tenant_name"])
        contact = {"email": tenant["tenant_contact"]["email"]}
        if found is None:
            found = self.api.call("POST", "/tenants", {"name": tenant["tenant_name"], "parent_id": parent_id,
                                                       "kind": tenant["kind"], "contact": contact})
            self.created.add(found["id"])
        elif (found.get("contact") or {}).get("email") != contact["email"]:
            self.api.call("PUT", "/tenants/%s" % found["id"], {"contact": contact, "version": found["version"]})
        self.ids[tenant["host"]] = found["id"]
        return found["id"]

    def quotas(self, tenant, tenant_id):
        current = {} if tenant_id in self.created else {
            (item["name"], item.get("infra_id")): item for item in
            self.api.call("GET", "/tenants/%s/offering_items" % tenant_id, params={"edition": "*"})["items"]}
        entries = self.item_entries(tenant, current)
        if entries:
            self.api.call("PUT", "/tenants/%s/offering_items" % tenant_id, {"offering_items": entries})

    def users(self, tenant, tenant_id):
        wanted = tenant.get("tenant_users") or []
        existing = {} if tenant_id in self.created or not wanted else {
            user["login"]: user for user in self.tenant_users(tenant_id)}
        role = ROLES[tenant["kind"]]
        for spec in wanted:
            alerts = ALERTS[spec["notifications"]] + (["quota"] if spec["quota_notifications"] else [])
            user = existing.get(spec["login"])
            if user is None:
                user = self.api.call("POST", "/users", {
                    "tenant_id": tenant_id, "login": spec["login"], "contact": {"email": spec["email"]},
                    "notifications": ["reports"] + alerts})
                self.grant(user, role, tenant_id)
                self.api.call("POST", "/users/%s/send-activation-email" % user["id"], {})
                continue
            keep = [value for value in user["notifications"] if value not in ALERTS["all"] + ["quota"]]
            if sorted(keep + alerts) != sorted(user["notifications"]):
                self.api.call("PUT", "/users/%s" % user["id"],
                              {"notifications": keep + alerts, "version": user["version"]})
            if role not in {policy["role_id"] for policy in user.get("access_policies") or []}:
                self.grant(user, role, tenant_id)

    def tenant_users(self, tenant_id):
        """The tenant's user ids, then the users 100 at a time (GET /users?tenant_id= does not filter)."""
        ids = self.api.call("GET", "/tenants/%s/users" % tenant_id)["items"]
        return [user for start in range(0, len(ids), 100) for user in self.api.call(
            "GET", "/users", params={"uuids": ",".join(ids[start:start + 100]),
                                     "with_access_policies": "true"})["items"]]

    def grant(self, user, role, tenant_id):
        self.api.call("PUT", "/users/%s/access_policies" % user["id"], {"items": [
            {"id": ZERO, "issuer_id": ZERO, "role_id": role, "tenant_id": tenant_id, "trustee_id": user["id"],
             "trustee_type": "user", "version": 0}]})

    def one(self, tenant, siblings, parent_id):
        tenant_id = self.tenant(tenant, siblings, parent_id)
        self.quotas(tenant, tenant_id)  # before the users: their personal tenants copy the items
        self.users(tenant, tenant_id)

    def level(self, tenants, workers):
        """Onboard tenants whose parents are known, `workers` at a time."""
        parents = {self.ids.get(tenant.get("tenant_parent"), self.api.home_id) for tenant in tenants}
        siblings = {parent_id: self.children(parent_id) for parent_id in parents}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = []
            for tenant in tenants:
                parent_id = self.ids.get(tenant.get("tenant_parent"), self.api.home_id)
                futures.append(pool.submit(self.one, tenant, siblings[parent_id], parent_id))
            for future in futures:
                future.result()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args(argv)
    tenants = tenants_of(json.loads(args.inventory.read_text()))
    api = Api(os.environ["ACRONIS_DATACENTER_URL"], os.environ["ACRONIS_CLIENT_ID"],
              os.environ["ACRONIS_CLIENT_SECRET"])
    job = Onboarding(api)
    job.level([tenant for tenant in tenants if not tenant.get("tenant_parent")], args.workers)
    job.level([tenant for tenant in tenants if tenant.get("tenant_parent")], args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
