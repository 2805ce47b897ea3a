"""Celery tasks of xinfang.notify: delivery of queued e-mail and SMS rows, with retries."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings
from django.db import OperationalError

from xinfang.notify.delivery import notification_deliver

SCHEDULE: dict[str, dict[str, Any]] = {
    # Every morning: tell petitioners whose rating period closes soon (once per petition).
    "notify.rating_window": {
        "task": "xinfang.notify.tasks.remind_rating_window",
        "schedule": crontab(minute=0, hour=9),
    },
}

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


@shared_task(name="xinfang.notify.tasks.remind_rating_window")
def remind_rating_window() -> dict[str, int]:
    from xinfang.notify.petitioner import rating_window_reminders

    return rating_window_reminders()
