"""Errors in the shapes the real API uses (docs/api-notes.md, Errors).

Handlers raise these; the pipeline turns them into responses. Messages are written for people,
because the collection shows them to its users.
"""

DOMAIN = "PlatformAccountServer"

# Account Server codes used by the simulator (docs/api-notes.md, Errors).
VERSION_MISMATCH = 1001
ACCESS_DENIED = 1002
PARENT_DISABLED = 1003
NAME_CONFLICT = 1004
DELETE_ENABLED = 1006
MOVE_UNDER_CHILD = 1007
TENANT_LOCKED = 1012
MOVE_UNDER_DISABLED = 1013
ITEM_NOT_AVAILABLE = 1021
ITEM_DEPENDENCY = 1023
BUSINESS_RULES = 1027
INVALID_LOGIN = 1033


class ApiError(Exception):
    """An error answered as {"error": {code, message, details: {info}, domain, context}}."""

    def __init__(self, status, message, code=None, context=None, headers=None, **details):
        super().__init__(message)
        self.status = status
        self.code = status if code is None else code
        self.message = message
        self.context = context or {}
        self.headers = headers or {}
        self.details = details

    def body(self):
        details = {"info": self.message}
        details.update(self.details)
        return {"error": {"code": self.code, "message": self.message, "details": details,
                          "domain": DOMAIN, "context": self.context}}


class OAuthError(Exception):
    """An error of the token endpoint: {"error": "...", "error_description": "..."}."""

    def __init__(self, status, error, description, **extra):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.extra = extra

    def body(self):
        body = dict(self.extra)
        body.update({"error": self.error, "error_description": self.description})
        return body


def bad_request(message, code=400, **kw):
    return ApiError(400, message, code=code, **kw)


def not_found(what, obj_id):
    return ApiError(404, f"{what} '{obj_id}' was not found.", context={"id": obj_id})


def conflict(message, code=409, **kw):
    return ApiError(409, message, code=code, **kw)


def version_mismatch(what, name, current, given):
    return conflict(f"Version mismatch: {what} '{name}' is at version {current}, the request "
                    f"carried version {given}. Read it again and retry with the current version.",
                    code=VERSION_MISMATCH, current_version=current)
