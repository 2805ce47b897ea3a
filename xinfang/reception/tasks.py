"""Periodic jobs of the reception desk: thin Celery wrappers around plain service functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.core import timeutil
from xinfang.reception import services

# How far ahead sessions are generated from the schedules (the citizens' calendar shows them once published).
GENERATE_AHEAD_DAYS = 92


@shared_task(name="xinfang.reception.tasks.send_reminders")
def send_reminders() -> int:
    """SMS reminders for tomorrow's bookings and invitations (each sent once)."""
    return services.send_reminders(timeutil.today())


@shared_task(name="xinfang.reception.tasks.generate_sessions")
def generate_sessions() -> int:
    """Sessions for the coming quarter from every schedule (idempotent)."""
    today = timeutil.today()
    return services.sessions_generate_all(today, today + dt.timedelta(days=GENERATE_AHEAD_DAYS))


SCHEDULE: dict[str, dict[str, Any]] = {
    "reception.send_reminders": {
        "task": "xinfang.reception.tasks.send_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "reception.generate_sessions": {
        "task": "xinfang.reception.tasks.generate_sessions",
        "schedule": crontab(hour=1, minute=30),
    },
}
