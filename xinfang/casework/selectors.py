"""Permission-limited reads of backlog cases, the leader's desk and the backlog board (aggregates in SQL).

A case is visible to whoever can see its petition (``petitions_visible_to``: the units involved, and overseeing
units above them — never the accused side, Art. 30) and to its 包案 leader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from xinfang.casework.models import (
    COUNTED_STATUSES,
    BacklogCase,
    BacklogRule,
    CaseStatus,
    Milestone,
    Resolution,
)
from xinfang.core import timeutil
from xinfang.core.limits import parse_id
from xinfang.orgs.models import LEVEL_RANK, Level, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.assignments import path_range


def cases_visible_to(user: User | Any) -> QuerySet[BacklogCase]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_unit_staff", False):
        return BacklogCase.objects.none()
    return BacklogCase.objects.filter(Q(petition__in=petitions_visible_to(user).values("pk")) | Q(leader_id=user.pk))


def case_get_visible(user: User | Any, pk: int | str) -> BacklogCase:
    """404 for missing and forbidden alike."""
    if parse_id(pk) is None:
        raise Http404
    case = (
        cases_visible_to(user)
        .select_related("petition", "unit", "leader", "responsible_unit", "marked_by", "decided_by", "closed_by")
        .filter(pk=int(pk))
        .first()
    )
    if case is None:
        raise Http404
    return case


def _open_milestones() -> QuerySet[Milestone]:
    return Milestone.objects.filter(case_id=OuterRef("pk"), assignment__done_on__isnull=True).order_by("due", "id")


def with_milestones(qs: QuerySet[BacklogCase], today: dt.date) -> QuerySet[BacklogCase]:
    """Annotate the next open milestone (what, due) and the number of overdue ones."""
    return qs.annotate(
        next_milestone_what=Subquery(_open_milestones().values("what")[:1]),
        next_milestone_due=Subquery(_open_milestones().values("due")[:1]),
        overdue_milestones=Count(
            "milestones",
            filter=Q(milestones__assignment__done_on__isnull=True, milestones__due__lt=today),
            distinct=True,
        ),
    )


def cases_owned_by(user: User | Any, today: dt.date | None = None) -> QuerySet[BacklogCase]:
    """The leader's open 包案 cases (for the leader's desk), soonest milestone first."""
    if not getattr(user, "is_authenticated", False):
        return BacklogCase.objects.none()
    today = today or timeutil.today()
    qs = BacklogCase.objects.filter(leader_id=user.pk, status=CaseStatus.IN_CHARGE).select_related(
        "petition", "responsible_unit", "unit", "leader"
    )
    return with_milestones(qs, today).order_by(F("next_milestone_due").asc(nulls_last=True), "first_received_on", "id")


# --- The board ------------------------------------------------------------------------------------------------


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it has no such day)."""
    import calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


AGE_BUCKETS = ("lt6m", "6to12m", "1to2y", "gt2y")


def age_bucket_q(bucket: str, today: dt.date) -> Q:
    """Ageing of the matter since it was first received: < 6 months, 6–12 months, 1–2 years, > 2 years."""
    m6, m12, m24 = months_back(today, 6), months_back(today, 12), months_back(today, 24)
    return {
        "lt6m": Q(first_received_on__gt=m6),
        "6to12m": Q(first_received_on__lte=m6, first_received_on__gt=m12),
        "1to2y": Q(first_received_on__lte=m12, first_received_on__gt=m24),
        "gt2y": Q(first_received_on__lte=m24),
    }[bucket]


@dataclass
class BoardFilters:
    status: str = ""
    kind: str = ""
    level: str = ""
    unit_path: str = ""  # a unit's subtree
    rule: str = ""
    age: str = ""
    leader: int | None = None
    q: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def filter_cases(qs: QuerySet[BacklogCase], f: BoardFilters, today: dt.date) -> QuerySet[BacklogCase]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.unit_path:
        qs = qs.filter(path_range("unit_path", f.unit_path))
    if f.rule in BacklogRule.values:  # each rule has its by_<rule> flag
        qs = qs.filter(**{f"by_{f.rule}": True})
    if f.age in AGE_BUCKETS:
        qs = qs.filter(age_bucket_q(f.age, today))
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.q:
        qs = qs.filter(Q(petition__number=f.q.upper()) | Q(petition__title__icontains=f.q))
    return qs


@dataclass
class Board:
    total: int
    by_status: dict[str, int]
    ageing: dict[str, int]
    by_level: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    period_start: dt.date
    period_end: dt.date
    period_cases: int
    period_resolved: int
    resolution_rate: float | None  # 化解率 = resolved in the period ÷ cases in the period
    extra: dict[str, Any] = field(default_factory=dict)


def _bucket_counts(today: dt.date) -> dict[str, Any]:
    return {f"age_{b}": Count("id", filter=age_bucket_q(b, today)) for b in AGE_BUCKETS}


