"""Permission-limited reads of the rollup. Every query filters StatFact by the viewer's node (see models.py),
subtracts the accused side of accusations (Art. 30 ¶3, as ``petitions_visible_to``), and never scans petitions.
Only ``overdue_open`` reads the open-clock index (``clocks_in_scope``). The desks' figures (督办, 积案, 接访, hot
issues) are indexed aggregates over the desks' own tables, limited by the desks' own selectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import parse_id
from xinfang.orgs.models import Unit, UnitType, User, ids_in_path, path_upper_bound
from xinfang.petitions.models import Category, Channel, Nature
from xinfang.petitions.selectors import accused_side_petitions, clocks_in_scope
from xinfang.petitions.sides import ACCUSATION_CHANNEL_TYPES
from xinfang.stats import catalogue
from xinfang.stats.catalogue import Kpi
from xinfang.stats.models import StatDaily, StatFact

MAX_RANGE_DAYS = 3653  # 10 years
MAX_POINTS = 366  # a series has at most this many points (a year of days; ten years of months)
INTERVALS = ("day", "week", "month", "quarter", "year")
BREAKDOWNS = ("unit", "area", "category", "channel", "nature")
MAX_BREAKDOWN_ROWS = 500  # rows of a breakdown, ranked; the rest are cut (``truncated``)


@dataclass(frozen=True)
class View:
    """Who is looking and at what: the viewer, and the unit narrowing the view (None: all they may see)."""

    user: User
    unit: Unit | None

    @property
    def oversees(self) -> bool:
        return bool(self.user.oversees_below)

    def node_q(self) -> Q:
        own = self.user.unit
        assert own is not None  # noqa: S101 - the API requires a unit member
        if self.oversees:
            target = self.unit.pk if self.unit is not None else ids_in_path(own.scope_path)[-1]
            q = Q(node_id=target)
        else:
            q = Q(node_id=own.pk, direct=True)
        return q & ~self.accused_q()

    def accused_q(self) -> Q:
        """The facts of accusations against the viewer, their unit, or (ordinary units) a unit above."""
        own = self.user.unit
        assert own is not None  # noqa: S101
        units = [own.pk]
        if own.unit_type not in ACCUSATION_CHANNEL_TYPES:
            units += own.ancestor_ids
        # No ``nature`` test: the accused columns are non-zero on accusations only, and StatDaily has no nature.
        return Q(accused_staff_id=self.user.pk) | Q(accused_unit_id__in=units)

    def scope_path(self) -> str:
        own = self.user.unit
        assert own is not None  # noqa: S101
        if self.unit is not None:
            return self.unit.path
        return own.scope_path if self.oversees else own.path


def view_for(user: User, unit_id: int | None) -> View:
    """The viewer's view; ``unit_id`` must be their own unit or, for overseers, a unit in scope (else 404)."""
    if unit_id is None:
        return View(user, None)
    own = user.unit
    assert own is not None  # noqa: S101
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    if unit.pk != own.pk and not (user.oversees_below and unit.is_within(own.scope_path)):
        raise Http404
    return View(user, unit)


# --- input ---


def parse_date(value: str | None, field: str, default: dt.date) -> dt.date:
    if value in (None, ""):
        return default
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field=field) from None


