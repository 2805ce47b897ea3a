"""Permission-limited reads of the reception desk, the citizens' calendar, compliance and statistics.

Staff see their own unit's rows and, when they oversee the units below (信访部门, supervisory roles), every row
under ``user.unit.scope_path`` — an index range scan on ``unit_path``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, Min, Model, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.orgs.models import Level, Role, Unit, User
from xinfang.petitions.selectors import accused_side_petitions
from xinfang.reception.models import (
    Booking,
    BookingStatus,
    FieldVisit,
    FieldVisitCase,
    FieldVisitStatus,
    Invitation,
    InvitationStatus,
    Matter,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionSite,
    SessionStatus,
    Visit,
)
from xinfang.reception.services import Slot, slot_starts
from xinfang.supervision.assignments import path_range

M = TypeVar("M", bound=Model)

# Frequency of leaders' reception days per level (2009 中办/国办 opinion; commonly cited 2014 rule). Local
# practice may tighten it in settings (XINFANG_RECEPTION_FREQUENCY); the default is documented here.
DEFAULT_FREQUENCY: dict[str, dict[str, Any]] = {
    Level.PROVINCE: {"period": "half_year", "days": 1},
    Level.CITY: {"period": "quarter", "days": 1},
    Level.COUNTY: {"period": "month", "days": 1},
    Level.TOWNSHIP: {"period": "week", "days": 1},
}
RULE_TEXTS = {
    "week": gettext_lazy("at least %(d)s day(s) every week"),
    "month": gettext_lazy("at least %(d)s day(s) every month"),
    "quarter": gettext_lazy("at least %(d)s day(s) every quarter"),
    "half_year": gettext_lazy("at least %(d)s day(s) every half year"),
    "year": gettext_lazy("at least %(d)s day(s) every year"),
}


def _staff_unit(user: User | Any) -> Unit | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_unit_staff", False):
        return None
    unit: Unit | None = user.unit
    return unit


def _scoped(qs: QuerySet[M], user: User | Any) -> QuerySet[M]:
    unit = _staff_unit(user)
    if unit is None:
        return qs.none()
    if user.oversees_below:
        return qs.filter(path_range("unit_path", unit.scope_path))
    return qs.filter(unit_path=unit.path)


def sites_visible_to(user: User | Any) -> QuerySet[ReceptionSite]:
    return _scoped(ReceptionSite.objects.select_related("unit"), user)


def schedules_visible_to(user: User | Any) -> QuerySet[ReceptionSchedule]:
    return _scoped(ReceptionSchedule.objects.select_related("leader__unit", "site", "unit"), user)


def sessions_visible_to(user: User | Any) -> QuerySet[ReceptionSession]:
    return _scoped(ReceptionSession.objects.select_related("leader__unit", "site", "unit"), user)


def receives_citizens_of(user: User | Any, session: ReceptionSession) -> bool:
    """Whether ``user`` sees the booked citizens' phone numbers in full: the session's leader, the staff of the
    unit whose site hosts it and of the leader's unit, who call them. Units above see the masked number."""
    if user.pk == session.leader_id:
        return True
    return user.unit_id is not None and user.unit_id in (session.unit_id, session.site.unit_id)


def invitations_visible_to(user: User | Any) -> QuerySet[Invitation]:
    """Invitations in scope, or of the user as leader or inviter — never about an accusation against the
    user's side (Art. 30 ¶3)."""
    qs = Invitation.objects.select_related("leader__unit", "petition")
    unit = _staff_unit(user)
    if unit is None:
        return qs.none()
    scope = path_range("unit_path", unit.scope_path) if user.oversees_below else Q(unit_path=unit.path)
    return qs.filter(scope | Q(leader=user) | Q(invited_by=user)).exclude(petition__in=accused_side_petitions(user))


def field_visits_visible_to(user: User | Any) -> QuerySet[FieldVisit]:
    return _scoped(FieldVisit.objects.select_related("leader__unit", "unit"), user)


