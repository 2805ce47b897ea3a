"""Reception days: generation from the rule, non-working days, frequency compliance per level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import Personas, Tree
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.reception import selectors, services
from xinfang.reception.models import (
    ReceptionSchedule,
    ReceptionSession,
    ReceptionSite,
    Recurrence,
    SessionStatus,
    ShiftPolicy,
)
from xinfang.reception.tests.helpers import Desk, monthly

pytestmark = pytest.mark.django_db

YEAR_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_session_on_a_holiday_moves_to_the_next_working_day(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    services.sessions_generate(schedule=schedule, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    session = ReceptionSession.objects.get(schedule=schedule)
    # 2026-02-15 to 02-23 is the 春节 holiday; the 24th is the first working day after it.
    assert session.nominal_date == dt.date(2026, 2, 15)
    assert session.date == dt.date(2026, 2, 24)
    assert "春节" in session.moved_reason
    assert "2026-02-15" in session.moved_reason


def test_session_on_a_weekend_moves_to_the_next_working_day(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    services.sessions_generate(schedule=schedule, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    session = ReceptionSession.objects.get(schedule=schedule)
    assert (session.nominal_date, session.date) == (dt.date(2026, 3, 15), dt.date(2026, 3, 16))  # a Sunday


def test_session_on_a_working_day_stays(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    session = ReceptionSession.objects.get(schedule=schedule)
    assert session.date == dt.date(2026, 4, 15)
    assert session.moved_reason == ""


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (ShiftPolicy.PREVIOUS_WORKDAY, [dt.date(2026, 2, 14)]),  # a 调休 Saturday that is a working day
        (ShiftPolicy.KEEP, [dt.date(2026, 2, 15)]),
        (ShiftPolicy.SKIP, []),
    ],
)
def test_non_working_day_policy_is_configurable(desk: Desk, policy: str, expected: list[dt.date]) -> None:
    schedule = monthly(desk, 15, shift_policy=policy)
    services.sessions_generate(schedule=schedule, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    assert list(ReceptionSession.objects.filter(schedule=schedule).values_list("date", flat=True)) == expected


def test_default_policy_comes_from_settings(desk: Desk) -> None:
    with override_settings(XINFANG_RECEPTION_SHIFT_POLICY="skip"):
        schedule = monthly(desk, 15)
    assert schedule.shift_policy == ShiftPolicy.SKIP


def test_generating_sessions_is_idempotent(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    first = services.sessions_generate(schedule=schedule, start=YEAR_2026[0], end=YEAR_2026[1])
    again = services.sessions_generate(schedule=schedule, start=YEAR_2026[0], end=YEAR_2026[1])
    assert len(first) == 12
    assert again == []
    assert ReceptionSession.objects.filter(schedule=schedule).count() == 12


def test_weekly_and_one_off_rules(desk: Desk) -> None:
    weekly = monthly(desk, recurrence=Recurrence.WEEKLY, weekday=2, day_of_month=None)
    services.sessions_generate(schedule=weekly, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    dates = list(ReceptionSession.objects.filter(schedule=weekly).values_list("date", flat=True))
    assert dates == [dt.date(2026, 4, d) for d in (1, 8, 15, 22, 29)]  # Wednesdays
    one_off = monthly(
        desk, recurrence=Recurrence.DATES, day_of_month=None, dates=[dt.date(2026, 5, 9)], topic="征地拆迁专题接访"
    )
    made = services.sessions_generate(schedule=one_off, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    assert [(s.date, s.topic) for s in made] == [(dt.date(2026, 5, 9), "征地拆迁专题接访")]


def test_the_31st_falls_on_a_short_months_last_day(desk: Desk) -> None:
    schedule = monthly(desk, 31, shift_policy=ShiftPolicy.KEEP)
    services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    assert ReceptionSession.objects.get(schedule=schedule).date == dt.date(2026, 4, 30)


def test_schedule_needs_a_leader(desk: Desk, personas: Personas) -> None:
    with pytest.raises(InvalidInput) as err:
        monthly(desk, 15, leader=personas.handler_b)
    assert err.value.field == "leader"


def test_schedule_is_kept_by_the_leaders_unit_or_above(desk: Desk, personas: Personas) -> None:
    data = services.ScheduleData(
        leader=desk.county_leader,
        site=desk.site,
        recurrence=Recurrence.MONTHLY,
        day_of_month=15,
        start_time=dt.time(9),
        end_time=dt.time(11),
        valid_from=dt.date(2026, 1, 1),
    )
    with pytest.raises(NotPermitted):
        services.schedule_create(actor=personas.outsider, data=data)
    assert services.schedule_create(actor=personas.supervisor, data=data).unit == desk.county_leader.unit


def test_a_schedule_is_held_at_a_site_of_the_desks_scope(desk: Desk, tree: Tree) -> None:
    """The service applies the rule the form's site list shows: a site of another district (A2区) is refused on
    the ``site`` field, so an API client cannot place a leader's reception day at a hall nobody here keeps."""
    elsewhere = ReceptionSite.objects.create(
        unit=tree.county2_housing, unit_path=tree.county2_housing.path, name="A2区住建局接待室", address="A2区"
    )
    with pytest.raises(InvalidInput) as err:
        monthly(desk, 15, site=elsewhere)
    assert err.value.field == "site"
    assert not ReceptionSchedule.objects.exists()


