"""Celery tasks of xinfang.stats: thin wrappers (tests call xinfang.stats.facts directly)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.core import timeutil
from xinfang.petitions.models import PetitionEvent
from xinfang.stats.facts import refresh

SCHEDULE: dict[str, dict[str, Any]] = {
    # 02:10 nightly: re-derive the petitions with events in the last two days. Events inserted with bulk_create
    # (the window sweep) send no signal; this brings their petitions' facts up to date.
    "stats.reconcile": {
        "task": "xinfang.stats.tasks.reconcile_recent",
        "schedule": crontab(minute=10, hour=2),
    },
}


@shared_task(name="xinfang.stats.tasks.reconcile_recent")
def reconcile_recent(days: int = 2, batch: int = 2000) -> dict[str, int]:
    since = timeutil.now() - dt.timedelta(days=days)
    ids = sorted(set(PetitionEvent.objects.filter(at__gte=since).values_list("petition_id", flat=True)))
    for i in range(0, len(ids), batch):
        refresh(ids[i : i + batch])
    return {"petitions": len(ids)}
