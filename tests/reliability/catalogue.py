"""The bad-input catalogue: what a user may get wrong, the message they see, and what to change.

Each module case is one task of a single playbook (tests/reliability/test_bad_input.py); each role case
is one host of a single onboarding inventory. The "Bad input" section of docs/troubleshooting.md is
rendered from this table (`python -m tests.reliability.catalogue --write` updates it) and a test keeps the two
equal.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple

from tests.simulator.catalogue import ACRONIS_STORAGE_ID

# shows: how the message starts (uuids and the datacenter address replaced, see normalise()); a final "…"
# stands for the rest (long lists, the operating system's reason);
# names: what else it must say (the allowed values, the hint); fix: what the user should change.
Case = namedtuple("Case", "name module args shows names fix")

TENANT, USER, QUOTA, TENANT_INFO, USER_INFO = ("acronis_tenant", "acronis_backup_user", "acronis_quota",
                                               "acronis_tenant_info", "acronis_user_info")
REGISTRATION_TOKEN = "acronis_registration_token"
# Options every case of a module starts from (a case's own options are what the table shows).
BASE_ARGS = {
    TENANT: {"name": "Cat New", "kind": "customer"},
    USER: {"login": "cat.user", "tenant_id": "{customer}", "email": "cat@user.example"},
    QUOTA: {"tenant_id": "{customer}", "edition": "standard", "storage": ACRONIS_STORAGE_ID},
    TENANT_INFO: {},
    USER_INFO: {},
    REGISTRATION_TOKEN: {"tenant": "{customer}"},
}
KINDS = "partner, reseller, folder, customer, unit"
ROLES_HINT = "allowed: root_admin, partner_admin"
QUOTA_HINT = "use unlimited, a number (GB for storage, a count otherwise)"
CREDENTIALS_HINT = "check client_id and client_secret"
UNKNOWN_OPTION_FIX = "Remove or correct the option; the module's documentation lists the supported ones."


def case(name, module, args, shows, names=(), fix=""):
    return Case(name, module, args, shows, tuple(names), fix)


MODULE_CASES = [
    # -- acronis_tenant
    case("tenant-kind-typo", TENANT, {"kind": "reseler"}, "value of kind must be one of: " + KINDS,
         fix="Use one of the listed kinds (reseller is the same as partner)."),
    case("tenant-kind-missing", TENANT, {"kind": None}, "kind: required to create tenant 'Cat New'; allowed: "
         "partner, folder, customer, unit", fix="Give kind when the tenant does not exist yet."),
    case("tenant-name-empty", TENANT, {"name": ""}, "name: must not be empty", fix="Give the tenant's name."),
    case("tenant-name-blank", TENANT, {"name": "   "}, "name: must not be empty", fix="Give the tenant's name."),
    case("tenant-name-too-long", TENANT, {"name": "N" * 256}, "name: is 256 characters long; at most 255 are "
         "allowed", fix="Shorten the name to 255 characters."),
    case("tenant-service-unknown", TENANT, {"services": {"filescloud": True}}, "services: unknown service "
         "'filescloud'; allowed: backup, files_cloud, notary, platform",
         fix="Use the service names the datacenter lists (the type of each application of GET /applications)."),
    case("tenant-unknown-option", TENANT, {"colour": "red"}, "Unsupported parameters for (acronis_tenant) module: "
         "colour. Supported parameters include: …", names=["kind", "parent"], fix=UNKNOWN_OPTION_FIX),
    case("tenant-contact-unknown-key", TENANT, {"contact": {"mail": "a@b.example"}},
         "Unsupported parameters for (acronis_tenant) module: contact.mail. Supported parameters include: …",
         names=["email"], fix="Use the contact keys the module documents (email, firstname, ...)."),
    case("tenant-contact-not-a-dict", TENANT, {"contact": "it@contoso.example"}, "argument 'contact' is of type str "
         "and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value",
         fix="Give contact as a mapping such as {email: it@contoso.example}."),
    case("tenant-contact-email-invalid", TENANT, {"contact": {"email": "not-an-email"}},
         "contact.email: 'not-an-email' is not a valid e-mail address (expected name@domain.tld)",
         fix="Correct the e-mail address."),
    case("tenant-language-unknown", TENANT, {"language": "xx"}, "language: 'xx' is not a supported language; "
         "allowed: bg, zh, …", fix="Use one of the listed language codes."),
    case("tenant-enabled-not-bool", TENANT, {"enabled": "maybe"}, "argument 'enabled' is of type str and we were "
         "unable to convert to bool: The value 'maybe' is not a valid boolean. Valid booleans include: …",
         fix="Use true or false."),
    case("tenant-pricing-mode-unknown", TENANT, {"pricing_mode": "free"},
         "value of pricing_mode must be one of: trial, production", fix="Use trial or production."),
    case("tenant-pricing-trial-for-partner", TENANT, {"kind": "partner", "pricing_mode": "trial"},
         "pricing_mode: a new partner starts in production mode, which cannot go back to trial; allowed: production "
         "(or leave pricing_mode out)", fix="Leave pricing_mode out for resellers and folders; only customers (and "
         "units under a customer in trial) start in trial."),
    case("tenant-enhanced-security-later", TENANT, {"name": "Cat Customer", "enhanced_security": True},
         "enhanced_security: tenant 'Cat Customer' is not in enhanced security mode, and the API can set it only "
         "when a tenant is created; …", fix="Leave enhanced_security out for existing tenants, or create a new "
         "tenant with it."),
    case("tenant-state-unknown", TENANT, {"state": "gone"}, "value of state must be one of: present, absent",
         fix="Use present or absent (disabled tenants: enabled: false)."),
    case("tenant-internal-tag-too-long", TENANT, {"internal_tag": "t" * 257}, "internal_tag: is 257 characters "
         "long; at most 256 are allowed", fix="Shorten internal_tag."),
    case("tenant-id-not-uuid", TENANT, {"tenant_id": "not-a-uuid"}, "tenant_id: 'not-a-uuid' is not a tenant uuid",
         fix="Give the tenant's uuid, or leave tenant_id out and give name and parent."),
    case("tenant-parent-unknown-name", TENANT, {"parent": "No Such Parent"}, "parent: no tenant named "
         "'No Such Parent' in the API client's scope; give an existing tenant's name or uuid",
         fix="Correct the parent's name, or create the parent first."),
    case("tenant-parent-unknown-uuid", TENANT, {"parent": "11111111-2222-3333-4444-555555555555"},
         "parent: no tenant with id <uuid> exists in the API client's scope", fix="Correct the parent's uuid."),
    case("tenant-parent-cannot-hold-kind", TENANT, {"kind": "partner", "parent": "{customer}"},
         "kind: a partner cannot be created under 'Cat Customer', which is a customer (it can hold: unit)",
         fix="Put resellers and customers under a reseller (partner) or folder; only units go under customers."),
    case("tenant-unit-under-reseller", TENANT, {"kind": "unit"}, "kind: a unit cannot be created under "
         "'Ansible Distributor', which is a partner (it can hold: partner, folder, customer)",
         fix="Create units under a customer."),
    case("tenant-kind-change", TENANT, {"name": "Cat Customer", "kind": "partner"}, "kind: tenant 'Cat Customer' is "
         "a customer and cannot become a partner (only partner <-> folder can change); create a new tenant instead",
         fix="Keep the kind, or create a new tenant of the other kind."),
    case("tenant-absent-with-children", TENANT, {"name": "Cat Reseller", "state": "absent", "kind": None},
         "cascade: tenant 'Cat Reseller' has 1 child tenant(s) (Cat Child); delete them first or set cascade: true",
         fix="Delete the children first, or set cascade: true to delete the whole subtree."),
    case("tenant-timeout-zero", TENANT, {"timeout": 0}, "timeout: must be a positive number of seconds, got 0",
         fix="Give a timeout of 1 second or more."),
    # -- acronis_backup_user
    case("user-login-missing", USER, {"login": None}, "missing required arguments: login", fix="Give login."),
    case("user-login-bad-characters", USER, {"login": "bad login!"}, "login: 'bad login!' contains characters that "
         "are not allowed (' '); use ASCII letters, digits and …", fix="Use only the listed characters."),
    case("user-login-unicode", USER, {"login": "jürgen"}, "login: 'jürgen' contains characters that are not "
         "allowed ('ü'); use ASCII letters, digits and …",
         fix="Logins are ASCII; put the real name in first_name/last_name (unicode is fine there)."),
    case("user-login-too-short", USER, {"login": "ab"}, "login: 'ab' is too short: at least 3 characters are "
         "needed", fix="Use a login of 3 characters or more."),
    case("user-login-taken-outside-scope", USER, {"login": "outside.user"}, "login: 'outside.user' is already "
         "taken by a user outside the API client's scope (logins are unique on the whole platform); choose another "
         "login", fix="Choose another login."),
    case("user-email-invalid", USER, {"email": "not-an-email"}, "email: 'not-an-email' is not a valid e-mail address",
         fix="Correct the e-mail address."),
    case("user-email-missing", USER, {"email": None}, "email: required to create user 'cat.user'",
         fix="Give email (the activation e-mail goes there)."),
    case("user-role-unknown", USER, {"roles": ["backup_admin"]}, "roles: unknown role(s) 'backup_admin'; "
         + ROLES_HINT + ", …", fix="Use role ids from the listed ones."),
    case("user-role-wrong-kind", USER, {"roles": ["partner_admin"]}, "roles: role partner_admin cannot be granted to "
         "a user of a customer tenant (allowed in: partner, folder)",
         fix="Use company_admin or backup_user in customers; partner_admin in resellers."),
    case("user-role-root-admin", USER, {"roles": ["root_admin"]}, "roles: role root_admin cannot be granted to a "
         "user of a customer tenant (it cannot be granted through the API)", fix="Choose another role."),
    case("user-roles-not-a-list", USER, {"roles": {"role": "backup_user"}}, "argument 'roles' is of type dict and we "
         "were unable to convert to list: …", fix="Give roles as a list: [backup_user]."),
    case("user-manage-others-on-reseller", USER, {"tenant_id": "{reseller}", "manage_other_users": True},
         "manage_other_users: role protection_admin cannot be granted to a user of a partner tenant (allowed in: "
         "customer, unit)", fix="manage_other_users applies to customer users only."),
    case("user-roles-one-service-twice", USER, {"roles": ["backup_user", "protection_admin"]},
         "roles: backup_user, protection_admin are roles of the same service (Protection), and a user holds one role "
         "per service; keep one (manage_other_users: true stands for protection_admin)",
         fix="Give one role of each service: backup_user, or protection_admin (manage_other_users: true)."),
    case("user-manage-others-contradicts-roles", USER, {"roles": ["protection_admin"], "manage_other_users": False},
         "manage_other_users: false contradicts roles, which lists protection_admin",
         fix="Drop protection_admin from roles or manage_other_users: false."),
    case("user-notifications-unknown", USER, {"notifications": "some"}, "value of notifications must be one of: "
         "none, errors, errors_and_warnings, all", fix="Use one of the listed levels."),
    case("user-quota-notifications-not-bool", USER, {"quota_notifications": "sometimes"},
         "argument 'quota_notifications' is of type str and we were unable to convert to bool: The value 'sometimes' "
         "is not a valid boolean. Valid booleans include: …", fix="Use true or false."),
    case("user-password-without-activation", USER, {"password": "x"}, "password: is only used with activation: "
         "password (activation is email)", fix="Set activation: password, or drop password."),
    case("user-activation-password-missing", USER, {"activation": "password"},
         "password: required when activation is password", fix="Give password (from a vault)."),
    case("user-resend-without-email", USER, {"resend_activation": True, "activation": "none"},
         "resend_activation: only applies to activation: email (activation is none)",
         fix="Use activation: email, or drop resend_activation."),
    case("user-activation-in-own-tenant", USER, {"tenant_id": "{home}", "roles": ["partner_admin"]},
         "activation: the API can send activation e-mails only for users of tenants below the API client's own "
         "tenant, …", names=["activation: none"],
         fix="Use activation: none for users of the API client's own tenant."),
    case("user-tenant-and-tenant-id", USER, {"tenant": "Cat Customer"},
         "parameters are mutually exclusive: tenant|tenant_id", fix="Give either tenant or tenant_id."),
    case("user-tenant-unknown", USER, {"tenant": "Nowhere", "tenant_id": None}, "tenant: no tenant named 'Nowhere' "
         "in the API client's scope; give an existing tenant's name or uuid",
         fix="Correct the tenant's name or give its uuid."),
    case("user-language-unknown", USER, {"language": "xx"},
         "language: 'xx' is not a supported language; allowed: bg, zh, …",
         fix="Use one of the listed language codes."),
    case("user-tenant-id-not-uuid", USER, {"tenant_id": "not-a-uuid"}, "tenant_id: 'not-a-uuid' is not a tenant uuid",
         fix="Give the tenant's uuid, or use tenant with its name."),
    # -- acronis_quota
    case("quota-negative", QUOTA, {"quotas": {"servers": -1}}, "quotas.servers: -1 is negative; a quota is 0 "
         "(nothing allowed) or more, or unlimited", fix="Use 0 or more, or unlimited."),
    case("quota-word", QUOTA, {"quotas": {"servers": "lots"}}, "quotas.servers: 'lots' is not a quota; " + QUOTA_HINT,
         fix="Use unlimited, a number or a size."),
    case("quota-unknown-unit", QUOTA, {"quotas": {"storage": "3 XB"}}, "quotas.storage: '3 XB' is not a quota; "
         + QUOTA_HINT, fix="Use MB, GB, TB or PB."),
    case("quota-no-value", QUOTA, {"quotas": {"storage": None}}, "quotas.storage: no value; " + QUOTA_HINT,
         fix="Give a value, or state: absent to switch the item off."),
    case("quota-size-for-a-count", QUOTA, {"quotas": {"servers": "5 GB"}}, "quotas.servers: '5 GB' is a size, but "
         "servers (servers) is counted in …", names=["give a whole number"], fix="Give a count."),
    case("quota-fraction-for-a-count", QUOTA, {"quotas": {"servers": 1.5}}, "quotas.servers: 1.5 is not a whole "
         "number; servers is counted in …", fix="Give a whole number."),
    case("quota-hard-unknown-key", QUOTA, {"quotas": {"servers": {"value": 1, "max": 2}}}, "quotas.servers: unknown "
         "key(s) max; a hard quota is {value: ..., overage: ...}", fix="Use value and overage."),
    case("quota-unlimited-with-overage", QUOTA, {"quotas": {"servers": {"value": "unlimited", "overage": 2}}},
         "quotas.servers: an unlimited quota has no overage", fix="Give a value, or leave overage out."),
    case("quota-unknown-workload", QUOTA, {"quotas": {"servers": 1, "desktops": 1}}, "quotas.desktops: 'desktops' "
         "is neither a workload nor an offering item that tenant 'Cat Customer' can get from its parent "
         "'Ansible Distributor'; workloads offered: …", names=["servers", "storage"],
         fix="Use a listed workload or an offering item name."),
    case("quota-item-of-another-edition", QUOTA, {"quotas": {"servers": 1, "standard_servers": 1}},
         "quotas.standard_servers: 'standard_servers' is neither a workload nor an offering item …",
         fix="Use a listed workload or an offering item name."),
    case("quota-same-item-twice", QUOTA, {"quotas": {"servers": 1, "pw_base_servers": 2},
                                          "edition": "pck_per_workload"},
         "quotas.pw_base_servers: names item pw_base_servers, which quotas.servers already names",
         fix="Name each item once."),
    case("quota-feature-with-a-number", QUOTA, {"quotas": {"physical_data_shipping": 5}},
         "quotas.physical_data_shipping: physical_data_shipping is a feature without a quota; give unlimited to "
         "switch it on", fix="Give unlimited."),
    case("quota-edition-unknown", QUOTA, {"quotas": {"servers": 1}, "edition": "platinum"}, "edition: 'platinum' "
         "is not offered to tenant 'Cat Customer'; choices: bundled, pck_per_gigabyte, pck_per_workload, standard",
         fix="Use one of the listed editions."),
    case("quota-edition-missing", QUOTA, {"quotas": {"servers": 1}, "edition": None}, "edition: required: tenant "
         "'Cat Customer' has no edition on yet and its parent 'Ansible Distributor' offers bundled, "
         "pck_per_gigabyte, pck_per_workload, standard; choose one", fix="Give edition."),
    case("quota-storage-unknown", QUOTA, {"quotas": {"storage": 10}, "storage": "Moon Storage"},
         "storage: 'Moon Storage' is not a storage location offered for storage (quotas.storage); choices: …",
         names=["Acronis Cloud Storage"], fix="Use a listed storage location (name or uuid)."),
    case("quota-not-a-dict", QUOTA, {"quotas": ["servers", 1]}, "argument 'quotas' is of type list and we were "
         "unable to convert to dict: …", fix="Give quotas as a mapping such as {servers: 5}."),
    case("quota-tenant-id-not-uuid", QUOTA, {"tenant_id": "not-a-uuid", "quotas": {"servers": 1}},
         "tenant_id: 'not-a-uuid' is not a tenant uuid", fix="Give the tenant's uuid, or use tenant with its name."),
    case("quota-tenant-unknown-uuid", QUOTA, {"tenant_id": "11111111-2222-3333-4444-555555555555",
                                              "quotas": {"servers": 1}},
         "tenant_id: no tenant with id <uuid> exists in the API client's scope", fix="Correct the uuid."),
    case("quota-tenant-unknown-name", QUOTA, {"tenant_id": None, "tenant": "No Such Tenant", "quotas": {"servers": 1}},
         "tenant: no tenant named 'No Such Tenant' in the API client's scope; give an existing tenant's name or uuid",
         fix="Correct the tenant's name or give its uuid."),
    case("quota-user-unknown", QUOTA, {"tenant_id": None, "user": "nobody.here", "quotas": {"servers": 1}},
         "user: no user with login 'nobody.here' in the API client's scope", fix="Correct the login."),
    case("quota-targets-exclusive", QUOTA, {"tenant": "Cat Customer", "quotas": {"servers": 1}},
         "parameters are mutually exclusive: tenant|tenant_id|user", fix="Give one of tenant, tenant_id, user."),
    case("quota-quotas-missing", QUOTA, {}, "missing required arguments: quotas", fix="Give quotas."),
    # -- read-only modules
    case("tenant-info-id-not-uuid", TENANT_INFO, {"tenant_id": "nope"}, "tenant_id: 'nope' is not a tenant uuid",
         fix="Give the tenant's uuid."),
    case("user-info-id-not-uuid", USER_INFO, {"user_id": "nope"}, "user_id: 'nope' is not a user uuid",
         fix="Give the user's uuid."),
    case("user-info-nothing-to-find", USER_INFO, {}, "one of the following is required: user_id, login, tenant, "
         "tenant_id", fix="Say which users to read."),
    # -- acronis_registration_token
    case("token-renew-within-out-of-range", REGISTRATION_TOKEN, {"expires_in": 3600, "renew_within": 7200},
         "renew_within: 7200 is out of range; give a number of seconds from 0 to less than expires_in (3600)",
         fix="Give renew_within shorter than expires_in (the default is one day of a 3-day token)."),
    case("token-lifetime-over-a-year", REGISTRATION_TOKEN, {"expires_in": 31536001},
         "expires_in: 31536001 is out of range; give a number of seconds from 1 to 31536000 (one year)",
         fix="Give expires_in of at most one year."),
    # -- connection
    case("connection-wrong-secret", TENANT_INFO, {"client_secret": "wrong-secret-0123456789"},
         "POST /idp/token: 401 authentication failed for client_id <uuid>: …", names=[CREDENTIALS_HINT],
         fix="Correct client_id and client_secret (or ACRONIS_CLIENT_ID / ACRONIS_CLIENT_SECRET)."),
    case("connection-unknown-client", TENANT_INFO, {"client_id": "11111111-2222-3333-4444-555555555555"},
         "POST /idp/token: 401 authentication failed for client_id <uuid>: …", names=[CREDENTIALS_HINT],
         fix="Correct client_id (the API client's id)."),
    case("connection-client-id-empty", TENANT_INFO, {"client_id": ""}, "client_id: required: set the client_id "
         "option (or module_defaults for group/acronis.cyber_cloud.acronis), the acronis_client_id variable or the "
         "ACRONIS_CLIENT_ID environment variable",
         fix="Set client_id, module_defaults, the acronis_client_id variable or the environment variable."),
    case("connection-url-not-a-url", TENANT_INFO, {"datacenter_url": "eu2-cloud.acronis.com"},
         "datacenter_url: 'eu2-cloud.acronis.com' is not a URL; use the datacenter address such as "
         "https://eu2-cloud.acronis.com", fix="Give the full address with https://."),
    case("connection-url-unreachable", TENANT_INFO, {"datacenter_url": "http://127.0.0.1:9"},
         "POST /idp/token: no answer from http://127.0.0.1:9 (…", names=["check datacenter_url and the network"],
         fix="Check datacenter_url, DNS, proxy and firewall."),
    case("connection-url-not-the-api", TENANT_INFO, {"datacenter_url": "{tls_url}/nothing", "validate_certs": False},
         "datacenter_url: <datacenter_url>/nothing is not the address of an Acronis datacenter: the token request "
         "(POST /api/2/idp/token) answered 404 Not Found; give the datacenter address such as "
         "https://eu2-cloud.acronis.com, without a path such as /api/2",
         fix="Give the datacenter's address (https:// and the host name of the management portal), without a path."),
    case("connection-tls-untrusted", TENANT_INFO, {"datacenter_url": "{tls_url}", "validate_certs": True},
         "POST /idp/token: TLS certificate of <datacenter_url> could not be verified (certificate verify failed: "
         "self-signed certificate); install the CA certificate on the controller or set validate_certs: false",
         fix="Install the CA certificate on the controller (or REQUESTS_CA_BUNDLE); validate_certs: false only "
         "for tests."),
]


# Role cases: inventory host -> (its variables, what the message says (lines joined), what else it names,
# what to change). The onboarding's plan checks every host before any write and refuses the run with one line
# per problem ("host <host>: ..."); RUNTIME_ROLE_CASES pass the plan and fail their host alone, in the role.
RUNTIME_ROLE_CASES = ("role-parent-unknown",)
ROLE_CASES = [
    ("role-misspelt-variable", {"tenant_qoutas": {"storage": "1 TB"}},
     "host role-misspelt-variable: unknown variable tenant_qoutas; the tenant role knows …", ["tenant_quotas"],
     "Correct the variable name."),
    ("role-users-not-a-list", {"tenant_users": "someone"}, "Elements value for option 'tenant_users' is of type "
     "str and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value", [],
     "Give tenant_users as a list of mappings."),
    ("role-user-not-a-dict", {"tenant_users": ["someone"]}, "Elements value for option 'tenant_users' is of type "
     "str and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value", [],
     "Each tenant_users entry is a mapping with login, email, ..."),
    ("role-user-unknown-key", {"tenant_users": [{"login": "role.user", "email": "r@u.example",
                                                 "notificatons": "all"}]},
     "host role-user-unknown-key: tenant_users[0].notificatons: unknown option; allowed: activation, email, …",
     ["notifications"],
     "Correct the key (see the role's options)."),
    ("role-user-login-missing", {"tenant_users": [{"email": "r@u.example"}]},
     "missing required arguments: login found in tenant_users", [], "Give each user a login."),
    ("role-user-notifications-unknown", {"tenant_users": [{"login": "role.user2", "email": "r@u.example",
                                                           "notifications": "some"}]},
     "value of notifications must be one of: none, errors, errors_and_warnings, all, got: some found in tenant_users",
     [], "Use one of the listed levels."),
    ("role-user-wrong-type", {"tenant_users": [{"login": "role.user3", "email": "r@u.example",
                                                "manage_other_users": "perhaps"}]},
     "argument 'manage_other_users' is of type str found in 'tenant_users'. and we were unable to convert to bool: "
     "The value 'perhaps' is not a valid boolean. …", [], "Use true or false."),
    ("role-user-quotas-without-items", {"tenant_users": [{"login": "role.admin", "email": "r@u.example",
                                                          "manage_other_users": True, "quotas": {"storage": 1}}]},
     "host role-user-quotas-without-items: tenant_users.quotas: the personal tenant of role.admin gets no backup items to limit: only the roles "
     "backup_user and company_admin give it the customer's items, and manage_other_users: true gives "
     "protection_admin instead of backup_user; drop the per-user quotas of these users", [],
     "A user who manages the others' backups has no own quotas: drop them, or give them to a backup_user."),
    ("role-kind-typo", {"tenant_kind": "reseler"},
     "value of tenant_kind must be one of: partner, reseller, folder, customer, unit, got: reseler", [],
     "Use one of the listed kinds."),
    ("role-state-unknown", {"tenant_state": "gone"},
     "value of tenant_state must be one of: present, disabled, absent, got: gone", [],
     "Use present, disabled or absent."),
    ("role-quotas-not-a-dict", {"tenant_quotas": ["storage"]}, "argument 'tenant_quotas' is of type list and we "
     "were unable to convert to dict: …", [],
     "Give tenant_quotas as a mapping such as {storage: 1 TB}."),
    ("role-contact-unknown-key", {"tenant_contact": {"mail": "a@b.example"}},
     "tenant_contact.mail. Supported parameters include: address1, …", ["email"],
     "Use the contact keys the role documents."),
    ("role-quotas-offerings-conflict", {"tenant_quotas": {"storage": "1 TB"},
                                        "tenant_offerings": [{"quotas": {"storage": 2}}]},
     "host role-quotas-offerings-conflict: tenant_quotas and tenant_offerings[0].quotas both set storage in the same "
     "edition and storage; set each item in one of them", [], "Name each item in one quota set only (each run would set one, then the other)."),
    ("role-parent-unknown", {"tenant_parent": "No Such Reseller"}, "Tenant: parent: no tenant named "
     "'No Such Reseller' in the API client's scope; give an existing tenant's name or uuid", [],
     "Give an inventory host or an existing tenant."),
]


def normalise(message, datacenter_urls=()):
    """The message with uuids and the datacenter addresses replaced, as the table shows it."""
    for url in datacenter_urls:
        message = message.replace(url, "<datacenter_url>")
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", message)


def shown_part(shows):
    """What a message must contain: the table's text without its final ellipsis."""
    return shows[:-1].rstrip() if shows.endswith("…") else shows


