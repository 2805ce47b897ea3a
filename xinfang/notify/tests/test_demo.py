from __future__ import annotations

import datetime as dt

import pytest

from xinfang.notify.demo import build_demo_notify
from xinfang.notify.models import JobRun, Notification

pytestmark = pytest.mark.django_db


def test_demo_runs_every_job_once_and_is_idempotent(personas, monkeypatch):
    from xinfang import jobs
    from xinfang.celery import app as celery_app

    entry = celery_app.conf.beat_schedule["petitions.close_expired"]
    monkeypatch.setattr(jobs, "_schedule", {"petitions.close_expired": entry})
    first = build_demo_notify(dt.date(2026, 6, 1))
    assert first["job_runs"] == 1 and JobRun.objects.get().outcome == JobRun.Outcome.OK
    assert Notification.objects.filter(kind="notify.welcome", recipient=personas.handler_b).exists()
    assert build_demo_notify(dt.date(2026, 6, 1)) == first
