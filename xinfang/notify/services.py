"""Notification services: write one row per message and channel, deliver e-mail and SMS after commit.

``notify`` is the one entry point for the other apps. It never raises because a channel is down: delivery
happens after the caller's transaction commits, in the ``deliver`` task, and failures are recorded on the row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.notify import selectors
from xinfang.notify.delivery import deliver
from xinfang.notify.models import Channel, Notification, Status
from xinfang.orgs.models import User

logger = logging.getLogger("xinfang.notify")

EXTERNAL_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS})
SUBJECT_MAX = Notification._meta.get_field("subject").max_length or 200


def enabled_channels() -> frozenset[str]:
    return frozenset(settings.XINFANG_NOTIFY_CHANNELS)


def user_phone(user: User) -> str:
    """The user's mobile number, if the account model has one (it has none today: SMS then needs addresses)."""
    return str(getattr(user, "phone", "") or "")


def enqueue_deliveries(ids: list[int]) -> None:
    """Hand queued rows to the ``deliver`` task (call it from ``transaction.on_commit``)."""
    _enqueue(ids)


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        try:
            deliver.delay(pk)
        except Exception:  # a broker outage must not fail the request that already committed
            logger.exception("could not enqueue delivery of notification %s", pk)


@transaction.atomic
def notify(
    *,
    kind: str,
    subject: str,
    body: str,
    users: Iterable[User] = (),
    addresses: Iterable[tuple[str, str]] = (),
    link: str = "",
) -> list[Notification]:
    """Log and send one message.

    Per user: an in-app row always; an e-mail row when the user has an e-mail address and e-mail is enabled; an
    SMS row when the user has a phone number and SMS is enabled. Per ``(channel, address)`` pair: one row on that
    channel (``email`` or ``sms``); a pair on a disabled channel is logged as failed. E-mail and SMS rows are
    delivered after the transaction commits. Returns the rows written.
    """
    if not kind:
        raise InvalidInput(_("A notification needs a kind."), field="kind")
    if not subject.strip():
        raise InvalidInput(_("A notification needs a subject."), field="subject")
    enabled = enabled_channels()
    now = timeutil.now()
    common = {"kind": kind, "subject": subject[:SUBJECT_MAX], "body": body, "link": link, "created_at": now}
    rows: list[Notification] = []
    seen: set[tuple[str, int | None, str]] = set()

    def add(channel: str, *, user: User | None = None, address: str = "") -> None:
        key = (channel, user.pk if user else None, address)
        if key in seen:
            return
        seen.add(key)
        if channel == Channel.INAPP:
            rows.append(Notification(recipient=user, channel=channel, status=Status.SENT, sent_at=now, **common))
        elif channel in enabled:
            rows.append(Notification(recipient=user, address=address, channel=channel, **common))
        else:
            rows.append(
                Notification(
                    recipient=user,
                    address=address,
                    channel=channel,
                    status=Status.FAILED,
                    error="channel disabled (XINFANG_NOTIFY_CHANNELS)",
                    **common,
                )
            )

    for user in users:
        add(Channel.INAPP, user=user)
        if user.email and Channel.EMAIL in enabled:
            add(Channel.EMAIL, user=user, address=user.email)
        phone = user_phone(user)
        if phone and Channel.SMS in enabled:
            add(Channel.SMS, user=user, address=phone)
    for channel, address in addresses:
        if channel not in EXTERNAL_CHANNELS:
            raise InvalidInput(
                _("Unknown notification channel %(channel)s: use e-mail or SMS for addresses.") % {"channel": channel},
                field="addresses",
            )
        if not address.strip():
            raise InvalidInput(_("A notification address is empty."), field="addresses")
        add(channel, address=address.strip())

    Notification.objects.bulk_create(rows)
    queued = [row.pk for row in rows if row.status == Status.QUEUED]
    if queued:
        transaction.on_commit(partial(_enqueue, queued))
    return rows


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own in-app notifications read (idempotent)."""
    if notification.recipient_id != actor.pk or notification.channel != Channel.INAPP:
        raise NotPermitted(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timeutil.now()
        notification.status = Status.READ
        notification.save(update_fields=["read_at", "status"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all the actor's unread in-app notifications read; returns how many changed."""
    return selectors.notifications_for(actor, unread=True).update(read_at=timeutil.now(), status=Status.READ)
