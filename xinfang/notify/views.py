"""Staff pages: my notifications with mark-read (the same services as the API)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.limits import parse_id
from xinfang.notify import selectors, services
from xinfang.workbench.access import staff_required, staff_user

PAGE_SIZE = 50


def _int(raw: str | None) -> int | None:
    return parse_id(raw)


@staff_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(user, unread=unread_only)
    before = _int(request.GET.get("before"))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    # Keyset page on id (ids grow with created_at): the cost stays flat however deep the page.
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "notify/list.html",
        {
            "nav": "notify",
            "rows": rows,
            "unread_only": unread_only,
            "next_before": rows[-1].pk if more else None,
            "unread": selectors.unread_count(user),
        },
    )


def _back(request: HttpRequest) -> HttpResponseBase:
    target = request.POST.get("next", "")
    if target.startswith("/workbench/notify/") and "//" not in target:
        return redirect(target)
    return redirect("notify:list")


@require_POST
@staff_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = staff_user(request)
    services.notification_mark_read(actor=user, notification=selectors.notification_get_own(user, pk))
    return _back(request)


@require_POST
@staff_required
def notification_read_all(request: HttpRequest) -> HttpResponseBase:
    services.notifications_mark_all_read(actor=staff_user(request))
    return _back(request)
