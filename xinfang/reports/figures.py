"""The figures of a report, read from the statistics layer only (``xinfang.stats.selectors``): the same functions
the dashboards and ``/api/v1/stats/`` call, so a report's figure equals the dashboard's for the same scope and
period by construction (no second SQL for a KPI).

**Whose view.** A report belongs to a unit (normally a 信访部门). Its figures are those an analyst of that unit
sees on the dashboard without narrowing to a unit: the unit's oversight scope (a 信访部门 oversees its level, its
parent's subtree). The job that drafts reports has no user, so the figures are read through a stand-in viewer
(``report_viewer``) — an unsaved account of the unit with the analyst role and an id that matches no row.

**Sudden rise (异常上升) — the stated rule.** For a series of monthly counts (the month of the report and the 12
months before it), the month is flagged when

    x > mean(previous 12) + 2 × sd(previous 12)   and   x ≥ RISE_MIN_COUNT (5)

(population standard deviation; fewer than 12 previous months: those there are, at least 3, else never flagged).
It is applied to the total volume (信访总量) and to every level-1 category and every area (问题属地) with petitions
in the month. A flat series has sd = 0 and x = mean, so it is never flagged; the minimum count keeps small
numbers (2 → 4) from raising an alarm.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.orgs.models import Role, Unit, UnitType, User
from xinfang.stats import catalogue, selectors
from xinfang.stats.selectors import View

RISE_SIGMAS = 2.0
RISE_MIN_COUNT = 5
RISE_MIN_HISTORY = 3
TREND_MONTHS = 12
TOP_N = 10
COMPLAINED_UNITS = 10
REASONS_PER_UNIT = 3

# Figures in the report's overview, in the order they are shown (catalogue keys).
MONTHLY_KPIS = (
    "received",
    "visit_batches",
    "visit_persons",
    "collective_visits",
    "repeat_rate",
    "on_time_acceptance_rate",
    "on_time_closing_rate",
    "avg_handling_days",
    "satisfaction_rate",
    "satisfaction_rate_petition_dept",
    "satisfaction_rate_responsible_unit",
    "dissatisfied",
    "rating_participation_rate",
    "supervision_orders",
    "supervision_on_time_reply_rate",
    "backlog_resolution_rate",
    "cases_in_charge",
)
STANDING_KPIS = ("overdue_open",)  # today's figure: recorded at generation


def report_viewer(unit: Unit) -> User:
    """The stand-in viewer of a report's figures: an analyst of ``unit`` that is never saved (id -1 matches no
    row, so no accusation is "against" it and no case is "its own")."""
    viewer = User(pk=-1, username="report-viewer", unit=unit, is_active=True)
    viewer._role_cache = frozenset({Role.ANALYST})  # role_set() reads this cache
    return viewer


def report_view(unit: Unit) -> View:
    return View(report_viewer(unit), None)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _kpis(view: View, start: dt.date, end: dt.date, *, live: bool = False) -> dict[str, Any]:
    return dict(selectors.figures(view, start, end, live=live))


def _labels() -> dict[str, str]:
    return {k.name: k.label for k in catalogue.KPIS}


def _units(kpi: str) -> str:
    return catalogue.BY_NAME[kpi].unit


# --- sudden rises ---


def is_sudden_rise(history: Sequence[int], value: int) -> bool:
    """The stated rule (module docstring): ``value`` > mean + 2·sd of ``history`` and ≥ the minimum count."""
    if len(history) < RISE_MIN_HISTORY or value < RISE_MIN_COUNT:
        return False
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / len(history))
    return value > mean + RISE_SIGMAS * sd


def rise_threshold(history: Sequence[int]) -> float | None:
    if len(history) < RISE_MIN_HISTORY:
        return None
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / len(history))
    return max(mean + RISE_SIGMAS * sd, RISE_MIN_COUNT - 1)


def _monthly_breakdowns(view: View, months: list[dt.date], by: str) -> list[dict[str, tuple[str, int]]]:
    """For each month, {key: (label, received)} of the breakdown ``by`` (level-1 categories)."""
    received = catalogue.BY_NAME["received"]
    out = []
    for month in months:
        rows, _truncated = selectors.breakdown(view, received, *month_bounds(month), by, 1)
        out.append({r["key"]: (r["label"], int(r["numerator"])) for r in rows})
    return out


def sudden_rises(view: View, month: dt.date) -> list[dict[str, Any]]:
    """Every series (total, level-1 categories, areas) whose value in ``month`` breaks the rule, largest first."""
    months = [add_months(month, -n) for n in range(TREND_MONTHS, -1, -1)]  # 12 before, then the month
    start, _end = month_bounds(months[0])
    _first, end = month_bounds(month)
    series = selectors.series(view, catalogue.BY_NAME["received"], start, end, "month")
    totals = [int(p["numerator"] or 0) for p in series]
    flagged: list[dict[str, Any]] = []

    def check(dimension: str, key: str, label: str, values: list[int]) -> None:
        history, value = values[:-1], values[-1]
        if is_sudden_rise(history, value):
            mean = sum(history) / len(history)
            flagged.append(
                {
                    "dimension": dimension,
                    "key": key,
                    "label": label,
                    "value": value,
                    "mean": round(mean, 2),
                    "threshold": round(rise_threshold(history) or 0, 2),
                    "history": history,
                }
            )

    check("total", "", str(_("Total volume")), totals)
    for by in ("category", "area"):
        per_month = _monthly_breakdowns(view, months, by)
        for key, (label, _value) in per_month[-1].items():
            check(by, key, label, [m.get(key, ("", 0))[1] for m in per_month])
    flagged.sort(key=lambda r: (-(r["value"] - r["mean"]), r["label"]))
    return flagged


# --- top lists and how they moved ---


def _top(view: View, start: dt.date, end: dt.date, by: str, limit: int = TOP_N) -> list[dict[str, Any]]:
    rows, _truncated = selectors.breakdown(view, catalogue.BY_NAME["received"], start, end, by, 1)
    if by == "unit":
        own = view.user.unit
        rows = [r for r in rows if own is None or r["key"] != str(own.pk)]
    return [{"key": r["key"], "label": r["label"], "value": int(r["numerator"])} for r in rows[:limit]]


def _moved(current: list[dict[str, Any]], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each current row with last period's value and rank (None: not in last period's list)."""
    before = {r["key"]: (i, r["value"]) for i, r in enumerate(previous, start=1)}
    out = []
    for rank, row in enumerate(current, start=1):
        prev_rank, prev_value = before.get(row["key"], (None, None))
        out.append({**row, "rank": rank, "previous_rank": prev_rank, "previous_value": prev_value})
    return out


