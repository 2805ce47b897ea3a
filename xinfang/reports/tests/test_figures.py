"""A report's figures come from the statistics layer: equal to /api/v1/stats/ for the same scope and period;
the sudden-rise rule flags a planted rise and not a flat series."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from xinfang.orgs.models import Unit
from xinfang.reports import figures as fig
from xinfang.reports.services import report_draft_monthly
from xinfang.stats.models import StatDaily, StatFact
from xinfang.stats.tests.cases import at, build


def api(user: Any, url: str, params: dict[str, str]) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_months_report_figures_equal_the_statistics_api_for_the_same_scope_and_period(
    personas: Any, tree: Any, analyst: Any
) -> None:
    build(personas, tree)
    with at(dt.date(2025, 4, 2)):
        report = report_draft_monthly(unit=tree.county_dept, month=dt.date(2025, 3, 1))
        march = api(analyst, "/api/v1/stats/kpis/", {"from": "2025-03-01", "to": "2025-03-31"})
        february = api(analyst, "/api/v1/stats/kpis/", {"from": "2025-02-01", "to": "2025-02-28"})
        categories = api(
            analyst,
            "/api/v1/stats/breakdown/",
            {"kpi": "received", "by": "category", "from": "2025-03-01", "to": "2025-03-31"},
        )
        series = api(
            analyst,
            "/api/v1/stats/series/",
            {"kpi": "received", "interval": "month", "from": "2024-04-01", "to": "2025-03-31"},
        )
    kpis = report.figures["kpis"]
    assert kpis["received"] == 4  # five registered in March, one of them in the A2 district (outside the scope)
    for key, value in kpis.items():
        assert value == pytest.approx(march["figures"][key]), key
    for key, value in report.figures["previous"].items():
        assert value == pytest.approx(february["figures"][key]), key
    top = [(r["label"], r["value"]) for r in report.figures["top"]["category"]]
    assert top == [(r["label"], r["numerator"]) for r in categories["rows"]][: len(top)]
    assert [p["value"] for p in report.figures["trend"]] == [p["numerator"] for p in series["points"]]


@pytest.mark.parametrize(
    ("history", "value", "flagged"),
    [
        ([10] * 12, 10, False),  # flat
        ([10] * 12, 11, True),  # sd 0: anything above the mean (and ≥ 5) is a rise
        ([2] * 12, 4, False),  # below the minimum count
        ([8, 12, 9, 11, 10, 10, 9, 11, 12, 8, 10, 10], 14, True),  # mean 10, sd ≈ 1.29: threshold ≈ 12.6
        ([8, 12, 9, 11, 10, 10, 9, 11, 12, 8, 10, 10], 12, False),
        ([10, 10], 50, False),  # too short a history to judge
    ],
)
def test_sudden_rise_rule(history: list[int], value: int, flagged: bool) -> None:
    assert fig.is_sudden_rise(history, value) is flagged


def _plant(node: Unit, day: dt.date, n: int, *, category: int = 0, division: str = "990101") -> None:
    StatDaily.objects.create(node=node, direct=False, measure="received", day=day, value=n)
    StatFact.objects.create(
        node=node,
        direct=False,
        measure="received",
        day=day,
        category_id=category,
        channel="letter",
        nature="appeal",
        division_code=division,
        value=n,
    )


def _months(last: dt.date, n: int) -> list[dt.date]:
    return [fig.add_months(last, -k) for k in range(n - 1, -1, -1)]


def test_a_planted_rise_is_flagged_and_a_flat_series_is_not(personas: Any, tree: Any) -> None:
    view = fig.report_view(tree.county_dept)  # A1区信访局 oversees the A1 district: node A1区人民政府
    months = _months(dt.date(2025, 3, 1), 13)
    for month in months[:-1]:
        _plant(tree.county, month.replace(day=10), 6, division="990101")
        _plant(tree.county, month.replace(day=11), 7, division="990102")
    _plant(tree.county, months[-1].replace(day=10), 6, division="990101")  # flat
    _plant(tree.county, months[-1].replace(day=11), 30, division="990102")  # planted rise
    with at(dt.date(2025, 4, 2)):
        rises = fig.sudden_rises(view, dt.date(2025, 3, 1))
    area = [r for r in rises if r["dimension"] == "area"]
    assert [r["key"] for r in area] == ["990102"]
    assert area[0]["value"] == 30 and area[0]["mean"] == 7
    assert any(r["dimension"] == "total" for r in rises)  # 36 against 13 a month


def test_a_flat_series_flags_nothing(personas: Any, tree: Any) -> None:
    view = fig.report_view(tree.county_dept)
    for month in _months(dt.date(2025, 3, 1), 13):
        _plant(tree.county, month.replace(day=10), 9)
    with at(dt.date(2025, 4, 2)):
        assert fig.sudden_rises(view, dt.date(2025, 3, 1)) == []
