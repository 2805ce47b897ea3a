"""Staff pages of 考核 and 专项工作: lists, a scheme's ranking and lines (each traceable to the petitions behind it),
contests and decisions, exports; a campaign's board, cases, 销号 and report. Every change goes through a service;
a refused one (``DomainError``) is shown on the page."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.assessment import forms as f
from xinfang.assessment import reports, selectors, services
from xinfang.assessment.models import (
    Campaign,
    Contest,
    ContestStatus,
    PetitionerView,
    Scheme,
    SchemeStatus,
    ScoreLine,
)
from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.files import protected_file_response
from xinfang.stats import catalogue, dashboards
from xinfang.workbench.access import staff_required, staff_user


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "assessment/index.html",
        {
            "nav": "assessment",
            "schemes": selectors.schemes_visible_to(user)[:100],
            "campaigns": selectors.campaigns_visible_to(user)[:100],
            "may_create": _may_create(user),
        },
    )


@dataclass(frozen=True)
class DrillLink:
    text: str
    url: str


def drill_links(user: Any, scheme: Scheme, line: ScoreLine) -> list[DrillLink]:
    """The petitions behind an indicator line: "counted N · on time M · late K" (denominator, numerator, rest).

    The figure is the issuing manager's dashboard narrowed to the unit: the facts placed on the unit's node, i.e.
    the petitions the unit *or a unit below it* dealt with (``PetitionAccess``) — the list's ``within`` filter —
    placed in the scheme's period by the event the rate counts (the day a notice or handling clock stopped, a
    rating was recorded, the reply was served, the first opinion was issued), with the predicate of
    ``stats.facts`` (``dashboards.rate_drill_params``). The numbers are the line's own: the list counts petitions,
    the figure clocks or ratings (a petition rated for both targets is one row, two ratings; see docs/assessment.md,
    "Drill-down"). 积案化解率 opens the unit's backlog board; the other desks' figures have no list to open."""
    if line.indicator is None:
        return []
    kpi = catalogue.BY_NAME[line.indicator.kpi]
    if kpi.desk == "casework":
        return [DrillLink(_("Backlog board"), reverse("casework:board") + f"?unit={line.unit_id}")]
    if kpi.desk or kpi.live:
        return []
    scope = [("within", str(line.unit_id))]
    start, end = scheme.period_start, scheme.period_end
    counted = dashboards.rate_drill_url(scope, kpi, start, end, dashboards.COUNTED)
    if not counted:
        return []
    links = [DrillLink(_("counted %(n)s") % {"n": line.denominator or 0}, counted)]
    words = dashboards.PART_LABELS.get(kpi.name)
    if words is not None:
        for part, word, n in (
            (dashboards.NUMERATOR, words[0], line.numerator or 0),
            (dashboards.REST, words[1], (line.denominator or 0) - (line.numerator or 0)),
        ):
            url = dashboards.rate_drill_url(scope, kpi, start, end, part)
            links.append(DrillLink(f"{word} {n}", url))
    return links


@staff_required
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    issuer = selectors.is_issuer(user, obj)
    lines = list(selectors.lines_visible_to(user, obj).order_by("unit__path", "indicator__position", "id"))
    rows = []
    for line in lines:
        kpi = catalogue.BY_NAME.get(line.indicator.kpi) if line.indicator else None
        rows.append(
            {
                "line": line,
                "label": kpi.label if kpi else "",
                "percent": None if line.value is None else round(line.value * 100, 1),
                "drills": drill_links(user, obj, line) if issuer or user.unit_id == line.unit_id else [],
                "contests": list(line.contests.all()),
                "can_contest": user.unit_id == line.unit_id
                and obj.status == "published"
                and not any(c.status == ContestStatus.PENDING for c in line.contests.all()),
            }
        )
    return render(
        request,
        "assessment/scheme.html",
        {
            "nav": "assessment",
            "scheme": obj,
            "issuer": issuer,
            "editable": issuer and obj.status == SchemeStatus.DRAFT,
            "ranking": selectors.ranking(obj),
            "indicators": [(i, catalogue.BY_NAME[i.kpi]) for i in obj.indicators.all()],
            "rows": rows,
            "decisions": [c for c in ContestStatus.choices if c[0] != ContestStatus.PENDING],
        },
    )


@staff_required
def scheme_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    if not selectors.is_issuer(user, obj) and obj.status != "published":
        raise Http404
    name = f"kaohe-{obj.year}-{obj.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            reports.scheme_xlsx(obj), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    response = HttpResponse(reports.scheme_csv(obj), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


@staff_required
@require_POST
def line_contest(request: HttpRequest, pk: int, line_id: int) -> HttpResponseBase:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    line = selectors.lines_visible_to(user, obj).filter(pk=line_id).first()
    if line is None:
        raise Http404
    try:
        services.line_contest(
            actor=user, line=line, reason=request.POST.get("reason", ""), evidence=request.POST.get("evidence", "")
        )
        messages.success(request, _("Your objection is recorded."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("assessment:scheme", pk=obj.pk)


@staff_required
@require_POST
def contest_decide(request: HttpRequest, pk: int, contest_id: int) -> HttpResponseBase:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    contest = Contest.objects.filter(pk=contest_id, line__scheme=obj).first()
    if contest is None:
        raise Http404
    raw = (request.POST.get("new_points") or "").strip()
    try:
        points = Decimal(raw) if raw else None
    except InvalidOperation:
        points = None
        messages.error(request, _("Give the new points as a number."))
        return redirect("assessment:scheme", pk=obj.pk)
    try:
        services.contest_decide(
            actor=user,
            contest=contest,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            new_points=points,
        )
        messages.success(request, _("The decision is recorded."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("assessment:scheme", pk=obj.pk)


@staff_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    obj = selectors.campaign_get_visible(user, pk)
    board = selectors.board(obj)
    manager = services.may_run_campaign(user, obj)
    return render(
        request,
        "assessment/campaign.html",
        {
            "nav": "assessment",
            "campaign": obj,
            "board": board,
            "rate_percent": None if board.rate is None else round(board.rate * 100, 1),
            "goal_percent": round(board.goal * 100, 1),
            "entries": list(selectors.campaign_cases_for(user, obj)),
            "pledges": list(obj.pledges.select_related("unit")),
            "progress": list(obj.progress.select_related("author")[:52]),
            "manager": manager,
            "views": PetitionerView.choices,
        },
    )


@staff_required
@require_POST
def sign_off(request: HttpRequest, pk: int, entry_id: int) -> HttpResponseBase:
    user = staff_user(request)
    obj = selectors.campaign_get_visible(user, pk)
    entry = selectors.campaign_cases_for(user, obj).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    try:
        services.campaign_case_sign_off(
            actor=user,
            entry=entry,
            evidence=request.POST.get("evidence", ""),
            petitioner_view=request.POST.get("petitioner_view", ""),
            note=request.POST.get("note", ""),
            evidence_file=request.FILES.get("evidence_file"),
        )
        messages.success(request, _("The case is signed off."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("assessment:campaign", pk=obj.pk)


@staff_required
def campaign_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = staff_user(request)
    obj = selectors.campaign_get_visible(user, pk)
    if fmt == "docx":
        response = HttpResponse(
            reports.campaign_docx(user, obj),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="campaign-{obj.pk}.docx"'
        return response
    if fmt != "csv":
        raise Http404
    response = HttpResponse(reports.campaign_csv(user, obj), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{obj.pk}.csv"'
    return response


# --- forms: creating and acting (each refusal shown at its field, with a 4xx status) ---


def _attempt(form: django_forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service; (its result, 200) or, refused, (None, the refusal's 4xx) with the message at its field."""
    try:
        return call(), 200
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return None, exc.status_code


