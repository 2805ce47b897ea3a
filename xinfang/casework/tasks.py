"""Celery tasks of xinfang.casework: thin wrappers around the services (tests call the services directly)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.casework.schedule import weekly_schedules_build
from xinfang.casework.services import backlog_scan

SCHEDULE: dict[str, dict[str, Any]] = {
    # Monday 01:30: find new 积案 candidates by the configured rules before the week's scheduling.
    "casework.backlog_scan": {
        "task": "xinfang.casework.tasks.scan_backlog",
        "schedule": crontab(minute=30, hour=1, day_of_week="mon"),
    },
    # Monday morning: each leader's 每周调度 of their 包案 cases.
    "casework.weekly_schedule": {
        "task": "xinfang.casework.tasks.send_weekly_schedules",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}


@shared_task(name="xinfang.casework.tasks.scan_backlog")
def scan_backlog() -> dict[str, int]:
    return backlog_scan()


@shared_task(name="xinfang.casework.tasks.send_weekly_schedules")
def send_weekly_schedules() -> dict[str, int]:
    return weekly_schedules_build()
