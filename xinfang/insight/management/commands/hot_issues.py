"""Hot issues (热点问题) from the command line.

    manage.py hot_issues --data FILE.csv --top N --output DIR [--since 2019-01-01] [--until …] [--region 9901]

Reads ``id,title,text`` (UTF-8; ``user``, ``time``, ``likes`` and ``against`` are used when present) and writes
``DIR/hot_issues.csv`` (``rank,issue_id,heat,time_range,place_people,description``) and
``DIR/hot_issue_messages.csv`` (``issue_id,message_id``).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinfang.insight.core.hot import DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS, hot_issues
from xinfang.insight.core.records import parse_time, write_csv
from xinfang.insight.management.reading import read_for_command


def _date(raw: str) -> dt.datetime:
    value = parse_time(raw)
    if value is None:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = "Cluster petitions into hot issues, rank them by heat and write them with their messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="CSV with id,title,text (+user,time,likes)")
        parser.add_argument("--top", required=True, type=int, help="how many issues to write")
        parser.add_argument("--output", required=True, type=Path, help="folder for the two CSV files")
        parser.add_argument("--since", type=_date, help="first day of the window (YYYY-MM-DD)")
        parser.add_argument("--until", type=_date, help="last moment of the window (YYYY-MM-DD [HH:MM])")
        parser.add_argument("--region", default="", help="division code prefix, e.g. 9901 for A市")
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="similarity to join an issue")
        parser.add_argument(
            "--window-days", type=int, default=DEFAULT_WINDOW_DAYS, help="days of silence that close an issue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] < 1:
            raise CommandError(_("--top must be at least 1"))
        started = time.perf_counter()
        messages = read_for_command(options["data"], self.stderr)
        until = options["until"]
        if until is not None and until.time() == dt.time(0):
            until = until + dt.timedelta(days=1, microseconds=-1)  # a date alone means the whole day
        issues = hot_issues(
            messages,
            top=options["top"],
            threshold=options["threshold"],
            window_days=options["window_days"],
            since=options["since"],
            until=until,
            region=options["region"],
        )
        out: Path = options["output"]
        write_csv(
            out / "hot_issues.csv",
            ["rank", "issue_id", "heat", "time_range", "place_people", "description"],
            (
                [rank, i.issue_id, f"{i.heat:.2f}", i.time_range, i.place_people, i.description]
                for rank, i in enumerate(issues, start=1)
            ),
        )
        write_csv(
            out / "hot_issue_messages.csv",
            ["issue_id", "message_id"],
            ([i.issue_id, mid] for i in issues for mid in i.message_ids),
        )
        self.stdout.write(
            _("%(k)d hot issues from %(n)d petitions in %(s).1f s → %(out)s")
            % {"k": len(issues), "n": len(messages), "s": time.perf_counter() - started, "out": out}
        )