def _form_page(
    request: HttpRequest, form: django_forms.Form, *, title: str, back: str, status: int = 200, **extra: Any
) -> HttpResponse:
    status = 400 if status == 200 and form.errors else status
    context = {"nav": "assessment", "form": form, "title": title, "back": back, **extra}
    return render(request, "assessment/form.html", context, status=status)


def _may_create(user: Any) -> bool:
    return bool(user.has_role(*selectors.MANAGER_ROLES) and user.oversees_below)


def _issued_scheme(request: HttpRequest, pk: int) -> tuple[Any, Scheme]:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    if not selectors.is_issuer(user, obj):
        raise PermissionDenied
    return user, obj


def _run_campaign(request: HttpRequest, pk: int) -> tuple[Any, Campaign]:
    user = staff_user(request)
    obj = selectors.campaign_get_visible(user, pk)
    if not services.may_run_campaign(user, obj):
        raise PermissionDenied
    return user, obj


@staff_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not _may_create(user):
        raise PermissionDenied
    form = f.SchemeForm(request.POST or None, user=user, initial={"year": timeutil.today().year})
    status = 200
    if request.method == "POST" and form.is_valid():
        created, status = _attempt(form, lambda: services.scheme_create(actor=user, **form.cleaned_data))
        if created is not None:
            messages.success(request, _("The scheme is created as a draft. Add its indicators."))
            return redirect("assessment:scheme", pk=created.pk)
    return _form_page(request, form, title=_("New assessment scheme"), back=reverse("assessment:index"), status=status)


