# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every acronis_* module shares: connection options, input checks, and running one operation.

Both adapters (the action plugin in the controller and the module's own main()) call `execute()`,
so they cannot drift apart. Nothing here imports AnsibleModule.
"""

from __future__ import annotations

import re

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.acronis.cyber_cloud.plugins.module_utils._client import AcronisClient, AcronisError

CONNECTION_ARGSPEC = dict(
    datacenter_url=dict(type="str", fallback=(env_fallback, ["ACRONIS_DATACENTER_URL"])),
    client_id=dict(type="str", fallback=(env_fallback, ["ACRONIS_CLIENT_ID"])),
    client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["ACRONIS_CLIENT_SECRET"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["ACRONIS_VALIDATE_CERTS"])),
    timeout=dict(type="int", default=30),
)

_ENV_NAMES = {"datacenter_url": "ACRONIS_DATACENTER_URL", "client_id": "ACRONIS_CLIENT_ID",
              "client_secret": "ACRONIS_CLIENT_SECRET"}

# Ids of objects a check-mode run would create: later tasks of the same check run recognise them
# and predict instead of calling the API with an id that does not exist.
PLANNED_PREFIX = "planned:"

LANGUAGES = ("bg", "zh", "zh-TW", "cs", "da", "nl", "en", "en-US", "fi", "fr", "de", "hu", "id", "it", "ja",
             "ko", "ms", "nb", "pl", "pt", "pt-BR", "ru", "sr", "es", "es-419", "sv", "tr")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class OptionError(AcronisError):
    """Input refused before any write; the message starts with the option's name."""

    def __init__(self, option, problem):
        super().__init__("%s: %s" % (option, problem))
        self.option = option


class Operation:
    """What a module does: its argument spec, the constraints between options, and its logic.

    `run(client, params, check_mode)` returns a dict with at least `changed`, optionally `diff`
    (`before`/`after`), `warnings` and the resource; it raises AcronisError on failure.
    """

    def __init__(self, argument_spec, run, mutually_exclusive=None, required_one_of=None,
                 required_if=None, required_together=None, read_only=False):
        self.argument_spec = dict(CONNECTION_ARGSPEC, **argument_spec)
        self.run = run
        self.mutually_exclusive = mutually_exclusive or []
        self.required_one_of = required_one_of or []
        self.required_if = required_if or []
        self.required_together = required_together or []
        self.read_only = read_only

    def validator_args(self):
        return dict(argument_spec=self.argument_spec, mutually_exclusive=self.mutually_exclusive,
                    required_one_of=self.required_one_of, required_if=self.required_if,
                    required_together=self.required_together)


def execute(operation, params, check_mode=False, diff=False, token_cache_dir=None):
    """Run one validated task: connect, run the operation, shape the result. Never raises."""
    try:
        client = client_from_params(params, token_cache_dir)
        result = operation.run(client, params, check_mode)
    except AcronisError as exc:
        return dict(failed=True, changed=False, msg=str(exc), **exc.to_result())
    warnings = list(result.pop("warnings", []))
    if not params.get("validate_certs", True):
        warnings.append("validate_certs is false: the TLS certificate of %s is not checked"
                        % params["datacenter_url"])
    if warnings:
        result["warnings"] = warnings
    if not diff or operation.read_only:
        result.pop("diff", None)
    return result


def client_from_params(params, token_cache_dir=None):
    for option, env_name in _ENV_NAMES.items():
        if not params.get(option):
            raise OptionError(option, "required: set the %s option (or module_defaults for "
                                      "group/acronis.cyber_cloud.acronis), the acronis_%s variable or the %s "
                                      "environment variable" % (option, option, env_name))
    url = params["datacenter_url"]
    if not re.match(r"^https?://[^/\s]+", url):
        raise OptionError("datacenter_url", "%r is not a URL; use the datacenter address such as "
                                            "https://eu2-cloud.acronis.com" % url)
    if params.get("timeout") is not None and params["timeout"] <= 0:
        raise OptionError("timeout", "must be a positive number of seconds, got %s" % params["timeout"])
    return AcronisClient(url, params["client_id"], params["client_secret"],
                         validate_certs=params.get("validate_certs", True),
                         timeout=params.get("timeout") or 30, token_cache_dir=token_cache_dir)


# -- input checks shared by the modules ---------------------------------------------------------

def check_email(option, value):
    if value is not None and not _EMAIL.match(value):
        raise OptionError(option, "%r is not a valid e-mail address (expected name@domain.tld)" % value)


def check_language(option, value):
    if value is not None and value not in LANGUAGES:
        raise OptionError(option, "%r is not a supported language; allowed: %s" % (value, ", ".join(LANGUAGES)))


def check_text(option, value, max_length, allow_empty=False):
    if value is None:
        return
    if not allow_empty and not value.strip():
        raise OptionError(option, "must not be empty")
    if len(value) > max_length:
        raise OptionError(option, "is %d characters long; at most %d are allowed" % (len(value), max_length))


def is_uuid(value):
    return bool(value) and bool(_UUID.match(str(value).lower()))


def is_planned(value):
    return isinstance(value, str) and value.startswith(PLANNED_PREFIX)


def planned_id(*parts):
    return PLANNED_PREFIX + "/".join(str(part) for part in parts)


def subset_differs(wanted, current):
    """Keys of `wanted` (ignoring None, meaning 'leave as is') whose value differs from `current`."""
    return {key: value for key, value in wanted.items()
            if value is not None and (current or {}).get(key) != value}
