#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_user_info
short_description: Read users of Acronis Cyber Protect Cloud with their roles and activation state
version_added: 0.1.0
description:
  - Returns one user by O(user_id), the user with O(login), or every user of a tenant (all pages), each with
    its roles, notification settings and whether the account is activated.
  - Never changes anything, so it is safe in check mode and in drift reports.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Reads in check mode too.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  user_id:
    description:
      - Uuid of the user to read.
    type: str
  login:
    description:
      - Login of the user to read, compared without regard to case.
      - Without O(tenant) or O(tenant_id) the user is looked for in the whole scope of the API client through
        the search index, which may miss a user created seconds ago; with them, the tenant's users are listed
        (its user ids, then those users, 100 a request; users of its sub-tenants are not included).
    type: str
  tenant:
    description:
      - Tenant whose users are read, by uuid or by a name unique in the API client's scope.
      - Without O(login), every user of the tenant is returned.
    type: str
  tenant_id:
    description:
      - Uuid of the tenant whose users are read.
    type: str
"""

EXAMPLES = r"""
- name: Read one user by login
  acronis.cyber_cloud.acronis_user_info:
    login: backup.contoso
  register: found

- name: Fail when the user has not activated the account yet
  ansible.builtin.assert:
    that: found.users[0].activated

- name: Every user of a customer
  acronis.cyber_cloud.acronis_user_info:
    tenant: Contoso
  register: contoso_users

- name: Show logins and roles
  ansible.builtin.debug:
    msg: "{{ contoso_users.users | items2dict(key_name='login', value_name='roles') }}"
"""

RETURN = r"""
users:
  description: The users found; empty when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Uuid of the user.
      type: str
    login:
      description: Login.
      type: str
    tenant_id:
      description: Uuid of the user's tenant.
      type: str
    personal_tenant_id:
      description: Uuid of the user's personal tenant (users of customers and units).
      type: str
    email:
      description: E-mail address.
      type: str
    first_name:
      description: First name.
      type: str
    last_name:
      description: Last name.
      type: str
    phone:
      description: Phone number.
      type: str
    language:
      description: Language code.
      type: str
    enabled:
      description: Whether the user is enabled.
      type: bool
    activated:
      description: Whether the account is activated.
      type: bool
    roles:
      description: Role ids, sorted.
      type: list
      elements: str
    manage_other_users:
      description: Whether the user holds C(protection_admin).
      type: bool
    notifications:
      description: The backup notification level (none, errors, errors_and_warnings, all) whose C(backup_*)
        values the user has exactly, or C(custom) when no level has them (for example the API's default list).
      type: str
    quota_notifications:
      description: Whether quota notifications are on.
      type: bool
    notification_values:
      description: Every notification type the user receives.
      type: list
      elements: str
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._users import user_info

OPERATION = Operation(
    argument_spec=dict(
        user_id=dict(type="str"),
        login=dict(type="str"),
        tenant=dict(type="str"),
        tenant_id=dict(type="str"),
    ),
    run=user_info,
    mutually_exclusive=[("tenant", "tenant_id"), ("user_id", "login"), ("user_id", "tenant"),
                        ("user_id", "tenant_id")],
    required_one_of=[("user_id", "login", "tenant", "tenant_id")],
    read_only=True,
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