def parse_range(params: Any) -> tuple[dt.date, dt.date]:
    """``from`` and ``to`` (inclusive); by default the 30 days up to today. At most 10 years."""
    to = parse_date(params.get("to"), "to", timeutil.today())
    start = parse_date(params.get("from"), "from", to - dt.timedelta(days=29))
    if start > to:
        raise InvalidInput(_("“from” must not be after “to”."), field="from")
    if (to - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(_("The period may be at most 10 years."), field="from")
    return start, to


def parse_kpi(value: str | None) -> Kpi:
    kpi = catalogue.BY_NAME.get(value or "")
    if kpi is None:
        raise InvalidInput(
            _("Unknown figure; choose one of: %(names)s.") % {"names": ", ".join(catalogue.BY_NAME)}, field="kpi"
        )
    return kpi


def parse_unit(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    unit = parse_id(value)
    if unit is None:
        raise InvalidInput(_("Give the unit as its numeric id."), field="unit")
    return unit


# --- figures ---


def _facts(view: View, start: dt.date, end: dt.date, measures: Iterable[str]) -> QuerySet[StatFact]:
    """The fine facts: for a breakdown by area, category, channel or nature."""
    return StatFact.objects.filter(view.node_q(), day__gte=start, day__lte=end, measure__in=sorted(set(measures)))


def _daily(view: View, start: dt.date, end: dt.date, measures: Iterable[str]) -> QuerySet[StatDaily]:
    """The coarse rollup (StatDaily): whatever asks for no category, channel, nature or area (issue 10)."""
    return StatDaily.objects.filter(view.node_q(), day__gte=start, day__lte=end, measure__in=sorted(set(measures)))


def measure_sums(view: View, start: dt.date, end: dt.date, measures: Iterable[str]) -> dict[str, int]:
    rows = _daily(view, start, end, measures).values("measure").annotate(total=Sum("value"))
    return {r["measure"]: int(r["total"] or 0) for r in rows}


def overdue_open(view: View, today: dt.date | None = None) -> int:
    today = today or timeutil.today()
    qs = clocks_in_scope(view.user).filter(due__lt=today)
    if view.unit is not None:
        qs = qs.filter(_path_q("owing_path", view.unit.path)) if view.oversees else qs.filter(owing_unit=view.unit)
    return qs.count()


def _path_q(field: str, path: str) -> Q:
    upper = path_upper_bound(path)
    q = Q(**{f"{field}__gte": path})
    return q & Q(**{f"{field}__lt": upper}) if upper else q


# --- the desks' figures (read from the desks' own tables, with the desks' own visibility) ---

# (numerator, denominator) of each desk KPI; the denominator is None for a count.
DeskFigures = dict[str, tuple[int | None, int | None]]


def _narrow(view: View, *fields: str) -> Q:
    """An overseer's ``unit``: rows whose path ``fields`` lie under it (any of them). Otherwise no narrowing: a
    viewer who does not oversee may only name their own unit, which their desk's selector already keeps to."""
    if view.unit is None or not view.oversees:
        return Q()
    q = Q(pk__in=[])
    for field in fields:
        q |= _path_q(field, view.unit.path)
    return q


Period = tuple[dt.date, dt.date]


def _within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period[0], f"{field}__lte": period[1]})


def _spanning(field: str, periods: list[Period]) -> Q:
    """From the first start to the last end of ``periods``: one index range for all of them (each figure then
    counts its own period with a conditional aggregate)."""
    return _within(field, (min(p[0] for p in periods), max(p[1] for p in periods)))


def supervision_figures_for(view: View, periods: list[Period], today: dt.date | None = None) -> list[DeskFigures]:
    """督办件数 and 督办按期回复率 from ``orders_visible_to`` (less accusations against the viewer's side), for each
    period (placed by the day of issue), in one aggregate query."""
    from xinfang.supervision.selectors import orders_visible_to

    today = today or timeutil.today()
    orders = (
        orders_visible_to(view.user)
        .filter(_narrow(view, "target_path", "issuing_unit__path"), _spanning("issued_on", periods))
        .exclude(petition__in=accused_side_petitions(view.user))
    )
    decided = Q(first_replied_on__isnull=False) | Q(first_reply_due__lt=today)
    on_time = Q(first_replied_on__lte=F("first_reply_due"))
    aggregates: dict[str, Any] = {}
    for i, period in enumerate(periods):
        issued = _within("issued_on", period)
        aggregates[f"issued{i}"] = Count("id", filter=issued)
        aggregates[f"decided{i}"] = Count("id", filter=issued & decided)
        aggregates[f"on_time{i}"] = Count("id", filter=issued & on_time)
    row = orders.order_by().aggregate(**aggregates)
    return [
        {
            "supervision_orders": (row[f"issued{i}"], None),
            "supervision_on_time_reply_rate": (row[f"on_time{i}"], row[f"decided{i}"]),
        }
        for i in range(len(periods))
    ]


