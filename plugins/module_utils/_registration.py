# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Agent registration tokens: one usable token per tenant (and set of scopes), reused while it has time left.

A registration token lets the agent setup program register a machine in the tenant without a user's
password, so it is a secret: the result carries it for the next task and asks ansible not to print it.
"""

from __future__ import annotations

import time
from datetime import datetime

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._common import OptionError, is_planned
from ansible_collections.acronis.cyber_cloud.plugins.module_utils._tenants import get_tenant, resolve_tenant_ref

# The API accepts lifetimes up to one year (registrationTokenPostV2.expires_in); the console's default is 3 days.
MAX_LIFETIME = 365 * 24 * 3600


def check_lifetimes(params):
    """Both durations checked together, one message for every problem, before any call."""
    expires_in, renew_within = params["expires_in"], params["renew_within"]
    problems = []
    if not 0 < expires_in <= MAX_LIFETIME:
        problems.append(("expires_in", "%s is out of range; give a number of seconds from 1 to %d (one year)"
                         % (expires_in, MAX_LIFETIME)))
    if not 0 <= renew_within < expires_in:
        problems.append(("renew_within", "%s is out of range; give a number of seconds from 0 to less than "
                         "expires_in (%s)" % (renew_within, expires_in)))
    if problems:
        first = problems[0]
        rest = "".join("; %s: %s" % problem for problem in problems[1:])
        raise OptionError(first[0], first[1] + rest)


def seconds_left(token, now):
    expires = datetime.fromisoformat(str(token["expires_at"]).replace("Z", "+00:00"))
    return expires.timestamp() - now


def ensure_registration_token(client, params, check_mode):
    check_lifetimes(params)
    tenant_id = resolve_tenant_ref(client, params["tenant"], "tenant")
    scopes = sorted(params.get("scopes") or [])
    wanted = {"tenant_id": tenant_id, "scopes": scopes, "usable_for_at_least": params["renew_within"]}
    if is_planned(tenant_id):
        reusable = None
    else:
        get_tenant(client, tenant_id, "tenant")
        now = time.time()
        tokens = (client.get("/tenants/%s/registration_tokens" % tenant_id) or {}).get("items", [])
        usable = [token for token in tokens if sorted(token.get("scopes") or []) == scopes
                  and seconds_left(token, now) > params["renew_within"]]
        reusable = max(usable, key=lambda token: seconds_left(token, now)) if usable else None
    if reusable is not None:
        return _result(False, reusable, wanted, wanted)
    # The diff shows what is wanted, never a token: check mode predicts it exactly.
    before = dict(wanted, usable_for_at_least=None)
    if check_mode:
        return _result(True, None, before, wanted)
    created = client.post("/tenants/%s/registration_tokens" % tenant_id,
                          {"expires_in": params["expires_in"], "scopes": scopes})
    return _result(True, created, before, wanted)


def _result(changed, token, before, after):
    token = token or {}
    return {"changed": changed, "diff": {"before": before, "after": after},
            "token": token.get("token"), "token_id": token.get("id"), "expires_at": token.get("expires_at"),
            "tenant_id": after["tenant_id"],
            # The whole result is hidden from callbacks (as no_log: true would); a registered variable keeps it.
            "_ansible_no_log": True}
