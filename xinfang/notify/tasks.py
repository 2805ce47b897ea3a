"""Celery tasks of xinfang.notify: delivery of queued e-mail and SMS rows, with retries."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from xinfang.notify.services import notification_deliver

SCHEDULE: dict[str, dict[str, Any]] = {}


@shared_task(bind=True, name="xinfang.notify.tasks.deliver", acks_late=True)
def deliver(self: Any, notification_id: int) -> bool:
    """Send one notification; on failure retry with a growing delay, then record it as failed."""
    max_attempts: int = settings.XINFANG_NOTIFY_MAX_ATTEMPTS
    final = self.request.retries + 1 >= max_attempts
    ok = notification_deliver(notification_id, final=final)
    if not ok and not final:
        delay = settings.XINFANG_NOTIFY_RETRY_SECONDS * (2**self.request.retries)
        raise self.retry(countdown=delay, max_retries=max_attempts - 1)
    return ok
