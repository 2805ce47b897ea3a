"""Small helpers shared by the portal's views."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """htmx sends ``HX-Request: true``; such requests get a page fragment instead of a full page."""
    return request.headers.get("HX-Request") == "true"
