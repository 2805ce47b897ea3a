"""The monthly bulletin equals counts computed independently, here, from the clocks, orders and ratings we made."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import openpyxl
import pytest
import time_machine

from xinfang.deadlines.rules import ClockKind
from xinfang.petitions.models import Clock, Rating, RatingTarget, Satisfaction
from xinfang.petitions.workflow import State
from xinfang.supervision import services
from xinfang.supervision.bulletin import bulletin_generate, bulletins_generate_monthly
from xinfang.supervision.exports import bulletin_docx, bulletin_xlsx
from xinfang.supervision.models import Bulletin
from xinfang.supervision.tests.conftest import add_clock

pytestmark = pytest.mark.django_db

D = dt.date
OCT_START, OCT_END = D(2026, 10, 1), D(2026, 10, 31)
N, H, HS, R, W = ClockKind.NOTICE, ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE, ClockKind.REVIEW, ClockKind.REVIEW_WINDOW

# (unit key, kind, due, stopped_on)
CLOCKS: list[tuple[str, ClockKind, dt.date, dt.date | None]] = [
    ("b", N, D(2026, 10, 5), D(2026, 10, 3)),
    ("b", N, D(2026, 10, 10), D(2026, 10, 10)),
    ("b", N, D(2026, 10, 12), D(2026, 10, 15)),
    ("b", N, D(2026, 9, 28), D(2026, 9, 27)),  # ended in September
    ("b", N, D(2026, 11, 5), D(2026, 11, 2)),  # ended in November
    ("b", H, D(2026, 10, 20), D(2026, 10, 19)),
    ("b", HS, D(2026, 10, 8), D(2026, 10, 9)),
    ("b", H, D(2026, 9, 15), None),  # overdue since September
    ("b", H, D(2026, 9, 30), None),  # overdue from 1 October
    ("b", H, D(2026, 10, 31), None),  # overdue only from 1 November
    ("b", R, D(2026, 10, 15), D(2026, 11, 3)),
    ("b", R, D(2026, 10, 20), D(2026, 10, 25)),
    ("b", W, D(2026, 10, 10), None),  # a window, not an obligation
    ("env", N, D(2026, 10, 10), D(2026, 10, 1)),
    ("env", H, D(2026, 10, 29), D(2026, 10, 29)),
    ("a2", H, D(2026, 10, 2), None),
    ("prov", N, D(2026, 10, 10), D(2026, 10, 11)),  # outside the city's scope
]
OBLIGATIONS = {N, H, HS, R}

# (unit key, value, created_at in UTC): Shanghai is UTC+8.
RATINGS = [
    ("b", Satisfaction.SATISFIED, dt.datetime(2026, 10, 3, 2, 0, tzinfo=dt.UTC)),
    ("b", Satisfaction.BASICALLY, dt.datetime(2026, 10, 12, 2, 0, tzinfo=dt.UTC)),
    ("b", Satisfaction.DISSATISFIED, dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)),
    ("b", Satisfaction.SATISFIED, dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC)),  # 31 Oct 23:30 local
    ("b", Satisfaction.DISSATISFIED, dt.datetime(2026, 9, 30, 15, 30, tzinfo=dt.UTC)),  # 30 Sep 23:30 local
    ("b", Satisfaction.DISSATISFIED, dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)),  # 1 Nov 00:30 local
    ("env", Satisfaction.SATISFIED, dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.UTC)),
]


def expected_for(unit: str) -> dict[str, int]:
    """The definitions, applied in plain Python to the lists above."""
    mine = [c for c in CLOCKS if c[0] == unit]
    ended = [c for c in mine if c[3] is not None and OCT_START <= c[3] <= OCT_END]
    notices = [c for c in ended if c[1] == N]
    closings = [c for c in ended if c[1] in (H, HS)]
    obligations = [c for c in mine if c[1] in OBLIGATIONS]
    overdue_end = [c for c in obligations if c[2] <= OCT_END and (c[3] is None or c[3] > OCT_END)]
    became = [
        c for c in obligations if OCT_START <= c[2] + dt.timedelta(days=1) <= OCT_END and (c[3] is None or c[3] > c[2])
    ]
    local = [r for r in RATINGS if r[0] == unit and (r[2] + dt.timedelta(hours=8)).date().month == 10]
    return {
        "notice_total": len(notices),
        "notice_on_time": sum(1 for c in notices if c[3] is not None and c[3] <= c[2]),
        "closing_total": len(closings),
        "closing_on_time": sum(1 for c in closings if c[3] is not None and c[3] <= c[2]),
        "overdue_end": len(overdue_end),
        "became_overdue": len(became),
        "ratings": len(local),
        "satisfied": sum(1 for r in local if r[1] != Satisfaction.DISSATISFIED),
    }


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def world(personas: Any, tree: Any, handling: Any) -> dict[str, Any]:
    units = {"b": tree.housing, "env": tree.environment, "a2": tree.county2_housing, "prov": tree.province_dept}
    with _at(D(2026, 9, 20)):
        petition = handling()
        Clock.objects.all().delete()
    for key, kind, due, stopped in CLOCKS:
        add_clock(petition, units[key], kind=kind, due=due, stopped_on=stopped, obligation=kind in OBLIGATIONS)
    stages = list(State)
    for i, (key, value, at) in enumerate(RATINGS):
        with time_machine.travel(at, tick=False):
            Rating.objects.create(
                petition=petition, target=RatingTarget.RESPONSIBLE_UNIT, unit=units[key], value=value, stage=stages[i]
            )

    def order(issued: dt.date, due: dt.date, replied: dt.date | None) -> None:
        with _at(issued):
            o = services.order_issue(
                actor=personas.supervisor,
                data=services.OrderData(target_unit=tree.housing, matter="督办", reply_due=due),
            )
        if replied:
            with _at(replied):
                services.order_reply(actor=personas.handler_b, order=o, text="已办理")

    order(D(2026, 10, 9), D(2026, 10, 23), D(2026, 10, 22))  # issued in October, replied on time
    order(D(2026, 10, 20), D(2026, 11, 3), None)  # issued in October, due in November
    order(D(2026, 9, 25), D(2026, 10, 10), D(2026, 10, 12))  # due in October, replied late
    return units


def _rows(bulletin: Bulletin) -> dict[int, dict[str, Any]]:
    return {row["unit_id"]: row for row in bulletin.data["rows"]}


def test_bulletin_figures_equal_independent_counts(personas: Any, world: dict[str, Any]) -> None:
    with _at(D(2026, 11, 2)):
        bulletin = bulletin_generate(unit=personas.supervisor.unit, month=D(2026, 10, 1), actor=personas.supervisor)
    rows = _rows(bulletin)
    assert set(rows) == {world["b"].pk, world["env"].pk, world["a2"].pk}  # not the province's own 信访局
    for key in ("b", "env", "a2"):
        row = rows[world[key].pk]
        expected = expected_for(key)
        assert {k: row[k] for k in expected} == expected, key
    b = rows[world["b"].pk]
    # The same figures written out, as read off the lists by hand.
    assert (b["notice_total"], b["notice_on_time"], b["closing_total"], b["closing_on_time"]) == (3, 2, 2, 1)
    assert (b["overdue_end"], b["became_overdue"]) == (4, 5)
    assert (b["orders_issued"], b["orders_due"], b["orders_on_time"]) == (2, 2, 1)
    assert (b["ratings"], b["satisfied"]) == (4, 3)
    assert b["notice_rate"] == round(2 / 3, 4) and b["satisfaction_rate"] == 0.75
    # Ranking: the mean of the rates present; a unit without any rate comes last.
    assert b["score"] == round((2 / 3 + 1 / 2 + 1 / 2 + 3 / 4) / 4, 4)
    assert [r["unit_id"] for r in bulletin.data["rows"]] == [world["env"].pk, world["b"].pk, world["a2"].pk]
    assert [r["rank"] for r in bulletin.data["rows"]] == [1, 2, 3]
    assert bulletin.data["totals"]["notice_total"] == 4 and bulletin.data["month"] == "2026-10"
    assert bulletin.created_by == personas.supervisor


def test_monthly_job_makes_each_departments_bulletin_from_one_pass(
    personas: Any, world: dict[str, Any], tree: Any
) -> None:
    with _at(D(2026, 11, 1)):
        made = bulletins_generate_monthly()
        assert bulletins_generate_monthly() == 0  # already made
    assert made == 2  # A市信访局 and A1区信访局 (city and county petition departments)
    city = Bulletin.objects.get(unit=tree.city_dept, month=D(2026, 10, 1))
    county = Bulletin.objects.get(unit=tree.county_dept, month=D(2026, 10, 1))
    with _at(D(2026, 11, 1)):
        direct = bulletin_generate(unit=tree.city_dept, month=D(2026, 10, 1))
    assert city.data["rows"] == direct.data["rows"]
    assert {r["unit_id"] for r in county.data["rows"]} == {world["b"].pk, world["env"].pk}  # A1区 only


def test_exports_open_and_contain_the_figures(personas: Any, world: dict[str, Any]) -> None:
    with _at(D(2026, 11, 2)):
        bulletin = bulletin_generate(unit=personas.supervisor.unit, month=D(2026, 10, 1))
    b = _rows(bulletin)[world["b"].pk]
    document = docx.Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert bulletin.data["title"] in text
    table = document.tables[0]
    row_b = next(r for r in table.rows if r.cells[1].text == world["b"].name)
    cells = [c.text for c in row_b.cells]
    assert cells[0] == str(b["rank"]) and cells[2:4] == ["3", "2"] and cells[4] == "66.7%"
    assert cells[8:10] == ["4", "5"] and cells[14] == "75.0%"

    book = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))
    sheet = book.active
    assert sheet is not None and sheet["A1"].value == bulletin.data["title"]
    values = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    xb = values[world["b"].name]
    assert xb[2:4] == (3, 2) and xb[4] == pytest.approx(2 / 3, abs=1e-4) and xb[8:10] == (4, 5)
