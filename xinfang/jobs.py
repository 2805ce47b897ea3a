"""Periodic jobs: the schedule collected from the apps, the run log, and the in-process scheduler.

* Every ``xinfang.<app>.tasks`` module may declare ``SCHEDULE = {"<app>.<job>": {"task": ..., "schedule": ...}}``
  in Celery's ``beat_schedule`` format. :func:`build_beat_schedule` merges them; Celery beat and the
  embedded scheduler (``manage.py jobs loop``) use the same dict.
* Every run of a scheduled task writes a :class:`~xinfang.notify.models.JobRun`, however it ran — on a worker,
  eagerly, or through ``manage.py jobs run`` — because the log is written from Celery's task signals.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from celery import Task
from celery.result import EagerResult
from celery.schedules import BaseSchedule, maybe_schedule
from celery.signals import task_postrun, task_prerun
from django.apps import apps
from django.conf import settings

from xinfang.celery import app as celery_app
from xinfang.core import timeutil

logger = logging.getLogger("xinfang.jobs")

Schedule = dict[str, dict[str, Any]]


class ScheduleError(RuntimeError):
    """Two apps declared the same job name, or an entry is malformed."""


def xinfang_app_modules() -> list[str]:
    """``xinfang.<app>`` for every installed xinfang app, in INSTALLED_APPS order."""
    return [config.name for config in apps.get_app_configs() if config.name.startswith("xinfang.")]


def build_beat_schedule(modules: Iterable[str] | None = None) -> Schedule:
    """The union of the ``SCHEDULE`` dicts of ``<module>.tasks`` (apps without a tasks module are skipped)."""
    merged: Schedule = {}
    for module in xinfang_app_modules() if modules is None else modules:
        try:
            tasks = importlib.import_module(f"{module}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{module}.tasks":
                raise  # the tasks module exists but imports something missing: a real error
            continue
        schedule: Mapping[str, Mapping[str, Any]] = getattr(tasks, "SCHEDULE", {})
        for name, entry in schedule.items():
            if name in merged:
                raise ScheduleError(f"job {name!r} is declared twice (again in {module}.tasks)")
            if "task" not in entry or "schedule" not in entry:
                raise ScheduleError(f"job {name!r} in {module}.tasks needs 'task' and 'schedule'")
            merged[name] = dict(entry)
    return merged


_schedule: Schedule | None = None


def beat_schedule() -> Schedule:
    """The collected schedule, built once per process (after Django's apps are ready)."""
    global _schedule
    if _schedule is None:
        _schedule = build_beat_schedule()
    return _schedule


def install_schedule() -> None:
    """Give the Celery app its beat schedule. Called from ``NotifyConfig.ready``."""
    celery_app.conf.beat_schedule = beat_schedule()


def job_name_for_task(task_name: str) -> str | None:
    """The schedule name of a task, or None when the task is not a periodic job (e.g. ``deliver``)."""
    for name, entry in beat_schedule().items():
        if entry["task"] == task_name:
            return name
    return None


# --- the run log, written from Celery's signals: the same for worker, eager and command runs ---


def _summary(retval: Any) -> str:
    if retval is None:
        return ""
    if isinstance(retval, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in retval.items())[:2000]
    return str(retval)[:2000]


@task_prerun.connect
def _job_started(sender: Task | None = None, task_id: str = "", task: Task | None = None, **_: Any) -> None:
    if task is None:
        return
    name = job_name_for_task(task.name)
    if name is None:
        return
    from xinfang.notify.models import JobRun

    JobRun.objects.create(name=name, task=task.name, task_id=task_id or "", started_at=timeutil.now())


@task_postrun.connect
def _job_finished(
    sender: Task | None = None,
    task_id: str = "",
    task: Task | None = None,
    retval: Any = None,
    state: str = "",
    **_: Any,
) -> None:
    if task is None or job_name_for_task(task.name) is None:
        return
    from xinfang.notify.models import JobRun

    failed = isinstance(retval, BaseException) or state not in ("SUCCESS", "")
    error = ""
    if isinstance(retval, BaseException):
        error = "".join(traceback.format_exception_only(type(retval), retval)).strip()[:4000]
    JobRun.objects.filter(task_id=task_id, finished_at__isnull=True).update(
        finished_at=timeutil.now(),
        outcome=JobRun.Outcome.ERROR if failed else JobRun.Outcome.OK,
        summary="" if failed else _summary(retval),
        error=error,
    )


# --- running jobs in this process: ``manage.py jobs run`` and the embedded scheduler ---


def run_job(name: str) -> EagerResult:
    """Run one scheduled job now, in this process (whatever the broker settings). Errors are logged, not raised."""
    schedule = beat_schedule()
    if name not in schedule:
        raise KeyError(name)
    entry = schedule[name]
    task = celery_app.tasks[entry["task"]]
    result: EagerResult = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
    return result


def last_run_at(name: str) -> dt.datetime | None:
    from xinfang.notify.models import JobRun

    return JobRun.objects.filter(name=name).order_by("-started_at").values_list("started_at", flat=True).first()


def due_jobs(started: dt.datetime) -> list[str]:
    """Jobs due now by their schedule, counting from their last recorded run (or from ``started``)."""
    due = []
    for name, entry in beat_schedule().items():
        sched: BaseSchedule = maybe_schedule(entry["schedule"], app=celery_app)
        last = last_run_at(name) or started
        if sched.is_due(last).is_due:
            due.append(name)
    return due


def run_loop(
    *,
    interval: float | None = None,
    iterations: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_run: Callable[[str, EagerResult], None] | None = None,
) -> int:
    """The embedded scheduler: every ``interval`` seconds run the due jobs, one after another.

    A job never run before is first due at its next scheduled time after the loop starts (as with Celery beat);
    a run missed while the loop was down is made up once at start-up. Returns the number of runs.
    """
    interval = settings.XINFANG_JOBS_LOOP_SECONDS if interval is None else interval
    started = timeutil.now()
    runs = 0
    tick = 0
    while iterations is None or tick < iterations:
        tick += 1
        for name in due_jobs(started):
            logger.info("running job %s", name)
            result = run_job(name)
            runs += 1
            if on_run is not None:
                on_run(name, result)
        if iterations is None or tick < iterations:
            sleep(interval)
    return runs
