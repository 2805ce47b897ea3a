"""The statistics API: the contract the dashboards rely on, permissions, and 4xx naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.stats import catalogue
from xinfang.stats.tests.cases import build

RANGE: dict[str, str] = {"from": "2025-03-01", "to": "2025-06-30"}
URLS = ["/api/v1/stats/kpis/", "/api/v1/stats/series/?kpi=received", "/api/v1/stats/breakdown/?kpi=received&by=nature"]


def client_for(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_refused_with_401(db: None, url: str) -> None:
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize("url", URLS)
def test_a_citizen_account_is_refused_with_403(db: None, url: str) -> None:
    citizen = make_user("citizen", None)
    assert client_for(citizen).get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_staff_get_their_figures(personas: Any, url: str) -> None:
    assert client_for(personas.handler_b).get(url).status_code == 200


def test_kpis_contract(personas: Any, tree: Any) -> None:
    build(personas, tree)
    r = client_for(personas.registrar_a).get("/api/v1/stats/kpis/", RANGE)
    assert r.status_code == 200
    body = r.json()
    assert body["from"] == "2025-03-01" and body["to"] == "2025-06-30" and body["unit"] is None
    assert set(body["figures"]) == set(catalogue.BY_NAME) == set(body["definitions"])
    assert body["figures"]["received"] == 5
    assert isinstance(body["figures"]["overdue_open"], int)
    assert 0 <= body["figures"]["on_time_closing_rate"] <= 1
    assert body["previous_period"] == ["2024-10-30", "2025-02-28"]
    assert body["year_ago_period"] == ["2024-03-01", "2024-06-30"]
    assert body["previous"]["received"] == 0 and body["previous"]["repeat_rate"] is None


def test_unit_must_be_visible_to_the_viewer_else_404(personas: Any, tree: Any) -> None:
    c = client_for(personas.registrar_a)  # A1 信访局 oversees the A1 district
    assert c.get("/api/v1/stats/kpis/", {**RANGE, "unit": str(tree.housing.pk)}).status_code == 200
    assert c.get("/api/v1/stats/kpis/", {**RANGE, "unit": str(tree.county2_housing.pk)}).status_code == 404
    assert c.get("/api/v1/stats/kpis/", {**RANGE, "unit": "999999"}).status_code == 404
    b = client_for(personas.handler_b)  # an ordinary unit sees only itself
    assert b.get("/api/v1/stats/kpis/", {**RANGE, "unit": str(tree.housing.pk)}).status_code == 200
    assert b.get("/api/v1/stats/kpis/", {**RANGE, "unit": str(tree.county_dept.pk)}).status_code == 404


def test_unit_narrows_to_the_units_own_figures(personas: Any, tree: Any) -> None:
    build(personas, tree)
    c = client_for(personas.supervisor)
    housing = c.get("/api/v1/stats/kpis/", {**RANGE, "unit": str(tree.housing.pk)}).json()["figures"]
    assert housing["received"] == 3  # forwarded to A1住建局: replied, late, agreed


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "from"),
        ({"from": "2010-01-01", "to": "2025-01-01"}, "from"),
        ({"unit": "abc"}, "unit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(personas: Any, params: dict[str, str], field: str) -> None:
    r = client_for(personas.registrar_a).get("/api/v1/stats/kpis/", params)
    assert r.status_code == 400
    assert r.json()["field"] == field


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/stats/series/?kpi=nope", "kpi"),
        ("/api/v1/stats/series/?kpi=received&interval=hour", "interval"),
        ("/api/v1/stats/series/?kpi=received&interval=day&from=2024-01-01&to=2025-06-30", "interval"),
        ("/api/v1/stats/series/?kpi=overdue_open", "kpi"),
        ("/api/v1/stats/breakdown/?kpi=received&by=petitioner", "by"),
        ("/api/v1/stats/breakdown/?kpi=received&by=category&level=4", "level"),
        ("/api/v1/stats/breakdown/?kpi=overdue_open&by=channel", "by"),
    ],
)
def test_series_and_breakdown_refuse_bad_parameters(personas: Any, url: str, field: str) -> None:
    r = client_for(personas.registrar_a).get(url)
    assert r.status_code == 400
    assert r.json()["field"] == field


def test_series_contract(personas: Any, tree: Any) -> None:
    build(personas, tree)
    r = client_for(personas.registrar_a).get(
        "/api/v1/stats/series/", {**RANGE, "kpi": "received", "interval": "quarter"}
    )
    assert r.status_code == 200
    points = r.json()["points"]
    assert [p["period"] for p in points] == ["2025-Q1", "2025-Q2"]
    assert points[0]["start"] == "2025-03-01" and points[0]["end"] == "2025-03-31"
    assert sum(p["value"] for p in points) == 5
    assert set(points[0]) == {"period", "start", "end", "value", "numerator", "denominator"}


def test_breakdown_contract(personas: Any, tree: Any) -> None:
    build(personas, tree)
    r = client_for(personas.supervisor).get(
        "/api/v1/stats/breakdown/", {**RANGE, "kpi": "on_time_closing_rate", "by": "unit"}
    )
    assert r.status_code == 200
    rows = r.json()["rows"]
    housing = next(row for row in rows if row["key"] == str(tree.housing.pk))
    assert housing["label"] == tree.housing.name
    assert housing["denominator"] == housing["count"] == 3
    assert set(housing) == {"key", "label", "value", "numerator", "denominator", "count"}
    values = [row["value"] for row in rows if row["value"] is not None]
    assert values == sorted(values, reverse=True)


def test_the_openapi_schema_describes_the_stats_endpoints(personas: Any) -> None:
    r = client_for(personas.registrar_a).get("/api/schema/", {"format": "json"})
    paths = r.json()["paths"]
    for url in ("/api/v1/stats/kpis/", "/api/v1/stats/series/", "/api/v1/stats/breakdown/"):
        responses = paths[url]["get"]["responses"]
        assert {"200", "400", "401", "403", "404"} <= set(responses), url
