#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_registration_token
short_description: An agent registration token for a tenant of Acronis Cyber Protect Cloud
version_added: 0.1.0
description:
  - Returns a registration token with which the Cyber Protection agent's setup program registers a machine in
    the tenant without anyone's password (docs/agent.md shows the installer's command lines).
  - One usable token per tenant and set of O(scopes) - a token of the tenant with the same scopes that stays valid
    for more than O(renew_within) seconds is reused; otherwise a new one, valid for O(expires_in) seconds, is
    created. Older tokens are left to expire.
  - The token is a secret. The task's result is hidden from the output, as with C(no_log), at every verbosity;
    register it and pass RV(token) on to the task that needs it, and give that task C(no_log) too.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Says whether a token would be created; returns a reusable token, never creates one.
  diff_mode:
    support: full
    description: The tenant, scopes and remaining lifetime wanted; never the token.
options:
  tenant:
    description: The tenant, by uuid or by a name unique in the API client's scope; defaults to the client's own.
    type: str
    aliases: [tenant_id]
  expires_in:
    description: Lifetime of a new token in seconds, at most one year (31536000). The default is 3 days, as in the
      console.
    type: int
    default: 259200
  renew_within:
    description:
      - A token that expires within this many seconds is not reused. From 0 to less than O(expires_in).
      - The default (one day) leaves a day to run the installers after the task.
    type: int
    default: 86400
  scopes:
    description:
      - Access scopes of the machines the token registers, as the API writes them, for example
        C(urn:acronis.com:tenant-id:<personal tenant uuid>:backup_agent_admin) to register them under a user.
      - Empty, machines are registered in the tenant.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: A registration token for the customer
  acronis.cyber_cloud.acronis_registration_token:
    tenant: Northwind Traders
  register: registration

- name: Install the agent with it
  ansible.builtin.command:
    argv: [/tmp/Cyber_Protection_Agent_for_Linux_x86_64.bin, -a, "--rain={{ acronis_datacenter_url }}",
           "--token={{ registration.token }}"]
  no_log: true
"""

RETURN = r"""
token:
  description: The registration token (three groups of four characters). Null in check mode when one would be created.
  returned: success
  type: str
token_id:
  description: The token's id in the API.
  returned: success
  type: int
expires_at:
  description: When the token expires (RFC 3339).
  returned: success
  type: str
tenant_id:
  description: Uuid of the tenant.
  returned: success
  type: str
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._registration import ensure_registration_token

OPERATION = Operation(
    argument_spec=dict(
        tenant=dict(type="str", aliases=["tenant_id"]),
        expires_in=dict(type="int", default=259200),
        renew_within=dict(type="int", default=86400),
        scopes=dict(type="list", elements="str", default=[]),
    ),
    run=ensure_registration_token,
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
