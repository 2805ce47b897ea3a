"""Staff pages of text intelligence (mounted at /workbench/insight/): hot issues with drill-down, and the htmx
fragment of suggestions on the registration screen. Thin: selectors and ``integration`` do the work."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core.errors import NotPermitted
from xinfang.core.limits import parse_id
from xinfang.insight import integration, selectors
from xinfang.orgs.models import Unit
from xinfang.workbench.access import refuse, staff_required, staff_user

PAGE_SIZE = 50


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@staff_required
def hot_issues(request: HttpRequest) -> HttpResponse:
    """热点问题 of the regions in the viewer's scope, one snapshot (the latest by default), region by region."""
    user = staff_user(request)
    if not selectors.may_see_hot_issues(user):
        return refuse(request, _("Hot issues are for analysts, leaders, supervisors and unit heads."))
    snapshot = _date(request.GET.get("snapshot")) or selectors.latest_snapshot(user)
    region_raw = request.GET.get("region", "")
    region = parse_id(region_raw)
    issues = selectors.hot_issue_list(user, snapshot=snapshot, region=region)
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    in_scope = selectors.hot_issues_in_scope(user)
    regions = (
        Unit.objects.filter(pk__in=in_scope.filter(snapshot_on=snapshot).values("unit_id")).order_by("path")
        if snapshot
        else Unit.objects.none()
    )
    snapshots = list(in_scope.values_list("snapshot_on", flat=True).distinct().order_by("-snapshot_on")[:30])
    context = {
        "nav": "hot_issues",
        "page": page,
        "snapshot": snapshot,
        "snapshots": snapshots,
        "regions": regions,
        "region": region,
    }
    return render(request, "insight/hot_issues.html", context)


@staff_required
def hot_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """One hot issue and the petitions of it that the viewer may see."""
    user = staff_user(request)
    if not selectors.may_see_hot_issues(user):
        return refuse(request, _("Hot issues are for analysts, leaders, supervisors and unit heads."))
    issue = selectors.hot_issue_get_visible(user, pk)
    petitions = selectors.hot_issue_petitions(user, issue)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insight/hot_issue.html",
        {"nav": "hot_issues", "issue": issue, "page": page, "hidden": issue.petition_count - page.paginator.count},
    )


@staff_required
@require_POST
def register_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx, on the registration screen: categories for what has been typed, and — once a petitioner's ID number
    or phone is entered — their earlier petitions on the same matter that the registrar may see."""
    user = staff_user(request)
    data = request.POST
    ids = [str(data[k]) for k in data if k.endswith("id_number") and str(data[k]).strip()]
    phones = [str(data[k]) for k in data if k.endswith("-phone") and str(data[k]).strip()]
    try:
        found = integration.draft_suggestions(
            user,
            title=str(data.get("title", ""))[:200],
            text="\n".join(str(data.get(k, ""))[:20000] for k in ("request", "facts_and_reasons") if data.get(k)),
            id_numbers=ids,
            phones=phones,
        )
    except NotPermitted as exc:
        return refuse(request, str(exc.message))
    return render(
        request,
        "insight/_register_suggestions.html",
        {"categories": found.categories, "repeats": found.repeat_candidates, "has_person": bool(ids or phones)},
    )
