"""The /api/2 endpoints the simulator serves (docs/api-notes.md), keyed by OpenAPI template."""

import re
from urllib.parse import unquote

from . import handlers_agents as agents
from . import handlers_auth as auth
from . import handlers_offering as offering
from . import handlers_reports as reports
from . import handlers_search as search
from . import handlers_tenants as tenants
from . import handlers_usage as usage
from . import handlers_users as users

T = "/api/2/tenants/{tenant_id}"
U = "/api/2/users/{user_id}"

# (method, OpenAPI path template, handler, needs a bearer token)
ROUTES = [
    ("POST", "/api/2/idp/token", auth.issue_token, False),
    ("GET", "/api/2/clients/{client_id}", auth.get_client, True),
    ("GET", "/api/2/tenants", tenants.list_tenants, True),
    ("GET", "/api/2/tenants/usages", usage.tenants_usages, True),
    ("POST", "/api/2/tenants", tenants.create_tenant, True),
    ("GET", T, tenants.get_tenant, True),
    ("PUT", T, tenants.update_tenant, True),
    ("DELETE", T, tenants.delete_tenant, True),
    ("GET", T + "/children", tenants.tenant_children, True),
    ("GET", T + "/users", tenants.tenant_users, True),
    ("GET", T + "/pricing", tenants.get_pricing, True),
    ("PUT", T + "/pricing", tenants.put_pricing, True),
    ("GET", T + "/mfa/status", tenants.get_mfa, True),
    ("PUT", T + "/mfa/status", tenants.put_mfa, True),
    ("GET", T + "/usages", usage.tenant_usages, True),
    ("GET", "/api/2/tenants/offering_items", offering.batch_items, True),
    ("GET", T + "/offering_items", offering.get_items, True),
    ("PUT", T + "/offering_items", offering.put_items, True),
    ("GET", T + "/offering_items/available_for_child", offering.available_for_child, True),
    ("GET", T + "/applications", offering.tenant_applications, True),
    ("GET", T + "/edition", offering.check_edition_switch, True),
    ("PUT", T + "/edition", offering.switch_edition, True),
    ("GET", "/api/2/applications", offering.list_applications, True),
    ("GET", "/api/2/applications/{application_id}", offering.get_application, True),
    ("POST", "/api/2/applications/{application_id}/bindings/tenants/{tenant_id}",
     offering.bind_application, True),
    ("DELETE", "/api/2/applications/{application_id}/bindings/tenants/{tenant_id}",
     offering.unbind_application, True),
    ("GET", "/api/2/infra", offering.list_infra, True),
    ("GET", "/api/2/infra/{infra_id}", offering.get_infra, True),
    ("GET", "/api/2/users", users.list_users, True),
    ("POST", "/api/2/users", users.create_user, True),
    ("GET", "/api/2/users/check_login", users.check_login, True),
    ("GET", U, users.get_user, True),
    ("PUT", U, users.update_user, True),
    ("DELETE", U, users.delete_user, True),
    ("GET", U + "/access_policies", users.get_policies, True),
    ("PUT", U + "/access_policies", users.put_policies, True),
    ("POST", U + "/password", users.set_password, True),
    ("POST", U + "/send-activation-email", users.send_activation_email, True),
    ("GET", "/api/2/search", search.search, True),
    ("POST", "/api/2/reports", reports.create_report, True),
    ("GET", "/api/2/reports/{report_id}", reports.get_report, True),
    ("DELETE", "/api/2/reports/{report_id}", reports.delete_report, True),
    ("GET", "/api/2/reports/{report_id}/stored", reports.stored_reports, True),
    ("GET", "/api/2/reports/{report_id}/stored/{stored_report_id}", reports.download_stored, True),
    ("GET", T + "/reports", reports.tenant_reports, True),
    ("GET", T + "/registration_tokens", agents.list_tokens, True),
    ("POST", T + "/registration_tokens", agents.create_token, True),
    ("DELETE", "/api/2/registration_tokens/{token_id}", agents.delete_token, True),
]


class Route:
    def __init__(self, method, template, handler, auth_needed):
        self.method = method
        self.template = template
        self.handler = handler
        self.auth = auth_needed
        self.key = f"{method} {template}"


class Router:
    """Literal templates by dict lookup; templates with {params} by regex, literal ones first."""

    def __init__(self, routes=None):
        self._literal = {}
        self._patterns = []
        seen = {}
        for method, template, handler, auth_needed in routes or ROUTES:
            route = Route(method, template, handler, auth_needed)
            if "{" in template:
                if template not in seen:
                    regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
                                       + "$")
                    seen[template] = {}
                    self._patterns.append((regex, template, seen[template]))
                seen[template][method] = route
            else:
                self._literal.setdefault(template, {})[method] = route

    def match(self, method, path):
        """(route or None, path params, methods allowed on the path, template or None)."""
        if path in self._literal:
            by_method = self._literal[path]
            return by_method.get(method), {}, sorted(by_method), path
        for regex, template, by_method in self._patterns:
            found = regex.match(path)
            if found:
                params = {k: unquote(v) for k, v in found.groupdict().items()}
                return by_method.get(method), params, sorted(by_method), template
        return None, {}, [], None
