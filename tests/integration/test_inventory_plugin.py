"""The inventory plugin acronis.cyber_cloud.tenants over an estate made by hand (direct API calls, as the portal
would), with real ansible-inventory and ansible-playbook runs: the plugin's inventory and its export onboard with
no write, and the drift report names what was added behind the inventory's back."""

from __future__ import annotations

import json
import os
import subprocess

from tests.integration.playbook import BIN, COLLECTIONS, REPO, acronis_env, run_playbook
from tests.simulator import catalogue

BACKUP = catalogue.BACKUP_APP_ID
ACRONIS_STORAGE = catalogue.ACRONIS_STORAGE_ID
PARTNER_STORAGE = catalogue.PARTNER_STORAGE_ID
GB = 1024 ** 3
ZERO = "00000000-0000-0000-0000-000000000000"
PLAYBOOKS = REPO / "playbooks"
PER_WORKLOAD = ("pw_base_servers", "pw_base_vms", "pw_base_workstations", "pw_base_mobiles")


def _item(name, quota=None, infra_id=None, status=1):
    entry = {"application_id": BACKUP, "name": name, "status": status}
    if infra_id:
        entry["infra_id"] = infra_id
    if quota is not None:
        entry["quota"] = {"value": quota[0], "overage": quota[1], "version": 0}
    return entry


class Estate:
    """Builds tenants, users and quotas with plain API calls."""

    def __init__(self, api):
        self.api = api
        self.home = api.ok("GET", "/clients/%s" % api.conn["client_id"])["tenant_id"]

    def tenant(self, name, parent=None, kind="customer", **fields):
        body = dict(name=name, parent_id=parent or self.home, kind=kind, **fields)
        return self.api.ok("POST", "/tenants", 201, json=body)["id"]

    def items(self, tenant_id, *entries):
        """Switch items on with quotas, each with the version of its current quota."""
        current = self.api.ok("GET", "/tenants/%s/offering_items" % tenant_id, params={"edition": "*"})["items"]
        versions = {(item["name"], item.get("infra_id")): (item.get("quota") or {}).get("version", 0)
                    for item in current}
        for entry in entries:
            if "quota" in entry:
                entry["quota"]["version"] = versions.get((entry["name"], entry.get("infra_id")), 0)
        self.api.ok("PUT", "/tenants/%s/offering_items" % tenant_id, json={"offering_items": list(entries)})

    def user(self, tenant_id, login, roles, notifications=None, enabled=True, **contact):
        body = {"tenant_id": tenant_id, "login": login, "contact": dict(contact, email=login + "@example.com")}
        if notifications is not None:
            body["notifications"] = notifications
        if not enabled:
            body["enabled"] = False
        user = self.api.ok("POST", "/users", json=body)
        policies = [{"id": ZERO, "issuer_id": ZERO, "role_id": role, "tenant_id": tenant_id, "trustee_id": user["id"],
                     "trustee_type": "user", "version": 0} for role in roles]
        self.api.ok("PUT", "/users/%s/access_policies" % user["id"], json={"items": policies})
        return self.api.ok("GET", "/users/%s" % user["id"])

    def disable(self, tenant_id):
        tenant = self.api.ok("GET", "/tenants/%s" % tenant_id)
        self.api.ok("PUT", "/tenants/%s" % tenant_id, json={"enabled": False, "version": tenant["version"]})

    def production(self, tenant_id):
        pricing = self.api.ok("GET", "/tenants/%s/pricing" % tenant_id)
        self.api.ok("PUT", "/tenants/%s/pricing" % tenant_id, json={"mode": "production", "version": pricing["version"]})


