from __future__ import annotations

import datetime as dt

import pytest

from xinfang.notify.demo import build_demo_notify
from xinfang.notify.models import JobRun, Notification

pytestmark = pytest.mark.django_db

# The periodic jobs the apps declare today (their ``tasks.SCHEDULE``): the demo must log a run of each of them,
# and of any job added later.
KNOWN_JOBS = {
    "casework.backlog_scan",
    "casework.weekly_schedule",
    "insight.fingerprints",
    "insight.hot_issues",
    "petitions.close_expired",
    "reception.generate_sessions",
    "reception.send_reminders",
    "supervision.escalate_orders",
    "supervision.monthly_bulletin",
    "supervision.overdue_sweep",
}


def test_demo_runs_every_job_once_and_is_idempotent(personas):
    from xinfang import jobs

    scheduled = set(jobs.beat_schedule())
    assert scheduled >= KNOWN_JOBS

    first = build_demo_notify(dt.date(2026, 6, 1))

    runs = list(JobRun.objects.values_list("name", "outcome", "summary"))
    assert sorted(name for name, _, _ in runs) == sorted(scheduled)  # every job, each exactly once
    failed = {name: summary for name, outcome, summary in runs if outcome != JobRun.Outcome.OK}
    assert failed == {}
    assert first["job_runs"] == len(scheduled) and first["job_runs_failed"] == 0
    assert Notification.objects.filter(kind="notify.welcome", recipient=personas.handler_b).exists()

    assert build_demo_notify(dt.date(2026, 6, 1)) == first
    assert JobRun.objects.count() == len(scheduled)  # the second call ran nothing