def supervision_figures(view: View, start: dt.date, end: dt.date, today: dt.date | None = None) -> DeskFigures:
    return supervision_figures_for(view, [(start, end)], today)[0]


def casework_figures_for(view: View, periods: list[Period]) -> list[DeskFigures]:
    """积案化解率 (as the backlog board) and 包案件数 from ``cases_visible_to``, for each period, in one query."""
    from xinfang.casework.models import COUNTED_STATUSES, CaseStatus, Resolution
    from xinfang.casework.selectors import cases_visible_to

    cases = cases_visible_to(view.user).filter(_narrow(view, "unit_path"))
    aggregates: dict[str, Any] = {}
    for i, (start, end) in enumerate(periods):
        open_in_period = Q(status__in=COUNTED_STATUSES, marked_on__lte=end) & (
            Q(closed_on__isnull=True) | Q(closed_on__gte=start)
        )
        resolved = Q(status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED, closed_on__gte=start, closed_on__lte=end)
        aggregates[f"in_period{i}"] = Count("id", filter=open_in_period)
        aggregates[f"resolved{i}"] = Count("id", filter=open_in_period & resolved)
        aggregates[f"taken{i}"] = Count("id", filter=Q(leader__isnull=False, taken_on__gte=start, taken_on__lte=end))
    row = cases.order_by().aggregate(**aggregates)
    return [
        {
            "backlog_resolution_rate": (row[f"resolved{i}"], row[f"in_period{i}"]),
            "cases_in_charge": (row[f"taken{i}"], None),
        }
        for i in range(len(periods))
    ]


def casework_figures(view: View, start: dt.date, end: dt.date) -> DeskFigures:
    return casework_figures_for(view, [(start, end)])[0]


def reception_figures_for(view: View, periods: list[Period], today: dt.date | None = None) -> list[DeskFigures]:
    """领导接访 批次/人次: visits at held sessions from ``sessions_visible_to`` (as the reception statistics);
    领导接访落实率: held ÷ (held + missed + still planned for a past day), cancelled sessions left out. Each period
    by the day of the session; two aggregate queries for all the periods."""
    from xinfang.reception.models import SessionStatus, Visit
    from xinfang.reception.selectors import sessions_visible_to

    today = today or timeutil.today()
    sessions = sessions_visible_to(view.user).filter(_narrow(view, "unit_path"), _spanning("date", periods))
    held = sessions.filter(status=SessionStatus.HELD)
    due = Q(status__in=(SessionStatus.HELD, SessionStatus.MISSED)) | Q(status=SessionStatus.PLANNED, date__lt=today)
    visits: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for i, period in enumerate(periods):
        on = _within("session__date", period)
        visits[f"batches{i}"] = Count("id", filter=on)
        visits[f"persons{i}"] = Sum("head_count", filter=on)
        dated = _within("date", period)
        kept[f"due{i}"] = Count("id", filter=dated & due)
        kept[f"held{i}"] = Count("id", filter=dated & Q(status=SessionStatus.HELD))
    row = Visit.objects.filter(session__in=held.values("pk")).aggregate(**visits)
    sums = sessions.order_by().aggregate(**kept)
    return [
        {
            "leader_reception_batches": (row[f"batches{i}"], None),
            "leader_reception_persons": (int(row[f"persons{i}"] or 0), None),
            "leader_reception_held_rate": (sums[f"held{i}"], sums[f"due{i}"]),
        }
        for i in range(len(periods))
    ]


def reception_figures(view: View, start: dt.date, end: dt.date, today: dt.date | None = None) -> DeskFigures:
    return reception_figures_for(view, [(start, end)], today)[0]


def _hot_issues(view: View) -> QuerySet[Any] | None:
    from xinfang.insight.selectors import hot_issues_in_scope, may_see_hot_issues

    if not may_see_hot_issues(view.user):
        return None
    return hot_issues_in_scope(view.user).filter(_narrow(view, "unit_path"))


