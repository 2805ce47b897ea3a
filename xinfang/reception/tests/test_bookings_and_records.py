"""约访 bookings and invitations, reception records (batches/persons, matters) and 下访 with 现场办公."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from conftest import Personas, Tree
from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.notify.models import Notification
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.tests.helpers import intake, register, to_handling
from xinfang.petitions.workflow import Action
from xinfang.reception import selectors, services
from xinfang.reception.models import (
    Booking,
    BookingStatus,
    FieldVisitStatus,
    InvitationStatus,
    Outcome,
    ReceptionSession,
    SessionStatus,
)
from xinfang.reception.tests.helpers import Desk, foreign_petition, monthly
from xinfang.supervision.assignments import assignments_for
from xinfang.supervision.models import AssignmentSource

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
BEFORE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ)  # the April session is on Wednesday 2026-04-15
ON_THE_DAY = dt.datetime(2026, 4, 15, 10, 5, tzinfo=TZ)


@pytest.fixture
def session(desk: Desk) -> ReceptionSession:
    schedule = monthly(desk, 15)
    (made,) = services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    return made


def book(session: ReceptionSession, at: dt.time = dt.time(9, 0), **kw: str) -> tuple[Booking, str]:
    data = services.BookingData(slot_start=at, name="王五", phone="13900001111", summary="小区停车位被占用")
    for k, v in kw.items():
        setattr(data, k, v)
    return services.booking_create(session=session, data=data)


def test_booking_is_confirmed_by_sms_with_a_code(session: ReceptionSession) -> None:
    with time_machine.travel(BEFORE, tick=False), transaction.atomic():
        booking, code = book(session)
    assert services.booking_by_code(code) == booking
    assert services.booking_by_code(code.lower()) == booking
    assert services.booking_by_code("WRONGCODE0") is None
    sms = Notification.objects.get(kind="reception.booking_confirmed")
    assert (sms.channel, sms.address) == ("sms", "13900001111")
    assert code in sms.body and "林区长（区长）" in sms.body


@pytest.mark.parametrize(("language", "word"), [("zh-hans", "预约成功"), ("en", "booked")])
def test_booking_sms_says_booked_once(
    session: ReceptionSession, monkeypatch: pytest.MonkeyPatch, language: str, word: str
) -> None:
    """The SMS is "subject：body"; the body must not repeat the subject ("预约成功：预约成功：", issue 11)."""
    from django.utils import translation

    from xinfang.notify import channels

    sent: list[str] = []

    class Recorder:
        def send(self, phone: str, text: str) -> None:
            sent.append(text)

    monkeypatch.setattr(channels, "sms_gateway", Recorder)
    with translation.override(language), time_machine.travel(BEFORE, tick=False), transaction.atomic():
        book(session)
    channels.send_sms(Notification.objects.get(kind="reception.booking_confirmed"))
    (text,) = sent
    assert text.lower().count(word.lower()) == 1, text


def test_booking_refused_when_the_slot_is_full(session: ReceptionSession) -> None:
    with time_machine.travel(BEFORE, tick=False):
        book(session)
        book(session, phone="13900002222")
        with pytest.raises(RuleViolation) as err:
            book(session, phone="13900003333")
        assert err.value.code == "slot_full"
        assert "fully booked" in str(err.value.message) or "已约满" in str(err.value.message)
        book(session, at=dt.time(9, 30))  # the next slot is still open
    assert Booking.objects.filter(session=session, slot_start=dt.time(9, 0)).count() == 2


def test_a_cancelled_booking_frees_its_place(session: ReceptionSession) -> None:
    with time_machine.travel(BEFORE, tick=False):
        _, code = book(session)
        book(session)
        services.booking_cancel_by_citizen(code=code)
        book(session)
    assert Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count() == 2


def test_booking_refused_when_the_slot_is_past(session: ReceptionSession) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        with pytest.raises(RuleViolation) as err:
            book(session, at=dt.time(9, 30))  # 09:30 has passed at 10:05
        assert err.value.code == "slot_past"
        book(session, at=dt.time(10, 30))
    with time_machine.travel(dt.datetime(2026, 4, 16, 8, 0, tzinfo=TZ), tick=False), pytest.raises(RuleViolation):
        book(session, at=dt.time(10, 30))


def test_booking_refused_for_an_unpublished_session(desk: Desk) -> None:
    schedule = monthly(desk, 15, published=False)
    (made,) = services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    with time_machine.travel(BEFORE, tick=False), pytest.raises(RuleViolation):
        book(made)


def test_booking_refused_outside_the_slots(session: ReceptionSession) -> None:
    with time_machine.travel(BEFORE, tick=False), pytest.raises(InvalidInput) as err:
        book(session, at=dt.time(9, 10))
    assert err.value.field == "slot_start"


def test_booking_links_a_petition_only_with_its_query_code(session: ReceptionSession, personas: Personas) -> None:
    with time_machine.travel(BEFORE, tick=False):
        petition, code = register(personas.registrar_a)
        with pytest.raises(InvalidInput) as err:
            book(session, petition_number=petition.number, tracking_code="WRONG")
        assert err.value.field == "petition_number"
        booking, _ = book(session, petition_number=petition.number, tracking_code=code)
    assert booking.petition == petition


def test_staff_record_no_show_from_the_day_and_cancellations_any_time(
    session: ReceptionSession, desk: Desk, personas: Personas
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        a, _ = book(session)
        b, _ = book(session)
        with pytest.raises(RuleViolation):
            services.booking_mark(actor=desk.desk, booking=a, status=BookingStatus.NO_SHOW)
        services.booking_mark(actor=desk.desk, booking=b, status=BookingStatus.CANCELLED, note="来电取消")
        with pytest.raises(NotPermitted):
            services.booking_mark(actor=personas.outsider, booking=a, status=BookingStatus.CANCELLED)
    with time_machine.travel(ON_THE_DAY, tick=False):
        services.booking_mark(actor=desk.desk, booking=a, status=BookingStatus.NO_SHOW)
    a.refresh_from_db()
    assert (a.status, a.status_by) == (BookingStatus.NO_SHOW, desk.desk)


def test_reminder_the_day_before_is_sent_once(session: ReceptionSession, desk: Desk, personas: Personas) -> None:
    with time_machine.travel(BEFORE, tick=False):
        book(session)
        _, code = book(session, at=dt.time(10, 0), phone="13900004444")
        services.booking_cancel_by_citizen(code=code)
    assert services.send_reminders(dt.date(2026, 4, 13)) == 0  # two days before: nothing yet
    assert services.send_reminders(dt.date(2026, 4, 14)) == 1
    assert services.send_reminders(dt.date(2026, 4, 14)) == 0
    reminders = Notification.objects.filter(kind="reception.booking_reminder")
    assert [r.address for r in reminders] == ["13900001111"]


def test_cancelling_a_session_tells_the_booked_citizens(session: ReceptionSession, desk: Desk) -> None:
    with time_machine.travel(BEFORE, tick=False):
        booking, _ = book(session)
        with pytest.raises(InvalidInput):
            services.session_set_status(actor=desk.desk, session=session, status=SessionStatus.CANCELLED)
        services.session_set_status(
            actor=desk.desk, session=session, status=SessionStatus.CANCELLED, note="领导参加防汛会议"
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # The address is encrypted at rest (no SQL equality on it): compare the decrypted values.
    assert "13900001111" in [n.address for n in Notification.objects.filter(kind="reception.session_cancelled")]


# -- invitations ---------------------------------------------------------------------------------------------


def test_an_invitation_needs_a_visible_petition(desk: Desk, personas: Personas, tree: Tree) -> None:
    petition, _ = register(personas.registrar_a)
    with pytest.raises(InvalidInput) as refused:
        services.invitation_create(
            actor=personas.outsider,
            petition_key=petition.pk,
            leader=desk.county_leader,
            on=timeutil.today() + dt.timedelta(days=3),
            at=dt.time(15),
            place="A1区信访局",
        )
    assert refused.value.field == "petition"
    invitation = services.invitation_create(
        actor=desk.county_leader,
        petition_key=petition.number,
        leader=desk.county_leader,
        on=timeutil.today() + dt.timedelta(days=3),
        at=dt.time(15),
        place="A1区信访局三楼会议室",
    )
    assert invitation.phone == "13812345678"  # the petitioner's phone, from the petition
    sms = Notification.objects.get(kind="reception.invitation")
    assert sms.address == "13812345678" and petition.number in sms.body


def test_a_held_invitation_writes_the_petitions_timeline(desk: Desk, personas: Personas) -> None:
    petition, _ = register(personas.registrar_a)
    invitation = services.invitation_create(
        actor=desk.desk,
        petition_key=petition.pk,
        leader=desk.county_leader,
        on=timeutil.today(),
        at=dt.time(15),
        place="A1区信访局",
    )
    services.invitation_mark(actor=desk.desk, invitation=invitation, status=InvitationStatus.HELD, note="当面沟通")
    event = PetitionEvent.objects.get(petition=petition, action=Action.RECEIVE)
    assert event.data["ref"] == f"reception_invitation:{invitation.pk}"
    assert event.data["leader"] == "林区长（区长）"
    assert [a.kind for a in selectors.my_appointments(desk.county_leader)] == []  # settled


# -- records -------------------------------------------------------------------------------------------------


def test_a_group_visit_counts_as_one_batch_and_n_persons(session: ReceptionSession, desk: Desk) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        services.visit_record(actor=desk.desk, session=session, head_count=12, matters=[], summary="某小区业主集体反映")
        services.visit_record(actor=desk.desk, session=session, head_count=1, matters=[])
        stats = selectors.statistics(desk.desk, None, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (stats.batches, stats.persons) == (2, 13)
    assert stats.leader_days == 1  # one leader, one day
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_a_record_linking_a_petition_writes_the_petitions_timeline_line(
    session: ReceptionSession, desk: Desk, personas: Personas, tree: Tree
) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        petition, _ = register(personas.registrar_a)
        to_handling(personas, petition)
        result = services.visit_record(
            actor=desk.desk,
            session=session,
            head_count=1,
            matters=[
                services.MatterData(
                    petition_key=petition.number,
                    outcome=Outcome.RESOLVED,
                    assignments=[
                        services.AssignmentData(
                            matter="7日内拆除违建并书面回复", unit=tree.housing, due=dt.date(2026, 4, 24)
                        )
                    ],
                )
            ],
        )
    (matter,) = result.matters
    event = PetitionEvent.objects.get(petition=petition, action=Action.RECEIVE)
    assert event.data == {"leader": "林区长（区长）", "on": "2026-04-15", "ref": f"reception_matter:{matter.pk}"}
    (assignment,) = assignments_for(AssignmentSource.RECEPTION, matter.pk)
    assert (assignment.unit, assignment.due, assignment.petition) == (tree.housing, dt.date(2026, 4, 24), petition)


def test_a_record_cannot_link_an_invisible_petition(session: ReceptionSession, desk: Desk, tree: Tree) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        foreign = foreign_petition(tree)  # at A2区: the A1区信访局 desk does not see it
        with pytest.raises(InvalidInput):
            services.visit_record(
                actor=desk.desk,
                session=session,
                head_count=1,
                matters=[services.MatterData(petition_key=str(foreign.pk))],
            )
    assert not session.visits.exists()  # nothing written


def test_a_new_petition_on_the_spot_needs_a_registrar_of_the_sites_unit(
    session: ReceptionSession, desk: Desk, personas: Personas
) -> None:
    new = services.MatterData(
        new=intake(channel="visit"), solved_on_spot=True, solution="当场协调物业解决", outcome=Outcome.RESOLVED
    )
    with time_machine.travel(ON_THE_DAY, tick=False):
        with pytest.raises(NotPermitted):
            services.visit_record(actor=personas.supervisor, session=session, head_count=1, matters=[new])
        result = services.visit_record(actor=desk.desk, session=session, head_count=1, matters=[new])
        stats = selectors.statistics(desk.desk, None, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    (matter,) = result.matters
    assert matter.registered_here and matter.petition.registering_unit == desk.site.unit
    assert matter.petition.number in result.new_codes
    assert PetitionEvent.objects.filter(petition=matter.petition, action=Action.RECEIVE).count() == 1
    assert stats.solved == 1


def test_visits_are_not_recorded_before_the_day(session: ReceptionSession, desk: Desk) -> None:
    with time_machine.travel(BEFORE, tick=False), pytest.raises(RuleViolation):
        services.visit_record(actor=desk.desk, session=session, head_count=1, matters=[])


# -- visits down ---------------------------------------------------------------------------------------------


def test_field_visit_carries_visible_cases_and_minutes_become_assignments(
    desk: Desk, personas: Personas, tree: Tree
) -> None:
    petition, _ = register(personas.registrar_a)
    hidden = foreign_petition(tree)
    today = timeutil.today()
    with pytest.raises(InvalidInput):
        services.field_visit_create(
            actor=desk.desk,
            leader=desk.county_leader,
            on=today,
            place="A1区丽发新城",
            purpose="带案下访",
            petition_keys=[hidden.pk],
        )
    visit = services.field_visit_create(
        actor=desk.desk,
        leader=desk.county_leader,
        on=today,
        place="A1区丽发新城",
        purpose="带案下访",
        petition_keys=[petition.number],
    )
    (case,) = visit.cases.all()
    services.field_visit_case_result(actor=desk.desk, case=case, result="现场答复，限期整改", outcome=Outcome.RESOLVED)
    event = PetitionEvent.objects.get(petition=petition, action=Action.RECEIVE)
    assert event.data["ref"] == f"field_visit:{visit.pk}"
    created = services.field_visit_minutes(
        actor=desk.county_leader,
        visit=visit,
        minutes="现场办公：搅拌站夜间停工，环保局监测噪声。",
        decisions=[
            services.DecisionData(matter="夜间停工并报告", unit=tree.housing, due=today + dt.timedelta(days=7)),
            services.DecisionData(
                matter="噪声监测",
                unit=tree.environment,
                due=today + dt.timedelta(days=10),
                petition_key=petition.number,
            ),
        ],
    )
    assert {a.unit for a in created} == {tree.housing, tree.environment}
    assert set(assignments_for(AssignmentSource.FIELD_VISIT, visit.pk)) == set(created)
    visit.refresh_from_db()
    assert visit.status == FieldVisitStatus.DONE


def test_desk_selectors_list_the_leaders_days_and_appointments(
    session: ReceptionSession, desk: Desk, personas: Personas
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        book(session)
        petition, _ = register(personas.registrar_a)
        services.invitation_create(
            actor=desk.desk,
            petition_key=petition.pk,
            leader=desk.county_leader,
            on=dt.date(2026, 4, 12),
            at=dt.time(15),
            place="A1区信访局",
        )
        days = selectors.my_reception_days(desk.county_leader, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
        appointments = selectors.my_appointments(desk.county_leader)
    assert [(d.date, d.booked) for d in days] == [(dt.date(2026, 4, 15), 1)]  # type: ignore[attr-defined]
    assert [(a.kind, a.on) for a in appointments] == [
        ("invitation", dt.date(2026, 4, 12)),
        ("booking", dt.date(2026, 4, 15)),
    ]
    assert selectors.my_reception_days(personas.outsider, dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == []
