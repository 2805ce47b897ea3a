"""The periodic jobs: weekly, thin wrappers around the services."""

from __future__ import annotations

import pytest

from xinfang.casework import tasks
from xinfang.casework.models import BacklogCase, WeeklySchedule
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, petition_received

pytestmark = pytest.mark.django_db


def test_both_jobs_are_scheduled_weekly_on_monday():
    assert set(tasks.SCHEDULE) == {"casework.backlog_scan", "casework.weekly_schedule"}
    for entry in tasks.SCHEDULE.values():
        assert entry["schedule"].day_of_week == {1}  # Monday
        assert entry["task"].startswith("xinfang.casework.tasks.")


def test_the_tasks_run_the_services(personas, leader, settings):
    settings.XINFANG_BACKLOG_RULES = {}
    petition_received(personas, 200)
    case_in_charge(personas, petition_received(personas, 10), leader)
    with on(TODAY):
        assert tasks.scan_backlog.delay().get()["created"] == 1
        assert tasks.send_weekly_schedules.delay().get() == {"schedules": 1, "sent": 1}
    assert BacklogCase.objects.count() == 2 and WeeklySchedule.objects.count() == 1
