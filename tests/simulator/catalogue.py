"""Seeded services, storage infrastructures and offering items of the simulated platform.

Names follow docs/api-notes.md, Offering items; ids are fixed so that a saved state file and the seed agree.
An item's identity is (application_id, name, infra_id); storage items exist once per storage infra.
"""

# Ids and api_base_url of the applications as in the OpenAPI document's applicationsList example.
BACKUP_APP_ID = "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb"
FILES_CLOUD_APP_ID = "dfd85a5f-a464-32ab-81fd-99bcc66a070f"
NOTARY_APP_ID = "f9c5744e-bd1a-36b6-b0f0-ecd7483e1796"
PLATFORM_APP_ID = "7459244f-68f3-3bf4-9f53-5f63ecc1d91f"

APPLICATIONS = [
    {"id": BACKUP_APP_ID, "name": "Cyber Protection", "type": "backup",
     "api_base_url": "/bc/", "usages": []},
    {"id": FILES_CLOUD_APP_ID, "name": "File Sync & Share", "type": "files_cloud",
     "api_base_url": "/fc/", "usages": []},
    {"id": NOTARY_APP_ID, "name": "Notary", "type": "notary",
     "api_base_url": "/notary/console", "usages": []},
    {"id": PLATFORM_APP_ID, "name": "Management Portal", "type": "platform",
     "api_base_url": "/mc/", "usages": []},
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
    "servers": ("count", "quantity"),
    "vms": ("count", "quantity"),
    "workstations": ("count", "quantity"),
    "mobiles": ("count", "quantity"),
    "web_hosting_servers": ("count", "quantity"),
    "websites": ("count", "quantity"),
    "mailboxes": ("count", "quantity"),
}

# edition -> name prefix of its items ("standard" is the legacy edition without a prefix; "bundled" is
# the edition of bndl_ items, docs/api-notes.md, Offering items [OBS]).
_EDITIONS = {"standard": "", "pck_per_workload": "pw_base_", "pck_per_gigabyte": "pg_base_",
             "bundled": "bndl_"}

# Item names that are not prefix + usage: Microsoft 365 seats of the package editions count mailboxes
# (docs/api-notes.md, Offering items [OBS]).
_RENAMED = {("pck_per_workload", "mailboxes"): "pw_base_m365_seats",
            ("pck_per_gigabyte", "mailboxes"): "pg_base_m365_seats"}


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
            infra_ids = [i["id"] for i in INFRAS] if item_type == "infra" else [None]
            for infra_id in infra_ids:
                name = _RENAMED.get((edition, usage), prefix + usage)
                items.append(_item(BACKUP_APP_ID, name, edition, usage, item_type, unit, infra_id))
    # Local backup is one feature of the service in no edition, as in the document's offeringItemList
    # example (edition null, type feature, unit n/a).
    items.append(_item(BACKUP_APP_ID, "local_storage", None, "local_storage", "feature", "n/a"))
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
        _item(NOTARY_APP_ID, "notary_storage", None, "notary_storage", "count", "bytes"),
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
