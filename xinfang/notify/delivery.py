"""Delivery of one queued e-mail or SMS row, and the ``deliver`` task that runs it with retries.

Apart from ``services`` so that the imports run one way: services and tasks → delivery (services enqueue the
task after commit; ``tasks`` is what Celery discovers); before, services and tasks imported each other.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction

from xinfang.core import timeutil
from xinfang.core.redact import redact
from xinfang.notify.channels import SENDERS
from xinfang.notify.models import Channel, Notification, Status

logger = logging.getLogger("xinfang.notify")


def notification_deliver(notification_id: int, *, final: bool) -> bool:
    """Send one queued e-mail or SMS row; record the attempt. Returns True when it went out (or already had).

    On failure the error is recorded and the row stays ``queued`` for a retry, or becomes ``failed`` when
    ``final``. Never raises for a channel error.
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None:
            logger.warning("notification %s vanished before delivery", notification_id)
            return True
        if row.status != Status.QUEUED:
            return row.status == Status.SENT
        row.attempts += 1
        sender = SENDERS.get(Channel(row.channel))
        # Record the success first: the write takes the row's lock, so a database error (a locked table, a lost
        # connection) happens before the message leaves and the task's retry cannot send it twice.
        row.status = Status.SENT
        row.sent_at = timeutil.now()
        row.error = ""
        row.save(update_fields=["attempts", "error", "status", "sent_at"])
        try:
            if sender is None:
                raise ValueError(f"no sender for channel {row.channel}")
            sender(row)
        except Exception as exc:
            # A gateway's error may quote the number ("invalid destination 138…"): the column keeps it masked too,
            # or it would be a plain copy of the encrypted address.
            row.error = redact(f"{type(exc).__name__}: {exc}")[:2000]
            row.status = Status.FAILED if final else Status.QUEUED
            row.sent_at = None
            row.save(update_fields=["error", "status", "sent_at"])
            logger.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, row.error)
            return False
        return True


# A locked or briefly unreachable database is not a channel failure: it does not use up one of the row's
# delivery attempts, and it is retried within seconds rather than after the channel back-off.
DB_RETRY_LIMIT = 6


# max_retries=None: the task bounds its own retries (channel attempts and database retries are counted apart).
@shared_task(bind=True, name="xinfang.notify.tasks.deliver", acks_late=True, max_retries=None)
def deliver(self: Any, notification_id: int, db_retries: int = 0) -> bool:
    """Send one notification; on failure retry with a growing delay, then record it as failed.

    ``db_retries`` counts the retries caused by database errors, which roll the attempt back and leave the
    row queued; without a retry such a row would stay queued for ever.
    """
    max_attempts: int = settings.XINFANG_NOTIFY_MAX_ATTEMPTS
    channel_retries = self.request.retries - db_retries
    final = channel_retries + 1 >= max_attempts
    try:
        ok = notification_deliver(notification_id, final=final)
    except OperationalError as exc:
        if db_retries >= DB_RETRY_LIMIT:
            raise
        raise self.retry(exc=exc, countdown=2**db_retries, kwargs={"db_retries": db_retries + 1}) from exc
    if not ok and not final:
        delay = settings.XINFANG_NOTIFY_RETRY_SECONDS * (2**channel_retries)
        raise self.retry(countdown=delay, kwargs={"db_retries": db_retries})
    return ok