def _latest_snapshot(issues: QuerySet[Any], end: dt.date) -> dt.date | None:
    latest: dt.date | None = issues.filter(snapshot_on__lte=end).aggregate(d=Max("snapshot_on"))["d"]
    return latest


def insight_figures_for(view: View, periods: list[Period]) -> list[DeskFigures]:
    """热点问题: the hot issues of the latest snapshot up to each period's end in the viewer's regions (None: not
    their role); one query: the number of issues of each snapshot up to the last end."""
    issues = _hot_issues(view)
    if issues is None:
        return [{"hot_issues": (None, None)} for _period in periods]
    last_end = max(end for _start, end in periods)
    counted = sorted(
        issues.filter(snapshot_on__lte=last_end)
        .order_by()
        .values("snapshot_on")
        .annotate(n=Count("id"))
        .values_list("snapshot_on", "n"),
        reverse=True,
    )
    out: list[DeskFigures] = []
    for _start, end in periods:
        n = next((n for day, n in counted if day <= end), 0)
        out.append({"hot_issues": (n, None)})
    return out


def insight_figures(view: View, start: dt.date, end: dt.date) -> DeskFigures:
    return insight_figures_for(view, [(start, end)])[0]


def hot_issues_top(view: View, end: dt.date, limit: int = 10) -> list[dict[str, Any]]:
    """The top issues (by rank, then heat) of the snapshot counted by ``hot_issues``; no petitioner is named."""
    issues = _hot_issues(view)
    if issues is None:
        return []
    day = _latest_snapshot(issues, end)
    if day is None:
        return []
    rows = (
        issues.filter(snapshot_on=day)
        .order_by("rank", "-heat", "unit_path", "id")
        .values("id", "unit_id", "unit__name", "snapshot_on", "since", "until", "rank", "heat", "description")
        .annotate(petitions=F("petition_count"), sudden_rise=F("sudden_rise"))[:limit]
    )
    return [
        {
            "id": r["id"],
            "region": r["unit_id"],
            "region_name": r["unit__name"],
            "snapshot_on": r["snapshot_on"],
            "since": r["since"],
            "until": r["until"],
            "rank": r["rank"],
            "heat": r["heat"],
            "description": r["description"],
            "petitions": r["petitions"],
            "sudden_rise": r["sudden_rise"],
        }
        for r in rows
    ]


def portal_figures_for(view: View, periods: list[Period]) -> list[DeskFigures]:
    """网上信访服务满意率 from the portal's ratings of the online service on petitions the viewer may see, for each
    period (placed by the day first given), in one aggregate query."""
    from xinfang.portal.selectors import service_ratings_visible_to

    ratings = (
        service_ratings_visible_to(view.user)
        .filter(_narrow(view, "petition__registering_unit__path"), _spanning("rated_on", periods))
        .exclude(petition__in=accused_side_petitions(view.user))
    )
    aggregates: dict[str, Any] = {}
    for i, period in enumerate(periods):
        given = _within("rated_on", period)
        aggregates[f"given{i}"] = Count("id", filter=given)
        aggregates[f"good{i}"] = Count("id", filter=given & Q(value__in=["satisfied", "basically"]))
    row = ratings.order_by().aggregate(**aggregates)
    return [{"online_service_satisfaction_rate": (row[f"good{i}"], row[f"given{i}"])} for i in range(len(periods))]


def portal_figures(view: View, start: dt.date, end: dt.date) -> DeskFigures:
    return portal_figures_for(view, [(start, end)])[0]


# Each desk's reader: (view, periods) → the desk's figures for each period, in as few queries as the desk allows.
DESK_READERS: dict[str, Any] = {
    "supervision": supervision_figures_for,
    "casework": casework_figures_for,
    "reception": reception_figures_for,
    "insight": insight_figures_for,
    "portal": portal_figures_for,
}


def desk_value(kpi: Kpi, pair: tuple[int | None, int | None]) -> float | int | None:
    num, den = pair
    if num is None or kpi.unit == catalogue.KpiUnit.COUNT:
        return num
    return None if not den else num / den


