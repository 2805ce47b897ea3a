"""``manage.py jobs list|run NAME|loop``: the periodic jobs without Redis (the embedded default).

``loop`` is the embedded scheduler that ``make run`` starts beside the web server: it runs due jobs by the same
crontab schedule as Celery beat, one at a time, and every run is logged as a JobRun. Only one loop runs per
machine (a lock file under var/).
"""

from __future__ import annotations

import fcntl
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from celery.result import EagerResult
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang import jobs


class Command(BaseCommand):
    help = "List, run or schedule the periodic jobs in this process (no Redis or Celery worker needed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="the jobs, their schedules and last runs")
        run = sub.add_parser("run", help="run one job now")
        run.add_argument("name", help="job name as in `jobs list`, e.g. petitions.close_expired")
        loop = sub.add_parser("loop", help="run due jobs by their schedule until stopped")
        loop.add_argument("--interval", type=float, default=None, help="seconds between checks")
        loop.add_argument("--iterations", type=int, default=None, help="stop after this many checks")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "run":
            self._run(options["name"])
        else:
            self._loop(options["interval"], options["iterations"])

    def _list(self) -> None:
        for name, entry in sorted(jobs.beat_schedule().items()):
            last = jobs.last_run_at(name)
            when = last.isoformat(timespec="seconds") if last else "never"
            self.stdout.write(f"{name}\t{entry['task']}\t{entry['schedule']}\tlast run: {when}")

    def _report(self, name: str, result: EagerResult) -> None:
        if result.successful():
            self.stdout.write(f"{name}: ok {result.result}")
        else:
            self.stderr.write(f"{name}: error {result.result!r}")

    def _run(self, name: str) -> None:
        try:
            result = jobs.run_job(name)
        except KeyError:
            known = ", ".join(sorted(jobs.beat_schedule())) or "none"
            raise CommandError(f"no job named {name!r} (known: {known})") from None
        self._report(name, result)
        if not result.successful():
            raise CommandError(f"{name} failed")

    def _loop(self, interval: float | None, iterations: int | None) -> None:
        lock_path = Path(settings.BASE_DIR) / "var" / "jobs-loop.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CommandError(f"another `jobs loop` holds {lock_path}") from None
            self.stdout.write(f"jobs loop: {len(jobs.beat_schedule())} job(s); Ctrl-C to stop")
            try:
                jobs.run_loop(interval=interval, iterations=iterations, on_run=self._report)
            except KeyboardInterrupt:
                self.stdout.write("jobs loop: stopped")
