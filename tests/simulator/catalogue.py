"""Seeded services, storage infrastructures and offering items of the simulated platform.

Names follow CONTRACT.md section 4.5; ids are fixed so that a saved state file and the seed agree.
An item's identity is (application_id, name, infra_id); storage items exist once per storage infra.
"""

BACKUP_APP_ID = "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb"
FILES_CLOUD_APP_ID = "f9a3c0de-5b3e-4c1a-9d6e-2f4a8b7c1d01"
PLATFORM_APP_ID = "0c1b2a39-4d5e-4f60-8a71-92b3c4d5e6f7"

APPLICATIONS = [
    {"id": BACKUP_APP_ID, "name": "Cyber Protection", "type": "backup",
     "api_base_url": "/api/2", "usages": []},
    {"id": FILES_CLOUD_APP_ID, "name": "File Sync & Share", "type": "files_cloud",
     "api_base_url": "/fc/api/2", "usages": []},
    {"id": PLATFORM_APP_ID, "name": "Management Portal", "type": "platform",
     "api_base_url": "/api/2", "usages": []},
]

ACRONIS_STORAGE_ID = "3a0f5c2e-7b1d-4e8a-9c6f-1d2e3f4a5b01"
PARTNER_STORAGE_ID = "3a0f5c2e-7b1d-4e8a-9c6f-1d2e3f4a5b02"

INFRAS = [
    {"id": ACRONIS_STORAGE_ID, "name": "Acronis Cloud Storage", "backend_type": "azure",
     "url": "acronis+fes://storage.acronis.example:44445"},
    {"id": PARTNER_STORAGE_ID, "name": "Partner Hosted Storage", "backend_type": "fes",
     "url": "acronis+fes://storage.partner.example:44445"},
]

# usage_name -> (type, measurement_unit) for the backup workloads of each edition.
_BACKUP_USAGES = {
    "storage": ("infra", "bytes"),
    "local_storage": ("count", "bytes"),
    "servers": ("count", "quantity"),
    "vms": ("count", "quantity"),
    "workstations": ("count", "quantity"),
    "mobiles": ("count", "quantity"),
    "web_hosting_servers": ("count", "quantity"),
    "websites": ("count", "quantity"),
    "mailboxes": ("count", "quantity"),
}

# edition -> name prefix of its items ("standard" is the legacy edition without a prefix).
_EDITIONS = {"standard": "", "pck_per_workload": "pw_base_", "pck_per_gigabyte": "pg_base_"}

# Usages an edition does not sell (per-gigabyte has no local storage or hosting servers item).
_EDITION_SKIPS = {"pck_per_gigabyte": {"local_storage", "web_hosting_servers"}}


def _item(app_id, name, edition, usage, item_type, unit, infra_id=None):
    item = {"application_id": app_id, "name": name, "edition": edition, "usage_name": usage,
            "type": item_type, "measurement_unit": unit}
    if infra_id:
        item["infra_id"] = infra_id
    return item


def _backup_items():
    items = []
    for edition, prefix in _EDITIONS.items():
        for usage, (item_type, unit) in _BACKUP_USAGES.items():
            if usage in _EDITION_SKIPS.get(edition, ()):
                continue
            infra_ids = [i["id"] for i in INFRAS] if item_type == "infra" else [None]
            for infra_id in infra_ids:
                items.append(_item(BACKUP_APP_ID, prefix + usage, edition, usage, item_type, unit,
                                   infra_id))
    # Extras of the legacy edition: a time-measured item and a feature (features carry no quota).
    items.append(_item(BACKUP_APP_ID, "compute_points", "standard", "compute_points", "count",
                       "seconds"))
    items.append(_item(BACKUP_APP_ID, "physical_data_shipping", "standard",
                       "physical_data_shipping", "feature", "n/a"))
    return items


def _other_items():
    # Items of services without editions: never filtered out by the edition parameter.
    return [
        _item(FILES_CLOUD_APP_ID, "fc_seats", None, "fc_seats", "count", "quantity"),
        _item(FILES_CLOUD_APP_ID, "fc_storage", None, "fc_storage", "count", "bytes"),
        _item(PLATFORM_APP_ID, "notary_storage", None, "notary_storage", "count", "bytes"),
    ]


ITEMS = _backup_items() + _other_items()


def item_key(application_id, name, infra_id=None):
    return f"{application_id}|{name}|{infra_id or ''}"


ITEMS_BY_KEY = {item_key(i["application_id"], i["name"], i.get("infra_id")): i for i in ITEMS}
APPLICATIONS_BY_ID = {a["id"]: a for a in APPLICATIONS}
INFRAS_BY_ID = {i["id"]: i for i in INFRAS}


def items_named(application_id, name):
    """Every catalogue variant (one per storage infra for infra items) of one item name."""
    return [i for i in ITEMS if i["application_id"] == application_id and i["name"] == name]


def edition_matches(item, edition):
    """The API's edition filter: default 'standard', '*' for all, edition-less items always."""
    return edition == "*" or item["edition"] is None or item["edition"] == edition


def application_usages():
    usages = {}
    for item in ITEMS:
        usages.setdefault(item["application_id"], set()).add(item["usage_name"])
    return {app_id: sorted(names) for app_id, names in usages.items()}


for _app in APPLICATIONS:
    _app["usages"] = application_usages().get(_app["id"], [])
