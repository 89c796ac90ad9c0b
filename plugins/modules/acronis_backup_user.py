#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acronis_backup_user
short_description: Create, update and delete backup users with their roles, notifications and activation
version_added: 0.1.0
description:
  - Makes one user of Acronis Cyber Protect Cloud look as described, covering the settings of a
    billing or control panel's "new backup account" form; a second run with the same options changes
    nothing.
  - A user is identified by O(login), which is unique on the whole platform (compared without regard
    to case), inside the tenant given by O(tenant) or O(tenant_id).
  - A login already held by a user of another tenant fails instead of moving that user, and a login held
    by a user outside the API client's scope fails with a message saying so.
  - Only the options given are compared and only the differing fields are sent, with the user's current
    version. Roles are replaced as a whole set, and only when they differ.
  - If the answer to a create is lost, or another run creates the same user first, the existing user is
    adopted instead of a second one being created.
  - With O(tenant_id) given, a run that changes nothing costs two API calls (the tenant's user ids, then
    those users with their roles, 100 per call); users of other tenants are never adopted.
author:
  - Acronis Cyber Cloud collection maintainers (@acronis-cyber-cloud)
extends_documentation_fragment:
  - acronis.cyber_cloud.connection
attributes:
  check_mode:
    support: full
    description: Predicts the same C(changed) and diff as a real run without writing. A O(tenant_id) planned
      by an earlier check-mode acronis_tenant task (C(planned:...)) means the user would be created.
  diff_mode:
    support: full
    description: Shows the user-facing fields before and after; a password that would be set shows as C(********).
options:
  login:
    description:
      - "Login of the user (the portal's C(username)). At least 3 characters out of ASCII letters, digits and
        C(. @ _ - + : ! # $ % ^ * = { } ' ` / ?); an e-mail address may be used."
      - Unique on the whole platform. The module never renames a login; a different case of an existing
        login finds that user.
    type: str
    required: true
  tenant:
    description:
      - The tenant the user belongs to, by uuid or by a name unique in the API client's scope (the seeds'
        "parent account").
      - Exactly one of O(tenant) and O(tenant_id) is required.
    type: str
  tenant_id:
    description:
      - Uuid of the tenant the user belongs to, for example the id returned by
        M(acronis.cyber_cloud.acronis_tenant). Cheaper than O(tenant) by name (no search call).
    type: str
  state:
    description:
      - V(present) creates or updates the user.
      - V(absent) disables and then deletes the user, with its personal tenant and backups.
    type: str
    choices: [present, absent]
    default: present
  email:
    description:
      - E-mail address of the user, where the activation e-mail and notifications go.
      - Required to create a user.
      - For an activated user a new address takes effect only when the user confirms it (see the notes).
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
    description:
      - Language of the user's e-mails and portal, an Acronis language code such as V(en), V(de), V(pt-BR).
    type: str
  enabled:
    description:
      - V(false) disables the user (it cannot log in); V(true) enables it again. Left as it is when not given.
    type: bool
  roles:
    description:
      - Role ids the user holds in its tenant; the list replaces the user's whole role set.
      - When not given, a new user (or an existing user without any role) gets the default role of the
        tenant's kind, V(partner_admin) in a partner or folder (the seeds' role "Reseller") and
        V(backup_user) in a customer or unit (the seeds' role "User"); the roles of an existing user are
        otherwise left as they are.
      - V(partner_admin) fits only partners and folders, V(company_admin) only customers, V(unit_admin) only
        units, V(backup_user), V(protection_admin), V(protection_ro_admin) and V(restore_operator) only
        customers and units, V(readonly_admin) any tenant. A role that does not fit the tenant fails before
        anything is written.
      - A user holds one role per service, so the list may name only one of V(protection_admin),
        V(protection_ro_admin), V(restore_operator) and V(backup_user) (the Protection service), one of the
        V(sync_share_*) roles and one of the V(notary_*) roles.
    type: list
    elements: str
  manage_other_users:
    description:
      - V(true) lets the user manage the backups of the other users of its tenant, as its Protection role
        becomes V(protection_admin), the service's administrator, instead of V(backup_user) (or another
        Protection role), since a user holds one role per service. V(false) makes a V(protection_admin)
        a V(backup_user) again. Left as it is when not given.
      - A user that holds both V(backup_user) and V(protection_admin), as earlier versions of this
        collection left it, keeps V(protection_admin) (or gets V(backup_user) with V(false)), in one update of
        its roles, with a warning.
      - Only for users of customers and units.
    type: bool
  notifications:
    description:
      - Which backup notifications the user receives; the level decides every C(backup_*) value of the
        user's list. V(none) none at all, V(errors) failed and critical backups (C(backup_error),
        C(backup_critical)), V(errors_and_warnings) also warnings (C(backup_warning)), V(all) also
        successful backups and the daily report (C(backup_info), C(backup_daily_report)).
      - The other notification types (C(quota), set by O(quota_notifications); C(reports), C(maintenance),
        the device control and certificate types) are kept.
      - When neither this option nor O(quota_notifications) is given, the notifications are left as they are.
    type: str
    choices: [none, errors, errors_and_warnings, all]
  quota_notifications:
    description:
      - Whether the user receives e-mails when the usage nears or exceeds a quota (notification type C(quota)).
      - Left as it is when not given.
    type: bool
  activation:
    description:
      - How the account is activated.
      - V(email) sends the activation e-mail once, when the user is created, right after creating it and
        before assigning its roles, on purpose. A run interrupted in between leaves a user without roles, which
        the next run recognises as an unfinished creation (it warns that the e-mail may or may not have
        been sent rather than sending it twice). Sent after the roles, an e-mail missed by an interrupted
        run would go unnoticed, as the user would look finished.
      - V(password) sets O(password), which activates the account without an e-mail.
      - V(none) does neither, for example for users of the API client's own tenant, which the API cannot
        activate.
      - If the answer to the activation e-mail request is lost, the request is not repeated (it could send a
        second e-mail); the task warns and returns RV(activation_email=unknown).
    type: str
    choices: [email, password, none]
    default: email
  password:
    description:
      - Password to set with O(activation=password). Never shown in output, diffs or logs.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) when the user is created, or while its account is not activated yet.
      - V(always) sets it on every run (the platform cannot tell whether it differs), so the task always
        reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  resend_activation:
    description:
      - Send the activation e-mail again if the user has not activated the account yet. Nothing is sent to an
        activated user.
      - Only with O(activation=email).
    type: bool
    default: false
