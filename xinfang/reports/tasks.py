"""Periodic jobs of the reports (Celery; thin wrappers around services the tests call directly)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.reports.services import reports_draft_monthly

SCHEDULE: dict[str, dict[str, Any]] = {
    # Each morning of the first ten days of a month; the service acts only on the month's first working day
    # (the deadlines calendar: holidays and 调休), and is idempotent.
    "reports.monthly_drafts": {
        "task": "xinfang.reports.tasks.monthly_drafts",
        "schedule": crontab(day_of_month="1-10", hour=7, minute=30),
    },
}


@shared_task(name="xinfang.reports.tasks.monthly_drafts")
def monthly_drafts() -> int:
    return reports_draft_monthly()
