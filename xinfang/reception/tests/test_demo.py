"""The demo month: held and missed days, bookings (attended, not come, cancelled), a group visit, a visit down."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions
from xinfang.reception.demo import build_demo_reception
from xinfang.reception.models import Booking, BookingStatus, ReceptionSession, SessionStatus, Visit
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def test_demo_builds_a_realistic_month_and_is_idempotent() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        tree = build_demo_tree()
        create_demo_staff(tree)
        build_demo_petitions(tree, count=40)
        counts = build_demo_reception(TODAY)
        again = build_demo_reception(TODAY)
    assert counts == again
    assert counts["sessions_held"] >= 2 and counts["sessions_missed"] == 1
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert {BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED, BookingStatus.BOOKED} <= statuses
    assert Visit.objects.filter(head_count__gt=1).exists()  # a group visit
    moved = ReceptionSession.objects.exclude(moved_reason="")
    assert moved.exists() and all(s.date != s.nominal_date for s in moved)
    assert ReceptionSession.objects.filter(status=SessionStatus.PLANNED, published=True, date__gte=TODAY).exists()
    assert Assignment.objects.filter(source=AssignmentSource.FIELD_VISIT).count() == 2
    assert Assignment.objects.filter(source=AssignmentSource.RECEPTION).exists()
