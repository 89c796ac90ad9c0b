# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every acronis.cyber_cloud module."""

    DOCUMENTATION = r"""
options:
  datacenter_url:
    description:
      - Address of the Acronis Cyber Protect Cloud datacenter the API client belongs to, for example
        V(https://eu2-cloud.acronis.com). The API lives under C(/api/2) of it; a trailing C(/api/2) or C(/) is
        ignored.
      - A server there that does not answer like an Acronis datacenter (for example a 404 for the token
        request) fails the task with a message naming O(datacenter_url).
      - If not set, the value of the E(ACRONIS_DATACENTER_URL) environment variable is used.
      - Required from one of the two.
    type: str
  client_id:
    description:
      - Id of the API client (created in the management portal under C(Settings > API clients)).
      - If not set, the value of the E(ACRONIS_CLIENT_ID) environment variable is used.
      - Required from one of the two.
    type: str
  client_secret:
    description:
      - Secret of the API client. Never shown in output, diffs or logs.
      - If not set, the value of the E(ACRONIS_CLIENT_SECRET) environment variable is used.
      - Required from one of the two.
    type: str
  validate_certs:
    description:
      - Whether to verify the datacenter's TLS certificate. Set V(false) only for test systems with
        self-signed certificates; a warning is then shown.
      - If not set, the value of the E(ACRONIS_VALIDATE_CERTS) environment variable is used, else V(true).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the datacenter to connect and to answer each request.
    type: int
    default: 30
notes:
  - The task runs in the Ansible controller through an action plugin of the same name, so no module
    is copied to the managed hosts; C(hosts) can be any group, and the Python library C(requests)
    is needed on the controller only.
  - An access token is requested once per playbook run and API client, shared between forks
    through a file readable only by the current user in Ansible's private temporary folder, and
    renewed before it expires.
  - "Set the connection options once with C(module_defaults: {group/acronis.cyber_cloud.acronis: {...}}),
    with the variables C(acronis_datacenter_url), C(acronis_client_id), C(acronis_client_secret),
    C(acronis_validate_certs) and C(acronis_timeout) (inventory, play or extra variables; used for an option
    the task and module_defaults leave out), or with the E(ACRONIS_*) environment variables."
  - When the variable C(acronis_compare_only) is true, every acronis task runs in check mode with diff,
    whatever the command line says; the C(acronis.cyber_cloud.report) playbook uses it for its drift report.
requirements:
  - requests >= 2.25 (on the Ansible controller)
"""

    # The same connection for the inventory plugin: plugin options read the environment themselves.
    INVENTORY = r"""
options:
  datacenter_url:
    description:
      - Address of the datacenter the API client belongs to, for example V(https://eu2-cloud.acronis.com).
    type: str
    env:
      - name: ACRONIS_DATACENTER_URL
  client_id:
    description: Id of the API client (management portal, C(Settings > API clients)).
    type: str
    env:
      - name: ACRONIS_CLIENT_ID
  client_secret:
    description:
      - Secret of the API client. May be a template (a lookup, a vaulted value); it is never cached or shown.
    type: str
    env:
      - name: ACRONIS_CLIENT_SECRET
  validate_certs:
    description: Whether to verify the datacenter's TLS certificate.
    type: bool
    default: true
    env:
      - name: ACRONIS_VALIDATE_CERTS
  timeout:
    description: Seconds to wait for the datacenter to connect and to answer each request.
    type: int
    default: 30
requirements:
  - requests >= 2.25 (on the Ansible controller)
"""