def desk_figures_for(view: View, periods: list[Period], desks: Iterable[str] | None = None) -> list[DeskFigures]:
    """The desks' figures for each of ``periods`` (the kpis request's period, 环比 and 同比: one query per desk)."""
    out: list[DeskFigures] = [{} for _period in periods]
    for desk in sorted(set(desks) if desks is not None else set(DESK_READERS)):
        for figures_, read in zip(out, DESK_READERS[desk](view, periods), strict=True):
            figures_.update(read)
    return out


def desk_figures(view: View, start: dt.date, end: dt.date, desks: Iterable[str] | None = None) -> DeskFigures:
    return desk_figures_for(view, [(start, end)], desks)[0]


def measure_sums_for(view: View, periods: list[Period], measures: Iterable[str]) -> list[dict[str, int]]:
    """``measure_sums`` for each of ``periods``, in one query over the days from the first start to the last end."""
    measures = sorted(set(measures))
    sums = {f"s{i}": Sum("value", filter=_within("day", period)) for i, period in enumerate(periods)}
    rows = _daily(view, min(p[0] for p in periods), max(p[1] for p in periods), measures).values("measure")
    out: list[dict[str, int]] = [{} for _period in periods]
    for measure, *totals in rows.annotate(**sums).values_list("measure", *sums):
        for into, total in zip(out, totals, strict=True):
            if total is not None:
                into[measure] = int(total)
    return out


def figures_for_periods(view: View, periods: list[Period], *, live: bool = True) -> list[dict[str, float | int | None]]:
    """Every KPI of the catalogue for each of ``periods``; the live figure (overdue_open), today's, in the first
    period's figures only and only when ``live`` (None elsewhere). One rollup query and one per desk in all."""
    needed = set().union(*(catalogue.measures_of(k) for k in catalogue.KPIS))
    all_sums = measure_sums_for(view, periods, needed)
    all_desks = desk_figures_for(view, periods)
    overdue = overdue_open(view) if live else None
    out: list[dict[str, float | int | None]] = []
    for i, (sums, desks) in enumerate(zip(all_sums, all_desks, strict=True)):
        figures_: dict[str, float | int | None] = {}
        for kpi in catalogue.KPIS:
            if kpi.live:
                figures_[kpi.name] = overdue if i == 0 else None
            elif kpi.desk:
                figures_[kpi.name] = desk_value(kpi, desks[kpi.name])
            else:
                figures_[kpi.name] = catalogue.compute(kpi, sums)[0]
        out.append(figures_)
    return out


