"""The OpenAPI schema says what the API really answers (issue 9): errors, pagination envelopes, blank enums.

``XinfangAutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds to every operation the error answers it
can give, each with the one ``Error`` body of ``xinfang.core.api.exception_handler``, decided from the view
itself rather than listed by hand:

- 400 — the operation takes a request body or query parameters (serializer, ``InvalidInput`` or Django
  validation errors: ``{"field": ["message", …]}`` or ``{"detail", "code", "field"}``);
- 401 — the view authenticates (a missing, wrong or expired token is refused even where anonymous calls are
  allowed) and its permissions require a signed-in user;
- 403 — permissions beyond "signed in", or an unsafe method (a service's ``NotPermitted``; CSRF under session
  authentication);
- 404 — a path parameter names an object (missing and forbidden look the same), or a cursor is given;
- 409 — an unsafe method: services refuse an action the workflow or a statutory rule does not allow now
  (``IllegalTransition``, ``RuleViolation``);
- 413 — a request body, when ``RequestSizeMiddleware`` refuses over-large bodies from ``Content-Length``;
- 415 — a request body in a media type that none of the view's parsers reads;
- 429 — the view has throttles.

Views that paginate by hand (an ``APIView`` calling a paginator) declare the paginator as ``pagination_class``
or, in the reception desk's convention, ``pagination``; the list answer is then documented as that paginator's
envelope (``{next, previous, results}`` for cursors, ``{count, next, previous, results}`` for pages).

Answers are described as they are sent: a read-only choice of a ``blank=True`` model field may be ``""``; a field
declared with ``default=None``, or whose source passes a nullable model field or relation, may be ``null``; times
are local ``hh:mm[:ss]`` without an offset.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
PAGINATION_PARAMS = frozenset({"cursor", "page_size", "limit", "offset", "page"})
_ONE_OR_MANY: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An error. Refusals by a rule carry `detail` (the message, in the request's language), `code` and, "
        "where one field is at fault, `field`; a statutory refusal also names the `article`. Validation errors "
        "carry one list of messages per field (`non_field_errors` for the whole object)."
    ),
    "properties": {
        "detail": {"type": "string"},
        # A string in a refusal; the list of messages of an input field that happens to bear the same name (the
        # 查询码 is ``code``).
        "code": _ONE_OR_MANY,
        "field": _ONE_OR_MANY,
        "article": _ONE_OR_MANY,
    },
    "additionalProperties": {},
}

DESCRIPTIONS = {
    "400": "Invalid input: the body names the field at fault.",
    "401": "Not signed in, or the token is wrong or expired.",
    "403": "Not permitted for this account.",
    "404": "No such object, or not one this account may see.",
    "409": "Refused now by the workflow or a statutory rule.",
    "413": "The request body is too large.",
    "415": "The body's Content-Type is not one this operation reads.",
    "429": "Too many requests: wait and try again.",
}


class ErrorSerializer(serializers.Serializer[Any]):
    """The error body (component ``Error``), for documentation only. Views that list their errors by hand use
    this one: ``@extend_schema(responses={400: ErrorSerializer, …})``."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
    article = serializers.CharField(required=False)


class ErrorSerializerSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """``ErrorSerializer`` is documented as ``ERROR_SCHEMA``: field errors are extra keys, not declared fields."""

    target_class = ErrorSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        return ERROR_SCHEMA


def _model_fields(field: serializers.Field[Any, Any, Any, Any]) -> list[Any]:
    """The model fields along a serializer field's ``source`` ("unit.name" → [Model.unit, Unit.name]), as far
    as they are concrete forward fields (a property, method or reverse relation ends the walk)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or field.source == "*":
        return []
    found: list[Any] = []
    for part in field.source.split("."):
        if model is None:
            break
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not model_field.concrete or model_field.many_to_many:  # reverse or many: a list, never null
            break
        found.append(model_field)
        model = getattr(model_field, "related_model", None)
    return found


def _as_answered(field: serializers.Field[Any, Any, Any, Any]) -> serializers.Field[Any, Any, Any, Any]:
    """The field as its answers really are.

    - ``null`` where the source can be missing: ``default=None``, or a nullable model field or relation on the
      way (DRF answers ``null`` for ``unit.name`` of a row without a unit);
    - ``""`` for a read-only choice of a ``blank=True`` model field (DRF drops ``allow_blank`` when read-only).
    """
    path = _model_fields(field)
    nullable = not field.allow_null and (field.default is None or any(getattr(f, "null", False) for f in path))
    blank = (
        isinstance(field, serializers.ChoiceField)
        and not field.allow_blank
        and len(path) == 1
        and bool(getattr(path[0], "blank", False))
    )
    if not (nullable or blank):
        return field
    answered = copy.copy(field)
    if nullable:
        answered.allow_null = True
    if blank:
        answered.allow_blank = True  # type: ignore[attr-defined]
    return answered


class XinfangAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers and hand-made pagination of this project."""

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any] | None:
        if direction == "response":
            field = _as_answered(field)
        schema: dict[str, Any] | None = super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )
        if schema is not None and schema.get("format") == "time":
            # DRF answers and reads local times without an offset ("09:30:00"); OpenAPI's "time" is RFC 3339's
            # full-time, which requires one. Say what is really sent.
            schema = {k: v for k, v in schema.items() if k != "format"} | {"pattern": TIME_PATTERN}
        return schema

    def _get_paginator(self) -> Any:
        pagination_class = getattr(self.view, "pagination_class", None) or getattr(self.view, "pagination", None)
        return pagination_class() if isinstance(pagination_class, type) else None

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        component = self.resolve_serializer(ErrorSerializer(), "response")
        ref = component.ref
        for code in self.error_codes():
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:  # listed by hand with a description only
                response["content"] = {"application/json": {"schema": ref}}
        return responses

    def error_codes(self) -> list[str]:
        """The 4xx codes this operation can answer, from its method, parameters, permissions and throttles."""
        unsafe = self.method not in permissions.SAFE_METHODS
        params = self._get_parameters()
        query = {p["name"] for p in params if p.get("in") == "query"}
        path = [p for p in params if p.get("in") == "path"]
        has_body = unsafe and self._get_request_body() is not None  # type: ignore[no-untyped-call]
        authenticators = self.view.get_authenticators()
        needs_login = any(not isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        # A password login (core.api.TokenView): no account to refuse, no workflow.
        login = getattr(self.view, "password_login", False)
        codes: list[str] = []
        # Path ids too: a number beyond 64 bits is refused as input (core.api's OverflowError net).
        if unsafe or path or (query - PAGINATION_PARAMS):
            codes.append("400")
        if authenticators:
            codes.append("401")
        if needs_login or (unsafe and not login):
            codes.append("403")
        if path or query & {"cursor", "page"}:  # a cursor or page that does not exist is a 404 too
            codes.append("404")
        if unsafe and not login:
            codes.append("409")
        if has_body and "xinfang.core.limits.RequestSizeMiddleware" in settings.MIDDLEWARE:
            codes.append("413")
        if has_body:
            codes.append("415")  # a Content-Type none of the view's parsers reads
        if self.view.get_throttles() or (login and "axes" in settings.INSTALLED_APPS):
            codes.append("429")  # throttled, or a password login locked out after failures (django-axes)
        return codes
