"""网上信访 — guided online submission, its area and topic pickers, and the one-time receipt."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core.errors import DomainError
from xinfang.core.limits import is_id
from xinfang.core.prepared import prepared_statements
from xinfang.deadlines.rules import ClockKind
from xinfang.instructions import selectors as selectors_of_instructions
from xinfang.instructions.services import mailbox_submit
from xinfang.petitions import services
from xinfang.petitions.api.serializers import ClockSerializer
from xinfang.petitions.models import Petition, PetitionerKind
from xinfang.portal import selectors
from xinfang.portal.forms import (
    BaseRepresentativeFormSet,
    RepresentativeFormSet,
    SubmissionForm,
    apply_submission_error,
)
from xinfang.portal.models import CitizenProfile
from xinfang.portal.throttle import SUBMIT, throttle_wait, wait_minutes

RECEIPT_SESSION_KEY = "portal_receipt"


def _render_form(
    request: HttpRequest,
    form: SubmissionForm,
    formset: BaseRepresentativeFormSet,
    *,
    status: int = 200,
    show_errors: bool = True,
    files_dropped: bool = False,
    top_error: str = "",
) -> HttpResponse:
    level, code = selectors.deepest(form.selected(selectors.REGION_LEVELS), selectors.REGION_LEVELS)
    context: dict[str, Any] = {
        "form": form,
        "formset": formset,
        "show_errors": show_errors,
        "files_dropped": files_dropped,
        "top_error": top_error,
        "receiver": selectors.receiving_department(code) if code else None,
        "region_chosen": bool(level),
        "region_below": selectors.REGION_LEVELS[1:],
        "category_below": selectors.CATEGORY_LEVELS[1:],
        "formset_errors": show_errors and formset.group,
    }
    return render(request, "portal/submit.html", context, status=status)


def _as_typed(request: HttpRequest) -> tuple[SubmissionForm, BaseRepresentativeFormSet]:
    """The form showing what was typed, not yet judged (the no-JavaScript "show the next level" button, or a
    throttled submission): an unbound form whose initial values are the posted ones."""
    post = request.POST
    initial: dict[str, Any] = {name: post.get(name, "") for name in SubmissionForm.base_fields if name != "attachments"}
    initial["is_anonymous"] = bool(post.get("is_anonymous"))
    initial["is_joint"] = bool(post.get("is_joint"))
    initial["notify_opt_out"] = bool(post.get("notify_opt_out"))
    total = post.get("rep-TOTAL_FORMS", "0")
    count = min(int(total), 50) if is_id(total) else 0
    rows = [{"name": post.get(f"rep-{i}-name", ""), "phone": post.get(f"rep-{i}-phone", "")} for i in range(count)]
    formset = RepresentativeFormSet(
        initial=[r for r in rows if r["name"] or r["phone"]],
        group=post.get("petitioner_kind") == PetitionerKind.GROUP,
        anonymous=bool(post.get("is_anonymous")),
    )
    return SubmissionForm(initial=initial), formset


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The guided form. POST-redirect-GET to the receipt; on an error every typed value is shown again."""
    citizen = selectors.citizen_user(request)
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if citizen is not None:
            profile = CitizenProfile.objects.filter(user=citizen).first()
            initial["phone"] = profile.phone if profile else ""
        return _render_form(request, SubmissionForm(initial=initial), RepresentativeFormSet())

    files_dropped = bool(request.FILES)
    if "_refresh" in request.POST:
        form, formset = _as_typed(request)
        return _render_form(request, form, formset, show_errors=False, files_dropped=files_dropped)
    wait = throttle_wait(request, SUBMIT)
    if wait is not None:
        form, formset = _as_typed(request)
        message = _("Too many submissions from your connection. Wait %(minutes)s minutes, then send again.") % {
            "minutes": wait_minutes(wait)
        }
        return _render_form(request, form, formset, status=429, files_dropped=files_dropped, top_error=message)
    form = SubmissionForm(request.POST, request.FILES)
    formset = RepresentativeFormSet(
        request.POST,
        group=request.POST.get("petitioner_kind") == PetitionerKind.GROUP,
        anonymous=bool(request.POST.get("is_anonymous")),
    )
    form_ok = form.is_valid()
    formset_ok = formset.is_valid()
    if form_ok and formset_ok and form.receiving_unit is not None:
        try:
            data = form.to_intake(formset.representatives())
            chosen = form.cleaned_data.get("mailbox")
            mailbox = selectors_of_instructions.open_mailboxes().filter(pk=chosen).first() if chosen else None
            if mailbox is not None:  # 领导信箱: registered by the mailbox's petition department, to the leader's desk
                petition, code, _instruction = mailbox_submit(mailbox=mailbox, data=data, citizen=citizen)
            else:
                with prepared_statements():  # public submission, as through the API (issue 9, intake under load)
                    petition, code = services.petition_register(
                        actor=None, unit=form.receiving_unit, data=data, citizen=citizen
                    )
        except DomainError as exc:
            apply_submission_error(form, formset, exc)
        else:
            request.session.cycle_key()
            selectors.grant_tracking(request, petition)
            request.session[RECEIPT_SESSION_KEY] = {"number": petition.number, "code": code}
            return HttpResponseRedirect(reverse("portal:receipt"))
    return _render_form(request, form, formset, status=400, files_dropped=files_dropped)


@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    """回执 — 编号 and 查询码, the receiving unit and its first time limit. Shown once: the code is not stored."""
    data = request.session.pop(RECEIPT_SESSION_KEY, None)
    petition = None
    if isinstance(data, dict):
        petition = Petition.objects.select_related("registering_unit").filter(number=data.get("number")).first()
    if petition is None or not isinstance(data, dict):
        messages.info(request, _("The receipt is shown only once. Track your petition with its number and code."))
        return redirect("portal:track")
    clock = petition.clocks.filter(kind__in=[ClockKind.ROUTE, ClockKind.NOTICE]).select_related("owing_unit").first()
    context = {
        "petition": petition,
        "code": data.get("code", ""),
        "clock": ClockSerializer(clock).data if clock else None,
        "rules": _next_steps(),
    }
    return render(request, "portal/receipt.html", context)


def _next_steps() -> dict[str, int]:
    from xinfang.deadlines.rules import STATUTORY_RULES

    return {
        "route": STATUTORY_RULES[ClockKind.ROUTE].days,
        "notice": STATUTORY_RULES[ClockKind.NOTICE].days,
        "handle": STATUTORY_RULES[ClockKind.HANDLE].days,
    }


@require_GET
def region(request: HttpRequest) -> HttpResponse:
    """htmx: after a level of the area picker changes, the levels below it and the receiving department."""
    return _picker(request, selectors.REGION_LEVELS, "portal/partials/region_levels.html")


@require_GET
def category(request: HttpRequest) -> HttpResponse:
    """htmx: after a level of the topic picker changes, the levels below it."""
    return _picker(request, selectors.CATEGORY_LEVELS, "portal/partials/category_levels.html")


def _picker(request: HttpRequest, levels: tuple[str, ...], template: str) -> HttpResponse:
    changed = request.GET.get("level", "")
    if changed not in levels:
        changed = levels[0]
    upto = levels[: levels.index(changed) + 1]
    initial = {level: request.GET.get(level, "") for level in upto}
    form = SubmissionForm(initial=initial)
    _level, code = selectors.deepest(initial, levels)
    context = {
        "form": form,
        "below": levels[levels.index(changed) + 1 :],
        "receiver": selectors.receiving_department(code) if levels == selectors.REGION_LEVELS and code else None,
        "region_chosen": bool(code),
        "oob": True,
    }
    return render(request, template, context)
