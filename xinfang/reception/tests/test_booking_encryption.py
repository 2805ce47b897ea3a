"""Issue 9, Build 4: the booking phone is personal data, encrypted at rest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction

from xinfang.reception import services
from xinfang.reception.models import Booking, ReceptionSession
from xinfang.reception.tests.helpers import Desk, monthly

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def session(desk: Desk) -> ReceptionSession:
    schedule = monthly(desk, 15)
    (made,) = services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    return made


def test_booking_phone_column_holds_a_token_and_the_model_the_number(session: ReceptionSession) -> None:
    data = services.BookingData(slot_start=dt.time(9, 0), name="王五", phone="13900001111", summary="小区停车位被占用")
    with time_machine.travel(BEFORE, tick=False), transaction.atomic():
        booking, _code = services.booking_create(session=session, data=data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM reception_booking WHERE id = %s", [booking.pk])
        row = cursor.fetchone()
    assert row is not None and row[0] and "13900001111" not in row[0]
    assert Booking.objects.get(pk=booking.pk).phone == "13900001111"
