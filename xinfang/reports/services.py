"""State changes of reports: draft (by hand or by the monthly job), edit, issue. Keyword-only, typed, atomic.

A draft's figures are computed again on every edit (``figures.py``: the statistics layer); issuing stamps who and
when and freezes the report. Each 突出问题 chosen at issue becomes a 联席会议 agenda item (``joint.agenda_item_add``)
and an assignment (``supervision.assignment_create``, source ``report``) to the responsible unit with a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.joint.models import Meeting
from xinfang.orgs.models import Level, Role, Unit, UnitType, User
from xinfang.reports import figures as fig
from xinfang.reports.models import Report, ReportIssue, ReportKind, ReportStatus
from xinfang.supervision.assignments import assignment_create
from xinfang.supervision.models import AssignmentSource

# The editable text sections of each kind, in order (key → heading).
SECTIONS: dict[str, tuple[str, ...]] = {
    ReportKind.MONTHLY: ("summary", "analysis", "suggestions"),
    ReportKind.ANNUAL: ("summary", "work_done", "other", "inspection_notes"),
}
MAX_SECTION_CHARS = 20000
REPORT_UNIT_TYPES = (UnitType.PETITION_DEPT,)
ISSUER_ROLES = (Role.HEAD, Role.LEADER)
MONTHLY_LEVELS = (Level.CITY, Level.COUNTY)
MAX_PROBLEMS = 20


def section_headings() -> dict[str, str]:
    return {
        "summary": _("Overview"),
        "analysis": _("Analysis"),
        "suggestions": _("Suggestions"),
        "work_done": _("Work done"),
        "other": _("Other matters to report"),
        "inspection_notes": _("For inspection teams (Art. 41 ¶2)"),
    }


# --- who may do what ---


def _is_leader_at_or_above(user: User, unit: Unit) -> bool:
    own = user.unit
    return own is not None and user.has_role(*ISSUER_ROLES) and unit.is_within(own.path)


def may_view(user: User, report: Report) -> bool:
    """The unit's own staff (its 信访部门), and heads and leaders of the unit or any unit above it."""
    if not user.is_unit_staff:
        return False
    return user.unit_id == report.unit_id or _is_leader_at_or_above(user, report.unit)


def may_draft(user: User, unit: Unit) -> bool:
    return user.is_unit_staff and user.unit_id == unit.pk


def may_issue(user: User, report: Report) -> bool:
    """Approve and issue: a head or leader of the unit, or of a unit above it (本级党委、政府 and up)."""
    return user.is_unit_staff and _is_leader_at_or_above(user, report.unit)


def _require_draft(report: Report) -> None:
    if report.status != ReportStatus.DRAFT:
        raise RuleViolation(_("This report has been issued and can no longer be changed."), code="issued")


# --- drafting ---


def _default_sections(kind: str, figures: Mapping[str, Any]) -> dict[str, str]:
    kpis = figures.get("kpis", {})
    received = kpis.get("received") or 0
    if kind == ReportKind.MONTHLY:
        previous = (figures.get("previous") or {}).get("received") or 0
        rises = figures.get("rises") or []
        rise_text = "、".join(r["label"] for r in rises[:5]) or "无"
        return {
            "summary": f"本月共受理信访事项{received}件，上月{previous}件。",
            "analysis": f"按异常上升规则识别的问题：{rise_text}。",
            "suggestions": "",
        }
    complained = "、".join(r["label"] for r in (figures.get("complained_units") or [])[:5]) or "无"
    return {
        "summary": f"全年共受理信访事项{received}件；被投诉较多的机关、单位：{complained}。",
        "work_done": "",
        "other": "",
        "inspection_notes": "",
    }


def _compute(report: Report) -> dict[str, Any]:
    if report.kind == ReportKind.MONTHLY:
        data = fig.monthly_figures(report.unit, report.period_start)
        data["last_month_issues"] = last_month_issues(report)
        return data
    return fig.annual_figures(report.unit, report.period_start.year)


