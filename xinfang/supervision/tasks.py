"""Periodic jobs of the supervision desk (Celery; each a thin wrapper around a service tests call directly)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from xinfang.supervision.bulletin import bulletins_generate_monthly
from xinfang.supervision.services import orders_escalate_overdue
from xinfang.supervision.sweep import overdue_sweep

SCHEDULE: dict[str, dict[str, Any]] = {
    # Early each morning: warning levels newly reached (临期 / 超期 / 严重超期), one message per owing unit.
    "supervision.overdue_sweep": {
        "task": "xinfang.supervision.tasks.sweep_overdue",
        "schedule": crontab(hour=6, minute=0),
    },
    # After the sweep: 督办单 whose written reply is overdue are escalated.
    "supervision.escalate_orders": {
        "task": "xinfang.supervision.tasks.escalate_orders",
        "schedule": crontab(hour=6, minute=30),
    },
    # The 1st of each month: last month's bulletin (通报) for every city and county petition department.
    "supervision.monthly_bulletin": {
        "task": "xinfang.supervision.tasks.monthly_bulletins",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
}


@shared_task(name="xinfang.supervision.tasks.sweep_overdue")
def sweep_overdue() -> dict[str, Any]:
    result = overdue_sweep()
    return {"written": result.written, "by_level": result.by_level, "units_notified": result.units_notified}


@shared_task(name="xinfang.supervision.tasks.escalate_orders")
def escalate_orders() -> int:
    return orders_escalate_overdue()


@shared_task(name="xinfang.supervision.tasks.monthly_bulletins")
def monthly_bulletins() -> int:
    return bulletins_generate_monthly()
