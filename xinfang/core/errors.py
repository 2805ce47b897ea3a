"""Domain errors raised by services; the API layer maps them to 4xx responses with the message intact."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the request. Nothing was written (services are atomic)."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        article: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.article = article

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"detail": str(self.message), "code": self.code}
        if self.field:
            data["field"] = self.field
        if self.article:
            data["article"] = self.article
        return data


class IllegalTransition(DomainError):
    """The action is not allowed from the petition's current state (see petitions.workflow)."""

    status_code = 409
    default_code = "illegal_transition"


class RuleViolation(DomainError):
    """A statutory rule (time window, Art. 19 ¶3, Art. 36 ¶3 …) refuses the action."""

    status_code = 409
    default_code = "rule_violation"


class NotPermitted(DomainError):
    """The actor may not take this action on this petition."""

    status_code = 403
    default_code = "not_permitted"


class InvalidInput(DomainError):
    """Input that parsed but is not acceptable (e.g. a unit of the wrong type)."""

    status_code = 400
    default_code = "invalid"