# ---------------------------------------------------------------------------------------------- Art. 30 ¶3
# A visit down, a session's record or a booking may point at an accusation against the viewer's own side (a
# row made before the guard, or seen from a unit in scope that is accused). The row stays; the petition does not.


def field_visit_cases_visible_to(user: User | Any, visit: FieldVisit) -> QuerySet[FieldVisitCase]:
    """The cases carried on ``visit``, less accusations against the user's side (Art. 30 ¶3)."""
    return (
        FieldVisitCase.objects.filter(visit=visit)
        .exclude(petition__in=accused_side_petitions(user))
        .select_related("petition")
        .order_by("id")
    )


def with_visible_cases(qs: QuerySet[FieldVisit], user: User | Any) -> QuerySet[FieldVisit]:
    """Prefetch each visit's ``cases`` (one query for the page) without accusations against the user's side."""
    cases = FieldVisitCase.objects.exclude(petition__in=accused_side_petitions(user)).select_related("petition")
    return qs.prefetch_related(Prefetch("cases", queryset=cases.order_by("id")))


def with_visible_matters(qs: QuerySet[Visit], user: User | Any) -> QuerySet[Visit]:
    """Prefetch each batch's ``matters`` (one query) without accusations against the user's side."""
    matters = Matter.objects.exclude(petition__in=accused_side_petitions(user)).select_related("petition")
    return qs.prefetch_related(Prefetch("matters", queryset=matters.order_by("id")))


def hidden_petition_ids(user: User | Any, petition_ids: Iterable[int | None]) -> set[int]:
    """Of ``petition_ids`` (e.g. the petitions citizens linked to their bookings), those the user must not see
    (Art. 30 ¶3): the booking is shown, its petition number is not. One query."""
    ids = {pk for pk in petition_ids if pk}
    if not ids:
        return set()
    return set(accused_side_petitions(user).filter(pk__in=ids).values_list("pk", flat=True))


def leaders_in_scope(user: User | Any) -> QuerySet[User]:
    """Staff with the leader role whose reception days this user may plan or report on."""
    unit = _staff_unit(user)
    if unit is None:
        return User.objects.none()
    qs = User.objects.filter(is_active=True, roles__role=Role.LEADER).select_related("unit")
    scope = path_range("unit__path", unit.scope_path) if user.oversees_below else Q(unit_id=unit.pk)
    qs = qs.filter(scope)
    return qs.distinct().order_by("unit__path", "id")


# ---------------------------------------------------------------------------------------------- citizens


def public_sessions(today: dt.date) -> QuerySet[ReceptionSession]:
    """The citizens' calendar: published, planned sessions from today (partial index)."""
    return (
        ReceptionSession.objects.filter(published=True, status=SessionStatus.PLANNED, date__gte=today)
        .select_related("leader__unit", "site", "unit")
        .order_by("date", "start_time", "id")
    )


def public_session_or_none(pk: int, today: dt.date) -> ReceptionSession | None:
    return public_sessions(today).filter(pk=pk).first()


def slots(session: ReceptionSession) -> list[Slot]:
    """Each slot with its places taken (one grouped query)."""
    taken = dict(
        Booking.objects.filter(session=session, status=BookingStatus.BOOKED)
        .values_list("slot_start")
        .annotate(n=Count("id"))
        .values_list("slot_start", "n")
    )
    return [Slot(start, end, session.slot_capacity, taken.get(start, 0)) for start, end in slot_starts(session)]


# ---------------------------------------------------------------------------------------------- compliance


def frequency_rules() -> dict[str, dict[str, Any]]:
    configured = getattr(settings, "XINFANG_RECEPTION_FREQUENCY", None)
    rules = dict(DEFAULT_FREQUENCY)
    if isinstance(configured, dict):
        rules.update(configured)
    return rules


def counts_field_visits() -> bool:
    return bool(getattr(settings, "XINFANG_RECEPTION_COUNT_FIELD_VISITS", True))


