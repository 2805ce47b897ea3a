from __future__ import annotations

import pytest
from django.urls import path, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xinfang.deadlines.api.views import CalendarDeadlineView

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()  # no credentials: the calculator is public


def get(api: APIClient, **params):
    return api.get(reverse("calendar-deadline"), params, HTTP_ACCEPT_LANGUAGE="en")


def test_url_is_under_api_v1():
    assert reverse("calendar-deadline") == "/api/v1/calendar/deadline"


def test_deadline_api_happy_path_without_login_civil_code_art_203(api):
    response = get(api, start="2025-09-17", days="15", kind="calendar")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("start", "days", "kind", "due")} == {
        "start": "2025-09-17",
        "days": 15,
        "kind": "calendar",
        "due": "2025-10-09",
    }
    assert body["explanation"][0] == "Start: 2025-09-17 (the start day is not counted)."
    assert body["explanation"][-1] == "Due: 2025-10-09."
    assert any("Civil Code Art. 203" in line for line in body["explanation"])


def test_deadline_api_working_days_over_tiaoxiu_saturday_art_23(api):
    response = get(api, start="2026-09-28", days="5", kind="working")
    assert response.status_code == 200
    assert response.json()["due"] == "2026-10-10"


def test_deadline_api_ignores_a_stale_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert get(api, start="2025-09-17", days="15", kind="calendar").status_code == 200


@pytest.mark.parametrize("start", ["2025-02-30", "yesterday", "2025/09/17", "2025-09-17T10:00", ""])
def test_deadline_api_bad_date_is_400_on_start(api, start):
    response = get(api, start=start, days="15", kind="calendar")
    assert response.status_code == 400
    assert set(response.json()) == {"start"}
    assert "YYYY-MM-DD" in response.json()["start"][0]


def test_deadline_api_out_of_range_date_is_400_on_start(api):
    response = get(api, start="9999-12-31", days="3650", kind="calendar")
    assert response.status_code == 400
    assert "between" in response.json()["start"][0]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "The number of days cannot be negative."),
        ("3651", "The number of days can be at most 3650."),
        ("1.5", "The number of days must be a whole number, for example 15."),
        ("ten", "The number of days must be a whole number, for example 15."),
    ],
)
def test_deadline_api_bad_days_is_400_on_days(api, days, message):
    response = get(api, start="2025-09-17", days=days, kind="calendar")
    assert response.status_code == 400
    assert response.json() == {"days": [message]}


def test_deadline_api_wrong_kind_is_400_on_kind(api):
    response = get(api, start="2025-09-17", days="15", kind="weekdays")
    assert response.status_code == 400
    assert response.json() == {"kind": ['"weekdays" is not a kind of days: use calendar or working.']}


def test_deadline_api_missing_params_are_400_naming_each_field(api):
    response = api.get(reverse("calendar-deadline"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()) == {"start", "days", "kind"}


def test_deadline_api_maximum_days_is_answered(api):
    response = get(api, start="2199-12-31", days="3650", kind="working")
    assert response.status_code == 200
    assert response.json()["due"] > "2209-01-01"


def test_deadline_api_schema_documents_the_query_parameters():
    generator = SchemaGenerator(patterns=[path("calendar/deadline", CalendarDeadlineView.as_view())])
    schema = generator.get_schema(request=None, public=True)
    operation = schema["paths"]["/calendar/deadline"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"start", "days", "kind"}
    assert all(p["in"] == "query" and p["required"] for p in operation["parameters"])
    assert "200" in operation["responses"] and "400" in operation["responses"]
