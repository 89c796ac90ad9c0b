"""Usage reports: POST /reports, GET|DELETE /reports/{id}, GET /reports/{id}/stored[/{stored_id}],
GET /tenants/{id}/reports.

Sources (OpenAPI CreateReport, FetchReport, DeleteReport, FetchStoredReports, DownloadStoredReport,
FetchTenantReports, schemas reportPost/report/storedReportParams; Acronis' guides "Creating a usage
report", "Fetching stored reports", "Fetching a service usage using a stored report"; the
developer training's reports part):
- `recipients` is required only when `result_action` is `send` [DOC guide; the schema's `required`
  list is patched, see lenient_reports]; Acronis' own example scripts send `show_skus` and
  `hide_zero_usage` as the strings "true"/"false", which the service takes [OBS];
- a `once` report is generated at once: one stored report per format, `in_progress` then `saved`
  (after `report_ready_after_s` of /_sim/config; null = never completes, to test waiting) [INF
  timing]; a `monthly` report has no stored report until its first run and only `csv` and `html`
  formats (Acronis engineer on the developer forum) [DOC/OBS]; `send` mails the recipients (counted
  in emails_sent) and stores nothing [INF];
- the report period must not be in the future [DOC training]; `usage_summary` and `usage_daily`
  need a period, `usage_current` reports the current usage [DOC kinds];
- levels: `itself` the tenant, `direct_partners` it and its direct children, `all_customers` its
  whole subtree, `all_partners` its partners, `accounts` the whole subtree plus user accounts
  (personal tenants) [DOC level list];
- stored data: `json_v2_0` (and `json_v1`, same shape [INF]) is {"params": {kind, gen_date,
  begin_date, end_date (UNIX timestamps), name, report_level, report_type (numbers)}, "tenants":
  [tenant service usage objects]} as the guide describes it; `csv`/`csv_v2_0` carry the same usage
  one row per tenant and offering item with the columns in CSV_COLUMNS [INF: the real column set is
  not published in the document]; `html` is a plain table. Usage values are the current ones: the
  simulator keeps no history, so a summary's start and end values are equal [INF].
"""

import csv
import io
import json
import time
from datetime import date, datetime, timezone

from .errors import ApiError, bad_request, conflict, not_found
from .handlers_usage import usage_objects
from .store import new_id, now_iso

LEVELS = {"direct_partners": 1, "all_customers": 2, "accounts": 3, "all_partners": 4, "itself": 0}
# Numbers of the JSON report's params [DOC], usage_breakdown's (not listed there) [INF].
KINDS = {"usage_daily": 4, "usage_summary": 5, "usage_current": 8, "usage_breakdown": 9}
MONTHLY_FORMATS = ("csv", "html")
CSV_COLUMNS = ("tenant_id", "tenant_name", "tenant_kind", "parent_id", "user_login", "application_id",
               "edition", "offering_item", "usage_name", "measurement_unit", "infra_id",
               "quota_value", "quota_overage", "usage_value")
CONTENT_TYPES = {"csv": "text/csv", "csv_v2_0": "text/csv", "json_v1": "application/json",
                 "json_v2_0": "application/json", "html": "text/html"}


def lenient_reports(spec):
    """Patches for what Acronis' docs and example scripts show the report API accepts."""
    post = spec["components"]["schemas"]["reportPost"]
    post["required"] = [r for r in post["required"] if r != "recipients"]
    params = post["properties"]["parameters"]["properties"]
    for flag in ("show_skus", "hide_zero_usage"):
        params[flag] = {"oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}],
                        "description": params[flag].get("description", "")}


def _flag(value):
    return value is True or value == "true"


def _day(text, where):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise bad_request(f"{where} must be a date YYYY-MM-DD, not {text!r}.")


def _period(parameters, kind):
    period = parameters.get("period")
    today = datetime.now(timezone.utc).date()
    if period is None:
        if kind in ("usage_summary", "usage_daily"):
            raise bad_request(f"A report of kind '{kind}' needs parameters.period (start and end).")
        return today.replace(day=1).isoformat(), today.isoformat()
    start, end = (_day(period.get(k), f"parameters.period.{k}") for k in ("start", "end"))
    if start > end:
        raise bad_request("parameters.period: start is after end.")
    if end > today:
        raise bad_request(f"Report period must not be in the future (end {end}, today {today}).")
    return start.isoformat(), end.isoformat()


def create_report(ctx):
    body, store = ctx.body, ctx.store
    parameters = dict(body.get("parameters") or {})
    tenant = ctx.tenant(parameters.get("tenant_id"))
    kind, schedule = parameters["kind"], dict(body.get("schedule") or {})
    action, recipients = body.get("result_action"), list(body.get("recipients") or [])
    if action == "send" and not recipients:
        raise bad_request("recipients: required when result_action is send (the users to mail the "
                          "report to).")
    for user_id in recipients:
        ctx.user(user_id)
    formats = list(parameters.get("formats") or ["csv"])
    if schedule["type"] == "monthly" and set(formats) - set(MONTHLY_FORMATS):
        raise bad_request(f"Monthly reports are available in {', '.join(MONTHLY_FORMATS)} only.")
    start, end = _period(parameters, kind)
    parameters.update(tenant_id=tenant["id"], formats=formats, period={"start": start, "end": end},
                      hide_zero_usage=_flag(parameters.get("hide_zero_usage")),
                      show_skus=_flag(parameters.get("show_skus")))
    schedule.setdefault("enabled", True)
    report = {"id": new_id(), "version": 1, "result_action": action, "recipients": recipients,
              "parameters": parameters, "schedule": schedule,
              "generation_date": body.get("generation_date") or datetime.now(timezone.utc).date().isoformat(),
              "owner_tenant_id": ctx.home_id, "stored": []}
    if schedule["type"] == "once" and action == "save":
        for fmt in formats:
            report["stored"].append({"id": new_id(), "report_format": fmt, "created_at": now_iso(),
                                     "created_ts": time.time(), "data": _render(store, report, fmt)})
    elif action == "send":
        ctx.sim.stats.add("emails_sent", len(recipients))
    store.reports[report["id"]] = report
    store.changed()
    return 200, _report_view(report)


