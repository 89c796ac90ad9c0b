"""The benchmark's plain script for the usage report: the same reads as the usage playbook, with requests.

One token, the subtree's tenants and users listed once, the usages read 100 tenants per call, one CSV row
per tenant (or user) and workload written to a temporary file and renamed.

    ACRONIS_DATACENTER_URL=... ACRONIS_CLIENT_ID=... ACRONIS_CLIENT_SECRET=... \
        python bench/script_usage.py usage.csv
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.script_onboard import Api  # noqa: E402

BATCH = 100
COLUMNS = ("tenant_id", "tenant_name", "user_login", "workload", "item", "value", "quota", "percentage")


def pages(api, path, params):
    while True:
        page = api.call("GET", path, params=params)
        yield from page.get("items", [])
        cursor = (page.get("paging") or {}).get("cursors", {}).get("after")
        if not cursor:
            return
        params = {"after": cursor}


def main(output):
    api = Api(os.environ["ACRONIS_DATACENTER_URL"], os.environ["ACRONIS_CLIENT_ID"], os.environ["ACRONIS_CLIENT_SECRET"])
    tenants = {t["id"]: t for t in pages(api, "/tenants", {"subtree_root_id": api.home_id, "lod": "basic"})}
    users = {u["personal_tenant_id"]: u for u in pages(api, "/users", {"subtree_root_tenant_id": api.home_id,
                                                                       "lod": "basic"}) if u.get("personal_tenant_id")}
    ids = list(tenants) + list(users)
    rows = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for entry in api.call("GET", "/tenants/usages", params={"tenants": ",".join(chunk)})["items"]:
            owner = tenants.get(entry["tenant"]) or tenants[users[entry["tenant"]]["tenant_id"]]
            login = users[entry["tenant"]]["login"] if entry["tenant"] in users else ""
            for usage in entry["usages"]:
                quota = ((usage.get("offering_item") or {}).get("quota") or {}).get("value")
                if not usage["value"] and quota is None:
                    continue
                rows.append({"tenant_id": owner["id"], "tenant_name": owner["name"], "user_login": login,
                             "workload": usage["usage_name"], "item": usage["name"], "value": usage["value"],
                             "quota": "" if quota is None else quota,
                             "percentage": "" if not quota else round(usage["value"] * 100 / quota, 1)})
    temporary = output + ".tmp"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(temporary, output)
    print("%d rows" % len(rows))


if __name__ == "__main__":
    main(sys.argv[1])