def _complained_units(view: View, start: dt.date, end: dt.date, limit: int) -> list[dict[str, Any]]:
    """被投诉较多的机关、单位: the units in scope, other than petition departments (which register and route every
    petition), ranked by the petitions received in the period that reached them (their direct 信访总量)."""
    rows = _top(view, start, end, "unit", limit=selectors.MAX_BREAKDOWN_ROWS)
    ids = [int(r["key"]) for r in rows if r["key"]]
    kept = set(Unit.objects.filter(pk__in=ids).exclude(unit_type=UnitType.PETITION_DEPT).values_list("pk", flat=True))
    return [r for r in rows if r["key"] and int(r["key"]) in kept][:limit]


def _reasons(view: View, unit_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The main reasons a unit was complained about: its top level-1 categories (the unit narrowed as on the
    dashboard)."""
    narrowed = View(view.user, Unit.objects.get(pk=unit_id))
    return _top(narrowed, start, end, "category", limit=REASONS_PER_UNIT)


# --- the two reports ---


def monthly_figures(unit: Unit, month: dt.date) -> dict[str, Any]:
    """Everything the monthly 分析研判 shows, as JSON-ready data."""
    view = report_view(unit)
    start, end = month_bounds(month)
    prev_start, prev_end = month_bounds(add_months(start, -1))
    ago_start, ago_end = selectors.year_before(start), selectors.year_before(end)
    current = _kpis(view, start, end)
    current["overdue_open"] = selectors.overdue_open(view)
    previous = _kpis(view, prev_start, prev_end)
    year_ago = _kpis(view, ago_start, ago_end)
    trend_start = add_months(start, -(TREND_MONTHS - 1))
    trend = selectors.series(view, catalogue.BY_NAME["received"], trend_start, end, "month")
    tops = {}
    for by in ("category", "area", "unit"):
        tops[by] = _moved(_top(view, start, end, by), _top(view, prev_start, prev_end, by))
    channel = _top(view, start, end, "channel")
    data: dict[str, Any] = _jsonable(
        {
            "period": [start, end],
            "previous_period": [prev_start, prev_end],
            "year_ago_period": [ago_start, ago_end],
            "as_of": timeutil.today(),
            "kpis": {k: current.get(k) for k in (*MONTHLY_KPIS, *STANDING_KPIS)},
            "previous": {k: previous.get(k) for k in MONTHLY_KPIS},
            "year_ago": {k: year_ago.get(k) for k in MONTHLY_KPIS},
            "labels": _labels(),
            "units": {k: _units(k) for k in (*MONTHLY_KPIS, *STANDING_KPIS)},
            "trend": [{"period": p["period"], "value": int(p["numerator"] or 0)} for p in trend],
            "top": tops,
            "channel": channel,
            "rises": sudden_rises(view, start),
            "rise_rule": {"sigmas": RISE_SIGMAS, "min_count": RISE_MIN_COUNT, "months": TREND_MONTHS},
            "hot_issues": [
                {k: r[k] for k in ("rank", "description", "petitions", "sudden_rise", "region_name")}
                for r in selectors.hot_issues_top(view, end)
            ],
        }
    )
    return data


ANNUAL_KPIS = (*MONTHLY_KPIS, "review_uphold_rate", "recheck_uphold_rate", "leader_reception_batches")


def recommendation_figures(unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Art. 40 recommendations the unit made in the period, by kind, and how they were adopted (Art. 41 ¶1(三))."""
    from django.db.models import Count

    from xinfang.supervision.models import Adoption, Recommendation, RecommendationKind

    rows = (
        Recommendation.objects.filter(issuing_unit=unit, issued_on__gte=start, issued_on__lte=end)
        .order_by()
        .values("kind", "adoption")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict[str, int]] = {
        k: {"made": 0, **dict.fromkeys(Adoption.values, 0)} for k in RecommendationKind.values
    }
    for r in rows:
        entry = table.setdefault(r["kind"], {"made": 0, **dict.fromkeys(Adoption.values, 0)})
        entry["made"] += r["n"]
        if r["adoption"]:
            entry[r["adoption"]] += r["n"]
    return {
        "by_kind": [
            {"kind": k, "label": str(RecommendationKind(k).label), **table[k]} for k in RecommendationKind.values
        ],
        "made": sum(v["made"] for v in table.values()),
        "adopted": sum(v[Adoption.ADOPTED] + v[Adoption.PARTLY] for v in table.values()),
    }


def annual_figures(unit: Unit, year: int) -> dict[str, Any]:
    """Everything the Art. 41 annual report shows (¶1 (一)–(三) and the ¶2 extract), as JSON-ready data."""
    view = report_view(unit)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ago_start, ago_end = dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
    current = _kpis(view, start, end)
    year_ago = _kpis(view, ago_start, ago_end)
    complained = _complained_units(view, start, end, COMPLAINED_UNITS)
    for row in complained:
        row["reasons"] = [r["label"] for r in _reasons(view, int(row["key"]), start, end)]
    trend = selectors.series(view, catalogue.BY_NAME["received"], start, end, "month")
    natures = _top(view, start, end, "nature")
    rises = []
    for m in range(1, 13):
        month = dt.date(year, m, 1)
        if month > timeutil.today():
            break
        rises += [{**r, "month": month.strftime("%Y-%m")} for r in sudden_rises(view, month)]
    hot = selectors.hot_issues_top(view, end)
    data: dict[str, Any] = _jsonable(
        {
            "period": [start, end],
            "year_ago_period": [ago_start, ago_end],
            "as_of": timeutil.today(),
            "kpis": {k: current.get(k) for k in ANNUAL_KPIS},
            "year_ago": {k: year_ago.get(k) for k in ANNUAL_KPIS},
            "labels": _labels(),
            "units": {k: _units(k) for k in ANNUAL_KPIS},
            "trend": [{"period": p["period"], "value": int(p["numerator"] or 0)} for p in trend],
            "by_category": _top(view, start, end, "category", limit=selectors.MAX_BREAKDOWN_ROWS)[:20],
            "by_area": _top(view, start, end, "area", limit=selectors.MAX_BREAKDOWN_ROWS)[:20],
            "by_channel": _top(view, start, end, "channel"),
            "by_nature": natures,
            "complained_units": complained,
            "recommendations": recommendation_figures(unit, start, end),
            # Art. 41 ¶2: for 巡视巡察 — tendencies (sudden rises, hot issues flagged as rising) and the 积案 figures;
            # accusations only as a count (never who accused whom, Art. 30 ¶3).
            "inspection": {
                "rises": rises,
                "hot_issues": [
                    {k: r[k] for k in ("rank", "description", "petitions", "sudden_rise", "region_name")}
                    for r in hot
                    if r["sudden_rise"]
                ],
                "accusations": next((r["value"] for r in natures if r["key"] == "accusation"), 0),
                "backlog_resolution_rate": current.get("backlog_resolution_rate"),
                "cases_in_charge": current.get("cases_in_charge"),
            },
        }
    )
    return data