notes:
  - The API sends activation e-mails and sets passwords only for users of tenants below the API client's
    own tenant.
  - On an activated user the platform does not change the e-mail address right away; it mails a confirmation
    link to the old address and keeps the old one until the user opens it, and the user record shows no
    trace of the request. So the controller remembers what it asked for, in a file per datacenter and user
    under C($ACRONIS_STATE_DIR) (default C(~/.ansible/acronis_cyber_cloud); mode 0600, a hash of the
    address, never the address). The first run asks (changed, RV(email_change=requested), a warning);
    later runs report RV(email_change=pending) with a warning and send nothing, until the user confirms
    or O(email) names yet another address. A controller that does not keep that folder between runs
    (each AWX job gets a new container unless the folder is on a persistent volume) asks once per run.
  - Per-user backup quotas are set with M(acronis.cyber_cloud.acronis_quota) (option C(user)).
seealso:
  - module: acronis.cyber_cloud.acronis_tenant
  - module: acronis.cyber_cloud.acronis_user_info
  - module: acronis.cyber_cloud.acronis_quota
"""

EXAMPLES = r"""
- name: End customer with its backup user, notified of errors and warnings
  module_defaults:
    group/acronis.cyber_cloud.acronis:
      datacenter_url: https://eu2-cloud.acronis.com
      client_id: "{{ vault_acronis_client_id }}"
      client_secret: "{{ vault_acronis_client_secret }}"
  block:
    - name: Customer tenant
      acronis.cyber_cloud.acronis_tenant:
        name: Contoso
        kind: customer
        parent: Reseller A
      register: contoso

    - name: Backup user, activated by e-mail
      acronis.cyber_cloud.acronis_backup_user:
        login: backup.contoso
        tenant_id: "{{ contoso.tenant.id }}"
        email: it@contoso.example
        first_name: Ada
        last_name: Lovelace
        notifications: errors_and_warnings
        quota_notifications: true
        manage_other_users: true