def _report_view(report):
    return {key: report[key] for key in ("id", "version", "result_action", "recipients", "parameters",
                                         "schedule", "generation_date")}


def _report(ctx):
    report = ctx.store.reports.get(ctx.path["report_id"])
    if report is None or not ctx.in_scope(report["parameters"]["tenant_id"]):
        raise not_found("Report", ctx.path["report_id"])
    return report


def get_report(ctx):
    return 200, _report_view(_report(ctx))


def delete_report(ctx):
    report = _report(ctx)
    version = ctx.q_int("version")
    if version != report["version"]:
        raise conflict(f"Version mismatch: report '{report['id']}' is at version {report['version']}, "
                       f"the request carried {version}.", code=1001)
    del ctx.store.reports[report["id"]]
    ctx.store.changed()
    return 204, None


def tenant_reports(ctx):
    tenant = ctx.tenant(ctx.path["tenant_id"])
    return 200, {"items": [r["id"] for r in ctx.store.reports.values()
                           if r["parameters"]["tenant_id"] == tenant["id"]]}


def _status(ctx, stored):
    ready_after = ctx.config.get("report_ready_after_s", 0)
    if ready_after is None or time.time() - stored["created_ts"] < ready_after:
        return "in_progress"
    return "saved"


def stored_reports(ctx):
    report = _report(ctx)
    items = []
    for stored in report["stored"]:
        status = _status(ctx, stored)
        entry = {"id": stored["id"], "report_format": stored["report_format"],
                 "created_at": stored["created_at"], "status": status}
        if status == "saved":
            entry["size"] = len(stored["data"].encode())
        items.append(entry)
    return 200, {"items": items}


def download_stored(ctx):
    report = _report(ctx)
    stored = next((s for s in report["stored"] if s["id"] == ctx.path["stored_report_id"]), None)
    if stored is None:
        raise not_found("Stored report", ctx.path["stored_report_id"])
    if _status(ctx, stored) != "saved":
        raise ApiError(404, f"Stored report '{stored['id']}' is not ready yet (in_progress).")
    return 200, RawBody(stored["data"].encode(), CONTENT_TYPES[stored["report_format"]])


class RawBody:
    """A response body that is not JSON: bytes with their content type (see app.Response)."""

    def __init__(self, data, content_type):
        self.data = data
        self.content_type = content_type


# ---------------------------------------------------------------------- report content
def _scope(store, tenant_id, level):
    """(tenant record, owner user or None) of every tenant the report's level covers."""
    root = store.tenants[tenant_id]
    if level == "itself":
        return [(root, None)]
    if level == "direct_partners":
        return [(root, None)] + [(child, None) for child in store.children(tenant_id)]
    tenants = store.subtree(tenant_id)
    if level == "all_partners":
        return [(rec, None) for rec in tenants if rec["kind"] == "partner" or rec["id"] == tenant_id]
    out = [(rec, None) for rec in tenants]
    if level == "accounts":
        for rec in tenants:
            for user in store.users_of(rec["id"]):
                personal = store.tenant(user["personal_tenant_id"] or "")
                if personal is not None:
                    out.append((personal, user))
    return out


def _rows(store, report):
    parameters = report["parameters"]
    rows = []
    for rec, user in _scope(store, parameters["tenant_id"], parameters["level"]):
        for usage in usage_objects(store, rec["id"]):
            if parameters["hide_zero_usage"] and not usage["value"]:
                continue
            rows.append((rec, user, usage))
    return rows


def _timestamp(day):
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())


def _render(store, report, fmt):
    parameters = report["parameters"]
    rows = _rows(store, report)
    if fmt.startswith("json"):
        root = store.tenants[parameters["tenant_id"]]
        data = {"params": {"kind": KINDS[parameters["kind"]], "report_type": KINDS[parameters["kind"]],
                           "report_level": LEVELS[parameters["level"]], "name": root["name"],
                           "gen_date": int(time.time()),
                           "begin_date": _timestamp(parameters["period"]["start"]),
                           "end_date": _timestamp(parameters["period"]["end"])},
                "tenants": [usage for _rec, _user, usage in rows]}
        return json.dumps(data, separators=(",", ":"))
    table = []
    for rec, user, usage in rows:
        quota = (usage.get("offering_item") or {}).get("quota") or {}
        table.append({"tenant_id": rec["id"], "tenant_name": rec["name"],
                      "tenant_kind": "user" if user else rec["kind"], "parent_id": rec["parent_id"],
                      "user_login": user["login"] if user else "",
                      "application_id": usage["application_id"], "edition": usage["edition"] or "",
                      "offering_item": usage["name"], "usage_name": usage["usage_name"],
                      "measurement_unit": usage["measurement_unit"],
                      "infra_id": usage.get("infra_id", ""),
                      "quota_value": "" if quota.get("value") is None else quota["value"],
                      "quota_overage": "" if quota.get("overage") is None else quota["overage"],
                      "usage_value": usage["value"]})
    if fmt == "html":
        head = "".join(f"<th>{c}</th>" for c in CSV_COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{row[c]}</td>" for c in CSV_COLUMNS) + "</tr>"
                       for row in table)
        return f"<table><tr>{head}</tr>{body}</table>"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()
