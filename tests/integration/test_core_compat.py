"""What differs between ansible-core releases, seen from a role run (plugins/plugin_utils/_compat.py).

Before 2.19 `{{ omit }}` in a role variable templates to a placeholder string, not to "no value"; the
role must read it as not set on every release, at the top of a variable and inside one. (Only where the
role's argument spec takes any string: before 2.19 ansible-core's own check of the role's arguments sees
the placeholder, and refuses it for a key with choices or of another type; see the README.)
"""

from __future__ import annotations

import yaml

from tests.integration.test_onboard import ONBOARD


def test_omit_in_role_variables_and_inside_a_user_entry_means_not_set(runner, sim, tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"acronis_customers": {"hosts": {"omitting": {
        "tenant_name": "Omitting Customer",
        "tenant_language": "{{ omit }}",
        "tenant_contact": {"email": "it@omitting.example", "phone": "{{ omit }}"},
        "tenant_users": [{"login": "omitting.user", "email": "user@omitting.example",
                          "first_name": "{{ omit }}", "phone": "{{ omit }}"}],
    }}}}))
    run = runner.run(ONBOARD, inventory=str(inventory))
    assert run.rc == 0, run.output[-3000:]
    state = sim.admin.state()
    tenant = next(tenant for tenant in state["tenants"] if tenant["name"] == "Omitting Customer")
    user = next(user for user in state["users"] if user["login"] == "omitting.user")
    assert "omit_place_holder" not in repr(tenant) + repr(user) + run.output
    assert tenant["language"] == "en"
    rerun, writes = runner.writes_during(ONBOARD, inventory=str(inventory))
    assert rerun.rc == 0 and writes == 0, rerun.output[-3000:]
