"""Dashboards (形势网上判): the charts of the leader's desk, the 信访部门 and a unit, composed from the selectors.

Every chart is built here once, from ``xinfang.stats.selectors`` (the rollup, never a scan of petitions), and
serves three views that must agree: the drawn chart, its accessible table and its CSV download. Each row carries
the link of its drill-down: the workbench list filtered to what the row counts. For figures counted from the date
of receipt (信访总量 by channel, nature, category, area, unit, month) the list shows exactly the petitions counted;
for a rate (the unit rankings, the trends) it shows the petitions of the rate's denominator, each placed by the
event the figure counts (``rate_drill_params``); overdue work opens the unit's overdue list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.errors import InvalidInput
from xinfang.stats import catalogue, selectors
from xinfang.stats.catalogue import Kpi, KpiUnit

# --- the date range ---

PRESETS: dict[str, Promise] = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "this_year": gettext_lazy("This year"),
    "last_12_months": gettext_lazy("Last 12 months"),
}
DEFAULT_PRESET = "last_12_months"
TREND_MONTHS = 12
MAX_CHART_ROWS = 50  # bars drawn; the table and the CSV hold every row of the breakdown


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before the month of ``day``."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if preset == "this_month":
        return month_start(today), today
    if preset == "last_month":
        return month_start(today, 1), month_start(today) - dt.timedelta(days=1)
    if preset == "this_quarter":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "this_year":
        return dt.date(today.year, 1, 1), today
    return month_start(today, TREND_MONTHS - 1), today


@dataclass(frozen=True)
class Range:
    start: dt.date
    end: dt.date
    preset: str  # "" for a chosen range

    def params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def parse_dashboard_range(params: Any, today: dt.date, default: str = DEFAULT_PRESET) -> Range:
    """A preset (``preset=this_month`` …) or ``from``/``to`` (YYYY-MM-DD); by default ``default``."""
    preset = params.get("preset") or ""
    if preset:
        if preset not in PRESETS:
            raise InvalidInput(
                _("Unknown period; choose one of: %(names)s.") % {"names": ", ".join(PRESETS)}, field="preset"
            )
        return Range(*preset_range(preset, today), preset)
    if not params.get("from") and not params.get("to"):
        return Range(*preset_range(default, today), default)
    start, end = selectors.parse_range(params)
    return Range(start, end, "")


# --- formatting ---


def format_value(kpi: Kpi, value: float | int | None) -> str:
    if value is None:
        return "—"
    if kpi.unit == KpiUnit.RATE:
        return f"{value * 100:.1f}%"
    if kpi.unit == KpiUnit.DAYS:
        return f"{value:.1f}"
    return str(int(value))


def chart_value(kpi: Kpi, value: float | int | None) -> float | int | None:
    """The number drawn: rates as percentages (one decimal), days with one decimal, counts as they are."""
    if value is None:
        return None
    if kpi.unit == KpiUnit.RATE:
        return round(value * 100, 1)
    if kpi.unit == KpiUnit.DAYS:
        return round(value, 1)
    return int(value)


# Whether a rise of the KPI is good (True), bad (False) or neither (None: volume is shown, never scored).
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "received": None,
    "on_time_acceptance_rate": True,
    "on_time_closing_rate": True,
    "satisfaction_rate": True,
    "first_time_resolution_rate": True,
    "avg_handling_days": False,
    "overdue_open": False,
}
HEADLINE_KPIS = tuple(HIGHER_IS_BETTER)


@dataclass(frozen=True)
class Change:
    label: Promise  # 环比 / 同比
    arrow: str  # ↑, ↓, → or "" when there is nothing to compare with
    text: str
    tone: str  # good, bad, neutral


def change(kpi: Kpi, label: Promise, now: float | int | None, before: float | int | None) -> Change:
    if now is None or before is None:
        return Change(label, "", "—", "neutral")
    delta = now - before
    arrow = "↑" if delta > 0 else "↓" if delta < 0 else "→"
    if kpi.unit == KpiUnit.RATE:
        text = _("%(n)s pt") % {"n": f"{abs(delta) * 100:.1f}"}
    elif kpi.unit == KpiUnit.DAYS:
        text = _("%(n)s days") % {"n": f"{abs(delta):.1f}"}
    else:
        text = str(abs(int(delta)))
        if before:
            text += f" ({abs(delta) / before * 100:.1f}%)"
    better = HIGHER_IS_BETTER.get(kpi.name)
    tone = "neutral" if better is None or delta == 0 else "good" if (delta > 0) == better else "bad"
    return Change(label, arrow, text, tone)


# --- charts ---


@dataclass(frozen=True)
class ChartRow:
    label: str
    key: str
    value: float | int | None
    display: str
    numerator: int
    denominator: int | None
    url: str


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, line, spark
    kpi: Kpi
    rows: list[ChartRow] = field(default_factory=list)
    truncated: bool = False
    drill_note: str = ""

    @property
    def script_id(self) -> str:
        return f"chart-data-{self.key}"

    def payload(self) -> dict[str, Any]:
        drawn = self.rows[:MAX_CHART_ROWS] if self.kind == "bar" else self.rows
        return {
            "kind": self.kind,
            "unit": self.kpi.unit,
            "name": self.kpi.label,
            "labels": [r.label for r in drawn],
            "values": [chart_value(self.kpi, r.value) for r in drawn],
            "urls": [r.url for r in drawn],
        }

    def csv_rows(self) -> list[list[str]]:
        """Exactly the numbers of the table: label, value as shown, numerator, denominator."""
        head = [_("Label"), self.kpi.label, _("Numerator"), _("Denominator")]
        body = [
            [r.label, r.display, str(r.numerator), "" if r.denominator is None else str(r.denominator)]
            for r in self.rows
        ]
        return [head, *body]


@dataclass(frozen=True)
class Spec:
    title: Promise
    kpi: str
    by: str  # a breakdown (unit, area, category, channel, nature) or "month" for a series
    overseers_only: bool = False


SPECS: dict[str, Spec] = {
    "closing_by_unit": Spec(gettext_lazy("On-time closing rate by unit"), "on_time_closing_rate", "unit", True),
    "satisfaction_by_unit": Spec(gettext_lazy("Satisfaction rate by unit"), "satisfaction_rate", "unit", True),
    "overdue_by_unit": Spec(gettext_lazy("Overdue by unit"), "overdue_open", "unit", True),
    "received_by_month": Spec(gettext_lazy("Petitions received by month"), "received", "month"),
    "received_by_channel": Spec(gettext_lazy("Petitions received by channel"), "received", "channel"),
    "received_by_nature": Spec(gettext_lazy("Petitions received by nature"), "received", "nature"),
    "received_by_category": Spec(gettext_lazy("Petitions received by category"), "received", "category"),
    "received_by_area": Spec(gettext_lazy("Petitions received by place of the problem"), "received", "area"),
    "received_by_unit": Spec(gettext_lazy("Petitions received by unit"), "received", "unit", True),
}
# The headline trends: one per figure with a series (``trend_<kpi>``), 12 months up to the end of the range.
TREND_PREFIX = "trend_"


def _inbox_url(params: dict[str, str]) -> str:
    return reverse("workbench:inbox") + "?" + urlencode(params)


def _base_params(view: selectors.View, rng: Range) -> dict[str, str]:
    params = {"tab": "all", "received_from": rng.start.isoformat(), "received_to": rng.end.isoformat()}
    if view.unit is not None:
        params["within" if view.oversees else "unit"] = str(view.unit.pk)
    return params


# --- drill-down of a rate: the workbench list's filters that select what the figure counts ---

# The parts of a rate a link may open: every petition counted (the denominator), those in the numerator, and the
# rest (denominator − numerator: late, not satisfied, not rated, not resolved — what costs a unit points).
COUNTED, NUMERATOR, REST = "counted", "numerator", "rest"
PARTS = (COUNTED, NUMERATOR, REST)

_TARGETS = {
    "satisfaction_rate": "",
    "satisfaction_rate_petition_dept": "petition_dept",
    "satisfaction_rate_responsible_unit": "responsible_unit",
}
# 满意率 counts 满意 and 基本满意 alike (stats.catalogue.SATISFIED_VALUES): the numerator's word says so.
_SATISFIED = gettext_lazy("satisfied or basically satisfied")
# The word for each part, by KPI: (numerator, rest).
PART_LABELS: dict[str, tuple[Promise, Promise]] = {
    "on_time_acceptance_rate": (gettext_lazy("on time"), gettext_lazy("late")),
    "on_time_closing_rate": (gettext_lazy("on time"), gettext_lazy("late")),
    "satisfaction_rate": (_SATISFIED, gettext_lazy("dissatisfied")),
    "satisfaction_rate_petition_dept": (_SATISFIED, gettext_lazy("dissatisfied")),
    "satisfaction_rate_responsible_unit": (_SATISFIED, gettext_lazy("dissatisfied")),
    "rating_participation_rate": (gettext_lazy("rated"), gettext_lazy("not rated")),
    "first_time_resolution_rate": (gettext_lazy("resolved"), gettext_lazy("not resolved")),
}


def rate_drill_params(kpi: Kpi, start: dt.date, end: dt.date, part: str = COUNTED) -> list[tuple[str, str]] | None:
    """The list filters selecting the petitions behind ``part`` of ``kpi`` over [start, end] (None: no such list).

    Each figure's petitions are placed by the figure's own event, with the predicate of ``stats.facts`` (the list
    filters reuse it): a clock stopped, a rating recorded, a reply served, a first opinion issued. The list counts
    petitions while a figure counts clocks or ratings: a petition rated for both targets is one row and two ratings.
    """
    period = (start.isoformat(), end.isoformat())
    name = kpi.name
    if name in ("on_time_acceptance_rate", "on_time_closing_rate", "avg_handling_days"):
        kind = "notice" if name == "on_time_acceptance_rate" else "handling"
        params = [("clock_kind", kind), ("stopped_from", period[0]), ("stopped_to", period[1])]
        flag = {NUMERATOR: "0", REST: "1"}  # late=0: on time
        key = "late"
    elif name in _TARGETS:
        params = [("rated_from", period[0]), ("rated_to", period[1])]
        if _TARGETS[name]:
            params.append(("rating_target", _TARGETS[name]))
        if part == NUMERATOR:
            return params + [("rating_value", v) for v in catalogue.SATISFIED_VALUES]
        if part == REST:
            return [*params, ("rating_value", "dissatisfied")]
        return params
    elif name == "rating_participation_rate":
        params = [("served_from", period[0]), ("served_to", period[1])]
        flag, key = {NUMERATOR: "1", REST: "0"}, "rated"
    elif name == "first_time_resolution_rate":
        params = [("first_opinion_from", period[0]), ("first_opinion_to", period[1])]
        flag, key = {NUMERATOR: "1", REST: "0"}, "resolved"
    else:
        return None
    if part in flag and name != "avg_handling_days":
        params.append((key, flag[part]))
    return params


def rate_drill_url(scope: list[tuple[str, str]], kpi: Kpi, start: dt.date, end: dt.date, part: str = COUNTED) -> str:
    """The workbench list of ``part`` of a rate for the units ``scope`` names (e.g. ``[("within", "12")]``)."""
    params = rate_drill_params(kpi, start, end, part)
    if params is None:
        return ""
    return reverse("workbench:inbox") + "?" + urlencode([("tab", "all"), *scope, *params])


def _scope(view: selectors.View) -> list[tuple[str, str]]:
    """The list filter for the node a view reads: the unit and those below it (an overseer) or the unit itself."""
    if view.unit is None:
        return []  # the viewer's own node: exactly what the list shows them (petitions_visible_to)
    return [("within" if view.oversees else "unit", str(view.unit.pk))]


def _drill(view: selectors.View, rng: Range, kpi: Kpi, by: str, key: str) -> str:
    if not key:
        return ""  # "not recorded": the list has no filter for an empty category or place
    if kpi.name == "received":
        return _inbox_url({**_base_params(view, rng), by: key})
    if by != "unit":
        return ""
    if kpi.live:
        return _inbox_url({"tab": "overdue", "current_unit": key})
    # A bar of the unit ranking holds the unit's own facts (direct): the petitions it dealt with itself.
    return rate_drill_url([("unit", key)], kpi, rng.start, rng.end) or _inbox_url({"tab": "all", "unit": key})


def _series_chart(view: selectors.View, key: str, title: str, kpi: Kpi, rng: Range, kind: str) -> Chart:
    points = selectors.series(view, kpi, rng.start, rng.end, "month")
    rows = []
    for p in points:
        url = ""
        if kpi.name == "received" and p["numerator"]:
            month = Range(p["start"], p["end"], "")
            url = _inbox_url(_base_params(view, month))
        elif p["denominator"]:  # a rate's point: the petitions it counted in that month
            url = rate_drill_url(_scope(view), kpi, p["start"], p["end"])
        rows.append(
            ChartRow(
                p["period"],
                p["period"],
                p["value"],
                format_value(kpi, p["value"]),
                p["numerator"],
                p["denominator"],
                url,
            )
        )
    return Chart(key, title, kind, kpi, rows)


def chart_keys(view: selectors.View) -> list[str]:
    return [k for k, s in SPECS.items() if view.oversees or not s.overseers_only]


def build_chart(view: selectors.View, key: str, rng: Range) -> Chart:
    """One chart by key; 404 for an unknown key or a chart this viewer has no use for."""
    if key.startswith(TREND_PREFIX):
        kpi = catalogue.BY_NAME.get(key.removeprefix(TREND_PREFIX))
        if kpi is None or kpi.live or kpi.name not in HEADLINE_KPIS:
            raise Http404
        trend = Range(month_start(rng.end, TREND_MONTHS - 1), rng.end, "")
        return _series_chart(view, key, str(kpi.label), kpi, trend, "spark")
    spec = SPECS.get(key)
    if spec is None or key not in chart_keys(view):
        raise Http404
    kpi = catalogue.BY_NAME[spec.kpi]
    if spec.by == "month":
        return _series_chart(view, key, str(spec.title), kpi, rng, "line")
    found, truncated = selectors.breakdown(view, kpi, rng.start, rng.end, spec.by)
    rows = [
        ChartRow(
            r["label"],
            r["key"],
            r["value"],
            format_value(kpi, r["value"]),
            r["numerator"],
            r["denominator"],
            _drill(view, rng, kpi, spec.by, r["key"]),
        )
        for r in found
    ]
    note = ""
    if kpi.name != "received":
        note = (
            _("Click a unit to open its overdue petitions.")
            if kpi.live
            else _(
                "Click a unit to open the petitions its rate counted in the period (the denominator: each placed "
                "by the event the figure counts)."
            )
        )
    return Chart(key, str(spec.title), "bar", kpi, rows, truncated, note)


@dataclass(frozen=True)
class Headline:
    kpi: Kpi
    display: str
    changes: tuple[Change, ...]
    trend: Chart | None
    definition: str


def headlines(view: selectors.View, rng: Range) -> list[Headline]:
    """The leader's figures for the range, each with 环比 and 同比 and a 12-month trend (today's overdue: none)."""
    periods = selectors.comparison_periods(rng.start, rng.end)
    # The three periods in one read (one rollup query and one per desk), as the kpis API reads them.
    now, before, year_ago = selectors.figures_for_periods(
        view, [(rng.start, rng.end), periods["previous"], periods["year_ago"]]
    )
    out = []
    for name in HEADLINE_KPIS:
        kpi = catalogue.BY_NAME[name]
        changes = (
            change(kpi, gettext_lazy("vs previous period"), now[name], before[name]),
            change(kpi, gettext_lazy("vs a year before"), now[name], year_ago[name]),
        )
        trend = None if kpi.live else build_chart(view, TREND_PREFIX + name, rng)
        out.append(Headline(kpi, format_value(kpi, now[name]), changes, trend, str(kpi.definition)))
    return out
