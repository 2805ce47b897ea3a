"""Every petitioner hears back (issue 12): each step sends exactly its message, to the petitioner only, on the
chosen channel; opt-out and the daily cap are honoured; Art. 30 — an accusation's messages reach only the informant,
and anonymous petitions get none."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import formats, translation

from xinfang.core.errors import InvalidInput
from xinfang.deadlines.rules import ClockKind
from xinfang.jobs import run_job
from xinfang.notify.models import Channel, Notification, PetitionerMessageTemplate, Status
from xinfang.notify.petitioner import (
    CAPPED_ERROR,
    DEFAULTS,
    REMEDIES,
    petitioner_preference_set,
    rating_window_reminders,
)
from xinfang.notify.tests import gateways
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Nature, PetitionerKind
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling, to_replied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recording_gateway")]  # notify/tests/conftest.py

TZ = dt.timezone(dt.timedelta(hours=8))
PHONE = "13812345678"


def kinds(petition):
    return list(Notification.objects.filter(petition=petition).order_by("id").values_list("kind", flat=True))


def day(value: dt.date) -> str:
    with translation.override("zh-hans"):
        return str(formats.date_format(value, "DATE_FORMAT"))


def test_registration_tells_the_number_and_the_tracking_page_never_the_query_code(personas, run):
    petition, code = run(register, personas.registrar_a)
    row = Notification.objects.get(petition=petition)
    assert (row.kind, row.channel, row.address, row.recipient) == ("petitioner.registered", Channel.SMS, PHONE, None)
    assert row.status == Status.SENT
    assert petition.number in row.body and "A1区信访局" in row.body
    assert row.link == f"/track/?number={petition.number}"
    assert code not in row.subject + row.body + row.link
    ((phone, text),) = gateways.SENT
    assert phone == PHONE and petition.number in text and code not in text


def test_a_registration_tells_the_representative_from_the_petitioners_it_has_just_saved(personas, run):
    """Registration hands its petitioners to the message (``PetitionEvent.registered``): the representative is told
    first, as when they are read back, and nobody reads them back (issue 9, intake under load)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [
        PetitionerData(name="甲", phone="13800000001", address="一号"),
        PetitionerData(name="乙", phone="13800000002", address="二号", is_representative=True),
    ]
    with CaptureQueriesContext(connection) as queries:
        petition, _ = run(
            register, personas.registrar_a, petitioners=people, petitioner_kind=PetitionerKind.GROUP, head_count=2
        )
    row = Notification.objects.get(petition=petition)
    assert row.address == "13800000002"
    read_back = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"petitions_petitioner"' in q["sql"]]
    assert read_back == []


def test_each_step_of_the_journey_sends_exactly_its_message_to_the_petitioner_only(personas, tree, run):
    p = personas
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False):
        petition, _ = run(register, p.registrar_a)
        run(services.petition_forward, petition=petition, actor=p.registrar_a, to_unit=tree.housing)
        run(services.petition_accept, petition=petition, actor=p.handler_b, notice="已受理")
        # 申请延期 is internal (no message); 批准延期 tells the reason and the new date (Art. 34).
        run(services.petition_request_extension, petition=petition, actor=p.handler_b, days=20, reason="需现场检测")
        run(services.petition_approve_extension, petition=petition, actor=p.head_b)
        run(
            services.petition_submit_decision,
            petition=petition,
            actor=p.handler_b,
            outcome="support",
            opinion="经调查核实……",
            legal_basis="《噪声污染防治法》",
        )
        run(services.petition_approve_decision, petition=petition, actor=p.head_b)
    assert kinds(petition) == [
        "petitioner.registered",
        "petitioner.forwarded",
        "petitioner.accepted",
        "petitioner.extended",
        "petitioner.replied",
    ]
    rows = {r.kind: r for r in Notification.objects.filter(petition=petition)}
    assert {(r.channel, r.address, r.recipient_id) for r in rows.values()} == {(Channel.SMS, PHONE, None)}
    assert "A1区住房和城乡建设局" in rows["petitioner.forwarded"].body
    handle = Clock.objects.get(petition=petition, kind=ClockKind.HANDLE)
    assert "需现场检测" in rows["petitioner.extended"].body and day(handle.due) in rows["petitioner.extended"].body
    review_window = Clock.objects.get(petition=petition, kind=ClockKind.REVIEW_WINDOW)
    assert day(review_window.due) in rows["petitioner.replied"].body  # the last day to request 复查 (Art. 35)
    assert "予以支持" in rows["petitioner.replied"].body
    # Staff never get these messages.
    assert not Notification.objects.filter(kind__startswith="petitioner.", recipient__unit__isnull=False).exists()