def build_estate(api):
    """Every kind, nested resellers, each notification level and several roles, quotas in three editions,
    hard quotas, per-user quotas, a disabled tenant, unicode names and two names that slug the same."""
    estate = Estate(api)
    northwind = estate.tenant("Northwind Reseller", kind="partner", language="de", customer_id="P-1",
                              contact={"email": "partners@northwind.example", "firstname": "Nora"})
    estate.items(northwind, _item("pw_base_storage", infra_id=ACRONIS_STORAGE),
                 _item("pw_base_storage", infra_id=PARTNER_STORAGE), *[_item(name) for name in PER_WORKLOAD],
                 _item("pg_base_storage", infra_id=ACRONIS_STORAGE), _item("storage", infra_id=ACRONIS_STORAGE),
                 _item("servers"), _item("workstations", quota=(100, None)))
    estate.user(northwind, "northwind.admin", ["partner_admin"], ["quota", "backup_error", "backup_critical"])
    estate.user(northwind, "northwind.audit", ["readonly_admin"], [])
    south = estate.tenant("Northwind South", northwind, kind="partner", language="es")
    estate.items(south, _item("pw_base_storage", infra_id=ACRONIS_STORAGE), *[_item(name) for name in PER_WORKLOAD])
    tailspin = estate.tenant("Tailspin Toys", south, internal_tag="gold", ancestral_access=False)
    estate.items(tailspin, _item("pw_base_storage", (500 * GB, 50 * GB), ACRONIS_STORAGE),
                 _item("pw_base_servers", (10, 2)), _item("pw_base_workstations", (25, None)))
    estate.user(tailspin, "tailspin.all", ["backup_user"],
                ["quota", "backup_error", "backup_critical", "backup_warning", "backup_info", "backup_daily_report"])
    archive = estate.tenant("Archive", northwind, kind="folder")
    old = estate.tenant("Old Customer", archive)
    estate.disable(old)
    contoso = estate.tenant("Contoso", northwind, customer_id="CRM-1001",
                            contact={"email": "it@contoso.example", "phone": "+1 555 0100"})
    estate.production(contoso)
    estate.items(contoso, _item("pw_base_storage", (500 * GB, None), ACRONIS_STORAGE),
                 _item("pw_base_servers", (10, None)), _item("pw_base_workstations"))
    backup = estate.user(contoso, "contoso.backup", ["backup_user"],
                         ["backup_error", "backup_critical", "backup_warning", "quota"], firstname="Cee")
    estate.items(backup["personal_tenant_id"], _item("pw_base_storage", (100 * GB, None), ACRONIS_STORAGE))
    estate.user(contoso, "contoso.quiet", ["backup_user"], [])
    # Managing the other users' backups: the Protection administrator role instead of backup_user.
    estate.user(contoso, "contoso.manager", ["protection_admin"], ["backup_error"])
    estate.user(contoso, "contoso.custom", ["backup_user"], ["backup_info"])
    estate.user(contoso, "contoso.boss", ["company_admin"], ["maintenance"], enabled=False)
    estate.tenant("Contoso Paris", contoso, kind="unit")
    for name in ("Café Müller", "Cafe Muller", "東京"):
        cafe = estate.tenant(name, language="fr" if name != "東京" else "ja")
        estate.items(cafe, _item("storage", (2 * GB, None), ACRONIS_STORAGE), _item("servers", (3, None)))
    return estate


def ansible_inventory(workdir, source, env, *args, unparsed_failed=True):
    run_env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
    run_env.update(env, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"),
                   ANSIBLE_INVENTORY_UNPARSED_FAILED=str(unparsed_failed).lower(), ANSIBLE_NOCOLOR="1")
    return subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), *args], cwd=str(workdir), env=run_env,
                          capture_output=True, text=True, timeout=300, check=False)


