"""Errors the services raise; the API turns them into the contract's shapes, pages into messages."""


class PortalError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, rule_ref: str | None = None,
                 overridable: bool | None = None, errors=None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.rule_ref = rule_ref
        self.overridable = overridable
        self.errors = errors

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": self.detail}
        if self.rule_ref is not None:
            body["rule_ref"] = self.rule_ref
        if self.overridable is not None:
            body["overridable"] = self.overridable
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class RuleViolation(PortalError):
    """A rule refused the action (400). `overridable` says whether an override reason would pass it."""

    code = "rule_violation"


class InvalidInput(PortalError):
    code = "invalid"


class StateConflict(PortalError):
    """The object is in a state that forbids the action (409): a locked month, a decided request."""

    status = 409
    code = "conflict"


class NotPermitted(PortalError):
    """In scope, but the caller's role does not allow this action (403)."""

    status = 403
    code = "forbidden"
