"""The inbox (工作台): tabs by role and step with counts, filters, search and keyset pagination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.core import timeutil
from xinfang.core.limits import parse_id
from xinfang.petitions.models import Petition
from xinfang.supervision.selectors import petition_levels
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import staff_required, staff_user
from xinfang.workbench.forms import InboxFilterForm


@dataclass(frozen=True)
class Row:
    petition: Petition
    due: dt.date | None
    status: str  # running, due_soon (临期), overdue (超期), or "" without a running time limit
    level: str = ""  # warning level from the supervision thresholds: due_soon, overdue, severe (严重超期) or ""

    @property
    def level_label(self) -> str:
        from xinfang.supervision.models import WarningLevel

        return str(WarningLevel(self.level).label) if self.level else ""


def due_status(due: dt.date | None, today: dt.date) -> str:
    """The same rule as the API's ClockSerializer.status for a running obligation."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if (due - today).days <= settings.XINFANG_DUE_SOON_DAYS:
        return "due_soon"
    return "running"


def _cursor(raw: str | None) -> int | None:
    return parse_id(raw)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    counts = wb.tab_counts(user, today)
    tabs = wb.tabs_for(user, counts)
    tab = wb.TABS_BY_KEY.get(request.GET.get("tab", "")) or wb.default_tab(tabs, counts)
    if tab not in tabs:
        tabs = [t for t in wb.TABS if t in tabs or t == tab]
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    qs = wb.apply_filters(wb.tab_queryset(user, tab, today), user, filters)
    petitions, next_cursor = wb.page(qs, _cursor(request.GET.get("after")))
    dues = [getattr(p, "next_due", None) for p in petitions]  # annotated by wb.page
    levels = petition_levels([p.pk for p in petitions], today)  # one query: the worst level of each row
    rows = [Row(p, due, due_status(due, today), levels.get(p.pk, "")) for p, due in zip(petitions, dues, strict=True)]

    params = request.GET.copy()
    params["tab"] = tab.key
    params.pop("after", None)
    first_page = params.urlencode()
    next_page = ""
    if next_cursor is not None:
        params["after"] = str(next_cursor)
        next_page = params.urlencode()
    context = {
        "nav": "inbox",
        "tabs": [(t, counts.get(t.key)) for t in tabs],
        "counts": counts,
        "tab": tab,
        "form": form,
        "rows": rows,
        "today": today,
        "is_first_page": _cursor(request.GET.get("after")) is None,
        "first_page": first_page,
        "next_page": next_page,
        "filtered": filters.any,
        "drill_down": form.drill_down(),
        "page_size": wb.PAGE_SIZE,
    }
    return render(request, "workbench/inbox.html", context)
