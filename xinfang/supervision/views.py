"""The supervisor's desk (/workbench/supervision/): thin views over the selectors and services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.orgs.models import User
from xinfang.supervision import exports, selectors, services, typical_cases
from xinfang.supervision import forms as f
from xinfang.supervision.bulletin import bulletin_generate
from xinfang.supervision.models import Bulletin, OrderStatus, Recommendation, SupervisionOrder, WarningLevel
from xinfang.workbench.access import staff_required, staff_user

PAGE_SIZE = 20


def _page(request: HttpRequest, qs: QuerySet[Any], param: str, size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(qs, size).get_page(request.GET.get(param))


def _attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run a service; a refusal is shown at its field (or above the form). Returns None when refused."""
    try:
        return call()
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        return None


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    awaiting = selectors.recommendations_awaiting_feedback(user)
    counts = selectors.level_counts(user, today)
    context = {
        "nav": "supervision",
        "levels": [(level, counts[level.value]) for level in WarningLevel],
        "issued": _page(request, selectors.orders_issued_by_my_unit(user), "issued"),
        "received": _page(request, selectors.orders_awaiting_my_reply(user).order_by("reply_due", "id"), "received"),
        "listed": _page(request, selectors.listed_orders(user).order_by("reply_due", "id"), "listed"),
        "recommendations": _page(request, awaiting, "rec"),
        "overdue_feedback": awaiting.overdue(today).count(),
        "assignments": _page(request, selectors.overdue_assignments_for(user, today), "asg"),
        "interviews": _page(request, selectors.interviews_visible_to(user), "itv"),
        "bulletins": _page(request, selectors.bulletins_visible_to(user), "bul"),
        "bulletin_form": f.BulletinForm(),
        "can_issue": user.has_role(*services.SUPERVISING_ROLES),
    }
    return render(request, "supervision/desk.html", context)


