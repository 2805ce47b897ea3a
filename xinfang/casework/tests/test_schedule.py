"""每周调度: the weekly key-case schedule of each leader with open 包案 cases."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.casework import services
from xinfang.casework.models import WeeklySchedule
from xinfang.casework.schedule import weekly_schedules_build
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, petition_received
from xinfang.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_weekly_schedule_lists_overdue_milestones(personas, leader, far_leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    other = case_in_charge(personas, petition_received(personas, 300), far_leader)
    unit = personas.handler_b.unit
    with on(TODAY):
        late = services.milestone_add(actor=leader, case=case, what="完成房屋安全鉴定", due=TODAY, unit=unit)
        done = services.milestone_add(actor=leader, case=case, what="入户走访", due=TODAY, unit=unit)
        services.milestone_complete(actor=personas.handler_b, milestone=done, result="已走访")
        services.milestone_add(actor=leader, case=case, what="召开听证会", due=TODAY + dt.timedelta(days=20), unit=unit)
    later = TODAY + dt.timedelta(days=9)  # Wednesday of the next week
    with on(later):
        result = weekly_schedules_build()
    assert result == {"schedules": 2, "sent": 2}
    schedule = WeeklySchedule.objects.get(leader=leader)
    assert schedule.week_start == dt.date(2026, 6, 22)
    [row] = schedule.data["cases"]
    assert row["number"] == case.petition.number
    assert row["overdue_milestones"] == [
        {"id": late.pk, "what": "完成房屋安全鉴定", "due": "2026-06-15", "unit": unit.name, "days_overdue": 9}
    ]
    assert row["next_milestone"] == {"what": "完成房屋安全鉴定", "due": "2026-06-15"}
    assert row["days_since_progress"] == 9  # the milestone done on TODAY counted as progress
    assert schedule.data["totals"] == {"cases": 1, "overdue_milestones": 1, "without_milestone": 0}
    theirs = WeeklySchedule.objects.get(leader=far_leader)
    assert [c["number"] for c in theirs.data["cases"]] == [other.petition.number]
    assert theirs.data["cases"][0]["overdue_milestones"] == []
    note = Notification.objects.get(recipient=leader, kind="casework.weekly_schedule")
    assert "完成房屋安全鉴定" not in note.subject and case.petition.number in note.body


def test_weekly_schedule_is_sent_once_a_week_and_refreshed(personas, leader):
    case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY):
        assert weekly_schedules_build() == {"schedules": 1, "sent": 1}
    with on(TODAY + dt.timedelta(days=2)):
        assert weekly_schedules_build() == {"schedules": 1, "sent": 0}
    assert WeeklySchedule.objects.filter(leader=leader).count() == 1
    assert Notification.objects.filter(recipient=leader, kind="casework.weekly_schedule").count() == 1
    assert WeeklySchedule.objects.get(leader=leader).data["generated_on"] == "2026-06-17"


def test_no_schedule_for_a_leader_without_open_cases(personas, leader):
    with on(TODAY):
        assert weekly_schedules_build() == {"schedules": 0, "sent": 0}
    assert not WeeklySchedule.objects.exists()
