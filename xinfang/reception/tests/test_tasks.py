"""The periodic jobs are thin wrappers over the services, declared in SCHEDULE."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xinfang.notify.models import Notification
from xinfang.reception import services, tasks
from xinfang.reception.models import ReceptionSession
from xinfang.reception.tests.helpers import Desk, monthly

pytestmark = pytest.mark.django_db


def test_schedule_declares_the_reminder_and_generation_jobs() -> None:
    assert {entry["task"] for entry in tasks.SCHEDULE.values()} == {
        tasks.send_reminders.name,
        tasks.generate_sessions.name,
    }


def test_reminder_task_reminds_tomorrows_bookings(desk: Desk) -> None:
    schedule = monthly(desk, 15)
    (session,) = services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    with time_machine.travel(dt.datetime(2026, 4, 14, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        services.booking_create(
            session=session,
            data=services.BookingData(slot_start=dt.time(9), name="王五", phone="13900001111", summary="停车"),
        )
        assert tasks.send_reminders() == 1
    # The address is encrypted at rest (no SQL equality on it): compare the decrypted values.
    assert [n.address for n in Notification.objects.filter(kind="reception.booking_reminder")] == ["13900001111"]


def test_generation_task_creates_the_coming_quarter_once(desk: Desk) -> None:
    monthly(desk, 15)
    with time_machine.travel(dt.datetime(2026, 4, 1, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        first = tasks.generate_sessions()
        again = tasks.generate_sessions()
    assert (first, again) == (3, 0)  # April, May, June (92 days ahead reaches 2026-07-02)
    assert ReceptionSession.objects.count() == 3
