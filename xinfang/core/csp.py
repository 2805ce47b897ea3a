"""Content-Security-Policy on every HTML page (issue 9, Build 4): no inline script can run, so markup injected
into a page (a petition's text, a unit name) cannot execute, and no other site may frame the pages.

The policy is ``settings.XINFANG_CSP``. Pages keep their behaviour in static files (``xinfang/site.js``,
``portal/portal.js``, ``stats/charts.js``); htmx is configured from a ``<meta name="htmx-config">`` tag to add no
style element, evaluate no code and run no script it swaps in. A view that needs another policy sets the header
itself and the middleware leaves it alone — only the Swagger UI does (``ApiDocsView``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

HEADER = "Content-Security-Policy"

# The Swagger UI (drf-spectacular-sidecar) in its split mode loads its start-up script as a file, so scripts stay
# 'self'; its page has a <style> block and React sets style attributes, hence inline styles on that page only.
API_DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.XINFANG_CSP`` to HTML responses that have no policy of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if HEADER not in response and response.get("Content-Type", "").startswith("text/html"):
            response[HEADER] = settings.XINFANG_CSP
        return response


class ApiDocsView(SpectacularSwaggerSplitView):
    """The interactive API docs (``/api/docs/``) with their own, style-relaxed policy."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        if request.GET.get("script") is None:  # the page; the script itself is JavaScript
            response[HEADER] = API_DOCS_POLICY
        return response
