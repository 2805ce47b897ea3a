"""The inbox (工作台): tabs by role and step with counts, filters, search and keyset pagination."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.limits import parse_id
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.search.selectors import search_highlights, search_petitions
from xinfang.supervision.selectors import petition_levels
from xinfang.workbench import bulk, services
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import staff_required, staff_user
from xinfang.workbench.forms import InboxFilterForm
from xinfang.workbench.models import SavedView


@dataclass(frozen=True)
class Row:
    petition: Petition
    due: dt.date | None
    status: str  # running, due_soon (临期), overdue (超期), or "" without a running time limit
    level: str = ""  # warning level from the supervision thresholds: due_soon, overdue, severe (严重超期) or ""
    hit: SafeString | None = None  # where the search words occur (highlighted), when searching

    @property
    def level_label(self) -> str:
        from xinfang.supervision.models import WarningLevel

        return str(WarningLevel(self.level).label) if self.level else ""


def ranked_page(user: User, text: str, qs: Any) -> list[Petition]:
    """The best full-text matches within the filtered list, in rank order (two queries, at most one page)."""
    ids = search_petitions(user, text, within=qs, limit=wb.PAGE_SIZE)
    found = {p.pk: p for p in qs.filter(pk__in=ids).annotate(next_due=wb.next_due())}
    return [found[i] for i in ids if i in found]


def due_status(due: dt.date | None, today: dt.date) -> str:
    """The same rule as the API's ClockSerializer.status for a running obligation."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if (due - today).days <= settings.XINFANG_DUE_SOON_DAYS:
        return "due_soon"
    return "running"


def _query(user: User, params: QueryDict, today: dt.date, tabs: list[wb.Tab], counts: dict[str, int]) -> Any:
    tab = wb.TABS_BY_KEY.get(params.get("tab", "")) or wb.default_tab(tabs, counts)
    form = InboxFilterForm(params)
    return tab, form, wb.apply_filters(wb.tab_queryset(user, tab, today), user, form.filters())


def view_counts(request: HttpRequest, user: User, views: list[SavedView], today: dt.date) -> dict[int, int]:
    """One COUNT per saved view, computed once per request (the tab and filters the view stored)."""
    cached: dict[int, int] | None = getattr(request, "_saved_view_counts", None)
    if cached is None:
        cached = {}
        everything = [wb.TABS_BY_KEY["all"]]
        for view in views:
            params = wb.params_query(view.params)
            _tab, _form, qs = _query(user, params, today, everything, {})
            cached[view.pk] = qs.count()
        request._saved_view_counts = cached  # type: ignore[attr-defined]
    return cached


def _columns(params: QueryDict) -> list[str]:
    chosen = [c for c in params.getlist("cols") if c in wb.COLUMN_KEYS]
    return chosen or list(wb.COLUMN_KEYS)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    counts = wb.tab_counts(user, today)
    tabs = wb.tabs_for(user, counts)
    tab, form, qs = _query(user, request.GET, today, tabs, counts)
    if tab not in tabs:
        tabs = [t for t in wb.TABS if t in tabs or t == tab]
    filters = form.filters()
    sort = wb.Sort.parse(request.GET.get("sort"))
    after = request.GET.get("after")
    text = (request.GET.get("q") or "").strip()
    by_relevance = bool(text) and not request.GET.get("sort")
    if by_relevance:
        # A search without a chosen order is ranked (exact 编号 first, then relevance): the best matches, one page.
        petitions, next_cursor = ranked_page(user, text, qs), None
    else:
        petitions, next_cursor = wb.page(qs, sort, after)
    dues = [getattr(p, "next_due", None) for p in petitions]  # annotated by wb.page / ranked_page
    levels = petition_levels([p.pk for p in petitions], today)  # one query: the worst level of each row
    hits = search_highlights(text, petitions) if text else {}
    rows = [
        Row(p, due, due_status(due, today), levels.get(p.pk, ""), hits.get(p.pk))
        for p, due in zip(petitions, dues, strict=True)
    ]

    params = request.GET.copy()
    params["tab"] = tab.key
    params.pop("after", None)
    params.pop("view", None)
    first_page = params.urlencode()
    next_page = ""
    if next_cursor is not None:
        params["after"] = next_cursor
        next_page = params.urlencode()
    params.pop("after", None)
    saved = list(wb.saved_views_for(user))
    counted = view_counts(request, user, saved, today)
    current_view = parse_id(request.GET.get("view"))
    context = {
        "nav": "inbox",
        "tabs": [(t, counts.get(t.key)) for t in tabs],
        "counts": counts,
        "tab": tab,
        "form": form,
        "rows": rows,
        "today": today,
        "is_first_page": wb.decode_cursor(sort, after) is None,
        "first_page": first_page,
        "next_page": next_page,
        "filtered": filters.any,
        "drill_down": form.drill_down(),
        "page_size": wb.PAGE_SIZE,
        "sort": sort,
        "by_relevance": by_relevance,
        "headers": _headers(params, sort),
        "columns": _columns(request.GET),
        "column_choices": wb.COLUMNS,
        "saved_views": [(v, counted.get(v.pk, 0), wb.params_query(v.params).urlencode()) for v in saved],
        "current_view": next((v for v in saved if v.pk == current_view), None),
        "view_query": first_page,
        "bulk": bulk_toolbar(user),
        "drill_errors": [(name, form[name].label, message) for name, message in form.drill_errors()],
    }
    # A refused drill-down value (a hand-edited link from a figure): 400, naming the field; the list is empty.
    status = 400 if filters.invalid else 200
    return render(request, "workbench/inbox.html", context, status=status)