def periods_of(year: int, period: str) -> list[tuple[dt.date, dt.date, str]]:
    """The periods of ``year`` (start, end, label). Weeks run Monday to Sunday, clipped to the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period == "week":
        result = []
        start = first - dt.timedelta(days=first.weekday())
        while start <= last:
            end = start + dt.timedelta(days=6)
            week = start.isocalendar()
            result.append((max(start, first), min(end, last), f"{week.year}-W{week.week:02d}"))
            start += dt.timedelta(days=7)
        return result
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}.get(period)
    if months is None:
        raise ValueError(period)
    result = []
    for i, m in enumerate(range(1, 13, months), start=1):
        end_month = m + months - 1
        end = dt.date(year + (end_month == 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)
        label = {
            "month": f"{year}-{m:02d}",
            "quarter": f"{year}-Q{i}",
            "half_year": f"{year}-H{i}",
            "year": str(year),
        }[period]
        result.append((dt.date(year, m, 1), end, label))
    return result


@dataclass(frozen=True)
class PeriodCompliance:
    label: str
    start: dt.date
    end: dt.date
    required: int
    days_held: int
    status: str  # compliant, non_compliant, pending (not ended, not yet met), not_tracked (before the schedules)

    @property
    def compliant(self) -> bool:
        return self.status == "compliant"


@dataclass(frozen=True)
class LeaderCompliance:
    leader: User
    level: str
    period: str
    required: int
    periods: list[PeriodCompliance]

    @property
    def rule_text(self) -> str:
        return str(RULE_TEXTS.get(self.period, "%(d)s")) % {"d": self.required}

    @property
    def judged(self) -> list[PeriodCompliance]:
        return [p for p in self.periods if p.status in {"compliant", "non_compliant"}]

    @property
    def compliant(self) -> bool:
        return all(p.compliant for p in self.judged)

    @property
    def missed_periods(self) -> int:
        return sum(1 for p in self.periods if p.status == "non_compliant")


def _held_days(leader_ids: list[int], year: int) -> dict[int, set[dt.date]]:
    days: dict[int, set[dt.date]] = defaultdict(set)
    sessions = (
        ReceptionSession.objects.filter(leader_id__in=leader_ids, status=SessionStatus.HELD, date__year=year)
        .values_list("leader_id", "date")
        .distinct()
    )
    for leader_id, d in sessions:
        days[leader_id].add(d)
    if counts_field_visits():
        visits = (
            FieldVisit.objects.filter(leader_id__in=leader_ids, status=FieldVisitStatus.DONE, on__year=year)
            .values_list("leader_id", "on")
            .distinct()
        )
        for leader_id, d in visits:
            days[leader_id].add(d)
    return days


def compliance(leaders: list[User], year: int, today: dt.date) -> list[LeaderCompliance]:
    """Per leader and period of ``year``: distinct days held (接访, and 下访 unless configured off) vs the rule.

    The rule is chosen by the level of the leader's unit (``XINFANG_RECEPTION_FREQUENCY``). Periods that ended
    before the leader's first reception schedule took effect are ``not_tracked`` (the desk did not keep the
    leader's days then); a leader without any schedule is judged on every period.
    """
    rules = frequency_rules()
    ids = [u.pk for u in leaders]
    held = _held_days(ids, year)
    tracked_since = dict(
        ReceptionSchedule.objects.filter(leader_id__in=ids)
        .values("leader_id")
        .annotate(first=Min("valid_from"))
        .values_list("leader_id", "first")
    )
    result = []
    for leader in leaders:
        level = leader.unit.level if leader.unit else ""
        rule = rules.get(level)
        if not rule:
            continue
        period, required = str(rule.get("period", "month")), int(rule.get("days", 1))
        days = sorted(held.get(leader.pk, set()))
        since = tracked_since.get(leader.pk)
        rows = []
        for start, end, label in periods_of(year, period):
            n = sum(1 for d in days if start <= d <= end)
            if n < required and since is not None and end < since:
                status = "not_tracked"
            elif n >= required:
                status = "compliant"
            elif end >= today:
                status = "pending"
            else:
                status = "non_compliant"
            rows.append(PeriodCompliance(label, start, end, required, n, status))
        result.append(LeaderCompliance(leader, level, period, required, rows))
    return result


# ---------------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ReceptionStatistics:
    leader_days: int  # 接访下访人次: one per leader and day held (receptions and visits down)
    batches: int  # 接待群众批次
    persons: int  # 接待群众人次
    solved: int  # 协调解决问题件数: matters solved on the spot or settled with one of 三到位一处理
    sessions_held: int
    sessions_missed: int
    field_visits: int


def statistics(user: User | Any, unit: Unit | None, start: dt.date, end: dt.date) -> ReceptionStatistics:
    """Reported figures for the user's scope (or ``unit``'s subtree within it) and the period, in SQL."""
    sessions = sessions_visible_to(user).filter(date__gte=start, date__lte=end)
    visits_down = field_visits_visible_to(user).filter(on__gte=start, on__lte=end, status=FieldVisitStatus.DONE)
    if unit is not None:
        sessions = sessions.filter(path_range("unit_path", unit.path))
        visits_down = visits_down.filter(path_range("unit_path", unit.path))
    held = sessions.filter(status=SessionStatus.HELD)
    leader_days = (
        held.values("leader_id", "date").distinct().count() + visits_down.values("leader_id", "on").distinct().count()
    )
    totals = Visit.objects.filter(session__in=held.values("pk")).aggregate(
        batches=Count("id"), persons=Sum("head_count")
    )
    solved = (
        Matter.objects.filter(visit__session__in=held.values("pk"))
        .filter(Q(solved_on_spot=True) | ~Q(outcome="pending"))
        .count()
    )
    return ReceptionStatistics(
        leader_days=leader_days,
        batches=int(totals["batches"] or 0),
        persons=int(totals["persons"] or 0),
        solved=solved,
        sessions_held=held.count(),
        sessions_missed=sessions.filter(status=SessionStatus.MISSED).count(),
        field_visits=visits_down.count(),
    )


# ---------------------------------------------------------------------------------------------- the leader's desk


def my_reception_days(user: User, start: dt.date, end: dt.date) -> list[ReceptionSession]:
    """The leader's own sessions in [start, end] (cancelled ones included, marked), with bookings counted."""
    return list(
        ReceptionSession.objects.filter(leader=user, date__gte=start, date__lte=end)
        .select_related("site", "leader__unit", "unit")
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("date", "start_time")[:100]
    )


