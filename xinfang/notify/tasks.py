"""Celery tasks of xinfang.notify: delivery of queued e-mail and SMS rows, with retries."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

# ``deliver`` is defined with the delivery it runs (services enqueue it; this module is what Celery discovers).
from xinfang.notify.delivery import deliver  # noqa: F401 - registers the task under its name here

SCHEDULE: dict[str, dict[str, Any]] = {
    # Every morning: tell petitioners whose rating period closes soon (once per petition).
    "notify.rating_window": {
        "task": "xinfang.notify.tasks.remind_rating_window",
        "schedule": crontab(minute=0, hour=9),
    },
}


@shared_task(name="xinfang.notify.tasks.remind_rating_window")
def remind_rating_window() -> dict[str, int]:
    from xinfang.notify.petitioner import rating_window_reminders

    return rating_window_reminders()
