"""Demo reports: last month's 分析研判, last year's Art. 41 annual report and this year's (year to date) of each city
and county petition department, drafted from the demo year (``petitions.demo.build_demo_history``). Idempotent.

The demo history covers the 12 months before today, so last year's report holds only its tail; this year's draft
is the one that shows the figures (its period is the calendar year, its figures run to today)."""

from __future__ import annotations

import datetime as dt

from xinfang.core import timeutil
from xinfang.orgs.models import Unit, UnitType
from xinfang.reports import figures as fig
from xinfang.reports.services import MONTHLY_LEVELS, report_draft_annual, report_draft_monthly


def build_demo_reports(today: dt.date | None = None) -> dict[str, int]:
    today = today or timeutil.today()
    month = fig.add_months(today.replace(day=1), -1)
    depts = Unit.objects.active().filter(unit_type=UnitType.PETITION_DEPT, level__in=MONTHLY_LEVELS).order_by("path")
    made = {"monthly": 0, "annual": 0, "annual_to_date": 0}
    for dept in depts:
        report_draft_monthly(unit=dept, month=month)
        report_draft_annual(unit=dept, year=today.year - 1)
        report_draft_annual(unit=dept, year=today.year)  # the existing draft if already made: no duplicate
        made["monthly"] += 1
        made["annual"] += 1
        made["annual_to_date"] += 1
    return made
