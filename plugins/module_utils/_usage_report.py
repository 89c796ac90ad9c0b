# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The usage report: acronis_usage_info's result -> one row per tenant (or user) and workload -> Markdown,
JSON, CSV and a PNG chart, each written to a temporary file and renamed, so no reader sees a partial file."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile

# The CSV's columns, in order (docs/usage.md explains each for a billing import).
CSV_COLUMNS = ("period_start", "tenant_id", "tenant_name", "tenant_kind", "parent_id", "host", "user_login",
               "usage_tenant_id", "workload", "item", "edition", "storage_id", "unit", "value", "quota",
               "overage", "percentage", "state")
CHART_NOTE = "chart not drawn: the Python library matplotlib is not installed on the controller"


def match_hosts(tenants, hosts, root_id):
    """{tenant id: inventory host} for the hosts found among `tenants`, and the hosts not found.

    `hosts` is {host: (tenant_name, tenant_parent)}; a parent is another host, a tenant uuid or name, or None
    (the root of what was read). Names are compared without regard to case, like the platform does."""
    by_id = {tenant["id"]: tenant for tenant in tenants}
    by_place = {(tenant.get("parent_id"), (tenant.get("name") or "").casefold()): tenant["id"] for tenant in tenants}
    by_name = {}
    for tenant in tenants:
        by_name.setdefault((tenant.get("name") or "").casefold(), []).append(tenant["id"])
    found, missing = {}, []

    def tenant_of(host, seen=()):
        if host in seen:
            return None
        name, parent = hosts[host]
        if parent is None:
            parent_id = root_id
        elif parent in hosts:
            parent_id = tenant_of(parent, seen + (host,))
        elif parent in by_id:
            parent_id = parent
        else:
            named = by_name.get(parent.casefold(), [])
            parent_id = named[0] if len(named) == 1 else None
        return by_place.get((parent_id, name.casefold())) if parent_id else None

    for host in hosts:
        tenant_id = tenant_of(host)
        if tenant_id:
            found.setdefault(tenant_id, host)  # two hosts for one tenant: the report names the first
        else:
            missing.append(host)
    return found, missing


def _row(tenant, host, user, view):
    owner = user or {}
    return {"period_start": view.get("range_start"), "tenant_id": tenant["id"], "tenant_name": tenant.get("name"),
            "tenant_kind": "user" if user else tenant.get("kind"), "parent_id": tenant.get("parent_id"),
            "host": host, "user_login": owner.get("login"),
            "usage_tenant_id": owner.get("personal_tenant_id") or tenant["id"], "workload": view["workload"],
            "item": view["item"], "edition": view.get("edition"), "storage_id": view.get("storage"),
            "unit": view["unit"], "value": view["value"], "quota": view["quota"], "overage": view["overage"],
            "percentage": view["percentage"], "state": view["state"]}


def build_usage_report(usage, hosts=None):
    """Rows of the inventory's tenants (all tenants read when `hosts` is empty) and their users."""
    tenants = usage.get("tenants") or []
    root_id = tenants[0]["id"] if tenants else None
    if hosts:
        chosen, missing = match_hosts(tenants, hosts, root_id)
    else:
        chosen, missing = {tenant["id"]: None for tenant in tenants}, []
    rows, listed = [], []
    for tenant in tenants:
        if tenant["id"] not in chosen:
            continue
        host = chosen[tenant["id"]]
        listed.append(dict(tenant, host=host))
        rows.extend(_row(tenant, host, None, view) for view in tenant["usages"])
        for user in tenant.get("users") or []:
            rows.extend(_row(tenant, host, user, view) for view in user["usages"])
    over = [row for row in rows if row["state"] == "over"]
    near = [row for row in rows if row["state"] == "near"]
    summary = "Usage: %d tenants, %d over a limit, %d near one (threshold %s %%)%s" % (
        len(listed), len({_who(row) for row in over}), len({_who(row) for row in near}), usage.get("threshold"),
        "; not found in the cloud: %s" % ", ".join(missing) if missing else "")
    return {"summary": summary, "threshold": usage.get("threshold"), "tenants": listed, "rows": rows,
            "over": [_label(row) for row in over], "near": [_label(row) for row in near], "not_found": missing}