def bulk_toolbar(user: User) -> dict[str, Any]:
    """What the bulk toolbar offers: the actions, the unit's staff (承办人) and a unit picker in the user's area."""
    from xinfang.supervision.services import reply_days
    from xinfang.workbench.actionforms import UnitPicker

    unit = user.unit
    assert unit is not None  # noqa: S101 - staff_required
    chosen, options, more = wb.unit_options(unit.scope_path, exclude=unit.pk)
    vals = {"field": "to_unit", "prefix": "bulk", "multiple": "0", "petition": "", "type": "", "own": "1"}
    picker = UnitPicker(
        chosen=chosen,
        options=options,
        more=more,
        multiple=False,
        search_url=reverse("workbench:unit_search"),
        vals=json.dumps(vals),
    )
    return {
        "choices": bulk.choices_for(user),
        "reply_days": reply_days(),
        "max_reply_days": bulk.MAX_REPLY_DAYS,
        "staff": wb.unit_staff(unit.pk),
        "picker": picker,
        "feedback_days": settings.XINFANG_ASSIGN_FEEDBACK_DAYS,
        "max": bulk.MAX_ITEMS,
    }


@dataclass(frozen=True)
class Header:
    key: str  # the sort key
    column: str  # the column key (for the column chooser)
    label: str
    href: str
    aria_sort: str  # ascending, descending, or "" (not sorted by this column)


def _field_label(name: str) -> str:
    return str(capfirst(Petition._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


# (sort key, column key, label): 编号, 状态, 当前单位, 收到日期 and 期限.
_SORTABLE: tuple[tuple[str, str, Callable[[], str]], ...] = (
    ("number", "number", lambda: _field_label("number")),
    ("state", "state", lambda: _field_label("state")),
    ("unit", "current_unit", lambda: _field_label("current_unit")),
    ("received", "received_on", lambda: _field_label("received_on")),
    ("due", "due", lambda: gettext("Next time limit")),
)


def _headers(params: QueryDict, sort: wb.Sort) -> dict[str, Header]:
    """The sortable column headers: a link that sorts by the column (again: the other way) and aria-sort."""
    out = {}
    for key, column, label in _SORTABLE:
        q = params.copy()
        q["sort"] = sort.toggled(key)
        aria = ("descending" if sort.descending else "ascending") if sort.key == key else ""
        out[column] = Header(key, column, label(), q.urlencode(), aria)
    return out


@staff_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the current inbox query under a name (own, or shared with the unit)."""
    user = staff_user(request)
    params = QueryDict(request.POST.get("query", ""))
    try:
        view = services.saved_view_create(
            owner=user,
            name=request.POST.get("name", ""),
            params=wb.view_params(params),
            shared=request.POST.get("shared") == "on",
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(f"{reverse('workbench:inbox')}?{params.urlencode()}")
    messages.success(request, gettext("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('workbench:inbox')}?{wb.params_query(view.params).urlencode()}&view={view.pk}")


def _own_view(request: HttpRequest, pk: int) -> tuple[User, SavedView]:
    user = staff_user(request)
    view = wb.saved_views_for(user).filter(pk=pk).first()
    if view is None:
        raise Http404
    return user, view


@staff_required
@require_POST
def view_rename(request: HttpRequest, pk: int) -> HttpResponse:
    user, view = _own_view(request, pk)
    try:
        services.saved_view_rename(
            view=view, actor=user, name=request.POST.get("name", ""), shared=request.POST.get("shared") == "on"
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(f"{reverse('workbench:inbox')}?{wb.params_query(view.params).urlencode()}&view={view.pk}")


@staff_required
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user, view = _own_view(request, pk)
    try:
        services.saved_view_delete(view=view, actor=user)
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("workbench:inbox")
