"""Staff pages at /workbench/reports/: list and draft, read and edit a draft, issue, download the .docx.

Thin: each view parses the form, calls the same service as the API, and renders. Refusals are 4xx pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core.errors import DomainError, InvalidInput
from xinfang.core.limits import parse_id
from xinfang.orgs.models import Unit, User
from xinfang.reports import selectors, services
from xinfang.reports.api.views import docx_response, meeting_from
from xinfang.reports.models import Report, ReportKind
from xinfang.stats.catalogue import BY_NAME
from xinfang.stats.dashboards import format_value
from xinfang.workbench.access import staff_required, staff_user


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "reports/error.html",
        {"message": error.message, "field": error.field or "", "nav": "reports"},
        status=error.status_code,
    )


@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    reports = selectors.reports_visible_to(user)[:200]
    return render(
        request,
        "reports/list.html",
        {"reports": reports, "nav": "reports", "may_draft": user.unit is not None and user.unit.is_petition_department},
    )


def _parse_period(request: HttpRequest) -> tuple[str, dt.date | None, int | None]:
    kind = request.POST.get("kind", "")
    if kind not in ReportKind.values:
        raise InvalidInput(_("Choose the kind of report."), field="kind")
    if kind == ReportKind.MONTHLY:
        raw = request.POST.get("month", "")
        try:
            month = dt.date.fromisoformat(f"{raw}-01")
        except ValueError:
            raise InvalidInput(_("Give the month as YYYY-MM."), field="month") from None
        return kind, month, None
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise InvalidInput(_("Give the year."), field="year") from None
    return kind, None, year


@staff_required
@require_POST
def report_draft(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    assert user.unit is not None  # noqa: S101 - staff_required
    try:
        _kind, month, year = _parse_period(request)
        if month is not None:
            report = services.report_draft_monthly(unit=user.unit, month=month, actor=user)
        else:
            report = services.report_draft_annual(unit=user.unit, year=year or 0, actor=user)
    except DomainError as error:
        return _error(request, error)
    return redirect("reports:detail", pk=report.pk)


MAX_MEETING_CHOICES = 50


def problem_units(report: Report) -> QuerySet[Unit]:
    """Units a 突出问题 of ``report`` may be assigned to: the active units of its area (as ``report_issue`` checks)."""
    return Unit.objects.active().within(report.unit.scope_path).order_by("path")


def problem_meetings(user: User) -> list[Any]:
    """联席会议 sittings that ``user`` may put an item on (``joint.services.manages``), newest first."""
    from xinfang.joint.selectors import meetings_visible_to
    from xinfang.joint.services import manages

    qs = meetings_visible_to(user).select_related("conference__unit").order_by("-held_on", "-id")
    return [m for m in qs[: MAX_MEETING_CHOICES * 4] if manages(user, m.conference.unit)][:MAX_MEETING_CHOICES]


def _display(key: str, value: Any) -> str:
    kpi = BY_NAME.get(key)
    if kpi is None:
        return "—" if value is None else str(value)
    return format_value(kpi, value)


@staff_required
def report_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_get_visible(user, pk)
    headings = services.section_headings()
    sections = [(key, headings[key], report.sections.get(key, "")) for key in services.SECTIONS[report.kind]]
    may_issue = not report.is_issued and services.may_issue(user, report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "sections": sections,
            "data": report.figures,
            "kpi_rows": [
                (
                    report.figures.get("labels", {}).get(k, k),
                    _display(k, v),
                    _display(k, report.figures.get("year_ago", {}).get(k)),
                )
                for k, v in report.figures.get("kpis", {}).items()
            ],
            "issues": list(report.issues.select_related("unit")),
            "may_edit": not report.is_issued
            and (services.may_draft(user, report.unit) or services.may_issue(user, report)),
            "may_issue": may_issue,
            "units": problem_units(report) if may_issue and report.kind == ReportKind.MONTHLY else [],
            "meetings": problem_meetings(user) if may_issue and report.kind == ReportKind.MONTHLY else [],
            "nav": "reports",
        },
    )


@staff_required
@require_POST
def report_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_get_visible(user, pk)
    sections = {key: request.POST[key] for key in services.SECTIONS[report.kind] if key in request.POST}
    try:
        services.report_edit(actor=user, report=report, sections=sections)
    except DomainError as error:
        return _error(request, error)
    return redirect("reports:detail", pk=report.pk)


@staff_required
@require_POST
def report_issue(request: HttpRequest, pk: str) -> HttpResponse:
    """Issue; the form may name one problem (title, unit, due) and the meeting that takes it up, both chosen from
    selects limited to what the issuer may choose."""
    user = staff_user(request)
    report = selectors.report_get_visible(user, pk)
    try:
        problems = []
        title = request.POST.get("title", "").strip()
        if title:
            unit_id = parse_id(request.POST.get("unit", ""))
            unit = problem_units(report).filter(pk=unit_id).first() if unit_id is not None else None
            if unit is None:
                raise InvalidInput(_("Choose the responsible unit."), field="unit")
            try:
                due = dt.date.fromisoformat(request.POST.get("due", ""))
            except ValueError:
                raise InvalidInput(_("Give the deadline as YYYY-MM-DD."), field="due") from None
            problems.append(
                services.ProblemSpec(title=title, unit=unit, due=due, description=request.POST.get("description", ""))
            )
        raw_meeting = request.POST.get("meeting", "").strip()
        meeting_id = parse_id(raw_meeting)
        if raw_meeting and meeting_id is None:
            raise InvalidInput(_("Choose the meeting."), field="meeting")
        meeting = meeting_from(user, meeting_id)
        services.report_issue(actor=user, report=report, problems=problems, meeting=meeting)
    except DomainError as error:
        return _error(request, error)
    return redirect("reports:detail", pk=report.pk)


@staff_required
def report_download(request: HttpRequest, pk: str) -> HttpResponse:
    return docx_response(selectors.report_get_visible(staff_user(request), pk))
