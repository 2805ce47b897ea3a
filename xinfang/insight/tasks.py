"""Celery tasks of xinfang.insight: thin wrappers around the services (tests call the services directly)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.core import timeutil
from xinfang.insight.services import backfill_fingerprints, compute_hot_issues

SCHEDULE: dict[str, dict[str, Any]] = {
    # Every night: the hot issues of every city and county over the recent window, for the analysts' morning.
    "insight.hot_issues": {
        "task": "xinfang.insight.tasks.snapshot_hot_issues",
        "schedule": crontab(minute=30, hour=2),
    },
    # Every night, before the snapshot: index any petition whose after-commit fingerprint was missed.
    "insight.fingerprints": {
        "task": "xinfang.insight.tasks.fingerprint_missing",
        "schedule": crontab(minute=0, hour=2),
    },
}


@shared_task(name="xinfang.insight.tasks.snapshot_hot_issues")
def snapshot_hot_issues() -> dict[str, int]:
    return compute_hot_issues(timeutil.today())


@shared_task(name="xinfang.insight.tasks.fingerprint_missing")
def fingerprint_missing() -> int:
    return backfill_fingerprints()
