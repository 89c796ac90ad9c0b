"""The inventory benchmark's `script` run: the reads of the acronis.cyber_cloud.tenants plugin in plain Python.

One token, the API client's tenant, then the three batch reads of the subtree (tenants, users with their access
policies, offering items), each followed page by page, and the storage names; prints one JSON object with a
host per tenant (name, parent, enabled items). The floor of the plugin's API work.

    ACRONIS_DATACENTER_URL=... ACRONIS_CLIENT_ID=... ACRONIS_CLIENT_SECRET=... python bench/script_inventory.py
"""

from __future__ import annotations

import json
import os
import sys

import requests


def listing(session, base, path, params):
    """Every item of a paged list call."""
    items = []
    while True:
        page = session.get(base + path, params=params, timeout=60)
        page.raise_for_status()
        body = page.json()
        items.extend(body.get("items", []))
        after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
        if not after:
            return items
        params = {"after": after}


def main():
    base = os.environ["ACRONIS_DATACENTER_URL"].rstrip("/") + "/api/2"
    client_id = os.environ["ACRONIS_CLIENT_ID"]
    session = requests.Session()
    answer = session.post(base + "/idp/token", auth=(client_id, os.environ["ACRONIS_CLIENT_SECRET"]),
                          data={"grant_type": "client_credentials"}, timeout=30)
    answer.raise_for_status()
    session.headers["Authorization"] = "Bearer " + answer.json()["access_token"]
    root = session.get(base + "/clients/%s" % client_id, timeout=30).json()["tenant_id"]
    tenants = listing(session, base, "/tenants", {"subtree_root_id": root})
    users = listing(session, base, "/users", {"subtree_root_tenant_id": root, "with_access_policies": "true"})
    items = listing(session, base, "/tenants/offering_items", {"subtree_root_tenant_id": root})
    infra = sorted({item["infra_id"] for item in items if item.get("infra_id") and item.get("status") == 1})
    names = session.get(base + "/infra", params={"uuids": ",".join(infra)}, timeout=30).json() if infra else {}
    enabled = {}
    for item in items:
        if item.get("status") == 1:
            enabled.setdefault(item["tenant_id"], []).append(item["name"])
    logins = {}
    for user in users:
        logins.setdefault(user["tenant_id"], []).append(user["login"])
    hosts = {tenant["id"]: {"name": tenant["name"], "parent": tenant["parent_id"], "items": enabled.get(tenant["id"]),
                            "users": logins.get(tenant["id"])} for tenant in tenants if tenant["id"] != root}
    json.dump({"hosts": hosts, "storages": names}, sys.stdout)


if __name__ == "__main__":
    main()
