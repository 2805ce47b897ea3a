"""The petitioner hears how the matter ended (issue 12): a 调解/和解 agreement closes it (Art. 33), or it is closed
because no 复查/复核 was requested in time (Arts. 35–36) — by staff or by the nightly sweep, whose bulk-written
events send no ``post_save`` (``petitions.signals.events_bulk_created`` instead). And the per-recipient daily cap
holds when two steps commit at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import formats, translation

from xinfang.deadlines.rules import ClockKind
from xinfang.notify.models import Channel, Notification, PetitionerDailyCount, PetitionerStep, Status
from xinfang.notify.petitioner import (
    AGREEMENTS,
    CAPPED_ERROR,
    CLOSED_WINDOWS,
    petitioner_message_send,
    petitioner_preference_set,
)
from xinfang.notify.tests import gateways
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Petition
from xinfang.petitions.services.sweeps import petitions_close_expired
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import State

TZ = dt.timezone(dt.timedelta(hours=8))
PHONE = "13812345678"

pytestmark = pytest.mark.usefixtures("recording_gateway")  # notify/tests/conftest.py


def zh(text) -> str:
    """A word as the message has it (the zh-Hans catalogue's, whatever it holds today)."""
    with translation.override("zh-hans"):
        return str(text)


def day(value: dt.date) -> str:
    with translation.override("zh-hans"):
        return str(formats.date_format(value, "DATE_FORMAT"))


def replied_on_4_may(personas, run) -> Petition:
    """A petition whose written reply was served on 4 May 2026: its 复查 window runs to 3 June (Art. 35)."""
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=TZ), tick=False):
        petition, _ = run(register, personas.registrar_a)
        run(to_replied, personas, petition)
    assert isinstance(petition, Petition)
    return petition


@pytest.mark.django_db
def test_a_mediation_agreement_tells_the_petitioner_it_is_closed_and_until_when_to_rate_art_33(personas, run):
    petition, _ = run(register, personas.registrar_a)
    run(to_handling, personas, petition)
    run(
        services.petition_record_agreement,
        petition=petition,
        actor=personas.handler_b,
        kind="mediation",
        text="双方同意由物业于七日内修复路灯。",
    )
    row = Notification.objects.get(petition=petition, kind="petitioner.agreed")
    rating = Clock.objects.get(petition=petition, kind=ClockKind.RATING_WINDOW)
    assert (row.channel, row.address, row.status) == (Channel.SMS, PHONE, Status.SENT)
    assert (
        zh(AGREEMENTS["mediation"]) in row.subject
        and "A1区住房和城乡建设局" in row.body
        and day(rating.due) in row.body
    )
    assert "物业" not in row.body  # the terms stay in the agreement, not in an SMS
    assert gateways.SENT[-1][0] == PHONE


@pytest.mark.django_db
def test_a_settlement_agreement_is_named_as_such(personas, run):
    petition, _ = run(register, personas.registrar_a)
    run(to_handling, personas, petition)
    run(services.petition_record_agreement, petition=petition, actor=personas.handler_b, kind="settlement", text="和解")
    row = Notification.objects.get(petition=petition, kind="petitioner.agreed")
    assert zh(AGREEMENTS["settlement"]) in row.subject
    assert zh(AGREEMENTS["mediation"]) not in row.subject + row.body


@pytest.mark.django_db
def test_the_sweep_tells_each_petitioner_their_petition_closed_with_the_last_day_to_ask_for_review(personas, run):
    petition = replied_on_4_may(personas, run)
    window = Clock.objects.get(petition=petition, kind=ClockKind.REVIEW_WINDOW)
    assert run(petitions_close_expired, today=dt.date(2026, 6, 3)) == 0
    assert not Notification.objects.filter(petition=petition, kind="petitioner.closed").exists()
    assert run(petitions_close_expired, today=dt.date(2026, 6, 4)) == 1
    row = Notification.objects.get(petition=petition, kind="petitioner.closed")
    assert (row.channel, row.address, row.status) == (Channel.SMS, PHONE, Status.SENT)
    review, recheck = (zh(CLOSED_WINDOWS[state][0]) for state in (State.REPLIED, State.REVIEWED))
    assert review in row.body and recheck not in row.body and day(window.due) in row.body
    # Idempotent: a second run closes nothing and says nothing.
    assert run(petitions_close_expired, today=dt.date(2026, 6, 5)) == 0
    assert Notification.objects.filter(petition=petition, kind="petitioner.closed").count() == 1


