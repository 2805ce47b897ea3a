"""notify(): one logged row per message and channel, delivery after commit, failures recorded and never raised."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from xinfang.core.errors import InvalidInput
from xinfang.notify import channels
from xinfang.notify.models import Channel, Notification, Status
from xinfang.notify.services import notify
from xinfang.notify.tests import gateways

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_gateway():
    channels._gateway.cache_clear()
    gateways.SENT.clear()
    gateways.FlakyGateway.calls = 0
    yield
    channels._gateway.cache_clear()


def _send(capture, **kwargs):
    kwargs.setdefault("kind", "supervision.order_overdue")
    kwargs.setdefault("subject", "督办单逾期")
    kwargs.setdefault("body", "督办单 DB-1 已逾期未回复。")
    with capture(execute=True):  # the on-commit deliveries run when the block exits, before the caller sees rows
        return notify(**kwargs)


def test_a_user_with_email_gets_an_inapp_row_and_an_email_row(personas, django_capture_on_commit_callbacks):
    user = personas.handler_b
    user.email = "wang@example.gov.cn"
    user.save()
    rows = _send(django_capture_on_commit_callbacks, users=[user], link="/workbench/")
    assert sorted(r.channel for r in rows) == [Channel.EMAIL, Channel.INAPP]
    inapp = Notification.objects.get(recipient=user, channel=Channel.INAPP)
    assert inapp.status == Status.SENT and inapp.read_at is None and inapp.kind == "supervision.order_overdue"
    email = Notification.objects.get(recipient=user, channel=Channel.EMAIL)
    assert email.status == Status.SENT and email.attempts == 1 and email.address == "wang@example.gov.cn"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.gov.cn"] and mail.outbox[0].subject == "督办单逾期"


def test_a_user_without_email_or_phone_gets_only_the_inapp_row(personas, django_capture_on_commit_callbacks):
    rows = _send(django_capture_on_commit_callbacks, users=[personas.head_b])
    assert [r.channel for r in rows] == [Channel.INAPP]
    assert mail.outbox == []


def test_the_same_user_twice_gets_one_message(personas, django_capture_on_commit_callbacks):
    rows = _send(django_capture_on_commit_callbacks, users=[personas.head_b, personas.head_b])
    assert len(rows) == 1


def test_addresses_give_external_rows_without_an_account(db, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.WARNING, logger="xinfang.notify.sms")
    rows = _send(
        django_capture_on_commit_callbacks,
        addresses=[("sms", "13800000000"), ("email", "citizen@example.com")],
        subject="约访确认",
        body="请于6月20日上午到A1区信访局。",
    )
    assert {(r.channel, r.address, r.recipient) for r in rows} == {
        (Channel.SMS, "13800000000", None),
        (Channel.EMAIL, "citizen@example.com", None),
    }
    assert Notification.objects.filter(status=Status.SENT).count() == 2
    assert mail.outbox[0].to == ["citizen@example.com"]


def test_sms_through_the_console_gateway_is_logged(db, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.WARNING, logger="xinfang.notify.sms")
    _send(django_capture_on_commit_callbacks, addresses=[("sms", "13800000000")], subject="约访确认", body="请准时。")
    messages = [r.getMessage() for r in caplog.records if r.name == "xinfang.notify.sms"]
    # Masked number and length only: the log never carries a whole phone or the text (issue 9).
    assert messages == ["SMS to 138****0000: 9 characters (not sent: console gateway)"]
    row = Notification.objects.get(channel=Channel.SMS)
    assert row.status == Status.SENT and row.sent_at is not None


def test_nothing_is_sent_before_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(kind="k", subject="s", body="b", addresses=[("email", "a@example.com")])
    assert mail.outbox == [] and Notification.objects.get().status == Status.QUEUED
    assert len(callbacks) == 1


def test_a_failing_gateway_is_recorded_with_error_and_attempts_not_raised(
    db, settings, django_capture_on_commit_callbacks
):
    settings.XINFANG_SMS_GATEWAY = "xinfang.notify.tests.gateways.BrokenGateway"
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 3
    rows = _send(django_capture_on_commit_callbacks, addresses=[("sms", "13800000000")])
    row = Notification.objects.get(pk=rows[0].pk)
    assert row.status == Status.FAILED
    assert row.attempts == 3
    assert row.error == "ConnectionError: gateway unreachable"
    assert row.sent_at is None


def test_a_delivery_that_fails_once_is_retried_and_sent(db, settings, django_capture_on_commit_callbacks):
    settings.XINFANG_SMS_GATEWAY = "xinfang.notify.tests.gateways.FlakyGateway"
    rows = _send(django_capture_on_commit_callbacks, addresses=[("sms", "13800000000")], body="")
    row = Notification.objects.get(pk=rows[0].pk)
    assert (row.status, row.attempts, row.error) == (Status.SENT, 2, "")
    assert gateways.SENT == [("13800000000", "督办单逾期")]


def test_a_locked_database_is_retried_without_using_up_a_delivery_attempt(
    db, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A database error rolls the attempt back and leaves the row queued: the task must retry it, or the message
    would stay queued for ever. It is not a channel failure, so even with one attempt allowed the row is sent."""
    from django.db import OperationalError

    from xinfang.notify import delivery

    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 1
    real = delivery.notification_deliver
    calls: list[bool] = []

    def locked_once(notification_id: int, *, final: bool) -> bool:
        calls.append(final)
        if len(calls) == 1:
            raise OperationalError("database table is locked: notify_notification")
        return bool(real(notification_id, final=final))

    monkeypatch.setattr(delivery, "notification_deliver", locked_once)
    rows = _send(django_capture_on_commit_callbacks, addresses=[("email", "a@example.com")])
    row = Notification.objects.get(pk=rows[0].pk)
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert calls == [True, True]  # the database retry kept the one channel attempt, which is final
    assert len(mail.outbox) == 1


