"""The leader's desk (领导工作台): headline figures with 同比/环比 and trends (xinfang.stats), my reception days,
my appointments, my 包案 cases, and work assigned to my unit.

The parts come from their own apps' selectors and partial templates; this view only composes them, so each part
stays permission-limited by its own selector.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.casework.selectors import cases_owned_by
from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.instructions.views import desk_context as instruction_desk
from xinfang.reception.selectors import my_appointments, my_reception_days
from xinfang.stats import dashboards
from xinfang.stats.views import bad_request, range_context
from xinfang.supervision.assignments import assignments_visible_to
from xinfang.workbench.access import staff_required, staff_user

# How far ahead the desk lists reception days (the schedule pages show the whole year).
DESK_DAYS_AHEAD = 60
DESK_OPEN_ASSIGNMENTS = 20


@staff_required
def leader_desk(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    try:
        # the last complete month: 环比 against the month before, 同比 against the same month a year before
        view, rng, figures = range_context(request, user, default="last_month")
    except DomainError as error:
        return bad_request(request, error)
    open_assignments = assignments_visible_to(user).filter(done_on__isnull=True, unit=user.unit).order_by("due", "id")
    context = {
        **figures,
        "headlines": dashboards.headlines(view, rng),
        "nav": "desk",
        "today": today,
        "reception_days": my_reception_days(user, today, today + dt.timedelta(days=DESK_DAYS_AHEAD)),
        "appointments": my_appointments(user, today),
        "desk_cases": cases_owned_by(user, today),
        "assignments": list(open_assignments.select_related("unit")[:DESK_OPEN_ASSIGNMENTS]),
        **instruction_desk(request, user),  # 领导阅批: 待阅批 and what came of each instruction
    }
    return render(request, "workbench/desk.html", context)
