"""Property tests: compute_deadline against an independent brute force over chinesecalendar."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.deadlines.calendar import DayKind, WorkCalendar, compute_deadline, count_working_days_between

CAL = WorkCalendar()
ONE = dt.timedelta(days=1)
# Starts late enough that 40 working days still end inside 2026, the last year the package knows.
starts = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 10, 31))
day_counts = st.integers(min_value=0, max_value=40)


def brute_force_working_due(start: dt.date, n: int) -> dt.date:
    """The n-th working day after start, by walking day by day with the package's own is_workday."""
    d = start
    if n == 0:
        while not chinese_calendar.is_workday(d):
            d += ONE
        return d
    counted = 0
    while counted < n:
        d += ONE
        if chinese_calendar.is_workday(d):
            counted += 1
    return d


@settings(max_examples=300, deadline=None)
@given(start=starts, n=day_counts)
def test_working_deadline_matches_brute_force_over_chinesecalendar_art_23(start, n):
    deadline = compute_deadline(start, n, DayKind.WORKING, CAL)
    assert deadline.due == brute_force_working_due(start, n)
    assert not deadline.estimated
    if n > 0:
        assert count_working_days_between(start, deadline.due, CAL) == n


@settings(max_examples=300, deadline=None)
@given(start=starts, n=day_counts)
def test_calendar_deadline_is_first_working_day_on_or_after_start_plus_days_civil_code_arts_201_203(start, n):
    deadline = compute_deadline(start, n, DayKind.CALENDAR, CAL)
    raw = start + dt.timedelta(days=n)
    assert deadline.due >= raw
    assert chinese_calendar.is_workday(deadline.due)
    d = raw
    while d < deadline.due:  # nothing between the raw last day and the due date is a working day
        assert not chinese_calendar.is_workday(d)
        d += ONE


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2099, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
    kind=st.sampled_from(list(DayKind)),
)
def test_deadlines_in_unknown_years_land_on_working_days_and_are_marked_estimated(start, n, kind):
    deadline = compute_deadline(start, n, kind, CAL)
    assert CAL.is_workday(deadline.due)
    assert deadline.due >= start
    assert deadline.estimated
