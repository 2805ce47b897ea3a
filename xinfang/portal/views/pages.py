"""The start page and the published channels and procedure (Art. 18)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, STATUTORY_RULES, ClockKind
from xinfang.portal import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """阳光信访: what the service is, and the ways in (submit, track, my petitions, reception)."""
    return render(request, "portal/home.html", {"citizen": selectors.citizen_user(request)})


def reception_hours() -> str:
    """Default reception time text for every petition department (``XINFANG_RECEPTION_HOURS`` overrides it)."""
    configured = getattr(settings, "XINFANG_RECEPTION_HOURS", "")
    if configured:
        return str(configured)
    return _("Working days 9:00–12:00 and 14:00–17:30, except statutory holidays.")


@require_GET
def info(request: HttpRequest) -> HttpResponse:
    """Art. 18: channels, addresses and phone numbers, reception sites and times, progress, procedure and limits."""
    areas = selectors.info_areas()
    area = request.GET.get("area", "")
    if area not in {code for code, _name in areas}:
        area = ""
    page = Paginator(selectors.petition_departments(area), 50).get_page(request.GET.get("page"))
    days = {kind.value: rule.days for kind, rule in STATUTORY_RULES.items()}
    context = {
        "areas": areas,
        "area": area,
        "departments": page,
        "reception_hours": reception_hours(),
        "site_url": request.build_absolute_uri("/"),
        "days": days,
        "extension_days": MAX_EXTENSION_DAYS,
        "simple_days": settings.XINFANG_SIMPLE_HANDLING_WORKING_DAYS,
        "rating_days": settings.XINFANG_RATING_WINDOW_DAYS,
        "route_kind": ClockKind.ROUTE,
    }
    return render(request, "portal/info.html", context)