def figures(view: View, start: dt.date, end: dt.date, *, live: bool = True) -> dict[str, float | int | None]:
    """Every KPI of the catalogue for [start, end]; the live figure (overdue_open) only when ``live``."""
    return figures_for_periods(view, [(start, end)], live=live)[0]


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_periods(start: dt.date, end: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """环比: the same number of days just before; 同比: the same dates a year before."""
    length = (end - start).days + 1
    return {
        "previous": (start - dt.timedelta(days=length), start - dt.timedelta(days=1)),
        "year_ago": (year_before(start), year_before(end)),
    }


# --- series ---


def period_of(day: dt.date, interval: str) -> tuple[str, dt.date, dt.date]:
    """(label, first day, last day) of the period that holds ``day``."""
    if interval == "day":
        return day.isoformat(), day, day
    if interval == "week":
        first = day - dt.timedelta(days=day.weekday())
        iso = first.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", first, first + dt.timedelta(days=6)
    if interval == "month":
        first = day.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return f"{day.year}-{day.month:02d}", first, nxt - dt.timedelta(days=1)
    if interval == "quarter":
        q = (day.month - 1) // 3
        first = dt.date(day.year, 3 * q + 1, 1)
        nxt = dt.date(day.year + 1, 1, 1) if q == 3 else dt.date(day.year, 3 * q + 4, 1)
        return f"{day.year}-Q{q + 1}", first, nxt - dt.timedelta(days=1)
    return str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def periods(start: dt.date, end: dt.date, interval: str) -> list[tuple[str, dt.date, dt.date]]:
    """The periods covering [start, end], each clipped to the range."""
    out = []
    day = start
    while day <= end:
        label, first, last = period_of(day, interval)
        out.append((label, max(first, start), min(last, end)))
        day = last + dt.timedelta(days=1)
        if len(out) > MAX_POINTS:
            break
    return out


def series(view: View, kpi: Kpi, start: dt.date, end: dt.date, interval: str) -> list[dict[str, Any]]:
    if interval not in INTERVALS:
        raise InvalidInput(_("Choose the interval: day, week, month, quarter or year."), field="interval")
    if kpi.live:
        raise InvalidInput(_("“%(kpi)s” is today's figure and has no series.") % {"kpi": kpi.name}, field="kpi")
    buckets = periods(start, end, interval)
    if len(buckets) > MAX_POINTS:
        raise InvalidInput(
            _("Too many points (more than %(n)s): choose a longer interval or a shorter period.") % {"n": MAX_POINTS},
            field="interval",
        )
    if kpi.desk:
        return _desk_series(view, kpi, buckets)
    index = {}
    for i, (_label, first, last) in enumerate(buckets):
        for n in range((last - first).days + 1):
            index[first + dt.timedelta(days=n)] = i
    sums: list[dict[str, int]] = [defaultdict(int) for _ in buckets]
    rows = _daily(view, start, end, catalogue.measures_of(kpi)).values("day", "measure").annotate(total=Sum("value"))
    for r in rows:
        sums[index[r["day"]]][r["measure"]] += int(r["total"] or 0)
    points = []
    for (label, first, last), s in zip(buckets, sums, strict=True):
        value, num, den = catalogue.compute(kpi, s)
        points.append(
            {
                "period": label,
                "start": first,
                "end": last,
                "value": value,
                "numerator": num,
                "denominator": den,
            }
        )
    return points


MAX_DESK_POINTS = 60  # a desk figure's series: one aggregate per point and figure, in one query per desk


def _desk_series(view: View, kpi: Kpi, buckets: list[tuple[str, dt.date, dt.date]]) -> list[dict[str, Any]]:
    if len(buckets) > MAX_DESK_POINTS:
        raise InvalidInput(
            _("Too many points for this figure (more than %(n)s): choose a longer interval or a shorter period.")
            % {"n": MAX_DESK_POINTS},
            field="interval",
        )
    points = []
    read = desk_figures_for(view, [(first, last) for _label, first, last in buckets], [kpi.desk])
    for (label, first, last), figures_ in zip(buckets, read, strict=True):
        pair = figures_[kpi.name]
        points.append(
            {
                "period": label,
                "start": first,
                "end": last,
                "value": desk_value(kpi, pair),
                "numerator": pair[0] or 0,
                "denominator": pair[1] if kpi.unit != catalogue.KpiUnit.COUNT else None,
            }
        )
    return points


# --- breakdowns ---


def _labels_for(by: str, keys: Iterable[Any], level: int) -> dict[Any, str]:
    keys = list(keys)
    if by == "channel":
        return {k: str(Channel(k).label) if k in Channel.values else k for k in keys}
    if by == "nature":
        return {k: str(Nature(k).label) if k in Nature.values else k for k in keys}
    if by == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "category":
        return dict(Category.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "full_name"))
    # area: the county-level government of the 问题属地 code, else the code itself
    names: dict[Any, str] = {}
    for code, name in (
        Unit.objects.filter(division_code__in=[k for k in keys if k], unit_type=UnitType.GOVERNMENT)
        .order_by("-depth")
        .values_list("division_code", "name")
    ):
        names[code] = name
    return {k: names.get(k, k) for k in keys}


