"""Staff pages of 领导阅批: the leader's list and one instruction's page; the desk and petition-page parts.

Thin: parse a form, call one service, render. Rules live in ``services``; reads in ``selectors``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.instructions import selectors, services
from xinfang.instructions.forms import GiveForm, ReadForm, RequestForm
from xinfang.instructions.models import Instruction, InstructionStatus
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_visible
from xinfang.workbench.access import staff_required, staff_user

WAITING_PAGE = 10  # 待阅批 rows per page on the desk
GIVEN_PAGE = 10  # instructions with their outcome per page


def _page(request: HttpRequest, param: str, rows: Any, size: int) -> Any:
    return Paginator(rows, size).get_page(request.GET.get(param))


def desk_context(request: HttpRequest, user: User) -> dict[str, Any]:
    """The leader's desk parts: 待阅批 oldest first, and what came of each instruction given (paginated)."""
    waiting = _page(request, "waiting_page", selectors.waiting_for(user), WAITING_PAGE)
    given = _page(request, "given_page", selectors.given_by(user), GIVEN_PAGE)
    return {
        "today": timeutil.today(),
        "instructions_waiting": waiting,
        "instructions_given": given,
        "instruction_outcomes": selectors.with_outcomes(list(given.object_list)),
    }


def petition_card(user: User, petition: Petition) -> dict[str, Any]:
    """The instruction card of the petition page (staff only), with the 呈阅 form for the petition department."""
    rows = list(selectors.for_petition(user, petition))
    may_request = bool(
        user.unit is not None and user.unit.is_petition_department and user.has_role(*services.REQUESTER_ROLES)
    )
    return {
        "instruction_outcomes": selectors.with_outcomes(rows),
        "instruction_request_form": RequestForm(user=user) if may_request else None,
    }


def _detail(request: HttpRequest, user: User, instruction: Instruction, **forms: Any) -> HttpResponse:
    may_act = services.may_act_for(user, instruction.leader)
    waiting = instruction.status != InstructionStatus.INSTRUCTED
    context = {
        "outcome": selectors.with_outcomes([instruction])[0],
        "give_form": forms.get("give") or (GiveForm(user=user) if may_act and waiting else None),
        "read_form": forms.get("read")
        or (ReadForm() if may_act and instruction.status == InstructionStatus.WAITING else None),
        "may_release": instruction.status == InstructionStatus.INSTRUCTED
        and instruction.released_at is None
        and instruction.given_by is not None
        and services.may_act_for(user, instruction.given_by),
        "nav": "desk",
        "today": timeutil.today(),
    }
    status = 400 if forms else 200
    return render(request, "instructions/detail.html", context, status=status)


@staff_required
@require_GET
def instruction_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(request, "instructions/list.html", {**desk_context(request, user), "nav": "desk"})


@staff_required
@require_GET
def instruction_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = staff_user(request)
    return _detail(request, user, selectors.instruction_get_visible(user, pk))


@staff_required
@require_POST
def instruction_give(request: HttpRequest, pk: str) -> HttpResponseBase:
    user = staff_user(request)
    instruction = selectors.instruction_get_visible(user, pk)
    form = GiveForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.instruction_give(
                actor=user, instruction=instruction, text=data["text"], units=list(data["units"]), due=data["due"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Instruction given; each unit named has it as an assignment."))
            return redirect("instructions:detail", pk=instruction.pk)
    return _detail(request, user, instruction, give=form)


@staff_required
@require_POST
def instruction_read(request: HttpRequest, pk: str) -> HttpResponseBase:
    user = staff_user(request)
    instruction = selectors.instruction_get_visible(user, pk)
    form = ReadForm(request.POST)
    if form.is_valid():
        try:
            services.instruction_mark_read(actor=user, instruction=instruction, note=form.cleaned_data["note"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Marked as read."))
            return redirect("instructions:detail", pk=instruction.pk)
    return _detail(request, user, instruction, read=form)


@staff_required
@require_POST
def instruction_release(request: HttpRequest, pk: str) -> HttpResponseBase:
    user = staff_user(request)
    instruction = selectors.instruction_get_visible(user, pk)
    try:
        services.instruction_release(actor=user, instruction=instruction)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The instruction is now shown to the petitioner."))
    return redirect("instructions:detail", pk=instruction.pk)


@staff_required
@require_POST
def instruction_request(request: HttpRequest, key: str) -> HttpResponseBase:
    """呈阅 from the petition page."""
    user = staff_user(request)
    petition = petition_get_visible(user, key)
    form = RequestForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.instruction_request(
                actor=user, petition=petition, leader=form.cleaned_data["leader"], note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Put before the leader for reading."))
            return redirect("workbench:petition", key=petition.number)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else str(message))
    return redirect("workbench:petition", key=petition.number)
