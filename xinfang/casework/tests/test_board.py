"""The backlog board: ageing buckets, counts by level and unit, 化解率 — aggregated in SQL for the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.casework import selectors, services
from xinfang.casework.models import BacklogCase, CaseStatus, QuietStatus, Resolution
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, open_case, petition_received

pytestmark = pytest.mark.django_db


def _aged(case: BacklogCase, first_received: dt.date) -> None:
    BacklogCase.objects.filter(pk=case.pk).update(first_received_on=first_received)


def test_board_ageing_buckets_count_correctly(personas):
    # TODAY = 2026-06-15; the limits are 2025-12-15 (6 months), 2025-06-15 (1 year), 2024-06-15 (2 years).
    dates = {
        "lt6m": [dt.date(2026, 6, 1), dt.date(2025, 12, 16)],
        "6to12m": [dt.date(2025, 12, 15), dt.date(2025, 6, 16)],
        "1to2y": [dt.date(2025, 6, 15), dt.date(2024, 6, 16), dt.date(2025, 1, 1)],
        "gt2y": [dt.date(2024, 6, 15)],
    }
    for day in [d for ds in dates.values() for d in ds]:
        _aged(open_case(personas, petition_received(personas, 10)), day)
    # A dismissed case is not counted in the ageing of open cases.
    dismissed = open_case(personas, petition_received(personas, 10))
    _aged(dismissed, dt.date(2020, 1, 1))
    with on(TODAY):
        services.case_dismiss(actor=personas.supervisor, case=dismissed, reason="不属积案")
        board = selectors.board(personas.supervisor)
    assert board.ageing == {"lt6m": 2, "6to12m": 2, "1to2y": 3, "gt2y": 1}
    assert board.by_status[CaseStatus.OPEN] == 8 and board.by_status[CaseStatus.DISMISSED] == 1
    [county] = board.by_level
    assert (county["level"], county["active"], county["age_1to2y"], county["total"]) == ("county", 8, 3, 9)
    [unit] = board.by_unit
    assert unit["unit__name"] == personas.handler_b.unit.name


def test_the_age_filter_lists_one_bucket(personas):
    old = open_case(personas, petition_received(personas, 10))
    _aged(old, dt.date(2023, 1, 1))
    open_case(personas, petition_received(personas, 10))
    f = selectors.BoardFilters(age="gt2y")
    found = selectors.filter_cases(selectors.cases_visible_to(personas.supervisor), f, TODAY)
    assert list(found) == [old]


def test_resolution_rate_is_resolved_over_cases_in_the_period(personas, leader):
    cases = [case_in_charge(personas, petition_received(personas, 200), leader) for _ in range(4)]
    outcomes = [Resolution.RESOLVED, Resolution.RESOLVED, Resolution.PARTLY]
    with on(TODAY + dt.timedelta(days=5)):
        for case, outcome in zip(cases, outcomes, strict=False):
            services.case_close(
                actor=leader, case=case, outcome=outcome, text="办结", on=TODAY, quiet=QuietStatus.NOT_QUIET
            )
        board = selectors.board(personas.supervisor)
    assert (board.period_cases, board.period_resolved, board.resolution_rate) == (4, 2, 0.5)
    # A period that ended before the cases were closed: still counted, none resolved in it.
    f = selectors.BoardFilters(period_start=dt.date(2026, 1, 1), period_end=TODAY)
    with on(TODAY + dt.timedelta(days=5)):
        early = selectors.board(personas.supervisor, f)
    assert (early.period_cases, early.period_resolved, early.resolution_rate) == (4, 0, 0.0)


def test_board_counts_only_the_users_scope(personas):
    open_case(personas, petition_received(personas, 10))
    with on(TODAY):
        assert selectors.board(personas.supervisor).total == 1
        assert selectors.board(personas.outsider).total == 0
