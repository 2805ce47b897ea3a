"""The citizens' calendar and booking (HTML and API), the staff pages, and the leader's desk partial."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from conftest import Personas, Tree
from xinfang.petitions.tests.helpers import register
from xinfang.reception import selectors, services
from xinfang.reception.models import Booking, BookingStatus, ReceptionSession, SessionStatus
from xinfang.reception.tests.helpers import Desk, monthly

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
BEFORE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ)
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


@pytest.fixture
def published(desk: Desk) -> ReceptionSession:
    schedule = monthly(desk, 15, topic="物业纠纷专题接访")
    (session,) = services.sessions_generate(schedule=schedule, start=APRIL[0], end=APRIL[1])
    return session


@pytest.fixture
def unpublished(desk: Desk) -> ReceptionSession:
    schedule = monthly(desk, 20, published=False)
    (session,) = services.sessions_generate(schedule=schedule, start=APRIL[0], end=APRIL[1])
    return session


def test_citizen_calendar_shows_only_published_sessions(
    published: ReceptionSession, unpublished: ReceptionSession
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        html = Client().get("/reception/").content.decode()
        api = APIClient().get("/api/v1/reception/public/sessions/").json()
        detail = APIClient().get(f"/api/v1/reception/public/sessions/{unpublished.pk}/")
    assert f"/reception/sessions/{published.pk}/book/" in html
    assert f"/reception/sessions/{unpublished.pk}/book/" not in html
    assert "林区长" in html and "区长" in html and "A1区信访局接待大厅" in html and "物业纠纷专题接访" in html
    assert [row["id"] for row in api["results"]] == [published.pk]
    assert detail.status_code == 404


def test_citizen_calendar_hides_past_and_cancelled_sessions(published: ReceptionSession, desk: Desk) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 16, 9, 0, tzinfo=TZ), tick=False):
        assert published.pk not in [s.pk for s in selectors.public_sessions(dt.date(2026, 4, 16))]
    with time_machine.travel(BEFORE, tick=False):
        services.session_set_status(actor=desk.desk, session=published, status=SessionStatus.CANCELLED, note="会议")
        assert not selectors.public_sessions(dt.date(2026, 4, 10)).exists()


def test_a_public_booking_api_error_is_a_4xx_with_a_clear_message(published: ReceptionSession) -> None:
    url = f"/api/v1/reception/sessions/{published.pk}/bookings/"
    body = {"slot_start": "09:00", "name": "王五", "phone": "13900001111", "summary": "停车位"}
    client = APIClient()
    with time_machine.travel(BEFORE, tick=False):
        assert client.post(url, body, format="json").status_code == 201
        assert client.post(url, body, format="json").status_code == 201
        full = client.post(url, body, format="json")
        bad_phone = client.post(url, {**body, "phone": "12345"}, format="json")
        not_a_slot = client.post(url, {**body, "slot_start": "09:10"}, format="json")
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, 0, tzinfo=TZ), tick=False):
        past = client.post(url, {**body, "slot_start": "09:30"}, format="json")
    assert full.status_code == 409
    assert full.json()["code"] == "slot_full" and full.json()["field"] == "slot_start"
    assert "2026-04-15 09:00" in full.json()["detail"]
    assert past.status_code == 409 and past.json()["code"] == "slot_past"
    assert bad_phone.status_code == 400 and "phone" in bad_phone.json()
    assert not_a_slot.status_code == 400 and "09:10" in not_a_slot.json()["detail"]


def test_public_booking_is_throttled(published: ReceptionSession, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"/api/v1/reception/sessions/{published.pk}/bookings/"
    body = {"slot_start": "09:00", "name": "王五", "phone": "13900001111", "summary": "停车位"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"public_submit": "1/hour", "public_track": "9/hour"})
    with time_machine.travel(BEFORE, tick=False):
        assert APIClient().post(url, body, format="json").status_code == 201
        refused = APIClient().post(url, body, format="json")
    assert refused.status_code == 429
    assert Booking.objects.count() == 1


def test_booking_on_the_portal_shows_the_code_once_and_it_views_and_cancels(published: ReceptionSession) -> None:
    client = Client()
    with time_machine.travel(BEFORE, tick=False):
        form = client.get(f"/reception/sessions/{published.pk}/book/")
        assert form.status_code == 200 and "09:00" in form.content.decode()
        done = client.post(
            f"/reception/sessions/{published.pk}/book/",
            {"slot_start": "09:30:00", "name": "王五", "phone": "13900001111", "summary": "停车位被占"},
        )
        assert done.status_code == 303
        page = client.get(done["Location"])
        booking = Booking.objects.get()
        code = page.context["code"]
        assert code and code in page.content.decode()
        seen = client.post("/reception/booking/", {"code": code})
        assert seen.status_code == 200 and "A1区信访局接待大厅" in seen.content.decode()
        wrong = client.post("/reception/booking/", {"code": "NOPE"})
        assert wrong.status_code == 400
        cancelled = client.post("/reception/booking/", {"code": code, "action": "cancel"})
    assert cancelled.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_refreshing_the_portal_booking_confirmation_books_once_and_shows_the_code_once(
    published: ReceptionSession,
) -> None:
    """Issue 9: the confirmation is reached by POST → redirect → GET, so a reload repeats only the GET."""
    client = Client()
    data = {"slot_start": "09:30:00", "name": "王五", "phone": "13900001111", "summary": "停车位被占"}
    with time_machine.travel(BEFORE, tick=False):
        done = client.post(f"/reception/sessions/{published.pk}/book/", data)
        first = client.get(done["Location"])
        again = client.get(done["Location"])
        stranger = Client().get(done["Location"])
    booking = Booking.objects.get()  # one booking, however often the confirmation is loaded
    assert done.status_code == 303
    assert done["Location"] == f"/reception/booked/{booking.pk}/"
    code = first.context["code"]
    assert code and booking.code_hash == services.hash_booking_code(code)
    assert code not in done["Location"] and code not in done.content.decode()  # the code never travels in the URL
    for page in (first, again):
        assert page.status_code == 200
        assert "A1区信访局接待大厅" in page.content.decode() and "09:30" in page.content.decode()
    assert 'id="booking-code"' in first.content.decode()
    assert code not in again.content.decode() and 'id="booking-code"' not in again.content.decode()  # once
    assert 'id="booking-code-shown"' in again.content.decode()
    assert stranger.status_code == 404  # only the browser that booked sees the confirmation


def test_portal_booking_of_a_full_slot_is_refused_with_the_reason(published: ReceptionSession) -> None:
    client = Client()
    data = {"slot_start": "09:00:00", "name": "王五", "phone": "13900001111", "summary": "停车位被占"}
    with time_machine.travel(BEFORE, tick=False):
        client.post(f"/reception/sessions/{published.pk}/book/", data)
        client.post(f"/reception/sessions/{published.pk}/book/", data)
        refused = client.post(f"/reception/sessions/{published.pk}/book/", data)
    assert refused.status_code == 400
    assert "2026-04-15 09:00" in refused.content.decode()
    assert Booking.objects.count() == 2


# -- staff pages ---------------------------------------------------------------------------------------------


def test_staff_pages_render_for_the_desk(published: ReceptionSession, desk: Desk, personas: Personas) -> None:
    client = Client()
    client.force_login(desk.desk)
    with time_machine.travel(BEFORE, tick=False):
        for url in (
            "/workbench/reception/",
            "/workbench/reception/?show=past",
            "/workbench/reception/schedules/",
            f"/workbench/reception/sessions/{published.pk}/",
            "/workbench/reception/invitations/",
            "/workbench/reception/field-visits/",
            "/workbench/reception/compliance/?year=2026",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert outsider.get(f"/workbench/reception/sessions/{published.pk}/").status_code == 404


def test_staff_record_a_group_visit_and_mark_a_no_show_on_the_page(
    published: ReceptionSession, desk: Desk, personas: Personas, tree: Tree
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        booking, _ = services.booking_create(
            session=published,
            data=services.BookingData(slot_start=dt.time(9), name="王五", phone="13900001111", summary="停车"),
        )
        petition, _ = register(personas.registrar_a)
    client = Client()
    client.force_login(desk.desk)
    with time_machine.travel(dt.datetime(2026, 4, 15, 11, 0, tzinfo=TZ), tick=False):
        response = client.post(
            f"/workbench/reception/sessions/{published.pk}/",
            {
                "form": "visit",
                "head_count": "15",
                "summary": "业主集体反映",
                "petition": petition.number,
                "outcome": "resolved",
                "assign_matter": "限期修复电梯",
                "assign_unit": str(tree.housing.pk),
                "assign_due": "2026-04-30",
            },
        )
        assert response.status_code == 200, response.content.decode()[:500]
        marked = client.post(f"/workbench/reception/bookings/{booking.pk}/mark/", {"status": "no_show"})
    assert marked.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    stats = selectors.statistics(desk.desk, None, *APRIL)
    assert (stats.batches, stats.persons) == (1, 15)


def test_a_matter_registered_on_the_spot_keeps_address_and_problem_place(
    published: ReceptionSession, desk: Desk
) -> None:
    """The page registers a visitor's new matter with everything the API takes: facts, the petitioner's address
    and the 问题属地 code that routing uses. A wrong code is shown on its field and nothing typed is lost."""
    from xinfang.petitions.models import Petition

    client = Client()
    client.force_login(desk.desk)
    typed = {
        "form": "visit",
        "head_count": "1",
        "new_title": "小区电梯长期停运",
        "new_request": "请尽快修复电梯",
        "new_facts": "电梯已停运两个月，物业不予处理",
        "new_name": "王五",
        "new_phone": "13900001111",
        "new_address": "A市A1区人民路8号",
        "new_division_code": "99010",
        "outcome": "pending",
    }
    url = f"/workbench/reception/sessions/{published.pk}/"
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, 0, tzinfo=TZ), tick=False):
        wrong = client.post(url, typed)
        assert wrong.status_code == 400
        html = wrong.content.decode()
        assert "6 digits" in html or "6 位" in html or "6位" in html, html[:2000]
        assert 'value="A市A1区人民路8号"' in html and Petition.objects.count() == 0
        recorded = client.post(url, {**typed, "new_division_code": "990102"})
    assert recorded.status_code == 200, recorded.content.decode()[:500]
    petition = Petition.objects.get(title="小区电梯长期停运")
    assert (petition.channel, petition.problem_division_code) == ("visit", "990102")
    assert petition.facts_and_reasons == "电梯已停运两个月，物业不予处理"
    assert petition.petitioners.get().address == "A市A1区人民路8号"


def test_the_leader_desk_partial_lists_days_and_appointments(published: ReceptionSession, desk: Desk) -> None:
    with time_machine.travel(BEFORE, tick=False):
        services.booking_create(
            session=published,
            data=services.BookingData(slot_start=dt.time(9), name="王五", phone="13900001111", summary="停车位"),
        )
        html = render_to_string(
            "reception/_leader_desk.html",
            {
                "reception_days": selectors.my_reception_days(desk.county_leader, *APRIL),
                "appointments": selectors.my_appointments(desk.county_leader),
            },
        )
    assert "2026-04-15" in html and "A1区信访局接待大厅" in html and "王五" in html
