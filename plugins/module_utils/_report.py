# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding report: every tenant's record (role variable tenant_onboarding) as JSON and Markdown.

Plain data in, files out; no Ansible. The records never hold secrets (the role leaves passwords out).
"""

from __future__ import annotations

import json
import os
import tempfile

NOT_RUN_REASON = "stopped before onboarding (see the failure of this host above)"
# Statuses in the order summaries list them.
STATUSES = ("created", "updated", "unchanged", "disabled", "suspended", "deleted", "absent", "skipped", "failed",
            "not run")
CYCLE_REASON = "tenant_parent: the chain of parents loops back to this host or is deeper than 8 levels"
# The fields of a record; the role registers it as a task result, which has ansible's own keys too.
RECORD_KEYS = ("host", "name", "kind", "parent", "id", "status", "reason", "users", "quotas", "changes")


def build_report(hosts, records, names, title, compared_only, cycle=(), strays=None):
    """hosts: the run's hosts in order; records: {host: tenant_onboarding}; names: {host: tenant name}."""
    tenants = []
    for host in hosts:
        record = records.get(host)
        if record is None:
            failed = host in cycle
            record = {"host": host, "name": names.get(host, host), "status": "failed" if failed else "not run",
                      "reason": CYCLE_REASON if failed else NOT_RUN_REASON}
        tenants.append({key: record[key] for key in RECORD_KEYS if key in record})
    found = [tenant["status"] for tenant in tenants]
    order = list(STATUSES) + sorted(set(found) - set(STATUSES))
    counts = {status: found.count(status) for status in order if status in found}
    summary = "%s: %d tenants - %s" % (title, len(tenants),
                                       ", ".join("%d %s" % (count, status) for status, count in counts.items()))
    report = {"title": title, "check_mode": bool(compared_only), "tenants": tenants, "counts": counts,
              "summary": summary}
    if strays:
        report["strays"] = strays
    return report


def _cell(value):
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _quota_text(quota):
    hard = " (hard, +%s)" % quota.get("overage") if quota.get("hard") else ""
    return "%s %s%s [%s]" % (quota.get("workload"), quota.get("limit", "off"), hard,
                             quota.get("edition") or quota.get("item"))


def _user_text(user):
    state = "activated" if user.get("activated") else "not activated yet"
    quotas = "; own quotas: " + _quotas_text(user["quotas"]) if user.get("quotas") else ""
    return "- user `%s`: roles %s; %s%s" % (user["login"], ", ".join(user.get("roles") or []) or "none", state, quotas)


def _quotas_text(quotas):
    return ", ".join(_quota_text(quota) for quota in quotas.values())


def to_markdown(report):
    lines = ["# %s%s" % (report["title"], " (check mode: nothing was changed)" if report["check_mode"] else ""),
             "", report["summary"], "",
             "| Tenant | Kind | Parent | Status | Id | Users | Reason |", "|---|---|---|---|---|---|---|"]
    for tenant in report["tenants"]:
        users = ", ".join(user["login"] for user in tenant.get("users") or [])
        cells = [tenant.get(key) for key in ("name", "kind", "parent", "status", "id")] + [users, tenant.get("reason")]
        lines.append("| %s |" % " | ".join(_cell(cell) for cell in cells))
    verb = "would change" if report["check_mode"] else "changed"
    for tenant in report["tenants"]:
        details = [_user_text(user) for user in tenant.get("users") or []]
        if tenant.get("quotas"):
            details.append("- quotas: " + _quotas_text(tenant["quotas"]))
        for change in tenant.get("changes") or []:
            diff = ": " + json.dumps(change["diff"], sort_keys=True) if change.get("diff") else ""
            details.extend("- %s %s: %s" % (verb, change["what"], line) for line in change.get("summary") or [])
            details.append("- %s %s%s" % (verb, change["what"], diff))
        if details:
            lines += ["", "## %s" % tenant.get("name")] + details
    return "\n".join(lines + _strays_lines(report.get("strays"))) + "\n"


def _strays_lines(strays):
    """What exists below the managed root that the inventory does not describe, with where it is."""
    if not strays:
        return []
    lines = ["", "## Not in the inventory (below %s)" % (strays.get("root") or {}).get("name", "the root")]
    for tenant in strays.get("tenants") or []:
        state = "" if tenant.get("enabled", True) else ", disabled"
        lines.append("- tenant `%s` (%s, %s)%s" % (tenant["path"], tenant.get("kind"), tenant["id"], state))
    for user in strays.get("users") or []:
        lines.append("- user `%s` in `%s` (%s)" % (user.get("login"), user["path"], user["id"]))
    for item in strays.get("items") or []:
        lines.append("- offering item %s (%s, %s) in `%s`: %s" % (
            item["item"], item.get("workload"), item.get("edition") or "no edition", item["path"],
            json.dumps(item.get("limit"))))
    if len(lines) == 1:
        lines.append("- nothing")
    return lines


def write_report(folder, name, report):
    """Write <folder>/<name>.json and .md (folder 0750, files 0640, each replaced atomically)."""
    os.makedirs(folder, mode=0o750, exist_ok=True)
    paths = {}
    for suffix, text in (("json", json.dumps(report, indent=4, sort_keys=True) + "\n"), ("md", to_markdown(report))):
        path = os.path.join(folder, "%s.%s" % (name, suffix))
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".%s." % name)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
        paths[suffix] = path
    return paths