def _hold_all_but(schedule_sessions: list[ReceptionSession], missed: set[int], actor: object) -> None:
    for s in schedule_sessions:
        status = SessionStatus.MISSED if s.nominal_date.month in missed else SessionStatus.HELD
        ReceptionSession.objects.filter(pk=s.pk).update(status=status)


def test_compliance_across_a_calendar_year_with_holidays(desk: Desk, tree: Tree, personas: Personas) -> None:
    """A county leader (once a month) on the 15th: February's day moves out of 春节 and still counts; one missed
    month (June) is non-compliant for that month only. A city leader (once a quarter) missing Q3 fails Q3 only."""
    county = monthly(desk, 15)
    sessions = services.sessions_generate(schedule=county, start=YEAR_2026[0], end=YEAR_2026[1])
    _hold_all_but(sessions, {6}, desk.desk)
    city_data = services.ScheduleData(
        leader=desk.city_leader,
        site=desk.site,
        recurrence=Recurrence.DATES,
        dates=[dt.date(2026, 2, 24), dt.date(2026, 5, 20), dt.date(2026, 8, 20), dt.date(2026, 11, 20)],
        start_time=dt.time(9),
        end_time=dt.time(11),
        valid_from=dt.date(2026, 1, 1),
    )
    city = services.schedule_create(actor=personas.supervisor, data=city_data)
    city_sessions = services.sessions_generate(schedule=city, start=YEAR_2026[0], end=YEAR_2026[1])
    _hold_all_but(city_sessions, {8}, personas.supervisor)

    report = {
        c.leader.pk: c for c in selectors.compliance([desk.county_leader, desk.city_leader], 2026, dt.date(2027, 1, 10))
    }
    county_report = report[desk.county_leader.pk]
    assert county_report.period == "month"
    by_label = {p.label: p for p in county_report.periods}
    assert by_label["2026-02"].days_held == 1 and by_label["2026-02"].compliant  # held on 02-24
    assert by_label["2026-06"].status == "non_compliant"
    assert [p.label for p in county_report.periods if not p.compliant] == ["2026-06"]
    assert not county_report.compliant
    assert county_report.missed_periods == 1

    city_report = report[desk.city_leader.pk]
    assert city_report.period == "quarter"
    assert [(p.label, p.status) for p in city_report.periods] == [
        ("2026-Q1", "compliant"),
        ("2026-Q2", "compliant"),
        ("2026-Q3", "non_compliant"),
        ("2026-Q4", "compliant"),
    ]


