"""Issue 13: the demo drafts last month's 分析研判, last year's Art. 41 annual report and this year's (year to date),
so that the demo shows an annual report with content although its history covers only the 12 months before today;
running it again makes no second draft."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.orgs.models import Unit
from xinfang.petitions.demo import build_demo_history, build_demo_petitions
from xinfang.reports.demo import build_demo_reports
from xinfang.reports.models import Report, ReportKind
from xinfang.stats import facts

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_drafts_this_years_annual_report_with_the_history_in_it_and_runs_twice() -> None:
    # Late in the year: the history (received 1–12 months ago) falls mostly into this calendar year.
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=TZ), tick=False):
        tree = build_demo_tree()
        create_demo_staff(tree)
        build_demo_petitions(tree, count=0)  # the county staff the history needs, no petitions of the demo month
        assert build_demo_history(tree, per_month=1) > 0
        facts.rebuild()
        today = dt.date(2026, 11, 16)

        made = build_demo_reports(today)
        depts = made["monthly"]
        assert depts > 0 and made == {"monthly": depts, "annual": depts, "annual_to_date": depts}
        annual = Report.objects.filter(kind=ReportKind.ANNUAL)
        assert sorted({r.period_start for r in annual}) == [dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
        assert annual.filter(period_start=dt.date(2026, 1, 1)).count() == depts

        county_dept = Unit.objects.get(pk=tree.dept(tree.area("A1区"), "petition").pk)
        this_year = annual.get(unit=county_dept, period_start=dt.date(2026, 1, 1))
        last_year = annual.get(unit=county_dept, period_start=dt.date(2025, 1, 1))
        # This year's draft carries the history received January to October; last year's only its tail.
        assert this_year.figures["kpis"]["received"] > last_year.figures["kpis"]["received"]
        assert this_year.figures["kpis"]["received"] >= 10

        count = Report.objects.count()
        assert build_demo_reports(today) == made
        assert Report.objects.count() == count  # idempotent: the existing drafts stand
