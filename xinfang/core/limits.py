"""Limits on what one request may carry, each refusal a 4xx that names what was wrong.

- ``RequestSizeMiddleware``: a body larger than allowed is refused from its ``Content-Length`` header, before a
  byte of it is read (413): multipart uploads up to ``XINFANG_REQUEST_MAX_BYTES``, anything else up to
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
- ``LimitedJSONParser``: JSON bodies nested deeper than ``XINFANG_JSON_MAX_DEPTH`` or holding a string longer than
  ``XINFANG_JSON_MAX_STRING`` are refused (400 naming the field). A body nested 100,000 deep is a 400, not a 500.
- ``id_param``: an id read from the query string; above 64 bits is a 400 (SQLite cannot compare such a number).
- ``is_id`` / ``parse_id``: the one test of "is this text a number ``int`` can read and a 64-bit column can hold".
  ``str.isdigit`` is not it: "³".isdigit() is True but ``int("³")`` raises (issue 9: a 500 at every such place).
- ``require_max_length``: the one length check services use for free text.
- ``lockout_response``: the answer to a login from a locked-out client (django-axes, ``AXES_LOCKOUT_CALLABLE``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from xinfang.core.errors import InvalidInput

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or "application/json" in accept


class RequestSizeMiddleware:
    """Refuse an over-large body from ``Content-Length`` alone (413), before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw:
            try:
                length = int(raw)
            except ValueError:
                return self._refuse(request, 400, _("The Content-Length header is not a number."))
            multipart = str(request.META.get("CONTENT_TYPE", "")).startswith("multipart/")
            limit = settings.XINFANG_REQUEST_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if length > limit:
                message = _("The request is too large: at most %(mb)s MB may be sent at once.") % {
                    "mb": round(limit / (1024 * 1024), 1)
                }
                return self._refuse(request, 413, message)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if _wants_json(request):
            return JsonResponse({"detail": message, "code": "too_large" if status == 413 else "invalid"}, status=status)
        return render(request, "core/refused.html", {"message": message}, status=status)


def check_json_value(value: Any, *, max_depth: int, max_string: int) -> None:
    """Raise ``InvalidInput`` naming the field (dotted path) of the first value too deep or too long."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise InvalidInput(
                    _("The data is nested too deeply (at most %(n)s levels).") % {"n": max_depth},
                    field=path or "body",
                    code="too_deep",
                )
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and len(key) > max_string:
                    raise InvalidInput(_("A field name is too long."), field=path or "body", code="too_long")
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, str) and len(item) > max_string:
            raise InvalidInput(
                _("This text is too long: at most %(n)s characters.") % {"n": max_string},
                field=path or "body",
                code="too_long",
            )


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with a depth and a string-length limit (see the module docstring)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # json's decoder gives up on very deep nesting before we can count it
            raise InvalidInput(
                _("The data is nested too deeply (at most %(n)s levels).") % {"n": settings.XINFANG_JSON_MAX_DEPTH},
                field="body",
                code="too_deep",
            ) from None
        except ParseError:
            raise
        check_json_value(data, max_depth=settings.XINFANG_JSON_MAX_DEPTH, max_string=settings.XINFANG_JSON_MAX_STRING)
        return data


MAX_ID_DIGITS = 18  # any 18 ASCII digits fit a signed 64-bit integer (2⁶³−1 has 19)


def is_id(text: object) -> bool:
    """``text`` is 1 to 18 ASCII digits: ``int(text)`` cannot fail and the value fits a 64-bit column.

    Use this (never ``str.isdigit``, which admits "³" and "٣") wherever an ``int()`` follows the check."""
    return isinstance(text, str) and 0 < len(text) <= MAX_ID_DIGITS and text.isascii() and text.isdigit()


def parse_id(raw: object) -> int | None:
    """``raw`` as an id (a whole number from 1 to 2⁶³−1, ASCII digits only), else ``None``.

    ``str.isdigit`` admits "²" (which ``int`` refuses) and numbers above 64 bits (which SQLite cannot bind): both
    were 500s. Pages that ignore a bad cursor or filter use this; the API uses ``id_param``."""
    text = str(raw).strip() if raw is not None else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def id_param(params: Mapping[str, Any], name: str) -> int | None:
    """The id in query parameter ``name`` (``None`` if absent or empty); not a whole number from 1 to 2⁶³−1 → 400."""
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise InvalidInput(_("%(name)s must be an id (a whole number).") % {"name": name}, field=name)
    return value


def require_max_length(value: str | None, *, field: str, limit: int) -> None:
    """Free text longer than ``limit`` characters is refused with a 400 naming ``field``."""
    if value is not None and len(value) > limit:
        raise InvalidInput(
            _("This text is too long: at most %(n)s characters (you gave %(given)s).")
            % {"n": limit, "given": len(value)},
            field=field,
            code="too_long",
        )


def lockout_message() -> str:
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return _(
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)s minutes; "
        "an administrator can unlock it sooner."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Too many failed logins from this address or for this user name (django-axes): 429 with a clear message."""
    message = lockout_message()
    if _wants_json(request):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "core/refused.html", {"message": message}, status=429)


def json_dumps_size(value: Any) -> int:
    """Characters of ``value`` as stored JSON (non-ASCII kept as is, as the database stores it)."""
    return len(json.dumps(value, ensure_ascii=False))