@dataclass(frozen=True)
class Appointment:
    """One line of the leader's appointments: a citizen's booking or an invitation (约访)."""

    kind: str  # booking, invitation
    on: dt.date
    at: dt.time
    place: str
    who: str
    matter: str
    petition_number: str
    pk: int


def my_appointments(user: User, today: dt.date | None = None, limit: int = 50) -> list[Appointment]:
    """Coming bookings of the leader's sessions and the leader's open invitations, soonest first.

    Art. 30 ¶3: invitations about an accusation against the leader's side are left out; a citizen's booking that
    links such a petition is listed without the petition's number.
    """
    from xinfang.core import timeutil

    day = today or timeutil.today()
    bookings = list(
        Booking.objects.filter(
            session__leader=user,
            session__date__gte=day,
            session__status=SessionStatus.PLANNED,
            status=BookingStatus.BOOKED,
        )
        .select_related("session__site", "petition")
        .order_by("session__date", "slot_start")[:limit]
    )
    invitations = (
        Invitation.objects.filter(leader=user, on__gte=day, status=InvitationStatus.INVITED)
        .exclude(petition__in=accused_side_petitions(user))
        .select_related("petition")
        .order_by("on", "at")[:limit]
    )
    hidden = hidden_petition_ids(user, (b.petition_id for b in bookings))
    items = [
        Appointment(
            "booking",
            b.session.date,
            b.slot_start,
            b.session.site.name,
            b.name,
            b.summary,
            b.petition.number if b.petition and b.petition_id not in hidden else "",
            b.pk,
        )
        for b in bookings
    ] + [
        Appointment("invitation", i.on, i.at, i.place, _("Petitioner"), i.note, i.petition.number, i.pk)
        for i in invitations
    ]
    return sorted(items, key=lambda a: (a.on, a.at))[:limit]