def plain(value):
    """ansible-inventory's JSON without its markers of untrusted strings (values from the API are never templated)."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _report(run, name):
    return json.loads((run.workdir / "acronis-reports" / (name + ".json")).read_text())


def test_the_plugin_s_inventory_and_its_export_onboard_with_no_write_and_drift_names_strays(sim, api, tmp_path):
    build_estate(api)
    source = tmp_path / "estate.acronis.yml"
    source.write_text("plugin: acronis.cyber_cloud.tenants\ninclude_units: true\ncache: true\n"
                      "cache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % (tmp_path / "cache"))
    env = acronis_env(sim.conn)
    sim.admin.reset_stats()
    listed = ansible_inventory(tmp_path, source, env, "--list")
    assert listed.returncode == 0, listed.stderr
    stats = sim.admin.stats()
    inventory = plain(json.loads(listed.stdout))
    hostvars = inventory["_meta"]["hostvars"]

    # Batch reads only: token, client, tenants, users, offering items, storages.
    assert stats["writes"] == 0 and stats["total"] <= 7, stats["requests"]
    assert sim.conn["client_secret"] not in listed.stdout + listed.stderr
    for cached in (tmp_path / "cache").iterdir():
        assert sim.conn["client_secret"] not in cached.read_text()
    again = ansible_inventory(tmp_path, source, env, "--list")
    assert sim.admin.stats()["total"] == stats["total"], "the second listing is read from the cache"
    assert plain(json.loads(again.stdout)) == plain(json.loads(listed.stdout))
    assert inventory["acronis_resellers"]["hosts"] == ["northwind-reseller", "archive", "northwind-south"]
    customers = inventory["acronis_customers"]["hosts"]
    assert customers.index("contoso") < customers.index("contoso-paris")
    assert {"cafe-muller", "cafe-muller-2"} <= set(customers)
    assert hostvars["cafe-muller"]["tenant_name"] == "Café Müller"  # the older keeps the plain slug
    assert [h for h in customers if hostvars[h]["tenant_name"] == "東京"][0].startswith("tenant-")

    contoso = hostvars["contoso"]
    assert contoso["tenant_parent"] == "northwind-reseller"
    assert contoso["tenant_pricing_mode"] == "production" and contoso["tenant_customer_id"] == "CRM-1001"
    assert contoso["tenant_edition"] == "pck_per_workload"
    assert contoso["tenant_quotas"] == {"storage": "500 GB", "servers": 10, "workstations": "unlimited"}
    assert contoso["acronis_path"] == "Northwind Reseller/Contoso" and contoso["acronis_enabled"] is True
    users = {user["login"]: user for user in contoso["tenant_users"]}
    assert users["contoso.backup"]["manage_other_users"] is False
    assert users["contoso.manager"]["manage_other_users"] is True and "roles" not in users["contoso.manager"]
    assert users["contoso.backup"]["notifications"] == "errors_and_warnings"
    assert users["contoso.backup"]["quotas"] == {"storage": "100 GB"}
    assert users["contoso.quiet"]["notifications"] == "none" and users["contoso.quiet"]["quota_notifications"] is False
    assert "notifications" not in users["contoso.custom"]
    assert users["contoso.boss"] == dict(users["contoso.boss"], roles=["company_admin"], enabled=False)
    assert any("contoso.custom" in note for note in contoso["acronis_notes"])
    assert hostvars["tailspin-toys"]["tenant_quotas"]["storage"] == {"value": "500 GB", "overage": "50 GB"}
    assert hostvars["tailspin-toys"]["tenant_ancestral_access"] is False
    assert hostvars["old-customer"]["tenant_state"] == "disabled"
    assert hostvars["contoso-paris"]["tenant_kind"] == "unit"
    northwind = hostvars["northwind-reseller"]
    assert len(northwind["tenant_offerings"]) >= 2 and "tenant_parent" not in northwind

    # Round trip: onboarding the plugin's own inventory changes nothing and writes nothing.
    before = sim.admin.stats()["writes"]
    onboard = run_playbook(tmp_path / "onboard", PLAYBOOKS / "onboard.yml", conn=sim.conn, inventory=str(source))
    assert onboard.rc == 0, onboard.output
    assert sim.admin.stats()["writes"] == before
    assert _report(onboard, "onboarding")["counts"] == {"unchanged": len(hostvars)}

    # Export: a static inventory for git; onboarding it changes nothing either.
    exported = tmp_path / "exported"
    export = run_playbook(tmp_path / "export", PLAYBOOKS / "export.yml", conn=sim.conn, inventory=str(source),
                          extra_vars={"acronis_export_dir": str(exported)})
    assert export.rc == 0, export.output
    text = "".join(path.read_text() for path in exported.rglob("*.yml"))
    assert sim.conn["client_secret"] not in text and "password:" not in text
    assert "# left out: tenant_users contoso.custom: notifications" in text
    before = sim.admin.stats()["writes"]
    again = run_playbook(tmp_path / "onboard-export", PLAYBOOKS / "onboard.yml", conn=sim.conn,
                         inventory=str(exported))
    assert again.rc == 0, again.output
    assert sim.admin.stats()["writes"] == before
    assert _report(again, "onboarding")["counts"] == {"unchanged": len(hostvars)}

    # Behind the inventory's back: a tenant and a user. The drift report names both, and writes nothing.
    estate = Estate(api)
    estate.tenant("Shadow IT", estate.home)
    estate.user(hostvars["contoso"]["acronis_id"], "contoso.intruder", ["backup_user"])
    estate.items(hostvars["contoso"]["acronis_id"], _item("pw_base_vms", (4, None)))
    before = sim.admin.stats()["writes"]
    drift = run_playbook(tmp_path / "drift", PLAYBOOKS / "report.yml", conn=sim.conn, inventory=str(exported))
    assert drift.rc == 0, drift.output
    assert sim.admin.stats()["writes"] == before
    strays = _report(drift, "drift")["strays"]
    assert [tenant["name"] for tenant in strays["tenants"]] == ["Shadow IT"]
    assert [user["login"] for user in strays["users"]] == ["contoso.intruder"]
    assert [(item["path"], item["item"], item["limit"]) for item in strays["items"]] == [
        ("Northwind Reseller/Contoso", "pw_base_vms", 4)]

    # Offboarding the strays: check mode lists them and writes nothing; confirmed, it deletes them and nothing else.
    delete = {"acronis_offboard_strays": True, "acronis_offboard_confirm": "delete"}
    predicted = run_playbook(tmp_path / "strays-check", PLAYBOOKS / "offboard.yml", conn=sim.conn,
                             inventory=str(exported), extra_vars=delete, check=True)
    assert predicted.rc == 0, predicted.output
    assert sim.admin.stats()["writes"] == before
    tenants_before = {tenant["id"] for tenant in sim.admin.state()["tenants"] if not tenant.get("deleted_at")}
    removed = run_playbook(tmp_path / "strays", PLAYBOOKS / "offboard.yml", conn=sim.conn, inventory=str(exported),
                           extra_vars=delete)
    assert removed.rc == 0, removed.output
    state = sim.admin.state()
    gone = tenants_before - {tenant["id"] for tenant in state["tenants"] if not tenant.get("deleted_at")}
    # The stray tenant, and the stray user's personal tenant (named after its login), which goes with the user.
    assert {tenant["name"] for tenant in state["tenants"] if tenant["id"] in gone} == {"Shadow IT", "contoso.intruder"}
    alive = {user["login"] for user in state["users"] if not user.get("deleted_at")}
    assert "contoso.intruder" not in alive and {"contoso.backup", "northwind.admin", "outside.user"} <= alive
    assert _report(removed, "offboarding")["strays"]["tenants"][0]["name"] == "Shadow IT"


def _source(tmp_path, name, **options):
    path = tmp_path / (name + ".acronis.yml")
    path.write_text(json.dumps(dict({"plugin": "acronis.cyber_cloud.tenants"}, **options)))
    return path


def test_bad_input_and_faults_give_one_clear_line_and_never_part_of_the_estate(sim, api, tmp_path):
    estate = Estate(api)
    reseller = estate.tenant("Reseller", kind="partner")
    for number in range(3):
        estate.tenant("Customer %d" % number, reseller)
    outside = next(tenant["id"] for tenant in sim.admin.state()["tenants"] if tenant["name"] == "Other Distributor")
    env = acronis_env(sim.conn)
    wrong = {
        "root: no tenant named 'Nobody' in the API client's scope": (_source(tmp_path, "name", root="Nobody"), env),
        "root: tenant %s is outside the API client's scope" % outside: (_source(tmp_path, "scope", root=outside), env),
        "no answer from http://127.0.0.1:9 (": (_source(tmp_path, "down", datacenter_url="http://127.0.0.1:9"), env),
        "authentication failed for client_id %s" % sim.conn["client_id"]: (
            _source(tmp_path, "secret"), dict(env, ACRONIS_CLIENT_SECRET="not-the-secret-4711")),
        "kinds: tenant not allowed": (_source(tmp_path, "kinds", kinds=["tenant"]), env),
        "Could not set broken for host": (_source(tmp_path, "compose", strict=True,
                                                  compose={"broken": "tenant_nothing.missing"}), env),
    }
    for line, (source, run_env) in wrong.items():
        run = ansible_inventory(tmp_path, source, run_env, "--list")
        assert run.returncode != 0 and line in run.stderr, (line, run.stderr)
        assert run_env["ACRONIS_CLIENT_SECRET"] not in run.stdout + run.stderr
    # Where ansible goes on without a failed source, none of its hosts is left behind (a strict expression failed
    # at the last host, after the others were added).
    static = tmp_path / "static.yml"
    static.write_text("all:\n  hosts:\n    elsewhere: {}\n")
    last = _source(tmp_path, "last", strict=True,
                   compose={"broken": "undefined_thing if tenant_name == 'Customer 2' else 1"})
    mixed = ansible_inventory(tmp_path, static, env, "-i", str(last), "--list", unparsed_failed=False)
    listed = plain(json.loads(mixed.stdout))
    assert mixed.returncode == 0 and listed["ungrouped"]["hosts"] == ["elsewhere"], mixed.stdout
    assert "Could not set broken for host customer-2" in mixed.stderr and not listed["_meta"]["hostvars"]
    assert "acronis_customers" not in listed and "acronis_resellers" not in listed

    # Without strict a failing expression only leaves that variable out, as with ansible's constructed plugin.
    lenient = ansible_inventory(tmp_path, _source(tmp_path, "lenient", compose={"broken": "tenant_nothing.missing",
                                                                                "upper": "tenant_name | upper"}),
                                env, "--list")
    hostvars = plain(json.loads(lenient.stdout))["_meta"]["hostvars"]
    assert hostvars["customer-0"]["upper"] == "CUSTOMER 0" and "broken" not in hostvars["customer-0"]

    # Throttling and server errors: the whole estate after the client's retries, or a failure - never a part.
    complete = set(hostvars)
    sim.admin.faults(rate_429=0.3, retry_after_s=0, rate_5xx=0.2)
    flaky = ansible_inventory(tmp_path, _source(tmp_path, "flaky"), env, "--list")
    assert flaky.returncode == 0, flaky.stderr
    assert set(plain(json.loads(flaky.stdout))["_meta"]["hostvars"]) == complete
    sim.admin.faults(once=[{"match": "GET /api/2/tenants/offering_items", "fault": "502", "count": 10}])
    broken = ansible_inventory(tmp_path, _source(tmp_path, "broken"), env, "--list")
    assert broken.returncode != 0 and "GET /tenants/offering_items: 502" in broken.stderr, broken.stderr
    assert "customer-0" not in broken.stdout