def _who(row):
    return row["tenant_name"], row["user_login"]


def _label(row):
    who = "%s / %s" % (row["tenant_name"], row["user_login"]) if row["user_login"] else row["tenant_name"]
    return "%s: %s" % (who, row["item"])


def to_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row[key] is None else row[key] for key in CSV_COLUMNS})
    return out.getvalue()


def _cell(value):
    return "" if value is None else str(value).replace("|", "\\|")


def to_markdown(report, chart_note=None):
    lines = ["# Usage against quota", "", report["summary"], ""]
    if report["over"]:
        lines += ["Over a limit: " + "; ".join(report["over"]), ""]
    if report["near"]:
        lines += ["Near a limit: " + "; ".join(report["near"]), ""]
    lines += ["| Tenant | User | Workload | Item | Usage | Limit | % | State |", "|---|---|---|---|---|---|---|---|"]
    for tenant in report["tenants"]:
        entries = [(None, view) for view in tenant["usages"]]
        entries += [(user["login"], view) for user in tenant.get("users") or [] for view in user["usages"]]
        for login, view in entries:
            cells = (tenant.get("name"), login, view["workload"], view["item"], view["usage"], view["limit"],
                     view["percentage"], view["state"])
            lines.append("| %s |" % " | ".join(_cell(cell) for cell in cells))
    if report["not_found"]:
        lines += ["", "Not found in the cloud (not onboarded yet?): " + ", ".join(report["not_found"])]
    if chart_note:
        lines += ["", chart_note]
    return "\n".join(lines) + "\n"


def draw_chart(rows, path, top=10):
    """A bar chart of the `top` usages closest to their limits; False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return False
    ranked = sorted((row for row in rows if row["percentage"] is not None),
                    key=lambda row: row["percentage"], reverse=True)[:top]
    figure, axes = pyplot.subplots(figsize=(8, 1 + 0.4 * max(len(ranked), 1)))
    labels = [_label(row) for row in reversed(ranked)]
    values = [row["percentage"] for row in reversed(ranked)]
    colours = ["#c0392b" if value > 100 else "#e67e22" if row["state"] == "near" else "#27ae60"
               for value, row in zip(values, reversed(ranked))]
    axes.barh(labels, values, color=colours)
    axes.axvline(100, color="black", linewidth=0.8)
    axes.set_xlabel("% of quota used")
    axes.set_title("Tenants closest to their limits")
    figure.tight_layout()
    _replace(path, lambda handle: figure.savefig(handle, format="png"), binary=True)
    pyplot.close(figure)
    return True


def _replace(path, write, binary=False):
    folder = os.path.dirname(path)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(descriptor, "wb" if binary else "w", **({} if binary else {"newline": ""})) as handle:
            write(handle)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_usage_report(folder, name, report, chart=True):
    """<folder>/<name>.json, .csv, .md and (with matplotlib) .png; returns (paths, note or None)."""
    os.makedirs(folder, mode=0o750, exist_ok=True)
    paths = {suffix: os.path.join(folder, "%s.%s" % (name, suffix)) for suffix in ("json", "csv", "md", "png")}
    note = None
    if not chart:
        paths.pop("png")
    elif not draw_chart(report["rows"], paths["png"]):
        paths.pop("png")
        note = CHART_NOTE
    _replace(paths["json"], lambda handle: handle.write(json.dumps(report, indent=2, sort_keys=True) + "\n"))
    _replace(paths["csv"], lambda handle: handle.write(to_csv(report["rows"])))
    _replace(paths["md"], lambda handle: handle.write(to_markdown(report, note)))
    return paths, note