def test_assignment_names_the_unit_it_went_to(personas, tree, run):
    petition, _ = run(register, personas.registrar_a)
    run(services.petition_assign, petition=petition, actor=personas.registrar_a, to_unit=tree.housing, feedback_days=30)
    row = Notification.objects.get(petition=petition, kind="petitioner.assigned")
    assert "A1区住房和城乡建设局" in row.body


def test_non_acceptance_gives_the_reason_and_the_remedy_of_the_notice(personas, run):
    petition, _ = run(register, personas.registrar_a)
    run(
        services.petition_decline,
        petition=petition,
        actor=personas.registrar_a,
        ground="out_of_scope",
        reason="所反映事项属于民事纠纷",
    )
    row = Notification.objects.get(petition=petition, kind="petitioner.declined")
    assert "所反映事项属于民事纠纷" in row.body
    with translation.override("zh-hans"):  # the remedy the 不予受理告知书 gives for this ground
        assert str(REMEDIES["out_of_scope"]) in row.body


def test_review_and_recheck_decisions_are_told_with_the_recheck_deadline(personas, run):
    p = personas
    petition, _ = run(register, p.registrar_a)
    run(to_replied, p, petition)
    run(services.petition_request_review, petition=petition, actor=None, reason="不服")
    run(services.petition_decide_review, petition=petition, actor=p.county_head, outcome="uphold", opinion="维持")
    run(services.petition_request_recheck, petition=petition, actor=None, reason="仍不服")
    run(services.petition_decide_recheck, petition=petition, actor=p.city_head, outcome="uphold", opinion="维持")
    assert kinds(petition)[-2:] == ["petitioner.review_decided", "petitioner.recheck_decided"]
    review = Notification.objects.get(petition=petition, kind="petitioner.review_decided")
    window = Clock.objects.get(petition=petition, kind=ClockKind.RECHECK_WINDOW)
    assert "A1区人民政府" in review.body and day(window.due) in review.body  # Art. 36: 30 days to ask 复核
    assert "A市人民政府" in Notification.objects.get(petition=petition, kind="petitioner.recheck_decided").body
    # The petitioner's own requests (复查, 复核) send nothing back but the decisions.
    assert "petitioner.request_review" not in kinds(petition)


def test_an_urge_is_answered_with_the_unit_it_was_passed_to(personas, tree, run):
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False) as traveller:
        petition, _ = run(register, personas.registrar_a)
        run(services.petition_forward, petition=petition, actor=personas.registrar_a, to_unit=tree.housing)
        traveller.shift(dt.timedelta(days=20))  # the 15-day notice of acceptance (Art. 23 ¶3) has run out
        run(services.petition_urge, petition=petition, actor=None, message="请尽快")
    row = Notification.objects.get(petition=petition, kind="petitioner.urge_answered")
    notice = Clock.objects.get(petition=petition, kind=ClockKind.NOTICE)
    assert "A1区住房和城乡建设局" in row.body and day(notice.due) in row.body


def test_opt_out_at_submission_stops_every_message(personas, tree, run):
    petition, _ = run(register, personas.registrar_a, notify_opt_out=True)
    run(to_handling, personas, petition)
    assert Notification.objects.filter(petition=petition).count() == 0
    assert gateways.SENT == []


def test_opt_out_on_the_tracking_page_stops_later_messages(personas, tree, run):
    petition, _ = run(register, personas.registrar_a)
    petitioner_preference_set(petition=petition, channel="", opted_out=True)
    run(to_handling, personas, petition)
    assert kinds(petition) == ["petitioner.registered"]


