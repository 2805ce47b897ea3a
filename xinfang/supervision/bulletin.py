"""每月通报 — the monthly bulletin: per unit in a scope, the month's figures, ranked.

Figures of unit U for month M (first day S, last day E), all from aggregate SQL grouped by unit:

- **on-time notice rate**: Art. 23 notice clocks (kind ``notice``) owed by U that ended (``stopped_on``) in M;
  on time = stopped on or before ``due``. Rate = on time ÷ ended.
- **on-time closing rate**: the same for the handling clocks (``handle``, ``handle_simple``; Art. 34 and simple
  handling).
- **overdue at month end**: obligation clocks owed by U due before S(M+1) and still running then
  (``stopped_on`` empty or after E), not paused on E.
- **became overdue in M**: obligation clocks owed by U whose first overdue day (``due`` + 1) lies in M and that
  were still running on it.
- **督办**: orders to U issued in M; orders to U whose original reply deadline fell in M, and of those the ones
  first replied on or before it (rate = on time ÷ due).
- **satisfaction**: ratings of U given in M (either target): (满意 + 基本满意) ÷ all.

**Ranking**: the score is the mean of the rates the unit has (a rate without any item is left out, not counted as
0); higher is better. Ties, and units with no rate at all (ranked after every unit with a score), are ordered by
fewer overdue items at month end, then fewer items that became overdue, then the unit's place in the tree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import SEGMENT, Level, Unit, UnitType, User
from xinfang.petitions.models import Clock, Rating, Satisfaction
from xinfang.supervision.assignments import path_range
from xinfang.supervision.models import Bulletin, SupervisionOrder

BULLETIN_UNIT_TYPES = (UnitType.PETITION_DEPT, UnitType.PARTY_COMMITTEE, UnitType.GOVERNMENT)
HANDLING_KINDS = (ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE)
COUNTS = (
    "notice_total",
    "notice_on_time",
    "closing_total",
    "closing_on_time",
    "overdue_end",
    "became_overdue",
    "orders_issued",
    "orders_due",
    "orders_on_time",
    "ratings",
    "satisfied",
)
RATES = {
    "notice_rate": ("notice_on_time", "notice_total"),
    "closing_rate": ("closing_on_time", "closing_total"),
    "orders_rate": ("orders_on_time", "orders_due"),
    "satisfaction_rate": ("satisfied", "ratings"),
}


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _counts(row: Any, key: str) -> dict[str, int]:
    return {name: int(value) for name, value in dict(row).items() if name != key}


def _clock_figures(start: dt.date, end: dt.date, scope_path: str) -> dict[int, dict[str, int]]:
    as_of = end + dt.timedelta(days=1)
    ended = Q(stopped_on__gte=start, stopped_on__lte=end)
    notice = ended & Q(kind=ClockKind.NOTICE)
    closing = ended & Q(kind__in=HANDLING_KINDS)
    on_time = Q(stopped_on__lte=F("due"))
    overdue_end = (
        Q(is_obligation=True, due__lt=as_of)
        & (Q(stopped_on__isnull=True) | Q(stopped_on__gt=end))
        & (Q(paused_since__isnull=True) | Q(paused_since__gt=end))
    )
    became = Q(is_obligation=True, due__gte=start - dt.timedelta(days=1), due__lt=end) & (
        Q(stopped_on__isnull=True) | Q(stopped_on__gt=F("due"))
    )
    qs = Clock.objects.filter(owing_unit__isnull=False).filter(notice | closing | overdue_end | became)
    if scope_path:
        qs = qs.filter(path_range("owing_path", scope_path))
    rows = (
        qs.order_by()
        .values("owing_unit_id")
        .annotate(
            notice_total=Count("id", filter=notice),
            notice_on_time=Count("id", filter=notice & on_time),
            closing_total=Count("id", filter=closing),
            closing_on_time=Count("id", filter=closing & on_time),
            overdue_end=Count("id", filter=overdue_end),
            became_overdue=Count("id", filter=became),
        )
    )
    return {r["owing_unit_id"]: _counts(r, "owing_unit_id") for r in rows}


def _order_figures(start: dt.date, end: dt.date, scope_path: str) -> dict[int, dict[str, int]]:
    issued = Q(issued_on__gte=start, issued_on__lte=end)
    due = Q(first_reply_due__gte=start, first_reply_due__lte=end)
    qs = SupervisionOrder.objects.filter(issued | due)
    if scope_path:
        qs = qs.filter(path_range("target_path", scope_path))
    rows = (
        qs.order_by()
        .values("target_unit_id")
        .annotate(
            orders_issued=Count("id", filter=issued),
            orders_due=Count("id", filter=due),
            orders_on_time=Count("id", filter=due & Q(first_replied_on__lte=F("first_reply_due"))),
        )
    )
    return {r["target_unit_id"]: _counts(r, "target_unit_id") for r in rows}


def _rating_figures(start: dt.date, end: dt.date, scope_path: str) -> dict[int, dict[str, int]]:
    tz = timezone.get_default_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Rating.objects.filter(created_at__gte=since, created_at__lt=until)
    if scope_path:
        qs = qs.filter(path_range("unit__path", scope_path))
    good = Q(value__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])
    rows = qs.order_by().values("unit_id").annotate(ratings=Count("id"), satisfied=Count("id", filter=good))
    return {r["unit_id"]: _counts(r, "unit_id") for r in rows}


def unit_figures(month: dt.date, scope_path: str = "") -> dict[int, dict[str, int]]:
    """Counts of every unit under ``scope_path`` with anything to report in ``month`` (three GROUP BY queries)."""
    start, end = month_bounds(month)
    merged: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for part in (
        _clock_figures(start, end, scope_path),
        _order_figures(start, end, scope_path),
        _rating_figures(start, end, scope_path),
    ):
        for unit_id, values in part.items():
            merged[unit_id].update(values)
    return dict(merged)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def rank_rows(figures: dict[int, dict[str, int]], units: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with rates and score, in rank order (see the module docstring)."""
    rows = []
    for unit_id, counts in figures.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        row: dict[str, Any] = {"unit_id": unit_id, "unit": unit["name"], "path": unit["path"], **counts}
        for name, (num, den) in RATES.items():
            row[name] = _rate(counts[num], counts[den])
        present = [row[name] for name in RATES if row[name] is not None]
        row["score"] = round(sum(present) / len(present), 4) if present else None
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r["score"] is None,
            -(r["score"] or 0),
            r["overdue_end"],
            r["became_overdue"],
            r["path"],
        )
    )
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {name: sum(r[name] for r in rows) for name in COUNTS}
    for name, (num, den) in RATES.items():
        totals[name] = _rate(totals[num], totals[den])
    return totals


