"""Write example reports (.docx) from whatever is in the database — it loads nothing itself.

Run it after ``manage.py load_demo --petitions 60`` (see docs/reports.md)::

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python manage.py report_examples --out docs/reports

It drafts (or reuses) the monthly 分析研判 of the last complete month and the Art. 41 annual report of that
month's year for one petition department (``--unit CODE``; by default the first city-level one, whose area holds
the whole demo), renders both as .docx and rolls the drafting back: the database is left as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.orgs.models import Level, Unit, UnitType
from xinfang.reports import figures as fig
from xinfang.reports.docx import render_docx
from xinfang.reports.services import report_draft_annual, report_draft_monthly


class _Rollback(Exception):
    """Raised to undo the drafting once the files are written."""


class Command(BaseCommand):
    help = "Write an example monthly report and an example annual report (.docx) from the database's data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="docs/reports", help="directory for the .docx files")
        parser.add_argument("--unit", default="", help="code of the petition department (default: first city one)")
        parser.add_argument("--month", default="", help="YYYY-MM (default: the last complete month)")
        parser.add_argument("--year", type=int, default=0, help="year of the annual report (default: the month's)")

    def _unit(self, code: str) -> Unit:
        depts = Unit.objects.active().filter(unit_type=UnitType.PETITION_DEPT)
        unit = depts.filter(code=code).first() if code else depts.filter(level=Level.CITY).order_by("path").first()
        if unit is None:
            raise CommandError(f"No petition department {code or 'at city level'}: run manage.py load_demo first.")
        return unit

    def _month(self, raw: str) -> dt.date:
        if not raw:
            return fig.add_months(timeutil.today().replace(day=1), -1)
        try:
            return dt.date.fromisoformat(f"{raw}-01")
        except ValueError:
            raise CommandError("--month must be YYYY-MM.") from None

    def handle(self, *args: Any, **options: Any) -> None:
        unit = self._unit(options["unit"])
        month = self._month(options["month"])
        year = options["year"] or month.year
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            with transaction.atomic():
                reports = {
                    "monthly-report-example.docx": report_draft_monthly(unit=unit, month=month),
                    "annual-report-example.docx": report_draft_annual(unit=unit, year=year),
                }
                for name, report in reports.items():
                    path = out / name
                    path.write_bytes(render_docx(report))
                    written.append(path)
                raise _Rollback
        except _Rollback:
            pass
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        for path in written:
            self.stdout.write(f"{path} ({unit.name})")