def board(user: User, filters: BoardFilters | None = None, today: dt.date | None = None) -> Board:
    """Counts for the user's scope: by status, ageing, by level and by unit (top 50), and the 化解率.

    The period (default: this calendar year to today) counts confirmed cases open at some time in it (marked by its
    end and not closed before its start); resolved = closed in the period with the outcome 化解.
    """
    today = today or timeutil.today()
    f = filters or BoardFilters()
    start = f.period_start or dt.date(today.year, 1, 1)
    end = f.period_end or today
    qs = filter_cases(cases_visible_to(user), f, today)
    status_rows = qs.values("status").annotate(n=Count("id")).order_by()
    by_status = {s.value: 0 for s in CaseStatus}
    for row in status_rows:
        by_status[row["status"]] = row["n"]
    active = qs.filter(status__in=(CaseStatus.OPEN, CaseStatus.IN_CHARGE))
    ageing_row = active.aggregate(**_bucket_counts(today))
    ageing = {b: ageing_row[f"age_{b}"] or 0 for b in AGE_BUCKETS}
    per_group = {
        "total": Count("id"),
        "candidates": Count("id", filter=Q(status=CaseStatus.CANDIDATE)),
        "active": Count("id", filter=Q(status__in=(CaseStatus.OPEN, CaseStatus.IN_CHARGE))),
        "in_charge": Count("id", filter=Q(status=CaseStatus.IN_CHARGE)),
        "closed": Count("id", filter=Q(status=CaseStatus.CLOSED)),
        "resolved": Count("id", filter=Q(status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED)),
        **{
            f"age_{b}": Count(
                "id", filter=Q(status__in=(CaseStatus.OPEN, CaseStatus.IN_CHARGE)) & age_bucket_q(b, today)
            )
            for b in AGE_BUCKETS
        },
    }
    grouped: Any = qs  # the plugin cannot follow annotations made from a dict
    levels: list[dict[str, Any]] = [dict(r) for r in grouped.values("level").annotate(**per_group).order_by()]
    levels.sort(key=lambda r: LEVEL_RANK.get(Level(r["level"]), 9) if r["level"] in Level.values else 9)
    for r in levels:
        r["level_label"] = str(Level(r["level"]).label) if r["level"] in Level.values else r["level"]
    units: list[dict[str, Any]] = [
        dict(r)
        for r in grouped.values("unit_id", "unit__name", "level")
        .annotate(**per_group)
        .order_by("-active", "-total", "unit__name")[:50]
    ]
    in_period = qs.filter(status__in=COUNTED_STATUSES, marked_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    period = in_period.aggregate(
        cases=Count("id"),
        resolved=Count(
            "id",
            filter=Q(status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED, closed_on__gte=start, closed_on__lte=end),
        ),
    )
    rate = round(period["resolved"] / period["cases"], 4) if period["cases"] else None
    return Board(
        total=sum(by_status.values()),
        by_status=by_status,
        ageing=ageing,
        by_level=levels,
        by_unit=units,
        period_start=start,
        period_end=end,
        period_cases=period["cases"],
        period_resolved=period["resolved"],
        resolution_rate=rate,
    )


def latest_schedule(user: User) -> Any:
    from xinfang.casework.models import WeeklySchedule

    return WeeklySchedule.objects.filter(leader_id=user.pk).order_by("-week_start").first()


def filters_from(params: Any) -> BoardFilters:
    """Board and list filters from query parameters (shared by the API and the pages); bad values are 400."""
    from django.utils.translation import gettext as _

    from xinfang.casework.models import CaseKind
    from xinfang.core.errors import InvalidInput
    from xinfang.orgs.models import Unit

    def get(name: str) -> str:
        return str(params.get(name, "") or "").strip()

    def choice(name: str, allowed: Any) -> str:
        value = get(name)
        if value and value not in allowed:
            raise InvalidInput(_("Unknown value for %(name)s.") % {"name": name}, field=name)
        return value

    def day(name: str) -> dt.date | None:
        value = get(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(_("Give %(name)s as a date (YYYY-MM-DD).") % {"name": name}, field=name) from None

    def number(name: str) -> int | None:
        from xinfang.core.limits import id_param

        return id_param({name: get(name)}, name)

    unit_path = ""
    unit_id = number("unit")
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).only("path").first()
        if unit is None:
            raise InvalidInput(_("No such unit."), field="unit")
        unit_path = unit.path
    f = BoardFilters(
        status=choice("status", CaseStatus.values),
        kind=choice("kind", CaseKind.values),
        level=choice("level", Level.values),
        unit_path=unit_path,
        rule=choice("rule", BacklogRule.values),
        age=choice("age", AGE_BUCKETS),
        leader=number("leader"),
        q=get("q")[:100],
        period_start=day("from"),
        period_end=day("to"),
    )
    if f.period_start and f.period_end and f.period_start > f.period_end:
        raise InvalidInput(_("The period starts after it ends."), field="from")
    return f


def leader_choices(user: User) -> QuerySet[User]:
    """Leaders who may be put in charge: those of the user's scope and of the units above it."""
    from xinfang.orgs.models import Role, ids_in_path

    if user.unit is None:
        return User.objects.none()
    scope = user.unit.scope_path
    return (
        User.objects.filter(is_active=True, roles__role=Role.LEADER)
        .filter(Q(unit_id__in=ids_in_path(scope)) | path_range("unit__path", scope))
        .select_related("unit")
        .order_by("unit__path", "full_name")
        .distinct()
    )
