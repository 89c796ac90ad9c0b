"""How records look on the wire: tenant, user and offering item objects at each level of detail."""

import copy

_TENANT_FULL = ("customer_type", "customer_id", "internal_tag", "language", "owner_id",
                "default_idp_id", "brand_id", "brand_uuid", "ancestral_access", "mfa_status",
                "pricing_mode", "production_start_date", "external_operation_status")

_USER_STAMPS = ("id", "version", "tenant_id", "created_at", "updated_at", "deleted_at",
                "origin_id", "origin_external_id", "disable_after")
_USER_FULL = ("contact", "activated", "language", "business_types", "notifications", "idp_id",
              "mfa_status", "terms_accepted")


def tenant_view(store, rec, lod="full", offering_items=None, embed_path=False):
    out = {"id": rec["id"], "parent_id": rec["parent_id"], "version": rec["version"],
           "created_at": rec["created_at"], "updated_at": rec["updated_at"],
           "deleted_at": rec["deleted_at"]}
    if offering_items is not None:
        # Only batch listings (GET /tenants) carry these two keys; their schema requires them.
        out["contacts"] = []
        out["offering_items"] = offering_items
    if lod in ("basic", "full"):
        out.update(name=rec["name"], kind=rec["kind"], enabled=rec["enabled"])
    if lod == "full":
        for key in _TENANT_FULL:
            out[key] = rec[key]
        out["contact"] = copy.deepcopy(rec["contact"])
        out["contacts"] = []
        out["update_lock"] = dict(rec["update_lock"])
        out["brand_enabled"] = False
        out["has_children"] = store.has_children(rec["id"])
        out["barrier"] = 0
        out["settings"] = {"enhanced_security": rec["enhanced_security"]}
    if embed_path:
        out["path"] = [store.tenants[tid]["name"] for tid in reversed(store.ancestors(rec["id"]))]
    return out


def user_view(store, rec, lod="full", policies=None):
    out = {key: rec[key] for key in _USER_STAMPS}
    if lod in ("basic", "full"):
        out.update(personal_tenant_id=rec["personal_tenant_id"], login=rec["login"],
                   enabled=rec["enabled"])
    if lod == "full":
        for key in _USER_FULL:
            out[key] = copy.deepcopy(rec[key])
        out["tenant_kind"] = store.tenants[rec["tenant_id"]]["kind"]
        if rec["external_id"] is not None:
            out["external_id"] = rec["external_id"]
    if policies is not None:
        out["access_policies"] = policies
    return out


def item_view(item, tenant_id, state, locked=False):
    """One offering item of a tenant; disabled and feature items carry no quota (docs/api-notes.md, Offering items)."""
    state = state or {"status": 0, "updated_at": None}
    out = {"application_id": item["application_id"], "name": item["name"],
           "edition": item["edition"], "usage_name": item["usage_name"], "tenant_id": tenant_id,
           "status": state["status"], "locked": locked, "type": item["type"],
           "measurement_unit": item["measurement_unit"], "deleted_at": None}
    if state.get("updated_at"):
        out["updated_at"] = state["updated_at"]
    if "infra_id" in item:
        out["infra_id"] = item["infra_id"]
    if state["status"] == 1 and item["type"] != "feature":
        out["quota"] = {"value": state["value"], "overage": state["overage"],
                        "version": state["version"]}
    return out
