#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_tenant
short_description: Create, update, disable and delete tenants (resellers, customers, folders, units)
version_added: 0.1.0
description:
  - Makes one tenant of Acronis Cyber Protect Cloud look as described; a second run with the same
    options changes nothing.
  - A tenant is identified by O(tenant_id) or else by O(name) under O(parent). Names are unique among
    siblings without regard to case, so an existing C(contoso) is found (and renamed) for O(name=Contoso).
  - Only the options given are compared and only the differing fields are sent, with the tenant's
    current version. A concurrent change is re-read and the comparison redone once.
  - If the answer to a create is lost, or another run creates the same tenant first, the existing
    tenant is adopted instead of a second one being created.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Predicts the same C(changed) and diff as a real run without writing. A tenant that would be
      created gets a planned id (C(planned:...)) that later acronis tasks of the same check run understand.
  diff_mode:
    support: full
    description: Shows the user-facing fields before and after.
options:
  name:
    description:
      - Name of the tenant, shown in the management portal. At most 255 characters.
      - Required unless O(tenant_id) is given; with O(tenant_id), a different O(name) renames the tenant.
    type: str
  tenant_id:
    description:
      - Uuid of an existing tenant. Takes precedence over finding by O(name).
    type: str
  kind:
    description:
      - Kind of tenant. V(reseller) is the same as V(partner); a direct or end customer is V(customer).
      - Required to create a tenant. On an existing tenant only V(partner) <-> V(folder) can change.
    type: str
    choices: [partner, reseller, folder, customer, unit]
  parent:
    description:
      - The tenant to create this one under, by uuid or by a name that is unique in the API client's scope.
      - Defaults to the API client's own tenant (a direct customer or reseller).
      - With O(tenant_id), a different parent moves the tenant.
    type: str
    aliases: [parent_id]
  state:
    description:
      - V(present) creates or updates the tenant.
      - V(absent) disables and then deletes it (deleting needs a disabled tenant). A tenant with child
        tenants is refused unless O(cascade=true).
      - V(absent) for a tenant that does not exist (any more) changes nothing, whether it is given by
        O(tenant_id) or by O(name); a tenant outside the API client's scope still fails.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - V(false) disables the tenant and blocks access for all its users; V(true) enables it again.
      - Left as it is when not given.
    type: bool
  contact:
    description:
      - Contact of the tenant. Only the fields given are compared and changed.
    type: dict
    suboptions:
      email:
        description: E-mail address.
        type: str
      firstname:
        description: First name.
        type: str
        aliases: [first_name]
      lastname:
        description: Last name.
        type: str
        aliases: [last_name]
      phone:
        description: Phone number.
        type: str
      address1:
        description: First address line.
        type: str
      address2:
        description: Second address line.
        type: str
      city:
        description: City.
        type: str
      state:
        description: State or region.
        type: str
      zipcode:
        description: Postal code.
        type: str
      country:
        description: Country.
        type: str
      title:
        description: Title of the contact person.
        type: str
      website:
        description: Web site.
        type: str
      industry:
        description: Industry.
        type: str
      organization_size:
        description: Organization size, for example V(50-100).
        type: str
      fax:
        description: Fax number.
        type: str
  language:
    description:
      - Preferred language of the tenant, an Acronis language code such as V(en), V(de), V(pt-BR).
    type: str
  customer_id:
    description:
      - Identifier of the tenant in your billing or CRM system, for reports.
    type: str
  internal_tag:
    description:
      - Free text kept with the tenant (at most 256 characters); the platform does not interpret it.
    type: str
  pricing_mode:
    description:
      - V(trial), V(production) or V(suspended). Left as it is when not given.
      - New customers start in trial, units in the mode of their parent, partners and folders in production.
      - A tenant can go from trial to production, never back. V(trial) for a tenant that is (or, for a new
        partner or folder, would start) in production fails before anything is written.
      - V(suspended) keeps the tenant, its users and its data but blocks the use of its services (a customer who
        stopped paying); V(production) reactivates it. To block logins instead, use O(enabled=false); to remove
        the tenant, O(state=absent).
    type: str
    choices: [trial, production, suspended]
  services:
    description:
      - Services of the tenant to switch on (V(true)) or off (V(false)), by name - the type of the service's
        application as GET /applications lists it, such as V(backup), V(files_cloud) (File Sync & Share),
        V(notary). Services left out are left as they are.
      - Switching a service off stops it and its offering items in the tenant and in every tenant below it.
      - A tenant can have only services its parent has; an unknown name, V(platform=false) (the management portal)
        or a service the parent lacks fails before anything is written.
    type: dict
  enhanced_security:
    description:
      - Enhanced security (PCI DSS) mode. The API sets it only when the tenant is created, and it cannot be
        switched off.
      - For an existing tenant whose mode differs, the task fails before anything is written (V(false) for a
        tenant in that mode, or V(true) for one created without it). If the platform does not report the mode
        of an existing tenant, it is not compared and a warning says so.
    type: bool
  ancestral_access:
    description:
      - V(true) (the platform's default) lets the parent's administrators manage the tenant ("managed by
        service provider"); V(false) makes it self-service.
    type: bool
  cascade:
    description:
      - With O(state=absent), also delete the child tenants of the tenant.
    type: bool
    default: false
"""

EXAMPLES = r"""
# Connection options once for every acronis task of a block (or a play) with module_defaults.
- name: Onboard a reseller and an end customer
  module_defaults:
    group/acronis.cyber_cloud.acronis:
      datacenter_url: https://eu2-cloud.acronis.com
      client_id: "{{ vault_acronis_client_id }}"
      client_secret: "{{ vault_acronis_client_secret }}"
  block:
    - name: Reseller directly under the API client's tenant
      acronis.cyber_cloud.acronis_tenant:
        name: Reseller A
        kind: reseller
        contact:
          email: billing@reseller-a.example
          first_name: Ada
          last_name: Lovelace
      register: reseller

    - name: End customer of the reseller, in production pricing
      acronis.cyber_cloud.acronis_tenant:
        name: Contoso
        kind: customer
        parent: "{{ reseller.tenant.id }}"
        customer_id: CRM-1042
        language: de
        pricing_mode: production

- name: Rename a tenant
  acronis.cyber_cloud.acronis_tenant:
    tenant_id: 3f1c6f0e-2b1d-4c55-9a43-6b8e0b0c1d2e
    name: Contoso GmbH

- name: Disable a customer without deleting it
  acronis.cyber_cloud.acronis_tenant:
    name: Contoso GmbH
    parent: Reseller A
    enabled: false

- name: Delete a reseller and everything under it
  acronis.cyber_cloud.acronis_tenant:
    name: Reseller A
    state: absent
    cascade: true
"""

RETURN = r"""
tenant:
  description:
    - The tenant after the task (before it, for a deleted tenant; predicted, in check mode).
    - Empty when O(state=absent) and the tenant did not exist.
  returned: always
  type: dict
  contains:
    id:
      description: Uuid of the tenant (C(planned:...) for one a check-mode run would create).
      type: str
      sample: 3f1c6f0e-2b1d-4c55-9a43-6b8e0b0c1d2e
    name:
      description: Name.
      type: str
      sample: Contoso
    kind:
      description: Kind.
      type: str
      sample: customer
    parent_id:
      description: Uuid of the parent tenant.
      type: str
    enabled:
      description: Whether the tenant is enabled.
      type: bool
    language:
      description: Preferred language.
      type: str
    customer_id:
      description: External identifier.
      type: str
    internal_tag:
      description: Internal tag.
      type: str
    pricing_mode:
      description: C(trial), C(production) or C(suspended).
      type: str
    ancestral_access:
      description: Whether the parent's administrators can manage the tenant.
      type: bool
    services:
      description: With O(services), each service named there and whether it is on.
      returned: when O(services) is given
      type: dict
    enhanced_security:
      description: Whether the tenant is in enhanced security mode (null when the platform does not report it).
      type: bool
    mfa_status:
      description: Two-factor authentication status of the tenant.
      type: str
    has_children:
      description: Whether the tenant has child tenants.
      type: bool
    contact:
      description: The contact fields that are set.
      type: dict
outcome:
  description: What the task did to the tenant.
  returned: always
  type: str
  choices: [created, updated, unchanged, deleted, absent]
  sample: created
adopted:
  description: True when the tenant was found right after a name conflict or a lost answer and taken over
    instead of created again.
  returned: when the tenant existed
  type: bool
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._services import ensure_tenant_with_services

_CONTACT_OPTIONS = dict(
    email=dict(type="str"),
    firstname=dict(type="str", aliases=["first_name"]),
    lastname=dict(type="str", aliases=["last_name"]),
    phone=dict(type="str"),
    address1=dict(type="str"),
    address2=dict(type="str"),
    city=dict(type="str"),
    state=dict(type="str"),
    zipcode=dict(type="str"),
    country=dict(type="str"),
    title=dict(type="str"),
    website=dict(type="str"),
    industry=dict(type="str"),
    organization_size=dict(type="str"),
    fax=dict(type="str"),
)

OPERATION = Operation(
    argument_spec=dict(
        name=dict(type="str"),
        tenant_id=dict(type="str"),
        kind=dict(type="str", choices=["partner", "reseller", "folder", "customer", "unit"]),
        parent=dict(type="str", aliases=["parent_id"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        enabled=dict(type="bool"),
        contact=dict(type="dict", options=_CONTACT_OPTIONS),
        language=dict(type="str"),
        customer_id=dict(type="str"),
        internal_tag=dict(type="str"),
        pricing_mode=dict(type="str", choices=["trial", "production", "suspended"]),
        enhanced_security=dict(type="bool"),
        ancestral_access=dict(type="bool"),
        cascade=dict(type="bool", default=False),
        services=dict(type="dict"),
    ),
    run=ensure_tenant_with_services,
    required_one_of=[("name", "tenant_id")],
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