def test_the_chosen_email_channel_is_used_instead_of_sms(personas, run):
    people = [PetitionerData(name="张三", id_number=ID_OK, phone=PHONE, address="丽发新城", email="zs@example.com")]
    petition, _ = run(register, personas.registrar_a, petitioners=people, notify_channel="email")
    row = Notification.objects.get(petition=petition)
    assert (row.channel, row.address) == (Channel.EMAIL, "zs@example.com")
    assert [m.to for m in mail.outbox] == [["zs@example.com"]] and gateways.SENT == []


def test_sms_cannot_be_chosen_without_a_phone(personas):
    people = [PetitionerData(name="张三", address="丽发新城", email="zs@example.com")]
    with pytest.raises(InvalidInput) as exc:
        register(personas.registrar_a, petitioners=people, notify_channel="sms")
    assert exc.value.field == "notify_channel"


def test_a_citizen_account_without_phone_or_email_gets_in_app_messages(tree, run):
    from xinfang.orgs.models import User
    from xinfang.petitions.tests.helpers import intake

    citizen = User.objects.create_user(username="citizen_n", password="pw-xinfang-test", email="c@example.com")
    data = intake(channel="online", petitioners=[PetitionerData(name="张三", address="丽发新城")])
    petition, _ = run(services.petition_register, actor=None, unit=tree.county_dept, data=data, citizen=citizen)
    row = Notification.objects.get(petition=petition)
    # In-app only: the account's own e-mail address is not a channel the petitioner chose for this petition.
    assert (row.channel, row.recipient, row.status) == (Channel.INAPP, citizen, Status.SENT)
    assert mail.outbox == []


def test_the_daily_cap_logs_further_messages_as_capped_and_sends_nothing(personas, tree, settings, run):
    settings.XINFANG_PETITIONER_DAILY_CAP = 2
    petition, _ = run(register, personas.registrar_a)
    run(to_handling, personas, petition)  # forwarded, accepted: the third message today
    rows = list(Notification.objects.filter(petition=petition).order_by("id"))
    assert [r.status for r in rows] == [Status.SENT, Status.SENT, Status.FAILED]
    assert rows[2].error == CAPPED_ERROR and rows[2].attempts == 0
    assert len(gateways.SENT) == 2


def test_an_accusation_is_told_only_to_the_informant_art_30(personas, tree, run):
    petition, _ = run(
        register,
        personas.registrar_a,
        nature=Nature.ACCUSATION,
        accused_name="吴被诉",
        accused_unit=tree.environment,
        title="举报某局工作人员",
    )
    run(services.petition_refer_discipline, petition=petition, actor=personas.registrar_a, to_unit=tree.discipline)
    rows = list(Notification.objects.filter(petition=petition).order_by("id"))
    assert [r.kind for r in rows] == ["petitioner.registered", "petitioner.forwarded"]
    assert {(r.address, r.recipient_id) for r in rows} == {(PHONE, None)}
    for row in rows:  # the text names neither the informant nor the accused
        assert "张三" not in row.subject + row.body and "吴被诉" not in row.subject + row.body
    assert not Notification.objects.filter(recipient=personas.accused).exists()
    assert [phone for phone, _text in gateways.SENT] == [PHONE, PHONE]


def test_an_anonymous_accusation_gets_no_message(personas, tree, run):
    petition, _ = run(
        register,
        personas.registrar_a,
        nature=Nature.ACCUSATION,
        accused_unit=tree.environment,
        is_anonymous=True,
        petitioners=[],
        petitioner_kind=PetitionerKind.PERSON,
    )
    run(services.petition_refer_discipline, petition=petition, actor=personas.registrar_a, to_unit=tree.discipline)
    assert Notification.objects.filter(petition=petition).count() == 0 and gateways.SENT == []


def test_the_admins_template_for_the_channel_is_used(personas, run):
    PetitionerMessageTemplate.objects.create(
        kind="registered", channel="sms", subject="已收到{number}", body="{unit}收到了，编号{number}，{date}。"
    )
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False):
        petition, _ = run(register, personas.registrar_a)
    row = Notification.objects.get(petition=petition)
    assert row.subject == f"已收到{petition.number}"
    assert row.body == f"A1区信访局收到了，编号{petition.number}，{day(dt.date(2026, 4, 1))}。"