def _create(*, kind: str, unit: Unit, start: dt.date, end: dt.date, actor: User | None) -> Report:
    if unit.unit_type not in REPORT_UNIT_TYPES:
        raise InvalidInput(_("Reports are made by petition departments."), field="unit")
    if actor is not None and not may_draft(actor, unit):
        raise NotPermitted(_("Only staff of %(unit)s can draft its reports.") % {"unit": unit.name})
    existing = Report.objects.filter(kind=kind, unit=unit, period_start=start).first()
    if existing is not None:
        return existing
    now = timeutil.now()
    report = Report(
        kind=kind,
        unit=unit,
        unit_path=unit.path,
        period_start=start,
        period_end=end,
        generated_at=now,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    report.figures = _compute(report)
    report.sections = _default_sections(kind, report.figures)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # drafted at the same time by someone else: theirs stands
        return Report.objects.get(kind=kind, unit=unit, period_start=start)
    return report


@transaction.atomic
def report_draft_monthly(*, unit: Unit, month: dt.date, actor: User | None = None) -> Report:
    """The draft 分析研判 of ``unit``'s area for ``month`` (a complete month); the existing one if already drafted."""
    start, end = fig.month_bounds(month)
    if end >= timeutil.today():
        raise InvalidInput(_("A monthly report is drafted once the month is over."), field="month")
    return _create(kind=ReportKind.MONTHLY, unit=unit, start=start, end=end, actor=actor)


@transaction.atomic
def report_draft_annual(*, unit: Unit, year: int, actor: User | None = None) -> Report:
    """The draft Art. 41 annual report of ``unit`` for ``year``; the existing one if already drafted."""
    if year < 2000 or year > timeutil.today().year:
        raise InvalidInput(_("Choose a year from 2000 to this year."), field="year")
    return _create(kind=ReportKind.ANNUAL, unit=unit, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), actor=actor)


@transaction.atomic
def report_edit(*, actor: User, report: Report, sections: Mapping[str, str]) -> Report:
    """Edit the text sections of a draft; its figures are computed again from the statistics layer."""
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not may_view(actor, report) or not (may_draft(actor, report.unit) or may_issue(actor, report)):
        raise NotPermitted(_("Only staff of the unit and its leaders can edit this report."))
    _require_draft(report)
    allowed = SECTIONS[report.kind]
    texts = dict(report.sections)
    for key, value in sections.items():
        if key not in allowed:
            raise InvalidInput(
                _("Unknown section “%(key)s”; the sections are: %(names)s.")
                % {"key": key, "names": ", ".join(allowed)},
                field="sections",
            )
        if not isinstance(value, str) or len(value) > MAX_SECTION_CHARS:
            raise InvalidInput(
                _("Each section is text of at most %(n)s characters.") % {"n": MAX_SECTION_CHARS}, field="sections"
            )
        texts[key] = value.strip()
    report.sections = texts
    report.figures = _compute(report)
    report.generated_at = report.updated_at = timeutil.now()
    report.updated_by = actor
    report.save(update_fields=["sections", "figures", "generated_at", "updated_at", "updated_by"])
    return report


@dataclass(frozen=True)
class ProblemSpec:
    """A 突出问题 chosen at issue: what, which unit answers for it, by when."""

    title: str
    unit: Unit
    due: dt.date
    description: str = ""