def _category_at_level(ids: Iterable[int], level: int) -> dict[int, int]:
    """Map each category id to its ancestor at ``level`` (0 for none or a shallower category)."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    levels = dict(Category.objects.values_list("pk", "level"))
    out = {}
    for cid in ids:
        node: int | None = cid or None
        while node is not None and levels.get(node, 0) > level:
            node = parents.get(node)
        out[cid] = node if node is not None and levels.get(node) == level else 0
    return out


def breakdown(
    view: View, kpi: Kpi, start: dt.date, end: dt.date, by: str, level: int = 1
) -> tuple[list[dict[str, Any]], bool]:
    """Ranked rows (value descending, empty rates last) with numerator, denominator and count; and truncated."""
    if by not in BREAKDOWNS:
        raise InvalidInput(_("Choose the breakdown: unit, area, category, channel or nature."), field="by")
    if level not in (1, 2, 3):
        raise InvalidInput(_("The category level is 1, 2 or 3."), field="level")
    if kpi.desk:
        raise InvalidInput(
            _("“%(kpi)s” is read from its desk and is not broken down here; see that desk's own board.")
            % {"kpi": kpi.name},
            field="kpi",
        )
    if kpi.live:
        if by != "unit":
            raise InvalidInput(_("Today's overdue figure is broken down by unit only."), field="by")
        clocks = clocks_in_scope(view.user).filter(due__lt=timeutil.today())
        if view.oversees:
            clocks = clocks.filter(_path_q("owing_path", view.scope_path()))
        counted = clocks.values("owing_unit_id").annotate(n=Count("id")).values_list("owing_unit_id", "n")
        rows: list[dict[str, Any]] = [
            {"key": k, "value": n, "numerator": n, "denominator": None, "count": n} for k, n in counted
        ]
    else:
        measures = catalogue.measures_of(kpi)
        if by == "unit":
            own = view.user.unit
            assert own is not None  # noqa: S101
            daily = StatDaily.objects.filter(
                day__gte=start, day__lte=end, measure__in=sorted(measures), direct=True
            ).exclude(view.accused_q())
            scope = _path_q("node__path", view.scope_path()) if view.oversees else Q(node_id=own.pk)
            qs: QuerySet[Any] = daily.filter(scope)
            field = "node_id"
        else:
            qs = _facts(view, start, end, measures)
            field = {"area": "division_code", "category": "category_id"}.get(by, by)
        # One row per group with the KPI's numerator and denominator summed in SQL (a national unit ranking: one
        # row per unit, two numbers, not a sum per measure to add up in Python for each of thousands of units).
        groups: dict[Any, list[int]] = {}
        for key, num, den in qs.values(field).annotate(**_num_den(kpi)).values_list(field, "num", "den"):
            group = groups.setdefault(key, [0, 0])
            group[0] += int(num)
            group[1] += int(den)
        if by == "category":
            mapping = _category_at_level(groups.keys(), level)
            merged: dict[Any, list[int]] = {}
            for key, (num, den) in groups.items():
                group = merged.setdefault(mapping[key], [0, 0])
                group[0] += num
                group[1] += den
            groups = merged
        rows = []
        for key, (num, den) in groups.items():
            value, n, d = catalogue.value_of(kpi, num, den)
            rows.append({"key": key, "value": value, "numerator": n, "denominator": d, "count": n if d is None else d})
    truncated = len(rows) > MAX_BREAKDOWN_ROWS
    rows = _top_rows(rows)
    labels = _labels_for(by, [r["key"] for r in rows], level)
    unclassified = _("Not recorded")
    for r in rows:
        r["label"] = labels.get(r["key"]) or str(unclassified)
        r["key"] = "" if r["key"] in (None, 0) else str(r["key"])
    rows.sort(key=lambda r: (*_rank(r), r["label"]))
    return rows[:MAX_BREAKDOWN_ROWS], truncated


def _num_den(kpi: Kpi) -> dict[str, Any]:
    """SQL sums of ``value`` giving the KPI's numerator (its ``minus`` measures taken off) and denominator (0 for a
    count), as ``catalogue.compute`` adds them up from per-measure sums."""

    def total(names: tuple[str, ...]) -> Any:
        return Sum("value", filter=Q(measure__in=sorted(set(names))), default=0) if names else Value(0)

    return {"num": total(kpi.numerator) - total(kpi.minus), "den": total(kpi.denominator)}


def _rank(row: dict[str, Any]) -> tuple[bool, float, int]:
    return row["value"] is None, -(row["value"] or 0), -row["count"]


def _top_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that can make the shown top: the first ``MAX_BREAKDOWN_ROWS`` by rank and any tied with the last,
    so that labels (the tie-break) are read for those only — a national unit ranking has thousands of units."""
    if len(rows) <= MAX_BREAKDOWN_ROWS:
        return rows
    rows = sorted(rows, key=_rank)
    edge = _rank(rows[MAX_BREAKDOWN_ROWS - 1])
    return [r for r in rows if _rank(r) <= edge]