def test_templates_are_read_once_and_an_admins_edit_or_deletion_shows_at_once(django_assert_num_queries):
    """Every message reads its template (each public submission's among them): they are cached until one is saved
    or deleted (issue 9, intake under load)."""
    from xinfang.notify.petitioner import template_for

    PetitionerMessageTemplate.objects.filter(kind="registered").delete()
    assert template_for("registered", "sms")[0] == str(DEFAULTS["registered"].subject)
    with django_assert_num_queries(0):
        assert template_for("registered", "sms")[0] == str(DEFAULTS["registered"].subject)
        template_for("accepted", "email")
    every = PetitionerMessageTemplate.objects.create(kind="registered", channel="", subject="收到{number}", body="b")
    assert template_for("registered", "sms") == ("收到{number}", "b")
    sms = PetitionerMessageTemplate.objects.create(kind="registered", channel="sms", subject="短信{number}", body="s")
    assert template_for("registered", "sms") == ("短信{number}", "s")
    assert template_for("registered", "email") == ("收到{number}", "b")
    sms.subject = "改{number}"
    sms.save()
    assert template_for("registered", "sms")[0] == "改{number}"
    sms.delete()
    every.delete()
    assert template_for("registered", "sms")[0] == str(DEFAULTS["registered"].subject)


def test_the_zh_hans_defaults_are_seeded_and_a_missing_template_falls_back_to_the_built_in(personas, run, zh_templates):
    assert PetitionerMessageTemplate.objects.get(kind="accepted", channel="").subject == "信访事项{number}已受理"
    PetitionerMessageTemplate.objects.filter(kind="registered").delete()
    petition, _ = run(register, personas.registrar_a)
    row = Notification.objects.get(petition=petition)
    with translation.override("zh-hans"):
        expected = str(DEFAULTS["registered"].subject).format(number=petition.number)
    assert row.subject == expected


def test_an_unknown_placeholder_is_refused_by_the_admin_validation():
    template = PetitionerMessageTemplate(kind="registered", channel="", subject="{number}", body="{name}您好，{number}")
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert "body" in exc.value.message_dict and "{name}" in exc.value.message_dict["body"][0]
    PetitionerMessageTemplate(kind="accepted", channel="sms", subject="{number}", body="{unit}{date}").full_clean()


def test_the_rating_window_reminder_is_sent_once_per_petition(personas, run, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False):
        petition, _ = run(register, personas.registrar_a)
        run(to_replied, personas, petition)
    window = Clock.objects.get(petition=petition, kind=ClockKind.RATING_WINDOW)
    early = window.due - dt.timedelta(days=10)
    assert rating_window_reminders(today=early) == {"reminded": 0, "skipped": 0}  # not yet
    soon = window.due - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert rating_window_reminders(today=soon) == {"reminded": 1, "skipped": 0}
        assert rating_window_reminders(today=soon) == {"reminded": 0, "skipped": 0}
        assert rating_window_reminders(today=soon + dt.timedelta(days=1))["reminded"] == 0
    row = Notification.objects.get(petition=petition, kind="petitioner.rating_window")
    assert day(window.due) in row.subject and row.status == Status.SENT


def test_the_rating_window_job_is_scheduled_and_runs(db):
    result = run_job("notify.rating_window")
    assert result.successful() and result.result == {"reminded": 0, "skipped": 0}


def test_the_rating_window_job_reads_in_a_fixed_number_of_queries(
    personas, run, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Set-based: the windows, the items merged into them, the reminders written and the latest ratings are one query
    each, however many windows close; only a message still to write costs more (a national job each morning)."""
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False):
        petitions = [run(register, personas.registrar_a)[0] for _ in range(3)]
        for petition in petitions:
            run(to_replied, personas, petition)
    due = Clock.objects.filter(petition=petitions[0], kind=ClockKind.RATING_WINDOW).get().due
    soon = due - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert rating_window_reminders(today=soon) == {"reminded": 3, "skipped": 0}
    with django_assert_num_queries(4):  # every window already reminded: nothing per petition
        assert rating_window_reminders(today=soon) == {"reminded": 0, "skipped": 0}
