# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: tenants
short_description: The tenants of an Acronis Cyber Protect Cloud estate as inventory hosts
version_added: 0.1.0
description:
  - Reads the tenants below a root tenant, with their users and offering items, and makes each tenant one host
    whose variables are the C(tenant_*) variables of the C(acronis.cyber_cloud.tenant) role. Onboarding that
    inventory with C(acronis.cyber_cloud.onboard) changes nothing; exporting it with C(acronis.cyber_cloud.export)
    gives a static inventory to keep in git.
  - Resellers and folders go to the group C(acronis_resellers), customers and units to C(acronis_customers),
    parents before their children. Host names are the tenant names as lower-case ASCII words joined by dashes
    (V(Contoso Ltd.) becomes V(contoso-ltd)); of two tenants whose names give the same host name, the older keeps
    it and the younger gets C(-2) (then C(-3), ...), so an added tenant never renames an existing host.
  - Besides the C(tenant_*) variables every host has read-only facts C(acronis_id), C(acronis_path) (tenant names
    from the root down), C(acronis_enabled) and C(acronis_created); C(acronis_notes) lists what was left out on
    purpose (such as notifications that match no level); C(acronis_root) is the root's uuid when O(root) is not
    the API client's tenant.
  - The estate is read with three batch reads (each paged), whatever its size - tenants, users and offering
    items of the subtree - plus one to name the storage locations. Any failed read (after the client's retries of
    429 and 5xx answers) fails the inventory source as a whole; no host is added from a partial read.
  - The client secret and access token are never part of the hosts, the cache or C(ansible-inventory --list).
  - The inventory file name must end in C(acronis.yml) or C(acronis.yaml).
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection.inventory
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; it identifies the file as its inventory source.
    required: true
    type: str
    choices: [acronis.cyber_cloud.tenants]
  root:
    description:
      - The tenant whose subtree becomes the inventory, by name (unique in the API client's scope) or uuid. The root
        itself is no host; its children are the hosts without C(tenant_parent).
      - Defaults to the API client's own tenant.
    type: str
  kinds:
    description:
      - Kinds of tenant that become hosts; V(reseller) is the same as V(partner). Units are added with
        O(include_units).
    type: list
    elements: str
    default: [partner, folder, customer]
  include_units:
    description: Also make the units of customers hosts (in C(acronis_customers), with C(tenant_kind=unit)).
    type: bool
    default: false
  include_names:
    description:
      - Shell-style patterns (V(Contoso*), V(*Reseller)); only tenants whose name matches one of them become hosts.
        Case is ignored. Empty means every tenant.
      - A tenant left out does not take its children with it; they name it as C(tenant_parent) by uuid.
    type: list
    elements: str
    default: []
  exclude_names:
    description: Shell-style patterns of tenant names that do not become hosts (case is ignored).
    type: list
    elements: str
    default: []
  include_users:
    description:
      - Describe each tenant's users in C(tenant_users) (login, contact, roles, notifications, their own quotas).
        V(false) leaves C(tenant_users) empty, so onboarding does not manage users.
    type: bool
    default: true
"""

EXAMPLES = r"""
# estate.acronis.yml - the whole estate of the API client's tenant; credentials from ACRONIS_* environment:
#   plugin: acronis.cyber_cloud.tenants

# reseller.acronis.yml - one reseller's customers, cached for an hour, grouped by edition
plugin: acronis.cyber_cloud.tenants
datacenter_url: https://eu2-cloud.acronis.com
client_id: 3f1c2b7e-0000-4000-8000-000000000000
client_secret: "{{ lookup('ansible.builtin.env', 'ACRONIS_CLIENT_SECRET') }}"
root: Northwind Reseller
kinds: [customer]
exclude_names: ["* (test)"]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/acronis-inventory
cache_timeout: 3600
keyed_groups:
  - key: tenant_edition | default('none')
    prefix: edition
compose:
  disabled: acronis_enabled is false
"""

from ansible.errors import AnsibleParserError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisError
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import client_from_params
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._estate import (
    check_selection, estate_hosts, read_estate)
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._compat import untrusted

CONNECTION_OPTIONS = ("datacenter_url", "client_id", "client_secret", "validate_certs", "timeout")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "acronis.cyber_cloud.tenants"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("acronis.yml", "acronis.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        hosts = None
        if use_cache and cache:
            hosts = self._cache.get(cache_key)
        if hosts is None:
            hosts = self._read_hosts()
            if use_cache:
                self._cache[cache_key] = hosts
        self._populate(hosts)

    def _read_hosts(self):
        try:
            check_selection(self.get_option("kinds"), self.get_option("include_names"),
                            self.get_option("exclude_names"))
            client = client_from_params(self._connection())
            estate = read_estate(client, self._templated("root"))
            return estate_hosts(estate, kinds=self.get_option("kinds"), include_units=self.get_option("include_units"),
                                include_names=self.get_option("include_names"),
                                exclude_names=self.get_option("exclude_names"),
                                include_users=self.get_option("include_users"))
        except AcronisError as exc:
            raise AnsibleParserError("%s: %s" % (self.NAME, exc)) from None

    def _connection(self):
        """The connection options, each from the file (templated: a secret may come from a lookup or a vault), else
        the ACRONIS_* environment as for the modules."""
        params = {option: self._templated(option) for option in CONNECTION_OPTIONS}
        if isinstance(params["validate_certs"], str):
            params["validate_certs"] = boolean(params["validate_certs"], strict=False)
        if isinstance(params["timeout"], str):
            params["timeout"] = int(params["timeout"]) if params["timeout"].isdigit() else params["timeout"]
        return params

    def _templated(self, option):
        value = self.get_option(option)
        if isinstance(value, str) and self.templar.is_possibly_template(value):
            value = self.templar.template(value)
        return value

    def _populate(self, hosts):
        """Add the hosts, with compose, groups and keyed_groups. When an expression fails (strict), the hosts and
        groups this source added are taken out again: the inventory gets all of the estate or none of it."""
        groups_before, hosts_before = set(self.inventory.groups), set(self.inventory.hosts)
        added = []
        strict = self.get_option("strict")
        try:
            for host in hosts:
                self.inventory.add_group(host["group"])
                if host["name"] not in hosts_before:
                    added.append(host["name"])
                self.inventory.add_host(host["name"], group=host["group"])
                variables = {key: untrusted(value) for key, value in host["vars"].items()}
                for key, value in variables.items():
                    self.inventory.set_variable(host["name"], key, value)
                self._set_composite_vars(self.get_option("compose"), variables, host["name"], strict=strict)
                self._add_host_to_composed_groups(self.get_option("groups"), variables, host["name"], strict=strict)
                self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host["name"], strict=strict)
        except Exception:
            for name in added:
                self.inventory.remove_host(self.inventory.get_host(name))
            for name in set(self.inventory.groups) - groups_before:
                self.inventory.remove_group(self.inventory.groups[name])
            raise
