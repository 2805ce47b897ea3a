"""Periodic jobs of xinfang.petitions: thin Celery wrappers around the sweep services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.petitions.services.sweeps import petitions_close_expired

SCHEDULE: dict[str, dict[str, Any]] = {
    # 办结 replied/reviewed petitions whose 复查/复核 window passed unused: daily, early morning (Asia/Shanghai).
    "petitions.close_expired": {
        "task": "xinfang.petitions.tasks.close_expired",
        "schedule": crontab(hour=1, minute=30),
    },
}


@shared_task(name="xinfang.petitions.tasks.close_expired")
def close_expired() -> dict[str, int]:
    return {"closed": petitions_close_expired()}