def test_a_database_that_stays_locked_gives_up_after_the_limit(db, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import OperationalError

    from xinfang.notify import delivery

    calls: list[int] = []

    def always_locked(notification_id: int, *, final: bool) -> bool:
        calls.append(notification_id)
        raise OperationalError("database is locked")

    monkeypatch.setattr(delivery, "notification_deliver", always_locked)
    _send(django_capture_on_commit_callbacks, addresses=[("email", "a@example.com")])  # the task fails, logged
    assert len(calls) == delivery.DB_RETRY_LIMIT + 1
    assert Notification.objects.get().status == Status.QUEUED  # still queued, for an operator to resend


def test_a_disabled_channel_is_logged_as_failed_and_not_sent(db, settings, django_capture_on_commit_callbacks):
    settings.XINFANG_NOTIFY_CHANNELS = ["inapp", "sms"]
    rows = _send(django_capture_on_commit_callbacks, addresses=[("email", "a@example.com")])
    assert rows[0].status == Status.FAILED and "disabled" in rows[0].error
    assert mail.outbox == []


def test_a_disabled_email_channel_skips_users_email(personas, settings, django_capture_on_commit_callbacks):
    settings.XINFANG_NOTIFY_CHANNELS = ["inapp"]
    personas.handler_b.email = "wang@example.gov.cn"
    personas.handler_b.save()
    rows = _send(django_capture_on_commit_callbacks, users=[personas.handler_b])
    assert [r.channel for r in rows] == [Channel.INAPP]


def test_links_in_email_are_made_absolute_with_the_site_url(db, settings, django_capture_on_commit_callbacks):
    settings.XINFANG_SITE_URL = "https://xf.example.gov.cn/"
    _send(django_capture_on_commit_callbacks, addresses=[("email", "a@example.com")], link="/workbench/notify/")
    assert mail.outbox[0].body.endswith("https://xf.example.gov.cn/workbench/notify/")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"addresses": [("inapp", "x")]}, "addresses"),
        ({"addresses": [("sms", " ")]}, "addresses"),
        ({"subject": " "}, "subject"),
        ({"kind": ""}, "kind"),
    ],
)
def test_bad_input_is_refused_naming_the_field(db, kwargs, field):
    base = {"kind": "k", "subject": "s", "body": "b"}
    with pytest.raises(InvalidInput) as err:
        notify(**{**base, **kwargs})
    assert err.value.field == field
    assert not Notification.objects.exists()


def test_a_user_with_a_phone_number_also_gets_an_sms_row(personas, django_capture_on_commit_callbacks):
    # The account model has no phone field yet; any User with a ``phone`` attribute gets SMS.
    user = personas.handler_b
    user.phone = "13912345678"
    rows = _send(django_capture_on_commit_callbacks, users=[user])
    sms = [r for r in rows if r.channel == Channel.SMS]
    assert len(sms) == 1 and sms[0].address == "13912345678" and sms[0].recipient == user
    assert Notification.objects.get(pk=sms[0].pk).status == Status.SENT
