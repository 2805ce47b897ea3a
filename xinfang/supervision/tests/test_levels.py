"""Warning levels at their thresholds: 临期 within 3 days (1 for clocks of ≤ 5 days), 超期, 严重超期 after 15 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from xinfang.deadlines.rules import ClockKind, DayKind
from xinfang.deadlines.services import deadline_for
from xinfang.petitions.models import Clock, Petition
from xinfang.supervision import selectors
from xinfang.supervision.levels import level_of
from xinfang.supervision.tests.conftest import add_clock

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


def _levels(user: Any, today: dt.date) -> dict[int, str]:
    return {c.pk: c.level for c in selectors.warning_clocks(user, today)}  # type: ignore[attr-defined]


def _fresh(handling: Any) -> Any:
    petition = handling()
    Clock.objects.filter(petition=petition).delete()  # only the clocks each test makes
    return petition


@pytest.mark.parametrize(
    ("days_from_today", "expected"),
    [
        (4, ""),
        (3, "due_soon"),
        (0, "due_soon"),
        (-1, "overdue"),
        (-15, "overdue"),
        (-16, "severe"),
    ],
)
def test_levels_of_a_60_day_clock_at_the_default_thresholds(
    personas: Any, handling: Any, days_from_today: int, expected: str
) -> None:
    petition = _fresh(handling)
    clock = add_clock(petition, personas.handler_b.unit, due=TODAY + dt.timedelta(days=days_from_today))
    assert _levels(personas.handler_b, TODAY).get(clock.pk, "") == expected
    assert level_of(clock.kind, clock.days, clock.due, TODAY) == expected  # the SQL CASE and Python agree


def test_working_day_clock_across_national_day_is_due_soon_only_the_day_before(personas: Any, handling: Any) -> None:
    """5 working days from 28 Sep 2026 skip the National Day holiday (1–7 Oct) and end on the 调休 Saturday."""
    petition = _fresh(handling)
    due = deadline_for(start=dt.date(2026, 9, 28), days=5, kind=DayKind.WORKING).due
    assert due == dt.date(2026, 10, 10)
    clock = add_clock(
        petition, personas.handler_b.unit, kind=ClockKind.HANDLE_SIMPLE, start=dt.date(2026, 9, 28), days=5, due=due
    )
    expected = {
        dt.date(2026, 9, 30): "",  # 10 calendar days before: the holiday is not "due soon"
        dt.date(2026, 10, 8): "",  # two days before: a short clock is 临期 only the last day
        dt.date(2026, 10, 9): "due_soon",
        dt.date(2026, 10, 10): "due_soon",
        dt.date(2026, 10, 11): "overdue",
        dt.date(2026, 10, 25): "overdue",
        dt.date(2026, 10, 26): "severe",
    }
    seen = {day: _levels(personas.handler_b, day).get(clock.pk, "") for day in expected}
    assert seen == expected


@override_settings(XINFANG_WARNING_LEVELS={"kinds": {"handle": {"due_soon_days": 7, "severe_days": 30}}})
def test_per_kind_thresholds_come_from_settings(personas: Any, handling: Any) -> None:
    petition = _fresh(handling)
    unit = personas.handler_b.unit
    handle_soon = add_clock(petition, unit, due=TODAY + dt.timedelta(days=7))
    handle_late = add_clock(petition, unit, due=TODAY - dt.timedelta(days=20))
    review_soon = add_clock(petition, unit, kind=ClockKind.REVIEW, due=TODAY + dt.timedelta(days=7))
    review_late = add_clock(petition, unit, kind=ClockKind.REVIEW, due=TODAY - dt.timedelta(days=20))
    assert _levels(personas.handler_b, TODAY) == {
        handle_soon.pk: "due_soon",
        handle_late.pk: "overdue",  # 30 days for handling clocks here
        review_late.pk: "severe",  # the defaults for the other kinds
    }
    assert review_soon.pk not in _levels(personas.handler_b, TODAY)


def test_stopped_paused_and_window_clocks_have_no_level(personas: Any, handling: Any) -> None:
    petition = _fresh(handling)
    unit = personas.handler_b.unit
    late = TODAY - dt.timedelta(days=30)
    add_clock(petition, unit, due=late, stopped_on=late)
    paused = add_clock(petition, unit, due=late)
    Clock.objects.filter(pk=paused.pk).update(paused_since=late)
    add_clock(petition, unit, kind=ClockKind.REVIEW_WINDOW, due=late, obligation=False)
    assert _levels(personas.handler_b, TODAY) == {}


def test_level_counts_follow_the_scope_of_the_user(personas: Any, handling: Any) -> None:
    petition = _fresh(handling)
    add_clock(petition, personas.handler_b.unit, due=TODAY - dt.timedelta(days=20))
    add_clock(petition, personas.handler_b.unit, due=TODAY)
    assert selectors.level_counts(personas.handler_b, TODAY) == {"due_soon": 1, "overdue": 0, "severe": 1}
    # The city 信访局's supervisor oversees the area; the outsider unit sees none of it.
    assert selectors.level_counts(personas.supervisor, TODAY)["severe"] == 1
    assert selectors.level_counts(personas.outsider, TODAY) == {"due_soon": 0, "overdue": 0, "severe": 0}


def test_a_petition_shows_its_worst_level_in_the_inbox(client: Any, personas: Any, handling: Any) -> None:
    petition = _fresh(handling)
    add_clock(petition, personas.handler_b.unit, due=TODAY + dt.timedelta(days=2))
    add_clock(petition, personas.handler_b.unit, due=TODAY - dt.timedelta(days=16))
    assert selectors.petition_levels([petition.pk], TODAY) == {petition.pk: "severe"}
    annotated = selectors.annotate_petition_level(Petition.objects.filter(pk=petition.pk), TODAY)
    assert [p.warning_rank for p in annotated] == [3]  # type: ignore[attr-defined]
    client.force_login(personas.handler_b)
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False):
        html = client.get("/workbench/", {"tab": "overdue"}).content.decode()
    assert "level-severe" in html and petition.number in html
