"""Periodic jobs and deliveries on a real Redis broker and a real Celery worker (CI runs this).

With ``XINFANG_REDIS_URL`` set, the Celery app is switched from eager to that broker for the duration of the
test, a worker is started in a thread (``celery.contrib.testing.worker.start_worker``), and real tasks are
enqueued with ``.delay()``. The worker runs in another thread with its own database connection, so the test
commits its rows (``transaction=True``); the SQLite test database is a shared-cache in-memory database that
other threads of the process see, and PostgreSQL's is an ordinary database.

Without ``XINFANG_REDIS_URL`` the test is skipped — unless ``XINFANG_REQUIRE_REDIS=1``, when it fails, so CI
cannot skip it silently. Run it locally::

    redis-server --port 6390 --daemonize yes --save '' --appendonly no
    XINFANG_REDIS_URL=redis://127.0.0.1:6390/0 .venv/bin/python -m pytest xinfang/notify/tests/test_real_worker.py
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from celery.contrib.testing.tasks import ping  # noqa: F401 - registers celery.ping for the worker's check
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import OperationalError

from xinfang.celery import app as celery_app
from xinfang.core import timeutil
from xinfang.notify.models import Channel, JobRun, Notification, Status
from xinfang.notify.services import notify
from xinfang.petitions.tasks import close_expired
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.petitions.workflow import State

REDIS_URL = os.environ.get("XINFANG_REDIS_URL", "").strip()
REQUIRE_REDIS = os.environ.get("XINFANG_REQUIRE_REDIS", "").strip().lower() in {"1", "true", "yes", "on"}
SWITCHED = ("broker_url", "result_backend", "task_always_eager")

# Under pytest-xdist these tests must run one after another on one worker (``make test`` runs ``--dist loadfile``,
# which keeps a file together): each purges the shared Redis queue and starts a Celery worker on it, which would
# take the other test's tasks and run them against the wrong test database. Keep them in this one file.


def _reset_connections() -> None:
    """Drop the app's cached broker pools and result backend so the next use reads the current config.

    The pools themselves belong to kombu's process-wide registry (keyed by broker URL) and stay open for reuse.
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


@contextmanager
def broker_config(url: str) -> Iterator[None]:
    """Point the Celery app at ``url`` (not eager) and put the previous configuration back afterwards."""
    saved: dict[str, Any] = {key: celery_app.conf[key] for key in SWITCHED}
    celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_connections()


@pytest.fixture
def redis_broker() -> Iterator[str]:
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail("XINFANG_REQUIRE_REDIS=1 but XINFANG_REDIS_URL is not set: the real-worker test cannot run")
        pytest.skip("XINFANG_REDIS_URL is not set (no Redis to test a real worker against)")
    with broker_config(REDIS_URL):
        celery_app.control.purge()  # stale messages from an earlier, interrupted run
        yield REDIS_URL


def _wait_for(predicate: Any, timeout: float = 30.0) -> None:
    """Poll ``predicate`` until true. In SQLite's shared cache a read that meets the worker's open write fails
    at once with "table is locked" (no busy wait there): that poll counts as not yet, and the worker's own
    write, if it was the one refused, is retried by the task."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except OperationalError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.25)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_expiry_sweep_and_delivers_notifications(redis_broker, personas, caplog):
    # A petition replied 120 days ago: its 复查 window passed long before today.
    long_ago = timeutil.now() - dt.timedelta(days=120)
    with time_machine.travel(long_ago, tick=False):
        expired, _ = register(personas.registrar_a)
        to_replied(personas, expired)
    personas.handler_b.email = "wang@example.gov.cn"
    personas.handler_b.save(update_fields=["email"])

    with start_worker(celery_app, perform_ping_check=True, shutdown_timeout=30) as worker:
        assert not celery_app.conf.task_always_eager
        result = close_expired.delay()
        assert result.get(timeout=60) == {"closed": 1}
        assert result.state == "SUCCESS"

        rows = notify(
            kind="petitions.closed",
            subject="信访事项已办结",
            body="复查期限届满，事项已办结。",
            users=[personas.handler_b],
            addresses=[("sms", "13800000000")],
        )  # autocommit: on_commit fires at once and enqueues the deliveries on Redis
        external = [r.pk for r in rows if r.channel != Channel.INAPP]
        assert len(external) == 2
        _wait_for(lambda: Notification.objects.filter(pk__in=external, status=Status.SENT).count() == 2)
        assert worker.hostname  # ran on the thread worker, not in-process

    expired.refresh_from_db()
    assert expired.state == State.CLOSED
    run = JobRun.objects.get(name="petitions.close_expired")
    assert run.task_id == result.id  # logged by the worker under the broker's task id
    assert (run.outcome, run.summary) == (JobRun.Outcome.OK, "closed: 1")
    assert run.finished_at is not None
    email = Notification.objects.get(pk__in=external, channel=Channel.EMAIL)
    assert (email.attempts, email.sent_at is not None) == (1, True)
    assert [m.to for m in mail.outbox] == [["wang@example.gov.cn"]]


def test_switching_to_the_broker_is_undone_so_other_tests_stay_eager():
    before = {key: celery_app.conf[key] for key in SWITCHED}
    celery_app.conf.task_always_eager = True
    with broker_config("redis://127.0.0.1:1/15"):
        assert celery_app.conf.task_always_eager is False
        assert celery_app.conf.broker_url == "redis://127.0.0.1:1/15"
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.broker_url == before["broker_url"]
    assert celery_app.conf.result_backend == before["result_backend"]


@pytest.mark.django_db(transaction=True)
def test_every_scheduled_job_runs_on_the_real_worker_and_is_logged(redis_broker, personas):
    """Each job of the beat schedule (sweeps, 督办 escalation, reminders, schedules, bulletins, hot issues) is sent
    to Redis by its task name, exactly as beat sends it, and a worker runs it to a logged success."""
    from xinfang.jobs import beat_schedule

    register(personas.registrar_a)  # something for the sweeps to look at
    schedule = beat_schedule()
    assert len(schedule) >= 8, sorted(schedule)
    with start_worker(celery_app, perform_ping_check=True, shutdown_timeout=60):
        results = {name: celery_app.send_task(entry["task"]) for name, entry in schedule.items()}
        for name, result in results.items():
            result.get(timeout=120)
            assert result.state == "SUCCESS", name
    runs = {run.name: run for run in JobRun.objects.filter(task_id__in=[r.id for r in results.values()])}
    assert set(runs) == set(schedule)
    assert {name: run.outcome for name, run in runs.items()} == dict.fromkeys(schedule, JobRun.Outcome.OK)