def bulletin_title(month: dt.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Petition work bulletin %(year)s-%(month)s") % {"year": month.year, "month": month.month}


def bulletin_data(
    unit: Unit, month: dt.date, figures: dict[int, dict[str, int]], units: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    start, end = month_bounds(month)
    rows = rank_rows(figures, units)
    return {
        "title": bulletin_title(start),
        "month": start.strftime("%Y-%m"),
        "period": [start.isoformat(), end.isoformat()],
        "unit": unit.name,
        "scope_path": unit.scope_path,
        "rows": rows,
        "totals": _totals(rows),
    }


def _unit_rows(ids: set[int]) -> dict[int, dict[str, Any]]:
    return {u["id"]: dict(u) for u in Unit.objects.filter(pk__in=list(ids)).values("id", "name", "path")}


@transaction.atomic
def bulletin_generate(*, unit: Unit, month: dt.date, actor: User | None = None) -> Bulletin:
    """Compute and store the bulletin of ``unit``'s scope for ``month`` (replacing an earlier one of that month)."""
    from xinfang.core.errors import InvalidInput, NotPermitted

    if actor is not None:
        from xinfang.supervision.services import SUPERVISING_ROLES

        if (
            actor.unit_id != unit.pk
            or unit.unit_type not in BULLETIN_UNIT_TYPES
            or not actor.has_role(*SUPERVISING_ROLES, "analyst")
        ):
            raise NotPermitted(
                _(
                    "Only a supervisor, leader, head or analyst of a petition department, party committee or "
                    "government issues bulletins, for its own unit."
                )
            )
    start, _end = month_bounds(month)
    if start > timeutil.today().replace(day=1):
        raise InvalidInput(_("A bulletin can only be made for this month or an earlier one."), field="month")
    figures = unit_figures(start, unit.scope_path)
    data = bulletin_data(unit, start, figures, _unit_rows(set(figures)))
    bulletin, _created = Bulletin.objects.update_or_create(
        unit=unit,
        month=start,
        defaults={"scope_path": unit.scope_path, "data": data, "created_by": actor, "created_at": timeutil.now()},
    )
    return bulletin


def bulletin_levels() -> list[str]:
    """Levels whose petition departments get a monthly bulletin: ``XINFANG_BULLETIN_LEVELS`` (city, county)."""
    return list(getattr(settings, "XINFANG_BULLETIN_LEVELS", [Level.CITY, Level.COUNTY]))


def bulletins_generate_monthly(month: dt.date | None = None) -> int:
    """The monthly job: last month's bulletin for each petition department at the configured levels.

    The figures are computed once for the whole tree (three GROUP BY queries) and shared out to each department's
    scope by the unit paths; departments that already have the month's bulletin are left as they are.
    """
    start = (month or previous_month(timeutil.today())).replace(day=1)
    depts = list(
        Unit.objects.active()
        .filter(unit_type=UnitType.PETITION_DEPT, level__in=bulletin_levels())
        .exclude(pk__in=Bulletin.objects.filter(month=start).values("unit_id"))
        .order_by("path")
    )
    if not depts:
        return 0
    figures = unit_figures(start)
    units = _unit_rows(set(figures))
    by_scope: dict[str, list[Unit]] = defaultdict(list)
    for dept in depts:
        by_scope[dept.scope_path].append(dept)
    shares: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for unit_id, counts in figures.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        path = unit["path"]
        for i in range(SEGMENT, len(path) + 1, SEGMENT):
            if path[:i] in by_scope:
                shares[path[:i]][unit_id] = counts
    now = timeutil.now()
    made = [
        Bulletin(
            unit=dept,
            scope_path=dept.scope_path,
            month=start,
            data=bulletin_data(dept, start, shares.get(dept.scope_path, {}), units),
            created_at=now,
        )
        for dept in depts
    ]
    Bulletin.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)