@transaction.atomic
def report_issue(
    *, actor: User, report: Report, problems: Sequence[ProblemSpec] = (), meeting: Meeting | None = None
) -> Report:
    """Approve and issue (签发) a draft; it is immutable afterwards. Each problem becomes an agenda item of
    ``meeting`` (a 联席会议 sitting, required when there are problems) and an assignment to its unit."""
    from xinfang.joint.services import agenda_item_add

    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not may_issue(actor, report):
        raise NotPermitted(_("Only a head or leader of the unit, or of a unit above it, can issue this report."))
    _require_draft(report)
    if len(problems) > MAX_PROBLEMS:
        raise InvalidInput(_("Choose at most %(n)s problems.") % {"n": MAX_PROBLEMS}, field="problems")
    if problems and report.kind != ReportKind.MONTHLY:
        raise InvalidInput(_("Outstanding problems are chosen in a monthly report."), field="problems")
    if problems and meeting is None:
        raise InvalidInput(_("Choose the joint conference meeting that takes up the problems."), field="meeting")
    scope = report.unit.scope_path
    for spec in problems:
        if not spec.title.strip():
            raise InvalidInput(_("Name each problem."), field="problems")
        if not spec.unit.is_within(scope):
            raise InvalidInput(
                _("%(unit)s is outside the area of this report.") % {"unit": spec.unit.name}, field="problems"
            )
    report.figures = _compute(report)
    report.generated_at = report.issued_at = report.updated_at = timeutil.now()
    report.status = ReportStatus.ISSUED
    report.issued_by = report.updated_by = actor
    report.save()
    for spec in problems:
        assert meeting is not None  # noqa: S101 - checked above
        item = agenda_item_add(
            actor=actor,
            meeting=meeting,
            kind="policy",
            title=spec.title.strip()[:200],
            description=spec.description.strip(),
            reference=f"report:{report.pk}",
        )
        assignment = assignment_create(
            actor=actor,
            source=AssignmentSource.REPORT,
            source_id=report.pk,
            matter=f"{spec.title.strip()}\n{spec.description.strip()}".strip(),
            unit=spec.unit,
            due=spec.due,
        )
        ReportIssue.objects.create(
            report=report,
            title=spec.title.strip()[:200],
            description=spec.description.strip(),
            unit=spec.unit,
            due=spec.due,
            agenda_item=item,
            assignment=assignment,
        )
    return report


def issue_status(done_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    if done_on is not None:
        return "done" if done_on <= due else "done_late"
    return "overdue" if due < today else "open"


def last_month_issues(report: Report) -> list[dict[str, Any]]:
    """The problems chosen in the previous month's issued report of the same unit, with their feedback."""
    previous_start = fig.add_months(report.period_start, -1)
    today = timeutil.today()
    rows = (
        ReportIssue.objects.filter(
            report__kind=ReportKind.MONTHLY,
            report__unit_id=report.unit_id,
            report__period_start=previous_start,
            report__status=ReportStatus.ISSUED,
        )
        .select_related("unit", "assignment")
        .order_by("id")
    )
    return [
        {
            "title": r.title,
            "unit": r.unit.name,
            "due": r.due.isoformat(),
            "status": issue_status(r.assignment.done_on, r.due, today),
            "done_on": r.assignment.done_on.isoformat() if r.assignment.done_on else None,
            "result": r.assignment.result,
        }
        for r in rows
    ]


# --- the monthly job ---


def is_first_working_day(day: dt.date) -> bool:
    from xinfang.deadlines.services import get_calendar

    calendar = get_calendar()
    return calendar.next_workday(day.replace(day=1)) == day


def reports_draft_monthly(today: dt.date | None = None, *, force: bool = False) -> int:
    """The job: on the first working day of a month (``deadlines`` calendar), last month's draft for each city and
    county petition department. Idempotent: a department that already has the month's report keeps it."""
    today = today or timeutil.today()
    if not force and not is_first_working_day(today):
        return 0
    month = fig.add_months(today.replace(day=1), -1)
    made = 0
    depts = (
        Unit.objects.active()
        .filter(unit_type__in=REPORT_UNIT_TYPES, level__in=MONTHLY_LEVELS)
        .exclude(pk__in=Report.objects.filter(kind=ReportKind.MONTHLY, period_start=month).values("unit_id"))
        .order_by("path")
    )
    for dept in depts:
        report_draft_monthly(unit=dept, month=month)
        made += 1
    return made
