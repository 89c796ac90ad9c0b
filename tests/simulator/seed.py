"""Seeds: the state a fresh (or reset) simulator starts from.

    root
    |-- Ansible Distributor  (partner; home tenant of the printed API client; every item on)
    `-- Other Distributor    (partner; outside the client's scope; user 'outside.user')

Ids and client secrets are drawn once per start (or restored from --state) and kept by
/_sim/reset, so the credentials printed at start stay valid.
"""

import secrets
from datetime import datetime, timezone

from . import catalogue
from .store import new_id, now_iso

HOME_TENANT_NAME = "Ansible Distributor"
OTHER_TENANT_NAME = "Other Distributor"
OUTSIDE_LOGIN = "outside.user"
SEEDS = ("default", "demo")


def new_secret(client_id):
    """A secret such that len("client_id:secret") % 3 == 2.

    The spec's pattern for the token endpoint's Basic header demands exactly one '=' of base64
    padding, which only such lengths produce.
    """
    secret = secrets.token_hex(20)  # 40 characters
    while (len(client_id) + 1 + len(secret)) % 3 != 2:
        secret = secret[:-1]
    return secret


def new_identities():
    home_client, other_client = new_id(), new_id()
    return {
        "root_id": new_id(), "home_id": new_id(), "other_id": new_id(),
        "outside_user_id": new_id(), "default_idp_id": new_id(),
        "home_client_id": home_client, "home_client_secret": new_secret(home_client),
        "other_client_id": other_client, "other_client_secret": new_secret(other_client),
    }


def new_contact(given=None):
    given = given or {}
    now = now_iso()
    contact = {"id": new_id(), "created_at": now, "updated_at": now, "types": [], "email": "",
               "address1": None, "address2": None, "country": None, "state": None, "city": None,
               "zipcode": None, "phone": None, "firstname": None, "lastname": None, "title": None,
               "website": None, "industry": None, "organization_size": None,
               "email_confirmed": None, "aan": None, "fax": None, "language": None}
    merge_contact(contact, given)
    return contact


def merge_contact(contact, given):
    for key, value in given.items():
        if key in ("tenant_id", "user_id", "id"):
            continue
        contact[key] = "" if key == "email" and value is None else value
    contact["updated_at"] = now_iso()


def trial_end(when=None):
    """When a trial that starts now becomes production: at the start of the month after one full month
    (the platform switches a tenant "when it remains in trial mode for one full month"; a trial started
    on the 1st ends with that month, as Acronis' legacy trial-end example script computes) [INF]."""
    when = when or datetime.now(timezone.utc)
    months = 1 if when.day == 1 else 2
    year, month = divmod(when.month - 1 + months, 12)
    return datetime(when.year + year, month + 1, 1, tzinfo=timezone.utc).isoformat()


def tenant_record(store, name, kind, parent_id, tenant_id=None, **fields):
    """A tenant with the defaults the API shows on creation (docs/api-notes.md, Creating a tenant)."""
    now = now_iso()
    tenant_id = tenant_id or new_id()
    parent = store.tenants.get(parent_id)
    production = kind in ("root", "partner", "folder") or (
        kind == "unit" and parent is not None and parent["pricing_mode"] == "production")
    rec = {
        "id": tenant_id, "name": name, "kind": kind, "parent_id": parent_id or tenant_id,
        "enabled": True, "version": 1, "customer_type": "default", "customer_id": None,
        "internal_tag": None, "language": "en", "contact": new_contact(), "owner_id": None,
        "ancestral_access": True, "update_lock": {"enabled": False, "owner_id": None},
        "mfa_status": "disabled", "pricing_mode": "production" if production else "trial",
        "production_start_date": now if production else trial_end(), "currency": None,
        "pricing_version": store.next_quota_version(), "enhanced_security": False,
        "default_idp_id": store.identities.get("default_idp_id") or new_id(),
        "brand_id": 1, "brand_uuid": parent["brand_uuid"] if parent else new_id(),
        "external_operation_status": None, "created_at": now, "updated_at": now,
        "deleted_at": None, "seq": store.next_seq(), "created_ts": 0.0,
    }
    rec.update(fields)
    return rec


def user_record(store, tenant_id, login, contact, user_id=None, **fields):
    now = now_iso()
    rec = {
        "id": user_id or new_id(), "tenant_id": tenant_id, "login": login,
        "contact": new_contact(contact), "enabled": True, "activated": False, "version": 1,
        "language": "en", "business_types": [],
        "notifications": ["quota", "reports", "backup_daily_report"],
        "personal_tenant_id": None, "idp_id": store.identities.get("default_idp_id"),
        "external_id": None, "mfa_status": "disabled", "origin_id": None,
        "origin_external_id": None, "disable_after": None, "terms_accepted": False,
        "created_at": now, "updated_at": now, "deleted_at": None, "seq": store.next_seq(),
        "created_ts": 0.0, "activation_emails": 0, "password_hash": None,
    }
    rec.update(fields)
    return rec


def _enable_everything(store, tenant_id):
    for key in catalogue.ITEMS_BY_KEY:
        store.set_item(tenant_id, key, 1)
    for app in catalogue.APPLICATIONS:
        store.bind(tenant_id, app["id"])


def _add_client(store, client_id, secret, tenant_id, name):
    store.clients[client_id] = {
        "client_id": client_id, "client_secret": secret, "tenant_id": tenant_id,
        "name": name, "created_at": now_iso(), "last_access_at": None,
        "last_access_from_ip": None}


def build(store, identities, seed="default"):
    """Fill an empty store with the seed. `demo` is the same world as `default` [INF]."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
    ids = identities
    store.clear()
    store.identities = dict(ids)
    root = tenant_record(store, "root", "root", None, ids["root_id"])
    store.add_tenant(root)
    for tenant_id, name in ((ids["home_id"], HOME_TENANT_NAME),
                            (ids["other_id"], OTHER_TENANT_NAME)):
        rec = tenant_record(store, name, "partner", root["id"], tenant_id)
        rec["contact"] = new_contact({"email": f"admin@{name.split()[0].lower()}.example"})
        store.add_tenant(rec)
    for tenant_id in (ids["root_id"], ids["home_id"], ids["other_id"]):
        _enable_everything(store, tenant_id)
    store.add_user(user_record(store, ids["other_id"], OUTSIDE_LOGIN,
                               {"email": "outside.user@other.example", "firstname": "Outside",
                                "lastname": "User"},
                               user_id=ids["outside_user_id"], activated=True))
    _add_client(store, ids["home_client_id"], ids["home_client_secret"], ids["home_id"],
                "ansible-collection")
    _add_client(store, ids["other_client_id"], ids["other_client_secret"], ids["other_id"],
                "other-distributor")
    store.changed()
