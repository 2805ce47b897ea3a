"""Periodic jobs of xinfang.core: thin Celery wrappers around plain functions."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.core.idempotency import idempotency_records_expire


@shared_task(name="xinfang.core.tasks.expire_idempotency_records")
def expire_idempotency_records() -> int:
    """Delete Idempotency-Key records older than 24 hours (their answers may no longer be replayed)."""
    return idempotency_records_expire()


SCHEDULE: dict[str, dict[str, Any]] = {
    "core.expire_idempotency_records": {
        "task": "xinfang.core.tasks.expire_idempotency_records",
        "schedule": crontab(minute=20),  # hourly
    },
}
