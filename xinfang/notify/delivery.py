"""Delivery of one queued e-mail or SMS row (run by the ``deliver`` task in ``tasks.py``).

Apart from ``services`` so that the imports run one way: services → tasks → delivery (services enqueue the task,
the task sends through this module); before, services and tasks imported each other.
"""

from __future__ import annotations

import logging

from django.db import transaction

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
