"""The dashboards at /workbench/stats/ (信访部门 and unit) and their CSV downloads; the leader's desk reuses
``dashboards.headlines``. Views parse the range and the unit, then render what ``dashboards`` builds."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.orgs.models import User
from xinfang.stats import dashboards, selectors
from xinfang.workbench.access import staff_required, staff_user


def range_context(
    request: HttpRequest, user: User, default: str = dashboards.DEFAULT_PRESET
) -> tuple[selectors.View, dashboards.Range, dict[str, Any]]:
    """The view (own figures, or a unit in an overseer's scope: else 404) and the range, with the picker's links.

    Bad input raises ``InvalidInput`` naming the field; the views turn it into a 400 page."""
    today = timeutil.today()
    rng = dashboards.parse_dashboard_range(request.GET, today, default)
    view = selectors.view_for(user, selectors.parse_unit(request.GET.get("unit")))
    extra = {"unit": str(view.unit.pk)} if view.unit is not None else {}
    presets = [
        (key, label, "?" + urlencode({"preset": key, **extra}), key == rng.preset)
        for key, label in dashboards.PRESETS.items()
    ]
    query = urlencode({**rng.params(), **extra})
    context = {
        "range": rng,
        "presets": presets,
        "query": query,
        "scope_query": urlencode(rng.params()),
        "view_unit": view.unit,
    }
    return view, rng, context


def bad_request(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "stats/bad_request.html",
        {"message": error.message, "field": error.field or ""},
        status=error.status_code,
    )


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """信访部门 dashboard (overseers: their level, ranked by unit) or the unit dashboard (own unit's figures)."""
    user = staff_user(request)
    try:
        view, rng, context = range_context(request, user)
    except DomainError as error:
        return bad_request(request, error)
    charts = [dashboards.build_chart(view, key, rng) for key in dashboards.chart_keys(view)]
    context.update(
        {
            "nav": "stats",
            "headlines": dashboards.headlines(view, rng),
            "charts": charts,
            "oversees": view.oversees,
        }
    )
    return render(request, "stats/dashboard.html", context)


@staff_required
def chart_csv(request: HttpRequest, key: str) -> HttpResponse:
    """The numbers of one chart's table, as CSV (UTF-8 with a BOM so that Excel reads the Chinese)."""
    user = staff_user(request)
    try:
        view, rng, _context = range_context(request, user)
    except DomainError as error:
        return HttpResponse(f"{error.field}: {error.message}", status=error.status_code, content_type="text/plain")
    chart = dashboards.build_chart(view, key, rng)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{rng.start}-{rng.end}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in chart.csv_rows():
        writer.writerow(row)
    if chart.truncated:
        writer.writerow([_("(cut at %(n)s rows)") % {"n": selectors.MAX_BREAKDOWN_ROWS}])
    return response