@staff_required
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, obj = _issued_scheme(request, pk)
    form = f.IndicatorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(form, lambda: services.indicator_add(actor=user, scheme=obj, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The indicator is added."))
            return redirect("assessment:scheme", pk=obj.pk)
    back = reverse("assessment:scheme", args=[obj.pk])
    return _form_page(request, form, title=_("Add an indicator"), back=back, status=status, scheme=obj)


@staff_required
def indicator_change(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    user, obj = _issued_scheme(request, pk)
    indicator = obj.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    form = f.IndicatorForm(request.POST or None, initial=f.IndicatorForm.initial_of(indicator))
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(
            form, lambda: services.indicator_edit(actor=user, indicator=indicator, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("The indicator is changed."))
            return redirect("assessment:scheme", pk=obj.pk)
    back = reverse("assessment:scheme", args=[obj.pk])
    return _form_page(request, form, title=_("Change an indicator"), back=back, status=status, scheme=obj)


@staff_required
def adjustment_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, obj = _issued_scheme(request, pk)
    form = f.AdjustmentForm(request.POST or None, request.FILES or None, scheme=obj)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(form, lambda: services.adjustment_record(actor=user, scheme=obj, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The deduction or bonus is recorded."))
            return redirect("assessment:scheme", pk=obj.pk)
    back = reverse("assessment:scheme", args=[obj.pk])
    return _form_page(request, form, title=_("Record a deduction or bonus"), back=back, status=status, scheme=obj)


@staff_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponseBase:
    user, obj = _issued_scheme(request, pk)
    try:
        services.scheme_publish(actor=user, scheme=obj)
        messages.success(request, _("The results are published to the assessed units."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("assessment:scheme", pk=obj.pk)


@staff_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not _may_create(user):
        raise PermissionDenied
    form = f.CampaignForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        created, status = _attempt(form, lambda: services.campaign_create(actor=user, **form.cleaned_data))
        if created is not None:
            messages.success(request, _("The campaign is created. Add its cases."))
            return redirect("assessment:campaign", pk=created.pk)
    return _form_page(request, form, title=_("New campaign"), back=reverse("assessment:index"), status=status)


@staff_required
def campaign_cases_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add cases by rule (one form) or by hand by the petition's 编号 (the other)."""
    user, obj = _run_campaign(request, pk)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("add", "") if posted is not None else ""
    by_rule = f.ByRuleForm(posted if which == "rule" else None, prefix="rule")
    by_hand = f.AddCaseForm(posted if which == "hand" else None, prefix="hand")
    status = 200
    if which == "rule" and by_rule.is_valid():
        added, status = _attempt(
            by_rule,
            lambda: services.campaign_add_by_rule(actor=user, campaign=obj, kinds=by_rule.cleaned_data["kinds"]),
        )
        if added is not None:
            messages.success(request, _("%(n)s cases added by rule.") % {"n": added})
            return redirect("assessment:campaign", pk=obj.pk)
    elif which == "hand" and by_hand.is_valid():
        done, status = _attempt(
            by_hand,
            lambda: services.campaign_add_case_by_number(
                actor=user, campaign=obj, number=by_hand.cleaned_data["number"]
            ),
        )
        if done is not None:
            messages.success(request, _("The case is added."))
            return redirect("assessment:campaign", pk=obj.pk)
    elif posted is not None and which not in ("rule", "hand"):
        status = 400
        by_hand.add_error(None, _("Choose how to add cases."))
    if status == 200 and (by_rule.errors or by_hand.errors):
        status = 400
    context = {"nav": "assessment", "campaign": obj, "by_rule": by_rule, "by_hand": by_hand}
    return render(request, "assessment/campaign_cases.html", context, status=status)


@staff_required
def pledge_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, obj = _run_campaign(request, pk)
    form = f.PledgeForm(request.POST or None, request.FILES or None, campaign=obj)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(form, lambda: services.pledge_record(actor=user, campaign=obj, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The letter of responsibility is recorded."))
            return redirect("assessment:campaign", pk=obj.pk)
    back = reverse("assessment:campaign", args=[obj.pk])
    return _form_page(request, form, title=_("Record a letter of responsibility"), back=back, status=status)


@staff_required
def progress_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, obj = _run_campaign(request, pk)
    form = f.ProgressForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _attempt(
            form, lambda: services.campaign_progress_add(actor=user, campaign=obj, text=form.cleaned_data["text"])
        )
        if done is not None:
            messages.success(request, _("This week's progress is recorded."))
            return redirect("assessment:campaign", pk=obj.pk)
    back = reverse("assessment:campaign", args=[obj.pk])
    return _form_page(request, form, title=_("Weekly progress"), back=back, status=status)


# --- evidence files (after the same visibility check as the page that lists them) ---


@staff_required
def adjustment_file(request: HttpRequest, pk: int, line_id: int) -> HttpResponseBase:
    user = staff_user(request)
    obj = selectors.scheme_get_visible(user, pk)
    line = selectors.lines_visible_to(user, obj).filter(pk=line_id, adjustment__isnull=False).first()
    if line is None or line.adjustment is None or not line.adjustment.evidence_file:
        raise Http404
    file = line.adjustment.evidence_file
    return protected_file_response(file, filename=os.path.basename(file.name or "evidence"))


@staff_required
def campaign_file(request: HttpRequest, pk: int, what: str, item_id: int) -> HttpResponseBase:
    """A 责任状 file (``pledge``) or a 销号 evidence file (``case``: only of a case the viewer's board lists)."""
    user = staff_user(request)
    obj = selectors.campaign_get_visible(user, pk)
    if what == "pledge":
        pledge = obj.pledges.filter(pk=item_id).first()
        file = pledge.file if pledge is not None else None
    elif what == "case":
        entry = selectors.campaign_cases_for(user, obj).filter(pk=item_id).first()
        file = entry.evidence_file if entry is not None else None
    else:
        raise Http404
    if not file:
        raise Http404
    return protected_file_response(file, filename=os.path.basename(file.name or "file"))
