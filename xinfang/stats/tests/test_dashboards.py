"""The dashboards (/workbench/stats/, the leader's desk): visibility per persona, the CSV equals the selector's
numbers, and every drill-down link opens a list of exactly the petitions the figure counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from xinfang.core import timeutil
from xinfang.orgs.models import Role
from xinfang.stats import catalogue, dashboards, selectors
from xinfang.stats.tests.cases import build

RANGE = {"from": "2025-03-01", "to": "2025-06-30"}
START, END = dt.date(2025, 3, 1), dt.date(2025, 6, 30)
RECEIVED_CHARTS = ["received_by_channel", "received_by_nature", "received_by_area", "received_by_month"]


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def cases(personas: Any, tree: Any) -> Any:
    return build(personas, tree)


def test_petition_department_sees_unit_rankings_and_breakdowns(personas: Any, cases: Any) -> None:
    r = client_for(personas.registrar_a).get("/workbench/stats/", RANGE)
    assert r.status_code == 200
    keys = [c.key for c in r.context["charts"]]
    assert {"closing_by_unit", "satisfaction_by_unit", "overdue_by_unit", "received_by_category"} <= set(keys)
    body = r.content.decode()
    # every chart: its data block for the static JS, a table and a CSV link; no inline script
    for key in keys:
        chart = next(c for c in r.context["charts"] if c.key == key)
        if chart.rows:
            assert f'id="chart-data-{key}"' in body and f'id="{key}-csv"' in body
    assert "<script>" not in body


def test_an_ordinary_unit_gets_its_own_dashboard_without_rankings(personas: Any, cases: Any) -> None:
    c = client_for(personas.handler_b)
    r = c.get("/workbench/stats/", RANGE)
    assert r.status_code == 200
    assert "closing_by_unit" not in [ch.key for ch in r.context["charts"]]
    assert c.get("/workbench/stats/csv/closing_by_unit/", RANGE).status_code == 404
    # 住建局 (B) dealt with three petitions of the case set (forwarded to it): only those are counted
    received = next(h for h in r.context["headlines"] if h.kpi.name == "received")
    assert received.display == "3"


def test_a_unit_never_sees_another_units_figures(personas: Any, cases: Any, tree: Any) -> None:
    outsider = client_for(personas.outsider)  # A2区住建局: only its own collective visit
    rows = csv_rows(outsider.get("/workbench/stats/csv/received_by_nature/", RANGE))
    assert sum(int(r[2]) for r in rows[1:]) == 1
    # nor may it ask for another unit's dashboard (404, as the API)
    assert outsider.get("/workbench/stats/", {**RANGE, "unit": str(tree.housing.pk)}).status_code == 404
    assert (
        client_for(personas.registrar_a).get("/workbench/stats/", {**RANGE, "unit": str(tree.housing.pk)}).status_code
        == 200
    )


def test_the_accused_side_never_sees_the_accusation_in_a_breakdown(personas: Any, cases: Any) -> None:
    """Art. 30 ¶3: the county leader oversees the county but is the accused side of the accusation."""
    rng = dashboards.Range(START, END, "")

    def keys(user: Any) -> set[str]:
        return {r.key for r in dashboards.build_chart(selectors.view_for(user, None), "received_by_nature", rng).rows}

    assert "accusation" in keys(personas.registrar_a)
    assert "accusation" not in keys(cases.county_leader)
    leader_rows = csv_rows(client_for(cases.county_leader).get("/workbench/stats/csv/received_by_nature/", RANGE))
    dept_rows = csv_rows(client_for(personas.registrar_a).get("/workbench/stats/csv/received_by_nature/", RANGE))
    assert sum(int(r[2]) for r in dept_rows[1:]) == 5
    assert sum(int(r[2]) for r in leader_rows[1:]) == 4


@pytest.mark.parametrize("key", [*RECEIVED_CHARTS, "closing_by_unit", "satisfaction_by_unit", "received_by_unit"])
def test_csv_equals_the_selector_numbers(personas: Any, cases: Any, key: str) -> None:
    user = personas.registrar_a
    rows = csv_rows(client_for(user).get(f"/workbench/stats/csv/{key}/", RANGE))
    spec = dashboards.SPECS[key]
    kpi = catalogue.BY_NAME[spec.kpi]
    view = selectors.view_for(user, None)
    if spec.by == "month":
        expected = [
            (p["period"], p["numerator"], p["denominator"]) for p in selectors.series(view, kpi, START, END, "month")
        ]
    else:
        found, _truncated = selectors.breakdown(view, kpi, START, END, spec.by)
        expected = [(r["label"], r["numerator"], r["denominator"]) for r in found]
    assert rows[0][1] == kpi.label
    got = [(r[0], int(r[2]), int(r[3]) if r[3] else None) for r in rows[1:]]
    assert got == expected
    assert rows[1:], "the case set gives every one of these charts a row"


@pytest.mark.parametrize("key", RECEIVED_CHARTS)
@pytest.mark.parametrize("who", ["registrar_a", "handler_b", "supervisor"])
def test_drill_down_lists_exactly_what_the_bar_counts(personas: Any, cases: Any, key: str, who: str) -> None:
    user = getattr(personas, who)
    c = client_for(user)
    chart = dashboards.build_chart(selectors.view_for(user, None), key, dashboards.Range(START, END, ""))
    drilled = [r for r in chart.rows if r.url]
    assert drilled or not any(r.numerator for r in chart.rows)
    for row in drilled:
        listed = c.get(row.url)
        assert listed.status_code == 200
        assert len(listed.context["rows"]) == row.numerator, (key, row.label, row.url)


def test_drill_down_of_a_category_includes_its_descendants(personas: Any, tree: Any) -> None:
    from xinfang.petitions.models import Category
    from xinfang.petitions.tests.helpers import register

    top = Category.objects.create(name="城乡建设", level=1, full_name="城乡建设")
    mid = Category.objects.create(name="住房", parent=top, level=2, full_name="城乡建设 / 住房")
    leaf = Category.objects.create(name="物业", parent=mid, level=3, full_name="城乡建设 / 住房 / 物业")
    register(personas.registrar_a, category=leaf)
    register(personas.registrar_a)
    today = timeutil.today()
    chart = dashboards.build_chart(
        selectors.view_for(personas.registrar_a, None),
        "received_by_category",
        dashboards.Range(today - dt.timedelta(days=3), today + dt.timedelta(days=3), ""),
    )
    row = next(r for r in chart.rows if r.key == str(top.pk))
    assert row.numerator == 1 and f"category={top.pk}" in row.url
    listed = client_for(personas.registrar_a).get(row.url)
    assert len(listed.context["rows"]) == 1
    assert "城乡建设" in listed.content.decode()  # the list says what it is narrowed to


def test_bad_period_is_a_400_naming_the_field(personas: Any) -> None:
    c = client_for(personas.registrar_a)
    r = c.get("/workbench/stats/", {"from": "2025-13-01", "to": "2025-06-30"})
    assert r.status_code == 400 and 'id="error-from"' in r.content.decode()
    r = c.get("/workbench/stats/", {"preset": "forever"})
    assert r.status_code == 400 and 'id="error-preset"' in r.content.decode()
    assert c.get("/workbench/stats/csv/received_by_channel/", {"from": "x"}).status_code == 400
    assert c.get("/workbench/stats/csv/no_such_chart/").status_code == 404
    assert c.get("/workbench/stats/", {"unit": "abc"}).status_code == 400


def test_anonymous_goes_to_login_and_a_citizen_is_refused(db: None) -> None:
    assert Client().get("/workbench/stats/").status_code == 302
    citizen = make_user("citizen", None)
    assert client_for(citizen).get("/workbench/stats/").status_code == 403


def test_leader_desk_shows_headline_figures_with_comparisons_and_trends(personas: Any, cases: Any, tree: Any) -> None:
    leader = make_user("city_leader", tree.city, Role.LEADER)
    r = client_for(leader).get("/workbench/desk/", RANGE)
    assert r.status_code == 200
    names = [h.kpi.name for h in r.context["headlines"]]
    assert names == list(dashboards.HEADLINE_KPIS)
    received = r.context["headlines"][0]
    # the city sees the five petitions of A1区 and the visit at A2区; volume is never scored
    assert received.display == "6" and received.changes[0].tone == "neutral"
    assert received.trend is not None and len(received.trend.rows) == dashboards.TREND_MONTHS
    body = r.content.decode()
    assert 'id="headline-on_time_closing_rate"' in body and 'data-chart="chart-data-trend_received"' in body


@pytest.mark.parametrize(
    ("name", "now", "before", "tone", "arrow"),
    [
        ("on_time_closing_rate", 0.9, 0.8, "good", "↑"),
        ("on_time_closing_rate", 0.7, 0.8, "bad", "↓"),
        ("avg_handling_days", 20.0, 25.0, "good", "↓"),
        ("avg_handling_days", 30.0, 25.0, "bad", "↑"),
        ("received", 120, 100, "neutral", "↑"),
        ("received", 80, 100, "neutral", "↓"),
        ("satisfaction_rate", 0.5, None, "neutral", ""),
    ],
)
def test_change_is_coloured_by_whether_it_is_good_for_the_kpi(
    name: str, now: float, before: float | None, tone: str, arrow: str
) -> None:
    c = dashboards.change(catalogue.BY_NAME[name], "x", now, before)  # type: ignore[arg-type]
    assert (c.tone, c.arrow) == (tone, arrow)


def test_presets_cover_the_calendar_periods() -> None:
    today = dt.date(2025, 5, 14)
    assert dashboards.preset_range("this_month", today) == (dt.date(2025, 5, 1), today)
    assert dashboards.preset_range("last_month", today) == (dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert dashboards.preset_range("this_quarter", today) == (dt.date(2025, 4, 1), today)
    assert dashboards.preset_range("this_year", today) == (dt.date(2025, 1, 1), today)
    assert dashboards.preset_range("last_12_months", today) == (dt.date(2024, 6, 1), today)
    assert dashboards.preset_range("last_month", dt.date(2025, 1, 3)) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
