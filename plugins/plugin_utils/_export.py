# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A static inventory for git from the hosts' tenant_* variables: hosts.yml plus group_vars/ for values every
host of a group shares, in the format of docs/inventory.md. Plain data in, files out. Controller side only (in
plugin_utils): it writes YAML with PyYAML, which ansible itself needs but a module's host may lack.

Only the role's variables (and the managed root) are written, never a password or a connection option. The
values are the inventory's own, not templated: a template of a static inventory (such as a password taken from a
vault variable) is written as the same template; a string from the API that looks like one is written `!unsafe`,
so a tenant named "{{ ... }}" is never evaluated.
"""

from __future__ import annotations

import os
import tempfile

import yaml

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._estate import (
    CUSTOMERS, FACTS_PREFIX, NOTES, RESELLERS, ROOT_VARIABLE)
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._compat import is_trusted_as_template

GROUPS = (RESELLERS, CUSTOMERS)
# Values the role takes by default: writing them adds nothing.
ROLE_DEFAULTS = {"tenant_state": "present", "tenant_users": [], "tenant_quotas": {}, "tenant_offerings": [],
                 "tenant_quota_purge": False}
# Per host by nature: never moved to group_vars.
HOST_ONLY = ("tenant_name", "tenant_users")
# Keys of a tenant_users entry that are secrets.
SECRET_USER_KEYS = ("password",)
TEMPLATE_MARKERS = ("{{", "{%", "{#")


class _Unsafe(str):
    """A string ansible must not template."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))
# Strings of other str types (before ansible-core 2.19, the inventory plugin's values are AnsibleUnsafeText).
_Dumper.add_multi_representer(str, lambda dumper, value: dumper.represent_str(str.__str__(value)))


def plain(value):
    """Builtin types only (hostvars carry ansible's own str and dict types), template-like strings marked."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    text = str(value)
    return _Unsafe(text) if _looks_like_template(text) and not is_trusted_as_template(value) else text


def _looks_like_template(text):
    return any(marker in text for marker in TEMPLATE_MARKERS)


def exported_variables(variables, notes):
    """The host's role variables to write: tenant_* without role defaults, users without secrets (a password
    written as a template of a vault variable is a reference, not a secret, and stays)."""
    out = {}
    for key, value in variables.items():
        if not key.startswith("tenant_") or key == "tenant_onboarding" or ROLE_DEFAULTS.get(key, object()) == value:
            continue
        if key == "tenant_users":
            value = [_without_secrets(entry, notes) for entry in value]
        out[key] = plain(value)
    return out


def _without_secrets(entry, notes):
    kept = {}
    for key, value in entry.items():
        if key in SECRET_USER_KEYS and not (isinstance(value, str) and is_trusted_as_template(value)
                                            and _looks_like_template(value)):
            notes.append("tenant_users %s: %s, a secret; give it from a vault variable" % (entry.get("login"), key))
            continue
        kept[key] = value
    return kept


def shared_values(hosts):
    """{variable: value} that every host of the group has, with the same value (for two hosts or more)."""
    if len(hosts) < 2:
        return {}
    first = hosts[0]["vars"]
    return {key: value for key, value in first.items() if key not in HOST_ONLY
            and all(key in host["vars"] and host["vars"][key] == value for host in hosts[1:])}


def _dump(data, indent):
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=120)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(True))


def render(hosts, source):
    """{relative path: text}. `hosts`: [{"name", "group", "vars", "facts"}] in inventory order."""
    files = {}
    body = ["# Static inventory exported by acronis.cyber_cloud.export from %s." % source,
            "# One host is one tenant (docs/inventory.md); values every host of a group shares are in group_vars/.",
            "# Left out on purpose: passwords and API credentials (never exported), read-only facts (acronis_id,",
            "# acronis_path: shown as comments), and values that are the role's defaults.", ""]
    for group in GROUPS:
        members = []
        for host in hosts:
            if host["group"] == group:
                notes = list(host["facts"].get(NOTES) or [])
                members.append(dict(host, vars=exported_variables(host["vars"], notes), notes=notes))
        shared = shared_values(members)
        root = next((host["facts"].get(ROOT_VARIABLE) for host in members if host["facts"].get(ROOT_VARIABLE)), None)
        group_vars = dict(shared, **({ROOT_VARIABLE: root} if root else {}))
        header = "# Shared by every host of %s (exported by acronis.cyber_cloud.export).\n" % group
        if root:
            header += "# %s: the managed root, below which the drift report looks for tenants not in the inventory.\n" \
                      % ROOT_VARIABLE
        files[os.path.join("group_vars", group + ".yml")] = header + (_dump(group_vars, 0) if group_vars else "{}\n")
        body.append("%s:" % group)
        body.append("  hosts:" + ("" if members else " {}"))
        for host in members:
            facts = host["facts"]
            body.append("    %s:" % host["name"])
            if facts.get(FACTS_PREFIX + "id"):  # the id itself is the host's tenant_id
                body.append("      # %s%s" % (facts.get(FACTS_PREFIX + "path") or host["name"],
                                              "" if facts.get(FACTS_PREFIX + "enabled", True) else ", disabled"))
            for note in host["notes"]:
                body.append("      # left out: %s" % note)
            own = {key: value for key, value in host["vars"].items() if key not in shared}
            body.append(_dump(own, 6).rstrip("\n") if own else "      {}")
    files["hosts.yml"] = "\n".join(body) + "\n"
    return files


def write_files(folder, files):
    """Write every file or none: all are written to temporary files first, then each is moved into place."""
    staged = []
    try:
        for relative, text in files.items():
            path = os.path.join(folder, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".export.")
            staged.append((temporary, path))
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(temporary, 0o644)
    except BaseException:
        for temporary, _path in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    return sorted(path for _temporary, path in staged)