# --- 阳光信访: public figures ---

PUBLIC_MEASURES = ("received", "handling_on_time", "handling_stopped", *catalogue.RATED)
PUBLIC_TOP_CATEGORIES = 10


def last_complete_months(today: dt.date, months: int) -> list[tuple[str, dt.date, dt.date]]:
    """(label, first day, last day) of the ``months`` complete months before ``today``'s month, newest first."""
    out = []
    end = today.replace(day=1) - dt.timedelta(days=1)
    for _month in range(months):
        label, first, last = period_of(end, "month")
        out.append((label, first, last))
        end = first - dt.timedelta(days=1)
    return out


def public_figures(today: dt.date | None = None, months: int = 3) -> list[dict[str, Any]]:
    """阳光信访: for each of the last complete months, every unit's own figures (received, 按期办结率, 满意率) and
    the top level-1 categories of the petitions received. Public scope (all units, no viewer): only sums of the
    rollup, never a petition, a petitioner or a staff member; accusations (检举控告, Art. 30) are left out
    entirely, so nothing tells who was accused of what."""
    today = today or timeutil.today()
    closing = catalogue.BY_NAME["on_time_closing_rate"]
    satisfaction = catalogue.BY_NAME["satisfaction_rate"]
    received = catalogue.BY_NAME["received"]
    roots = list(Unit.objects.filter(depth=0).values_list("pk", flat=True))
    out = []
    for label, first, last in last_complete_months(today, months):
        base = StatFact.objects.filter(day__gte=first, day__lte=last).exclude(nature=Nature.ACCUSATION)
        per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for node, measure, total in (
            base.filter(direct=True, measure__in=PUBLIC_MEASURES)
            .values_list("node_id", "measure")
            .annotate(total=Sum("value"))
            .values_list("node_id", "measure", "total")
        ):
            per_unit[node][measure] += int(total or 0)
        names = dict(Unit.objects.filter(pk__in=per_unit).values_list("pk", "name"))
        units = [
            {
                "unit": names.get(node, ""),
                "received": catalogue.compute(received, sums)[0],
                "on_time_closing_rate": catalogue.compute(closing, sums)[0],
                "satisfaction_rate": catalogue.compute(satisfaction, sums)[0],
            }
            for node, sums in per_unit.items()
        ]
        units.sort(key=lambda u: str(u["unit"]))
        # each petition is placed once on its top-level unit: the categories are summed over the roots only
        by_category: dict[int, int] = defaultdict(int)
        for cid, total in (
            base.filter(node_id__in=roots, measure="received")
            .values_list("category_id")
            .annotate(total=Sum("value"))
            .values_list("category_id", "total")
        ):
            by_category[cid] += int(total or 0)
        top: dict[int, int] = defaultdict(int)
        for cid, level1 in _category_at_level(by_category.keys(), 1).items():
            if level1:
                top[level1] += by_category[cid]
        cat_names = dict(Category.objects.filter(pk__in=top).values_list("pk", "name"))
        ranked = sorted(top.items(), key=lambda kv: (-kv[1], cat_names.get(kv[0], "")))[:PUBLIC_TOP_CATEGORIES]
        categories = [{"category": cat_names.get(k, ""), "received": v} for k, v in ranked]
        out.append({"month": label, "start": first, "end": last, "units": units, "categories": categories})
    return out