@pytest.mark.django_db
def test_the_sweep_closing_a_reviewed_petition_names_the_re_examination_art_36(personas, run):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=TZ), tick=False):
        petition, _ = run(register, personas.registrar_a)
        run(to_replied, personas, petition)
        run(services.petition_request_review, petition=petition, actor=None, reason="不服")
        run(
            services.petition_decide_review,
            petition=petition,
            actor=personas.county_head,
            outcome="uphold",
            opinion="维持",
        )
    window = Clock.objects.get(petition=petition, kind=ClockKind.RECHECK_WINDOW)
    assert run(petitions_close_expired, today=window.due + dt.timedelta(days=1)) == 1
    row = Notification.objects.get(petition=petition, kind="petitioner.closed")
    assert zh(CLOSED_WINDOWS[State.REVIEWED][0]) in row.body and day(window.due) in row.body


@pytest.mark.django_db
def test_the_sweep_says_nothing_to_a_petitioner_who_opted_out(personas, run):
    petition = replied_on_4_may(personas, run)
    petitioner_preference_set(petition=petition, channel="", opted_out=True)
    assert run(petitions_close_expired, today=dt.date(2026, 6, 4)) == 1
    assert not Notification.objects.filter(petition=petition, kind="petitioner.closed").exists()


@pytest.mark.django_db
def test_the_sweep_writes_no_message_before_its_batch_commits(personas, run, django_capture_on_commit_callbacks):
    petition = replied_on_4_may(personas, run)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert petitions_close_expired(today=dt.date(2026, 6, 4)) == 1
    assert not Notification.objects.filter(petition=petition, kind="petitioner.closed").exists()
    for callback in callbacks:  # the batch "commits"
        callback()
    assert Notification.objects.filter(petition=petition, kind="petitioner.closed").count() == 1


@pytest.mark.django_db
def test_closing_by_staff_sends_the_same_single_message(personas, run):
    petition = replied_on_4_may(personas, run)
    with time_machine.travel(dt.datetime(2026, 6, 4, 10, tzinfo=TZ), tick=False):
        run(services.petition_close, petition=petition, actor=personas.handler_b)
    (row,) = Notification.objects.filter(petition=petition, kind="petitioner.closed")
    assert zh(CLOSED_WINDOWS[State.REPLIED][0]) in row.body


# --- the daily cap


@pytest.mark.django_db
def test_the_cap_counter_keeps_no_copy_of_the_phone_number(personas, run):
    petition, _ = run(register, personas.registrar_a)
    (count,) = PetitionerDailyCount.objects.all()
    assert count.count == 1 and PHONE not in count.recipient and len(count.recipient) == 64
    assert Notification.objects.get(petition=petition).status == Status.SENT


@pytest.mark.django_db
def test_the_cap_is_per_recipient_so_another_petitioner_is_not_capped(personas, settings, run):
    from xinfang.petitions.services import PetitionerData
    from xinfang.petitions.tests.helpers import ID_OK

    settings.XINFANG_PETITIONER_DAILY_CAP = 1
    first, _ = run(register, personas.registrar_a)
    other = [PetitionerData(name="李四", id_number=ID_OK, phone="13900001111", address="丽发新城")]
    second, _ = run(register, personas.registrar_a, petitioners=other)
    run(petitioner_message_send, petition=first, step=PetitionerStep.RATING_WINDOW, values={"number": first.number})
    statuses = {
        n.petition_id: n.status
        for n in Notification.objects.filter(kind="petitioner.registered", petition__in=[first, second])
    }
    assert statuses == {first.pk: Status.SENT, second.pk: Status.SENT}
    assert Notification.objects.get(kind="petitioner.rating_window").error == CAPPED_ERROR


@pytest.mark.django_db(transaction=True)
def test_two_steps_committing_at_the_same_moment_cannot_both_pass_the_cap(personas, settings):
    """With a cap of 1, one of two concurrent messages to the same phone is capped. The first holds its transaction
    open while the second sends: counting committed rows would let both through; the day row's lock does not."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write transaction)")
    settings.XINFANG_PETITIONER_DAILY_CAP = 1
    settings.XINFANG_NOTIFY_CHANNELS = []  # no delivery task: the rows alone tell
    petition, _ = register(personas.registrar_a, notify_opt_out=True)
    petitioner_preference_set(petition=petition, channel="", opted_out=False)
    first_sent = threading.Event()
    second_started = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                petitioner_message_send(petition=petition, step=PetitionerStep.ACCEPTED, values={"number": "1"})
                first_sent.set()
                second_started.wait(10)
                # Keep the transaction open a moment after the second began: the race window of a count.
                threading.Event().wait(0.5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_sent.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            first_sent.wait(10)
            with transaction.atomic():
                second_started.set()
                petitioner_message_send(petition=petition, step=PetitionerStep.EXTENDED, values={"number": "2"})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    rows = {n.kind: n for n in Notification.objects.filter(petition=petition)}
    assert rows["petitioner.accepted"].error != CAPPED_ERROR
    assert rows["petitioner.extended"].error == CAPPED_ERROR
    assert PetitionerDailyCount.objects.get().count == 2