- name: Administrator of a reseller (partner_admin by default), with a password instead of an e-mail
  acronis.cyber_cloud.acronis_backup_user:
    login: admin.reseller-a
    tenant: Reseller A
    email: admin@reseller-a.example
    activation: password
    password: "{{ vault_reseller_a_password }}"

- name: Send the activation e-mail again to a user who has not activated the account
  acronis.cyber_cloud.acronis_backup_user:
    login: backup.contoso
    tenant: Contoso
    resend_activation: true

- name: Read-only administrator with explicit roles
  acronis.cyber_cloud.acronis_backup_user:
    login: auditor.contoso
    tenant: Contoso
    email: audit@contoso.example
    roles: [readonly_admin]

- name: Delete a user
  acronis.cyber_cloud.acronis_backup_user:
    login: backup.contoso
    tenant: Contoso
    state: absent
"""

RETURN = r"""
user:
  description:
    - The user after the task (before it, for a deleted user; predicted, in check mode).
    - Empty when O(state=absent) and the user did not exist.
  returned: always
  type: dict
  contains:
    id:
      description: Uuid of the user (C(planned:...) for one a check-mode run would create).
      type: str
    login:
      description: Login.
      type: str
      sample: backup.contoso
    tenant_id:
      description: Uuid of the user's tenant.
      type: str
    personal_tenant_id:
      description: Uuid of the user's personal tenant (users of customers and units), where per-user quotas live.
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
      description: Whether the account is activated (e-mail link followed or password set).
      type: bool
    roles:
      description: Role ids, sorted.
      type: list
      elements: str
      sample: [backup_user]
    manage_other_users:
      description: Whether the user holds C(protection_admin).
      type: bool
    notifications:
      description:
        - The level (O(notifications)) whose C(backup_*) values the user has exactly, or C(custom) when no
          level has them, for example the API's default list, whose only backup value is C(backup_daily_report).
      type: str
      sample: errors_and_warnings
    quota_notifications:
      description: Whether quota notifications are on.
      type: bool
    notification_values:
      description: Every notification type the user receives, as the API lists them.
      type: list
      elements: str
      sample: [quota, reports, backup_error, backup_warning, backup_critical]
outcome:
  description: What the task did to the user.
  returned: always
  type: str
  choices: [created, updated, unchanged, deleted, absent]
activation_email:
  description:
    - C(sent) when this task sent an activation e-mail, C(not_sent) when it did not, C(unknown) when the answer
      to the request was lost (see the warning; use O(resend_activation) if the e-mail does not arrive).
  returned: always
  type: str
  choices: [sent, not_sent, unknown]
email_change:
  description:
    - C(requested) when this task asked the platform to change the e-mail address of an activated user (a
      confirmation link went to the old address), C(pending) when such a request, made earlier from this
      controller, still waits for the user's confirmation (nothing was sent).
  returned: when O(email) differs from the address of an activated user
  type: str
  choices: [requested, pending]
password_set:
  description: Whether this task set the password (never the password itself).
  returned: always
  type: bool
adopted:
  description: True when the user was found right after a login conflict or a lost answer and taken over
    instead of created again.
  returned: when the user existed or was adopted
  type: bool
"""

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._adapter import run_module
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import Operation
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._users import ensure_backup_user

OPERATION = Operation(
    argument_spec=dict(
        login=dict(type="str", required=True),
        tenant=dict(type="str"),
        tenant_id=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        email=dict(type="str"),
        first_name=dict(type="str"),
        last_name=dict(type="str"),
        phone=dict(type="str"),
        language=dict(type="str"),
        enabled=dict(type="bool"),
        roles=dict(type="list", elements="str"),
        manage_other_users=dict(type="bool"),
        notifications=dict(type="str", choices=["none", "errors", "errors_and_warnings", "all"]),
        quota_notifications=dict(type="bool"),
        activation=dict(type="str", default="email", choices=["email", "password", "none"]),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        resend_activation=dict(type="bool", default=False),
    ),
    run=ensure_backup_user,
    mutually_exclusive=[("tenant", "tenant_id")],
    required_one_of=[("tenant", "tenant_id")],
)


def main():
    run_module(OPERATION)


if __name__ == "__main__":
    main()