@staff_required
def warnings(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    level = request.GET.get("level", "")
    if level not in WarningLevel.values:
        level = ""
    clocks = _page(request, selectors.warning_clocks(user, today, level), "page", 50)
    context = {"nav": "supervision", "clocks": clocks, "level": level, "levels": WarningLevel.choices}
    return render(request, "supervision/warnings.html", context)


@staff_required
def order_new(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = f.OrderForm(request.POST or None, user=user, initial={"petition": request.GET.get("petition", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        order = _attempt(
            form,
            lambda: services.order_issue(
                actor=user,
                data=services.OrderData(
                    target_unit=d["target_unit"],
                    matter=d["matter"],
                    requirements=d["requirements"],
                    petition=selectors.petition_by_key(user, d["petition"]),
                    reply_due=d["reply_due"],
                    is_listed=d["is_listed"],
                ),
            ),
        )
        if order is not None:
            messages.success(request, _("Supervision order %(n)s issued.") % {"n": order.number})
            return redirect("supervision:order", pk=order.pk)
    return render(
        request, "supervision/form.html", {"nav": "supervision", "form": form, "title": _("Issue a supervision order")}
    )


def _order_context(user: User, order: SupervisionOrder, **forms_: forms.Form) -> dict[str, Any]:
    is_target = user.unit_id == order.target_unit_id
    is_issuer = user.unit_id == order.issuing_unit_id and user.has_role(*services.SUPERVISING_ROLES)
    return {
        "nav": "supervision",
        "order": order,
        "log": order.log.all(),  # prefetched with each actor by order_get_visible
        "can_reply": is_target and order.is_open,
        "can_decide": is_issuer and order.status == OrderStatus.REPLIED,
        "reply_form": forms_.get("reply") or f.ReplyForm(),
        "close_form": forms_.get("close") or f.CloseForm(),
        "return_form": forms_.get("return") or f.ReturnForm(),
    }


@staff_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    order = selectors.order_get_visible(user, pk)
    return render(request, "supervision/order.html", _order_context(user, order))


@staff_required
@require_POST
def order_act(request: HttpRequest, pk: int, act: str) -> HttpResponseBase:
    user = staff_user(request)
    order = selectors.order_get_visible(user, pk)
    form: forms.Form
    if act == "reply":
        form = f.ReplyForm(request.POST)
        call = lambda: services.order_reply(actor=user, order=order, text=form.cleaned_data["text"])  # noqa: E731
    elif act == "close":
        form = f.CloseForm(request.POST)
        call = lambda: services.order_close(actor=user, order=order, note=form.cleaned_data["note"])  # noqa: E731
    elif act == "return":
        form = f.ReturnForm(request.POST)
        call = lambda: services.order_return(  # noqa: E731
            actor=user, order=order, reason=form.cleaned_data["reason"], reply_due=form.cleaned_data["reply_due"]
        )
    else:
        raise Http404
    if form.is_valid() and _attempt(form, call) is not None:
        messages.success(request, _("Saved."))
        return redirect("supervision:order", pk=order.pk)
    return render(request, "supervision/order.html", _order_context(user, order, **{act: form}), status=400)


@staff_required
def recommendation_new(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = f.RecommendationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rec = _attempt(
            form,
            lambda: services.recommendation_issue(
                actor=user,
                kind=d["kind"],
                to_unit=d["to_unit"],
                text=d["text"],
                petitions=selectors.petitions_by_keys(user, d["petitions"].split(), field="petitions"),
                feedback_due=d["feedback_due"],
            ),
        )
        if rec is not None:
            messages.success(request, _("Recommendation sent."))
            return redirect("supervision:recommendation", pk=rec.pk)
    return render(
        request,
        "supervision/form.html",
        {"nav": "supervision", "form": form, "title": _("Make a recommendation (Art. 40)")},
    )


def _recommendation(user: User, pk: int) -> Recommendation:
    rec = selectors.recommendations_visible_to(user).filter(pk=pk).first()
    if rec is None:
        raise Http404
    return rec


@staff_required
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    rec = _recommendation(user, pk)
    form = f.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.recommendation_feedback(
                actor=user, recommendation=rec, adoption=form.cleaned_data["adoption"], text=form.cleaned_data["text"]
            ),
        )
        if done is not None:
            messages.success(request, _("Feedback recorded."))
            return redirect("supervision:recommendation", pk=rec.pk)
    context = {
        "nav": "supervision",
        "rec": rec,
        "form": form,
        "can_answer": user.unit_id == rec.to_unit_id and rec.feedback_on is None,
        "overdue": rec.is_overdue,
    }
    return render(request, "supervision/recommendation.html", context, status=400 if form.errors else 200)


@staff_required
def interview_new(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = f.InterviewForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        interview = _attempt(
            form,
            lambda: services.interview_record(
                actor=user,
                unit=d["unit"],
                persons=d["persons"],
                reason=d["reason"],
                held_on=d["held_on"],
                conducted_by=d["conducted_by"],
                minutes=d["minutes"],
                rectifications=[services.Rectification(m, due) for m, due in d["rectifications"]],
            ),
        )
        if interview is not None:
            messages.success(request, _("Interview recorded."))
            return redirect("supervision:interview", pk=interview.pk)
    return render(
        request, "supervision/form.html", {"nav": "supervision", "form": form, "title": _("Record an interview")}
    )


@staff_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from xinfang.supervision.assignments import assignments_for
    from xinfang.supervision.models import AssignmentSource

    interview = selectors.interviews_visible_to(staff_user(request)).filter(pk=pk).first()
    if interview is None:
        raise Http404
    items = assignments_for(AssignmentSource.SUPERVISION, interview.pk).order_by("due")
    return render(request, "supervision/interview.html", {"nav": "supervision", "interview": interview, "items": items})


@staff_required
@require_POST
def bulletin_new(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = f.BulletinForm(request.POST)
    if form.is_valid():
        year, month = (int(x) for x in form.cleaned_data["month"].split("-"))
        unit = user.unit
        assert unit is not None  # noqa: S101 - staff_required
        bulletin = _attempt(form, lambda: bulletin_generate(unit=unit, month=dt.date(year, month, 1), actor=user))
        if bulletin is not None:
            return redirect("supervision:bulletin", pk=bulletin.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("supervision:desk")


def _bulletin(user: User, pk: int) -> Bulletin:
    bulletin = selectors.bulletins_visible_to(user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def _bulletin_page(
    request: HttpRequest, user: User, bulletin: Bulletin, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    may_choose = typical_cases.may_choose(user, bulletin)
    context = {
        "nav": "supervision",
        "bulletin": bulletin,
        "data": bulletin.data,
        "cases": [
            (case, typical_cases.case_line(case)) for case in typical_cases.bulletin_cases_visible_to(user, bulletin)
        ],
        "may_choose": may_choose,
        "may_approve": typical_cases.may_approve(user, bulletin),
        "case_form": (form or f.BulletinCaseForm(bulletin=bulletin)) if may_choose else None,
    }
    return render(request, "supervision/bulletin.html", context, status=status)


@staff_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    return _bulletin_page(request, user, _bulletin(user, pk))


@staff_required
@require_POST
def bulletin_case_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Choose a typical case (the issuing unit's supervisors, analysts, heads and leaders)."""
    user = staff_user(request)
    bulletin = _bulletin(user, pk)
    form = f.BulletinCaseForm(request.POST, bulletin=bulletin)
    if form.is_valid():
        d = form.cleaned_data

        def call() -> Any:
            petition = selectors.petition_by_key(user, d["petition"])
            if petition is None:  # the field is required; a blank key cannot reach here
                raise Http404
            return typical_cases.bulletin_case_add(
                actor=user,
                bulletin=bulletin,
                petition=petition,
                unit=d["unit"],
                verdict=d["verdict"],
                account=d["account"],
            )

        if _attempt(form, call) is not None:
            messages.success(request, _("Typical case chosen; it shows once approved."))
            return redirect("supervision:bulletin", pk=bulletin.pk)
    return _bulletin_page(request, user, bulletin, form, status=400)


@staff_required
@require_POST
def bulletin_case_approve(request: HttpRequest, pk: int, case_pk: int) -> HttpResponseBase:
    """The issuing unit's head or a leader approves a chosen case."""
    user = staff_user(request)
    bulletin = _bulletin(user, pk)
    case = typical_cases.bulletin_case_get(user, bulletin, case_pk)
    if case is None:
        raise Http404
    try:
        typical_cases.bulletin_case_approve(actor=user, case=case)
    except DomainError as error:
        messages.error(request, str(error.message))
        return _bulletin_page(request, user, bulletin, status=error.status_code)
    messages.success(request, _("Typical case approved."))
    return redirect("supervision:bulletin", pk=bulletin.pk)


@staff_required
def bulletin_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in {"docx", "xlsx"}:
        raise Http404
    return exports.download(_bulletin(staff_user(request), pk), fmt)