def test_compliance_periods_not_over_are_pending(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    services.sessions_generate(schedule=schedule, start=YEAR_2026[0], end=YEAR_2026[1])
    report = selectors.compliance([desk.county_leader], 2026, dt.date(2026, 3, 10))[0]
    statuses = {p.label: p.status for p in report.periods}
    assert statuses["2026-01"] == "non_compliant"  # nothing was marked held
    assert statuses["2026-03"] == "pending"
    assert statuses["2026-12"] == "pending"


def test_frequency_rules_are_configuration(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    sessions = services.sessions_generate(schedule=schedule, start=YEAR_2026[0], end=YEAR_2026[1])
    _hold_all_but(sessions, {2, 3}, desk.desk)  # no day in Q1 after January
    with override_settings(XINFANG_RECEPTION_FREQUENCY={"county": {"period": "quarter", "days": 2}}):
        report = selectors.compliance([desk.county_leader], 2026, dt.date(2027, 1, 1))[0]
    assert report.period == "quarter"
    assert [p.status for p in report.periods] == ["non_compliant", "compliant", "compliant", "compliant"]


def test_a_field_visit_day_counts_towards_frequency(desk: Desk) -> None:
    visit = services.field_visit_create(
        actor=desk.county_leader,
        leader=desk.county_leader,
        on=dt.date(2026, 6, 10),
        place="A1区某村",
        purpose="带案下访",
    )
    from xinfang.reception.models import FieldVisit, FieldVisitStatus

    FieldVisit.objects.filter(pk=visit.pk).update(status=FieldVisitStatus.DONE)
    report = selectors.compliance([desk.county_leader], 2026, dt.date(2027, 1, 1))[0]
    assert {p.label for p in report.periods if p.compliant} == {"2026-06"}
    with override_settings(XINFANG_RECEPTION_COUNT_FIELD_VISITS=False):
        report = selectors.compliance([desk.county_leader], 2026, dt.date(2027, 1, 1))[0]
    assert not any(p.compliant for p in report.periods)


def test_township_weeks_cover_the_year() -> None:
    weeks = selectors.periods_of(2026, "week")
    assert weeks[0][0] == dt.date(2026, 1, 1) and weeks[-1][1] == dt.date(2026, 12, 31)
    assert sum((e - s).days + 1 for s, e, _ in weeks) == 365


def test_periods_before_the_first_schedule_are_not_tracked(desk: Desk) -> None:
    schedule = monthly(desk, 15, valid_from=dt.date(2026, 10, 1))
    sessions = services.sessions_generate(schedule=schedule, start=YEAR_2026[0], end=YEAR_2026[1])
    _hold_all_but(sessions, {11}, desk.desk)
    report = selectors.compliance([desk.county_leader], 2026, dt.date(2027, 1, 1))[0]
    statuses = {p.label: p.status for p in report.periods}
    assert statuses["2026-09"] == "not_tracked"
    assert (statuses["2026-10"], statuses["2026-11"], statuses["2026-12"]) == (
        "compliant",
        "non_compliant",
        "compliant",
    )
    assert report.missed_periods == 1


def test_generated_sessions_come_with_leader_unit_and_site(desk: Desk) -> None:
    """The API renders leader, unit and site of every generated session: no query per session (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(desk.desk)
    counts = []
    # The first call also loads the work calendar (cached after): a warm-up, then 3 sessions, then 12.
    for day, end in ((5, "2026-01-31"), (10, "2026-03-31"), (20, "2026-12-31")):
        schedule = monthly(desk, day)
        with CaptureQueriesContext(connection) as queries:
            response = api.post(
                f"/api/v1/reception/schedules/{schedule.pk}/generate/", {"start": "2026-01-01", "end": end}
            )
        assert response.status_code == 201
        counts.append((len(response.json()), len(queries)))
    assert [n for n, _ in counts] == [1, 3, 12]
    assert counts[1][1] == counts[2][1]


def test_schedules_page_names_the_weekday(desk: Desk) -> None:
    from django.test import Client

    monthly(desk, recurrence=Recurrence.WEEKLY, weekday=2, day_of_month=None)
    client = Client()
    client.force_login(desk.desk)
    html = client.get("/workbench/reception/schedules/").content.decode()
    table = html.split('id="sched-h"')[1].split('id="new-sched-h"')[0]  # the list, not the form's weekday menu
    assert "星期三" in table or "Wednesday" in table
