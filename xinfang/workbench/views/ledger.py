"""台账: export of the workbench lists (inbox tabs and search, with the list's filters), and import of past ledgers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.orgs.models import Role, User
from xinfang.petitions.ledger_import import MAX_FILE_BYTES, MAX_ROWS, ledger_import, template_rows
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import refuse, staff_required, staff_user
from xinfang.workbench.forms import InboxFilterForm
from xinfang.workbench.ledger import Export, export_response, xlsx_file_response


@staff_required
def inbox_export(request: HttpRequest) -> HttpResponseBase:
    """The inbox tab (default: everything visible) with the same filters and search as on screen, every page."""
    user = staff_user(request)
    today = timeutil.today()
    tab = wb.TABS_BY_KEY.get(request.GET.get("tab", "")) or wb.TABS_BY_KEY["all"]
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    if filters.invalid:  # a hand-edited drill-down value: refused as on screen, never an empty file that looks right
        field, message = form.drill_errors()[0]
        return HttpResponse(f"{field}: {message}", status=400, content_type="text/plain; charset=utf-8")
    qs = wb.apply_filters(wb.tab_queryset(user, tab, today), user, filters)
    qs = wb.sorted_rows(qs, wb.Sort.parse(request.GET.get("sort")))  # the list's order
    name = f"台账-{tab.key}-{today.isoformat()}"
    return export_response(Export(user=user, queryset=qs, name=name, today=today), request.GET.get("format", ""))


def _desk_petitions(user: User, source: str, params: QueryDict, today: dt.date) -> QuerySet[Petition] | None:
    """The petitions behind a desk's list, with that list's filters; None for an unknown list."""
    if source == "warnings":  # 预警: time limits needing attention, optionally by level (supervision)
        from xinfang.supervision import selectors as sv
        from xinfang.supervision.models import WarningLevel

        level = params.get("level", "")
        clocks = sv.warning_clocks(user, today, level if level in WarningLevel.values else "")
        return Petition.objects.filter(pk__in=clocks.order_by().values("petition_id"))
    if source == "supervision":  # 督办: the orders this user sees that concern a petition
        from xinfang.supervision import selectors as sv

        orders = sv.orders_visible_to(user).filter(petition__isnull=False)
        return Petition.objects.filter(pk__in=orders.order_by().values("petition_id"))
    if source == "backlog":  # 积案: the board's cases with its filters
        from xinfang.casework import selectors as cw

        cases = cw.filter_cases(cw.cases_visible_to(user), cw.filters_from(params), today)
        return Petition.objects.filter(pk__in=cases.order_by().values("petition_id"))
    return None


@staff_required
def desk_export(request: HttpRequest, source: str) -> HttpResponseBase:
    """台账 of a desk list (预警, 督办, 积案): its petitions, never beyond what the petition list shows the user."""
    user = staff_user(request)
    today = timeutil.today()
    try:
        qs = _desk_petitions(user, source, request.GET, today)
    except DomainError as exc:
        return HttpResponse(str(exc), status=exc.status_code, content_type="text/plain; charset=utf-8")
    if qs is None:
        raise Http404
    visible = petitions_visible_to(user).filter(pk__in=qs.values("pk"))
    name = f"台账-{source}-{today.isoformat()}"
    return export_response(Export(user=user, queryset=visible, name=name, today=today), request.GET.get("format", ""))


# ---------------------------------------------------------------- import of a past 台账


@staff_required
def ledger_template(request: HttpRequest) -> HttpResponseBase:
    """The import template: the header row and one example row (.xlsx)."""
    header, *rows = template_rows()
    return xlsx_file_response(rows, "台账导入模板", header=header)


@staff_required
def ledger_import_page(request: HttpRequest) -> HttpResponseBase:
    """Upload a past 台账: 检查 (dry run) reports each bad row and column; 导入 imports all rows or none."""
    user = staff_user(request)
    if not user.has_role(Role.REGISTRAR, Role.ADMIN):
        return refuse(request, gettext("Only a registrar (or an administrator) of a unit can import a ledger into it."))
    context: dict[str, Any] = {"nav": "ledger_import", "limits": {"rows": MAX_ROWS, "mb": MAX_FILE_BYTES // 2**20}}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = request.POST.get("commit") != "1"
        if upload is None:
            context["error"] = gettext("Choose the ledger file to upload.")
            status = 400
        else:
            try:
                context["report"] = ledger_import(
                    actor=user, upload=upload, name=upload.name or "", size=upload.size or 0, dry_run=dry_run
                )
            except DomainError as exc:
                context["error"] = str(exc)
                status = exc.status_code
            else:
                if not context["report"].ok:
                    status = 400
    return render(request, "workbench/ledger_import.html", context, status=status)
