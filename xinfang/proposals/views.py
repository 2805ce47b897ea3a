"""Pages of people's proposals: the public side under /proposals/ and the staff desk and detail page.

Staff forms post to one view per action (``act``), which calls the same service as the API; a refused action
(``DomainError``) is shown at its field, with what was typed kept, and the page answers with the error's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core.errors import DomainError
from xinfang.core.files import protected_file_response
from xinfang.core.models import IdentitySurface
from xinfang.orgs.models import User
from xinfang.petitions.selectors import petition_get_visible
from xinfang.proposals import duplicates, selectors, services
from xinfang.proposals.forms import CallForm, FromPetitionForm, ProposalForm, action_form
from xinfang.proposals.models import Call, Proposal
from xinfang.proposals.workflow import Action
from xinfang.workbench.access import staff_required, staff_user

_RECEIPT_KEY = "proposal_receipt"


def _show_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def calls(request: HttpRequest) -> HttpResponse:
    """Open calls for proposals, and a link to make a proposal on any matter."""
    return render(request, "proposals/calls.html", {"calls": selectors.open_calls()})


def submit(request: HttpRequest, call_id: int | None = None) -> HttpResponseBase:
    call = get_object_or_404(selectors.open_calls(), pk=call_id) if call_id is not None else None
    form = ProposalForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            try:
                proposal = services.proposal_submit(call=call, **data)
            except DomainError as exc:
                _show_error(form, exc)
                status = exc.status_code
            else:
                request.session[_RECEIPT_KEY] = proposal.pk
                return redirect("proposals:receipt")
        else:
            status = 400
    return render(request, "proposals/submit.html", {"form": form, "call": call}, status=status)


def receipt(request: HttpRequest) -> HttpResponseBase:
    """回执 with the proposal number, shown to the browser that submitted it."""
    pk = request.session.get(_RECEIPT_KEY)
    proposal = Proposal.objects.select_related("receiving_unit").filter(pk=pk).first() if pk else None
    if proposal is None:
        return redirect("proposals:calls")
    return render(request, "proposals/receipt.html", {"proposal": proposal})


def adopted(request: HttpRequest) -> HttpResponse:
    """The public page of adopted proposals and what came of them: no proposer data is read or shown."""
    return render(request, "proposals/adopted.html", {"proposals": selectors.public_adopted()[:200]})


def public_attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    """An attachment on the public page: only of a published adopted proposal whose proposer published them."""
    found = selectors.public_attachment_get(number, attachment_id)
    return protected_file_response(found.file, filename=found.original_name, content_type=found.content_type)


# --- staff ------------------------------------------------------------------------------------------------------


def _desk(request: HttpRequest, user: User, **bound: forms.Form) -> dict[str, Any]:
    rows = selectors.proposals_visible_to(user).select_related("receiving_unit", "owning_unit", "duplicate_of")[:200]
    return {
        "proposals": rows,
        "calls": Call.objects.filter(unit=user.unit),
        "call_form": bound.get("call_form") or CallForm(prefix="call"),
        "from_petition_form": bound.get("from_petition_form") or FromPetitionForm(prefix="from_petition"),
        "nav": "proposals",
    }


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(request, "proposals/desk.html", _desk(request, user))


@staff_required
@require_POST
def call_new(request: HttpRequest) -> HttpResponseBase:
    """Publish a call for proposals of the user's unit (征集活动)."""
    user = staff_user(request)
    form = CallForm(request.POST, prefix="call")
    status = 400
    if form.is_valid():
        try:
            call = services.call_create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The call “%(topic)s” is published.") % {"topic": call.topic})
            return redirect("proposals:desk")
    return render(request, "proposals/desk.html", _desk(request, user, call_form=form), status=status)


@staff_required
@require_POST
def from_petition(request: HttpRequest) -> HttpResponseBase:
    """由信访事项转为人民建议: the holder closes a petition into a new proposal (Art. 29)."""
    user = staff_user(request)
    form = FromPetitionForm(request.POST, prefix="from_petition")
    status = 400
    if form.is_valid():
        try:
            petition = petition_get_visible(user, form.cleaned_data["petition"].strip())
        except Http404:
            form.add_error("petition", _("No petition with this number that you may see."))
        else:
            try:
                proposal = services.proposal_from_petition(
                    petition=petition, actor=user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                _show_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Petition %(petition)s is closed and continues as proposal %(proposal)s.")
                    % {"petition": petition.number, "proposal": proposal.number},
                )
                return redirect("proposals:detail", pk=proposal.pk)
    return render(request, "proposals/desk.html", _desk(request, user, from_petition_form=form), status=status)


def _render_detail(
    request: HttpRequest, user: User, proposal: Proposal, bound: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    actions = selectors.allowed_actions(user, proposal)
    action_forms = []
    for a in actions:
        form = bound if bound is not None and bound.prefix == a.value else action_form(a, user)
        action_forms.append((a, form))
    visible = selectors.proposals_visible_to(user)
    services.proposer_shown(user, proposal, IdentitySurface.PROPOSAL_PAGE)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "events": proposal.events.select_related("actor_unit"),
            "clocks": proposal.clocks.select_related("owing_unit"),
            "attachments": proposal.attachments.all(),
            "commendations": proposal.commendations.select_related("unit", "recorded_by"),
            "group": duplicates.group_of(proposal, visible),
            "action_forms": action_forms,
            "nav": "proposals",
        },
        status=status,
    )


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    proposal = selectors.proposal_get_visible(user, pk)
    return _render_detail(request, user, proposal)


def _run(action: Action, proposal: Proposal, user: User, data: dict[str, Any], request: HttpRequest) -> None:
    calls: dict[Action, Callable[[], Any]] = {
        Action.REFER: lambda: services.proposal_refer(proposal=proposal, actor=user, **data),
        Action.DECIDE: lambda: services.proposal_decide(proposal=proposal, actor=user, **data),
        Action.IMPLEMENT: lambda: services.proposal_implement(proposal=proposal, actor=user, **data),
        Action.COMMEND: lambda: services.proposal_commend(proposal=proposal, actor=user, **data),
        Action.CONVERT: lambda: services.proposal_convert_to_petition(proposal=proposal, actor=user, **data),
    }
    result = calls[action]()
    if action == Action.CONVERT:
        petition, code = result
        messages.success(
            request,
            _("Registered as petition %(number)s. Give the proposer this query code, shown only now: %(code)s")
            % {"number": petition.number, "code": code},
        )
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action.label})


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    """One workflow action from its form on the detail page (the service checks state, unit and role)."""
    user = staff_user(request)
    proposal = selectors.proposal_get_visible(user, pk)
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404 from None
    if chosen not in (Action.REFER, Action.DECIDE, Action.IMPLEMENT, Action.COMMEND, Action.CONVERT):
        raise Http404
    form = action_form(chosen, user, request.POST)
    status = 400
    if form.is_valid():
        try:
            _run(chosen, proposal, user, dict(form.cleaned_data), request)
        except DomainError as exc:
            _show_error(form, exc)
            status = exc.status_code
        else:
            return redirect("proposals:detail", pk=proposal.pk)
    proposal.refresh_from_db()
    return _render_detail(request, user, proposal, bound=form, status=status)


@staff_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """Download an attachment of a proposal the user may see (404 otherwise, as for petitions)."""
    proposal = selectors.proposal_get_visible(staff_user(request), pk)
    found = proposal.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return protected_file_response(found.file, filename=found.original_name, content_type=found.content_type)
