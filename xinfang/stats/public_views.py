"""阳光信访 public figures at /figures/: the monthly figures by unit and the top categories, for everyone.

Only sums of the rollup (``selectors.public_figures``): no petition, petitioner or staff member, no accusation.
The figures of past complete months do not change often, so the page is cached for an hour."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.core import timeutil
from xinfang.stats import selectors

PUBLIC_MONTHS = 3
CACHE_SECONDS = 3600


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    today = timeutil.today()
    key = f"stats:public-figures:{today.year}-{today.month}:{PUBLIC_MONTHS}"
    months = cache.get(key)
    if months is None:
        months = selectors.public_figures(today, PUBLIC_MONTHS)
        for month in months:
            for unit in month["units"]:
                unit["closing"] = _rate(unit["on_time_closing_rate"])
                unit["satisfaction"] = _rate(unit["satisfaction_rate"])
        cache.set(key, months, CACHE_SECONDS)
    response = render(request, "stats/public_figures.html", {"months": months})
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