def task_args(item, ids):
    """The task's options: the module's base options, the case's own, None meaning 'left out'."""
    args = dict(BASE_ARGS[item.module], **item.args)
    args = {key: value for key, value in args.items() if value is not None}
    return json.loads(json.dumps(args).replace("{customer}", ids["customer"]).replace(
        "{reseller}", ids["reseller"]).replace("{home}", ids["home"]).replace("{tls_url}", ids["tls_url"]))


def _value_text(value):
    if isinstance(value, str) and len(value) > 40:
        return '"%s" x %d' % (value[0], len(value))
    return json.dumps(value, ensure_ascii=False)


def _input_text(module, args):
    """`module` `option: value, ...` with left-out options as `(no option)`."""
    parts = ["(no %s)" % key if value is None else "%s: %s" % (key, _value_text(value)) for key, value in args.items()]
    return "%s `%s`" % (module, ", ".join(parts)) if parts else module


def _cell(text):
    return text.replace("|", "\\|")


def table():
    """The Markdown table of every case (module cases, then role cases)."""
    lines = ["| input | message the user sees | what to change |", "|---|---|---|"]
    for item in MODULE_CASES:
        lines.append("| %s | %s | %s |" % (_cell(_input_text(item.module, item.args)), _cell(item.shows),
                                           _cell(item.fix)))
    for host, host_vars, shows, dummy, fix in ROLE_CASES:
        lines.append("| role, host variables `%s` | %s | %s |" % (
            _cell(json.dumps(host_vars, ensure_ascii=False)), _cell(shows), _cell(fix)))
    return "\n".join(lines) + "\n"


def write_into(page):
    """Replace the table under the page's "## Bad input" heading with table()."""
    text = page.read_text(encoding="utf-8")
    section = text.index("\n## Bad input\n")
    start = text.index("| input |", section)
    end = text.find("\n\n", start)
    page.write_text(text[:start] + table() + (text[end + 1:] if end >= 0 else ""), encoding="utf-8")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:] == ["--write"]:
        write_into(Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md")
    else:
        print(table(), end="")
