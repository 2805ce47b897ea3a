"""The periodic-job infrastructure: schedule collected from the apps, the run log, the embedded scheduler."""

from __future__ import annotations

import datetime as dt
import sys
import types
from io import StringIO

import pytest
import time_machine
from celery import shared_task
from celery.schedules import crontab
from django.core.management import CommandError, call_command

from xinfang import jobs
from xinfang.celery import app as celery_app
from xinfang.notify.models import JobRun
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.petitions.workflow import State

TZ = dt.timezone(dt.timedelta(hours=8))


@shared_task(name="xinfang.notify.tests.test_jobs.broken_job")
def broken_job() -> None:
    raise RuntimeError("the sweep broke")


@pytest.fixture
def fake_apps(monkeypatch):
    """Two fake apps with tasks modules and one without."""
    a = types.ModuleType("fakeapp_a.tasks")
    a.SCHEDULE = {"a.daily": {"task": "fakeapp_a.tasks.daily", "schedule": crontab(hour=2, minute=0)}}
    b = types.ModuleType("fakeapp_b.tasks")
    b.SCHEDULE = {"b.weekly": {"task": "fakeapp_b.tasks.weekly", "schedule": crontab(day_of_week=1)}}
    for name, mod in {"fakeapp_a.tasks": a, "fakeapp_b.tasks": b}.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return a, b


def test_the_schedule_is_the_union_of_the_apps_schedules(fake_apps):
    schedule = jobs.build_beat_schedule(["fakeapp_a", "fakeapp_b", "xinfang.orgs"])  # orgs has no tasks module
    assert set(schedule) == {"a.daily", "b.weekly"}
    assert schedule["a.daily"]["task"] == "fakeapp_a.tasks.daily"


def test_a_job_name_declared_twice_is_an_error(fake_apps):
    fake_apps[1].SCHEDULE = {"a.daily": {"task": "fakeapp_b.tasks.x", "schedule": 60}}
    with pytest.raises(jobs.ScheduleError, match=r"a\.daily"):
        jobs.build_beat_schedule(["fakeapp_a", "fakeapp_b"])


def test_the_installed_schedule_includes_the_expiry_sweep_early_every_morning():
    schedule = celery_app.conf.beat_schedule
    entry = schedule["petitions.close_expired"]
    assert entry["task"] == "xinfang.petitions.tasks.close_expired"
    assert entry["schedule"] == crontab(hour=1, minute=30)
    assert entry["task"] in celery_app.tasks


@pytest.fixture
def expired_petition(personas):
    """A replied petition whose 复查 window (30 days from 4 May 2026) passed on 4 June."""
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=TZ), tick=False):
        petition, _ = register(personas.registrar_a)
        to_replied(personas, petition)
    return petition


@pytest.mark.django_db
def test_jobs_run_closes_expired_petitions_and_logs_a_job_run(expired_petition):
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 6, 4, 1, 30, tzinfo=TZ), tick=False):
        call_command("jobs", "run", "petitions.close_expired", stdout=out)
    expired_petition.refresh_from_db()
    assert expired_petition.state == State.CLOSED
    run = JobRun.objects.get()
    assert (run.name, run.outcome, run.summary) == ("petitions.close_expired", JobRun.Outcome.OK, "closed: 1")
    assert run.finished_at is not None and run.task == "xinfang.petitions.tasks.close_expired"
    assert "petitions.close_expired: ok" in out.getvalue()


@pytest.mark.django_db
def test_a_failing_job_is_logged_with_its_error(monkeypatch):
    schedule = {"test.broken": {"task": broken_job.name, "schedule": 60}}
    monkeypatch.setattr(jobs, "_schedule", schedule)
    with pytest.raises(CommandError):
        call_command("jobs", "run", "test.broken", stdout=StringIO(), stderr=StringIO())
    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.ERROR and run.error == "RuntimeError: the sweep broke"


@pytest.mark.django_db
def test_an_unknown_job_is_refused_naming_the_known_ones():
    with pytest.raises(CommandError, match=r"petitions\.close_expired"):
        call_command("jobs", "run", "nope")


@pytest.mark.django_db
def test_a_task_that_is_not_a_scheduled_job_writes_no_job_run(db):
    from xinfang.notify.tasks import deliver

    deliver.delay(999_999)  # a vanished notification: nothing to do
    assert not JobRun.objects.exists()


@pytest.fixture
def only_the_expiry_sweep(monkeypatch):
    """The loop tests schedule one job (other apps' jobs would also come due)."""
    entry = celery_app.conf.beat_schedule["petitions.close_expired"]
    monkeypatch.setattr(jobs, "_schedule", {"petitions.close_expired": entry})


@pytest.mark.django_db
def test_the_embedded_loop_runs_a_job_when_its_crontab_time_comes(expired_petition, only_the_expiry_sweep):
    sleeps: list[float] = []
    with time_machine.travel(dt.datetime(2026, 6, 4, 1, 0, tzinfo=TZ), tick=False) as clock:

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            clock.shift(dt.timedelta(minutes=20))

        # 01:00 not due (never run: first due at the next 01:30); 01:20 not due; 01:40 due and run; 02:00 not due.
        runs = jobs.run_loop(interval=30, iterations=4, sleep=sleep)
    assert runs == 1 and sleeps == [30, 30, 30]
    run = JobRun.objects.get()
    assert run.started_at == dt.datetime(2026, 6, 4, 1, 40, tzinfo=TZ)
    expired_petition.refresh_from_db()
    assert expired_petition.state == State.CLOSED


@pytest.mark.django_db
def test_a_run_missed_while_the_loop_was_down_is_made_up_once_at_start(db, only_the_expiry_sweep):
    JobRun.objects.create(
        name="petitions.close_expired",
        task="xinfang.petitions.tasks.close_expired",
        started_at=dt.datetime(2026, 6, 2, 1, 30, tzinfo=TZ),
        outcome=JobRun.Outcome.OK,
    )
    with time_machine.travel(dt.datetime(2026, 6, 4, 9, 0, tzinfo=TZ), tick=False):
        runs = jobs.run_loop(interval=1, iterations=2, sleep=lambda s: None)
    assert runs == 1
    assert JobRun.objects.count() == 2


@pytest.mark.django_db
def test_jobs_list_shows_each_job_and_its_last_run(db):
    out = StringIO()
    call_command("jobs", "list", stdout=out)
    assert "petitions.close_expired\txinfang.petitions.tasks.close_expired" in out.getvalue()
    assert "last run: never" in out.getvalue()
