"""阳光信访 public figures: monthly totals by unit and top categories, no personal data, no accusation, cached."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.petitions.models import Petitioner
from xinfang.stats import selectors
from xinfang.stats.tests.cases import build

TODAY = dt.date(2025, 7, 15)


@pytest.fixture
def cases(personas: Any, tree: Any) -> Any:
    cache.clear()
    return build(personas, tree)


def test_public_figures_count_each_units_own_petitions_without_accusations(cases: Any, tree: Any) -> None:
    months = selectors.public_figures(TODAY, months=5)
    assert [m["month"] for m in months] == ["2025-06", "2025-05", "2025-04", "2025-03", "2025-02"]
    march = {u["unit"]: u for u in months[3]["units"]}
    # 信访局 A registered four petitions in March; the accusation against the county (Art. 30) is left out
    assert march[tree.county_dept.name]["received"] == 3
    assert march[tree.housing.name]["received"] == 3
    assert march[tree.county2_housing.name]["received"] == 1
    assert march[tree.housing.name]["on_time_closing_rate"] == 1.0  # the reply and the agreement, both in time
    assert months[4]["units"] == []


def test_public_page_has_no_personal_data_and_no_accusation(cases: Any) -> None:
    with time_machine.travel(dt.datetime(2025, 7, 15, 10, tzinfo=dt.UTC), tick=False):
        r = Client().get("/figures/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "2025-06" in body and "2025-04" in body
    for p in Petitioner.objects.all():
        for value in (p.name, p.phone, p.id_number, p.address):
            assert not value or value not in body
    assert cases.accusation.title not in body and cases.replied.title not in body
    assert cases.replied.number not in body


def test_public_page_is_cached(cases: Any) -> None:
    with time_machine.travel(dt.datetime(2025, 7, 15, 10, tzinfo=dt.UTC), tick=False):
        first = Client().get("/figures/")
        with CaptureQueriesContext(connection) as queries:
            second = Client().get("/figures/")
    figures = [
        re.findall(r'<section aria-labelledby="month-.*?</section>', r.content.decode(), re.S) for r in (first, second)
    ]
    assert figures[0] and figures[0] == figures[1]
    assert not [q for q in queries.captured_queries if "stats_statfact" in q["sql"]]
    assert "max-age=3600" in second["Cache-Control"]


def test_public_page_refuses_posts(db: None) -> None:
    assert Client().post("/figures/").status_code == 405
