"""The assessment API and staff pages: volume refused with a 4xx naming the field, a contest through the API, the
exports open, the breakdown links to the petitions behind a line, and a unit outside sees nothing."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from xinfang.assessment.models import ScoreLine


def _api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_refuses_a_volume_indicator_naming_the_field(personas: Any, tree: Any) -> None:
    c = _api(personas.city_dept_head)
    created = c.post(
        "/api/v1/assessment/schemes/", {"year": 2025, "title": "考核", "units": [tree.housing.pk]}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = c.post(
        f"/api/v1/assessment/schemes/{pk}/indicators/",
        {"kpi": "received", "weight": "10", "target": "0.9"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["field"] == "kpi"
    ok = c.post(
        f"/api/v1/assessment/schemes/{pk}/indicators/",
        {"kpi": "on_time_closing_rate", "weight": "10", "target": "0.9"},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["indicators"][0]["kpi"] == "on_time_closing_rate"
    outside = c.post(
        "/api/v1/assessment/schemes/", {"year": 2025, "title": "x", "units": [tree.province_dept.pk]}, format="json"
    )
    assert outside.status_code == 400 and outside.json()["field"] == "units"


def test_api_contest_and_decision(personas: Any, tree: Any, scheme: Any) -> None:
    line = ScoreLine.objects.get(unit=tree.housing, indicator__kpi="on_time_closing_rate")
    raised = _api(personas.head_b).post(
        f"/api/v1/assessment/lines/{line.pk}/contest/", {"reason": "统计口径有误"}, format="json"
    )
    assert raised.status_code == 201, raised.content
    assert (
        _api(personas.outsider)
        .post(f"/api/v1/assessment/lines/{line.pk}/contest/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    decided = _api(personas.city_dept_head).post(
        f"/api/v1/assessment/contests/{raised.json()['id']}/decide/",
        {"decision": "rejected", "reason": "口径符合考核细则"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    detail = _api(personas.head_b).get(f"/api/v1/assessment/schemes/{scheme.pk}/").json()
    assert {row["unit"]["id"] for row in detail["lines"]} == {tree.housing.pk}  # its own lines only
    assert len(detail["ranking"]) == 2


def test_scheme_page_links_each_rate_to_the_petitions_and_exports_open(personas: Any, tree: Any, scheme: Any) -> None:
    from openpyxl import load_workbook

    c = Client()
    c.force_login(personas.city_dept_head)
    page = c.get(f"/workbench/assessment/schemes/{scheme.pk}/")
    assert page.status_code == 200
    # A rate opens the petitions of the unit or a unit below it that the figure counted in the period.
    assert (
        f"/workbench/?tab=all&amp;within={tree.housing.pk}&amp;clock_kind=handling"
        "&amp;stopped_from=2025-01-01&amp;stopped_to=2025-12-31" in page.content.decode()
    )
    assert f"/workbench/casework/?unit={tree.housing.pk}" in page.content.decode()
    csv = c.get(f"/workbench/assessment/schemes/{scheme.pk}/export.csv")
    assert csv.status_code == 200 and "37.0" in csv.content.decode("utf-8-sig")
    xlsx = c.get(f"/workbench/assessment/schemes/{scheme.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [row[-1].value for row in sheet.iter_rows(min_row=2)] == [102.0, 37.0]
    outsider = Client()
    outsider.force_login(personas.legal)
    assert outsider.get(f"/workbench/assessment/schemes/{scheme.pk}/").status_code == 404
