"""Staff pages of the casework desk: backlog board, case page with its forms, marking by hand, schedules.

Thin views: input is validated with the API's serializers and every change goes through the same service
(``actions.ACTIONS``). A refused action (``DomainError``) is shown on the page with everything typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.casework import selectors, services
from xinfang.casework.actions import ACTIONS
from xinfang.casework.models import (
    AGE_LABELS,
    BacklogCase,
    BacklogRule,
    CaseKind,
    CaseStatus,
    QuietBasis,
    QuietStatus,
    Resolution,
    WeeklySchedule,
)
from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.limits import parse_id
from xinfang.orgs.models import Level, User
from xinfang.petitions.selectors import petition_get_visible
from xinfang.workbench.access import staff_required, staff_user

PAGE_SIZE = 50


def _errors(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        out: list[str] = []
        for value in detail.values():
            out.extend(_errors(value))
        return out
    if isinstance(detail, list):
        return [str(x) for item in detail for x in _errors(item)]
    return [str(detail)]


@staff_required
def board(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    error = ""
    try:
        filters = selectors.filters_from(request.GET)
    except DomainError as exc:
        filters, error = selectors.BoardFilters(), str(exc.message)
    summary = selectors.board(user, filters, today)
    qs = selectors.filter_cases(selectors.cases_visible_to(user), filters, today)
    after = request.GET.get("after", "")
    if (after_id := parse_id(after)) is not None:
        qs = qs.filter(pk__lt=after_id)
    rows = list(qs.select_related("petition", "unit", "leader").order_by("-id")[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("after", None)
    next_page = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        params["after"] = str(rows[-1].pk)
        next_page = params.urlencode()
        params.pop("after")
    context = {
        "nav": "casework",
        "summary": summary,
        "rate_percent": round(summary.resolution_rate * 100, 1) if summary.resolution_rate is not None else None,
        "age_labels": AGE_LABELS,
        "rows": rows,
        "today": today,
        "next_page": next_page,
        "first_page": params.urlencode(),
        "is_first_page": after_id is None,
        "error": error,
        "params": request.GET,
        "statuses": CaseStatus.choices,
        "kinds": CaseKind.choices,
        "levels": Level.choices,
        # The rules' values; the board's filter keeps its own short labels (the rules' labels are sentences).
        "rule_choices": [
            (BacklogRule.AGE.value, _("Age")),
            (BacklogRule.REPEAT.value, _("Repeat")),
            (BacklogRule.REVIEW.value, _("Review stage")),
        ],
    }
    return render(request, "casework/board.html", context)


def _case_context(
    user: User, case: BacklogCase, *, form: str = "", data: Any = None, errors: Any = None
) -> dict[str, Any]:
    today = timeutil.today()
    is_manager = user.has_role(*services.MANAGER_ROLES)
    is_party = is_manager or user.pk == case.leader_id or user.unit_id == case.responsible_unit_id
    status = case.status
    milestones = list(case.milestones.select_related("unit", "assignment").order_by("due", "id"))
    return {
        "nav": "casework",
        "case": case,
        "petition": case.petition,
        "today": today,
        "age_days": case.age_days(today),
        "milestones": milestones,
        "progress": list(case.progress.select_related("author")[:100]),
        "events": list(case.events.select_related("actor")),
        "can_decide": is_manager and status == CaseStatus.CANDIDATE,
        "can_take_charge": is_manager and status in (CaseStatus.CANDIDATE, CaseStatus.OPEN, CaseStatus.IN_CHARGE),
        "can_work": is_party and status == CaseStatus.IN_CHARGE,
        "can_progress": is_party and status in (CaseStatus.OPEN, CaseStatus.IN_CHARGE),
        "can_close": (is_manager or user.pk == case.leader_id) and status == CaseStatus.IN_CHARGE,
        "leaders": selectors.leader_choices(user) if is_manager else [],
        "kinds": CaseKind.choices,
        "outcomes": Resolution.choices,
        "quiet_choices": QuietStatus.choices,
        "bases": QuietBasis.choices,
        "form": form,
        "data": data or {},
        "errors": errors or [],
        "user_unit_id": user.unit_id,
    }


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = selectors.case_get_visible(user, pk)
    return render(request, "casework/case.html", _case_context(user, case))


@require_POST
@staff_required
def case_act(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    user = staff_user(request)
    case = selectors.case_get_visible(user, pk)
    spec = ACTIONS.get(name)
    if spec is None:
        raise Http404
    ser = spec.serializer(data=request.POST)
    if not ser.is_valid():
        ctx = _case_context(user, case, form=name, data=request.POST, errors=_errors(ser.errors))
        return render(request, "casework/case.html", ctx, status=400)
    try:
        spec.call(case, user, dict(ser.validated_data))
    except DomainError as exc:
        ctx = _case_context(user, case, form=name, data=request.POST, errors=[str(exc.message)])
        return render(request, "casework/case.html", ctx, status=exc.status_code)
    messages.success(request, _("Saved."))
    return redirect("casework:case", pk=case.pk)


@require_POST
@staff_required
def milestone_complete(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponseBase:
    user = staff_user(request)
    case = selectors.case_get_visible(user, pk)
    milestone = case.milestones.select_related("assignment", "case").filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    result = str(request.POST.get("result", ""))
    try:
        services.milestone_complete(actor=user, milestone=milestone, result=result)
    except DomainError as exc:
        ctx = _case_context(user, case, form=f"complete-{milestone.pk}", data=request.POST, errors=[str(exc.message)])
        return render(request, "casework/case.html", ctx, status=exc.status_code)
    messages.success(request, _("Milestone reported done."))
    return redirect("casework:case", pk=case.pk)


@staff_required
def mark(request: HttpRequest) -> HttpResponseBase:
    """Mark a petition as 积案 or 重点 by hand, with the reason."""
    user = staff_user(request)
    data: dict[str, str] = {
        "petition": str(request.GET.get("petition", "")),
        "kind": CaseKind.BACKLOG.value,
        "reason": "",
    }
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        data = {k: str(request.POST.get(k, "")).strip() for k in ("petition", "kind", "reason")}
        try:
            petition = petition_get_visible(user, data["petition"]) if data["petition"] else None
        except Http404:
            petition = None
        if petition is None:
            errors.append(_("No petition with number %(n)s that you can see.") % {"n": data["petition"]})
            status = 400
        else:
            try:
                case = services.case_mark(actor=user, petition=petition, kind=data["kind"], reason=data["reason"])
            except DomainError as exc:
                errors.append(str(exc.message))
                status = exc.status_code
            else:
                messages.success(request, _("Marked."))
                return redirect("casework:case", pk=case.pk)
    return render(
        request,
        "casework/mark.html",
        {"nav": "casework", "data": data, "errors": errors, "kinds": CaseKind.choices},
        status=status,
    )


@staff_required
def mine(request: HttpRequest) -> HttpResponse:
    """My 包案 cases and my latest weekly schedule."""
    user = staff_user(request)
    today = timeutil.today()
    return render(
        request,
        "casework/mine.html",
        {
            "nav": "casework",
            "desk_cases": selectors.cases_owned_by(user, today)[:100],
            "today": today,
            "schedule": selectors.latest_schedule(user),
        },
    )


@staff_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = WeeklySchedule.objects.filter(pk=pk, leader_id=user.pk).first()
    if item is None:
        raise Http404
    return render(request, "casework/schedule.html", {"nav": "casework", "schedule": item})
